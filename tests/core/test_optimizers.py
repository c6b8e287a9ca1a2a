"""Adam and momentum: a hand-computed Adam step, the trainer's Adam against the formula, and the
theorems of the "optimizers don't rescue it" lesson, bitwise on the real training path."""

import numpy as np
import pytest

from pyinit.core.network import inspect_step
from pyinit.core.optimizers import Adam, GradientDescent, make, OPTIMIZERS
from pyinit.errors import ConfigError
from pyinit.training.config import RunConfig
from pyinit.training.trainer import Trainer


def test_adam_three_steps_by_hand():
    # lr = 0.1, PyTorch defaults b1 = 0.9, b2 = 0.999, eps = 1e-8; theta0 = (1, -0.5, 0)
    # t = 1, g = (0.2, -1, 0): m = 0.1 g = (0.02, -0.1, 0); v = 0.001 g^2 = (4e-5, 1e-3, 0)
    #        step_size = 0.1 / (1 - 0.9) = 1; denom = sqrt(v) / sqrt(0.001) + eps = |g| + 1e-8
    #        update = m / denom = (0.02 / 0.20000001, -0.1 / 1.00000001, 0)   (= lr * sign(g), almost)
    #        theta1 = (0.900000005, -0.400000001, 0)
    # t = 2, g = (0.4, 0.5, 0): m = 0.9 m + 0.1 g = (0.058, -0.04, 0)
    #        v = 0.999 v + 0.001 g^2 = (1.9996e-4, 1.249e-3, 0)
    #        step_size = 0.1 / 0.19 = 0.526315789...; sqrt(1 - 0.999^2) = sqrt(0.001999)
    #        denom = (0.316275230350099, 0.790450771403328, 1e-8)
    #        update = (0.0965181995304620, -0.0266337036290970, 0)
    #        theta2 = (0.803481805469538, -0.373366297370903, 0)
    # t = 3, g = (-0.1, 0, 0): m = (0.0422, -0.036, 0); v = (2.0976004e-4, 1.247751e-3, 0)
    #        step_size = 0.1 / 0.271; 1 - 0.999^3 = 0.002997001
    #        denom = (0.264556204377156, 0.645238876170262, 1e-8)
    #        update = (0.0588606710480226, -0.0205879300394527, 0)
    #        theta3 = (0.744621134421515, -0.352778367331450, 0)
    adam = Adam((1, 3), lr=0.1)
    theta = np.array([[1.0, -0.5, 0.0]])
    expected = [
        (0.900000005, -0.400000001),
        (0.803481805469538, -0.373366297370903),
        (0.744621134421515, -0.352778367331450),
    ]
    for g, (e0, e1) in zip([(0.2, -1.0, 0.0), (0.4, 0.5, 0.0), (-0.1, 0.0, 0.0)], expected):
        adam.update(theta, np.array([g]))
        assert theta[0, 0] == pytest.approx(e0, rel=1e-13, abs=0), (theta, e0)
        assert theta[0, 1] == pytest.approx(e1, rel=1e-13, abs=0), (theta, e1)
        assert theta[0, 2] == 0.0, "a gradient that is always 0 never moves its parameter"
    assert adam.t == 3
    assert adam.m[0, 0] == pytest.approx(0.0422, rel=1e-14) and adam.v[0, 1] == pytest.approx(
        1.247751e-3, rel=1e-14
    )


def test_adam_first_step_is_lr_times_sign():
    adam = Adam((2, 4), lr=0.01)
    theta = np.zeros((2, 4))
    g = np.array([[3.0, -1e-3, 0.0, 50.0], [-2.0, 1.0, 0.0, -7.0]])
    adam.update(theta, g)
    assert np.allclose(theta, -0.01 * np.sign(g), rtol=1e-5, atol=0)
    assert (theta[:, 2] == 0).all()


