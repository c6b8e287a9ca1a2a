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

const MANIFEST_URL = new URL("../../build-manifest.json", import.meta.url);
const params = new URL(self.location.href).searchParams;
const STAGE_TIMEOUT_S = stageTimeout(params.get("timeout")); // per loading step (17 MB on a slow link)
/** ?timeout=N: seconds per loading step, a number from 1 to 600; anything else means the default, 180. */
function stageTimeout(text) {
  if (text === null) return 180;
  const n = Number(text);
  if (text.trim() !== "" && Number.isFinite(n) && n >= 1 && n <= 600) return n;
  console.warn(`pyinit worker: ignoring timeout=${JSON.stringify(text).slice(0, 40)} ` +
    "(seconds per loading step, a number from 1 to 600); using 180.");
  return 180;
}
const ALLOWED_MODULES = new Set(["api", "chapters", "lab"]);
const STAGES = ["runtime", "stdlib", "numpy", "pyinit"];

let pyodide = null;
let rpc = null; // the pyinit.web.rpc module: dispatch(fn, kwargs), versions()
let failure = null; // {stage, message} once loading failed
const stderrLines = [];

const post = (msg, transfer = []) => self.postMessage(msg, transfer);
const progress = (stage, state, extra = {}) => {
  if (!failure) post({ event: "progress", stage, state, ...extra });
};

class LoadError extends Error {
  constructor(stage, message) {
    super(message);
    this.stage = stage;
  }
}

function withTimeout(promise, stage, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new LoadError(stage, `${what} did not finish within ${STAGE_TIMEOUT_S} s. ` +
        "Check the network and the browser console; reload to retry.")),
      STAGE_TIMEOUT_S * 1000);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const fileName = (url) => decodeURIComponent(new URL(url).pathname.split("/").pop());
const mb = (bytes) => (bytes == null ? "" : ` (${(bytes / 1e6).toFixed(1)} MB)`);
const REBUILD = "Rebuild with `python3 build.py` and serve the whole dist/ folder " +
  "(`python3 build.py serve`).";

async function loadManifest() {
  let response;
  try {
    response = await fetch(MANIFEST_URL, { cache: "no-cache" });
  } catch (e) {
    throw new LoadError("manifest", `Could not fetch build-manifest.json (${e.message}). ${REBUILD}`);
  }
  if (!response.ok) {
    throw new LoadError("manifest", `build-manifest.json: HTTP ${response.status}. ${REBUILD}`);
  }
  let manifest;
  try {
    manifest = JSON.parse(await response.text());
  } catch (e) {
    throw new LoadError("manifest", `build-manifest.json is damaged or truncated: it is not valid JSON ` +
      `(${e.message}). ${REBUILD}`);
  }
  const bad = !manifest || typeof manifest !== "object" ? "it is not an object"
    : typeof manifest.stages !== "object" || !manifest.stages ? 'it has no "stages"'
      : typeof manifest.indexURL !== "string" ? 'it has no "indexURL"'
        : STAGES.find((st) => manifest.stages[st] != null && !Array.isArray(manifest.stages[st]));
  if (bad) {
    const why = typeof bad === "string" && !STAGES.includes(bad) ? bad : `its stage "${bad}" is not a list`;
    throw new LoadError("manifest", `build-manifest.json is not a pyinit build manifest (${why}). ${REBUILD}`);
  }
  for (const stage of STAGES) {
    for (const asset of manifest.stages[stage] ?? []) asset.href = new URL(asset.url, MANIFEST_URL).href;
  }
  return manifest;
}

// ---- integrity of the runtime files --------------------------------------------------------------
// The manifest has every file's sha256. The runtime files Pyodide fetches itself (pyodide.asm.wasm,
// python_stdlib.zip, pyodide-lock.json) are checked on their one and only download: fetch() is
// wrapped for those URLs. The wasm streams through to the compiler as it arrives, except its last
// chunk, which is passed on only once the hash of the whole file matched -- so a damaged wasm is
// never instantiated and nothing is downloaded twice. The JS files Pyodide imports (pyodide.mjs,
// pyodide.asm.js) are hashed by the preflight instead (they are small and come from the HTTP cache).
// A file that fails is reported by name, and Pyodide is left waiting for it (its own errors for a
// damaged file are vague or uncaught); the loading race below ends with the named error.
const hex = (buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, "0")).join("");
const short = (h) => `${h.slice(0, 16)}…`;
const damaged = (stage, rel, actual, expected) => new LoadError(stage, `${rel} is damaged ` +
  `(sha256 ${short(actual)}, expected ${short(expected)} from build-manifest.json). ${REBUILD}`);

