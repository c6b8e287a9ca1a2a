"""The lab page (index.html) in Chromium: numbers read back from the page (each chart's `chartData`,
the DOM, and the read-only hook window.pyinitLab) compared with pyinit on CPython; the transport by
keyboard; the settings form; the panels that Python computes on demand.

Most tests share one loaded page (`lab`, module scope): Python loads once; each test sets the state
it needs through the URL hash (parsed like a pasted link, `lab_load`). Those runs use seed 1, which
no chapter precomputes, so they are trained live from step 0 with every step recorded (the chapters'
precomputed runs are thinned to every 2nd step and stored as float32; the first test covers them).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import (
    LOAD_TIMEOUT_MS,
    lab_go_to,
    lab_load,
    lab_snapshot,
    next_frames,
    open_live_lab,
    pause_lab,
    plot_data,
    story_end_drawn,
    wait_for_status,
    wait_lab_drawn,
    wait_lab_live,
)

ROOT = Path(__file__).resolve().parents[2]
SIZES = [2, 4, 1]
snapshot, pause = lab_snapshot, pause_lab


# ------------------------------------------------------------------------------------ helpers
def cli_run(**flags):
    args = [sys.executable, "-m", "pyinit", "run"]
    for k, v in flags.items():
        args += [f"--{k.replace('_', '-')}", str(v)]
    out = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(out.stdout)


def flat_theta(run, sizes, record=-1):
    """A CLI run's record -> the flat theta as pyinit's Layout stores it (each W transposed)."""
    parts = []
    for l in range(len(sizes) - 1):
        W = np.asarray(run["weights"][l][record])  # (fan_in, fan_out)
        parts += [W.T.ravel(), np.asarray(run["biases"][l][record])]
    return np.concatenate(parts)


def side_text(pg, side, cls):
    """A run head's text in the main figure (cls: run-title, run-stat, caption, diverged)."""
    return pg.inner_text(f"#fig-panels .run[data-side={side}] .{cls}")


def blur(pg):
    pg.evaluate("() => document.activeElement && document.activeElement.blur()")


@pytest.fixture(scope="module")
def lab(browser, server_url):
    """The live lab, scrolled to its "More panels" (every panel as a row, the settings form) once,
    so that the tests' clicks in the form never scroll the story under its reading line (which
    would set up that chapter); the figure keeps drawing the shown step."""
    context, pg = open_live_lab(browser, server_url)
    pg.click("#figure a.more-link")
    story_end_drawn(pg)  # the story's last experiments load (and may move it)
    pause_lab(pg)
    yield pg
    context.close()


# ------------------------------------------------------------------------------------ precomputed, then live
def test_precomputed_runs_first_then_live_with_the_clis_numbers(page, server_url):
    """The default chapter is drawn from its precomputed runs (pyinit's, on CPython, at build time;
    float32, every 2nd step) before Python is up; Python then continues them and agrees: with the
    shipped records to float32 precision, and with the CLI to 1e-12 on the steps it trains."""
    page.goto(server_url)
    page.wait_for_function("() => document.documentElement.dataset.firstPaintMs", timeout=LOAD_TIMEOUT_MS)
    first = snapshot(page)
    if page.evaluate("() => document.documentElement.dataset.status") == "loading":
        assert first["source"] == "precomputed" and first["phase"] == "precomputed"
    assert first["lastStep"] == 600 and first["records"] == 301  # chapter 1: 600 steps, every 2nd kept
    assert wait_for_status(page) == "ready"
    wait_lab_live(page)
    s = snapshot(page)
    h = s["handover"]
    assert h["step"] == h["liveStep"] == first["lastStep"], h  # Python trained silently up to there
    assert h["maxDiff"] <= 1e-6, h  # ... and agrees (float32 records)
    assert page.evaluate("() => document.documentElement.dataset.phase") == "live"
    # the live session's step 0 is the shipped step 0, rounded to float32 exactly as the build stored it
    same = page.evaluate("""async () => {
        const res = await window.pyinitBoot.py.call("lab.create", {settings: window.pyinitLab.settings()});
        await window.pyinitBoot.py.call("lab.dispose", {id: res.id});
        await window.pyinitLab.goTo(0);
        const shipped = window.pyinitLab.snapshot().runs.flatMap((r) => r.theta);
        const live = Array.from(res.frame.records.theta);
        return live.length === shipped.length && live.every((v, i) => Math.fround(v) === shipped[i]); }""")
    assert same
    # a precomputed step against the CLI (float32), a live step after the handover exactly
    pre = lab_go_to(page, 40)
    assert pre["step"] == 40 and pre["source"] == "live"
    cli = cli_run(init="xavier", seed=0, steps=40, every=40)
    np.testing.assert_allclose(pre["runs"][1]["theta"], flat_theta(cli, SIZES), rtol=1e-6, atol=1e-7)
    pause(page)
    live = lab_go_to(page, 611)
    assert live["step"] == 611
    cli = cli_run(init="xavier", seed=0, steps=611, every=611)
    np.testing.assert_allclose(live["runs"][1]["theta"], flat_theta(cli, SIZES), rtol=0, atol=1e-12)
    zeros = cli_run(init="zeros", seed=0, steps=611, every=611)
    np.testing.assert_array_equal(live["runs"][0]["theta"], flat_theta(zeros, SIZES))
    assert not page.console_errors, page.console_errors
    assert not page.external_requests, page.external_requests


