// schema.js: the page's settings, one declared schema. The entries come from
// data/content/settings.json, which is pyinit/content/settings.json shipped as-is: Python's
// pyinit.web.page_state reads the same file to turn the page's settings into a training run, so the
// names, defaults and ranges exist once.
//
// Entry: {name (= the control's id = the URL key), type: "int" | "float" | "choice" | "bool" | "list",
// default, min/max or choices, group}. Groups: "run" (changing it builds new runs), "view" (changes
// only what is shown), "cursor" (the shown step), "embed" (embed.html only).
// Values are parsed ONCE at the edge (parse): controls and URLs hand in strings, the state holds only
// typed, valid values. serialize()/deserialize() are the one URL mapping.

export const MAX_NOTICES = 8; // a URL with thousands of bad keys gets a few notices and a count

/** Canonical JSON (sorted keys), so settings compare by value. */
export const canon = (x) =>
  Array.isArray(x)
    ? `[${x.map(canon).join(",")}]`
    : x && typeof x === "object"
      ? `{${Object.keys(x)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${canon(x[k])}`)
          .join(",")}}`
      : JSON.stringify(x);

/** The schema from `url`; `chapters` (the chapter list, or a promise of it) is awaited after the fetch
 * starts. */
export async function loadSchema(url = "data/content/settings.json", { chapters } = {}) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  const json = await r.json();
  return createSchema(json.settings || json, { chapters: await chapters, initParam: json.init_param });
}

/**
 * The `chapter` key names a chapter by its id (chapter=noise). Links made before chapters had ids
 * used numbers (chapter=5): each chapter's `legacy` number (or else its position) still finds it.
 */
function chapterEntry(entry, chapters) {
  const ids = chapters.map((c) => c.id);
  const legacy = Object.fromEntries(chapters.map((c, i) => [String(c.legacy ?? i + 1), c.id]));
  return { ...entry, type: "choice", choices: ids, default: ids[0], legacy };
}

/** createSchema(entries, {chapters}) -> {entries, spec(name), defaults(), parse(name, raw), runKeys,
 * createState(), serialize(), deserialize()} */
export function createSchema(entries, { chapters, initParam = {} } = {}) {
  const list = entries.map((e) => (e.name === "chapter" && chapters ? chapterEntry(e, chapters) : e));
  const SPEC = Object.fromEntries(list.map((s) => [s.name, s]));
  const spec = (name) => (Object.hasOwn(SPEC, name) ? SPEC[name] : null); // not SPEC["__proto__"]
  const defaults = () => Object.fromEntries(list.map((s) => [s.name, s.default]));
  const runKeys = list.filter((s) => s.group === "run").map((s) => s.name);

  /** One raw value against its spec: {ok: true, value} or {ok: false, error: {key, params}} (a message key
   * for t()). */
  function parse(name, raw) {
    const s = spec(name);
    if (!s) return { ok: false, error: { key: "error.unknown", params: { name } } };
    const str = typeof raw === "string" ? raw.trim() : raw;
    if (s.type === "bool") {
      if (str === true || str === "1" || str === "true" || str === "on") return { ok: true, value: true };
      if (str === false || str === "0" || str === "false" || str === "off" || str === "")
        return { ok: true, value: false };
      return { ok: false, error: { key: "error.bool", params: { name } } };
    }
    if (s.type === "list") {
      // comma-separated choices, in the given order, no repeats; "none" = empty
      const items = String(str)
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean);
      if (s.none && items.length === 1 && items[0] === "none") return { ok: true, value: "" };
      if (!items.length || !items.every((x) => s.choices.includes(x))) {
        return {
          ok: false,
          error: {
            key: "error.choice",
            params: { name, choices: s.choices.join(", ") + (s.none ? ", none" : "") },
          },
        };
      }
      return { ok: true, value: [...new Set(items)].join(",") };
    }
    if (s.type === "choice") {
      const v = s.legacy && Object.hasOwn(s.legacy, String(str)) ? s.legacy[String(str)] : String(str);
      if (s.choices.includes(v)) return { ok: true, value: v };
      return { ok: false, error: { key: "error.choice", params: { name, choices: s.choices.join(", ") } } };
    }
    if (s.type === "text") {
      // free text (e.g. base64url code), only length-checked here
      const v = String(str ?? "");
      if (v.length > (s.maxLength ?? 200))
        return { ok: false, error: { key: "error.tooLong", params: { name, max: s.maxLength } } };
      return { ok: true, value: v };
    }
    // numbers: reject empty, non-numeric, non-finite, out of range, non-integer for ints
    const bad = (key) => ({ ok: false, error: { key, params: { name, min: s.min, max: s.max } } });
    if (str === "" || str === null || str === undefined)
      return { ok: false, error: { key: "error.empty", params: { name } } };
    if (typeof str === "string" && !/^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$/.test(str))
      return bad("error.number");
    const num = typeof str === "number" ? str : Number(String(str).replace(",", "."));
    if (!Number.isFinite(num)) return bad("error.number");
    if (s.type === "int" && !Number.isInteger(num)) return bad("error.int");
    if (num < s.min || num > s.max) return bad("error.range");
    return { ok: true, value: num };
  }

  /** The one state object. set() validates; listeners get the list of changed keys. */
  function createState(initial = {}) {
    const values = { ...defaults(), ...initial };
    const listeners = [];
    return {
      get(name) {
        return values[name];
      },
      all() {
        return { ...values };
      },
      /** Set typed or raw values: {changed: [...], errors: {name: error}}; invalid ones are not applied. */
      set(patch) {
        const changed = [],
          errors = {};
        for (const [name, raw] of Object.entries(patch)) {
          const r = parse(name, raw);
          if (!r.ok) {
            errors[name] = r.error;
            continue;
          }
          if (values[name] !== r.value) {
            values[name] = r.value;
            changed.push(name);
          }
        }
        if (changed.length) for (const fn of listeners) fn(changed, values);
        return { changed, errors };
      },
      onChange(fn) {
        listeners.push(fn);
      },
    };
  }

  /** State -> URL query string: only non-default values, schema order. */
  function serialize(values) {
    const p = new URLSearchParams();
    for (const s of list) {
      const v = values[s.name];
      if (v === undefined || v === s.default) continue;
      p.set(s.name, s.type === "bool" ? (v ? "1" : "0") : s.type === "list" && v === "" ? "none" : String(v));
    }
    return p.toString();
  }

  /**
   * URL query string -> {values, given, notices}. Total: unknown keys are ignored; an invalid value
   * keeps the default and adds a notice {name, error} (at most MAX_NOTICES, then `more` counts the
   * rest); nothing from the URL is ever written as HTML. `given` lists the keys the URL set.
   */
  function deserialize(query) {
    const values = defaults();
    const notices = [],
      given = [];
    let more = 0;
    const p = new URLSearchParams(query.startsWith("#") || query.startsWith("?") ? query.slice(1) : query);
    for (const [name, raw] of p) {
      const s = spec(name);
      if (!s) continue; // unknown keys (also "__proto__", "constructor") are ignored
      // free text (code) is checked whole: a value over its length is refused, never cut to fit
      const r = parse(name, s.type === "text" ? raw : raw.slice(0, 200));
      if (r.ok) {
        values[name] = r.value;
        given.push(name);
      } else if (notices.length < MAX_NOTICES) notices.push({ name, error: r.error });
      else more++;
    }
    return { values, given, notices, more };
  }

  /** The run-group subset of `values`: what decides the runs (and what Python's page_state takes). */
  const runSettings = (values) => Object.fromEntries(runKeys.map((k) => [k, values[k]]));

  // initParam: which inits take a number and what it means (c, sigma, a, eps), for labels and checks
  return {
    entries: list,
    spec,
    defaults,
    parse,
    runKeys,
    runSettings,
    initParam,
    createState,
    serialize,
    deserialize,
  };
}
