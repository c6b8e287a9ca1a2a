"""The course exercise's data (``rings``, sklearn's make_circles with ``factor``), the held-out test
set (``n_test``, its own seed stream), and the new config fields' validation."""

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st, HealthCheck

from pyinit import api, seeding
from pyinit.core.datasets import make_rings, make_circles, DATASETS, PLANE
from pyinit.errors import ConfigError
from pyinit.training.config import RunConfig
from pyinit.training.trainer import Trainer, make_data


@pytest.mark.parametrize("n, factor", [(300, 0.8), (7, 0.5), (2, 0.0)])
def test_rings_are_sklearn_make_circles(n, factor):
    X, y = make_rings(n, noise=0.0, rng=np.random.default_rng(0), factor=factor)
    assert X.shape == (n, 2) and X.dtype == np.float64 and y.dtype == np.int64
    r = np.hypot(X[:, 0], X[:, 1])
    assert (y == 0).sum() == n // 2 and (y == 1).sum() == n - n // 2  # outer: n // 2 points
    np.testing.assert_allclose(r[y == 0], 1.0, rtol=0, atol=1e-15)
    np.testing.assert_allclose(r[y == 1], factor, rtol=0, atol=1e-15)
    # evenly spaced angles 2 pi k / m on each ring (np.linspace(0, 2 pi, m, endpoint=False))
    for label, m in ((0, n // 2), (1, n - n // 2)):
        if factor == 0 and label == 1:
            continue
        phi = np.sort(np.mod(np.arctan2(X[y == label, 1], X[y == label, 0]), 2 * math.pi))
        np.testing.assert_allclose(phi, 2 * math.pi * np.arange(m) / m, atol=1e-12)


def test_rings_default_is_the_exercise_and_circles_did_not_move():
    cfg = RunConfig(dataset="rings", n_samples=300, noise=0.05)
    assert cfg.factor == 0.8 and cfg.n_test == 300
    X, y = make_data(cfg)
    r = np.hypot(X[:, 0], X[:, 1])
    assert abs(r[y == 0].mean() - 1.0) < 0.01 and abs(r[y == 1].mean() - 0.8) < 0.01
    # the other 2-D datasets ignore factor: their data is bitwise what it was
    for name in PLANE:
        if name != "rings":
            a = make_data(RunConfig(dataset=name, factor=0.3))
            b = DATASETS[name](200, noise=0.1, rng=seeding.generator(0, seeding.DATA))
            assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert "circles" in DATASETS and DATASETS["circles"] is make_circles


def test_factor_changes_the_inner_ring_only():
    X1, y1 = make_data(RunConfig(dataset="rings", noise=0.0, factor=0.8))
    X2, y2 = make_data(RunConfig(dataset="rings", noise=0.0, factor=0.4))
    assert np.array_equal(y1, y2) and np.array_equal(X1[y1 == 0], X2[y2 == 0])
    np.testing.assert_allclose(X2[y2 == 1], 0.5 * X1[y1 == 1], atol=1e-15)


def test_test_set_has_its_own_stream_and_size():
    cfg = RunConfig(dataset="rings", n_samples=300, noise=0.05, n_test=100)
    X, y = make_data(cfg)
    Xt, yt = make_data(cfg, test=True)
    assert Xt.shape == (100, 2) and yt.shape == (100,) and 48 <= yt.sum() <= 52
    assert not np.isin(Xt[:, 0], X[:, 0]).any(), "the test points are not training points"
    # the training data does not depend on n_test; the test set not on n_samples
    assert np.array_equal(make_data(cfg.replace(n_test=50))[0], X)
    assert np.array_equal(make_data(cfg.replace(n_samples=200), test=True)[0], Xt)
    assert RunConfig(n_samples=120).n_test == 120
    assert RunConfig(n_samples=120).replace(n_samples=80).n_test == 80
    assert RunConfig(n_samples=120, n_test=40).replace(n_samples=80).n_test == 40


def test_trainer_never_trains_on_the_test_set():
    cfg = RunConfig(dataset="rings", noise=0.05, hidden=(8,), n_test=100, steps=30)
    a, b = Trainer(cfg), Trainer(cfg.replace(n_test=77))
    a.step(30), b.step(30)
    assert np.array_equal(a.theta_history, b.theta_history)
    loss, acc = a.evaluate_test(a.theta_history[:, 0])
    assert loss.shape == acc.shape == (31,)
    assert np.all(np.isfinite(loss))


def test_api_run_reports_train_and_test():
    r = api.run(
        {
            "dataset": "rings",
            "noise": 0.05,
            "n_samples": 300,
            "n_test": 100,
            "hidden": [10, 5],
            "activation": "relu",
            "init": "he",
            "lr": 0.5,
            "steps": 50,
        }
    )
    assert len(r["test_loss"]) == len(r["test_accuracy"]) == len(r["steps"])
    f = r["final"]
    assert f["test_loss"] == r["test_loss"][-1] and f["test_accuracy"] == r["test_accuracy"][-1]
    assert r["config"]["factor"] == 0.8 and r["config"]["n_test"] == 100
    assert r["test_accuracy"][0] * 100 == int(r["test_accuracy"][0] * 100)  # a fraction of 100 samples
    json.dumps(r, allow_nan=False)


def test_api_run_test_numbers_stop_with_a_diverged_run():
    r = api.run({"activation": "linear", "init": "normal:30", "hidden": [8, 8], "lr": 50, "steps": 60})
    assert r["diverged"] is not None and r["final"]["step"] < r["diverged"]
    assert len(r["test_loss"]) == len(r["loss"]) and r["final"]["test_loss"] == r["test_loss"][-1]
    json.dumps(r, allow_nan=False)


@pytest.mark.parametrize(
    "key, value, message",
    [
        ("factor", 1.0, r"factor: must be a number in \[0, 1\), got 1.0"),
        ("factor", float("nan"), r"factor: must be a number in \[0, 1\), got nan"),
        ("factor", "1e400", r"factor: must be a number in \[0, 1\), got '1e400'"),
        ("n_test", 1, r"n_test: must be an integer in 2..10000, got 1"),
        ("n_test", 10**30, r"n_test: must be an integer in 2..10000, got 1000000000000000000000000000000"),
        ("n_test", float("inf"), r"n_test: must be an integer in 2..10000, got inf"),
        ("optimizer", "ADAM", "optimizer: must be one of sgd, momentum, adam"),
    ],
)
def test_new_fields_are_validated_in_one_line(key, value, message):
    with pytest.raises(ConfigError, match=message) as err:
        RunConfig(**{key: value})
    assert "\n" not in str(err.value)


NEW = st.fixed_dictionaries(
    {},
    optional={
        "dataset": st.sampled_from(["rings", "xor"]),
        "n_samples": st.integers(2, 30),
        "n_test": st.one_of(st.integers(-2, 30), st.floats(allow_nan=True), st.none()),
        "factor": st.one_of(
            st.floats(-1, 2), st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=4)
        ),
        "optimizer": st.sampled_from(["sgd", "momentum", "adam", "", "Adam", 3]),
        "momentum": st.floats(0, 0.999),
        "lr": st.floats(1e-6, 100),
        "init": st.sampled_from(["zeros", "normal:1000", "he", "constant:-3"]),
        "hidden": st.lists(st.integers(1, 6), max_size=2),
        "steps": st.integers(0, 15),
    },
)


@settings(max_examples=80, deadline=10000, suppress_health_check=list(HealthCheck))
@given(NEW)
def test_fuzzed_new_fields_give_json_or_config_error(d):
    try:
        result = api.run(d)
    except ConfigError as err:
        assert "\n" not in str(err)
        return
    json.dumps(result, allow_nan=False)
    assert len(result["test_loss"]) == len(result["loss"])
