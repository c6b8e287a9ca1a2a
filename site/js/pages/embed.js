// pages/embed.js: embed.html, the figure for course pages. The same modules as the lab page (schema,
// content, session, figure, transport, status), framed differently: the panels and controls the URL
// asks for, optionally the chapter's text, Python only on request (lazy, the default), a postMessage
// API for the host page (api=1).
//
// URL (query string; the lab's keys, README "Embedding"): every lab setting, step, chapter, lang, plus
// panels, controls, text, autoplay, theme, api, lazy. A chapter with no run setting in the URL gets
// that chapter's preset (and, without panels=, its panels).
import { t, applyStatic, setLanguage, formatNumber } from "../platform/i18n.js";
import { loadSchema } from "../app/schema.js";
import { loadContent } from "../app/content.js";
import { createController } from "../app/controller.js";
import { createPrecomputedStore } from "../app/source.js";
import { createSession } from "../app/session.js";
import { createPython } from "../app/python.js";
import { createFigure } from "../app/figure.js";
import { loadEncodings } from "../charts/common.js";
import { panelId } from "../app/panels.js";
import { wireTransport } from "../app/transport.js";
import { statusOf, edgeLegend, renderEdgeLegend } from "../app/status.js";
import { createControls } from "../app/controls.js";
import { createCodePanel } from "../app/code-panel.js";
import { SIDES } from "../app/panels.js";
import { el } from "../platform/dom.js";
import { formulaBox } from "../app/story.js";
import { startHeightReports, reportStatus, loadAllowList, listenForCommands } from "../embed/messages.js";

window.pyinitStarted = true; // the page's modules loaded: the guard (platform/file-check.js) stands down
const $ = (id) => document.getElementById(id);
const root = document.documentElement;
const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;

// ---- the URL, parsed once ------------------------------------------------------------------------
const query = location.search || location.hash;
const store = createPrecomputedStore();
store.loadIndex();
const contentLoading = loadContent();
const encodingsLoading = loadEncodings(); // the charts' palette, dashes, … (pyinit/content/encodings.json)
const schema = await loadSchema(undefined, { chapters: contentLoading.then((c) => c.chapters) });
const content = await contentLoading;
const chapters = content.chapters;
const parsed = schema.deserialize(query);
// a link with a side's code but no init for that side means "this side runs that code"
if (parsed.given.includes("code") && !parsed.given.includes("left_init")) parsed.values.left_init = "python";
if (parsed.given.includes("code_right") && !parsed.given.includes("right_init"))
  parsed.values.right_init = "python";
const given = new Set(parsed.given);
const v0 = parsed.values;
const chapter = chapters.find((c) => c.id === v0.chapter) || chapters[0];
if (given.has("chapter") && !schema.runKeys.some((k) => given.has(k)))
  Object.assign(v0, chapter.preset || {});
const state = schema.createState(v0);
root.dataset.theme = v0.theme;
setLanguage(v0.lang);
await content.useLanguage(v0.lang);
applyStatic();
const list = (v) => (v ? String(v).split(",").filter(Boolean) : []);
const wanted = given.has("panels")
  ? list(v0.panels)
  : given.has("chapter")
    ? chapter.panels
    : list(v0.panels);
const panels = [...new Set(wanted.map((p) => (p === "code" ? "code" : panelId(p))).filter(Boolean))];
const controls = new Set(list(v0.controls));

// ---- Python on request ------------------------------------------------------------------------------
const python = createPython({
  onReady: () => {
    session.takeOver().then(status);
    root.dataset.status = "ready";
    status();
  },
  onFailed: () => {
    runBtn.disabled = false;
    status();
  },
  onLost: (e) => {
    session.lost(e);
    status();
  },
});
function startPython() {
  runBtn.disabled = true;
  $("boot").hidden = false;
  root.dataset.status = "loading";
  status();
  return python.start();
}
const runBtn = $("btn-run");
runBtn.addEventListener("click", () => {
  startPython().catch(() => {});
});

// ---- figure, transport, session -------------------------------------------------------------------
const controller = createController({
  getSpeed: () => Number(state.get("speed")),
  onChange: (why) => changed(why),
});
const session = createSession({ controller, store, python, onChange: () => status() });
const figure = createFigure($("fig-panels"), {
  controller,
  getValues: () => state.all(),
  getPanels: () => panels,
  layout: "columns",
  compact: true,
});
const transport = wireTransport({ controller, onReset: () => setup({ play: false }) });
for (const name of ["reset", "back", "step", "play"]) transport.buttons[name].hidden = !controls.has(name);
$("timeline").hidden = !controls.has("timeline");
$("transport").hidden = controls.size === 0;
if (controls.has("speed"))
  createControls($("ctl-speed"), ["speed"], state, { schema, onCommit: (p) => state.set(p) });

// your own init code: shown with panels=code or when a side uses Python; code from the URL (all code,
// in an embed) runs only after a click on "Run this code"
const codePanel = createCodePanel($("fig-code"), {
  schema,
  state,
  onRun: () => {
    if (!python.started) startPython().catch(() => {});
    setup();
  },
  always: panels.includes("code"),
});
for (const side of SIDES) if (given.has(schema.codeKey[side])) codePanel.distrust(side);
codePanel.render();
function setup({ step = 0, play = false } = {}) {
  const run = schema.runSettings(state.all());
  codePanel.render();
  const held = SIDES.find((s) => run[`${s}_init`] === "python" && !codePanel.trusted(s));
  if (held) return session.hold(run, { key: "code.held", params: { side: t(`side.${held}`) } });
  codePanel.clearErrors();
  return session.setup(run, { step, play });
}
const currentStep = () => (controller.record ? controller.record.step : null);

