"""Shared fixtures: the built site and a real browser (Playwright driving Debian's Chromium).

Markers follow folders and fixtures (``pytest_collection_modifyitems`` below): every test under
``tests/browser/`` is ``browser``; every test under ``tests/engines/`` is ``engines``, ``browser`` and
``slow``; every test that asks for a build (the fixtures ``dist_dir`` or
``node_modules``) is ``build``, and outside ``tests/browser/`` also ``slow``. So
``-m "not browser"`` needs no Chromium and builds dist/ only for ``tests/build/``, and
``-m "not browser and not slow"`` (the fast subset) needs neither npm nor a build.

Fixtures for other test files (all lazily built; core tests that use none of them need neither
npm nor Chromium). The build's code is ``tools.*`` (the repository root is on ``sys.path``, see
pyproject.toml); import it directly.

- ``node_modules`` session: Path of node_modules/, matching package-lock.json (``npm ci`` if not).
- ``dist_dir``     session: Path of a fresh self-hosted build (``tools.assemble.build``) in a temp folder.
- ``site_js``      session: a copy of ``site/js/`` where Node runs the page's modules as ES modules
                   (``site_js.node(script, data)`` runs a module script beside ``js/`` with ``data``
                   as JSON and returns what it prints, parsed; ``site_js.root`` is the folder). Needs
                   only ``node`` (no npm packages): part of the fast subset.
- ``serve``        session: ``serve(root, base="/", mime=None) -> url`` starts a local server for any
                   folder (e.g. a broken copy of dist) on a free port; all stop at session end.
- ``server_url``   session: URL ("http://127.0.0.1:PORT/") serving ``dist_dir``.
- ``browser``      session: headless Chromium (``/usr/bin/chromium``, --no-sandbox).
- ``page``         function: a new page in a fresh context that records ``page.console_errors``
                   (console errors and uncaught exceptions), ``page.requests`` (every URL, including
                   the worker's) and ``page.external_requests`` (URLs not on 127.0.0.1/localhost;
                   these are also aborted, so nothing leaves the machine).
- ``ready_page``   function: ``page`` opened at ``server_url`` and waited for
                   ``<html data-status="ready">``; ``ready_page.py_call(fn, args)`` calls the worker.
- ``build_module`` session: the public names of ``tools.pins``, ``common``, ``bootstrap``,
                   ``assemble`` and ``server`` in one namespace (``build_module.CSP``,
                   ``.build(out)``, ``.make_server(...)``), for tests written against the old
                   one-file build.py.

Helpers: ``wait_for_status(page, timeout_ms)`` returns "ready" or "error"; ``until(page, script)``
and ``poll(check)`` poll (never sleep) until a condition holds; ``next_frames(page, n)`` waits for
the page's next animation frames; ``story_end_drawn(page)`` for the story's last experiment;
``py_call(page, fn, args)`` returns the result or {"error": {...}} for a failed call. For the lab page
(index.html, through its hook ``window.pyinitLab``): ``open_live_lab``, ``lab_snapshot``,
``wait_lab_live``, ``pause_lab``, ``lab_load(page, hash)`` (fresh live runs of a link's settings),
``lab_go_to(page, step)``, ``wait_lab_drawn``, and ``plot_data(page, id)`` (a chart's ``chartData``).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import time
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlparse

import pytest

from tools import assemble, bootstrap, common, pins, server

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
BUILD_FIXTURES = {"dist_dir", "node_modules"}

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
LOAD_TIMEOUT_MS = 90_000


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by these markers
def pytest_collection_modifyitems(config, items):
    for item in items:
        in_browser = TESTS / "browser" in Path(item.path).parents
        if in_browser:
            item.add_marker(pytest.mark.browser)
        if TESTS / "engines" in Path(item.path).parents:  # Chromium, Firefox ESR and WebKit
            for marker in (pytest.mark.engines, pytest.mark.browser, pytest.mark.slow):
                item.add_marker(marker)
        if BUILD_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.build)
            if not in_browser:  # browser tests keep `slow` for the ones slow among them
                item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def build_module():
    return SimpleNamespace(
        **{
            name: value
            for module in (pins, common, bootstrap, assemble, server)
            for name, value in vars(module).items()
            if not name.startswith("_")
        }
    )


@pytest.fixture(scope="session")
def node_modules() -> Path:
    with assemble.build_lock():
        bootstrap.ensure_node_modules()
    return common.NODE_MODULES


@pytest.fixture(scope="session")
def site_js(tmp_path_factory):
    root = tmp_path_factory.mktemp("site-js")
    shutil.copytree(ROOT / "site" / "js", root / "js")
    (root / "package.json").write_text('{"type": "module"}\n')  # .js files are ES modules here

    def node(script: str, data=None):
        (root / "script.js").write_text(script, encoding="utf-8")
        (root / "data.json").write_text(json.dumps(data), encoding="utf-8")
        done = subprocess.run(
            ["node", "script.js", "data.json"], cwd=root, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr[-4000:]
        return json.loads(done.stdout)

    return SimpleNamespace(root=root, node=node)


@pytest.fixture(scope="session")
def dist_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "dist"
    assemble.build(out)
    return out


@pytest.fixture(scope="session")
def serve():
    stack = contextlib.ExitStack()

    def start(root: Path, base: str = "/", mime: dict | None = None) -> str:
        return stack.enter_context(server.background_server(Path(root), base, mime))

    with stack:
        yield start


@pytest.fixture(scope="session")
def server_url(dist_dir, serve) -> str:
    return serve(dist_dir)


@pytest.fixture(scope="session")
def browser():
    if not Path(pins.CHROMIUM).exists():
        pytest.fail(f"{pins.CHROMIUM} is missing: run `python3 build.py test`, which installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=pins.CHROMIUM,
            args=pins.CHROMIUM_ARGS,
            headless=os.environ.get("PYINIT_HEADED") != "1",
        )
        yield b
        b.close()


def _is_local(url: str) -> bool:
    parsed = urlparse(url)
    return parsed.scheme in ("data", "blob", "about", "file") or parsed.hostname in LOCAL_HOSTS


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    pg = context.new_page()
    pg.console_errors = []
    pg.requests = []
    pg.external_requests = []

    def on_console(msg):
        if msg.type == "error":
            pg.console_errors.append(msg.text)

    def on_request(request):
        pg.requests.append(request.url)
        if not _is_local(request.url):
            pg.external_requests.append(request.url)

    def guard(route):
        if _is_local(route.request.url):
            route.continue_()
        else:
            route.abort()

    pg.on("console", on_console)
    pg.on("pageerror", lambda exc: pg.console_errors.append(f"uncaught: {exc}"))
    context.on("request", on_request)  # the context also sees the worker's requests
    context.route("**/*", guard)
    yield pg
    context.close()


def wait_for_status(pg, timeout_ms: int = LOAD_TIMEOUT_MS) -> str:
    """Wait until <html data-status> leaves "loading"; return it ("ready" or "error")."""
    # A function, not a string: the page's CSP forbids eval, which string predicates use.
    pg.wait_for_function("() => document.documentElement.dataset.status !== 'loading'", timeout=timeout_ms)
    return pg.evaluate("() => document.documentElement.dataset.status")


def py_call(pg, fn: str, args: dict | None = None):
    """Call pyinit.<fn>(**args) in the page's worker. Float64Arrays come back as lists."""
    return pg.evaluate(
        """async ([fn, args]) => {
            const plain = (v) => ArrayBuffer.isView(v)
                ? {__typed__: v.constructor.name, values: Array.from(v)}
                : Array.isArray(v) ? v.map(plain)
                : v && typeof v === "object"
                ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]))
                : v;
            try {
                return {result: plain(await window.pyinitBoot.py.call(fn, args))};
            } catch (e) {
                return {error: {type: e.type ?? e.name, message: e.message}};
            }
        }""",
        [fn, args or {}],
    )


