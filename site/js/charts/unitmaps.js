// Hidden unit maps: each unit of the first hidden layer drawn as a small image over the input plane
// (canvas, not plotly: many small maps, cheap to redraw). Clones are labelled "= unit j" in text.
import { check, checkSeries, encodingsOf } from "./common.js";
import { t, formatNumber } from "../platform/i18n.js";

/**
 * data: {nx, ny, maps: [number[ny*nx] in [lo, hi]], lo, hi, clones: [int|-1] (index of the first
 *        identical unit, -1 if none)} ; or {maps: []} with {message}
 */
export function createUnitMaps(container, opts = {}) {
  const enc = encodingsOf(opts);
  container.classList.add("unitmaps");
  function update(data) {
    check(data && Array.isArray(data.maps), "unit maps need {maps}");
    container.replaceChildren();
    container.chartData = data;
    if (data.message) {
      const p = document.createElement("p");
      p.className = "muted";
      p.textContent = data.message;
      container.append(p);
      return;
    }
    const { nx, ny, lo, hi } = data;
    const key = document.createElement("p");
    key.className = "muted unitmaps-key";
    key.textContent = t("units.scale", {
      lo: formatNumber(lo, 3),
      mid: formatNumber((lo + hi) / 2, 3),
      hi: formatNumber(hi, 3),
    });
    data.maps.forEach((m, j) => {
      checkSeries(`map ${j}`, m, nx * ny);
      const fig = document.createElement("figure");
      const cv = document.createElement("canvas");
      cv.width = nx;
      cv.height = ny;
      cv.setAttribute("role", "img");
      const ctx = cv.getContext("2d");
      const img = ctx.createImageData(nx, ny);
      for (let r = 0; r < ny; r++)
        for (let c = 0; c < nx; c++) {
          const v = m[r * nx + c];
          const [R, G, B] = enc.divergingRGB((v - lo) / (hi - lo));
          const o = ((ny - 1 - r) * nx + c) * 4; // row 0 = lowest x2: draw bottom-up
          img.data[o] = R;
          img.data[o + 1] = G;
          img.data[o + 2] = B;
          img.data[o + 3] = 255;
        }
      ctx.putImageData(img, 0, 0);
      const cap = document.createElement("figcaption");
      const clone = data.clones[j];
      cap.textContent =
        t("units.unit", { j: j + 1 }) + (clone >= 0 ? " " + t("units.clone", { j: clone + 1 }) : "");
      cv.setAttribute("aria-label", cap.textContent);
      fig.append(cv, cap);
      container.append(fig);
    });
    container.append(key);
  }
  function reset() {
    container.replaceChildren();
  }
  return { update, reset, element: container };
}
