"""Issue 13, faults 5 and 6: damaged runtime files are named, under the right loading step.

The worker checks pyodide.asm.wasm, python_stdlib.zip and pyodide-lock.json against the sha256 in
build-manifest.json on their one download (the wasm streams to the compiler, its last chunk held back
until the hash matched), and hashes pyodide.mjs / pyodide.asm.js in its preflight. Each case below
ends in data-status="error" within seconds with a message naming the file, and nothing uncaught.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

from conftest import wait_for_status

pytestmark = pytest.mark.browser
PYODIDE = "pyodide-0.27.7"


def copy_with(dist_dir: Path, dst: Path, edits: dict) -> Path:
    """A copy of dist (hard links: cheap) with `edits` {relative path: function(bytes) -> bytes | None}
    applied to fresh files (None removes the file)."""
    shutil.copytree(dist_dir, dst, copy_function=os.link)
    for rel, edit in edits.items():
        p = dst / rel
        data = edit(p.read_bytes())
        p.unlink()  # never write through a hard link into dist_dir
        if data is not None:
            p.write_bytes(data)
    return dst


def flip(at: int):
    def edit(data: bytes) -> bytes:
        b = bytearray(data)
        b[at] ^= 0xFF
        return bytes(b)

    return edit


def syntax_error(data: bytes) -> bytes:
    text = data.decode()
    i = text.index("function", 5000)
    return (text[:i] + "{{ " + text[i:]).encode()


CASES = {
    # case: (edits, loading step shown, the row marked failed, words the message must contain)
    "wasm-flipped-byte": (
        {f"{PYODIDE}/pyodide.asm.wasm": flip(5_000_000)},
        "Python runtime (Pyodide)",
        "runtime",
        [f"{PYODIDE}/pyodide.asm.wasm is damaged", "sha256", "expected"],
    ),
    "stdlib-flipped-byte": (
        {f"{PYODIDE}/python_stdlib.zip": flip(1_000_000)},
        "Python standard library",
        "stdlib",
        [f"{PYODIDE}/python_stdlib.zip is damaged", "sha256"],
    ),
    "asm-js-syntax-error": (
        {f"{PYODIDE}/pyodide.asm.js": syntax_error},
        "Python runtime (Pyodide)",
        "runtime",
        [f"{PYODIDE}/pyodide.asm.js is damaged", "sha256"],
    ),
    "manifest-truncated": (
        {"build-manifest.json": lambda d: d[: len(d) // 2]},
        "build manifest (build-manifest.json)",
        None,
        ["build-manifest.json is damaged or truncated", "not valid JSON"],
    ),
    "lock-truncated": (
        {f"{PYODIDE}/pyodide-lock.json": lambda d: d[: len(d) // 2]},
        "Python runtime (Pyodide)",
        "runtime",
        [f"{PYODIDE}/pyodide-lock.json is damaged", "sha256"],
    ),
    "lock-removed": (
        {f"{PYODIDE}/pyodide-lock.json": lambda d: None},
        "Python runtime (Pyodide)",
        "runtime",
        [f"{PYODIDE}/pyodide-lock.json could not be loaded: HTTP 404"],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_damaged_runtime_file_is_named(case, dist_dir, serve, page, tmp_path):
    edits, step, row, words = CASES[case]
    page.goto(serve(copy_with(dist_dir, tmp_path / "dist", edits)) + "check.html")
    assert wait_for_status(page, 30_000) == "error", page.inner_text("#boot")
    message = page.inner_text("#boot-message")
    assert message.startswith(f'Loading failed at step "{step}": '), message
    for w in words:
        assert w in message, (w, message)
    assert "python3 build.py" in message
    if row:
        assert page.locator(f'#boot-stages li[data-stage="{row}"][data-state="failed"]').count() == 1
    assert page.console_errors == [], page.console_errors


def test_runtime_files_are_downloaded_once_and_checked(build_module, dist_dir, browser):
    """The check costs no second download: the server sends each runtime file once (the JS files the
    preflight hashes are then imported from the HTTP cache); the hashing time is reported.
    (Its own context: the `page` fixture routes requests, and Playwright's routing turns the HTTP
    cache off.)"""
    httpd = build_module.make_server(dist_dir, "127.0.0.1", 0, "/", quiet=True)
    sent = []

    class Counting(httpd.RequestHandlerClass):
        def send_response(self, code, message=None):
            sent.append((self.command, self.path.split("?")[0], code))
            super().send_response(code, message)

    httpd.RequestHandlerClass = Counting
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(build_module.server_url(httpd) + "check.html?sw=0")
        assert wait_for_status(page) == "ready", page.inner_text("#boot")
        hashed = page.evaluate("() => JSON.parse(document.documentElement.dataset.hashMs)")
    finally:
        context.close()
        httpd.shutdown()
        httpd.server_close()
    for name in [
        "pyodide.asm.wasm",
        "python_stdlib.zip",
        "pyodide.asm.js",
        "pyodide.mjs",
        "pyodide-lock.json",
    ]:
        gets = [s for s in sent if s[0] == "GET" and s[1] == f"/{PYODIDE}/{name}"]
        assert len(gets) == 1, (name, gets)
    assert set(hashed) == {"pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json"}