function changed(why) {
  figure.schedule();
  transport.render();
  const rec = controller.record;
  if (rec) root.dataset.step = String(rec.step);
  if (rec && !root.dataset.hasRuns) root.dataset.hasRuns = "1"; // embed.css hides the transport until there are runs
  // the legend states the scale the network diagrams drew: read it once they have drawn (next frame)
  requestAnimationFrame(() => renderEdgeLegend($("edge-legend"), edgeLegend(figure, state.get("net_show"))));
  if (["stopped", "source", "pause", "seek", "step", "back"].includes(why)) {
    status();
    updateOpenLink();
  }
}

// ---- text, notices, status --------------------------------------------------------------------------
if (v0.text) {
  const text = content.text(chapter.id);
  const box = $("embed-text");
  box.replaceChildren(
    el("h2", {}, text.title),
    el("p", {}, text.body),
    ...(text.watch
      ? [el("p", { class: "watch" }, el("strong", {}, t("story.watch") + " "), text.watch)]
      : []),
    formulaBox(text),
    el("p", { class: "takeaway" }, text.takeaway),
  );
  box.hidden = false;
}
const urlNotices = parsed.notices.map((n) => t(n.error.key, { ...n.error.params, name: n.name }));
if (parsed.more) urlNotices.push(t("error.moreNotices", { n: String(parsed.more) }));
let shownCodeError = null;
function status() {
  root.dataset.phase = session.phase;
  const m = session.message,
    side = m && m.details && { code: "left", code_right: "right" }[m.details.param];
  if (side && m !== shownCodeError) {
    shownCodeError = m;
    codePanel.showError(side, { ...m.details, message: m.details.text || m.params.message });
  }
  const { line, problems } = statusOf({ session, controller, python, schema });
  $("embed-status").textContent = line;
  const notice = $("notice");
  notice.replaceChildren(...[...urlNotices, ...problems.map((p) => p.text)].map((text) => el("p", {}, text)));
  notice.hidden = notice.childElementCount === 0;
  // the Run button is there whenever Python may be started (the status line asks for it), and a
  // note says why it is needed once the runs cannot go on without it
  const offer = !python.started && ["precomputed", "waiting"].includes(session.phase);
  const needs =
    offer && (session.phase === "waiting" || controller.stopReason === "end" || session.pending !== null);
  $("embed-start").hidden = !offer && !(python.failed && !python.ready);
  $("embed-start-note").textContent = needs
    ? t(session.phase === "waiting" ? "embed.needsPython" : "embed.end")
    : "";
  reportStatus(session.phase, currentStep());
}

function updateOpenLink() {
  const lab = {};
  for (const s of schema.entries) if (s.group !== "embed") lab[s.name] = state.get(s.name);
  lab.step = currentStep() ?? 0;
  $("open-lab").href = `index.html#${schema.serialize(lab)}`;
}

// ---- host page: height reports and the command API --------------------------------------------------
startHeightReports();
state.onChange((ch, v) => {
  if (ch.includes("theme")) root.dataset.theme = v.theme;
  if (ch.includes("lang")) {
    setLanguage(v.lang);
    content.useLanguage(v.lang).then(() => {
      applyStatic();
      figure.rebuild();
      status();
    });
  }
  if (ch.some((k) => schema.runKeys.includes(k))) setup();
  else figure.invalidate();
});
const allow = v0.api ? await loadAllowList() : [];
const commandCounts = listenForCommands({
  enabled: v0.api,
  allow,
  current: () => ({ step: currentStep(), playing: controller.playing }),
  handlers: {
    // n steps of training (the shown records may be every 2nd step: step until the step has grown by n)
    step: async ({ n = 1 }) => {
      const target = (currentStep() ?? 0) + n;
      for (let guard = 0; (currentStep() ?? 0) < target && guard < n; guard++) {
        const before = currentStep();
        await controller.step();
        if (currentStep() === before) break; // nothing more to show (e.g. the end of precomputed runs)
      }
    },
    play: () => controller.play(),
    pause: () => controller.pause(),
    reset: () => setup(),
    setState: async ({ state: patch }) => {
      if (!patch || typeof patch !== "object") throw new Error("setState needs args.state, an object");
      const allowed = Object.fromEntries(
        Object.entries(patch)
          .filter(([k]) => !["api", "lazy"].includes(k))
          .map(([k, x]) => [k, String(x).slice(0, 200)]),
      );
      const step = allowed.step;
      delete allowed.step;
      const r = state.set(allowed);
      if (r.changed.some((k) => schema.runKeys.includes(k))) await setup();
      if (step !== undefined) {
        const p = schema.parse("step", step);
        if (!p.ok) r.errors.step = p.error;
        else await session.request(p.value);
      }
      return r;
    },
  },
});

// read-only hook for tests
window.pyinitEmbed = {
  snapshot() {
    const src = controller.source;
    if (!src || !src.history.length) return { phase: session.phase, source: null };
    const H = src.history,
      rec = controller.record,
      P = H.meta.P;
    return {
      phase: session.phase,
      source: src.kind,
      step: rec.step,
      cursor: controller.cursor,
      lastStep: H.lastStep,
      playing: controller.playing,
      stopReason: controller.stopReason,
      runs: ["left", "right"].map((side, k) => ({
        side,
        theta: Array.from(rec.theta.subarray(k * P, (k + 1) * P)),
        loss: rec.loss[k],
      })),
    };
  },
  state: () => state.all(),
  commands: commandCounts,
  workers: () => (python.started ? 1 : 0),
};

// ---- start ---------------------------------------------------------------------------------------------
await encodingsLoading;
await setup({ step: v0.step, play: v0.autoplay && !reducedMotion && !v0.step });
if (!v0.lazy) startPython().catch(() => {});
updateOpenLink();
status();
