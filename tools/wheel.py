"""The pyinit wheel: `python -m build --wheel` of this repository with SOURCE_DATE_EPOCH fixed, so
the same sources give the same bytes. It leaves out where the wheel goes (tools/assemble.py).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from tools.common import ROOT, BuildError, run
from tools.pins import SOURCE_DATE_EPOCH


def build_pyinit_wheel(out: Path) -> Path:
    """Build the wheel into the folder `out`; return its path."""
    shutil.rmtree(ROOT / "build", ignore_errors=True)  # stale files in build/lib would leak in
    env = dict(os.environ, SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH, PYTHONHASHSEED="0")
    # Run from another folder: in ROOT, `-m build` would import build.py instead of pypa/build.
    run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
        env=env,
        quiet=True,
        what="python -m build --wheel (pyinit)",
        cwd=out,
    )
    shutil.rmtree(ROOT / "build", ignore_errors=True)
    wheels = sorted(out.glob("pyinit-*-py3-none-any.whl"))
    if len(wheels) != 1:
        raise BuildError(f"expected one pyinit wheel in {out}, found {[w.name for w in wheels]}")
    return wheels[0]
