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
import { loadEncodings } from "../charts/common.js";
import { PANELS, SIDES } from "../app/panels.js";
import { createStory } from "../app/story.js";
import { createControls, crossCheck } from "../app/controls.js";
import { createShareButtons } from "../app/share.js";
import { createNumbersTable } from "../app/numbers.js";
import { mountChapterViewLazily as mountChapterView } from "../app/chapter-views-lazy.js";
import { startLanguage, createLanguageSwitch, remember, liveRegion } from "../app/language.js";
import { trajectoryCaption } from "../app/views.js";
import { wireTransport } from "../app/transport.js";
import { statusOf, edgeLegend, renderEdgeLegend } from "../app/status.js";
import { createCodePanel, codeKey } from "../app/code-panel.js";
import { CODE_TIMEOUT_MS } from "../app/session.js";

registerLanguage("pl", pl);
window.pyinitStarted = true; // the page's modules loaded: the guard (platform/file-check.js) stands down
performance.mark("pyinit:modules"); // (marks: where the first paint's time goes; read by build.py bench)
const $ = (id) => document.getElementById(id);
const setText = (el, text) => {
  if (el.textContent !== text) el.textContent = text;
};
const root = document.documentElement;
const perf = { t0: performance.now(), firstPaint: null, live: null };
const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
let figureSeen = false,
  rowsSeen = false; // motion only when seen (below)

// ---- Python starts at once (it takes seconds); everything else is drawn from data meanwhile --------
const python = createPython({
  onReady: () => pythonReady(),
  onFailed: (e) => pythonFailed(e),
  onLost: (e) => pythonLost(e),
});
python.start();
window.pyinitBoot = {
  get py() {
    return python.py;
  },
};

// ---- the URL, the schema and the content (parsed once, here) ------------------------------------
const urlQuery = `${location.search.slice(1)}&${location.hash.slice(1)}`;
const lang0 = startLanguage(urlQuery);
const store = createPrecomputedStore();
store.loadIndex();
const contentLoading = loadContent();
const encodingsLoading = loadEncodings(); // the charts' palette, dashes, … (pyinit/content/encodings.json)
const schema = await loadSchema(undefined, { chapters: contentLoading.then((c) => c.chapters) });
const content = await contentLoading;
const chapters = content.chapters;
performance.mark("pyinit:content");
const chapterNo = (id) => Math.max(1, chapters.findIndex((c) => c.id === id) + 1); // 1-based position
const chapterOf = (id) => chapters[chapterNo(id) - 1];
await content.useLanguage(lang0);
const parsed = schema.deserialize(urlQuery);
// a link with a side's code but no init for that side means "this side runs that code"
if (parsed.given.includes("code") && !parsed.given.includes("left_init")) parsed.values.left_init = "python";
if (parsed.given.includes("code_right") && !parsed.given.includes("right_init"))
  parsed.values.right_init = "python";
const state = schema.createState({ ...parsed.values, lang: lang0 });
/** A link that names a chapter but no run setting sets that chapter up (its preset). */
const withPreset = (p) =>
  p.given.some((k) => schema.runKeys.includes(k))
    ? p.values
    : {
        ...p.values,
        ...presetOf(p.values.chapter),
        ...Object.fromEntries(p.given.map((k) => [k, p.values[k]])),
      };
const urlHasRun = parsed.given.some((k) => schema.runKeys.includes(k));
/** A chapter's full run settings: the defaults with its preset. */
const presetOf = (id) => ({
  ...schema.runSettings(schema.defaults()),
  speed: chapterOf(id).speed || schema.defaults().speed,
  ...(chapterOf(id).preset || {}),
});
// a link without run settings gets its chapter's preset (its own view settings, e.g. speed, win)
if (!urlHasRun)
  state.set({
    ...presetOf(state.get("chapter")),
    ...Object.fromEntries(parsed.given.map((k) => [k, parsed.values[k]])),
  });
applyStatic();

