// controller.js: the transport. One shared clock for both runs: a cursor into the history
// (record index), playing or not, and where new records come from. It owns no DOM; the page
// calls render() through onChange once per animation frame at most.
//
// Playing: each animation frame the cursor moves `speed` steps through records we already have
// (precomputed, or recorded before a scrub); at the end of the history it owes the clock `speed`
// steps per frame and asks the source for all it owes whenever no request is in flight (one at a
// time), so the rate is speed x fps whatever the worker's round trip. Pause takes effect at the
// next frame: the cursor stops; a chunk still in flight is stored but not shown.

export function createController({ getSpeed, onChange }) {
  let source = null;
  let cursor = 0;
  let playing = false;
  let inflight = null;
  let raf = 0;
  let waiting = false; // at the end of the history, and the source cannot give more yet
  let debt = 0;         // steps owed to the clock: `speed` per frame, paid by the next request
  const timing = { frames: [], lastFrame: 0, stepsDone: 0, t0: 0 };

  const h = () => source && source.history;
  const atEnd = () => !h() || cursor >= h().length - 1;
  const changed = (why) => onChange && onChange(why);

  function setSource(src, { keepCursor = false } = {}) {
    if (source && source !== src && source.history !== src.history) source.dispose();
    source = src;
    inflight = null;
    if (!keepCursor) cursor = 0;
    cursor = Math.min(cursor, src.history.length - 1);
    waiting = false;
    changed("source");
  }

  function allDiverged() {
    const H = h();
    for (let k = 0; k < H.meta.K; k++) if (!H.diverged(k)) return false;
    return true;
  }

  async function fetchMore(n) {
    if (inflight || !source) return inflight;
    const src = source;
    const shownStep = h().record(cursor).step; // records may be thinned (kept): follow the step, not the index
    inflight = src.more(n).then((got) => {
      if (src !== source) return false;
      inflight = null;
      waiting = !got;
      if (got) cursor = playing ? h().length - 1 : h().indexOfStep(shownStep);
      changed("data");
      return got;
    }, (err) => {
      if (src === source) { inflight = null; playing = false; changed("error"); }
      console.error(err);
      return false;
    });
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
    if (!atEnd()) {
      const target = H.record(cursor).step + speed;
      cursor = Math.max(cursor + 1, H.indexOfStep(target));
      cursor = Math.min(cursor, H.length - 1);
      changed("tick");
    } else if (allDiverged()) {
      pause();
      return;
    } else {
      // the worker answers in its own time: owe `speed` steps per frame and ask for all that is
      // owed when no request is in flight, so the rate is speed x fps whatever the round-trip time
      debt = Math.min(debt + speed, speed * 8);
      if (!inflight) { const n = debt; debt = 0; fetchMore(n); }
    }
    raf = requestAnimationFrame(frame);
  }

  function play() {
    if (playing || !source) return;
    playing = true;
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
  async function step() {
    if (!source) return;
    pause();
    if (!atEnd()) { cursor += 1; changed("step"); return; }
    if (allDiverged()) return;
    await fetchMore(1);
    cursor = h().length - 1;
    changed("step");
  }
  function back() {
    if (!source) return;
    pause();
    if (cursor > 0) { cursor -= 1; changed("back"); }
  }
  function seek(i) {
    if (!source) return;
    pause();
    cursor = Math.max(0, Math.min(h().length - 1, i));
    changed("seek");
  }

  return {
    setSource, play, pause, step, back, seek,
    toggle() { if (playing) pause(); else play(); },
    get source() { return source; },
    get cursor() { return cursor; },
    get playing() { return playing; },
    get waiting() { return waiting; },
    get busy() { return !!inflight; },
    whenIdle() { return inflight || Promise.resolve(); },
    timing,
  };
}
