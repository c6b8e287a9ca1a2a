"""The built page in Debian's Chromium: loads offline, talks to the worker, fails loudly.

Shared fixtures (dist_dir, serve, server_url, browser, page, ready_page) are in tests/conftest.py.
"""

from __future__ import annotations

import hashlib
import json
import math
import shutil
from pathlib import Path

import numpy as np
import pytest

import builds
from conftest import py_call, untyped, wait_for_status
from pyinit import api
from pyinit.web import lab

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"
NUMPY_WHEEL = "numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl"


def proof_config(page) -> dict:
    return page.evaluate("async () => (await import('./js/pages/proof.js')).PROOF_CONFIG")


def broken_copy(dist_dir: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "dist"
    shutil.copytree(dist_dir, copy)
    return copy


@pytest.fixture
def check_page(page, server_url):
    """check.html (the runtime self-check: versions + a few training steps), loaded and ready."""
    page.goto(server_url + "check.html")
    assert wait_for_status(page) == "ready", page.inner_text("#boot")
    return page


@pytest.fixture(scope="module")
def worker_page(browser, server_url):
    """One check.html shared by the protocol tests below (loading Python takes seconds)."""
    context = browser.new_context()
    pg = context.new_page()
    pg.goto(server_url + "check.html")
    assert wait_for_status(pg) == "ready", pg.inner_text("#boot")
    yield pg
    context.close()


def assert_clean_offline_load(page, server_url):
    assert page.console_errors == []
    assert page.external_requests == []
    assert all(r.startswith(server_url) for r in page.requests)
    # The worker's downloads were seen too: the runtime, numpy and pyinit all came from here.
    for name in ["pyodide.asm.wasm", "python_stdlib.zip", NUMPY_WHEEL, "pyinit-0.1.0-py3-none-any.whl"]:
        assert any(r.endswith(name) for r in page.requests), name
    assert page.inner_text('#boot [data-version="numpy"]') == "numpy 2.0.2"


def test_page_reaches_ready_offline_without_errors(ready_page, server_url):
    assert_clean_offline_load(ready_page, server_url)


def test_check_page_shows_versions_and_losses(check_page, server_url):
    page = check_page
    assert_clean_offline_load(page, server_url)
    assert page.inner_text("#version-numpy") == "2.0.2"
    assert page.inner_text("#version-python").startswith("3.12")
    assert page.evaluate("() => document.getElementById('proof').dataset.state") == "done"
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "shell-ready.png"), full_page=True)


def test_losses_in_the_worker_equal_cpython(worker_page):
    ready_page = worker_page
    config = proof_config(ready_page)
    native = api.run(dict(config))
    got = py_call(ready_page, "api.run", {"config": config})
    assert "error" not in got, got
    browser = untyped(got["result"])
    native = json.loads(json.dumps(native, default=lambda a: a.tolist()))  # arrays -> lists

    def compare(a, b, path="run"):
        if isinstance(a, dict):
            assert set(a) == set(b), path
            for k in a:
                compare(a[k], b[k], f"{path}.{k}")
        elif isinstance(a, list):
            assert len(a) == len(b), path
            for i, (x, y) in enumerate(zip(a, b)):
                compare(x, y, f"{path}[{i}]")
        elif isinstance(a, float) and isinstance(b, (int, float)):
            assert math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12) or (math.isnan(a) and math.isnan(b)), (
                f"{path}: CPython {a!r} vs worker {b!r}"
            )
        else:
            assert a == b, f"{path}: CPython {a!r} vs worker {b!r}"

    compare(native, browser)
    # And the table on the page shows those losses.
    shown = [float(x) for x in ready_page.locator("#proof-losses tbody td:nth-child(2)").all_inner_texts()]
    assert shown, "no losses shown"


