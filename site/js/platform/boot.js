// Loading screen: starts the worker, shows each loading stage with its size, and ends in
// <html data-status="ready"> or data-status="error" with a message naming the failed file or step.
// It knows nothing about the page content; the page's entry module (js/pages/*.js) decides what to show
// once Python is ready, and what to say if a ready worker is lost later (py.onLost).

import { createWorkerClient } from "./worker-client.js";
import { t, ready as catalogReady, onLanguage } from "./i18n.js";
import { workerFileProblem, REBUILD } from "./worker-problem.js";
import { holdURL, releaseWhenAllowed } from "./python-start.js";

// The loading screen's words are the "boot.*" keys of the UI catalog (pyinit/content/text/<lang>.json,
// via i18n.js). Until a catalog has arrived the screen keeps the words of the HTML; it redraws its
// message and stage names when the language changes or its catalog arrives.
const catalogText = (key, params) => (catalogReady() ? t(`boot.${key}`, params) : null);
// Words needed before any catalog may have arrived (a sandboxed frame, a click to start): English
// until it has (the same words as the catalog's boot.* keys).
const EARLY = {
  failedAt: 'Loading failed at step "{stage}": {message}',
  sandboxed:
    "this embed needs allow-same-origin in the iframe's sandbox attribute to run Python (a sandboxed " +
    "frame without it has no origin of its own, and a Web Worker needs one). " +
    "The precomputed runs still play.",
  saveData: "Your browser asks to save data: Python (about 16 MB) starts when you ask.",
  start: "Start Python",
};
const withEarlyWords =
  (text) =>
  (key, params = {}) =>
    text(key, params) ??
    (EARLY[key] ?? key).replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m));
let stopRedraw = null; // the redraw of the last boot() (a restart's boot replaces it)

// The Python worker's file: the bundled build names it (content-hashed, defined by tools/bundle.py);
// served unbundled, PYINIT_WORKER_FILE is undefined and it is ./worker.js.
/* global PYINIT_WORKER_FILE */
const WORKER_URL = new URL(
  typeof PYINIT_WORKER_FILE === "string" ? PYINIT_WORKER_FILE : "./worker.js",
  import.meta.url,
);

const formatMB = (bytes) =>
  !bytes ? "" : bytes < 1e6 ? `${Math.ceil(bytes / 1e3)} kB` : `${(bytes / 1e6).toFixed(1)} MB`;

/** The worker's URL with the page's ?timeout=N (seconds per loading step) forwarded, when it is valid. */
function withTimeout(workerURL) {
  const timeout = stageTimeout(new URLSearchParams(location.search).get("timeout"));
  const url = new URL(workerURL);
  if (timeout) url.searchParams.set("timeout", String(timeout));
  return url;
}

/** A sandboxed frame without allow-same-origin: an opaque origin, which cannot start our worker. */
export const opaqueOrigin = () => self.origin === "null" && location.protocol !== "file:";

/**
 * Start the Python worker now, before the page's other modules have loaded (js/platform/early.js):
 * boot() adopts it and replays the loading progress it missed. Pages that start Python only on
 * request (a lazy embed) do not call this.
 */
export function startEarly(workerURL = WORKER_URL) {
  if (window.__pyinitEarly || location.protocol === "file:" || opaqueOrigin()) return;
  const early = { progress: [], listener: null, adopted: false, started: performance.now() };
  // it waits for boot() to let it download Python (js/platform/python-start.js)
  early.client = createWorkerClient(withTimeout(holdURL(workerURL)), {
    onProgress: (e) => (early.listener ? early.listener(e) : early.progress.push(e)),
  });
  window.__pyinitEarly = early;
}

/** ?timeout=N, seconds per loading step: a number from 1 to 600, else ignored (with a warning). */
export function stageTimeout(text) {
  if (text === null || text === "") return null;
  const n = Number(text);
  if (Number.isFinite(n) && n >= 1 && n <= 600) return n;
  console.warn(
    `pyinit: ignoring ?timeout=${String(text).slice(0, 40)}: it must be a number of seconds ` +
      "from 1 to 600 (the time allowed for each loading step; default 180).",
  );
  return null;
}

