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

``settings`` are the page's settings (``settings.page_state``: what they mean and how they are
checked). A side whose init is python needs ``inits``: the arrays its code made in the page's
sandbox, for what ``init_plan`` named (``settings.code_arrays``); the reader's code never runs here.
A *frame* carries what the page has not seen yet: the records appended since the
previous frame as flat arrays, plus ``step``, ``kept``, ``provisional``, ``diverged`` and
``limit``, in the frame format of ``content/frames.json`` (``RECORDS``: each array's name, size
per record and dtype; its thinning rule is the recorder's halving and provisional tail, so the
shown step is always the trained step). ``meta.records`` gives the page each array's size per
record; ``theta`` is laid out as ``network.Layout`` stores it (each W block transposed) and
``meta.layout`` says where every block is. Left out: anything about drawing (the page does that).

Image data (``digits``: 64 inputs, 10 classes; the page's settings do not offer it yet, a ``Session``
of a ``RunConfig`` does): ``loss`` and ``acc`` are measured on the fixed test set (``meta.scored_on``
is "test"; the 2-D toys: "data", the training data), which is 4 times smaller than the training set,
so a recorded step costs about three training steps instead of nine. Unit j's 64 incoming weights,
an 8 x 8 image, are ``theta``'s 64 numbers from ``meta.layout``'s W[1] offset + 64 j (so the frames
need nothing more for the weight images), ``meta.images`` has the image shape, the number of
classes and the grid of G = 20 test digits (``analysis.digit_panels``: 2 per class, X (G*64), y (G)),
and the frame array ``grid_pred`` (``frames.json``: only for image data) the class each member gives
each grid digit at each record. The input-plane views do not apply to 64-D inputs
(``core.datasets.require_plane`` refuses them by name).
"""

import numpy as np

from ..analysis import digit_panels
from ..analysis.landscape import loss_slice
from ..core.datasets import PLANE
from ..core.network import inspect_step
from ..errors import ConfigError
from ..rules import parse_int, section
from ..settings import page_state
from ..training import stats
from ..training.trainer import Trainer
from .. import content, seeding
from . import sessions

MAX_RECORDS = 2000  # records kept per session (then the recorder halves its resolution) ...
RECORD_FLOATS = 1_000_000  # ... and at most this many theta floats: the page mirrors every record
MAX_CHUNK = 10_000  # steps per step() call
MAX_STEPS = section("settings")["step"]["max"]  # a session stops at the page's last step
FORMAT = content.load("frames.json")
RECORDS = FORMAT["records"]  # the frame's arrays: name, per_record dimensions, dtypes
DATA = FORMAT["data"]  # the data's arrays (X, y)
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


def record_sizes(K, layout, images=False):
    """Each frame array's numbers per record (``RECORDS``' per_record dimensions): {name: size}; the
    arrays marked ``images_only`` only for image data."""
    dims = {
        "K": K,
        "P": layout.P,
        "H": layout.L - 1,
        "L": layout.L,
        "G": digit_panels.GRID_PER_CLASS * digit_panels.digits.N_CLASSES,
    }
    return {
        f["name"]: int(np.prod([dims[d] for d in f["per_record"]]))
        for f in RECORDS
        if images or not f.get("images_only")
    }


def record_arrays(trainer, idx, grid=None, workspaces=None):
    """The frame arrays of the records ``idx`` of a trainer, in ``RECORDS``' order, as it says;
    ``grid``: the (X, y) of the test digits whose predicted classes go in ``grid_pred`` (image data
    only; ``workspaces``: the buffers of that forward pass, kept by the caller)."""
    rec, layout = trainer.recorder, trainer.layout
    theta, grad = rec.theta[idx], rec.grad[idx]
    gnorm = np.hypot(stats.weight_grad_norms(grad, layout), stats.bias_grad_norms(grad, layout))
    arrays = {
        "steps": rec.steps[idx],
        "theta": theta,
        "grad": grad,
        "loss": rec.loss[idx],
        "acc": rec.accuracy[idx],
        "sym": stats.symmetry(theta, layout),
        "gnorm": gnorm,
        "distinct": stats.distinct_units(theta, layout),
    }
    if grid is not None:
        arrays["grid_pred"] = digit_panels.predict(theta, layout, trainer.activation, grid[0], workspaces)
    names = [f["name"] for f in RECORDS if grid is not None or not f.get("images_only")]
    assert list(arrays) == names
    return {
        f["name"]: np.asarray(arrays[f["name"]], dtype=f["live"]).ravel()
        for f in RECORDS
        if f["name"] in names
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
        plane = config.dataset in PLANE
        self.trainer = Trainer(self.config, self.members, score="data" if plane else "test")
        self.grid = None if plane else digit_panels.grid()
        self._grid_workspaces = {}
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
            "records": [
                {"name": n, "size": size}
                for n, size in record_sizes(tr.K, self.layout, self.grid is not None).items()
            ],
            "max_records": tr.recorder.capacity,
            "max_steps": MAX_STEPS,
            "scored_on": tr.score,
            "images": None
            if self.grid is None
            else {
                "shape": list(digit_panels.digits.IMAGE_SHAPE),
                "classes": self.layout.sizes[-1],
                "grid_X": self.grid[0].ravel(),
                "grid_y": self.grid[1].astype(np.float64),
            },
        }

    def data(self):
        arrays = {"X": self.trainer.X, "y": self.trainer.y}
        return {f["name"]: np.asarray(arrays[f["name"]], dtype=f["live"]).ravel() for f in DATA}

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
            "records": record_arrays(tr, new, self.grid, self._grid_workspaces),
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
