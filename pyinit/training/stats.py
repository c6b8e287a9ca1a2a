"""Statistics derived from recorded parameters and gradients, vectorised over records.

All functions take arrays whose last axis is the flat parameter vector (any leading shape, e.g.
(R, K, P) for R records of K members) and a ``network.Layout``.

Symmetry measure of hidden layer l. Let theta_j = (W[l][:, j], b[l][j]) be the incoming weights and
bias of unit j (j = 1..width). Then

    S_l = max_j || theta_j - theta_1 ||_2

an absolute distance, 0 exactly when all units of the layer are identical (bitwise: the norm is
computed with scaling, so tiny differences do not underflow to 0), and > 0 as soon as any unit
differs. Units with identical incoming weights and biases compute identical functions; if the
outgoing weights are identical as well, gradient descent can never separate them.

``distinct_units`` counts the units of a layer that differ (bitwise, in float64), and
``identical_columns`` names the groups of clones in a set of matrices (the step inspector).

The trainer calls these lazily, when a caller asks; nothing here runs in the training step.
"""

import numpy as np

from ..core.network import T, evaluate_many


def _norm(x, axis):
    """Euclidean norm along ``axis`` that is 0 only for exact zeros (scaled against underflow)."""
    with np.errstate(all="ignore"):
        scale = np.abs(x).max(axis=axis, keepdims=True)
        safe = np.where(scale > 0, scale, 1.0)
        return np.squeeze(scale, axis) * np.sqrt(((x / safe) ** 2).sum(axis=axis))


def _units(theta, layout, l):
    """Incoming weights and bias of every unit of layer l: theta.shape[:-1] + (fan_in + 1, width)."""
    return np.concatenate([layout.W(theta, l), layout.b(theta, l)], axis=-2)


def symmetry(theta, layout):
    """S_l for every hidden layer: shape theta.shape[:-1] + (L - 1,)."""
    out = np.zeros(theta.shape[:-1] + (layout.L - 1,))
    for l in range(1, layout.L):
        units = _units(theta, layout, l)
        with np.errstate(all="ignore"):
            diff = units - units[..., :, :1]
        out[..., l - 1] = _norm(diff, axis=-2).max(axis=-1)
    return out


def distinct_units(theta, layout, chunk=256):
    """Number of distinct units of every hidden layer: units whose incoming weights and bias are
    equal bitwise count once. Shape theta.shape[:-1] + (L - 1,), int64."""
    lead = theta.shape[:-1]
    flat = theta.reshape(-1, layout.P)
    out = np.zeros((flat.shape[0], layout.L - 1), dtype=np.int64)
    for start in range(0, flat.shape[0], chunk):  # (bounds the (m, w, w) tables)
        part = flat[start : start + chunk]
        for l in range(1, layout.L):
            bits = np.ascontiguousarray(T(_units(part, layout, l))).view(np.uint64)  # (m, width, fan_in+1)
            same = (bits[:, :, None, :] == bits[:, None, :, :]).all(axis=-1)  # (m, width, width)
            repeats = np.tril(same, -1).any(axis=-1).sum(axis=-1)  # equal to an earlier unit
            out[start : start + chunk, l - 1] = layout.sizes[l] - repeats
    return out.reshape(lead + (layout.L - 1,))


def identical_columns(mats):
    """Groups (lists of column indices, size >= 2) of the columns that are equal bitwise in every
    matrix of ``mats`` (all with the same number of columns): the units that are clones."""
    stacked = np.concatenate([np.asarray(m, dtype=np.float64).reshape(-1, np.shape(m)[-1]) for m in mats])
    bits = np.ascontiguousarray(stacked.T).view(np.uint64)
    groups = {}
    for j, key in enumerate(map(bytes, bits)):
        groups.setdefault(key, []).append(j)
    return [g for g in groups.values() if len(g) > 1]


def weight_grad_norms(grad, layout):
    """||dW[l]||_F for every layer l = 1..L: shape grad.shape[:-1] + (L,)."""
    sizes = layout.sizes  # (an explicit size: R may be 0)
    return np.stack(
        [
            _norm(layout.W(grad, l).reshape(grad.shape[:-1] + (sizes[l - 1] * sizes[l],)), axis=-1)
            for l in range(1, layout.L + 1)
        ],
        axis=-1,
    )


def bias_grad_norms(grad, layout):
    """||db[l]||_2 for every layer l = 1..L: shape grad.shape[:-1] + (L,)."""
    return np.stack([_norm(layout.b(grad, l)[..., 0, :], axis=-1) for l in range(1, layout.L + 1)], axis=-1)


def activation_stats(theta, layout, activation, X):
    """Activation mean and std of every layer, and dead units of every hidden layer, on inputs X.

    theta : (..., P); X : (n, d). Mean and std are over all samples and units of the layer
    (layer L is the output: sigmoid or softmax). A hidden unit is *dead* when it is a ReLU whose
    pre-activation is <= 0 for every sample, so its gradient is exactly 0; for other activations
    ``dead`` is None (``network.evaluate_many``).
    Returns dict ``mean``, ``std``: theta.shape[:-1] + (L,); ``dead``: theta.shape[:-1] + (L - 1,)
    int64, or None.
    """
    lead = theta.shape[:-1]
    out = evaluate_many(theta.reshape(-1, layout.P), layout, activation, X, keep=("activations",))
    return {
        "mean": out["mean"].reshape(lead + (layout.L,)),
        "std": out["std"].reshape(lead + (layout.L,)),
        "dead": None if out["dead"] is None else out["dead"].reshape(lead + (layout.L - 1,)),
    }
