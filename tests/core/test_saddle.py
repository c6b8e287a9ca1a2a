"""Zero is a saddle, and of which order: the Hessian of chapter 1's net at zero (numerical, from the
hand-written gradient), the balanced-classes condition that makes zero a critical point at all, the
order in eps of the gradient and of the loss near zero, and the escape rate that the negative
eigenvalue sets (chapter "noise")."""

import math

import numpy as np
import pytest

from pyinit.core.network import Workspace, backward, forward
from pyinit.training.config import Member, RunConfig
from pyinit.training.trainer import Trainer

LN2 = math.log(2.0)


def gradient_and_hessian(cfg, h=1e-5):
    """The mean-loss gradient at theta = 0 (all of ``cfg``'s data) and the Hessian there: central
    differences of the analytic gradient, symmetrised. Returns (grad (P,), H (P, P), layout)."""
    tr = Trainer(cfg.replace(init="zeros", steps=0), record=False)
    layout, n = tr.layout, cfg.n_samples
    ws = Workspace(layout.sizes, 1, n)

    def grad(theta):
        theta, g = theta[None].copy(), np.zeros((1, layout.P))
        W, b = layout.views(theta)
        dW, db = layout.views(g)
        forward(W, b, cfg.activation, tr._x, ws)
        backward(W, cfg.activation, tr._y, ws, dW, db)
        return g[0] / n

    zero = np.zeros(layout.P)
    H = np.array([(grad(zero + h * e) - grad(zero - h * e)) / (2 * h) for e in np.eye(layout.P)])
    return grad(zero), (H + H.T) / 2, layout


def test_zero_is_a_saddle_of_chapter_1s_net_negative_hessian_eigenvalue():
    """2-4-1 tanh on chapter 1's 200 XOR points: the gradient at zero is exactly 0 and the Hessian
    has a negative eigenvalue (-0.0218) as well as positive ones: a saddle, not a minimum."""
    g, H, layout = gradient_and_hessian(RunConfig())
    assert not g.any()
    eig = np.linalg.eigvalsh(H)
    assert eig[0] == pytest.approx(-0.02183, abs=1e-5) and eig[-1] == pytest.approx(0.25, abs=1e-6)
    # a direction of descent: the loss really goes below ln 2 along the eigenvector
    u = np.linalg.eigh(H)[1][:, 0]
    tr = Trainer(RunConfig(init="zeros", steps=0), record=False)
    loss = tr.evaluate(np.stack([0.05 * u, -0.05 * u]))[0]
    assert (loss < LN2).all()


def test_two_hidden_layers_hessian_is_zero_in_every_weight_direction():
    """With two hidden layers the second-order test says nothing: the Hessian at zero is 0 except
    for the output bias (p(1 - p) = 0.25); the loss moves only at third order (below)."""
    g, H, layout = gradient_and_hessian(RunConfig(hidden=(4, 4)))
    out_bias = layout.b_offsets[layout.L]
    assert not g.any()
    assert H[out_bias, out_bias] == pytest.approx(0.25, abs=1e-9)
    H[out_bias, out_bias] = 0
    assert np.abs(H).max() < 1e-9


def test_zero_is_a_critical_point_only_because_the_classes_are_balanced():
    """201 points (101 of one class): every weight gradient at zero is still exactly 0, but the
    output bias's is mean(0.5 - y) != 0 -- zero is not a critical point; only that bias moves."""
    for n in (200, 201):
        g, _, layout = gradient_and_hessian(RunConfig(n_samples=n))
        tr = Trainer(RunConfig(n_samples=n, steps=0), record=False)
        out_bias = layout.b_offsets[layout.L]
        assert np.flatnonzero(g).tolist() == ([] if n == 200 else [out_bias])
        assert g[out_bias] == pytest.approx(0.5 - tr.y.mean(), abs=1e-15)


@pytest.mark.parametrize(
    "H, eps", [(1, [1e-2, 1e-3, 1e-4]), (2, [1e-2, 1e-3, 1e-4]), (3, [1e-1, 3e-2, 1e-2])]
)
def test_near_zero_the_gradient_is_order_H_and_the_loss_change_order_H_plus_1(H, eps):
    """zeros + eps u (biases 0), H hidden layers: ||grad|| is proportional to eps^H and
    |loss - ln 2| to eps^(H + 1) (the output is a product of H + 1 weight layers)."""
    tr = Trainer(RunConfig(hidden=(4,) * H, steps=0), [Member(init="zeros", perturb=e) for e in eps])
    grad = np.sqrt((tr.grad**2).sum(axis=1))
    change = np.abs(tr.loss_history[0] - LN2)
    assert np.polyfit(np.log10(eps), np.log10(grad), 1)[0] == pytest.approx(H, abs=0.02)
    assert np.polyfit(np.log10(eps), np.log10(change), 1)[0] == pytest.approx(H + 1, abs=0.02)


def escape_steps(n, eps, budget=6000):
    """First step at which the full-data loss is below ln 2 - 0.05, for zeros + eps (one hidden layer)."""
    tr = Trainer(
        RunConfig(n_samples=n, steps=0), [Member(init="zeros", perturb=e) for e in eps], record=False
    )
    found = np.full(len(eps), -1)
    while tr.t < budget and (found < 0).any():
        tr.step(1)
        found[(tr.loss < LN2 - 0.05) & (found < 0)] = tr.t
    assert (found > 0).all(), found
    return found


@pytest.mark.slow
@pytest.mark.parametrize("n, per_decade", [(200, 219), (2000, 1200)])
def test_escape_rate_is_set_by_the_negative_eigenvalue_of_this_sample(n, per_decade):
    """Steps per factor of 10 in eps ~ ln 10 / (lr |lambda_min|): 219 measured vs 211 predicted on
    chapter 1's 200 points; on 2,000 points of the same distribution about 1,200 (1,168 predicted).
    The rate belongs to the sample, not to XOR or to the network."""
    eps = [1e-2, 1e-3, 1e-4]
    measured = np.polyfit(np.log10(1 / np.array(eps)), escape_steps(n, eps), 1)[0]
    lam = np.linalg.eigvalsh(gradient_and_hessian(RunConfig(n_samples=n))[1])[0]
    predicted = math.log(10) / (0.5 * abs(lam))
    assert measured == pytest.approx(per_decade, rel=0.05)
    assert measured == pytest.approx(predicted, rel=0.08), (measured, predicted)
