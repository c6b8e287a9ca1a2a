// experiments/parts.js: the pieces the chapters' experiment views are built of: a captioned chart
// box, the one-line result, a table that is the view itself, and two array helpers. Left out: any
// one view (a module each in this folder) and loading (../chapter-views.js).
import { el, scrollBox } from "../../platform/dom.js";

export const chartBox = (id, title) => {
  const plot = el("div", { class: "plot", id, role: "img", "aria-label": title });
  return [
    el("figure", { class: "view-figure" }, el("figcaption", { class: "view-caption" }, title), plot),
    plot,
  ];
};
export const resultLine = () => el("p", { class: "view-result", "aria-live": "polite" });
/** A typed array (from Python) or a list, as a list. */
export const arr = (a) => Array.from(a);
/** Column k of a row-major (R*K) flat array. */
export const col = (flat, R, K, k) => Array.from({ length: R }, (_, r) => flat[r * K + k]);

/**
 * A table that is the view itself (not hidden in a disclosure): a caption paragraph (it wraps on
 * phones) and the table in a scrolling box. A row: cells, or {group: text} (a heading row across the
 * table). Cells: a string, or {text, sub, rowspan, header, cls} (sub: a second, smaller line; header:
 * a row header <th>). The first cell of a row is a row header unless it is an object with header: false.
 */
export function viewTable({ id, caption, head, rows }) {
  const capId = `${id}-caption`;
  const cell = (c, i) => {
    const o = typeof c === "object" && c !== null ? c : { text: c };
    const isHead = o.header ?? i === 0;
    return el(
      isHead ? "th" : "td",
      { scope: isHead ? "row" : null, rowspan: o.rowspan, class: o.cls },
      o.text,
      o.sub ? el("span", { class: "cell-sub" }, o.sub) : null,
    );
  };
  const row = (r) =>
    r.group !== undefined
      ? el("tr", { class: "group-row" }, el("th", { scope: "colgroup", colspan: head.length }, r.group))
      : el("tr", {}, r.map(cell));
  const table = el(
    "table",
    { class: "data-table view-table", id, "aria-labelledby": capId },
    el(
      "thead",
      {},
      el(
        "tr",
        {},
        head.map((h) => el("th", { scope: "col" }, h)),
      ),
    ),
    el("tbody", {}, rows.map(row)),
  );
  return [el("p", { class: "view-caption", id: capId }, caption), scrollBox(table, capId)];
}
