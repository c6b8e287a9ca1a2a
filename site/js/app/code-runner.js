// code-runner.js: the reader's init code runs in the sandbox (sandbox.html, js/sandbox/), never in the
// page's Python. For the sides whose init is "python" it asks the page's worker what the code must make
// (lab.init_plan: layer sizes and init seed), runs the code in the sandbox and returns the arrays it
// made (W, b per layer), checked here — lab.create checks them again (pyinit/web/code_arrays.py).
//
//   const inits = await codeRunner.inits(py, settings)   null when no side uses python
//   codeRunner.onState(cb)     cb({state, sides, message}): "loading" | "ready" | "unavailable" with the
//                              sides whose code waits for a Python, "running" | "done" with the side
//                              whose code a Python has / has finished
//   codeRunner.onFault(cb)     cb(side, "timeout" | "stopped"): that code must not run again unasked
//   codeRunner.allow(side)     the reader pressed Run: this side's code may run again
//
// The sandbox is an iframe with sandbox="allow-scripts" (an opaque origin), made on first use (its
// Python loads only when some code is to run, from bytes the page reads from its own caches:
// ./sandbox-files.js); the page talks to it through one MessagePort handed over once, and drops every
// reply that is not the answer to the pending request in the expected shape. A run longer than
// CODE_TIMEOUT_MS removes the frame (the next run makes a new one); the page's Python and the other run
// go on. Rejections are {type, message, details} like WorkerCallError:
//   "CodeError"           the code failed; details {param, line, column, kind, text}
//   "CodeTimeout"         it ran longer than CODE_TIMEOUT_MS          "CodeStopped"  it ended its Python
//   "CodeHeld"            it timed out or stopped before and the reader has not pressed Run since
//   "SandboxUnavailable"  no sandbox here (a host without CORS headers, a browser that refuses)
import { SIDES } from "./panels.js";
import { decodeCode, EXAMPLE } from "./code-text.js";
import { runtimeFiles } from "./sandbox-files.js";

export const CODE_TIMEOUT_MS = 8000; // one run of the reader's code
const START_TIMEOUT_MS = 15_000; // the frame answers the hand-over
const LOAD_TIMEOUT_MS = 180_000; // its Python loads (17 MB on a slow link)
const MAX_ABS_VALUE = 1e6; // as pyinit.core.initializers.MAX_ABS_VALUE
const MAX_TEXT = 300;
const KINDS = ["syntax", "runtime", "result"];

class CodeRunError extends Error {
  constructor(type, message, { details = null, reason = null } = {}) {
    super(message);
    this.name = "CodeRunError";
    this.type = type;
    this.details = details; // a code error's {param, line, column, kind, text}
    this.reason = reason ?? message; // the words the page puts into its own sentence
  }
}

