// content.js: the explainer's content, shipped as data (pyinit/content/ -> dist/data/content/): the
// chapter list (ids, presets, panels, experiments) and each language's chapter texts. The same files
// feed `python -m pyinit report`, so a chapter's words and setup exist once.
//
//   const content = await loadContent();
//   content.chapters                 [{id, preset, steps, panels, view}] in order
//   await content.useLanguage("pl")  fetches that language's texts (once)
//   content.text(id)                 {title, body, watch, formula, takeaway} in the current language
//                                    (English where a language lacks a text)

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
          .then((j) => j.chapters || j)
          .catch(() => ({})),
      );
    }
    return texts.get(code);
  };
  // at once, not one after the other
  const [list, en0] = await Promise.all([fetchJSON("chapters.json"), textsOf("en")]);
  const chapters = Array.isArray(list) ? list : list.chapters;
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
      return { ...(english[id] || {}), ...(current[id] || {}) };
    },
    /** A report or page text outside the chapters (e.g. "report"), in the current language. */
    section(name) {
      return { ...(english[name] || {}), ...(current[name] || {}) };
    },
  };
}
