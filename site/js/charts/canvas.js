// canvas.js: a small 2-D canvas plotting core for the charts that animate while training runs.
//
// Why not plotly for these: measured in headless Chromium on the project machine, one
// Plotly.react of a 17-line chart took 25-45 ms and the heatmap 70 ms, so twelve charts could not
// follow a 60 Hz animation. Drawing the same lines on a canvas takes well under 1 ms. plotly.js is
// still used where nothing animates (the loss landscape contour).
//
// Each chart keeps the data it last drew on its container element (`container.chartData`), a
// read-only hook for tests; hover shows the values at the nearest step in a tooltip.

import { formatNumber } from "../platform/i18n.js";

const TEXT_PX = 12; // titles
const SMALL_PX = 11; // ticks, legends

/**
 * A canvas filling `container`, redrawn on resize. `height`: CSS px, a function of the width, or
 * "fill" (the container's own height, which the page's CSS sets: the figure's panels share out the
 * space the viewport leaves them). `enc`: the encodings (./encodings.js) its frame is drawn with.
 */
export function createSurface(container, height, draw, enc) {
  container.classList.add("cv-chart");
  const fill = height === "fill";
  if (fill) container.classList.add("cv-fill");
  const canvas = document.createElement("canvas");
  canvas.setAttribute("role", "img");
  const tip = document.createElement("div");
  tip.className = "cv-tip";
  tip.hidden = true;
  container.replaceChildren(canvas, tip);
  const heightFor = fill
    ? () => Math.max(60, Math.floor(container.clientHeight || 160))
    : typeof height === "function"
      ? height
      : () => height;
  let w = 0,
    h = 0,
    dpr = 1;
  function fit() {
    const cw = Math.max(fill ? 60 : 120, Math.floor(container.clientWidth || 300));
    const ch = Math.round(heightFor(cw));
    // drawn at the size shown: a zoomed figure (presentation, text size) gets more pixels, not a stretched
    // bitmap; a picture being made of the figure (app/export.js) asks for more pixels still
    const exportScale = Number(document.documentElement.dataset.exportScale) || 1;
    dpr = Math.min(2, window.devicePixelRatio || 1) * (canvas.currentCSSZoom || 1) * exportScale;
    if (cw !== w || ch !== h || canvas.width !== Math.round(cw * dpr)) {
      w = cw;
      h = ch;
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
      canvas.style.width = `${w}px`;
      canvas.style.height = `${h}px`;
      return true;
    }
    return false;
  }
  const ctx = () => {
    const c = canvas.getContext("2d");
    c.setTransform(dpr, 0, 0, dpr, 0, 0);
    return c;
  };
  // Resized in the next frame, never inside the observer's callback: fit() sets the canvas's size, which
  // can change the container's, and a size changed while notifications are delivered is the
  // "ResizeObserver loop completed with undelivered notifications" error (every engine reports it).
  if (typeof ResizeObserver !== "undefined") {
    let frame = 0;
    const refit = () => {
      frame = 0;
      if (fit()) draw();
    };
    new ResizeObserver(() => {
      frame ||= requestAnimationFrame(refit);
    }).observe(container);
  }
  return {
    canvas,
    tip,
    fit,
    ctx,
    enc,
    get width() {
      return w;
    },
    get height() {
      return h;
    },
    showTip(x, y, lines) {
      tip.replaceChildren(
        ...lines.map((l) => {
          const d = document.createElement("div");
          d.textContent = l;
          return d;
        }),
      );
      tip.hidden = false;
      const left = Math.min(Math.max(0, x + 12), w - tip.offsetWidth - 2);
      tip.style.left = `${left}px`;
      tip.style.top = `${Math.max(0, y - tip.offsetHeight - 8)}px`;
    },
    hideTip() {
      tip.hidden = true;
    },
  };
}

/** "Nice" tick values covering [lo, hi] (about n of them). */
export function niceTicks(lo, hi, n = 5) {
  if (!(hi > lo)) {
    const d = Math.abs(lo) || 1;
    lo -= d / 2;
    hi += d / 2;
  }
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => raw <= s) || 10 * mag;
  const ticks = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return ticks;
}

export function tickLabel(v) {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(0).replace("e+", "e");
  return formatNumber(Number(v.toPrecision(4)), 4);
}

export const DASH = {
  solid: [],
  dash: [6, 4],
  dot: [1.5, 3],
  dashdot: [6, 3, 1.5, 3],
  longdash: [10, 4],
  longdashdot: [10, 3, 2, 3],
};

/**
 * Axis frame: plot rectangle, scales, gridlines, ticks, titles.
 * spec: {x: [lo, hi], y: [lo, hi] or {log: true, ...}, y2?: [lo, hi], xTitle, yTitle, y2Title,
 *        margin: {l, r, t, b}, yTicks?: [{v, label}], y2Ticks?: [...]}
 */
