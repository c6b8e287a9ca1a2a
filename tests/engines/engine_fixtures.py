"""Fixtures for the three-engine tests (marker `engines`, set by tests/conftest.py for this folder), imported
by the test modules (not a conftest.py: a second module named conftest would hide tests/conftest.py from
the tests that import helpers from it).

- ``xvfb``            session: a virtual X display for WebKitGTK, started on first use, stopped at the end.
- ``firefox_bridge``  session: Firefox ESR driven by puppeteer-core over WebDriver BiDi (tabs.py).
- ``webkit_driver``   session: WebKitGTK's MiniBrowser driven by Selenium (WebKitWebDriver) on ``xvfb``.
- ``new_tab``         session: ``new_tab(engine, width=1280, height=720)`` -> a Tab (tabs.py) in
                      "chromium", "firefox" or "webkit"; the caller closes it.

Everything is installed by `python3 build.py test` (tools/bootstrap.py: Debian firefox-esr,
webkit2gtk-driver, xvfb; puppeteer-core from package.json; selenium from the test extra).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import tabs as E

from tools import common

ENGINE_NEEDS = {
    "firefox": [E.FIREFOX, str(common.NODE_MODULES / "puppeteer-core" / "package.json")],
    "webkit": [E.WEBKIT_DRIVER, E.WEBKIT_BROWSER, E.XVFB],
}


def require(engine: str) -> None:
    missing = [p for p in ENGINE_NEEDS.get(engine, []) if not Path(p).exists()]
    if missing:
        pytest.fail(
            f"{engine}: {', '.join(missing)} missing: run `python3 build.py test`, which installs them"
        )


@pytest.fixture(scope="session")
def xvfb():
    require("webkit")
    display = E.Xvfb()
    yield display.display
    display.stop()


@pytest.fixture(scope="session")
def firefox_bridge(node_modules, tmp_path_factory):
    require("firefox")
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is missing: run `python3 build.py test`, which installs it")
    bridge = E.FirefoxBridge(node, common.ROOT, tmp_path_factory.mktemp("firefox") / "bridge.log")
    yield bridge
    bridge.close()


@pytest.fixture(scope="session")
def webkit_driver(xvfb, tmp_path_factory):
    driver = E.webkit_driver(xvfb, tmp_path_factory.mktemp("webkit") / "driver.log")
    yield driver
    driver.quit()


@pytest.fixture(scope="session")
def new_tab(request):
    def make(engine: str, width: int = 1280, height: int = 720) -> E.Tab:
        if engine == "chromium":
            return E.ChromiumTab(request.getfixturevalue("browser"), width, height)
        if engine == "firefox":
            return E.FirefoxTab(request.getfixturevalue("firefox_bridge"), width, height)
        if engine == "webkit":
            return E.WebKitTab(request.getfixturevalue("webkit_driver"), width, height)
        raise ValueError(f"engine must be chromium, firefox or webkit, got {engine!r}")

    return make


__all__ = ["firefox_bridge", "new_tab", "webkit_driver", "xvfb"]
