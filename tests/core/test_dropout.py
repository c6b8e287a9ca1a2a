"""Dropout (``core.dropout``): masks come from the passed-in rng only; backpropagation through the
masks is exact (finite differences, and PyTorch's autograd on the same masks); it separates clones
(constant init) and cannot move exact zeros when f(0) = 0."""

import importlib.util
import json

import numpy as np
import pytest

from pyinit import seeding
from pyinit.core.dropout import draw_masks, keep_scale
from pyinit.core.network import Layout, Workspace, backward, forward, loss
from pyinit.errors import ConfigError
from pyinit.training.config import RunConfig
from pyinit.training.trainer import Trainer

import dropout_oracle


def test_masks_come_from_the_rng_passed_in_and_nowhere_else():
    np.random.seed(123)
    global_state = np.random.get_state()[1].copy()
    a = draw_masks(np.random.default_rng(7), 0.3, 50, (4, 6))
    b = draw_masks(np.random.default_rng(7), 0.3, 50, (4, 6))
    c = draw_masks(np.random.default_rng(8), 0.3, 50, (4, 6))
    assert (np.random.get_state()[1] == global_state).all(), "the global RNG was used"
    assert a[0] is None and a[-1] is None and len(a) == 4
    for ma, mb, mc, w in zip(a[1:-1], b[1:-1], c[1:-1], (4, 6)):
        assert ma.shape == (1, 50, w)
        assert np.array_equal(ma, mb) and not np.array_equal(ma, mc)
    # exactly the rule: dropped where rng.random() < p (layer by layer), kept ones scaled 1/(1 - p)
    rng = np.random.default_rng(7)
    for m, w in zip(a[1:-1], (4, 6)):
        expected = np.where(rng.random((50, w)) < 0.3, 0.0, 1 / (1 - 0.3))
        assert np.array_equal(m[0], expected)
    assert set(np.unique(np.concatenate([m.ravel() for m in a[1:-1]]))) == {0.0, keep_scale(0.3)}


def test_trainer_masks_come_from_the_dropout_stream_of_the_seed():
    """The trainer's gradient at step 0 is the one computed with draw_masks(generator(seed, DROPOUT))."""
    cfg = RunConfig(hidden=(5, 3), init="normal:0.8", dropout=0.4, seed=3, steps=0)
    tr = Trainer(cfg, record=False)
    masks = draw_masks(seeding.generator(3, seeding.DROPOUT), 0.4, cfg.n_samples, cfg.hidden)
    grad, ws = by_hand(tr, masks)
    assert np.array_equal(tr.grad, grad)
    assert not np.array_equal(tr.grad, by_hand(tr, None)[0]), "the masks changed nothing"
    assert np.array_equal(Trainer(cfg, record=False).grad, tr.grad)  # same seed, same masks


def by_hand(tr, masks):
    """The mean-loss gradient at the trainer's parameters on all its data with ``masks``."""
    grad = np.zeros_like(tr.theta)
    W, b = tr.layout.views(tr.theta)
    dW, db = tr.layout.views(grad)
    ws = Workspace(tr.layout.sizes, tr.K, tr.config.n_samples)
    forward(W, b, tr.activation, tr._x, ws, masks)
    backward(W, tr.activation, tr._y, ws, dW, db, masks)
    return grad / tr.config.n_samples, ws


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid", "leaky_relu"])
def test_backward_with_masks_matches_finite_differences(activation):
    rng = np.random.default_rng(0)
    sizes = (2, 5, 4, 1)
    layout = Layout(sizes)
    theta = rng.normal(size=(1, layout.P))
    X = rng.normal(size=(9, 2))
    y = (rng.random(9) < 0.5).astype(float).reshape(1, 9, 1)
    masks = draw_masks(rng, 0.5, 9, sizes[1:-1])

    def mean_loss(th):
        ws = Workspace(sizes, 1, 9)
        W, b = layout.views(th)
        forward(W, b, activation, X[None], ws, masks)
        return loss(ws, y)[0]

    grad = np.zeros_like(theta)
    ws = Workspace(sizes, 1, 9)
    W, b = layout.views(theta)
    dW, db = layout.views(grad)
    forward(W, b, activation, X[None], ws, masks)
    backward(W, activation, y, ws, dW, db, masks)
    grad /= 9
    h = 1e-6
    numeric = np.array(
        [(mean_loss(theta + h * e) - mean_loss(theta - h * e)) / (2 * h) for e in np.eye(layout.P)[:, None]]
    )
    assert np.allclose(grad[0], numeric, atol=1e-8), f"analytic: {grad[0]}\nnumeric: {numeric}"


def oracle_cases():
    return json.loads(dropout_oracle.ORACLE.read_text())["cases"]


def pyinit_forward_backward(case):
    """pyinit's loss and mean-loss gradients for a recorded case, with its masks."""
    W0 = [np.array(W) for W in case["W"]]
    sizes = [W0[0].shape[0]] + [W.shape[1] for W in W0]
    layout = Layout(sizes)
    theta = layout.pack([(W, np.array(b)) for W, b in zip(W0, case["b"])])[None]
    X, n = np.array(case["X"]), len(case["y"])
    y = np.array(case["y"]).reshape(1, n, 1)
    masks = [None] + [np.array(m)[None] for m in case["masks"]] + [None]
    grad = np.zeros_like(theta)
    W, b = layout.views(theta)
    dW, db = layout.views(grad)
    ws = Workspace(sizes, 1, n)
    forward(W, b, case["activation"], X[None], ws, masks)
    backward(W, case["activation"], y, ws, dW, db, masks)
    grad /= n
    out = layout.unpack(grad[0])
    return {"loss": float(loss(ws, y)[0]), "dW": [g for g, _ in out], "db": [g for _, g in out]}


