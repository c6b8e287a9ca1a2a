// pages/lab.js: the explainer page (index.html), one framing of the figure app (app/figure-app.js):
// the chapter's panels in a sticky figure beside the story, every panel and setting below it ("More
// panels"), an address that follows the state, share buttons and a table of the numbers.
import { t } from "../platform/i18n.js";
import { createFigureApp } from "../app/figure-app.js";
import { createFigure } from "../app/figure.js";
import { PANELS, SIDES } from "../app/panels.js";
import { createStory } from "../app/story.js";
import { createSettingsPanel } from "../app/settings-panel.js";
import { createShareButtons } from "../app/share.js";
import { followNumbers, announceSteps } from "../app/numbers.js";
import { mountChapterViewLazily as mountChapterView } from "../app/chapter-views-lazy.js";
import { startLanguage, wireLanguageSwitch, liveRegion } from "../app/language.js";
import { followAddress } from "../app/address.js";
import { watchMotion } from "../app/motion.js";
import { createOwnSetup } from "../app/own-setup.js";
import { exposeLabHook } from "../app/test-hook.js";
import { createPresenter } from "../app/present.js";

window.pyinitStarted = true; // the page's modules loaded: the guard (platform/file-check.js) stands down
performance.mark("pyinit:modules"); // (marks: where the first paint's time goes; read by build.py bench)
const $ = (id) => document.getElementById(id);
const perf = { t0: performance.now(), firstPaint: null, live: null };
const stamp = (name) => {
  perf[name] = performance.now();
  document.documentElement.dataset[`${name}Ms`] = perf[name].toFixed(0);
};
let motion = null;
// Until the first screen is on the screen, the chapters far from it are not laid out (css/page.css:
// <html data-story-laid-out>); then, a frame later, they are.
const layOutStory = () =>
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      document.documentElement.dataset.storyLaidOut = "";
    }),
  );

const app = await createFigureApp({
  framing: {
    query: `${location.search.slice(1)}&${location.hash.slice(1)}`,
    language: startLanguage,
    eagerPython: true,
    panels: (a) => a.links.chapterOf(a.state.get("chapter")).panels || ["network", "boundary", "loss"],
    phone: (a) => a.links.chapterOf(a.state.get("chapter")).phone || null, // its 1-2 panels on a phone
    figure: { idPrefix: "fig-", onFirstPaint: () => (stamp("firstPaint"), layOutStory()) },
    ids: { status: "figure-status" },
    keys: true,
    playOnChange: () => motion.playOnChange(),
  },
});
const { state, chapters, content } = app;
app.on("live", () => stamp("live"));

// ---- the story: each chapter sets the figure up (its preset, its panels) --------------------------------
const announce = liveRegion();
const story = createStory($("story"), {
  chapters,
  getText: (id) => content.text(id),
  onActivate(n) {
    const { id } = chapters[n - 1];
    app.showChapter(id);
    const of = t("tour.chapterOf", { n: String(n), total: String(chapters.length) });
    announce(`${of}: ${content.text(id).title}`);
    if (n < chapters.length) app.prefetch(chapters[n].id);
  },
  onReplay: () => app.setup({ play: !motion.reduced() }),
  mountView: (c, box) =>
    c.view &&
    mountChapterView(box, {
      id: c.id,
      view: c.view,
      preset: c.preset || {},
      python: app.python,
      enc: app.encodings,
    }),
});
const markChapter = () => story.mark(app.isChapterRun ? app.chapterNo : 0);
app.on("state", (ch) => ch.includes("chapter") && markChapter());
app.on("link", (link, ch) => {
  if (!link.own && ch.includes("chapter")) story.scrollTo(app.chapterNo, { smooth: false, silent: true });
});
createOwnSetup(app, { title: $("figure-title"), story, storyBox: $("story") });
performance.mark("pyinit:story");

// ---- "More panels": every panel, every setting ------------------------------------------------------------
const sideControls = (s) => [`${s}_init`, `${s}_scale`, `${s}_bias`, `${s}_init_seed`];
const settings = createSettingsPanel(app, {
  groups: {
    "ctl-data": ["dataset", "n_samples", "noise", "factor"],
    "ctl-network": ["layers", "width", "activation"],
    "ctl-training": ["optimizer", "lr", "momentum", "batch_size", "dropout", "seed"],
    ...Object.fromEntries(SIDES.map((s) => [`ctl-${s}`, sideControls(s)])),
  },
  speed: "ctl-speed",
});
const rows = createFigure($("panels"), {
  controller: app.controller,
  getValues: () => state.all(),
  getPanels: () => Object.keys(PANELS),
  enc: app.encodings,
  layout: "rows",
  onBuilt: ({ toolSlots }) => settings.tools(toolSlots, (id) => PANELS[id].tools),
});
app.addView(rows);
followNumbers(app, $("lab-numbers-box"));
announceSteps(app, $("lab-announce"));
createShareButtons($("share"), {
  schema: app.schema,
  getValues: () => state.all(),
  getStep: () => app.step ?? 0,
});
followAddress(app);
wireLanguageSwitch(app, $("lang-switch"), { announce, onChange: () => story.render() });
motion = watchMotion(app, {
  figure: $("figure"),
  rows: $("panels"),
  lab: $("more"),
  slot: $("lab-dock"),
  transport: $("figure").querySelector(".transport"),
});
exposeLabHook(app, { story, rows, perf });
createPresenter(app, { story, figure: $("figure") }); // lecture hall: clicker keys, present, downloads

// ---- start: the link's chapter (or its own setup), its runs at once ----------------------------------
markChapter();
if (!app.link0.own && app.chapterNo > 1) story.scrollTo(app.chapterNo, { smooth: false, silent: true });
await app.start();
if (app.link0.step) motion.noAutoplay(); // a link's step is shown, not played past
motion.maybeAutoplay();
