"""One small tab API over three browser engines, so that one test reads the same in each:

- Chromium: Python Playwright driving Debian's /usr/bin/chromium (tests/conftest.py's `browser` fixture);
- Firefox ESR: puppeteer-core over WebDriver BiDi, through firefox_bridge.mjs (a node process);
- WebKit (WebKitGTK's MiniBrowser): Selenium and WebKitWebDriver, on an Xvfb display.

A tab: ``open(url)`` (returns at once: the page goes on loading), ``js(src, arg)`` (``src`` is a
function's source, called with ``arg``; a promise is awaited), ``until(src, arg, timeout, what)`` (poll
until truthy: the page's CSP forbids the string eval of Playwright's wait_for_function), ``click(x, y)``
with the real mouse, ``type(text)`` and ``select_all()`` with the keyboard,
``screenshot(path)``, ``errors()`` (console errors, uncaught exceptions and rejections) and ``close()``.

Errors are collected in every engine by COLLECT, a script in the page: before the page's own scripts
where the driver can (Playwright, puppeteer), right after navigation in WebKit (WebKitWebDriver has no
BiDi, so no early script and no console; ``open`` checks that it came before the page's modules ran).
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

from tools.pins import FIREFOX, WEBKIT_BROWSER, WEBKIT_DRIVER, XVFB

HERE = Path(__file__).resolve().parent
POLL_S = 0.25

COLLECT = """(() => {
  if (window.__engineErrors) return;
  const errors = (window.__engineErrors = []);
  const root = document.documentElement; // none yet when run before the document (an init script)
  window.__engineEarly = !window.pyinitLab && !(root && root.dataset.status === "ready");
  const text = (v) => (v && v.message) || String(v);
  addEventListener("error", (e) => errors.push(`error: ${e.message || text(e.error) || e.type}`));
  addEventListener("unhandledrejection", (e) => errors.push(`unhandled rejection: ${text(e.reason)}`));
  const original = console.error;
  console.error = function (...args) {
    errors.push(`console.error: ${args.map(text).join(" ")}`);
    return original.apply(this, args);
  };
})()"""
READ_ERRORS = "() => (window.__engineErrors || []).slice()"


class Tab:
    engine = ""

    def until(self, src: str, arg=None, timeout: float = 60.0, what=""):
        """Poll `src` (a function's source) until it returns something truthy; that value. `what` names
        it in the error (a function: called then, to show the page's state at the timeout)."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.js(src, arg)
            if value:
                return value
            if time.monotonic() > deadline:
                said = what() if callable(what) else what
                raise AssertionError(f"{self.engine}: not within {timeout:.0f} s: {said or src}")
            time.sleep(POLL_S)

    def errors(self) -> list[str]:
        """Console errors and uncaught exceptions and rejections, in the page (and the driver's own)."""
        return list(dict.fromkeys([*self.js(READ_ERRORS), *self.driver_messages()]))

    def driver_messages(self) -> list[str]:
        return []


# ---------------------------------------------------------------------------------------------- Chromium
class ChromiumTab(Tab):
    engine = "chromium"

    def __init__(self, browser, width: int, height: int):
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.context.add_init_script(COLLECT)
        self.page = self.context.new_page()
        self.messages: list[str] = []
        self.page.on("console", lambda m: self.messages.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.messages.append(f"uncaught: {e}"))

    def open(self, url: str) -> None:
        self.page.goto(url, wait_until="commit")

    def js(self, src: str, arg=None):
        return self.page.evaluate(src, arg)

    def click(self, x: float, y: float) -> None:
        self.page.mouse.click(x, y)

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def select_all(self) -> None:
        self.page.keyboard.press("Control+A")

    def screenshot(self, path) -> None:
        self.page.screenshot(path=str(path))

    def driver_messages(self) -> list[str]:
        return self.messages

    def close(self) -> None:
        self.context.close()


# ---------------------------------------------------------------------------------------------- Firefox
class FirefoxBridge:
    """firefox_bridge.mjs in a node process: Firefox ESR started once, one browser context per tab."""

    def __init__(self, node: str, cwd: Path, log_path: Path):
        self.log = open(log_path, "w")  # noqa: SIM115 (closed by close())
        self.proc = subprocess.Popen(
            [node, str(HERE / "firefox_bridge.mjs")],
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )
        self.next_id = 0
        self.version = self.call(
            "launch", executable=FIREFOX, headless=os.environ.get("PYINIT_HEADED") != "1"
        )

    def call(self, op: str, **args):
        self.next_id += 1
        self.proc.stdin.write(json.dumps({"id": self.next_id, "op": op, **args}) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"firefox_bridge.mjs stopped (exit {self.proc.wait()}); see {self.log.name}")
        reply = json.loads(line)
        if "error" in reply:
            raise RuntimeError(f"firefox {op}: {reply['error']}")
        return reply["value"]

    def close(self) -> None:
        try:
            self.call("quit")
        finally:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            self.log.close()


class FirefoxTab(Tab):
    engine = "firefox"

    def __init__(self, bridge: FirefoxBridge, width: int, height: int):
        self.bridge = bridge
        self.id = bridge.call("open", width=width, height=height, init=COLLECT)

    def open(self, url: str) -> None:
        self.bridge.call("goto", tab=self.id, url=url)

    def js(self, src: str, arg=None):
        return self.bridge.call("eval", tab=self.id, src=src, arg=arg)

    def click(self, x: float, y: float) -> None:
        self.bridge.call("click", tab=self.id, x=x, y=y)

    def type(self, text: str) -> None:
        self.bridge.call("keys", tab=self.id, text=text)

    def select_all(self) -> None:
        self.bridge.call("chord", tab=self.id, modifier="Control", key="a")

    def screenshot(self, path) -> None:
        self.bridge.call("shot", tab=self.id, path=str(path))

    def driver_messages(self) -> list[str]:
        return self.bridge.call("messages", tab=self.id)

    def close(self) -> None:
        self.bridge.call("close", tab=self.id)


# ---------------------------------------------------------------------------------------------- WebKit
class Xvfb:
    """A virtual X display for WebKitGTK (it has no headless mode); the server picks a free number."""

    def __init__(self):
        read, write = os.pipe()
        self.proc = subprocess.Popen(
            [XVFB, "-displayfd", str(write), "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
            pass_fds=(write,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(write)
        with os.fdopen(read) as f:
            number = f.readline().strip()
        if not number:
            raise RuntimeError(f"Xvfb did not start (exit {self.proc.poll()})")
        self.display = f":{number}"

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def webkit_driver(display: str, log_path: Path):
    from selenium import webdriver
    from selenium.webdriver.webkitgtk.service import Service

    opts = webdriver.WebKitGTKOptions()
    opts.binary_location = WEBKIT_BROWSER
    opts.add_argument("--automation")
    opts.page_load_strategy = "none"  # get() returns at once: the page goes on loading Python
    service = Service(
        executable_path=WEBKIT_DRIVER, log_output=str(log_path), env=dict(os.environ, DISPLAY=display)
    )
    driver = webdriver.WebKitGTK(options=opts, service=service)
    driver.set_script_timeout(120)
    return driver


class WebKitTab(Tab):
    """The driver's one window (WebKitWebDriver has one session per browser): a tab is a fresh page
    in it, the previous one left by ``close()`` for about:blank."""

    engine = "webkit"

    def __init__(self, driver, width: int, height: int):
        self.driver = driver
        self.blank()
        driver.set_window_size(width, height)
        inner = self._script("return [innerWidth, innerHeight]")
        driver.set_window_size(2 * width - inner[0], 2 * height - inner[1])  # the window's frame on top

    def _script(self, script: str, *args, timeout: float = 30.0):
        """execute_script, again while a navigation replaces the document under it."""
        from selenium.common.exceptions import JavascriptException, NoSuchFrameException

        deadline = time.monotonic() + timeout
        while True:
            try:
                return self.driver.execute_script(script, *args)
            except (NoSuchFrameException, JavascriptException):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def blank(self) -> None:
        self.driver.get("about:blank")
        self._until_script("return location.href === 'about:blank' && document.readyState === 'complete'")

    def _until_script(self, script: str, timeout: float = 30.0):
        deadline = time.monotonic() + timeout
        while not (value := self._script(script)):
            if time.monotonic() > deadline:
                raise AssertionError(f"webkit: not within {timeout} s: {script}")
            time.sleep(0.02)
        return value

    def open(self, url: str) -> None:
        self.driver.get(url)
        # the new document, as early as the driver can reach it: before the page's modules have run
        early = self._until_script(
            f"if (location.href === 'about:blank') return null; {COLLECT}; return [window.__engineEarly];"
        )
        assert early == [True], "webkit: the error collector came after the page's modules had run"

    def js(self, src: str, arg=None):
        return self.driver.execute_script(f"return ({src})(arguments[0]);", arg)

    def _pointer(self):
        from selenium.webdriver.common.actions.action_builder import ActionBuilder

        return ActionBuilder(self.driver)

    def click(self, x: float, y: float) -> None:
        actions = self._pointer()
        actions.pointer_action.move_to_location(round(x), round(y)).click()
        actions.perform()

    def type(self, text: str) -> None:
        from selenium.webdriver.common.action_chains import ActionChains

        ActionChains(self.driver).send_keys(text).perform()

    def select_all(self) -> None:
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.keys import Keys

        ActionChains(self.driver).key_down(Keys.CONTROL).send_keys("a").key_up(Keys.CONTROL).perform()

    def screenshot(self, path) -> None:
        self.driver.save_screenshot(str(path))

    def close(self) -> None:
        self.blank()
