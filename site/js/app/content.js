// content.js: the explainer's content, shipped as data (pyinit/content/ -> dist/data/content/): the
// chapter list (ids, presets, panels, experiments), each language's texts -- the chapters and the
// page's UI catalog ("ui", registered with platform/i18n.js) -- and the typeset formulas
// (formulas.json: each formula's TeX rendered by KaTeX at build time). The same files feed
// `python -m pyinit report`, so a chapter's words and setup exist once.
//
//   const content = await loadContent();
//   content.chapters                 [{id, preset, steps, panels, view}] in order
//   await content.useLanguage("pl")  fetches that language's texts (once) and registers its UI catalog
//   content.text(id)                 {title, body, watch, formula, takeaway, typeset} in the current
//                                    language (English where a language lacks a text); formula: the
//                                    formula's parts as TeX, typeset: each part as KaTeX's HTML (+ MathML),
//                                    or null where formulas.json lacks it (then show the TeX)
import { registerLanguage } from "../platform/i18n.js";

export async function loadContent(base = "data/content/") {
  const fetchJSON = async (path) => {
    const r = await fetch(base + path);
    if (!r.ok) throw new Error(`${base}${path}: HTTP ${r.status}`);
    return r.json();
  };
  const texts = new Map(); // lang -> Promise<{id: text}>
  let lang = "en";
  const textsOf = (code) => {
    if (!texts.has(code)) {
      texts.set(
        code,
        fetchJSON(`text/${code}.json`)
          .then((j) => {
            registerLanguage(code, j.ui);
            return j.chapters;
          })
          .catch(() => ({})), // English (t's fallback) where a language's file is missing
      );
    }
    return texts.get(code);
  };
  const [list, en0, typeset] = await Promise.all([
    fetchJSON("chapters.json"),
    textsOf("en"),
    fetchJSON("formulas.json").catch(() => ({ formulas: {} })), // plain TeX text without it
  ]); // at once, not one after the other
  const chapters = list.chapters;
  let current = en0,
    english = en0;
  return {
    chapters,
    async useLanguage(code) {
      const [t, en] = await Promise.all([textsOf(code), textsOf("en")]);
      lang = code;
      current = t;
      english = en;
    },
    get language() {
      return lang;
    },
    text(id) {
      const text = { ...(english[id] || {}), ...(current[id] || {}) };
      return { ...text, typeset: (text.formula || []).map((tex) => typeset.formulas[tex]?.html ?? null) };
    },
  };
}
