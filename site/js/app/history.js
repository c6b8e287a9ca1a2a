// history.js: the page's copy of the recorded steps of the K runs, filled from frames (precomputed
// files or the live worker). Data only: charts read it through views.js.
//
// A frame (pyinit.web.lab, or a precomputed chapter file) carries the records added since the
// previous frame as flat typed arrays, R new records of K members, P parameters, H hidden layers and
// L weight layers:
//   steps[R]  theta[R*K*P]  grad[R*K*P]  loss[R*K]  acc[R*K]  sym[R*K*H]  gnorm[R*K*L]  distinct[R*K*H]
// plus `kept` (when Python thinned its records: the steps it still holds; we drop the others so the
// page and Python agree), `provisional` (the last record is the current step, not a kept one: the
// next frame replaces it), `diverged` (per member null or {step, reason}) and `limit` (null, or why
// the run was stopped on purpose).

export function createHistory(meta) {
  const { K, P } = meta;
  const H = meta.sizes.length - 2,
    L = meta.sizes.length - 1;
  const recs = [];
  let provisional = false;
  let diverged = Array.from({ length: K }, () => null);
  let limit = null;

  function append(frame) {
    const r = frame.records;
    const R = r ? r.steps.length : 0;
    if (R && provisional && recs.length && r.steps[R - 1] > recs[recs.length - 1].step) {
      recs.pop(); // the old "current step" gives way to newer records
      provisional = false;
    }
    if (frame.kept) {
      const keep = new Set(Array.from(frame.kept));
      for (let i = recs.length - 1; i >= 0; i--) if (!keep.has(recs[i].step)) recs.splice(i, 1);
    }
    let appended = 0;
    for (let i = 0; i < R; i++) {
      const step = r.steps[i];
      if (recs.length && step <= recs[recs.length - 1].step) continue; // already have it
      appended++;
      const part = (a, n) => (a ? a.slice(i * n, (i + 1) * n) : null);
      recs.push({
        step,
        theta: part(r.theta, K * P),
        grad: part(r.grad, K * P),
        loss: Array.from(part(r.loss, K)),
        acc: Array.from(part(r.acc, K)),
        sym: part(r.sym, K * H),
        gnorm: part(r.gnorm, K * L),
        distinct: part(r.distinct, K * H),
      });
    }
    if (appended) provisional = !!frame.provisional;
    if (frame.diverged) diverged = frame.diverged.map((d) => d || null);
    if (frame.limit !== undefined) limit = frame.limit || null;
  }

  return {
    meta,
    append,
    get length() {
      return recs.length;
    },
    get lastStep() {
      return recs.length ? recs[recs.length - 1].step : -1;
    },
    get limit() {
      return limit;
    },
    record(i) {
      return recs[i];
    },
    /** Index of the last record with record.step <= step (0 if none). */
    indexOfStep(step) {
      let lo = 0,
        hi = recs.length - 1,
        ans = 0;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (recs[mid].step <= step) {
          ans = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      return ans;
    },
    diverged(k) {
      return diverged[k];
    },
    allDiverged() {
      return diverged.every(Boolean);
    },
    /** Keep records 0..i only (a live session that takes over continues from record i). */
    truncate(i) {
      recs.length = Math.max(1, Math.min(recs.length, i + 1));
      provisional = false;
    },
    /** Parameters of member k at record i, split per layer: {W: [row-major fan_in*fan_out], b: [fan_out]}. */
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

/** Flat parameter vector (length P) -> {W: [fan_in*fan_out row-major], b: [fan_out]} per layer, using
 * meta.layout. */
export function splitLayers(meta, flat) {
  const W = [],
    b = [];
  for (const e of meta.layout) {
    if (e.kind === "W") {
      const m = new Float64Array(e.rows * e.cols);
      for (let i = 0; i < e.rows; i++)
        for (let j = 0; j < e.cols; j++) m[i * e.cols + j] = flat[wIndex(e, i, j)];
      W[e.layer - 1] = m;
    } else {
      b[e.layer - 1] = flat.subarray(e.offset, e.offset + e.size);
    }
  }
  return { W, b };
}