export function drawFrame(c, surf, spec) {
  const enc = surf.enc;
  const m = spec.margin;
  const W = surf.width,
    H = surf.height;
  const px = { l: m.l, r: W - m.r, t: m.t, b: H - m.b };
  const [x0, x1] = spec.x;
  const sx = (x) => px.l + ((x - x0) / (x1 - x0 || 1)) * (px.r - px.l);
  const [y0, y1] = spec.y;
  const sy = (y) => px.b - ((y - y0) / (y1 - y0 || 1)) * (px.b - px.t);
  let sy2 = null;
  if (spec.y2) {
    const [a, b] = spec.y2;
    sy2 = (y) => px.b - ((y - a) / (b - a || 1)) * (px.b - px.t);
  }
  c.clearRect(0, 0, W, H);
  c.fillStyle = enc.paper;
  c.fillRect(px.l, px.t, px.r - px.l, px.b - px.t);
  c.font = enc.canvasFont(SMALL_PX);
  c.lineWidth = 1;
  // y grid + ticks
  const yTicks = spec.yTicks || niceTicks(y0, y1, 5).map((v) => ({ v, label: tickLabel(v) }));
  c.textAlign = "right";
  c.textBaseline = "middle";
  for (const { v, label, dashed } of yTicks) {
    const y = sy(v);
    if (y < px.t - 0.5 || y > px.b + 0.5) continue;
    c.strokeStyle = dashed ? enc.zeroRowLine : enc.grid;
    c.setLineDash(dashed ? [2, 3] : []);
    c.beginPath();
    c.moveTo(px.l, Math.round(y) + 0.5);
    c.lineTo(px.r, Math.round(y) + 0.5);
    c.stroke();
    c.fillStyle = enc.muted;
    c.fillText(label, px.l - 4, y);
  }
  c.setLineDash([]);
  if (spec.y2) {
    c.textAlign = "left";
    for (const { v, label } of spec.y2Ticks) c.fillText(label, px.r + 4, sy2(v));
  }
  // x ticks
  const xTicks = niceTicks(x0, x1, Math.max(2, Math.floor((px.r - px.l) / 70))).filter(
    (v) => Number.isInteger(v) || x1 - x0 < 5,
  );
  c.textAlign = "center";
  c.textBaseline = "top";
  for (const v of xTicks) {
    const x = sx(v);
    if (x < px.l - 0.5 || x > px.r + 0.5) continue;
    c.strokeStyle = enc.grid;
    c.beginPath();
    c.moveTo(Math.round(x) + 0.5, px.t);
    c.lineTo(Math.round(x) + 0.5, px.b);
    c.stroke();
    c.fillStyle = enc.muted;
    c.fillText(tickLabel(v), x, px.b + 4);
  }
  c.strokeStyle = enc.frame;
  c.strokeRect(px.l + 0.5, px.t + 0.5, px.r - px.l - 1, px.b - px.t - 1);
  c.fillStyle = enc.ink;
  c.font = enc.canvasFont(TEXT_PX);
  if (spec.xTitle) {
    c.textAlign = "center";
    c.textBaseline = "bottom";
    c.fillText(spec.xTitle, (px.l + px.r) / 2, H - 2);
  }
  const vTitle = (text, x) => {
    c.save();
    c.translate(x, (px.t + px.b) / 2);
    c.rotate(-Math.PI / 2);
    c.textAlign = "center";
    c.textBaseline = "top";
    c.fillText(text, 0, 0);
    c.restore();
  };
  if (spec.yTitle) vTitle(spec.yTitle, 2);
  if (spec.y2Title) {
    c.save();
    c.translate(W - 2, (px.t + px.b) / 2);
    c.rotate(Math.PI / 2);
    c.textAlign = "center";
    c.textBaseline = "top";
    c.fillText(spec.y2Title, 0, 0);
    c.restore();
  }
  return { px, sx, sy, sy2 };
}

/** Draw a polyline with gaps at null/NaN. */
export function drawLine(c, xs, ys, sx, sy, style) {
  c.strokeStyle = style.color;
  c.lineWidth = style.width || 1.6;
  c.setLineDash(DASH[style.dash || "solid"] || []);
  c.beginPath();
  let pen = false;
  for (let i = 0; i < xs.length; i++) {
    const y = ys[i];
    if (y === null || y === undefined || !Number.isFinite(y)) {
      pen = false;
      continue;
    }
    const X = sx(xs[i]),
      Y = sy(y);
    if (pen) c.lineTo(X, Y);
    else {
      c.moveTo(X, Y);
      pen = true;
    }
  }
  c.stroke();
  c.setLineDash([]);
}

/** Legend entries [{name, color, dash}] laid out in the top margin, wrapping. Returns its height. */
// a legend entry: a swatch of the line style, then its name (narrow charts get a shorter swatch)
const swatch = (maxW) => (maxW < 260 ? 14 : 22);
const entryWidth = (c, e, maxW) => swatch(maxW) + 4 + c.measureText(e.name).width + (maxW < 260 ? 8 : 12);

export function drawLegend(c, entries, x0, y0, maxW, enc) {
  c.font = enc.canvasFont(SMALL_PX);
  c.textBaseline = "middle";
  c.textAlign = "left";
  const sw = swatch(maxW);
  let x = x0,
    y = y0 + 7;
  for (const e of entries) {
    const w = entryWidth(c, e, maxW);
    if (x + w > x0 + maxW && x > x0) {
      x = x0;
      y += 15;
    }
    c.strokeStyle = e.color;
    c.lineWidth = 2;
    c.setLineDash(DASH[e.dash || "solid"] || []);
    c.beginPath();
    c.moveTo(x, y);
    c.lineTo(x + sw, y);
    c.stroke();
    c.setLineDash([]);
    c.fillStyle = enc.ink;
    c.fillText(e.name, x + sw + 4, y);
    x += w;
  }
  return y - y0 + 8;
}

export function legendHeight(c, entries, maxW, enc) {
  c.font = enc.canvasFont(SMALL_PX);
  let x = 0,
    rows = 1;
  for (const e of entries) {
    const w = entryWidth(c, e, maxW);
    if (x + w > maxW && x > 0) {
      x = 0;
      rows++;
    }
    x += w;
  }
  return rows * 15 + 4;
}

/** Index of the value in sorted `xs` nearest to x. */
export function nearest(xs, x) {
  let lo = 0,
    hi = xs.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= x) lo = mid;
    else hi = mid;
  }
  return Math.abs(xs[hi] - x) < Math.abs(xs[lo] - x) ? hi : lo;
}
