// views.js: turn the history (records of both runs) into the data each chart draws, for member k
// up to record index `cur`. Pure functions: no DOM, no chart calls.
import { t } from "../platform/i18n.js";
import { gridForward, identicalGroups } from "./forward.js";
import { wIndex } from "./history.js";

const MAX_POINTS = 400;

/** After member k diverged its parameters are frozen at the last finite values and its gradient is
 * set to 0: not a state worth drawing (a frozen line, a gradient of "0 exactly"), so series stop there. */
function stopAt(H, k) {
  const d = H.diverged(k);
  return d ? d.step : Infinity;
}

function strided(cur) {
  const n = cur + 1;
  const stride = Math.max(1, Math.ceil(n / MAX_POINTS));
  const idx = [];
  for (let i = 0; i < n; i += stride) idx.push(i);
  if (idx[idx.length - 1] !== cur) idx.push(cur);
  return idx;
}

/** Weight trajectories of the parameters feeding layer `layer` (1-based; L = output layer). */
export function trajectoryData(h, k, cur, layer) {
  const { meta } = h;
  const L = meta.sizes.length - 1;
  const l = Math.min(Math.max(1, layer), L);
  const P = meta.P;
  const idx = strided(cur);
  const steps = idx.map((i) => h.record(i).step);
  const fin = meta.sizes[l - 1], fout = meta.sizes[l];
  const eW = meta.layout.find((e) => e.kind === "W" && e.layer === l);
  const eb = meta.layout.find((e) => e.kind === "b" && e.layer === l);
  const lines = [];
  const stop = stopAt(h, k);
  const series = (off) => {
    const y = new Float64Array(idx.length);
    idx.forEach((i, n) => { const r = h.record(i); y[n] = r.step < stop ? r.theta[k * P + off] : NaN; });
    return y;
  };
  const unitOf = (j) => (l === L ? -1 : j);
  for (let j = 0; j < fout; j++) {
    for (let i = 0; i < fin; i++) lines.push({ unit: unitOf(j), name: t("traj.weight", { i: i + 1, j: j + 1 }), y: series(wIndex(eW, i, j)) });
    lines.push({ unit: unitOf(j), name: t("traj.bias", { j: j + 1 }), y: series(eb.offset + j) });
  }
  return { steps, lines, cursor: null };
}

/** "layer 1: 4 units, 1 distinct; layer 2: ..." computed from the parameters at record cur. */
export function trajectoryCaption(h, k, cur) {
  const { meta } = h;
  const L = meta.sizes.length - 1;
  if (L === 1) return t("traj.caption.nohidden");
  const params = h.params(cur, k);
  const parts = [];
  for (let l = 1; l < L; l++) {
    const groups = identicalGroups(params, meta.sizes, l);
    parts.push(t("traj.caption.layer", { l: String(l), units: String(meta.sizes[l]), distinct: String(groups.length) }));
  }
  return parts.join("; ");
}

export function lossData(h, k, cur) {
  const idx = strided(cur);
  return {
    steps: idx.map((i) => h.record(i).step),
    loss: idx.map((i) => h.record(i).loss[k]),
    acc: idx.map((i) => h.record(i).acc[k]),
    cursor: null,
    diverged: h.diverged(k) ? h.diverged(k).step : null,
  };
}

export function symmetryData(h, k, cur) {
  const H = h.meta.hidden.length;
  const idx = strided(cur);
  const steps = idx.map((i) => h.record(i).step);
  const series = [];
  const stop = stopAt(h, k);
  const val = (i, l) => (h.record(i).step < stop ? h.record(i).sym[k * H + l] : NaN);
  for (let l = 0; l < H; l++) series.push({ name: t("legend.layer", { l: String(l + 1) }), style: l, y: idx.map((i) => val(i, l)) });
  return { steps, series, cursor: null };
}

export function gradNormData(h, k, cur) {
  const L = h.meta.sizes.length - 1;
  const stop = stopAt(h, k);
  const idx = strided(cur);
  const steps = idx.map((i) => h.record(i).step);
  const series = [];
  for (let l = 0; l < L; l++) {
    series.push({ name: l === L - 1 ? t("legend.output") : t("legend.layer", { l: String(l + 1) }), style: l === L - 1 ? -1 : l,
      y: idx.map((i) => (h.record(i).step < stop ? h.record(i).gnorm[k * L + l] : NaN)) });
  }
  return { steps, series, cursor: null };
}

/** Boundary heatmap + optional unit maps, from the parameters at record cur (display-only forward pass). */
export function boundaryData(h, k, cur, grid, data, withUnits) {
  const { meta } = h;
  const params = h.params(cur, k);
  const out = gridForward(meta.sizes, params, meta.activation, grid.xs, grid.ys, withUnits ? 1 : 0);
  const boundary = { xs: grid.xs, ys: grid.ys, p: out.p, X: data.X, y: data.y };
  let units = null;
  if (withUnits) {
    if (meta.sizes.length - 1 < 2) units = { maps: [], message: t("units.none") };
    else {
      const groups = identicalGroups(params, meta.sizes, 1);
      const clones = new Array(meta.sizes[1]).fill(-1);
      for (const g of groups) for (const j of g.slice(1)) clones[j] = g[0];
      const [lo, hi] = meta.activation === "sigmoid" ? [0, 1] : meta.activation === "tanh" ? [-1, 1] : rangeOf(out.hidden);
      units = { nx: grid.xs.length, ny: grid.ys.length, maps: out.hidden, lo, hi, clones };
    }
  }
  return { boundary, units };
}

function rangeOf(maps) {
  let m = 0;
  for (const a of maps) for (const v of a) if (Number.isFinite(v)) m = Math.max(m, Math.abs(v));
  return m > 0 ? [-m, m] : [-1, 1];
}

export function networkData(h, k, cur, mode) {
  const p = h.params(cur, k, mode === "gradient" ? "grad" : "theta");
  return { sizes: h.meta.sizes, W: p.W, b: p.b, mode };
}
