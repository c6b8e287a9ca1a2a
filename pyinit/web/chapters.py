"""The guided tour's presets and the experiments behind its chapter views, built on the trainer.

Each of the tour's eight chapters is a *preset* of the lab (the page's state values: dataset,
layers, width, activation, both inits, ...) plus, for the chapters that need more than the lab's two
runs, a chapter view computed here. ``CHAPTERS`` is the one place the presets live: the page asks for
them through the worker (``presets()``) and ``tests/test_tour.py`` runs exactly these.

    presets()                    -> {"chapters": [...]}            every chapter's lab state and view
    lab_config(state)            -> the pyinit.lab config of a lab state (as the page builds it)
    stuck(view)                  -> chapter 4: which layers get a gradient, step by step, from zeros
    eps_sweep(view)              -> chapter 5: zeros + eps for several eps at once; break step per eps
    restarts(view)               -> chapter 6: K random restarts at once; final losses and boundaries
    signal(view)                 -> chapter 7: per-layer activation / gradient spread at init
    reproduce_start(view) / reproduce_step(id, n) / reproduce_dispose(id)
                                 -> chapter 8: a long two-run experiment in chunks, with its curves

The *break step* of a run (chapter 5) is the first recorded step t at which the symmetry measure of
the hidden layer reaches a threshold: S_1(t) >= tau (``stats.symmetry``). Every function takes and
returns JSON-friendly data (bulk numbers as 1-D float64 arrays), as ``pyinit.lab`` does.
Left out: drawing (the page does that) and any text (the page's string catalogs hold it).
"""

import copy

import numpy as np

from ..analysis.signal import signal_propagation
from ..training.config import Member, parse_float, parse_int
from ..errors import ConfigError
from ..core.network import Layout, Workspace, forward
from ..training.trainer import Trainer
from . import lab

# ------------------------------------------------------------------------------------------ presets
#: the lab's defaults (site/js/state.js); a chapter's ``lab`` lists only what it changes
LAB_DEFAULTS = {
    "dataset": "xor", "n_samples": 200, "noise": 0.1, "layers": 1, "width": 4, "activation": "tanh",
    "lr": 0.5, "momentum": 0, "batch_size": 0, "seed": 0,
    "left_init": "zeros", "left_scale": 0.5, "left_bias": 0,
    "right_init": "xavier", "right_scale": 0.5, "right_bias": 0,
}

CHAPTERS = [
    {"id": "simple", "lab": {}, "steps": 600},
    {"id": "additive", "lab": {"dataset": "linear", "layers": 0}, "steps": 300},
    {"id": "clones", "lab": {"left_init": "constant", "left_scale": 0.5}, "steps": 600},
    {"id": "stuck",
     # mini-batches of 10: a batch's mean(y) is rarely 0.5, so the sigmoid net from zeros gets a
     # gradient (with all 200 points, mean(a - y) = 0.5 - 0.5 = 0 and nothing moves at all)
     "lab": {"activation": "sigmoid", "batch_size": 10},
     "steps": 600,
     "view": {"kind": "stuck", "activations": ["tanh", "relu", "sigmoid"], "layers": 2, "steps": 6}},
    {"id": "noise",
     "lab": {"left_init": "zeros_eps", "left_scale": 1e-4, "right_init": "zeros_eps", "right_scale": 1e-8},
     "steps": 2500,
     "view": {"kind": "eps_sweep", "eps": [1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8],
              "tau": 0.5, "steps": 2500}},
    {"id": "restarts",
     # the lab's two sides share one seed: two different random inits stand in for two restarts
     "lab": {"width": 2, "seed": 4, "left_init": "xavier", "right_init": "uniform", "right_scale": 1.0},
     "steps": 1000,
     "view": {"kind": "restarts", "seeds": list(range(16)), "init": "xavier", "steps": 1000, "grid": 41}},
    {"id": "scale",
     "lab": {"dataset": "circles", "activation": "relu", "layers": 4, "width": 16, "lr": 0.1,
             "left_init": "normal", "left_scale": 0.01, "right_init": "he"},
     "steps": 1000,
     "view": {"kind": "signal", "depth": 30, "width": 64, "activations": ["tanh", "relu"],
              "inits": ["normal:0.01", "normal:1", "xavier", "he"]}},
    {"id": "reproduce",
     # the lab has one width for all hidden layers: it gets [10, 10]; the view runs [10, 5] exactly
     "lab": {"dataset": "circles", "n_samples": 300, "activation": "relu", "layers": 2, "width": 10,
             "lr": 0.01, "right_init": "he"},
     "steps": 15000,
     "view": {"kind": "reproduce", "hidden": [10, 5], "inits": ["zeros", "he"], "steps": 15000, "every": 50}},
]
# the shared data settings of a view are its chapter's lab settings
for _c in CHAPTERS:
    if "view" in _c:
        _c["view"]["lab"] = {**LAB_DEFAULTS, **_c["lab"]}
