// Decision boundary (canvas: it animates): the predicted probability over the input plane as an
// image, the p = 0.5 line, and the data points on top (class 0 = open circles, class 1 = crosses:
// shape, not only color).
import { check, checkSeries, encodingsOf } from "./common.js";
import { createSurface, niceTicks, tickLabel } from "./canvas.js";
import { t, formatNumber } from "../platform/i18n.js";

function hiConst(p) {
  let lo = Infinity,
    hi = -Infinity;
  for (const v of p) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return hi - lo < 1e-9;
}

/** Segments of the level-0.5 line of grid p (ny rows by nx columns), by marching squares. */
function contour(p, nx, ny, level = 0.5) {
  const segs = [];
  const f = (r, c) => p[r * nx + c] - level;
  const lerp = (a, b) => a / (a - b);
  for (let r = 0; r < ny - 1; r++)
    for (let c = 0; c < nx - 1; c++) {
      const v = [f(r, c), f(r, c + 1), f(r + 1, c + 1), f(r + 1, c)];
      if (v.some((x) => !Number.isFinite(x))) continue;
      const pts = [];
      const edges = [
        [0, 1, [c, r], [c + 1, r]],
        [1, 2, [c + 1, r], [c + 1, r + 1]],
        [2, 3, [c + 1, r + 1], [c, r + 1]],
        [3, 0, [c, r + 1], [c, r]],
      ];
      for (const [i, j, A, B] of edges) {
        if (v[i] < 0 !== v[j] < 0) {
          const u = lerp(v[i], v[j]);
          pts.push([A[0] + (B[0] - A[0]) * u, A[1] + (B[1] - A[1]) * u]);
        }
      }
      if (pts.length === 2) segs.push(pts);
      else if (pts.length === 4) segs.push([pts[0], pts[1]], [pts[2], pts[3]]);
    }
  return segs;
}

/**
 * createBoundaryChart(container, {maxHeight, compact, enc}) -> {update(data), reset()}
 * data: {xs: number[nx], ys: number[ny], p: number[ny*nx] (row-major, rows = ys) in [0,1],
 *        X: number[2n] (x1, x2 interleaved), y: number[n] (0/1)}
 */
