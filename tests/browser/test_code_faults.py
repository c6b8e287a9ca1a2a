"""Faults of the reader's code (issue 16, items 5 and 8; the code runs in its sandbox): a side whose
init is python but that has no code starts from the editor's example, without an error; code that
ends its Python (``os._exit(1)``, ``js.close()``) is said to have done so at once, is not run again
unasked, and the next code runs without blame; an endless loop is stopped 8 s after it started while
the page's own Python goes on (not restarted); a plain static host (no CORS or CSP header) runs the
sandbox, and a host without sandbox.html gets a sentence in the code panel while the rest works."""

import contextlib
import functools
import http.server
import threading
import time

import numpy as np
import pytest
from conftest import until, wait_for_status

from pyinit import seeding

pytestmark = pytest.mark.browser

RECORD_CALLS = """
window.__pyCalls = [];
const post = Worker.prototype.postMessage;
Worker.prototype.postMessage = function (msg, ...rest) {
  if (msg && typeof msg === "object" && typeof msg.fn === "string") window.__pyCalls.push(msg.fn);
  return post.call(this, msg, ...rest);
};
"""
EXAMPLE = """def init(fan_in, fan_out, rng):
    \"\"\"Weights of one layer, shape (fan_in, fan_out). rng is a numpy Generator.\"\"\"
    return rng.normal(0.0, np.sqrt(1.0 / fan_in), size=(fan_in, fan_out))
"""  # site/js/app/code-text.js EXAMPLE
FIXED = "def init(fan_in, fan_out, rng):\n    return np.full((fan_in, fan_out), 0.2)\n"
LEFT = ".code-cell[data-side=left]"


def calls(pg, fn):
    return pg.evaluate(f"() => window.__pyCalls.filter((f) => f === '{fn}').length")


def notice(pg):
    return pg.evaluate("() => document.getElementById('notice').textContent")


# every state the left code cell's sandbox goes through, with the page's time: a code that ends its Python
# at once is "running" for less than a poll's interval
WATCH_SANDBOX = """(sel) => {
  window.__sandboxSeen = [];
  const cell = document.querySelector(sel);
  new MutationObserver(() => window.__sandboxSeen.push([cell.dataset.sandbox, performance.now()]))
    .observe(cell, { attributes: true, attributeFilter: ["data-sandbox"] });
}"""


def type_and_run(pg, code):
    """Replace the left code with `code` and press Run; the number of lab.create calls before."""
    before = calls(pg, "lab.create")
    pg.evaluate(WATCH_SANDBOX, LEFT)
    pg.locator(f"{LEFT} .cm-content").click()
    pg.keyboard.press("Control+a")
    pg.keyboard.insert_text(code)
    pg.click(f"{LEFT} .code-run")
    return before


def wait_running(pg, creates_before, timeout=120):
    """time.time() when the left code started: a ready sandbox Python took it (data-sandbox=running,
    seen by type_and_run's observer), or (a page without the sandbox) the page's own Python was asked
    to build the runs with it."""
    since = until(
        pg,
        f"""() => {{ const run = window.__sandboxSeen.find(([state]) => state === 'running');
            if (run) return performance.now() - run[1] + 1e-3;
            return window.__pyCalls.filter((f) => f === 'lab.create').length > {creates_before} && 1e-3; }}""",
        timeout,
        "the code running",
    )
    return time.time() - since / 1000


