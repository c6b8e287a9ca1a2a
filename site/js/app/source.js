// source.js: where records come from. Two kinds, one interface:
//   precomputed — a chapter's runs, trained at build time by the same pyinit on CPython and shipped as
//                 data (data/chapters/<id>.json + .bin, listed in data/chapters/index.json); no Python;
//   live        — a pyinit.web.lab session in the worker.
// Interface: {kind, meta, data: {X, y}, history, more(n) -> Promise<bool>, inspect(step, k),
//             landscape(step, k), dispose()}
import { createHistory } from "./history.js";
import { canon } from "./schema.js";

const TYPES = { "<f4": Float32Array, "<f8": Float64Array, "<i4": Int32Array };

/** What a source that never trains does: no more records, no inspector, no landscape (no Python). */
const STILL = {
  async more() {
    return false;
  },
  async inspect() {
    return null;
  },
  async landscape() {
    return null;
  },
  dispose() {},
};

/** The chapters' precomputed runs, loaded on demand and kept (each is a few hundred kB at most). */
export function createPrecomputedStore(base = "data/chapters/") {
  let index = null;
  const loaded = new Map(); // chapter id -> Promise<pre|null>
  function loadIndex() {
    if (!index) {
      index = fetch(base + "index.json")
        .then((r) => (r.ok ? r.json() : { chapters: [] }))
        .catch(() => ({ chapters: [] }));
    }
    return index;
  }
  function load(id) {
    if (!loaded.has(id))
      loaded.set(
        id,
        loadChapter(base, id).catch(() => null),
      );
    return loaded.get(id);
  }
  return {
    loadIndex,
    load,
    /** The precomputed runs whose settings equal `runSettings` (a run-group subset), or null. */
    async find(runSettings) {
      const key = canon(runSettings);
      const entry = (await loadIndex()).chapters.find((c) => canon(c.settings) === key);
      return entry ? load(entry.id) : null;
    },
    /** Start downloading a chapter's runs (e.g. the next chapter, before the reader gets there). */
    prefetch(id) {
      loadIndex().then((ix) => {
        if (ix.chapters.some((c) => c.id === id)) load(id);
      });
    },
  };
}

async function loadChapter(base, id) {
  const r = await fetch(`${base}${id}.json`);
  if (!r.ok) return null;
  const head = await r.json();
  const rb = await fetch(base + head.binary);
  if (!rb.ok) return null;
  const buf = await rb.arrayBuffer();
  const arr = (name) => {
    const spec = head.arrays[name];
    if (!spec) return null;
    const [dtype, offset, length] = spec;
    const T = TYPES[dtype];
    return new T(buf.slice(offset, offset + length * T.BYTES_PER_ELEMENT)); // a copy: aligned, own buffer
  };
  const records = {};
  for (const { name } of head.meta.records) records[name] = arr(name); // the frame format's arrays
  return {
    chapter: head.chapter,
    settings: head.settings,
    meta: head.meta,
    steps: head.steps,
    data: { X: arr("X"), y: arr("y") },
    frame: { records, diverged: head.diverged, provisional: false, limit: null },
  };
}

export function precomputedSource(pre) {
  const history = createHistory(pre.meta);
  history.append(pre.frame);
  return {
    kind: "precomputed",
    chapter: pre.chapter,
    meta: pre.meta,
    data: pre.data,
    history,
    ...STILL,
  };
}

/** The records of a source whose worker is gone (stopped, restarted): shown and scrubbed, never extended. */
export function frozenSource(src) {
  return {
    ...src,
    kind: "frozen",
    ...STILL,
  };
}

/**
 * A live session in the worker for the page settings `runSettings`. `history` may be an existing one
 * to continue (the handover from precomputed runs): the session trains silently to its last step,
 * then records go on from there. Rejects with Python's error (a ConfigError names the setting). The
 * reader's code never runs here: `inits` carries what it made in the sandbox (app/code-runner.js).
 */
export async function liveSource(py, runSettings, history = null, { inits = null } = {}) {
  // inits: the arrays the reader's code made in its sandbox (app/code-runner.js), for python sides
  const res = await py.call(
    "lab.create",
    inits ? { settings: runSettings, inits } : { settings: runSettings },
  );
  const id = res.id;
  let h = history,
    handover = null;
  if (h) {
    const target = h.lastStep;
    const fr = await py.call("lab.advance", { id, to_step: target });
    const rec = h.record(h.length - 1),
      theta = fr.records.theta;
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
    kind: "live",
    id,
    meta: res.meta,
    data: res.data,
    history: h,
    handover,
    async more(n) {
      if (disposed) return false;
      const fr = await py.call("lab.step", { id, n });
      if (disposed) return false;
      h.append(fr);
      return true;
    },
    inspect: (step, k) => py.call("lab.inspect", { id, step, member: k }),
    landscape: (step, k) => py.call("lab.landscape", { id, step, member: k }),
    dispose() {
      disposed = true;
      py.call("lab.dispose", { id }).catch(() => {});
    },
  };
}
