"""Hand-written backprop against central differences, and one step worked out by hand."""

import numpy as np
import pytest

from pyinit.core.activations import ACTIVATIONS
from pyinit.core.datasets import make_moons
from pyinit.core.initializers import initial_params
from pyinit.core.network import Layout, Workspace, forward, inspect_step, loss
from pyinit.core.optimizers import GradientDescent

DEPTHS = [(), (3,), (3, 4), (4, 3, 2)]  # 0..3 hidden layers


def mean_loss(layout, activation, flat, X, y):
    """The loss as a plain function of the flat parameter vector (forward pass only)."""
    theta = flat[None, :].copy()
    W, b = layout.views(theta)
    ws = Workspace(layout.sizes, 1, X.shape[0])
    yk = y.astype(float).reshape(1, -1, 1)
    forward(W, b, activation, X[None], ws)
    return float(loss(ws, yk)[0])


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


@pytest.mark.parametrize("hidden", DEPTHS, ids=lambda h: f"hidden={list(h)}")
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_gradient_matches_central_differences(activation, hidden):
    rng = np.random.default_rng(3)
    X, y = make_moons(12, noise=0.2, rng=rng)
    sizes = (2,) + hidden + (1,)
    layout = Layout(sizes)
    params = initial_params(sizes, "normal:0.8", "constant:0.1", seed=len(hidden))
    flat = layout.pack(params)
    result = inspect_step(params, X, y, activation)
    analytic = layout.pack([(layer["dW"], layer["db"]) for layer in result["layers"]])
    numeric = numeric_gradient(lambda v: mean_loss(layout, activation, v, X, y), flat)
    # every z stays away from the ReLU kink by much more than eps, so differences are smooth there
    for layer in result["layers"][:-1]:
        assert np.abs(layer["z"]).min() > 1e-4
    bad = np.abs(analytic - numeric) > 1e-7 + 1e-5 * np.abs(numeric)
    report = "\n".join(
        f"  {describe(layout, i)}: analytic {analytic[i]:.10g}, numeric {numeric[i]:.10g}"
        for i in np.flatnonzero(bad)
    )
    assert not bad.any(), f"{activation} {sizes}: gradient mismatch\n{report}"


@pytest.mark.parametrize("activation", ["relu", "leaky_relu"])
@pytest.mark.parametrize("side", [-1.0, 1.0])
def test_gradient_on_both_sides_of_the_kink(activation, side):
    # one hidden unit whose pre-activation is +-0.01 for every sample: just left/right of the kink
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    y = np.array([1, 0, 1])
    params = [(np.zeros((2, 1)), np.array([0.01 * side])), (np.array([[1.5]]), np.array([-0.2]))]
    layout = Layout((2, 1, 1))
    result = inspect_step(params, X, y, activation)
    analytic = layout.pack([(layer["dW"], layer["db"]) for layer in result["layers"]])
    numeric = numeric_gradient(lambda v: mean_loss(layout, activation, v, X, y), layout.pack(params), 1e-4)
    np.testing.assert_allclose(
        analytic, numeric, rtol=1e-6, atol=1e-9, err_msg=f"analytic {analytic} vs numeric {numeric}"
    )


def test_worked_example_2_2_1():
    """One SGD step (lr = 0.5) of a 2-2-1 tanh net on one sample, computed by hand.

    x = (1, -1), y = 1
    W1 = [[0.5, -0.5], [0.25, 0.25]], b1 = (0, 0.1);  W2 = [[0.4], [-0.6]], b2 = 0.05

    forward
      z1 = x @ W1 + b1 = (1*0.5 - 1*0.25 + 0,  -1*0.5 - 1*0.25 + 0.1) = (0.25, -0.65)
      a1 = tanh(z1)                          = (0.2449186624, -0.5716699661)
      z2 = a1 @ W2 + b2 = 0.4*0.2449186624 + 0.6*0.5716699661 + 0.05 = 0.4909694446
      a2 = sigmoid(z2) = 1 / (1 + exp(-0.4909694446))                 = 0.6203347821
      loss = log(1 + exp(z2)) - y*z2 = -log(a2)                       = 0.4774959755
    backward
      delta2 = a2 - y                                                 = -0.3796652179
      dW2 = a1^T delta2 = (0.2449186624, -0.5716699661) * -0.3796652179
                                                  = (-0.0929870973, 0.2170432022)
      db2 = delta2                                                    = -0.3796652179
      delta1 = delta2 * W2^T * (1 - a1^2)
             = (-0.3796652179 * 0.4 * (1 - 0.0599851), -0.3796652179 * -0.6 * (1 - 0.3268064))
             = (-0.1427563770, 0.1533528827)
      dW1 = x^T delta1 = [[ 1 * -0.1427563770,  1 * 0.1533528827],
                          [-1 * -0.1427563770, -1 * 0.1533528827]]
      db1 = delta1
    update (theta <- theta - 0.5 * grad)
      W1 = [[0.5713781885, -0.5766764413], [0.1786218115, 0.3266764413]]
      b1 = (0.0713781885, 0.0233235587)
      W2 = [[0.4464935487], [-0.7085216011]],  b2 = 0.2398326089
    """
    x = np.array([[1.0, -1.0]])
    y = np.array([1])
    params = [
        (np.array([[0.5, -0.5], [0.25, 0.25]]), np.array([0.0, 0.1])),
        (np.array([[0.4], [-0.6]]), np.array([0.05])),
    ]
    r = inspect_step(params, x, y, "tanh")
    l1, l2 = r["layers"]
    close = dict(rtol=0, atol=1e-10)
    np.testing.assert_allclose(l1["z"], [[0.25, -0.65]], **close)
    np.testing.assert_allclose(l1["a"], [[0.2449186624, -0.5716699661]], **close)
    np.testing.assert_allclose(l2["z"], [[0.4909694446]], **close)
    np.testing.assert_allclose(l2["a"], [[0.6203347821]], **close)
    np.testing.assert_allclose(r["loss"], 0.4774959755, **close)
    np.testing.assert_allclose(l2["delta"], [[-0.3796652179]], **close)
    assert l2["delta"][0, 0] == l2["a"][0, 0] - 1.0  # delta at the output is exactly a - y
    np.testing.assert_allclose(l2["dW"], [[-0.0929870973], [0.2170432022]], **close)
    np.testing.assert_allclose(l2["db"], [-0.3796652179], **close)
    np.testing.assert_allclose(l1["delta"], [[-0.1427563770, 0.1533528827]], **close)
    np.testing.assert_allclose(
        l1["dW"], [[-0.1427563770, 0.1533528827], [0.1427563770, -0.1533528827]], **close
    )
    np.testing.assert_allclose(l1["db"], [-0.1427563770, 0.1533528827], **close)

    layout = Layout((2, 2, 1))
    theta = layout.pack(params)[None, :]
    grad = layout.pack([(l1["dW"], l1["db"]), (l2["dW"], l2["db"])])[None, :]
    GradientDescent(theta.shape, lr=0.5).update(theta, grad)
    (W1, b1), (W2, b2) = layout.unpack(theta[0])
    np.testing.assert_allclose(W1, [[0.5713781885, -0.5766764413], [0.1786218115, 0.3266764413]], **close)
    np.testing.assert_allclose(b1, [0.0713781885, 0.0233235587], **close)
    np.testing.assert_allclose(W2, [[0.4464935487], [-0.7085216011]], **close)
    np.testing.assert_allclose(b2, [0.2398326089], **close)
