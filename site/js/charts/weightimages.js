// Weight images: each hidden unit's incoming weights drawn as an image of the input's shape (the
// digits: 64 weights, 8 × 8), on a colour scale given by the caller so that two runs side by side share
// one (blue positive, white 0, vermillion negative). Identical units give identical images: a layer of
// clones is one picture repeated. Weights that are all exactly 0 draw blank tiles, and the chart says so.
// One canvas (cheap to redraw while playing); `container.chartData` keeps what it drew (a test hook).
import { check, checkSeries, encodingsOf } from "./common.js";
import { createSurface } from "./canvas.js";
import { t, formatNumber } from "../platform/i18n.js";

const GAP = 3; // px between tiles
const NOTE_PX = 11;

/**
 * createWeightImages(container, {height, enc}) -> {update(data), reset()}
 * height: CSS px, a function of the width, or "fill" (the container's height)
 * data: {shape: [rows, cols], images: [number[rows*cols]] (one per unit, row-major), scale: |w| drawn at
 *        full colour (0: every weight is 0), clones: [int|-1] (first identical unit, -1 if none),
 *        blank: every weight of this run is exactly 0 (the chart says so)}
 */
export function createWeightImages(container, opts = {}) {
  const enc = encodingsOf(opts);
  let data = null;
  const surf = createSurface(container, opts.height || ((w) => Math.min(320, w * 0.8)), () => draw(), enc);
  container.classList.add("weightimages");
  const tile = document.createElement("canvas"); // one image at 1 px per weight, scaled up when drawn
  // the diverging scale at 256 steps (and the missing colour last): [r, g, b] * 257
  const LUT = Uint8ClampedArray.from(
    Array.from({ length: 257 }, (_, i) => enc.divergingRGB(i < 256 ? i / 255 : NaN)).flat(),
  );

  function layout(n, rows, cols) {
    const W = surf.width,
      H = surf.height - NOTE_PX - 6;
    let best = { per: 1, size: 0, score: -1 };
    for (let per = 1; per <= n; per++) {
      const lines = Math.ceil(n / per);
      const size = Math.min((W - GAP * (per - 1)) / (per * cols), (H - GAP * (lines - 1)) / (lines * rows));
      const even = n % per === 0 ? 1 : 0.85; // full rows (8 + 8) rather than ragged ones (6 + 6 + 4)
      if (Math.floor(size) * even > best.score) best = { per, size, score: Math.floor(size) * even };
    }
    return best;
  }

  function draw() {
    surf.fit();
    const c = surf.ctx();
    c.clearRect(0, 0, surf.width, surf.height);
    if (!data) return;
    const [rows, cols] = data.shape,
      n = data.images.length;
    const { per, size } = layout(n, rows, cols);
    const px = Math.max(1, Math.floor(size)); // whole pixels per weight: sharp edges
    c.imageSmoothingEnabled = false; // one weight = one sharp square
    if (tile.width !== cols || tile.height !== rows) {
      tile.width = cols;
      tile.height = rows;
    }
    const pixels = tile.getContext("2d").createImageData(cols, rows);
    data.images.forEach((img, j) => {
      const x0 = (j % per) * (px * cols + GAP),
        y0 = Math.floor(j / per) * (px * rows + GAP);
      for (let i = 0; i < rows * cols; i++) {
        const p = data.scale > 0 ? 0.5 + img[i] / (2 * data.scale) : 0.5; // (beyond ±scale: full colour)
        const at = Number.isFinite(p) ? 3 * Math.round(255 * Math.min(1, Math.max(0, p))) : 3 * 256;
        pixels.data[4 * i] = LUT[at];
        pixels.data[4 * i + 1] = LUT[at + 1];
        pixels.data[4 * i + 2] = LUT[at + 2];
        pixels.data[4 * i + 3] = 255;
      }
      tile.getContext("2d").putImageData(pixels, 0, 0);
      c.drawImage(tile, x0, y0, px * cols, px * rows);
      c.strokeStyle = data.clones[j] >= 0 ? enc.highlight : enc.frame;
      c.lineWidth = 1;
      c.strokeRect(x0 + 0.5, y0 + 0.5, px * cols - 1, px * rows - 1);
    });
    c.fillStyle = enc.ink;
    c.font = enc.canvasFont(NOTE_PX);
    c.textBaseline = "bottom";
    const text = note(); // on a narrow panel a short form, never squeezed
    const fits = c.measureText(text).width <= surf.width;
    const short = data.blank ? t("weights.blankShort") : `±${formatNumber(data.scale, 3)}`;
    c.fillText(fits ? text : short, 0, surf.height - 2);
  }

  function note() {
    if (data.blank) return t("weights.blank");
    return t("weights.scale", { hi: formatNumber(data.scale, 3), lo: formatNumber(-data.scale, 3) });
  }

  return {
    update(d) {
      check(d && Array.isArray(d.images) && d.shape, "weight images need {shape, images, scale}");
      d.images.forEach((img, j) => checkSeries(`image ${j}`, img, d.shape[0] * d.shape[1]));
      data = d;
      container.chartData = d;
      surf.canvas.setAttribute("aria-label", `${t("row.weights")}. ${note()}`);
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
