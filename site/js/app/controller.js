// controller.js: the transport. One clock for both runs: a cursor into the history (a record
// index), playing or not, and where new records come from. It owns no DOM; onChange(why) is called
// whenever what is shown may have changed, and the page redraws at most once per animation frame.
//
// Playing: each animation frame the cursor moves `speed` steps through records we already have
// (precomputed, or recorded before a scrub); at the end of the history it owes the clock `speed` steps
// per frame and asks the source for all it owes whenever no request is in flight (one at a time), so
// the rate is speed x fps whatever the worker's round trip. Playback stops by itself only when there
// is nothing more to get, or at the run's last step (setEnd: a chapter's run is a fixed experiment),
// and then onChange("stopped") says why (controller.stopReason):
//   "chapter"  the shown step is the run's last one (setEnd); nothing is trained past it;
//   "end"      the source has no more steps (precomputed runs while Python is not there);
//   "diverged" every run diverged;
//   "limit"    the source stopped on purpose (history.limit says why);
//   "error"    the source failed (controller.error holds the error).

export function createController({ getSpeed, onChange }) {
  let source = null;
  let cursor = 0;
  let playing = false;
  let inflight = null;
  let raf = 0;
  let debt = 0; // steps owed to the clock: `speed` per frame, paid by the next request
  let clock = null; // while playing through records we have: the step the clock has reached
  let stopReason = null;
  let error = null;
  let end = null; // the run's last step (setEnd), or null: train on
  const timing = { frames: [], lastFrame: 0 };

  const h = () => source && source.history;
  const atEnd = () => !h() || cursor >= h().length - 1;
  const changed = (why) => onChange && onChange(why);
  const atLastStep = () => end !== null && h() && h().length > 0 && h().record(cursor).step >= end;

  function setSource(src, { keepCursor = false } = {}) {
    if (source && source !== src && source.history !== src.history) source.dispose();
    source = src;
    inflight = null;
    debt = 0;
    stopReason = null;
    error = null;
    if (!keepCursor) cursor = 0;
    cursor = Math.max(0, Math.min(cursor, src.history.length - 1));
    changed("source");
  }

  /** Why the source cannot give more steps, or null if it can. */
  function blocked() {
    const H = h();
    if (H.allDiverged()) return "diverged";
    if (H.limit) return "limit";
    return null;
  }

  function stop(reason) {
    stopReason = reason;
    pause();
    changed("stopped");
  }

  async function fetchMore(n) {
    if (inflight || !source) return inflight;
    if (end !== null) n = Math.min(n, end - h().lastStep);
    if (n <= 0) return false;
    const src = source;
    // records may be thinned (kept): follow the step, not the index
    const shownStep = h().record(cursor).step;
    inflight = src.more(n).then(
      (got) => {
        if (src !== source) return false;
        inflight = null;
        if (got) cursor = playing ? h().length - 1 : h().indexOfStep(shownStep);
        changed("data");
        if (!got && playing) stop("end");
        else if (playing && blocked()) stop(blocked());
        return got;
      },
      (err) => {
        if (src !== source) return false;
        inflight = null;
        error = err;
        stop("error");
        return false;
      },
    );
    return inflight;
  }

  function frame(now) {
    raf = 0;
    if (!playing || !source) return;
    if (timing.lastFrame) timing.frames.push(now - timing.lastFrame);
    if (timing.frames.length > 2000) timing.frames.shift();
    timing.lastFrame = now;
    const speed = getSpeed();
    const H = h();
    if (atLastStep()) {
      stop("chapter");
      return;
    }
    if (!atEnd()) {
      // a clock in steps, so `speed` steps per frame also holds where records are sparser (thinned)
      clock = Math.max(clock ?? H.record(cursor).step, H.record(cursor).step) + speed;
      const next = Math.min(H.length - 1, H.indexOfStep(end === null ? clock : Math.min(clock, end)));
      if (next !== cursor) {
        cursor = next;
        changed("tick");
      }
    } else if (blocked()) {
      stop(blocked());
      return;
    } else {
      debt = Math.min(debt + speed, speed * 8);
      if (!inflight) {
        const n = debt;
        debt = 0;
        fetchMore(n);
      }
    }
    raf = requestAnimationFrame(frame);
  }

  function play() {
    if (playing || !source) return;
    clock = null;
    if (atLastStep()) {
      stop("chapter");
      return;
    }
    if (atEnd() && blocked()) {
      stop(blocked());
      return;
    }
    playing = true;
    stopReason = null;
    timing.lastFrame = 0;
    changed("play");
    raf = requestAnimationFrame(frame);
  }
  function pause() {
    if (!playing) return;
    playing = false;
    debt = 0;
    if (raf) cancelAnimationFrame(raf);
    raf = 0;
    changed("pause");
  }
  /** One step forward: the next record we have, else one more step from the source. */
  async function step() {
    if (!source) return;
    pause();
    if (atLastStep()) {
      stop("chapter");
      return;
    }
    if (!atEnd()) {
      cursor += 1;
      changed("step");
      return;
    }
    if (blocked()) {
      stop(blocked());
      return;
    }
    if (inflight) await inflight;
    const got = await fetchMore(1);
    if (got) cursor = h().length - 1;
    else if (!error) stop("end");
    changed("step");
  }
  function back() {
    if (!source) return;
    pause();
    if (cursor > 0) {
      cursor -= 1;
      changed("back");
    }
  }
  function seek(i) {
    if (!source) return;
    pause();
    cursor = Math.max(0, Math.min(h().length - 1, i));
    changed("seek");
  }

  return {
    setSource,
    play,
    pause,
    step,
    back,
    seek,
    /** The run's last step: playing and stepping stop there ("chapter"); null lets it train on. */
    setEnd(step) {
      end = step;
      if (end === null && stopReason === "chapter") stopReason = null;
    },
    get end() {
      return end;
    },
    /** The shown step is the run's last one (see setEnd). */
    get atLastStep() {
      return atLastStep();
    },
    /** Stop and say why, for a reason found outside the clock (e.g. a go-to-step that cannot get there). */
    stopBecause(reason) {
      stop(reason);
    },
    toggle() {
      if (playing) pause();
      else play();
    },
    get source() {
      return source;
    },
    get cursor() {
      return cursor;
    },
    get playing() {
      return playing;
    },
    get busy() {
      return !!inflight;
    },
    get stopReason() {
      return stopReason;
    },
    get error() {
      return error;
    },
    /** The record shown now (or null). */
    get record() {
      return source && h().length ? h().record(cursor) : null;
    },
    whenIdle() {
      return inflight || Promise.resolve();
    },
    timing,
  };
}
