// forward.js: a display-only forward pass over a grid of input points, for the decision boundary and
// the unit pictures in the network diagram (drawn on every frame and scrub, so it runs in the page,
// not in Python). The numbers the lesson rests on (weights, gradients, clone counts, the inspector)
// all come from pyinit; this only colors pixels. Same formulas as pyinit: z = a @ W + b, hidden
// activation f, output sigmoid.

export const ACT = {
  tanh: Math.tanh,
  relu: (x) => (x > 0 ? x : 0),
  leaky_relu: (x) => (x > 0 ? x : 0.01 * x), // pyinit.core.activations.LEAKY_SLOPE
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  linear: (x) => x,
};

/**
 * Evaluate the net at every point of the grid xs × ys. Returns {p: Float64Array(ny*nx), the output
 * probability, and with `units`, maps: [per layer 1..L: [per unit: Float64Array(ny*nx)]]} (row-major,
 * row 0 = ys[0]).
 */
export function gridForward(sizes, params, activation, xs, ys, { units = false } = {}) {
  const f = ACT[activation];
  if (!f) throw new Error(`unknown activation ${activation}`);
  const L = sizes.length - 1,
    nx = xs.length,
    ny = ys.length,
    N = nx * ny;
  const p = new Float64Array(N);
  const maps = units ? sizes.slice(1).map((n) => Array.from({ length: n }, () => new Float64Array(N))) : null;
  const maxW = Math.max(...sizes);
  let a = new Float64Array(maxW),
    z = new Float64Array(maxW);
  for (let r = 0; r < ny; r++)
    for (let c = 0; c < nx; c++) {
      const n = r * nx + c;
      a[0] = xs[c];
      a[1] = ys[r];
      for (let l = 0; l < L; l++) {
        const fin = sizes[l],
          fout = sizes[l + 1],
          W = params.W[l],
          b = params.b[l];
        for (let j = 0; j < fout; j++) {
          let s = b[j];
          for (let i = 0; i < fin; i++) s += a[i] * W[i * fout + j];
          z[j] = s;
        }
        const last = l === L - 1;
        for (let j = 0; j < fout; j++) a[j] = last ? 1 / (1 + Math.exp(-z[j])) : f(z[j]);
        if (maps) for (let j = 0; j < fout; j++) maps[l][j][n] = a[j];
      }
      p[n] = a[0];
    }
  return { p, maps };
}

/** A square grid of n points per axis covering the data with a margin. */
export function gridFor(X, n = 41) {
  let m = 0;
  for (const v of X) if (Number.isFinite(v)) m = Math.max(m, Math.abs(v));
  const lim = Math.ceil((m * 1.15 + 0.05) * 10) / 10;
  const xs = Array.from({ length: n }, (_, i) => -lim + (2 * lim * i) / (n - 1));
  return { xs, ys: xs.slice() };
}

/** The value range a unit picture of `activation` is colored over (fixed where the function is bounded). */
export function mapRange(activation, maps) {
  if (activation === "sigmoid") return [0, 1];
  if (activation === "tanh") return [-1, 1];
  let m = 0;
  for (const a of maps) for (const v of a) if (Number.isFinite(v)) m = Math.max(m, Math.abs(v));
  return m > 0 ? [-m, m] : [-1, 1];
}
