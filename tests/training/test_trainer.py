"""Determinism, equivalences, bounded recording and divergence of the Trainer."""

import numpy as np
import pytest

from pyinit.training.config import RunConfig, Member
from pyinit.errors import ConfigError
from pyinit.training.trainer import Trainer, make_data

BASE = RunConfig(dataset="moons", hidden=(5, 3), activation="tanh", init="xavier", lr=0.3, steps=40)


def same_records(a, b):
    return (
        np.array_equal(a.steps, b.steps)
        and np.array_equal(a.theta_history, b.theta_history)
        and np.array_equal(a.grad_history, b.grad_history)
        and np.array_equal(a.loss_history, b.loss_history, equal_nan=True)
        and np.array_equal(a.accuracy_history, b.accuracy_history, equal_nan=True)
    )


@pytest.mark.parametrize("variant", [{}, dict(batch_size=7), dict(momentum=0.8), dict(every=3)])
def test_step_10_equals_ten_step_1(variant):
    cfg = BASE.replace(**variant)
    a, b = Trainer(cfg), Trainer(cfg)
    a.step(10)
    for _ in range(10):
        b.step(1)
    assert a.t == b.t == 10
    assert np.array_equal(a.theta, b.theta) and np.array_equal(a.grad, b.grad)
    assert same_records(a, b)


def test_same_seed_same_data_and_weights_other_seed_differs():
    a, b, c = Trainer(BASE), Trainer(BASE), Trainer(BASE.replace(seed=1))
    assert np.array_equal(a.X, b.X) and np.array_equal(a.y, b.y)
    assert np.array_equal(a.theta, b.theta)
    assert not np.array_equal(a.X, c.X) and not np.array_equal(a.theta, c.theta)
    a.step(20), b.step(20)
    assert same_records(a, b)


def test_data_depends_only_on_dataset_n_noise_seed():
    X, y = make_data(BASE)
    for change in [dict(hidden=(9,)), dict(init="zeros"), dict(batch_size=10), dict(lr=2.0), dict(every=5)]:
        X2, y2 = make_data(BASE.replace(**change))
        assert np.array_equal(X, X2) and np.array_equal(y, y2)


def test_member_params_do_not_depend_on_ensemble_position():
    alone = Trainer(BASE.replace(init="xavier", seed=0))
    pair = Trainer(BASE.replace(seed=5), [Member(init="zeros"), Member(init="xavier", seed=0)])
    assert np.array_equal(pair.theta[1], alone.theta[0])
    assert (pair.theta[0] == 0).all()


MEMBERS = [
    Member(init="zeros"),
    Member(init="xavier"),
    Member(init="he", seed=3),
    Member(init="normal:0.5", perturb=0.01, seed=7),
    Member(init="constant:0.2", bias_init="constant:0.1"),
]


@pytest.mark.parametrize(
    "variant",
    [{}, dict(batch_size=16, momentum=0.9), dict(activation="relu")],
    ids=["full", "minibatch+momentum", "relu"],
)
def test_batched_equals_one_by_one(variant):
    cfg = BASE.replace(steps=60, **variant)
    batched = Trainer(cfg, MEMBERS)
    batched.step(cfg.steps)
    for k, member in enumerate(MEMBERS):
        alone = Trainer(cfg, [member])
        alone.step(cfg.steps)
        np.testing.assert_allclose(batched.theta_history[:, k], alone.theta_history[:, 0], rtol=0, atol=1e-12)
        np.testing.assert_allclose(batched.grad_history[:, k], alone.grad_history[:, 0], rtol=0, atol=1e-12)
        np.testing.assert_allclose(batched.loss_history[:, k], alone.loss_history[:, 0], rtol=0, atol=1e-12)


def test_recording_is_bounded_and_memory_flat():
    tr = Trainer(BASE.replace(max_records=16))
    nbytes = tr.recorder.nbytes
    tr.step(1000)
    rec = tr.recorder
    assert rec.count <= 16 and rec.nbytes == nbytes
    assert tr.steps[0] == 0 and (np.diff(tr.steps) == rec.stride).all()
    assert (tr.steps % rec.stride == 0).all() and rec.stride == 64
    # the kept records are the ones a fresh run at that stride would have made
    again = Trainer(BASE.replace(every=rec.stride, max_records=100))
    again.step(1000)
    assert np.array_equal(again.steps, tr.steps)
    assert np.array_equal(again.theta_history, tr.theta_history)