def test_without_python_the_precomputed_runs_stay_usable(page, server_url):
    page.route("**/*.wasm", lambda route: route.abort())
    page.goto(server_url)
    assert wait_for_status(page) == "error"
    page.wait_for_function(
        "() => document.getElementById('figure-status').textContent.includes('could not start')"
    )
    assert "Precomputed runs" in page.inner_text(
        "#figure-status"
    ) or "End of the precomputed runs" in page.inner_text("#figure-status")
    s = snapshot(page)
    assert s["source"] == "precomputed" and s["lastStep"] == 600
    pause(page)
    page.fill("#scrubber", "50")  # record 50 of the thinned runs: step 100
    page.dispatch_event("#scrubber", "input")
    wait_lab_drawn(page)
    assert snapshot(page)["step"] == 100
    assert page.inner_text("#readout") == "step 100 of 600"
    assert plot_data(page, "fig-loss-right")["x"][-1] == 100
    assert page.is_disabled("#lr")  # new settings need Python: the form says so
    assert page.is_enabled("#speed")  # what is shown can still change


# ------------------------------------------------------------------------------------ what the charts show
def test_zero_init_trajectories_are_flat_and_identical_xavier_distinct(lab):
    lab_load(lab, "seed=1")
    lab_go_to(lab, 40)
    left, right = plot_data(lab, "traj-left"), plot_data(lab, "traj-right")
    assert left["x"] == list(range(41)) == right["x"]
    assert len(left["series"]) == len(right["series"]) == 12  # 4 units x (2 weights + bias)
    assert [e["name"] for e in left["legend"]] == ["unit 1", "unit 2", "unit 3", "unit 4"]
    for line in left["series"]:
        assert all(y == 0.0 for y in line["y"])  # flat, exactly at 0
    by_unit = {}
    for line in right["series"]:
        by_unit.setdefault(line["unit"], []).append(tuple(line["y"]))
    assert len({tuple(v) for v in by_unit.values()}) == 4  # four different units
    assert side_text(lab, "left", "caption") == "layer 1: 4 units, 1 distinct"
    assert side_text(lab, "right", "caption") == "layer 1: 4 units, 4 distinct"
    assert [r["caption"] for r in snapshot(lab)["runs"]] == [
        "layer 1: 4 units, 1 distinct",
        "layer 1: 4 units, 4 distinct",
    ]
    # the zero run's gradient norms are exactly 0, drawn on the log axis's "0 (exactly)" lane
    g = plot_data(lab, "gradnorm-left")
    assert g["yMode"] == "logzero" and [s["name"] for s in g["series"]] == ["layer 1", "output"]
    assert all(v == 0.0 for s in g["series"] for v in s["y"])
    sym_left, sym_right = plot_data(lab, "symmetry-left"), plot_data(lab, "symmetry-right")
    assert all(v == 0.0 for v in sym_left["series"][0]["y"])
    assert all(v > 0 for v in sym_right["series"][0]["y"])


def test_unit_pictures_identical_for_clones_distinct_for_xavier(lab):
    """Each hidden unit's picture, inside its node of the network diagram and in the Hidden units row."""
    lab_load(lab, "seed=1&left_init=constant")
    lab_go_to(lab, 20)
    for prefix in ("fig-network", "network"):
        left, right = plot_data(lab, f"{prefix}-left"), plot_data(lab, f"{prefix}-right")
        hidden_left, hidden_right = left["maps"][0], right["maps"][0]
        assert len(hidden_left) == len(hidden_right) == 4
        assert all(m == hidden_left[0] for m in hidden_left), prefix  # clones: one picture, four times
        assert len({tuple(m) for m in hidden_right}) == 4, prefix
        assert len(set(hidden_left[0])) > 1, "a clone's picture is not flat: the units do compute something"
    units_left, units_right = plot_data(lab, "units-left"), plot_data(lab, "units-right")
    assert all(m == units_left["maps"][0] for m in units_left["maps"])
    assert len({tuple(m) for m in units_right["maps"]}) == 4


