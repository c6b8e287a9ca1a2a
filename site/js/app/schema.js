// schema.js: the page's settings and state. The settings are the rule book's section "settings"
// (data/content/settings.json = pyinit/content/settings.json, read by rules.js as pyinit.rules reads
// it), so names, types, defaults, ranges, choices and the rules between settings exist once.
//
// Entry: {name (= the control's id = the URL key), type: "int" | "float" | "choice" | "bool" | "list" |
// "text", default, min/max or choices, group, help}. Groups: "run" (changing it builds new runs),
// "view" (changes only what is shown), "cursor" (the shown step), "embed" (embed.html only).
// Values are parsed ONCE at the edge (parse): controls and URLs hand in strings, the state holds only
// typed, valid values. serialize()/deserialize() are the one URL mapping.
import { createRules } from "./rules.js";

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

/** The schema from `url`; `chapters` (the chapter list, or a promise of it) is awaited after the
 * fetch starts. */
export async function loadSchema(url = "data/content/settings.json", { chapters } = {}) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return createSchema(await r.json(), { chapters: await chapters });
}

/**
 * createSchema(book, {chapters}) -> {entries, spec(name), defaults(), parse(name, raw), runKeys,
 * runSettings(values), check(values), validate(given), initParam, sides, codeKey, sideOfCode(key),
 * createState(), serialize(), deserialize()}. `book` is settings.json; `chapters` (chapters.json's
 * list) gives the chapter key its ids, and its legacy numbers (chapter=5 names the chapter whose
 * legacy number is 5).
 */
export function createSchema(book, { chapters = [] } = {}) {
  const rules = createRules(book, { chapters });
  const list = rules.section("settings");
  const SPEC = Object.fromEntries(list.map((s) => [s.name, s]));
  const spec = (name) => (Object.hasOwn(SPEC, name) ? SPEC[name] : null); // not SPEC["__proto__"]
  const defaults = () => Object.fromEntries(list.map((s) => [s.name, s.default]));
  const runKeys = list.filter((s) => s.group === "run").map((s) => s.name);

  /** One raw value against its spec: {ok: true, value} or {ok: false, error: {key, params, message}}. */
  function parse(name, raw) {
    const s = spec(name);
    if (!s)
      return { ok: false, error: { key: "error.unknown", params: { name }, message: `${name}: unknown` } };
    return rules.parse(s, raw);
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

  return {
    entries: list,
    spec,
    defaults,
    parse,
    runKeys,
    runSettings,
    /** The rules between settings that `values` (typed) break: {name: error} (see rules.js). */
    check: (values) => rules.checkAll("settings", values),
    /** Python's page_state.run_settings: the run settings of `given`, checked, or the first error. */
    validate: (given) => rules.validate(given, runKeys),
    initParam: rules.initParam, // which inits take a number and what it means (c, sigma, a, eps)
    sides: rules.sides,
    codeKey: rules.codeKey, // {left: "code", right: "code_right"}
    sideOfCode: rules.sideOfCode,
    createState,
    serialize,
    deserialize,
  };
}
