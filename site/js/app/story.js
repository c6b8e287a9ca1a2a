// story.js: the explainer's text column. One section per chapter (from data/content: the chapter
// list and each language's texts, the same files `python -m pyinit report` reads), scrolling beside
// the sticky figure. The chapter whose section crosses the reading line is *active*: the page then
// sets the figure up for it (its preset and panels). Nothing here trains or draws runs.
//
//   const story = createStory(root, {chapters, getText, onActivate, mountView});
//   story.render()          (re)write every text in the current language (views keep their data)
//   story.scrollTo(n)       bring chapter n (1-based) to the reading line
//   story.active            the active chapter number
import { t } from "../platform/i18n.js";
import { el } from "../platform/dom.js";

/**
 * A chapter's formula: its parts typeset by KaTeX at build time (content.text's `typeset`: HTML made
 * from our own texts by tools/formulas.py, so it is inserted as HTML), one part per line; a part
 * formulas.json lacks is shown as its TeX.
 */
export function formulaBox(text) {
  const parts = (text.formula || []).map((tex, k) => {
    const part = el("span", { class: "formula-part" });
    const html = text.typeset?.[k];
    if (html) part.innerHTML = html;
    else part.textContent = tex;
    return part;
  });
  // a formula wider than its box scrolls sideways: keyboard readers can reach it (tabindex), and it
  // is named by its label
  return el(
    "div",
    { class: "formula", tabindex: "0", role: "group", "aria-label": t("tour.formula") },
    el("span", { class: "formula-label" }, t("tour.formula")),
    el("span", { class: "formula-text" }, parts),
  );
}

/**
 * chapters: [{id, ...}] in order; getText(id) -> {title, body, watch?, formula, takeaway} in the
 * current language; onActivate(n, {byUser}) when a chapter becomes active; mountView(chapter, box) ->
 * {render()} builds the chapter's experiment (or null).
 */
