// worker-problem.js: what is wrong with the Python worker's own script when it could not start (the
// worker client only hears "script error"): missing (HTTP status), served with a non-JavaScript type,
// or not the bytes build-manifest.json names. For the loading screen's message (js/platform/boot.js).

export const REBUILD =
  "Rebuild with `python3 build.py` and serve the whole dist/ folder (`python3 build.py serve`).";
const hex = (buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, "0")).join("");

/** What is wrong with the worker's script file (missing, wrong type, not this build's bytes), or null. */
export async function workerFileProblem(url) {
  const site = new URL("../../", import.meta.url);
  const file = decodeURIComponent(new URL(url).pathname.slice(site.pathname.length));
  try {
    const r = await fetch(new URL(url).href.split("?")[0], { cache: "no-cache" });
    if (!r.ok) return `${file}: HTTP ${r.status}`;
    const type = (r.headers.get("Content-Type") || "").split(";")[0].trim().toLowerCase();
    if (!/^(text|application)\/(x-)?(java|ecma)script$/.test(type)) {
      const served = `${file} is served as ${type || "no type"}`;
      return `${served}, but browsers run scripts only if served as text/javascript`;
    }
    const manifest = await (await fetch(new URL("build-manifest.json", site), { cache: "no-cache" })).json();
    const want = manifest.files?.[file]?.sha256;
    const got = want && hex(await crypto.subtle.digest("SHA-256", await r.arrayBuffer()));
    if (want && got !== want) {
      const sums = `sha256 ${got.slice(0, 16)}…, expected ${want.slice(0, 16)}…`;
      return `${file} does not match this build (${sums})`;
    }
  } catch {
    /* cannot tell: the client's own words stand */
  }
  return null;
}
