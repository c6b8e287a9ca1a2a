"""`build.py serve` (tools/server.py): MIME types, cache headers, gzip, sub-paths, and a clean Ctrl-C.
No browser; the served folder is the session's build (`dist_dir`)."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tools.common import ROOT


def fetch(url, method="GET", headers=None):
    req = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


@pytest.fixture(scope="module")
def sub_url(dist_dir, serve):
    return serve(dist_dir, base="/courses/ml/pyinit/")


@pytest.mark.parametrize(
    "path, mime",
    [
        ("index.html", "text/html"),
        ("js/platform/worker.js", "text/javascript"),
        ("pyodide-0.27.7/pyodide.mjs", "text/javascript"),
        ("pyodide-0.27.7/pyodide.asm.wasm", "application/wasm"),
        ("pyodide-0.27.7/pyodide-lock.json", "application/json"),
        ("css/base.css", "text/css"),
        ("pyodide-0.27.7/pyinit-0.1.0-py3-none-any.whl", "application/zip"),
    ],
)
def test_content_types(server_url, path, mime):
    status, headers, _ = fetch(server_url + path, method="HEAD")
    assert status == 200
    assert headers["Content-Type"].split(";")[0] == mime


def test_cache_headers_and_revalidation(server_url, dist_dir):
    _, wasm, _ = fetch(server_url + "pyodide-0.27.7/pyodide.asm.wasm", method="HEAD")
    assert "immutable" in wasm["Cache-Control"]  # versioned folder: never changes
    for mutable in [
        "index.html",
        "js/platform/worker.js",
        "pyodide-0.27.7/pyodide-lock.json",
        "pyodide-0.27.7/pyinit-0.1.0-py3-none-any.whl",
        "build-manifest.json",
    ]:
        status, headers, _ = fetch(server_url + mutable)
        assert status == 200 and headers["Cache-Control"] == "no-cache", mutable
        again, _, body = fetch(server_url + mutable, headers={"If-None-Match": headers["ETag"]})
        assert again == 304 and body == b"", mutable


def test_gzip_when_asked_and_bytes_unchanged(server_url, dist_dir):
    status, headers, body = fetch(
        server_url + "pyodide-0.27.7/pyodide.asm.wasm", headers={"Accept-Encoding": "gzip"}
    )
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    original = (dist_dir / "pyodide-0.27.7/pyodide.asm.wasm").read_bytes()
    assert gzip.decompress(body) == original and len(body) < len(original) / 2
    _, plain_headers, plain = fetch(server_url + "js/platform/boot.js")
    assert (
        "Content-Encoding" not in plain_headers and plain == (dist_dir / "js/platform/boot.js").read_bytes()
    )


def test_csp_header_on_pages_and_scripts(server_url):
    _, headers, _ = fetch(server_url)
    assert "script-src 'self' 'wasm-unsafe-eval'" in headers["Content-Security-Policy"]


def test_every_file_may_be_read_from_any_origin(server_url, dist_dir):
    """Access-Control-Allow-Origin: * on every file, also on a 304 (an embed in an iframe sandboxed
    without allow-same-origin has an opaque origin: all it loads is a cross-origin request)."""
    manifest = json.loads((dist_dir / "build-manifest.json").read_text())
    for rel in [
        "index.html",
        manifest["bundles"]["entries"]["js/pages/embed.js"],
        "data/chapters/index.json",
    ]:
        status, headers, _ = fetch(server_url + rel, headers={"Origin": "null"})
        assert status == 200 and headers["Access-Control-Allow-Origin"] == "*", rel
        again, headers, _ = fetch(server_url + rel, headers={"If-None-Match": headers["ETag"]})
        assert again == 304 and headers["Access-Control-Allow-Origin"] == "*", rel


def test_sub_path(sub_url):
    assert fetch(sub_url)[0] == 200
    assert fetch(sub_url + "js/platform/worker.js")[0] == 200
    root = sub_url.split("/courses/")[0] + "/"
    status, headers, _ = fetch(root)  # urllib follows the redirect to the base
    assert status == 200
    assert fetch(root + "js/platform/worker.js")[0] == 404  # nothing outside the base
    assert fetch(sub_url + "../../../../etc/passwd")[0] == 404


def test_serve_prints_url_and_stops_cleanly_on_ctrl_c(dist_dir):
    proc = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "build.py"),
            "serve",
            "--no-build",
            "--port",
            "0",
            "--out",
            str(dist_dir),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        assert line.startswith("Serving ") and "http://127.0.0.1:" in line, line
        url = line.split(" at ")[1].split()[0]
        assert fetch(url)[0] == 200
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert "Traceback" not in err and "stopped" in out
