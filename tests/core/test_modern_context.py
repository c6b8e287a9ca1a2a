"""The closing chapter ("modern"): zeros used on purpose where something else breaks the symmetry
(a zero last layer of a residual branch, LoRA's B = 0, a zero output layer), normalization and
residual connections that tame scale but keep clones clones, dropout that separates them, and the
output bias set to the log-odds of the class prior. Small models are written out with numpy here;
gradients are exact (analytic) or central differences, as each test says."""

import math

import numpy as np
import pytest

from pyinit.core.network import inspect_step
from pyinit.training.config import Member, RunConfig
from pyinit.training.trainer import Trainer
from pyinit.web import chapters as tour
from pyinit.web.experiment_runs import chapter_trainer
from pyinit.settings import page_state


def bce(z, y):
    return np.mean(np.logaddexp(0.0, z) - y * z)


def numeric_grad(f, params, h=1e-6):
    """Central differences of f(params) for every entry of every array in ``params`` (a dict)."""
    out = {}
    for name, p in params.items():
        g = np.zeros_like(p)
        for i in np.ndindex(p.shape):
            old = p[i]
            p[i] = old + h
            up = f(params)
            p[i] = old - h
            down = f(params)
            p[i] = old
            g[i] = (up - down) / (2 * h)
        out[name] = g
    return out


