"""The guided tour's chapters: their presets (from ``content/chapters.json``) and the experiments
behind the chapter views that need more than the lab's two runs.

Each chapter is a *preset* of the page's settings (only what it changes from the defaults of
``content/settings.json``), how many steps its runs are played, the panels its claim rests on,
and optionally a chapter view computed here:

    presets()                    -> {"defaults", "chapters": [...]}   every chapter, defaults filled in
    chapter(id_or_number)        -> one chapter of presets()
    stuck(view)                  -> chapter 4: which layers get a gradient, step by step, from zeros
    eps_sweep(view)              -> chapter 5: zeros + eps for several eps at once; break step per eps
    restarts(view)               -> chapter 6: K random restarts at once; final losses and boundaries
    signal(view)                 -> chapter 7: per-layer activation / gradient spread at init
    reproduce_start(view) / reproduce_step(id, n) / reproduce_dispose(id)
                                 -> chapter 8: a long two-run experiment in chunks, with its curves

A view (as ``presets()`` gives it) carries ``lab``: its chapter's full run settings, which set the
data and the shared hyper-parameters of its runs. The *break step* of a run (chapter 5) is the
first recorded step t at which the symmetry measure of the hidden layer reaches a threshold:
S_1(t) >= tau (``stats.symmetry``). Every function takes and returns JSON-friendly data (bulk
numbers as 1-D float64 arrays), as ``web.lab`` does.
Left out: drawing (the page does that) and any text (``content/text/<lang>.json`` holds it).
"""

import numpy as np

from .. import content
from ..analysis.signal import signal_table
from ..core.network import evaluate_many
from ..errors import ConfigError
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
    """Every chapter's id, number, full run settings (``state``: defaults filled in), steps to play,
    panels, and view (or None; with ``lab``: the chapter's full run settings)."""
    defaults = page_state.defaults()
    out = []
    for i, c in enumerate(content.chapters()):
        state = {**defaults, **c["preset"]}
        view = None if c["view"] is None else {**c["view"], "lab": dict(state)}
        out.append({"id": c["id"], "number": i + 1, "state": state, "steps": c["steps"],
                    "panels": list(c["panels"]), "view": view})
    return {"defaults": defaults, "chapters": out}


def chapter(id_or_number):
    """One chapter of ``presets()`` by id ("noise") or number (5)."""
    for c in presets()["chapters"]:
        if id_or_number in (c["id"], c["number"]):
            return c
    raise ConfigError("chapter", "must be one of " + ", ".join(CHAPTER_IDS) + f" or 1..{len(CHAPTER_IDS)}",
                      id_or_number)


def _trainer(settings, members, hidden=None, every=1, max_records=None):
    """A Trainer on a chapter's run settings, as the lab trains them (optionally with other hidden
    widths), with the given members."""
    config = lab.session_config(page_state.run_config(settings)[0], 2)
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


# --------------------------------------------------------------------------- chapter 8: reproduce
def _run(id):
    return sessions.get(id, Trainer, "a running chapter-8 experiment")


def _reproduce_frame(rid):
    tr = _run(rid)
    return {"id": rid, "step": tr.t, "inits": [m.init for m in tr.members],
            "steps": _f64(tr.steps), "loss": _f64(tr.loss_history), "accuracy": _f64(tr.accuracy_history),
            "final_loss": [float(v) for v in tr.loss_history[-1]],
            "final_accuracy": [float(v) for v in tr.accuracy_history[-1]]}


def reproduce_start(view):
    """Create the two runs of chapter 8 (one member per init, exact hidden widths) at step 0; an
    earlier chapter-8 experiment is dropped (one at a time)."""
    view = _view(view, "reproduce")
    every = parse_int("every", view.get("every", 50), 1, 10_000)
    tr = _trainer(view["lab"], [Member(init=i) for i in view["inits"]], hidden=view["hidden"], every=every)
    return _reproduce_frame(sessions.create(tr, per_kind=1))


def reproduce_step(id, n):
    """Advance run ``id`` by ``n`` steps (0..REPRODUCE_CHUNK); all its records so far."""
    _run(id).step(parse_int("n", n, 0, REPRODUCE_CHUNK))
    return _reproduce_frame(id)


def reproduce_dispose(id):
    sessions.dispose(id)


def reproduce(view):
    """The whole chapter-8 experiment in one call (for tests and the CLI)."""
    first = reproduce_start(view)
    rid, total = first["id"], parse_int("steps", view.get("steps", 15000), 0, 1_000_000)
    try:
        frame = first
        while _run(rid).t < total:
            frame = reproduce_step(rid, min(REPRODUCE_CHUNK, total - _run(rid).t))
        return frame
    finally:
        reproduce_dispose(rid)
