// pages/lab.js: the explainer page (index.html). Wiring only: the settings schema and content come
// as data, the lifecycle is app/session.js, the drawing app/figure.js, the text app/story.js.
//
//   URL (on load / paste) -> state -> session (precomputed runs, then live Python) -> figure
//   state and the shown step -> URL (written from state, replaceState)
import { t, applyStatic, setLanguage, registerLanguage, formatNumber } from "../platform/i18n.js";
import pl from "../strings/pl.js";
import { loadSchema } from "../app/schema.js";
import { loadContent } from "../app/content.js";
import { createController } from "../app/controller.js";
import { createPrecomputedStore } from "../app/source.js";
import { createSession } from "../app/session.js";
import { createPython } from "../app/python.js";
import { createFigure } from "../app/figure.js";
import { PANELS, SIDES } from "../app/panels.js";
import { createStory } from "../app/story.js";
import { createControls, crossCheck } from "../app/controls.js";
import { createShareButtons } from "../app/share.js";
import { createNumbersTable } from "../app/numbers.js";
import { mountChapterView } from "../app/chapter-views.js";
import { startLanguage, createLanguageSwitch, remember, liveRegion } from "../app/language.js";
import { trajectoryCaption } from "../app/views.js";

registerLanguage("pl", pl);
window.pyinitStarted = true; // the page's modules loaded: the guard (platform/file-check.js) stands down
const $ = (id) => document.getElementById(id);
const root = document.documentElement;
const perf = { t0: performance.now(), firstPaint: null, live: null };
const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;

// ---- Python starts at once (it takes seconds); everything else is drawn from data meanwhile --------
const python = createPython({ onReady: () => pythonReady(), onFailed: (e) => pythonFailed(e), onLost: (e) => pythonLost(e) });
python.start();
window.pyinitBoot = { get py() { return python.py; } };

// ---- the URL, the schema and the content (parsed once, here) ------------------------------------
const urlQuery = `${location.search.slice(1)}&${location.hash.slice(1)}`;
const lang0 = startLanguage(urlQuery);
const store = createPrecomputedStore();
store.loadIndex();
const [content, schemaBase] = await Promise.all([loadContent(), loadSchema()]);
const chapters = content.chapters;
const schema = await loadSchema(undefined, { chapterCount: chapters.length }).catch(() => schemaBase);
await content.useLanguage(lang0);
const parsed = schema.deserialize(urlQuery);
const state = schema.createState({ ...parsed.values, lang: lang0 });
const urlHasRun = parsed.given.some((k) => schema.runKeys.includes(k));
/** A chapter's full run settings: the defaults with its preset. */
const presetOf = (n) => ({ ...schema.runSettings(schema.defaults()), ...(chapters[n - 1].preset || {}) });
if (!urlHasRun) state.set(presetOf(state.get("chapter")));
applyStatic();

// ---- transport and session ----------------------------------------------------------------------
const controller = createController({ getSpeed: () => Number(state.get("speed")), onChange: (why) => changed(why) });
const session = createSession({ controller, store, python, getSpeed: () => Number(state.get("speed")), onChange: () => status() });

// ---- the figure: the chapter's panels; "More panels": all of them ---------------------------------
const chapterPanels = () => chapters[state.get("chapter") - 1].panels || ["network", "boundary", "loss"];
const figure = createFigure($("fig-panels"), {
  controller, getValues: () => state.all(), getPanels: chapterPanels, layout: "columns", compact: true, idPrefix: "fig-",
  onFirstPaint() { perf.firstPaint = performance.now(); root.dataset.firstPaintMs = perf.firstPaint.toFixed(0); },
  throttleMs: () => (python.ready || python.failed ? 0 : 100), // leave the CPU to Python while it loads
});
const toolSets = [];
const rows = createFigure($("panels"), {
  controller, getValues: () => state.all(), getPanels: () => Object.keys(PANELS), layout: "rows",
  onBuilt({ toolSlots }) {
    toolSets.length = 0;
    for (const [id, slot] of Object.entries(toolSlots)) {
      if (PANELS[id].tools) toolSets.push(createControls(slot, PANELS[id].tools, state, { schema, onCommit: commit }));
    }
    syncControls();
  },
});
const draw = () => { figure.schedule(); rows.schedule(); };
const redraw = () => { figure.invalidate(); rows.invalidate(); };