export function createStory(
  root,
  { chapters, getText, onActivate, mountView = () => null, onReplay = () => {} },
) {
  const N = chapters.length;
  let active = 0;
  let suppress = 0; // while a programmatic scroll runs, activation waits for it to settle
  const sections = [];
  const views = new Map();

  root.classList.add("story");
  const intro = el("section", { class: "story-intro", id: "intro", "aria-labelledby": "intro-title" });
  root.replaceChildren(intro);
  for (const [i, c] of chapters.entries()) {
    const sec = el("section", {
      class: "chapter-step",
      id: `chapter-${i + 1}`,
      "data-chapter": i + 1,
      "data-id": c.id,
      "aria-labelledby": `chapter-${i + 1}-title`,
      tabindex: "-1",
    });
    root.append(sec);
    sections.push(sec);
  }
  const outro = el("section", { class: "story-outro", id: "outro" });
  root.append(outro);

  function renderIntro() {
    intro.replaceChildren(
      el("h2", { id: "intro-title" }, t("story.question")),
      el("p", { class: "story-lead" }, t("story.lead")),
      el("p", { class: "story-how" }, t("story.how")),
      el(
        "nav",
        { class: "story-toc", "aria-label": t("tour.toc") },
        el(
          "ol",
          {},
          chapters.map((c, i) =>
            el(
              "li",
              {},
              el(
                "a",
                {
                  href: `#chapter=${c.id}`,
                  "data-chapter": i + 1,
                  onclick: (ev) => {
                    ev.preventDefault();
                    scrollTo(i + 1, { focus: true });
                  },
                },
                getText(c.id).title,
              ),
            ),
          ),
        ),
      ),
    );
  }

  function renderChapter(i) {
    const c = chapters[i],
      n = i + 1,
      text = getText(c.id),
      sec = sections[i];
    const parts = [
      el("p", { class: "chapter-of" }, t("tour.chapterOf", { n: String(n), total: String(N) })),
      el("h2", { id: `chapter-${n}-title` }, text.title),
      el("p", { class: "chapter-body" }, text.body),
    ];
    if (text.watch)
      parts.push(el("p", { class: "watch" }, el("strong", {}, t("story.watch") + " "), text.watch));
    parts.push(
      formulaBox(text),
      el("p", { class: "takeaway" }, el("strong", {}, t("tour.takeaway") + ": "), text.takeaway),
      el(
        "div",
        { class: "chapter-actions" },
        el(
          "button",
          {
            type: "button",
            class: "replay",
            "data-chapter": n,
            onclick: () => {
              activate(n, true);
              onReplay(n);
            },
          },
          t("story.replay"),
        ),
      ),
    );
    let box = views.get(n);
    if (c.view) {
      if (!box) {
        box = { el: el("section", { class: "chapter-view", id: `chapter-${n}-view` }), view: null };
        views.set(n, box);
      }
      parts.push(box.el);
    }
    sec.replaceChildren(...parts);
    if (box) {
      if (!box.view) box.view = mountView(c, box.el, n);
      else box.view.render();
    }
  }

  function renderOutro() {
    outro.replaceChildren(
      el("h2", {}, t("story.outroTitle")),
      el("p", {}, t("story.outro")),
      el("p", {}, el("a", { href: "#more", class: "more-link" }, t("story.toLab"))),
    );
  }

  function render() {
    renderIntro();
    chapters.forEach((_, i) => renderChapter(i));
    renderOutro();
    for (const [i, sec] of sections.entries()) sec.classList.toggle("active", i + 1 === active);
  }

  function mark(n) {
    active = n;
    for (const [i, sec] of sections.entries()) sec.classList.toggle("active", i + 1 === n);
  }

  function activate(n, byUser = false) {
    if (n === active && !byUser) return;
    active = n;
    for (const [i, sec] of sections.entries()) sec.classList.toggle("active", i + 1 === n);
    onActivate(n, { byUser });
  }

  // The active chapter is the one under the reading line, a little above the middle of what the
  // sticky figure leaves visible. It is decided when scrolling settles (not on every intersection),
  // so a chapter the reader only scrolls past, or content that grows while loading, changes nothing.
  const readingLine = () => {
    const fig = document.getElementById("figure-wrap");
    const phone = window.matchMedia("(max-width: 860px)").matches;
    const top = phone && fig ? Math.max(0, fig.getBoundingClientRect().bottom) : 0;
    return top + (window.innerHeight - top) * (phone ? 0.3 : 0.42);
  };
  function sectionAtLine() {
    const y = readingLine();
    for (const [i, sec] of sections.entries()) {
      const r = sec.getBoundingClientRect();
      if (r.top <= y && r.bottom > y) return i + 1;
    }
    return 0;
  }
  // only while the figure is on screen: scrolling on into "More panels" must not set up a chapter
  const figureOnScreen = () => {
    const fig = document.getElementById("figure");
    if (!fig) return true;
    const r = fig.getBoundingClientRect();
    return r.bottom > 60 && r.top < window.innerHeight - 60;
  };
  let settleTimer = 0;
  function onScroll() {
    clearTimeout(settleTimer);
    settleTimer = setTimeout(() => {
      if (suppress || !figureOnScreen()) return;
      const n = sectionAtLine();
      // the figure shows a setup of the reader's own (active 0: a link's settings, their code):
      // scrolling past a chapter does not throw it away; the chapter's "Replay from step 0", the
      // contents and "Back to the chapters" set a chapter up
      if (n && n !== active && active !== 0) activate(n, true);
    }, 140);
  }
  // After a jump to a chapter (a link, the contents), content that grows above it while it loads (the
  // experiments draw later) would push the chapter down: keep it in place until the reader scrolls.
  // The same for the links to "More panels" below the story (#more), whose top the experiments of
  // the last chapters would push down as they are drawn on the way.
  let pinned = null;
  const unpin = () => {
    pinned = null;
  };
  if (typeof ResizeObserver !== "undefined") {
    new ResizeObserver(() => {
      if (pinned && Math.abs(pinned.getBoundingClientRect().top) > 2) {
        suppress++;
        pinned.scrollIntoView({ block: "start" });
        setTimeout(() => {
          suppress--;
        }, 80);
      }
    }).observe(root);
  }
  // (capture, registered before the clicker keys' listener: a key that jumps to a chapter unpins the
  // last one first, then pins its own)
  for (const ev of ["wheel", "touchstart", "keydown", "mousedown"])
    window.addEventListener(ev, unpin, { passive: true, capture: true });
  // The browser's own jumps are pinned too: an in-page link (#chapter-5, #chapter-5-view) and a link's
  // anchor at load, which the browser could not follow (the story is built here, after it looked).
  // Without that, in an engine without scroll anchoring (WebKit), the experiments drawn above it
  // pushed the chapter down and the reader saw the one before.
  const anchored = () => {
    const id = decodeURIComponent(location.hash.slice(1));
    const target = id && !id.includes("=") ? document.getElementById(id) : null;
    return target && root.contains(target) ? target : null;
  };
  window.addEventListener("hashchange", () => {
    pinned = anchored() || pinned;
  });
  document.addEventListener("click", (ev) => {
    const link = ev.target.closest?.('a[href="#more"]');
    const more = document.getElementById("more");
    if (!link || !more || ev.defaultPrevented || ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey)
      return;
    ev.preventDefault();
    suppress++; // the address keeps the settings, not "#more"
    more.scrollIntoView({ block: "start" });
    more.focus({ preventScroll: true }); // as the browser's own jump would: Tab goes on from here
    pinned = more;
    setTimeout(() => {
      suppress = Math.max(0, suppress - 1);
    }, 80);
  });
  function observe() {
    window.removeEventListener("scroll", onScroll);
    window.addEventListener("scroll", onScroll, { passive: true });
  }

  /** silent: the page set the figure up itself (e.g. from a pasted link): only mark the chapter. */
  function scrollTo(n, { focus = false, smooth = true, silent = false } = {}) {
    const sec = sections[n - 1];
    if (!sec) return;
    const reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    suppress++;
    if (silent) mark(n);
    else activate(n, true);
    sec.scrollIntoView({ behavior: smooth && !reduced ? "smooth" : "auto", block: "start" });
    if (focus) sec.focus({ preventScroll: true });
    // the programmatic scroll ends (scrollend where supported), then activation follows the reader again
    pinned = sec;
    const done = () => {
      suppress = Math.max(0, suppress - 1);
    };
    if ("onscrollend" in window && smooth && !reduced)
      window.addEventListener("scrollend", done, { once: true });
    else setTimeout(done, smooth && !reduced ? 1000 : 80);
  }

  render();
  observe();
  const target = anchored();
  if (target) {
    target.scrollIntoView({ block: "start" });
    pinned = target;
  }
  return {
    render,
    scrollTo,
    observe,
    get active() {
      return active;
    },
    /** Set the active chapter without scrolling or telling the page (it set the figure up itself). */
    mark,
    sections,
  };
}
