// i18n: the one lookup function for user-visible text.
//
// Every string shown to the user goes through t(key, params). The strings live with the chapter texts,
// one catalog per language: the "ui" object of pyinit/content/text/<lang>.json (dist/data/content/),
// a flat key -> template map that content.useLanguage(code) (app/content.js) or loadCatalog(code)
// registers here. Templates use {name} placeholders; numbers passed as params are formatted for the
// current language. A missing key is returned as the key itself in brackets (visible, never a crash)
// and remembered in missingKeys() so a test can fail on it. Before any catalog has arrived, ready() is
// false: the boot screen keeps the words of the HTML until then (onLanguage tells it when to redraw).

/** The languages the page speaks (settings.json's `lang` choices; text/<code>.json each). */
const LANGUAGES = ["en", "pl"];
const catalogs = {};
let lang = "en";
const missing = new Set();
const used = new Set();
const listeners = new Set();
const changed = () => listeners.forEach((fn) => fn(lang));

export function registerLanguage(code, strings) {
  catalogs[code] = strings;
  if (code === lang || (code === "en" && !catalogs[lang])) changed();
}
export function languages() {
  return [...LANGUAGES];
}
export function currentLanguage() {
  return lang;
}
/** Whether the current language's catalog (or English, its fallback) has been registered. */
export function ready() {
  return Boolean(catalogs[lang] || catalogs.en);
}
/** fn(code) after the language changes or its catalog arrives; returns the unsubscribe function. */
export function onLanguage(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function setLanguage(code) {
  if (!LANGUAGES.includes(code)) throw new Error(`unknown language: ${code}`);
  lang = code;
  document.documentElement.lang = code;
  changed();
}

/** Fetch and register the UI catalog of `code` (a page without app/content.js: check.html). */
export async function loadCatalog(code = lang, base = "data/content/") {
  const r = await fetch(`${base}text/${code}.json`);
  if (!r.ok) throw new Error(`${base}text/${code}.json: HTTP ${r.status}`);
  registerLanguage(code, (await r.json()).ui);
}

const formats = new Map();
/** An Intl.NumberFormat for `locale` (the current language) and `options`, made once: making one
 * costs far more than using it (the first screen formats a few thousand numbers). */
export function numberFormat(options = {}, locale = lang) {
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, options);
    formats.set(key, f);
  }
  return f;
}

/** Format a number for display in the current language (locale separators, sensible precision). */
export function formatNumber(x, digits = 4) {
  if (x === null || x === undefined) return "–";
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "∞" : "−∞";
  if (x === 0) return "0";
  const ax = Math.abs(x);
  if (ax >= 1e5 || ax < 1e-3) {
    const [m, e] = x.toExponential(Math.max(0, digits - 1)).split("e");
    const mant = numberFormat({ maximumFractionDigits: digits - 1 }).format(Number(m));
    return `${mant}e${Number(e)}`;
  }
  return numberFormat({ maximumSignificantDigits: digits }).format(x);
}

/**
 * The one percent format: a fraction as a percentage in the current language, with at most one
 * decimal (0.973 -> "97.3%" / "97,3%", 0.5 -> "50%"); `fixed`: always one (a number that changes
 * while the runs play keeps its width: "50.0%").
 */
export function formatPercent(x, { fixed = false } = {}) {
  if (!Number.isFinite(x)) return "–";
  return numberFormat({
    style: "percent",
    minimumFractionDigits: fixed ? 1 : 0,
    maximumFractionDigits: 1,
  }).format(x);
}

export function t(key, params) {
  used.add(key);
  let s = catalogs[lang]?.[key];
  if (s === undefined) s = catalogs.en?.[key];
  if (s === undefined) {
    missing.add(key);
    return `[${key}]`;
  }
  if (!params) return s;
  return s.replace(/\{(\w+)\}/g, (m, name) => {
    const v = params[name];
    if (v === undefined) return m;
    return typeof v === "number" ? formatNumber(v, 6) : String(v);
  });
}

/** Fill every element carrying data-i18n="key" (text) or data-i18n-attr="attr:key;attr:key". */
export function applyStatic(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-attr]")) {
    for (const pair of el.dataset.i18nAttr.split(";")) {
      const [attr, key] = pair.split(":");
      if (attr && key) el.setAttribute(attr.trim(), t(key.trim()));
    }
  }
}

export function missingKeys() {
  return [...missing];
}
export function usedKeys() {
  return [...used];
}