// ---- the story ------------------------------------------------------------------------------------
const announce = liveRegion();
let firstActivation = true;
const story = createStory($("story"), {
  chapters, getText: (id) => content.text(id),
  onActivate(n) {
    // the URL's own settings win over the chapter's preset until the reader moves to another chapter
    const keep = firstActivation && urlHasRun && n === state.get("chapter");
    firstActivation = false;
    if (keep) return;
    const { changed: ch } = state.set({ chapter: n, ...presetOf(n) });
    if (!ch.some((k) => schema.runKeys.includes(k)) && ch.includes("chapter")) setup(); // same runs, new chapter: from step 0
    announce(`${t("tour.chapterOf", { n: String(n), total: String(chapters.length) })}: ${content.text(chapters[n - 1].id).title}`);
    if (n < chapters.length) store.prefetch(chapters[n].id);
  },
  onReplay() { setup({ play: !reducedMotion }); },
  mountView(chapter, box) {
    if (!chapter.view) return null;
    return mountChapterView(box, { view: { ...chapter.view, lab: { ...schema.defaults(), ...(chapter.preset || {}) } }, python });
  },
});
story.mark(state.get("chapter"));

// ---- controls ---------------------------------------------------------------------------------------
const controlSets = [];
const RELATED = { n_samples: ["n_samples", "batch_size"], left_init: ["left_init", "left_scale"], right_init: ["right_init", "right_scale"] };
/** A control's typed, valid value: applied unless a cross-field rule refuses it (then it never reaches Python). */
function commit(patch, key) {
  const errs = crossCheck({ ...state.all(), ...patch });
  const related = RELATED[key] || [key];
  for (const set of [...controlSets, ...toolSets]) for (const n of related) if (set.elements[n]) set.setError(n, errs[n] || null);
  if (related.some((n) => errs[n])) return;
  state.set(patch);
}
const groups = { data: ["dataset", "n_samples", "noise"], network: ["layers", "width", "activation"], training: ["lr", "momentum", "batch_size", "seed"] };
for (const [g, names] of Object.entries(groups)) controlSets.push(createControls($(`ctl-${g}`), names, state, { schema, onCommit: commit }));
for (const s of SIDES) controlSets.push(createControls($(`ctl-${s}`), [`${s}_init`, `${s}_scale`, `${s}_bias`], state, { schema, onCommit: commit }));
controlSets.push(createControls($("ctl-speed"), ["speed"], state, { schema, onCommit: commit }));
function syncControls() { for (const c of [...controlSets, ...toolSets]) c.sync(); }
syncControls();

// notices (from the URL, from Python): plain text, never HTML, a few at most
const noticeEl = $("notice");
function notices(list) {
  noticeEl.replaceChildren(...list.map((item) => {
    const p = document.createElement("p");
    p.textContent = item.text;
    if (item.action) {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = item.action.label;
      b.addEventListener("click", item.action.run);
      p.append(b);
    }
    return p;
  }));
  noticeEl.hidden = list.length === 0;
}
let urlNotices = [];
function showUrlNotices(p) {
  urlNotices = p.notices.map((n) => ({ text: t(n.error.key, { ...n.error.params, name: n.name }) }));
  if (p.more) urlNotices.push({ text: t("error.moreNotices", { n: String(p.more) }) });
}
showUrlNotices(parsed);

// ---- state -> session, figure, URL --------------------------------------------------------------------
function setup({ step = 0, play = !reducedMotion && figureSeen } = {}) {
  return session.setup(schema.runSettings(state.all()), { step, play });
}
state.onChange((ch, v) => {
  syncControls();
  if (ch.includes("lang")) changeLanguage(v.lang);
  if (ch.includes("chapter")) { figure.rebuild(); story.mark(v.chapter); }
  if (ch.some((k) => schema.runKeys.includes(k))) setup();
  else redraw();
  writeURL();
});

let urlTimer = 0;
/** The URL follows the state and, when paused, the shown step; the query a link came with is dropped. */
function writeURL() {
  clearTimeout(urlTimer);
  urlTimer = setTimeout(() => {
    const rec = controller.record;
    const step = rec && !controller.playing ? rec.step : 0;
    const hash = schema.serialize({ ...state.all(), step: session.pending ?? step });
    const url = `${location.pathname}${hash ? `#${hash}` : ""}`;
    if (url !== location.pathname + location.search + location.hash) history.replaceState(null, "", url);
  }, 150);
}

// a changed hash (a pasted link, the back button) is read like the initial URL
window.addEventListener("hashchange", () => {
  const p = schema.deserialize(location.hash);
  if (!p.given.includes("lang")) delete p.values.lang;
  showUrlNotices(p);
  const runChanged = schema.runKeys.some((k) => p.values[k] !== state.get(k));
  const step = p.values.step;
  delete p.values.step;
  state.set(p.values);
  if (runChanged) setup({ step, play: false });
  else session.request(step);
  status();
});

