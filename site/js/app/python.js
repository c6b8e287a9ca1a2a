// python.js: Python for a page, started once (eagerly on the lab page, on request in a lazy embed).
//
//   const python = createPython({onReady, onFailed, onLost});
//   python.start()      boot the worker (idempotent); resolves with {versions} when Python is ready
//   python.restart()    a fresh worker after the old one was lost or stopped
//   python.ready / started / failed / lost / py / versions   (lost: the error that stopped a ready worker,
//                                                           until the next restart)
// onReady(versions) fires on every successful start (the first one and after a restart); onFailed(error)
// when loading fails; onLost(error) when a running worker dies (terminated, crashed, unresponsive).
import { boot } from "../platform/boot.js";

export function createPython({ onReady = () => {}, onFailed = () => {}, onLost = () => {} } = {}) {
  let booted = null;
  let ready = false,
    failed = null,
    lost = null,
    versions = null;

  function start() {
    if (booted) return booted.ready;
    failed = null;
    lost = null;
    booted = boot(); // its words: the UI catalog's boot.* keys (platform/i18n.js)
    const py = booted.py;
    if (py && py.onLost) {
      py.onLost((error) => {
        if (booted && booted.py !== py) return; // an old worker, already replaced
        ready = false;
        lost = error;
        onLost(error);
      });
    }
    booted.ready.then(
      (info) => {
        ready = true;
        versions = info.versions;
        onReady(info.versions);
      },
      (error) => {
        failed = error;
        onFailed(error);
      },
    );
    return booted.ready;
  }

  function restart() {
    if (booted && booted.py) booted.py.terminate();
    booted = null;
    ready = false;
    return start();
  }

  return {
    start,
    restart,
    get py() {
      return booted && booted.py;
    },
    get started() {
      return !!booted;
    },
    get ready() {
      return ready;
    },
    get failed() {
      return failed;
    },
    get lost() {
      return lost;
    },
    get versions() {
      return versions;
    },
  };
}
