"""Markers follow folders and fixtures (tests/conftest.py): tests/browser/ is `browser`; tests/engines/
is `engines` (and `browser` and `slow`); a test that needs a build is `build` (and outside
tests/browser/ also `slow`), so the fast subset `-m "not browser and not slow"` needs neither Chromium,
Firefox, WebKit, npm nor a build, and `-m "not engines"` leaves out Firefox and WebKit."""

from __future__ import annotations

import subprocess
import sys

from tools.common import ROOT


def collect(*args: str) -> set[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode in (0, 5), proc.stdout[-2000:] + proc.stderr[-2000:]  # 5: nothing selected
    return {line.split("::")[0] for line in proc.stdout.splitlines() if "::" in line}


def test_markers_follow_folders_and_fixtures():
    fast = collect("-m", "not browser and not slow", "tests/browser", "tests/build")
    assert not {f for f in fast if f.startswith("tests/browser/")}, "every test there is `browser`"
    # the fast subset keeps the build tests that need no build, and only those
    assert "tests/build/test_build_dist.py" in fast and "tests/build/test_build_serve.py" not in fast


def test_the_engine_tests_are_marked_engines_browser_and_slow():
    assert "tests/engines/test_smoke.py" in collect("-m", "engines and browser and slow", "tests/engines")
    assert not collect("-m", "not engines", "tests/engines")
    assert not collect("-m", "not browser and not slow", "tests/engines")
