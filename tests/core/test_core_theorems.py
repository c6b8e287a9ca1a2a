"""The claims the page makes, checked bitwise on the real training path (``Trainer``, as used by
the CLI, ``api`` and the browser), never with a tolerance."""

import numpy as np
import pytest

from pyinit import api
from pyinit.core.activations import ACTIVATIONS
from pyinit.training.config import RunConfig, Member
from pyinit.training.trainer import Trainer

HIDDEN = [(7,), (9,), (7, 9), (16, 16)]


def hidden_units_identical(trainer, l):
    """Per record: all units of hidden layer l have identical incoming W, b and outgoing W."""
    W_in, b = trainer.weights(l), trainer.biases(l)  # (R, K, fan_in, w), (R, K, w)
    W_out = trainer.weights(l + 1)  # (R, K, w, fan_out)
    return (
        (W_in == W_in[..., :1]).all(axis=(1, 2, 3))
        & (b == b[..., :1]).all(axis=(1, 2))
        & (W_out == W_out[:, :, :1, :]).all(axis=(1, 2, 3))
    )


@pytest.mark.parametrize("hidden", HIDDEN, ids=str)
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_constant_init_keeps_units_identical_every_step(activation, hidden):
    cfg = RunConfig(
        hidden=hidden,
        activation=activation,
        init="constant:0.3",
        bias_init="constant:0.1",
        lr=0.5,
        steps=40,
        noise=0.2,
    )
    tr = Trainer(cfg)
    tr.step(cfg.steps)
    assert len(tr.steps) == cfg.steps + 1
    for l in range(1, len(hidden) + 1):
        same = hidden_units_identical(tr, l)
        assert same.all(), f"layer {l}: units differ first at step {tr.steps[~same][0]}"
    assert (tr.symmetry() == 0.0).all()
    assert not (tr.theta_history[-1] == tr.theta_history[0]).all(), "nothing moved"


@pytest.mark.parametrize(
    "variant", [dict(batch_size=16), dict(momentum=0.9), dict(init="normal:0.5,constant:-0.2")]
)
def test_constant_init_symmetry_with_minibatches_momentum_and_layer_specs(variant):
    cfg = RunConfig(**{**dict(hidden=(9,), activation="tanh", init="constant:0.5", steps=60), **variant})
    tr = Trainer(cfg)
    tr.step(cfg.steps)
    if variant.get("init", "").startswith("normal"):
        # random first layer: units differ from the start
        assert (tr.symmetry() > 0).all()
    else:
        assert hidden_units_identical(tr, 1).all() and (tr.symmetry() == 0).all()


@pytest.mark.parametrize("hidden", [(1,), (4,), (7, 9), (3, 3, 3), (5, 5, 5, 5)], ids=str)
@pytest.mark.parametrize("activation", ["tanh", "relu", "linear"])
@pytest.mark.parametrize(
    "variant", [{}, dict(batch_size=16, momentum=0.5)], ids=["full", "minibatch+momentum"]
)
def test_zero_init_gives_exactly_zero_weight_gradients(activation, hidden, variant):
    # 201 samples: 101 of class 0, 100 of class 1, so the output bias has a non-zero gradient
    cfg = RunConfig(
        n_samples=201, hidden=hidden, activation=activation, init="zeros", lr=0.5, steps=50, **variant
    )
    tr = Trainer(cfg)
    tr.step(cfg.steps)
    layout = tr.layout
    out_bias = layout.b_offsets[layout.L]
    grads, thetas = tr.grad_history[:, 0], tr.theta_history[:, 0]
    mask = np.ones(layout.P, dtype=bool)
    mask[out_bias] = False
    assert (grads[:, mask] == 0.0).all(), "a gradient other than the output bias' is not exactly 0"
    assert (thetas[:, mask] == 0.0).all(), "a parameter other than the output bias moved"
    assert thetas[-1, out_bias] != 0.0, "the output bias did not move"
    assert (tr.grad_norms() == 0.0).all()


def test_zero_init_through_the_cli_json():
    result = api.run(dict(n_samples=201, hidden=[4, 4], activation="tanh", init="zeros", steps=30))
    assert all(v == 0.0 for step in result["grad_norms"] for v in step)
    assert all(v == 0.0 for step in result["symmetry"] for v in step)
    assert all(v == 0.0 for layer in result["weights"] for step in layer for row in step for v in row)
    assert result["biases"][-1][-1][0] != 0.0


@pytest.mark.parametrize("hidden", [(4,), (7, 9)], ids=str)
def test_zero_init_with_sigmoid_moves_but_stays_symmetric(hidden):
    cfg = RunConfig(n_samples=201, hidden=hidden, activation="sigmoid", init="zeros", lr=1.0, steps=60)
    tr = Trainer(cfg)
    tr.step(cfg.steps)
    for l in range(1, tr.layout.L + 1):
        assert (tr.weights(l)[-1] != 0).all(), f"W[{l}] did not move"
    for l in range(1, len(hidden) + 1):
        assert hidden_units_identical(tr, l).all()
    assert (tr.symmetry() == 0.0).all()


def test_no_hidden_layer_zero_init_learns_linear_data():
    tr = Trainer(RunConfig(dataset="linear", hidden=(), init="zeros", lr=0.5, steps=300))
    tr.step(300)
    assert tr.accuracy_history[-1, 0] >= 0.95


@pytest.mark.parametrize("init", ["xavier", "he", "lecun", "normal:0.1", "uniform:0.5"])
def test_random_init_breaks_symmetry(init):
    tr = Trainer(RunConfig(hidden=(7, 9), init=init, steps=20))
    tr.step(20)
    assert (tr.symmetry() > 0).all()


def test_tiny_perturbation_breaks_symmetry():
    tr = Trainer(RunConfig(hidden=(8,), init="zeros", perturb=1e-6, steps=5))
    tr.step(5)
    assert (tr.symmetry() > 0).all()


def test_zeros_and_xavier_in_lock_step_match_separate_runs():
    cfg = RunConfig(n_samples=201, hidden=(4, 4), steps=50)
    both = Trainer(cfg, [Member(init="zeros"), Member(init="xavier")])
    both.step(50)
    for k, init in enumerate(["zeros", "xavier"]):
        alone = Trainer(cfg.replace(init=init))
        alone.step(50)
        assert (both.theta_history[:, k] == alone.theta_history[:, 0]).all()
