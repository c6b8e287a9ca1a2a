// early.js: the first module a page that needs Python runs. It starts the Python worker at once, so
// Pyodide downloads and starts while the page's other modules are still loading (they take a few
// hundred milliseconds); the page's boot() then adopts this worker. Nothing else happens here.
import { startEarly } from "./boot.js";

startEarly();
