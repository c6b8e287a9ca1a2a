"""The browser-facing (and CLI-facing) functions: JSON-friendly in, JSON-friendly out.

Every function takes plain data (dicts, lists, numbers, strings) and returns plain data -- dicts,
lists, floats, ints, str, None -- so the Pyodide worker never keeps a Python object between calls.
Bad input raises ``pyinit.errors.ConfigError`` with a one-line message, and so does a request beyond
the budgets of memory and time (``training.trainer.check_budget``, ``analysis.signal.check_budget``,
and for ``landscape`` its grid of resolution^2 parameter vectors), before any work. Non-finite
floats are returned as None (JSON has no NaN/inf). A ``RunConfig`` (not a dict) may carry callable
inits (``initializers``); the returned ``config`` shows them as "python".

    version()                         -> {"pyinit", "numpy", "python"}
    run(config)                       -> the JSON printed by ``python -m pyinit run``
    signal(config)                    -> the JSON printed by ``python -m pyinit signal``
    signal_table(config)              -> the same for every (activation, init) pair
    inspect(config, step=0, member=0) -> every intermediate of one forward/backward pass at a step
    landscape(config, resolution=41, directions="pca", member=0) -> loss on a 2-D slice + path

``config`` for ``run``/``inspect``/``landscape`` is a ``RunConfig`` dict (missing keys take the
defaults); ``inspect`` and ``landscape`` also accept ``members``: a list of ``Member`` dicts.
Stateful, incremental sessions for the page live in ``pyinit.web.lab``, not here.
"""

import platform

import numpy as np

from . import __version__
from .analysis.landscape import landscape as _landscape
from .analysis.signal import signal_propagation, signal_table as _signal_table, SIGNAL_INITS
from .training.config import RunConfig, Member, MAX_STEPS, MEMORY_BUDGET_BYTES
from .errors import ConfigError
from . import rules
from .rules import parse_int
from .training.trainer import Trainer, check_budget, WORK_BUDGET
from .core.initializers import label

SIGNAL_DEFAULTS = rules.defaults("signal")


def version():
    """Versions of pyinit, numpy and Python."""
    return {"pyinit": __version__, "numpy": np.__version__, "python": platform.python_version()}


def tolist(x):
    """A numpy array (or number) as nested lists with None for non-finite values."""
    arr = np.asarray(x)
    if arr.dtype.kind == "f" and not np.isfinite(arr).all():
        arr = np.where(np.isfinite(arr), arr, None)
    return arr.tolist()


def _config(config):
    if isinstance(config, RunConfig):
        return config, None
    if not isinstance(config, dict):
        raise ConfigError("config", "must be an object (dict)", config)
    config = dict(config)
    members = config.pop("members", None)
    if members is not None and not isinstance(members, (list, tuple)):
        raise ConfigError("members", "must be a list of member objects", members)
    return RunConfig.from_dict(config), members


def run(config):
    """Train one network as configured and return everything recorded.

    Keys: ``config`` (resolved), ``X`` (n x d: 2, or 64 for digits), ``y`` (n), ``steps`` (R recorded
    step numbers, 0 first), ``loss``, ``accuracy`` (R), ``weights`` (per layer [R][fan_in][fan_out]),
    ``biases`` (per layer [R][fan_out]), ``grad_norms`` and ``bias_grad_norms`` ([R][L]: ||dW[l]||_F,
    ||db[l]||), ``symmetry`` ([R][L-1], see ``stats``), ``activation_mean``, ``activation_std``
    ([R][L]), ``dead_units`` ([R][L-1] for relu, else None), ``diverged`` (None or the step),
    ``diverged_reason``, ``test_loss``, ``test_accuracy`` (R: on the held-out test set of ``n_test``
    samples, never trained on), ``final`` ({step, loss, accuracy, test_loss, test_accuracy} at the last
    recorded step).
    """
    cfg, _ = _config(config)
    check_budget(cfg)
    trainer = Trainer(cfg)
    trainer.step(cfg.steps)
    L = trainer.layout.L
    act = trainer.activation_stats()
    loss, acc = trainer.loss_history[:, 0], trainer.accuracy_history[:, 0]
    test_loss, test_acc = trainer.evaluate_test(trainer.theta_history[:, 0])
    stopped = np.isnan(loss)  # after a divergence, as loss_history
    test_loss[stopped], test_acc[stopped] = np.nan, np.nan
    return {
        "config": cfg.to_dict(),
        "X": tolist(trainer.X),
        "y": tolist(trainer.y),
        "steps": tolist(trainer.steps),
        "loss": tolist(loss),
        "accuracy": tolist(acc),
        "weights": [tolist(trainer.weights(l)[:, 0]) for l in range(1, L + 1)],
        "biases": [tolist(trainer.biases(l)[:, 0]) for l in range(1, L + 1)],
        "grad_norms": tolist(trainer.grad_norms()[:, 0]),
        "bias_grad_norms": tolist(trainer.bias_grad_norms()[:, 0]),
        "symmetry": tolist(trainer.symmetry()[:, 0]),
        "activation_mean": tolist(act["mean"][:, 0]),
        "activation_std": tolist(act["std"][:, 0]),
        "dead_units": None if act["dead"] is None else tolist(act["dead"][:, 0]),
        "diverged": trainer.diverged[0],
        "diverged_reason": trainer.diverged_reason[0],
        "test_loss": tolist(test_loss),
        "test_accuracy": tolist(test_acc),
        "final": {
            "step": int(trainer.steps[-1]),
            "loss": tolist(loss[-1]),
            "accuracy": tolist(acc[-1]),
            "test_loss": tolist(test_loss[-1]),
            "test_accuracy": tolist(test_acc[-1]),
        },
    }


