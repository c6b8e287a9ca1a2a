// The bare page's one script: start the worker (it reads ?indexURL= from its own URL), then record
// when Python + numpy were ready (ms since navigation) and what the worker transferred.
const worker = new Worker(new URL("./bare-worker.js" + location.search, import.meta.url), { type: "module" });
worker.onmessage = ({ data }) => {
  const d = document.documentElement.dataset;
  d.readyMs = performance.now().toFixed(0);
  d.workerBytes = String(data.bytes || 0);
  if (!data.ok) document.body.textContent = `bare Pyodide + numpy failed: ${data.error}`;
  d.status = data.ok ? "ready" : "error";
};
