"""The guided tour in Chromium: every chapter's claim read back from the page (the lab's snapshot hook,
the chapter views' plotly graph divs and tables), languages, keyboard, accessibility audit, layout.

Chapter presets come from pyinit.web.chapters (the page fetches the same ones through the worker); native
numbers for comparison are computed here with the same functions (tests/web/test_chapters.py proves the
claims natively). Most tests share one loaded page (`tour`, module scope).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from conftest import LOAD_TIMEOUT_MS, lab_snapshot, open_live_lab, pause_lab, wait_for_status, wait_lab_live
from pyinit.web import chapters as pytour, page_state

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
LN2 = math.log(2)
CHAPTERS = [c["id"] for c in pytour.presets()["chapters"]]


# ------------------------------------------------------------------------------------ helpers
snapshot, pause = lab_snapshot, pause_lab


def wait_live(pg):
    wait_lab_live(pg)
    pg.wait_for_function("() => window.pyinitTour && window.pyinitTour.presets()", timeout=LOAD_TIMEOUT_MS)


def go(pg, n):
    pg.evaluate("(n) => window.pyinitTour.go(n)", n)
    pg.wait_for_function("(n) => document.getElementById('chapter').dataset.chapter === n", arg=CHAPTERS[n - 1])


def wait_view(pg, timeout=60_000):
    pg.wait_for_function("() => ['done', 'error'].includes(document.getElementById('chapter-view').dataset.status)",
                         timeout=timeout)
    assert pg.evaluate("() => document.getElementById('chapter-view').dataset.status") == "done", \
        pg.inner_text("#chapter-view")


def plotted(pg, div_id):
    """The traces a chapter-view chart drew (plotly keeps them on its graph div)."""
    return pg.evaluate("""(id) => document.getElementById(id).data.map((t) => ({
        name: t.name, x: Array.from(t.x), y: Array.from(t.y, (v) => v === null ? null : v)}))""", div_id)


def table(pg, table_id):
    return pg.evaluate("""(id) => Array.from(document.getElementById(id).querySelectorAll('tbody tr'),
        (tr) => Array.from(tr.children, (c) => c.textContent))""", table_id)


def try_it(pg, n, steps):
    """Open chapter n, press Try it, then Step `steps` times with the → key; the lab's snapshot."""
    go(pg, n)
    builds = pg.evaluate("() => window.pyinitLab.builds")
    pg.click("#try-it")
    preset = pytour.chapter(n)
    want = page_state.legacy_config(preset["state"])
    pg.wait_for_function("(b) => window.pyinitLab.builds > b", arg=builds, timeout=30_000)
    pause(pg)
    got = pg.evaluate("() => window.pyinitLab.config()")
    assert got == json.loads(json.dumps(want))
    pg.evaluate("() => document.activeElement && document.activeElement.blur()")
    start = snapshot(pg)["step"]
    assert start == 0
    while snapshot(pg)["step"] < steps:
        pg.keyboard.press("ArrowRight")
        pg.evaluate("() => window.pyinitLab.idle()")
    return snapshot(pg)


@pytest.fixture(scope="module")
def tour(browser, server_url):
    context, pg = open_live_lab(browser, server_url)
    wait_live(pg)
    yield pg
    context.close()


# ------------------------------------------------------------------------------------ presets
def test_page_presets_are_pyinit_tour_presets(tour):
    page = tour.evaluate("() => window.pyinitTour.presets()")
    assert page == json.loads(json.dumps(pytour.presets()))      # (1 == 1.0: JSON numbers compare by value)
    toc = tour.evaluate("() => Array.from(document.querySelectorAll('.tour-toc-list a'), (a) => a.dataset.chapter)")
    assert toc == [str(n) for n in range(1, 9)]


# ------------------------------------------------------------------------------------ chapters in the lab
def test_chapter1_zeros_frozen_xavier_learns(tour):
    s = try_it(tour, 1, 30)
    left, right = s["runs"]
    assert not any(left["theta"]) and not any(left["grad"])
    assert left["loss"] == pytest.approx(LN2, abs=1e-12)
    assert right["loss"] < LN2 - 0.01


def test_chapter2_no_hidden_layer_zero_start_learns(tour):
    s = try_it(tour, 2, 30)
    assert s["meta"]["sizes"] == [2, 1]
    left, right = s["runs"]
    assert any(left["theta"])
    assert left["loss"] < 0.5 and right["loss"] < 0.5


