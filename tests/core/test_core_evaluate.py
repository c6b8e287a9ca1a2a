"""network.evaluate_many: the forward pass for many parameter vectors, in bounded chunks."""

import numpy as np
import pytest

from pyinit.core.datasets import make_moons
from pyinit.core.initializers import initial_params
from pyinit.core.network import Layout, evaluate_many, inspect_step


def setup(activation="tanh", sizes=(2, 5, 3, 1), M=7):
    layout = Layout(sizes)
    X, y = make_moons(40, noise=0.2, rng=np.random.default_rng(1))
    theta = np.stack([layout.pack(initial_params(sizes, "xavier", "constant:0.1", seed=s)) for s in range(M)])
    return layout, X, y, theta


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_every_member_matches_one_forward_pass_of_its_own(activation):
    layout, X, y, theta = setup(activation)
    out = evaluate_many(theta, layout, activation, X, y, keep=("output", "activations"))
    for m in range(len(theta)):
        ref = inspect_step(layout.unpack(theta[m]), X, y, activation)
        assert out["loss"][m] == pytest.approx(ref["loss"], rel=1e-13)
        assert out["accuracy"][m] == ref["accuracy"]
        np.testing.assert_allclose(out["output"][m], ref["layers"][-1]["a"][:, 0], rtol=1e-13)
        for l, layer in enumerate(ref["layers"]):
            assert out["mean"][m, l] == pytest.approx(layer["a"].mean(), rel=1e-12, abs=1e-15)
            assert out["std"][m, l] == pytest.approx(layer["a"].std(), rel=1e-12, abs=1e-15)
            if activation == "relu" and l < layout.L - 1:
                assert out["dead"][m, l] == int((layer["z"] <= 0).all(axis=0).sum())
    assert (out["dead"] is None) == (activation != "relu")


def test_chunks_and_reused_workspaces_give_the_same_bits():
    layout, X, y, theta = setup()
    whole = evaluate_many(theta, layout, "tanh", X, y, keep=("output", "activations"))
    cache = {}
    for chunk in (1, 3):  # chunk_elements so that 1 or 3 members fit
        parts = evaluate_many(
            theta,
            layout,
            "tanh",
            X,
            y,
            keep=("output", "activations"),
            chunk_elements=chunk * 40 * 5,
            workspaces=cache,
        )
        for key in ("loss", "accuracy", "output", "mean", "std"):
            np.testing.assert_array_equal(parts[key], whole[key], err_msg=key)
    assert set(cache) == {(1, 40), (3, 40)}
    assert set(evaluate_many(theta[:0], layout, "tanh", X, y)) == {"loss", "accuracy"}
    assert set(evaluate_many(theta, layout, "tanh", X)) == set()  # no labels: nothing asked