del _c

CHAPTER_IDS = [c["id"] for c in CHAPTERS]


def presets():
    """Every chapter's id, full lab state (defaults filled in), steps to play, and view (or None)."""
    return {"defaults": dict(LAB_DEFAULTS), "chapters": [
        {"id": c["id"], "number": i + 1, "state": {**LAB_DEFAULTS, **c["lab"]}, "steps": c["steps"],
         "view": copy.deepcopy(c.get("view"))} for i, c in enumerate(CHAPTERS)]}


def chapter(id_or_number):
    """One chapter of ``presets()`` by id ("noise") or number (5)."""
    for c in presets()["chapters"]:
        if id_or_number in (c["id"], c["number"]):
            return c
    raise ConfigError("chapter", "must be one of " + ", ".join(CHAPTER_IDS) + " or 1..8", id_or_number)


def lab_config(state):
    """The ``pyinit.lab`` config of a lab state -- the same mapping as labConfig() in lab/main.js."""
    v = {**LAB_DEFAULTS, **state}
    return {"dataset": v["dataset"], "n_samples": v["n_samples"], "noise": v["noise"],
            "hidden": [v["width"]] * int(v["layers"]), "activation": v["activation"], "lr": v["lr"],
            "momentum": v["momentum"], "batch_size": v["batch_size"], "seed": v["seed"],
            "members": [{"init": v[f"{s}_init"], "scale": v[f"{s}_scale"], "bias": v[f"{s}_bias"]}
                        for s in ("left", "right")]}


def _trainer(state, members, hidden=None, every=1, max_records=None):
    """A Trainer on a lab state's shared settings (optionally other hidden widths), given members."""
    config = lab.run_config({k: val for k, val in lab_config(state).items() if k != "members"})
    changes = {"every": every}
    if hidden is not None:
        changes["hidden"] = tuple(hidden)
    if max_records is not None:
        changes["max_records"] = max_records
    return Trainer(config.replace(**changes), members)


def _view(view, kind):
    if not isinstance(view, dict) or view.get("kind") != kind or not isinstance(view.get("lab"), dict):
        raise ConfigError("view", f"must be a chapter view of kind {kind!r} with its lab settings", view)
    return view


def _f64(x):
    return np.ascontiguousarray(x, dtype=np.float64).ravel()


# ------------------------------------------------------------------------------- chapter 4: stuck
def stuck(view):
    """From all-zero weights and biases, per activation: the gradient norm of every weight layer
    and of the output bias over the first steps, the first step at which each layer's dW is not
    exactly zero (None = never within the steps), and the symmetry measure of each hidden layer.

    Returns {activations, steps (S,), layers (L), runs: [{activation, dW (S*L) = ||dW[l]||_F per
    step (row-major), db_out (S,), first_moving [L] (step or None), symmetry (S*H), loss (S,)}]}.
    """
    view = _view(view, "stuck")
    n_steps = parse_int("steps", view.get("steps", 6), 1, 200)
    runs = []
    for act in view["activations"]:
        state = {**view["lab"], "activation": act, "layers": view.get("layers", view["lab"]["layers"])}
        tr = _trainer(state, [Member(init="zeros", bias_init="zeros")])
        tr.step(n_steps)
        dW = tr.grad_norms()[:, 0]                        # (S, L)
        db = tr.bias_grad_norms()[:, 0]
        first = [int(tr.steps[np.flatnonzero(dW[:, l])[0]]) if dW[:, l].any() else None
                 for l in range(dW.shape[1])]
        runs.append({"activation": act, "dW": _f64(dW), "db_out": _f64(db[:, -1]), "first_moving": first,
                     "symmetry": _f64(tr.symmetry()[:, 0]), "loss": _f64(tr.loss_history[:, 0])})
    return {"activations": list(view["activations"]), "steps": _f64(tr.steps), "layers": int(tr.layout.L),
            "hidden": int(tr.layout.L - 1), "runs": runs}


