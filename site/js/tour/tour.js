// The guided tour: eight chapters, each a preset of the lab + a short text with its formula and a
// takeaway + (chapters 4-8) a live experiment. Table of contents, previous/next, deep links
// (the state key `chapter`, which the page keeps in the URL), "Try it" loads the preset into the lab.
//
// The presets live in ONE place, pyinit.tour.CHAPTERS, fetched through the worker
// (tour.presets); the same presets are run natively by tests/test_tour.py. Texts come from the
// string catalogs: keys tour.ID.title, tour.ID.body, tour.ID.formula, tour.ID.takeaway.
//
//   const tour = createTour({root, getChapter, setChapter, py, ready, onTryIt, announce, plotlyReady});
//   tour.render()        redraw for the current chapter and language (call on state/language change)
import { t } from "../platform/i18n.js";
import { VIEWS } from "./views.js";
import { el } from "./dom.js";

export const CHAPTER_IDS = ["simple", "additive", "clones", "stuck", "noise", "restarts", "scale", "reproduce"];
const N = CHAPTER_IDS.length;

export function createTour({ root, getChapter, setChapter, py, ready, onTryIt, announce = () => {}, plotlyReady = Promise.resolve() }) {
  let presets = null;        // {chapters: [...]} from pyinit.tour.presets()
  let pyFailed = null;
  const cache = new Map();   // chapter id -> {status: idle|loading|done|error, data, error}
  let mounted = null;        // {id, lang, update} of the view currently built
  let focusNext = false;

  // ---- skeleton (built once) ----
  const heading = el("h2", { id: "tour-heading" });
  const intro = el("p", { class: "tour-intro" });
  const tocTitle = el("h3", { id: "tour-toc-title", class: "tour-toc-title" });
  const tocList = el("ol", { class: "tour-toc-list" });
  const toc = el("nav", { class: "tour-toc", "aria-labelledby": "tour-toc-title" }, tocTitle, tocList);
  const article = el("article", { class: "chapter", id: "chapter", "aria-labelledby": "chapter-title" });
  root.classList.add("tour");
  root.setAttribute("aria-labelledby", "tour-heading");
  root.replaceChildren(el("div", { class: "tour-head" }, heading, intro), el("div", { class: "tour-layout" }, toc, article));

  const chapterNumber = () => Math.min(N, Math.max(1, getChapter() || 1));
  const titleOf = (n) => t(`tour.${CHAPTER_IDS[n - 1]}.title`);
  const presetOf = (n) => presets && presets.chapters[n - 1];

  function go(n, { focus = true } = {}) {
    if (n < 1 || n > N) return;
    focusNext = focus;
    const before = chapterNumber();
    setChapter(n);                       // a changed state makes the page call render()
    if (before === n) render();          // the same chapter again: render it here
    announce(`${t("tour.chapterOf", { n: String(n), total: String(N) })}: ${titleOf(n)}`);
  }

  function renderToc(current) {
    tocTitle.textContent = t("tour.toc");
    tocList.replaceChildren(...CHAPTER_IDS.map((id, i) => {
      const n = i + 1;
      const a = el("a", { href: `#chapter=${n}`, "data-chapter": n, "aria-current": n === current ? "step" : null },
        el("span", { class: "toc-num", "aria-hidden": "true" }, `${n}`), " ", titleOf(n));
      a.addEventListener("click", (ev) => { ev.preventDefault(); go(n); });
      return el("li", {}, a);
    }));
  }

  function renderArticle(n) {
    const id = CHAPTER_IDS[n - 1];
    const title = el("h3", { id: "chapter-title", tabindex: "-1" }, titleOf(n));
    const tryBtn = el("button", { type: "button", class: "primary try-it", id: "try-it" }, t("tour.tryIt"));
    const preset = presetOf(n);
    tryBtn.disabled = !preset;
    const tryNote = el("span", { class: "try-note", id: "try-note" }, preset ? "" : pyFailed ? t("tour.noPython") : t("tour.waiting"));
    if (!preset) tryBtn.setAttribute("aria-describedby", "try-note");
    tryBtn.addEventListener("click", () => {
      const p = presetOf(n);
      if (!p) return;
      onTryIt(p);
      announce(t("tour.tryItDone", { n: String(n), title: titleOf(n) }));
    });
    const nav = el("nav", { class: "chapter-nav", "aria-label": t("tour.toc") });
    if (n > 1) {
      nav.append(el("button", { type: "button", class: "prev", id: "tour-prev", "aria-label": t("tour.prevTitle", { title: titleOf(n - 1) }),
        onclick: () => go(n - 1) }, el("span", { "aria-hidden": "true" }, "← "), t("tour.prev")));
    }
    if (n < N) {
      nav.append(el("button", { type: "button", class: "next", id: "tour-next", "aria-label": t("tour.nextTitle", { title: titleOf(n + 1) }),
        onclick: () => go(n + 1) }, t("tour.next"), el("span", { "aria-hidden": "true" }, " →")));
    }
    const viewBox = el("section", { class: "chapter-view", id: "chapter-view", "aria-labelledby": "chapter-view-title" });
    const parts = [
      el("p", { class: "chapter-of" }, t("tour.chapterOf", { n: String(n), total: String(N) })),
      title,
      el("p", { class: "chapter-body" }, t(`tour.${id}.body`)),
      el("div", { class: "formula" }, el("span", { class: "formula-label" }, t("tour.formula")), " ",
        el("code", { class: "formula-text" }, t(`tour.${id}.formula`).split(/;\s+/).map((part, i, all) =>
          el("span", { class: "formula-part" }, part + (i < all.length - 1 ? ";" : ""))))),
      el("p", { class: "takeaway" }, el("strong", {}, t("tour.takeaway") + ": "), t(`tour.${id}.takeaway`)),
      el("div", { class: "chapter-actions" }, tryBtn, tryNote),
    ];
    const view = preset ? preset.view : (hasView(n) ? {} : null);
    if (view) parts.push(viewBox);
    parts.push(nav);
    article.replaceChildren(...parts);
    article.dataset.chapter = id;
    mounted = null;
    if (view) mountView(n, viewBox);
    if (focusNext) { focusNext = false; title.focus(); }
  }

  function hasView(n) { return ["stuck", "noise", "restarts", "scale", "reproduce"].includes(CHAPTER_IDS[n - 1]); }

  function entryOf(id) {
    if (!cache.has(id)) cache.set(id, { status: "idle", data: null, error: null });
    return cache.get(id);
  }

  function mountView(n, box) {
    const id = CHAPTER_IDS[n - 1];
    const preset = presetOf(n);
    box.append(el("h4", { id: "chapter-view-title" }, t("tour.view")));
    const status = el("p", { class: "view-status", role: "status" });
    const body = el("div", { class: "view-body" });
    box.append(status, body);
    box.dataset.status = "waiting";
    if (!preset) { status.textContent = pyFailed ? t("tour.noPython") : t("tour.waiting"); return; }
    const kind = VIEWS[preset.view.kind];
    const entry = entryOf(id);
    const ctx = { view: preset.view, pyReady: () => !!presets, run: () => start(id, preset, kind) };
    const paint = () => {
      box.dataset.status = entry.status;
      if (entry.status === "loading" && !kind.manual) status.textContent = t("tour.computing");
      else if (entry.status === "error") status.textContent = t("tour.failed", { message: entry.error });
      else status.textContent = "";
      if (kind.manual) {
        if (!mounted || mounted.id !== id) {
          body.replaceChildren();
          mounted = { id, update: kind.build(body, entry, ctx) };
        }
        mounted.update();
      } else if (entry.status === "done" && (!mounted || mounted.id !== id)) {
        body.replaceChildren();
        mounted = { id, update: kind.build(body, entry, ctx) };
      }
    };
    entry.paint = paint;
    paint();
    if (!kind.manual && entry.status === "idle") start(id, preset, kind);
  }

  async function start(id, preset, kind) {
    const entry = entryOf(id);
    if (entry.status === "loading") return;
    entry.status = "loading";
    entry.error = null;
    const changed = () => { if (article.dataset.chapter === id && entry.paint) entry.paint(); };
    changed();
    try {
      await plotlyReady;                 // the chapter views draw with plotly.js
      await kind.load(py, preset.view, entry, changed);
      entry.status = "done";
    } catch (e) {
      entry.status = "error";
      entry.error = e.message;
    }
    changed();
  }

  function render() {
    const n = chapterNumber();
    heading.textContent = t("tour.heading");
    intro.textContent = t("tour.intro");
    renderToc(n);
    renderArticle(n);
  }

  ready.then(async () => {
    try { presets = await py.call("tour.presets", {}); } catch (e) { pyFailed = e.message; }
    render();
  }, (e) => { pyFailed = e.message; render(); });

  render();
  return {
    render, go,
    /** For tests: the raw numbers each computed chapter view plotted. */
    viewData: (id) => (cache.get(id) || {}).data || null,
    viewStatus: (id) => (cache.get(id) || {}).status || "idle",
    presets: () => presets,
  };
}

/** Language switch: one button per language, the current one pressed. */
export function createLanguageSwitch(container, { languages, get, set }) {
  const group = el("div", { role: "group", class: "lang-switch", "aria-labelledby": "lang-label" });
  const label = el("span", { id: "lang-label", class: "lang-label" });
  container.replaceChildren(label, group);
  function render() {
    label.textContent = t("lang.label");
    group.replaceChildren(...languages.map((code) => el("button", {
      type: "button", lang: code, "data-lang": code, "aria-pressed": String(get() === code),
      onclick: () => { if (get() !== code) set(code); },
    }, t(`lang.${code}`))));
  }
  render();
  return { render };
}
