"""Issue 9's one figure, as a new reader meets it: the first screen answers the question within
1.5 s and without scrolling (desktop and phone, English and Polish), no chart is ever empty or
misleading (step 0 drawn, panels that do not apply left out, one edge scale for both network
diagrams, nothing moves when Python takes over), motion only when seen, the phone shows both runs
under a small transport, and playback never dies (the long-play regression, marked slow).

Times are the page's own clock (performance.now(): milliseconds since navigation started), read
by a script the test adds before the page's own (it only looks: a requestAnimationFrame loop).
"""

from __future__ import annotations

import json
import os
import time

import pytest

from conftest import (
    LOAD_TIMEOUT_MS,
    lab_snapshot,
    pause_lab,
    plot_data,
    until,
    wait_for_status,
    wait_lab_drawn,
    wait_lab_live,
)

# issue 9: within 1.5 s of navigation (the page aims at 0.5 s on a quiet machine). A machine loaded
# far beyond its cores by other work may set PYINIT_FIRST_SCREEN_MS higher; the default is the goal.
FIRST_SCREEN_MS = float(os.environ.get("PYINIT_FIRST_SCREEN_MS", 1500))
TRIES = 3
SIZES = [(1400, 900), (1280, 720), (390, 844)]
PLAY_TEXT = {"en": ("Play", "Pause"), "pl": ("Start", "Pauza")}

# Watches the first screen from the first animation frame: the first moment when at least NEED
# charts with data lie wholly inside the viewport together with the Play/Pause button (nothing
# covering it), without scrolling. Leaves the result in window.__firstScreen.
WATCH = """(() => {
  const NEED = %d, LIMIT_MS = 20000;
  const inside = (r, vw, vh) => r.width > 0 && r.height > 0 && r.left >= -0.5 && r.top >= -0.5 && r.right <= vw + 0.5 && r.bottom <= vh + 0.5;
  function look() {
    const vw = document.documentElement.clientWidth, vh = window.innerHeight;
    const charts = [...document.querySelectorAll(".plot")].filter((el) => el.chartData && inside(el.getBoundingClientRect(), vw, vh)).map((el) => el.id);
    const play = document.getElementById("btn-play");
    let playIn = false;
    if (play) {
      const r = play.getBoundingClientRect();
      const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      playIn = inside(r, vw, vh) && !!top && play.contains(top);
    }
    return { charts, playIn, play: play ? play.textContent : null, scrollX: window.scrollX, scrollY: window.scrollY };
  }
  function tick() {
    const now = performance.now(), seen = look();
    if (seen.charts.length >= NEED && seen.playIn) { window.__firstScreen = { ms: now, ...seen }; return; }
    if (now > LIMIT_MS) { window.__firstScreen = { ms: null, ...seen }; return; }
    requestAnimationFrame(tick);
  }
  window.__firstScreen = null;
  requestAnimationFrame(tick);
})();"""


def new_page(browser, size, **kw):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, **kw)
    pg = context.new_page()
    pg.errors = []
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.errors.append(f"uncaught: {e}"))
    return context, pg


def boxes(pg):
    """Bounding boxes of the figure's parts (panels, run heads, legend, transport) and the story."""
    return pg.evaluate("""() => Object.fromEntries(
        [...document.querySelectorAll("#fig-panels .plot, #fig-panels .run-head, #edge-legend, #figure .transport, #story")]
        .map((el, i) => { const r = el.getBoundingClientRect();
            return [el.id || `${el.className}#${i}`, [r.left, r.top, r.width, r.height].map((v) => Math.round(v * 10) / 10)]; }))""")


