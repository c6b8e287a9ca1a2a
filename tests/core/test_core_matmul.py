"""``network.matmul`` gives bitwise-equal columns (rows) for equal columns (rows), in every shape
the trainer uses it in: forward a @ W, backward delta @ W.T and the weight gradient a.T @ delta."""

import numpy as np
import pytest

from pyinit.core.network import matmul, feature_major, T

WIDTHS = list(range(1, 18))
BATCHES = [1, 2, 3, 7, 64, 200, 1000]


def buffer(K, n, w, rng):
    x = feature_major(K, n, w)
    x[...] = rng.standard_normal((K, n, w))
    return x


@pytest.mark.parametrize("n", BATCHES)
def test_equal_columns_stay_equal(n):
    rng = np.random.default_rng(n)
    for fan_in in WIDTHS:
        for fan_out in (2, 3, 7, 9, 16, 17):
            for K in (1, 3):
                a = buffer(K, n, fan_in, rng)
                W = T(np.empty((K, fan_out, fan_in)))  # as stored in theta
                W[...] = rng.standard_normal((K, fan_in, 1))  # identical columns
                z = feature_major(K, n, fan_out)
                matmul(a, W, out=z)
                assert (z == z[..., :1]).all(), f"forward fan_in={fan_in} fan_out={fan_out} n={n} K={K}"

                W_rows = np.empty((K, fan_in, fan_out))
                W_rows[...] = rng.standard_normal((K, 1, fan_out))  # identical rows (outgoing)
                delta = buffer(K, n, fan_out, rng)
                g = feature_major(K, n, fan_in)
                matmul(delta, T(W_rows), out=g)
                assert (g == g[..., :1]).all(), f"backward fan_in={fan_in} fan_out={fan_out} n={n} K={K}"

                d_same = feature_major(K, n, fan_out)
                d_same[...] = rng.standard_normal((K, n, 1))  # identical delta columns
                dW = T(np.empty((K, fan_out, fan_in)))
                matmul(T(a), d_same, out=dW)
                assert (dW == dW[..., :1]).all(), f"dW columns fan_in={fan_in} fan_out={fan_out} n={n}"
                a_same = feature_major(K, n, fan_in)
                a_same[...] = rng.standard_normal((K, n, 1))  # identical activation columns
                matmul(T(a_same), delta, out=dW)
                assert (dW == dW[:, :1, :]).all(), f"dW rows fan_in={fan_in} fan_out={fan_out} n={n}"


def test_matmul_is_a_product():
    rng = np.random.default_rng(0)
    a, W = rng.standard_normal((4, 30, 5)), rng.standard_normal((4, 5, 7))
    out = np.empty((4, 30, 7))
    np.testing.assert_allclose(matmul(a, W, out=out), a @ W, rtol=1e-13, atol=1e-13)
