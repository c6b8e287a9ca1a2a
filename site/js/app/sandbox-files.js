// sandbox-files.js: the Python runtime's files for the code sandbox, read by the page — from its service
// worker or HTTP cache, where the page's own Python put them — checked against build-manifest.json's
// sha256 and handed over as bytes. So the sandbox (an opaque origin: no cache of its own, not served by
// the service worker) downloads nothing, works offline, needs no CORS header from the host, and its
// worker may connect nowhere.
//
//   const python = await runtimeFiles();
//     -> {indexURL, wheel, selfHosted, files: {absolute URL: ArrayBuffer} | null}
// `files` is null for a --cdn build (the sandbox fetches the runtime from the CDN itself) and when a
// file cannot be read or does not match its sha256 (then the sandbox tries the network, and says so
// if that fails too). Left out: everything else about the sandbox (./code-runner.js).

const MANIFEST = "build-manifest.json";
const STAGES = ["runtime", "stdlib", "numpy", "pyinit"];

const hex = (buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, "0")).join("");

/** The bytes of `rel` (a path in dist/), or null when they cannot be read or are not the manifest's. */
async function checkedBytes(base, rel, manifest) {
  try {
    const response = await fetch(new URL(rel, base));
    if (!response.ok) return null;
    const bytes = await response.arrayBuffer();
    const want = manifest.files && manifest.files[rel] && manifest.files[rel].sha256;
    if (want && globalThis.crypto && crypto.subtle) {
      // (no SubtleCrypto outside a secure context: the bytes are then those the page's Python runs)
      if (hex(await crypto.subtle.digest("SHA-256", bytes)) !== want) return null;
    }
    return bytes;
  } catch {
    return null;
  }
}

export async function runtimeFiles(base = document.baseURI) {
  const manifest = await (await fetch(new URL(MANIFEST, base), { cache: "no-cache" })).json();
  const indexURL = new URL(manifest.indexURL, base).href;
  const python = {
    indexURL,
    wheel: new URL(manifest.pyinitWheel, base).href,
    selfHosted: manifest.variant === "self-hosted",
    files: null,
  };
  if (!python.selfHosted) return python;
  const rels = [
    ...STAGES.flatMap((stage) => (manifest.stages[stage] || []).map((a) => a.url)),
    `${manifest.indexURL}pyodide-lock.json`,
  ];
  const bytes = await Promise.all(rels.map((rel) => checkedBytes(base, rel, manifest)));
  if (bytes.some((b) => b === null)) return python;
  python.files = Object.fromEntries(rels.map((rel, i) => [new URL(rel, base).href, bytes[i]]));
  return python;
}
