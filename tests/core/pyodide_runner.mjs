// Runs test files inside Pyodide under Node, with pyodide_runner.py as the test runner:
//   node pyodide_runner.mjs <pyodide dir> <repository root> <test file (relative to the root)>...
// Prints one line "RESULT {json}" (see pyodide_runner.py).
import fs from "node:fs";

const [pyodideDir, root, ...files] = process.argv.slice(2);
try {
  const { loadPyodide } = await import(pyodideDir + "/pyodide.mjs");
  const py = await loadPyodide({ indexURL: pyodideDir + "/" });
  await py.loadPackage("numpy", { messageCallback: () => {} });
  py.FS.mkdirTree("/repo");
  py.FS.mount(py.FS.filesystems.NODEFS, { root }, "/repo");
  py.globals.set("TEST_FILES", py.toPy(files));
  py.runPython(fs.readFileSync(new URL("./pyodide_runner.py", import.meta.url), "utf8"));
  console.log("RESULT " + py.globals.get("RESULT"));
} catch (e) {
  console.error(e);
  process.exit(1);
}