// ---- motion only when seen --------------------------------------------------------------------------
let figureSeen = false;
new IntersectionObserver((entries) => {
  const seen = entries.some((e) => e.isIntersecting);
  if (seen && !figureSeen && !reducedMotion && controller.record && controller.record.step === 0 && !session.pending) controller.play();
  if (!seen && controller.playing && !rowsSeen) controller.pause();
  figureSeen = seen;
}, { threshold: 0.25 }).observe($("figure"));
let rowsSeen = false;
new IntersectionObserver((entries) => { rowsSeen = entries.some((e) => e.isIntersecting); }).observe($("panels"));

// ---- transport ------------------------------------------------------------------------------------------
const btn = { reset: $("btn-reset"), back: $("btn-back"), step: $("btn-step"), play: $("btn-play") };
const scrubber = $("scrubber");
btn.play.addEventListener("click", () => controller.toggle());
btn.step.addEventListener("click", () => controller.step());
btn.back.addEventListener("click", () => controller.back());
btn.reset.addEventListener("click", () => setup({ play: false }));
scrubber.addEventListener("input", () => controller.seek(Number(scrubber.value)));
document.addEventListener("keydown", (ev) => {
  if (ev.defaultPrevented || ev.altKey || ev.ctrlKey || ev.metaKey) return;
  const el = ev.target, tag = (el && el.tagName) || "";
  const typing = ["INPUT", "SELECT", "TEXTAREA"].includes(tag) && el.type !== "range" && el.type !== "checkbox";
  const onButton = ["BUTTON", "SUMMARY", "A"].includes(tag) || (el && el.type === "checkbox"); // Space activates these
  if (typing || (el && el.closest && el.closest(".cm-editor"))) return;
  if (ev.key === " " && !onButton) { ev.preventDefault(); controller.toggle(); }
  else if (ev.key === "ArrowRight" && el !== scrubber) { ev.preventDefault(); controller.step(); }
  else if (ev.key === "ArrowLeft" && el !== scrubber) { ev.preventDefault(); controller.back(); }
});

const setText = (el, text) => { if (el.textContent !== text) el.textContent = text; };
/** The transport's own parts, the figure's title and the edge legend: cheap, on every change. */
function renderTransport() {
  setText(btn.play, controller.playing ? t("transport.pause") : t("transport.play"));
  btn.play.setAttribute("aria-pressed", controller.playing ? "true" : "false");
  const src = controller.source;
  if (!src || !src.history.length) return;
  const H = src.history, rec = controller.record;
  if (scrubber.max !== String(H.length - 1)) scrubber.max = String(H.length - 1);
  if (scrubber.value !== String(controller.cursor)) scrubber.value = String(controller.cursor);
  const readout = t("transport.readoutOf", { step: String(rec.step), last: String(H.lastStep) });
  scrubber.setAttribute("aria-valuetext", readout);
  setText($("readout"), readout);
  const n = state.get("chapter");
  setText($("figure-title"), t("figure.title", { n: String(n), total: String(chapters.length), title: content.text(chapters[n - 1].id).title }));
  const mode = state.get("net_show");
  const scale = figure.charts.network ? figure.charts.network.left.element.chartData?.scale : null;
  setText($("edge-legend"), scale == null ? "" : scale > 0
    ? t(mode === "gradient" ? "net.legendGrad" : "net.legend", { value: formatNumber(scale, 3) }) : t("net.legendZero"));
  if (!controller.playing && rec.step !== announced) {
    announced = rec.step;
    $("lab-announce").textContent = t("announce.step", { step: String(rec.step), left: formatNumber(rec.loss[0], 4), right: formatNumber(rec.loss[1], 4) });
  }
}
let announced = -1;

function changed(why) {
  draw();
  renderTransport();
  if (why === "stopped" || why === "source" || why === "pause" || why === "seek" || why === "step" || why === "back") { status(); writeURL(); }
  if (!controller.playing) numbersSoon();
}
const paintLegend = () => requestAnimationFrame(renderTransport);

// ---- status: the phase, and anything that went wrong, in words --------------------------------------
function status() {
  root.dataset.phase = session.phase;
  const list = [...urlNotices];
  let line = "";
  const m = session.message;
  if (session.phase === "precomputed") line = t(python.failed ? "status.precomputedNoPython" : "status.precomputed");
  else if (session.phase === "live") line = t("status.live", python.versions || {});
  else if (session.phase === "waiting") line = t("status.waitingPython");
  if (m) list.push({ text: t(m.key, m.params), action: m.key === "status.pythonLost" ? { label: t("status.restart"), run: restartPython } : null });
  const why = controller.stopReason;
  if (why === "diverged") list.push({ text: t("status.allDiverged", { step: String(Math.max(...SIDES.map((_, k) => controller.source.history.diverged(k).step))) }) });
  else if (why === "limit") list.push({ text: t("status.limit", { reason: controller.source.history.limit }) });
  else if (why === "error") list.push({ text: t("error.pythonFailed", { message: controller.error.message }) });
  else if (why === "end" && session.phase === "precomputed") line = t(python.failed ? "status.endNoPython" : "status.endWaiting");
  setText($("figure-status"), line);
  notices(list);
}

