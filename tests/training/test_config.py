"""Every invalid option raises one ConfigError naming the parameter, the constraint and the value;
fuzzed configurations raise nothing else and never hang."""

import math

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from pyinit import api
from pyinit.training.config import RunConfig
from pyinit.errors import ConfigError
from pyinit.training.trainer import Trainer

BAD = [
    (
        "dataset",
        "xorr",
        "dataset: must be one of xor, circles, rings, moons, gaussians, spiral, linear, digits, got 'xorr'",
    ),
    ("n_samples", 1, "n_samples: must be an integer in 2..10000, got 1"),
    ("n_samples", True, "n_samples: must be an integer in 2..10000, got True"),
    ("noise", -0.1, "noise: must be a number in [0, 5], got -0.1"),
    ("noise", math.nan, "noise: must be a number in [0, 5], got nan"),
    ("hidden", "4,-3", "hidden: each width must be an integer in 1..256, got '-3'"),
    ("hidden", [4, 300], "hidden: each width must be an integer in 1..256, got 300"),
    ("hidden", "4,x", "hidden: each width must be an integer in 1..256, got 'x'"),
    (
        "activation",
        "softmax",
        "activation: must be one of tanh, relu, leaky_relu, sigmoid, linear, got 'softmax'",
    ),
    (
        "init",
        "glorot",
        "init: must be one of zeros, constant:C, normal:STD, uniform:A, xavier, he, lecun or orthogonal, "
        "got 'glorot'",
    ),
    ("init", "normal:-1", "init: the number after ':' must be in 0..1000, got 'normal:-1'"),
    (
        "init",
        "he,he,he",
        "init: must be one spec or 2 comma-separated specs (one per weight layer), got 'he,he,he'",
    ),
    ("bias_init", "xavier", "bias_init: must be zeros, constant:C, normal:STD or uniform:A, got 'xavier'"),
    ("perturb", -1, "perturb: must be a number in [0, 100], got -1"),
    ("lr", 0, "lr: must be a number in (0, 100], got 0"),
    ("lr", "fast", "lr: must be a number in (0, 100], got 'fast'"),
    ("momentum", 1.0, "momentum: must be a number in [0, 1), got 1.0"),
    ("batch_size", 201, "batch_size: must be an integer in 1..200, got 201"),
    ("steps", -5, "steps: must be an integer in 0..10000000, got -5"),
    ("every", 0, "every: must be an integer in 1..10000000, got 0"),
    ("seed", 2**32, "seed: must be an integer in 0..4294967295, got 4294967296"),
    ("max_records", 1, "max_records: must be an integer in 2..100000, got 1"),
]


@pytest.mark.parametrize("field,value,message", BAD, ids=[b[0] + "=" + repr(b[1]) for b in BAD])
def test_invalid_option_names_parameter_constraint_and_value(field, value, message):
    with pytest.raises(ConfigError) as info:
        RunConfig(**{field: value})
    assert str(info.value) == message
    assert info.value.param == field and "\n" not in str(info.value)


def test_unknown_key_and_non_dict():
    with pytest.raises(ConfigError, match="config: keys must be among .*, got 'learning_rate'"):
        RunConfig.from_dict({"learning_rate": 0.1})
    with pytest.raises(ConfigError, match="config: must be an object"):
        RunConfig.from_dict([1, 2])
    with pytest.raises(ConfigError, match="members"):
        Trainer(RunConfig(), [])


def test_strings_as_from_the_cli_and_round_trip():
    cfg = RunConfig(hidden="4, 4", lr="0.25", n_samples="100", batch_size="", init=" he ")
    assert cfg.hidden == (4, 4) and cfg.lr == 0.25 and cfg.batch_size == 100 and cfg.init == "he"
    assert RunConfig.from_dict(cfg.to_dict()) == cfg
    assert RunConfig(hidden="").hidden == ()


VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-10, 10**9),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(
        [
            "xor",
            "digits",
            "relu",
            "zeros",
            "he",
            "constant:1e400",
            "normal:0.1",
            "uniform:",
            "4,4",
            "",
            "full",
            "1e3",
            "nan",
            "-0",
        ]
    ),
    st.lists(st.integers(-3, 300), max_size=4),
)
KEYS = st.sampled_from([f for f in RunConfig.__dataclass_fields__] + ["bogus"])


@settings(max_examples=300, deadline=5000, suppress_health_check=list(HealthCheck))
@given(st.dictionaries(KEYS, VALUES, max_size=6))
def test_fuzzed_configs_raise_only_config_error(d):
    try:
        cfg = RunConfig.from_dict(d)
    except ConfigError as err:
        assert "\n" not in str(err) and str(err).startswith(err.param + ": ")
        return
    assert RunConfig.from_dict(cfg.to_dict()) == cfg


SMALL = st.fixed_dictionaries(
    {},
    optional={
        "dataset": st.sampled_from(["xor", "moons", "circles", "spiral", "gaussians", "linear", "digits"]),
        "n_samples": st.integers(2, 40),
        "noise": st.floats(0, 5),
        "hidden": st.lists(st.integers(1, 9), max_size=3),
        "activation": st.sampled_from(["tanh", "relu", "sigmoid", "linear", "leaky_relu"]),
        "init": st.sampled_from(
            ["zeros", "constant:1000", "constant:-3", "normal:1000", "uniform:2", "xavier", "he", "lecun"]
        ),
        "bias_init": st.sampled_from(["zeros", "constant:1000", "constant:-0.5"]),
        "perturb": st.floats(0, 100),
        "lr": st.floats(1e-6, 100),
        "momentum": st.floats(0, 0.999),
        "batch_size": st.integers(1, 2),
        "steps": st.integers(0, 20),
        "every": st.integers(1, 5),
        "seed": st.integers(0, 2**32 - 1),
        "max_records": st.integers(2, 6),
    },
)


@settings(max_examples=120, deadline=10000, suppress_health_check=list(HealthCheck))
@given(SMALL)
def test_fuzzed_small_runs_finish_with_json_or_config_error(d):
    try:
        result = api.run(d)
    except ConfigError:
        return
    import json

    json.dumps(result, allow_nan=False)  # strictly valid JSON: no NaN or inf
    assert result["steps"][0] == 0 and len(result["loss"]) == len(result["steps"])
    assert result["diverged"] is None or isinstance(result["diverged"], int)


@settings(max_examples=60, deadline=5000, suppress_health_check=list(HealthCheck))
@given(
    st.dictionaries(
        st.sampled_from(["init", "bias_init", "perturb", "seed", "label", "x"]), VALUES, max_size=3
    )
)
def test_fuzzed_members_raise_only_config_error(d):
    try:
        Trainer(RunConfig(hidden=(2,), steps=1), [d], record=False).step(1)
    except ConfigError:
        pass


def test_replace_keeps_full_batch_full():
    assert RunConfig().replace(n_samples=50).batch_size == 50
    assert RunConfig(batch_size=10).replace(n_samples=50).batch_size == 10
    with pytest.raises(ConfigError, match="batch_size"):
        RunConfig(batch_size=100).replace(n_samples=50)
