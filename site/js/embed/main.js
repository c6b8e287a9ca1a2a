// embed/main.js: embed.html, a compact lab for course pages (README "Embedding"). Wiring only:
// the runs, charts, history and transport are the lab's own modules (js/lab/*, js/charts/*).
//
// URL (query string, same keys as the lab's link, state.js): every lab setting, step, chapter, lang,
// plus panels, controls, text, autoplay, theme, api, lazy. Lazy start (default): the precomputed
// default runs show at once; Python (≈ 16 MB) loads only after a click on "Run in your browser".
import { boot, setStatus } from "../platform/boot.js";
import { t, applyStatic, setLanguage, registerLanguage } from "../platform/i18n.js";
import pl from "../strings/pl.js";
import { createState, deserialize, serialize, SCHEMA } from "../state.js";
import { labConfig, canon } from "../lab/config.js";
import { buildPanels, SIDES } from "../lab/panels.js";
import { createController } from "../lab/controller.js";
import { loadPrecomputed, precomputedSource, liveSource } from "../lab/source.js";
import { trajectoryData, trajectoryCaption, lossData, symmetryData, gradNormData, boundaryData, networkData } from "../lab/views.js";
import { gridFor } from "../lab/forward.js";
import { CHAPTER_IDS } from "../tour/tour.js";
import { panelIds, controlSet, embedKeys } from "./params.js";
import { startHeightReports, reportStatus, loadAllowList, listenForCommands } from "./messages.js";

registerLanguage("pl", pl);

const $ = (id) => document.getElementById(id);
const root = document.documentElement;

// ---- the URL, parsed once --------------------------------------------------------------------
const query = location.search || location.hash;
const { values, notices } = deserialize(query);
await applyChapterPreset(values, new URLSearchParams(query.slice(1)));
const state = createState(values);

/** A link that names a chapter but no run setting gets that chapter's lab preset (the presets are
 *  pyinit.tour's, shipped by build.py as data/tour-presets.json, so no Python is needed for this). */
async function applyChapterPreset(v, params) {
  const runKeys = SCHEMA.filter((s) => s.group === "run").map((s) => s.name);
  if (!params.has("chapter") || runKeys.some((k) => params.has(k))) return;
  try {
    const r = await fetch("data/tour-presets.json");
    const preset = r.ok ? (await r.json()).chapters[v.chapter - 1] : null;
    if (preset) Object.assign(v, preset.state);
  } catch { /* no presets file (an old build): the defaults stay */ }
}
const v0 = state.all();
root.dataset.theme = v0.theme;
setLanguage(v0.lang);
applyStatic();
const reducedMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
const controls = controlSet(v0);
const targetStep = v0.step;
let pendingStep = targetStep > 0 ? targetStep : null; // the link's step, until the runs have reached it

function notice(text) {
  const p = document.createElement("p");
  p.textContent = text; // never HTML: the message may quote the URL's key names
  $("embed-notice").append(p);
  $("embed-notice").hidden = false;
}
for (const n of notices) notice(t(n.error.key, { ...n.error.params, name: n.name }));

// ---- static parts: chapter text, panels, transport -------------------------------------------
if (v0.text && CHAPTER_IDS[v0.chapter - 1]) {
  const id = CHAPTER_IDS[v0.chapter - 1];
  const box = $("embed-text");
  for (const [tag, key, cls] of [["h2", "title", ""], ["p", "body", ""], ["p", "formula", "formula"], ["p", "takeaway", "takeaway"]]) {
    const k = `tour.${id}.${key}`;
    const s = t(k);
    if (s === `[${k}]`) continue;
    const el = document.createElement(tag);
    el.textContent = s;
    if (cls) el.className = cls;
    box.append(el);
  }
  box.hidden = false;
}
const { charts, cells, whoLabels } = buildPanels($("panels"), panelIds(v0));
const btn = { reset: $("btn-reset"), back: $("btn-back"), step: $("btn-step"), play: $("btn-play") };
for (const [name, el] of Object.entries(btn)) el.hidden = !controls.has(name);
$("timeline").hidden = !controls.has("timeline");
$("transport").hidden = controls.size === 0;
const speedSelect = $("speed");
speedSelect.closest(".inline-ctl").hidden = !controls.has("speed");
speedSelect.value = v0.speed;
speedSelect.addEventListener("change", () => state.set({ speed: speedSelect.value }));

const controller = createController({ getSpeed: () => Number(state.get("speed")), onChange: () => schedule() });
btn.play.addEventListener("click", () => controller.toggle());
btn.step.addEventListener("click", () => controller.step());
btn.back.addEventListener("click", () => controller.back());
btn.reset.addEventListener("click", () => reset());
$("scrubber").addEventListener("input", () => controller.seek(Number($("scrubber").value)));

// ---- sources ----------------------------------------------------------------------------------
let pre = null, py = null, grid = null, phase = "idle";
const runBtn = $("btn-run");
const startBox = $("embed-start");
const startNote = $("embed-start-note");
function setPhase(p, note) {
  phase = p;
  root.dataset.embedPhase = p;
  if (note !== undefined) startNote.textContent = note;
  reportStatus(p, currentStep());
}
const currentStep = () => { const s = controller.source; return s && s.history.length ? s.history.record(controller.cursor).step : null; };

