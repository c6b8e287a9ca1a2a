// lab/main.js: wiring only. State <-> controls <-> controller <-> charts, plus boot and handover.
import { boot, setStatus } from "../boot.js";
import { t, applyStatic } from "../i18n.js";
import { createState, deserialize, serialize, needsReset, hiddenSizes, SCHEMA } from "../state.js";
import { createControls, crossCheck } from "./controls.js";
import { buildPanels, SIDES } from "./panels.js";
import { createController } from "./controller.js";
import { loadPrecomputed, precomputedSource, liveSource } from "./source.js";
import { trajectoryData, trajectoryCaption, lossData, symmetryData, gradNormData, boundaryData, networkData } from "./views.js";
import { gridFor } from "./forward.js";

const $ = (id) => document.getElementById(id);
const perf = { t0: performance.now(), firstPaint: null, live: null };

// ---- state from the URL (parsed once, here) ------------------------------------------------------
const { values, notices } = deserialize(location.hash);
const state = createState(values);
const reducedMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

/** The config pyinit.lab.create takes, from the state. */
export function labConfig(v) {
  return {
    dataset: v.dataset, n_samples: v.n_samples, noise: v.noise, hidden: hiddenSizes(v), activation: v.activation,
    lr: v.lr, momentum: v.momentum, batch_size: v.batch_size, seed: v.seed,
    members: SIDES.map((s) => ({ init: v[`${s}_init`], scale: v[`${s}_scale`], bias: v[`${s}_bias`] })),
  };
}
/** Canonical JSON (sorted keys) so configs compare by value. */
const canon = (x) => Array.isArray(x) ? `[${x.map(canon).join(",")}]`
  : x && typeof x === "object" ? `{${Object.keys(x).sort().map((k) => `${JSON.stringify(k)}:${canon(x[k])}`).join(",")}}`
  : JSON.stringify(x);
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
// plotly.js (1.5 MB) draws only the loss landscape: load it in the background, never before first paint
const plotlyReady = loadPlotly().then(() => { perf.plotly = performance.now(); });
plotlyReady.catch(() => {});
applyStatic();
if (window.matchMedia("(max-width: 860px)").matches) $("settings").open = false; // phones: runs first
const panelsRoot = $("panels");
const { charts, cells, toolSlots, whoLabels } = buildPanels(panelsRoot);

const sharedNames = ["dataset", "n_samples", "noise", "layers", "width", "activation", "lr", "momentum", "batch_size", "seed"];
const groups = { data: ["dataset", "n_samples", "noise"], network: ["layers", "width", "activation"], training: ["lr", "momentum", "batch_size", "seed"] };
const controlSets = [];
function commit(patch) {
  const next = { ...state.all(), ...patch };
  const errs = crossCheck(next);
  const key = Object.keys(patch)[0];
  // a cross-field error is shown next to the control that was just changed (or its partner)
  for (const set of controlSets) for (const name of Object.keys(set.elements)) if (!errs[name] && name !== key) set.setError(name, null);
  const own = Object.keys(errs).filter((n) => n === key || (key.endsWith("_init") && n === key.replace("_init", "_scale")) || (key === "n_samples" && n === "batch_size"));
  if (own.length) {
    for (const set of controlSets) for (const n of own) if (set.elements[n]) set.setError(n === key ? key : n, errs[n]);
    if (own.includes(key)) return;
  }
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
void sharedNames;

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
  const onButton = tag === "BUTTON" || (ev.target && ev.target.type === "checkbox");
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
  drawn.clear();
  schedule("source");
}

let builds = 0;
async function rebuild({ reason } = {}) {
  const seq = ++buildSeq;
  const wasPlaying = controller.playing && reason !== "reset";
  controller.pause();
  const v = state.all();
  if (isPrecomputed(v) && !pyReady) {
    await useSource(precomputedSource(pre));
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
    if (wasPlaying) controller.play();
  } catch (e) {
    setLabStatus(t("error.python", { message: e.message }));
  }
}

// a changed hash (a pasted link, the back button, a test) is parsed like the initial URL
window.addEventListener("hashchange", () => {
  const { values: v, notices: ns } = deserialize(location.hash);
  noticeEl.replaceChildren();
  noticeEl.hidden = true;
  for (const n of ns) notice(t(n.error.key, { ...n.error.params, name: n.name }));
  state.set(v);
});

