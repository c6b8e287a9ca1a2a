// worker-files.js: the build's files as the Python worker sees them: build-manifest.json (where each
// loading stage's files are, with their sizes and sha256) and the checks of the files against it --
// a preflight that asks the server about every same-origin file before Pyodide does, and the sha256
// of the runtime files Pyodide fetches itself, checked on their one download. Every problem is a
// LoadError naming the file and the stage it belongs to.
//
// Left out: starting Pyodide, stage timeouts and progress (./worker-load.js) and the request /
// response protocol (./worker.js). Like them it never touches the DOM.

export const MANIFEST_URL = new URL("../../build-manifest.json", import.meta.url);
export const STAGES = ["runtime", "stdlib", "numpy", "pyinit"];

/** Loading failed at `stage` (one of STAGES, or "manifest"); the message names the file. */
export class LoadError extends Error {
  constructor(stage, message) {
    super(message);
    this.stage = stage;
  }
}

export const fileName = (url) => decodeURIComponent(new URL(url).pathname.split("/").pop());
export const REBUILD =
  "Rebuild with `python3 build.py` and serve the whole dist/ folder " + "(`python3 build.py serve`).";

/** build-manifest.json, checked to be a pyinit build manifest; every stage's asset gets its absolute href. */
export async function loadManifest() {
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
    throw new LoadError(
      "manifest",
      `build-manifest.json is damaged or truncated: it is not valid JSON ` + `(${e.message}). ${REBUILD}`,
    );
  }
  const bad =
    !manifest || typeof manifest !== "object"
      ? "it is not an object"
      : typeof manifest.stages !== "object" || !manifest.stages
        ? 'it has no "stages"'
        : typeof manifest.indexURL !== "string"
          ? 'it has no "indexURL"'
          : STAGES.find((st) => manifest.stages[st] != null && !Array.isArray(manifest.stages[st]));
  if (bad) {
    const why = typeof bad === "string" && !STAGES.includes(bad) ? bad : `its stage "${bad}" is not a list`;
    throw new LoadError(
      "manifest",
      `build-manifest.json is not a pyinit build manifest (${why}). ${REBUILD}`,
    );
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
// damaged file are vague or uncaught); the loading race in worker-load.js ends with the named error.
const hex = (buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, "0")).join("");
const short = (h) => `${h.slice(0, 16)}…`;
const damaged = (stage, rel, actual, expected) =>
  new LoadError(
    stage,
    `${rel} is damaged ` +
      `(sha256 ${short(actual)}, expected ${short(expected)} from build-manifest.json). ${REBUILD}`,
  );

async function sha256Hex(chunks) {
  let bytes = chunks;
  if (Array.isArray(chunks)) {
    bytes = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
    let at = 0;
    for (const c of chunks) {
      bytes.set(c, at);
      at += c.byteLength;
    }
  }
  return hex(await crypto.subtle.digest("SHA-256", bytes));
}

export const integrityTimes = {}; // file -> milliseconds spent hashing (reported in stats.hashMs)

/** Wrap fetch() for the runtime files: a promise that rejects with the first damaged one, never resolves. */
export function guardRuntimeFetches(manifest) {
  let report;
  const failed = new Promise((_, reject) => {
    report = reject;
  });
  failed.catch(() => {});
  if (!crypto?.subtle || !manifest.files) return failed; // no WebCrypto (plain http off localhost): no check
  const watched = new Map(); // href -> {rel, stage, sha256, stream}
  const watch = (rel, stage) => {
    const entry = manifest.files[rel];
    if (entry?.sha256) {
      watched.set(new URL(rel, MANIFEST_URL).href, {
        rel,
        stage,
        sha256: entry.sha256,
        stream: rel.endsWith(".wasm"),
      });
    }
  };
  for (const stage of ["runtime", "stdlib"]) {
    for (const a of manifest.stages[stage] ?? []) if (!/\.m?js$/.test(a.url)) watch(a.url, stage);
  }
  watch(`${manifest.indexURL}pyodide-lock.json`, "runtime");
  const fail = (err) => {
    report(err);
    return new Promise(() => {});
  }; // Pyodide waits; the race ends
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
    if (!r.ok)
      return fail(new LoadError(w.stage, `${w.rel} could not be loaded: HTTP ${r.status}. ${REBUILD}`));
    const init2 = { status: r.status, statusText: r.statusText, headers: r.headers };
    const check = async (chunks) => {
      const t0 = performance.now();
      const actual = await sha256Hex(chunks);
      integrityTimes[fileName(href)] = Math.round(performance.now() - t0);
      return actual === w.sha256 ? null : damaged(w.stage, w.rel, actual, w.sha256);
    };
    if (!w.stream) {
      const buf = await r.arrayBuffer().catch((e) => e);
      if (buf instanceof Error)
        return fail(new LoadError(w.stage, `${w.rel}: download failed (${buf.message}).`));
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
        if (err) {
          report(err);
          return new Promise(() => {});
        } // the compiler never sees the end
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
export async function preflight(manifest) {
  const checks = [];
  for (const stage of STAGES) {
    for (const asset of manifest.stages[stage] ?? []) {
      if (new URL(asset.href).origin !== self.location.origin) continue;
      const expected = manifest.files?.[asset.url]?.sha256;
      if (/\.m?js$/.test(asset.url) && expected && crypto?.subtle) {
        // imported by Pyodide (not fetched): hashed here; the import then comes from the HTTP cache
        checks.push(
          (async () => {
            let r;
            try {
              r = await fetch(asset.href);
            } catch (e) {
              throw new LoadError(stage, `${asset.url}: request failed (${e.message}).`);
            }
            if (!r.ok)
              throw new LoadError(stage, `${asset.url} could not be loaded: HTTP ${r.status}. ${REBUILD}`);
            const actual = await sha256Hex(new Uint8Array(await r.arrayBuffer()));
            if (actual !== expected) throw damaged(stage, asset.url, actual, expected);
          })(),
        );
        continue;
      }
      checks.push(
        (async () => {
          let r;
          try {
            r = await fetch(asset.href, { method: "HEAD", cache: "no-cache" });
          } catch (e) {
            throw new LoadError(stage, `${fileName(asset.href)}: request failed (${e.message}).`);
          }
          if (r.status === 405 || r.status === 501) return; // a server without HEAD: no verdict
          if (!r.ok) {
            throw new LoadError(
              stage,
              `${fileName(asset.href)} could not be loaded: HTTP ${r.status} ` +
                `for ${asset.url}. ${REBUILD}`,
            );
          }
          const type = (r.headers.get("Content-Type") || "").split(";")[0].trim();
          if (asset.href.endsWith(".wasm") && type !== "application/wasm") {
            throw new LoadError(
              stage,
              `${fileName(asset.href)} is served as "${type || "no type"}" ` +
                "but must be application/wasm: configure the web server, or use `python3 build.py serve`.",
            );
          }
        })(),
      );
    }
  }
  await Promise.all(checks);
}
