// state.js: all lab state in one object with a declared schema (STYLE.md 18, 21).
//
// Each entry: name (= the control's id = the URL key), type ("int" | "float" | "choice" | "bool" |
// "list": comma-separated choices), default, allowed range (min/max) or choices, and group:
//   "run"    — changing it builds new runs (both sides reset to step 0, deterministically);
//   "view"   — changes only what is shown;
//   "cursor" — the shown step (links reproduce it);
//   "embed"  — read by embed.html only (panels, controls, theme, ...).
// Values are parsed ONCE at the edge (parseValue): a control or a URL hands in a string, the state
// only ever holds typed, valid values. serialize()/deserialize() are the single URL mapping.
// Later issues add keys (step, chapter, lang, ...) by appending entries here; nothing else changes.

export const INITS = ["zeros", "constant", "normal", "uniform", "xavier", "he", "lecun", "zeros_eps"];
// Which inits take a number, and what it means (string key for the label).
export const INIT_PARAM = { constant: "c", normal: "sigma", uniform: "a", zeros_eps: "eps" };

const side = (s, init, scale) => [
  { name: `${s}_init`, type: "choice", choices: INITS, default: init, group: "run" },
  { name: `${s}_scale`, type: "float", min: -10, max: 10, default: scale, group: "run" },
  { name: `${s}_bias`, type: "float", min: -10, max: 10, default: 0, group: "run" }, // every bias starts at this value
];

export const SCHEMA = [
  { name: "dataset", type: "choice", choices: ["xor", "circles", "moons", "gaussians", "spiral", "linear"], default: "xor", group: "run" },
  { name: "n_samples", type: "int", min: 4, max: 1000, default: 200, group: "run" },
  { name: "noise", type: "float", min: 0, max: 2, default: 0.1, group: "run" },
  { name: "layers", type: "int", min: 0, max: 4, default: 1, group: "run" },
  { name: "width", type: "int", min: 1, max: 16, default: 4, group: "run" },
  { name: "activation", type: "choice", choices: ["tanh", "relu", "leaky_relu", "sigmoid", "linear"], default: "tanh", group: "run" },
  { name: "lr", type: "float", min: 1e-6, max: 100, default: 0.5, group: "run" },
  { name: "momentum", type: "float", min: 0, max: 0.999, default: 0, group: "run" },
  { name: "batch_size", type: "int", min: 0, max: 1000, default: 0, group: "run" }, // 0 = full batch
  { name: "seed", type: "int", min: 0, max: 2 ** 31 - 1, default: 0, group: "run" },
  ...side("left", "zeros", 0.5),
  ...side("right", "xavier", 0.5),
  { name: "speed", type: "choice", choices: ["1", "2", "5", "10", "20", "50"], default: "2", group: "view" },
  { name: "net_show", type: "choice", choices: ["weight", "gradient"], default: "weight", group: "view" },
  { name: "traj_layer", type: "int", min: 1, max: 5, default: 1, group: "view", widget: "select" }, // 1..layers+1 (last = output)
  { name: "unit_maps", type: "bool", default: false, group: "view" },
  // the guided tour (issue 5): the chapter shown and the page language
  { name: "chapter", type: "int", min: 1, max: 8, default: 1, group: "view" },
  { name: "lang", type: "choice", choices: ["en", "pl"], default: "en", group: "view" },
  // where the run is: the shown step ("cursor": it moves the timeline, never rebuilds the runs)
  { name: "step", type: "int", min: 0, max: 1000000, default: 0, group: "cursor" },
  // embed.html only (README "Embedding"): which rows and controls, chapter text, start behaviour
  { name: "panels", type: "list", choices: ["trajectories", "traj", "loss", "boundary", "units", "symmetry", "gradnorm", "gradients", "network"], default: "trajectories,loss,boundary", group: "embed" }, // not the Python-computed inspector/landscape
  { name: "controls", type: "list", choices: ["play", "step", "back", "reset", "timeline", "speed"], none: true, default: "play,step,back,reset,timeline", group: "embed" },
  { name: "text", type: "bool", default: false, group: "embed" },
  { name: "autoplay", type: "bool", default: false, group: "embed" },
  { name: "theme", type: "choice", choices: ["light", "dark"], default: "light", group: "embed" },
  { name: "api", type: "bool", default: false, group: "embed" },
  { name: "lazy", type: "bool", default: true, group: "embed" },
];

export const SPEC = Object.fromEntries(SCHEMA.map((s) => [s.name, s]));

export function defaults() {
  return Object.fromEntries(SCHEMA.map((s) => [s.name, s.default]));
}

/**
 * Parse one raw value (string from a control or URL, or an already typed value) against its spec.
 * Returns {ok: true, value} or {ok: false, error: {key, params}} — a message key for t().
 */
