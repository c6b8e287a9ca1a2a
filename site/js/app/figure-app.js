// figure-app.js: the one figure app behind index.html (pages/lab.js) and embed.html (pages/embed.js).
// It owns, once for both pages:
//   URL -> state      the link is read once on load (links.js, where chapter presets are applied);
//                     a changed hash (a paste, back/forward) is read the same way (applyLink)
//   state -> runs     setup() runs from one state listener, and builds runs only through the code
//                     gate (code-gate.js): code not from the reader waits for "Run this code"
//   playback policy   a chapter's runs stop at the chapter's last step (the step its text means);
//                     going on is the reader's choice ("Keep training"); the reader's own setup plays on
//   status            the status line and the notices, the same sentences on both pages
//   Python lifecycle  ready (the live runs take over), failed, lost (a Restart that stays), restart
// A framing (the page) says which panels, controls and text it shows, and where (see createFigureApp).
import { t, applyStatic, setLanguage } from "../platform/i18n.js";
import { loadSchema } from "./schema.js";
import { loadContent } from "./content.js";
import { createController } from "./controller.js";
import { createPrecomputedStore } from "./source.js";
import { createSession } from "./session.js";
import { createPython } from "./python.js";
import { createFigure } from "./figure.js";
import { loadEncodings, applyToCSS } from "../charts/encodings.js";
import { SIDES } from "./panels.js";
import { wireTransport } from "./transport.js";
import { statusOf, edgeLegend, renderEdgeLegend } from "./status.js";
import { createCodePanel } from "./code-panel.js";
import { createLinks } from "./links.js";
import { createCodeGate } from "./code-gate.js";
import { renderNotices, linkNotices } from "./notices.js";

/**
 * createFigureApp({framing}) -> app (see the object returned at the end)
 * framing: {
 *   query            the URL's settings on load (a query string or hash)
 *   language(query)  the language to start in, set before anything is drawn
 *   eagerPython      start Python at once (the lab) or on request (an embed: app.startPython())
 *   panels(app)      the figure's panel ids; figure: extra createFigure options (idPrefix, onFirstPaint)
 *   ids              the page's elements: {status}, and where they differ from the default ids
 *                    {panels: "fig-panels", code: "fig-code", notice: "notice", legend: "edge-legend"}
 *   codeAlways       show both code editors even when no side uses Python
 *   keys             the transport answers Space and the arrow keys
 *   controls(link)   the transport's parts shown (see transport.js), or leave out: all
 *   playOnChange()   do new runs after a change (a chapter, a setting) play at once?
 * }
 */
const IDS = { panels: "fig-panels", code: "fig-code", notice: "notice", legend: "edge-legend" };

