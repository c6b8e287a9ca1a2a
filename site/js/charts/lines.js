// lines.js: the canvas line chart that the trajectory, loss and log charts are built on (plotly's
// lines, for the chapters' experiments, are tourlines.js's createPlotlyLinesChart).
import { check, checkSeries, encodingsOf } from "./common.js";
import {
  createSurface,
  drawFrame,
  drawLine,
  drawLegend,
  legendHeight,
  nearest,
  niceTicks,
  tickLabel,
} from "./canvas.js";
import { t, formatNumber } from "../platform/i18n.js";

/**
 * createCanvasLineChart(container, {height, enc}) -> {update(spec), reset()}
 * spec: {x: number[R], series: [{name, y: number[R], color, dash, width, axis: "y"|"y2", label(v)?}],
 *        legend: [{name, color, dash}], xTitle, yTitle, y2Title, yMode: "linear"|"logzero",
 *        yZero: bool (include 0), y2: {range: [lo, hi], ticks: [{v, label}]}, marks: [{x, color}],
 *        yDomain: {lo?, hi?, zero?} (the y range to cover, shared by a pair of charts: lo/hi the values,
 *          zero: an exact-0 lane; the series' own range when absent),
 *        tipSeries: indices of series listed in the tooltip (default all, at most 8)}
 */
