"""The CLI on the digits: ``python -m pyinit run --dataset digits --hidden 16`` prints the run as
JSON, never imports scikit-learn, and a bad value is one line naming the flag (exit 2)."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import run_cli
from pyinit.core import digits

ROOT = Path(__file__).resolve().parents[1]
RUN = ["run", "--dataset", "digits", "--hidden", "16", "--batch-size", "64", "--steps", "6", "--every", "3"]


def test_run_on_digits_prints_the_json_of_a_64_16_10_net(capsys):
    code, out, err = run_cli(RUN + ["--init", "he", "--activation", "relu"], capsys)
    assert code == 0 and err == ""
    r = json.loads(out)
    assert r["config"]["dataset"] == "digits" and r["config"]["n_samples"] == 1437
    assert (r["config"]["n_test"], r["config"]["noise"], r["config"]["batch_size"]) == (360, 0.0, 64)
    assert np.array(r["X"]).shape == (1437, 64) and set(r["y"]) == set(range(10))
    assert np.array_equal(np.array(r["X"]), digits.make_digits(1437)[0])
    assert [np.array(W).shape for W in r["weights"]] == [(3, 64, 16), (3, 16, 10)]
    assert r["steps"] == [0, 3, 6] and len(r["test_accuracy"]) == 3
    assert 0.0 <= r["final"]["test_accuracy"] <= 1.0 and r["final"]["loss"] < r["loss"][0]


def test_the_cli_runs_digits_without_scikit_learn():
    code = (
        "import sys; sys.modules['sklearn'] = None  # any import of scikit-learn fails\n"
        "from pyinit.cli import main; raise SystemExit(main(sys.argv[1:]))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, *RUN], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["config"]["dataset"] == "digits"


@pytest.mark.parametrize(
    "extra, line",
    [
        (
            ["--n-samples", "5000"],
            "--n-samples: must be an integer in 2..1437 (dataset digits has 1437 training",
        ),
        (
            ["--n-test", "1"],
            "--n-test: must be an integer in 2..360 (dataset digits has 360 test images), got '1'",
        ),
        (["--noise", "0.1"], "--noise: must be 0 with dataset digits (real images), got '0.1'"),
        (["--batch-size", "0"], "--batch-size: must be an integer in 1..10000, got '0'"),
        (
            ["--dataset", "digit"],
            "--dataset: must be one of xor, circles, rings, moons, gaussians, spiral, linear, digits",
        ),
    ],
)
def test_bad_digits_values_are_one_line_naming_the_flag(extra, line, capsys):
    code, out, err = run_cli(RUN + extra, capsys)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("pyinit run: error: " + line), err
