"""The service worker (site/sw.js): a second visit works with the server stopped; a site update is
adopted atomically (a new page gets only new files, a page opened before the update keeps getting
its own version's files, old caches go once no page uses them); sw=0 opts out.

Each test serves its own copy of dist/ and uses its own browser context (service workers and caches
belong to a context).
"""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

import pytest

import builds
from conftest import LOAD_TIMEOUT_MS, until

pytestmark = pytest.mark.browser
SW_DONE = "() => ['cached', 'failed'].includes(document.documentElement.dataset.sw)"


@pytest.fixture
def context(browser):
    ctx = browser.new_context()
    yield ctx
    ctx.close()


def wait_cached(pg):
    pg.wait_for_function(SW_DONE, timeout=LOAD_TIMEOUT_MS)
    assert pg.evaluate("() => document.documentElement.dataset.sw") == "cached"


def wait_live(pg):
    pg.wait_for_function(
        "() => ['live', 'error'].includes(document.documentElement.dataset.phase)", timeout=LOAD_TIMEOUT_MS
    )
    assert pg.evaluate("() => document.documentElement.dataset.phase") == "live", pg.inner_text("body")[:800]


def sw_info(pg):
    return pg.evaluate("""() => new Promise((done) => {
        const ch = new MessageChannel();
        ch.port1.onmessage = (e) => done(e.data);
        navigator.serviceWorker.controller.postMessage({type: "pyinit-sw:info"}, [ch.port2]);
    })""")


def make_version(src: Path, dst: Path, mark: str) -> None:
    """A copy of dist/ whose page, stylesheet, the page's module (its bundle) and manifest carry `mark`,
    with the manifest's sha256 entries updated (what a rebuild after an edit would give)."""
    builds.make_version(
        src,
        dst,
        mark,
        {
            "embed.html": lambda t, m: t.replace(
                "<head>", f'<head>\n  <meta name="pyinit-test-build" content="{m}">', 1
            ),
            "css/embed.css": lambda t, m: t + f'\n:root {{ --pyinit-test-build: "{m}"; }}\n',
            "entry:js/pages/embed.js": lambda t, m: t + f'\nglobalThis.pyinitTestBuild = "{m}";\n',
        },
    )


def marks(pg):
    """Which build each part of the page came from (once the page's module has run to its end: its
    last line, after its top-level awaits, sets the mark)."""
    until(pg, "() => globalThis.pyinitTestBuild !== undefined", 30, "the page's module ran to its end")
    return pg.evaluate("""async () => ({
        html: document.querySelector('meta[name="pyinit-test-build"]').content,
        css: getComputedStyle(document.documentElement).getPropertyValue("--pyinit-test-build").trim().replace(/"/g, ""),
        module: globalThis.pyinitTestBuild,
        manifest: (await (await fetch("build-manifest.json", {cache: "no-cache"})).json()).testBuild,
        cssNow: /--pyinit-test-build: "(\\w+)"/.exec(await (await fetch("css/embed.css", {cache: "no-cache"})).text())[1],
    })""")


def test_second_visit_works_with_the_server_stopped(context, build_module, dist_dir, tmp_path):
    root = tmp_path / "site"
    shutil.copytree(dist_dir, root)
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(build_module.background_server(root))
        first = context.new_page()
        first.goto(url + "embed.html?lazy=0")
        wait_live(first)
        wait_cached(first)  # the service worker holds every file of this build, runtime included
    # the server is gone now
    second = context.new_page()
    second.goto(url + "embed.html?lazy=0&panels=trajectories,loss")
    wait_live(second)
    assert second.evaluate("() => !!navigator.serviceWorker.controller")
    second.click("#btn-step")
    second.wait_for_function("() => window.pyinitEmbed.snapshot().step > 0")  # the next recorded step
    # the lab page too
    lab = context.new_page()
    lab.goto(url)
    lab.wait_for_function(
        "() => document.documentElement.dataset.status === 'ready'", timeout=LOAD_TIMEOUT_MS
    )


def test_upgrade_is_atomic_and_old_pages_keep_their_version(context, build_module, dist_dir, tmp_path):
    a, b, served = tmp_path / "a", tmp_path / "b", tmp_path / "served"
    make_version(dist_dir, a, "A")
    make_version(dist_dir, b, "B")
    shutil.copytree(a, served)
    with build_module.background_server(served) as url:
        first = context.new_page()
        first.goto(url + "embed.html?lazy=0")
        wait_live(first)
        wait_cached(first)
        old = context.new_page()  # controlled by the service worker, pinned to A
        old.goto(url + "embed.html")
        old.wait_for_function("() => window.pyinitEmbed && document.documentElement.dataset.phase")
        assert old.evaluate("() => !!navigator.serviceWorker.controller")
        assert set(marks(old).values()) == {"A"}

        shutil.rmtree(served)  # the site is updated on the server
        shutil.copytree(b, served)

        new = context.new_page()
        new.goto(url + "embed.html?lazy=0")
        # the page's module has run to its end (its top-level awaits included)
        new.wait_for_function("() => window.pyinitEmbed && document.documentElement.dataset.phase")
        assert set(marks(new).values()) == {"B"}, marks(new)
        wait_live(new)  # Python (runtime, numpy, pyinit: same bytes, reused) starts in version B
        assert sw_info(new)["pinned"].get("worker", 0) >= 1  # the page's Web Worker is pinned with it
        # the page opened before the update still gets A's files, never a mix
        assert set(marks(old).values()) == {"A"}, marks(old)
        # a reload of the old page moves it to B, whole
        old.reload()
        old.wait_for_function("() => window.pyinitEmbed && document.documentElement.dataset.phase")
        assert set(marks(old).values()) == {"B"}
        # once no page uses A, its cache is deleted (checked after the next navigation)
        first.close()
        new.reload()
        new.wait_for_function("() => window.pyinitEmbed && document.documentElement.dataset.phase")
        # cleanup runs 1 s after a navigation, in the worker's own time; it keeps the pins of the last
        # 10 s (a worker whose script is still loading is not listed yet), so A's last pin (the old
        # page's first load) may outlive this navigation: the next ones delete it
        for i in range(100):
            info = sw_info(new)
            if len(info["caches"]) == 1:
                break
            if i % 12 == 11:
                new.reload()
                new.wait_for_function("() => window.pyinitEmbed && document.documentElement.dataset.phase")
            new.wait_for_timeout(250)
        assert info["caches"] == [f"pyinit-v-{info['current']}"] and info["version"] == info["current"]


def test_sw_0_opts_out_and_unregisters(context, serve, dist_dir):
    url = serve(dist_dir)
    pg = context.new_page()
    pg.goto(url + "embed.html")
    pg.wait_for_function(
        "() => document.documentElement.dataset.sw === 'registered' || document.documentElement.dataset.sw === 'cached'"
    )
    pg.evaluate("() => navigator.serviceWorker.ready")
    off = context.new_page()
    served_by_sw = []
    off.on("response", lambda r: r.from_service_worker and served_by_sw.append(r.url))
    off.goto(url + "embed.html?sw=0")
    off.wait_for_function("() => document.documentElement.dataset.sw === 'off'")
    assert off.evaluate("async () => (await navigator.serviceWorker.getRegistrations()).length") == 0
    assert not served_by_sw  # the sw=0 page and everything it loaded came from the network