export function createCanvasLineChart(container, opts = {}) {
  const enc = encodingsOf(opts);
  let spec = null;
  const surf = createSurface(container, opts.height || 240, () => spec && draw(), enc);
  let frame = null;

  function yRange() {
    const d = spec.yDomain;
    if (d && Number.isFinite(d.lo) && Number.isFinite(d.hi)) return [d.lo, d.hi];
    let lo = Infinity,
      hi = -Infinity;
    for (const s of spec.series) {
      if (s.axis === "y2") continue;
      for (const v of s.y)
        if (v !== null && Number.isFinite(v) && (spec.yMode !== "logzero" || v > 0)) {
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
    }
    return [lo, hi];
  }

  function draw() {
    surf.fit();
    const c = surf.ctx();
    const W = surf.width;
    // a legend that would take more than a third of a small chart is left out (the tooltip names the lines)
    let legend = spec.legend && spec.legend.length ? spec.legend : null;
    let legH = legend ? legendHeight(c, legend, W - 60, enc) : 6;
    if (legend && legH > surf.height / 3) {
      legend = null;
      legH = 6;
    }
    const margin = { l: spec.yMode === "logzero" ? 70 : 50, r: spec.y2 ? 44 : 10, t: legH + 4, b: 34 };
    let [lo, hi] = yRange();
    let yTicks,
      map = (v) => v,
      zeroY = null;
    if (spec.yMode === "logzero") {
      // log axis; exact zeros on their own lane one decade under the smallest positive value
      if (!Number.isFinite(lo)) {
        lo = 1e-3;
        hi = 1;
      }
      const eLo = Math.floor(Math.log10(lo)),
        eHi = Math.max(Math.ceil(Math.log10(hi)), eLo + 1);
      const hasZero =
        (spec.yDomain && spec.yDomain.zero) ||
        spec.series.some((s) => s.axis !== "y2" && Array.prototype.includes.call(s.y, 0));
      zeroY = eLo - 1;
      map = (v) => (v === 0 ? zeroY : v > 0 && Number.isFinite(v) ? Math.log10(v) : null);
      lo = hasZero ? zeroY - 0.4 : eLo - 0.1;
      hi = eHi + 0.15;
      const step = Math.max(1, Math.ceil((eHi - eLo) / 4));
      yTicks = hasZero ? [{ v: zeroY, label: t("axis.zeroExactly"), dashed: true }] : [];
      for (let e = eHi; e >= eLo; e -= step) yTicks.push({ v: e, label: `1e${e}` });
    } else {
      if (!Number.isFinite(lo)) {
        lo = -1;
        hi = 1;
      }
      if (spec.yZero) {
        lo = Math.min(lo, 0);
        hi = Math.max(hi, 0);
      }
      if (hi - lo < 1e-12) {
        lo -= 1;
        hi += 1;
      }
      const pad = (hi - lo) * 0.06;
      lo -= spec.yZero && lo === 0 ? 0 : pad;
      hi += pad;
      yTicks = niceTicks(lo, hi, 5).map((v) => ({ v, label: tickLabel(v) }));
    }
    const xs = spec.x;
    const x0 = xs.length ? xs[0] : 0;
    const x1 = xs.length > 1 ? xs[xs.length - 1] : x0 + 1;
    frame = drawFrame(c, surf, {
      x: [x0, x1],
      y: [lo, hi],
      y2: spec.y2 && spec.y2.range,
      y2Ticks: spec.y2 && spec.y2.ticks,
      xTitle: spec.xTitle,
      yTitle: spec.yTitle,
      y2Title: spec.y2Title,
      margin,
      yTicks,
    });
    // what the axes show, for tests that compare a pair of charts (one scale type, one range)
    container.chartAxes = { yMode: spec.yMode, y: [lo, hi], yTicks: yTicks.map((tk) => tk.label) };
    const { px, sx, sy, sy2 } = frame;
    c.save();
    c.beginPath();
    c.rect(px.l, px.t - 2, px.r - px.l, px.b - px.t + 4);
    c.clip();
    for (const s of spec.series) {
      const ys = s.axis === "y2" ? s.y : Array.from(s.y, map);
      const fy = s.axis === "y2" ? sy2 : sy;
      drawLine(c, xs, ys, sx, fy, s);
      // the newest point as a dot: the shown step is visible even when it is the only one (step 0)
      for (let i = ys.length - 1; i >= 0; i--) {
        if (ys[i] === null || ys[i] === undefined || !Number.isFinite(ys[i])) continue;
        c.fillStyle = s.color;
        c.beginPath();
        c.arc(sx(xs[i]), fy(ys[i]), Math.max(2.2, (s.width || 1.6) * 1.3), 0, 2 * Math.PI);
        c.fill();
        break;
      }
    }
    for (const m of spec.marks || []) {
      c.strokeStyle = m.color || enc.ink;
      c.lineWidth = m.width || 1;
      c.setLineDash(m.dash || []);
      const X = Math.round(sx(m.x)) + 0.5;
      c.beginPath();
      c.moveTo(X, px.t);
      c.lineTo(X, px.b);
      c.stroke();
      c.setLineDash([]);
    }
    c.restore();
    if (legend) drawLegend(c, legend, px.l, 2, W - px.l - 6, enc);
    frame.map = map;
  }

  surf.canvas.addEventListener("mousemove", (ev) => {
    if (!spec || !frame || !spec.x.length) return;
    const r = surf.canvas.getBoundingClientRect();
    const mx = ev.clientX - r.left,
      my = ev.clientY - r.top;
    const { px } = frame;
    if (mx < px.l || mx > px.r || my < px.t || my > px.b) {
      surf.hideTip();
      return;
    }
    const x0 = spec.x[0],
      x1 = spec.x[spec.x.length - 1];
    const i = nearest(spec.x, x0 + ((mx - px.l) / (px.r - px.l)) * (x1 - x0));
    const idx = spec.tipSeries || spec.series.map((_, k) => k).slice(0, 8);
    const lines = [`${t("axis.step")} ${spec.x[i]}`];
    for (const k of idx) {
      const s = spec.series[k],
        v = s.y[i];
      const shown =
        v === 0 && spec.yMode === "logzero"
          ? t("axis.zeroExactly")
          : s.label
            ? s.label(v)
            : formatNumber(v, 5);
      lines.push(`${s.name}: ${shown}`);
    }
    if (spec.series.length > idx.length) lines.push("…");
    surf.showTip(mx, my, lines);
  });
  surf.canvas.addEventListener("mouseleave", () => surf.hideTip());

  return {
    update(s) {
      check(s && Array.isArray(s.series), "line chart needs {x, series}");
      for (const se of s.series) checkSeries(se.name, se.y, s.x.length);
      spec = s;
      container.chartData = s;
      if (s.ariaLabel) surf.canvas.setAttribute("aria-label", s.ariaLabel);
      draw();
    },
    reset() {
      spec = null;
      container.chartData = null;
      const c = surf.ctx();
      c.clearRect(0, 0, surf.width, surf.height);
    },
    element: container,
  };
}
