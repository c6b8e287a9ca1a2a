// sandbox/frame.js: the script of sandbox.html, the frame where the reader's code runs. The page
// (js/app/code-runner.js) frames sandbox.html with sandbox="allow-scripts" (an opaque origin: no
// storage, no caches, no cookies, not controlled by the site's service worker, nothing of the page's
// origin) and hands over one MessagePort; every message goes through that port.
//
//   page -> frame  {type: "python", indexURL, wheel, selfHosted, files}   once: the runtime, as bytes
//                  ({absolute URL: ArrayBuffer}) or null (then the workers fetch it by URL, with CORS)
//                  {type: "run", id, source, param, sizes, seed}      one at a time
//   frame -> page  {type: "loading"} / {type: "ready", stats}         a Python for the code starts / is up
//                  {type: "running", id}                              a run was handed to a ready Python
//                  {type: "result", id, ok, W, b | error}             what the code made (the page checks it)
//                  {type: "stopped", id, message}                     the code ended its Python
//                  {type: "unavailable", message}                     no Python can start here
//
// Each run gets a fresh Python that has run no other code: a (classic) Web Worker made here from a
// blob: URL, so it has this frame's opaque origin, that loads ./worker.js by absolute URL, runs the
// code once and is terminated; the next one starts right after (a spare, so the next run need not wait). This
// frame runs no code of the reader's and reads nothing from its worker but those replies.
// A classic script (a module script would need CORS to load into an opaque origin).
(function () {
  "use strict";
  var WORKER_URL = new URL("worker.js", document.currentScript.src).href;
  var ROOT = new URL("../../", document.currentScript.src).href; // the site's folder (dist/)
  var port = null;
  var blobURL = null;
  var python = null; // {indexURL, wheel, selfHosted, files}: the Python the page handed over
  var spare = null; // the next run's worker: {worker, state: "loading" | "ready" | "running" | "done", ...}
  var queue = []; // runs the page asked for, in order
  var dead = null; // why no Python can start here (then every run is answered with it)

  function post(message) {
    port.postMessage(message);
  }

  function unavailable(message) {
    dead = message;
    post({ type: "unavailable", message: message });
  }

  function boot() {
    var w = { worker: null, state: "loading", id: null };
    try {
      w.worker = new Worker(blobURL, { name: "pyinit-code" });
    } catch (e) {
      unavailable("this browser refused to start a Web Worker in the sandbox (" + e.message + ")");
      return null;
    }
    // replies come through a private port; the worker's own postMessage is what its code can use too,
    // so only the loader's failure (before any code) is read from it
    var channel = new MessageChannel();
    channel.port1.onmessage = function (event) {
      fromWorker(w, event.data);
    };
    w.port = channel.port1;
    w.worker.onmessage = function (event) {
      var data = event.data;
      if (w.state === "loading" && data && data.type === "failed" && data.loader) fromWorker(w, data);
    };
    w.worker.onerror = function (event) {
      event.preventDefault();
      ended(w, event.message || "its worker failed");
    };
    w.worker.onmessageerror = function () {
      ended(w, "a message from its worker could not be read");
    };
    // (the runtime's files are copied to each worker: the frame keeps its own)
    w.worker.postMessage(
      {
        type: "start",
        indexURL: python.indexURL,
        wheel: python.wheel,
        selfHosted: python.selfHosted,
        files: python.files,
      },
      [channel.port2],
    );
    post({ type: "loading" });
    return w;
  }

  function fromWorker(w, data) {
    if (!data || typeof data !== "object") return;
    if (w.state === "loading" && data.type === "ready") {
      w.state = "ready";
      post({ type: "ready", stats: data.stats });
      next();
    } else if (w.state === "loading" && data.type === "failed") {
      finish(w);
      unavailable(String(data.message));
    } else if (
      w.state === "running" &&
      (data.type === "result" || data.type === "stopped") &&
      data.id === w.id
    ) {
      finish(w);
      post(data); // the page checks every field
      next();
    }
  }

  /** A worker's error event: while loading, Python cannot start here; while running, the code ended it. */
  function ended(w, message) {
    var state = w.state;
    finish(w);
    if (state === "loading") unavailable("Python could not start in the sandbox: " + message);
    else if (state === "running") {
      post({ type: "stopped", id: w.id, message: String(message) });
      next();
    }
  }

  function finish(w) {
    w.state = "done";
    w.worker.terminate();
    w.port.close();
    if (spare === w) spare = null;
  }

  /** Hand the first queued run to a ready worker; keep a spare starting once a run has been asked for. */
  function next() {
    if (dead) {
      queue.splice(0).forEach(function (run) {
        post({ type: "unavailable", id: run.id, message: dead });
      });
      return;
    }
    if (!python) return; // (runs wait for the runtime)
    if (!spare) spare = boot();
    if (!spare || spare.state !== "ready" || !queue.length) return;
    var w = spare,
      run = queue.shift();
    spare = null;
    w.state = "running";
    w.id = run.id;
    w.worker.postMessage(run);
    post({ type: "running", id: run.id }); // the page's time limit starts now
    next(); // the following run's Python starts now
  }

  function fromPage(event) {
    var data = event.data;
    if (data && data.type === "python") received(data);
    if (!data || data.type !== "run") return;
    queue.push({
      type: "run",
      id: data.id,
      source: data.source,
      param: data.param,
      sizes: data.sizes,
      seed: data.seed,
    });
    next();
  }

  function start() {
    if (self.origin !== "null") {
      // framed without the sandbox attribute (or opened directly): code here could reach the site
      unavailable('sandbox.html must be framed with sandbox="allow-scripts" (it was not isolated)');
      return;
    }
    port.onmessage = fromPage;
  }

  /** The runtime the page handed over: the frame narrows its policy and starts a Python. */
  function received(data) {
    if (python || typeof data.indexURL !== "string") return;
    python = {
      indexURL: data.indexURL,
      wheel: String(data.wheel),
      selfHosted: data.selfHosted === true,
      files: data.files && typeof data.files === "object" ? data.files : null,
    };
    narrow();
    // a classic worker: Chromium refuses module workers from blob: URLs in an opaque origin
    var main =
      "try { importScripts(" +
      JSON.stringify(WORKER_URL) +
      "); } catch (e) { postMessage({ type: 'failed', loader: true, message: " +
      "'js/sandbox/worker.js: ' + e.message }); }\n";
    blobURL = URL.createObjectURL(new Blob([main], { type: "text/javascript" }));
    next();
  }

  /** This frame's policy, narrowed before any worker exists (a worker made from a blob: URL inherits
   * it): scripts from this site and blob: URLs only; no connection at all when the page handed over the
   * runtime's files, else only to the site and the runtime's origin. Origins are named, not 'self':
   * WebKit does not match 'self' in an opaque origin. */
  function narrow() {
    var site = new URL(ROOT).origin;
    var runtime = new URL(python.indexURL).origin;
    var connect = python.files ? "'none'" : site + (runtime === site ? "" : " " + runtime);
    var meta = document.createElement("meta");
    meta.httpEquiv = "Content-Security-Policy";
    meta.content =
      "script-src " +
      site +
      (runtime === site ? "" : " " + runtime) +
      " blob: 'wasm-unsafe-eval'; " +
      "worker-src blob:; connect-src " +
      connect;
    document.head.append(meta);
  }

  window.addEventListener("message", function handOver(event) {
    var data = event.data;
    if (event.source !== window.parent || window.parent === window) return;
    if (!data || data.type !== "pyinit:sandbox" || !event.ports || event.ports.length !== 1) return;
    window.removeEventListener("message", handOver);
    port = event.ports[0];
    start();
  });
})();
