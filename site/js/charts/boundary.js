// Decision boundary: predicted probability over the input plane as a heatmap, the 0.5 contour,
// and the data points on top (class 0 = open circles, class 1 = crosses: shape, not only color).
import { baseLayout, CONFIG, check, checkSeries, plotly, DIVERGING_SCALE, INK } from "./common.js";
import { t } from "../i18n.js";

/**
 * data: {xs: number[nx], ys: number[ny], p: number[ny*nx] (row-major, rows = ys) in [0,1],
 *        X: number[2n] (x1, x2 interleaved), y: number[n] (0/1)}
 */
export function createBoundaryChart(container) {
  const P = plotly();
  let drawn = false;
  let pointsKey = null, pointTraces = null;
  function update(data) {
    check(data && data.xs && data.ys, "boundary needs {xs, ys, p, X, y}");
    const nx = data.xs.length, ny = data.ys.length;
    checkSeries("p", data.p, nx * ny);
    checkSeries("X", data.X, 2 * data.y.length);
    const z = [];
    for (let r = 0; r < ny; r++) {
      const row = new Array(nx);
      for (let c = 0; c < nx; c++) { const v = data.p[r * nx + c]; row[c] = Number.isFinite(v) ? v : null; }
      z.push(row);
    }
    if (pointsKey !== data.X) {
      const pts = [[], []];
      for (let i = 0; i < data.y.length; i++) pts[data.y[i] > 0.5 ? 1 : 0].push(i);
      pointTraces = pts.map((ix, cls) => ({
        type: "scatter", mode: "markers", name: t(cls ? "legend.class1" : "legend.class0"),
        x: ix.map((i) => data.X[2 * i]), y: ix.map((i) => data.X[2 * i + 1]),
        marker: cls
          ? { symbol: "x-thin-open", size: 7, color: "#003c5f", line: { width: 1.8, color: "#003c5f" } }
          : { symbol: "circle-open", size: 7, color: "#7a3300", line: { width: 1.6, color: "#7a3300" } },
        hovertemplate: "(%{x:.2f}, %{y:.2f})<extra>%{fullData.name}</extra>",
      }));
      pointsKey = data.X;
    }
    const traces = [
      { type: "heatmap", x: Array.from(data.xs), y: Array.from(data.ys), z, zmin: 0, zmax: 1,
        colorscale: DIVERGING_SCALE, showscale: true, zsmooth: "best",
        colorbar: { thickness: 10, len: 0.9, tickvals: [0, 0.5, 1], tickfont: { size: 10 }, outlinewidth: 0 },
        hovertemplate: "(%{x:.2f}, %{y:.2f}) p = %{z:.3f}<extra></extra>" },
      { type: "contour", x: Array.from(data.xs), y: Array.from(data.ys), z, showscale: false, hoverinfo: "skip",
        contours: { start: 0.5, end: 0.5, size: 1, coloring: "none" }, line: { color: INK, width: 1.5 } },
      ...pointTraces,
    ];
    let lo = Infinity, hi = -Infinity;
    for (const v of data.p) { if (v < lo) lo = v; if (v > hi) hi = v; }
    const annotations = hi - lo < 1e-9 ? [{ xref: "paper", yref: "paper", x: 0.5, y: 1, yanchor: "top", showarrow: false,
      text: t("boundary.constant", { p: lo.toFixed(3) }), bgcolor: "rgba(255,255,255,0.9)", font: { size: 11 } }] : [];
    const layout = baseLayout({
      annotations,
      xaxis: { title: { text: t("axis.x1") }, range: [data.xs[0], data.xs[nx - 1]], zeroline: false, constrain: "domain" },
      yaxis: { title: { text: t("axis.x2") }, range: [data.ys[0], data.ys[ny - 1]], zeroline: false, scaleanchor: "x" },
      height: 280,
      margin: { l: 44, r: 8, t: 8, b: 40 },
    });
    P.react(container, traces, layout, CONFIG);
    drawn = true;
  }
  function reset() { if (drawn) P.purge(container); drawn = false; pointsKey = null; }
  return { update, reset, element: container };
}
