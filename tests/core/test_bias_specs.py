"""Random bias specs (normal:STD, uniform:A): their own random stream, validated like weights."""

import numpy as np
import pytest

from pyinit.core.initializers import initial_params, parse_bias_spec
from pyinit.errors import ConfigError


@pytest.mark.parametrize("bias", ["normal:0.1", "uniform:0.5", "constant:0.2", "zeros"])
def test_bias_spec_never_changes_the_weights(bias):
    sizes = (2, 5, 3, 1)
    plain = initial_params(sizes, "xavier", "zeros", perturb=0.01, seed=3)
    other = initial_params(sizes, "xavier", bias, perturb=0.01, seed=3)
    for (W, b), (W2, b2) in zip(plain, other):
        assert np.array_equal(W, W2) and b2.shape == b.shape


def test_random_biases_are_deterministic_and_in_range():
    a = initial_params((2, 50, 1), "zeros", "uniform:0.5", seed=1)
    b = initial_params((2, 50, 1), "zeros", "uniform:0.5", seed=1)
    c = initial_params((2, 50, 1), "zeros", "uniform:0.5", seed=2)
    assert np.array_equal(a[0][1], b[0][1]) and not np.array_equal(a[0][1], c[0][1])
    assert np.abs(a[0][1]).max() <= 0.5 and len(np.unique(a[0][1])) == 50
    n = initial_params((2, 4000, 1), "zeros", "normal:0.1", seed=0)[0][1]
    assert 0.095 < n.std() < 0.105


def test_constant_bias_is_bitwise_what_it_was():
    assert np.array_equal(initial_params((2, 3, 1), "zeros", "constant:0.1")[0][1], np.full(3, 0.1))


@pytest.mark.parametrize("spec", ["normal:-1", "uniform:nan", "normal:1e9", "xavier", "normal", 3])
def test_bad_bias_specs_are_one_line_errors(spec):
    with pytest.raises(ConfigError, match="bias_init") as err:
        parse_bias_spec(spec)
    assert "\n" not in str(err.value)
