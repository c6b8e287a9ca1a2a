// test-hook.js: a read-only window of a figure app for the browser tests and the benchmark
// (window.pyinitLab on the lab page, window.pyinitEmbed in embeds). Nothing on the page uses it.
import { SIDES } from "./panels.js";
import { trajectoryCaption } from "./views.js";

// every source (set of runs) shown gets a number when first seen: new runs, a new number
const serials = new WeakMap();
let nextSerial = 1;
function serialOf(src) {
  if (!serials.has(src)) serials.set(src, nextSerial++);
  return serials.get(src);
}

/** What the figure shows now: the shown record of both runs, where it comes from, and why it stopped. */
export function snapshotOf(app) {
  const { controller, session, state } = app;
  const src = controller.source;
  if (!src || !src.history.length) return null;
  const H = src.history,
    cur = controller.cursor,
    rec = H.record(cur),
    P = H.meta.P;
  return {
    source: src.kind,
    serial: serialOf(src), // these runs' number: new runs (or the same ones continued live), a new one
    phase: session.phase,
    cursor: cur,
    records: H.length,
    step: rec.step,
    lastStep: H.lastStep,
    end: controller.end,
    playing: controller.playing,
    stopReason: controller.stopReason,
    meta: H.meta,
    chapter: state.get("chapter"),
    chapterRun: app.isChapterRun,
    runs: SIDES.map((side, k) => ({
      side,
      theta: Array.from(rec.theta.subarray(k * P, (k + 1) * P)),
      grad: Array.from(rec.grad.subarray(k * P, (k + 1) * P)),
      loss: rec.loss[k],
      acc: rec.acc[k],
      diverged: H.diverged(k),
      caption: trajectoryCaption(H, k, cur),
    })),
    handover: src.handover || null,
  };
}

/** window[name] = the hook: snapshot(), state(), settings(), idle(), goTo(step), plus `extra`. */
export function exposeTestHook(name, app, extra = {}) {
  window[name] = {
    snapshot: () => snapshotOf(app),
    state: () => app.state.all(),
    settings: () => app.schema.runSettings(app.state.all()),
    idle: () => app.controller.whenIdle(),
    goTo: (step) => app.goTo(step),
    ...extra,
  };
}

/** The lab page's hook: the common one, plus first paint and frame timing (the benchmark's), chapters,
 * and whether every panel (the figure's and "More panels") shows the shown step. */
export function exposeLabHook(app, { story, rows, perf }) {
  const { controller } = app;
  exposeTestHook("pyinitLab", app, {
    snapshot() {
      const s = snapshotOf(app);
      return s && { ...s, perf: { ...perf }, timing: { frames: controller.timing.frames.slice() } };
    },
    chapter: (id) => story.scrollTo(app.links.chapterNo(id), { smooth: false }),
    resetTiming() {
      controller.timing.frames.length = 0;
      controller.timing.lastFrame = 0;
    },
    drawnAll: () => app.figure.drawnAll() && rows.drawnAll(),
    jobTimes: () => ({ ...rows.jobTimes(), ...app.figure.jobTimes() }),
    trainOn: () => app.trainOn(),
  });
  window.pyinitBoot = {
    get py() {
      return app.python.py;
    },
  };
}
