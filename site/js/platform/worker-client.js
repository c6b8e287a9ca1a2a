// Promise client for js/platform/worker.js: one request, one reply.
//
//   const py = createWorkerClient(new URL("./worker.js", import.meta.url), {onProgress, onLost});
//   const {versions} = await py.ready;
//   const run = await py.call("api.run", {config: {hidden: [16, 16], steps: 100}});
//   await py.call("lab.step", {id, n: 50}, {timeoutMs: 5000});   // this call's own time limit
//
// `call` resolves with the result or rejects with a WorkerCallError whose `.type` is the Python
// exception name (e.g. "ConfigError", whose message is the one-line explanation), or one of:
//   "Timeout"     the call did not finish within its time limit (default 60 s). Python runs one call
//                 at a time, so a call that never returns (an endless loop) blocks the worker: the
//                 worker is stopped and counts as lost.
//   "WorkerLost"  the worker died (terminated, crashed, a reply that could not be read, no answer to
//                 a heartbeat while idle) or was stopped by terminate()/restart().
//   "RuntimeError" Python never started (loading failed; `ready` rejected with the reason).
// Every pending call settles: none waits forever.
//
// Replies are checked before they settle a call: the worker answers one call at a time, in order, so a
// reply must carry the id of the oldest pending call (ids are random, not guessable), and have the
// shape worker.js sends ({id, result} or {id, error: {type, message, details?}}). Anything else (a
// forged or garbled message, e.g. from code run inside the worker) is dropped with a console warning;
// the call it claimed to answer still gets its real reply or its time-out.
//
// A lost worker is reported once through onLost(cb) callbacks and the `lost` promise (resolved with
// the WorkerCallError). A worker that dies while loading rejects `ready` instead. restart() starts a fresh
// worker and returns its new `ready` promise;
// terminate() stops the worker on purpose (no onLost). `ready`, `lost` and `worker` always refer to
// the current worker.

export class WorkerCallError extends Error {
  constructor(fn, { type, message, details = null }) {
    super(message);
    this.name = "WorkerCallError";
    this.type = type;
    this.fn = fn;
    this.details = details; // e.g. a code error's {param, line, column, kind}
  }
}

export const CALL_TIMEOUT_MS = 60_000;
const HEARTBEAT_MS = 5_000; // ping the idle worker this often
const HEARTBEAT_TIMEOUT_MS = 10_000; // ... and call it lost if an idle worker does not answer within this
// While loading, Python's startup blocks the worker: ~1 s in Chromium, but 130-150 s in WebKitGTK on a
// busy 2-core machine (measured; it then went live). So a loading worker gets the time limit of a
// loading step (worker-load.js: 180 s, or the worker URL's ?timeout=N seconds) before it is called lost.
const LOADING_HEARTBEAT_TIMEOUT_MS = 180_000;
const stepLimitMs = (url) => {
  const n = Number(new URL(url, location.href).searchParams.get("timeout"));
  return n >= 1 && n <= 600 ? n * 1000 : 0;
};
const LATE_MS = 2_000; // a check that fires this late means the page itself was paused (background tab)

const seconds = (ms) => `${+(ms / 1000).toFixed(1)} s`;
const isText = (x) => typeof x === "string";
const isPlain = (x) => x !== null && typeof x === "object" && !Array.isArray(x);
const DETAIL_CHECKS = {
  param: (x) => isText(x) && /^[a-z_]{1,40}$/.test(x),
  line: (x) => x === null || Number.isInteger(x),
  column: (x) => x === null || Number.isInteger(x),
  kind: (x) => x === null || isText(x),
  text: (x) => x === null || isText(x),
};

/** Does `data` have the shape of a reply of worker.js: {id, result} or {id, error: {type, message,
 * details?}}? */
export function isReply(data) {
  if (!isPlain(data)) return false;
  const keys = Object.keys(data).filter((k) => k !== "id");
  if (keys.length !== 1) return false;
  if (keys[0] === "result") return true;
  if (keys[0] !== "error") return false;
  const e = data.error;
  if (!isPlain(e) || !isText(e.type) || !isText(e.message)) return false;
  if (Object.keys(e).some((k) => !["type", "message", "details"].includes(k))) return false;
  if (e.details === undefined || e.details === null) return true;
  return (
    isPlain(e.details) &&
    Object.entries(e.details).every(([k, v]) => DETAIL_CHECKS[k] && (v === undefined || DETAIL_CHECKS[k](v)))
  );
}

/** A call id nobody can guess: a random prefix per client, then a counter. */
function idMaker() {
  const bytes = new Uint32Array(2);
  crypto.getRandomValues(bytes);
  const prefix = Array.from(bytes, (b) => b.toString(36)).join("");
  let n = 0;
  return () => `${prefix}-${++n}`;
}

// the worker's file as the site names it (js/platform/worker.js, or its bundle js/bundle/worker.<hash>.js)
const SITE = new URL("../../", import.meta.url);
const siteFile = (url) => {
  const u = new URL(url, location.href);
  return u.origin === SITE.origin && u.pathname.startsWith(SITE.pathname)
    ? decodeURIComponent(u.pathname.slice(SITE.pathname.length))
    : u.href;
};

