// session.js: the one lifecycle of a figure, shared by the lab page (pages/lab.js) and embed.html
// (pages/embed.js). State flows one way:
//
//   settings (page state) --setup()--> session --frames--> history --> figure (figure.js draws it)
//
// Phases (session.phase; the page mirrors it in <html data-phase>):
//   "loading"      nothing to show yet (the precomputed runs are on their way)
//   "precomputed"  runs trained at build time by the same pyinit; Python is not (yet) in charge
//   "waiting"      these settings have no precomputed runs: training starts when Python is ready
//                  (or, in a lazy embed, after the reader asks for it)
//   "live"         a pyinit.web.lab session in the worker trains on demand
//   "error"        Python refused the settings, failed to start, or stopped: `message` says why
//
// One go-to-step (goTo) for links, pasted hashes, embeds and the scrubber: precomputed records are
// shown at once; a step beyond them is trained live (and waits for Python when it is not there yet).
import { precomputedSource, liveSource, frozenSource } from "./source.js";
import { canon } from "./schema.js";
import { codeRunner, CODE_TIMEOUT_MS } from "./code-runner.js";

export { CODE_TIMEOUT_MS };
const MAX_CHUNK = 10000; // steps per worker call when training to a step
// what the code runner's failures say (the code's own errors carry details: the editor shows them)
const usesCode = (s) => s.left_init === "python" || s.right_init === "python";
const CODE_FAULTS = {
  CodeTimeout: "code.timeout",
  CodeStopped: "code.stopped",
  CodeHeld: "code.heldAfterFault",
};

/**
 * createSession({controller, store, python, schema, onChange, code}): schema.codeKey names the code settings
 *   controller: createController(...); store: createPrecomputedStore(); python: see app/python.js
 *   onChange(): phase or message changed (the page re-renders its status line)
 *   code: the code runner (app/code-runner.js): the reader's code runs there, never in `python`
 */
