"""The core's own tests, run unchanged inside Pyodide 0.27.7 (numpy 2.0.2, no BLAS) under Node.

Pyodide has no pytest, so ``pyodide_runner.py`` (a small stand-in: ``parametrize``, ``raises``,
``approx``), started by ``pyodide_runner.mjs``, runs every test function of the files below; the
CLI and hypothesis tests are left out. Needs ``node`` and a built ``dist/pyodide-*/``
(``python3 build.py``); skipped otherwise.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
FILES = [
    "tests/core/test_core_gradients.py",
    "tests/core/test_core_matmul.py",
    "tests/core/test_core_theorems.py",
    "tests/core/test_core_evaluate.py",
    "tests/training/test_trainer.py",
    "tests/training/test_records.py",
    "tests/analysis/test_analysis.py",
    "tests/core/test_optimizers.py",
    "tests/core/test_clone_condition.py",
    "tests/core/test_bias_specs.py",
    "tests/core/test_softmax.py",
    "tests/core/test_softmax_theorems.py",
    "tests/core/test_softmax_oracle.py",
    "tests/core/test_digits_data.py",
]


@pytest.mark.slow
def test_core_tests_pass_inside_pyodide():
    node = shutil.which("node")
    dists = sorted((ROOT / "dist").glob("pyodide-*/pyodide.mjs"))
    if not node or not dists:
        pytest.skip("needs node and a built dist/ (python3 build.py)")
    proc = subprocess.run(
        [node, str(HERE / "pyodide_runner.mjs"), str(dists[-1].parent), str(ROOT), *FILES],
        capture_output=True,
        text=True,
        timeout=600,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert proc.returncode == 0 and lines, proc.stderr[-2000:]
    result = json.loads(lines[-1][len("RESULT ") :])
    assert result["numpy"] == "2.0.2" and result["python"].startswith("3.12")
    assert not result["failed"], "\n".join(result["failed"])
    assert result["passed"] >= 100