def untyped(value):
    """Turn py_call's {__typed__, values} markers back into plain lists."""
    if isinstance(value, dict):
        if "__typed__" in value:
            return value["values"]
        return {k: untyped(v) for k, v in value.items()}
    if isinstance(value, list):
        return [untyped(v) for v in value]
    return value


@pytest.fixture
def ready_page(page, server_url):
    page.goto(server_url)
    status = wait_for_status(page)
    assert status == "ready", page.inner_text("#boot")
    page.py_call = lambda fn, args=None: py_call(page, fn, args)
    return page


# ---- the lab page (index.html): helpers shared by the lab, story, share and first-screen tests
def lab_snapshot(pg):
    """What the lab shows now (window.pyinitLab, the page's read-only test hook)."""
    return pg.evaluate("() => window.pyinitLab.snapshot()")


def wait_lab_live(pg):
    """Wait until the live Python runs have taken over from the precomputed ones."""
    pg.wait_for_function(
        "() => { const s = window.pyinitLab && window.pyinitLab.snapshot();"
        " return s && s.source === 'live'; }",
        timeout=LOAD_TIMEOUT_MS,
    )


def pause_lab(pg):
    if lab_snapshot(pg)["playing"]:
        pg.click("#btn-play")
    pg.wait_for_function("() => !window.pyinitLab.snapshot().playing")


