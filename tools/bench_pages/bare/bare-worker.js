// Load Pyodide from ?indexURL= (relative to this file), load numpy and import it; post what was
// transferred. The same work the lab's worker does before pyinit, and nothing else.
const transferred = () => performance.getEntriesByType("resource").reduce((s, e) => s + (e.transferSize || 0), 0);
try {
  const given = new URLSearchParams(location.search).get("indexURL");
  if (!given) throw new Error("no ?indexURL= (the folder of pyodide.mjs)");
  const indexURL = new URL(given, import.meta.url).href;
  const { loadPyodide } = await import(indexURL + "pyodide.mjs");
  const py = await loadPyodide({ indexURL, packages: ["numpy"] });
  py.runPython("import numpy");
  postMessage({ ok: true, bytes: transferred() });
} catch (e) {
  postMessage({ ok: false, error: String(e && e.message || e), bytes: transferred() });
}