state.onChange((changed) => {
  syncControls();
  history.replaceState(null, "", "#" + serialize(state.all()));
  if (needsReset(changed)) rebuild({ reason: "state" });
  else { drawn.clear(); schedule("view"); }
});

let liveText = "";
async function start() {
  py = booted.py;
  pre = await prePromise;
  perf.precomputed = performance.now();
  if (isPrecomputed(state.all())) {
    await useSource(precomputedSource(pre));
    setLabStatus(t("status.precomputed"));
    if (!reducedMotion) controller.play();
  } else {
    setLabStatus(t("status.loadingPython"));
  }
  booted.ready.then(async ({ versions }) => {
    pyReady = true;
    liveText = t("status.live", versions);
    const src = controller.source;
    if (src && src.kind === "precomputed" && isPrecomputed(state.all())) {
      // handover: a live session catches up to the last precomputed step; the cursor does not move
      await controller.whenIdle();
      const live = await liveSource(py, labConfig(state.all()), src.history);
      handover = live.handover;
      controller.setSource(live, { keepCursor: true });
    } else {
      await rebuild({ reason: "ready" });
    }
    perf.live = performance.now();
    document.documentElement.dataset.liveMs = perf.live.toFixed(0);
    setLabStatus(liveText);
    setStatus("ready");
  }, (err) => {
    pyFailed = err.message;
    setLabStatus(pre ? t("status.fallback", { reason: err.message }) : t("status.noPrecomputed") + " " + err.message);
    for (const set of controlSets) for (const [n, el] of Object.entries(set.elements)) {
      const spec = SCHEMA.find((s) => s.name === n);
      if (spec && spec.group === "run") el.disabled = true;
    }
  });
}
let handover = null;

// ---- rendering: at most once per animation frame, charts within a time budget --------------------
const drawn = new Map(); // "panel/side" -> key of what it shows
const jobTimes = {};      // panel -> recent update durations (ms), for the benchmark
let scheduled = 0;
let rr = 0;
const ondemand = { inspector: new Map(), landscape: new Map() };
let ondemandTimer = 0;
function schedule() { if (!scheduled) scheduled = requestAnimationFrame(render); }

function chartJobs() {
  const src = controller.source;
  if (!src) return [];
  const H = src.history, cur = controller.cursor;
  const v = state.all();
  const jobs = [];
  SIDES.forEach((side, k) => {
    const base = `${src.kind}:${H.length ? H.record(cur).step : -1}`;
    jobs.push([`traj/${side}`, `${base}:${v.traj_layer}`, () => charts.traj[side].update(trajectoryData(H, k, cur, v.traj_layer))]);
    jobs.push([`loss/${side}`, base, () => charts.loss[side].update(lossData(H, k, cur))]);
    jobs.push([`boundary/${side}`, `${base}:${v.unit_maps}`, () => {
      const d = boundaryData(H, k, cur, grid, src.data, v.unit_maps);
      charts.boundary[side].update(d.boundary);
      charts.units[side].update(d.units || { maps: [], message: t("units.off") });
    }]);
    jobs.push([`symmetry/${side}`, base, () => charts.symmetry[side].update(symmetryData(H, k, cur))]);
    jobs.push([`gradnorm/${side}`, base, () => charts.gradnorm[side].update(gradNormData(H, k, cur))]);
    jobs.push([`network/${side}`, `${base}:${v.net_show}`, () => charts.network[side].update(networkData(H, k, cur, v.net_show))]);
  });
  return jobs;
}