async function sha256Hex(chunks) {
  let bytes = chunks;
  if (Array.isArray(chunks)) {
    bytes = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
    let at = 0;
    for (const c of chunks) { bytes.set(c, at); at += c.byteLength; }
  }
  return hex(await crypto.subtle.digest("SHA-256", bytes));
}

const integrityTimes = {}; // file -> milliseconds spent hashing (reported in stats.timings)

function guardRuntimeFetches(manifest) {
  let report;
  const failed = new Promise((_, reject) => { report = reject; });
  failed.catch(() => {});
  if (!crypto?.subtle || !manifest.files) return failed; // no WebCrypto (plain http off localhost): no check
  const watched = new Map(); // href -> {rel, stage, sha256, stream}
  const watch = (rel, stage) => {
    const entry = manifest.files[rel];
    if (entry?.sha256) {
      watched.set(new URL(rel, MANIFEST_URL).href, { rel, stage, sha256: entry.sha256, stream: rel.endsWith(".wasm") });
    }
  };
  for (const stage of ["runtime", "stdlib"]) {
    for (const a of manifest.stages[stage] ?? []) if (!/\.m?js$/.test(a.url)) watch(a.url, stage);
  }
  watch(`${manifest.indexURL}pyodide-lock.json`, "runtime");
  const fail = (err) => { report(err); return new Promise(() => {}); }; // Pyodide waits; the race ends
  const realFetch = self.fetch.bind(self);

  self.fetch = async (input, init) => {
    const href = new URL(input instanceof Request ? input.url : String(input), self.location.href).href;
    const w = watched.get(href);
    const method = (init?.method || (input instanceof Request ? input.method : "GET")).toUpperCase();
    if (!w || method !== "GET") return realFetch(input, init);
    watched.delete(href); // the one download Pyodide asks for
    let r;
    try {
      r = await realFetch(input, init);
    } catch (e) {
      return fail(new LoadError(w.stage, `${w.rel}: request failed (${e.message}).`));
    }
    if (!r.ok) return fail(new LoadError(w.stage, `${w.rel} could not be loaded: HTTP ${r.status}. ${REBUILD}`));
    const init2 = { status: r.status, statusText: r.statusText, headers: r.headers };
    const check = async (chunks) => {
      const t0 = performance.now();
      const actual = await sha256Hex(chunks);
      integrityTimes[fileName(href)] = Math.round(performance.now() - t0);
      return actual === w.sha256 ? null : damaged(w.stage, w.rel, actual, w.sha256);
    };
    if (!w.stream) {
      const buf = await r.arrayBuffer().catch((e) => e);
      if (buf instanceof Error) return fail(new LoadError(w.stage, `${w.rel}: download failed (${buf.message}).`));
      const err = await check(new Uint8Array(buf));
      return err ? fail(err) : new Response(buf, init2);
    }
    const reader = r.body.getReader();
    const chunks = [];
    let held = null;
    const body = new ReadableStream({
      async pull(out) {
        let next;
        try {
          next = await reader.read();
        } catch (e) {
          report(new LoadError(w.stage, `${w.rel}: download failed (${e.message}).`));
          return new Promise(() => {});
        }
        if (!next.done) {
          chunks.push(next.value);
          if (held) out.enqueue(held);
          held = next.value;
          return undefined;
        }
        const err = await check(chunks);
        chunks.length = 0;
        if (err) { report(err); return new Promise(() => {}); } // the compiler never sees the end
        if (held) out.enqueue(held);
        out.close();
        return undefined;
      },
    });
    return new Response(body, init2);
  };
  return failed;
}

