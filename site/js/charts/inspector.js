// Step inspector: one forward and backward pass in numbers, per layer: the layer's input a, z, its
// output a, delta, dW, db as small labelled matrices; identical columns (clone units) highlighted
// and marked "≡"; and dW = aᵀ·delta / n with the numbers plugged in for one entry.
import { check } from "./common.js";
import { t, formatNumber } from "../platform/i18n.js";

function matrixTable(name, m, colLabel, identical) {
  check(m && Number.isInteger(m.rows) && Number.isInteger(m.cols), `matrix ${name} needs rows/cols`);
  check(
    m.values.length === m.rows * m.cols,
    `matrix ${name} has ${m.values.length} values, expected ${m.rows * m.cols}`,
  );
  const wrap = document.createElement("div");
  wrap.className = "matrix";
  const table = document.createElement("table");
  const cap = document.createElement("caption");
  cap.textContent = name + (m.note ? ` (${m.note})` : "");
  table.append(cap);
  const ident = new Set();
  const firstOf = new Map();
  for (const group of identical || []) {
    if (group.length < 2) continue;
    for (const j of group) {
      ident.add(j);
      firstOf.set(j, group[0]);
    }
  }
  const thead = document.createElement("tr");
  thead.append(document.createElement("th"));
  for (let c = 0; c < m.cols; c++) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = colLabel(c) + (ident.has(c) ? " ≡" : "");
    if (ident.has(c)) {
      th.className = "ident";
      th.title = t("insp.identical", {
        cols: (identical.find((g) => g.includes(c)) || []).map((j) => j + 1).join(" = "),
      });
    }
    thead.append(th);
  }
  table.append(thead);
  for (let r = 0; r < m.rows; r++) {
    const tr = document.createElement("tr");
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = m.rowLabels ? m.rowLabels[r] : String(r + 1);
    tr.append(th);
    for (let c = 0; c < m.cols; c++) {
      const td = document.createElement("td");
      const v = m.values[r * m.cols + c];
      td.textContent = formatNumber(v, 4);
      if (v === 0) td.classList.add("zero");
      if (ident.has(c)) td.classList.add("ident");
      tr.append(td);
    }
    table.append(tr);
  }
  wrap.append(table);
  return wrap;
}

const allZero = (m) => Array.prototype.every.call(m.values, (v) => v === 0);

/** Sentences that say why a gradient is zero / which units are clones, from the numbers shown.
 * a_in_zero / delta_zero come from Python and hold over every sample, not only the rows shown. */
function whyLines(L) {
  const out = [];
  if (allZero(L.dW)) {
    const key = L.a_in_zero ? "insp.why.zeroA" : L.delta_zero ? "insp.why.zeroDelta" : "insp.why.cancel";
    out.push(t(key, { l: String(L.l), p: String(L.l - 1) }));
  }
  if (allZero(L.db) && !L.delta_zero) out.push(t("insp.why.dbZero", { l: String(L.l) }));
  for (const g of L.identical || []) {
    if (g.length > 1)
      out.push(t("insp.why.clones", { l: String(L.l), units: g.map((j) => j + 1).join(", ") }));
  }
  return out;
}

/**
 * data: {step, m, n, layers: [{l, a_in, z, a, delta, dW, db, identical: [[j...]], formula: {i, j, terms: [[a,
 *   d]], n, value}}]}
 * Each matrix: {rows, cols, values: number[rows*cols]}. Or {message} to show a notice instead.
 */
export function createInspector(container) {
  container.classList.add("inspector");
  function update(data) {
    container.replaceChildren();
    if (data && data.message) {
      const p = document.createElement("p");
      p.className = "muted";
      p.textContent = data.message;
      container.append(p);
      return;
    }
    check(data && Array.isArray(data.layers), "inspector needs {layers}");
    const info = document.createElement("p");
    info.className = "muted";
    info.textContent =
      t("insp.rows", { m: String(data.m), n: String(data.n) }) +
      (data.full_batch === false ? " " + t("insp.minibatch", { n: String(data.n) }) : "");
    container.append(info);
    for (const L of data.layers) {
      const sec = document.createElement("section");
      sec.className = "insp-layer";
      const h = document.createElement("h4");
      h.textContent = t("insp.layer", { l: L.l }) + (L.output ? ` (${t("legend.output")})` : "");
      sec.append(h);
      const unit = (c) => (L.output ? t("net.output") : t("net.hidden", { l: L.l, j: c + 1 }));
      const prev = (c) =>
        L.l === 1 ? t("net.input", { i: c + 1 }) : t("net.hidden", { l: L.l - 1, j: c + 1 });
      const grid = document.createElement("div");
      grid.className = "matrices";
      const sample = { rowLabels: null };
      const withRows = (m) => ({
        ...m,
        rowLabels: m.rowLabels || Array.from({ length: m.rows }, (_, r) => t("insp.sample", { i: r + 1 })),
      });
      grid.append(
        matrixTable(`a${L.l - 1}`, withRows(L.a_in), prev, L.identical_in),
        matrixTable(`z${L.l}`, withRows(L.z), unit, L.identical),
        matrixTable(`a${L.l}`, withRows(L.a), unit, L.identical),
        matrixTable(`delta${L.l}`, withRows(L.delta), unit, L.identical),
        matrixTable(
          `dW${L.l}`,
          { ...L.dW, rowLabels: Array.from({ length: L.dW.rows }, (_, r) => prev(r)) },
          unit,
          L.identical,
        ),
        matrixTable(`db${L.l}`, { ...L.db, rowLabels: [""] }, unit, L.identical),
      );
      void sample;
      sec.append(grid);
      if (L.formula) {
        const f = L.formula;
        const par = (x) => (x < 0 ? `(${formatNumber(x, 4)})` : formatNumber(x, 4));
        const shown = f.terms.map(([a, d]) => `${par(a)}·${par(d)}`).join(" + ");
        const more = f.n > f.terms.length ? " " + t("insp.more", { k: f.n - f.terms.length }) : "";
        const p = document.createElement("p");
        p.className = "formula";
        p.textContent = t("insp.formula", {
          i: f.i + 1,
          j: f.j + 1,
          terms: shown + more,
          n: String(f.n),
          value: formatNumber(f.value, 6),
        });
        sec.append(p);
      }
      for (const text of whyLines(L)) {
        const p = document.createElement("p");
        p.className = "why";
        p.textContent = text;
        sec.append(p);
      }
      container.append(sec);
    }
  }
  function reset() {
    container.replaceChildren();
  }
  return { update, reset, element: container };
}
