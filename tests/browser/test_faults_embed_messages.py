"""Issue 13, fault 9: the embed's command API (js/embed/messages.js) under pressure.

- commands sent at once run one at a time, in arrival order: 10 x step -> 10 steps, replies in order;
- args.n is an integer from 1 to 1000, else the reply says so (ok: false) and nothing moves;
- a file:// host page (origin "null") gets its replies (targetOrigin "*", allowed by the default
  allow-list "*"); the host helper's send() resolves with them.
"""

from __future__ import annotations

import functools
import http.server
import threading

import pytest

from conftest import LOAD_TIMEOUT_MS

pytestmark = pytest.mark.browser

HOST_HTML = """<!doctype html><html><head><meta charset="utf-8"><title>host</title>
<script src="{embed}embed-host.js"></script></head><body>
<iframe id="lab" src="{embed}embed.html?api=1&panels=loss&sw=0" title="pyinit lab" style="width: 100%; height: 300px"></iframe>
<script>
window.got = [];
window.addEventListener("message", (ev) => {{ if (ev.data && ev.data.type === "pyinit:reply") window.got.push(ev.data); }});
</script></body></html>"""


@pytest.fixture(scope="module")
def host(tmp_path_factory):
    """A plain static server on another port (another origin than the site's): (url, folder)."""
    root = tmp_path_factory.mktemp("host")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/", root
    httpd.shutdown()
    httpd.server_close()


def open_host(context, url, phases=("precomputed", "idle", "live")):
    pg = context.new_page()
    pg.goto(url)
    frame = pg.query_selector("#lab").content_frame()
    frame.wait_for_function(
        "(ph) => window.pyinitEmbed && ph.includes((document.documentElement.dataset.phase || document.documentElement.dataset.embedPhase))",
        arg=list(phases),
        timeout=LOAD_TIMEOUT_MS,
    )
    return pg, frame


@pytest.fixture
def context(browser):
    ctx = browser.new_context()
    yield ctx
    ctx.close()


def send_all(pg, commands):
    pg.evaluate(
        """(cmds) => { const w = document.getElementById("lab").contentWindow;
        for (const [command, args, requestId] of cmds) w.postMessage({type: "pyinit:command", command, args, requestId}, "*"); }""",
        commands,
    )


def replies(pg, n):
    pg.wait_for_function("(n) => window.got.length >= n", arg=n, timeout=30_000)
    return pg.evaluate("() => window.got")


@pytest.mark.parametrize("lazy", ["1", "0"], ids=["precomputed", "live"])
def test_ten_steps_sent_at_once_make_ten_steps(context, server_url, host, lazy):
    url, root = host
    (root / f"burst{lazy}.html").write_text(
        HOST_HTML.format(embed=server_url).replace("api=1&", f"api=1&lazy={lazy}&")
    )
    pg, frame = open_host(
        context, url + f"burst{lazy}.html", ["precomputed", "idle"] if lazy == "1" else ["live"]
    )
    send_all(pg, [["step", {}, f"s{i}"] for i in range(10)])
    got = replies(pg, 10)
    assert [r["requestId"] for r in got] == [f"s{i}" for i in range(10)]
    assert all(r["ok"] for r in got), got
    # each reply carries the step after its own command: ten different steps, one after the other
    # (a step command moves to the next recorded step: +1, or +k where runs are recorded every k steps)
    steps = [r["step"] for r in got]
    gaps = {b - a for a, b in zip([0, *steps], steps)}
    assert len(gaps) == 1 and gaps.pop() > 0, steps
    assert frame.evaluate("() => window.pyinitEmbed.snapshot().step") == steps[-1]


@pytest.mark.parametrize(
    "n,shown", [(1e12, "1000000000000"), (0, "0"), (2.5, "2.5"), (1001, "1001"), ("5", '"5"'), (-1, "-1")]
)
def test_step_n_outside_1_to_1000_is_refused_in_words(context, server_url, host, n, shown):
    url, root = host
    (root / "n.html").write_text(HOST_HTML.format(embed=server_url))
    pg, frame = open_host(context, url + "n.html")
    send_all(pg, [["step", {"n": n}, "bad"], ["step", {"n": 2}, "good"]])
    bad, good = replies(pg, 2)
    assert bad["ok"] is False and bad["step"] == 0, bad
    assert bad["error"] == f"args.n must be an integer from 1 to 1000, got {shown}"
    assert good["ok"] is True and good["step"] > 0  # the next, valid command runs


def test_file_url_host_gets_replies(context, server_url, tmp_path):
    page_file = tmp_path / "course.html"
    page_file.write_text(HOST_HTML.format(embed=server_url))
    pg, frame = open_host(context, page_file.as_uri())
    send_all(pg, [["step", {"n": 3}, "f1"]])
    (reply,) = replies(pg, 1)
    assert reply["ok"] is True and reply["step"] > 0
    # the host helper works from file:// too
    via_helper = pg.evaluate("() => window.pyinitEmbed.send(document.getElementById('lab'), 'step', {n: 2})")
    assert via_helper["ok"] is True and via_helper["step"] > reply["step"]


def test_host_helper_rejects_when_no_reply_comes(context, server_url, host):
    url, root = host
    # without api=1 the embed ignores commands: the helper's promise must not wait forever
    (root / "noapi.html").write_text(HOST_HTML.format(embed=server_url).replace("api=1&", ""))
    pg, _ = open_host(context, url + "noapi.html")
    err = pg.evaluate("""() => window.pyinitEmbed.send(document.getElementById('lab'), 'step', {n: 1}, 1500)
        .then(() => 'resolved', (e) => e.message)""")
    assert "no reply" in err and "api=1" in err


@pytest.mark.parametrize("lazy", ["1", "0"], ids=["precomputed", "live"])
def test_mixed_commands_sent_at_once_run_in_order(context, server_url, host, lazy):
    """step 3, reset, step 1: each runs after the one before it has finished."""
    url, root = host
    (root / f"mixed{lazy}.html").write_text(
        HOST_HTML.format(embed=server_url).replace("api=1&", f"api=1&lazy={lazy}&")
    )
    pg, frame = open_host(
        context, url + f"mixed{lazy}.html", ["precomputed", "idle"] if lazy == "1" else ["live"]
    )
    send_all(pg, [["step", {"n": 3}, "a"], ["reset", {}, "b"], ["step", {"n": 1}, "c"]])
    a, b, c = replies(pg, 3)
    assert [a["requestId"], b["requestId"], c["requestId"]] == ["a", "b", "c"]
    assert a["ok"] and b["ok"] and c["ok"], (a, b, c)
    assert a["step"] > c["step"] > 0 and b["step"] == 0, (a, b, c)
    assert frame.evaluate("() => window.pyinitEmbed.snapshot().step") == c["step"]
