// source.js: where records come from. Two kinds, one interface:
//   precomputed — the default setup's runs, computed by build.py with the same pyinit on CPython and
//                 shipped as data (data/default-run.json + .bin); usable without Python;
//   live        — a pyinit.lab session in the worker.
// The interface: {kind, meta, data, history, more(n) -> Promise<bool>, inspect(step, k), landscape(step, k), dispose()}

import { createHistory } from "./history.js";

/** Load the precomputed runs. Returns null if they are missing. */
export async function loadPrecomputed(base = "data/") {
  const r = await fetch(base + "default-run.json");
  if (!r.ok) return null;
  const head = await r.json();
  const rb = await fetch(base + head.binary);
  if (!rb.ok) return null;
  const buf = new Float64Array(await rb.arrayBuffer());
  // head.arrays: {name: [offset, length]} into the float64 blob
  const arr = (name) => { const [o, n] = head.arrays[name]; return buf.subarray(o, o + n); };
  const frame = {
    records: { steps: arr("steps"), theta: arr("theta"), grad: arr("grad"), loss: arr("loss"), acc: arr("acc"), sym: arr("sym"), gnorm: arr("gnorm") },
    diverged: head.diverged,
  };
  return { config: head.config, state: head.state, meta: head.meta, data: { X: arr("X"), y: arr("y") }, frame, steps: head.steps };
}

export function precomputedSource(pre) {
  const history = createHistory(pre.meta);
  history.append(pre.frame);
  return {
    kind: "precomputed", meta: pre.meta, data: pre.data, history,
    async more() { return false; },
    async inspect() { return null; },
    async landscape() { return null; },
    dispose() {},
  };
}

/** A live session in the worker. `history` may be an existing one to continue (handover). */
export async function liveSource(py, config, history = null) {
  const res = await py.call("lab.create", { config });
  const id = res.id;
  let h = history;
  let handover = null;
  if (h) {
    // catch up silently to the last step we already show, and check that the numbers agree
    const target = h.lastStep;
    const fr = await py.call("lab.advance", { id, to_step: target });
    const rec = h.record(h.length - 1);
    const theta = fr.records.theta;
    let maxDiff = 0;
    for (let i = 0; i < theta.length; i++) maxDiff = Math.max(maxDiff, Math.abs(theta[i] - rec.theta[i]));
    handover = { step: target, maxDiff, liveStep: fr.step };
    h.append(fr);
  } else {
    h = createHistory(res.meta);
    h.append(res.frame);
  }
  let disposed = false;
  return {
    kind: "live", id, meta: res.meta, data: res.data, history: h, handover,
    async more(n) {
      if (disposed) return false;
      const fr = await py.call("lab.step", { id, n });
      if (disposed) return false;
      h.append(fr);
      return true;
    },
    inspect: (step, k) => py.call("lab.inspect", { id, step, member: k }),
    landscape: (step, k) => py.call("lab.landscape", { id, step, member: k }),
    dispose() { disposed = true; py.call("lab.dispose", { id }).catch(() => {}); },
  };
}
