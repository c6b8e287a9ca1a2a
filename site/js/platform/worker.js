// Web Worker that owns the Python runtime (Pyodide + numpy + pyinit).
//
// Protocol (see README, "Worker protocol"):
//   page -> worker  {id, fn: "api.run" | "lab.<name>" | "chapters.<name>", args: {...}}
//   worker -> page  {id, result} or {id, error: {message, type}}   -- exactly one reply per request
//   worker -> page  {event: "progress", stage, state, bytes, loaded}  (no id)
//                   {event: "ready", versions, stats}
//                   {event: "fatal", stage, message}
// `fn` is a name of pyinit.web.rpc.EXPORTS (the one list of what the page may call; rpc.dispatch
// refuses anything else). Python results are converted to plain JS data; 1-D float64 / float32
// arrays arrive as Float64Array / Float32Array (transferred, not copied).
// This file never touches the DOM: everything the page should show is a message.
//
// This file is the request / response half. Loading Python is in LOADER (./worker-files.js: the
// manifest and the file checks; ./worker-load.js: the stages, their timeouts and progress), imported
// when the worker starts rather than statically: a module worker whose static import fails only
// gives the page a nameless "script error", while here a missing or broken loading module is a
// "fatal" message that names it.

const STARTED = performance.now();
const ALLOWED_MODULES = new Set(["api", "chapters", "lab"]);
// The loading modules, each importing only those before it; fetched at once, the first that fails is named.
// (Literal import()s, so that the build's bundler inlines them into the one worker file.)
const LOADER = [
  ["./worker-files.js", () => import("./worker-files.js")],
  ["./worker-load.js", () => import("./worker-load.js")],
];

// Content-Security-Policy: a worker gets the policy sent with its own script (a <meta> policy covers
// only its page). On a host that sends none (e.g. `python3 -m http.server`), string eval is allowed
// here. This worker finds out (stringEval) and reports it ({event: "ready", stats: {stringEval}}; the
// README's Deploy section shows the header a host should send). The reader's code never runs in this
// worker (it runs in the code sandbox, js/sandbox/, under sandbox.html's own policy, which a worker made
// from a blob: URL inherits), so nothing here depends on it.
let stringEval = "unknown";

/** Whether a policy header (one or more policies, comma-separated) forbids string eval in scripts. */
function forbidsEval(header) {
  return header.split(",").some((policy) => {
    const directives = new Map(
      policy
        .split(";")
        .map((d) => d.trim().split(/\s+/))
        .filter((d) => d[0])
        .map(([name, ...values]) => [name.toLowerCase(), values]),
    );
    const sources = directives.get("script-src") || directives.get("default-src");
    return !!sources && !sources.includes("'unsafe-eval'");
  });
}

/** "blocked" or "allowed": from the policy header of this worker's script (asked again, from the HTTP
 * cache), or, without one, by trying (no violation to report then: there is no policy). */
async function findStringEval() {
  try {
    const header = (await fetch(self.location.href, { cache: "force-cache" })).headers.get(
      "Content-Security-Policy",
    );
    if (header) return forbidsEval(header) ? "blocked" : "allowed";
  } catch {
    /* offline: try below */
  }
  try {
    new Function("return 0")(); // an EvalError under a policy without 'unsafe-eval'
    return "allowed";
  } catch {
    return "blocked";
  }
}
// ?hold: wait for {type: "pyinit:go"} before downloading anything (js/platform/python-start.js decides
// when: after the page's first screen, or on a click when the browser asks to save data)
let release = null;
const released = new URL(self.location.href).searchParams.has("hold")
  ? new Promise((resolve) => (release = resolve))
  : Promise.resolve();

let pyodide = null;
let rpc = null; // the pyinit.web.rpc module: dispatch(fn, kwargs), versions()
let failure = null; // {stage, message} once loading failed

const post = (msg, transfer = []) => self.postMessage(msg, transfer);
const progress = (stage, state, extra = {}) => {
  if (!failure) post({ event: "progress", stage, state, ...extra });
};

/** The loading modules (the last one's exports), or an error of stage "worker" naming the first that
 * failed. */
async function importLoader() {
  const imports = LOADER.map(([, load]) => load());
  imports.forEach((p) => p.catch(() => {}));
  let loader;
  for (const [i, [rel]] of LOADER.entries()) {
    try {
      loader = await imports[i];
    } catch (e) {
      const file = `js/platform/${rel.slice(2)}`;
      const url = new URL(rel, import.meta.url);
      const status = await fetch(url, { cache: "no-cache" }).then(
        (r) => (r.ok ? null : r.status),
        () => null,
      );
      const why = status ? `could not be loaded: HTTP ${status}` : `failed to load (${e.message})`;
      throw Object.assign(
        new Error(
          `${file} ${why}. Rebuild with \`python3 build.py\` and serve the whole ` +
            "dist/ folder (`python3 build.py serve`).",
        ),
        { stage: "worker" },
      );
    }
  }
  return loader;
}

