"""The one gate for init code (issue 16, item 1): code that did not come from the reader's own typing
never runs before the reader clicks "Run this code" — from the first load, a hash change (a pasted
link), page.goto to such a URL, back/forward, for either side, an embed's URL and a host page's
setState — and a link's code over 4 KB is refused with a notice, never cut (issue 16, item 6).

Every call the page sends to the worker is recorded (with the code it carries), so "did not run" is
read from what reached Python, and the runs' weights show what did: each path gets its own code, a
constant init with a value of its own (0.1xx), which no other init produces."""

import base64
import time

import pytest
from conftest import LOAD_TIMEOUT_MS, until, wait_for_status, wait_lab_live

pytestmark = pytest.mark.browser

# every lab.create the page sends to the worker, with the code of both sides, recorded before the
# page's own scripts run (the embed's frame too)
RECORD_CALLS = """
window.__created = [];
const post = Worker.prototype.postMessage;
Worker.prototype.postMessage = function (msg, ...rest) {
  if (msg && msg.fn === "lab.create") {
    const s = msg.args.settings;
    window.__created.push([s.code || "", s.code_right || ""]);
  }
  return post.call(this, msg, ...rest);
};
"""


def constant_code(value):
    return f"def init(fan_in, fan_out, rng):\n    return np.full((fan_in, fan_out), {value})\n"


def b64url(text):
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def created_with(pg, code):
    """How many runs were built with `code` (base64url) on either side."""
    return pg.evaluate("(c) => window.__created.filter(([l, r]) => l === c || r === c).length", code)


def state_of(pg, k, value, hook="pyinitLab"):
    """ "ran" when a run was built with the code (it reached Python, or run k's weights are its
    constant), "held" when the page waits for the click."""
    return pg.evaluate(
        """([k, v, hook]) => {
        const s = window[hook].snapshot();
        const code = window[hook].state()[k ? "code_right" : "code"];
        const built = window.__created.some(([l, r]) => (k ? r : l) === code && code !== "");
        if (built || (s && s.runs && s.runs[k].theta.some((x) => Math.abs(x - v) < 1e-12))) return "ran";
        const waiting = document.documentElement.dataset.phase === "waiting";
        const said = document.getElementById("notice").textContent.includes("has not run yet");
        return waiting && said ? "held" : null; }""",
        [k, value, hook],
    )


def verdict(pg, k, value, hook="pyinitLab", timeout=60):
    """Poll until the side's code either ran or is held: which one."""
    end = time.time() + timeout
    while time.time() < end:
        got = state_of(pg, k, value, hook)
        if got:
            return got
        time.sleep(0.25)
    raise AssertionError(f"neither held nor ran within {timeout} s")


