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

The trainer calls these lazily, when a caller asks; nothing here runs in the training step.
"""

import numpy as np

from ..core.network import Layout, Workspace, forward


def _norm(x, axis):
    """Euclidean norm along ``axis`` that is 0 only for exact zeros (scaled against underflow)."""
    with np.errstate(all="ignore"):
        scale = np.abs(x).max(axis=axis, keepdims=True)
        safe = np.where(scale > 0, scale, 1.0)
        return np.squeeze(scale, axis) * np.sqrt(((x / safe) ** 2).sum(axis=axis))


def symmetry(theta, layout):
    """S_l for every hidden layer: shape theta.shape[:-1] + (L - 1,)."""
    out = np.zeros(theta.shape[:-1] + (layout.L - 1,))
    for l in range(1, layout.L):
        units = np.concatenate([layout.W(theta, l), layout.b(theta, l)], axis=-2)  # (..., fan_in+1, width)
        with np.errstate(all="ignore"):
            diff = units - units[..., :, :1]
        out[..., l - 1] = _norm(diff, axis=-2).max(axis=-1)
    return out


def weight_grad_norms(grad, layout):
    """||dW[l]||_F for every layer l = 1..L: shape grad.shape[:-1] + (L,)."""
    return np.stack([_norm(layout.W(grad, l).reshape(grad.shape[:-1] + (-1,)), axis=-1)
                     for l in range(1, layout.L + 1)], axis=-1)


def bias_grad_norms(grad, layout):
    """||db[l]||_2 for every layer l = 1..L: shape grad.shape[:-1] + (L,)."""
    return np.stack([_norm(layout.b(grad, l)[..., 0, :], axis=-1)
                     for l in range(1, layout.L + 1)], axis=-1)


def activation_stats(theta, layout, activation, X, chunk_elements=2_000_000):
    """Activation mean and std of every layer, and dead units of every hidden layer, on inputs X.

    theta : (..., P); X : (n, 2). Mean and std are over all samples and units of the layer
    (layer L is the sigmoid output). A hidden unit is *dead* when it is a ReLU whose
    pre-activation is <= 0 for every sample, so its gradient is exactly 0; for other activations
    ``dead`` is None.
    Returns dict ``mean``, ``std``: theta.shape[:-1] + (L,); ``dead``: theta.shape[:-1] + (L - 1,)
    int64, or None.
    """
    lead = theta.shape[:-1]
    flat = theta.reshape(-1, layout.P)
    M, n = flat.shape[0], X.shape[0]
    mean = np.zeros((M, layout.L))
    std = np.zeros((M, layout.L))
    dead = np.zeros((M, layout.L - 1), dtype=np.int64) if activation == "relu" else None
    chunk = max(1, chunk_elements // (n * max(layout.sizes)))
    x = X[None].astype(np.float64)
    with np.errstate(all="ignore"):
        for start in range(0, M, chunk):
            part = np.ascontiguousarray(flat[start:start + chunk])
            W, b = layout.views(part)
            ws = Workspace(layout.sizes, part.shape[0], n)
            forward(W, b, activation, x, ws)
            for l in range(1, layout.L + 1):
                mean[start:start + chunk, l - 1] = ws.a[l].mean(axis=(-2, -1))
                std[start:start + chunk, l - 1] = ws.a[l].std(axis=(-2, -1))
                if dead is not None and l < layout.L:
                    dead[start:start + chunk, l - 1] = (ws.z[l] <= 0).all(axis=-2).sum(axis=-1)
    return {"mean": mean.reshape(lead + (layout.L,)), "std": std.reshape(lead + (layout.L,)),
            "dead": None if dead is None else dead.reshape(lead + (layout.L - 1,))}