// ---- transport and session ----------------------------------------------------------------------
const controller = createController({
  getSpeed: () => Number(state.get("speed")),
  onChange: (why) => changed(why),
});
const session = createSession({ controller, store, python, onChange: () => status() });

function loadingThrottleMs() {
  return python.ready || python.failed ? 0 : 250;
}

// ---- the figure: the chapter's panels; "More panels": all of them ---------------------------------
const chapterPanels = () => chapterOf(state.get("chapter")).panels || ["network", "boundary", "loss"];
const figure = createFigure($("fig-panels"), {
  controller,
  getValues: () => state.all(),
  getPanels: chapterPanels,
  layout: "columns",
  compact: true,
  idPrefix: "fig-",
  onFirstPaint() {
    perf.firstPaint = performance.now();
    root.dataset.firstPaintMs = perf.firstPaint.toFixed(0);
  },
  throttleMs: loadingThrottleMs, // leave the CPU to Python while it loads
});
const toolSets = [];
const rows = createFigure($("panels"), {
  controller,
  getValues: () => state.all(),
  getPanels: () => Object.keys(PANELS),
  layout: "rows",
  onBuilt({ toolSlots }) {
    toolSets.length = 0;
    for (const [id, slot] of Object.entries(toolSlots)) {
      if (PANELS[id].tools)
        toolSets.push(createControls(slot, PANELS[id].tools, state, { schema, onCommit: commit }));
    }
    syncControls();
  },
});
const draw = () => {
  figure.schedule();
  rows.schedule();
};
const redraw = () => {
  figure.invalidate();
  rows.invalidate();
};

// ---- the story ------------------------------------------------------------------------------------
const announce = liveRegion();
let firstActivation = true;
const story = createStory($("story"), {
  chapters,
  getText: (id) => content.text(id),
  onActivate(n) {
    const id = chapters[n - 1].id;
    // the URL's own settings win over the chapter's preset until the reader moves to another chapter
    const keep = firstActivation && urlHasRun && id === state.get("chapter");
    firstActivation = false;
    if (keep) return;
    const { changed: ch } = state.set({ chapter: id, ...presetOf(id) });
    if (!ch.some((k) => schema.runKeys.includes(k)) && ch.includes("chapter")) setup(); // same runs, new chapter: from step 0
    announce(
      `${t("tour.chapterOf", { n: String(n), total: String(chapters.length) })}: ${content.text(chapters[n - 1].id).title}`,
    );
    if (n < chapters.length) store.prefetch(chapters[n].id);
  },
  onReplay() {
    setup({ play: !reducedMotion });
  },
  mountView(chapter, box) {
    if (!chapter.view) return null;
    return mountChapterView(box, {
      id: chapter.id,
      view: chapter.view,
      preset: chapter.preset || {},
      python,
    });
  },
});
story.mark(chapterNo(state.get("chapter")));
performance.mark("pyinit:story");

// ---- controls ---------------------------------------------------------------------------------------
const controlSets = [];
const RELATED = {
  n_samples: ["n_samples", "batch_size"],
  left_init: ["left_init", "left_scale"],
  right_init: ["right_init", "right_scale"],
  optimizer: ["optimizer", "momentum"],
  momentum: ["optimizer", "momentum"],
};
/** A control's typed, valid value: applied unless a cross-field rule refuses it (then it never reaches Python). */
function commit(patch, key) {
  const errs = crossCheck({ ...state.all(), ...patch }, schema);
  const related = RELATED[key] || [key];
  for (const set of [...controlSets, ...toolSets])
    for (const n of related) if (set.elements[n]) set.setError(n, errs[n] || null);
  if (related.some((n) => errs[n])) return false;
  state.set(patch);
  return true;
}
const groups = {
  data: ["dataset", "n_samples", "noise", "factor"],
  network: ["layers", "width", "activation"],
  training: ["optimizer", "lr", "momentum", "batch_size", "seed"],
};
for (const [g, names] of Object.entries(groups))
  controlSets.push(createControls($(`ctl-${g}`), names, state, { schema, onCommit: commit }));
