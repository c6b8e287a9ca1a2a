"""Content-Security-Policy: scripts only from 'self' plus 'wasm-unsafe-eval' (Pyodide compiles its
WebAssembly; it needs no eval, no inline script, no other host). The policy is shipped twice: as the
server's header (build.py CSP, also what the worker gets) and as a <meta> tag in every page (for
static hosts that send no header). The pages are loaded with Python running and must report no
violation, neither in the page (securitypolicyviolation events, console) nor in the Web Worker
(a listener added to a test copy of the worker's script: js/platform/worker.js, or its bundle).
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
from pathlib import Path

import pytest

import builds
from conftest import LOAD_TIMEOUT_MS, wait_for_status

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "site"

LISTEN = """(() => {
  const report = (where) => (e) => console.error(`CSP violation in ${where}: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
  (typeof document !== "undefined" ? document : self).addEventListener("securitypolicyviolation", report(typeof document !== "undefined" ? "page" : "worker"));
})();
"""
VIOLATION = re.compile(r"CSP violation|Content Security Policy|Refused to", re.I)
META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">')


@pytest.fixture(scope="module")
def csp_dist(tmp_path_factory, dist_dir):
    """dist/ whose worker reports CSP violations to the console (the page part is an init script)."""
    out = tmp_path_factory.mktemp("csp") / "dist"
    shutil.copytree(dist_dir, out)
    worker = out / builds.loaded_file(out, "js/platform/worker.js")  # the worker's bundle, if bundled
    worker.write_text(LISTEN + worker.read_text())
    return out


@pytest.fixture
def watched(browser):
    ctx = browser.new_context()
    ctx.add_init_script(LISTEN)
    pg = ctx.new_page()
    pg.messages = []
    pg.on("console", lambda m: pg.messages.append(f"{m.type}: {m.text}"))
    pg.on("pageerror", lambda e: pg.messages.append(f"uncaught: {e}"))
    yield pg
    ctx.close()


def violations(pg):
    return [m for m in pg.messages if VIOLATION.search(m)]


def test_every_page_ships_the_server_policy_as_meta(build_module):
    pages = sorted(SITE.glob("*.html")) + sorted((SITE / "examples").glob("*.html"))
    missing = []
    for page in pages:
        m = META.search(page.read_text(encoding="utf-8"))
        if page.name == "sandbox.html":  # the code sandbox's own, stricter policy (test_code_sandbox.py)
            assert m and "default-src 'none'" in m.group(1) and "worker-src blob:" in m.group(1), page.name
            continue
        if not m:
            missing.append(page.name)
            continue
        assert m.group(1) == build_module.CSP, f"{page.name}: meta policy differs from build.py CSP"
    assert not missing, f"pages without the CSP meta tag: {missing}"
    script_src = re.search(r"script-src ([^;]+)", build_module.CSP).group(1).split()
    assert script_src == ["'self'", "'wasm-unsafe-eval'"]


def test_embed_runs_python_with_no_violation(watched, serve, csp_dist):
    url = serve(csp_dist)
    watched.goto(url + "embed.html?panels=trajectories,loss,boundary,network&sw=0")
    watched.click("#btn-run")
    watched.wait_for_function(
        "() => ['live', 'error'].includes(document.documentElement.dataset.phase)", timeout=LOAD_TIMEOUT_MS
    )
    assert watched.evaluate("() => document.documentElement.dataset.phase") == "live"
    watched.click("#btn-step")
    watched.wait_for_function("() => window.pyinitEmbed.snapshot().step > 0")  # the next recorded step
    assert not violations(watched), violations(watched)


def test_lab_page_with_no_violation(watched, serve, csp_dist):
    url = serve(csp_dist)
    watched.goto(url + "#sw=0")
    assert wait_for_status(watched) == "ready"
    watched.wait_for_function(
        "() => window.pyinitLab && window.pyinitLab.snapshot() && window.pyinitLab.snapshot().source === 'live'",
        timeout=LOAD_TIMEOUT_MS,
    )
    assert not violations(watched), violations(watched)


def test_course_page_with_no_violation(watched, serve, csp_dist):
    url = serve(csp_dist)
    watched.goto(url + "examples/course.html")
    frame = watched.query_selector("iframe.pyinit").content_frame()
    frame.wait_for_function("() => document.documentElement.dataset.phase === 'precomputed'")
    frame.click("#btn-step")
    frame.wait_for_function("() => window.pyinitEmbed.snapshot().step > 0")
    assert not violations(watched), violations(watched)


def test_meta_policy_alone_applies_on_a_static_host(watched, csp_dist):
    """A static host sending no CSP header: the meta tag still forbids eval and inline script in
    the page, and the embed still works."""

    class Static(http.server.SimpleHTTPRequestHandler):
        extensions_map = {
            **http.server.SimpleHTTPRequestHandler.extensions_map,
            ".js": "text/javascript",
            ".mjs": "text/javascript",
            ".wasm": "application/wasm",
        }

        def log_message(self, *args):
            pass

    handler = functools.partial(Static, directory=str(csp_dist))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        watched.goto(f"http://127.0.0.1:{httpd.server_address[1]}/embed.html?sw=0")
        watched.wait_for_function("() => document.documentElement.dataset.phase === 'precomputed'")
        ran = watched.evaluate("""() => new Promise((done) => {
            document.addEventListener("securitypolicyviolation", () => done(window.inlineRan === true), {once: true});
            const s = document.createElement("script");
            s.textContent = "window.inlineRan = true";
            document.body.append(s);
        })""")
        assert ran is False  # the inline script was refused, and the refusal was reported
        assert [m for m in violations(watched) if "script-src" in m]
    finally:
        httpd.shutdown()
        httpd.server_close()
