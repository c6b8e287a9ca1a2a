"""Browser-facing lab sessions: two (or more) runs in lock-step, stepped in chunks, as compact frames.

The page's lab shows K runs (members) of one architecture -- by default left = zeros, right =
Xavier -- trained together by one ``trainer.Trainer`` (same data, same batches). JavaScript never
holds a Python object: a session lives in ``_SESSIONS`` under an int id, and every function takes
and returns JSON-friendly data (dicts, lists, numbers, str, None) with bulk numbers as 1-D float64
numpy arrays (the worker hands those to the page as Float64Array).

    create(config)                  -> {id, meta, data, frame}      a new session at step 0
    step(id, n)                     -> frame                        n more updates
    advance(id, to_step)            -> frame                        train silently up to a step
    inspect(id, step, member)       -> numbers of one forward/backward pass at a recorded step
    landscape(id, step, member)     -> the loss on a 2-D slice through parameter space
    dispose(id)                     -> None
    precompute(config, steps)       -> the runs of a config as data (for build.py)

A *frame* carries only what the page has not seen yet: the records appended since the previous
frame, as flat arrays (R new records, K members, P parameters, H hidden layers, L weight layers)

    steps (R,)  theta (R*K*P)  grad (R*K*P)  loss (R*K)  acc (R*K)  sym (R*K*H)  gnorm (R*K*L)

plus ``step`` (the trainer's step count), ``diverged`` (per member None or {step, reason}) and
``kept``: when the recorder halved its resolution since the last frame, the steps it still holds
(the page drops the others). ``theta`` is laid out as ``network.Layout`` stores it (each W block
transposed); ``meta.layout`` says where every block is.

The lab's config is the page's: the shared fields of ``RunConfig`` plus ``members``, a list of
``{init, scale, bias}`` in the page's terms (init one of ``INITS``; ``scale`` is the number the
init needs: c, sigma, a or epsilon; ``bias`` the value every bias starts at). ``member_spec`` maps
them to ``config.Member``. Left out: anything about drawing (the page does that).
"""

import numpy as np

from ..training.config import RunConfig, Member, parse_float, parse_int
from ..errors import ConfigError
from ..core.network import inspect_step
from ..training.trainer import Trainer
from ..analysis import landscape as analysis
from ..training import stats
from .. import seeding

#: the page's init names -> how they map to pyinit's init specs
INITS = ("zeros", "constant", "normal", "uniform", "xavier", "he", "lecun", "zeros_eps")
SHARED = ("dataset", "n_samples", "noise", "hidden", "activation", "lr", "momentum", "batch_size", "seed")
MAX_RECORDS = 2000        # records kept per session (then the recorder halves its resolution) ...
RECORD_FLOATS = 1_000_000 # ... and at most this many theta floats: the page mirrors every record
MAX_CHUNK = 10_000        # steps per step() call
MAX_SESSIONS = 8          # the oldest session is dropped beyond this (a page holds one or two)
INSPECT_ROWS = 4          # sample rows shown by the inspector
FORMULA_TERMS = 3         # terms of aT.delta written out

_SESSIONS = {}
_next_id = [1]


def member_spec(m):
    """A page member {init, scale, bias} -> ``config.Member`` (validated, ConfigError on bad input)."""
    if not isinstance(m, dict):
        raise ConfigError("members", "each member must be an object {init, scale, bias}", m)
    unknown = set(m) - {"init", "scale", "bias", "label"}
    if unknown:
        raise ConfigError("members", "member keys must be among init, scale, bias, label", sorted(unknown)[0])
    init = m.get("init", "xavier")
    if init not in INITS:
        raise ConfigError("init", "must be one of " + ", ".join(INITS), init)
    scale = m.get("scale", 0.0)
    bias = parse_float("bias", m.get("bias", 0.0), -1000, 1000)
    bias_init = "zeros" if bias == 0 else f"constant:{bias!r}"
    perturb = 0.0
    if init in ("constant",):
        spec = f"constant:{parse_float('scale', scale, -1000, 1000)!r}"
    elif init in ("normal", "uniform"):
        spec = f"{init}:{parse_float('scale', scale, 0, 1000, low_open=True)!r}"
    elif init == "zeros_eps":
        spec, perturb = "zeros", parse_float("scale", scale, 0, 100, low_open=True)
    else:
        spec = init
    return Member(init=spec, bias_init=bias_init, perturb=perturb, label=m.get("label"))


