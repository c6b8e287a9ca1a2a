"""A callable as a member's init (issue 12, the core hook): ``init(fan_in, fan_out, rng) -> W`` and
``bias(fan_out, rng) -> b`` in ``RunConfig``/``Member``, called by ``initializers.initial_params``
layer by layer with the generators the built-in inits get.

The exact claims: a callable returning the Xavier formula with the rng it is given reproduces
``init="xavier"`` bitwise on the trainer path, at every recorded step; a callable returning a
constant reproduces the clone theorem (S = 0 exactly for hundreds of steps), bitwise equal to
``constant:C``. What a callable returns is checked and refused in a sentence.
"""

import json
import math

import numpy as np
import pytest

from pyinit import api, seeding
from pyinit.core import initializers
from pyinit.core.initializers import ResultError, initial_params
from pyinit.errors import ConfigError
from pyinit.training import stats
from pyinit.training.config import Member, RunConfig
from pyinit.training.trainer import Trainer


def xavier_formula(fan_in, fan_out, rng):
    return rng.standard_normal((fan_in, fan_out)) * math.sqrt(2 / (fan_in + fan_out))


def constant_03(fan_in, fan_out, rng):
    return np.full((fan_in, fan_out), 0.3)


@pytest.mark.parametrize("optimizer, lr, batch_size", [("sgd", 0.5, None), ("adam", 0.05, 16)])
def test_a_callable_returning_the_xavier_formula_is_xavier_bitwise_on_the_trainer_path(
    optimizer, lr, batch_size
):
    base = RunConfig(
        hidden=(4, 3),
        activation="tanh",
        optimizer=optimizer,
        lr=lr,
        batch_size=batch_size,
        steps=150,
        seed=3,
        init_seed=11,
    )
    builtin = Trainer(base.replace(init="xavier"))
    code = Trainer(base.replace(init=xavier_formula))
    builtin.step(base.steps), code.step(base.steps)
    assert np.array_equal(builtin.theta_history, code.theta_history)  # every record, bit for bit
    assert np.array_equal(builtin.loss_history, code.loss_history)
    assert builtin.theta_history.shape == (151, 1, builtin.layout.P)
    # as members trained side by side (the page's two runs): identical at every step
    both = Trainer(base, [Member(init=xavier_formula), Member(init="xavier")])
    both.step(base.steps)
    assert np.array_equal(both.theta_history[:, 0], both.theta_history[:, 1])
    assert np.array_equal(both.theta_history[:, 0], builtin.theta_history[:, 0])


def test_a_callable_returning_a_constant_keeps_clones_for_hundreds_of_steps():
    config = RunConfig(hidden=(4, 4), activation="tanh", steps=600)
    trainer = Trainer(config, [Member(init=constant_03), Member(init="constant:0.3")])
    trainer.step(config.steps)
    S = trainer.symmetry()  # (R, K, H)
    assert S.shape == (601, 2, 2) and np.all(S == 0.0)  # exactly, every step
    assert np.all(stats.distinct_units(trainer.theta_history, trainer.layout) == 1)
    assert np.array_equal(trainer.theta_history[:, 0], trainer.theta_history[:, 1])
    assert trainer.loss_history[-1, 0] < trainer.loss_history[0, 0]  # it trains, as one unit