# ---------------------------------------------------------------------------- chapter 5: eps sweep
def break_steps(steps, symmetry, tau):
    """First step with symmetry >= tau per member: steps (R,), symmetry (R, K) -> list of int|None."""
    hit = np.asarray(symmetry) >= tau
    return [int(steps[np.argmax(hit[:, k])]) if hit[:, k].any() else None for k in range(hit.shape[1])]


def eps_sweep(view):
    """Zeros + N(0, eps^2) noise on every weight, one member per eps, all trained together.

    Returns {eps [K], tau, steps (R,), symmetry (R*K) (hidden layer 1, row-major by step),
    loss (R*K), break_step [K] (int or None), fit {slope, intercept, r2} of break_step against
    log10(1/eps) over the eps that broke, final_loss [K], final_accuracy [K]}.
    """
    view = _view(view, "eps_sweep")
    eps = [parse_float("eps", e, 0, 100, low_open=True) for e in view["eps"]]
    tau = parse_float("tau", view.get("tau", 0.5), 0, 1e6, low_open=True)
    n_steps = parse_int("steps", view.get("steps", 2500), 1, 100_000)
    tr = _trainer(view["lab"], [Member(init="zeros", bias_init="zeros", perturb=e) for e in eps],
                  max_records=n_steps + 1)
    tr.step(n_steps)
    sym = tr.symmetry()[:, :, 0]                           # (R, K)
    br = break_steps(tr.steps, sym, tau)
    ok = [k for k, b in enumerate(br) if b is not None]
    fit = None
    if len(ok) >= 2:
        x = np.log10(1.0 / np.array([eps[k] for k in ok]))
        yv = np.array([br[k] for k in ok], dtype=np.float64)
        slope, intercept = np.polyfit(x, yv, 1)
        resid = yv - (slope * x + intercept)
        ss = ((yv - yv.mean()) ** 2).sum()
        fit = {"slope": float(slope), "intercept": float(intercept),
               "r2": float(1 - (resid ** 2).sum() / ss) if ss > 0 else 1.0}
    return {"eps": eps, "tau": tau, "steps": _f64(tr.steps), "symmetry": _f64(sym),
            "loss": _f64(tr.loss_history), "break_step": br, "fit": fit,
            "final_loss": [float(v) for v in tr.loss_history[-1]],
            "final_accuracy": [float(v) for v in tr.accuracy_history[-1]]}


# ---------------------------------------------------------------------------- chapter 6: restarts
def grid_probabilities(trainer, G=41, extent=None):
    """P(y = 1) of every member on a G x G grid over the data: (xs (G,), ys (G,), p (K, G*G)),
    rows of p by y then x (row-major, y outer)."""
    X = trainer.X
    if extent is None:
        lo, hi = X.min(axis=0) - 0.2, X.max(axis=0) + 0.2
    else:
        lo, hi = np.array([-extent, -extent]), np.array([extent, extent])
    xs, ys = np.linspace(lo[0], hi[0], G), np.linspace(lo[1], hi[1], G)
    gx, gy = np.meshgrid(xs, ys)
    pts = np.stack([gx.ravel(), gy.ravel()], axis=1)
    W, b = trainer.layout.views(np.ascontiguousarray(trainer.theta))
    ws = Workspace(trainer.layout.sizes, trainer.K, pts.shape[0])
    with np.errstate(all="ignore"):
        forward(W, b, trainer.activation, pts[None], ws)
    return xs, ys, np.asarray(ws.a[-1])[..., 0].reshape(trainer.K, -1)


