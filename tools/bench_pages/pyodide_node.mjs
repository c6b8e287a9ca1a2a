// Runs Python code inside Pyodide under Node (V8, the engine of the page's worker) with the
// repository's pyinit importable, and prints what it prints:
//   node pyodide_node.mjs <pyodide dir> <repository root> <python source>
import fs from "node:fs";

const [pyodideDir, root, source] = process.argv.slice(2);
try {
  const { loadPyodide } = await import(pyodideDir + "/pyodide.mjs");
  const py = await loadPyodide({ indexURL: pyodideDir + "/", stdout: (s) => console.log(s) });
  await py.loadPackage("numpy", { messageCallback: () => {} });
  py.FS.mkdirTree("/repo");
  py.FS.mount(py.FS.filesystems.NODEFS, { root }, "/repo");
  py.runPython("import sys; sys.path.insert(0, '/repo')");
  py.runPython(fs.readFileSync(source, "utf8"));
} catch (e) {
  console.error(e);
  process.exit(1);
}