def signal(config=None):
    """Signal propagation at initialisation (``analysis.signal_propagation``).

    ``config`` keys (all optional): depth, width, activation, init, n_samples, seed.
    Returns ``config`` (resolved) and one value per layer, first layer first: ``activation_std``,
    ``activation_mean``, ``gradient_std`` (std of dL/dz), ``weight_gradient_std``.
    """
    config = {} if config is None else config
    if not isinstance(config, dict):
        raise ConfigError("config", "must be an object (dict)", config)
    for key in config:
        if key not in SIGNAL_DEFAULTS:
            raise ConfigError("config", "keys must be among " + ", ".join(SIGNAL_DEFAULTS), key)
    cfg = {**SIGNAL_DEFAULTS, **config}
    result = signal_propagation(**cfg)
    cfg["depth"], cfg["width"] = int(cfg["depth"]), int(cfg["width"])
    cfg["n_samples"], cfg["seed"] = int(cfg["n_samples"]), int(cfg["seed"])
    cfg["init"] = label(cfg["init"])
    return {"config": cfg, **{k: tolist(v) for k, v in result.items()}}


def signal_table(config=None):
    """Signal propagation for every (activation, init) pair at once.

    ``config`` keys (all optional): depth, width, n_samples, seed, ``activations`` (list, default
    all), ``inits`` (list, default zeros, normal:0.01, normal:1, xavier, he, lecun).
    Returns ``config`` (resolved) and ``table``: activation -> init -> the lists of ``signal``.
    """
    config = {} if config is None else config
    if not isinstance(config, dict):
        raise ConfigError("config", "must be an object (dict)", config)
    allowed = ("depth", "width", "n_samples", "seed", "activations", "inits")
    for key in config:
        if key not in allowed:
            raise ConfigError("config", "keys must be among " + ", ".join(allowed), key)
    cfg = {
        **{k: SIGNAL_DEFAULTS[k] for k in ("depth", "width", "n_samples", "seed")},
        "activations": None,
        "inits": list(SIGNAL_INITS),
        **config,
    }
    table = _signal_table(**cfg)
    cfg["activations"] = list(table)
    return {"config": cfg, "table": table}


def _trainer_at(config, step):
    cfg, members = _config(config)
    step = parse_int("step", step, 0, MAX_STEPS)
    members = (
        None if members is None else [Member.from_dict(m) if isinstance(m, dict) else m for m in members]
    )
    check_budget(cfg.replace(steps=step), 1 if members is None else max(1, len(members)))
    trainer = Trainer(cfg, members, record=True)
    trainer.step(step)
    return trainer


def inspect(config, step=0, member=0):
    """The step inspector: train to ``step``, then one forward and backward pass on all the data.

    Returns ``step`` (reached; smaller if the run diverged), ``loss``, ``accuracy``, ``X``, ``y``,
    and ``layers``: per layer l = 1..L a dict of ``W`` [fan_in][fan_out], ``b`` [fan_out], ``z``,
    ``a``, ``delta`` [n][fan_out] (delta per sample; delta[L] = a - y) and the mean-loss
    gradients ``dW`` [fan_in][fan_out], ``db`` [fan_out].
    """
    trainer = _trainer_at(config, step)
    member = parse_int("member", member, 0, trainer.K - 1)
    result = trainer.inspect(member)
    return {
        "step": trainer.t,
        "loss": tolist(result["loss"]),
        "accuracy": tolist(result["accuracy"]),
        "X": tolist(trainer.X),
        "y": tolist(trainer.y),
        "layers": [{k: tolist(v) for k, v in layer.items()} for layer in result["layers"]],
    }


def landscape(config, resolution=41, directions="pca", member=0):
    """Train as configured, then the loss on a 2-D slice around the trajectory (``analysis``).

    Returns ``method``, ``alphas`` (G), ``betas`` (G), ``loss`` [G][G] (row i at betas[i]),
    ``path`` [R][2], ``steps`` (R), ``center_step``.
    """
    cfg, _ = _config(config)
    G = parse_int("resolution", resolution, 3, 201)
    P = sum((a + 1) * b for a, b in zip(cfg.sizes[:-1], cfg.sizes[1:]))
    need = 24 * G * G * P  # the grid of G^2 parameter vectors (and temporaries)
    if need > MEMORY_BUDGET_BYTES or G * G * cfg.n_samples * P > WORK_BUDGET:
        raise ConfigError(
            "resolution, hidden",
            f"together must fit the budgets of {MEMORY_BUDGET_BYTES / 2**20:.0f} "
            f"MB (24 bytes x resolution^2 x P) and {WORK_BUDGET:.0e} multiply-adds (resolution^2 "
            f"x n_samples x P); P = {P} parameters, this slice would need {need / 2**20:,.0f} MB",
            {"resolution": G, "hidden": list(cfg.hidden)},
        )
    trainer = _trainer_at(config, cfg.steps)
    result = _landscape(trainer, member=member, resolution=G, directions=directions)
    result.pop("d1"), result.pop("d2")
    return {k: (v if isinstance(v, (str, int)) else tolist(v)) for k, v in result.items()}
