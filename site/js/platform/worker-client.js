// Promise client for js/platform/worker.js: one request, one reply.
//
//   const py = createWorkerClient(new URL("./worker.js", import.meta.url), {onProgress});
//   const {versions} = await py.ready;
//   const run = await py.call("api.run", {config: {hidden: [16, 16], steps: 100}});
//
// `call` resolves with the result or rejects with an Error whose `.type` is the Python exception
// name (e.g. "ConfigError", whose message is the one-line explanation).

export class WorkerCallError extends Error {
  constructor(fn, { type, message }) {
    super(message);
    this.name = "WorkerCallError";
    this.type = type;
    this.fn = fn;
  }
}

export function createWorkerClient(url, { onProgress = () => {}, onFatal = () => {} } = {}) {
  const worker = new Worker(url, { type: "module" });
  const pending = new Map(); // id -> {resolve, reject, fn}
  let nextId = 1;
  let fatal = null;
  let resolveReady;
  let rejectReady;
  const ready = new Promise((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  ready.catch(() => {}); // callers that never await `ready` still see errors via onFatal

  function fail(stage, message) {
    if (fatal) return;
    fatal = Object.assign(new Error(message), { stage });
    onFatal(fatal);
    rejectReady(fatal);
    for (const [, p] of pending) p.reject(new WorkerCallError(p.fn, { type: "RuntimeError", message }));
    pending.clear();
  }

  worker.onmessage = ({ data }) => {
    if (data && "id" in data) {
      const p = pending.get(data.id);
      if (!p) return;
      pending.delete(data.id);
      if (data.error) p.reject(new WorkerCallError(p.fn, data.error));
      else p.resolve(data.result);
    } else if (data?.event === "progress") {
      onProgress(data);
    } else if (data?.event === "ready") {
      resolveReady({ versions: data.versions, stats: data.stats });
    } else if (data?.event === "fatal") {
      fail(data.stage, data.message);
    }
  };
  // Before ready: a worker script that cannot be fetched or parsed (e.g. js/platform/worker.js missing).
  // After ready, an uncaught error in the worker is logged; calls still get their own replies.
  let isReady = false;
  ready.then(() => { isReady = true; }, () => {});
  worker.onerror = (event) => {
    if (isReady) {
      console.error("pyinit worker:", event.message);
      return;
    }
    event.preventDefault?.();
    fail("worker", `The Web Worker (js/platform/worker.js) failed to start: ${event.message || "script error"}.`);
  };

  function call(fn, args = {}, { transfer = [] } = {}) {
    if (fatal) return Promise.reject(new WorkerCallError(fn, { type: "RuntimeError", message: fatal.message }));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject, fn });
      worker.postMessage({ id, fn, args }, transfer);
    });
  }

  return { ready, call, terminate: () => worker.terminate(), worker };
}
