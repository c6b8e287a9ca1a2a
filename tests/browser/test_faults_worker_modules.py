"""The worker's script or its loading modules missing or broken: the loading screen names the file.

In a bundled build the worker is one file (js/bundle/worker.<hash>.js: worker.js with its loading
modules inlined); unbundled, js/platform/worker.js imports its loading modules (worker-files.js: the
manifest and the file checks; worker-load.js: the stages) when it starts, not statically, so that a
failure is a "fatal" message naming the module rather than the nameless "script error" of a module
worker whose static import failed. Each case breaks the file that holds the module.
"""

from __future__ import annotations

import pytest

import builds
from conftest import wait_for_status
from test_faults_page_modules import broken

pytestmark = pytest.mark.browser
CASES = [
    (module, how)
    for module in ("js/platform/worker.js", "js/platform/worker-files.js", "js/platform/worker-load.js")
    for how in ("missing", "syntax")
]


@pytest.mark.parametrize("module,how", CASES, ids=[f"{m.split('/')[-1]}-{h}" for m, h in CASES])
def test_broken_worker_module_is_named(module, how, dist_dir, serve, page, tmp_path):
    rel = builds.file_with(dist_dir, module)
    if module != "js/platform/worker.js" and rel == builds.file_with(dist_dir, "js/platform/worker.js"):
        pytest.skip(f"{module} is inlined into the worker's one file ({rel}): its cases cover it")
    page.goto(serve(broken(dist_dir, tmp_path / "dist", rel, how)) + "check.html")
    assert wait_for_status(page, 30_000) == "error"
    message = page.inner_text("#boot-message")
    assert rel in message and "python3 build.py" in message, message
    if how == "missing":
        assert "HTTP 404" in message, message
