"""Lab sessions for the page: K = 2 runs (left, right) in lock-step, stepped in chunks, sent as frames.

The page's lab shows two runs of one architecture -- by default left = zeros, right = Xavier --
trained together by one ``training.Trainer`` (same data, same batches). A session lives in the
``sessions`` registry under an int id; every function takes and returns JSON-friendly data with
bulk numbers as 1-D float64 numpy arrays (the worker hands those to the page as Float64Array).

    init_plan(settings)            -> {code key: {sizes, seed}}  what each python side's code must make
    create(settings=None, inits=None) -> {id, meta, data, frame} a new session at step 0
    step(id, n)                        -> frame                     n more updates
    advance(id, to_step)               -> frame                     train silently up to a step
    inspect(id, step, member)          -> one forward/backward pass at a recorded step, in numbers
    landscape(id, step, member)        -> the loss on a 2-D slice through parameter space
    dispose(id)                        -> None

``settings`` are the page's settings (``page_state``: what they mean and how they are checked).
A side whose init is python needs ``inits``: the arrays its code made in the page's sandbox, for
what ``init_plan`` named (``code_arrays``); the reader's code never runs here.
A *frame* carries what the page has not seen yet: the records appended since the previous frame,
as flat arrays (R new records, K members, P parameters, H hidden layers, L weight layers)

    steps (R,)  theta (R*K*P)  grad (R*K*P)  loss (R*K)  acc (R*K)  sym (R*K*H)  gnorm (R*K*L)
    distinct (R*K*H)

plus ``step`` (the trainer's step count), ``diverged`` (per member None or {step, reason}),
``kept`` (when the recorder halved its resolution since the last frame: the steps it still holds;
the page drops the others), ``provisional`` (True when the last record is the current step kept
only until the next frame: the recorder's provisional tail, so the shown step is always the
trained step) and ``limit`` (None, or why the session stopped on purpose: "max_steps" once it
reached ``MAX_STEPS``). ``sym`` is ``stats.symmetry``, ``gnorm`` sqrt(||dW||^2 + ||db||^2) per
layer, ``distinct`` the number of distinct units per hidden layer (``stats.distinct_units``, exact
in float64). ``theta`` is laid out as ``network.Layout`` stores it (each W block transposed);
``meta.layout`` says where every block is. Left out: anything about drawing (the page does that).
"""

import numpy as np

from ..analysis.landscape import loss_slice
from ..core.network import inspect_step
from ..errors import ConfigError
from ..training import stats
from ..training.config import parse_int
from ..training.trainer import Trainer
from .. import seeding
from . import page_state, sessions

MAX_RECORDS = 2000  # records kept per session (then the recorder halves its resolution) ...
RECORD_FLOATS = 1_000_000  # ... and at most this many theta floats: the page mirrors every record
MAX_CHUNK = 10_000  # steps per step() call
MAX_STEPS = 1_000_000  # a session stops here (the page's step setting has the same maximum)
INSPECT_ROWS = 4  # sample rows shown by the inspector
FORMULA_TERMS = 3  # terms of aT.delta written out