function renderCheap() {
  const src = controller.source;
  const H = src && src.history;
  const cur = controller.cursor;
  const v = state.all();
  btn.play.textContent = controller.playing ? t("transport.pause") : t("transport.play");
  btn.play.setAttribute("aria-pressed", controller.playing ? "true" : "false");
  if (!H || !H.length) return;
  const rec = H.record(cur);
  scrubber.max = String(H.length - 1);
  scrubber.value = String(cur);
  const readout = t("transport.readoutOf", { step: String(rec.step), last: String(H.lastStep) });
  scrubber.setAttribute("aria-valuetext", readout);
  $("readout").textContent = readout;
  SIDES.forEach((side, k) => {
    const initName = t(`choice.init.${v[`${side}_init`]}`);
    $(`title-${side}`).textContent = t("run.title", { side: t(`side.${side}`), init: initName });
    const d = H.diverged(k);
    const st = $(`stat-${side}`);
    const divEl = $(`div-${side}`);
    st.textContent = t("run.loss", { loss: fmt(rec.loss[k]), acc: pct(rec.acc[k]) });
    if (d && rec.step >= d.step) { divEl.textContent = t("run.diverged", { step: String(d.step), reason: d.reason }); divEl.hidden = false; }
    else { divEl.textContent = ""; divEl.hidden = true; }
    $(`caption-${side}`).textContent = trajectoryCaption(H, k, cur);
  });
  for (const { el, side } of whoLabels) el.textContent = `${t(`side.${side}`)} · ${t(`choice.init.${v[`${side}_init`]}`)}`;
}
const fmt = (x) => (Number.isFinite(x) ? x.toPrecision(4) : "–");
const pct = (x) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : "–");

function render() {
  scheduled = 0;
  const t0 = performance.now();
  renderCheap();
  const jobs = chartJobs();
  const stale = jobs.filter(([id, key]) => drawn.get(id) !== key);
  if (stale.length) {
    const budget = controller.playing ? 8 : 1e9;
    let n = 0;
    for (let i = 0; i < jobs.length && (n === 0 || performance.now() - t0 < budget); i++) {
      const [id, key, fn] = jobs[(rr + i) % jobs.length];
      if (drawn.get(id) === key) continue;
      const tj = performance.now();
      fn();
      const dt = performance.now() - tj;
      const st = jobTimes[id.split("/")[0]] || (jobTimes[id.split("/")[0]] = []);
      st.push(dt); if (st.length > 200) st.shift();
      drawn.set(id, key);
      n++;
    }
    rr = (rr + n) % Math.max(1, jobs.length);
    if (jobs.some(([id, key]) => drawn.get(id) !== key)) schedule();
    if (perf.firstPaint === null) {
      perf.firstPaint = performance.now();
      document.documentElement.dataset.firstPaintMs = perf.firstPaint.toFixed(0);
    }
  }
  if (!controller.playing) scheduleOndemand();
  else markOndemandStale();
}
function markOndemandStale() {
  for (const panel of ["inspector", "landscape"]) for (const side of SIDES) {
    if (ondemand[panel].get(side) !== "playing") {
      ondemand[panel].set(side, "playing");
      cells[panel][side].extra.textContent = t("ondemand.paused");
    }
  }
}

// inspector and landscape: computed by Python for the shown step, when paused
function scheduleOndemand() {
  clearTimeout(ondemandTimer);
  ondemandTimer = setTimeout(runOndemand, 150);
}
async function runOndemand() {
  const src = controller.source;
  if (!src || controller.playing) return;
  const H = src.history;
  const step = H.record(controller.cursor).step;
  for (const [panel, fn] of [["inspector", "inspect"], ["landscape", "landscape"]]) {
    for (const [k, side] of SIDES.entries()) {
      const key = `${src.kind}:${src.id}:${step}`;
      if (ondemand[panel].get(side) === key) continue;
      ondemand[panel].set(side, key);
      if (src.kind !== "live") {
        charts[panel][side].reset();
        cells[panel][side].extra.textContent = t("status.needsPython");
        continue;
      }
      cells[panel][side].extra.textContent = t(panel === "inspector" ? "insp.loading" : "land.loading");
      try {
        const data = await src[fn](step, k);
        if (panel === "landscape") await plotlyReady;
        if (controller.source !== src || controller.playing) { ondemand[panel].delete(side); return; }
        charts[panel][side].update(data);
        cells[panel][side].extra.textContent = panel === "landscape"
          ? t("land.note", { step: String(step), how: t(`land.${data.how}`) }) : t("insp.at", { step: String(step) });
      } catch (e) {
        cells[panel][side].extra.textContent = t("error.python", { message: e.message });
      }
    }
  }
}

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
  jobTimes: () => Object.fromEntries(Object.entries(jobTimes).map(([k, v]) => [k, [...v].sort((a, b) => a - b)[v.length >> 1]])),
  resetTiming() { controller.timing.frames.length = 0; controller.timing.lastFrame = 0; },
  drawnAll: () => chartJobs().every(([id, key]) => drawn.get(id) === key),
};

start();
