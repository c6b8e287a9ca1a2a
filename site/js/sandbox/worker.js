// sandbox/worker.js: one fresh Python (Pyodide + numpy + pyinit) for ONE run of the reader's code.
// It runs in a Web Worker that js/sandbox/frame.js made from a blob: URL inside the sandboxed frame,
// so its origin is opaque: no storage, no caches, no cookies, no service worker; its CSP (inherited
// from sandbox.html) allows this site's files and nothing else, and no eval.
//
//   frame -> worker  {type: "start", indexURL, wheel, selfHosted} + a MessagePort    load Python now
//                                                                       (every reply goes to that port)
//                    {type: "run", id, source, param, sizes, seed}      once
//   worker -> frame  {type: "ready", stats} | {type: "failed", message}
//                    {type: "result", id, ok: true, W, b}               W, b: Float64Array per layer
//                    {type: "result", id, ok: false, error: {type, message, details}}
//                    {type: "stopped", id, message}                     the code ended this Python
//
// The run calls pyinit.web.sandbox.run (pyinit/web/sandbox.py). Before it, what a worker could use
// to reach further (network, storage, other workers) is removed from the global scope, and close() only
// marks the run as stopped (so "your code stopped its Python" is said at once, not after a timeout).
// Nothing here trusts what the code leaves behind: the frame terminates this worker after the reply.
// A classic script (importScripts): a module worker cannot start from a blob: URL in an opaque origin.
(() => {
  // Every reply goes through a MessagePort only this script holds (the frame reads nothing else of this
  // worker), its postMessage bound before any code runs: the code can post, but not as this script.
  let post = null;
  const REMOVED = [
    "fetch",
    "XMLHttpRequest",
    "WebSocket",
    "WebTransport",
    "EventSource",
    "importScripts",
    "indexedDB",
    "caches",
    "cookieStore",
    "BroadcastChannel",
    "Worker",
    "SharedWorker",
    "storageFoundation",
  ];
  let phase = "idle"; // idle -> loading -> ready -> ran
  let pyodide = null;
  let sandbox = null; // the pyinit.web.sandbox module
  let closedByCode = false;

  const TYPES = {
    wasm: "application/wasm",
    json: "application/json",
    js: "text/javascript",
    mjs: "text/javascript",
  };
  const typeOf = (url) => TYPES[url.split(".").pop()] || "application/octet-stream";

  /** Pyodide's fetch() and importScripts() answered from the files the page handed over (nothing is
   * downloaded: this worker may connect nowhere); import() gets blob: URLs. Returns url -> loadable URL. */
  function serve(files) {
    const blobs = new Map();
    const blobOf = (url) => {
      if (!blobs.has(url)) blobs.set(url, URL.createObjectURL(new Blob([files[url]], { type: typeOf(url) })));
      return blobs.get(url);
    };
    const importScripts = self.importScripts.bind(self);
    self.fetch = async (input) => {
      const url = String(input instanceof Request ? input.url : input);
      if (!(url in files)) throw new TypeError(`${url} is not among the runtime's files`);
      return new Response(files[url], { headers: { "Content-Type": typeOf(url) } });
    };
    self.importScripts = (...urls) =>
      importScripts(...urls.map((u) => (String(u) in files ? blobOf(String(u)) : u)));
    return (url) => (url in files ? blobOf(url) : url);
  }

  async function load({ indexURL, wheel, selfHosted, files }) {
    const t0 = performance.now();
    const loadable = files ? serve(files) : (url) => url;
    const { loadPyodide } = await import(loadable(indexURL + "pyodide.mjs"));
    const tImport = performance.now();
    const quiet = () => {}; // what the code prints goes nowhere (not into the page's console)
    const py = await loadPyodide({
      indexURL,
      packages: selfHosted ? ["numpy", "pyinit"] : ["numpy"],
      stdout: quiet,
      stderr: quiet,
    });
    if (!selfHosted)
      await py.loadPackage(wheel, {
        messageCallback: quiet,
        errorCallback: quiet,
      });
    for (const name of ["numpy", "pyinit"])
      if (!py.loadedPackages[name])
        throw new Error(`${name} could not be loaded or failed its integrity check`);
    const tLoaded = performance.now();
    if (files) for (const url of Object.keys(files)) delete files[url]; // Python has what it needs
    sandbox = py.pyimport("pyinit.web.sandbox");
    pyodide = py;
    const ms = (t) => Math.round(t - t0);
    return {
      ms: ms(performance.now()),
      timings: { pyodideModule: ms(tImport), loadPyodide: ms(tLoaded) },
      heapBytes: py._module.HEAPU8.length,
      handedOver: !!files, // the runtime came as bytes from the page (else fetched by URL)
    };
  }

  /** What a worker could reach further with, gone before the code runs (the CSP and the opaque origin
   * already refuse most of it: this is the second wall). close() only marks the run as stopped. */
  function harden() {
    for (const name of REMOVED) {
      for (let o = self; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
        if (Object.prototype.hasOwnProperty.call(o, name)) {
          try {
            delete o[name];
          } catch {
            // not configurable: left (the CSP still applies)
          }
        }
      }
    }
    const stop = () => {
      closedByCode = true;
    };
    for (let o = self; o && o !== Object.prototype; o = Object.getPrototypeOf(o))
      if (Object.prototype.hasOwnProperty.call(o, "close")) o.close = stop;
  }

  const plainRequest = (r) =>
    typeof r.id === "number" &&
    typeof r.source === "string" &&
    typeof r.param === "string" &&
    Array.isArray(r.sizes) &&
    r.sizes.every((n) => Number.isInteger(n) && n > 0) &&
    Number.isInteger(r.seed);

  function run(request) {
    const { id } = request;
    if (!plainRequest(request)) {
      post({
        type: "result",
        id,
        ok: false,
        error: { type: "ProtocolError", message: "a malformed request" },
      });
      return;
    }
    let reply;
    try {
      harden();
      const sizes = pyodide.toPy(request.sizes);
      let out;
      try {
        out = sandbox.run(request.source, request.param, sizes, request.seed);
      } finally {
        sizes.destroy();
      }
      try {
        reply = out.toJs({ dict_converter: Object.fromEntries, create_pyproxies: false });
      } finally {
        out.destroy();
      }
    } catch (e) {
      // Python itself ended (os._exit, a fatal error): this Python is gone
      post({ type: "stopped", id, message: String(e && e.message).slice(0, 300) });
      return;
    }
    if (closedByCode) {
      post({ type: "stopped", id, message: "close() was called" });
      return;
    }
    if (!reply.ok) {
      const error = { type: String(reply.type), message: String(reply.message).slice(0, 2000) };
      if (reply.details) error.details = reply.details;
      post({ type: "result", id, ok: false, error });
      return;
    }
    const own = (layers) => (layers ? layers.map((a) => Float64Array.from(a)) : null); // off the wasm heap
    post({ type: "result", id, ok: true, W: own(reply.W), b: own(reply.b) });
  }

  self.addEventListener("message", (event) => {
    const data = event.data;
    if (!data || typeof data !== "object") return;
    const start =
      data.type === "start" && typeof data.indexURL === "string" && typeof data.wheel === "string";
    if (start && phase === "idle" && event.ports[0]) {
      phase = "loading";
      post = event.ports[0].postMessage.bind(event.ports[0]);
      const files = data.files && typeof data.files === "object" ? data.files : null;
      load({ indexURL: data.indexURL, wheel: data.wheel, selfHosted: data.selfHosted === true, files }).then(
        (stats) => {
          phase = "ready";
          post({ type: "ready", stats });
        },
        (e) => post({ type: "failed", message: String(e && e.message) }),
      );
    } else if (data.type === "run" && phase === "ready") {
      phase = "ran";
      run(data);
    }
  });
})();
