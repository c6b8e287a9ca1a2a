// lab/main.js: wiring only. State <-> controls <-> controller <-> charts, plus boot and handover.
import { boot, setStatus } from "../platform/boot.js";
import { t, applyStatic } from "../platform/i18n.js";
import { createState, deserialize, serialize, needsReset, SCHEMA } from "../state.js";
import { createControls, crossCheck } from "./controls.js";
import { buildPanels, SIDES } from "./panels.js";
import { createController } from "./controller.js";
import { loadPrecomputed, precomputedSource, liveSource } from "./source.js";
import { trajectoryCaption } from "./views.js";
import { createRenderer } from "./render.js";
import { labConfig, canon } from "./config.js";
import { gridFor } from "./forward.js";
import { wireTour, startLanguage } from "../tour/wire.js";
import { createNumbersTable } from "../tour/numbers.js";
import { createShareButtons } from "../embed/share.js";

const $ = (id) => document.getElementById(id);
const perf = { t0: performance.now(), firstPaint: null, live: null };

// ---- state from the URL (parsed once, here) ------------------------------------------------------
// State may come in the query (?lang=pl, as people type links) and in the hash (what the page
// itself writes); both are read, and a key in the hash wins because it comes last.
const urlQuery = `${location.search.slice(1)}&${location.hash.slice(1)}`;
const { values, notices } = deserialize(urlQuery);
const state = createState({ ...values, ...startLanguage(urlQuery) });
let pendingStep = state.get("step") > 0 ? state.get("step") : null; // a link's step, until the runs reach it
let stepFromCursor = false; // set while the page itself writes the cursor's step into the state
const reducedMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

const configKey = (v) => canon(labConfig(v));
const isPrecomputed = (v) => pre && configKey(v) === canon(pre.config);

// ---- static page -------------------------------------------------------------------------------
/** plotly.js lives at a versioned path that build.py records in build-manifest.json. */
async function loadPlotly() {
  if (globalThis.Plotly) return;
  const manifest = await (await fetch("build-manifest.json", { cache: "no-cache" })).json();
  await new Promise((resolve, reject) => {
    const s = document.createElement("script");
    s.src = manifest.plotly;
    s.onload = resolve;
    s.onerror = () => reject(new Error(`could not load ${manifest.plotly}`));
    document.head.append(s);
  });
}
// start everything slow at once: Python (worker), plotly, the precomputed runs
const booted = boot();
window.pyinitBoot = { py: booted.py };
const prePromise = loadPrecomputed().catch(() => null);
// plotly.js (1.5 MB) draws only the loss landscape, which needs Python: load it once the live runs
// have taken over, so it competes neither with the first paint nor with Pyodide's start
let startPlotly;
const plotlyReady = new Promise((resolve) => { startPlotly = resolve; })
  .then(() => loadPlotly()).then(() => { perf.plotly = performance.now(); });
plotlyReady.catch(() => {});
applyStatic();
if (window.matchMedia("(max-width: 860px)").matches) $("settings").open = false; // phones: runs first
const panelsRoot = $("panels");
const { charts, cells, toolSlots, whoLabels } = buildPanels(panelsRoot);

const groups = { data: ["dataset", "n_samples", "noise"], network: ["layers", "width", "activation"], training: ["lr", "momentum", "batch_size", "seed"] };
const controlSets = [];
// controls whose validity depends on each other: re-checked together when one of them changes
const RELATED = { n_samples: ["n_samples", "batch_size"], left_init: ["left_init", "left_scale"], right_init: ["right_init", "right_scale"] };
/** A control's typed, valid value: apply it unless a cross-field rule refuses it (then it never reaches Python). */
function commit(patch, key) {
  const errs = crossCheck({ ...state.all(), ...patch });
  const related = RELATED[key] || [key];
  for (const set of controlSets) for (const n of related) if (set.elements[n]) set.setError(n, errs[n] || null);
  if (related.some((n) => errs[n])) return;
  state.set(patch);
}
for (const [g, names] of Object.entries(groups)) {
  const fs = $(`ctl-${g}`);
  controlSets.push(createControls(fs, names, state, { onCommit: commit }));
}
for (const s of SIDES) controlSets.push(createControls($(`ctl-${s}`), [`${s}_init`, `${s}_scale`, `${s}_bias`], state, { onCommit: commit }));
controlSets.push(createControls($("ctl-speed"), ["speed"], state, { onCommit: commit }));
controlSets.push(createControls(toolSlots.traj, ["traj_layer"], state, { onCommit: commit }));
controlSets.push(createControls(toolSlots.units, ["unit_maps"], state, { onCommit: commit }));
controlSets.push(createControls(toolSlots.network, ["net_show"], state, { onCommit: commit }));
const syncControls = () => controlSets.forEach((c) => c.sync());
syncControls();