def xor_data(n=64, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    return X, (X[:, 0] * X[:, 1] > 0).astype(float)


@pytest.mark.parametrize("norm", ["batch", "layer"])
def test_normalization_and_a_residual_block_keep_clones_clones(norm):
    """x -> a1 = tanh(x W1 + b1) (4 clone units) -> a2 = a1 + tanh(norm(a1 W2 + b2)) (a residual
    block, W2 constant, one gain and shift for every unit) -> z = a2 v + c. At this symmetric point the
    gradient of every clone unit's parameters is the same (to 1e-9): gradient descent keeps them clones.
    The normalization does tame scale: multiplying W2 by 1,000 changes a2 by less than 1e-5 (batch;
    the 1e-5 added to the variance is all that notices the scale)."""
    X, y = xor_data()

    def normalize(h):
        axis = 0 if norm == "batch" else 1  # per unit over the batch, or per sample over the units
        return (h - h.mean(axis=axis, keepdims=True)) / np.sqrt(h.var(axis=axis, keepdims=True) + 1e-5)

    def forward(p):
        a1 = np.tanh(X @ p["W1"] + p["b1"])
        a2 = a1 + np.tanh(p["gain"] * normalize(a1 @ p["W2"] + p["b2"]) + p["shift"])
        return a2, a2 @ p["v"] + p["c"]

    p = {
        "W1": np.tile([[0.7], [-0.4]], (1, 4)),
        "b1": np.full(4, 0.1),
        "W2": np.full((4, 4), 0.3),
        "b2": np.full(4, -0.2),
        "gain": np.full(4, 1.5),
        "shift": np.full(4, 0.05),
        "v": np.full(4, 0.6),
        "c": np.zeros(1),
    }
    g = numeric_grad(lambda q: bce(forward(q)[1], y), p, h=1e-4)  # (roundoff / h stays small)
    for name in ("W1", "W2"):
        assert np.abs(g[name] - g[name][:, :1]).max() < 1e-9, name  # every unit's column the same
    for name in ("b1", "b2", "gain", "shift", "v"):
        assert np.ptp(g[name]) < 1e-9, name
    assert np.abs(g["W1"]).max() > 1e-4, "the clones do get a gradient"
    if norm == "batch":
        p["W1"] = np.random.default_rng(1).normal(size=(2, 4))  # distinct units, then W2 x 1000
        a2 = forward(p)[0]
        p["W2"] = 1000 * np.random.default_rng(2).normal(size=(4, 4))
        a2_big = forward(p)[0]
        p["W2"] /= 1000
        assert np.abs(forward(p)[0] - a2_big).max() < 1e-5 and a2.shape == a2_big.shape


def test_dropout_separates_what_normalization_keeps_together():
    """The same clone units, with one dropout mask per sample and unit on a1: their gradients differ."""
    X, y = xor_data()
    mask = np.where(np.random.default_rng(3).random((len(X), 4)) < 0.1, 0.0, 1 / 0.9)
    p = {"W1": np.tile([[0.7], [-0.4]], (1, 4)), "v": np.full(4, 0.6)}
    g = numeric_grad(lambda q: bce((np.tanh(X @ q["W1"]) * mask) @ q["v"], y), p)
    assert np.ptp(g["v"]) > 1e-3 and np.abs(g["W1"] - g["W1"][:, :1]).max() > 1e-3


def test_zero_init_residual_branch_starts_as_the_identity_and_learns():
    """x + relu(x W1) W2 with W2 = 0 (zero-init residual, Goyal et al. 2017): the block is exactly
    the identity at the start, yet W2's gradient is not 0 and its columns differ, because the branch's
    hidden units are random and different (analytic gradient, checked by central differences)."""
    rng = np.random.default_rng(0)
    X, y = xor_data()
    W1, W2, v = rng.normal(size=(2, 8)), np.zeros((8, 2)), rng.normal(size=2)
    h = np.maximum(X @ W1, 0)
    out = X + h @ W2
    assert np.array_equal(out, X)
    z = out @ v
    dz = (1 / (1 + np.exp(-z)) - y) / len(X)  # dL/dz of the mean BCE
    dW2 = h.T @ np.outer(dz, v)
    numeric = numeric_grad(lambda q: bce((X + h @ q["W2"]) @ v, y), {"W2": W2.copy()})["W2"]
    assert np.allclose(dW2, numeric, atol=1e-8)
    assert np.abs(dW2).max() > 1e-3 and len({tuple(np.round(r, 12)) for r in dW2}) == 8


def test_lora_b_zero_starts_at_the_pretrained_model_and_b_learns_first():
    """W + B A with B = 0 (d x r) and A random (r x k): the model is exactly the pretrained one; the
    gradient of B is G A^T (not 0, different per rank component), that of A is B^T G = 0; after one
    step of B, A's gradient is not 0 either."""
    rng = np.random.default_rng(0)
    X, y = xor_data()
    feats = np.column_stack([X, X[:, 0] * X[:, 1]])  # k = 3 features, one output (d = 1)
    W0, A, B = rng.normal(size=(1, 3)), rng.normal(size=(2, 3)), np.zeros((1, 2))

    def loss(p):
        return bce(feats @ (W0 + p["B"] @ p["A"]).T[:, 0], y)

    g = numeric_grad(loss, {"B": B.copy(), "A": A.copy()})
    assert loss({"B": B, "A": A}) == bce(feats @ W0.T[:, 0], y)
    assert np.abs(g["A"]).max() < 1e-9 and np.abs(g["B"]).min() > 1e-3 and np.ptp(g["B"]) > 1e-3
    B1 = B - 0.5 * g["B"]
    assert np.abs(numeric_grad(loss, {"B": B1, "A": A.copy()})["A"]).max() > 1e-3


def test_output_bias_at_the_log_odds_of_the_prior():
    """80 % of one class, every weight 0: an output bias of ln(0.8 / 0.2) predicts 0.8 everywhere, its
    gradient is mean(p - y) = 0 (to 1e-15) and the loss is the prior's entropy, 0.500, instead of
    ln 2 = 0.693 with a zero bias (whose gradient is -0.3: the first steps go to the bias)."""
    X, _ = xor_data(200)
    y = (np.arange(200) < 160).astype(float)
    prior = y.mean()
    zero = [(np.zeros((2, 4)), np.zeros(4)), (np.zeros((4, 1)), np.zeros(1))]
    log_odds = [zero[0], (np.zeros((4, 1)), np.array([math.log(prior / (1 - prior))]))]
    start = inspect_step(log_odds, X, y, "tanh")
    plain = inspect_step(zero, X, y, "tanh")
    entropy = -(prior * math.log(prior) + (1 - prior) * math.log(1 - prior))
    assert start["loss"] == pytest.approx(entropy, abs=1e-15) and round(entropy, 3) == 0.5
    assert abs(start["layers"][-1]["db"][0]) < 1e-15
    assert plain["loss"] == pytest.approx(math.log(2)) and plain["layers"][-1]["db"][0] == pytest.approx(-0.3)


def test_modern_view_numbers_as_quoted():
    """The chapter's table: every weight 0.5 without dropout stays clones (0.695); with dropout 0.1
    the units separate and learn (0.905); zeros with dropout stay exactly 0 (0.5); a zero last layer
    learns (0.94)."""
    r = tour.KINDS["modern"](tour.chapter("modern")["view"])
    got = [
        (x["init"], x["dropout"], x["final_accuracy"], x["identical"], x["weights_zero"]) for x in r["runs"]
    ]
    assert got == [
        ("constant", 0.0, 0.695, True, False),
        ("constant", 0.1, 0.905, False, False),
        ("zeros", 0.1, 0.5, True, True),
        ("zeros_last", 0.0, 0.94, False, False),
    ]


def test_modern_lab_left_clones_separate_at_step_1_right_zeros_stay_exactly_0():
    c = tour.chapter("modern")
    config, members = page_state.run_config(c["state"])
    assert config.dropout == 0.1
    tr = chapter_trainer(c["state"], members)
    tr.step(c["steps"])
    S = tr.symmetry()[:, :, 0]
    assert S[0, 0] == 0 and (S[1:, 0] > 0).all()
    assert tr.accuracy_history[-1, 0] == 0.905
    assert (tr.theta_history[:, 1] == 0).all() and np.allclose(tr.loss_history[:, 1], math.log(2), rtol=1e-15)
