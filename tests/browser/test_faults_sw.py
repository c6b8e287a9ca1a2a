"""Issue 13, fault 7: the service worker never adopts an incomplete deploy.

The server gets a new manifest and new files, except that one file is still the old one (a deploy
caught half-way). The service worker must keep serving the last complete version, whole (no page
mixing two builds), say so (<html data-sw="stale-deploy">), keep that version for offline use, and
adopt the new build once the server has all of it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
from pathlib import Path

import pytest

import builds
from conftest import LOAD_TIMEOUT_MS

pytestmark = pytest.mark.browser
SW_DONE = "() => ['cached', 'failed', 'stale-deploy'].includes(document.documentElement.dataset.sw)"
# Files a rebuild changes (each carries the build's mark); embed-host.js is the one a half-done deploy
# misses (a small file every version has, which the page itself does not run).
EDITS = {
    "embed.html": lambda t, m: t.replace(
        "<head>", f'<head>\n  <meta name="pyinit-test-build" content="{m}">', 1
    ),
    "css/embed.css": lambda t, m: t + f'\n:root {{ --pyinit-test-build: "{m}"; }}\n',
    "entry:js/pages/embed.js": lambda t, m: t + f'\nglobalThis.pyinitTestBuild = "{m}";\n',
    "entry:js/platform/sw-register.js": lambda t, m: t + f'\nglobalThis.pyinitTestRegister = "{m}";\n',
    "embed-host.js": lambda t, m: t + f'\nglobalThis.pyinitTestStrings = "{m}";\n',
}


def make_version(src: Path, dst: Path, mark: str) -> None:
    """A copy of dist whose EDITS files carry `mark`, with the manifest's sha256 entries updated."""
    builds.make_version(src, dst, mark, EDITS)


def serve_copy(src: Path, dst: Path) -> None:
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(src, dst, copy_function=os.link)


def marks(pg):
    """Which build each part of the page came from."""
    return pg.evaluate("""async () => ({
        html: document.querySelector('meta[name="pyinit-test-build"]').content,
        css: getComputedStyle(document.documentElement).getPropertyValue("--pyinit-test-build").trim().replace(/"/g, ""),
        module: globalThis.pyinitTestBuild,
        register: globalThis.pyinitTestRegister,
        strings: /pyinitTestStrings = "(\\w+)"/.exec(await (await fetch("embed-host.js")).text())[1],
        manifest: (await (await fetch("build-manifest.json", {cache: "no-cache"})).json()).testBuild,
    })""")


def open_live(context, url):
    pg = context.new_page()
    pg.goto(url + "embed.html?lazy=0")
    pg.wait_for_function(
        "() => ['live', 'error'].includes((document.documentElement.dataset.phase || document.documentElement.dataset.embedPhase))",
        timeout=LOAD_TIMEOUT_MS,
    )
    assert (
        pg.evaluate(
            "() => (document.documentElement.dataset.phase || document.documentElement.dataset.embedPhase)"
        )
        == "live"
    ), pg.inner_text("body")[:800]
    pg.wait_for_function(SW_DONE, timeout=LOAD_TIMEOUT_MS)
    return pg


@pytest.fixture
def context(browser):
    ctx = browser.new_context()
    yield ctx
    ctx.close()


@contextlib.contextmanager
def server_on(build_module, root: Path, port: int = 0):
    """build.py's server for `root` on `port` (0: any free one; the same port again: the same origin)."""
    httpd = build_module.make_server(root, "127.0.0.1", port, "/", quiet=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield build_module.server_url(httpd), httpd.server_address[1]
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_half_done_deploy_keeps_the_last_complete_version(context, build_module, dist_dir, tmp_path):
    a, b, half, served = tmp_path / "a", tmp_path / "b", tmp_path / "half", tmp_path / "served"
    make_version(dist_dir, a, "A")
    make_version(dist_dir, b, "B")
    # the half-done deploy: B's manifest and files, but A's embed-host.js
    serve_copy(b, half)
    (half / "embed-host.js").unlink()
    os.link(a / "embed-host.js", half / "embed-host.js")

    serve_copy(a, served)
    with server_on(build_module, served) as (url, port):
        first = open_live(context, url)
        assert first.evaluate("() => document.documentElement.dataset.sw") == "cached"
        assert set(marks(first).values()) == {"A"}

        serve_copy(half, served)  # the server is caught half-way through the update
        during = open_live(context, url)
        assert set(marks(during).values()) == {"A"}, marks(during)  # all of A, none of B
        assert during.evaluate("() => document.documentElement.dataset.sw") == "stale-deploy"
        assert during.evaluate("() => document.documentElement.dataset.swStale") == "embed-host.js"
        first.close()
        during.close()

    # the server is down: the complete old version still works offline (it was not deleted)
    offline = open_live(context, url)
    assert set(marks(offline).values()) == {"A"}, marks(offline)
    offline.close()

    # the deploy completes: the next visit adopts B, whole, and says nothing is stale any more
    serve_copy(b, served)
    with server_on(build_module, served, port) as (url2, _):
        assert url2 == url
        after = open_live(context, url)
        assert set(marks(after).values()) == {"B"}, marks(after)
        assert after.evaluate("() => document.documentElement.dataset.sw") == "cached"
