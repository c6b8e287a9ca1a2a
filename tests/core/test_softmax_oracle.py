"""The softmax output's training trajectories equal PyTorch autograd's (float64) to 1e-9.

The torch answers are recorded in ``softmax_oracle.npz`` (``softmax_oracle.py`` says how they were
made and the one command that remakes them); ``test_torch_live_*`` recomputes them when torch is
importable. The small cases run pyinit's core loop (``network.forward``, ``backward``,
``optimizers``: what the trainer calls) and compare every parameter at every one of 40 steps; the
digits cases run the real ``Trainer`` (64-16-10 on 128 images, mini-batches of 32) and compare
the loss at every step and every parameter at steps 0, 1 and 40.
"""

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from pyinit.core import network, optimizers
from pyinit.core.network import Layout, Workspace, T
from pyinit.training.trainer import Trainer

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("softmax_oracle", HERE / "softmax_oracle.py")
oracle = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(oracle)
TOL = 1e-9


def recorded():
    with np.load(HERE / "softmax_oracle.npz") as f:
        return {k: f[k] for k in f.files}


def core_trajectory(case, steps=oracle.STEPS):
    """pyinit's trajectory of a small case: (theta (steps + 1, P), full-data loss (steps + 1,))."""
    c = oracle.CASES[case]
    sizes, X, y, theta0, batches = oracle.case_inputs(case)
    layout = Layout(sizes)
    theta, grad = theta0[None].copy(), np.zeros((1, layout.P))
    W, b = layout.views(theta)
    dW, db = layout.views(grad)
    opt = optimizers.make(c["optimizer"], theta.shape, c["lr"])
    Y = network.targets(y, sizes[-1])
    full = Workspace(sizes, 1, len(y))
    thetas, losses = [], []
    for t, idx in enumerate(batches):
        thetas.append(theta[0].copy())
        network.forward(W, b, c["activation"], X[None], full)
        losses.append(float(network.loss(full, Y)[0]))
        if t == len(batches) - 1:
            break
        ws = Workspace(sizes, 1, len(idx))
        network.forward(W, b, c["activation"], X[idx][None], ws)
        network.backward(W, c["activation"], T(T(Y)[..., idx]), ws, dW, db)
        grad /= len(idx)
        opt.update(theta, grad)
    return np.array(thetas), np.array(losses)


def trainer_trajectory(case):
    """The real Trainer's run of a digits case: (theta (STEPS + 1, P), loss (STEPS + 1,))."""
    config = oracle.digits_config(case)
    tr = Trainer(config)
    tr.step(config.steps)
    return tr.theta_history[:, 0], tr.loss_history[:, 0]


def worst(a, b):
    """The largest difference and where it is, as a message."""
    diff = np.abs(a - b)
    i = np.unravel_index(np.argmax(diff), diff.shape)
    return f"max |pyinit - torch| = {diff[i]:.3g} at {i}: pyinit {a[i]!r}, torch {b[i]!r}"


@pytest.mark.parametrize("case", [c for c in oracle.CASES if c.startswith("small")])
def test_small_softmax_trajectory_equals_torch_every_parameter_every_step(case):
    rec = recorded()
    theta, loss = core_trajectory(case)
    assert theta.shape == rec[f"{case}/theta"].shape == (oracle.STEPS + 1, Layout(oracle.SMALL_SIZES).P)
    assert np.abs(theta - rec[f"{case}/theta"]).max() <= TOL, worst(theta, rec[f"{case}/theta"])
    assert np.abs(loss - rec[f"{case}/loss"]).max() <= TOL, worst(loss, rec[f"{case}/loss"])
    assert np.abs(theta[-1] - theta[0]).max() > 0.1, "it trains"
    assert loss[-1] < 0.8 * loss[0]


@pytest.mark.parametrize("case", [c for c in oracle.CASES if c.startswith("digits")])
def test_digits_trainer_trajectory_equals_torch(case):
    rec = recorded()
    theta, loss = trainer_trajectory(case)
    kept = theta[list(oracle.DIGITS_KEPT)]
    assert kept.shape == rec[f"{case}/theta"].shape == (3, 64 * 16 + 16 + 16 * 10 + 10)
    assert np.abs(kept - rec[f"{case}/theta"]).max() <= TOL, worst(kept, rec[f"{case}/theta"])
    assert np.abs(loss - rec[f"{case}/loss"]).max() <= TOL, worst(loss, rec[f"{case}/loss"])
    assert loss[-1] < 0.5 * loss[0], "it learns"


def test_oracle_file_names_its_command_and_torch_version():
    meta = json.loads(str(recorded()["meta"]))
    assert meta["command"] == oracle.COMMAND and meta["torch"].startswith("2.13.0")
    assert meta["steps"] == oracle.STEPS == 40
