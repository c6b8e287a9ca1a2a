"""pyinit.settings.page_state: the page's settings (content/settings.json) -> the lab's training runs."""

import json

import pytest

from pyinit import content, rules
from pyinit.errors import ConfigError
from pyinit.training.config import Member, RunConfig
from pyinit.training.trainer import Trainer
from pyinit.settings import page_state


def test_settings_json_round_trips_to_the_default_run():
    """The page's default settings are the CLI's default run, left from zeros, right from Xavier."""
    config, members = page_state.run_config(page_state.defaults())
    assert config == RunConfig()
    assert members == [
        Member(init="zeros", bias_init="zeros", perturb=0.0),
        Member(init="xavier", bias_init="zeros", perturb=0.0),
    ]
    assert page_state.run_config() == (config, members) == page_state.run_config({})
    # the whole page state (view, cursor and embed keys too) is accepted; only the run group counts
    everything = rules.defaults("settings")
    assert page_state.run_config(everything) == (config, members)
    json.dumps(content.load("settings.json"))


def test_every_setting_is_declared_completely():
    for e in rules.section("settings").values():
        assert e["type"] in ("int", "float", "choice", "bool", "list", "text") and e["group"] in (
            "run",
            "view",
            "cursor",
            "embed",
        )
        if e["type"] in ("int", "float"):
            assert e["min"] <= e["default"] <= e["max"], e
        if e["type"] == "text":
            assert isinstance(e["default"], str) and len(e["default"]) <= e["maxLength"], e
        if e["type"] in ("choice", "list"):
            assert all(x in e["choices"] for x in str(e["default"]).split(",") if x), e
    assert set(page_state.RUN_KEYS) == {
        "dataset",
        "factor",
        "n_samples",
        "noise",
        "layers",
        "width",
        "activation",
        "lr",
        "momentum",
        "optimizer",
        "batch_size",
        "dropout",
        "seed",
        "left_init",
        "left_scale",
        "left_bias",
        "left_init_seed",
        "right_init",
        "right_scale",
        "right_bias",
        "right_init_seed",
        "code",
        "code_right",
    }
    assert page_state.INITS == (
        "zeros",
        "constant",
        "normal",
        "uniform",
        "xavier",
        "he",
        "lecun",
        "zeros_eps",
        "zeros_first",
        "zeros_last",
        "python",
    )
    assert page_state.SPEC["left_init"]["choices"] == list(page_state.INITS)


@pytest.mark.parametrize(
    "init, scale, bias, member",
    [
        ("zeros", 0.5, 0, Member(init="zeros", bias_init="zeros", perturb=0.0)),
        ("constant", -2, 0, Member(init="constant:-2.0", bias_init="zeros", perturb=0.0)),
        ("normal", 0.01, 0.5, Member(init="normal:0.01", bias_init="constant:0.5", perturb=0.0)),
        ("uniform", 1, 0, Member(init="uniform:1.0", bias_init="zeros", perturb=0.0)),
        ("xavier", 3, 0, Member(init="xavier", bias_init="zeros", perturb=0.0)),
        ("he", 0.5, -1, Member(init="he", bias_init="constant:-1.0", perturb=0.0)),
        ("lecun", 0.5, 0, Member(init="lecun", bias_init="zeros", perturb=0.0)),
        ("zeros_eps", 1e-4, 0, Member(init="zeros", bias_init="zeros", perturb=1e-4)),
    ],
)
def test_page_inits_map_to_members(init, scale, bias, member):
    _, members = page_state.run_config({"right_init": init, "right_scale": scale, "right_bias": bias})
    assert members[1] == member


def test_shared_settings_map_to_the_run_config():
    config, _ = page_state.run_config(
        {
            "dataset": "circles",
            "n_samples": 300,
            "layers": 2,
            "width": 10,
            "activation": "relu",
            "lr": 0.01,
            "momentum": 0.9,
            "batch_size": 30,
            "seed": 7,
            "noise": 0.2,
        }
    )
    assert (
        config.dataset,
        config.n_samples,
        config.hidden,
        config.activation,
        config.lr,
        config.momentum,
        config.batch_size,
        config.seed,
        config.noise,
    ) == ("circles", 300, (10, 10), "relu", 0.01, 0.9, 30, 7, 0.2)
    assert page_state.run_config({"layers": 0})[0].hidden == ()
    assert page_state.run_config({"batch_size": 0})[0].full_batch
    Trainer(*page_state.run_config({"layers": 4, "width": 16}))  # the largest page net trains


@pytest.mark.parametrize(
    "settings, message",
    [
        ({"lr": 0}, r"^lr: must be a number in \[1e-06, 100\], got 0$"),
        ({"width": 17}, r"^width: must be an integer in 1\.\.16, got 17$"),
        (
            {"dataset": "mnist"},
            r"^dataset: must be one of xor, circles, rings, moons, gaussians, spiral, linear, digits, "
            r"got 'mnist'$",
        ),
        (
            {"left_init": "normal", "left_scale": 0},
            r"^left_scale: must be a number in \(0, 10\] for init normal \(its sigma\), got 0$",
        ),
        (
            {"right_init": "zeros_eps", "right_scale": -1e-3},
            r"^right_scale: .*for init zeros_eps \(its eps\)",
        ),
        ({"left_scale": 11}, r"^left_scale: must be a number in \[-10, 10\], got 11$"),
        ({"batch_size": 300}, r"^batch_size: must be 0 \(full batch\) or at most n_samples = 200, got 300$"),
        ({"seed": -1}, r"^seed: "),
        ({"depth": 3}, r"^settings: keys must be the page's settings .*got 'depth'$"),
        ([1, 2], r"^settings: must be an object"),
    ],
)
def test_bad_settings_name_the_pages_key_the_constraint_and_the_value(settings, message):
    with pytest.raises(ConfigError, match=message):
        page_state.run_config(settings)
