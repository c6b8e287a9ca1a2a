// views.js: the history (records of both runs) -> the data each chart draws, for member k up to
// record index `cur`. Pure functions: no DOM, no chart calls. Numbers that make a claim (loss,
// symmetry, gradient norms, the count of distinct units) are pyinit's, as recorded; only pictures
// (boundary, unit maps) are computed here, by a display-only forward pass.
import { t } from "../platform/i18n.js";
import { gridForward, mapRange } from "./forward.js";
import { wIndex } from "./history.js";
import { ownScale } from "../charts/network.js";

const MAX_POINTS = 400;
const MAP_N = 17; // grid points per axis of a unit picture in the network diagram

/** After member k diverged its parameters are frozen at the last finite values: series stop there. */
const stopAt = (H, k) => (H.diverged(k) ? H.diverged(k).step : Infinity);

function strided(cur) {
  const n = cur + 1;
  const stride = Math.max(1, Math.ceil(n / MAX_POINTS));
  const idx = [];
  for (let i = 0; i < n; i += stride) idx.push(i);
  if (idx[idx.length - 1] !== cur) idx.push(cur);
  return idx;
}

/** Weight trajectories of the parameters feeding layer `layer` (1-based; L = output layer). */
export function trajectoryData(H, k, cur, layer) {
  const { meta } = H;
  const L = meta.sizes.length - 1;
  const l = Math.min(Math.max(1, layer), L);
  const P = meta.P;
  const idx = strided(cur);
  const steps = idx.map((i) => H.record(i).step);
  const fin = meta.sizes[l - 1],
    fout = meta.sizes[l];
  const eW = meta.layout.find((e) => e.kind === "W" && e.layer === l);
  const eb = meta.layout.find((e) => e.kind === "b" && e.layer === l);
  const stop = stopAt(H, k);
  const series = (off) =>
    Float64Array.from(idx, (i) => {
      const r = H.record(i);
      return r.step < stop ? r.theta[k * P + off] : NaN;
    });
  const unitOf = (j) => (l === L ? -1 : j);
  const lines = [];
  for (let j = 0; j < fout; j++) {
    for (let i = 0; i < fin; i++)
      lines.push({
        unit: unitOf(j),
        name: t("traj.weight", { i: i + 1, j: j + 1 }),
        y: series(wIndex(eW, i, j)),
      });
    lines.push({ unit: unitOf(j), name: t("traj.bias", { j: j + 1 }), y: series(eb.offset + j) });
  }
  return { steps, lines, cursor: null };
}

/** "layer 1: 4 units, 1 distinct; …" from the counts pyinit computed (bitwise, in float64). */
export function trajectoryCaption(H, k, cur) {
  const { meta } = H;
  const nH = meta.sizes.length - 2;
  if (nH === 0) return t("traj.caption.nohidden");
  const rec = H.record(cur);
  const distinct = (l) => {
    const d = rec.distinct ? rec.distinct[k * nH + l - 1] : NaN;
    return Number.isFinite(d) ? String(d) : "?";
  };
  if (nH === 1)
    return t("traj.caption.layer", { l: "1", units: String(meta.sizes[1]), distinct: distinct(1) });
  // several layers: one short line, "distinct units per layer: 1, 1, 1 (of 16 each)"
  const widths = meta.sizes.slice(1, -1);
  const same = widths.every((w) => w === widths[0]);
  return t(same ? "traj.caption.layersSame" : "traj.caption.layers", {
    list: Array.from({ length: nH }, (_, l) =>
      same ? distinct(l + 1) : `${distinct(l + 1)}/${widths[l]}`,
    ).join(", "),
    units: String(widths[0]),
  });
}

/**
 * The y range both copies of a paired panel share (issue 17.3): over every record held, of every run
 * that has not diverged yet. {loss: {log, lo, hi}, gnorm: {lo, hi, zero}, sym: {lo, hi, zero}}: lo/hi
 * the smallest and largest value (positive ones for the log axes), zero whether an exact 0 occurs.
 * The loss goes on a log axis when it spans more than three decades (a diverging run).
 */
export function pairDomains(H) {
  const K = H.meta.K,
    L = H.meta.sizes.length - 1,
    nH = L - 1;
  const loss = { lo: Infinity, hi: -Infinity, pos: Infinity },
    gnorm = { lo: Infinity, hi: -Infinity, zero: false },
    sym = { lo: Infinity, hi: -Infinity, zero: false };
  const logged = (d, v) => {
    if (!Number.isFinite(v)) return;
    if (v === 0) d.zero = true;
    else if (v > 0) {
      d.lo = Math.min(d.lo, v);
      d.hi = Math.max(d.hi, v);
    }
  };
  for (let i = 0; i < H.length; i++) {
    const r = H.record(i);
    for (let k = 0; k < K; k++) {
      if (r.step >= stopAt(H, k)) continue;
      const v = r.loss[k];
      if (Number.isFinite(v)) {
        loss.lo = Math.min(loss.lo, v);
        loss.hi = Math.max(loss.hi, v);
        if (v > 0) loss.pos = Math.min(loss.pos, v);
      }
      for (let l = 0; l < L; l++) logged(gnorm, r.gnorm[k * L + l]);
      for (let l = 0; l < nH; l++) if (r.sym) logged(sym, r.sym[k * nH + l]);
    }
  }
  const log = Number.isFinite(loss.pos) && loss.hi / loss.pos > 1e3;
  return { loss: { log, lo: log ? loss.pos : loss.lo, hi: loss.hi }, gnorm, sym };
}

