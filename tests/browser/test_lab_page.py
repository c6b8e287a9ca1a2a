"""The lab page in Chromium: numbers read back from the page (plotly's graph divs, the DOM, and the
read-only hook window.pyinitLab.snapshot()), compared with pyinit on CPython.

Most tests share one loaded page (`lab`, module scope): Python loads once; each test sets the state
it needs through the URL hash (parsed like a pasted link) or through the controls.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from conftest import (LOAD_TIMEOUT_MS, lab_snapshot, open_live_lab, pause_lab, wait_for_status,
                      wait_lab_live)

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "screenshots"
DEFAULT_P = 17


# ------------------------------------------------------------------------------------ helpers
snapshot, wait_live, pause = lab_snapshot, wait_lab_live, pause_lab


def wait_drawn(pg):
    pg.wait_for_function("() => window.pyinitLab && window.pyinitLab.drawnAll()", timeout=20_000)


def load_state(pg, query: str):
    """Set the whole state from a URL hash, then Reset: fresh live runs at step 0, paused."""
    pg.evaluate("""(q) => new Promise((done) => {
        window.addEventListener("hashchange", () => setTimeout(done, 0), {once: true});
        location.hash = q; })""", query or f"_{time.time()}")
    pause(pg)
    builds = pg.evaluate("() => window.pyinitLab.builds")
    pg.click("#btn-reset")
    pg.wait_for_function("(b) => window.pyinitLab.builds > b", arg=builds, timeout=20_000)
    pause(pg)
    assert snapshot(pg)["step"] == 0


def plot_data(pg, div_id):
    """What a chart last drew (the read-only `chartData` its factory keeps on its container)."""
    return pg.evaluate("""(id) => { const d = document.getElementById(id).chartData;
        const plain = (v) => ArrayBuffer.isView(v) ? Array.from(v) : Array.isArray(v) ? v.map(plain)
            : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).filter(([, x]) => typeof x !== "function")
                .map(([k, x]) => [k, plain(x)])) : v;
        return plain(d); }""", div_id)


def step_to(pg, n):
    """Press → until the shown step is n (each press: one update, or one record forward)."""
    pg.evaluate("() => document.activeElement && document.activeElement.blur()")
    while snapshot(pg)["step"] < n:
        pg.keyboard.press("ArrowRight")
        pg.evaluate("() => window.pyinitLab.idle()")
    wait_drawn(pg)


def cli_run(**flags):
    args = [sys.executable, "-m", "pyinit", "run"]
    for k, v in flags.items():
        args += [f"--{k.replace('_', '-')}", str(v)]
    out = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(out.stdout)


def flat_theta(run, sizes):
    """CLI run JSON (last record) -> the flat theta as pyinit.network.Layout stores it."""
    parts = []
    for l in range(len(sizes) - 1):
        W = np.asarray(run["weights"][l][-1])          # (fan_in, fan_out)
        parts += [W.T.ravel(), np.asarray(run["biases"][l][-1])]   # W stored transposed
    return np.concatenate(parts)


@pytest.fixture(scope="module")
def lab(browser, server_url):
    context, pg = open_live_lab(browser, server_url)
    yield pg
    context.close()


# ------------------------------------------------------------------------------------ tests
def test_precomputed_first_paint_then_live_without_a_jump(page, server_url):
    page.goto(server_url)
    page.wait_for_function("() => document.documentElement.dataset.firstPaintMs", timeout=LOAD_TIMEOUT_MS)
    first = snapshot(page)
    status = page.evaluate("() => document.documentElement.dataset.status")
    if status == "loading":       # painted before Python was up: from the precomputed runs
        assert first["source"] == "precomputed"
    assert first["lastStep"] >= 500
    assert wait_for_status(page) == "ready"
    wait_live(page)
    s = snapshot(page)
    # the live session caught up to a precomputed step (the shown one or a little ahead) and agrees
    assert 0 <= s["handover"]["step"] <= first["lastStep"] and s["handover"]["liveStep"] == s["handover"]["step"]
    assert s["handover"]["maxDiff"] <= 1e-12, s["handover"]
    # step 0 of the live session equals the shipped step 0 exactly
    same = page.evaluate("""async () => {
        const cfg = window.pyinitLab.config();
        const res = await window.pyinitBoot.py.call("lab.create", {config: cfg});
        await window.pyinitBoot.py.call("lab.dispose", {id: res.id});
        const head = await (await fetch("data/default-run.json")).json();
        const blob = new Float64Array(await (await fetch("data/" + head.binary)).arrayBuffer());
        const [o] = head.arrays.theta;
        const live = res.frame.records.theta;
        for (let i = 0; i < live.length; i++) if (live[i] !== blob[o + i]) return false;
        return live.length === 2 * 17;
    }""")
    assert same
    assert not page.console_errors, page.console_errors


def test_without_python_the_precomputed_runs_stay_usable(page, server_url):
    page.route("**/*.wasm", lambda route: route.abort())
    page.goto(server_url)
    assert wait_for_status(page) == "error"
    page.wait_for_function("() => document.getElementById('lab-status').textContent.includes('could not start')")
    text = page.inner_text("#lab-status")
    assert "precomputed runs" in text and "need Python" in text
    s = snapshot(page)
    assert s["source"] == "precomputed"
    pause(page)
    page.fill("#scrubber", "100")
    page.dispatch_event("#scrubber", "input")
    wait_drawn(page)
    assert snapshot(page)["step"] == 100
    assert page.is_disabled("#lr")                           # settings need Python: said, and disabled


def test_zero_init_trajectories_are_flat_and_identical_xavier_distinct(lab):
    load_state(lab, "")
    step_to(lab, 40)
    left, right = plot_data(lab, "traj-left"), plot_data(lab, "traj-right")
    assert left["x"] == list(range(41)) == right["x"]
    assert len(left["series"]) == len(right["series"]) == 12     # 4 units x (2 weights + bias)
    assert [e["name"] for e in left["legend"]] == ["unit 1", "unit 2", "unit 3", "unit 4"]
    for line in left["series"]:
        assert all(y == 0.0 for y in line["y"])                   # flat, exactly at 0
    by_unit = {}
    for line in right["series"]:
        by_unit.setdefault(line["unit"], []).append(tuple(line["y"]))
    assert len({tuple(v) for v in by_unit.values()}) == 4         # four different units
    assert lab.inner_text("#caption-left") == "layer 1: 4 units, 1 distinct"
    assert lab.inner_text("#caption-right") == "layer 1: 4 units, 4 distinct"
    # the gradient norms of the zero run are exactly 0, drawn on the log axis's "0 (exactly)" lane
    g = plot_data(lab, "gradnorm-left")
    assert g["yMode"] == "logzero" and [s["name"] for s in g["series"]] == ["layer 1", "output"]
    assert all(v == 0.0 for s in g["series"] for v in s["y"])
    sym = plot_data(lab, "symmetry-right")
    assert all(v > 0 for v in sym["series"][0]["y"])


def test_hidden_unit_maps_clones_are_identical(lab):
    load_state(lab, "unit_maps=1")
    step_to(lab, 20)
    left, right = plot_data(lab, "units-left"), plot_data(lab, "units-right")
    assert len(left["maps"]) == len(right["maps"]) == 4
    assert all(m == left["maps"][0] for m in left["maps"]) and left["clones"] == [-1, 0, 0, 0]
    assert len({tuple(m) for m in right["maps"]}) == 4 and right["clones"] == [-1, -1, -1, -1]
    assert lab.locator("#units-left figcaption").all_inner_texts() == [
        "unit 1", "unit 2 = unit 1", "unit 3 = unit 1", "unit 4 = unit 1"]


def test_n_steps_in_the_page_equal_the_cli(lab):
    load_state(lab, "")
    step_to(lab, 25)
    s = snapshot(lab)
    assert s["step"] == 25 and s["source"] == "live"
    right = np.array(s["runs"][1]["theta"])
    run = cli_run(init="xavier", seed=0, steps=25, every=25)
    assert run["steps"][-1] == 25
    np.testing.assert_allclose(right, flat_theta(run, [2, 4, 1]), rtol=0, atol=1e-12)
    zeros = cli_run(init="zeros", seed=0, steps=25, every=25)
    np.testing.assert_array_equal(np.array(s["runs"][0]["theta"]), flat_theta(zeros, [2, 4, 1]))


def test_scrubber_restores_an_earlier_step(lab):
    load_state(lab, "")
    step_to(lab, 10)
    early = {d: plot_data(lab, d) for d in ("traj-right", "loss-right", "boundary-right")}
    early_theta = snapshot(lab)["runs"][1]["theta"]
    step_to(lab, 30)
    assert plot_data(lab, "loss-right")["x"] != early["loss-right"]["x"]
    lab.fill("#scrubber", "10")
    lab.dispatch_event("#scrubber", "input")
    wait_drawn(lab)
    s = snapshot(lab)
    assert s["step"] == 10 and s["lastStep"] == 30
    assert s["runs"][1]["theta"] == early_theta
    for d, data in early.items():
        assert plot_data(lab, d) == data, d
    assert "step 10 of 30" in lab.inner_text("#readout")


def test_keyboard_only_transport(lab):
    load_state(lab, "")
    lab.focus("#btn-play")                                   # Space on the focused Play button
    lab.keyboard.press("Space")
    lab.wait_for_function("() => window.pyinitLab.snapshot().step > 10")
    lab.keyboard.press("Space")
    lab.wait_for_function("() => !window.pyinitLab.snapshot().playing")
    lab.evaluate("() => document.activeElement.blur()")      # Space anywhere else on the page
    lab.keyboard.press("Space")
    lab.wait_for_function("() => window.pyinitLab.snapshot().step > 20")
    lab.keyboard.press("Space")                              # pause: takes effect by the next frame
    lab.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
    shown = snapshot(lab)
    assert not shown["playing"]
    time.sleep(0.4)
    assert snapshot(lab)["step"] == shown["step"]
    lab.evaluate("() => window.pyinitLab.idle()")
    lab.keyboard.press("ArrowLeft")
    back = snapshot(lab)
    assert back["cursor"] == shown["cursor"] - 1
    lab.keyboard.press("ArrowRight")
    lab.evaluate("() => window.pyinitLab.idle()")
    assert snapshot(lab)["cursor"] == shown["cursor"]
    # the buttons are reachable with Tab and say what they do
    lab.focus("#btn-reset")
    lab.keyboard.press("Tab")
    assert lab.evaluate("() => document.activeElement.id") == "btn-back"
    assert lab.get_attribute("#btn-play", "aria-keyshortcuts") == "Space"


def test_divergence_stops_one_side_and_the_other_goes_on(lab):
    load_state(lab, "activation=linear&lr=10&right_init=he&speed=50")
    lab.click("#btn-play")
    lab.wait_for_function("() => window.pyinitLab.snapshot().step > 300", timeout=30_000)
    pause(lab)
    wait_drawn(lab)
    s = snapshot(lab)
    d = s["runs"][1]["diverged"]
    assert d["reason"] == "loss became inf"
    assert lab.inner_text("#div-right") == f"⚠ diverged at step {d['step']} (loss became inf)" or \
        lab.inner_text("#div-right") == f"diverged at step {d['step']} (loss became inf)"
    assert lab.is_hidden("#div-left")
    assert s["step"] > d["step"] and s["runs"][0]["diverged"] is None
    assert np.isfinite(s["runs"][0]["loss"])


def test_bad_values_are_refused_at_the_control(lab):
    load_state(lab, "")
    calls = lab.evaluate("""() => { window.__calls = []; const py = window.pyinitBoot.py; const call = py.call;
        py.call = (fn, args) => { window.__calls.push(fn); return call(fn, args); }; return true; }""")
    assert calls
    cases = [("#lr", "abc", "must be a number from"), ("#width", "17", "from 1 to 16"),
             ("#width", "2.5", "whole number"), ("#n_samples", "", "enter a number"),
             ("#batch_size", "500", "at most the number of points (200)"), ("#lr", "1e999", "must be a number")]
    for sel, value, message in cases:
        lab.fill(sel, value)
        lab.press(sel, "Enter")
        msg = lab.inner_text(sel + "-msg")
        assert message in msg, (sel, value, msg)
        assert lab.get_attribute(sel, "aria-invalid") == "true"
    assert lab.evaluate("() => window.__calls.filter((f) => f === 'lab.create').length") == 0
    assert lab.evaluate("() => window.pyinitLab.state().lr") == 0.5
    # a rule across two controls: constant c = -1 is fine, but normal sigma = -1 is refused
    lab.select_option("#left_init", "constant")
    lab.fill("#left_scale", "-1")
    lab.press("#left_scale", "Enter")
    lab.wait_for_function("() => window.pyinitLab.state().left_scale === -1")
    lab.evaluate("() => { window.__calls.length = 0; }")
    lab.select_option("#left_init", "normal")
    assert "σ: must be greater than 0 for this init" in lab.inner_text("#left_scale-msg")
    assert lab.evaluate("() => window.pyinitLab.state().left_init") == "constant"
    assert lab.evaluate("() => window.__calls.filter((f) => f === 'lab.create').length") == 0
    lab.fill("#lr", "0.25")
    lab.press("#lr", "Enter")
    assert lab.inner_text("#lr-msg") == ""
    lab.wait_for_function("() => window.pyinitLab.state().lr === 0.25")


def test_inspector_landscape_and_network_show_the_numbers(lab):
    load_state(lab, "")
    step_to(lab, 5)
    lab.wait_for_selector("#inspector-left table", timeout=20_000)
    lab.wait_for_function("() => document.getElementById('landscape-left').data", timeout=20_000)
    captions = lab.eval_on_selector_all("#inspector-left caption", "els => els.map(e => e.textContent)")
    assert {"a0", "z1", "a1", "delta1", "dW1", "db1", "dW2"} <= set(captions)
    assert lab.locator("#inspector-left th.ident").count() >= 4     # the four clone columns, marked
    assert lab.locator("#inspector-right th.ident").count() == 0
    formula = lab.inner_text("#inspector-left .formula >> nth=0")
    assert formula.startswith("dW[1,1] = (aᵀ·delta)[1,1] / n = (") and formula.endswith("/ 200 = 0")
    land = lab.evaluate("() => document.getElementById('landscape-left').data.map((t) => t.type)")
    assert land[0] == "contour"
    why = lab.inner_text("#inspector-left")
    assert "dW1 is exactly 0 because delta1 is 0 for every sample" in why
    assert "dW2 is exactly 0 because a1 is 0 for every sample" in why
    assert "Units 1, 2, 3, 4 of layer 1 are identical" in why
    # network diagram: value on keyboard focus
    lab.focus("#network-right svg")
    lab.keyboard.press("ArrowRight")
    text = lab.inner_text("#network-right .readout")
    assert text.startswith("x1 → h1.") and "weight" in text
    assert not lab.errors, lab.errors


@pytest.mark.parametrize("name,width,height", [("desktop", 1280, 900), ("phone", 360, 780)])
def test_screenshots(browser, server_url, name, width, height):
    """Full-page screenshots for people to look at (tests/screenshots/, git-ignored)."""
    context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1)
    pg = context.new_page()
    pg.goto(server_url)
    assert wait_for_status(pg) == "ready"
    wait_live(pg)
    pg.wait_for_function("() => window.pyinitLab.snapshot().step >= 150", timeout=30_000)
    pause(pg)
    wait_drawn(pg)
    pg.wait_for_selector("#inspector-right table", timeout=20_000)
    pg.wait_for_function("() => document.getElementById('landscape-right').data", timeout=20_000)
    overflow = pg.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the {width}px viewport"
    SCREENSHOTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(SCREENSHOTS / f"lab-{name}.png"), full_page=True)
    context.close()
