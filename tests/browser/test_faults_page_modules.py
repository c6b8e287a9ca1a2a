"""Issue 13, fault 4: a broken, missing or wrongly typed module of the page is named within seconds.

The classic guard script (js/platform/file-check.js, loaded before the modules) sees the module
graph fail (a window error, a <script> load error) and checks the page's JS files against
build-manifest.json: HTTP status, Content-Type, sha256. Each case ends in <html data-status="error">
with a message naming the file, on every page.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
import time
from pathlib import Path

import pytest

import builds

pytestmark = pytest.mark.browser
PAGES = ["index.html", "embed.html", "check.html"]


@contextlib.contextmanager
def server(build_module, root: Path, plain=lambda path: False):
    """build.py's server for `root`, except that a URL path for which `plain(path)` holds is sent as
    text/plain (the server also sends nosniff, so a script sent so never runs)."""
    httpd = build_module.make_server(root, "127.0.0.1", 0, "/", quiet=True)

    class Handler(httpd.RequestHandlerClass):
        def send_header(self, key, value):
            if key == "Content-Type" and plain(self.path.split("?")[0]):
                value = "text/plain; charset=utf-8"
            super().send_header(key, value)

    httpd.RequestHandlerClass = Handler
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield build_module.server_url(httpd)
    finally:
        httpd.shutdown()
        httpd.server_close()


def broken(dist_dir: Path, dst: Path, rel: str, how: str) -> Path:
    shutil.copytree(dist_dir, dst, copy_function=os.link)  # hard links: cheap
    p = dst / rel
    text = p.read_text()
    p.unlink()  # never write through a hard link into dist_dir
    if how == "syntax":
        p.write_text("export {{\n" + text)  # a SyntaxError on line 1, minified or not
    elif how != "missing":
        p.write_text(text)
    return dst


# (page, module, how, words the message must contain): the file broken is the one the page loads that
# holds the module (its bundle or chunk in a bundled build); "{file}" in the words is that file
CASES = [
    *[
        (
            page,
            "js/platform/boot.js",
            "syntax",
            ["{file} does not match this build", "sha256", "SyntaxError", "line"],
        )
        for page in PAGES
    ],
    *[(page, "js/platform/worker-client.js", "missing", ["{file}: HTTP 404"]) for page in PAGES],
    *[
        (page, "js/platform/boot.js", "text/plain", ["{file} is served as text/plain", "text/javascript"])
        for page in PAGES
    ],
    # the lab page's own modules (issue 13's examples were js/lab/render.js and js/lab/views.js, now
    # js/app/figure.js, which draws the panels, and js/app/views.js), and each page's entry
    ("index.html", "js/app/figure.js", "syntax", ["{file} does not match this build", "SyntaxError"]),
    ("index.html", "js/app/views.js", "missing", ["{file}: HTTP 404"]),
    ("index.html", "js/app/figure.js", "text/plain", ["{file} is served as text/plain"]),
    ("index.html", "js/pages/lab.js", "syntax", ["{file} does not match this build", "SyntaxError"]),
    ("embed.html", "js/pages/embed.js", "missing", ["{file}: HTTP 404"]),
    ("check.html", "js/pages/check.js", "text/plain", ["{file} is served as text/plain"]),
]


@pytest.mark.parametrize(
    "page_name,module,how,words", CASES, ids=[f"{c[0]}-{c[1].split('/')[-1]}-{c[2]}" for c in CASES]
)
def test_broken_page_module_is_named_within_seconds(
    page_name, module, how, words, build_module, dist_dir, page, tmp_path
):
    rel = builds.file_with(dist_dir, module)
    assert (dist_dir / rel).exists(), f"{rel} is not part of this build: name a module the page loads"
    root = dist_dir if how == "text/plain" else broken(dist_dir, tmp_path / "dist", rel, how)
    with server(build_module, root, plain=lambda path: how == "text/plain" and path == "/" + rel) as url:
        t0 = time.monotonic()
        page.goto(url + page_name)
        page.wait_for_function("() => document.documentElement.dataset.status === 'error'", timeout=15_000)
        elapsed = time.monotonic() - t0
        message = page.inner_text("#boot-message")
    assert message.startswith("This page could not start: "), message
    for w in words:
        assert w.format(file=rel) in message, (w.format(file=rel), message)
    assert page.is_visible("#boot-message") and page.locator("#boot-message[role=alert]").count() == 1
    assert elapsed < 8, f"named after {elapsed:.1f} s"


def test_guard_stays_quiet_on_a_page_that_started(page, server_url):
    """A page whose modules loaded is never overruled by the guard (even with an error later on)."""
    page.goto(server_url + "embed.html?sw=0")
    page.wait_for_function("() => window.pyinitEmbed || window.pyinitStarted")
    page.evaluate(
        "() => { window.pyinitStarted = true; setTimeout(() => { throw new Error('a later bug'); }); }"
    )
    page.wait_for_timeout(2500)
    assert page.evaluate("() => document.documentElement.dataset.status") != "error"


@pytest.mark.parametrize("page", PAGES)
def test_when_no_script_runs_at_all_the_page_says_so(page, browser, build_module, dist_dir):
    """Every .js refused for its type: not even the guard runs. A static message (css/base.css) appears
    after a few seconds instead of "Loading…" forever."""
    context = browser.new_context()
    pg = context.new_page()
    try:
        with server(build_module, dist_dir, plain=lambda path: path.endswith((".js", ".mjs"))) as url:
            pg.goto(url + page + "?sw=0")
            fallback = pg.locator(".script-fallback")
            assert not fallback.is_visible()  # not at once: scripts may still be coming
            deadline = time.time() + 15
            while time.time() < deadline and not fallback.is_visible():
                time.sleep(0.5)
            assert fallback.is_visible()
            assert "python3 build.py serve" in fallback.inner_text()
            assert pg.evaluate("() => document.documentElement.classList.contains('js-ran')") is False
    finally:
        context.close()


def test_when_scripts_run_the_static_message_never_shows(browser, server_url):
    context = browser.new_context()
    pg = context.new_page()
    try:
        pg.goto(server_url + "index.html?sw=0")
        time.sleep(7)
        assert pg.evaluate("() => document.documentElement.classList.contains('js-ran')") is True
        assert not pg.locator(".script-fallback").is_visible()
    finally:
        context.close()