/** pairDomains of the shown runs, recomputed for other runs or when records were added or dropped:
 * a function (src, H) -> [domains, key] (the key changes with the domains). */
export function pairDomainsMemo() {
  let src0 = null,
    H0 = null,
    held0 = "",
    n = 0,
    value = null;
  return (src, H) => {
    const held = `${H.length}:${H.length ? H.record(H.length - 1).step : -1}`;
    if (src !== src0 || H !== H0 || held !== held0) {
      value = pairDomains(H);
      [src0, H0, held0] = [src, H, held];
      n++;
    }
    return [value, `d${n}`];
  };
}

export function lossData(H, k, cur, domain = null) {
  const idx = strided(cur);
  return {
    domain,
    steps: idx.map((i) => H.record(i).step),
    loss: idx.map((i) => H.record(i).loss[k]),
    acc: idx.map((i) => H.record(i).acc[k]),
    cursor: null,
    diverged: H.diverged(k) ? H.diverged(k).step : null,
    test: H.meta.scored_on === "test", // measured on the held-out test set (image data)
  };
}

export function symmetryData(H, k, cur, domain = null) {
  const nH = H.meta.sizes.length - 2;
  const idx = strided(cur);
  const stop = stopAt(H, k);
  const val = (i, l) => (H.record(i).step < stop ? H.record(i).sym[k * nH + l] : NaN);
  const series = Array.from({ length: nH }, (_, l) => ({
    name: t("legend.layer", { l: String(l + 1) }),
    style: l,
    y: idx.map((i) => val(i, l)),
  }));
  return { steps: idx.map((i) => H.record(i).step), series, cursor: null, domain };
}

export function gradNormData(H, k, cur, domain = null) {
  const L = H.meta.sizes.length - 1;
  const stop = stopAt(H, k);
  const idx = strided(cur);
  const series = Array.from({ length: L }, (_, l) => ({
    name: l === L - 1 ? t("legend.output") : t("legend.layer", { l: String(l + 1) }),
    style: l === L - 1 ? -1 : l,
    y: idx.map((i) => (H.record(i).step < stop ? H.record(i).gnorm[k * L + l] : NaN)),
  }));
  return { steps: idx.map((i) => H.record(i).step), series, cursor: null, domain };
}

/** The decision boundary from the parameters at record cur (display-only forward pass on `grid`). */
export function boundaryData(H, k, cur, grid, data) {
  const params = H.params(cur, k);
  const { p } = gridForward(H.meta.sizes, params, H.meta.activation, grid.xs, grid.ys);
  return { xs: grid.xs, ys: grid.ys, p, X: data.X, y: data.y };
}

/** Each unit of the first hidden layer as a picture over the input plane (or a message). Clones
 * are labelled when the units the page finds equal are exactly as many groups as pyinit counted
 * distinct units (the page may hold float32 copies, where nearly equal units could look equal). */
export function unitMapsData(H, k, cur, grid) {
  const { meta } = H;
  if (meta.sizes.length - 1 < 2) return { maps: [], message: t("units.none") };
  const params = H.params(cur, k);
  const { maps } = gridForward(meta.sizes, params, meta.activation, grid.xs, grid.ys, { units: true });
  const [lo, hi] = mapRange(meta.activation, maps[0]);
  const clones = maps[0].map(() => -1);
  const groups = identicalGroups(params, meta.sizes, 1);
  const nH = meta.sizes.length - 2,
    counted = H.record(cur).distinct;
  if (counted && groups.length === counted[k * nH])
    for (const g of groups) for (const j of g.slice(1)) clones[j] = g[0];
  return { nx: grid.xs.length, ny: grid.ys.length, maps: maps[0], lo, hi, clones };
}

/** Groups of units of hidden layer l whose incoming weights and bias are equal, bitwise. */
function identicalGroups(params, sizes, l) {
  const W = params.W[l - 1],
    b = params.b[l - 1],
    fin = sizes[l - 1],
    fout = sizes[l];
  const groups = [],
    seen = new Array(fout).fill(false);
  for (let j = 0; j < fout; j++) {
    if (seen[j]) continue;
    const g = [j];
    seen[j] = true;
    for (let q = j + 1; q < fout; q++) {
      if (seen[q] || b[q] !== b[j]) continue;
      let same = true;
      for (let i = 0; i < fin && same; i++) same = W[i * fout + q] === W[i * fout + j];
      if (same) {
        g.push(q);
        seen[q] = true;
      }
    }
    groups.push(g);
  }
  return groups;
}