export async function createFigureApp({ framing }) {
  const f = { ...framing, ids: { ...IDS, ...framing.ids } };
  const $ = (id) => document.getElementById(id);
  const root = document.documentElement;
  const listeners = {};
  const emit = (name, ...args) => (listeners[name] || []).forEach((fn) => fn(...args));
  // Python starts first (it takes seconds); what it reports waits until the app is built
  let built;
  const whenBuilt = new Promise((resolve) => (built = resolve));
  const python = createPython({
    onReady: (versions) => whenBuilt.then(() => pythonReady(versions)),
    onFailed: (error) => whenBuilt.then(() => pythonFailed(error)),
    onLost: (error) => whenBuilt.then(() => pythonLost(error)),
  });
  if (f.eagerPython) python.start();
  const lang0 = f.language(f.query);
  const store = createPrecomputedStore();
  store.loadIndex();
  const contentLoading = loadContent();
  const encodingsLoading = loadEncodings(); // the charts' palette, dashes, … (pyinit/content/encodings.json)
  const schema = await loadSchema(undefined, { chapters: contentLoading.then((c) => c.chapters) });
  const [content, enc] = await Promise.all([contentLoading, encodingsLoading]);
  applyToCSS(enc); // the page's CSS draws with the same colors (--enc-pos, …) before anything is shown
  performance.mark("pyinit:content");
  const links = createLinks({ schema, chapters: content.chapters });
  await content.useLanguage(lang0);
  const link0 = links.read(f.query);
  const state = schema.createState({ ...link0.values, lang: lang0 });
  applyStatic();
  const gate = createCodeGate(content.chapters, schema);
  const codeKey = (side) => schema.codeKey[side];
  for (const side of link0.refused) gate.refuse(side);
  let urlNotices = linkNotices(link0);

  const controller = createController({
    getSpeed: () => Number(state.get("speed")),
    onChange: (why) => changed(why),
  });
  const session = createSession({ controller, store, python, schema, onChange: () => status() });
  const figure = createFigure($(f.ids.panels), {
    controller,
    getValues: () => state.all(),
    getPanels: () => f.panels(app),
    getPhonePanels: () => (f.phone ? f.phone(app) : null),
    enc,
    layout: "columns",
    compact: true,
    throttleMs, // leave the CPU to Python while it loads
    ...f.figure,
  });
  const views = [figure]; // the figure and any other view of the runs (the lab's "More panels")
  const codePanel = createCodePanel($(f.ids.code), {
    schema,
    state,
    gate,
    onRun: () => {
      if (!python.started) startPython().catch(() => {}); // a lazy embed: the code needs Python
      setup();
    },
    always: f.codeAlways ? f.codeAlways(link0, links) : false,
  });
  codePanel.render();
  const transport = wireTransport({
    controller,
    keys: f.keys,
    show: f.controls ? f.controls(link0) : null,
    onReset: () => setup({ play: false }),
    onKeepTraining: keepTraining,
  });

  // ---- state -> runs: one listener; setup() only through the code gate --------------------------------
  let nextSetup = null; // how the next setup starts (a link's step), set by whoever changes the state
  let keepGoing = false; // the reader chose to train past the chapter's run
  let settled = Promise.resolve(); // the last setup
  state.onChange((ch, v) => {
    emit("state", ch, v);
    if (ch.includes("lang")) changeLanguage(v.lang);
    if (ch.includes("chapter")) figure.rebuild();
    const how = nextSetup;
    nextSetup = null;
    if (ch.includes("chapter") || ch.some((k) => schema.runKeys.includes(k))) settled = setup(how || {});
    else {
      for (const view of views) view.invalidate();
      if (how && how.step !== undefined) showStep(how.step);
    }
    emit("changed-state");
  });

  /** New runs for the state's settings, at `step`: unless the gate holds a side's code. */
  function setup({ step = 0, play = f.playOnChange() } = {}) {
    const run = schema.runSettings(state.all());
    keepGoing = false;
    applyEnd(step);
    codePanel.render();
    const held = gate.held(run);
    if (held) return session.hold(run, { key: "code.held", params: { side: t(`side.${held}`) } });
    codePanel.clearErrors();
    return session.setup(run, { step, play });
  }

  // ---- playback policy: a chapter's run is a fixed experiment -------------------------------------------
  /** The step where the runs stop: the chapter's last one for its own setup, else none. */
  const chapterEnd = () =>
    links.isChapterRun(state.all()) ? links.chapterOf(state.get("chapter")).steps : null;
  /** A step asked for past the chapter's run (a link's step, goTo) means: train on. */
  function applyEnd(step = 0) {
    const end = chapterEnd();
    if (end !== null && step > end) keepGoing = true;
    controller.setEnd(keepGoing ? null : end);
  }
  /** Go to `step` of the runs shown, now or once the runs can get there. */
  function showStep(step) {
    applyEnd(step);
    return session.request(step);
  }
  /** Past the chapter's run: the reader's choice ("Keep training"); trainOn() lifts the end only. */
  function trainOn() {
    keepGoing = true;
    controller.setEnd(null);
  }
  function keepTraining() {
    trainOn();
    controller.play();
  }

  // ---- links: a changed hash (a paste, back/forward) is read like the first load ---------------------
  /** Apply a link read by links.read(): its settings, at its step, paused; a few notices. */
  function applyLink(link, { keepLanguage = true } = {}) {
    const values = { ...link.values };
    if (keepLanguage && !link.given.includes("lang")) delete values.lang;
    delete values.step;
    urlNotices = linkNotices(link);
    for (const side of link.refused) gate.refuse(side);
    nextSetup = { step: link.step, play: false };
    const { changed: ch } = state.set(values);
    if (nextSetup) {
      nextSetup = null; // nothing changed: the link's step of the runs shown
      showStep(link.step);
    }
    emit("link", link, ch);
    status();
  }

  /** While Python loads, the figure and the transport draw at most every 250 ms. */
  function throttleMs() {
    return python.started && !python.ready && !python.failed ? 250 : 0;
  }

  // ---- drawing, transport, status ----------------------------------------------------------------------
  let lastTransport = 0;
  function changed(why) {
    for (const view of views) view.schedule();
    // while Python loads, the transport follows the figure's pace (throttleMs): less work for the CPU
    const now = performance.now();
    if (why === "tick" && now - lastTransport < throttleMs()) return;
    lastTransport = now;
    renderTransport();
    // the edge legend states the scale the diagrams drew: again once drawn
    requestAnimationFrame(renderTransport);
    if (["stopped", "source", "pause", "seek", "step", "back"].includes(why)) status();
    emit("changed", why);
  }
  function renderTransport() {
    transport.render();
    if (controller.record) renderEdgeLegend($(f.ids.legend), edgeLegend(figure, state.get("net_show")));
    emit("transport");
  }

  let shownCodeError = null;
  /** The phase, and anything that went wrong, in words (never overwritten by a later "ready"). */
  function status() {
    root.dataset.phase = session.phase;
    root.toggleAttribute("data-run-end", !controller.playing && controller.atLastStep); // a chapter's end
    const m = session.message;
    const side = m && m.details && schema.sideOfCode(m.details.param);
    if (side && m !== shownCodeError) {
      shownCodeError = m;
      codePanel.showError(side, { ...m.details, message: m.details.text || m.params.message });
    }
    const { line, problems } = statusOf({ session, controller, python, schema });
    $(f.ids.status).textContent = line;
    renderNotices($(f.ids.notice), [
      ...urlNotices,
      ...problems.map((p) => ({
        text: p.text,
        action: p.restart ? { label: t("status.restart"), run: restartPython } : null,
      })),
    ]);
    emit("status", { line, problems });
  }

  // ---- Python: ready, failed, lost, restart -------------------------------------------------------------
  function pythonReady() {
    session.takeOver().then(() => {
      emit("live");
      status();
    });
    root.dataset.status = "ready";
    status();
  }
  function pythonFailed(error) {
    status();
    emit("python-failed", error);
    if (session.phase === "waiting") setup();
  }
  function pythonLost(error) {
    const run = schema.runSettings(state.all());
    const coding = SIDES.filter((s) => run[`${s}_init`] === "python");
    // the reader's code runs in its sandbox, never in this Python (its time-outs and exits are the code
    // runner's: code-panel.js revokes it); still, code in use when Python stopped waits for the reader
    // and never re-runs unasked
    for (const s of coding) gate.revoke(s, run[codeKey(s)], "lost");
    session.lost(error);
    codePanel.render();
    status();
  }
  async function restartPython() {
    const step = controller.record ? controller.record.step : 0;
    root.dataset.status = "loading";
    const ready = python.restart();
    status();
    await setup({ step, play: false });
    await ready.catch(() => {});
  }
  function startPython() {
    root.dataset.status = "loading";
    const ready = python.start();
    status();
    return ready;
  }

  // ---- language ------------------------------------------------------------------------------------------
  async function changeLanguage(code) {
    await content.useLanguage(code);
    setLanguage(code);
    applyStatic();
    for (const view of views) (view.rebuild || view.invalidate)();
    codePanel.render();
    renderTransport();
    status();
    emit("language", code);
  }

  const app = {
    schema,
    content,
    chapters: content.chapters,
    links,
    state,
    controller,
    session,
    python,
    figure,
    gate,
    link0,
    setup,
    applyLink,
    status,
    startPython,
    restartPython,
    keepTraining,
    trainOn,
    renderTransport,
    prefetch: (id) => store.prefetch(id),
    throttleMs,
    encodings: enc,
    /** Another view of the same runs (redrawn with the figure). */
    addView(view) {
      views.push(view);
    },
    on(name, fn) {
      (listeners[name] ||= []).push(fn);
    },
    /** Set the state (e.g. a chapter's setup); how: {step, play} for the setup it causes. */
    set(patch, how = null) {
      nextSetup = how;
      const r = state.set(patch);
      nextSetup = null;
      return r;
    },
    /** A chapter's setup (its preset): from step 0; the same runs again when only the chapter changes. */
    showChapter(id, how = null) {
      return app.set({ chapter: id, ...links.presetOf(id) }, how);
    },
    /** The setup the last state change started (a host's setState replies after it). */
    get settled() {
      return settled;
    },
    /** Go to `step` of the runs shown, now or once they can get there (after Python takes over). */
    showStep,
    /** Show `step` (training live up to it; past the chapter's run, the runs train on). */
    goTo(step) {
      applyEnd(step);
      return session.goTo(step);
    },
    /** The runs are the chapter's own setup (else: the reader's, "Your setup"). */
    get isChapterRun() {
      return links.isChapterRun(state.all());
    },
    get chapterNo() {
      return links.chapterNo(state.get("chapter"));
    },
    get step() {
      return controller.record ? controller.record.step : null;
    },
    /** Start: the link's runs at its step (call once the page has wired its parts). */
    async start({ play = false } = {}) {
      performance.mark("pyinit:setup");
      await setup({ step: link0.step, play });
      performance.mark("pyinit:runs");
      status();
      requestAnimationFrame(renderTransport);
    },
  };
  built();
  return app;
}
