"""Issue 16, item 4: the Python worker gets its Content-Security-Policy on any host, or refuses the
reader's code.

A Web Worker runs under the policy sent with its own script; the pages' <meta> policy does not reach
it. On a static host that sends no header (here Python's own `http.server`, as `python3 -m
http.server` serves), string eval is allowed in the worker, and code run in Python could reach
`js.eval`. The worker finds that out (<html data-worker-eval="allowed">) and refuses the reader's code
with a sentence the code panel shows. Under build.py's server (the header) it is "blocked" and the
code runs; on the plain host, once the service worker answers (a second visit), the worker's script
carries the build's policy from the service worker and is "blocked" too.
"""

from __future__ import annotations

import base64
import functools
import http.server
import threading

import pytest

from conftest import LOAD_TIMEOUT_MS, py_call, until, wait_for_status

pytestmark = pytest.mark.browser
CODE = "def init(fan_in, fan_out, rng):\n    return rng.normal(0.0, 0.5, size=(fan_in, fan_out))\n"


def b64url(code: str) -> str:
    return base64.urlsafe_b64encode(code.encode()).decode().rstrip("=")


@pytest.fixture(scope="module")
def plain_url(dist_dir):
    """dist/ from Python's http.server: no Content-Security-Policy header (nor any other of ours)."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(dist_dir))
    handler.log_message = lambda *a: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


def create_with_code(pg):
    settings = {"left_init": "python", "code": b64url(CODE)}
    return py_call(pg, "lab.create", {"settings": settings})


def open_ready(context, url):
    pg = context.new_page()
    pg.goto(url)
    assert wait_for_status(pg) == "ready", pg.inner_text("#boot")
    return pg


def test_without_the_header_the_worker_refuses_the_readers_code(browser, plain_url):
    context = browser.new_context()
    try:
        pg = open_ready(context, plain_url + "check.html")
        reply = create_with_code(pg)
        assert "error" in reply, "the reader's code ran in a worker without a policy"
        assert reply["error"]["type"] == "CodeError"
        assert pg.evaluate("() => document.documentElement.dataset.workerEval") == "allowed"
        assert (
            "Content-Security-Policy" in reply["error"]["message"] and "README" in reply["error"]["message"]
        )
        # the rest of Python works as always
        assert "result" in py_call(pg, "lab.create", {"settings": {}})

        # the lab page says it where the code is: in the code panel, after "Run this code"
        lab = context.new_page()
        errors = []
        lab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        lab.goto(f"{plain_url}index.html?sw=0&code={b64url(CODE)}")
        assert wait_for_status(lab) == "ready", lab.inner_text("#boot")
        lab.locator(".code-cell[data-side=left] .code-run").click()
        text = until(
            lab,
            "() => { const e = document.querySelector('.code-cell[data-side=left] .code-editor-error');"
            " return e && e.innerText; }",
            60,
            "the code panel's error",
        )
        assert "Content-Security-Policy" in text, text
    finally:
        context.close()


def test_with_the_header_the_worker_blocks_eval_and_runs_the_code(browser, server_url):
    context = browser.new_context()
    try:
        pg = open_ready(context, server_url + "check.html")
        assert pg.evaluate("() => document.documentElement.dataset.workerEval") == "blocked"
        assert "result" in create_with_code(pg)
    finally:
        context.close()


def test_on_a_plain_host_the_service_worker_gives_the_worker_its_policy(browser, plain_url):
    context = browser.new_context()
    try:
        first = context.new_page()
        first.goto(plain_url + "embed.html?lazy=0")
        first.wait_for_function(
            "() => ['cached', 'failed'].includes(document.documentElement.dataset.sw)",
            timeout=LOAD_TIMEOUT_MS,
        )
        second = open_ready(context, plain_url + "check.html")
        assert second.evaluate("() => !!navigator.serviceWorker.controller")
        assert "result" in create_with_code(second)
        assert second.evaluate("() => document.documentElement.dataset.workerEval") == "blocked"
    finally:
        context.close()
