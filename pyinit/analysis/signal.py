"""Signal propagation at initialisation: how the spread of activations and gradients changes with depth.

``signal_propagation``: a deep plain net (``depth`` layers of ``width`` units, zero biases, no
output layer) at initialisation, fed a batch of standard-normal inputs. Forward it records the
std (and mean) of the activations of every layer; backward it sends a standard-normal gradient
dL/da from the top (the gradient of a random linear read-out) and records, per layer, the std
of the back-propagated delta = dL/dz and of the weight gradient dW = a.T @ delta / n.
It uses numpy's ``@`` (no bitwise claims are made here). ``signal_table`` runs it for every
(activation, init) pair. ``init`` may also be a callable ``init(fan_in, fan_out, rng) -> W`` (user
code), whose results are checked like the trainer's (``initializers.call_init``).

Budgets, checked up front (``check_budget``; a ``ConfigError`` names depth, width and n_samples):
one net may need at most ``MEMORY_BUDGET_BYTES`` = 512 MB, estimated as 8 bytes times the floats it
keeps, depth * width^2 weights plus (2 * depth + 4) * n_samples * width activations, pre-activations
and gradients (``signal_cost``); one call (a whole table) may do at most ``WORK_BUDGET`` = 2e10
multiply-adds, 3 * depth * n_samples * width^2 per net (forward, and two products backward): a few
seconds natively. Beyond them (depth 200, width 512, 4096 samples needs 7 GB and 66 s) the call is
refused before anything is allocated. ``variance_terms`` checks, on the same nets, the one-line
derivation behind Xavier and He: with zero-mean independent weights, Var(z_l) = fan_in * Var(w) *
E[a_{l-1}^2] (E[a^2] = Var(a) only when a has mean 0, as tanh's roughly has and ReLU's has not).
Left out: trained nets, biases, any plotting.
"""

import numpy as np

from ..core.activations import ACTIVATIONS
from ..core.initializers import parse_spec, call_init
from ..errors import ConfigError
from ..training.config import MEMORY_BUDGET_BYTES
from .. import rules, seeding

SIGNAL = rules.section("signal")  # the parameters' ranges and defaults (content/settings.json)
DEFAULT = rules.defaults("signal")
WORK_BUDGET = 2e10


def signal_cost(depth, width, n_samples):
    """The estimated cost of one ``signal_propagation`` net: {"bytes", "multiply_adds"}."""
    floats = depth * width * width + (2 * depth + 4) * n_samples * width
    return {"bytes": 8 * floats, "multiply_adds": 3 * depth * n_samples * width * width}


def check_budget(depth, width, n_samples, nets=1):
    """ConfigError naming depth, width and n_samples when one net needs more than
    ``MEMORY_BUDGET_BYTES`` or ``nets`` of them more than ``WORK_BUDGET`` multiply-adds."""
    cost = signal_cost(depth, width, n_samples)
    given = {"depth": depth, "width": width, "n_samples": n_samples}
    if cost["bytes"] > MEMORY_BUDGET_BYTES:
        raise ConfigError(
            "depth, width, n_samples",
            "together must fit the memory budget of "
            f"{MEMORY_BUDGET_BYTES / 2**20:.0f} MB (8 bytes x (depth x width^2 + "
            f"(2 x depth + 4) x n_samples x width)); this net would need "
            f"{cost['bytes'] / 2**20:,.0f} MB",
            given,
        )
    work = nets * cost["multiply_adds"]
    if work > WORK_BUDGET:
        per = f"{nets} nets x " if nets > 1 else ""
        raise ConfigError(
            "depth, width, n_samples",
            f"together must fit the time budget of {WORK_BUDGET:.0e} "
            f"multiply-adds ({per}3 x depth x n_samples x width^2); this would do {work:.1e}",
            given,
        )


def _activation(name, param="activation"):
    return ACTIVATIONS[rules.parse({**SIGNAL["activation"], "name": param}, name)]


def _sizes(depth, width, n_samples, seed):
    return tuple(
        rules.parse(SIGNAL[k], v)
        for k, v in zip(("depth", "width", "n_samples", "seed"), (depth, width, n_samples, seed))
    )


def _nets(depth, width, activation, init, n_samples, seed):
    """The checked arguments of one deep net, its activation and init, and its two random streams
    (initial weights, inputs): (depth, width, n, act, init_fn, rng, data)."""
    depth, width, n, seed = _sizes(depth, width, n_samples, seed)
    act = _activation(activation)
    init_fn = _init_fn(init)
    check_budget(depth, width, n)
    return (
        depth,
        width,
        n,
        act,
        init_fn,
        seeding.generator(seed, seeding.INIT),
        seeding.generator(seed, seeding.SIGNAL),
    )


