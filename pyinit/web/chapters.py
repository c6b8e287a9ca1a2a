"""The guided tour's chapters: their presets (from ``content/chapters.json``) and the experiments
behind the chapter views that need more than the lab's two runs.

Each chapter is a *preset* of the page's settings (only what it changes from the defaults of
``content/settings.json``), how many steps its runs are played, the panels its claim rests on,
and optionally a chapter view computed here:

    presets()                    -> {"defaults", "chapters": [...]}   every chapter, defaults filled in
    chapter(id_or_number)        -> one chapter of presets()
    stuck(view)                  -> "stuck": which layers get a gradient, step by step, from zeros
    eps_sweep(view)              -> zeros + eps for several eps at once (one hidden layer); break
                                    step per eps (no chapter's view since "noise" shows ``escape``)
    restarts(view)               -> "restarts": K random restarts at once; final losses, boundaries
    signal(view)                 -> "scale": per-layer activation / gradient spread at init
    reproduce_start(view=None) / reproduce_step(id, n) / reproduce_dispose(id)
                                 -> "reproduce": the course exercise (zeros, x10, He; train and test
                                    numbers), a long experiment in chunks, with its curves
    layers(view)                 -> "layers": zeros everywhere / first layer only / last only / random
    optimizers(view)             -> "optimizers": sgd, momentum, adam from zeros, constant, Xavier
    escape(view)                 -> "noise": escape step from zeros + eps vs depth (build-time data)
    outcomes(view)               -> "large": stuck / symmetric / learning / saturated, dead, diverged
    variance(view)               -> "origins": Var(z) = fan_in Var(w) E[a^2], layer by layer
    view(chapter_id)             -> a chapter's experiment from chapters.json as small JSON data
                                    (``export``): what the build ships and the page's "Recompute" gets

A view (as ``presets()`` gives it) carries ``lab``: its chapter's full run settings, which set the
data and the shared hyper-parameters of its runs. The *break step* of a run (``eps_sweep``) is the
first recorded step t at which the symmetry measure of the hidden layer reaches a threshold:
S_1(t) >= tau (``stats.symmetry``); the *escape step* (``escape``) is the first step at which the
loss is below ln 2 - delta. Every function takes and returns JSON-friendly data (bulk numbers as
1-D float64 arrays, or lists where the build ships the result as data), as ``web.lab`` does.
Left out: drawing (the page does that) and any text (``content/text/<lang>.json`` holds it).
"""

import math

import numpy as np

from .. import content
from ..analysis.signal import signal_table, variance_terms
from ..core.activations import ACTIVATIONS
from ..core.network import Workspace, evaluate_many, forward
from ..errors import ConfigError
from ..training import stats
from ..training.config import Member, parse_float, parse_int
from ..training.trainer import Trainer
from . import lab, page_state, sessions

REPRODUCE_CHUNK = 5000    # steps per reproduce_step() call


# ------------------------------------------------------------------------------------------ presets
def ids():
    """The chapter ids, in order."""
    return [c["id"] for c in content.chapters()]


CHAPTER_IDS = ids()


def presets():
    """Every chapter's id, number (its position, 1-based), legacy number (its number before
    chapters were inserted, or None for a newer chapter), full run settings (``state``: defaults
    filled in), steps to play, panels, and view (or None; with ``lab``: the chapter's full run
    settings)."""
    defaults = page_state.defaults()
    out = []
    for i, c in enumerate(content.chapters()):
        state = {**defaults, **c["preset"]}
        view = None if c["view"] is None else {**c["view"], "lab": dict(state)}
        out.append({"id": c["id"], "number": i + 1, "legacy": c.get("legacy"), "state": state,
                    "steps": c["steps"], "panels": list(c["panels"]), "view": view})
    return {"defaults": defaults, "chapters": out}


LEGACY = {c["legacy"]: c["id"] for c in content.chapters() if c.get("legacy")}


def chapter(id_or_number):
    """One chapter of ``presets()`` by id ("noise") or by the number an old link carries (5: the
    ``legacy`` number, which never changes when chapters are inserted)."""
    key = LEGACY.get(id_or_number, id_or_number) if isinstance(id_or_number, int) else id_or_number
    for c in presets()["chapters"]:
        if key == c["id"]:
            return c
    raise ConfigError("chapter", "must be one of " + ", ".join(CHAPTER_IDS) + " or an old chapter number "
                      f"1..{len(LEGACY)}", id_or_number)


