// check.html wiring: boot Python, then run the minimal proof (versions and a few training
// steps computed by pyinit in the worker). Useful to diagnose a deployment without the lab.

import { boot, setStatus, showError } from "../platform/boot.js";
import { loadCatalog } from "../platform/i18n.js";
import { runProof } from "./proof.js";

loadCatalog("en").catch((e) => console.warn("pyinit: no UI catalog:", e.message)); // the boot screen's words
const { py, ready } = boot();
window.pyinitBoot = { py }; // for the browser console, tests and `build.py bench`

ready.then(
  async ({ versions }) => {
    try {
      document.getElementById("app").hidden = false;
      await runProof(py, versions);
      setStatus("ready");
    } catch (e) {
      showError(
        `Python loaded, but the first computation failed: ${e.type ? `${e.type}: ` : ""}${e.message}`,
      );
    }
  },
  () => {},
);
