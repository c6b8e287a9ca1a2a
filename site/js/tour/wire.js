// Wiring of the tour and the language switch into the lab page (called once by lab/main.js).
//
// Language: the state key `lang` (URL) wins; otherwise the choice remembered in localStorage;
// otherwise English. Switching language re-renders every text and chart from the data already
// on the page — the lab's runs, step and settings are untouched.
// Chapter: the state key `chapter` (1..8, in the URL), shown by the tour.
import { setLanguage, applyStatic, registerLanguage, t, languages, missingKeys } from "../platform/i18n.js";
import pl from "../strings/pl.js";
import { createTour, createLanguageSwitch } from "./tour.js";

registerLanguage("pl", pl);
const STORAGE_KEY = "pyinit.lang";

function remembered() {
  try { return localStorage.getItem(STORAGE_KEY); } catch { return null; }
}
function remember(code) {
  try { localStorage.setItem(STORAGE_KEY, code); } catch { /* private mode: not remembered */ }
}

/**
 * The language to start with, applied before anything is drawn: {lang} for state.set, or {}.
 * `query` is the URL part the state was parsed from (query and hash).
 */
export function startLanguage(query) {
  const p = new URLSearchParams(query.startsWith("#") || query.startsWith("?") ? query.slice(1) : query);
  const fromUrl = p.getAll("lang").pop(); // the last one: a hash key comes after a query key
  const stored = remembered();
  const code = fromUrl && languages().includes(fromUrl) ? fromUrl : stored && languages().includes(stored) ? stored : null;
  if (code) setLanguage(code);
  return code ? { lang: code } : {};
}

/** A visually hidden polite live region for short announcements. */
export function liveRegion(id = "sr-announce") {
  let live = document.getElementById(id);
  if (!live) {
    live = document.createElement("div");
    live.id = id;
    live.className = "sr-live";
    live.setAttribute("role", "status");
    live.setAttribute("aria-live", "polite");
    document.body.append(live);
  }
  return (text) => { live.textContent = ""; requestAnimationFrame(() => { live.textContent = text; }); };
}

/**
 * wireTour({state, py, ready, onLanguage, onTryIt, plotlyReady}) -> the tour.
 * state: the page's state object (get/set/onChange); py/ready: the worker client and its ready
 * promise; onLanguage(): redraw the lab's own texts and charts; onTryIt(values): apply a preset.
 */
export function wireTour({ state, py, ready, onLanguage, onTryIt, plotlyReady }) {
  const announce = liveRegion();
  const tour = createTour({
    root: document.getElementById("tour"),
    getChapter: () => state.get("chapter"),
    setChapter: (n) => state.set({ chapter: n }),
    py, ready, announce, plotlyReady,
    onTryIt: (preset) => onTryIt(preset.state, preset),
  });
  const langSwitch = createLanguageSwitch(document.getElementById("lang-switch"), {
    languages: languages(), get: () => state.get("lang"), set: (code) => state.set({ lang: code }),
  });
  setLanguage(state.get("lang"));
  state.onChange((changed, values) => {
    if (changed.includes("lang")) {
      setLanguage(values.lang);
      remember(values.lang);
      applyStatic();
      langSwitch.render();
      onLanguage();
      tour.render();
      announce(t("lang.changed"));
    } else if (changed.includes("chapter")) {
      tour.render();
    }
  });
  window.pyinitTour = {
    chapter: () => state.get("chapter"),
    go: (n) => tour.go(n, { focus: false }),
    viewData: tour.viewData,
    viewStatus: tour.viewStatus,
    presets: tour.presets,
    missingKeys,
  };
  return tour;
}
