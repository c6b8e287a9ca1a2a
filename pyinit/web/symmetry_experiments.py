"""The chapter experiments about a symmetric start: what zeros freeze, what they let move, and how
long a little noise takes to break the symmetry (chapters "layers", "stuck", "optimizers", "noise").

    layers(view)     -> "layers": zeros everywhere / first layer only / last only / random
    stuck(view)      -> "stuck": which layers get a gradient, step by step, from zeros
    optimizers(view) -> "optimizers": sgd, momentum, adam from zeros, constant, Xavier
    escape(view)     -> "noise": escape step from zeros + eps vs depth (build-time data)
    eps_sweep(view)  -> zeros + eps for several eps at once (one hidden layer); break step per eps
                        (no chapter's view since "noise" shows ``escape``)
    break_steps(steps, symmetry, tau) -> the break step of each member

The *break step* of a run (``eps_sweep``) is the first recorded step t at which the symmetry
measure of the hidden layer reaches a threshold: S_1(t) >= tau (``stats.symmetry``); the *escape
step* (``escape``) is the first step at which the loss is below ln 2 - delta. Every function takes a
view as ``chapters.presets()`` gives it (with ``lab``) and returns JSON-friendly data (bulk numbers
as 1-D float64 arrays, or lists where the build ships the result as data). Left out: random inits at
scale (``scale_experiments``), the reproduce chapter and the export as data (``chapters``), drawing
and text.
"""

import math

import numpy as np

from ..training import stats
from ..rules import parse_float, parse_int
from ..training.config import Member
from ..training.trainer import Trainer
from ..settings import page_state
from .experiment_runs import chapter_trainer, checked, f64, line_fit, thin, weights_moved

LAYER_CASES = ("zeros", "zeros_first", "zeros_last", "random")
LN2 = math.log(2.0)


