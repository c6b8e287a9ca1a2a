// Loss (left axis, solid) and accuracy (right axis, dashed) over steps.
import { baseLayout, CONFIG, check, checkSeries, cursorShape, pick, plotly, strideIndices, INK, OKABE_ITO } from "./common.js";
import { t } from "../i18n.js";

const MAX_POINTS = 600;

/** data: {steps: number[R], loss: number[R], acc: number[R], cursor: step|null, diverged: step|null} */
export function createLossChart(container) {
  const P = plotly();
  let drawn = false;
  function update(data) {
    check(data && data.steps, "loss chart needs {steps, loss, acc}");
    const R = data.steps.length;
    checkSeries("loss", data.loss, R);
    checkSeries("acc", data.acc, R);
    const idx = strideIndices(R, MAX_POINTS);
    const x = pick(data.steps, idx);
    const fin = (v) => (Number.isFinite(v) ? v : null);
    const traces = [
      { type: "scatter", mode: "lines", name: t("legend.loss"), x, y: pick(data.loss, idx).map(fin),
        line: { color: INK, width: 2 }, hovertemplate: t("axis.step") + " %{x}: " + t("axis.loss") + " %{y:.6g}<extra></extra>" },
      { type: "scatter", mode: "lines", name: t("legend.accuracy"), x, y: pick(data.acc, idx).map(fin), yaxis: "y2",
        line: { color: OKABE_ITO[2], width: 2, dash: "dash" }, hovertemplate: t("axis.step") + " %{x}: " + t("axis.accuracy") + " %{y:.3f}<extra></extra>" },
    ];
    const shapes = [];
    if (data.cursor != null) shapes.push(cursorShape(data.cursor));
    const annotations = [];
    if (data.diverged != null) {
      shapes.push({ type: "line", xref: "x", yref: "paper", x0: data.diverged, x1: data.diverged, y0: 0, y1: 1, line: { color: "#D55E00", width: 2 } });
    }
    const layout = baseLayout({
      xaxis: { title: { text: t("axis.step") }, zeroline: false },
      yaxis: { title: { text: t("axis.loss") }, rangemode: "tozero", zeroline: false },
      yaxis2: { title: { text: t("axis.accuracy") }, overlaying: "y", side: "right", range: [0, 1.02], showgrid: false, tickformat: ".0%", tickvals: [0, 0.25, 0.5, 0.75, 1] },
      showlegend: true,
      legend: { orientation: "h", y: 1.02, yanchor: "bottom", x: 0, font: { size: 11 } },
      margin: { l: 52, r: 48, t: 26, b: 40 },
      shapes, annotations,
    });
    P.react(container, traces, layout, CONFIG);
    drawn = true;
  }
  function reset() { if (drawn) P.purge(container); drawn = false; }
  return { update, reset, element: container };
}
