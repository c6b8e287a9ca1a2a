"""The guided tour's chapter experiments: every chapter's experiment as the small JSON data the
build ships, and the "reproduce" chapter's long run in chunks. The chapters themselves (presets of
the page's settings, steps, panels, view) are ``settings.presets``.

    view_ids()                   -> the ids of the chapters with an experiment, in order
    KINDS                        -> {kind: experiment function}: the one table of the view kinds
    view(chapter_id)             -> a chapter's experiment from chapters.json as small JSON data
                                    (``export``): what the build ships and the page's "Recompute" gets
    export(kind, result)         -> an experiment's result as that data (thinned, rounded)
    reproduce_start(view=None) / reproduce_step(id, n) / reproduce_dispose(id)
                                 -> "reproduce": the course exercise (zeros, x10, He; train and test
                                    numbers), a long experiment in chunks, with its curves
    reproduce(view)              -> the same in one call (tests, the build, the CLI)

The experiments live below: ``symmetry_experiments`` (layers, stuck, optimizers, escape, eps_sweep:
a symmetric start) and ``scale_experiments`` (restarts, signal, outcomes, variance: a random start
and its scale), with what they share in ``experiment_runs``. A view (as ``presets()`` gives it)
carries ``lab``: its chapter's full run settings. Every function takes and returns JSON-friendly
data, as ``web.lab`` does. Left out: drawing (the page does that) and any text
(``content/text/<lang>.json`` holds it).
"""

import math

import numpy as np

from .. import content
from ..errors import ConfigError
from ..rules import parse_int
from ..settings.presets import chapter, ids, presets  # noqa: F401  (the chapters, for this module's callers)
from ..training.config import Member
from ..training.trainer import Trainer
from . import modern_experiments, scale_experiments, sessions, symmetry_experiments
from .experiment_runs import chapter_trainer, checked, f64

REPRODUCE_CHUNK = 5000  # steps per reproduce_step() call


# ------------------------------------------------------------------------ the reproduce chapter
def _run(id):
    return sessions.get(id, Trainer, "a running reproduce experiment")


def _reproduce_frame(rid):
    tr = _run(rid)
    R, K = tr.loss_history.shape
    test_loss, test_acc = tr.evaluate_test(tr.theta_history.reshape(R * K, -1))
    test_loss, test_acc = test_loss.reshape(R, K), test_acc.reshape(R, K)
    stopped = np.isnan(tr.loss_history)
    test_loss[stopped], test_acc[stopped] = np.nan, np.nan
    return {
        "id": rid,
        "step": tr.t,
        "inits": [m.init for m in tr.members],
        "steps": f64(tr.steps),
        "loss": f64(tr.loss_history),
        "accuracy": f64(tr.accuracy_history),
        "test_loss": f64(test_loss),
        "test_accuracy": f64(test_acc),
        "final_loss": [float(v) for v in tr.loss_history[-1]],
        "final_accuracy": [float(v) for v in tr.accuracy_history[-1]],
        "final_test_loss": [float(v) for v in test_loss[-1]],
        "final_test_accuracy": [float(v) for v in test_acc[-1]],
        "n_samples": tr.config.n_samples,
        "n_test": tr.config.n_test,
    }


def reproduce_start(view=None):
    """Create the runs of the reproduce chapter (one member per init, exact hidden widths, a test
    set of ``n_test`` samples) at step 0; an earlier reproduce experiment is dropped (one at a time).
    ``view`` None: the "reproduce" chapter's own view (what the page runs)."""
    view = checked(chapter("reproduce")["view"] if view is None else view, "reproduce")
    every = parse_int("every", view.get("every", 50), 1, 10_000)
    tr = chapter_trainer(
        view["lab"],
        [Member(init=i) for i in view["inits"]],
        hidden=view["hidden"],
        every=every,
        n_test=view.get("n_test"),
    )
    return _reproduce_frame(sessions.create(tr, per_kind=1))


def reproduce_step(id, n):
    """Advance run ``id`` by ``n`` steps (0..REPRODUCE_CHUNK); all its records so far."""
    _run(id).step(parse_int("n", n, 0, REPRODUCE_CHUNK))
    return _reproduce_frame(id)


def reproduce_dispose(id):
    sessions.dispose(id)


def reproduce(view):
    """The whole reproduce experiment in one call (for tests, the build and the CLI)."""
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
KINDS = {
    "layers": symmetry_experiments.layers,
    "stuck": symmetry_experiments.stuck,
    "optimizers": symmetry_experiments.optimizers,
    "escape": symmetry_experiments.escape,
    "eps_sweep": symmetry_experiments.eps_sweep,
    "restarts": scale_experiments.restarts,
    "signal": scale_experiments.signal,
    "outcomes": scale_experiments.outcomes,
    "variance": scale_experiments.variance,
    "reproduce": reproduce,
    "modern": modern_experiments.modern,
}
CURVE_POINTS = 101  # a shipped curve keeps about this many points (first and last included)
DIGITS = 6  # significant digits of a shipped number (the page shows at most 4)
P_DECIMALS = 3  # decimals of a shipped grid probability (restarts' maps)
GRID_POINTS = 21  # a shipped map keeps about this many grid points per axis (the page interpolates)


def view(chapter_id):
    """The experiment of chapter ``chapter_id`` (its view in ``content/chapters.json``, with the
    chapter's run settings), as JSON data (``export``): what the build ships as
    ``data/chapters/<id>-view.json`` and what the page's "Recompute" gets from the worker."""
    c = chapter(chapter_id)
    if c["view"] is None:
        raise ConfigError(
            "chapter_id",
            "must be a chapter with an experiment: "
            + ", ".join(x["id"] for x in presets()["chapters"] if x["view"]),
            chapter_id,
        )
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
    return int(x) if x.is_integer() and abs(x) < 2**53 else x


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
