"""Signal propagation at initialisation: how the spread of activations and gradients changes with depth.

``signal_propagation``: a deep plain net (``depth`` layers of ``width`` units, zero biases, no
output layer) at initialisation, fed a batch of standard-normal inputs. Forward it records the
std (and mean) of the activations of every layer; backward it sends a standard-normal gradient
dL/da from the top (the gradient of a random linear read-out) and records, per layer, the std
of the back-propagated delta = dL/dz and of the weight gradient dW = a.T @ delta / n.
It uses numpy's ``@`` (no bitwise claims are made here). ``signal_table`` runs it for every
(activation, init) pair. ``variance_terms`` checks, on the same nets, the one-line derivation behind
Xavier and He: with zero-mean independent weights, Var(z_l) = fan_in * Var(w) * E[a_{l-1}^2]
(E[a^2] = Var(a) only when a has mean 0, as tanh's roughly has and ReLU's has not).
Left out: trained nets, biases, any plotting.
"""

import numpy as np

from ..core.activations import ACTIVATIONS
from ..core.initializers import parse_spec
from ..errors import ConfigError
from ..training.config import parse_int, MAX_SEED
from .. import seeding


def signal_propagation(depth=30, width=64, activation="tanh", init="xavier", n_samples=256, seed=0):
    """Per-layer statistics of a deep net at initialisation (see the module docstring).

    Returns a dict of lists with one value per layer, first layer first: ``activation_std``,
    ``activation_mean``, ``gradient_std`` (std of delta = dL/dz), ``weight_gradient_std``.
    """
    depth = parse_int("depth", depth, 1, 200)
    width = parse_int("width", width, 1, 512)
    n = parse_int("n_samples", n_samples, 2, 4096)
    seed = parse_int("seed", seed, 0, MAX_SEED)
    if activation not in ACTIVATIONS:
        raise ConfigError("activation", "must be one of " + ", ".join(ACTIVATIONS), activation)
    act = ACTIVATIONS[activation]
    init_fn = parse_spec(init, "init")
    rng = seeding.generator(seed, seeding.INIT)
    data = seeding.generator(seed, seeding.SIGNAL)
    W = [init_fn(width, width, rng) for _ in range(depth)]
    a = [data.standard_normal((n, width))]
    z = []
    with np.errstate(all="ignore"):
        for l in range(depth):
            z.append(a[-1] @ W[l])
            a.append(act.forward(z[-1], out=np.empty_like(z[-1])))
        grad_a = data.standard_normal((n, width))                 # dL/da at the top
        delta_std, dW_std = [0.0] * depth, [0.0] * depth
        for l in range(depth - 1, -1, -1):
            delta = act.backprop(grad_a, z[l], a[l + 1], out=np.empty_like(grad_a))
            delta_std[l] = float(delta.std())
            dW_std[l] = float((a[l].T @ delta / n).std())
            grad_a = delta @ W[l].T
    return {"activation_std": [float(x.std()) for x in a[1:]],
            "activation_mean": [float(x.mean()) for x in a[1:]],
            "gradient_std": delta_std, "weight_gradient_std": dW_std}


def variance_terms(depth=10, width=64, activation="tanh", init="xavier", n_samples=256, seed=0):
    """The terms of Var(z_l) = fan_in * Var(w) * E[a_{l-1}^2] per layer of the nets of
    ``signal_propagation`` (same arguments, same draws): measured ``var_z`` (over samples and units),
    ``var_w`` (mean of W_l^2, the weights' variance about 0), ``mean_sq_a`` = E[a_{l-1}^2] and
    ``var_a`` = Var(a_{l-1}) of the layer's input (l = 1: the standard-normal inputs), ``predicted``
    = fan_in * var_w * mean_sq_a and ``ratio`` = var_z / predicted. Lists, first layer first."""
    depth = parse_int("depth", depth, 1, 200)
    width = parse_int("width", width, 1, 512)
    n = parse_int("n_samples", n_samples, 2, 4096)
    seed = parse_int("seed", seed, 0, MAX_SEED)
    if activation not in ACTIVATIONS:
        raise ConfigError("activation", "must be one of " + ", ".join(ACTIVATIONS), activation)
    act = ACTIVATIONS[activation]
    init_fn = parse_spec(init, "init")
    rng = seeding.generator(seed, seeding.INIT)
    data = seeding.generator(seed, seeding.SIGNAL)
    a = data.standard_normal((n, width))
    out = {k: [] for k in ("var_z", "var_w", "mean_sq_a", "var_a", "predicted", "ratio")}
    with np.errstate(all="ignore"):
        for _ in range(depth):
            W = init_fn(width, width, rng)
            z = a @ W
            terms = {"var_z": float(z.var()), "var_w": float((W ** 2).mean()),
                     "mean_sq_a": float((a ** 2).mean()), "var_a": float(a.var())}
            terms["predicted"] = width * terms["var_w"] * terms["mean_sq_a"]
            terms["ratio"] = terms["var_z"] / terms["predicted"] if terms["predicted"] > 0 else float("nan")
            for k, v in terms.items():
                out[k].append(float(v))
            a = act.forward(z, out=np.empty_like(z))
    return out


SIGNAL_INITS = ("zeros", "normal:0.01", "normal:1", "xavier", "he", "lecun")


def signal_table(depth=30, width=64, activations=None, inits=SIGNAL_INITS, n_samples=256, seed=0):
    """``signal_propagation`` for every (activation, init) pair: a dict activation -> init -> result.
    Defaults: every activation, and the inits in ``SIGNAL_INITS``."""
    activations = list(ACTIVATIONS) if activations is None else activations
    if not isinstance(activations, (list, tuple)) or not activations:
        raise ConfigError("activations", "must be a non-empty list of activation names", activations)
    if not isinstance(inits, (list, tuple)) or not inits:
        raise ConfigError("inits", "must be a non-empty list of init specs", inits)
    return {act: {init: signal_propagation(depth, width, act, init, n_samples, seed) for init in inits}
            for act in activations}