/** The sandbox frame: made now, removed by close(); requests answered through its port. */
function openSandbox({ onState, onGone }) {
  const frame = document.createElement("iframe");
  frame.setAttribute("sandbox", "allow-scripts");
  frame.hidden = true;
  frame.tabIndex = -1;
  frame.setAttribute("aria-hidden", "true");
  frame.title = "pyinit code sandbox";
  frame.className = "code-sandbox";
  const channel = new MessageChannel();
  const pending = new Map(); // id -> {request, resolve, reject, timer}
  let nextId = 1;
  let closed = false;
  let answered = false; // the frame has spoken
  let startTimer = setTimeout(
    () => fail(`the sandbox did not answer within ${START_TIMEOUT_MS / 1000} s`),
    START_TIMEOUT_MS,
  );
  let loadTimer = null;

  function fail(message) {
    const error = new CodeRunError("SandboxUnavailable", message);
    onState({ state: "unavailable", message });
    close(error);
  }

  function close(error) {
    if (closed) return;
    closed = true;
    clearTimeout(startTimer);
    clearTimeout(loadTimer);
    channel.port1.close();
    frame.remove(); // ends its workers, whatever they are doing
    for (const p of pending.values()) {
      clearTimeout(p.timer);
      p.reject(error);
    }
    pending.clear();
    onGone();
  }

  channel.port1.onmessage = ({ data }) => {
    if (closed || !data || typeof data !== "object") return;
    if (!answered) {
      answered = true;
      clearTimeout(startTimer);
    }
    if (data.type === "loading") {
      clearTimeout(loadTimer);
      loadTimer = setTimeout(
        () => fail(`its Python did not start within ${LOAD_TIMEOUT_MS / 1000} s`),
        LOAD_TIMEOUT_MS,
      );
      onState({ state: "loading" });
    } else if (data.type === "ready") {
      clearTimeout(loadTimer);
      onState({ state: "ready", stats: data.stats });
    } else if (data.type === "unavailable") {
      fail(typeof data.message === "string" ? data.message.slice(0, MAX_TEXT) : "it could not start");
    } else if (data.type === "running") {
      const p = pending.get(data.id);
      if (p && !p.timer) {
        p.timer = setTimeout(() => timedOut(data.id), CODE_TIMEOUT_MS);
        p.onRunning();
      }
    } else if (data.type === "result" || data.type === "stopped") {
      const p = pending.get(data.id);
      if (!p || !p.timer) return; // not the answer to a request that runs
      const settled = settle(p.request, data);
      if (!settled) return; // malformed: dropped (the time limit still stands)
      pending.delete(data.id);
      clearTimeout(p.timer);
      if (settled.error) p.reject(settled.error);
      else p.resolve(settled.value);
    }
  };
  const python = runtimeFiles(); // (read while the frame loads)
  frame.addEventListener(
    "load",
    () => {
      if (closed) return;
      frame.contentWindow.postMessage({ type: "pyinit:sandbox" }, "*", [channel.port2]);
      python.then(
        (p) => {
          if (!closed)
            channel.port1.postMessage({ type: "python", ...p }, p.files ? Object.values(p.files) : []);
        },
        (e) => fail(`the Python runtime's files could not be read (${e.message})`),
      );
    },
    { once: true },
  );
  frame.src = new URL("sandbox.html", document.baseURI).href;
  document.body.append(frame);
  // a host without sandbox.html would only leave the frame silent: ask, and say so at once
  fetch(frame.src, { method: "HEAD" }).then(
    (r) => r.ok || fail(`sandbox.html: HTTP ${r.status}`),
    () => {},
  );

  function timedOut(id) {
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    p.reject(
      new CodeRunError("CodeTimeout", `${p.request.param}: ran longer than ${CODE_TIMEOUT_MS / 1000} s`),
    );
    close(new CodeRunError("CodeTimeout", "the sandbox was stopped"));
  }

  return {
    /** Run `request` {source, param, sizes, seed}; onRunning() when a ready Python has it. */
    run(request, onRunning = () => {}) {
      if (closed) return Promise.reject(new CodeRunError("SandboxUnavailable", "the sandbox is gone"));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { request, resolve, reject, onRunning, timer: null });
        channel.port1.postMessage({ type: "run", id, ...request });
      });
    },
    close: () => close(new CodeRunError("SandboxUnavailable", "the sandbox was closed")),
    get closed() {
      return closed;
    },
  };
}

/** One side's arrays from a result message: {W: [Array], b: [Array] | null}, or null if malformed. */
function arraysOf(data, sizes) {
  const L = sizes.length - 1;
  const layers = (list, size) =>
    Array.isArray(list) &&
    list.length === L &&
    list.every(
      (a, l) =>
        a instanceof Float64Array &&
        a.length === size(l) &&
        a.every((v) => Number.isFinite(v) && Math.abs(v) <= MAX_ABS_VALUE),
    );
  if (!layers(data.W, (l) => sizes[l] * sizes[l + 1])) return null;
  if (data.b !== null && !layers(data.b, (l) => sizes[l + 1])) return null;
  return { W: data.W.map((a) => Array.from(a)), b: data.b && data.b.map((a) => Array.from(a)) };
}

/** A code error's details, checked field by field (text only, bounded), or null if malformed. */
function detailsOf(d, param) {
  const line = (v) => v === undefined || v === null || (Number.isInteger(v) && v >= 1 && v <= 1e5);
  if (!d || typeof d !== "object" || d.param !== param || !KINDS.includes(d.kind)) return null;
  if (!line(d.line) || !line(d.column) || typeof d.text !== "string") return null;
  return {
    param,
    line: d.line ?? null,
    column: d.column ?? null,
    kind: d.kind,
    text: d.text.slice(0, MAX_TEXT),
  };
}

