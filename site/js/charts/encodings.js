// encodings.js: the charts' encodings as one frozen object, passed to every chart factory (opts.enc).
// They live in one file, pyinit/content/encodings.json, read by pyinit.figures.plots too and shipped to
// the page as data/content/encodings.json: the palette (Okabe–Ito, color-blind safe), dashes, marker
// symbols, the colors of signs and classes, the diverging scale, the chart font and the chart chrome
// (paper, grid, frame). Units are told apart by color AND dash pattern AND name, so nothing depends on
// color alone. The page's CSS reads the same colors as custom properties (--enc-<name>), set here.
//
//   const enc = await loadEncodings();    enc.pos, enc.unitStyle(j), enc.divergingRGB(p), enc.layout({...})
//   applyToCSS(enc)                       --enc-pos, --enc-neg, … on the document's root

/** The encodings object made from encodings.json's contents. */
export function createEncodings(e) {
  const channels = (css) => css.match(/\d+/g).map(Number); // "rgb(213,94,0)" -> [213, 94, 0]
  const diverging = e.diverging_scale.map(([, color]) => channels(color));
  const missing = channels(e.missing);
  const frozen = (a) => Object.freeze([...a]);
  const enc = {
    palette: frozen(e.palette), // unit j gets color j % 8
    seriesColors: frozen(e.series_colors), // lines of several runs (no faint yellow)
    dashes: frozen(e.dashes), // unit j gets dash floor(j / 8)
    symbols: frozen(e.symbols), // plotly marker symbols, one per series
    neg: e.neg, // vermillion: negative / class 0
    pos: e.pos, // blue: positive / class 1
    ink: e.ink,
    muted: e.muted,
    highlight: e.highlight,
    good: e.good,
    paper: e.paper,
    grid: e.grid,
    frame: e.frame,
    zeroRowLine: e.zero_row_line,
    labelBackground: e.label_background,
    contourLine: e.contour_line,
    classes: Object.freeze(e.classes.map((c) => Object.freeze({ ...c }))),
    divergingScale: frozen(e.diverging_scale),
    font: e.font,
    /** A canvas font: `px` CSS pixels of the charts' font. */
    canvasFont: (px, weight = "") => `${weight ? `${weight} ` : ""}${px}px ${e.font}`,
    /** 8 colors x dash patterns: unit j gets color j % 8 and dash floor(j / 8) (solid for the first 8). */
    unitStyle: (j) => ({ color: e.palette[j % 8], dash: e.dashes[Math.floor(j / 8) % e.dashes.length] }),
    /** The diverging colormap (vermillion -> white -> blue) at a value in [0, 1]: [r, g, b]. */
    divergingRGB(p) {
      if (!Number.isFinite(p)) return missing;
      const [c0, c1, c2] = diverging;
      const q = Math.min(1, Math.max(0, p));
      const [a, b, u] = q < 0.5 ? [c0, c1, q * 2] : [c1, c2, (q - 0.5) * 2];
      return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * u));
    },
    /** plotly's layout for a chart: margins, the paper, the font; `extra` on top. */
    layout: (extra = {}) => ({
      margin: { l: 52, r: 14, t: 8, b: 40 },
      height: 240,
      paper_bgcolor: "transparent", // the page shows through
      plot_bgcolor: e.paper,
      font: { family: e.font, size: 12, color: e.ink },
      showlegend: false,
      hovermode: "closest",
      uirevision: "keep",
      ...extra,
    }),
  };
  return Object.freeze(enc);
}

/** Fetch the encodings the build shipped. */
export async function loadEncodings(url = "data/content/encodings.json") {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return createEncodings(await r.json());
}

/** The colors and the font as CSS custom properties (--enc-pos, --enc-class-0, …) on `root`. */
export function applyToCSS(enc, root = document.documentElement) {
  const props = {
    pos: enc.pos,
    neg: enc.neg,
    ink: enc.ink,
    muted: enc.muted,
    highlight: enc.highlight,
    good: enc.good,
    paper: enc.paper,
    grid: enc.grid,
    frame: enc.frame,
    "zero-row-line": enc.zeroRowLine,
    "label-background": enc.labelBackground,
    "class-0": enc.classes[0].color,
    "class-1": enc.classes[1].color,
    font: enc.font,
  };
  for (const [name, value] of Object.entries(props)) root.style.setProperty(`--enc-${name}`, value);
}
