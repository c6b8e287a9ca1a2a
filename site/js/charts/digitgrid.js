// Test digits: a small grid of test images (grey levels, ink on paper), each with the class the run
// gives it at the shown step: right answers in the "good" colour, wrong ones crossed out in the
// negative colour with the true class beside them (so it never rests on colour alone).
// One canvas; `container.chartData` keeps what it drew (a test hook).
import { check, checkSeries, encodingsOf } from "./common.js";
import { createSurface } from "./canvas.js";
import { t } from "../platform/i18n.js";

const GAP = 4;
const LABEL_PX = 11;

/**
 * createDigitGrid(container, {height, enc}) -> {update(data), reset()}
 * data: {shape: [rows, cols], X: number[G*rows*cols] in [0, 1], y: number[G] (true classes),
 *        pred: number[G] (the run's classes)}
 */
export function createDigitGrid(container, opts = {}) {
  const enc = encodingsOf(opts);
  let data = null;
  const surf = createSurface(container, opts.height || ((w) => Math.min(260, w * 0.6)), () => draw(), enc);
  container.classList.add("digitgrid");
  const tile = document.createElement("canvas"); // one digit at 1 px per pixel, scaled up when drawn
  // an encoding's colour ("#rrggbb" or "rgb(r,g,b)") as [r, g, b]
  const channels = (css) =>
    css[0] === "#"
      ? [1, 3, 5].map((i) => parseInt(css.slice(i, i + 2), 16))
      : css.match(/\d+/g).slice(0, 3).map(Number);

  function draw() {
    surf.fit();
    const c = surf.ctx();
    c.clearRect(0, 0, surf.width, surf.height);
    if (!data) return;
    const [rows, cols] = data.shape,
      G = data.y.length;
    const H = surf.height - LABEL_PX - 4;
    let best = { per: 1, size: 0 };
    for (let per = 1; per <= G; per++) {
      const lines = Math.ceil(G / per);
      const size = Math.min(
        (surf.width - GAP * (per - 1)) / (per * cols),
        (H - (GAP + LABEL_PX + 2) * lines) / (lines * rows),
      );
      if (size > best.size) best = { per, size };
    }
    const px = Math.max(1, Math.floor(best.size)),
      per = best.per;
    const ink = channels(enc.ink),
      paper = channels(enc.paper);
    tile.width = cols;
    tile.height = rows;
    c.imageSmoothingEnabled = false; // one pixel = one sharp square
    c.font = enc.canvasFont(LABEL_PX, "600");
    c.textBaseline = "top";
    let right = 0;
    for (let g = 0; g < G; g++) {
      const x0 = (g % per) * (px * cols + GAP),
        y0 = Math.floor(g / per) * (px * rows + GAP + LABEL_PX + 2);
      const pixels = tile.getContext("2d").createImageData(cols, rows);
      for (let i = 0; i < rows * cols; i++) {
        const v = Math.min(1, Math.max(0, data.X[g * rows * cols + i]));
        for (let ch = 0; ch < 3; ch++) pixels.data[4 * i + ch] = paper[ch] + (ink[ch] - paper[ch]) * v;
        pixels.data[4 * i + 3] = 255;
      }
      tile.getContext("2d").putImageData(pixels, 0, 0);
      c.drawImage(tile, x0, y0, px * cols, px * rows);
      const ok = data.pred[g] === data.y[g];
      if (ok) right++;
      c.strokeStyle = ok ? enc.good : enc.neg;
      c.lineWidth = ok ? 1 : 2;
      c.strokeRect(x0 + 0.5, y0 + 0.5, px * cols - 1, px * rows - 1);
      c.fillStyle = ok ? enc.good : enc.neg;
      // a wrong answer with the true class when it fits under the tile ("✗4≠0"), else "✗4"
      const long = `✗${data.pred[g]}≠${data.y[g]}`;
      const label = ok
        ? `✓${data.pred[g]}`
        : c.measureText(long).width <= px * cols
          ? long
          : `✗${data.pred[g]}`;
      c.fillText(label, x0, y0 + px * rows + 1);
    }
    c.fillStyle = enc.ink;
    c.font = enc.canvasFont(LABEL_PX);
    c.textBaseline = "bottom";
    c.fillText(t("digits.right", { right: String(right), n: String(G) }), 0, surf.height - 1, surf.width);
  }

  return {
    update(d) {
      check(d && d.shape && d.y && d.pred, "the digit grid needs {shape, X, y, pred}");
      checkSeries("X", d.X, d.y.length * d.shape[0] * d.shape[1]);
      checkSeries("pred", d.pred, d.y.length);
      data = d;
      container.chartData = d;
      let right = 0;
      for (let g = 0; g < d.y.length; g++) right += d.pred[g] === d.y[g] ? 1 : 0;
      surf.canvas.setAttribute(
        "aria-label",
        `${t("row.digits")}. ${t("digits.right", { right: String(right), n: String(d.y.length) })}`,
      );
      draw();
    },
    reset() {
      data = null;
      container.chartData = null;
      draw();
    },
    element: container,
  };
}
