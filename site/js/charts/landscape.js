// Loss landscape: contour of the loss on a 2-D slice through parameter space, with the run's path
// projected onto the slice and the shown step marked.
import { CONFIG, check, checkSeries, plotly, encodingsOf } from "./common.js";
import { t } from "../platform/i18n.js";

/**
 * createLandscapeChart(container, {enc}) -> {update(data), reset()}
 * data: {alpha: number[na], beta: number[nb], loss: number[nb*na], path: {alpha: [], beta: []}, now: [a, b]}
 */
export function createLandscapeChart(container, opts = {}) {
  const enc = encodingsOf(opts);
  let drawn = false;
  function update(data) {
    const P = plotly(); // loaded lazily: nothing else on the page needs plotly.js
    check(data && data.alpha && data.beta, "landscape needs {alpha, beta, loss, path, now}");
    const na = data.alpha.length,
      nb = data.beta.length;
    checkSeries("loss", data.loss, na * nb);
    const z = [];
    for (let r = 0; r < nb; r++) {
      const row = [];
      for (let c = 0; c < na; c++) {
        const v = data.loss[r * na + c];
        row.push(Number.isFinite(v) ? Math.log10(Math.max(v, 1e-12)) : null);
      }
      z.push(row);
    }
    const traces = [
      {
        type: "contour",
        x: Array.from(data.alpha),
        y: Array.from(data.beta),
        z,
        ncontours: 18,
        colorscale: "Cividis",
        reversescale: false,
        showscale: true,
        line: { width: 0.5, color: enc.contourLine },
        colorbar: {
          thickness: 10,
          title: { text: "log₁₀ " + t("axis.loss"), side: "right", font: { size: 10 } },
          tickfont: { size: 10 },
        },
        hovertemplate: "(%{x:.3g}, %{y:.3g}) log₁₀ loss %{z:.3f}<extra></extra>",
      },
      {
        type: "scatter",
        mode: "lines",
        name: t("legend.path"),
        x: Array.from(data.path.alpha),
        y: Array.from(data.path.beta),
        line: { color: enc.paper, width: 4 },
        hoverinfo: "skip",
      },
      {
        type: "scatter",
        mode: "lines",
        name: t("legend.path"),
        x: Array.from(data.path.alpha),
        y: Array.from(data.path.beta),
        line: { color: enc.ink, width: 2 },
        hoverinfo: "skip",
      },
      {
        type: "scatter",
        mode: "markers",
        name: t("legend.now"),
        x: [data.now[0]],
        y: [data.now[1]],
        marker: { symbol: "diamond", size: 12, color: enc.highlight, line: { color: enc.ink, width: 1.5 } },
      },
    ];
    const layout = enc.layout({
      xaxis: { title: { text: t("axis.dir1") }, zeroline: false },
      yaxis: { title: { text: t("axis.dir2") }, zeroline: false },
      height: 280,
      margin: { l: 52, r: 8, t: 8, b: 40 },
    });
    P.react(container, traces, layout, CONFIG);
    drawn = true;
  }
  function reset() {
    if (drawn) plotly().purge(container);
    drawn = false;
  }
  return { update, reset, element: container };
}