const withoutHold = (url) => {
  const u = new URL(url, location.href);
  u.searchParams.delete("hold");
  return u;
};

export function createWorkerClient(
  url,
  {
    onProgress = () => {},
    onFatal = () => {},
    onLost = null,
    callTimeoutMs = CALL_TIMEOUT_MS,
    heartbeatMs = HEARTBEAT_MS,
    heartbeatTimeoutMs = HEARTBEAT_TIMEOUT_MS,
    loadingHeartbeatTimeoutMs = Math.max(LOADING_HEARTBEAT_TIMEOUT_MS, stepLimitMs(url)),
  } = {},
) {
  const lostCallbacks = new Set(onLost ? [onLost] : []);
  const nextId = idMaker();
  let gen = null; // the current worker and everything that belongs to it

  function start() {
    let worker,
      refused = null;
    try {
      worker = new Worker(url, { type: "module" });
    } catch (e) {
      // e.g. a policy that forbids workers: fail like a worker that cannot start
      refused = e;
      worker = Object.assign(new EventTarget(), { postMessage() {}, terminate() {} });
    }
    const g = {
      worker,
      pending: new Map(), // id -> {resolve, reject, fn, timeoutMs, timer}; FIFO, as the worker answers
      isReady: false,
      dead: null, // the WorkerCallError once this worker is gone
      fatal: null, // loading failed
      ping: null, // {n, sentAt, busy} while a heartbeat is unanswered
      heartbeat: null,
    };
    g.ready = new Promise((resolve, reject) => {
      g.resolveReady = resolve;
      g.rejectReady = reject;
    });
    g.ready.catch(() => {}); // callers that never await `ready` still see errors via onFatal
    g.lost = new Promise((resolve) => {
      g.resolveLost = resolve;
    });

    // Loading failed (the worker said so, or it could not start): ready rejects, calls fail.
    g.fail = (stage, message) => {
      if (g.fatal || g.dead) return;
      g.fatal = Object.assign(new Error(message), { stage });
      stopTimers(g);
      onFatal(g.fatal);
      g.rejectReady(g.fatal);
      rejectAll(g, (p) => new WorkerCallError(p.fn, { type: "RuntimeError", message }));
    };

    const drop = (why, data) => console.warn(`pyinit: dropped a message from the worker (${why})`, data);
    g.worker.onmessage = ({ data }) => {
      if (g.dead) return;
      if (data && typeof data === "object" && "id" in data) {
        const head = g.pending.keys().next().value; // the worker answers in order: only the oldest call
        if (data.id !== head) return drop(g.pending.has(data.id) ? "out of order" : "no such call", data);
        if (!isReply(data)) return drop("not a reply's shape", data);
        const p = g.pending.get(data.id);
        g.pending.delete(data.id);
        clearTimeout(p.timer);
        armHead(g);
        if (data.error) p.reject(new WorkerCallError(p.fn, data.error));
        else p.resolve(data.result);
      } else if (data?.event === "pong") {
        if (g.ping && g.ping.n === data.n) g.ping = null;
      } else if (data?.event === "progress" && !g.isReady) {
        onProgress(data);
      } else if (data?.event === "ready" && !g.isReady) {
        g.isReady = true;
        g.resolveReady({ versions: data.versions, stats: data.stats });
        armHead(g);
      } else if (data?.event === "fatal") {
        const message = isText(data.message) ? data.message : "Python failed fatally.";
        if (g.isReady)
          lose(g, "WorkerLost", message); // the page says "Python stopped: …" itself
        else g.fail(data.stage, message);
      } else drop("unknown", data);
    };
    g.worker.onerror = (event) => {
      event.preventDefault?.();
      if (g.isReady) {
        console.error("pyinit worker:", event.message);
        lose(g, "WorkerLost", `an error in its worker: ${event.message || "unknown error"}.`);
      } else {
        // e.g. the worker's file missing or broken
        g.fail(
          "worker",
          `The Web Worker (${siteFile(url)}) failed to start: ${event.message || "script error"}.`,
        );
      }
    };
    g.worker.onmessageerror = () => {
      lose(g, "WorkerLost", "A reply from the Python worker could not be read (messageerror).");
    };
    // Someone stopping the worker object directly (not through this client) loses it at once.
    const rawTerminate = g.worker.terminate.bind(g.worker);
    g.terminate = rawTerminate;
    g.worker.terminate = () => {
      rawTerminate();
      lose(g, "WorkerLost", "The Python worker was terminated.");
    };
    g.heartbeat = setInterval(() => beat(g), heartbeatMs);
    if (refused) {
      queueMicrotask(() =>
        g.fail("worker", `The Web Worker (${siteFile(url)}) could not be created: ${refused.message}.`),
      );
    }
    return g;
  }

  function rejectAll(g, makeError) {
    for (const [, p] of g.pending) {
      clearTimeout(p.timer);
      p.reject(makeError(p));
    }
    g.pending.clear();
  }

  function stopTimers(g) {
    clearInterval(g.heartbeat);
    for (const [, p] of g.pending) clearTimeout(p.timer);
  }

  /** This worker is gone: stop it, reject its calls, tell the page (once, and only if it had been ready). */
  function lose(g, type, message, { quiet = false } = {}) {
    if (g.dead) return;
    stopTimers(g);
    g.terminate();
    if (!g.isReady && !g.fatal) {
      g.fail("worker", message); // while loading: the loading screen reports it
      g.dead = new WorkerCallError(null, { type, message });
      return;
    }
    const error = new WorkerCallError(null, { type, message });
    g.dead = error;
    rejectAll(g, (p) => new WorkerCallError(p.fn, { type: "WorkerLost", message }));
    if (quiet || g.fatal) return;
    g.resolveLost(error);
    for (const cb of lostCallbacks) {
      try {
        cb(error);
      } catch (e) {
        console.error(e);
      }
    }
  }

  // The worker answers in arrival order, so only the oldest pending call is running: its time
  // limit starts when it reaches the head of the queue (and Python is ready), not when it was sent.
  function armHead(g) {
    if (!g.isReady || g.dead) return;
    const head = g.pending.entries().next().value;
    if (!head) return;
    const [id, p] = head;
    if (p.timer || !(p.timeoutMs > 0) || !Number.isFinite(p.timeoutMs)) return;
    p.timer = setTimeout(() => {
      if (g.pending.get(id) !== p) return;
      g.pending.delete(id);
      const message =
        `Python did not finish ${p.fn} within ${seconds(p.timeoutMs)}; ` +
        "it was stopped (a call that never returns blocks Python). Restart Python to go on.";
      p.reject(new WorkerCallError(p.fn, { type: "Timeout", message }));
      lose(g, "Timeout", message);
    }, p.timeoutMs);
  }

  function beat(g) {
    if (g.dead || g.fatal) return;
    const now = performance.now();
    const late = g.lastBeat !== undefined && now - g.lastBeat > heartbeatMs + LATE_MS;
    g.lastBeat = now;
    if (late) {
      g.ping = null;
      return;
    } // this page was paused (background tab, debugger): no verdict
    if (g.ping) {
      if (g.isReady && g.pending.size) g.ping.busy = true; // a running call delays the answer
      const waited = now - g.ping.sentAt;
      if (waited < (g.isReady ? heartbeatTimeoutMs : loadingHeartbeatTimeoutMs)) return;
      if (!g.ping.busy) {
        lose(g, "WorkerLost", `The Python worker stopped responding (no answer for ${seconds(waited)}).`);
        return;
      }
      g.ping = null; // it was busy: ask again
    }
    if (g.isReady && g.pending.size) return; // busy: the running call's own time limit watches it
    if (typeof document !== "undefined" && document.hidden) return;
    g.ping = { n: nextId(), sentAt: now, busy: false };
    g.worker.postMessage({ type: "pyinit:ping", n: g.ping.n });
  }

  function call(fn, args = {}, { transfer = [], timeoutMs = callTimeoutMs } = {}) {
    const g = gen;
    if (g.dead)
      return Promise.reject(new WorkerCallError(fn, { type: "WorkerLost", message: g.dead.message }));
    if (g.fatal)
      return Promise.reject(new WorkerCallError(fn, { type: "RuntimeError", message: g.fatal.message }));
    const id = nextId();
    return new Promise((resolve, reject) => {
      g.pending.set(id, { resolve, reject, fn, timeoutMs, timer: null });
      if (g.ping && g.isReady) g.ping.busy = true;
      try {
        g.worker.postMessage({ id, fn, args }, transfer);
      } catch (e) {
        // arguments that cannot be cloned
        g.pending.delete(id);
        reject(new WorkerCallError(fn, { type: e.name || "DataCloneError", message: e.message }));
        return;
      }
      armHead(g);
    });
  }

  /** Stop the worker on purpose: pending calls reject ("WorkerLost"), onLost is not called. */
  function terminate(message = "Python was stopped.") {
    lose(gen, "WorkerLost", message, { quiet: true });
  }

  /** Stop the current worker (whatever it is doing) and start a fresh one; returns the new `ready`.
   * A restart is asked for: the fresh worker starts at once, even if the first one was told to wait
   * for its go (?hold, js/platform/python-start.js). */
  function restart() {
    terminate("Python was restarted.");
    url = withoutHold(url);
    gen = start();
    return gen.ready;
  }

  /** Call cb(error) whenever a ready worker is lost; returns a function that unsubscribes. */
  function onLostCb(cb) {
    lostCallbacks.add(cb);
    return () => lostCallbacks.delete(cb);
  }

  gen = start();
  return {
    call,
    terminate,
    restart,
    onLost: onLostCb,
    get ready() {
      return gen.ready;
    },
    get lost() {
      return gen.lost;
    },
    get worker() {
      return gen.worker;
    },
    get isLost() {
      return !!gen.dead && !gen.fatal;
    },
  };
}