/** A reply checked against its request: {value} | {error} | null (malformed: dropped). */
function settle(request, data) {
  if (data.type === "stopped") {
    const why = typeof data.message === "string" ? data.message.slice(0, MAX_TEXT) : "";
    const message = `${request.param}: your code stopped its Python (${why})`;
    return { error: new CodeRunError("CodeStopped", message, { reason: why || "?" }) };
  }
  if (data.ok === true) {
    const value = arraysOf(data, request.sizes);
    return value && { value };
  }
  const e = data.ok === false && data.error;
  const details = e && detailsOf(e.details, request.param);
  if (!details) return null;
  const where = details.line ? `line ${details.line}: ` : "";
  return { error: new CodeRunError("CodeError", `${request.param}: ${where}${details.text}`, { details }) };
}

/** The runner: one sandbox at a time, made when some code is to run. */
export function createCodeRunner() {
  const stateCallbacks = new Set();
  const faultCallbacks = new Set();
  const held = new Map(); // param -> source that timed out or stopped its Python
  let sandbox = null;
  let state = { state: "idle" };
  let waiting = []; // sides whose code waits for the sandbox's Python

  const emit = (s, sides = waiting.slice()) => {
    state = { ...s, sides };
    for (const cb of stateCallbacks) cb(state);
  };
  const sandboxNow = () =>
    sandbox && !sandbox.closed
      ? sandbox
      : (sandbox = openSandbox({ onState: emit, onGone: () => (sandbox = null) }));

  async function runSide(side, param, source, plan) {
    waiting.push(side); // until a ready Python has its code
    const running = () => {
      waiting = waiting.filter((s) => s !== side);
      emit({ state: "running" }, [side]);
    };
    let unavailable = false; // (then the cell's state stays "unavailable", not "done")
    try {
      return await sandboxNow().run({ source, param, sizes: plan.sizes, seed: plan.seed }, running);
    } catch (e) {
      unavailable = e.type === "SandboxUnavailable";
      if (e.type === "CodeTimeout" || e.type === "CodeStopped") {
        held.set(param, source);
        for (const cb of faultCallbacks) cb(side, e.type === "CodeTimeout" ? "timeout" : "stopped");
      }
      throw e;
    } finally {
      waiting = waiting.filter((s) => s !== side);
      if (!unavailable) emit({ state: "done" }, [side]);
    }
  }

  return {
    /** The arrays of every python side's code for `settings` ({code: {W, b}, ...}), or null;
     * codeKey[side]: the setting that holds the side's code (the rule book's, schema.codeKey). */
    async inits(py, settings, codeKey) {
      const sides = SIDES.filter((s) => settings[`${s}_init`] === "python");
      if (!sides.length) return null;
      const sources = Object.fromEntries(sides.map((s) => [s, decodeCode(settings[codeKey[s]]) || EXAMPLE]));
      for (const side of sides)
        if (held.get(codeKey[side]) === sources[side])
          throw new CodeRunError(
            "CodeHeld",
            `${codeKey[side]}: it stopped before; press Run to run it again`,
          );
      const plan = await py.call("lab.init_plan", { settings });
      const out = {};
      for (const side of sides) {
        const param = codeKey[side];
        const p = plan && plan[param];
        if (!p || !Array.isArray(p.sizes) || !Number.isInteger(p.seed))
          throw new CodeRunError("RuntimeError", `lab.init_plan gave no plan for ${param}`);
        out[param] = await runSide(side, param, sources[side], p); // no code yet: the editor's example
      }
      return out;
    },
    /** The reader ran the code of setting `param` again: it is no longer held. */
    allow(param) {
      held.delete(param);
    },
    onState(cb) {
      stateCallbacks.add(cb);
      return () => stateCallbacks.delete(cb);
    },
    onFault(cb) {
      faultCallbacks.add(cb);
      return () => faultCallbacks.delete(cb);
    },
    get state() {
      return state;
    },
    /** Remove the sandbox now (tests, a page going away); the next run makes a new one. */
    close() {
      if (sandbox) sandbox.close();
    },
  };
}

/** The page's one runner (the lab page and an embed each have one). */
export const codeRunner = createCodeRunner();