def restarts(view):
    """K networks from the same random init scheme with different seeds, trained together on the
    same data and batches. Returns {seeds [K], steps (R,), loss (R*K), final_loss [K],
    final_accuracy [K], X (2n), y (n), grid {xs (G,), ys (G,), p (K*G*G)}}."""
    view = _view(view, "restarts")
    seeds = [parse_int("seed", s, 0, 2**32 - 1) for s in view["seeds"]]
    n_steps = parse_int("steps", view.get("steps", 1000), 1, 100_000)
    G = parse_int("grid", view.get("grid", 41), 5, 121)
    init = view.get("init", "xavier")
    every = max(1, n_steps // 500)
    tr = _trainer(view["lab"], [Member(init=init, seed=s) for s in seeds], every=every)
    tr.step(n_steps)
    xs, ys, p = grid_probabilities(tr, G)
    return {"seeds": seeds, "steps": _f64(tr.steps), "loss": _f64(tr.loss_history),
            "final_loss": [float(v) for v in tr.loss_history[-1]],
            "final_accuracy": [float(v) for v in tr.accuracy_history[-1]],
            "X": _f64(tr.X), "y": _f64(tr.y), "grid": {"xs": _f64(xs), "ys": _f64(ys), "p": _f64(p)}}


# ------------------------------------------------------------------------------ chapter 7: signal
def signal(view):
    """Per-layer spread at initialisation of a deep plain net, for every (activation, init) pair
    (``analysis.signal_propagation``). Returns {depth, width, activations, inits,
    runs: [{activation, init, activation_std [depth], gradient_std [depth]}]}."""
    view = _view(view, "signal")
    depth = parse_int("depth", view.get("depth", 30), 1, 200)
    width = parse_int("width", view.get("width", 64), 1, 512)
    runs = []
    for act in view["activations"]:
        for init in view["inits"]:
            r = signal_propagation(depth=depth, width=width, activation=act, init=init)
            runs.append({"activation": act, "init": init,
                         "activation_std": r["activation_std"], "gradient_std": r["gradient_std"]})
    return {"depth": depth, "width": width, "activations": list(view["activations"]),
            "inits": list(view["inits"]), "runs": runs}


# --------------------------------------------------------------------------- chapter 8: reproduce
_RUNS = {}
_next = [1]
MAX_CHUNK = 5000


def _reproduce_frame(rid):
    tr = _RUNS[rid]
    return {"id": rid, "step": tr.t, "inits": [m.init for m in tr.members],
            "steps": _f64(tr.steps), "loss": _f64(tr.loss_history), "accuracy": _f64(tr.accuracy_history),
            "final_loss": [float(v) for v in tr.loss_history[-1]],
            "final_accuracy": [float(v) for v in tr.accuracy_history[-1]]}


def reproduce_start(view):
    """Create the two runs of chapter 8 (one member per init, exact hidden widths) at step 0."""
    view = _view(view, "reproduce")
    every = parse_int("every", view.get("every", 50), 1, 10_000)
    tr = _trainer(view["lab"], [Member(init=i) for i in view["inits"]], hidden=view["hidden"], every=every)
    rid = _next[0]
    _next[0] += 1
    _RUNS.clear()                                        # one at a time
    _RUNS[rid] = tr
    return _reproduce_frame(rid)


def reproduce_step(id, n):
    """Advance run ``id`` by ``n`` steps (1..MAX_CHUNK); all its records so far."""
    if id not in _RUNS:
        raise ConfigError("id", "must be the id of a running chapter-8 experiment", id)
    _RUNS[id].step(parse_int("n", n, 0, MAX_CHUNK))
    return _reproduce_frame(id)


def reproduce_dispose(id):
    _RUNS.pop(id, None)


def reproduce(view):
    """The whole chapter-8 experiment in one call (for tests and the CLI)."""
    first = reproduce_start(view)
    rid, total = first["id"], parse_int("steps", view.get("steps", 15000), 0, 1_000_000)
    try:
        while _RUNS[rid].t < total:
            frame = reproduce_step(rid, min(MAX_CHUNK, total - _RUNS[rid].t))
        return frame if total else first
    finally:
        reproduce_dispose(rid)
