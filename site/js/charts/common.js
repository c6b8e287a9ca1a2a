// Shared helpers for the chart factories: the chart encodings, plotly defaults, input checks, log axes
// with exact zeros.
//
// The encodings (palette, dashes, marker symbols, the colors of signs and classes, the diverging
// scale) live in one file, pyinit/content/encodings.json, read by pyinit.figures.plots and shipped to
// the page as data/content/encodings.json: a page calls setEncodings() with it before drawing. The
// names below are live bindings, filled then. Okabe–Ito palette (color-blind safe); units are told
// apart by color AND dash pattern AND name, so nothing depends on color alone.

export let OKABE_ITO = []; // the palette: unit j gets color j % 8
export let SERIES_COLORS = []; // the palette for lines of several runs (no faint yellow)
export let DASHES = []; // unit j gets dash floor(j / 8)
export let SYMBOLS = []; // plotly marker symbols, one per series
export let NEG = ""; // vermillion: negative / class 0
export let POS = ""; // blue: positive / class 1
export let INK = "";
export let MUTED = "";
export let DIVERGING_SCALE = [];
let diverging = []; // the diverging scale's three colors as [r, g, b]

/** Take the encodings (data/content/encodings.json) into use; call before the first chart draws. */
export function setEncodings(e) {
  ({
    palette: OKABE_ITO,
    series_colors: SERIES_COLORS,
    dashes: DASHES,
    symbols: SYMBOLS,
    neg: NEG,
    pos: POS,
    ink: INK,
    muted: MUTED,
    diverging_scale: DIVERGING_SCALE,
  } = e);
  diverging = DIVERGING_SCALE.map(([, rgb]) => rgb.match(/\d+/g).map(Number));
}

/** Fetch the encodings the build shipped and take them into use. */
export async function loadEncodings(url = "data/content/encodings.json") {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  setEncodings(await r.json());
}

export function unitStyle(j) {
  // 8 colors x dash patterns: unit j gets color j % 8 and dash floor(j / 8) (solid for the first 8)
  return { color: OKABE_ITO[j % 8], dash: DASHES[Math.floor(j / 8) % DASHES.length] };
}

export function plotly() {
  const P = globalThis.Plotly;
  if (!P) throw new Error("plotly.js is not loaded");
  return P;
}

export const CONFIG = { displayModeBar: false, responsive: true, staticPlot: false, scrollZoom: false };

export function baseLayout(extra = {}) {
  return {
    margin: { l: 52, r: 14, t: 8, b: 40 },
    height: 240,
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "#ffffff",
    font: { family: "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", size: 12, color: INK },
    showlegend: false,
    hovermode: "closest",
    uirevision: "keep",
    ...extra,
  };
}

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

/** Indices to plot so that at most maxPoints of n are drawn (always keeps first and last). */
export function strideIndices(n, maxPoints) {
  if (n <= maxPoints) return null;
  const stride = Math.ceil(n / maxPoints);
  const idx = [];
  for (let i = 0; i < n; i += stride) idx.push(i);
  if (idx[idx.length - 1] !== n - 1) idx.push(n - 1);
  return idx;
}
export function pick(a, idx) {
  return idx ? idx.map((i) => a[i]) : Array.from(a);
}

/**
 * Log-scale y values where exact zeros are kept visible: a zero is drawn at a floor value one decade
 * under the smallest positive value (at most 1e-16 .. at least), on a tick labelled zeroLabel.
 * Returns {floor, map(v) -> plotted y, axis: partial layout for the y axis}.
 */
export function logWithZero(allValues, zeroLabel) {
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
  const step = Math.max(1, Math.ceil((hi - lo) / 5));
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
      line: { color: "#bbbbbb", width: 1, dash: "dot" },
    },
  };
}

export function cursorShape(x) {
  return {
    type: "line",
    xref: "x",
    yref: "paper",
    x0: x,
    x1: x,
    y0: 0,
    y1: 1,
    line: { color: INK, width: 1, dash: "dot" },
  };
}

/** The diverging colormap (vermillion -> white -> blue) at a value in [0, 1]: [r, g, b]. */
export function divergingRGB(p) {
  const [c0, c1, c2] = diverging;
  const q = Math.min(1, Math.max(0, p));
  const [a, b, u] = q < 0.5 ? [c0, c1, q * 2] : [c1, c2, (q - 0.5) * 2];
  return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * u));
}