async function init() {
  stringEval = await findStringEval();
  await released;
  const { load } = await importLoader();
  const loaded = await load(progress, STARTED);
  ({ pyodide, rpc } = loaded);
  return { versions: loaded.versions, stats: { ...loaded.stats, stringEval } };
}

// --- requests ------------------------------------------------------------------------------------
function collectTransferables(value, out = []) {
  if (ArrayBuffer.isView(value)) {
    out.push(value.buffer);
  } else if (Array.isArray(value)) {
    value.forEach((v) => collectTransferables(v, out));
  } else if (value && typeof value === "object") {
    Object.values(value).forEach((v) => collectTransferables(v, out));
  }
  return out;
}

// toJs gives typed arrays that may share one buffer or view wasm memory: give each its own buffer.
// Python None becomes undefined in toJs; make it null, as in JSON.
function ownBuffers(value) {
  if (value === undefined) return null;
  if (ArrayBuffer.isView(value)) {
    return value.byteOffset === 0 &&
      value.byteLength === value.buffer.byteLength &&
      !(pyodide && value.buffer === pyodide._module?.HEAPU8?.buffer)
      ? value
      : value.slice();
  }
  if (Array.isArray(value)) return value.map(ownBuffers);
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    for (const k of Object.keys(value)) value[k] = ownBuffers(value[k]);
  }
  return value;
}

function call(fn, args) {
  if (typeof fn !== "string" || !/^[a-z]+\.[A-Za-z][A-Za-z0-9_]*$/.test(fn)) {
    return {
      error: { type: "ProtocolError", message: `fn must look like "api.run", got ${JSON.stringify(fn)}` },
    };
  }
  const [module] = fn.split(".");
  if (!ALLOWED_MODULES.has(module)) {
    return {
      error: {
        type: "ProtocolError",
        message: `module "${module}" is not callable (allowed: ${[...ALLOWED_MODULES].join(", ")})`,
      },
    };
  }
  if (args != null && (typeof args !== "object" || Array.isArray(args))) {
    return { error: { type: "ProtocolError", message: "args must be an object of keyword arguments" } };
  }
  const pyArgs = pyodide.toPy(args ?? {});
  let out;
  try {
    out = rpc.dispatch(fn, pyArgs);
  } finally {
    pyArgs.destroy();
  }
  let reply;
  try {
    reply = out.toJs({ dict_converter: Object.fromEntries, create_pyproxies: false });
  } finally {
    out.destroy();
  }
  if (!reply.ok) {
    if (!["ConfigError", "CodeError"].includes(reply.type))
      console.error(`${fn} failed:\n${reply.traceback}`);
    return {
      error: {
        type: reply.type,
        message: reply.message,
        ...(reply.details ? { details: reply.details } : {}),
      },
    };
  }
  return { result: ownBuffers(reply.result) };
}

let readyPromise;
let chain = Promise.resolve();

async function handle(msg) {
  const id = msg?.id;
  let reply;
  try {
    await readyPromise;
    reply = call(msg.fn, msg.args);
  } catch (e) {
    reply = failure
      ? { error: { type: "RuntimeError", message: `Python is not available: ${failure.message}` } }
      : { error: { type: e.type || e.name || "Error", message: e.message } };
    if (e?.pyodide_fatal_error && !failure) {
      // Pyodide cannot run anything any more: say so once
      failure = {
        stage: "python",
        message: `Python failed fatally and can no longer be used (${e.message}).`,
      };
      post({ id, ...reply });
      post({ event: "fatal", ...failure });
      return;
    }
  }
  try {
    post({ id, ...reply }, reply.result !== undefined ? collectTransferables(reply.result) : []);
  } catch (e) {
    // e.g. a result that cannot be cloned
    post({
      id,
      error: { type: "DataCloneError", message: `${msg.fn} returned data that cannot be sent: ${e.message}` },
    });
  }
}

// Installed before any await, so requests sent while loading are queued, not lost.
self.onmessage = (event) => {
  const msg = event.data;
  if (msg?.type === "pyinit:go") {
    if (release) release();
    return;
  }
  if (msg?.type === "pyinit:ping") {
    // heartbeat of js/platform/worker-client.js, answered at once
    post({ event: "pong", n: msg.n });
    return;
  }
  if (msg === null || typeof msg !== "object" || !("id" in msg)) {
    console.error("worker: ignoring a message without an id", msg);
    return;
  }
  chain = chain.then(() => handle(msg));
};

readyPromise = init().then(
  ({ versions, stats }) => post({ event: "ready", versions, stats }),
  (e) => {
    failure = { stage: e.stage || "runtime", message: e.message };
    post({ event: "fatal", ...failure });
    throw e;
  },
);
readyPromise.catch(() => {}); // reported as "fatal"; requests get an error reply
