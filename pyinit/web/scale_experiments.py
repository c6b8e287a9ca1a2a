"""The chapter experiments about a random start and its scale: where different seeds end, how the
signal spreads through depth, what too small or too large a scale does, and where Xavier and He
come from (chapters "restarts", "scale", "large", "origins").

    restarts(view)   -> "restarts": K random restarts at once; final losses, boundaries
    signal(view)     -> "scale": per-layer activation / gradient spread at init
    outcomes(view)   -> "large": stuck / symmetric / learning / saturated, dead, diverged
    variance(view)   -> "origins": Var(z) = fan_in Var(w) E[a^2], layer by layer
    grid_probabilities(trainer, G, extent) -> every member's P(y = 1) on a grid over the data
    outcome(diverged, moved, symmetric, dead_layer, saturated) -> the name of a run's outcome

Every experiment takes a view as ``chapters.presets()`` gives it (with ``lab``) and returns
JSON-friendly data (bulk numbers as 1-D float64 arrays). Left out: the symmetric start
(``symmetry_experiments``), the reproduce chapter and the export as data (``chapters``), drawing and text.
"""

import numpy as np

from ..analysis.signal import signal_table, variance_terms
from ..core.activations import ACTIVATIONS
from ..core.datasets import require_plane
from ..core.network import Workspace, evaluate_many, forward
from ..errors import ConfigError
from ..rules import parse_int
from ..settings import page_state
from ..training.config import MAX_SEED, Member
from .experiment_runs import chapter_trainer, checked, f64, finite, thin, weights_moved

SATURATED = 0.99  # |a| above this: a saturated tanh unit (tanh' = 1 - a^2 < 0.02)


# ------------------------------------------------------------------------------------ "restarts"
def grid_probabilities(trainer, G=41, extent=None):
    """P(y = 1) of every member on a G x G grid over the data: (xs (G,), ys (G,), p (K, G*G)),
    rows of p by y then x (row-major, y outer). A ConfigError for 64-D data (``require_plane``)."""
    require_plane(trainer.config.dataset, "the probability map")
    X = trainer.X
    if extent is None:
        lo, hi = X.min(axis=0) - 0.2, X.max(axis=0) + 0.2
    else:
        lo, hi = np.array([-extent, -extent]), np.array([extent, extent])
    xs, ys = np.linspace(lo[0], hi[0], G), np.linspace(lo[1], hi[1], G)
    gx, gy = np.meshgrid(xs, ys)
    points = np.stack([gx.ravel(), gy.ravel()], axis=1)
    out = evaluate_many(trainer.theta, trainer.layout, trainer.activation, points, keep=("output",))
    return xs, ys, out["output"]