def test_a_digits_run_in_the_worker_equals_cpython(worker_page):
    """The 8x8 digits come from the wheel's own data file (no scikit-learn in the browser) and the
    softmax net trains as natively: the same images, labels and final numbers."""
    config = {"dataset": "digits", "n_samples": 100, "n_test": 40, "hidden": [8], "init": "he"}
    config |= {"batch_size": 50, "steps": 10, "every": 5, "optimizer": "adam", "lr": 0.01}
    got = py_call(worker_page, "api.run", {"config": config})
    assert "error" not in got, got
    browser, native = untyped(got["result"]), api.run(dict(config))
    assert np.array_equal(np.array(browser["X"]), native["X"]) and browser["y"] == native["y"]
    assert np.array(browser["X"]).shape == (100, 64) and len(browser["weights"][-1][0][0]) == 10
    for key in ("loss", "accuracy", "test_loss", "test_accuracy"):
        np.testing.assert_allclose(browser["final"][key], native["final"][key], rtol=1e-12, atol=0)
    np.testing.assert_allclose(browser["weights"][0][-1], native["weights"][0][-1], rtol=1e-12, atol=1e-14)


def test_float64_results_arrive_as_typed_arrays(worker_page):
    check_page = worker_page
    settings = {
        "dataset": "moons",
        "n_samples": 120,
        "noise": 0.2,
        "layers": 2,
        "width": 6,
        "activation": "tanh",
        "seed": 3,
    }
    got = py_call(check_page, "lab.create", {"settings": settings})
    assert "error" not in got, got
    data = got["result"]["data"]
    assert data["X"]["__typed__"] == "Float64Array" and data["y"]["__typed__"] == "Float64Array"
    native = lab.create(dict(settings))
    try:
        # Not bitwise: Pyodide's libm (sin/cos for moons) may differ from glibc's in the last bit.
        np.testing.assert_allclose(data["X"]["values"], native["data"]["X"], rtol=1e-12, atol=1e-15)
        assert data["y"]["values"] == native["data"]["y"].tolist()
    finally:
        lab.dispose(native["id"])
    py_call(check_page, "lab.dispose", {"id": got["result"]["id"]})
    # Each array has its own transferred buffer (not a view into the wasm heap).
    sizes = check_page.evaluate(
        """async (settings) => {
        const r = await window.pyinitBoot.py.call("lab.create", {settings});
        await window.pyinitBoot.py.call("lab.dispose", {id: r.id});
        return [r.data.X.buffer.byteLength, r.data.X.length * 8];
    }""",
        settings,
    )
    assert sizes[0] == sizes[1]


def test_errors_cross_the_boundary(worker_page):
    page = worker_page
    bad_module = py_call(page, "os.system", {"command": "true"})
    assert (
        bad_module["error"]["type"] == "ProtocolError"
        and "allowed: api, chapters, lab" in bad_module["error"]["message"]
    )
    private = py_call(page, "api._secret")
    assert private["error"]["type"] == "ProtocolError"
    missing = py_call(page, "api.no_such_function")
    assert missing["error"]["type"] in ("LookupError", "ModuleNotFoundError")
    config = {**proof_config(page), "hidden": [-3]}
    err = py_call(page, "api.run", {"config": config})["error"]
    assert err["type"] == "ConfigError"
    assert "hidden" in err["message"] and "-3" in err["message"] and "\n" not in err["message"]
    assert "Traceback" not in err["message"]
    # The worker is still usable after errors.
    assert "result" in py_call(page, "api.version")


def test_requests_sent_before_ready_are_answered(page, server_url):
    page.goto(server_url + "build-manifest.json")  # same origin, no page scripts of its own
    # A client created and called at once, while its worker is still loading Python.
    got = page.evaluate("""async () => {
        const { createWorkerClient } = await import("./js/platform/worker-client.js");
        const py = createWorkerClient(new URL("./js/platform/worker.js", location.href));
        const early = [py.call("api.version"), py.call("nope.x"), py.call("api.version")];
        const settled = await Promise.allSettled(early);
        py.terminate();
        return settled.map((s) => s.status === "fulfilled" ? {ok: s.value} : {err: s.reason.type});
    }""")
    assert got[1] == {"err": "ProtocolError"}
    assert "ok" in got[0] and "ok" in got[2], got
    assert got[0]["ok"]["numpy"] == "2.0.2"