@pytest.fixture(scope="module")
def lab(browser, server_url):
    """The lab at its default chapter, Python live: a page a reader has open."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.errors = []
    pg.on("pageerror", lambda e: pg.errors.append(f"uncaught: {e}"))
    pg.add_init_script(RECORD_CALLS)
    pg.goto(server_url + "?sw=0")
    assert wait_for_status(pg) == "ready", pg.inner_text("#boot")
    wait_lab_live(pg)
    yield pg
    context.close()


def held_with_a_click_offered(pg, side="left"):
    button = pg.locator(f".code-cell[data-side={side}] .code-run")
    return button.is_visible() and button.inner_text() == "Run this code"


def test_a_first_load_with_code_holds_it(browser, server_url):
    """(This path held the code before the gate too.)"""
    context = browser.new_context()
    try:
        pg = context.new_page()
        pg.add_init_script(RECORD_CALLS)
        code = b64url(constant_code(0.101))
        pg.goto(f"{server_url}?sw=0#left_init=python&code={code}")
        assert wait_for_status(pg) == "ready"
        assert verdict(pg, 0, 0.101) == "held"
        assert held_with_a_click_offered(pg) and created_with(pg, code) == 0
    finally:
        context.close()


def test_a_hash_change_on_the_open_lab_holds_the_code(lab):
    code = b64url(constant_code(0.102))
    lab.evaluate("(c) => { location.hash = 'left_init=python&code=' + c; }", code)
    assert verdict(lab, 0, 0.102) == "held"
    assert held_with_a_click_offered(lab) and created_with(lab, code) == 0


def test_a_goto_to_a_code_url_holds_it(lab):
    code = b64url(constant_code(0.103))
    page_url = lab.url.split("#")[0]  # the open page's address: goto to it with a new hash stays in the page
    lab.evaluate("() => { window.__samePage = true; }")
    lab.goto(f"{page_url}#left_init=python&code={code}")
    assert verdict(lab, 0, 0.103) == "held"
    assert created_with(lab, code) == 0
    assert lab.evaluate("() => window.__samePage === true")  # a hash change, not a new load


def test_the_right_sides_code_is_held_too(lab):
    code = b64url(constant_code(0.104))
    lab.evaluate("(c) => { location.hash = 'right_init=python&code_right=' + c; }", code)
    assert verdict(lab, 1, 0.104) == "held"
    assert held_with_a_click_offered(lab, "right") and created_with(lab, code) == 0


def test_back_and_forward_hold_the_code(lab):
    """history entries made without a hashchange, then Back onto the code: read like a link, held."""
    code = b64url(constant_code(0.105))
    lab.evaluate("() => { location.hash = 'seed=3'; }")
    until(lab, "() => window.pyinitLab.state().seed === 3", 30)
    lab.evaluate("(c) => history.pushState(null, '', '#left_init=python&code=' + c)", code)
    lab.evaluate("() => history.pushState(null, '', '#seed=4')")
    lab.evaluate("() => history.back()")  # onto the code's entry: popstate + hashchange
    assert verdict(lab, 0, 0.105) == "held"
    assert created_with(lab, code) == 0
    lab.evaluate("() => history.forward()")
    until(lab, "() => window.pyinitLab.state().seed === 4", 30)
    lab.evaluate("() => history.back()")
    assert verdict(lab, 0, 0.105) == "held" and created_with(lab, code) == 0


def test_the_click_runs_it_and_only_the_click(lab):
    code = b64url(constant_code(0.106))
    lab.evaluate("(c) => { location.hash = 'left_init=python&code=' + c; }", code)
    assert verdict(lab, 0, 0.106) == "held"
    lab.locator(".code-cell[data-side=left] .code-run").click()
    assert verdict(lab, 0, 0.106) == "ran"
    assert created_with(lab, code) == 1
    assert not lab.errors, lab.errors


@pytest.mark.parametrize(
    "text, n",
    [
        ("# " + "x" * 4990 + "\n" + constant_code(0.2), None),  # about 5,000 bytes
        (None, 4097),
        ("# " + "ą" * 2150 + "\n" + constant_code(0.2), None),  # multibyte: 4,300+ bytes, fewer characters
    ],
    ids=["5000", "4097", "multibyte"],
)
def test_link_code_over_4_kb_is_refused_in_words_never_cut(lab, text, n):
    if text is None:
        body = constant_code(0.2)
        text = "#" * (n - len(body.encode()) - 1) + "\n" + body
    size = len(text.encode())
    assert size > 4096
    lab.evaluate("(c) => { location.hash = 'left_init=python&code=' + c; }", b64url(text))
    notice = until(
        lab,
        """() => { const n = document.getElementById('notice');
        return !n.hidden && n.textContent.includes('bytes') && n.textContent; }""",
        30,
    )
    assert f"code in the link is {size} bytes; at most 4096 bytes" in notice, notice
    assert lab.evaluate("() => window.pyinitLab.state().code") == ""  # not a cut copy
    assert verdict(lab, 0, 0.2) == "held"  # and nothing (not even the example) runs in its place
    shown = lab.inner_text(".code-cell[data-side=left] .cm-content")
    assert "xxxxx" not in shown and "ąąą" not in shown


# ------------------------------------------------------------------------------------ embeds
HOST_HTML = """<!doctype html><meta charset="utf-8"><title>host</title>
<script>window.got = [];
addEventListener("message", (e) => window.got.push({origin: e.origin, data: e.data}));</script>
<iframe id="lab" src="{embed}" width="900" height="700"></iframe>"""


@pytest.fixture(scope="module")
def other_origin(tmp_path_factory):
    """A plain static server on another port: a host page of another origin than the site's."""
    import functools
    import http.server
    import threading

    root = tmp_path_factory.mktemp("host")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", root
    httpd.shutdown()
    httpd.server_close()


def test_an_embed_url_with_code_holds_it(browser, server_url):
    """(This path held the code before the gate too.)"""
    context = browser.new_context()
    try:
        pg = context.new_page()
        pg.add_init_script(RECORD_CALLS)
        code = b64url(constant_code(0.107))
        pg.goto(f"{server_url}embed.html?sw=0&lazy=0&left_init=python&code={code}")
        until(pg, "() => document.documentElement.dataset.status === 'ready'", 2 * LOAD_TIMEOUT_MS / 1000)
        assert verdict(pg, 0, 0.107, "pyinitEmbed") == "held"
        assert created_with(pg, code) == 0
    finally:
        context.close()


def test_a_host_pages_set_state_with_code_is_held_from_any_origin(browser, server_url, other_origin):
    """A page of another origin frames the embed (api=1, no allow-list: any origin may command) and
    sends setState with code: the reply says the state was set; the code waits for the reader."""
    origin, root = other_origin
    (root / "host.html").write_text(HOST_HTML.replace("{embed}", f"{server_url}embed.html?api=1&lazy=0&sw=0"))
    context = browser.new_context()
    try:
        context.add_init_script(RECORD_CALLS)
        pg = context.new_page()
        pg.goto(f"{origin}/host.html")
        frame = pg.query_selector("#lab").content_frame()
        until(frame, "() => document.documentElement.dataset.status === 'ready'", 2 * LOAD_TIMEOUT_MS / 1000)
        until(frame, "() => document.documentElement.dataset.phase === 'live'", 60)
        code = b64url(constant_code(0.108))
        pg.evaluate(
            """(c) => document.getElementById("lab").contentWindow.postMessage({type: "pyinit:command",
            command: "setState", args: {state: {left_init: "python", code: c}}, requestId: "gate"}, "*")""",
            code,
        )
        r = until(pg, "() => (window.got.find((m) => m.data.requestId === 'gate') || {}).data", 60)
        assert r["ok"] is True, r
        assert verdict(frame, 0, 0.108, "pyinitEmbed") == "held"
        assert created_with(frame, code) == 0
        button = frame.locator(".code-cell[data-side=left] .code-run")
        assert button.inner_text() == "Run this code"
        button.click()  # the reader's click, inside the frame: now it runs
        assert verdict(frame, 0, 0.108, "pyinitEmbed") == "ran"
    finally:
        context.close()