export function createSession({ controller, store, python, schema, onChange = () => {}, code = codeRunner }) {
  let phase = "loading";
  let message = null; // {key, params} for t(), or null
  let settings = null; // the run settings of the runs shown (or being built)
  let pending = null; // a step asked for that the shown runs cannot reach yet
  let seq = 0; // setups are numbered: a late answer to an older setup is dropped
  let autoplay = false;
  let catchingUp = false; // Python is training up to the precomputed runs' last step
  let held = false; // hold(): no runs until the next setup() (e.g. code not yet accepted)

  const set = (p, msg = null) => {
    phase = p;
    message = msg;
    onChange();
  };
  /** A failed call in words; a fault of the reader's code (in its sandbox) is the code's, not Python's. */
  const refused = (e) =>
    CODE_FAULTS[e.type]
      ? { key: CODE_FAULTS[e.type], params: { seconds: String(CODE_TIMEOUT_MS / 1000), message: e.reason } }
      : e.type === "SandboxUnavailable"
        ? { key: "code.unavailable", params: { message: e.reason } }
        : {
            key: ["ConfigError", "CodeError"].includes(e.type) ? "error.python" : "error.pythonFailed",
            params: { message: e.message },
            details: e.details || null,
          };
  /** A live source for these settings; the arrays of python sides come from the code's sandbox first. */
  async function buildSource(history) {
    const inits = await code.inits(python.py, settings, schema.codeKey);
    return liveSource(python.py, settings, history, { inits });
  }

  /** New runs for `runSettings`, at step 0 (or at `step`). Precomputed runs when there are any. */
  async function setup(runSettings, { step = 0, play = false } = {}) {
    const my = ++seq;
    held = false;
    settings = runSettings;
    pending = step > 0 ? step : null;
    autoplay = play;
    controller.pause();
    const pre = await store.find(runSettings);
    if (my !== seq) return;
    if (pre) {
      controller.setSource(precomputedSource(pre));
      set("precomputed");
      await reachPending(my);
      if (my !== seq) return;
      if (pending === null && autoplay) controller.play();
      if (python.ready) await takeOver(my);
      return;
    }
    if (python.ready) return buildLive(my);
    if (python.failed)
      return set("error", { key: "status.needsPythonFailed", params: { message: python.failed.message } });
    set("waiting", { key: python.started ? "status.waitingPython" : "status.needsPython" });
  }

  async function buildLive(my) {
    let src;
    if (usesCode(settings)) set("waiting", { key: "code.running" }); // (its Python may take a while)
    try {
      src = await buildSource(null);
    } catch (e) {
      if (my === seq) set("error", refused(e));
      return;
    }
    if (my !== seq) {
      src.dispose();
      return;
    }
    controller.setSource(src);
    set("live");
    await reachPending(my);
    if (my === seq && pending === null && autoplay) controller.play();
  }

  /** Python became ready: continue the precomputed runs live from their last step (the shown records
   * stay; the worker trains silently up to there), or build the runs. */
  async function takeOver(my = seq) {
    const src = controller.source;
    if (phase === "precomputed" && src && src.kind === "precomputed") {
      await controller.whenIdle();
      catchingUp = true;
      onChange();
      let live;
      try {
        live = await buildSource(src.history);
      } catch (e) {
        catchingUp = false;
        if (my === seq) set("error", refused(e));
        return;
      }
      catchingUp = false;
      if (my !== seq || controller.source !== src) {
        live.dispose();
        onChange();
        return;
      }
      const resume = controller.playing || controller.stopReason === "end";
      controller.setSource(live, { keepCursor: true });
      set("live");
      await reachPending(my);
      if (my === seq && resume && pending === null) controller.play();
      return;
    }
    if ((phase === "waiting" || phase === "error") && !held) await buildLive(my);
  }

  /** Show `pending` if the source has it (training live up to it); keep it pending otherwise. */
  async function reachPending(my) {
    if (pending === null) return;
    const want = pending;
    const reached = await goTo(want);
    if (my !== seq) return;
    const H = controller.source && controller.source.history;
    if (reached) pending = null;
    else if (H && (H.allDiverged() || H.limit)) {
      // the runs can never get there: show where they stopped, and say why
      pending = null;
      controller.stopBecause(H.allDiverged() ? "diverged" : "limit");
    } else if (phase === "precomputed") message = { key: "status.stepNeedsPython", params: { step: want } };
    onChange();
  }

  /**
   * Show step `step`: at once if recorded, else train live up to it. Returns true when the shown step
   * is exactly `step`; false when the runs cannot get there (now: precomputed runs end earlier; ever:
   * every run diverged or the session hit a limit — the controller's stopReason says which).
   */
  async function goTo(step) {
    const src = controller.source;
    if (!src) return false;
    controller.pause();
    const H = src.history;
    if (src.kind === "live") {
      while (H.lastStep < step && controller.source === src && !H.allDiverged() && !H.limit) {
        const before = H.lastStep;
        let got;
        try {
          got = await src.more(Math.min(MAX_CHUNK, step - before));
        } catch (e) {
          set("error", refused(e));
          return false;
        }
        if (!got || H.lastStep <= before) break;
      }
    }
    if (controller.source !== src) return false;
    controller.seek(H.indexOfStep(step));
    return H.record(controller.cursor).step === step;
  }

  return {
    setup,
    goTo,
    takeOver: () => takeOver(seq),
    /** Do not build runs for `runSettings` now (e.g. code from a link not yet accepted): say why. */
    hold(runSettings, msg) {
      seq++;
      held = true;
      settings = runSettings;
      pending = null;
      controller.pause();
      // the runs shown so far stay (scrub through them); a live session's worker may be gone
      const src = controller.source;
      if (src && src.kind === "live") controller.setSource(frozenSource(src), { keepCursor: true });
      set("waiting", msg);
    },
    /** Go to `step` now, or as soon as the runs can (after Python takes over). */
    async request(step) {
      pending = step;
      await reachPending(seq);
    },
    /** Python stopped or failed (app/python.js): say so; the shown records stay. */
    lost(error) {
      controller.pause();
      const src = controller.source;
      if (src && src.kind === "live") controller.setSource(frozenSource(src), { keepCursor: true });
      set("error", { key: "status.pythonLost", params: { message: error.message } });
    },
    get phase() {
      return phase;
    },
    get catchingUp() {
      return catchingUp;
    },
    get message() {
      return message;
    },
    get settings() {
      return settings;
    },
    get pending() {
      return pending;
    },
    /** True when the shown runs are these settings' runs (compared by value). */
    shows(runSettings) {
      return settings !== null && canon(settings) === canon(runSettings);
    },
  };
}
