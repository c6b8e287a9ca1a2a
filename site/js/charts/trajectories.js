// Weight trajectories: every weight and bias into one layer as a line over steps,
// colored + dashed by the unit it feeds, so clones overlap exactly.
import { baseLayout, CONFIG, check, checkSeries, cursorShape, pick, plotly, strideIndices, unitStyle, INK } from "./common.js";
import { t } from "../i18n.js";

const MAX_POINTS = 400;

/**
 * createTrajectoryChart(container) -> {update(data), reset()}
 * data: {steps: number[R], lines: [{y: number[R], unit: int (0-based; -1 = output unit), name: str}],
 *        cursor: step number or null, title: str}
 * One plotly trace per unit (its lines joined with gaps), so a 16-unit layer is 16 traces.
 */
export function createTrajectoryChart(container) {
  const P = plotly();
  let drawn = false;
  function update(data) {
    check(data && data.lines, "trajectories need {steps, lines}");
    const R = data.steps.length;
    checkSeries("steps", data.steps, R);
    const idx = strideIndices(R, MAX_POINTS);
    const xs = pick(data.steps, idx);
    const byUnit = new Map();
    for (const line of data.lines) {
      checkSeries(`line ${line.name}`, line.y, R);
      check(Number.isInteger(line.unit), "line.unit must be an integer");
      if (!byUnit.has(line.unit)) byUnit.set(line.unit, { x: [], y: [], text: [] });
      const tr = byUnit.get(line.unit);
      const ys = pick(line.y, idx);
      for (let i = 0; i < xs.length; i++) { tr.x.push(xs[i]); tr.y.push(Number.isFinite(ys[i]) ? ys[i] : null); tr.text.push(line.name); }
      tr.x.push(null); tr.y.push(null); tr.text.push("");
    }
    const traces = [...byUnit.entries()].sort((a, b) => a[0] - b[0]).map(([unit, tr]) => {
      const st = unit < 0 ? { color: INK, dash: "solid" } : unitStyle(unit);
      return {
        type: "scatter", mode: "lines", x: tr.x, y: tr.y, text: tr.text,
        name: unit < 0 ? t("legend.output") : t("legend.unit", { j: unit + 1 }),
        line: { color: st.color, dash: st.dash, width: 1.6 },
        hovertemplate: "%{text}<br>" + t("axis.step") + " %{x}: %{y:.6g}<extra>%{fullData.name}</extra>",
        connectgaps: false,
      };
    });
    const layout = baseLayout({
      xaxis: { title: { text: t("axis.step") }, zeroline: false },
      yaxis: { title: { text: t("axis.value") }, zeroline: true, zerolinecolor: "#cccccc" },
      showlegend: traces.length > 1 && traces.length <= 8,
      legend: { orientation: "h", y: 1.02, yanchor: "bottom", x: 0, font: { size: 11 } },
      margin: { l: 52, r: 10, t: traces.length > 1 && traces.length <= 8 ? 26 : 8, b: 40 },
      shapes: data.cursor == null ? [] : [cursorShape(data.cursor)],
    });
    P.react(container, traces, layout, CONFIG);
    drawn = true;
  }
  function reset() { if (drawn) P.purge(container); drawn = false; }
  return { update, reset, element: container };
}