for (const s of SIDES)
  controlSets.push(
    createControls($(`ctl-${s}`), [`${s}_init`, `${s}_scale`, `${s}_bias`, `${s}_init_seed`], state, {
      schema,
      onCommit: commit,
    }),
  );
controlSets.push(createControls($("ctl-speed"), ["speed"], state, { schema, onCommit: commit }));
function syncControls() {
  for (const c of [...controlSets, ...toolSets]) c.sync();
}
syncControls();

// notices (from the URL, from Python): plain text, never HTML, a few at most
const noticeEl = $("notice");
function notices(list) {
  noticeEl.replaceChildren(
    ...list.map((item) => {
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
    }),
  );
  noticeEl.hidden = list.length === 0;
}
let urlNotices = [];
function showUrlNotices(p) {
  urlNotices = p.notices.map((n) => ({ text: t(n.error.key, { ...n.error.params, name: n.name }) }));
  if (p.more) urlNotices.push({ text: t("error.moreNotices", { n: String(p.more) }) });
}
showUrlNotices(parsed);

// ---- your own init code (a side whose init is "python") -------------------------------------------------
const codePanel = createCodePanel($("fig-code"), { state, onRun: () => setup() });
// code that came in the link is shown, never run, until the reader clicks "Run this code"
for (const side of SIDES)
  if (parsed.given.includes(codeKey(side)) && state.get(`${side}_init`) === "python")
    codePanel.distrust(side);
codePanel.render();
const sideOfCode = (param) => SIDES.find((s) => codeKey(s) === param);
let shownCodeError = null;

// ---- state -> session, figure, URL --------------------------------------------------------------------
function setup({ step = 0, play = !reducedMotion && figureSeen } = {}) {
  const run = schema.runSettings(state.all());
  codePanel.render();
  const held = SIDES.find((s) => run[`${s}_init`] === "python" && !codePanel.trusted(s));
  if (held) return session.hold(run, { key: "code.held", params: { side: t(`side.${held}`) } });
  codePanel.clearErrors();
  return session.setup(run, { step, play });
}
state.onChange((ch, v) => {
  syncControls();
  if (ch.includes("lang")) changeLanguage(v.lang);
  if (ch.includes("chapter")) {
    figure.rebuild();
    story.mark(chapterNo(v.chapter));
  }
  if (ch.some((k) => schema.runKeys.includes(k))) setup();
  else redraw();
  writeURL();
});

let urlTimer = 0;
/** The URL follows the state and, when paused, the shown step; the query a link came with is dropped. */
let knownHash = location.hash; // the hash we wrote or read last: any other one is a paste on its way
function writeURL() {
  clearTimeout(urlTimer);
  urlTimer = setTimeout(() => {
    if (location.hash !== knownHash) return; // someone else just set the hash: its hashchange comes next
    const rec = controller.record;
    const step = rec && !controller.playing ? rec.step : 0;
    const hash = schema.serialize({ ...state.all(), step: session.pending ?? step });
    const url = `${location.pathname}${hash ? `#${hash}` : ""}`;
    if (url !== location.pathname + location.search + location.hash) history.replaceState(null, "", url);
    knownHash = location.hash;
  }, 150);
}

// a changed hash (a pasted link, the back button) is read like the initial URL
window.addEventListener("hashchange", () => {
  knownHash = location.hash;
  if (!location.hash.includes("=")) {
    writeURL();
    return;
  } // an in-page anchor (#more, #story), not settings
  const p = schema.deserialize(location.hash);
  p.values = withPreset(p); // "#chapter=noise" alone sets that chapter up, as the first link would
  if (!p.given.includes("lang")) delete p.values.lang;
  showUrlNotices(p);
  const runChanged = schema.runKeys.some((k) => p.values[k] !== state.get(k));
  const step = p.values.step;
  delete p.values.step;
  const chapterChanged = p.values.chapter !== state.get("chapter");
  state.set(p.values);
  if (chapterChanged) story.scrollTo(chapterNo(p.values.chapter), { smooth: false, silent: true });
  if (runChanged) setup({ step, play: false });
  else session.request(step);
  status();
});