def test_stopped_member_is_not_moved_by_its_moments():
    adam = Adam((2, 3), lr=0.1)
    theta = np.zeros((2, 3))
    adam.update(theta, np.ones((2, 3)))
    adam.stop(1)
    frozen = theta[1].copy()
    for _ in range(5):
        g = np.ones((2, 3))
        g[1] = 0.0  # the trainer zeroes a stopped member's grad
        adam.update(theta, g)
    assert np.array_equal(theta[1], frozen) and (theta[0] < frozen).all()


def test_make_picks_the_method():
    assert isinstance(make("adam", (1, 2), 0.1), Adam)
    assert make("sgd", (1, 2), 0.1).velocity is None
    assert (
        make("sgd", (1, 2), 0.1, 0.9).momentum == 0.9 and make("momentum", (1, 2), 0.1, 0.5).momentum == 0.5
    )
    assert OPTIMIZERS == ("sgd", "momentum", "adam")


def test_trainer_adam_follows_the_formula_on_the_real_gradient():
    """Three Trainer steps with optimizer adam against the formula applied by hand (numpy, written
    out) to the gradient of ``network.inspect_step`` at each step."""
    cfg = RunConfig(
        dataset="moons", hidden=(5, 3), activation="tanh", init="xavier", lr=0.05, optimizer="adam", steps=3
    )
    tr = Trainer(cfg)
    tr.step(3)
    params = Trainer(cfg).params(0)
    m = [(np.zeros_like(W), np.zeros_like(b)) for W, b in params]
    v = [(np.zeros_like(W), np.zeros_like(b)) for W, b in params]
    b1, b2, eps, lr = 0.9, 0.999, 1e-8, 0.05
    for t in range(1, 4):
        out = inspect_step(params, tr.X, tr.y, "tanh")
        new = []
        for l, (W, b) in enumerate(params):
            grads = (out["layers"][l]["dW"], out["layers"][l]["db"])
            pair = []
            for i, (p, g) in enumerate(zip((W, b), grads)):
                m[l][i][...] = b1 * m[l][i] + (1 - b1) * g
                v[l][i][...] = b2 * v[l][i] + (1 - b2) * g * g
                denom = np.sqrt(v[l][i]) / np.sqrt(1 - b2**t) + eps
                pair.append(p - (lr / (1 - b1**t)) * m[l][i] / denom)
            new.append(tuple(pair))
        params = new
        for (W, b), (Wt, bt) in zip(params, tr.layout.unpack(tr.theta_history[t, 0])):
            np.testing.assert_allclose(Wt, W, rtol=1e-12, atol=1e-15)
            np.testing.assert_allclose(bt, b, rtol=1e-12, atol=1e-15)


def test_momentum_optimizer_equals_sgd_with_momentum_bitwise():
    a = Trainer(RunConfig(hidden=(5,), momentum=0.9, steps=30))
    b = Trainer(RunConfig(hidden=(5,), momentum=0.9, optimizer="momentum", steps=30))
    a.step(30), b.step(30)
    assert np.array_equal(a.theta_history, b.theta_history)


def test_sgd_default_is_unchanged():
    assert RunConfig().optimizer == "sgd"
    assert (
        type(Trainer(RunConfig()).optimizer) is GradientDescent
        and Trainer(RunConfig()).optimizer.velocity is None
    )


@pytest.mark.parametrize(
    "changes, message",
    [
        (dict(optimizer="adam", momentum=0.9), "momentum: must be 0 with optimizer adam"),
        (dict(optimizer="momentum"), r"momentum: must be in \(0, 1\) with optimizer momentum, got 0$"),
        (dict(optimizer="rmsprop"), "optimizer: must be one of sgd, momentum, adam, got 'rmsprop'"),
        (dict(optimizer=None), "optimizer: must be one of sgd, momentum, adam, got None"),
    ],
)
def test_contradictory_optimizer_settings_are_one_line_errors(changes, message):
    with pytest.raises(ConfigError, match=message) as err:
        RunConfig(**changes)
    assert "\n" not in str(err.value)