@pytest.mark.parametrize("i", range(len(dropout_oracle.CASES)))
def test_dropout_forward_backward_equals_pytorch_on_the_same_masks(i):
    """PyTorch's autograd (recorded in dropout_oracle.json, see dropout_oracle.py) vs pyinit."""
    case = oracle_cases()[i]
    for m in case["masks"]:  # torch's nn.Dropout masks: 0 or exactly pyinit's 1 / (1 - p)
        assert set(np.unique(m)) <= {0.0, keep_scale(case["p"])}
    ours, torch_ = pyinit_forward_backward(case), case["torch"]
    assert ours["loss"] == pytest.approx(torch_["loss"], rel=1e-12, abs=1e-15)
    for l, (g, t) in enumerate(zip(ours["dW"] + ours["db"], torch_["dW"] + torch_["db"])):
        assert np.allclose(g, t, rtol=1e-12, atol=1e-15), f"gradient block {l}\npyinit: {g}\ntorch: {t}"


@pytest.mark.parametrize("i", range(len(dropout_oracle.CASES)))
def test_recorded_oracle_is_what_torch_computes(i):
    """Runs only where torch is importable: the recorded answers are torch's answers (and the
    recorded inputs are what the generator makes)."""
    pytest.importorskip("torch")
    spec, case = dropout_oracle.CASES[i], oracle_cases()[i]
    fresh = dropout_oracle.make_case(*spec)
    assert {k: case[k] for k in fresh} == fresh
    assert dropout_oracle.torch_forward_backward(case) == case["torch"]


def test_relu_slope_at_0_is_the_convention_pytorch_shares():
    """ReLU has a kink at 0 (any slope in [0, 1] is a subgradient); pyinit takes 0, as torch does."""
    from pyinit.core.activations import relu_backprop

    recorded = json.loads(dropout_oracle.ORACLE.read_text())["relu_slope_at_0"]
    z = np.zeros((1, 3))
    assert recorded == 0.0 and (relu_backprop(np.ones((1, 3)), z, z, np.empty((1, 3))) == 0).all()
    if importlib.util.find_spec("torch"):
        assert dropout_oracle.relu_slope_at_0() == recorded


def test_dropout_separates_clones_from_a_constant_init():
    """Equal weights, tanh, full batch: without dropout S = 0 at every step (clones); with dropout
    0.1 the units differ from step 1 on, and the net learns XOR that the clones cannot."""
    base = dict(init="constant:0.5", steps=600)
    clones = Trainer(RunConfig(**base))
    dropped = Trainer(RunConfig(**base, dropout=0.1))
    clones.step(600)
    dropped.step(600)
    S = dropped.symmetry()[:, 0, 0]
    assert (clones.symmetry() == 0).all()
    assert S[0] == 0 and (S[1:] > 0).all()
    assert dropped.accuracy_history[-1, 0] >= 0.9 > clones.accuracy_history[-1, 0]


@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("hidden", [(4,), (6, 6)], ids=str)
def test_dropout_cannot_move_exact_zeros_when_f0_is_0(activation, hidden):
    """f(0) = 0: every hidden activation is 0, dropped or kept, so every weight gradient is exactly
    0 at every step and only the output bias can move (here it cannot either: balanced batches)."""
    cfg = RunConfig(hidden=hidden, activation=activation, init="zeros", dropout=0.5, steps=300)
    tr = Trainer(cfg)
    tr.step(cfg.steps)
    assert (tr.theta_history == 0).all() and (tr.grad_history == 0).all()


def test_dropout_does_move_zeros_with_sigmoid_and_separates_them():
    """The condition f(0) = 0 matters: sigmoid(0) = 0.5, so the masked activations differ per unit
    and dropout separates the units of an all-zero sigmoid net (without dropout they stay clones)."""
    cfg = RunConfig(activation="sigmoid", init="zeros", dropout=0.5, steps=50, batch_size=10)
    tr = Trainer(cfg)
    tr.step(cfg.steps)
    assert tr.symmetry()[-1, 0, 0] > 0
    plain = Trainer(cfg.replace(dropout=0.0))
    plain.step(cfg.steps)
    assert (plain.symmetry() == 0).all()


def test_recorded_loss_is_that_of_the_net_without_dropout():
    cfg = RunConfig(init="xavier", dropout=0.5, steps=3)
    tr = Trainer(cfg)
    tr.step(3)
    loss_all, acc_all = tr.evaluate(tr.theta_history[-1])
    assert tr.loss_history[-1, 0] == loss_all[0] and tr.accuracy_history[-1, 0] == acc_all[0]


def test_dropout_setting_is_validated_with_its_name_and_range():
    with pytest.raises(ConfigError, match=r"dropout.*\[0, 0.9\].*0.95"):
        RunConfig(dropout=0.95)
    assert RunConfig().dropout == 0.0


def test_dropout_reaches_the_run_from_the_cli_and_the_page_settings(capsys):
    from conftest import run_cli
    from pyinit.settings import page_state

    code, out, _ = run_cli(["run", "--dropout", "0.25", "--steps", "0"], capsys)
    assert code == 0 and json.loads(out)["config"]["dropout"] == 0.25
    code, _, err = run_cli(["run", "--dropout", "-0.1"], capsys)
    assert code == 2 and "--dropout: must be a number in [0, 0.9], got '-0.1'" in err
    config, _ = page_state.run_config({"dropout": 0.3})
    assert config.dropout == 0.3 and page_state.run_config({})[0].dropout == 0.0
    with pytest.raises(ConfigError, match="dropout"):
        page_state.run_config({"dropout": 1})