def session_config(config, K):
    """A run's ``RunConfig`` as a lab session trains it: stepped (steps 0), every step recorded,
    records bounded by ``MAX_RECORDS`` and ``RECORD_FLOATS``."""
    P = sum((a + 1) * b for a, b in zip(config.sizes[:-1], config.sizes[1:]))
    return config.replace(steps=0, every=1, max_records=min(MAX_RECORDS, max(100, RECORD_FLOATS // (K * P))))


def layout_meta(layout):
    """Where each W[l] and b[l] block sits in the flat parameter vector."""
    out = []
    for l in range(1, layout.L + 1):
        fan_in, fan_out = layout.sizes[l - 1], layout.sizes[l]
        # network.Layout stores W[l] transposed: element (i, j) at offset + j * fan_in + i
        out.append(
            {
                "kind": "W",
                "layer": l,
                "offset": layout.w_offsets[l],
                "size": fan_in * fan_out,
                "rows": fan_in,
                "cols": fan_out,
                "order": "col",
            }
        )
        out.append(
            {
                "kind": "b",
                "layer": l,
                "offset": layout.b_offsets[l],
                "size": fan_out,
                "rows": 1,
                "cols": fan_out,
                "order": "row",
            }
        )
    return out


def record_arrays(trainer, idx):
    """The frame arrays of the records ``idx`` of a trainer (see the module docstring)."""
    rec, layout = trainer.recorder, trainer.layout
    theta, grad = rec.theta[idx], rec.grad[idx]
    gnorm = np.hypot(stats.weight_grad_norms(grad, layout), stats.bias_grad_norms(grad, layout))
    return {
        "steps": rec.steps[idx].astype(np.float64),
        "theta": theta.ravel(),
        "grad": grad.ravel(),
        "loss": rec.loss[idx].ravel(),
        "acc": rec.accuracy[idx].ravel(),
        "sym": stats.symmetry(theta, layout).ravel(),
        "gnorm": gnorm.ravel(),
        "distinct": stats.distinct_units(theta, layout).astype(np.float64).ravel(),
    }


def diverged(trainer):
    return [
        None if d is None else {"step": int(d), "reason": r}
        for d, r in zip(trainer.diverged, trainer.diverged_reason)
    ]


class Session:
    """One lab: a Trainer of the page's two runs plus what the page has already been sent."""

    def __init__(self, config, members):
        self.config = session_config(config, len(members))
        self.members = list(members)
        self.trainer = Trainer(self.config, self.members)
        self.layout = self.trainer.layout
        self.sent = -1  # last permanent record's step sent
        self.stride = self.trainer.recorder.stride  # to notice halving

    @classmethod
    def from_settings(cls, settings=None, inits=None, run_code_here=False):
        return cls(*page_state.run_config(settings, inits, run_code_here))

    def meta(self):
        tr = self.trainer
        return {
            "K": tr.K,
            "P": self.layout.P,
            "sizes": list(self.layout.sizes),
            "hidden": list(self.config.hidden),
            "activation": self.config.activation,
            "layout": layout_meta(self.layout),
            "config": self.config.to_dict(),
            "members": [{k: m.to_dict()[k] for k in ("init", "bias_init", "perturb")} for m in self.members],
            "max_records": tr.recorder.capacity,
            "max_steps": MAX_STEPS,
        }

    def data(self):
        return {"X": self.trainer.X.astype(np.float64).ravel(), "y": self.trainer.y.astype(np.float64)}

    def train(self, n):
        """n more steps (fewer at ``MAX_STEPS``); then the current step is the last record."""
        self.trainer.step(min(n, MAX_STEPS - self.trainer.t))
        self.trainer.record_tail()

    def frame(self, only_last=False):
        """The records the page has not seen (or just the latest one), as flat arrays."""
        tr, rec = self.trainer, self.trainer.recorder
        kept = None
        if rec.stride != self.stride:
            kept = rec.steps.astype(np.float64)
            self.stride = rec.stride
        if only_last:
            new = np.arange(max(0, rec.size - 1), rec.size)
            sent = rec.steps[-1] if rec.size else -1
        else:
            new = np.flatnonzero(rec.steps > self.sent)
            sent = rec.steps[rec.count - 1] if rec.count else -1  # (a provisional tail is sent again)
        self.sent = max(self.sent, int(sent))
        return {
            "step": tr.t,
            "records": record_arrays(tr, new),
            "kept": kept,
            "diverged": diverged(tr),
            "provisional": bool(rec.tail),
            "limit": "max_steps" if tr.t >= MAX_STEPS else None,
        }

    def record_index(self, step):
        """Index of the record of ``step`` (ConfigError if that step is not recorded)."""
        step = parse_int("step", step, 0, MAX_STEPS)
        idx = np.flatnonzero(self.trainer.recorder.steps == step)
        if not len(idx):
            raise ConfigError("step", "must be a recorded step", step)
        return int(idx[0])


def _session(id):
    return sessions.get(id, Session, "an open lab session")


# ------------------------------------------------------------------------------------ public API
def init_plan(settings=None):
    """What the code of each side whose init is python must make in the page's sandbox: {"code" /
    "code_right": {"sizes": [...], "seed": int}} (``page_state.init_plan``)."""
    return page_state.init_plan(settings)


def create(settings=None, inits=None):
    """A new session at step 0 for the page's ``settings`` (``page_state``; the default setup if
    None) and the arrays of its python sides (``inits``, see ``code_arrays``): {id, meta, data:
    {X (2n,), y (n,)}, frame}."""
    s = Session.from_settings(settings, inits)
    sid = sessions.create(s)
    return {"id": sid, "meta": s.meta(), "data": s.data(), "frame": s.frame()}


def step(id, n=1):
    """Advance ``n`` updates (0..MAX_CHUNK); the frame of records since the last frame."""
    s = _session(id)
    s.train(parse_int("n", n, 0, MAX_CHUNK))
    return s.frame()


def advance(id, to_step):
    """Train without sending records up to ``to_step``; the frame holds only the latest record (of
    step ``to_step``). Used when a live session takes over from precomputed runs the page shows."""
    s = _session(id)
    to_step = parse_int("to_step", to_step, 0, MAX_STEPS)
    s.train(max(0, to_step - s.trainer.t))
    return s.frame(only_last=True)


def dispose(id):
    """Forget a session (unknown ids are ignored)."""
    sessions.dispose(id)


def _matrix(m, rows=None):
    m = np.atleast_2d(np.asarray(m, dtype=np.float64))
    if rows is not None:
        m = m[:rows]
    return {"rows": int(m.shape[0]), "cols": int(m.shape[1]), "values": np.ascontiguousarray(m).ravel()}


def inspect(id, step, member=0, rows=INSPECT_ROWS):
    """One forward and backward pass of ``member`` at recorded ``step``, on the whole dataset
    (``network.inspect_step``).

    Per layer l = 1..L: its input ``a_in`` = a[l-1], ``z``, ``a``, ``delta`` (first ``rows`` samples),
    ``dW`` (fan_in, fan_out) and ``db`` (1, fan_out) of the mean loss, ``identical`` (groups of
    bitwise identical unit columns, ``stats.identical_columns``), and ``formula``: dW[0, 0] =
    (a[l-1]^T delta[l])[0, 0] / n with its first terms. Matrices are {rows, cols, values (row-major)}.
    """
    s = _session(id)
    i = s.record_index(step)
    k = parse_int("member", member, 0, s.trainer.K - 1)
    rows = parse_int("rows", rows, 1, 16)
    theta = s.trainer.recorder.theta[i, k]
    out = inspect_step(s.layout.unpack(theta), s.trainer.X, s.trainer.y, s.config.activation)
    X = s.trainer.X
    n = X.shape[0]
    layers, prev_a, prev_groups = [], X, []
    L = s.layout.L
    for l, d in enumerate(out["layers"], start=1):
        groups = (
            []
            if l == L
            else stats.identical_columns(
                [d["W"], d["b"][None], d["z"], d["a"], d["delta"], d["dW"], d["db"][None]]
            )
        )
        terms = [[float(prev_a[r, 0]), float(d["delta"][r, 0])] for r in range(min(FORMULA_TERMS, n))]
        layers.append(
            {
                "l": l,
                "output": l == L,
                "a_in": _matrix(prev_a, rows),
                "z": _matrix(d["z"], rows),
                "a": _matrix(d["a"], rows),
                "delta": _matrix(d["delta"], rows),
                "dW": _matrix(d["dW"]),
                "db": _matrix(d["db"][None]),
                "identical": groups,
                "identical_in": prev_groups,
                "a_in_zero": bool(np.all(prev_a == 0)),
                "delta_zero": bool(np.all(d["delta"] == 0)),
                "formula": {
                    "i": 0,
                    "j": 0,
                    "terms": terms,
                    "n": n,
                    "value": float(d["dW"][0, 0]),
                    "check": float(prev_a[:, 0] @ d["delta"][:, 0] / n),
                },
            }
        )
        prev_a, prev_groups = d["a"], groups
    return {
        "step": int(step),
        "member": k,
        "m": min(rows, n),
        "n": n,
        "loss": out["loss"],
        "accuracy": out["accuracy"],
        "full_batch": s.config.full_batch,
        "layers": layers,
    }


def landscape(id, step, member=0, n=21):
    """The loss on a 2-D slice through parameter space around recorded ``step`` of ``member``
    (``analysis.landscape.loss_slice`` of the path up to ``step``, with the "layers" plane for a
    path that never moved, such as a zero-init tanh run).

    Returns {alpha (n,), beta (n,), loss (n*n,) row-major (rows = beta), path {alpha, beta} up to
    ``step``, now [0, 0], how ("pca", "pca_random", "layers" or "random"), step, member}.
    """
    s = _session(id)
    i = s.record_index(step)
    k = parse_int("member", member, 0, s.trainer.K - 1)
    n = parse_int("n", n, 5, 61)
    path = s.trainer.recorder.theta[: i + 1, k]
    path = path[np.isfinite(path).all(axis=1)]
    out = loss_slice(
        path,
        s.layout,
        s.config.activation,
        s.trainer.X,
        s.trainer.y,
        n,
        "pca",
        seeding.generator(s.config.seed, seeding.DIRECTIONS),
        layers=True,
    )
    return {
        "alpha": out["alphas"],
        "beta": out["betas"],
        "loss": out["loss"].ravel(),
        "path": {"alpha": out["path"][:, 0].copy(), "beta": out["path"][:, 1].copy()},
        "now": [0.0, 0.0],
        "how": out["method"].replace("+", "_"),
        "step": int(step),
        "member": k,
    }
