// worker-load.js: starting Python in the worker: Pyodide, numpy and the pyinit wheel, stage by stage
// (runtime, stdlib, numpy, pyinit) with a progress message per stage, a time limit per stage, and
// the race between loading and the file checks of ./worker-files.js (whichever finds a problem
// first reports it, as a LoadError naming the file).
//
//   load(progress, t0) -> {pyodide, rpc, versions, stats}     rpc: the pyinit.web.rpc module
//   progress(stage, state, extra)                              the worker's progress message
//
// ?timeout=N in the worker's URL: seconds per loading step. Left out: the manifest and the checks
// of the files (./worker-files.js) and the request / response protocol (./worker.js).
import {
  MANIFEST_URL,
  STAGES,
  LoadError,
  REBUILD,
  fileName,
  loadManifest,
  guardRuntimeFetches,
  preflight,
  integrityTimes,
} from "./worker-files.js";

const params = new URL(self.location.href).searchParams;
const STAGE_TIMEOUT_S = stageTimeout(params.get("timeout")); // per loading step (17 MB on a slow link)
/** ?timeout=N: seconds per loading step, a number from 1 to 600; anything else means the default, 180. */
function stageTimeout(text) {
  if (text === null) return 180;
  const n = Number(text);
  if (text.trim() !== "" && Number.isFinite(n) && n >= 1 && n <= 600) return n;
  console.warn(
    `pyinit worker: ignoring timeout=${JSON.stringify(text).slice(0, 40)} ` +
      "(seconds per loading step, a number from 1 to 600); using 180.",
  );
  return 180;
}

const stderrLines = []; // what Pyodide wrote to stderr: the last lines explain a wheel that failed

function withTimeout(promise, stage, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new LoadError(
            stage,
            `${what} did not finish within ${STAGE_TIMEOUT_S} s. ` +
              "Check the network and the browser console; reload to retry.",
          ),
        ),
      STAGE_TIMEOUT_S * 1000,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const mb = (bytes) => (bytes == null ? "" : ` (${(bytes / 1e6).toFixed(1)} MB)`);

// Report each stage as done once all its files have arrived (resource timing sees Pyodide's fetches).
function watchDownloads(manifest, progress) {
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
    ({ loadPyodide } = await withTimeout(import(indexURL + "pyodide.mjs"), "runtime", "Loading pyodide.mjs"));
  } catch (e) {
    throw e instanceof LoadError ? e : new LoadError("runtime", `pyodide.mjs failed to load: ${e.message}`);
  }
  mark("pyodide.mjs");
  const selfHosted = manifest.variant === "self-hosted";
  let py;
  try {
    py = await withTimeout(
      loadPyodide({
        indexURL,
        // Downloaded while the runtime boots; our pyodide-lock.json lists both with their sha256.
        packages: selfHosted ? ["numpy", "pyinit"] : ["numpy"],
        stderr: (line) => {
          stderrLines.push(line);
          console.warn(line);
        },
      }),
      "runtime",
      `Starting the Python runtime${mb(runtime?.bytes)}`,
    );
  } catch (e) {
    throw e instanceof LoadError
      ? e
      : new LoadError("runtime", `The Python runtime failed to start: ${e.message}`);
  }
  mark("loadPyodide");
  if (!selfHosted) {
    await withTimeout(
      py.loadPackage(new URL(manifest.pyinitWheel, MANIFEST_URL).href, {
        messageCallback: () => {},
        errorCallback: (line) => {
          stderrLines.push(line);
          console.warn(line);
        },
      }),
      "pyinit",
      "Loading the pyinit wheel",
    );
  }
  return py;
}

/** Load Python; resolves once pyinit.web.rpc is imported, or rejects with a LoadError. `t0`: when the
 * worker's script started (performance.now()), for stats.workerMs. */
export async function load(progress, t0 = performance.now()) {
  const timings = {}; // milliseconds since the worker started, at the end of each step
  const mark = (name) => {
    timings[name] = Math.round(performance.now());
  };
  const manifest = await loadManifest();
  mark("manifest");
  for (const stage of STAGES) {
    const bytes = (manifest.stages[stage] ?? []).reduce((s, a) => s + (a.bytes || 0), 0);
    const files = (manifest.stages[stage] ?? []).map((a) => fileName(a.href));
    progress(stage, "pending", { bytes, files });
  }
  const observer = watchDownloads(manifest, progress);
  for (const stage of STAGES) progress(stage, "loading");
  // The preflight runs next to the real loading (it costs nothing on the critical path); whichever
  // finds a problem first reports it, and a precise preflight message beats a vague loading error.
  const integrity = guardRuntimeFetches(manifest); // rejects with a named error, never resolves
  let damage = null;
  integrity.catch((e) => {
    damage = e;
  });
  const diagnosis = withTimeout(preflight(manifest), "runtime", "Checking the files on the server").then(
    () => {
      mark("preflight");
      return null;
    },
    (e) => e,
  );
  const loading = loadRuntime(manifest, mark);
  loading.catch(() => {});
  const problem = diagnosis.then((e) => (e ? Promise.reject(e) : loading));
  let pyodide;
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
      const why = stderrLines
        .filter((l) => !/^Loading |^Loaded /.test(l))
        .slice(-3)
        .join(" ");
      throw new LoadError(
        name,
        `${fileName(asset.href)} could not be loaded or failed its integrity check` +
          `${why ? ` (${why})` : ""}. ${REBUILD}`,
      );
    }
    progress(name, name === "numpy" ? "done" : "loading");
  }
  let rpc, versions;
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
  return {
    pyodide,
    rpc,
    versions,
    stats: { ...transferStats(), timings, hashMs: integrityTimes, workerMs: performance.now() - t0 },
  };
}
