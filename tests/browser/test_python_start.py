"""Issue 18, item 4: when Python starts (js/platform/python-start.js).

The lab (<html data-python-start="after-first-paint">) lets its Python worker download the runtime
only once the first screen is drawn from the precomputed runs, so the 16 MB do not compete with the
page's own files. When the browser asks to save data (navigator.connection.saveData), nothing of the
runtime is downloaded until the reader presses "Start Python" in the loading status; the precomputed
runs are there meanwhile.
"""

from __future__ import annotations

import time

import pytest

from conftest import until, wait_for_status

pytestmark = pytest.mark.browser
SAVE_DATA = "Object.defineProperty(navigator, 'connection', {value: {saveData: true, effectiveType: '4g'}});"
RUNTIME = ("pyodide.asm.wasm", "python_stdlib.zip", "pyodide.mjs")


def runtime_requests(log):
    return [(t, u) for t, u in log if u.split("?")[0].endswith(RUNTIME)]


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    ctx.log = []
    ctx.on("request", lambda r: ctx.log.append((time.time() * 1000, r.url)))  # the worker's requests too
    yield ctx
    ctx.close()


def test_the_lab_downloads_python_after_its_first_screen(context, server_url):
    pg = context.new_page()
    pg.goto(server_url + "index.html?sw=0")
    assert wait_for_status(pg) == "ready", pg.inner_text("#boot")
    painted = pg.evaluate(
        "() => performance.timeOrigin + Number(document.documentElement.dataset.firstPaintMs)"
    )
    first = min(t for t, _ in runtime_requests(context.log))
    assert first >= painted - 30, (
        f"the runtime was asked for {painted - first:.0f} ms before the first screen"
    )


def test_with_save_data_python_waits_for_a_click(context, server_url):
    context.add_init_script(SAVE_DATA)
    pg = context.new_page()
    pg.goto(server_url + "index.html?sw=0")
    until(pg, "() => 'firstPaintMs' in document.documentElement.dataset", 60, "the first screen")
    button = pg.locator("#boot button.boot-start")
    button.wait_for(state="visible", timeout=30_000)
    assert "16 MB" in pg.inner_text("#boot-message")
    assert pg.evaluate("() => document.documentElement.dataset.pythonHeld") == "save-data"
    pg.wait_for_timeout(2000)  # time in which an unheld worker would have asked for the runtime
    assert not runtime_requests(context.log), runtime_requests(context.log)
    assert pg.evaluate("() => document.documentElement.dataset.status") == "loading"
    assert pg.evaluate("() => window.pyinitLab.snapshot().source") == "precomputed"  # drawn meanwhile
    button.click()
    assert wait_for_status(pg) == "ready", pg.inner_text("#boot")
    assert runtime_requests(context.log)
    assert not button.is_visible()
