// present.js: the lab page in the lecture hall.
//   clicker keys    PageDown / PageUp (what presenters' clickers send) and n / p: the next / previous
//                   chapter, exactly one; "." or "b" blanks the screen (again: back); f: presentation
//                   mode. The arrow keys and Space stay the transport's (transport.js). Keys typed into
//                   a field, a list or the code editor are never taken.
//   presentation    (the setting `present`, in the link as present=1): the figure fills the screen
//                   (Fullscreen API; refused, e.g. for a link opened without a click: the window), with
//                   the chapter's title and its "Watch" line in large type. The figure is zoomed (CSS
//                   zoom) so that its smallest text, a chart's tick label, is >= 2.25 % of the screen's
//                   height; the canvases draw at the zoomed size (charts/canvas.js: currentCSSZoom), not
//                   a scaled bitmap. Esc leaves (the browser's own, or ours when the window is used).
//   text size       (the setting `font_size`, percent): the figure and the story zoomed by it.
//
//   const presenter = createPresenter(app, {story, figure});   the lab's story and its figure element
import { t } from "../platform/i18n.js";
import { el } from "../platform/dom.js";
import { createDownloads } from "./export-menu.js";

export const MIN_CHART_PX = 10; // the smallest text the figure draws at zoom 1 (a chart's tick label)
export const MIN_SHARE = 0.0225; // of the screen's height: every text of the figure in presentation mode

/** Is the key going into something the reader types in or picks from (never taken from it)? */
export function isTyping(target) {
  if (!target || !target.tagName) return false;
  if (["INPUT", "SELECT", "TEXTAREA"].includes(target.tagName)) return true;
  return Boolean(target.isContentEditable || (target.closest && target.closest(".cm-editor")));
}

/** The zoom of the figure: the text size, and in presentation mode at least what the screen needs. */
export function figureZoom({ presenting, fontSize, height }) {
  const scale = Number(fontSize) / 100 || 1;
  return presenting ? Math.max(1, (MIN_SHARE * height) / MIN_CHART_PX) * scale : scale;
}

export function createPresenter(app, { story, figure }) {
  const root = document.documentElement;
  const tools = el("span", { class: "fig-tools" });
  figure.querySelector(".fig-foot").prepend(tools);
  const { state, chapters, content } = app;
  const head = el("header", { class: "present-head", hidden: "" });
  figure.prepend(head);
  const blank = el("div", { class: "present-blank", hidden: "", "aria-hidden": "true" });
  document.body.append(blank);
  blank.addEventListener("click", () => (blank.hidden = true));

  // ---- the tools under the figure: Present, text size -------------------------------------------------
  const presentBtn = el("button", { type: "button", class: "present-btn", "aria-keyshortcuts": "f" });
  presentBtn.addEventListener("click", () => toggle());
  const sizeSelect = el("select", { id: "font_size", class: "font-size" });
  const sizeLabel = el("label", { for: "font_size", class: "font-size-label" });
  sizeSelect.addEventListener("change", () => app.set({ font_size: sizeSelect.value }));
  tools.append(presentBtn, sizeLabel, sizeSelect);
  const downloads = createDownloads(app, { tools, panels: figure.querySelector(".fig-panels") });

  function renderTools() {
    presentBtn.textContent = t(state.get("present") ? "present.leave" : "present.enter");
    presentBtn.setAttribute("aria-pressed", String(Boolean(state.get("present"))));
    sizeLabel.textContent = t("ctl.font_size");
    const { choices } = app.schema.spec("font_size");
    if (sizeSelect.options.length !== choices.length)
      sizeSelect.replaceChildren(...choices.map((c) => el("option", { value: c }, `${c} %`)));
    sizeSelect.value = String(state.get("font_size"));
  }

  function renderHead() {
    const n = app.chapterNo;
    const c = chapters[n - 1];
    if (!c) return head.replaceChildren();
    const text = content.text(c.id);
    const parts = [
      el("p", { class: "present-of" }, t("tour.chapterOf", { n: String(n), total: String(chapters.length) })),
      el("h2", { class: "present-title" }, text.title),
    ];
    if (text.watch)
      parts.push(el("p", { class: "present-watch" }, el("strong", {}, `${t("story.watch")} `), text.watch));
    head.replaceChildren(...parts);
  }

  // ---- presentation mode and the zoom --------------------------------------------------------------------
  let fullscreen = false; // we asked for the screen and got it
  function apply() {
    const presenting = Boolean(state.get("present"));
    root.classList.toggle("presenting", presenting);
    head.hidden = !presenting;
    const zoom = figureZoom({ presenting, fontSize: state.get("font_size"), height: window.innerHeight });
    root.style.setProperty("--fig-zoom", zoom.toFixed(3));
    root.style.setProperty("--story-zoom", String(Number(state.get("font_size")) / 100 || 1));
    if (presenting) renderHead();
    else blank.hidden = true;
    renderTools();
    app.figure.invalidate();
  }
  /** Enter or leave (a click or a key: the Fullscreen API wants one; refused -> the window). */
  function toggle(on = !state.get("present")) {
    if (on && !document.fullscreenElement && root.requestFullscreen) {
      root.requestFullscreen({ navigationUI: "hide" }).then(
        () => (fullscreen = true),
        () => (fullscreen = false),
      );
    } else if (!on && document.fullscreenElement) document.exitFullscreen().catch(() => {});
    app.set({ present: on });
  }
  document.addEventListener("fullscreenchange", () => {
    if (document.fullscreenElement) return;
    if (fullscreen && state.get("present")) app.set({ present: false }); // Esc, as the browser took it
    fullscreen = false;
  });
  window.addEventListener("resize", () => apply());

  // ---- clicker keys -------------------------------------------------------------------------------------
  /** One chapter on (+1) or back (-1): from the intro, the first. */
  function goChapter(delta) {
    const now = story.active || (app.isChapterRun ? app.chapterNo : 0);
    const n = Math.min(chapters.length, Math.max(1, now + delta));
    if (n === now) return;
    story.scrollTo(n, { smooth: !state.get("present") });
  }
  // (capture: before the transport's keys, so that the key that ends a blank does nothing else)
  window.addEventListener(
    "keydown",
    (ev) => {
      if (ev.defaultPrevented || ev.altKey || ev.ctrlKey || ev.metaKey || isTyping(ev.target)) return;
      const key = ev.key;
      if (!blank.hidden && !["Shift", "Control", "Alt", "Meta"].includes(key)) {
        ev.preventDefault();
        ev.stopPropagation();
        blank.hidden = true; // any key shows the screen again
        return;
      }
      if (key === "PageDown" || key === "n") goChapter(1);
      else if (key === "PageUp" || key === "p") goChapter(-1);
      else if (key === "b" || key === "B" || key === ".") blank.hidden = false;
      else if (key === "f") toggle();
      else if (key === "Escape" && state.get("present")) toggle(false);
      else return;
      ev.preventDefault();
    },
    true,
  );

  app.on("state", (ch) => {
    if (ch.includes("present") || ch.includes("font_size")) apply();
    // a new text size reflows the story: the chapter shown stays the one in view
    if (ch.includes("font_size") && story.active)
      story.scrollTo(story.active, { smooth: false, silent: true });
    else if (ch.includes("chapter") && state.get("present")) renderHead();
  });
  app.on("language", () => {
    renderTools();
    renderHead();
  });
  apply();
  return { toggle, goChapter, apply, head, blank, downloads };
}
