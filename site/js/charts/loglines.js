// Lines over steps on a log y axis where exact zeros are shown on their own "0 (exactly)" line,
// not dropped by the log scale. Used for the symmetry measure and the gradient norms.
import { baseLayout, CONFIG, check, checkSeries, cursorShape, logWithZero, pick, plotly, strideIndices, unitStyle, INK } from "./common.js";
import { t, formatNumber } from "../i18n.js";

const MAX_POINTS = 600;

/**
 * createLogLinesChart(container, {yTitle}) -> {update, reset}
 * data: {steps: number[R], series: [{name, y: number[R], style?: int}], cursor: step|null}
 */
export function createLogLinesChart(container, opts = {}) {
  const P = plotly();
  let drawn = false;
  function update(data) {
    check(data && data.series, "log chart needs {steps, series}");
    const R = data.steps.length;
    const idx = strideIndices(R, MAX_POINTS);
    const x = pick(data.steps, idx);
    const all = [];
    for (const s of data.series) { checkSeries(s.name, s.y, R); for (const v of s.y) all.push(v); }
    const lz = logWithZero(all, t("axis.zeroExactly"));
    const traces = data.series.map((s, k) => {
      const ys = pick(s.y, idx);
      const st = s.style === -1 ? { color: INK, dash: "solid" } : unitStyle(s.style ?? k);
      return {
        type: "scatter", mode: "lines", name: s.name, x, y: ys.map(lz.map),
        text: ys.map((v) => (v === 0 ? t("axis.zeroExactly") : formatNumber(v, 4))),
        line: { color: st.color, dash: st.dash, width: 2 },
        hovertemplate: "%{fullData.name}, " + t("axis.step") + " %{x}: %{text}<extra></extra>",
      };
    });
    const shapes = [lz.zeroLine];
    if (data.cursor != null) shapes.push(cursorShape(data.cursor));
    const layout = baseLayout({
      xaxis: { title: { text: t("axis.step") }, zeroline: false },
      yaxis: { title: { text: opts.yTitle || "" }, ...lz.axis },
      showlegend: true,
      legend: { orientation: "h", y: 1.02, yanchor: "bottom", x: 0, font: { size: 11 } },
      margin: { l: 74, r: 10, t: 26, b: 40 },
      shapes,
    });
    P.react(container, traces, layout, CONFIG);
    drawn = true;
  }
  function reset() { if (drawn) P.purge(container); drawn = false; }
  return { update, reset, element: container };
}
