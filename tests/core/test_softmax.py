"""The softmax output: hand-written backprop against central differences (every parameter, named),
one step worked out by hand, a stable loss for huge logits, and K-class accuracy."""

import math

import numpy as np
import pytest

from pyinit.core import losses, network
from pyinit.core.activations import ACTIVATIONS
from pyinit.core.initializers import initial_params
from pyinit.core.network import Layout, Workspace, forward, inspect_step

DEPTHS = [(), (3,), (3, 4), (4, 3, 2)]  # 0..3 hidden layers


def mean_loss(layout, activation, flat, X, y):
    """The mean cross-entropy as a plain function of the flat parameter vector (forward pass only)."""
    theta = flat[None, :].copy()
    W, b = layout.views(theta)
    ws = Workspace(layout.sizes, 1, X.shape[0])
    forward(W, b, activation, X[None], ws)
    return float(network.loss(ws, network.targets(y, layout.sizes[-1]))[0])


def numeric_gradient(f, flat, eps=1e-6):
    grad = np.zeros_like(flat)
    for i in range(flat.size):
        up, down = flat.copy(), flat.copy()
        up[i] += eps
        down[i] -= eps
        grad[i] = (f(up) - f(down)) / (2 * eps)
    return grad


def describe(layout, i):
    """Which weight the flat index i is: 'W[2][1, 0]' or 'b[1][3]'."""
    for l in range(1, layout.L + 1):
        fan_in, fan_out = layout.sizes[l - 1], layout.sizes[l]
        w0, b0 = layout.w_offsets[l], layout.b_offsets[l]
        if w0 <= i < b0:
            col, row = divmod(i - w0, fan_in)  # W blocks are stored transposed
            return f"W[{l}][{row}, {col}]"
        if b0 <= i < b0 + fan_out:
            return f"b[{l}][{i - b0}]"
    raise AssertionError(i)


def analytic_gradient(layout, params, X, y, activation):
    result = inspect_step(params, X, y, activation)
    return layout.pack([(layer["dW"], layer["db"]) for layer in result["layers"]]), result


@pytest.mark.parametrize("classes", [3, 10])
@pytest.mark.parametrize("hidden", DEPTHS, ids=lambda h: f"hidden={list(h)}")
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_softmax_gradient_matches_central_differences(activation, hidden, classes):
    rng = np.random.default_rng(11)
    X = rng.standard_normal((12, 5))
    y = rng.integers(0, classes, 12)
    sizes = (5,) + hidden + (classes,)
    layout = Layout(sizes)
    params = initial_params(sizes, "normal:0.8", "constant:0.1", seed=len(hidden) + classes)
    analytic, result = analytic_gradient(layout, params, X, y, activation)
    numeric = numeric_gradient(lambda v: mean_loss(layout, activation, v, X, y), layout.pack(params))
    for layer in result["layers"][:-1]:  # every z away from a ReLU kink by much more than eps
        assert np.abs(layer["z"]).min() > 1e-4
    bad = np.abs(analytic - numeric) > 1e-7 + 1e-5 * np.abs(numeric)
    report = "\n".join(
        f"  {describe(layout, i)}: analytic {analytic[i]:.10g}, numeric {numeric[i]:.10g}"
        for i in np.flatnonzero(bad)
    )
    assert not bad.any(), f"{activation} {sizes}: gradient mismatch\n{report}"
    assert np.abs(analytic).max() > 1e-3, "a gradient check of zeros proves nothing"


def test_the_gradient_check_names_a_wrong_parameter():
    """The check can fail, and says which weight: corrupt one analytic entry and look at the report."""
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((6, 3)), np.array([0, 1, 2, 3, 0, 1])
    layout = Layout((3, 2, 4))
    params = initial_params(layout.sizes, "normal:0.8", "zeros", seed=0)
    analytic, _ = analytic_gradient(layout, params, X, y, "tanh")
    numeric = numeric_gradient(lambda v: mean_loss(layout, "tanh", v, X, y), layout.pack(params))
    i = layout.w_offsets[2] + 1 * 2 + 0  # W[2][0, 1] (stored transposed: column 1, row 0)
    analytic[i] += 1e-3
    bad = np.flatnonzero(np.abs(analytic - numeric) > 1e-7 + 1e-5 * np.abs(numeric))
    assert [describe(layout, j) for j in bad] == ["W[2][0, 1]"]