export function createBoundaryChart(container, opts = {}) {
  const { maxHeight = 280, compact = false } = opts;
  const enc = encodingsOf(opts);
  const [class0, class1] = enc.classes.map((k) => k.color);
  let data = null,
    geom = null;
  // a square plot: 44 + 58 px of margins beside it, 22 + 36 above and below (compact: small margins,
  // no color bar — the figure's legend and the help text say what the colors mean)
  const surf = createSurface(
    container,
    maxHeight === "fill" ? "fill" : (w) => Math.min(maxHeight, w - 102 + 58),
    () => data && draw(),
    enc,
  );
  const img = document.createElement("canvas");

  function draw() {
    surf.fit();
    const c = surf.ctx();
    const W = surf.width,
      H = surf.height;
    const { xs, ys, p } = data;
    const nx = xs.length,
      ny = ys.length;
    const m = compact
      ? { l: 24, r: 6, t: hiConst(p) ? (W < 260 ? 42 : 28) : 4, b: 16 }
      : { l: 44, r: 58, t: hiConst(p) ? (W < 420 ? 32 : 20) : 8, b: 36 };
    const side = Math.max(60, Math.min(W - m.l - m.r, H - m.t - m.b));
    const L = m.l + Math.max(0, (W - m.l - m.r - side) / 2),
      T = m.t;
    geom = { L, T, side };
    c.clearRect(0, 0, W, H);
    // the probability image: one pixel per grid point, scaled up with smoothing
    img.width = nx;
    img.height = ny;
    const ic = img.getContext("2d");
    const im = ic.createImageData(nx, ny);
    let lo = Infinity,
      hi = -Infinity;
    for (let r = 0; r < ny; r++)
      for (let col = 0; col < nx; col++) {
        const v = p[r * nx + col];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
        const [R, G, B] = enc.divergingRGB(v);
        const o = ((ny - 1 - r) * nx + col) * 4;
        im.data[o] = R;
        im.data[o + 1] = G;
        im.data[o + 2] = B;
        im.data[o + 3] = 255;
      }
    ic.putImageData(im, 0, 0);
    c.imageSmoothingEnabled = true;
    // grid points are cell centres: the image spans half a cell beyond the first/last point
    c.save();
    c.beginPath();
    c.rect(L, T, side, side);
    c.clip();
    const cell = side / (nx - 1);
    c.drawImage(img, L - cell / 2, T - cell / 2, side + cell, side + cell);
    // p = 0.5 line
    const gx = (col) => L + (col / (nx - 1)) * side,
      gy = (row) => T + side - (row / (ny - 1)) * side;
    c.strokeStyle = enc.ink;
    c.lineWidth = 1.6;
    c.beginPath();
    for (const [[c0, r0], [c1, r1]] of contour(p, nx, ny)) {
      c.moveTo(gx(c0), gy(r0));
      c.lineTo(gx(c1), gy(r1));
    }
    c.stroke();
    // data points
    const x0 = xs[0],
      x1 = xs[nx - 1],
      y0 = ys[0],
      y1 = ys[ny - 1];
    const sx = (x) => L + ((x - x0) / (x1 - x0)) * side,
      sy = (y) => T + side - ((y - y0) / (y1 - y0)) * side;
    geom.sx = sx;
    geom.sy = sy;
    geom.inv = (X, Y) => [x0 + ((X - L) / side) * (x1 - x0), y0 + ((T + side - Y) / side) * (y1 - y0)];
    c.lineWidth = 1.5;
    for (let i = 0; i < data.y.length; i++) {
      const X = sx(data.X[2 * i]),
        Y = sy(data.X[2 * i + 1]);
      if (data.y[i] > 0.5) {
        c.strokeStyle = class1;
        c.beginPath();
        c.moveTo(X - 3.2, Y - 3.2);
        c.lineTo(X + 3.2, Y + 3.2);
        c.moveTo(X - 3.2, Y + 3.2);
        c.lineTo(X + 3.2, Y - 3.2);
        c.stroke();
      } else {
        c.strokeStyle = class0;
        c.beginPath();
        c.arc(X, Y, 3.3, 0, 2 * Math.PI);
        c.stroke();
      }
    }
    c.restore();
    c.strokeStyle = enc.frame;
    c.lineWidth = 1;
    c.strokeRect(L + 0.5, T + 0.5, side - 1, side - 1);
    // axes
    c.font = enc.canvasFont(11);
    c.fillStyle = enc.muted;
    c.textAlign = "center";
    c.textBaseline = "top";
    for (const v of niceTicks(x0, x1, 4)) c.fillText(tickLabel(v), sx(v), T + side + 4);
    c.textAlign = "right";
    c.textBaseline = "middle";
    for (const v of niceTicks(y0, y1, 4)) c.fillText(tickLabel(v), L - 4, sy(v));
    if (!compact) {
      c.fillStyle = enc.ink;
      c.font = enc.canvasFont(12);
      c.textAlign = "center";
      c.textBaseline = "bottom";
      c.fillText(t("axis.x1"), L + side / 2, H - 2);
      c.save();
      c.translate(L - 30, T + side / 2);
      c.rotate(-Math.PI / 2);
      c.textBaseline = "bottom";
      c.fillText(t("axis.x2"), 0, 0);
      c.restore();
      // color bar
      const bx = L + side + 14,
        bh = side * 0.8,
        by = T + side * 0.1;
      for (let k = 0; k < bh; k++) {
        const [R, G, B] = enc.divergingRGB(1 - k / bh);
        c.fillStyle = `rgb(${R},${G},${B})`;
        c.fillRect(bx, by + k, 10, 1.5);
      }
      c.strokeStyle = enc.frame;
      c.strokeRect(bx + 0.5, by + 0.5, 10, bh);
      c.fillStyle = enc.muted;
      c.font = enc.canvasFont(10);
      c.textAlign = "left";
      c.textBaseline = "middle";
      c.fillText("p = 1", bx + 13, by);
      c.fillText("0.5", bx + 13, by + bh / 2);
      c.fillText("0", bx + 13, by + bh);
    }
    // a constant output is worth saying in words
    if (hi - lo < 1e-9) {
      const text = t("boundary.constant", { p: formatNumber(lo, 3) });
      c.font = enc.canvasFont(11);
      c.textAlign = "center";
      c.textBaseline = "top";
      // as many lines as the width needs, broken at spaces
      const lines = [];
      for (const word of text.split(" ")) {
        const line = lines.length ? `${lines[lines.length - 1]} ${word}` : word;
        if (lines.length && c.measureText(line).width <= W - 10) lines[lines.length - 1] = line;
        else lines.push(word);
      }
      lines.forEach((line, k) => {
        const w = c.measureText(line).width + 8;
        c.fillStyle = enc.labelBackground;
        c.fillRect(W / 2 - w / 2, 2 + 14 * k, w, 14);
        c.fillStyle = enc.ink;
        c.fillText(line, W / 2, 3 + 14 * k);
      });
    }
  }

  surf.canvas.addEventListener("mousemove", (ev) => {
    if (!data || !geom) return;
    const r = surf.canvas.getBoundingClientRect();
    const X = ev.clientX - r.left,
      Y = ev.clientY - r.top;
    if (X < geom.L || X > geom.L + geom.side || Y < geom.T || Y > geom.T + geom.side) {
      surf.hideTip();
      return;
    }
    const [x, y] = geom.inv(X, Y);
    const nx = data.xs.length,
      ny = data.ys.length;
    const col = Math.round(((x - data.xs[0]) / (data.xs[nx - 1] - data.xs[0])) * (nx - 1));
    const row = Math.round(((y - data.ys[0]) / (data.ys[ny - 1] - data.ys[0])) * (ny - 1));
    surf.showTip(X, Y, [
      `(${formatNumber(x, 3)}, ${formatNumber(y, 3)})`,
      `p = ${formatNumber(data.p[row * nx + col], 4)}`,
    ]);
  });
  surf.canvas.addEventListener("mouseleave", () => surf.hideTip());

  return {
    update(d) {
      check(d && d.xs && d.ys, "boundary needs {xs, ys, p, X, y}");
      checkSeries("p", d.p, d.xs.length * d.ys.length);
      checkSeries("X", d.X, 2 * d.y.length);
      data = d;
      container.chartData = d;
      surf.canvas.setAttribute("aria-label", t("row.boundary"));
      draw();
    },
    reset() {
      data = null;
      container.chartData = null;
    },
    element: container,
  };
}