def test_hidden_units_row_names_the_clones(lab):
    lab_load(lab, "seed=1&left_init=constant")
    lab_go_to(lab, 5)
    assert plot_data(lab, "units-left")["clones"] == [-1, 0, 0, 0]
    assert lab.locator("#units-left figcaption").all_inner_texts() == [
        "unit 1",
        "unit 2 = unit 1",
        "unit 3 = unit 1",
        "unit 4 = unit 1",
    ]


def test_n_steps_in_the_page_equal_the_cli(lab):
    lab_load(lab, "seed=1")
    s = lab_go_to(lab, 25)
    assert s["step"] == 25 and s["source"] == "live" and s["records"] == 26
    run = cli_run(init="xavier", seed=1, steps=25, every=25)
    assert run["steps"][-1] == 25
    np.testing.assert_allclose(s["runs"][1]["theta"], flat_theta(run, SIZES), rtol=0, atol=1e-12)
    assert s["runs"][1]["loss"] == pytest.approx(run["loss"][-1], abs=1e-12)
    zeros = cli_run(init="zeros", seed=1, steps=25, every=25)
    np.testing.assert_array_equal(s["runs"][0]["theta"], flat_theta(zeros, SIZES))
    # the run heads say the same numbers, in words
    assert side_text(lab, "left", "run-stat") == "loss 0.6931, accuracy 50.0%"


def test_scrubber_restores_an_earlier_step(lab):
    lab_load(lab, "seed=1")
    lab_go_to(lab, 10)
    charts = ("traj-right", "loss-right", "boundary-right", "fig-network-right", "fig-loss-left")
    early = {d: plot_data(lab, d) for d in charts}
    early_theta = snapshot(lab)["runs"][1]["theta"]
    lab_go_to(lab, 30)
    assert plot_data(lab, "loss-right")["x"] != early["loss-right"]["x"]
    lab.fill("#scrubber", "10")
    lab.dispatch_event("#scrubber", "input")
    wait_lab_drawn(lab)
    s = snapshot(lab)
    assert s["step"] == 10 and s["lastStep"] == 30
    assert s["runs"][1]["theta"] == early_theta
    # the same picture, but for the shared y range of the paired loss panels: it covers every record
    # held by both runs (app/views.js pairDomains), so it may have widened since step 10
    unshared = lambda data: {k: v for k, v in data.items() if k != "yDomain"}  # noqa: E731
    for d, data in early.items():
        assert unshared(plot_data(lab, d)) == unshared(data), d
    assert lab.inner_text("#readout") == "step 10 of 30"


def test_keyboard_only_transport(lab):
    lab_load(lab, "seed=1")
    lab.focus("#btn-play")  # Space on the focused Play button
    lab.keyboard.press("Space")
    lab.wait_for_function("() => window.pyinitLab.snapshot().step > 10")
    assert lab.inner_text("#btn-play") == "Pause" and lab.get_attribute("#btn-play", "aria-pressed") == "true"
    lab.keyboard.press("Space")
    lab.wait_for_function("() => !window.pyinitLab.snapshot().playing")
    blur(lab)  # Space anywhere else on the page
    lab.keyboard.press("Space")
    lab.wait_for_function("() => window.pyinitLab.snapshot().step > 20")
    lab.keyboard.press("Space")  # pause: takes effect by the next frame
    lab.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
    lab.evaluate("() => window.pyinitLab.idle()")
    shown = snapshot(lab)
    assert not shown["playing"]
    next_frames(lab, 20)  # paused: twenty frames later, the same step
    assert snapshot(lab)["step"] == shown["step"]
    lab.keyboard.press("ArrowLeft")
    assert snapshot(lab)["cursor"] == shown["cursor"] - 1
    lab.keyboard.press("ArrowRight")
    lab.evaluate("() => window.pyinitLab.idle()")
    assert snapshot(lab)["cursor"] == shown["cursor"]
    # at the end of the records, → trains one more step
    lab.evaluate("() => window.pyinitLab.goTo(window.pyinitLab.snapshot().lastStep)")
    last = snapshot(lab)["lastStep"]
    lab.keyboard.press("ArrowRight")
    lab.wait_for_function("(n) => window.pyinitLab.snapshot().step === n", arg=last + 1)
    # the buttons are reachable with Tab, in order, and say what they do
    lab.focus("#btn-reset")
    order = []
    for _ in range(3):
        lab.keyboard.press("Tab")
        order.append(lab.evaluate("() => document.activeElement.id"))
    assert order == ["btn-back", "btn-play", "btn-step"]
    assert lab.get_attribute("#btn-play", "aria-keyshortcuts") == "Space"
    assert lab.get_attribute("#btn-back", "aria-label") == "Back"
    blur(lab)


