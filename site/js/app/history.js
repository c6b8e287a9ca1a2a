// history.js: the page's copy of the recorded steps of the K runs, filled from frames (precomputed
// files or the live worker). Data only: charts read it through views.js.
//
// The frames (pyinit.web.lab, or a precomputed chapter file) follow the frame format of
// pyinit/content/frames.json: flat typed arrays of the records added since the previous frame, the
// first, `steps`, each record's step; meta.records gives every array's name and size per record.
// A record here is {step, <name>: its slice of every other array}. The format's thinning rule is
// applied in append(): `kept` (the steps Python still holds after halving), `provisional` (the
// last record is the current step, replaced by a later one), then the new records.

export function createHistory(meta) {
  const { K, P } = meta;
  const [steps, ...fields] = meta.records; // [{name, size}]: the frame's arrays, as Python sent them
  const recs = [];
  let provisional = false;
  let diverged = Array.from({ length: K }, () => null);
  let limit = null;

  function append(frame) {
    const r = frame.records;
    const R = r ? r[steps.name].length : 0;
    if (R && provisional && recs.length && r[steps.name][R - 1] > recs[recs.length - 1].step) {
      recs.pop(); // the old "current step" gives way to newer records
      provisional = false;
    }
    if (frame.kept) {
      const keep = new Set(Array.from(frame.kept));
      for (let i = recs.length - 1; i >= 0; i--) if (!keep.has(recs[i].step)) recs.splice(i, 1);
    }
    let appended = 0;
    for (let i = 0; i < R; i++) {
      const step = r[steps.name][i];
      if (recs.length && step <= recs[recs.length - 1].step) continue; // already have it
      appended++;
      const rec = { step };
      for (const { name, size } of fields)
        rec[name] = r[name] ? r[name].slice(i * size, (i + 1) * size) : null;
      recs.push(rec);
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

/** Flat parameter vector (length P) -> {W: [fan_in*fan_out row-major], b: [fan_out]} per layer
 * (meta.layout says where each block is). */
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
