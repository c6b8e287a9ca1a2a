"""What every chapter experiment shares: a Trainer on a chapter's run settings, the check of a view
spec, and the small conversions of their results.

    chapter_trainer(settings, members, hidden=None, every=1, max_records=None, n_test=None,
                    record=True)  -> a Trainer on a chapter's run settings, as the lab trains them
    checked(view, kind)   -> ``view`` if it is a chapter view of that kind with its ``lab`` settings
    f64(x)                -> x as a contiguous 1-D float64 array (how bulk numbers leave Python)
    thin(n_steps)         -> a recording stride that keeps about 100 records
    weights_moved(tr)     -> per member: did any weight change from the first record to the last?
    line_fit(x, y)        -> {slope, intercept, r2} of a least-squares line
    finite(x)             -> float(x), or None for NaN/inf

A view (as ``chapters.presets()`` gives it) carries ``lab``: its chapter's full run settings, which
set the data and the shared hyper-parameters of its runs. Left out: the experiments themselves
(``symmetry_experiments``, ``scale_experiments``, and the reproduce chapter in ``chapters``).
"""

import math

import numpy as np

from ..errors import ConfigError
from ..training.trainer import Trainer
from ..settings import page_state
from . import lab


def chapter_trainer(settings, members, hidden=None, every=1, max_records=None, n_test=None, record=True):
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


def checked(view, kind):
    """``view``, if it is a chapter view of kind ``kind`` with its lab settings; else ConfigError."""
    if not isinstance(view, dict) or view.get("kind") != kind or not isinstance(view.get("lab"), dict):
        raise ConfigError("view", f"must be a chapter view of kind {kind!r} with its lab settings", view)
    return view


def f64(x):
    """``x`` as a contiguous 1-D float64 array."""
    return np.ascontiguousarray(x, dtype=np.float64).ravel()


def thin(n_steps, points=100):
    """A recording stride that keeps about ``points`` records of an ``n_steps`` run."""
    return max(1, n_steps // points)


def weights_moved(tr):
    """Per member: did any *weight* (not bias) change from step 0 to the last record?"""
    layout, first, last = tr.layout, tr.theta_history[0], tr.theta_history[-1]
    return [
        bool(any((layout.W(last[k], l) != layout.W(first[k], l)).any() for l in range(1, layout.L + 1)))
        for k in range(tr.K)
    ]


def line_fit(x, y):
    """Least-squares line y = slope x + intercept: {slope, intercept, r2}."""
    slope, intercept = np.polyfit(x, y, 1)
    ss = ((y - y.mean()) ** 2).sum()
    resid = y - (slope * x + intercept)
    return {
        "slope": float(slope),
        "intercept": float(intercept),
        "r2": float(1 - (resid**2).sum() / ss) if ss > 0 else 1.0,
    }


def finite(x):
    """``x`` as a float, or None for NaN/inf."""
    x = float(x)
    return x if math.isfinite(x) else None