def test_every_k_records_multiples_of_k():
    tr = Trainer(BASE.replace(every=7))
    tr.step(50)
    assert list(tr.steps) == list(range(0, 51, 7))


def test_recording_off_trains_identically():
    on, off = Trainer(BASE), Trainer(BASE, record=False)
    on.step(30), off.step(30)
    assert np.array_equal(on.theta, off.theta)
    with pytest.raises(ConfigError, match="record"):
        off.steps


def test_shapes_of_recorded_data():
    tr = Trainer(BASE, [Member(), Member(seed=1), Member(init="zeros")])
    tr.step(12)
    R, K, P, L = 13, 3, tr.layout.P, tr.layout.L
    assert tr.steps.shape == (R,) and tr.theta_history.shape == (R, K, P)
    assert tr.grad_history.shape == (R, K, P)
    assert tr.loss_history.shape == (R, K) and tr.accuracy_history.shape == (R, K)
    assert tr.weights(1).shape == (R, K, 2, 5) and tr.biases(2).shape == (R, K, 3)
    assert tr.weights(3).shape == (R, K, 3, 1)
    assert tr.grad_norms().shape == (R, K, L) and tr.bias_grad_norms().shape == (R, K, L)
    assert tr.symmetry().shape == (R, K, L - 1)
    stats = tr.activation_stats()
    assert stats["mean"].shape == (R, K, L) and stats["std"].shape == (R, K, L) and stats["dead"] is None
    # the recorded loss is the loss of the recorded parameters
    loss, acc = tr.evaluate(tr.theta_history[-1])
    np.testing.assert_array_equal(loss, tr.loss_history[-1])
    np.testing.assert_array_equal(acc, tr.accuracy_history[-1])


def test_dead_relu_units_are_counted():
    tr = Trainer(BASE.replace(activation="relu", hidden=(4,), bias_init="constant:-5", steps=3))
    tr.step(3)
    assert (tr.activation_stats()["dead"] == 4).all()


def test_inspect_matches_recorded_gradient():
    tr = Trainer(BASE)
    tr.step(5)
    r = tr.inspect()
    for l, layer in enumerate(r["layers"], start=1):
        np.testing.assert_allclose(layer["dW"], tr.layout.W(tr.grad[0], l), rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(layer["db"], tr.layout.b(tr.grad[0], l)[0], rtol=1e-12, atol=1e-15)
    assert r["loss"] == pytest.approx(tr.loss_history[-1, 0], rel=1e-12)


DIVERGING = RunConfig(hidden=(16, 16), activation="linear", init="normal:3", lr=100, steps=50)


def test_divergence_is_recorded_not_raised():
    tr = Trainer(DIVERGING)
    assert tr.step(50) == 6
    assert tr.diverged == [6] and tr.diverged_reason[0].startswith("loss became")
    assert np.isfinite(tr.theta).all()  # the last finite parameters are kept
    assert np.array_equal(tr.theta[0], tr.theta_history[-1, 0])
    assert tr.steps[-1] == 5 and np.isfinite(tr.loss_history).all()
    assert tr.step(10) == 6  # a stopped run stays stopped


def test_divergence_stops_only_that_member():
    tr = Trainer(DIVERGING, [Member(init="zeros"), Member(init="normal:3")])
    tr.step(50)
    assert tr.t == 50 and tr.diverged == [None, 6]
    assert np.isnan(tr.loss_history[7:, 1]).all() and np.isfinite(tr.loss_history[:, 0]).all()
    assert (tr.theta_history[6:, 1] == tr.theta_history[5, 1]).all()  # frozen at step 5
    alone = Trainer(DIVERGING.replace(init="zeros"))
    alone.step(50)
    assert np.array_equal(alone.theta_history[:, 0], tr.theta_history[:, 0])
