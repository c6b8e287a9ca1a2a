"""`build.py test [PYTEST ARGS]`: install what the tests need, build dist/, run pytest.

npm is always needed (the build); Chromium only when the selection may include browser tests
(that is, unless the arguments say "not browser"). dist/ is built first so that a missing tool or
file stops the run at once with the build's own message, and because
tests/core/test_in_pyodide.py runs the core tests inside the built dist/pyodide-*/.
It leaves out the tests themselves (tests/, markers in pyproject.toml and tests/conftest.py).
"""

from __future__ import annotations

import subprocess
import sys

from tools.assemble import build
from tools.bootstrap import require_chromium, require_npm
from tools.common import ROOT


def run_tests(pytest_args: list[str]) -> int:
    """pytest's exit status."""
    require_npm()
    if "not browser" not in " ".join(pytest_args):
        require_chromium()
    build(ROOT / "dist")
    return subprocess.call([sys.executable, "-m", "pytest", *pytest_args], cwd=ROOT)
