// history.js: the page-side copy of the recorded steps of both runs (K members), filled from frames
// (precomputed file or live worker). Holds data only; views read from it.
//
// A frame (from pyinit.lab) carries the records added since the previous frame as flat arrays:
//   steps[R], theta[R*K*P], grad[R*K*P], loss[R*K], acc[R*K], sym[R*K*H], gnorm[R*K*L]
// and, when the trainer halved its record resolution, `kept`: the steps it still holds
// (we drop the others so both sides agree).

export function createHistory(meta) {
  const { K, P } = meta;
  const H = meta.hidden.length, L = meta.sizes.length - 1;
  const recs = []; // {step, theta: Float64Array(K*P), grad, loss: [K], acc: [K], sym: Float64Array(K*H), gnorm: Float64Array(K*L)}
  let diverged = Array.from({ length: K }, () => null);

  function append(frame) {
    const r = frame.records;
    if (frame.kept) {
      const keep = new Set(Array.from(frame.kept));
      for (let i = recs.length - 1; i >= 0; i--) if (!keep.has(recs[i].step)) recs.splice(i, 1);
    }
    if (r) {
      const R = r.steps.length;
      for (let i = 0; i < R; i++) {
        const step = r.steps[i];
        if (recs.length && step <= recs[recs.length - 1].step) continue; // already have it
        recs.push({
          step,
          theta: r.theta.slice(i * K * P, (i + 1) * K * P),
          grad: r.grad.slice(i * K * P, (i + 1) * K * P),
          loss: Array.from(r.loss.slice(i * K, (i + 1) * K)),
          acc: Array.from(r.acc.slice(i * K, (i + 1) * K)),
          sym: r.sym.slice(i * K * H, (i + 1) * K * H),
          gnorm: r.gnorm.slice(i * K * L, (i + 1) * K * L),
        });
      }
    }
    if (frame.diverged) diverged = frame.diverged.map((d) => d || null);
  }

  return {
    meta, append,
    get length() { return recs.length; },
    get lastStep() { return recs.length ? recs[recs.length - 1].step : -1; },
    record(i) { return recs[i]; },
    indexOfStep(step) { // index of the last record with record.step <= step
      let lo = 0, hi = recs.length - 1, ans = 0;
      while (lo <= hi) { const mid = (lo + hi) >> 1; if (recs[mid].step <= step) { ans = mid; lo = mid + 1; } else hi = mid - 1; }
      return ans;
    },
    diverged(k) { return diverged[k]; },
    /** Keep records 0..i only (a live session that takes over continues from record i). */
    truncate(i) { recs.length = Math.max(1, Math.min(recs.length, i + 1)); },
    /** Parameters of member k at record i, split per layer: {W: [Float64Array], b: [Float64Array]} */
    params(i, k, which = "theta") {
      const flat = recs[i][which].subarray(k * P, (k + 1) * P);
      return splitLayers(meta, flat);
    },
  };
}

/** Index of W[l][i, j] in the flat vector. pyinit stores each W block transposed ("col" order:
 * element (i, j) at offset + j * fan_in + i); meta.layout says which. */
export function wIndex(e, i, j) {
  return e.order === "col" ? e.offset + j * e.rows + i : e.offset + i * e.cols + j;
}

/** Flat parameter vector (length P) -> {W: [fan_in*fan_out row-major], b: [fan_out]} per layer, using meta.layout. */
export function splitLayers(meta, flat) {
  const W = [], b = [];
  for (const e of meta.layout) {
    if (e.kind === "W") {
      const m = new Float64Array(e.rows * e.cols);
      for (let i = 0; i < e.rows; i++) for (let j = 0; j < e.cols; j++) m[i * e.cols + j] = flat[wIndex(e, i, j)];
      W[e.layer - 1] = m;
    } else {
      b[e.layer - 1] = flat.subarray(e.offset, e.offset + e.size);
    }
  }
  return { W, b };
}