def test_divergence_stops_one_side_and_the_other_goes_on(lab):
    lab_load(lab, "seed=1&activation=linear&lr=10&right_init=he&speed=50")
    lab.click("#btn-play")
    lab.wait_for_function("() => window.pyinitLab.snapshot().step > 300", timeout=30_000)
    pause(lab)
    wait_lab_drawn(lab)
    s = snapshot(lab)
    d = s["runs"][1]["diverged"]
    assert d and d["reason"] == "loss became inf", s["runs"][1]
    assert side_text(lab, "right", "diverged") == f"diverged at step {d['step']} (loss became inf)"
    assert lab.is_hidden("#fig-panels .run[data-side=left] .diverged")
    assert s["step"] > d["step"] and s["runs"][0]["diverged"] is None
    assert np.isfinite(s["runs"][0]["loss"])
    assert lab.is_hidden("#notice") or "diverged" not in lab.inner_text("#notice")  # one side only: no stop
    # the loss chart marks the divergence
    assert plot_data(lab, "loss-right")["marks"][-1]["x"] == d["step"]


def test_bad_values_are_refused_at_the_control(lab):
    lab_load(lab, "seed=1")
    lab.evaluate("""() => { window.__calls = []; const py = window.pyinitBoot.py;
        if (!py.__wrapped) { const call = py.call.bind(py);
            py.call = (fn, args) => { window.__calls.push(fn); return call(fn, args); }; py.__wrapped = true; } }""")
    creates = "() => window.__calls.filter((f) => f === 'lab.create').length"
    cases = [
        ("#lr", "abc", "must be a number from"),
        ("#width", "17", "from 1 to 16"),
        ("#width", "2.5", "whole number"),
        ("#n_samples", "", "enter a number"),
        ("#batch_size", "500", "at most the number of points (200)"),
        ("#lr", "1e999", "must be a number"),
    ]
    for sel, value, message in cases:
        lab.fill(sel, value)
        lab.press(sel, "Enter")
        msg = lab.inner_text(sel + "-msg")
        assert message in msg, (sel, value, msg)
        assert lab.get_attribute(sel, "aria-invalid") == "true"
    assert lab.evaluate(creates) == 0
    state = lab.evaluate("() => window.pyinitLab.state()")
    assert (state["lr"], state["width"], state["n_samples"], state["batch_size"]) == (0.5, 4, 200, 0)
    # a rule across two controls: constant c = -1 is fine, but normal sigma = -1 is refused
    lab.select_option("#left_init", "constant")
    lab.fill("#left_scale", "-1")
    lab.press("#left_scale", "Enter")
    lab.wait_for_function("() => window.pyinitLab.state().left_scale === -1")
    lab.evaluate("() => { window.__calls.length = 0; }")
    lab.select_option("#left_init", "normal")
    assert "σ: must be greater than 0 for this init" in lab.inner_text("#left_scale-msg")
    assert lab.evaluate("() => window.pyinitLab.state().left_init") == "constant"
    assert lab.evaluate(creates) == 0
    lab.fill("#lr", "0.25")
    lab.press("#lr", "Enter")
    assert lab.inner_text("#lr-msg") == ""
    lab.wait_for_function("() => window.pyinitLab.state().lr === 0.25")
    assert lab.get_attribute("#lr", "aria-invalid") is None
    pause(lab)