// ---- motion only when seen --------------------------------------------------------------------------
// the first screen plays by itself once it is seen (never off-screen, never with reduced motion);
// after that, only Play and the chapters' setups start it
let autoplay = !reducedMotion;
function maybeAutoplay() {
  if (autoplay && figureSeen && controller.record && session.pending === null) {
    autoplay = false;
    controller.play();
  }
}
new IntersectionObserver(
  (entries) => {
    figureSeen = entries.some((e) => e.isIntersecting);
    floatTransport();
    if (figureSeen) maybeAutoplay();
    else if (controller.playing && !rowsSeen) controller.pause();
  },
  { threshold: 0.25 },
).observe($("figure"));
// in "More panels", the figure (and its transport) has scrolled away: the transport floats at the bottom
const transportBar = document.querySelector("#figure .transport");
const floatTransport = () => transportBar.classList.toggle("floating", rowsSeen && !figureSeen);
new IntersectionObserver((entries) => {
  rowsSeen = entries.some((e) => e.isIntersecting);
  floatTransport();
}).observe($("panels"));

// ---- transport, status -------------------------------------------------------------------------------
const transport = wireTransport({ controller, keys: true, onReset: () => setup({ play: false }) });
let announced = -1;
/** The cheap parts, on every change: transport, the figure's title, the edge legend, the announcement. */
function renderTransport() {
  transport.render();
  const id = state.get("chapter");
  setText(
    $("figure-title"),
    t("figure.title", {
      n: String(chapterNo(id)),
      total: String(chapters.length),
      title: content.text(id).title,
    }),
  );
  const rec = controller.record;
  if (!rec) return;
  renderEdgeLegend($("edge-legend"), edgeLegend(figure, state.get("net_show")));
  if (!controller.playing && rec.step !== announced) {
    announced = rec.step;
    $("lab-announce").textContent = t("announce.step", {
      step: String(rec.step),
      left: formatNumber(rec.loss[0], 4),
      right: formatNumber(rec.loss[1], 4),
    });
  }
}
let lastTransport = 0;
function changed(why) {
  draw();
  // while Python loads, the transport follows the figure's pace (throttleMs): less work for the CPU
  const now = performance.now();
  if (why === "tick" && now - lastTransport < loadingThrottleMs()) return;
  lastTransport = now;
  renderTransport();
  requestAnimationFrame(renderTransport); // the edge legend states the scale the diagrams drew: again once drawn
  if (["stopped", "source", "pause", "seek", "step", "back"].includes(why)) {
    status();
    writeURL();
  }
  if (!controller.playing) numbersSoon();
}
const paintLegend = () => requestAnimationFrame(renderTransport);

/** The phase, and anything that went wrong, in words (never overwritten by a later "ready"). */
function status() {
  root.dataset.phase = session.phase;
  const m = session.message;
  if (m && m !== shownCodeError && m.details && sideOfCode(m.details.param)) {
    shownCodeError = m;
    codePanel.showError(sideOfCode(m.details.param), {
      ...m.details,
      message: m.details.text || m.params.message,
    });
  }
  const { line, problems } = statusOf({ session, controller, python });
  setText($("figure-status"), line);
  notices([
    ...urlNotices,
    ...problems.map((p) => ({
      text: p.text,
      action: p.restart ? { label: t("status.restart"), run: restartPython } : null,
    })),
  ]);
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
  for (const set of controlSets)
    for (const [n, el] of Object.entries(set.elements)) if (schema.runKeys.includes(n)) el.disabled = true;
  if (session.phase === "waiting") setup();
}
function pythonLost(error) {
  const run = schema.runSettings(state.all());
  const coding = SIDES.filter((s) => run[`${s}_init`] === "python");
  if (error.type === "Timeout" && coding.length) {
    // the reader's code ran too long: the worker was stopped; start a fresh one, and hold the code
    for (const s of coding) codePanel.distrust(s, { readOnly: false, note: "code.afterTimeout" });
    python.restart();
    session.hold(run, { key: "code.timeout", params: { seconds: String(CODE_TIMEOUT_MS / 1000) } });
    status();
    return;
  }
  session.lost(error);
  status();
}
async function restartPython() {
  const step = controller.record ? controller.record.step : 0;
  const ready = python.restart();
  await setup({ step, play: false });
  await ready.catch(() => {});
}