def test_the_callable_gets_the_init_and_bias_generators_layer_by_layer():
    calls = []

    def init(fan_in, fan_out, rng):
        calls.append(("init", fan_in, fan_out, rng.bit_generator.state["state"]["state"]))
        return rng.standard_normal((fan_in, fan_out))

    def bias(fan_out, rng):
        calls.append(("bias", fan_out, rng.bit_generator.state["state"]["state"]))
        return rng.uniform(-1, 1, fan_out)

    params = initial_params((2, 5, 3, 1), init, bias, seed=7)
    weights = seeding.generator(7, seeding.INIT)
    biases = seeding.generator(7, seeding.BIAS)
    expected = []
    for fan_in, fan_out in ((2, 5), (5, 3), (3, 1)):
        expected.append(("init", fan_in, fan_out, weights.bit_generator.state["state"]["state"]))
        W = weights.standard_normal((fan_in, fan_out))
        expected.append(("bias", fan_out, biases.bit_generator.state["state"]["state"]))
        b = biases.uniform(-1, 1, fan_out)
        layer = params[len(expected) // 2 - 1]
        assert np.array_equal(layer[0], W) and np.array_equal(layer[1], b)
    assert calls == expected
    same = initial_params((2, 5, 3, 1), "normal:1", "uniform:1", seed=7)
    assert all(np.array_equal(W, W2) and np.array_equal(b, b2) for (W, b), (W2, b2) in zip(params, same))


def test_perturbation_and_member_seed_apply_to_a_callable_as_to_a_spec():
    config = RunConfig(hidden=(3,))
    for member in (Member(init="xavier", perturb=0.1, seed=9), Member(init="zeros", perturb=1e-3, seed=2)):
        spec = Trainer(config, [member]).theta
        fn = xavier_formula if member.init == "xavier" else initializers.zeros
        code = Trainer(config, [Member(init=fn, perturb=member.perturb, seed=member.seed)]).theta
        assert np.array_equal(spec, code)


def test_a_scalar_bias_is_every_units_bias():
    params = initial_params((2, 3, 1), constant_03, lambda fan_out, rng: 0.1)
    assert np.array_equal(params[0][1], np.full(3, 0.1)) and np.array_equal(params[1][1], [0.1])
    assert np.array_equal(params[0][1], initial_params((2, 3, 1), "zeros", "constant:0.1")[0][1])


@pytest.mark.parametrize(
    "init, message",
    [
        (
            lambda i, o, rng: np.zeros((o, i)),
            "init: init(2, 4, rng) returned an array of shape (4, 2); expected (2, 4) = (fan_in, fan_out)",
        ),
        (
            lambda i, o, rng: (
                np.where(np.arange(i * o).reshape(i, o) < 3, np.nan, 0.0) if o == 1 else np.zeros((i, o))
            ),
            "init: init(4, 1, rng) returned 3 values that are not finite numbers (nan or inf)",
        ),
        (
            lambda i, o, rng: np.full((i, o), np.inf) if o == 4 else np.zeros((i, o)),
            "init(2, 4, rng) returned 8 values that are not finite numbers",
        ),
        (lambda i, o, rng: 0.3, "init(2, 4, rng) returned one number; expected an array of shape (2, 4)"),
        (lambda i, o, rng: None, "init(2, 4, rng) returned None (is a return missing?)"),
        (lambda i, o, rng: "zeros", "init(2, 4, rng) returned a str, not numbers"),
        (lambda i, o, rng: [[1, 2], [3]], "init(2, 4, rng) returned a list of 2 items, not numbers"),
        (
            lambda i, o, rng: np.full((i, o), 1e7),
            "init(2, 4, rng) returned a value of size 1e+07; every value must be at most 1e+06 in size",
        ),
        (
            lambda i, o, rng: np.ones((i, o), complex),
            "returned an array of shape (2, 4) and dtype complex128, not numbers",
        ),
    ],
)
def test_what_a_callable_returns_is_checked_in_a_sentence(init, message):
    with pytest.raises(ResultError) as e:
        Trainer(RunConfig(hidden=(4,)), [Member(init=init)])
    assert isinstance(e.value, ConfigError) and message in str(e.value) and "\n" not in str(e.value)


@pytest.mark.parametrize(
    "bias, message",
    [
        (
            lambda o, rng: np.zeros(o + 1),
            "bias: bias(4, rng) returned an array of shape (5,); expected (4,) = (fan_out,) or one number",
        ),
        (lambda o, rng: np.zeros((o, 1)), "returned an array of shape (4, 1)"),
        (lambda o, rng: float("nan"), "bias(4, rng) returned 4 values that are not finite numbers"),
    ],
)
def test_what_a_bias_callable_returns_is_checked(bias, message):
    with pytest.raises(ResultError) as e:
        Trainer(RunConfig(hidden=(4,), bias_init=bias))
    assert message.replace("bias: ", "bias_init: ") in str(e.value) or message in str(e.value)


def test_lists_and_integer_arrays_are_accepted_and_copied():
    returned = np.ones((2, 3), dtype=np.int64)
    W = initial_params((2, 3, 1), lambda i, o, rng: returned if o == 3 else [[1.0]] * i)[0][0]
    assert W.dtype == np.float64 and np.array_equal(W, np.ones((2, 3)))
    W[0, 0] = 5
    assert returned[0, 0] == 1  # a copy, not the caller's array


def test_configs_with_callables_stay_json_friendly():
    config = RunConfig(init=constant_03, bias_init=lambda o, rng: 0.0, steps=3)
    assert config.to_dict()["init"] == "python" and config.to_dict()["bias_init"] == "python"
    assert Member(init=xavier_formula).to_dict() == {
        "init": "python",
        "bias_init": None,
        "perturb": None,
        "seed": None,
        "label": None,
    }
    result = api.run(config)
    json.dumps(result, allow_nan=False)
    assert result["config"]["init"] == "python" and result["symmetry"][-1] == [0.0]
    assert config.replace(steps=5).init is constant_03
    assert initializers.label("he") == "he" and initializers.label(None) is None


def test_a_callable_in_api_signal():
    out = api.signal({"depth": 4, "width": 8, "init": xavier_formula})
    same = api.signal({"depth": 4, "width": 8, "init": "xavier"})
    assert out["config"]["init"] == "python" and out["activation_std"] == same["activation_std"]
    with pytest.raises(ResultError):
        api.signal({"depth": 4, "width": 8, "init": lambda i, o, rng: np.zeros((i, o + 1))})
