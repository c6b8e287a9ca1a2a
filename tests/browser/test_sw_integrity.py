"""Issue 16, item 3: the service worker trusts nothing it did not verify.

Page code of the site's origin can write into Cache Storage (e.g. code a reader ran from a link, which
reached the worker's `caches`). It plants its own lab page script (the bundle index.html runs) into
every cache of the service worker. A later visit must not run it: the service worker hashes what it
reads from a cache, finds that the bytes are not the manifest's, fetches the file again and the page
names it. The same after a new deploy that changes another file (reuse across versions copies bytes
only after hashing them).
"""

from __future__ import annotations

import json
import shutil

import pytest

import builds
from conftest import LOAD_TIMEOUT_MS, until

pytestmark = pytest.mark.browser
PLANTED = 'document.title = "taken over"; window.pyinitPlanted = true;\n'
SW_DONE = "() => ['cached', 'failed', 'stale-deploy'].includes(document.documentElement.dataset.sw)"


def lab_entry(root) -> str:
    """The file index.html runs as its page script (the bundle of js/pages/lab.js, or the module itself)."""
    manifest = json.loads((root / "build-manifest.json").read_text())
    return ((manifest.get("bundles") or {}).get("entries") or {}).get("js/pages/lab.js", "js/pages/lab.js")


def plant(pg, rel: str) -> int:
    """From page code: put a script of ours under `rel` into every cache of the origin. How many caches."""
    return pg.evaluate(
        """async ([rel, body]) => {
        const url = new URL(rel, location.href).href;
        let n = 0;
        for (const name of await caches.keys()) {
            const c = await caches.open(name);
            if (!(await c.match(url))) continue;
            await c.put(url, new Response(body, {headers: {"Content-Type": "text/javascript"}}));
            n += 1;
        }
        return n;
    }""",
        [rel, PLANTED],
    )


def visit(context, url):
    """A new page of the context at url (index.html); when its modules have run: what ran."""
    pg = context.new_page()
    pg.goto(url)
    until(pg, "() => window.pyinitStarted === true || window.pyinitPlanted === true", what="page script ran")
    return pg


def named(pg, rel):
    """The page names the replaced file: <html data-sw-tampered> and a visible alert that says it."""
    until(
        pg,
        f"() => (document.documentElement.dataset.swTampered || '').split(' ').includes({json.dumps(rel)})",
        timeout=30,
        what=f"data-sw-tampered names {rel}",
    )
    note = pg.locator("#sw-tampered")
    # in words once the page's text catalog has arrived (it may arrive after the notice is made)
    until(
        pg,
        f"() => (document.getElementById('sw-tampered')?.innerText || '').includes({json.dumps(rel)})",
        timeout=30,
        what=f"the notice names {rel}",
    )
    assert note.is_visible() and note.get_attribute("role") == "alert"
    assert "[sw.tampered]" not in note.inner_text()


@pytest.fixture
def context(browser):
    ctx = browser.new_context()
    yield ctx
    ctx.close()


def test_planted_page_script_never_runs_and_is_named(context, build_module, dist_dir, tmp_path):
    a, b, served = tmp_path / "a", tmp_path / "b", tmp_path / "served"
    builds.make_version(dist_dir, a, "A", {"css/page.css": lambda t, m: t + f"\n/* build {m} */\n"})
    builds.make_version(dist_dir, b, "B", {"css/page.css": lambda t, m: t + f"\n/* build {m} */\n"})
    shutil.copytree(a, served)
    entry = lab_entry(a)
    assert entry == lab_entry(b)  # the new deploy changes another file, not this one
    with build_module.background_server(served) as url:
        first = context.new_page()
        first.goto(url + "embed.html?lazy=0")
        first.wait_for_function(SW_DONE, timeout=LOAD_TIMEOUT_MS)
        assert first.evaluate("() => document.documentElement.dataset.sw") == "cached"
        assert plant(first, entry) >= 1

        again = visit(context, url)
        assert not again.evaluate("() => window.pyinitPlanted === true"), "the planted script ran"
        assert again.title() != "taken over"
        named(again, entry)

        # planted again, then a deploy that changes another file: still never run, named again
        assert plant(first, entry) >= 1
        shutil.rmtree(served)
        shutil.copytree(b, served)
        after = visit(context, url)
        assert not after.evaluate("() => window.pyinitPlanted === true"), (
            "the planted script ran after a deploy"
        )
        named(after, entry)
        # and what the caches hold now is the real script
        real = (b / entry).read_text()
        cached = after.evaluate(
            """async (rel) => { const out = [];
            for (const n of await caches.keys()) {
                const r = await (await caches.open(n)).match(new URL(rel, location.href).href);
                if (r) out.push(await r.text()); }
            return out; }""",
            entry,
        )
        assert all(text == real for text in cached)