def _init_fn(init):
    if callable(init):
        return lambda fan_in, fan_out, rng: call_init(init, fan_in, fan_out, rng)
    return parse_spec(init, "init")


def signal_propagation(
    depth=DEFAULT["depth"],
    width=DEFAULT["width"],
    activation=DEFAULT["activation"],
    init=DEFAULT["init"],
    n_samples=DEFAULT["n_samples"],
    seed=DEFAULT["seed"],
):
    """Per-layer statistics of a deep net at initialisation (see the module docstring).

    Returns a dict of lists with one value per layer, first layer first: ``activation_std``,
    ``activation_mean``, ``gradient_std`` (std of delta = dL/dz), ``weight_gradient_std``.
    """
    depth, width, n, act, init_fn, rng, data = _nets(depth, width, activation, init, n_samples, seed)
    W = [init_fn(width, width, rng) for _ in range(depth)]
    a = [data.standard_normal((n, width))]
    z = []
    with np.errstate(all="ignore"):
        for l in range(depth):
            z.append(a[-1] @ W[l])
            a.append(act.forward(z[-1], out=np.empty_like(z[-1])))
        grad_a = data.standard_normal((n, width))  # dL/da at the top
        delta_std, dW_std = [0.0] * depth, [0.0] * depth
        for l in range(depth - 1, -1, -1):
            delta = act.backprop(grad_a, z[l], a[l + 1], out=np.empty_like(grad_a))
            delta_std[l] = float(delta.std())
            dW_std[l] = float((a[l].T @ delta / n).std())
            grad_a = delta @ W[l].T
    return {
        "activation_std": [float(x.std()) for x in a[1:]],
        "activation_mean": [float(x.mean()) for x in a[1:]],
        "gradient_std": delta_std,
        "weight_gradient_std": dW_std,
    }


def variance_terms(depth=10, width=64, activation="tanh", init="xavier", n_samples=256, seed=0):
    """The terms of Var(z_l) = fan_in * Var(w) * E[a_{l-1}^2] per layer of the nets of
    ``signal_propagation`` (same arguments, same draws): measured ``var_z`` (over samples and units),
    ``var_w`` (mean of W_l^2, the weights' variance about 0), ``mean_sq_a`` = E[a_{l-1}^2] and
    ``var_a`` = Var(a_{l-1}) of the layer's input (l = 1: the standard-normal inputs), ``predicted``
    = fan_in * var_w * mean_sq_a and ``ratio`` = var_z / predicted. Lists, first layer first."""
    depth, width, n, act, init_fn, rng, data = _nets(depth, width, activation, init, n_samples, seed)
    a = data.standard_normal((n, width))
    out = {k: [] for k in ("var_z", "var_w", "mean_sq_a", "var_a", "predicted", "ratio")}
    with np.errstate(all="ignore"):
        for _ in range(depth):
            W = init_fn(width, width, rng)
            z = a @ W
            terms = {
                "var_z": float(z.var()),
                "var_w": float((W**2).mean()),
                "mean_sq_a": float((a**2).mean()),
                "var_a": float(a.var()),
            }
            terms["predicted"] = width * terms["var_w"] * terms["mean_sq_a"]
            terms["ratio"] = terms["var_z"] / terms["predicted"] if terms["predicted"] > 0 else float("nan")
            for k, v in terms.items():
                out[k].append(float(v))
            a = act.forward(z, out=np.empty_like(z))
    return out


SIGNAL_INITS = ("zeros", "normal:0.01", "normal:1", "xavier", "he", "lecun")


def signal_table(
    depth=DEFAULT["depth"],
    width=DEFAULT["width"],
    activations=None,
    inits=SIGNAL_INITS,
    n_samples=DEFAULT["n_samples"],
    seed=DEFAULT["seed"],
):
    """``signal_propagation`` for every (activation, init) pair: a dict activation -> init -> result.
    Defaults: every activation, and the inits in ``SIGNAL_INITS`` (repeated names count once).
    Every argument is checked, and the budget of all the nets, before the first net is made."""
    activations = list(ACTIVATIONS) if activations is None else activations
    if not isinstance(activations, (list, tuple)) or not activations:
        raise ConfigError("activations", "must be a non-empty list of activation names", activations)
    if not isinstance(inits, (list, tuple)) or not inits:
        raise ConfigError("inits", "must be a non-empty list of init specs", inits)
    for name in activations:
        _activation(name, "activations")
    for spec in inits:
        parse_spec(spec, "inits")
    activations, inits = list(dict.fromkeys(activations)), list(dict.fromkeys(inits))
    depth, width, n_samples, seed = _sizes(depth, width, n_samples, seed)
    check_budget(depth, width, n_samples, nets=len(activations) * len(inits))
    return {
        act: {init: signal_propagation(depth, width, act, init, n_samples, seed) for init in inits}
        for act in activations
    }
