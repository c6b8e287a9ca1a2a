// embed/parts.js: what an embed shows around its figure (pages/embed.js): the speed control if the URL
// asks for it, the chapter's text, the "Run in your browser" button that starts Python on request,
// the status line's extras, the theme and the link that opens the same state in the full lab.
import { t } from "../platform/i18n.js";
import { el } from "../platform/dom.js";
import { createControls } from "../app/controls.js";
import { formulaBox } from "../app/story.js";
import { reportStatus } from "./messages.js";

const $ = (id) => document.getElementById(id);
export const list = (v) => (v ? String(v).split(",").filter(Boolean) : []);

/** The speed control, when the URL's `controls` names it (the transport shows the others). */
export function showSpeed(app, names) {
  if (names.includes("speed"))
    createControls($("ctl-speed"), ["speed"], app.state, {
      schema: app.schema,
      onCommit: (p) => app.state.set(p),
    });
}

/** The chapter's text above the figure (text=1). */
export function showText(app, chapterId) {
  const text = app.content.text(chapterId);
  const box = $("embed-text");
  const watch =
    text.watch && el("p", { class: "watch" }, el("strong", {}, t("story.watch") + " "), text.watch);
  box.replaceChildren(
    el("h2", {}, text.title),
    el("p", {}, text.body),
    watch || null,
    formulaBox(text),
    el("p", { class: "takeaway" }, text.takeaway),
  );
  box.hidden = false;
}

/** "Run in your browser": Python on request, and a note saying why the runs need it. Returns start(). */
export function offerPython(app) {
  const { python, session, controller } = app;
  const runBtn = $("btn-run");
  function start() {
    runBtn.disabled = true;
    $("boot").hidden = false;
    return app.startPython();
  }
  runBtn.addEventListener("click", () => start().catch(() => {}));
  app.on("python-failed", () => {
    runBtn.disabled = false;
  });
  app.on("status", () => {
    // the button is there whenever Python may be started (the status line asks for it), and a note
    // says why it is needed once the runs cannot go on without it
    const phase = session.phase;
    // link code waiting for "Run this code" (which starts Python itself): that button is the one way in
    const codeHeld = phase === "waiting" && session.message && session.message.key === "code.held";
    const offer = !python.started && ["precomputed", "waiting"].includes(phase) && !codeHeld;
    const needs = offer && (controller.stopReason === "end" || session.pending !== null);
    $("embed-start").hidden = !offer && !(python.failed && !python.ready);
    // (a setup that waits for Python is said once, by the status line; the note says why the runs stopped)
    $("embed-start-note").textContent = needs && phase !== "waiting" ? t("embed.end") : "";
    reportStatus(phase, app.step);
  });
  return start;
}

/** The theme, the shown step as data attributes, and the "Open in the full lab" link that follows. */
export function followState(app) {
  const root = document.documentElement;
  const { state, controller, schema } = app;
  root.dataset.theme = state.get("theme");
  function updateOpenLink() {
    const lab = {};
    for (const s of schema.entries) if (s.group !== "embed") lab[s.name] = state.get(s.name);
    lab.step = app.step ?? 0;
    $("open-lab").href = `index.html#${schema.serialize(lab)}`;
  }
  app.on("changed", (why) => {
    const rec = controller.record;
    if (rec) root.dataset.step = String(rec.step);
    // embed.css hides the transport until there are runs
    if (rec && !root.dataset.hasRuns) root.dataset.hasRuns = "1";
    if (["stopped", "source", "pause", "seek", "step", "back"].includes(why)) updateOpenLink();
  });
  app.on("state", (ch, v) => {
    if (ch.includes("theme")) root.dataset.theme = v.theme;
  });
  return updateOpenLink;
}