// notices from the URL (never written as HTML)
const noticeEl = $("lab-notice");
function notice(text) { const p = document.createElement("p"); p.textContent = text; noticeEl.append(p); noticeEl.hidden = false; }
for (const n of notices) notice(t(n.error.key, { ...n.error.params, name: n.name }));

// ---- transport -----------------------------------------------------------------------------------
const controller = createController({ getSpeed: () => Number(state.get("speed")), onChange: (why) => schedule(why) });
const btn = { reset: $("btn-reset"), back: $("btn-back"), step: $("btn-step"), play: $("btn-play") };
const scrubber = $("scrubber");
btn.play.addEventListener("click", () => controller.toggle());
btn.step.addEventListener("click", () => controller.step());
btn.back.addEventListener("click", () => controller.back());
btn.reset.addEventListener("click", () => rebuild({ reason: "reset" }));
scrubber.addEventListener("input", () => controller.seek(Number(scrubber.value)));
document.addEventListener("keydown", (ev) => {
  if (ev.defaultPrevented || ev.altKey || ev.ctrlKey || ev.metaKey) return;
  const tag = (ev.target && ev.target.tagName) || "";
  const typing = ["INPUT", "SELECT", "TEXTAREA"].includes(tag) && ev.target.type !== "range" && ev.target.type !== "checkbox";
  const onButton = ["BUTTON", "SUMMARY", "A"].includes(tag) || (ev.target && ev.target.type === "checkbox"); // Space activates these
  if (typing) return;
  if (ev.key === " " && !onButton) { ev.preventDefault(); controller.toggle(); }
  else if (ev.key === "ArrowRight" && ev.target !== scrubber) { ev.preventDefault(); controller.step(); }
  else if (ev.key === "ArrowLeft" && ev.target !== scrubber) { ev.preventDefault(); controller.back(); }
});

// ---- sources: precomputed first, then live -------------------------------------------------------
let py = null, pyReady = false, pyFailed = null;
let pre = null; // the precomputed runs (null if missing)
let buildSeq = 0;
const statusEl = $("lab-status");
function setLabStatus(text) { statusEl.textContent = text; }

let grid = null;
async function useSource(src, opts) {
  grid = gridFor(src.data.X);
  controller.setSource(src, opts);
  for (const p of Object.values(charts)) for (const c of Object.values(p)) c.reset && c.reset();
  renderer.invalidate();
}

let builds = 0;
async function rebuild({ reason } = {}) {
  const seq = ++buildSeq;
  if (reason === "reset") pendingStep = null;
  const wasPlaying = controller.playing && reason !== "reset";
  controller.pause();
  const v = state.all();
  if (isPrecomputed(v) && !pyReady) {
    await useSource(precomputedSource(pre));
    if (pendingStep !== null) await reachPendingStep();
    return;
  }
  if (pyFailed) { setLabStatus(t("status.fallback", { reason: pyFailed })); return; }
  if (!pyReady) { setLabStatus(t("status.waiting")); return; }
  try {
    const src = await liveSource(py, labConfig(v));
    if (seq !== buildSeq) { src.dispose(); return; }
    await useSource(src);
    builds++;
    setLabStatus(liveText);
    if (pendingStep !== null) await reachPendingStep();
    else if (wasPlaying) controller.play();
  } catch (e) {
    setLabStatus(t("error.python", { message: e.message }));
  }
}

// a changed hash (a pasted link, the back button, a test) is parsed like the initial URL
window.addEventListener("hashchange", () => {
  const { values: v, notices: ns } = deserialize(location.hash);
  if (!new URLSearchParams(location.hash.slice(1)).has("lang")) delete v.lang; // keep the chosen language
  noticeEl.replaceChildren();
  noticeEl.hidden = true;
  for (const n of ns) notice(t(n.error.key, { ...n.error.params, name: n.name }));
  state.set(v);
});

