// rules.js: the rule book (data/content/settings.json, which is pyinit/content/settings.json shipped
// as-is) read the way Python's pyinit.rules reads it: every setting's type, range, default, choices,
// the rules between settings, and the messages. tests/content/test_rule_parity.py feeds this module
// and pyinit.rules the same hostile inputs and requires the same verdict and the same message,
// "<name>: <constraint>, got <value>" (the value as Python's errors.show writes it).
//
// createRules(book, {chapters}) -> {section(name), sides, codeKey, sideOfCode(key), initParam,
//   parse(entry, raw), constraint(entry), rules(name, keys), check(name, values, given),
//   checkAll(name, values), validate(given, keys)}
// A refused value is {ok: false, error}: error = {param, value, message} plus the page's own text for
// it, {key, params} (a message key of t(): error.int, error.range, error.batch, ...; params.value is
// the value as the message shows it).

const SECTIONS = ["run", "signal", "bench", "settings"];
const PLACEHOLDER = /\{(\w+)\}/g;
const trim = (s) => s.replace(/^[ \t\n\r\f\v]+|[ \t\n\r\f\v]+$/g, ""); // ASCII whitespace, as Python's

/** `template` with each {name} of `params` put in (others stay as they are). */
export const fill = (template, params) =>
  template.replace(PLACEHOLDER, (m, k) => (Object.hasOwn(params, k) ? String(params[k]) : m));

