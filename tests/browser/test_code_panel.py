"""Your own init code on the page (issue 12): a link's code is shown and never run before the click;
after "Run this code" the left run trains with it (a constant init: its hidden units stay clones); a
syntax error shows its line in the editor (the code runs in its sandbox: test_code_sandbox.py and
test_code_faults.py); no console error in any case."""

import base64
import time

import pytest

from conftest import until, wait_for_status

pytestmark = pytest.mark.browser

CONSTANT = "def init(fan_in, fan_out, rng):\n    return np.full((fan_in, fan_out), 0.3)\n"
SYNTAX = "def init(fan_in, fan_out, rng):\n    return np.full((fan_in, fan_out), 0.3\n"
LOOP = "def init(fan_in, fan_out, rng):\n    while True:\n        pass\n"

# every call the page sends to the worker, recorded before the page's own scripts run
RECORD_CALLS = """
window.__pyCalls = [];
const post = Worker.prototype.postMessage;
Worker.prototype.postMessage = function (msg, ...rest) {
  if (msg && typeof msg === "object" && typeof msg.fn === "string") window.__pyCalls.push(msg.fn);
  return post.call(this, msg, ...rest);
};
"""


def b64url(code):
    return base64.urlsafe_b64encode(code.encode()).decode().rstrip("=")


@pytest.fixture
def code_page(browser, server_url):
    """Open index.html with ?code=… (the issue's link form); yields the page and its console errors."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pages = []

    def open_with(code):
        pg = context.new_page()
        pg.errors = []
        pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
        pg.on("pageerror", lambda e: pg.errors.append(f"uncaught: {e}"))
        pg.add_init_script(RECORD_CALLS)
        pg.goto(f"{server_url}index.html?sw=0&code={b64url(code)}")
        assert wait_for_status(pg) == "ready", pg.inner_text("#boot")
        pages.append(pg)
        return pg

    yield open_with
    context.close()


def run_button(pg):
    return pg.locator(".code-cell[data-side=left] .code-run")


def test_link_code_is_shown_not_run_until_the_click_then_clones(code_page):
    pg = code_page(CONSTANT)
    time.sleep(1.5)  # Python is ready: nothing may start by itself
    assert pg.evaluate("() => window.__pyCalls.filter((f) => f === 'lab.create').length") == 0
    assert run_button(pg).is_visible() and "Run this code" in run_button(pg).inner_text()
    shown = pg.inner_text(".code-cell[data-side=left] .cm-content")
    assert "np.full((fan_in, fan_out), 0.3)" in shown
    assert pg.evaluate("() => document.documentElement.dataset.phase") == "waiting"
    assert pg.evaluate("() => window.pyinitLab.snapshot()") is None  # no runs at all
    run_button(pg).click()
    until(
        pg,
        "() => { const s = window.pyinitLab.snapshot(); return s && s.source === 'live' && s.step >= 50; }",
        120,  # (the sandbox's Python starts with the first run)
    )
    pg.click("#btn-play") if pg.evaluate("() => window.pyinitLab.snapshot().playing") else None
    snap = pg.evaluate("() => window.pyinitLab.snapshot()")
    assert snap["runs"][0]["caption"] == "layer 1: 4 units, 1 distinct"  # clones, computed by pyinit
    assert snap["runs"][1]["caption"] == "layer 1: 4 units, 4 distinct"
    theta = snap["runs"][0]["theta"]
    assert len(set(theta[:8])) == 1 or snap["step"] > 0  # layer-1 weights move together
    assert pg.evaluate("() => window.__pyCalls.filter((f) => f === 'lab.create').length") == 1
    assert not pg.errors


def test_a_syntax_error_shows_its_line(code_page):
    pg = code_page(SYNTAX)
    run_button(pg).click()
    until(pg, "() => document.querySelector('.code-cell[data-side=left] .cm-error-line') !== null", 30)
    marked = pg.evaluate(
        "() => [...document.querySelectorAll('.code-cell[data-side=left] .cm-line')].findIndex((l) => l.classList.contains('cm-error-line')) + 1"
    )
    assert marked == 2  # the second line is marked
    text = pg.inner_text(".code-cell[data-side=left] .code-editor-error")
    assert "Line 2" in text and "never closed" in text
    assert "see the line marked in the editor" in pg.inner_text("#notice")
    assert not pg.errors


# (the endless loop, stopped 8 s after it started while the page's own Python goes on: test_code_faults.py)
