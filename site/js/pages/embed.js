// pages/embed.js: embed.html, the figure for course pages: one framing of the figure app
// (app/figure-app.js): the panels and controls the URL asks for, optionally the chapter's text, Python
// only on request (lazy, the default), a postMessage API for the host page (api=1).
//
// URL (query string; the lab's keys, README "Embedding"): every lab setting, step, chapter, lang, plus
// panels, controls, text, autoplay, theme, api, lazy. A chapter with no run setting in the URL gets
// that chapter's setup (app/links.js) and, without panels=, its panels.
import { createFigureApp } from "../app/figure-app.js";
import { panelId } from "../app/panels.js";
import { startLanguage } from "../app/language.js";
import { exposeTestHook, snapshotOf } from "../app/test-hook.js";
import { startHeightReports, loadAllowList, listenForCommands } from "../embed/messages.js";
import { embedCommands } from "../embed/commands.js";
import { list, showSpeed, showText, offerPython, followState } from "../embed/parts.js";

window.pyinitStarted = true; // the page's modules loaded: the guard (platform/file-check.js) stands down

/** The panels the link asks for: panels=…, else its chapter's, else the default list. */
function panelsOf(link, links) {
  const given = new Set(link.given);
  const v = link.values;
  const wanted =
    given.has("panels") || !given.has("chapter") ? list(v.panels) : links.chapterOf(v.chapter).panels;
  return [...new Set(wanted.map((p) => (p === "code" ? "code" : panelId(p))).filter(Boolean))];
}

const app = await createFigureApp({
  framing: {
    query: location.search || location.hash,
    language: (query) => startLanguage(query, { remembered: false }),
    eagerPython: false,
    panels: (a) => panelsOf(a.link0, a.links),
    ids: { status: "embed-status" },
    codeAlways: (link, links) => panelsOf(link, links).includes("code"),
    keys: false,
    controls: (link) => list(link.values.controls),
    playOnChange: () => false,
  },
});
const v0 = app.state.all();
showSpeed(app, list(v0.controls));
if (v0.text) showText(app, app.links.chapterOf(v0.chapter).id);
const startPython = offerPython(app);
const updateOpenLink = followState(app);

// ---- the host page: height reports and the command API ----------------------------------------------------
startHeightReports();
const commandCounts = listenForCommands({
  enabled: v0.api,
  allow: v0.api ? await loadAllowList() : [],
  current: () => ({ step: app.step, playing: app.controller.playing }),
  handlers: embedCommands(app),
});
exposeTestHook("pyinitEmbed", app, {
  snapshot: () => snapshotOf(app) || { phase: app.session.phase, source: null },
  commands: commandCounts,
  workers: () => (app.python.started ? 1 : 0),
});

// ---- start ------------------------------------------------------------------------------------------------
const reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
await app.start({ play: v0.autoplay && !reduced && !app.link0.step });
if (!v0.lazy) startPython().catch(() => {});
updateOpenLink();
app.status();
