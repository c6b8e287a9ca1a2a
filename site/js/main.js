// Page wiring: boot Python, then fill the page. The minimal proof runs a few training steps of
// pyinit in the worker and shows the loss values; the lab replaces this module's content.

import { boot, setStatus, showError } from "./boot.js";
import { runProof } from "./proof.js";

const { py, ready } = boot();
window.pyinitBoot = { py }; // for the browser console, tests and `build.py bench`

ready.then(async ({ versions }) => {
  try {
    document.getElementById("app").hidden = false;
    await runProof(py, versions);
    setStatus("ready");
  } catch (e) {
    showError(`Python loaded, but the first computation failed: ${e.type ? `${e.type}: ` : ""}${e.message}`);
  }
}, () => {});