# ----------------------------------------------------------------- "layers": which layer is zero
def layers(view):
    """Which layer is zero: per activation, four members trained together on the chapter's data --
    zeros everywhere, zeros in the first weight layer only, zeros in the last only, and random
    everywhere (random = ``page_state.RANDOM``: He for ReLUs, Xavier otherwise).

    Returns {activations, cases ["zeros", "zeros_first", "zeros_last", "random"], steps (R,) recorded
    steps, runs: [{activation, case, init (spec), final_loss, final_accuracy, distinct [H] distinct
    hidden units per layer at the end, moved (any weight changed), loss (R,)}]} (runs activation-major).
    """
    view = checked(view, "layers")
    n_steps = parse_int("steps", view.get("steps", 600), 1, 100_000)
    every = thin(n_steps)
    runs = []
    for act in view["activations"]:
        state = {**view["lab"], "activation": act}
        members = [
            page_state.member(
                case if case != "random" else page_state.RANDOM.get(act, "xavier"),
                1.0,
                0,
                None,
                state["layers"],
                act,
            )
            for case in LAYER_CASES
        ]
        tr = chapter_trainer(state, members, every=every, max_records=n_steps // every + 1)
        tr.step(n_steps)
        distinct = stats.distinct_units(tr.theta_history[-1], tr.layout)
        for k, (case, moved) in enumerate(zip(LAYER_CASES, weights_moved(tr))):
            runs.append(
                {
                    "activation": act,
                    "case": case,
                    "init": members[k].init,
                    "final_loss": float(tr.loss_history[-1, k]),
                    "final_accuracy": float(tr.accuracy_history[-1, k]),
                    "distinct": [int(d) for d in distinct[k]],
                    "moved": moved,
                    "loss": f64(tr.loss_history[:, k]),
                }
            )
    return {
        "activations": list(view["activations"]),
        "cases": list(LAYER_CASES),
        "steps": f64(tr.steps),
        "runs": runs,
    }


# ------------------------------------------------------------------------------- "stuck"
def stuck(view):
    """From all-zero weights and biases, per activation: the gradient norm of every weight layer
    and of the output bias over the first steps, the first step at which each layer's dW is not
    exactly zero (None = never within the steps), and the symmetry measure of each hidden layer.

    Returns {activations, steps (S,), layers (L), runs: [{activation, dW (S*L) = ||dW[l]||_F per
    step (row-major), db_out (S,), first_moving [L] (step or None), symmetry (S*H), loss (S,)}]}.
    """
    view = checked(view, "stuck")
    n_steps = parse_int("steps", view.get("steps", 6), 1, 200)
    runs = []
    for act in view["activations"]:
        state = {**view["lab"], "activation": act, "layers": view.get("layers", view["lab"]["layers"])}
        tr = chapter_trainer(state, [Member(init="zeros", bias_init="zeros")])
        tr.step(n_steps)
        dW = tr.grad_norms()[:, 0]  # (S, L)
        db = tr.bias_grad_norms()[:, 0]
        first = [
            int(tr.steps[np.flatnonzero(dW[:, l])[0]]) if dW[:, l].any() else None for l in range(dW.shape[1])
        ]
        runs.append(
            {
                "activation": act,
                "dW": f64(dW),
                "db_out": f64(db[:, -1]),
                "first_moving": first,
                "symmetry": f64(tr.symmetry()[:, 0]),
                "loss": f64(tr.loss_history[:, 0]),
            }
        )
    return {
        "activations": list(view["activations"]),
        "steps": f64(tr.steps),
        "layers": int(tr.layout.L),
        "hidden": int(tr.layout.L - 1),
        "runs": runs,
    }


# ------------------------------------------------------------------------------------- optimizers
def optimizers(view):
    """Optimizers don't rescue a symmetric start: per optimizer (sgd, momentum, adam; each with its
    own learning rate ``lr[opt]``, momentum ``momentum``), the members ``inits`` trained together.

    Returns {optimizers, inits, steps (R,), runs: [{optimizer, init, lr, final_loss, final_accuracy,
    max_weight: max |W| over every weight at the end, weights_zero: every weight exactly 0 at every
    recorded step, max_symmetry: max over steps and hidden layers of S, moved, loss (R,)}]}.
    """
    view = checked(view, "optimizers")
    n_steps = parse_int("steps", view.get("steps", 600), 1, 100_000)
    every = thin(n_steps)
    inits = list(view["inits"])
    runs = []
    for opt in view["optimizers"]:
        lr = view.get("lr", {}).get(opt, view["lab"]["lr"])
        state = {
            **view["lab"],
            "optimizer": opt,
            "lr": lr,
            "momentum": view.get("momentum", 0.9) if opt == "momentum" else 0,
        }
        tr = chapter_trainer(
            state, [Member(init=i) for i in inits], every=every, max_records=n_steps // every + 1
        )
        tr.step(n_steps)
        layout, theta = tr.layout, tr.theta_history
        weights = np.concatenate(
            [layout.W(theta, l).reshape(theta.shape[:2] + (-1,)) for l in range(1, layout.L + 1)], axis=-1
        )  # (R, K, weights)
        sym = tr.symmetry()
        for k, (init, moved) in enumerate(zip(inits, weights_moved(tr))):
            runs.append(
                {
                    "optimizer": opt,
                    "init": init,
                    "lr": float(lr),
                    "final_loss": float(tr.loss_history[-1, k]),
                    "final_accuracy": float(tr.accuracy_history[-1, k]),
                    "max_weight": float(np.abs(weights[-1, k]).max()),
                    "weights_zero": bool(not weights[:, k].any()),
                    "max_symmetry": float(sym[:, k].max()) if sym.shape[-1] else None,
                    "moved": moved,
                    "loss": f64(tr.loss_history[:, k]),
                }
            )
    return {"optimizers": list(view["optimizers"]), "inits": inits, "steps": f64(tr.steps), "runs": runs}


# -------------------------------------------------------------- "noise": escape from the saddle
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
    view = checked(view, "escape")
    depths = [parse_int("depth", d, 1, 4) for d in view["depths"]]
    eps = [parse_float("eps", e, 0, 1, low_open=True) for e in view["eps"]]
    delta = parse_float("delta", view.get("delta", 0.05), 0, LN2, low_open=True, high_open=True)
    budget = parse_int("steps", view.get("steps", 20_000), 1, 200_000)
    every = parse_int("every", view.get("every", 100), 1, budget)
    threshold = LN2 - delta
    base, _ = page_state.run_config(view["lab"])
    width = base.hidden[0] if base.hidden else page_state.SPEC["width"]["default"]
    base = base.replace(batch_size=None, steps=0)  # full batch: loss = full-data loss
    out = {
        "depths": depths,
        "eps": eps,
        "delta": delta,
        "threshold": threshold,
        "budget": budget,
        "width": width,
        "escape": [],
        "grad_norm": [],
        "grad_order": [],
        "fit": {},
        "power": {},
        "curve_steps": list(range(0, budget + 1, every)),
        "loss": [],
        "final_loss": [],
        "final_accuracy": [],
    }
    members = [Member(init="zeros", bias_init="zeros", perturb=e) for e in eps]
    for depth in depths:
        tr = Trainer(base.replace(hidden=(width,) * depth), members, record=False)
        gnorm = np.sqrt((tr.grad**2).sum(axis=1))
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
                out["fit"]["1"] = line_fit(x, np.array([steps[k] for k in done], dtype=np.float64))
            else:
                out["power"][str(depth)] = line_fit(x, np.log10([steps[k] for k in done]))
    return out


# ---------------------------------------------------------------------- eps sweep (no chapter's)
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
    view = checked(view, "eps_sweep")
    eps = [parse_float("eps", e, 0, 100, low_open=True) for e in view["eps"]]
    tau = parse_float("tau", view.get("tau", 0.5), 0, 1e6, low_open=True)
    n_steps = parse_int("steps", view.get("steps", 2500), 1, 100_000)
    tr = chapter_trainer(
        view["lab"],
        [Member(init="zeros", bias_init="zeros", perturb=e) for e in eps],
        max_records=n_steps + 1,
    )
    tr.step(n_steps)
    sym = tr.symmetry()[:, :, 0]  # (R, K)
    br = break_steps(tr.steps, sym, tau)
    ok = [k for k, b in enumerate(br) if b is not None]
    fit = None
    if len(ok) >= 2:
        fit = line_fit(
            np.log10(1.0 / np.array([eps[k] for k in ok])), np.array([br[k] for k in ok], dtype=np.float64)
        )
    return {
        "eps": eps,
        "tau": tau,
        "steps": f64(tr.steps),
        "symmetry": f64(sym),
        "loss": f64(tr.loss_history),
        "break_step": br,
        "fit": fit,
        "final_loss": [float(v) for v in tr.loss_history[-1]],
        "final_accuracy": [float(v) for v in tr.accuracy_history[-1]],
    }
