"""`build.py test [PYTEST ARGS]`: install what the selected tests need, build dist/, run pytest.

Chromium is needed unless the arguments say "not browser"; Firefox ESR, WebKitGTK and Xvfb
(tests/engines/) unless they say "not browser" or "not engines". dist/ is built (and npm required)
unless they say "not slow": tests/core/test_in_pyodide.py (slow) runs the core tests inside the
built dist/pyodide-*/, and building first stops a run at once with the build's own message when a
tool or file is missing; the tests that build for themselves (marker `build`) are slow as well
outside tests/browser/. So the fast subset `-m "not browser and not slow"` needs neither.
It leaves out the tests themselves (tests/, markers in pyproject.toml and tests/conftest.py).
"""

from __future__ import annotations

import subprocess
import sys

from tools.assemble import build
from tools.bootstrap import require_chromium, require_engines, require_npm
from tools.common import ROOT, log


def run_tests(pytest_args: list[str]) -> int:
    """pytest's exit status."""
    selection = " ".join(pytest_args)
    if "not browser" not in selection:
        require_chromium()
        if "not engines" not in selection:
            require_engines()
    if "not slow" in selection:
        log("dist/ not built: the selection leaves out the slow tests, the ones that read it")
    else:
        require_npm()
        build(ROOT / "dist")
    return subprocess.call([sys.executable, "-m", "pytest", *pytest_args], cwd=ROOT)
