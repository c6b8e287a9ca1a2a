"""The clone condition, biases, and f'(0): checked on the real training path (``Trainer``).

Hidden units i and j stay identical under gradient descent when their incoming weights, their
biases *and* their outgoing weights are equal. The condition is sufficient, not necessary: with
ReLU and a zero first layer the units' outgoing weights differ, yet they never separate, because
nothing moves at all. The setup is chapter 1's (the RunConfig
defaults: 200 XOR points, noise 0.1, seed 0, tanh, one hidden layer of 4, lr 0.5, full batch),
trained 600 steps, unless a test says otherwise.
"""

import numpy as np
import pytest

from pyinit.training import stats
from pyinit.training.config import RunConfig, Member
from pyinit.training.trainer import Trainer

STEPS = 600


def train(members, steps=STEPS, **changes):
    tr = Trainer(RunConfig(steps=steps, **changes), members)
    tr.step(steps)
    return tr


# ------------------------------------------------------------------------------------------ biases
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_zero_biases_are_fine_once_W_is_random(seed):
    tr = train(
        [
            Member(init="xavier"),
            Member(init="xavier", bias_init="normal:0.1"),
            Member(init="xavier", bias_init="uniform:0.5"),
        ],
        seed=seed,
    )
    acc = tr.accuracy_history[-1]
    assert acc.min() >= 0.94, acc
    assert acc.max() - acc.min() <= 0.03, acc  # the same accuracy band
    assert (tr.symmetry()[0, 0] > 0).all(), "random W: the units differ from step 0, zero bias or not"
    assert not tr.biases(1)[0, 0].any() and tr.biases(1)[-1, 0].all(), "zero biases start at 0 and learn"


def test_constant_bias_with_zero_W_still_gives_clones():
    """tanh, W = 0, b = 0.1 everywhere: the hidden units move but stay bitwise identical, so the
    layer computes one unit's function: the output is a monotone function of one projection."""
    tr = train([Member(init="zeros", bias_init="constant:0.1"), Member(init="xavier")])
    assert (tr.symmetry()[:, 0] == 0.0).all(), "S = 0 exactly at every step"
    W1, b1, W2 = tr.weights(1)[:, 0], tr.biases(1)[:, 0], tr.weights(2)[:, 0]
    assert (W1 == W1[..., :1]).all() and (b1 == b1[..., :1]).all() and (W2 == W2[:, :1]).all()
    assert np.abs(W1[-1]).max() > 0.01 and np.abs(W2[-1]).max() > 0.1, "they do move"
    assert (stats.distinct_units(tr.theta_history[:, 0], tr.layout) == 1).all()
    # one unit: z_out = 4 w tanh(X u + beta) + b_out is monotone in p = X u + beta
    (W, b), (Wo, bo) = tr.params(0)
    p = tr.X @ W[:, 0] + b[0]
    z = (np.tanh(tr.X @ W + b) @ Wo)[:, 0] + bo[0]
    dz = np.diff(z[np.argsort(p)])
    assert (dz >= 0).all() or (dz <= 0).all()
    assert tr.accuracy_history[-1, 0] <= 0.6 and tr.accuracy_history[-1, 1] >= 0.95


def test_random_biases_alone_break_the_symmetry():
    """Equal incoming and outgoing weights (constant 0.3) but random biases: not clones."""
    tr = train([Member(init="constant:0.3", bias_init="normal:0.5")])
    S = tr.symmetry()[:, 0, 0]
    assert S[0] > 0 and S[-1] > S[0]
    assert tr.accuracy_history[-1, 0] >= 0.9


# ------------------------------------------------------------------------------- the clone condition
@pytest.mark.parametrize("c", [0.5, -0.3, 2.0, 1e-3])
def test_any_non_zero_constant_gives_clones_that_move(c):
    """Every weight c != 0 (biases 0): the units move and stay bitwise identical; c = 0 is the
    other case, where (tanh: f(0) = 0) nothing moves at all."""
    tr = train([Member(init=f"constant:{c}"), Member(init="constant:0")], steps=200)
    assert (tr.symmetry() == 0.0).all()
    assert (tr.weights(1)[-1, 0] != c).all(), "the clones move"
    assert (tr.theta_history[:, 1] == 0).all(), "the zero constant does not"