# ------------------------------------------------------------------ theorems: no optimizer rescues
METHODS = [
    dict(optimizer="momentum", momentum=0.9),
    dict(optimizer="adam", lr=0.01),
    dict(optimizer="adam", lr=0.05, batch_size=20),
]
METHOD_IDS = ["momentum", "adam", "adam-minibatch"]


@pytest.mark.parametrize("method", METHODS, ids=METHOD_IDS)
@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("n_samples", [200, 201], ids=["balanced", "unbalanced"])
def test_momentum_and_adam_keep_zero_weights_exactly_zero(method, activation, n_samples):
    """From all zeros, every weight gradient is exactly 0 at every step and every weight stays
    exactly 0; only the output bias may move -- and on balanced full-batch XOR not even that."""
    cfg = RunConfig(
        n_samples=n_samples, hidden=(4, 4), activation=activation, init="zeros", steps=300, **method
    )
    tr = Trainer(cfg)
    tr.step(cfg.steps)
    layout = tr.layout
    out_bias = layout.b_offsets[layout.L]
    mask = np.ones(layout.P, dtype=bool)
    mask[out_bias] = False
    assert (tr.grad_history[:, 0, mask] == 0.0).all(), "a gradient other than the output bias' is not 0"
    assert (tr.theta_history[:, 0, mask] == 0.0).all(), "a parameter other than the output bias moved"
    assert (tr.grad_norms() == 0.0).all()
    moved = tr.theta_history[-1, 0, out_bias] != 0.0
    if n_samples == 200 and cfg.full_batch:
        assert not moved and not tr.theta_history.any(), "balanced XOR, full batch: nothing moves at all"
        assert (tr.loss_history == tr.loss_history[0]).all()
    else:
        assert moved


@pytest.mark.parametrize("method", METHODS, ids=METHOD_IDS)
@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_momentum_and_adam_keep_constant_init_units_bitwise_identical(method, activation):
    cfg = RunConfig(
        hidden=(7, 9),
        activation=activation,
        init="constant:0.3",
        bias_init="constant:0.1",
        noise=0.2,
        steps=400,
        **method,
    )
    tr = Trainer(cfg)
    tr.step(cfg.steps)
    assert tr.t == 400 and tr.diverged == [None]
    assert (tr.symmetry() == 0.0).all(), "S > 0: the units separated"
    for l in (1, 2):
        W_in, b, W_out = tr.weights(l)[:, 0], tr.biases(l)[:, 0], tr.weights(l + 1)[:, 0]
        assert (W_in == W_in[..., :1]).all() and (b == b[..., :1]).all() and (W_out == W_out[:, :1, :]).all()
    assert np.abs(tr.theta_history[-1] - tr.theta_history[0]).max() > 0.05, "nothing moved"


def test_momentum_is_a_decaying_sum_of_past_gradients_not_an_average():
    """v_t = g_t + mu g_(t-1) + mu^2 g_(t-2) + ... (weights 1, mu, mu^2: they sum to up to 1/(1 - mu),
    not 1). With a constant gradient g the step grows towards lr g / (1 - mu) = 10 lr g for mu = 0.9,
    which an average of past gradients (at most g) could never give."""
    mu, lr = 0.9, 0.1
    rng = np.random.default_rng(0)
    grads = rng.normal(size=(30, 1, 5))
    opt, theta = GradientDescent((1, 5), lr, mu), np.zeros((1, 5))
    for t, g in enumerate(grads):
        before = theta.copy()
        opt.update(theta, g)
        decaying_sum = sum(mu ** (t - s) * grads[s] for s in range(t + 1))
        assert np.allclose(before - theta, lr * decaying_sum, rtol=1e-12, atol=1e-15)
    opt, theta = GradientDescent((1, 1), lr, mu), np.zeros((1, 1))
    for _ in range(200):
        before = theta.copy()
        opt.update(theta, np.ones((1, 1)))
    assert (before - theta)[0, 0] == pytest.approx(lr / (1 - mu), rel=1e-8)
