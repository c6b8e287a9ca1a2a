"""The closing chapter's experiment ("modern"): what breaks a symmetric start today, and where zeros
are used on purpose.

    modern(view) -> per case (a page init and a dropout probability), trained on the chapter's data:
                    final accuracy, whether the hidden units stayed identical (S = 0 at every
                    recorded step), whether every weight stayed exactly 0, distinct units at the end

A case is [init, dropout]: init is one of the page's inits (``page_state.member``, its number the
lab's ``left_scale``: 0.5 for constant), dropout the probability of dropping a hidden unit
(``core.dropout``). Cases with the same dropout are trained together (one Trainer per dropout value,
so their masks are the same draws). Returns JSON-friendly data. Left out: the residual, LoRA and
output-bias facts of the chapter (checked by tests on small numpy models, see docs/claims.md).
"""

import numpy as np

from ..training import stats
from ..rules import parse_float, parse_int
from ..settings import page_state
from .experiment_runs import chapter_trainer, checked, f64, thin


def modern(view):
    """Symmetry under dropout and zeros on purpose, one row per case of ``view["cases"]``.

    Returns {steps (R,), cases: [[init, dropout]], runs: [{init, dropout, final_loss,
    final_accuracy, identical (S = 0 at every recorded step), weights_zero (every weight exactly 0
    at every recorded step), distinct (distinct hidden units of layer 1 at the end), loss (R,)}]}.
    """
    view = checked(view, "modern")
    n_steps = parse_int("steps", view.get("steps", 600), 1, 100_000)
    every = thin(n_steps)
    lab = view["lab"]
    cases = [(str(init), parse_float("dropout", p, 0, 0.9)) for init, p in view["cases"]]
    runs = {}
    for p in sorted({p for _, p in cases}):
        inits = [init for init, q in cases if q == p]
        members = [
            page_state.member(i, lab["left_scale"], 0, None, lab["layers"], lab["activation"]) for i in inits
        ]
        tr = chapter_trainer({**lab, "dropout": p}, members, every=every, max_records=n_steps // every + 1)
        tr.step(n_steps)
        layout, theta = tr.layout, tr.theta_history
        weights = np.concatenate(
            [layout.W(theta, l).reshape(theta.shape[:2] + (-1,)) for l in range(1, layout.L + 1)], axis=-1
        )
        sym = tr.symmetry()
        for k, init in enumerate(inits):
            runs[(init, p)] = {
                "init": init,
                "dropout": p,
                "final_loss": float(tr.loss_history[-1, k]),
                "final_accuracy": float(tr.accuracy_history[-1, k]),
                "identical": bool((sym[:, k] == 0).all()),
                "weights_zero": bool(not weights[:, k].any()),
                "distinct": int(stats.distinct_units(theta[-1:, k], layout)[0, 0]),
                "loss": f64(tr.loss_history[:, k]),
            }
        steps = f64(tr.steps)
    return {"steps": steps, "cases": [list(c) for c in cases], "runs": [runs[c] for c in cases]}