def test_the_clone_condition_is_sufficient_not_necessary():
    """ReLU, zero first layer, He second layer: equal incoming weights and biases (S = 0) but
    different outgoing weights -- the condition does not hold -- and yet the units stay identical:
    S = 0 and every gradient exactly 0 for 600 steps (relu(0) = relu'(0) = 0). The same start with
    tanh (tanh'(0) = 1) separates at step 1, as the condition's other half suggests."""
    relu = train([Member(init="zeros,he")], activation="relu")
    W_out = relu.weights(2)[:, 0, :, 0]  # (R, units)
    assert (np.ptp(W_out, axis=1) > 0.1).all(), "outgoing weights differ at every step"
    assert (relu.symmetry() == 0.0).all() and not relu.grad_history.any()
    tanh = train([Member(init="zeros,he")], activation="tanh")
    assert tanh.symmetry()[0, 0, 0] == 0.0 and (tanh.symmetry()[1:, 0, 0] > 0).all()


@pytest.mark.parametrize("hidden", [(4,), (4, 3)], ids=str)
def test_a_layer_of_k_clones_is_one_unit_with_k_times_the_outgoing_weight(hidden):
    """After 600 steps from a constant start, the net of clones and a net with ONE unit per hidden
    layer (its incoming weights and bias, the outgoing weight times k) give the same output on the
    data and on a grid of the plane, to 1e-12, at every recorded step checked."""
    tr = train([Member(init="constant:0.5")], hidden=hidden, lr=0.2)
    grid = np.stack(np.meshgrid(np.linspace(-2, 2, 21), np.linspace(-2, 2, 21)), -1).reshape(-1, 2)
    X = np.concatenate([tr.X, grid])
    for r in (0, 1, 50, len(tr.steps) - 1):
        params = tr.layout.unpack(tr.theta_history[r, 0])
        one, k_prev = [], 1
        for l, (W, b) in enumerate(params):
            k = W.shape[1] if l < len(params) - 1 else 1  # units in this layer (clones)
            one.append((W[:1, :1] * k_prev if l else W[:, :1], b[:1]))
            k_prev = k
        assert np.abs(output(params, X) - output(one, X)).max() < 1e-12


def output(params, X):
    """P(y = 1) of a tanh net (sigmoid output) for X (n, 2), written out with numpy."""
    a = X
    for l, (W, b) in enumerate(params):
        z = a @ W + b
        a = np.tanh(z) if l < len(params) - 1 else 1 / (1 + np.exp(-z))
    return a[:, 0]


def test_tanh_zero_first_layer_units_differ_only_in_scale_at_first():
    """zeros -> Xavier with tanh: after step 1, dW1 = X^T (delta2 v^T) / n is an outer product, so
    W1 has rank 1 (every unit's incoming weights are a multiple of one vector: the units differ in
    scale only); the second singular value stays below 2 % of the first up to step 100, then grows."""
    tr = train([Member(init="zeros,xavier")])
    ratio = []
    for r in range(len(tr.steps)):
        s = np.linalg.svd(tr.weights(1)[r, 0], compute_uv=False)
        ratio.append(s[1] / s[0] if s[0] else 0.0)
    ratio = np.array(ratio)
    assert ratio[1] < 1e-12
    assert ratio[1:101].max() < 0.02 and ratio[200] > 0.1 and ratio[-1] > 0.5


def test_equal_incoming_but_different_outgoing_weights_separate():
    """Layer 1 constant (every unit's incoming W and b equal: S = 0 at step 0), layer 2 random:
    the outgoing weights differ, so the units separate at the first step."""
    tr = train([Member(init="constant:0.3,normal:0.5"), Member(init="constant:0.3")])
    S = tr.symmetry()[:, :, 0]
    assert S[0, 0] == 0.0 and (S[1:, 0] > 0).all()
    assert (S[:, 1] == 0.0).all(), "all three equal: clones forever"
    assert tr.accuracy_history[-1, 0] >= 0.9


def test_zero_last_layer_only_learns_with_tanh():
    """Xavier -> zeros: the output weights start at 0, the hidden units differ (their incoming
    weights do): 0.94 accuracy (Xavier everywhere: 0.995; zeros everywhere: 0.5)."""
    tr = train([Member(init="xavier,zeros"), Member(init="xavier"), Member(init="zeros")])
    acc, loss = tr.accuracy_history[-1], tr.loss_history[-1]
    assert acc[0] == 0.94 and acc[1] == 0.995 and acc[2] == 0.5
    assert loss[0] == pytest.approx(0.128, abs=5e-4)
    assert not tr.weights(2)[0, 0].any() and tr.weights(2)[1, 0].all(), "W2 = 0, then moves"
    assert (stats.distinct_units(tr.theta_history[:, 0], tr.layout) == 4).all(), "the units stay distinct"


