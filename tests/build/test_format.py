"""Source formatting is a formatter's job, checked here: ruff format (Python) and prettier (the page's
JavaScript), both pinned (pyproject.toml's test extra, package.json), line length 110."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tools.common import ROOT

PYTHON_SOURCES = ["pyinit", "tools", "tests", "build.py"]
MAX_COLUMNS = 110
# lines a formatter cannot break (long strings, comments) are broken by hand; not yet in:
LONG_LINES_PENDING = set()


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


def test_no_python_line_over_110_columns():
    """ruff format keeps code within 110 columns but cannot break a long string or comment."""
    files = [ROOT / "build.py"] + [
        p
        for d in ("pyinit", "tools", "tests")
        for p in sorted((ROOT / d).rglob("*.py"))
        if "browser" not in p.parts
    ]
    long, pending = [], set()
    for path in files:
        rel = path.relative_to(ROOT).as_posix()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if len(line) > MAX_COLUMNS:
                if rel in LONG_LINES_PENDING:
                    pending.add(rel)
                else:
                    long.append(f"{rel}:{n}: {len(line)} columns")
    assert not long, "break these lines by hand:\n" + "\n".join(long)
    assert pending == LONG_LINES_PENDING, f"now within {MAX_COLUMNS} columns: {LONG_LINES_PENDING - pending}"


def test_no_python_source_file_over_400_lines():
    """Small modules, one concept each: every module of pyinit/ and tools/ (after formatting)."""
    big = [
        f"{p.relative_to(ROOT)}: {n} lines"
        for d in ("pyinit", "tools")
        for p in sorted((ROOT / d).rglob("*.py"))
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400
    ]
    assert not big, big
