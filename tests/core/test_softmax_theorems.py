"""The symmetry theorems with a softmax output, bitwise on the real training path (``Trainer``) on
the digits (64 inputs, 10 classes): zeros with f(0) = 0 freeze every weight (only the output biases
move), a constant init keeps the hidden units bitwise clones, random inits give distinct units."""

import numpy as np
import pytest

from pyinit.core.activations import ACTIVATIONS
from pyinit.training import stats
from pyinit.training.config import Member, RunConfig
from pyinit.training.trainer import Trainer

DIGITS = dict(dataset="digits", n_samples=256, steps=30)


def train(members=None, **changes):
    cfg = RunConfig(**{**DIGITS, **changes})
    tr = Trainer(cfg, members)
    tr.step(cfg.steps)
    return tr


def hidden_units_identical(trainer, l):
    """Per record and member: all units of hidden layer l have identical incoming W, b and outgoing
    W (a row of W[l+1]: one weight to each of the next layer's units)."""
    W_in, b, W_out = trainer.weights(l), trainer.biases(l), trainer.weights(l + 1)
    return (
        (W_in == W_in[..., :1]).all(axis=(2, 3))
        & (b == b[..., :1]).all(axis=2)
        & (W_out == W_out[:, :, :1, :]).all(axis=(2, 3))
    )


@pytest.mark.parametrize("hidden", [(16,), (8, 8)], ids=str)
@pytest.mark.parametrize("activation", ["tanh", "relu", "linear"])
@pytest.mark.parametrize(
    "variant",
    [
        {},
        dict(batch_size=64),
        dict(batch_size=64, optimizer="momentum", momentum=0.9),
        dict(optimizer="adam"),
    ],
    ids=["full", "batches", "momentum", "adam"],
)
def test_zero_init_every_weight_gradient_exactly_zero_only_output_biases_move(activation, hidden, variant):
    tr = train(hidden=hidden, activation=activation, init="zeros", lr=0.1 if variant else 0.5, **variant)
    layout = tr.layout
    L = layout.L
    out_biases = np.arange(layout.b_offsets[L], layout.b_offsets[L] + 10)
    frozen = np.ones(layout.P, dtype=bool)
    frozen[out_biases] = False
    grads, thetas = tr.grad_history[:, 0], tr.theta_history[:, 0]
    assert (grads[:, frozen] == 0.0).all(), "a gradient other than the output biases' is not exactly 0"
    assert (thetas[:, frozen] == 0.0).all(), "a parameter other than the output biases moved"
    assert (tr.grad_norms() == 0.0).all()
    assert (thetas[-1, out_biases] != 0.0).all(), "the 10 output biases move (the classes are unbalanced)"
    # the output ignores the image: every image gets the same class, whose share is the accuracy
    X, y = tr.X, tr.y
    from pyinit.core.network import evaluate_many

    out = evaluate_many(thetas[-1:], layout, activation, X, y, keep=("output",))
    predicted = out["output"][0].argmax(axis=-1)
    assert (predicted == predicted[0]).all()
    assert out["accuracy"][0] == np.mean(y == predicted[0]) <= max(np.mean(y == c) for c in range(10))


@pytest.mark.parametrize("variant", [{}, dict(batch_size=64, optimizer="adam", lr=0.01)], ids=["sgd", "adam"])
def test_zero_init_with_sigmoid_moves_but_stays_symmetric(variant):
    tr = train(hidden=(16,), activation="sigmoid", init="zeros", **variant)
    W1, W2 = tr.weights(1)[-1, 0], tr.weights(2)[-1, 0]
    lit = tr.X.any(axis=0)  # pixels that are 0 in every image keep their weights (dW = x^T delta = 0)
    assert (W1[lit] != 0).all() and not W1[~lit].any() and (W2 != 0).all(), "f(0) = 0.5: it moves"
    assert hidden_units_identical(tr, 1).all() and (tr.symmetry() == 0.0).all()


@pytest.mark.parametrize("hidden", [(16,), (7, 9)], ids=str)
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_constant_init_keeps_hidden_units_bitwise_clones_every_step(activation, hidden):
    tr = train(hidden=hidden, activation=activation, init="constant:0.05", bias_init="constant:0.1", lr=0.1)
    assert len(tr.steps) == 31
    for l in range(1, len(hidden) + 1):
        same = hidden_units_identical(tr, l)[:, 0]
        assert same.all(), f"layer {l}: units differ first at step {tr.steps[~same][0]}"
    assert (tr.symmetry() == 0.0).all()
    assert (stats.distinct_units(tr.theta_history, tr.layout) == 1).all()
    assert not (tr.theta_history[-1] == tr.theta_history[0]).all(), "nothing moved"


@pytest.mark.parametrize(
    "variant",
    [
        dict(batch_size=64),
        dict(batch_size=128, optimizer="adam", lr=0.01),
        dict(optimizer="momentum", momentum=0.9),
    ],
    ids=["batches", "adam", "momentum"],
)
def test_constant_init_clones_with_minibatches_adam_and_momentum(variant):
    tr = train(hidden=(16,), activation="tanh", init="constant:0.1", **{"lr": 0.1, **variant})
    assert hidden_units_identical(tr, 1).all() and (tr.symmetry() == 0.0).all()
    assert (stats.distinct_units(tr.theta_history, tr.layout) == 1).all()


def test_he_init_gives_16_distinct_units_that_stay_distinct():
    tr = train(
        [Member(init="he"), Member(init="constant:0.1")], hidden=(16,), activation="relu", batch_size=64
    )
    distinct = stats.distinct_units(tr.theta_history, tr.layout)[..., 0]  # (R, K)
    assert (distinct[:, 0] == 16).all() and (distinct[:, 1] == 1).all()
    assert (tr.symmetry()[:, 0] > 0).all() and (tr.symmetry()[:, 1] == 0).all()


def test_lock_step_members_equal_separate_runs_bitwise():
    cfg = RunConfig(**{**DIGITS, "hidden": (16,), "batch_size": 64, "optimizer": "adam", "lr": 0.01})
    both = Trainer(cfg, [Member(init="zeros"), Member(init="he"), Member(init="constant:0.1")])
    both.step(cfg.steps)
    for k, init in enumerate(["zeros", "he", "constant:0.1"]):
        alone = Trainer(cfg.replace(init=init))
        alone.step(cfg.steps)
        assert (both.theta_history[:, k] == alone.theta_history[:, 0]).all(), init
        assert (both.loss_history[:, k] == alone.loss_history[:, 0]).all(), init
