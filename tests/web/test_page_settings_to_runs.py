"""Page settings beyond the inits' numbers reach the run: optimizer, factor (rings), per-side init
seeds (restarts), zeros_first / zeros_last, and RunConfig.init_seed behind them. Defaults change
nothing."""

import numpy as np
import pytest

from pyinit.errors import ConfigError
from pyinit.training.config import RunConfig, Member
from pyinit.training.trainer import Trainer
from pyinit.settings import page_state
from pyinit.web import lab


def test_defaults_keep_todays_runs_bitwise():
    config, members = page_state.run_config({})
    assert config.optimizer == "sgd" and config.factor == 0.8 and config.init_seed == config.seed == 0
    assert [m.seed for m in members] == [None, None]
    old = Trainer(
        RunConfig(),
        [
            Member(init="zeros", bias_init="zeros", perturb=0.0),
            Member(init="xavier", bias_init="zeros", perturb=0.0),
        ],
    )
    new = lab.Session.from_settings({}).trainer
    old.step(30), new.step(30)
    assert np.array_equal(old.theta_history, new.theta_history)


def test_init_seed_offsets_are_restarts_same_data_and_batches():
    base = {"left_init": "xavier", "right_init": "xavier", "batch_size": 20, "seed": 7}
    same = lab.Session.from_settings(base).trainer
    assert np.array_equal(same.theta[0], same.theta[1]), "offset 0 on both sides: one init"
    config, members = page_state.run_config({**base, "left_init_seed": 3, "right_init_seed": 5})
    assert config.seed == 7 and [m.seed for m in members] == [10, 12]
    tr = Trainer(config, members)
    assert np.array_equal(tr.X, same.X) and np.array_equal(tr.y, same.y), "the same data"
    assert not np.array_equal(tr.theta[0], tr.theta[1])
    # the initial weights are those of init seed 10 and 12; the batches are still seed 7's
    alone = Trainer(RunConfig(seed=7, init_seed=10, batch_size=20), [Member(init="xavier")])
    assert np.array_equal(alone.theta[0], tr.theta[0])
    tr.step(25), alone.step(25)
    assert np.array_equal(alone.theta_history[:, 0], tr.theta_history[:, 0])


def test_init_seed_in_the_run_config():
    a = Trainer(RunConfig(seed=1, init_seed=4))
    b = Trainer(RunConfig(seed=4))
    c = Trainer(RunConfig(seed=1))
    assert np.array_equal(a.theta, b.theta) and not np.array_equal(a.theta, c.theta)
    assert np.array_equal(a.X, c.X) and not np.array_equal(a.X, b.X)
    assert RunConfig(seed=3).replace(seed=5).init_seed == 5
    assert RunConfig(seed=3, init_seed=9).replace(seed=5).init_seed == 9
    with pytest.raises(ConfigError, match=r"^init_seed: must be an integer in 0..4294967295, got -1$"):
        RunConfig(init_seed=-1)


def test_optimizer_and_factor_reach_the_run():
    config, _ = page_state.run_config({"optimizer": "adam", "lr": 0.01, "dataset": "rings", "factor": 0.5})
    assert (config.optimizer, config.lr, config.dataset, config.factor) == ("adam", 0.01, "rings", 0.5)
    assert page_state.run_config({"optimizer": "momentum", "momentum": 0.9})[0].momentum == 0.9


@pytest.mark.parametrize(
    "settings, message",
    [
        ({"optimizer": "momentum"}, r"^momentum: must be in \(0, 1\) with optimizer momentum, got 0$"),
        ({"optimizer": "adam", "momentum": 0.5}, r"^momentum: must be 0 with optimizer adam"),
        ({"optimizer": "rmsprop"}, r"^optimizer: must be one of sgd, momentum, adam, got 'rmsprop'$"),
        ({"factor": 1}, r"^factor: must be a number in \[0, 0.99\], got 1$"),
        ({"factor": float("nan")}, r"^factor: must be a number in \[0, 0.99\], got nan$"),
        ({"left_init_seed": -1}, r"^left_init_seed: must be an integer in 0..1000000, got -1$"),
        ({"right_init_seed": 1e300}, r"^right_init_seed: must be an integer in 0..1000000, got 1e\+300$"),
    ],
)
def test_bad_new_settings_are_one_line_errors(settings, message):
    with pytest.raises(ConfigError, match=message):
        page_state.run_config(settings)


@pytest.mark.parametrize(
    "activation, layers, first, last",
    [
        ("relu", 1, "zeros,he", "he,zeros"),
        ("tanh", 2, "zeros,xavier,xavier", "xavier,xavier,zeros"),
        ("leaky_relu", 1, "zeros,he", "he,zeros"),
        ("sigmoid", 0, "zeros", "zeros"),
    ],
)
def test_zeros_first_and_last_are_per_layer_specs(activation, layers, first, last):
    _, members = page_state.run_config(
        {"activation": activation, "layers": layers, "left_init": "zeros_first", "right_init": "zeros_last"}
    )
    assert [m.init for m in members] == [first, last]
