// Runs first, as a classic script, because browsers refuse ES modules (and Web Workers) on file://.
// Everything else lives in js/main.js.
"use strict";
(function () {
  if (location.protocol !== "file:") return;
  document.documentElement.dataset.status = "error";
  document.addEventListener("DOMContentLoaded", function () {
    var msg = document.getElementById("boot-message");
    if (!msg) return;
    msg.className = "boot-message boot-error";
    msg.textContent =
      "This page was opened from file://, where browsers block the Web Worker and modules it needs. " +
      "Serve it over http instead: in the project folder run `python3 build.py serve` " +
      "and open the address it prints.";
  });
})();