// Ask the server about every same-origin asset before Pyodide does: a missing file or a .wasm with
// the wrong MIME type would otherwise make loadPyodide hang or fail without naming the file.
async function preflight(manifest) {
  const checks = [];
  for (const stage of STAGES) {
    for (const asset of manifest.stages[stage] ?? []) {
      if (new URL(asset.href).origin !== self.location.origin) continue;
      const expected = manifest.files?.[asset.url]?.sha256;
      if (/\.m?js$/.test(asset.url) && expected && crypto?.subtle) {
        // imported by Pyodide (not fetched): hashed here; the import then comes from the HTTP cache
        checks.push((async () => {
          let r;
          try {
            r = await fetch(asset.href);
          } catch (e) {
            throw new LoadError(stage, `${asset.url}: request failed (${e.message}).`);
          }
          if (!r.ok) throw new LoadError(stage, `${asset.url} could not be loaded: HTTP ${r.status}. ${REBUILD}`);
          const actual = await sha256Hex(new Uint8Array(await r.arrayBuffer()));
          if (actual !== expected) throw damaged(stage, asset.url, actual, expected);
        })());
        continue;
      }
      checks.push((async () => {
        let r;
        try {
          r = await fetch(asset.href, { method: "HEAD", cache: "no-cache" });
        } catch (e) {
          throw new LoadError(stage, `${fileName(asset.href)}: request failed (${e.message}).`);
        }
        if (r.status === 405 || r.status === 501) return; // a server without HEAD: no verdict
        if (!r.ok) {
          throw new LoadError(stage, `${fileName(asset.href)} could not be loaded: HTTP ${r.status} ` +
            `for ${asset.url}. ${REBUILD}`);
        }
        const type = (r.headers.get("Content-Type") || "").split(";")[0].trim();
        if (asset.href.endsWith(".wasm") && type !== "application/wasm") {
          throw new LoadError(stage, `${fileName(asset.href)} is served as "${type || "no type"}" ` +
            "but must be application/wasm: configure the web server, or use `python3 build.py serve`.");
        }
      })());
    }
  }
  await Promise.all(checks);
}

// Report each stage as done once all its files have arrived (resource timing sees Pyodide's fetches).
function watchDownloads(manifest) {
  const pending = new Map(); // href -> stage
  for (const stage of STAGES) for (const a of manifest.stages[stage] ?? []) pending.set(a.href, stage);
  const left = (stage) => [...pending.values()].filter((s) => s === stage).length;
  const seen = (entry) => {
    const stage = pending.get(entry.name);
    // Skip the preflight's HEAD requests (no body) and error responses.
    if (!stage || !(entry.decodedBodySize > 0) || entry.responseStatus >= 400) return;
    pending.delete(entry.name);
    if (left(stage) === 0 && stage !== "pyinit") progress(stage, "done");
  };
  const observer = new PerformanceObserver((list) => list.getEntries().forEach(seen));
  observer.observe({ type: "resource", buffered: true });
  return observer;
}

function transferStats() {
  const entries = performance.getEntriesByType("resource");
  return {
    requests: entries.length,
    transferred: entries.reduce((sum, e) => sum + (e.transferSize || 0), 0),
    decoded: entries.reduce((sum, e) => sum + (e.decodedBodySize || 0), 0),
  };
}

async function loadRuntime(manifest, mark) {
  const indexURL = new URL(manifest.indexURL, MANIFEST_URL).href;
  const runtime = manifest.stages.runtime.find((a) => a.href.endsWith(".wasm"));
  let loadPyodide;
  try {
    ({ loadPyodide } = await withTimeout(import(indexURL + "pyodide.mjs"), "runtime",
      "Loading pyodide.mjs"));
  } catch (e) {
    throw e instanceof LoadError ? e : new LoadError("runtime", `pyodide.mjs failed to load: ${e.message}`);
  }
  mark("pyodide.mjs");
  const selfHosted = manifest.variant === "self-hosted";
  let py;
  try {
    py = await withTimeout(loadPyodide({
      indexURL,
      // Downloaded while the runtime boots; our pyodide-lock.json lists both with their sha256.
      packages: selfHosted ? ["numpy", "pyinit"] : ["numpy"],
      stderr: (line) => { stderrLines.push(line); console.warn(line); },
    }), "runtime", `Starting the Python runtime${mb(runtime?.bytes)}`);
  } catch (e) {
    throw e instanceof LoadError ? e : new LoadError("runtime", `The Python runtime failed to start: ${e.message}`);
  }
  mark("loadPyodide");
  if (!selfHosted) {
    await withTimeout(py.loadPackage(new URL(manifest.pyinitWheel, MANIFEST_URL).href, {
      messageCallback: () => {},
      errorCallback: (line) => { stderrLines.push(line); console.warn(line); },
    }), "pyinit", "Loading the pyinit wheel");
  }
  return py;
}