# ------------------------------------------------------------------------------------ the first screen
@pytest.mark.parametrize("lang", ["en", "pl"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_first_screen_answers_within_1_5_s_without_scrolling(browser, server_url, size, lang):
    """At least two charts with data (one on a phone) wholly inside the first viewport, and the
    Play/Pause button in it, within 1.5 s of navigation. The machine may be busy (2 shared cores):
    the best of up to three cold loads (each in a new browser context: nothing cached) counts."""
    phone = size[0] < 600
    need = 1 if phone else 2
    query = "?lang=pl" if lang == "pl" else ""
    tries = []
    for _ in range(TRIES):
        context, pg = new_page(browser, size)
        try:
            context.add_init_script(WATCH % need)
            pg.goto(server_url + query)
            pg.wait_for_function("() => window.__firstScreen", timeout=30_000)
            seen = pg.evaluate("() => window.__firstScreen")
            tries.append(seen)
            assert seen["ms"] is not None, f"never: {seen}"
            assert seen["scrollX"] == 0 and seen["scrollY"] == 0
            assert seen["play"] in PLAY_TEXT[lang], seen
            assert pg.evaluate("() => document.documentElement.lang") == lang
            assert not pg.errors, pg.errors
        finally:
            context.close()
        if seen["ms"] <= FIRST_SCREEN_MS:
            break
    best = min(tries, key=lambda s: s["ms"])
    assert best["ms"] <= FIRST_SCREEN_MS, f"first screen after {[round(s['ms']) for s in tries]} ms: {tries}"
    sides = {c.rsplit("-", 1)[1] for c in best["charts"]}
    assert all(c.startswith("fig-") for c in best["charts"]), best["charts"]  # the figure, not the rows below
    if not phone:
        assert sides == {"left", "right"}, best["charts"]


def test_phone_shows_both_runs_under_a_small_transport(browser, server_url):
    context, pg = new_page(browser, (390, 844))
    try:
        pg.goto(server_url)
        pg.wait_for_function(
            """() => ['left', 'right'].every((s) => { const el = document.getElementById(`fig-network-${s}`);
            return el && el.chartData; })""",
            timeout=30_000,
        )
        seen = pg.evaluate("""() => {
            const vw = document.documentElement.clientWidth, vh = innerHeight;
            const box = (el) => { const r = el.getBoundingClientRect(); return {l: r.left, t: r.top, r: r.right, b: r.bottom, h: r.height}; };
            const inside = (b) => b.l >= 0 && b.t >= 0 && b.r <= vw && b.b <= vh && b.h > 0;
            const sides = ['left', 'right'].map((s) => ({ head: box(document.querySelector(`#fig-panels .run[data-side=${s}] .run-head`)),
                plot: box(document.getElementById(`fig-network-${s}`)), stat: document.querySelector(`#fig-panels .run[data-side=${s}] .run-stat`).textContent }));
            return { sides, inside: sides.map((s) => inside(s.head) && inside(s.plot)),
                transport: box(document.querySelector('#figure .transport')), vh, overflow: document.documentElement.scrollWidth - innerWidth }; }""")
        assert seen["inside"] == [True, True], seen  # both runs at once, heads and diagrams
        left, right = seen["sides"]
        assert left["plot"]["r"] <= right["plot"]["l"], "side by side, not stacked"
        assert left["stat"].startswith("loss ") and right["stat"].startswith("loss ")
        assert seen["transport"]["h"] <= 0.12 * seen["vh"], seen["transport"]
        assert seen["overflow"] <= 0, f"{seen['overflow']} px wider than the phone"
        assert not pg.errors, pg.errors
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en", "pl"])
def test_the_transport_holds_its_controls(browser, server_url, lang):
    """Every button, the speed, the scrubber and the readout lie inside the transport bar, at each
    first-screen size (one page per language, resized)."""
    context, pg = new_page(browser, SIZES[0])
    pg.route("**/pyodide.asm.wasm", lambda route: None)  # no Python needed: it never loads
    try:
        pg.goto(server_url + ("?lang=pl" if lang == "pl" else ""))
        pg.wait_for_function("() => window.pyinitLab && window.pyinitLab.snapshot()", timeout=LOAD_TIMEOUT_MS)
        outside = {}
        for size in SIZES:
            pg.set_viewport_size({"width": size[0], "height": size[1]})
            pg.wait_for_timeout(300)
            out = pg.evaluate("""() => { const t = document.querySelector('#figure .transport').getBoundingClientRect();
                return [...document.querySelectorAll('#figure .transport button, #figure .transport select, #scrubber, #readout')]
                    .map((e) => [e.id || e.tagName, e.getBoundingClientRect()])
                    .filter(([, r]) => r.left < t.left - 1 || r.right > t.right + 1 || r.top < t.top - 1 || r.bottom > t.bottom + 1)
                    .map(([id, r]) => `${id} ${Math.round(r.right - t.right)} px right`); }""")
            if out:
                outside[f"{size[0]}x{size[1]}"] = out
        assert not outside, outside
    finally:
        context.close()


# ------------------------------------------------------------------------------------ never empty, never misleading
def test_step_0_is_drawn_everywhere_and_nothing_plays_by_itself(browser, server_url):
    """With reduced motion nothing plays by itself, so the page stays at step 0: every chart shows
    it (points, not bare axes), before and after Python takes over. The next chapters' setups do
    the same; chapter 2 (no hidden layer) has no symmetry or hidden-unit panel; the two network
    diagrams share one edge scale, which the legend states."""
    context, pg = new_page(browser, (1280, 900), reduced_motion="reduce")
    try:
        pg.goto(server_url)
        pg.wait_for_function("() => window.pyinitLab && window.pyinitLab.snapshot()", timeout=LOAD_TIMEOUT_MS)
        wait_lab_drawn(pg)

        def every_chart_at_step_0(chapter):
            s = lab_snapshot(pg)
            assert s["step"] == 0 and not s["playing"] and s["chapter"] == chapter, s["step"]
            plots = pg.evaluate("""() => [...document.querySelectorAll('#fig-panels .plot, #panels .plot')]
                .map((el) => [el.id, el.closest('[data-panel]').dataset.panel, !!el.chartData])""")
            ondemand = {"inspector", "landscape"}  # computed by Python for the shown step, when asked
            empty = [pid for pid, panel, has in plots if panel not in ondemand and not has]
            assert not empty, (chapter, empty)
            for side in ("left", "right"):
                loss = plot_data(pg, f"loss-{side}")
                assert loss["x"] == [0] and len(loss["series"][0]["y"]) == 1, loss["x"]  # one point: a dot
            return {pid.split("-")[0] for pid, _, _ in plots}

        shown = every_chart_at_step_0("simple")
        assert {"network", "boundary", "loss", "traj", "symmetry", "gradnorm", "units"} <= shown
        assert pg.inner_text("#btn-play") == "Play"
        # one edge scale: the largest |weight| of either run, on both diagrams, stated in the legend
        left, right = plot_data(pg, "fig-network-left"), plot_data(pg, "fig-network-right")
        theta = [abs(v) for run in lab_snapshot(pg)["runs"] for v in run["theta"]]
        assert left["scale"] == right["scale"] == pytest.approx(max(theta), rel=1e-6) and left["scale"] > 0
        value = f"{float(format(left['scale'], '.3g')):g}"
        assert f"the widest edge is |w| = {value}." in pg.inner_text("#edge-legend")

        # chapter 2: no hidden layer, so no symmetry and no hidden units; still everything at step 0
        pg.evaluate("() => window.pyinitLab.chapter('additive')")
        pg.wait_for_function(
            "() => { const s = window.pyinitLab.snapshot(); return s.chapter === 'additive' && s.meta.sizes.length === 2; }"
        )
        wait_lab_drawn(pg)
        shown = every_chart_at_step_0("additive")
        assert "symmetry" not in shown and "units" not in shown, shown
        assert (
            pg.evaluate("() => document.getElementById('fig-panels').dataset.panels")
            == "network,boundary,loss"
        )
        assert pg.query_selector("#row-symmetry") is None and pg.query_selector("#row-units") is None
        assert lab_snapshot(pg)["runs"][0]["caption"] == "no hidden layer: logistic regression"

        # chapter 5 (eps = 1e-4 against 1e-8): the scale is the larger net's, so the other looks thin
        pg.evaluate("() => window.pyinitLab.chapter('noise')")
        pg.wait_for_function("""() => { const s = window.pyinitLab.snapshot();     // the chapter's own runs
            return s.chapter === 'noise' && s.meta.members[1].perturb === 1e-8; }""")
        wait_lab_drawn(pg)
        every_chart_at_step_0("noise")
        left, right = plot_data(pg, "fig-network-left"), plot_data(pg, "fig-network-right")
        big = max(abs(v) for W in left["W"] + left["b"] for v in W)
        small = max(abs(v) for W in right["W"] + right["b"] for v in W)
        assert left["scale"] == right["scale"] == big and 0 < small < 1e-3 * big
        assert "the widest edge is |w| = " in pg.inner_text("#edge-legend") and "e-4" in pg.inner_text(
            "#edge-legend"
        )

        # Python takes over: still step 0, still nothing playing
        assert wait_for_status(pg) == "ready"
        pg.wait_for_function("() => window.pyinitLab.snapshot().source === 'live'", timeout=LOAD_TIMEOUT_MS)
        time.sleep(0.5)
        wait_lab_drawn(pg)
        every_chart_at_step_0("noise")
        assert pg.inner_text("#btn-play") == "Play"
        assert not pg.errors, pg.errors
    finally:
        context.close()


def test_motion_only_while_seen(browser, server_url):
    """The figure plays by itself once it is seen, and stops when neither it nor the More-panels
    rows are on screen (a short window: the settings form alone fills it). Back at the figure it
    stays paused: only Play and the chapters start it again. (Reduced motion: see the step-0 test.)"""
    context, pg = new_page(browser, (1280, 400))
    pg.route("**/pyodide.asm.wasm", lambda route: None)  # no Python needed: it never loads
    try:
        pg.goto(server_url)
        pg.wait_for_function(
            "() => { const s = window.pyinitLab && window.pyinitLab.snapshot(); return s && s.step > 0 && s.playing; }",
            timeout=LOAD_TIMEOUT_MS,
        )
        pg.evaluate(
            "() => window.scrollTo(0, document.getElementById('more').getBoundingClientRect().top + scrollY + 10)"
        )
        seen = pg.evaluate("""() => ['figure', 'panels'].map((id) => { const r = document.getElementById(id).getBoundingClientRect();
            return r.bottom > 0 && r.top < innerHeight; })""")
        assert seen == [False, False]
        pg.wait_for_function("() => !window.pyinitLab.snapshot().playing", timeout=5_000)
        stopped = lab_snapshot(pg)["step"]
        pg.evaluate("() => window.scrollTo(0, 0)")
        pg.wait_for_timeout(800)
        assert lab_snapshot(pg)["step"] == stopped and not lab_snapshot(pg)["playing"]
        assert pg.inner_text("#btn-play") == "Play"
        assert not pg.errors, pg.errors
    finally:
        context.close()


def test_no_layout_jump_when_python_takes_over(browser, server_url):
    """The figure's parts (each panel, the run heads, the legend, the transport) and the story keep
    their places, within 2 px, from the precomputed runs to the live ones (Python is held back until
    the precomputed layout has been measured)."""
    context, pg = new_page(browser, (1280, 720))
    held, released = [], []

    def hold(route):  # Python's runtime waits until the test releases it
        if released:
            route.continue_()
        else:
            held.append(route)

    pg.route("**/pyodide.asm.wasm", hold)
    try:
        pg.goto(server_url)
        pg.wait_for_function("() => window.pyinitLab && window.pyinitLab.snapshot()", timeout=LOAD_TIMEOUT_MS)
        wait_lab_drawn(pg)
        pg.wait_for_function("() => document.getElementById('edge-legend').textContent !== ''")
        before = boxes(pg)
        assert lab_snapshot(pg)["source"] == "precomputed" and len(before) >= 9, before
        for _ in range(100):
            if held:
                break
            pg.wait_for_timeout(100)
        assert held, "the worker never asked for pyodide.asm.wasm"
        released.append(True)
        for route in held:  # (the page may ask for it too, to warm the cache)
            route.continue_()
        assert wait_for_status(pg) == "ready"
        wait_lab_live(pg)
        pg.wait_for_function("() => document.documentElement.dataset.phase === 'live'")
        after = boxes(pg)
        assert after.keys() == before.keys()
        moved = {
            k: (before[k], after[k])
            for k in before
            if max(abs(a - b) for a, b in zip(before[k], after[k])) > 2
        }
        assert not moved, moved
        assert not pg.errors, pg.errors
    finally:
        context.close()


# ------------------------------------------------------------------------------------ playback never dies
@pytest.mark.slow
def test_long_play_never_dies(browser, server_url):
    """Play 40 s at the default speed, 25 s at the fastest and 15 s at the slowest: the shown step
    keeps growing (sampled every few seconds), no console error, never an error notice. The
    regression for "playback dies at step 4,000" (a thinned recorder, frames with no new record,
    speed changes); the last phase starts from a pause, as in the report (50 -> 1, then Play)."""
    context, pg = new_page(browser, (1280, 720))
    try:
        pg.goto(server_url)
        assert wait_for_status(pg) == "ready"
        wait_lab_live(pg)
        # the chapter's run stops at its last step (600); training on is the reader's choice
        pg.evaluate("() => window.pyinitLab.goTo(600)")
        until(pg, "() => { const s = window.pyinitLab.snapshot(); return s.step === 600 && !s.playing; }")
        assert pg.inner_text("#btn-play") == "Keep training"
        pg.click("#btn-play")
        samples = []

        def play_for(seconds, speed, every=4.0):
            assert pg.evaluate("() => window.pyinitLab.state().speed") == speed
            end = time.monotonic() + seconds
            last = lab_snapshot(pg)["step"]
            while time.monotonic() < end:
                time.sleep(min(every, max(0.0, end - time.monotonic())))
                s = lab_snapshot(pg)
                notice = pg.evaluate(
                    "() => { const n = document.getElementById('notice'); return n.hidden ? '' : n.textContent; }"
                )
                samples.append((speed, round(time.monotonic() - end + seconds, 1), s["step"], s["records"]))
                assert not notice, (notice, samples)
                assert s["playing"] and s["stopReason"] is None, (s["stopReason"], samples)
                assert pg.evaluate("() => document.documentElement.dataset.phase") == "live"
                assert s["step"] > last, f"stuck at step {last} (speed {speed}): {samples}"
                last = s["step"]
            return last

        play_for(40, "2")
        pg.select_option("#speed", "50")
        play_for(25, "50")
        pause_lab(pg)
        pg.select_option("#speed", "1")
        paused = lab_snapshot(pg)["step"]
        pg.click("#btn-play")
        assert play_for(15, "1") > paused
        assert not pg.errors, pg.errors
        print(json.dumps(samples))
    finally:
        context.close()