// ---- Python: ready, failed, lost ------------------------------------------------------------------------
function pythonReady() {
  session.takeOver().then(() => {
    perf.live = performance.now();
    root.dataset.liveMs = perf.live.toFixed(0);
    status();
  });
  root.dataset.status = "ready";
  status();
}
function pythonFailed() {
  status();
  for (const set of controlSets) for (const [n, el] of Object.entries(set.elements)) if (schema.runKeys.includes(n)) el.disabled = true;
  if (session.phase === "waiting") setup();
}
function pythonLost(error) { session.lost(error); status(); }
async function restartPython() {
  const step = controller.record ? controller.record.step : 0;
  const ready = python.restart();
  await setup({ step, play: false });
  await ready.catch(() => {});
}

// ---- language -------------------------------------------------------------------------------------------
const langSwitch = createLanguageSwitch($("lang-switch"), { get: () => state.get("lang"), set: (code) => state.set({ lang: code }) });
async function changeLanguage(code) {
  await content.useLanguage(code);
  setLanguage(code);
  remember(code);
  applyStatic();
  langSwitch.render();
  story.render();
  figure.rebuild(); rows.rebuild();
  numbersTable.relabel();
  syncControls();
  renderTransport();
  status();
  numbersSoon();
  announce(t("lang.changed"));
}

// ---- the numbers table, share buttons ----------------------------------------------------------------
const numbersTable = createNumbersTable($("lab-numbers-box"));
let numbersTimer = 0;
function numbersSoon() {
  cancelAnimationFrame(numbersTimer);
  numbersTimer = requestAnimationFrame(() => {
    const src = controller.source, rec = controller.record;
    if (!rec || controller.playing) return;
    const m = src.history.meta, nH = m.sizes.length - 2, nL = m.sizes.length - 1, v = state.all();
    numbersTable.update({ step: rec.step, sides: SIDES.map((side, k) => ({
      title: `${t(`side.${side}`)} · ${t(`choice.init.${v[`${side}_init`]}`)}`, loss: rec.loss[k], acc: rec.acc[k],
      sym: Array.from(rec.sym.subarray(k * nH, (k + 1) * nH)), gnorm: Array.from(rec.gnorm.subarray(k * nL, (k + 1) * nL)) })) });
  });
}
createShareButtons($("share"), { schema, getValues: () => state.all(), getStep: () => (controller.record ? controller.record.step : 0) });

// ---- read-only hook for tests and the benchmark ----------------------------------------------------------
window.pyinitLab = {
  snapshot() {
    const src = controller.source;
    if (!src || !src.history.length) return null;
    const H = src.history, cur = controller.cursor, rec = H.record(cur), P = H.meta.P;
    return {
      source: src.kind, phase: session.phase, cursor: cur, records: H.length, step: rec.step, lastStep: H.lastStep,
      playing: controller.playing, stopReason: controller.stopReason, meta: H.meta, chapter: state.get("chapter"),
      runs: SIDES.map((side, k) => ({
        side, theta: Array.from(rec.theta.subarray(k * P, (k + 1) * P)), grad: Array.from(rec.grad.subarray(k * P, (k + 1) * P)),
        loss: rec.loss[k], acc: rec.acc[k], diverged: H.diverged(k), caption: trajectoryCaption(H, k, cur),
      })),
      handover: src.handover || null, perf: { ...perf }, timing: { frames: controller.timing.frames.slice() },
    };
  },
  state: () => state.all(),
  settings: () => schema.runSettings(state.all()),
  idle: () => controller.whenIdle(),
  goTo: (step) => session.goTo(step),
  chapter: (n) => story.scrollTo(n, { smooth: false }),
  resetTiming() { controller.timing.frames.length = 0; controller.timing.lastFrame = 0; },
  drawnAll: () => figure.drawnAll() && rows.drawnAll(),
  jobTimes: () => ({ ...rows.jobTimes(), ...figure.jobTimes() }),
};

// ---- start: the chapter in the URL, its runs at once -----------------------------------------------------
if (state.get("chapter") > 1) story.scrollTo(state.get("chapter"), { smooth: false });
await setup({ step: parsed.values.step, play: false });
status();
paintLegend();