def test_chapter3_constant_init_clones(tour):
    s = try_it(tour, 3, 30)
    left = s["runs"][0]
    W1 = np.array(left["theta"][:8]).reshape(4, 2)      # W[1] stored transposed: one row per unit
    assert np.all(W1 == W1[0]) and np.abs(W1 - 0.5).max() > 0
    assert "4 units, 1 distinct" in left["caption"]
    assert "4 distinct" in s["runs"][1]["caption"]


def test_chapter4_sigmoid_moves_symmetric_and_view_table(tour):
    s = try_it(tour, 4, 40)
    left = s["runs"][0]
    W1 = np.array(left["theta"][:8]).reshape(4, 2)
    assert np.abs(W1).max() > 0 and np.all(W1 == W1[0]), "sigmoid from zeros: moves, stays symmetric"
    wait_view(tour)
    rows = table(tour, "view-stuck-table")
    assert [r[0] for r in rows] == ["tanh", "ReLU", "sigmoid"]
    assert rows[0][1:4] == ["never (exactly 0)"] * 3 and rows[1][1:4] == ["never (exactly 0)"] * 3
    assert rows[2][1:4] == ["step 2", "step 1", "step 0"]


def test_chapter5_break_steps_plotted_grow_like_log(tour):
    go(tour, 5)
    wait_view(tour)
    native = pytour.eps_sweep(pytour.chapter(5)["view"])
    points = plotted(tour, "view-noise-break")[0]
    assert points["x"] == native["eps"]
    assert points["y"] == native["break_step"]
    gaps = np.diff(points["y"][1:])
    assert all(g > 0 for g in np.diff(points["y"])) and gaps.max() - gaps.min() <= 0.1 * gaps.mean()
    assert "R² = 0.999" in tour.inner_text(".view-result")


def test_chapter6_restart_losses_plotted(tour):
    go(tour, 6)
    wait_view(tour)
    native = pytour.restarts(pytour.chapter(6)["view"])
    loss = plotted(tour, "view-restarts-loss")[0]["y"]
    np.testing.assert_allclose(loss, native["final_loss"], rtol=1e-9)
    assert max(loss) - min(loss) > 0.1
    assert tour.locator("#view-restarts-maps canvas").count() == 16
    assert len(table(tour, "view-restarts-table")) == 16


def test_chapter7_signal_plotted_and_lab(tour):
    go(tour, 7)
    wait_view(tour)
    native = {(r["activation"], r["init"]): r for r in pytour.signal(pytour.chapter(7)["view"])["runs"]}
    traces = {t["name"]: t for t in plotted(tour, "view-signal-act")}
    he, xavier = traces["He"]["y"], traces["Xavier"]["y"]
    np.testing.assert_allclose(he, native[("relu", "he")]["activation_std"], rtol=1e-6)
    assert xavier[-1] / xavier[0] < 1e-3 < he[-1] / he[0]
    tour.check("input[name=signal-act][value=tanh]")
    traces = {t["name"]: t for t in plotted(tour, "view-signal-grad")}
    grad = traces["σ = 1 (too large)"]["y"]
    assert grad[0] > 1e3 * grad[-1], "tanh with sigma = 1: gradients explode towards the input"
    s = try_it(tour, 7, 20)
    assert s["runs"][0]["loss"] == pytest.approx(LN2, abs=1e-3)


@pytest.mark.slow
def test_chapter8_reproduced_in_the_browser(tour):
    go(tour, 8)
    tour.click("#view-reproduce-run")
    wait_view(tour, timeout=300_000)
    acc = {t["name"]: t["y"] for t in plotted(tour, "view-reproduce-acc")}
    assert acc["zeros"][-1] == 0.5
    assert acc["He"][-1] >= 0.95
    assert "15,000 steps" in tour.inner_text(".view-result")