def open_live_lab(browser, url, viewport=(1280, 900)):
    """A new context with the lab at ``url``, ready, live and paused; console errors and uncaught
    exceptions collect in ``page.errors``. Returns (context, page); close the context when done."""
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    pg = context.new_page()
    pg.errors = []
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.errors.append(f"uncaught: {e}"))
    pg.goto(url)
    assert wait_for_status(pg) == "ready", pg.inner_text("#boot")
    wait_lab_live(pg)
    pause_lab(pg)
    return context, pg


def until(pg, script, timeout=60.0, what=""):
    """Poll `script` (a JS function, evaluated in the page) until it returns something truthy; its
    value. (The page's CSP forbids the string eval of Playwright's wait_for_function.)"""
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = pg.evaluate(script)
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"not within {timeout} s: {what or script}")


def poll(check, timeout=10.0, what=""):
    """Call ``check()`` until it returns something truthy; that value (polling, never a fixed wait)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"not within {timeout} s: {what or check}")


def next_frames(pg, n=2):
    """Wait for the page's next ``n`` animation frames (what it laid out and drew by then is settled)."""
    pg.evaluate(
        "(n) => new Promise((done) => {"
        " const f = (k) => (k ? requestAnimationFrame(() => f(k - 1)) : done()); f(n); })",
        n,
    )


def story_end_drawn(pg, timeout=60.0):
    """Wait until the story's experiments near the screen (the lazy views draw within 600 px of it:
    app/chapter-views.js) are drawn, none is still loading, and the page has laid that out."""
    until(
        pg,
        "() => { const v = [...document.querySelectorAll('#story .chapter-view')];"
        " const near = (e) => { const r = e.getBoundingClientRect();"
        " return r.bottom > -600 && r.top < innerHeight + 600; };"
        " return v.length > 0 && v.every((e) => e.dataset.status === 'done'"
        " || (e.dataset.status === 'idle' && !near(e))); }",
        timeout,
        "the story's experiments near the screen drawn",
    )
    next_frames(pg)


def run_cli(args, capsys):
    """`python -m pyinit ARGS` in this process: (exit code, stdout, stderr)."""
    from pyinit.cli import main

    try:
        code = main(args)
    except SystemExit as exit_:
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err


def plot_data(pg, div_id):
    """What a chart last drew: the `chartData` its factory keeps on its container (typed arrays as
    lists, functions dropped), or None when it has drawn nothing."""
    return pg.evaluate(
        """(id) => { const el = document.getElementById(id);
        const plain = (v) => ArrayBuffer.isView(v) ? Array.from(v) : Array.isArray(v) ? v.map(plain)
            : v && typeof v === "object"
            ? Object.fromEntries(Object.entries(v).filter(([, x]) => typeof x !== "function")
                .map(([k, x]) => [k, plain(x)]))
            : v;
        return el && el.chartData ? plain(el.chartData) : null; }""",
        div_id,
    )


def wait_lab_drawn(pg, timeout_ms: int = 20_000):
    """Wait until every panel (the figure's and the More-panels rows) shows the current step."""
    pg.wait_for_function("() => window.pyinitLab && window.pyinitLab.drawnAll()", timeout=timeout_ms)


def lab_load(pg, query: str, timeout_ms: int = 60_000):
    """Set the lab's whole state from a URL hash (as a pasted link does: keys not in it take their
    defaults) and start fresh live runs at step 0, paused. For settings without precomputed runs
    (the chapters' setups continue precomputed runs instead); returns the snapshot."""
    pause_lab(pg)
    # the page writes the URL from its state 150 ms after a change: a hash set before that is lost
    pg.wait_for_timeout(250)
    pg.evaluate("() => { window.__labMeta = window.pyinitLab.snapshot().meta; }")
    same = pg.evaluate(
        """(q) => new Promise((done) => {
        const before = JSON.stringify(window.pyinitLab.settings());
        const after = () => setTimeout(() => done(JSON.stringify(window.pyinitLab.settings()) === before), 0);
        if (location.hash.slice(1) === q) return after();
        window.addEventListener("hashchange", after, {once: true});
        location.hash = q; })""",
        query,
    )
    if same:  # the same runs: Reset starts them again from step 0
        pg.click("#btn-reset")
    pg.wait_for_function(
        """() => { const s = window.pyinitLab.snapshot();
        return s && s.meta !== window.__labMeta && s.source === "live" && s.phase === "live"
            && s.handover === null && s.step === 0 && !s.playing; }""",
        timeout=timeout_ms,
    )
    wait_lab_drawn(pg)
    return lab_snapshot(pg)


def lab_go_to(pg, step: int):
    """Show `step` (the page's one go-to-step: trains live up to it when needed), then wait for the charts."""
    assert pg.evaluate("(s) => window.pyinitLab.goTo(s)", step), f"could not reach step {step}"
    wait_lab_drawn(pg)
    return lab_snapshot(pg)