// ---- language -------------------------------------------------------------------------------------------
const langSwitch = createLanguageSwitch($("lang-switch"), {
  get: () => state.get("lang"),
  set: (code) => state.set({ lang: code }),
});
async function changeLanguage(code) {
  await content.useLanguage(code);
  setLanguage(code);
  remember(code);
  applyStatic();
  langSwitch.render();
  story.render();
  figure.rebuild();
  rows.rebuild();
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
    const src = controller.source,
      rec = controller.record;
    if (!rec || controller.playing) return;
    const m = src.history.meta,
      nH = m.sizes.length - 2,
      nL = m.sizes.length - 1,
      v = state.all();
    numbersTable.update({
      step: rec.step,
      sides: SIDES.map((side, k) => ({
        title: `${t(`side.${side}`)} · ${t(`choice.init.${v[`${side}_init`]}`)}`,
        loss: rec.loss[k],
        acc: rec.acc[k],
        sym: Array.from(rec.sym.subarray(k * nH, (k + 1) * nH)),
        gnorm: Array.from(rec.gnorm.subarray(k * nL, (k + 1) * nL)),
      })),
    });
  });
}
createShareButtons($("share"), {
  schema,
  getValues: () => state.all(),
  getStep: () => (controller.record ? controller.record.step : 0),
});

// ---- read-only hook for tests and the benchmark ----------------------------------------------------------
window.pyinitLab = {
  snapshot() {
    const src = controller.source;
    if (!src || !src.history.length) return null;
    const H = src.history,
      cur = controller.cursor,
      rec = H.record(cur),
      P = H.meta.P;
    return {
      source: src.kind,
      phase: session.phase,
      cursor: cur,
      records: H.length,
      step: rec.step,
      lastStep: H.lastStep,
      playing: controller.playing,
      stopReason: controller.stopReason,
      meta: H.meta,
      chapter: state.get("chapter"),
      runs: SIDES.map((side, k) => ({
        side,
        theta: Array.from(rec.theta.subarray(k * P, (k + 1) * P)),
        grad: Array.from(rec.grad.subarray(k * P, (k + 1) * P)),
        loss: rec.loss[k],
        acc: rec.acc[k],
        diverged: H.diverged(k),
        caption: trajectoryCaption(H, k, cur),
      })),
      handover: src.handover || null,
      perf: { ...perf },
      timing: { frames: controller.timing.frames.slice() },
    };
  },
  state: () => state.all(),
  settings: () => schema.runSettings(state.all()),
  idle: () => controller.whenIdle(),
  goTo: (step) => session.goTo(step),
  chapter: (id) => story.scrollTo(chapterNo(id), { smooth: false }),
  resetTiming() {
    controller.timing.frames.length = 0;
    controller.timing.lastFrame = 0;
  },
  drawnAll: () => figure.drawnAll() && rows.drawnAll(),
  jobTimes: () => ({ ...rows.jobTimes(), ...figure.jobTimes() }),
};

// ---- start: the chapter in the URL, its runs at once -----------------------------------------------------
if (chapterNo(state.get("chapter")) > 1)
  story.scrollTo(chapterNo(state.get("chapter")), { smooth: false, silent: true });
await encodingsLoading;
performance.mark("pyinit:setup");
await setup({ step: parsed.values.step, play: false });
performance.mark("pyinit:runs");
if (parsed.values.step) autoplay = false; // a link's step is shown, not played past
maybeAutoplay();
status();
paintLegend();
