"""The worker's loading modules missing or broken: the loading screen names the file.

js/platform/worker.js imports its loading modules (worker-files.js: the manifest and the file checks;
worker-load.js: the stages) when it starts, not statically, so that a failure is a "fatal" message
naming the module rather than the nameless "script error" of a module worker whose static import
failed. (worker.js itself missing: test_shell_page.py.)
"""

from __future__ import annotations

import pytest

from conftest import wait_for_status
from test_faults_page_modules import broken

pytestmark = pytest.mark.browser
CASES = [
    (rel, how)
    for rel in ("js/platform/worker-files.js", "js/platform/worker-load.js")
    for how in ("missing", "syntax")
]


@pytest.mark.parametrize("rel,how", CASES, ids=[f"{r.split('/')[-1]}-{h}" for r, h in CASES])
def test_broken_worker_module_is_named(rel, how, dist_dir, serve, page, tmp_path):
    page.goto(serve(broken(dist_dir, tmp_path / "dist", rel, how)) + "check.html")
    assert wait_for_status(page, 30_000) == "error"
    message = page.inner_text("#boot-message")
    assert rel in message and "python3 build.py" in message, message
    if how == "missing":
        assert "HTTP 404" in message, message