export function parseValue(name, raw) {
  const spec = Object.hasOwn(SPEC, name) ? SPEC[name] : null; // not SPEC["__proto__"] / SPEC["constructor"]
  if (!spec) return { ok: false, error: { key: "error.unknown", params: { name } } };
  const str = typeof raw === "string" ? raw.trim() : raw;
  if (spec.type === "bool") {
    if (str === true || str === "1" || str === "true" || str === "on") return { ok: true, value: true };
    if (str === false || str === "0" || str === "false" || str === "off" || str === "") return { ok: true, value: false };
    return { ok: false, error: { key: "error.bool", params: { name } } };
  }
  if (spec.type === "list") { // comma-separated choices, kept in the given order, no repeats; "none" = empty
    const items = String(str).split(",").map((x) => x.trim()).filter(Boolean);
    if (spec.none && items.length === 1 && items[0] === "none") return { ok: true, value: "" };
    if (!items.length || !items.every((x) => spec.choices.includes(x))) {
      return { ok: false, error: { key: "error.choice", params: { name, choices: spec.choices.join(", ") + (spec.none ? ", none" : "") } } };
    }
    return { ok: true, value: [...new Set(items)].join(",") };
  }
  if (spec.type === "choice") {
    const v = String(str);
    if (spec.choices.includes(v)) return { ok: true, value: v };
    return { ok: false, error: { key: "error.choice", params: { name, choices: spec.choices.join(", ") } } };
  }
  // numbers: reject empty, non-numeric, non-finite, out of range, non-integer for ints
  if (str === "" || str === null || str === undefined) {
    return { ok: false, error: { key: "error.empty", params: { name } } };
  }
  const num = typeof str === "number" ? str : Number(String(str).replace(",", "."));
  if (typeof str === "string" && !/^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$/.test(str)) {
    return { ok: false, error: { key: "error.number", params: { name, min: spec.min, max: spec.max } } };
  }
  if (!Number.isFinite(num)) return { ok: false, error: { key: "error.number", params: { name, min: spec.min, max: spec.max } } };
  if (spec.type === "int" && !Number.isInteger(num)) {
    return { ok: false, error: { key: "error.int", params: { name, min: spec.min, max: spec.max } } };
  }
  if (num < spec.min || num > spec.max) {
    return { ok: false, error: { key: "error.range", params: { name, min: spec.min, max: spec.max } } };
  }
  return { ok: true, value: num };
}

/** The one state object. set() validates; listeners get the list of changed keys. */
export function createState(initial = {}) {
  const values = { ...defaults(), ...initial };
  const listeners = [];
  return {
    get(name) { return values[name]; },
    all() { return { ...values }; },
    /** Set typed or raw values; returns {changed: [...], errors: {name: error}}; invalid ones are not applied. */
    set(patch) {
      const changed = [];
      const errors = {};
      for (const [name, raw] of Object.entries(patch)) {
        const r = parseValue(name, raw);
        if (!r.ok) { errors[name] = r.error; continue; }
        if (values[name] !== r.value) { values[name] = r.value; changed.push(name); }
      }
      if (changed.length) for (const fn of listeners) fn(changed, values);
      return { changed, errors };
    },
    onChange(fn) { listeners.push(fn); },
  };
}

/** True if any of the changed keys builds new runs. */
export function needsReset(changed) { return changed.some((n) => SPEC[n] && SPEC[n].group === "run"); }

/** State -> URL query string (only non-default values, schema order). */
export function serialize(values) {
  const p = new URLSearchParams();
  for (const s of SCHEMA) {
    const v = values[s.name];
    if (v === undefined || v === s.default) continue;
    p.set(s.name, s.type === "bool" ? (v ? "1" : "0") : s.type === "list" && v === "" ? "none" : String(v));
  }
  return p.toString();
}

/**
 * URL query string -> {values, notices}. Total: unknown keys are ignored, invalid values fall back to
 * the default and produce a notice {name, error}; nothing from the URL is ever written as HTML.
 */
export function deserialize(query) {
  const values = defaults();
  const notices = [];
  const p = new URLSearchParams(query.startsWith("#") || query.startsWith("?") ? query.slice(1) : query);
  for (const [name, raw] of p) {
    if (!Object.hasOwn(SPEC, name)) continue; // unknown keys (also "__proto__", "constructor") are ignored
    const r = parseValue(name, raw.slice(0, 200));
    if (r.ok) values[name] = r.value; else notices.push({ name, error: r.error });
  }
  return { values, notices };
}

/** Shared + one side's values -> the JSON config pyinit.lab expects for that member. */
export function hiddenSizes(values) { return Array.from({ length: values.layers }, () => values.width); }
