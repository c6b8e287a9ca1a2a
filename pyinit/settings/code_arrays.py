"""The arrays the reader's code made in the page's sandbox, checked again and used as a side's init.

The page never runs the reader's code in this worker. For a side whose init is ``python`` it asks
``lab.init_plan`` what the code must make (the net's layer ``sizes`` and that side's init ``seed``),
runs ``training.user_code.initial_arrays`` in its sandbox (``site/js/sandbox/``: a separate Python
in an opaque-origin iframe) and hands what came back to ``lab.create`` as ``inits``:

    {"code": {"W": [W of layer 1, ...], "b": [b of layer 1, ...] or None}, "code_right": {...}}

each W flat in row-major order (fan_in * fan_out numbers), each b flat (fan_out numbers); "b" is
None when the code defines no ``bias`` (the side's bias setting applies). Nothing from the sandbox
is trusted: ``given_layers`` checks the structure, the count, the type, finiteness and size (at
most ``MAX_ABS_VALUE``) of every number, naming the setting; ``core.initializers.call_init`` and
``call_bias`` check them once more when the trainer takes them, as for any callable init.

    plan(config, seed)                           -> {"sizes": [...], "seed": int}
    given_layers(value, param, sizes)            -> (W callables per layer, b callables or None)

A ``GivenArray`` is a callable init (or bias) that returns one fixed array, labelled "python".
Left out: running code (``training.user_code``), and the settings (``page_state``).
"""

import numpy as np

from ..core.initializers import MAX_ABS_VALUE
from ..errors import ConfigError

KEYS = ("W", "b")


def plan(config, seed):
    """What a side's code must make: the layer sizes of ``config`` and that side's init seed."""
    return {"sizes": [int(n) for n in config.sizes], "seed": int(seed)}


class GivenArray:
    """An init ``(fan_in, fan_out, rng) -> W`` or bias ``(fan_out, rng) -> b`` that returns one fixed
    array (made by the reader's code in the sandbox); its caller checks the shape. Equal when the
    arrays are equal bitwise."""

    label = "python"

    def __init__(self, array):
        self.array = np.array(array, dtype=np.float64)
        self.array.flags.writeable = False

    def __call__(self, *args):
        return self.array

    def __eq__(self, other):
        return isinstance(other, GivenArray) and np.array_equal(self.array, other.array)

    def __hash__(self):
        return hash((self.array.shape, self.array.tobytes()))

    def __repr__(self):
        return f"<GivenArray {self.array.shape}>"


def _numbers(item, count, param, what):
    """One flat list of ``count`` numbers as float64, or ConfigError."""
    raw = np.asarray(item) if isinstance(item, (list, tuple)) else None
    if raw is None or raw.ndim != 1 or raw.dtype.kind not in "iuf" or raw.size != count:
        got = f"{len(item)} items" if isinstance(item, (list, tuple)) else type(item).__name__
        raise ConfigError(param, f"{what} must be a list of {count} numbers from the sandbox", got)
    values = raw.astype(np.float64)
    bad = int(np.count_nonzero(~np.isfinite(values)))
    if bad:
        raise ConfigError(param, f"{what} must hold finite numbers only", f"{bad} not finite (nan or inf)")
    big = float(np.max(np.abs(values), initial=0.0))
    if big > MAX_ABS_VALUE:
        raise ConfigError(param, f"{what} must hold numbers of size at most {MAX_ABS_VALUE:g}", big)
    return values


def given_layers(value, param, sizes):
    """The checked per-layer callables of one side's arrays (see the module docstring):
    (tuple of W ``GivenArray``s, tuple of b ``GivenArray``s or None)."""
    if not isinstance(value, dict) or set(value) != set(KEYS):
        raise ConfigError(
            param,
            "must come with the arrays your code made in the sandbox: {W: [...], b: [...] or None}",
            sorted(value) if isinstance(value, dict) else type(value).__name__,
        )
    shapes = list(zip(sizes[:-1], sizes[1:]))
    W, b = value["W"], value["b"]
    for name, items in (("W", W), ("b", b)):
        if items is not None and not (isinstance(items, (list, tuple)) and len(items) == len(shapes)):
            got = f"{len(items)} items" if isinstance(items, (list, tuple)) else type(items).__name__
            raise ConfigError(param, f"{name} must be a list of {len(shapes)} layers", got)
    if W is None:
        raise ConfigError(param, f"W must be a list of {len(shapes)} layers", None)
    weights = tuple(
        GivenArray(_numbers(w, fi * fo, param, f"W of layer {l}").reshape(fi, fo))
        for l, (w, (fi, fo)) in enumerate(zip(W, shapes), start=1)
    )
    biases = (
        None
        if b is None
        else tuple(
            GivenArray(_numbers(v, fo, param, f"b of layer {l}"))
            for l, (v, (_, fo)) in enumerate(zip(b, shapes), start=1)
        )
    )
    return weights, biases