def test_worked_example_softmax_no_hidden_layer():
    """One sample, 2 inputs, 3 classes, no hidden layer, computed by hand.

    x = (1, 2), label 2 (y = (0, 0, 1)); W = [[0.1, -0.2, 0.3], [0.4, 0, -0.1]], b = (0, 0.5, -0.5)
      z = x @ W + b = (0.1 + 0.8 + 0,  -0.2 + 0 + 0.5,  0.3 - 0.2 - 0.5)      = (0.9, 0.3, -0.4)
      m = max z = 0.9;  exp(z - m) = (1, e^-0.6, e^-1.3) = (1, 0.5488116361, 0.2725317930)
      s = 1.8213434291;  p = exp(z - m) / s            = (0.5490452729, 0.3013224345, 0.1496322927)
      loss = (m - z_2) + log s = 1.3 + 0.5995743767 = 1.8995743767  (= -log p_2)
      delta = p - y                                   = (0.5490452729, 0.3013224345, -0.8503677073)
      dW = x^T delta = [[0.5490452729, 0.3013224345, -0.8503677073],
                        [1.0980905457, 0.6026448690, -1.7007354147]];  db = delta
    """
    x = np.array([[1.0, 2.0]])
    params = [(np.array([[0.1, -0.2, 0.3], [0.4, 0.0, -0.1]]), np.array([0.0, 0.5, -0.5]))]
    r = inspect_step(params, x, np.array([2]), "tanh")
    (layer,) = r["layers"]
    close = dict(rtol=0, atol=1e-10)
    np.testing.assert_allclose(layer["z"], [[0.9, 0.3, -0.4]], **close)
    np.testing.assert_allclose(layer["a"], [[0.5490452729, 0.3013224345, 0.1496322927]], **close)
    np.testing.assert_allclose(r["loss"], 1.8995743767, **close)
    np.testing.assert_allclose(layer["delta"], [[0.5490452729, 0.3013224345, -0.8503677073]], **close)
    assert (layer["delta"] == layer["a"] - [[0.0, 0.0, 1.0]]).all(), "delta at the output is exactly p - y"
    np.testing.assert_allclose(
        layer["dW"],
        [[0.5490452729, 0.3013224345, -0.8503677073], [1.0980905457, 0.6026448690, -1.7007354147]],
        **close,
    )
    np.testing.assert_allclose(layer["db"], [0.5490452729, 0.3013224345, -0.8503677073], **close)
    assert r["accuracy"] == 0.0, "predicted class 0, label 2"


def test_loss_is_finite_and_exact_for_huge_logits():
    z = np.array([[[1000.0, -1000.0, 0.0], [-800.0, 800.0, 799.0], [5.0, 5.0, 5.0]]])  # (1, 3, 3)
    y = losses.one_hot([0, 2, 1], 3)[None]
    per_sample = [0.0, 1.0 + math.log1p(math.exp(-1.0)), math.log(3.0)]  # logsumexp(z) - z_label
    loss = losses.cross_entropy_from_logits(z, y)
    assert loss.shape == (1,) and loss[0] == pytest.approx(sum(per_sample) / 3, rel=1e-15)
    p = losses.softmax(z, np.empty_like(z), np.empty((1, 3, 1)))
    assert np.isfinite(p).all() and np.allclose(p.sum(axis=-1), 1.0, rtol=0, atol=1e-15)
    assert p[0, 0, 0] == 1.0 and p[0, 2, 0] == p[0, 2, 1] == p[0, 2, 2]


@pytest.mark.parametrize("seed", range(5))
def test_loss_equals_the_textbook_formula_on_moderate_logits(seed):
    rng = np.random.default_rng(seed)
    z = rng.normal(0, 3, (2, 7, 4))
    labels = rng.integers(0, 4, 7)
    y = losses.one_hot(labels, 4)[None]
    p = np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)
    textbook = -np.log(p[:, np.arange(7), labels]).mean(axis=-1)
    np.testing.assert_allclose(losses.cross_entropy_from_logits(z, y), textbook, rtol=1e-13)
    ours = losses.softmax(z, np.empty_like(z), np.empty((2, 7, 1)))
    np.testing.assert_allclose(ours, p, rtol=1e-14)


def test_accuracy_over_k_classes_and_the_tie_rule():
    z = np.array([[[0.1, 2.0, -1.0], [3.0, 0.0, 0.0], [0.0, 0.0, 0.0], [1.0, 1.0, 0.5]]])
    y = losses.one_hot([1, 0, 2, 1], 3)[None]
    # predictions 1, 0, 0 (all equal: the first), 0 (a tie between 0 and 1: the first)
    assert losses.multiclass_accuracy_from_logits(z, y).tolist() == [0.5]


def test_targets_are_one_hot_for_softmax_and_the_labels_for_one_unit():
    labels = np.array([2, 0, 1, 2])
    Y = network.targets(labels, 3)
    assert Y.shape == (1, 4, 3) and (Y[0] == np.eye(3)[labels]).all()
    y1 = network.targets(np.array([1, 0, 1]), 1)
    assert y1.shape == (1, 3, 1) and y1[0, :, 0].tolist() == [1.0, 0.0, 1.0]


def test_evaluate_many_scores_softmax_nets():
    rng = np.random.default_rng(4)
    X, y = rng.standard_normal((9, 4)), rng.integers(0, 5, 9)
    layout = Layout((4, 3, 5))
    thetas = np.stack(
        [layout.pack(initial_params(layout.sizes, "xavier", "zeros", seed=s)) for s in range(3)]
    )
    out = network.evaluate_many(thetas, layout, "tanh", X, y, keep=("output",))
    assert out["output"].shape == (3, 9, 5) and np.allclose(out["output"].sum(axis=-1), 1.0)
    for k in range(3):
        r = inspect_step(layout.unpack(thetas[k]), X, y, "tanh")
        assert out["loss"][k] == pytest.approx(r["loss"], rel=1e-14)
        assert out["accuracy"][k] == r["accuracy"] == np.mean(out["output"][k].argmax(axis=-1) == y)
