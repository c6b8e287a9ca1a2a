// Tiny DOM helpers: elements from data (text only, never HTML), number formats of the
// page language, and accessible tables for the numbers behind each chart.
import { currentLanguage, formatNumber, numberFormat } from "../platform/i18n.js";

/** el("p", {class: "x", "aria-live": "polite"}, "text", child, ...) — strings become text nodes. */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("on") && typeof v === "function") e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat())
    if (c !== null && c !== undefined && c !== false) e.append(c instanceof Node ? c : String(c));
  return e;
}

/** Set a node's text only when it changed (no needless layout, no repeated announcement). */
export function setText(node, text) {
  if (node && node.textContent !== text) node.textContent = text;
}

/** A number with the page language's separators and `digits` significant digits. */
export const num = (x, digits = 4) => formatNumber(x, digits);

/** An integer with the language's grouping (15,000 / 15 000). */
export function int(x) {
  return Number.isFinite(x) ? numberFormat().format(x) : "–";
}

/** ε-style powers of ten: 1e-5 -> "10⁻⁵"; other numbers via num(). */
export function pow10(x) {
  const e = Math.log10(x);
  if (Math.abs(e - Math.round(e)) > 1e-9) return num(x);
  const sup = { "-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };
  return (
    "10" +
    String(Math.round(e))
      .split("")
      .map((c) => sup[c])
      .join("")
  );
}

/** A list joined the language's way ("a, b and c" / "a, b i c"). */
export function list(items) {
  return new Intl.ListFormat(currentLanguage(), { style: "long", type: "conjunction" }).format(
    items.map(String),
  );
}

/**
 * A table of the numbers behind a chart, inside a <details> so it does not crowd the page; screen
 * readers and keyboard users open it like any disclosure. head: string[]; rows: (string|number)[][]
 * (numbers formatted here); rowHeaders: the first cell of each row is a <th scope="row">.
 */
export function dataTable({ caption, head, rows, summary, id }) {
  const thead = el(
    "thead",
    {},
    el(
      "tr",
      {},
      head.map((h) => el("th", { scope: "col" }, h)),
    ),
  );
  const tbody = el(
    "tbody",
    {},
    rows.map((r) =>
      el(
        "tr",
        {},
        r.map((c, i) =>
          el(i === 0 ? "th" : "td", i === 0 ? { scope: "row" } : {}, typeof c === "number" ? num(c) : c),
        ),
      ),
    ),
  );
  // the caption is a paragraph outside the scrolling box (it wraps on phones) that labels the table
  const capId = `${id}-caption`;
  const table = el("table", { class: "data-table", id, "aria-labelledby": capId }, thead, tbody);
  return el(
    "details",
    { class: "table-details" },
    el("summary", {}, summary),
    el("p", { class: "view-caption", id: capId }, caption),
    scrollBox(table, capId),
  );
}

/** A table in a box that scrolls sideways on narrow screens, reachable and scrollable by keyboard. */
export function scrollBox(table, labelledBy) {
  return el(
    "div",
    { class: "table-scroll", tabindex: "0", role: "region", "aria-labelledby": labelledBy },
    table,
  );
}