def restarts(view):
    """K networks from the same random init scheme with different seeds, trained together on the
    same data and batches. Returns {seeds [K], steps (R,), loss (R*K), final_loss [K],
    final_accuracy [K], X (2n), y (n), grid {xs (G,), ys (G,), p (K*G*G)}}."""
    view = checked(view, "restarts")
    seeds = [parse_int("seed", s, 0, MAX_SEED) for s in view["seeds"]]
    n_steps = parse_int("steps", view.get("steps", 1000), 1, 100_000)
    G = parse_int("grid", view.get("grid", 41), 5, 121)
    init = view.get("init", "xavier")
    every = max(1, n_steps // 500)
    tr = chapter_trainer(view["lab"], [Member(init=init, seed=s) for s in seeds], every=every)
    tr.step(n_steps)
    xs, ys, p = grid_probabilities(tr, G)
    return {
        "seeds": seeds,
        "steps": f64(tr.steps),
        "loss": f64(tr.loss_history),
        "final_loss": [float(v) for v in tr.loss_history[-1]],
        "final_accuracy": [float(v) for v in tr.accuracy_history[-1]],
        "X": f64(tr.X),
        "y": f64(tr.y),
        "grid": {"xs": f64(xs), "ys": f64(ys), "p": f64(p)},
    }


# --------------------------------------------------------------------------------- "scale": signal
def signal(view):
    """Per-layer spread at initialisation of a deep plain net, for every (activation, init) pair
    (``analysis.signal.signal_table``). Returns {depth, width, activations, inits,
    runs: [{activation, init, activation_std [depth], gradient_std [depth]}]}."""
    view = checked(view, "signal")
    depth = parse_int("depth", view.get("depth", 30), 1, 200)
    width = parse_int("width", view.get("width", 64), 1, 512)
    table = signal_table(depth, width, activations=view["activations"], inits=view["inits"])
    runs = [
        {
            "activation": act,
            "init": init,
            "activation_std": r["activation_std"],
            "gradient_std": r["gradient_std"],
        }
        for act, row in table.items()
        for init, r in row.items()
    ]
    return {
        "depth": depth,
        "width": width,
        "activations": list(view["activations"]),
        "inits": list(view["inits"]),
        "runs": runs,
    }


# ----------------------------------------------------------------------- "large": four outcomes
def _hidden_state(tr, theta):
    """Per member of ``theta`` (K, P) on the training data: the fraction of hidden (sample, unit)
    activations that are saturated (tanh: |a| > SATURATED; sigmoid: |2a - 1| > SATURATED; else
    None) and, for ReLU, the fraction of hidden units dead on every sample (else None)."""
    layout, act = tr.layout, tr.activation
    if layout.L < 2:
        return [None] * tr.K, [None] * tr.K
    ws = Workspace(layout.sizes, tr.K, tr.X.shape[0])
    W, b = layout.views(np.ascontiguousarray(theta))
    with np.errstate(all="ignore"):
        forward(W, b, act, tr.X[None], ws)
    hidden = range(1, layout.L)
    sat = dead = [None] * tr.K
    if act in ("tanh", "sigmoid"):
        a = [ws.a[l] if act == "tanh" else 2 * ws.a[l] - 1 for l in hidden]
        sat = [
            float(sum((np.abs(x[k]) > SATURATED).sum() for x in a) / sum(x[k].size for x in a))
            for k in range(tr.K)
        ]
    if act == "relu":
        dead = [
            float(
                sum((ws.z[l][k] <= 0).all(axis=0).sum() for l in hidden)
                / sum(layout.sizes[l] for l in hidden)
            )
            for k in range(tr.K)
        ]
    return sat, dead


def outcome(diverged, moved, symmetric, dead_layer, saturated):
    """The outcome of a run, by the first rule that applies: "diverged" (non-finite), "stuck" (no
    weight moved), "symmetric" (moved, every hidden layer's units still identical), "dead" (every
    ReLU unit of some hidden layer dead on every sample at the end), "saturated" (at step 0 at least
    half the hidden tanh/sigmoid activations saturated), else "learning"."""
    if diverged is not None:
        return "diverged"
    if not moved:
        return "stuck"
    if symmetric:
        return "symmetric"
    if dead_layer:
        return "dead"
    if saturated is not None and saturated >= 0.5:
        return "saturated"
    return "learning"


def outcomes(view):
    """The four outcomes of an init on one setup: per activation, the members ``inits`` ("random"
    = ``page_state.RANDOM``: He for ReLUs, Xavier otherwise) trained together, on the lab's settings
    with the view's ``changes[activation]`` (e.g. another dataset for a linear net).

    Returns {activations, inits, steps (R,), runs: [{activation, init, dataset, outcome (``outcome``),
    final_loss, final_accuracy (None after a divergence), diverged (step or None), loss0 (at step
    0), max_loss (largest finite recorded loss), grad_norm0 (||grad|| at step 0), saturated0,
    saturated (fraction of saturated hidden activations at step 0 / at the end; tanh and sigmoid,
    else None), dead (fraction of dead hidden ReLU units at the end, else None), symmetry (max S
    of the hidden layers at the end), moved, loss (R,) (NaN after a divergence)}]}.
    """
    view = checked(view, "outcomes")
    n_steps = parse_int("steps", view.get("steps", 1000), 1, 100_000)
    every = thin(n_steps)
    runs = []
    for act in view["activations"]:
        if act not in ACTIVATIONS:
            raise ConfigError("activations", "must be names of activations", act)
        specs = [page_state.RANDOM.get(act, "xavier") if i == "random" else i for i in view["inits"]]
        state = {**view["lab"], "activation": act, **view.get("changes", {}).get(act, {})}
        tr = chapter_trainer(
            state, [Member(init=s) for s in specs], every=every, max_records=n_steps // every + 1
        )
        sat0, _ = _hidden_state(tr, tr.theta)
        grad0 = np.sqrt((tr.grad**2).sum(axis=1))
        tr.step(n_steps)
        sat, dead = _hidden_state(tr, tr.theta)
        sym = tr.symmetry()[-1]  # (K, H)
        layout = tr.layout
        for k, (spec, moved) in enumerate(zip(specs, weights_moved(tr))):
            loss = tr.loss_history[:, k]
            dataset = state["dataset"]
            dead_layer = False
            if act == "relu" and layout.L > 1:
                W, b = layout.views(tr.theta[k : k + 1])
                ws = Workspace(layout.sizes, 1, tr.X.shape[0])
                forward(W, b, act, tr.X[None], ws)
                dead_layer = any((ws.z[l][0] <= 0).all() for l in range(1, layout.L))
            symmetric = bool(sym.shape[-1] and (sym[k] == 0).all())
            runs.append(
                {
                    "activation": act,
                    "init": spec,
                    "dataset": dataset,
                    "outcome": outcome(tr.diverged[k], moved, symmetric, dead_layer, sat0[k]),
                    "final_loss": finite(loss[-1]),
                    "final_accuracy": finite(tr.accuracy_history[-1, k]),
                    "diverged": tr.diverged[k],
                    "loss0": float(loss[0]),
                    "max_loss": float(np.nanmax(loss)),
                    "grad_norm0": float(grad0[k]),
                    "saturated0": sat0[k],
                    "saturated": sat[k],
                    "dead": dead[k],
                    "symmetry": float(sym[k].max()) if sym.shape[-1] else None,
                    "moved": moved,
                    "loss": f64(loss),
                }
            )
    return {
        "activations": list(view["activations"]),
        "inits": list(view["inits"]),
        "steps": f64(tr.steps),
        "runs": runs,
    }


# ------------------------------------------------------------- "origins": where Xavier/He come from
def variance(view):
    """The derivation behind Xavier and He, checked layer by layer on deep plain nets at init
    (``analysis.signal.variance_terms``): for each (activation, init) of ``runs``, measured Var(z_l)
    against fan_in * Var(w) * E[a_{l-1}^2].

    Returns {depth, width, runs: [{activation, init, var_z, predicted, ratio, var_w, mean_sq_a,
    var_a} (lists over layers)]}.
    """
    view = checked(view, "variance")
    depth = parse_int("depth", view.get("depth", 10), 1, 200)
    width = parse_int("width", view.get("width", 64), 1, 512)
    runs = []
    for pair in view["runs"]:
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise ConfigError("runs", "must be a list of [activation, init] pairs", pair)
        act, init = pair
        runs.append({"activation": act, "init": init, **variance_terms(depth, width, act, init)})
    return {"depth": depth, "width": width, "runs": runs}
