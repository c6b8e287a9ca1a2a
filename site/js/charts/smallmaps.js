// Small multiples of decision boundaries (chapter 6's restarts): one small canvas per network with
// P(class 1) over the input plane (a grid of G x G values, interpolated), the p = 0.5 contour in black and
// the data points on top
// (○ class 0, ✕ class 1: shape, not only color), and a caption in text under each map.
import { check, checkSeries, encodingsOf } from "./common.js";

const SIZE = 120; // canvas pixels per map

/**
 * data: {xs: number[G], ys: number[G], maps: [{p: number[G*G] (row-major, y outer), caption: string,
 *        emphasis?: bool}], X: number[2n], y: number[n]}
 */
/** p (G*G, rows by y upwards) at every canvas pixel (rows downwards), interpolated bilinearly. */
function pixels(p, G) {
  const out = new Float64Array(SIZE * SIZE);
  for (let r = 0; r < SIZE; r++) {
    const fy = ((SIZE - 1 - r) / (SIZE - 1)) * (G - 1);
    const i0 = Math.min(G - 2, Math.floor(fy)),
      ty = fy - i0;
    for (let c = 0; c < SIZE; c++) {
      const fx = (c / (SIZE - 1)) * (G - 1);
      const j0 = Math.min(G - 2, Math.floor(fx)),
        tx = fx - j0;
      const a = p[i0 * G + j0],
        b = p[i0 * G + j0 + 1],
        d = p[(i0 + 1) * G + j0],
        e = p[(i0 + 1) * G + j0 + 1];
      out[r * SIZE + c] = (1 - ty) * ((1 - tx) * a + tx * b) + ty * ((1 - tx) * d + tx * e);
    }
  }
  return out;
}

/** createSmallMaps(container, {enc}) -> {update(data), reset()} */
export function createSmallMaps(container, opts = {}) {
  const enc = encodingsOf(opts);
  const [class0, class1] = enc.classes.map((k) => k.color);
  container.classList.add("smallmaps");
  function update(data) {
    check(data && Array.isArray(data.maps), "small maps need {xs, ys, maps, X, y}");
    const G = data.xs.length;
    checkSeries("ys", data.ys, G);
    const n = data.y.length;
    checkSeries("X", data.X, 2 * n);
    const [x0, x1, y0, y1] = [data.xs[0], data.xs[G - 1], data.ys[0], data.ys[G - 1]];
    const px = (x) => ((x - x0) / (x1 - x0)) * SIZE;
    const py = (y) => SIZE - ((y - y0) / (y1 - y0)) * SIZE;
    container.replaceChildren();
    data.maps.forEach((m, k) => {
      checkSeries(`map ${k}`, m.p, G * G);
      const fig = document.createElement("figure");
      const cv = document.createElement("canvas");
      cv.width = SIZE;
      cv.height = SIZE;
      cv.setAttribute("role", "img");
      cv.setAttribute("aria-label", m.caption);
      const ctx = cv.getContext("2d");
      // heatmap: the grid interpolated bilinearly per pixel (a coarse grid, e.g. 21 x 21, still looks smooth)
      const pix = pixels(m.p, G);
      const img = ctx.createImageData(SIZE, SIZE);
      for (let r = 0; r < SIZE; r++) {
        for (let c = 0; c < SIZE; c++) {
          const v = pix[r * SIZE + c];
          const [R, Gr, B] = enc.divergingRGB(v);
          const o = (r * SIZE + c) * 4;
          // lighten so the points stay readable
          img.data[o] = 255 - (255 - R) * 0.6;
          img.data[o + 1] = 255 - (255 - Gr) * 0.6;
          img.data[o + 2] = 255 - (255 - B) * 0.6;
          img.data[o + 3] = 255;
        }
      }
      ctx.putImageData(img, 0, 0);
      // p = 0.5 boundary: the pixels where the interpolated p crosses 0.5 against a neighbour
      ctx.fillStyle = enc.ink;
      for (let r = 0; r < SIZE; r++)
        for (let c = 0; c < SIZE; c++) {
          const v = pix[r * SIZE + c] - 0.5;
          const right = c + 1 < SIZE ? pix[r * SIZE + c + 1] - 0.5 : v,
            down = r + 1 < SIZE ? pix[(r + 1) * SIZE + c] - 0.5 : v;
          if (v * right < 0 || v * down < 0) ctx.fillRect(c, r, 1.5, 1.5);
        }
      // points
      ctx.lineWidth = 1;
      for (let s = 0; s < n; s++) {
        const x = px(data.X[2 * s]),
          y = py(data.X[2 * s + 1]);
        if (data.y[s] === 1) {
          ctx.strokeStyle = class1;
          ctx.beginPath();
          ctx.moveTo(x - 2, y - 2);
          ctx.lineTo(x + 2, y + 2);
          ctx.moveTo(x + 2, y - 2);
          ctx.lineTo(x - 2, y + 2);
          ctx.stroke();
        } else {
          ctx.strokeStyle = class0;
          ctx.beginPath();
          ctx.arc(x, y, 2, 0, 2 * Math.PI);
          ctx.stroke();
        }
      }
      const cap = document.createElement("figcaption");
      cap.textContent = m.caption;
      if (m.emphasis) fig.classList.add("emphasis");
      fig.append(cv, cap);
      container.append(fig);
    });
  }
  function reset() {
    container.replaceChildren();
  }
  return { update, reset, element: container };
}