def test_zero_first_layer_only_learns_with_tanh():
    """zeros -> Xavier with tanh: f(0) = 0 but f'(0) = 1, so delta_1 = delta_2 W2^T != 0 and the
    units (equal incoming, different outgoing weights) separate at once: 0.955 accuracy."""
    tr = train([Member(init="zeros,xavier")])
    S = tr.symmetry()[:, 0, 0]
    assert S[0] == 0.0 and (S[1:] > 0).all()
    assert tr.accuracy_history[-1, 0] == 0.955
    assert tr.loss_history[-1, 0] == pytest.approx(0.165, abs=5e-4)


@pytest.mark.parametrize(
    "hidden, spec",
    [((4,), "zeros,he"), ((8,), "zeros,he"), ((4, 4), "zeros,he,he"), ((8, 8), "zeros,xavier,xavier")],
    ids=str,
)
def test_zero_first_layer_with_relu_freezes_everything(hidden, spec):
    """ReLU, zero first layer, random later layers: a_1 = relu(0) = 0 and relu'(0) = 0, so
    delta_1 = 0 and every later layer sees a = 0: no weight ever moves (balanced data: not even the
    output bias). The same net with tanh learns."""
    relu = train([Member(init=spec)], activation="relu", hidden=hidden)
    assert (relu.theta_history == relu.theta_history[0]).all(), "a parameter moved"
    assert not relu.grad_history.any(), "a gradient was not exactly 0"
    assert (relu.accuracy_history == 0.5).all()
    tanh = train([Member(init=spec)], activation="tanh", hidden=hidden)
    assert tanh.accuracy_history[-1, 0] >= 0.9, tanh.accuracy_history[-1]


def test_zero_first_layer_with_relu_unbalanced_only_the_output_bias_moves():
    tr = train([Member(init="zeros,he,he")], activation="relu", hidden=(4, 4), n_samples=201, steps=100)
    out_bias = tr.layout.b_offsets[tr.layout.L]
    moved = np.flatnonzero((tr.theta_history[-1, 0] != tr.theta_history[0, 0]))
    assert moved.tolist() == [out_bias]


# ------------------------------------------------------------------- asymmetry, not randomness itself
def test_orthogonal_init_is_orthonormal_and_learns():
    from pyinit.core.initializers import orthogonal

    rng = np.random.default_rng(0)
    for shape in [(2, 4), (4, 4), (4, 1), (8, 3)]:
        W = orthogonal(*shape, rng)
        gram = W.T @ W if shape[0] >= shape[1] else W @ W.T
        assert W.shape == shape and np.allclose(gram, np.eye(min(shape)), atol=1e-12)
    tr = train([Member(init="orthogonal"), Member(init="xavier")])
    assert (tr.symmetry()[0, 0] > 0) and tr.accuracy_history[-1, 0] >= 0.95


def test_a_deterministic_asymmetric_init_learns_too():
    """No randomness in the weights at all: layer 1 constant 0.3, but every unit gets its own bias
    (-1.5, -0.5, 0.5, 1.5: not a random draw) -- the units are distinct, and the net learns."""
    tr = train([Member(init="constant:0.3,normal:0.5")], steps=1)
    layout = tr.layout
    theta = tr.theta_history[0, 0].copy()
    layout.b(theta, 1)[...] = [-1.5, -0.5, 0.5, 1.5]
    layout.W(theta, 2)[...] = 0.3
    W, b = layout.unpack(theta)[0]
    assert (W == 0.3).all() and len(set(b)) == 4
    from pyinit.core.network import inspect_step

    params = layout.unpack(theta)
    for _ in range(STEPS):  # plain full-batch gradient descent, lr 0.5
        out = inspect_step(params, tr.X, tr.y, "tanh")
        params = [(W - 0.5 * d["dW"], b - 0.5 * d["db"]) for (W, b), d in zip(params, out["layers"])]
    out = inspect_step(params, tr.X, tr.y, "tanh")
    assert len({tuple(col) for col in params[0][0].T}) == 4
    assert out["accuracy"] >= 0.9, out["accuracy"]