# ------------------------------------------------------------------------------------ languages
def test_language_switch_keeps_the_lab_and_is_remembered(tour, server_url):
    go(tour, 5)
    wait_view(tour)
    tour.evaluate("() => document.activeElement && document.activeElement.blur()")
    for _ in range(3):
        tour.keyboard.press("ArrowRight")
        tour.evaluate("() => window.pyinitLab.idle()")
    before = snapshot(tour)
    state_before = tour.evaluate("() => window.pyinitLab.state()")
    tour.click(".lang-switch button[data-lang=pl]")
    tour.wait_for_function("() => document.documentElement.lang === 'pl'")
    after = snapshot(tour)
    assert after["step"] == before["step"] and after["runs"][0]["theta"] == before["runs"][0]["theta"]
    state_after = tour.evaluate("() => window.pyinitLab.state()")
    assert {k: v for k, v in state_after.items() if k != "lang"} == {k: v for k, v in state_before.items() if k != "lang"}
    assert tour.inner_text("#chapter-title") == "Odrobina szumu wystarczy"
    assert tour.inner_text("#btn-reset") == "Od nowa"
    assert "R² = 0,999" in tour.inner_text(".view-result"), "Polish decimal comma"
    assert "lang=pl" in tour.evaluate("() => location.hash")
    assert tour.evaluate("() => localStorage.getItem('pyinit.lang')") == "pl"
    assert not tour.evaluate("() => window.pyinitTour.missingKeys()")
    # remembered: a link without lang opens in Polish in the same browser
    other = tour.context.new_page()
    other.goto(server_url + "#chapter=2")
    other.wait_for_function("() => document.getElementById('chapter-title')")
    assert other.evaluate("() => document.documentElement.lang") == "pl"
    assert other.inner_text("#chapter-title") == "Aktualizacje się dodaje, a nie mnoży"
    other.close()
    tour.click(".lang-switch button[data-lang=en]")
    tour.wait_for_function("() => document.documentElement.lang === 'en'")
    assert tour.inner_text("#chapter-title") == "A little noise is enough"


def test_language_and_chapter_from_the_url(browser, server_url):
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    pg = context.new_page()
    pg.goto(server_url + "#chapter=6&lang=pl")
    pg.wait_for_function("() => document.getElementById('chapter-title')")
    assert pg.evaluate("() => document.documentElement.lang") == "pl"
    assert pg.inner_text("#chapter-title") == "Różne starty, różne rozwiązania"
    assert pg.get_attribute(".tour-toc-list a[data-chapter='6']", "aria-current") == "step"
    context.close()


def test_query_string_works_like_the_hash_and_the_hash_wins(browser, server_url):
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    pg = context.new_page()
    pg.goto(server_url + "?lang=pl&chapter=3")      # as people type links
    pg.wait_for_function("() => document.getElementById('chapter-title')")
    assert pg.evaluate("() => document.documentElement.lang") == "pl"
    assert pg.inner_text("#chapter-title") == "Klony"
    fresh = context.new_page()                      # a fresh load, not a hash change
    fresh.goto(server_url + "?lang=pl&chapter=3#lang=en&chapter=5")   # the page writes the hash
    fresh.wait_for_function("() => document.getElementById('chapter-title')")
    assert fresh.evaluate("() => document.documentElement.lang") == "en"
    assert fresh.inner_text("#chapter-title") == "A little noise is enough"
    context.close()


def test_every_string_is_translated_in_every_chapter(browser, server_url):
    for lang in ("en", "pl"):
        context = browser.new_context(viewport={"width": 1000, "height": 800})
        pg = context.new_page()
        pg.goto(server_url + f"#lang={lang}")
        assert wait_for_status(pg) == "ready"
        wait_live(pg)
        for n in range(1, 9):
            go(pg, n)
            if n in (4, 5, 6, 7):
                wait_view(pg)
        assert pg.evaluate("() => window.pyinitTour.missingKeys()") == []
        assert "[" not in pg.inner_text("#tour").replace("[2, 10, 5, 1]", "").replace("[2, 10, 10, 1]", "")
        context.close()


# ------------------------------------------------------------------------------------ accessibility
def axe(pg, context_selector=None):
    if not pg.evaluate("() => !!window.axe"):
        pg.add_script_tag(path=str(AXE))
    result = pg.evaluate("""(sel) => window.axe.run(sel ? document.querySelector(sel) : document,
        {resultTypes: ['violations']}).then((r) => r.violations.map((v) => ({id: v.id, impact: v.impact,
        help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' '))})))""", context_selector)
    return [v for v in result if v["impact"] in ("serious", "critical")]


def test_axe_main_page_and_every_chapter(browser, server_url):
    assert AXE.exists(), "npm ci installs axe-core (pinned in package.json)"
    # the page's CSP allows no inline script; axe is test tooling, so this context bypasses the CSP
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    tour = context.new_page()
    tour.goto(server_url)
    assert wait_for_status(tour) == "ready"
    wait_live(tour)
    pause(tour)
    go(tour, 1)
    bad = axe(tour)
    assert not bad, bad
    for n in range(2, 9):
        go(tour, n)
        if n in (4, 5, 6, 7):
            wait_view(tour)
        bad = axe(tour, "#tour")
        assert not bad, (n, bad)
    for lang in ("pl",):
        tour.click(f".lang-switch button[data-lang={lang}]")
        bad = axe(tour)
        assert not bad, (lang, bad)
    context.close()