function useSource(src, opts) {
  root.dataset.hasRuns = "1";
  grid = gridFor(src.data.X);
  controller.setSource(src, opts);
  for (const p of Object.values(charts)) for (const c of Object.values(p)) c.reset && c.reset();
  drawn.clear();
  schedule();
}

/** Move the cursor to `step` (training live up to it if needed). */
async function goTo(step) {
  const src = controller.source;
  if (!src) return;
  if (src.kind === "live" && src.history.lastStep < step) {
    startNote.textContent = t("embed.jumping", { step: String(step) });
    while (src.history.lastStep < step && controller.source === src) {
      const got = await src.more(Math.min(10000, step - src.history.lastStep));
      if (!got) break;
    }
    startNote.textContent = "";
  }
  controller.seek(src.history.indexOfStep(step));
}

const matchesPrecomputed = () => pre && canon(labConfig(state.all())) === canon(pre.config);

/** The run settings changed (setState from the host page): new runs at step 0. */
async function rebuild() {
  controller.pause();
  if (phase === "live") { useSource(await liveSource(py, labConfig(state.all()))); return; }
  if (matchesPrecomputed()) { useSource(precomputedSource(pre)); return; }
  await startPython();
}

let booted = null;
/** Start Python (once per embed), then continue the shown runs live, or build them. */
function startPython() {
  if (booted) return booted.ready;
  runBtn.disabled = true;
  setPhase("loading", t("embed.loading"));
  setStatus("loading");
  $("boot").hidden = false;
  booted = boot();
  py = booted.py;
  return booted.ready.then(async ({ versions }) => {
    const src = controller.source;
    const v = state.all();
    const wasPlaying = controller.playing;
    if (src && src.kind === "precomputed" && matchesPrecomputed()) {
      await controller.whenIdle();
      const live = await liveSource(py, labConfig(v), src.history);
      controller.setSource(live, { keepCursor: true });
    } else {
      useSource(await liveSource(py, labConfig(v)));
      if (v.autoplay && !reducedMotion && pendingStep === null) controller.play();
    }
    if (pendingStep !== null) { const s = pendingStep; pendingStep = null; await goTo(s); }
    if (wasPlaying) controller.play();
    startBox.hidden = true;
    $("embed-status").textContent = t("status.live", versions);
    setPhase("live", "");
    setStatus("ready");
  }, (err) => {
    setPhase("error", err.message);
    runBtn.disabled = false;
    throw err;
  });
}
runBtn.addEventListener("click", () => { startPython().catch(() => {}); });

async function reset() {
  controller.pause();
  const src = controller.source;
  if (!src) return;
  if (src.kind === "live") useSource(await liveSource(py, labConfig(state.all())));
  else controller.seek(0);
}

async function start() {
  pre = await loadPrecomputed().catch(() => null);
  const v = state.all();
  if (matchesPrecomputed()) {
    useSource(precomputedSource(pre));
    if (pendingStep !== null && pendingStep <= controller.source.history.lastStep) {
      controller.seek(controller.source.history.indexOfStep(pendingStep));
      pendingStep = null;
    }
    if (pendingStep !== null) controller.seek(controller.source.history.length - 1); // continues live after Run
    setPhase("precomputed", t(pendingStep !== null ? "embed.needsPython" : "embed.precomputed"));
    if (v.autoplay && !reducedMotion && pendingStep === null) controller.play();
  } else {
    setPhase("idle", t("embed.needsPython"));
  }
  if (!v.lazy) startPython().catch(() => {});
  schedule();
}

// ---- rendering (at most once per animation frame) ---------------------------------------------
const drawn = new Map();
let scheduled = 0;
function schedule() { if (!scheduled) scheduled = requestAnimationFrame(render); }
const fmt = (x) => (Number.isFinite(x) ? x.toPrecision(4) : "–");
const pct = (x) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : "–");

function jobs() {
  const src = controller.source;
  if (!src) return [];
  const H = src.history, cur = controller.cursor, v = state.all();
  const base = `${src.kind}:${H.record(cur).step}`;
  const out = [];
  SIDES.forEach((side, k) => {
    const c = (id) => charts[id] && charts[id][side];
    if (c("traj")) out.push([`traj/${side}`, base, () => c("traj").update(trajectoryData(H, k, cur, v.traj_layer))]);
    if (c("loss")) out.push([`loss/${side}`, base, () => c("loss").update(lossData(H, k, cur))]);
    if (c("boundary") || c("units")) {
      out.push([`boundary/${side}`, `${base}:${v.unit_maps || !!c("units")}`, () => {
        const d = boundaryData(H, k, cur, grid, src.data, !!c("units"));
        if (c("boundary")) c("boundary").update(d.boundary);
        if (c("units")) c("units").update(d.units || { maps: [] });
      }]);
    }
    if (c("symmetry")) out.push([`symmetry/${side}`, base, () => c("symmetry").update(symmetryData(H, k, cur))]);
    if (c("gradnorm")) out.push([`gradnorm/${side}`, base, () => c("gradnorm").update(gradNormData(H, k, cur))]);
    if (c("network")) out.push([`network/${side}`, `${base}:${v.net_show}`, () => c("network").update(networkData(H, k, cur, v.net_show))]);
  });
  return out;
}

