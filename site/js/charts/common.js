// Shared helpers for the chart factories: plotly defaults, input checks, log axes with exact zeros.
// The encodings (palette, dashes, colors, the font) are not here: each factory gets them as one
// object, opts.enc (./encodings.js), so what a chart draws never depends on module state.

export function plotly() {
  const P = globalThis.Plotly;
  if (!P) throw new Error("plotly.js is not loaded");
  return P;
}

export const CONFIG = { displayModeBar: false, responsive: true, staticPlot: false, scrollZoom: false };

export function check(cond, msg) {
  if (!cond) throw new Error(`chart input: ${msg}`);
}
export function isArrayLike(a) {
  return Array.isArray(a) || ArrayBuffer.isView(a);
}
export function checkSeries(name, a, n) {
  check(isArrayLike(a), `${name} must be an array`);
  if (n !== undefined) check(a.length === n, `${name} has length ${a.length}, expected ${n}`);
}
/** A factory's encodings: required, so a chart never draws with made-up colors. */
export function encodingsOf(opts) {
  check(opts && opts.enc && opts.enc.palette, "a chart needs opts.enc (charts/encodings.js)");
  return opts.enc;
}

/**
 * Log-scale y values where exact zeros are kept visible: a zero is drawn at a floor value one decade
 * under the smallest positive value (at most 1e-16 .. at least), on a tick labelled zeroLabel.
 * Returns {floor, map(v) -> plotted y, axis: partial layout for the y axis, zeroLine: the row's line}.
 */
export function logWithZero(allValues, zeroLabel, enc) {
  let minPos = Infinity,
    maxPos = 0;
  for (const v of allValues) {
    if (v > 0 && Number.isFinite(v)) {
      if (v < minPos) minPos = v;
      if (v > maxPos) maxPos = v;
    }
  }
  if (!Number.isFinite(minPos)) {
    minPos = 1e-3;
    maxPos = 1;
  }
  const lo = Math.floor(Math.log10(minPos));
  const hi = Math.max(Math.ceil(Math.log10(maxPos)), lo + 1);
  const floorExp = lo - 1;
  const floor = 10 ** floorExp;
  const tickvals = [floor];
  const ticktext = [zeroLabel];
  const step = Math.max(1, Math.ceil((hi - lo) / 4)); // at most 5 powers of ten + the zero line
  for (let e = hi; e >= lo; e -= step) {
    tickvals.push(10 ** e);
    ticktext.push(`1e${e}`);
  }
  return {
    floor,
    map: (v) => (v === 0 ? floor : v > 0 && Number.isFinite(v) ? v : null),
    axis: { type: "log", range: [floorExp - 0.3, hi + 0.2], tickvals, ticktext, zeroline: false },
    zeroLine: {
      type: "line",
      xref: "paper",
      x0: 0,
      x1: 1,
      yref: "y",
      y0: 10 ** (floorExp + 0.5),
      y1: 10 ** (floorExp + 0.5),
      line: { color: enc.zeroRowLine, width: 1, dash: "dot" },
    },
  };
}