def _trainer(settings, members, hidden=None, every=1, max_records=None, n_test=None, record=True):
    """A Trainer on a chapter's run settings, as the lab trains them (optionally with other hidden
    widths or test-set size), with the given members."""
    config = lab.session_config(page_state.run_config(settings)[0], 2)
    changes = {"every": every}
    if hidden is not None:
        changes["hidden"] = tuple(hidden)
    if max_records is not None:
        changes["max_records"] = max_records
    if n_test is not None:
        changes["n_test"] = n_test
    return Trainer(config.replace(**changes), members, record=record)


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
    points = np.stack([gx.ravel(), gy.ravel()], axis=1)
    out = evaluate_many(trainer.theta, trainer.layout, trainer.activation, points, keep=("output",))
    return xs, ys, out["output"]


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
    (``analysis.signal.signal_table``). Returns {depth, width, activations, inits,
    runs: [{activation, init, activation_std [depth], gradient_std [depth]}]}."""
    view = _view(view, "signal")
    depth = parse_int("depth", view.get("depth", 30), 1, 200)
    width = parse_int("width", view.get("width", 64), 1, 512)
    table = signal_table(depth, width, activations=view["activations"], inits=view["inits"])
    runs = [{"activation": act, "init": init, "activation_std": r["activation_std"],
             "gradient_std": r["gradient_std"]} for act, row in table.items() for init, r in row.items()]
    return {"depth": depth, "width": width, "activations": list(view["activations"]),
            "inits": list(view["inits"]), "runs": runs}


# ----------------------------------------------------------------- "layers": which layer is zero
LAYER_CASES = ("zeros", "zeros_first", "zeros_last", "random")


def _thin(n_steps, points=100):
    """A recording stride that keeps about ``points`` records of an ``n_steps`` run."""
    return max(1, n_steps // points)


def _moved(tr):
    """Per member: did any *weight* (not bias) change from step 0 to the last record?"""
    layout, first, last = tr.layout, tr.theta_history[0], tr.theta_history[-1]
    return [bool(any((layout.W(last[k], l) != layout.W(first[k], l)).any() for l in range(1, layout.L + 1)))
            for k in range(tr.K)]


def layers(view):
    """Which layer is zero: per activation, four members trained together on the chapter's data --
    zeros everywhere, zeros in the first weight layer only, zeros in the last only, and random
    everywhere (random = ``page_state.RANDOM``: He for ReLUs, Xavier otherwise).

    Returns {activations, cases ["zeros", "zeros_first", "zeros_last", "random"], steps (R,) recorded
    steps, runs: [{activation, case, init (spec), final_loss, final_accuracy, distinct [H] distinct
    hidden units per layer at the end, moved (any weight changed), loss (R,)}]} (runs activation-major).
    """
    view = _view(view, "layers")
    n_steps = parse_int("steps", view.get("steps", 600), 1, 100_000)
    every = _thin(n_steps)
    runs = []
    for act in view["activations"]:
        state = {**view["lab"], "activation": act}
        members = [page_state.member(case if case != "random" else page_state.RANDOM.get(act, "xavier"),
                                     1.0, 0, None, state["layers"], act) for case in LAYER_CASES]
        tr = _trainer(state, members, every=every, max_records=n_steps // every + 1)
        tr.step(n_steps)
        distinct = stats.distinct_units(tr.theta_history[-1], tr.layout)
        for k, (case, moved) in enumerate(zip(LAYER_CASES, _moved(tr))):
            runs.append({"activation": act, "case": case, "init": members[k].init,
                         "final_loss": float(tr.loss_history[-1, k]),
                         "final_accuracy": float(tr.accuracy_history[-1, k]),
                         "distinct": [int(d) for d in distinct[k]], "moved": moved,
                         "loss": _f64(tr.loss_history[:, k])})
    return {"activations": list(view["activations"]), "cases": list(LAYER_CASES), "steps": _f64(tr.steps),
            "runs": runs}


# ------------------------------------------------------------------------------------- optimizers
def optimizers(view):
    """Optimizers don't rescue a symmetric start: per optimizer (sgd, momentum, adam; each with its
    own learning rate ``lr[opt]``, momentum ``momentum``), the members ``inits`` trained together.

    Returns {optimizers, inits, steps (R,), runs: [{optimizer, init, lr, final_loss, final_accuracy,
    max_weight: max |W| over every weight at the end, weights_zero: every weight exactly 0 at every
    recorded step, max_symmetry: max over steps and hidden layers of S, moved, loss (R,)}]}.
    """
    view = _view(view, "optimizers")
    n_steps = parse_int("steps", view.get("steps", 600), 1, 100_000)
    every = _thin(n_steps)
    inits = list(view["inits"])
    runs = []
    for opt in view["optimizers"]:
        lr = view.get("lr", {}).get(opt, view["lab"]["lr"])
        state = {**view["lab"], "optimizer": opt, "lr": lr,
                 "momentum": view.get("momentum", 0.9) if opt == "momentum" else 0}
        tr = _trainer(state, [Member(init=i) for i in inits], every=every, max_records=n_steps // every + 1)
        tr.step(n_steps)
        layout, theta = tr.layout, tr.theta_history
        weights = np.concatenate([layout.W(theta, l).reshape(theta.shape[:2] + (-1,))
                                  for l in range(1, layout.L + 1)], axis=-1)          # (R, K, weights)
        sym = tr.symmetry()
        for k, (init, moved) in enumerate(zip(inits, _moved(tr))):
            runs.append({"optimizer": opt, "init": init, "lr": float(lr),
                         "final_loss": float(tr.loss_history[-1, k]),
                         "final_accuracy": float(tr.accuracy_history[-1, k]),
                         "max_weight": float(np.abs(weights[-1, k]).max()),
                         "weights_zero": bool(not weights[:, k].any()),
                         "max_symmetry": float(sym[:, k].max()) if sym.shape[-1] else None,
                         "moved": moved, "loss": _f64(tr.loss_history[:, k])})
    return {"optimizers": list(view["optimizers"]), "inits": inits, "steps": _f64(tr.steps), "runs": runs}


# -------------------------------------------------------------- "noise": escape from the saddle
LN2 = math.log(2.0)


def escape(view):
    """Escape from the saddle at zero, against depth: for each number of hidden layers in
    ``depths`` (of the lab's width), members zeros + N(0, eps^2) noise on every weight (biases 0),
    one per eps, trained together with full-batch gradient descent for ``steps`` steps.

    The *escape step* of a member is the first step t at which its loss on all the data is below
    ln 2 - delta: at the saddle the loss is ln 2 (up to O(eps^2)), so this is the step learning
    visibly started. None: not within ``steps``. Also measured, at step 0: the gradient norm
    ||grad|| (all parameters) at zeros + eps u, and its order in eps (slope of log ||grad|| against
    log eps; at zeros with H hidden layers the gradient vanishes to order H: a saddle of order H).

    Returns {depths [D], eps [E], delta, threshold, budget, width, escape [D][E] (int or None),
    grad_norm [D][E], grad_order [D] (slope), fit: {"1": {slope, intercept, r2} of the 1-layer
    escape steps against log10(1/eps)}, power: {depth: {slope, r2}} of log10(escape) against
    log10(1/eps) for depths with >= 2 escapes, curve_steps (C,), loss [D][E] lists of C values (loss
    every ``every`` steps), final_loss [D][E], final_accuracy [D][E]}. Deterministic; JSON-friendly
    (lists only, so the build can ship it as data).
    """
    view = _view(view, "escape")
    depths = [parse_int("depth", d, 1, 4) for d in view["depths"]]
    eps = [parse_float("eps", e, 0, 1, low_open=True) for e in view["eps"]]
    delta = parse_float("delta", view.get("delta", 0.05), 0, LN2, low_open=True, high_open=True)
    budget = parse_int("steps", view.get("steps", 20_000), 1, 200_000)
    every = parse_int("every", view.get("every", 100), 1, budget)
    threshold = LN2 - delta
    base, _ = page_state.run_config(view["lab"])
    width = base.hidden[0] if base.hidden else page_state.SPEC["width"]["default"]
    base = base.replace(batch_size=None, steps=0)                 # full batch: loss = full-data loss
    out = {"depths": depths, "eps": eps, "delta": delta, "threshold": threshold, "budget": budget,
           "width": width, "escape": [], "grad_norm": [], "grad_order": [], "fit": {}, "power": {},
           "curve_steps": list(range(0, budget + 1, every)), "loss": [], "final_loss": [], "final_accuracy": []}
    members = [Member(init="zeros", bias_init="zeros", perturb=e) for e in eps]
    for depth in depths:
        tr = Trainer(base.replace(hidden=(width,) * depth), members, record=False)
        gnorm = np.sqrt((tr.grad ** 2).sum(axis=1))
        found = np.full(len(eps), -1)
        curve = [tr.loss.copy()]
        while tr.t < budget:
            tr.step(1)
            hit = (tr.loss < threshold) & (found < 0)
            if hit.any():
                found[hit] = tr.t
            if tr.t % every == 0:
                curve.append(tr.loss.copy())
        loss, acc = tr.evaluate(tr.theta)
        steps = [int(f) if f >= 0 else None for f in found]
        ok = gnorm > 0
        slope = np.polyfit(np.log10(np.array(eps)[ok]), np.log10(gnorm[ok]), 1)[0] if ok.sum() >= 2 else None
        out["escape"].append(steps)
        out["grad_norm"].append([float(g) for g in gnorm])
        out["grad_order"].append(None if slope is None else float(slope))
        out["loss"].append(np.array(curve).T.tolist())
        out["final_loss"].append([float(v) for v in loss])
        out["final_accuracy"].append([float(v) for v in acc])
        done = [k for k, s in enumerate(steps) if s is not None]
        if len(done) >= 2:
            x = np.log10(1.0 / np.array([eps[k] for k in done]))
            if depth == 1:
                out["fit"]["1"] = _line_fit(x, np.array([steps[k] for k in done], dtype=np.float64))
            else:
                out["power"][str(depth)] = _line_fit(x, np.log10([steps[k] for k in done]))
    return out


def _line_fit(x, y):
    """Least-squares line y = slope x + intercept: {slope, intercept, r2}."""
    slope, intercept = np.polyfit(x, y, 1)
    ss = ((y - y.mean()) ** 2).sum()
    resid = y - (slope * x + intercept)
    return {"slope": float(slope), "intercept": float(intercept),
            "r2": float(1 - (resid ** 2).sum() / ss) if ss > 0 else 1.0}


# ----------------------------------------------------------------------- "large": four outcomes
SATURATED = 0.99          # |a| above this: a saturated tanh unit (tanh' = 1 - a^2 < 0.02)


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
        sat = [float(sum((np.abs(x[k]) > SATURATED).sum() for x in a) / sum(x[k].size for x in a))
               for k in range(tr.K)]
    if act == "relu":
        dead = [float(sum((ws.z[l][k] <= 0).all(axis=0).sum() for l in hidden)
                      / sum(layout.sizes[l] for l in hidden)) for k in range(tr.K)]
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
    view = _view(view, "outcomes")
    n_steps = parse_int("steps", view.get("steps", 1000), 1, 100_000)
    every = _thin(n_steps)
    runs = []
    for act in view["activations"]:
        if act not in ACTIVATIONS:
            raise ConfigError("activations", "must be names of activations", act)
        specs = [page_state.RANDOM.get(act, "xavier") if i == "random" else i for i in view["inits"]]
        state = {**view["lab"], "activation": act, **view.get("changes", {}).get(act, {})}
        tr = _trainer(state, [Member(init=s) for s in specs], every=every, max_records=n_steps // every + 1)
        sat0, _ = _hidden_state(tr, tr.theta)
        grad0 = np.sqrt((tr.grad ** 2).sum(axis=1))
        tr.step(n_steps)
        sat, dead = _hidden_state(tr, tr.theta)
        sym = tr.symmetry()[-1]                                               # (K, H)
        layout = tr.layout
        for k, (spec, moved) in enumerate(zip(specs, _moved(tr))):
            loss = tr.loss_history[:, k]
            dataset = state["dataset"]
            dead_layer = False
            if act == "relu" and layout.L > 1:
                W, b = layout.views(tr.theta[k:k + 1])
                ws = Workspace(layout.sizes, 1, tr.X.shape[0])
                forward(W, b, act, tr.X[None], ws)
                dead_layer = any((ws.z[l][0] <= 0).all() for l in range(1, layout.L))
            symmetric = bool(sym.shape[-1] and (sym[k] == 0).all())
            runs.append({"activation": act, "init": spec, "dataset": dataset,
                         "outcome": outcome(tr.diverged[k], moved, symmetric, dead_layer, sat0[k]),
                         "final_loss": _finite(loss[-1]), "final_accuracy": _finite(tr.accuracy_history[-1, k]),
                         "diverged": tr.diverged[k], "loss0": float(loss[0]),
                         "max_loss": float(np.nanmax(loss)), "grad_norm0": float(grad0[k]),
                         "saturated0": sat0[k], "saturated": sat[k], "dead": dead[k],
                         "symmetry": float(sym[k].max()) if sym.shape[-1] else None, "moved": moved,
                         "loss": _f64(loss)})
    return {"activations": list(view["activations"]), "inits": list(view["inits"]), "steps": _f64(tr.steps),
            "runs": runs}


def _finite(x):
    x = float(x)
    return x if math.isfinite(x) else None


# ------------------------------------------------------------- "origins": where Xavier/He come from
def variance(view):
    """The derivation behind Xavier and He, checked layer by layer on deep plain nets at init
    (``analysis.signal.variance_terms``): for each (activation, init) of ``runs``, measured Var(z_l)
    against fan_in * Var(w) * E[a_{l-1}^2].

    Returns {depth, width, runs: [{activation, init, var_z, predicted, ratio, var_w, mean_sq_a,
    var_a} (lists over layers)]}.
    """
    view = _view(view, "variance")
    depth = parse_int("depth", view.get("depth", 10), 1, 200)
    width = parse_int("width", view.get("width", 64), 1, 512)
    runs = []
    for pair in view["runs"]:
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise ConfigError("runs", "must be a list of [activation, init] pairs", pair)
        act, init = pair
        runs.append({"activation": act, "init": init, **variance_terms(depth, width, act, init)})
    return {"depth": depth, "width": width, "runs": runs}


# --------------------------------------------------------------------------- chapter 8: reproduce
def _run(id):
    return sessions.get(id, Trainer, "a running chapter-8 experiment")


def _reproduce_frame(rid):
    tr = _run(rid)
    R, K = tr.loss_history.shape
    test_loss, test_acc = tr.evaluate_test(tr.theta_history.reshape(R * K, -1))
    test_loss, test_acc = test_loss.reshape(R, K), test_acc.reshape(R, K)
    stopped = np.isnan(tr.loss_history)
    test_loss[stopped], test_acc[stopped] = np.nan, np.nan
    return {"id": rid, "step": tr.t, "inits": [m.init for m in tr.members],
            "steps": _f64(tr.steps), "loss": _f64(tr.loss_history), "accuracy": _f64(tr.accuracy_history),
            "test_loss": _f64(test_loss), "test_accuracy": _f64(test_acc),
            "final_loss": [float(v) for v in tr.loss_history[-1]],
            "final_accuracy": [float(v) for v in tr.accuracy_history[-1]],
            "final_test_loss": [float(v) for v in test_loss[-1]],
            "final_test_accuracy": [float(v) for v in test_acc[-1]],
            "n_samples": tr.config.n_samples, "n_test": tr.config.n_test}


def reproduce_start(view=None):
    """Create the runs of chapter 8 (one member per init, exact hidden widths, a test set of
    ``n_test`` samples) at step 0; an earlier chapter-8 experiment is dropped (one at a time).
    ``view`` None: the "reproduce" chapter's own view (what the page runs)."""
    view = _view(chapter("reproduce")["view"] if view is None else view, "reproduce")
    every = parse_int("every", view.get("every", 50), 1, 10_000)
    tr = _trainer(view["lab"], [Member(init=i) for i in view["inits"]], hidden=view["hidden"], every=every,
                  n_test=view.get("n_test"))
    return _reproduce_frame(sessions.create(tr, per_kind=1))


def reproduce_step(id, n):
    """Advance run ``id`` by ``n`` steps (0..REPRODUCE_CHUNK); all its records so far."""
    _run(id).step(parse_int("n", n, 0, REPRODUCE_CHUNK))
    return _reproduce_frame(id)


def reproduce_dispose(id):
    sessions.dispose(id)


def reproduce(view):
    """The whole chapter-8 experiment in one call (for tests, the build and the CLI)."""
    first = reproduce_start(view)
    rid, total = first["id"], parse_int("steps", view.get("steps", 15000), 0, 1_000_000)
    try:
        frame = first
        while _run(rid).t < total:
            frame = reproduce_step(rid, min(REPRODUCE_CHUNK, total - _run(rid).t))
        return frame
    finally:
        reproduce_dispose(rid)


# ------------------------------------------------------------------- every chapter's view as data
KINDS = {"stuck": stuck, "eps_sweep": eps_sweep, "restarts": restarts, "signal": signal, "layers": layers,
         "optimizers": optimizers, "escape": escape, "outcomes": outcomes, "variance": variance,
         "reproduce": reproduce}
CURVE_POINTS = 101        # a shipped curve keeps about this many points (first and last included)
DIGITS = 6                # significant digits of a shipped number (the page shows at most 4)
P_DECIMALS = 3            # decimals of a shipped grid probability (restarts' maps)
GRID_POINTS = 21          # a shipped map keeps about this many grid points per axis (the page interpolates)


def view(chapter_id):
    """The experiment of chapter ``chapter_id`` (its view in ``content/chapters.json``, with the
    chapter's run settings), as JSON data (``export``): what the build ships as
    ``data/chapters/<id>-view.json`` and what the page's "Recompute" gets from the worker."""
    c = chapter(chapter_id)
    if c["view"] is None:
        raise ConfigError("chapter_id", "must be a chapter with an experiment: " + ", ".join(
            x["id"] for x in presets()["chapters"] if x["view"]), chapter_id)
    kind = c["view"]["kind"]
    return export(kind, KINDS[kind](c["view"]))


def view_ids():
    """The ids of the chapters that have an experiment, in order."""
    return [c["id"] for c in content.chapters() if c["view"] is not None]


def _keep(n, points=CURVE_POINTS):
    """Indices of about ``points`` of ``n`` records, evenly spaced, first and last included."""
    if n <= points:
        return np.arange(n)
    return np.unique(np.round(np.linspace(0, n - 1, points)).astype(int))


def _rows(flat, n_rows, idx):
    """Rows ``idx`` of a row-major (n_rows * K) array, flat again."""
    a = np.asarray(flat)
    return a.reshape(n_rows, -1)[idx].ravel()


def _number(x, digits=DIGITS):
    """A float with ``digits`` significant digits (an int when it is whole); NaN/inf -> None."""
    x = float(x)
    if not math.isfinite(x):
        return None
    x = float(f"{x:.{digits}g}")
    return int(x) if x.is_integer() and abs(x) < 2 ** 53 else x


def _json(x):
    if isinstance(x, np.ndarray):
        return [_json(v) for v in x.tolist()]
    if isinstance(x, (float, np.floating)):
        return _number(x)
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, dict):
        return {str(k): _json(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_json(v) for v in x]
    return x


def export(kind, result):
    """A view's result as small JSON data: arrays as lists, numbers to ``DIGITS`` significant
    digits (whole numbers as ints, NaN/inf as None), long curves thinned to about ``CURVE_POINTS``
    records (restarts' and reproduce's recorded steps, escape's loss curves) and restarts' maps to
    about ``GRID_POINTS`` grid points per axis (every other point of 41) with probabilities to
    ``P_DECIMALS`` decimals. Row-major (R*K) arrays stay row-major; the shapes are
    the kind's own (see its function), so the page draws shipped and recomputed data alike."""
    r = dict(result)
    if kind in ("restarts", "eps_sweep", "reproduce"):
        R = len(r["steps"])
        idx = _keep(R)
        for name in ("loss", "symmetry", "accuracy", "test_loss", "test_accuracy"):
            if name in r:
                r[name] = _rows(r[name], R, idx)
        r["steps"] = np.asarray(r["steps"])[idx]
    if kind == "restarts":
        xs, ys = np.asarray(r["grid"]["xs"]), np.asarray(r["grid"]["ys"])
        G = len(xs)
        stride = max(1, math.ceil((G - 1) / (GRID_POINTS - 1)))
        g = np.unique(np.append(np.arange(0, G, stride), G - 1))
        p = np.asarray(r["grid"]["p"], dtype=np.float64).reshape(-1, G, G)[:, g][:, :, g]
        r["grid"] = {"xs": xs[g], "ys": ys[g], "p": np.round(p, P_DECIMALS).ravel()}
    if kind == "reproduce":
        r.pop("id", None)
    if kind == "escape":
        idx = _keep(len(r["curve_steps"]))
        r["curve_steps"] = [r["curve_steps"][i] for i in idx]
        r["loss"] = [[[curve[i] for i in idx] for curve in by_eps] for by_eps in r["loss"]]
    return _json(r)
