"""Source formatting is a formatter's job, checked here: ruff format (Python) and prettier (the page's
JavaScript), both pinned (pyproject.toml's test extra, package.json), line length 110."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tools.common import ROOT

PYTHON_SOURCES = ["pyinit", "tools", "tests", "build.py"]


def test_python_sources_are_ruff_formatted():
    ruff = shutil.which("ruff", path=str(ROOT / ".venv" / "bin")) or shutil.which("ruff")
    if ruff is None:  # the test extra installs it; a bare interpreter runs it as a module
        ruff_cmd = [sys.executable, "-m", "ruff"]
    else:
        ruff_cmd = [ruff]
    done = subprocess.run(
        [*ruff_cmd, "format", "--check", *PYTHON_SOURCES], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, f"run `ruff format {' '.join(PYTHON_SOURCES)}`:\n{done.stdout}{done.stderr}"


@pytest.mark.slow
def test_javascript_is_prettier_formatted(node_modules):
    prettier = node_modules / "prettier" / "bin" / "prettier.cjs"
    done = subprocess.run(
        ["node", str(prettier), "--check", "site/**/*.js"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, f'run `npx prettier --write "site/**/*.js"`:\n{done.stdout}{done.stderr}'
