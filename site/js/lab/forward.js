// forward.js: a display-only forward pass over a grid of input points, for the decision boundary and
// the hidden unit maps (drawn on every scrub, so it runs in the page, not in Python). The numbers the
// lesson depends on (weights, gradients, the inspector) all come from pyinit; this only colors pixels.
// Same formulas as pyinit: z = a @ W + b, hidden activation f, output sigmoid.

export const ACT = {
  tanh: Math.tanh,
  relu: (x) => (x > 0 ? x : 0),
  leaky_relu: (x) => (x > 0 ? x : 0.01 * x), // pyinit.activations.LEAKY_SLOPE
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  linear: (x) => x,
};

/**
 * Evaluate the net at every grid point. Returns {p: Float64Array(ny*nx) output probability,
 * hidden: [Float64Array(ny*nx)] per unit of layer `unitLayer` (1-based) or [] }.
 */
export function gridForward(sizes, params, activation, xs, ys, unitLayer = 1) {
  const f = ACT[activation];
  if (!f) throw new Error(`unknown activation ${activation}`);
  const L = sizes.length - 1, nx = xs.length, ny = ys.length, N = nx * ny;
  const p = new Float64Array(N);
  const hidden = unitLayer >= 1 && unitLayer < L ? Array.from({ length: sizes[unitLayer] }, () => new Float64Array(N)) : [];
  const maxW = Math.max(...sizes);
  let a = new Float64Array(maxW), z = new Float64Array(maxW);
  for (let r = 0; r < ny; r++) for (let c = 0; c < nx; c++) {
    const n = r * nx + c;
    a[0] = xs[c]; a[1] = ys[r];
    for (let l = 0; l < L; l++) {
      const fin = sizes[l], fout = sizes[l + 1], W = params.W[l], b = params.b[l];
      for (let j = 0; j < fout; j++) {
        let s = b[j];
        for (let i = 0; i < fin; i++) s += a[i] * W[i * fout + j];
        z[j] = s;
      }
      const last = l === L - 1;
      for (let j = 0; j < fout; j++) a[j] = last ? 1 / (1 + Math.exp(-z[j])) : f(z[j]);
      if (l + 1 === unitLayer) for (let j = 0; j < fout; j++) hidden[j][n] = a[j];
    }
    p[n] = a[0];
  }
  return { p, hidden };
}

/** A square grid covering the data with a margin. */
export function gridFor(X, n = 41) {
  let m = 0;
  for (const v of X) if (Number.isFinite(v)) m = Math.max(m, Math.abs(v));
  const lim = Math.ceil((m * 1.15 + 0.05) * 10) / 10;
  const xs = Array.from({ length: n }, (_, i) => -lim + (2 * lim * i) / (n - 1));
  return { xs, ys: xs.slice() };
}

/** Groups of identical units in layer l (1-based hidden layer): column j of W[l-1] plus b[l-1][j] equal bitwise. */
export function identicalGroups(params, sizes, l) {
  const W = params.W[l - 1], b = params.b[l - 1], fin = sizes[l - 1], fout = sizes[l];
  const groups = [];
  const seen = new Array(fout).fill(false);
  for (let j = 0; j < fout; j++) {
    if (seen[j]) continue;
    const g = [j];
    seen[j] = true;
    for (let k = j + 1; k < fout; k++) {
      if (seen[k] || b[k] !== b[j]) continue;
      let same = true;
      for (let i = 0; i < fin && same; i++) same = W[i * fout + k] === W[i * fout + j];
      if (same) { g.push(k); seen[k] = true; }
    }
    groups.push(g);
  }
  return groups;
}
