"""Never a hang when Python is lost (issue 16, item 5, the page's side): a lost worker always leaves a
visible "Restart Python" — after a setting change, a reset, a chapter jump, a link, while busy
(goTo(1000000)) or idle — the message says "Python stopped" once, and Restart after a loss while the
runs used init code does not run that code again unasked.

The worker is lost the ways it is in the field: terminated (what the heartbeat and time limits do),
and a fatal error reported by the worker (sent to the page's worker object as the worker would)."""

import pytest
from conftest import until, wait_for_status, wait_lab_live

pytestmark = pytest.mark.browser

# every lab.create sent to the worker (its left init), and how many of them were answered
RECORD_CREATES = """
window.__created = [];
window.__answered = 0;
const ids = new Set();
const post = Worker.prototype.postMessage;
Worker.prototype.postMessage = function (msg, ...rest) {
  if (msg && msg.fn === "lab.create") {
    window.__created.push(msg.args.settings.left_init);
    ids.add(msg.id);
  }
  return post.call(this, msg, ...rest);
};
const Base = window.Worker;
window.Worker = class extends Base {
  constructor(...args) {
    super(...args);
    this.addEventListener("message", (e) => { if (e.data && ids.has(e.data.id)) window.__answered++; });
  }
};
"""


@pytest.fixture(scope="module")
def lab(browser, server_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.errors = []
    pg.on("pageerror", lambda e: pg.errors.append(f"uncaught: {e}"))
    pg.add_init_script(RECORD_CREATES)
    pg.goto(server_url + "?sw=0")
    assert wait_for_status(pg) == "ready", pg.inner_text("#boot")
    wait_lab_live(pg)
    yield pg
    context.close()


def restart_offered(pg):
    """The notice names the loss once and offers Restart (a visible button, under the mouse)."""
    text = pg.inner_text("#notice") if pg.is_visible("#notice") else ""
    button = pg.locator("#notice button", has_text="Restart Python")
    return text.count("Python stopped") == 1 and "Python failed" not in text and button.is_visible()


def lose(pg):
    pg.evaluate("() => window.pyinitBoot.py.worker.terminate()")
    until(pg, "() => document.getElementById('notice').textContent.includes('Python stopped')", 20)


def restart(pg):
    """Press Restart; wait until the fresh Python is ready (whatever the page then builds)."""
    pg.locator("#notice button", has_text="Restart Python").click()
    until(pg, "() => document.documentElement.dataset.status === 'loading'", 10)
    until(pg, "() => document.documentElement.dataset.status === 'ready'", 120)
    assert "Python stopped" not in pg.inner_text("#notice")


def test_the_restart_stays_after_every_change_while_idle(lab):
    lose(lab)
    assert restart_offered(lab)
    changes = [
        ("a setting", lambda: lab.evaluate("() => { location.hash = 'seed=5&lr=0.3'; }")),
        ("reset", lambda: lab.click("#btn-reset")),
        ("a chapter", lambda: lab.evaluate("() => window.pyinitLab.chapter('clones')")),
        ("a link", lambda: lab.evaluate("() => { location.hash = 'chapter=noise'; }")),
        ("an own setting again", lambda: lab.evaluate("() => { location.hash = 'width=3'; }")),
    ]
    for what, change in changes:
        change()
        lab.wait_for_timeout(300)  # (whatever the change does next has started)
        assert restart_offered(lab), (what, lab.inner_text("#notice"))
        assert "Training starts when Python is ready" not in lab.inner_text("#figure-status"), what
    restart(lab)
    wait_lab_live(lab)


def test_lost_while_busy_training_to_a_far_step(lab):
    lab.evaluate("() => { location.hash = 'seed=6'; }")
    until(
        lab, "() => { const s = window.pyinitLab.snapshot(); return s && s.source === 'live' && !s.playing; }"
    )
    # the go-to sends its first training call at once: the worker is lost while that call runs
    lab.evaluate("() => { window.__far = window.pyinitLab.goTo(1000000); }")
    lose(lab)
    assert lab.evaluate("() => window.__far.then((r) => r)") is False  # the go-to gave up, in words
    assert restart_offered(lab), lab.inner_text("#notice")
    restart(lab)
    wait_lab_live(lab)


def test_a_fatal_error_is_named_once(lab):
    lab.evaluate("""() => window.pyinitBoot.py.worker.dispatchEvent(new MessageEvent("message",
        {data: {event: "fatal", stage: "python", message: "Pyodide fell over."}}))""")
    until(lab, "() => document.getElementById('notice').textContent.includes('Pyodide fell over')", 20)
    text = lab.inner_text("#notice")
    assert "Python stopped: Pyodide fell over." in text and text.count("Python stopped") == 1, text
    assert restart_offered(lab)
    restart(lab)
    wait_lab_live(lab)


def test_restart_does_not_run_the_code_that_was_in_use(lab):
    lab.evaluate("() => { location.hash = 'left_init=python'; }")  # the example: it runs at once
    built = """() => window.__created.includes('python') && window.__answered === window.__created.length
        && document.documentElement.dataset.phase === 'live'"""
    until(lab, built, 120, "the runs with the example code are built")
    assert lab.evaluate("() => window.pyinitLab.settings().left_init") == "python"
    lose(lab)
    before = lab.evaluate("() => window.__created.filter((i) => i === 'python').length")
    restart(lab)
    until(lab, "() => document.documentElement.dataset.phase === 'waiting'", 60)
    note = lab.evaluate("() => document.querySelector('.code-cell[data-side=left] .code-note').textContent")
    assert "does not run again unasked" in note, (note, lab.inner_text("#notice"))
    assert lab.locator(".code-cell[data-side=left] .code-run").inner_text() == "Run this code"
    assert lab.evaluate("() => window.__created.filter((i) => i === 'python').length") == before
    lab.locator(".code-cell[data-side=left] .code-run").click()  # the reader's choice: now it runs
    until(lab, "() => document.documentElement.dataset.phase === 'live'", 60)
    assert lab.evaluate("() => window.__created.filter((i) => i === 'python').length") == before + 1
    assert not lab.errors, lab.errors
