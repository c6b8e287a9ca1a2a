"""The CLI: JSON shape, determinism, and one-line exit-2 errors."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pyinit import api
from conftest import run_cli

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = [
    "run",
    "--dataset",
    "xor",
    "--hidden",
    "4",
    "--activation",
    "tanh",
    "--init",
    "zeros",
    "--lr",
    "0.5",
    "--steps",
    "200",
    "--seed",
    "0",
]


def test_run_prints_one_json_object_with_the_documented_shape(capsys):
    code, out, err = run_cli(EXAMPLE, capsys)
    assert code == 0 and err == "" and out.count("\n") == 1
    r = json.loads(out)
    cfg = r["config"]
    assert cfg == {
        "dataset": "xor",
        "n_samples": 200,
        "noise": 0.1,
        "factor": 0.8,
        "n_test": 200,
        "hidden": [4],
        "activation": "tanh",
        "init": "zeros",
        "bias_init": "zeros",
        "perturb": 0.0,
        "lr": 0.5,
        "momentum": 0.0,
        "optimizer": "sgd",
        "batch_size": 200,
        "steps": 200,
        "every": 1,
        "seed": 0,
        "init_seed": 0,
        "max_records": 1000,
        "dropout": 0.0,
    }
    n, R = 200, 201
    assert len(r["X"]) == n and all(len(p) == 2 for p in r["X"]) and set(r["y"]) == {0, 1}
    assert r["steps"] == list(range(R)) and len(r["loss"]) == R and len(r["accuracy"]) == R
    assert [len(w) for w in r["weights"]] == [R, R]
    assert len(r["weights"][0][0]) == 2 and len(r["weights"][0][0][0]) == 4  # [R][fan_in][fan_out]
    assert len(r["weights"][1][0]) == 4 and len(r["weights"][1][0][0]) == 1
    assert len(r["biases"][0][0]) == 4 and len(r["biases"][1][0]) == 1  # [R][fan_out]
    assert len(r["grad_norms"]) == R and len(r["grad_norms"][0]) == 2
    assert len(r["symmetry"]) == R and len(r["symmetry"][0]) == 1
    assert r["diverged"] is None and r["diverged_reason"] is None
    assert r["loss"][0] == pytest.approx(0.6931471805599453)  # log 2 at zero init
    assert r["final"]["step"] == 200
    assert len(r["test_loss"]) == R and len(r["test_accuracy"]) == R
    assert set(r["final"]) == {"step", "loss", "accuracy", "test_loss", "test_accuracy"}


def test_same_arguments_same_bytes(capsys):
    _, first, _ = run_cli(EXAMPLE, capsys)
    _, second, _ = run_cli(EXAMPLE, capsys)
    assert first == second
    assert json.loads(first) == api.run(json.loads(first)["config"])


def test_signal_prints_per_layer_statistics(capsys):
    code, out, _ = run_cli(
        ["signal", "--depth", "30", "--width", "64", "--activation", "relu", "--init", "he"], capsys
    )
    r = json.loads(out)
    assert code == 0 and len(r["activation_std"]) == 30 and len(r["gradient_std"]) == 30
    assert r["config"] == {
        "depth": 30,
        "width": 64,
        "activation": "relu",
        "init": "he",
        "n_samples": 256,
        "seed": 0,
    }


BAD_ARGS = [
    (["run", "--hidden", "-3"], "--hidden: each width must be an integer in 1..256, got '-3'"),
    (
        ["run", "--activation", "soft"],
        "--activation: must be one of tanh, relu, leaky_relu, sigmoid, linear, got 'soft'",
    ),
    (["run", "--lr", "abc"], "--lr: must be a number in (0, 100], got 'abc'"),
    (["run", "--batch-size", "500"], "--batch-size: must be an integer in 1..200, got '500'"),
    (["run", "--init", "zero"], "--init: must be one of"),
    (
        ["run", "--lr"],
        "argument --lr: expected one argument (--lr takes learning rate: a number in (0, 100] (default 0.5))",
    ),
    (["run", "--colour", "red"], "unrecognized arguments: --colour red; allowed flags: --dataset"),
    (["signal", "--depth", "0"], "--depth: must be an integer in 1..200, got '0'"),
    (["signal", "--init", "he:2"], "--init: must be one of"),
    (["fly"], "invalid choice: 'fly'"),
    ([], "the following arguments are required"),
]


@pytest.mark.parametrize("args,expected", BAD_ARGS, ids=[" ".join(a) or "(none)" for a, _ in BAD_ARGS])
def test_bad_arguments_exit_2_with_one_line(args, expected, capsys):
    code, out, err = run_cli(args, capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and expected in err, err


def test_python_dash_m_pyinit_works():
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    ok = subprocess.run(
        [sys.executable, "-m", "pyinit", "run", "--steps", "3", "--hidden", ""],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert ok.returncode == 0 and json.loads(ok.stdout)["steps"] == [0, 1, 2, 3]
    bad = subprocess.run(
        [sys.executable, "-m", "pyinit", "run", "--momentum", "1"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert (
        bad.returncode == 2
        and bad.stderr == "pyinit run: error: --momentum: must be a number in [0, 1), got '1'\n"
    )