def test_page_works_from_a_sub_path(dist_dir, serve, page):
    url = serve(dist_dir, base="/courses/ml/pyinit/")
    assert url.endswith("/courses/ml/pyinit/")
    page.goto(url)
    assert wait_for_status(page) == "ready", page.inner_text("#boot")
    assert page.console_errors == [] and page.external_requests == []
    assert all("/courses/ml/pyinit/" in r for r in page.requests)
    assert page.inner_text('#boot [data-version="numpy"]') == "numpy 2.0.2"


def test_missing_numpy_wheel_shows_an_error_naming_it(dist_dir, serve, page, tmp_path):
    copy = broken_copy(dist_dir, tmp_path)
    (copy / f"pyodide-0.27.7/{NUMPY_WHEEL}").unlink()
    page.goto(serve(copy))
    assert wait_for_status(page, 30_000) == "error"
    message = page.inner_text("#boot-message")
    assert NUMPY_WHEEL in message and "404" in message and "python3 build.py" in message
    assert page.locator("#boot-message[role=alert]").count() == 1
    assert page.locator('#boot-stages li[data-stage="numpy"][data-state="failed"]').count() == 1
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "shell-error.png"), full_page=True)


def test_tampered_numpy_wheel_fails_its_integrity_check(dist_dir, serve, page, tmp_path):
    copy = broken_copy(dist_dir, tmp_path)
    wheel = copy / f"pyodide-0.27.7/{NUMPY_WHEEL}"
    data = bytearray(wheel.read_bytes())
    data[1000] ^= 0xFF
    wheel.write_bytes(data)
    page.goto(serve(copy))
    assert wait_for_status(page, 60_000) == "error"
    message = page.inner_text("#boot-message")
    assert NUMPY_WHEEL in message and "integrity" in message


def test_wasm_with_wrong_mime_type_is_named_not_hung(dist_dir, serve, page):
    page.goto(serve(dist_dir, mime={".wasm": "text/plain"}))
    assert wait_for_status(page, 30_000) == "error"
    message = page.inner_text("#boot-message")
    assert "pyodide.asm.wasm" in message and "application/wasm" in message


def test_a_stage_that_never_finishes_times_out(dist_dir, serve, page, tmp_path):
    # pyodide.mjs that never settles: the stage timeout must turn the hang into an error. (Its sha256
    # goes into the manifest too: a file the manifest does not vouch for is named as damaged at once.)
    copy = broken_copy(dist_dir, tmp_path)
    hang = copy / "pyodide-0.27.7/pyodide.mjs"
    hang.write_text("await new Promise(() => {});\nexport const loadPyodide = null;\n")
    manifest = json.loads((copy / "build-manifest.json").read_text())
    manifest["files"]["pyodide-0.27.7/pyodide.mjs"]["sha256"] = hashlib.sha256(hang.read_bytes()).hexdigest()
    (copy / "build-manifest.json").write_text(json.dumps(manifest))
    page.goto(serve(copy) + "?timeout=2")
    assert wait_for_status(page, 30_000) == "error"
    assert "did not finish within 2 s" in page.inner_text("#boot-message")


def test_opened_from_file_url_says_to_serve_it(dist_dir, page):
    page.goto((dist_dir / "index.html").as_uri())
    assert wait_for_status(page, 10_000) == "error"
    assert "python3 build.py serve" in page.inner_text("#boot-message")


def test_cdn_variant_asks_only_the_cdn(build_module, serve, page, tmp_path):
    # No internet here: the page must try the official CDN (and nothing else external), then fail
    # with a message naming what it could not load.
    out = tmp_path / "cdn"
    build_module.build(out, cdn=True)
    page.goto(serve(out) + "check.html?timeout=20")
    assert wait_for_status(page, 60_000) == "error"
    assert page.external_requests, "the CDN variant made no request to the CDN"
    assert all(u.startswith(build_module.PYODIDE_CDN) for u in page.external_requests), page.external_requests
    assert "pyodide.mjs" in page.inner_text("#boot-message")


def test_missing_worker_script_is_named(dist_dir, serve, page, tmp_path):
    copy = broken_copy(dist_dir, tmp_path)
    worker = builds.loaded_file(copy, "js/platform/worker.js")  # its bundle, in a bundled build
    (copy / worker).unlink()
    page.goto(serve(copy) + "check.html")
    assert wait_for_status(page, 30_000) == "error"
    assert worker in page.inner_text("#boot-message")
