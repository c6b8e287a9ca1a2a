// tourlines.js: the plotly lines/markers chart of the chapters' experiments (the figure's animated
// lines are the canvas chart, lines.js): several named series over a shared or per-series x,
// optional log axes (exact zeros kept on their own "0 (exactly)" line), markers with
// different symbols per series and dash patterns, so nothing depends on color alone.
import { CONFIG, check, checkSeries, logWithZero, plotly, encodingsOf } from "./common.js";
import { t, formatNumber, formatPercent, numberFormat } from "../platform/i18n.js";

// Okabe–Ito without its yellow (too faint as a thin line on white), which becomes a dark gold
const styleOf = (enc, k, dashes) => ({
  color: enc.seriesColors[k % enc.seriesColors.length],
  dash: dashes ? enc.dashes[k % 3] : enc.dashes[Math.floor(k / 8) % enc.dashes.length],
});

/**
 * createPlotlyLinesChart(container, {enc, xTitle, yTitle, xLog, yLog, xReversed, yRange, yPercent, height,
 *                                    legend, dashes, decades})
 * (dashes: vary the dash pattern with the series too, for many lines without markers; decades: a log axis
 * ticks powers of ten only)
 * data: {series: [{name, x: number[], y: number[], style?: int, mode?: "lines"|"markers"|"lines+markers",
 *                  dash?: string, labels?: string[] (text shown at each marker),
 *                  symbol?: string|string[] (marker symbol(s) instead of the style's), colors?: string[] (a
 *   color
 *                  per marker), markers?: int (at most this many markers drawn on a line), legend?: false,
 *                  hover?: string[] (each point's hover text instead of its y value)}],
 *        hlines?: [{y, label, dash?, left?: bool (label at the left end)}]}
 * Values may be null (a gap). `yLog` values <= 0 that are not exact zeros are gaps too.
 */
/** The whole number of decades between labelled ticks of a log axis over `values` (positive ones), so
 * that at most MAX_LOG_TICKS powers of ten are labelled (1 for a short range). */
const MAX_LOG_TICKS = 6;
export function decadeStep(values) {
  let lo = Infinity,
    hi = -Infinity;
  for (const v of values)
    if (Number.isFinite(v) && v > 0) {
      lo = Math.min(lo, Math.log10(v));
      hi = Math.max(hi, Math.log10(v));
    }
  if (!Number.isFinite(lo)) return 1;
  const decades = Math.ceil(hi) - Math.floor(lo);
  return Math.max(1, Math.ceil(decades / (MAX_LOG_TICKS - 1)));
}

export function createPlotlyLinesChart(container, opts = {}) {
  const enc = encodingsOf(opts);
  const P = plotly();
  let drawn = false;
  function update(data) {
    check(data && Array.isArray(data.series), "lines chart needs {series}");
    const all = [],
      allX = [];
    for (const s of data.series) {
      for (const v of s.x) allX.push(v);
      checkSeries(`${s.name}.x`, s.x);
      checkSeries(`${s.name}.y`, s.y, s.x.length);
      for (const v of s.y) all.push(v);
    }
    for (const h of data.hlines || []) all.push(h.y);
    // a log axis keeps exact zeros visible on their own line only when there are any
    const lz = opts.yLog && all.some((v) => v === 0) ? logWithZero(all, t("axis.zeroExactly"), enc) : null;
    const mapY = (v) => (lz ? lz.map(v) : Number.isFinite(v) ? v : null);
    const traces = data.series.map((s, k) => {
      const st = s.style === -1 ? { color: enc.ink, dash: "solid" } : styleOf(enc, s.style ?? k, opts.dashes);
      const mode = s.mode || "lines";
      const ys = Array.from(s.y);
      const fmt = (v) =>
        v === 0 && lz ? t("axis.zeroExactly") : opts.yPercent ? formatPercent(v) : formatNumber(v, 4);
      const trace = {
        type: "scatter",
        mode: s.labels ? mode + "+text" : mode,
        name: s.name,
        x: Array.from(s.x),
        y: ys.map(mapY),
        text: s.labels || ys.map(fmt),
        textposition: "top center",
        textfont: { size: 10, color: enc.ink },
        cliponaxis: false,
        customdata: s.hover ? Array.from(s.hover) : ys.map(fmt),
        line: { color: st.color, dash: s.dash || st.dash, width: 2 },
        marker: {
          color: s.colors ? Array.from(s.colors) : st.color,
          symbol: s.symbol || enc.symbols[(s.style ?? k) % enc.symbols.length],
          size: 8,
          line: { color: s.colors ? Array.from(s.colors) : enc.ink, width: s.colors ? 1.5 : 0.5 },
        },
        hovertemplate: "%{fullData.name}: %{x}, %{customdata}<extra></extra>",
      };
      if (s.markers) trace.marker.maxdisplayed = s.markers;
      if (s.legend === false) trace.showlegend = false;
      return trace;
    });
    const shapes = lz ? [lz.zeroLine] : [];
    const annotations = [];
    for (const h of data.hlines || []) {
      const y = mapY(h.y);
      shapes.push({
        type: "line",
        xref: "paper",
        x0: 0,
        x1: 1,
        yref: "y",
        y0: y,
        y1: y,
        line: { color: enc.ink, width: 1, dash: h.dash || "dot" },
      });
      if (h.label)
        annotations.push({
          xref: "paper",
          x: h.left ? 0 : 1,
          y: opts.yLog ? Math.log10(y) : y,
          yref: "y",
          text: h.label,
          showarrow: false,
          xanchor: h.left ? "left" : "right",
          yanchor: "bottom",
          font: { size: 11 },
        });
    }
    const yaxis = {
      title: { text: opts.yTitle || "" },
      zeroline: false,
      ...(lz ? lz.axis : opts.yLog ? { type: "log", exponentformat: "power" } : {}),
    };
    if (opts.decades && opts.yLog && !lz)
      yaxis.dtick = decadeStep(opts.yRange ? opts.yRange.map((e) => 10 ** e) : all);
    if (opts.yRange) yaxis.range = opts.yRange;
    if (opts.yPercent) yaxis.tickformat = ".0%";
    const xaxis = { title: { text: opts.xTitle || "" }, zeroline: false };
    if (opts.xLog) {
      xaxis.type = "log";
      xaxis.exponentformat = "power";
      if (opts.decades) xaxis.dtick = decadeStep(allX);
    }
    if (opts.xReversed) xaxis.autorange = "reversed";
    const layout = enc.layout({
      height: opts.height || 260,
      xaxis,
      yaxis,
      shapes,
      annotations,
      showlegend: opts.legend !== false,
      legend: { orientation: "h", y: 1.02, yanchor: "bottom", x: 0, font: { size: 11 } },
      margin: { l: lz ? 80 : 56, r: 12, t: opts.legend === false ? 10 : 34, b: 44 },
      separators: separators(),
    });
    P.react(container, traces, layout, CONFIG);
    drawn = true;
  }
  function reset() {
    if (drawn) P.purge(container);
    drawn = false;
  }
  return { update, reset, element: container };
}

/** plotly's decimal and thousands separators for the page language (Polish: "," and a space). */
export function separators() {
  const parts = numberFormat({}, document.documentElement.lang || "en").formatToParts(12345.6);
  const dec = (parts.find((p) => p.type === "decimal") || { value: "." }).value;
  const grp = (parts.find((p) => p.type === "group") || { value: "," }).value;
  return dec + grp;
}