state.onChange((changed) => {
  history.replaceState(null, "", "#" + serialize(state.all()));
  if (changed.length === 1 && changed[0] === "step" && stepFromCursor) return; // the URL follows the cursor
  if (changed.includes("step")) pendingStep = state.get("step"); // a pasted link's step
  syncControls();
  if (needsReset(changed)) rebuild({ reason: "state" });
  else {
    renderer.invalidate();
    if (changed.includes("step")) reachPendingStep();
  }
});

let liveText = "";
async function start() {
  py = booted.py;
  pre = await prePromise;
  perf.precomputed = performance.now();
  if (isPrecomputed(state.all())) {
    await useSource(precomputedSource(pre));
    setLabStatus(t("status.precomputed"));
    if (pendingStep !== null) await reachPendingStep(); // a link's step: shown, not played past
    else if (!reducedMotion) controller.play();
  } else {
    setLabStatus(t("status.loadingPython"));
  }
  booted.ready.then(async ({ versions }) => {
    pyReady = true;
    liveText = t("status.live", versions);
    const src = controller.source;
    if (src && src.kind === "precomputed" && isPrecomputed(state.all())) {
      // handover: a live session catches up to a precomputed step a little ahead of the shown one
      // (what playback reaches meanwhile, ~0.5 s) and continues from there; the cursor does not move
      await controller.whenIdle();
      const H = src.history;
      const ahead = controller.playing ? Number(state.get("speed")) * 30 : 0;
      H.truncate(H.indexOfStep(Math.min(H.lastStep, H.record(controller.cursor).step + ahead)));
      const live = await liveSource(py, labConfig(state.all()), H);
      handover = live.handover;
      controller.setSource(live, { keepCursor: true });
    } else {
      await rebuild({ reason: "ready" });
    }
    if (pendingStep !== null) await reachPendingStep();
    perf.live = performance.now();
    document.documentElement.dataset.liveMs = perf.live.toFixed(0);
    setLabStatus(liveText);
    setStatus("ready");
    startPlotly();
  }, (err) => {
    pyFailed = err.message;
    if (controller.waiting) controller.pause();
    setLabStatus(pre ? t("status.fallback", { reason: err.message }) : t("status.noPrecomputed") + " " + err.message);
    for (const set of controlSets) for (const [n, el] of Object.entries(set.elements)) {
      const spec = SCHEMA.find((s) => s.name === n);
      if (spec && spec.group === "run") el.disabled = true;
    }
  });
}
let handover = null;

// ---- rendering (render.js) ------------------------------------------------------------------------
const renderer = createRenderer({
  controller, state, charts, cells, whoLabels, $, getGrid: () => grid, plotlyReady,
  onFirstPaint() {
    perf.firstPaint = performance.now();
    document.documentElement.dataset.firstPaintMs = perf.firstPaint.toFixed(0);
  },
  needsPython: () => t(pyFailed ? "status.needsPythonFailed" : "status.needsPython"),
  // measured: animating at 60 Hz while Pyodide starts made "live" ~1.3-2x later on 2 busy cores
  throttleMs: () => (pyReady || pyFailed ? 0 : 100),
});
function schedule(why) {
  // at the end of the precomputed runs: say so, and stop if Python will never come
  if (why === "data" && controller.waiting && controller.source && controller.source.kind === "precomputed") {
    if (pyFailed) controller.pause(); else setLabStatus(t("status.waiting"));
  }
  renderer.schedule();
  tourFrame();
  syncStep();
}