@pytest.fixture(scope="module")
def lab(browser, server_url):
    """index.html#left_init=python: the left side's init is python, with no code in the link."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.errors = []
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.errors.append(f"uncaught: {e}"))
    pg.add_init_script(RECORD_CALLS)
    pg.goto(f"{server_url}index.html?sw=0#left_init=python")
    assert wait_for_status(pg) == "ready", pg.inner_text("#boot")
    pg.main_worker = pg.evaluate_handle("() => window.pyinitBoot.py.worker")
    yield pg
    context.close()


def same_main_worker(pg):
    return pg.evaluate("(w) => window.pyinitBoot.py.worker === w", pg.main_worker)


def test_python_without_code_starts_from_the_example_without_an_error(lab):
    """issue 16, item 8: no "write a function init…" before the reader has pressed Run."""
    pg = lab
    until(pg, "() => { const s = window.pyinitLab.snapshot(); return s && s.source === 'live'; }", 150)
    assert pg.evaluate(f"() => document.querySelector('{LEFT} .code-editor-error')?.textContent || ''") == ""
    assert "write a function" not in notice(pg) and "error" not in pg.evaluate(
        "() => document.documentElement.dataset.phase"
    )
    if pg.evaluate("() => window.pyinitLab.snapshot().playing"):
        pg.click("#btn-play")
    pg.evaluate("() => window.pyinitLab.goTo(0)")
    snap = pg.evaluate("() => window.pyinitLab.snapshot()")
    block = next(b for b in snap["meta"]["layout"] if b["kind"] == "W" and b["layer"] == 1)
    theta = snap["runs"][0]["theta"]
    shown = [
        theta[block["offset"] + j * block["rows"] + i]
        for i in range(block["rows"])
        for j in range(block["cols"])
    ]
    # the example's first layer: the first draw of the INIT stream of the run's init seed
    fan_in, fan_out = block["rows"], block["cols"]
    rng = seeding.generator(snap["meta"]["config"]["init_seed"], seeding.INIT)
    expected = rng.normal(0.0, np.sqrt(1.0 / fan_in), size=(fan_in, fan_out))
    assert shown == expected.ravel().tolist()  # the example's weights, bit for bit
    assert (
        pg.evaluate(f"() => document.querySelector('{LEFT} .cm-content').innerText")
        .strip()
        .startswith("def init(fan_in, fan_out, rng):")
    )


@pytest.mark.parametrize(
    "code, reason",
    [
        ("def init(fan_in, fan_out, rng):\n    print.__self__.__import__('os')._exit(1)\n", "exit(1)"),
        ("def init(fan_in, fan_out, rng):\n    print.__self__.__import__('js').close()\n", "close()"),
    ],
)
def test_code_that_ends_its_python_is_named_at_once_held_and_does_not_blame_the_next(lab, code, reason):
    pg = lab
    wait_running(pg, type_and_run(pg, code))
    until(
        pg,
        "() => /stopped its Python|longer than|Python stopped/.test(document.getElementById('notice').textContent)",
        30,
    )
    # said at once and named so -- not a time limit blamed (here or on the next run), not the page's Python
    assert "Your code stopped its Python" in notice(pg) and reason in notice(pg), notice(pg)
    assert "ended its Python" in pg.inner_text(f"{LEFT} .code-note")
    assert same_main_worker(pg) and pg.evaluate("() => document.documentElement.dataset.status") == "ready"
    # the same code does not run again unasked: a changed setting builds nothing with it
    plans, creates = calls(pg, "lab.init_plan"), calls(pg, "lab.create")
    pg.fill("#lr", "0.3")
    pg.press("#lr", "Enter")
    time.sleep(1.5)  # (nothing may start: there is no event to wait for)
    assert (calls(pg, "lab.init_plan"), calls(pg, "lab.create")) == (plans, creates)
    assert pg.inner_text(f"{LEFT} .code-run") == "Run this code"
    # the next code runs in a fresh Python, and nothing blames it
    type_and_run(pg, FIXED)
    until(pg, f"() => window.__pyCalls.filter((f) => f === 'lab.create').length > {creates}", 120)
    until(pg, "() => { const s = window.pyinitLab.snapshot(); return s && s.source === 'live'; }", 60)
    assert "stopped" not in notice(pg) and "longer than" not in notice(pg)
    assert not pg.errors


def test_an_endless_loop_is_stopped_8_s_after_it_started_and_the_pages_python_goes_on(lab):
    pg = lab
    t_running = wait_running(
        pg, type_and_run(pg, "def init(fan_in, fan_out, rng):\n    while True:\n        pass\n")
    )
    until(pg, "() => document.getElementById('notice').textContent.includes('ran longer than 8 s')", 15)
    assert 7.5 < time.time() - t_running < 10.5
    assert pg.evaluate("() => 1 + 1") == 2
    pg.click("#btn-step")  # the controls work
    assert same_main_worker(pg) and pg.evaluate("() => document.documentElement.dataset.status") == "ready"
    assert pg.evaluate("() => document.querySelectorAll('iframe.code-sandbox').length") == 0  # removed
    type_and_run(pg, FIXED)  # a new sandbox for the fixed code
    until(pg, "() => { const s = window.pyinitLab.snapshot(); return s && s.source === 'live'; }", 120)
    assert "longer than" not in notice(pg)
    assert not pg.errors


@contextlib.contextmanager
def static_host(root, missing=()):
    """A plain static server (no CORS header, no CSP header), as many static hosts are; the files
    `missing` (paths) answer 404. Yields (url, hits): hits lists (path, Origin header) of requests."""
    hits = []

    class Plain(http.server.SimpleHTTPRequestHandler):
        def send_head(self):
            hits.append((self.path.split("?")[0], self.headers.get("Origin")))
            if self.path.split("?")[0].lstrip("/") in missing:
                self.send_error(404)
                return None
            return super().send_head()

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Plain, directory=str(root)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/", hits
    finally:
        httpd.shutdown()
        httpd.server_close()


def open_plain(browser, url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.errors = []
    pg.on("pageerror", lambda e: pg.errors.append(f"uncaught: {e}"))
    pg.goto(f"{url}index.html?sw=0#left_init=python")
    assert wait_for_status(pg) == "ready", pg.inner_text("#boot")
    return context, pg


def test_the_sandbox_runs_on_a_plain_static_host_without_downloading_python_again(browser, dist_dir):
    """No CORS or CSP header needed: the page hands the sandbox the runtime's bytes from its own cache."""
    with static_host(dist_dir) as (url, hits):
        context, pg = open_plain(browser, url)
        until(pg, "() => { const s = window.pyinitLab.snapshot(); return s && s.source === 'live'; }", 150)
        assert pg.evaluate(f"() => document.querySelector('{LEFT}').dataset.sandbox") == "done"
        from_sandbox = [path for path, origin in hits if origin == "null"]  # an opaque origin's requests
        # its own two small scripts, and nothing of the runtime (Pyodide, numpy, pyinit: ~16 MB)
        assert all(path.startswith("/js/sandbox/") for path in from_sandbox), from_sandbox
        assert not pg.errors
        context.close()


def test_a_host_without_the_sandbox_page_gets_a_sentence_and_the_rest_works(browser, dist_dir):
    with static_host(dist_dir, missing=("sandbox.html",)) as (url, _):
        context, pg = open_plain(browser, url)
        until(pg, f"() => document.querySelector('{LEFT}').dataset.sandbox === 'unavailable'", 60)
        note = pg.inner_text(f"{LEFT} .code-note")
        assert "cannot run here" in note and "sandbox.html: HTTP 404" in note
        assert "cannot run here" in notice(pg)
        pg.select_option("#left_init", "zeros")  # the rest of the page works
        until(pg, "() => { const s = window.pyinitLab.snapshot(); return s && s.source === 'live'; }", 90)
        assert not pg.errors
        context.close()
