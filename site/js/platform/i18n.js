// i18n: the one lookup function for user-visible text.
//
// Every string shown to the user goes through t(key, params). Strings live in one module per language
// (site/js/strings/<lang>.js, a flat object key -> template). Templates use {name} placeholders;
// numbers passed as params are formatted for the current language. A missing key is returned as the key
// itself in brackets (visible, never a crash) and remembered in missingKeys() so a test can fail on it.

import en from "../strings/en.js";

const catalogs = { en };
let lang = "en";
const missing = new Set();
const used = new Set();

export function registerLanguage(code, strings) {
  catalogs[code] = strings;
}
export function languages() {
  return Object.keys(catalogs);
}
export function currentLanguage() {
  return lang;
}

export function setLanguage(code) {
  if (!catalogs[code]) throw new Error(`unknown language: ${code}`);
  lang = code;
  document.documentElement.lang = code;
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
  const cat = catalogs[lang] || catalogs.en;
  let s = cat[key];
  if (s === undefined) s = catalogs.en[key];
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