/** The largest |weight| (or |gradient|) of any run at record cur: one edge scale for the diagrams shown
 * together. */
export function sharedScale(H, cur, mode) {
  let m = 0;
  for (let k = 0; k < H.meta.K; k++) {
    const p = H.params(cur, k, mode === "gradient" ? "grad" : "theta");
    m = Math.max(m, ownScale(p.W, p.b));
  }
  return m;
}

/** Every unit's picture of every run at record cur, over a MAP_N x MAP_N grid of the plane, and one
 * colour range per layer for all runs (like the edge scale: a run whose units vary by 1e-8 looks flat
 * beside one whose units vary by 1). {maps: [per run: [per layer: [per unit: Float64Array]]], ranges:
 * [per layer: [lo, hi]], mapN}. The output layer's range is [0, 1] (p); bounded activations keep theirs. */
export function unitPictures(H, cur, gridRange) {
  const { meta } = H;
  const lim = gridRange;
  const xs = Array.from({ length: MAP_N }, (_, i) => -lim + (2 * lim * i) / (MAP_N - 1));
  const maps = [];
  for (let k = 0; k < meta.K; k++)
    maps.push(gridForward(meta.sizes, H.params(cur, k), meta.activation, xs, xs, { units: true }).maps);
  const L = meta.sizes.length - 1;
  const ranges = Array.from({ length: L }, (_, l) =>
    l === L - 1
      ? [0, 1]
      : mapRange(
          meta.activation,
          maps.flatMap((m) => m[l]),
        ),
  );
  return { maps, ranges, mapN: MAP_N };
}

/** The network diagram: edges on the shared `scale`, each unit's picture inside its node, on the
 * pictures' shared colour ranges (`pictures`: unitPictures() of the same record). */
export function networkData(H, k, cur, mode, scale, pictures) {
  const { meta } = H;
  const p = H.params(cur, k, mode === "gradient" ? "grad" : "theta");
  return {
    sizes: meta.sizes,
    W: p.W,
    b: p.b,
    mode,
    scale,
    maps: pictures.maps[k],
    mapN: pictures.mapN,
    mapRange: pictures.ranges,
  };
}

const IMAGE_SCALE_QUANTILE = 0.99; // weight images: full colour at the 99th percentile of |w| (else pale)

/** Image data (meta.images): each unit of hidden layer 1 as an image of its incoming weights (theta's
 * W[1] block, unit by unit), on one colour scale for all runs at record cur: the 99th percentile of
 * |w| over every run's layer 1 (a few large weights would leave the others pale; beyond it, full colour).
 * Clones are marked as in unitMapsData: only when the groups found equal are as many as pyinit counted. */
export function weightImagesData(H, k, cur) {
  const { meta } = H;
  const eW = meta.layout.find((e) => e.kind === "W" && e.layer === 1);
  const fin = meta.sizes[0],
    fout = meta.sizes[1];
  const images = [],
    sizes = [];
  for (let m = 0; m < meta.K; m++) {
    const theta = H.record(cur).theta.subarray(m * meta.P, (m + 1) * meta.P);
    for (let j = 0; j < fout; j++) {
      const img = Float64Array.from({ length: fin }, (_, i) => theta[wIndex(eW, i, j)]);
      for (const v of img) if (Number.isFinite(v)) sizes.push(Math.abs(v));
      if (m === k) images.push(img);
    }
  }
  sizes.sort((a, b) => a - b);
  const scale = sizes.length
    ? sizes[Math.floor(IMAGE_SCALE_QUANTILE * (sizes.length - 1))] || sizes.at(-1)
    : 0;
  const clones = images.map(() => -1);
  const groups = identicalGroups(H.params(cur, k), meta.sizes, 1);
  const nH = meta.sizes.length - 2,
    counted = H.record(cur).distinct;
  if (counted && groups.length === counted[k * nH])
    for (const g of groups) for (const j of g.slice(1)) clones[j] = g[0];
  const blank = images.every((img) => img.every((v) => v === 0));
  return { shape: meta.images.shape, images, scale, clones, blank };
}

/** Image data: the grid of test digits (meta.images) with the classes run k gives them at record cur. */
export function digitGridData(H, k, cur) {
  const { images } = H.meta;
  const G = images.grid_y.length;
  const pred = H.record(cur).grid_pred.subarray(k * G, (k + 1) * G);
  return { shape: images.shape, X: images.grid_X, y: Array.from(images.grid_y), pred: Array.from(pred) };
}