function setStatus(status) {
  document.documentElement.dataset.status = status;
}

export function showError(message, root = document.getElementById("boot")) {
  setStatus("error");
  root.hidden = false;
  const msg = root.querySelector("#boot-message");
  msg.className = "boot-message boot-error";
  msg.setAttribute("role", "alert");
  msg.textContent = message;
}

/**
 * Start Python in a worker and render its progress into `root`.
 * Returns {py, ready, restart}: the worker client (js/platform/worker-client.js: call, onLost, lost,
 * restart, terminate), a promise of {versions, stats} (rejects on failure, after the error is already
 * shown: data-status="error" and a message naming the step and the file), and restart(), which stops
 * the worker, starts a fresh one on the same loading screen and returns its `ready` promise.
 */
export function boot({
  root = document.getElementById("boot"),
  workerURL = WORKER_URL,
  text = catalogText,
} = {}) {
  const label = (stage) => {
    const k = `stage.${stage}`;
    const s = text(k);
    return s === null || s === k || s === `[boot.${k}]` ? stage : s;
  };
  const list = root.querySelector("#boot-stages") || root.appendChild(document.createElement("ol"));
  const message =
    root.querySelector("#boot-message") ||
    root.insertBefore(Object.assign(document.createElement("p"), { id: "boot-message" }), list);
  const rows = new Map();
  window.pyinitStarted = true; // the page's modules run (its entry calls boot): the guard stands down

  if (location.protocol === "file:") {
    // js/platform/file-check.js has said so already
    const ready = Promise.reject(new Error("file://"));
    ready.catch(() => {});
    return { py: null, ready, restart: () => ready };
  }
  if (opaqueOrigin()) {
    // new Worker() would throw a SecurityError that names no cause the reader can act on
    const say = withEarlyWords(text);
    const ready = Promise.reject(Object.assign(new Error(say("sandboxed")), { stage: "worker" }));
    ready.catch(() => {});
    showError(say("failedAt", { stage: label("worker"), message: say("sandboxed") }), root);
    return { py: null, ready, restart: () => ready };
  }
  // A fresh start (also after a restart): no stages or message of an earlier worker.
  list.replaceChildren();
  root.classList.remove("boot-done");
  message.className = "boot-message";
  message.removeAttribute("role");
  let said = null; // the message's key and params, to redraw it in another language
  const early = withEarlyWords(text);
  const say = (key, params) => {
    said = { key, params };
    const s = key in EARLY ? early(key, params) : text(key, params);
    if (s !== null) message.textContent = s;
  };
  say("loading");

  function row(stage) {
    if (!rows.has(stage)) {
      const li = document.createElement("li");
      li.dataset.stage = stage;
      li.innerHTML =
        '<span class="stage-name"></span> <span class="stage-size"></span> ' +
        '<span class="stage-state"></span>';
      li.querySelector(".stage-name").textContent = label(stage);
      list.append(li);
      rows.set(stage, li);
    }
    return rows.get(stage);
  }

  let failed = false; // this start has shown its error: later progress messages do not undo it
  function onProgress({ stage, state, bytes }) {
    if (failed && !["failed", "stopped"].includes(state)) return;
    const li = row(stage);
    li.dataset.state = state;
    if (bytes !== undefined) li.querySelector(".stage-size").textContent = formatMB(bytes);
    li.querySelector(".stage-state").textContent = text(`state.${state}`) ?? state;
  }
  const redraw = () => {
    for (const [stage, li] of rows) {
      li.querySelector(".stage-name").textContent = label(stage);
      li.querySelector(".stage-state").textContent = text(`state.${li.dataset.state}`) ?? li.dataset.state;
    }
    if (said?.versions) sayReady();
    else if (said) say(said.key, said.params);
  };
  stopRedraw?.();
  stopRedraw = onLanguage(redraw);

  // a worker the page started before its other modules had loaded (js/platform/early.js) is adopted
  const adopted = window.__pyinitEarly && !window.__pyinitEarly.adopted ? window.__pyinitEarly : null;
  let py, started;
  if (adopted) {
    adopted.adopted = true;
    py = adopted.client;
    started = adopted.started;
    for (const e of adopted.progress.splice(0)) onProgress(e);
    adopted.listener = onProgress;
  } else {
    py = createWorkerClient(withTimeout(holdURL(workerURL)), { onProgress });
    started = performance.now();
  }
  releaseWhenAllowed(py, { root, text: early, say });
  const track = (whenReady) =>
    whenReady.then(
      (info) => {
        try {
          showReady(info);
        } catch (e) {
          // only the summary line failed: Python is ready all the same
          console.error("pyinit boot:", e);
        }
        return info;
      },
      async (error) => {
        if (error.stage === "worker" && / failed to start: /.test(error.message || "")) {
          // the worker's own script could not run: say which file and what is wrong with it
          const why = await workerFileProblem(workerURL);
          if (why) error.message = `The Web Worker could not start: ${why}. ${REBUILD}`;
        }
        const stage = label(error.stage ?? "loading");
        for (const [stage, li] of rows) {
          if (stage === error.stage) onProgress({ stage, state: "failed" });
          else if (li.dataset.state !== "done") onProgress({ stage, state: "stopped" });
        }
        failed = true;
        said = null; // an error message stays as it was first shown
        showError(
          text("failedAt", { stage, message: error.message || error }) ??
            `${stage}: ${error.message || error}`,
          root,
        );
        throw error;
      },
    );

  function showReady(info) {
    said = { versions: info.versions, ms: performance.now() - started };
    // Page-side resources (html, css, js) plus what the worker fetched.
    const own = performance
      .getEntriesByType("resource")
      .concat(performance.getEntriesByType("navigation"))
      .reduce((sum, e) => sum + (e.transferSize || 0), 0);
    const readyMs = performance.now(); // since navigation start
    Object.assign(document.documentElement.dataset, {
      readyMs: readyMs.toFixed(0),
      bytesTransferred: String(own + (info.stats?.transferred || 0)),
      workerBytes: String(info.stats?.transferred || 0),
      hashMs: JSON.stringify(info.stats?.hashMs ?? {}), // time spent checking runtime files' sha256
      // "blocked" under the site's Content-Security-Policy; "allowed": the server sent the worker without
      // it (the reader's code runs in the code sandbox under its own policy either way: js/sandbox/)
      workerEval: info.stats?.stringEval ?? "",
      workerTimings: JSON.stringify({
        workerStart: Math.round(performance.now() - (info.stats?.workerMs ?? 0)),
        ...info.stats?.timings,
      }),
    });
    sayReady();
    root.classList.add("boot-done");
  }
  /** "Python ready: pyinit 0.1.0 · numpy 2.0.2 · Python 3.12.7 (loaded in 2.1 s)" */
  function sayReady() {
    const { versions, ms } = said;
    message.replaceChildren(`${text("ready") ?? "Python:"} `);
    ["pyinit", "numpy", "python"].forEach((key, i) => {
      const span = document.createElement("span");
      span.dataset.version = key;
      span.textContent = `${key === "python" ? "Python" : key} ${versions?.[key] ?? "?"}`;
      message.append(...(i ? [" · ", span] : [span]));
    });
    message.append(` ${text("loadedIn", { s: (ms / 1000).toFixed(1) }) ?? ""}`);
  }
  const ready = track(py.ready);
  ready.catch(() => {});

  /** A fresh worker (the old one stopped, whatever it was doing), shown on the same loading screen. */
  function restart() {
    started = performance.now();
    failed = false;
    rows.clear();
    list.replaceChildren();
    root.classList.remove("boot-done");
    message.className = "boot-message";
    message.removeAttribute("role");
    say("restarting");
    const again = track(py.restart()); // a restarted worker starts at once (js/platform/worker-client.js)
    again.catch(() => {});
    return again;
  }
  return { py, ready, restart };
}

export { setStatus };