async function init() {
  const t0 = performance.now();
  const timings = {}; // milliseconds since the worker started, at the end of each step
  const mark = (name) => { timings[name] = Math.round(performance.now()); };
  const manifest = await loadManifest();
  mark("manifest");
  for (const stage of STAGES) {
    const bytes = (manifest.stages[stage] ?? []).reduce((s, a) => s + (a.bytes || 0), 0);
    const files = (manifest.stages[stage] ?? []).map((a) => fileName(a.href));
    progress(stage, "pending", { bytes, files });
  }
  const observer = watchDownloads(manifest);
  for (const stage of STAGES) progress(stage, "loading");
  // The preflight runs next to the real loading (it costs nothing on the critical path); whichever
  // finds a problem first reports it, and a precise preflight message beats a vague loading error.
  const integrity = guardRuntimeFetches(manifest); // rejects with a named error, never resolves
  let damage = null;
  integrity.catch((e) => { damage = e; });
  const diagnosis = withTimeout(preflight(manifest), "runtime", "Checking the files on the server")
    .then(() => { mark("preflight"); return null; }, (e) => e);
  const loading = loadRuntime(manifest, mark);
  loading.catch(() => {});
  const problem = diagnosis.then((e) => (e ? Promise.reject(e) : loading));
  try {
    pyodide = await Promise.race([loading, problem, integrity]);
  } catch (e) {
    if (damage) throw damage;
    throw (await diagnosis) ?? e;
  }
  if (await diagnosis) throw await diagnosis;
  progress("runtime", "done");
  progress("stdlib", "done");
  // loadPackage does not reject when a wheel is missing or fails its sha256 check: look.
  for (const name of ["numpy", "pyinit"]) {
    if (!pyodide.loadedPackages[name]) {
      const asset = manifest.stages[name][0];
      const why = stderrLines.filter((l) => !/^Loading |^Loaded /.test(l)).slice(-3).join(" ");
      throw new LoadError(name, `${fileName(asset.href)} could not be loaded or failed its integrity check` +
        `${why ? ` (${why})` : ""}. ${REBUILD}`);
    }
    progress(name, name === "numpy" ? "done" : "loading");
  }
  let versions;
  try {
    rpc = pyodide.pyimport("pyinit.web.rpc");
    const v = rpc.versions();
    versions = v.toJs({ dict_converter: Object.fromEntries });
    v.destroy();
  } catch (e) {
    throw new LoadError("pyinit", `Importing pyinit failed: ${e.message}`);
  }
  mark("import");
  progress("pyinit", "done");
  observer.disconnect();
  return { versions, stats: { ...transferStats(), timings, hashMs: integrityTimes, workerMs: performance.now() - t0 } };
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
    return value.byteOffset === 0 && value.byteLength === value.buffer.byteLength &&
      !(pyodide && value.buffer === pyodide._module?.HEAPU8?.buffer) ? value : value.slice();
  }
  if (Array.isArray(value)) return value.map(ownBuffers);
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    for (const k of Object.keys(value)) value[k] = ownBuffers(value[k]);
  }
  return value;
}

function call(fn, args) {
  if (typeof fn !== "string" || !/^[a-z]+\.[A-Za-z][A-Za-z0-9_]*$/.test(fn)) {
    return { error: { type: "ProtocolError", message: `fn must look like "api.run", got ${JSON.stringify(fn)}` } };
  }
  const [module] = fn.split(".");
  if (!ALLOWED_MODULES.has(module)) {
    return { error: { type: "ProtocolError", message: `module "${module}" is not callable (allowed: ${[...ALLOWED_MODULES].join(", ")})` } };
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
    if (!["ConfigError", "CodeError"].includes(reply.type)) console.error(`${fn} failed:\n${reply.traceback}`);
    return { error: { type: reply.type, message: reply.message, ...(reply.details ? { details: reply.details } : {}) } };
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
    if (e?.pyodide_fatal_error && !failure) { // Pyodide cannot run anything any more: say so once
      failure = { stage: "python", message: `Python failed fatally and can no longer be used (${e.message}).` };
      post({ id, ...reply });
      post({ event: "fatal", ...failure });
      return;
    }
  }
  try {
    post({ id, ...reply }, reply.result !== undefined ? collectTransferables(reply.result) : []);
  } catch (e) { // e.g. a result that cannot be cloned
    post({ id, error: { type: "DataCloneError", message: `${msg.fn} returned data that cannot be sent: ${e.message}` } });
  }
}

// Installed before any await, so requests sent while loading are queued, not lost.
self.onmessage = (event) => {
  const msg = event.data;
  if (msg?.type === "pyinit:ping") { // heartbeat of js/platform/worker-client.js, answered at once
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
  });
readyPromise.catch(() => {}); // reported as "fatal"; requests get an error reply
