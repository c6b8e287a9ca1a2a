"""Landscape slices (with the degenerate-trajectory fallback), signal propagation and the api."""

import json

import numpy as np
import pytest

from pyinit import api
from pyinit.analysis.landscape import landscape, plane_directions
from pyinit.analysis.signal import signal_propagation
from pyinit.core.network import evaluate_many
from pyinit.training.config import RunConfig
from pyinit.errors import ConfigError
from pyinit.training.trainer import Trainer


def test_landscape_pca_plane_contains_the_run():
    tr = Trainer(RunConfig(hidden=(4,), init="xavier", steps=100))
    tr.step(100)
    r = landscape(tr, resolution=11)
    assert r["method"] == "pca" and r["loss"].shape == (11, 11) and r["path"].shape == (101, 2)
    assert np.allclose(r["path"][-1], 0.0)  # the center is the last step
    assert abs(r["d1"] @ r["d2"]) < 1e-12 and np.isclose(np.linalg.norm(r["d1"]), 1.0)
    # the loss at the grid point nearest the center equals the recorded loss there
    i, j = np.argmin(np.abs(r["betas"])), np.argmin(np.abs(r["alphas"]))
    assert r["alphas"][j] == pytest.approx(0, abs=1e-12)
    assert r["loss"][i, j] == pytest.approx(tr.loss_history[-1, 0], rel=1e-9)


def test_landscape_falls_back_when_only_the_output_bias_moves():
    tr = Trainer(RunConfig(n_samples=201, hidden=(4,), init="zeros", steps=60))
    tr.step(60)
    r = landscape(tr, resolution=7)
    assert r["method"] == "pca+random"
    out_bias = tr.layout.b_offsets[tr.layout.L]
    assert abs(r["d1"][out_bias]) == pytest.approx(1.0)  # the one direction it moved in
    assert abs(r["d1"] @ r["d2"]) < 1e-12 and np.isfinite(r["loss"]).all()


def test_plane_directions_for_a_run_that_never_moved_and_chosen_coordinates():
    path = np.zeros((5, 9))
    _, d1, d2, method = plane_directions(path)
    assert method == "random" and abs(d1 @ d2) < 1e-12
    _, d1, d2, method = plane_directions(path, (2, 7))
    assert method == "coordinates" and d1[2] == 1 and d2[7] == 1
    with pytest.raises(ConfigError, match="directions"):
        plane_directions(path, (2, 2))


def test_evaluate_many_matches_trainer_records():
    tr = Trainer(RunConfig(hidden=(3, 3), steps=10))
    tr.step(10)
    got = evaluate_many(tr.theta_history[:, 0], tr.layout, tr.activation, tr.X, tr.y, chunk_elements=5000)
    np.testing.assert_allclose(got["loss"], tr.loss_history[:, 0], rtol=1e-12)
    np.testing.assert_array_equal(got["accuracy"], tr.accuracy_history[:, 0])


def test_signal_propagation_shows_vanishing_and_preserved_signals():
    small = signal_propagation(depth=30, width=64, activation="tanh", init="normal:0.01")
    assert small["activation_std"][-1] < 1e-10 < small["activation_std"][0]  # vanishes with depth
    he = signal_propagation(depth=30, width=64, activation="relu", init="he")
    assert 0.2 < he["activation_std"][-1] < 5  # roughly preserved
    zeros = signal_propagation(depth=5, width=8, activation="tanh", init="zeros")
    assert zeros["activation_std"] == [0.0] * 5 and zeros["weight_gradient_std"][:-1] == [0.0] * 4
    assert len(he["gradient_std"]) == 30 and len(he["weight_gradient_std"]) == 30


def test_api_functions_return_plain_json():
    assert set(api.version()) == {"pyinit", "numpy", "python"}
    cfg = {"hidden": [3], "steps": 5}
    for result in (
        api.run(cfg),
        api.signal({"depth": 4, "width": 8}),
        api.inspect(cfg, step=2),
        api.landscape(cfg, resolution=5),
    ):
        json.dumps(result, allow_nan=False)
    ins = api.inspect({"hidden": [3], "n_samples": 20}, step=4)
    assert ins["step"] == 4 and len(ins["layers"]) == 2
    assert len(ins["layers"][0]["z"]) == 20 and len(ins["layers"][0]["z"][0]) == 3
    assert len(ins["layers"][0]["dW"]) == 2 and len(ins["layers"][1]["db"]) == 1
    with pytest.raises(ConfigError, match="config: keys must be among"):
        api.signal({"layers": 3})


def test_signal_table_covers_every_pair():
    r = api.signal_table({"depth": 6, "width": 8, "activations": ["tanh", "relu"], "inits": ["zeros", "he"]})
    assert set(r["table"]) == {"tanh", "relu"} and set(r["table"]["relu"]) == {"zeros", "he"}
    assert len(r["table"]["relu"]["he"]["activation_std"]) == 6
    json.dumps(r, allow_nan=False)
    with pytest.raises(ConfigError, match="init"):
        api.signal_table({"inits": ["bogus"]})


def test_relu_halves_the_second_moment_only_for_inputs_symmetric_about_0():
    """He's E[a^2] = Var(z)/2 assumes z symmetric about 0 (zero biases, zero-mean weights): for
    z ~ N(0, 1) the ratio E[relu(z)^2] / Var(z) is 1/2; shifted by a bias of 0.5 it is about 1.04."""
    from pyinit.core.activations import relu

    z = np.random.default_rng(0).standard_normal(1_000_000)
    for shift, expected in [(0.0, 0.5), (0.5, 1.0404)]:
        a = relu(z + shift, out=np.empty_like(z))
        assert (a**2).mean() / (z + shift).var() == pytest.approx(expected, abs=0.005)
