"""Issue 16, item 7: embed.html in an iframe sandboxed without allow-same-origin (as some LMSs embed).

Such a frame has an opaque origin: every file it loads is a cross-origin request, and it cannot start
a Web Worker of the site. build.py's server sends `Access-Control-Allow-Origin: *`, so the frame reads
the files and plays the precomputed runs, and says the real cause in the page's language ("this embed
needs allow-same-origin in the iframe's sandbox attribute") where Python would start. From a server
without that header, the guard names the same cause instead of "request failed (Failed to fetch).
Rebuild with python3 build.py".
"""

from __future__ import annotations

import threading
import time

import pytest

from conftest import until

pytestmark = pytest.mark.browser
STATUS = "() => document.documentElement.dataset.status"


def sandboxed(browser, url):
    """A host page (about:blank) with `url` in <iframe sandbox="allow-scripts">; (context, page, frame, console)."""
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    pg = context.new_page()
    console = []
    pg.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    pg.set_content(f'<iframe sandbox="allow-scripts" src="{url}" width="900" height="640"></iframe>')
    frame = until(pg, "() => document.querySelector('iframe').contentWindow !== null") and pg.frames[1]
    return context, pg, frame, console


def frame_until(frame, script, timeout=60.0, what=""):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            value = frame.evaluate(script)
        except Exception:  # noqa: BLE001 (the frame still navigating)
            value = None
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"not within {timeout} s: {what or script}")


def canvas_ink(frame) -> int:
    """Pixels that are not the background, over every canvas in the frame (the charts are drawn)."""
    return frame.evaluate(
        """() => [...document.querySelectorAll('canvas')].reduce((n, c) => {
            if (!c.width || !c.height) return n;
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let k = 0;
            for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && (d[i] < 235 || d[i + 1] < 235 || d[i + 2] < 235)) k++;
            return n + k; }, 0)"""
    )


@pytest.mark.parametrize("lang", ["en", "pl"])
def test_sandboxed_embed_plays_the_precomputed_runs_and_names_the_cause(browser, server_url, lang):
    context, pg, frame, console = sandboxed(browser, f"{server_url}embed.html?lazy=0&lang={lang}")
    try:
        assert frame.evaluate("() => self.origin") == "null"  # the sandbox as an LMS sets it
        frame_until(frame, "() => window.pyinitEmbed && window.pyinitEmbed.snapshot()", what="the runs")
        frame_until(frame, "() => document.documentElement.dataset.status === 'error'", what="the cause")
        message = frame.evaluate("() => document.getElementById('boot-message').innerText")
        assert "allow-same-origin" in message and "sandbox" in message, message
        if lang == "pl":
            assert "ramki iframe" in message, message
        assert frame.evaluate("() => document.getElementById('boot').offsetHeight") > 0
        # the precomputed runs are drawn and play
        assert canvas_ink(frame) > 2000
        assert frame.evaluate("() => window.pyinitEmbed.snapshot().source") == "precomputed"
        frame.locator("#btn-step").click()
        frame_until(frame, "() => window.pyinitEmbed.snapshot().step > 0", what="Step advances")
        cors = [m for m in console if "CORS" in m or "Access-Control" in m or "Failed to fetch" in m]
        assert not cors, cors[:5]
    finally:
        context.close()


def test_without_the_cors_header_the_guard_names_the_cause(browser, build_module, dist_dir):
    """A static host that does not send Access-Control-Allow-Origin: the frame can read nothing."""
    httpd = build_module.make_server(dist_dir, "127.0.0.1", 0, "/", quiet=True)

    class NoCors(httpd.RequestHandlerClass):
        def send_header(self, key, value):
            if key != "Access-Control-Allow-Origin":
                super().send_header(key, value)

    httpd.RequestHandlerClass = NoCors
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        context, pg, frame, _ = sandboxed(browser, build_module.server_url(httpd) + "embed.html?lazy=0")
        try:
            frame_until(frame, "() => document.documentElement.dataset.status === 'error'", 30, "the guard")
            message = frame.evaluate("() => document.getElementById('boot-message').innerText")
            assert "allow-same-origin" in message and "Access-Control-Allow-Origin" in message, message
            assert "Rebuild" not in message, message
        finally:
            context.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