let lastReported = null;
function render() {
  scheduled = 0;
  const src = controller.source;
  const v = state.all();
  btn.play.textContent = controller.playing ? t("transport.pause") : t("transport.play");
  btn.play.setAttribute("aria-pressed", controller.playing ? "true" : "false");
  for (const { el, side } of whoLabels) el.textContent = `${t(`side.${side}`)} · ${t(`choice.init.${v[`${side}_init`]}`)}`;
  if (!src || !src.history.length) return;
  const H = src.history, cur = controller.cursor, rec = H.record(cur);
  const sc = $("scrubber");
  sc.max = String(H.length - 1);
  sc.value = String(cur);
  const readout = t("transport.readoutOf", { step: String(rec.step), last: String(H.lastStep) });
  sc.setAttribute("aria-valuetext", readout);
  $("readout").textContent = readout;
  SIDES.forEach((side, k) => {
    $(`stat-${side}`).textContent = `${t(`side.${side}`)} · ${t(`choice.init.${v[`${side}_init`]}`)}: ${t("run.loss", { loss: fmt(rec.loss[k]), acc: pct(rec.acc[k]) })}`;
    const d = H.diverged(k);
    $(`stat-${side}`).dataset.diverged = d && rec.step >= d.step ? "1" : "";
    if (d && rec.step >= d.step) $(`stat-${side}`).textContent += ` — ${t("run.diverged", { step: String(d.step), reason: d.reason })}`;
    if (cells.traj) cells.traj[side].extra.textContent = trajectoryCaption(H, k, cur);
  });
  if (src.kind === "precomputed" && controller.waiting && phase === "precomputed") startNote.textContent = t("embed.end");
  const t0 = performance.now();
  const js = jobs();
  for (const [id, key, fn] of js) {
    if (drawn.get(id) === key) continue;
    if (controller.playing && performance.now() - t0 > 10) break; // the rest next frame
    fn();
    drawn.set(id, key);
  }
  if (js.some(([id, key]) => drawn.get(id) !== key)) schedule();
  if (!controller.playing && rec.step !== lastReported) { lastReported = rec.step; reportStatus(phase, rec.step); updateOpenLink(); }
  root.dataset.step = String(rec.step);
}

function updateOpenLink() {
  const v = state.all();
  const lab = {};
  for (const s of SCHEMA) if (!embedKeys().includes(s.name)) lab[s.name] = v[s.name];
  lab.step = currentStep() ?? 0;
  $("open-lab").href = `index.html#${serialize(lab)}`;
}

start();

// ---- host page: height reports and the command API -------------------------------------------
startHeightReports();
const allow = v0.api ? await loadAllowList() : [];
const commandCounts = listenForCommands({
  enabled: v0.api, allow,
  current: () => ({ step: currentStep(), playing: controller.playing }),
  handlers: {
    step: async ({ n = 1 }) => { const k = Math.max(1, Math.min(1000, Number(n) | 0)); for (let i = 0; i < k; i++) await controller.step(); },
    play: () => controller.play(),
    pause: () => controller.pause(),
    reset: () => reset(),
    setState: async ({ state: patch }) => {
      if (!patch || typeof patch !== "object") throw new Error("setState needs args.state, an object");
      const allowed = Object.fromEntries(Object.entries(patch).filter(([k]) => !["api", "lazy"].includes(k))
        .map(([k, x]) => [k, String(x).slice(0, 200)]));
      const before = canon(labConfig(state.all()));
      const r = state.set(allowed);
      if (canon(labConfig(state.all())) !== before) await rebuild();
      if ("step" in allowed && !r.errors.step) await goTo(state.get("step"));
      schedule();
      return r;
    },
  },
});
state.onChange((changed, v) => {
  speedSelect.value = v.speed;
  if (changed.includes("theme")) root.dataset.theme = v.theme;
  if (changed.includes("lang")) { setLanguage(v.lang); applyStatic(); drawn.clear(); }
  schedule();
});

// read-only hook for tests
window.pyinitEmbed = {
  snapshot() {
    const src = controller.source;
    if (!src) return { phase, source: null };
    const H = src.history, cur = controller.cursor, rec = H.record(cur);
    return {
      phase, source: src.kind, step: rec.step, cursor: cur, lastStep: H.lastStep, playing: controller.playing,
      runs: SIDES.map((side, k) => ({ side, theta: Array.from(rec.theta.subarray(k * H.meta.P, (k + 1) * H.meta.P)), loss: rec.loss[k] })),
    };
  },
  state: () => state.all(),
  commands: commandCounts,
  workers: () => (booted ? 1 : 0),
};