def test_keyboard_only_walk_through_the_tour(browser, server_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.goto(server_url)
    assert wait_for_status(pg) == "ready"
    wait_live(pg)

    def tab_to(selector, limit=80):
        for _ in range(limit):
            pg.keyboard.press("Tab")
            if pg.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"Tab never reached {selector}")

    # the table of contents, then Next through every chapter
    tab_to(".tour-toc-list a[data-chapter='1']")
    pg.keyboard.press("Enter")
    for n in range(2, 9):
        tab_to("#tour-next")
        pg.keyboard.press("Enter")
        pg.wait_for_function("(id) => document.getElementById('chapter').dataset.chapter === id", arg=CHAPTERS[n - 1])
        assert pg.evaluate("() => document.activeElement.id") == "chapter-title", "focus moves to the new chapter"
    # Previous, a TOC link, and Try it by keyboard
    tab_to("#tour-prev")
    pg.keyboard.press("Enter")
    pg.wait_for_function("() => document.getElementById('chapter').dataset.chapter === 'scale'")
    tab_to(".tour-toc-list a[data-chapter='3']", limit=120)
    pg.keyboard.press("Enter")
    pg.wait_for_function("() => document.getElementById('chapter').dataset.chapter === 'clones'")
    builds = pg.evaluate("() => window.pyinitLab.builds")
    tab_to("#try-it")
    pg.keyboard.press("Enter")
    pg.wait_for_function("(b) => window.pyinitLab.builds > b", arg=builds, timeout=30_000)
    assert pg.evaluate("() => window.pyinitLab.state().left_init") == "constant"
    # the focus is visible (an outline), and the language switch works from the keyboard
    tab_to(".lang-switch button[data-lang=pl]", limit=200)
    outline = pg.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", ""), outline
    pg.keyboard.press("Enter")
    pg.wait_for_function("() => document.documentElement.lang === 'pl'")
    context.close()


def test_live_region_and_numbers_table_for_screen_readers(tour):
    step = try_it(tour, 1, 1)["step"]
    tour.wait_for_function("(s) => document.getElementById('lab-announce').textContent.startsWith(`Step ${s}.`)", arg=step)
    assert tour.get_attribute("#lab-announce", "aria-live") == "polite"
    assert "Loss" in tour.inner_text("#lab-announce")
    # the charts' text alternative: the shown step's numbers in a table
    tour.wait_for_function("(s) => document.getElementById('lab-numbers-caption').textContent.startsWith(`Step ${s}:`)", arg=step)
    rows = table(tour, "lab-numbers")
    assert rows[0][0] == "loss" and rows[0][1] == "0.693147"
    assert [r[0] for r in rows[2:]] == ["symmetry S, hidden layer 1", "gradient norm, layer 1", "gradient norm, output layer"]
    assert rows[2][1] == "0 (exactly)" and rows[3][1] == "0 (exactly)"


def test_reduced_motion_nothing_plays_by_itself(browser, server_url):
    context = browser.new_context(viewport={"width": 1000, "height": 800}, reduced_motion="reduce")
    pg = context.new_page()
    pg.goto(server_url)
    assert wait_for_status(pg) == "ready"
    wait_live(pg)
    pg.wait_for_timeout(500)
    assert not snapshot(pg)["playing"] and snapshot(pg)["step"] == 0
    context.close()


# ------------------------------------------------------------------------------------ screenshots
@pytest.mark.parametrize("lang", ["en", "pl"])
@pytest.mark.parametrize("name,width,height", [("desktop", 1280, 900), ("phone", 360, 780)])
def test_screenshots_of_every_chapter(browser, server_url, lang, name, width, height):
    """Screenshots of the tour, chapter by chapter (tests/screenshots/, git-ignored): look at them."""
    context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1, reduced_motion="reduce")
    pg = context.new_page()
    pg.goto(server_url + f"#lang={lang}")
    assert wait_for_status(pg) == "ready"
    wait_live(pg)
    SCREENSHOTS.mkdir(exist_ok=True)
    for n in range(1, 9):
        go(pg, n)
        if n in (4, 5, 6, 7):
            wait_view(pg)
        pg.wait_for_timeout(300)
        overflow = pg.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"chapter {n}: page is {overflow}px wider than the {width}px viewport"
        pg.locator("#tour").screenshot(path=str(SCREENSHOTS / f"tour-{n}-{CHAPTERS[n - 1]}-{lang}-{name}.png"))
    context.close()