def test_a_focused_field_never_commits_a_stale_value(lab):
    """A field still focused after Enter follows a change made elsewhere (a pasted link), and leaving
    it commits nothing: it once put its old value back and restarted the runs (a flaky test found it)."""
    lab_load(lab, "seed=1")
    lab.fill("#lr", "0.25")
    lab.press("#lr", "Enter")
    lab.wait_for_function("() => window.pyinitLab.state().lr === 0.25")
    assert lab.evaluate("() => document.activeElement.id") == "lr"
    # (new runs may play: pausing them is a click on Pause, which takes the focus; give it back)
    pause_lab(lab)
    lab.focus("#lr")
    lab_load(lab, "seed=2")  # lr back to its default while #lr has the focus
    assert lab.evaluate("() => document.activeElement.id") == "lr"
    assert lab.input_value("#lr") == "0.5"
    lab_go_to(lab, 3)
    blur(lab)  # leaving the field: no commit, same runs, same step
    next_frames(lab)
    lab.evaluate("() => window.pyinitLab.idle()")
    snap = lab.evaluate("() => [window.pyinitLab.state().lr, window.pyinitLab.snapshot().step]")
    assert snap == [0.5, 3], snap
    # typing and leaving without Enter still commits (the change event)
    lab.fill("#lr", "0.3")
    blur(lab)
    lab.wait_for_function("() => window.pyinitLab.state().lr === 0.3")
    assert not lab.errors, lab.errors


def test_inspector_landscape_and_network_show_the_numbers(lab):
    lab_load(lab, "seed=1")
    lab.evaluate("""() => { window.__old = { table: document.querySelector('#inspector-left table'),
        land: document.getElementById('landscape-left').data }; }""")
    lab_go_to(lab, 5)
    # computed by Python for the shown step once paused: new numbers (not a previous test's), at step 5
    lab.wait_for_function(
        """() => { const t = document.querySelector('#inspector-left table');
        return t && t !== window.__old.table && document.querySelector('#row-inspector .cell-extra').textContent === 'Numbers at step 5.'; }""",
        timeout=30_000,
    )
    lab.wait_for_function(
        """() => { const d = document.getElementById('landscape-left').data;
        return d && d.length && d !== window.__old.land; }""",
        timeout=30_000,
    )
    captions = lab.eval_on_selector_all("#inspector-left caption", "els => els.map(e => e.textContent)")
    assert {"a0", "z1", "a1", "delta1", "dW1", "db1", "dW2"} <= set(captions)
    assert lab.locator("#inspector-left th.ident").count() >= 4  # the four clone columns, marked
    assert lab.locator("#inspector-right th.ident").count() == 0
    formula = lab.inner_text("#inspector-left .formula >> nth=0")
    assert formula.startswith("dW[1,1] = (aᵀ·delta)[1,1] / n = (") and formula.endswith("/ 200 = 0")
    assert lab.evaluate("() => document.getElementById('landscape-left').data[0].type") == "contour"
    lab.wait_for_function(
        "() => document.querySelector('#row-landscape .cell-extra').textContent.startsWith('Step 5.')"
    )
    why = lab.inner_text("#inspector-left")
    assert "dW1 is exactly 0 because delta1 is 0 for every sample" in why
    assert "dW2 is exactly 0 because a1 is 0 for every sample" in why
    assert "Units 1, 2, 3, 4 of layer 1 are identical" in why
    # the network diagram: the value of each edge on keyboard focus
    lab.focus("#network-right svg")
    lab.keyboard.press("ArrowRight")
    text = lab.inner_text("#network-right .readout")
    assert text.startswith("x1 → h1.") and "weight" in text
    w = plot_data(lab, "network-right")["W"][0]
    assert any(f"{v:.4f}"[:5] in text for v in w), (text, w)
    blur(lab)
    assert not lab.errors, lab.errors


def test_live_region_and_numbers_table_for_screen_readers(lab):
    """The shown step in words (a polite live region) and the charts' numbers as a table."""
    lab_load(lab, "seed=1")
    lab_go_to(lab, 3)
    lab.wait_for_function("() => document.getElementById('lab-announce').textContent.startsWith('Step 3.')")
    assert lab.get_attribute("#lab-announce", "aria-live") == "polite"
    assert "Loss left 0.6931, right " in lab.inner_text("#lab-announce")
    lab.wait_for_function(
        "() => document.getElementById('lab-numbers-caption').textContent.startsWith('Step 3:')"
    )
    rows = lab.evaluate("""() => Array.from(document.querySelectorAll('#lab-numbers tbody tr'),
        (tr) => Array.from(tr.children, (c) => c.textContent))""")
    assert rows[0][:2] == ["loss", "0.693147"] and rows[1][:2] == ["accuracy", "50%"]
    assert [r[0] for r in rows[2:]] == [
        "symmetry S, hidden layer 1",
        "gradient norm, layer 1",
        "gradient norm, output layer",
    ]
    assert rows[2][1] == "0 (exactly)" and rows[3][1] == "0 (exactly)"  # zeros: symmetric, frozen
    assert float(rows[2][2]) > 0 and float(rows[3][2]) > 0  # Xavier: neither