def run_config(config, K=2):
    """The lab config's shared part -> ``RunConfig`` (batch_size 0 or None = full batch)."""
    if not isinstance(config, dict):
        raise ConfigError("config", "must be an object (dict)", config)
    unknown = set(config) - set(SHARED) - {"members"}
    if unknown:
        raise ConfigError("config", "keys must be among " + ", ".join(SHARED + ("members",)), sorted(unknown)[0])
    shared = {k: config[k] for k in SHARED if k in config}
    if shared.get("batch_size") in (0, None):
        shared.pop("batch_size", None)
    cfg = RunConfig.from_dict({**shared, "steps": 0, "every": 1, "max_records": MAX_RECORDS})
    P = sum((a + 1) * b for a, b in zip(cfg.sizes[:-1], cfg.sizes[1:]))
    return cfg.replace(max_records=min(MAX_RECORDS, max(100, RECORD_FLOATS // (K * P))))


def _layout_meta(layout):
    out = []
    for l in range(1, layout.L + 1):
        fan_in, fan_out = layout.sizes[l - 1], layout.sizes[l]
        # network.Layout stores W[l] transposed: element (i, j) at offset + j * fan_in + i
        out.append({"kind": "W", "layer": l, "offset": layout.w_offsets[l], "size": fan_in * fan_out,
                    "rows": fan_in, "cols": fan_out, "order": "col"})
        out.append({"kind": "b", "layer": l, "offset": layout.b_offsets[l], "size": fan_out,
                    "rows": 1, "cols": fan_out, "order": "row"})
    return out


class Session:
    """One lab: a Trainer plus what the page has already been sent."""

    def __init__(self, config):
        members = config.get("members") if isinstance(config, dict) else None
        members = members or [{"init": "zeros"}, {"init": "xavier"}]
        if not isinstance(members, list) or not 1 <= len(members) <= 16:
            raise ConfigError("members", "must be a list of 1..16 members", members)
        self.config = run_config(config, len(members))
        self.members = [member_spec(m) for m in members]
        self.trainer = Trainer(self.config, self.members)
        self.layout = self.trainer.layout
        self.sent = -1                                  # last step sent to the page
        self.stride = self.trainer.recorder.stride      # to notice halving

    def meta(self):
        tr = self.trainer
        return {"K": tr.K, "P": self.layout.P, "sizes": list(self.layout.sizes),
                "hidden": list(self.config.hidden), "activation": self.config.activation,
                "layout": _layout_meta(self.layout), "config": self.config.to_dict(),
                "members": [{"init": m.init, "bias_init": m.bias_init, "perturb": m.perturb} for m in self.members],
                "max_records": tr.recorder.capacity}

    def data(self):
        return {"X": self.trainer.X.astype(np.float64).ravel(), "y": self.trainer.y.astype(np.float64)}

    def frame(self, only_last=False):
        """The records the page has not seen (or just the latest one), as flat arrays."""
        tr, rec = self.trainer, self.trainer.recorder
        kept = None
        if rec.stride != self.stride:
            kept = rec.steps.astype(np.float64)
            self.stride = rec.stride
        steps = rec.steps
        new = np.flatnonzero(steps > self.sent)
        if only_last:
            new = new[-1:] if len(new) else np.flatnonzero(steps == steps[-1])
        theta, grad = rec.theta[new], rec.grad[new]
        gnorm = np.hypot(stats.weight_grad_norms(grad, self.layout), stats.bias_grad_norms(grad, self.layout))
        if len(steps):
            self.sent = int(steps[-1])
        return {
            "step": tr.t,
            "records": {
                "steps": steps[new].astype(np.float64),
                "theta": theta.ravel().copy(), "grad": grad.ravel().copy(),
                "loss": rec.loss[new].ravel().copy(), "acc": rec.accuracy[new].ravel().copy(),
                "sym": stats.symmetry(theta, self.layout).ravel(),
                "gnorm": gnorm.ravel(),
            },
            "kept": kept,
            "diverged": [None if d is None else {"step": int(d), "reason": r}
                         for d, r in zip(tr.diverged, tr.diverged_reason)],
        }

    def record_index(self, step):
        """Index of the record of ``step`` (ConfigError if that step is not recorded)."""
        step = parse_int("step", step, 0, 10**9)
        idx = np.flatnonzero(self.trainer.recorder.steps == step)
        if not len(idx):
            raise ConfigError("step", "must be a recorded step", step)
        return int(idx[0])


def _session(id):
    s = _SESSIONS.get(id)
    if s is None:
        raise ConfigError("id", "must be the id of an open lab session", id)
    return s


# ------------------------------------------------------------------------------------ public API
def create(config):
    """A new session at step 0: {id, meta, data: {X (2n,), y (n,)}, frame}."""
    s = Session(config)
    sid = _next_id[0]
    _next_id[0] += 1
    _SESSIONS[sid] = s
    while len(_SESSIONS) > MAX_SESSIONS:
        del _SESSIONS[min(_SESSIONS)]
    return {"id": sid, "meta": s.meta(), "data": s.data(), "frame": s.frame()}


def step(id, n=1):
    """Advance ``n`` updates (1..MAX_CHUNK); the frame of records since the last frame."""
    s = _session(id)
    s.trainer.step(parse_int("n", n, 0, MAX_CHUNK))
    return s.frame()


def advance(id, to_step):
    """Train without sending records up to ``to_step``; the frame holds only the latest record.
    Used when a live session takes over from precomputed runs the page already shows."""
    s = _session(id)
    to_step = parse_int("to_step", to_step, 0, 10**7)
    if to_step > s.trainer.t:
        s.trainer.step(to_step - s.trainer.t)
    return s.frame(only_last=True)


def dispose(id):
    """Forget a session (unknown ids are ignored)."""
    _SESSIONS.pop(id, None)


def _identical_columns(mats):
    """Groups (lists of column indices, size >= 2) of columns equal bitwise in every matrix of ``mats``."""
    stacked = np.concatenate([np.asarray(m).reshape(-1, np.shape(m)[-1]) for m in mats], axis=0)
    groups, seen = [], set()
    for j in range(stacked.shape[1]):
        if j in seen:
            continue
        same = [k for k in range(j, stacked.shape[1])
                if k not in seen and np.array_equal(stacked[:, k], stacked[:, j])]
        seen.update(same)
        if len(same) > 1:
            groups.append(same)
    return groups


def _matrix(m, rows=None):
    m = np.atleast_2d(np.asarray(m, dtype=np.float64))
    if rows is not None:
        m = m[:rows]
    return {"rows": int(m.shape[0]), "cols": int(m.shape[1]), "values": np.ascontiguousarray(m).ravel()}


def inspect(id, step, member=0, rows=INSPECT_ROWS):
    """One forward and backward pass of ``member`` at recorded ``step``, on the whole dataset.

    Per layer l = 1..L: its input ``a_in`` = a[l-1], ``z``, ``a``, ``delta`` (first ``rows`` samples),
    ``dW`` (fan_in, fan_out) and ``db`` (1, fan_out) of the mean loss, ``identical`` (groups of
    bitwise identical unit columns), and ``formula``: dW[0, 0] = (a[l-1]^T delta[l])[0, 0] / n with
    its first terms. Matrices are {rows, cols, values (row-major)}.
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
        groups = [] if l == L else _identical_columns([d["W"], d["b"][None], d["z"], d["a"], d["delta"], d["dW"], d["db"][None]])
        terms = [[float(prev_a[r, 0]), float(d["delta"][r, 0])] for r in range(min(FORMULA_TERMS, n))]
        layers.append({
            "l": l, "output": l == L,
            "a_in": _matrix(prev_a, rows), "z": _matrix(d["z"], rows), "a": _matrix(d["a"], rows),
            "delta": _matrix(d["delta"], rows), "dW": _matrix(d["dW"]), "db": _matrix(d["db"][None]),
            "identical": groups, "identical_in": prev_groups,
            "a_in_zero": bool(np.all(prev_a == 0)), "delta_zero": bool(np.all(d["delta"] == 0)),
            "formula": {"i": 0, "j": 0, "terms": terms, "n": n, "value": float(d["dW"][0, 0]),
                        "check": float(prev_a[:, 0] @ d["delta"][:, 0] / n)},
        })
        prev_a, prev_groups = d["a"], groups
    return {"step": int(step), "member": k, "m": min(rows, n), "n": n, "loss": out["loss"],
            "accuracy": out["accuracy"], "full_batch": s.config.full_batch, "layers": layers}


def landscape(id, step, member=0, n=21):
    """The loss on a 2-D slice through parameter space around recorded ``step`` of ``member``.

    theta(alpha, beta) = theta_step + alpha d1 + beta d2 with orthonormal d1, d2 chosen by
    ``analysis.plane_directions`` from the path up to ``step`` ("pca", or "pca+random" when the path
    moved along one direction only). One change for the page: when the path did not move at all
    (a zero-init tanh run), d1 is a seeded random direction in the first layer's weights and d2 one
    in all later weights, instead of two random directions through every parameter. That is the
    plane that shows why zeros are stuck: moving only one of the two leaves the output at sigmoid(b)
    for every input, so the loss is exactly flat along both axes (a critical point).
    Returns {alpha (n,), beta (n,), loss (n*n,) row-major (rows = beta), path {alpha, beta} up to
    ``step``, now [0, 0], how}. The grid spans the path with a 25 % margin, at least +-1.
    """
    s = _session(id)
    i = s.record_index(step)
    k = parse_int("member", member, 0, s.trainer.K - 1)
    n = parse_int("n", n, 5, 61)
    path = s.trainer.recorder.theta[: i + 1, k]
    path = path[np.isfinite(path).all(axis=1)]
    rng = seeding.generator(s.config.seed, seeding.DIRECTIONS)
    center, d1, d2, how = analysis.plane_directions(path, "pca", rng)
    if how == "random" and s.layout.L > 1:
        d1, d2 = np.zeros(s.layout.P), np.zeros(s.layout.P)
        first = s.layout.W(d1, 1)
        first[...] = rng.standard_normal(first.shape)
        for l in range(2, s.layout.L + 1):
            later = s.layout.W(d2, l)
            later[...] = rng.standard_normal(later.shape)
        d1, d2, how = d1 / np.linalg.norm(d1), d2 / np.linalg.norm(d2), "layers"
    pa, pb = (path - center) @ d1, (path - center) @ d2
    ha = max(1.25 * np.abs(pa).max(), 1.0)
    hb = max(1.25 * np.abs(pb).max(), 1.0)
    alpha, beta = np.linspace(-ha, ha, n), np.linspace(-hb, hb, n)
    A, B = np.meshgrid(alpha, beta)                     # rows = beta
    grid = center + A.reshape(-1, 1) * d1 + B.reshape(-1, 1) * d2
    loss = analysis.losses_at(grid, s.layout, s.config.activation, s.trainer.X, s.trainer.y)
    return {"alpha": alpha, "beta": beta, "loss": loss, "path": {"alpha": pa, "beta": pb},
            "now": [0.0, 0.0], "how": how.replace("+", "_"), "step": int(step), "member": k}


def precompute(config, steps):
    """The runs of ``config`` for ``steps`` updates, as one dict: ``meta``, ``data``, and a frame
    holding every record. build.py ships it so the page can animate before Python has loaded."""
    sid = create(config)["id"]
    try:
        s = _SESSIONS[sid]
        s.sent = -1
        s.trainer.step(parse_int("steps", steps, 0, MAX_RECORDS - 1))
        return {"meta": s.meta(), "data": s.data(), "frame": s.frame(), "steps": int(steps)}
    finally:
        dispose(sid)


#: the page's default setup (site/js/state.js defaults, as the page's lab config)
DEFAULT_CONFIG = {
    "dataset": "xor", "n_samples": 200, "noise": 0.1, "hidden": [4], "activation": "tanh",
    "lr": 0.5, "momentum": 0, "batch_size": 0, "seed": 0,
    "members": [{"init": "zeros", "scale": 0.5, "bias": 0}, {"init": "xavier", "scale": 0.5, "bias": 0}],
}
DEFAULT_STEPS = 600


def write_precomputed(out_dir, config=None, steps=DEFAULT_STEPS, name="default-run"):
    """Write ``<name>.json`` (meta, config, and where each array is) and ``<name>.bin`` (all arrays,
    float64 little-endian, concatenated) into ``out_dir``. Returns the two paths."""
    import json
    from pathlib import Path
    config = DEFAULT_CONFIG if config is None else config
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    pre = precompute(config, steps)
    arrays = {**pre["frame"]["records"], "X": pre["data"]["X"], "y": pre["data"]["y"]}
    index, parts, offset = {}, [], 0
    for key in sorted(arrays):
        a = np.ascontiguousarray(arrays[key], dtype="<f8").ravel()
        index[key] = [offset, int(a.size)]
        parts.append(a)
        offset += a.size
    head = {"format": 1, "config": config, "steps": pre["steps"], "meta": pre["meta"],
            "diverged": pre["frame"]["diverged"], "binary": f"{name}.bin", "arrays": index}
    bin_path, json_path = out_dir / f"{name}.bin", out_dir / f"{name}.json"
    bin_path.write_bytes(b"".join(p.tobytes() for p in parts))
    json_path.write_text(json.dumps(head, sort_keys=True, separators=(",", ":")) + "\n")
    return json_path, bin_path