// ---- the shown step in the state (so in the URL and in copied links) -----------------------------
// When the transport stops, the state's `step` follows the cursor; a link's (or a pasted hash's) step
// is "pending" until the runs reach it (at once for precomputed steps, else once Python trains there).
function syncStep() {
  const src = controller.source;
  if (!src || controller.playing || pendingStep !== null || !src.history.length) return;
  const step = src.history.record(controller.cursor).step;
  if (step === state.get("step")) return;
  stepFromCursor = true;
  try { state.set({ step }); } finally { stepFromCursor = false; }
}
/** Move to `step`, training live up to it if needed; false if the source cannot reach it (yet). */
async function goToStep(step) {
  const src = controller.source;
  if (!src) return false;
  if (src.kind === "live") {
    while (src.history.lastStep < step && controller.source === src) {
      if (!(await src.more(Math.min(10000, step - src.history.lastStep)))) break;
    }
  }
  if (controller.source !== src || src.history.lastStep < step) return false;
  controller.seek(src.history.indexOfStep(step));
  return true;
}
async function reachPendingStep() {
  if (pendingStep === null) return false;
  controller.pause();
  if (await goToStep(pendingStep)) { pendingStep = null; syncStep(); return true; }
  const src = controller.source; // not reachable yet: show the last step we have
  if (src && src.history.length) controller.seek(src.history.length - 1);
  return false;
}

// "Copy link" / "Copy embed code" (js/embed/share.js): the state plus the shown step
const currentStep = () => { const src = controller.source; return src && src.history.length ? src.history.record(controller.cursor).step : 0; };
createShareButtons($("share"), { getValues: () => state.all(), getStep: currentStep });

// ---- read-only hook for tests and the benchmark -----------------------------------------------------
window.pyinitLab = {
  snapshot() {
    const src = controller.source;
    if (!src) return null;
    const H = src.history, cur = controller.cursor, rec = H.record(cur);
    return {
      source: src.kind, cursor: cur, records: H.length, step: rec.step, lastStep: H.lastStep, playing: controller.playing,
      meta: H.meta,
      runs: SIDES.map((side, k) => ({
        side, theta: Array.from(rec.theta.subarray(k * H.meta.P, (k + 1) * H.meta.P)),
        grad: Array.from(rec.grad.subarray(k * H.meta.P, (k + 1) * H.meta.P)),
        loss: rec.loss[k], acc: rec.acc[k], diverged: H.diverged(k), caption: trajectoryCaption(H, k, cur),
      })),
      handover, perf: { ...perf }, timing: { frames: controller.timing.frames.slice() },
    };
  },
  state: () => state.all(),
  config: () => labConfig(state.all()),
  idle: () => controller.whenIdle(),
  get builds() { return builds; },
  jobTimes: () => renderer.jobTimes(),
  resetTiming() { controller.timing.frames.length = 0; controller.timing.lastFrame = 0; },
  drawnAll: () => renderer.drawnAll(),
};

// ---- the guided tour, the language switch, and the lab's numbers as a table ------------------------
const numbersTable = createNumbersTable($("lab-numbers-box"));
/** The shown step's numbers as a table (the charts' text alternative); refreshed when not playing. */
function updateNumbers() {
  const src = controller.source;
  if (!src || !src.history.length || controller.playing) return;
  const H = src.history, rec = H.record(controller.cursor), m = H.meta;
  const nH = m.sizes.length - 2, nL = m.sizes.length - 1;
  const v = state.all();
  numbersTable.update({ step: rec.step, sides: SIDES.map((side, k) => ({
    title: `${t(`side.${side}`)} · ${t(`choice.init.${v[`${side}_init`]}`)}`,
    loss: rec.loss[k], acc: rec.acc[k],
    sym: Array.from(rec.sym.subarray(k * nH, (k + 1) * nH)), gnorm: Array.from(rec.gnorm.subarray(k * nL, (k + 1) * nL)) })) });
}
let tourScheduled = 0;
function tourFrame() {
  if (!tourScheduled) tourScheduled = requestAnimationFrame(() => { tourScheduled = 0; updateNumbers(); });
}
const tour = wireTour({
  state, py: booted.py, ready: booted.ready, plotlyReady,
  onLanguage: () => { syncControls(); numbersTable.relabel(); renderer.invalidate(); tourFrame(); },
  onTryIt: (preset) => {
    // the chapter's setup at step 0: a new run even when the settings are already the preset's
    const { changed } = state.set(preset);
    if (!needsReset(changed)) rebuild({ reason: "reset" });
    $("lab").focus({ preventScroll: true });
    $("lab").scrollIntoView({ behavior: reducedMotion ? "auto" : "smooth", block: "start" });
  },
});
window.pyinitTourUI = tour;

start();