/** A number as Python's format(x, "g") writes it (6 significant digits). */
export function fmtG(x) {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const sign = x < 0 ? "-" : "";
  const [m, e] = Math.abs(x).toExponential(5).split("e");
  const exp = Number(e);
  const strip = (s) => (s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s);
  if (exp >= -4 && exp < 6) return sign + strip(Math.abs(x).toFixed(5 - exp));
  return `${sign}${strip(m)}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
}

/** A number as the messages write it: an integer plainly, any other number as "g". */
export const fmt = (x) =>
  typeof x !== "number" ? String(x) : Number.isInteger(x) && Math.abs(x) < 2 ** 53 ? String(x) : fmtG(x);

// ------------------------------------------------------------------ the value, as Python shows it
const NONPRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;
const hex = (c, n) => c.toString(16).padStart(n, "0");

/** Python's repr() of a float (shortest digits; exponent below 1e-4 and from 1e16). */
function floatRepr(x) {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [m, e] = Math.abs(x).toExponential().split("e");
  const exp = Number(e),
    digits = m.replace(".", "");
  let s;
  if (exp >= 16 || exp < -4) {
    s = `${digits[0]}${digits.length > 1 ? "." + digits.slice(1) : ""}e${exp < 0 ? "-" : "+"}`;
    s += String(Math.abs(exp)).padStart(2, "0");
  } else if (exp >= 0) s = `${digits.slice(0, exp + 1).padEnd(exp + 1, "0")}.${digits.slice(exp + 1) || "0"}`;
  else s = `0.${"0".repeat(-exp - 1)}${digits}`;
  return (x < 0 ? "-" : "") + s;
}

/** Python's repr() of a str. */
function strRepr(s) {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const c = ch.codePointAt(0);
    if (ch === quote || ch === "\\") out += "\\" + ch;
    else if (ch === "\t") out += "\\t";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (c < 0x20 || c === 0x7f) out += "\\x" + hex(c, 2);
    else if (c < 0x7f || !NONPRINTABLE.test(ch)) out += ch;
    else out += c <= 0xff ? "\\x" + hex(c, 2) : c <= 0xffff ? "\\u" + hex(c, 4) : "\\U" + hex(c, 8);
  }
  return out + quote;
}

/** pyinit.errors' reprlib settings: levels 3, strings 80, other 80, containers 6. */
function repr(x, level) {
  if (x === null || x === undefined) return "None";
  if (typeof x === "boolean") return x ? "True" : "False";
  if (typeof x === "number") return Number.isInteger(x) && Math.abs(x) < 1e16 ? String(x) : floatRepr(x);
  if (typeof x === "string") {
    // reprlib: a text longer than 80 keeps its first 38 and last 39 characters around "..."
    const chars = [...x];
    const s = strRepr(chars.slice(0, 80).join(""));
    if ([...s].length <= 80) return s;
    const inner = [...strRepr([...chars.slice(0, 38), ...chars.slice(chars.length - 39)].join(""))];
    return [...inner.slice(0, 38), "...", ...inner.slice(inner.length - 39)].join("");
  }
  if (Array.isArray(x)) {
    if (level <= 0 && x.length) return "[...]";
    const pieces = x.slice(0, 6).map((v) => repr(v, level - 1));
    if (x.length > 6) pieces.push("...");
    return `[${pieces.join(", ")}]`;
  }
  const keys = Object.keys(x);
  if (!keys.length) return "{}";
  if (level <= 0) return "{...}";
  const items = keys.slice(0, 6).map((k) => `${repr(k, level - 1)}: ${repr(x[k], level - 1)}`);
  return `{${items.join(", ")}${keys.length > 6 ? ", ..." : ""}}`;
}

/** The received value in one short line, as Python's pyinit.errors.show writes it. */
export function show(value) {
  const text = repr(value, 3).split(" ").filter(Boolean).join(" ");
  const chars = [...text];
  return chars.length <= 60 ? text : chars.slice(0, 57).join("") + "...";
}

// ------------------------------------------------------------------------------------- the book
export function createRules(book, { chapters = [] } = {}) {
  const NUMBER = new RegExp(book.number);
  const sides = book.sides.map((s) => s.side);
  const codeKey = Object.fromEntries(book.sides.map((s) => [s.side, s.code]));
  const initParam = { ...book.init_param };
  const message = (kind, params) => fill(book.messages[kind], params);

  const forSide = (x, side) => {
    if (typeof x === "string") return fill(x, side);
    if (Array.isArray(x)) return x.map((v) => forSide(v, side));
    if (x && typeof x === "object") {
      const keys = Object.keys(x);
      if (keys.length === sides.length && sides.every((s) => keys.includes(s))) return x[side.side];
      return Object.fromEntries(keys.map((k) => [forSide(k, side), forSide(x[k], side)]));
    }
    return x;
  };
  const perSide = (items) =>
    items.flatMap((item) =>
      item.per_side
        ? book.sides.flatMap((side) => item.per_side.map((t) => forSide(t, side)))
        : [{ ...item }],
    );

  const raw = Object.fromEntries(
    SECTIONS.map((n) => [n, Object.fromEntries(perSide(book[n]).map((e) => [e.name, e]))]),
  );
  const chapterEntry = (e) => {
    const ids = chapters.map((c) => c.id);
    const legacy = Object.fromEntries(chapters.filter((c) => c.legacy).map((c) => [String(c.legacy), c.id]));
    return { ...e, type: "choice", choices: ids, default: ids[0], legacy };
  };
  const resolve = (name) =>
    Object.values(raw[name]).map((entry) => {
      let e = entry;
      if (e.like) {
        const [s, n] = e.like.split(".");
        const { like, ...own } = e; // eslint-disable-line no-unused-vars
        e = { ...raw[s][n], ...own };
      }
      return e.type === "chapter" ? chapterEntry(e) : e;
    });
  const sections = Object.fromEntries(SECTIONS.map((n) => [n, resolve(n)]));
  const bySection = Object.fromEntries(
    SECTIONS.map((n) => [n, Object.fromEntries(sections[n].map((e) => [e.name, e]))]),
  );
  const ruleList = perSide(book.rules);

  const interval = (lo, hi, loOpen, hiOpen) =>
    `${loOpen ? "(" : "["}${fmt(lo)}, ${fmt(hi)}${hiOpen ? ")" : "]"}`;
  function constraint(e) {
    const t = e.type;
    if (t === "int") return message("int", { min: fmt(e.min), max: fmt(e.max) });
    if (t === "float") return message("float", { interval: interval(e.min, e.max, e.min_open, e.max_open) });
    if (t === "choice") return message("choice", { choices: e.choices.join(", ") });
    if (t === "list") return message(e.none ? "list_none" : "list", { choices: e.choices.join(", ") });
    if (t === "bool" || t === "text") return message(t, { maxLength: e.maxLength });
    return "";
  }

  const toNumber = (v) => {
    if (typeof v === "number") return Number.isFinite(v) ? v : null;
    if (typeof v !== "string" || !NUMBER.test(trim(v))) return null;
    const x = Number(trim(v).replace(",", "."));
    return Number.isFinite(x) ? x : null;
  };
  const refuse = (e, value, key, params, shown = value) => ({
    ok: false,
    error: {
      param: e.name,
      value: shown,
      message: `${e.name}: ${constraint(e)}, got ${show(shown)}`,
      key,
      params: { name: e.name, ...params, value: show(shown) },
    },
  });

  /** One value against its entry: {ok: true, value} or {ok: false, error}. */
  function parse(e, value) {
    const t = e.type;
    if (t === "int" || t === "float") {
      const range = { min: e.min, max: e.max };
      if (value === "" || value === null || value === undefined)
        return refuse(e, value, "error.empty", range);
      const x = toNumber(value);
      if (x === null) return refuse(e, value, "error.number", range);
      if (t === "int" && !Number.isInteger(x)) return refuse(e, value, "error.int", range);
      const above = e.min_open ? x > e.min : x >= e.min,
        below = e.max_open ? x < e.max : x <= e.max;
      return above && below ? { ok: true, value: x } : refuse(e, value, "error.range", range);
    }
    if (t === "choice") {
      const text = typeof value === "string" ? trim(value) : Number.isInteger(value) ? String(value) : null;
      const key = text !== null && e.legacy && Object.hasOwn(e.legacy, text) ? e.legacy[text] : text;
      if (e.choices.includes(key)) return { ok: true, value: key };
      return refuse(e, value, "error.choice", { choices: e.choices.join(", ") });
    }
    if (t === "bool") {
      const text = typeof value === "string" ? trim(value) : null;
      if (value === true || ["1", "true", "on"].includes(text)) return { ok: true, value: true };
      if (value === false || ["0", "false", "off", ""].includes(text)) return { ok: true, value: false };
      return refuse(e, value, "error.bool", {});
    }
    if (t === "list") {
      const choices = { choices: e.choices.join(", ") + (e.none ? ", none" : "") };
      if (typeof value !== "string") return refuse(e, value, "error.choice", choices);
      const items = trim(value)
        .split(",")
        .map((x) => trim(x))
        .filter(Boolean);
      if (e.none && items.length === 1 && items[0] === "none") return { ok: true, value: "" };
      if (items.length && items.every((x) => e.choices.includes(x)))
        return { ok: true, value: [...new Set(items)].join(",") };
      return refuse(e, value, "error.choice", choices);
    }
    if (t === "text") {
      if (typeof value !== "string") return refuse(e, value, "error.tooLong", { max: e.maxLength });
      const text = trim(value);
      if (text.length <= e.maxLength) return { ok: true, value: text };
      return refuse(e, value, "error.tooLong", { max: e.maxLength }, `${text.length} characters`);
    }
    return { ok: true, value }; // spec, widths: Python's (the page has none)
  }

  /** The rules of section `name` whose keys are all among `keys` (default: the section's). */
  function rules(name, keys = Object.keys(bySection[name])) {
    const have = new Set(keys);
    return ruleList.filter((r) => {
      const needed = [r.key, ...Object.keys(r.when || {})];
      if (typeof r.at_most === "string") needed.push(r.at_most);
      return (r.in || [name]).includes(name) && needed.every((k) => have.has(k));
    });
  }

  /** The error of `rule` for typed `values` (shown as `given` when given, else the default), or null. */
  function broken(name, rule, values, given = {}) {
    const when = rule.when || {};
    if (!Object.entries(when).every(([k, allowed]) => allowed.includes(values[k]))) return null;
    const v = values[rule.key];
    if (Object.hasOwn(rule, "unless") && v === rule.unless) return null;
    let limit = rule.at_most ?? null;
    if (typeof limit === "string") limit = values[limit];
    if (!((Object.hasOwn(rule, "above") && !(v > rule.above)) || (limit !== null && !(v <= limit))))
      return null;
    const e = bySection[name][rule.key];
    const chosen = Object.keys(when).length ? values[Object.keys(when)[0]] : "";
    const found = { limit: fmt(limit), when: chosen, init_param: initParam[chosen] ?? "" };
    const shown = Object.hasOwn(given, rule.key) ? given[rule.key] : e.default;
    const constraint = fill(rule.constraint, { min: fmt(e.min), max: fmt(e.max), ...found });
    return {
      param: rule.key,
      value: shown,
      message: `${rule.key}: ${constraint}, got ${show(shown)}`,
      key: `error.${rule.id}`,
      params: { name: rule.key, max: limit, param: found.init_param, value: show(shown) },
    };
  }

  /** The first rule of section `name` that typed `values` break: its error, or null. */
  function check(name, values, given = {}) {
    for (const r of rules(name, Object.keys(values))) {
      const err = broken(name, r, values, given);
      if (err) return err;
    }
    return null;
  }

  /** Every rule `values` break, as {key: error} (the first per key): what the page's controls show. */
  function checkAll(name, values) {
    const errors = {};
    for (const r of rules(name, Object.keys(values))) {
      const err = broken(name, r, values, values); // the values as they stand
      if (err && !errors[r.key]) errors[r.key] = err;
    }
    return errors;
  }

  /** The page's settings `keys`, given (else default), parsed and checked: {ok, values} or {ok, error}. */
  function validate(given, keys) {
    const page = bySection.settings;
    given = given ?? {}; // nothing given
    const fail = (value, kind, params) => ({
      ok: false,
      error: { param: "settings", value, message: `settings: ${message(kind, params)}, got ${show(value)}` },
    });
    if (!given || typeof given !== "object" || Array.isArray(given)) return fail(given, "object", {});
    for (const k of Object.keys(given))
      if (!Object.hasOwn(page, k)) return fail(k, "keys", { keys: keys.join(", ") });
    const values = {};
    for (const k of keys) {
      const r = parse(page[k], Object.hasOwn(given, k) ? given[k] : page[k].default);
      if (!r.ok) return r;
      values[k] = r.value;
    }
    const err = check("settings", values, given);
    return err ? { ok: false, error: err } : { ok: true, values };
  }

  return {
    section: (name) => sections[name],
    sides,
    codeKey,
    sideOfCode: (key) => sides.find((s) => codeKey[s] === key) ?? null,
    initParam,
    parse,
    constraint,
    rules,
    check,
    checkAll,
    validate,
  };
}
