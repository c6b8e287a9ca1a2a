"""The validated configuration of a training run: ``RunConfig`` (and ``Member`` for ensembles).

Field names equal the CLI flags (``--n-samples`` is ``n_samples``). Construction validates and
normalises every field, so a ``RunConfig`` that exists is valid; a bad value raises
``ConfigError`` naming the field, the allowed values or range, and what was given. Values may be
given typed (``hidden=(4, 4)``, ``lr=0.5``) or as the strings the CLI receives (``hidden="4,4"``,
``lr="0.5"``). ``RunConfig.from_dict`` accepts JSON-ish input (the browser's) and rejects unknown
keys; ``to_dict`` returns every field resolved, JSON-friendly. This module holds no training logic.

``optimizer`` and ``momentum``: "sgd" with momentum 0 is plain SGD and with momentum > 0 heavy-ball
momentum (as before ``optimizer`` existed); "momentum" needs momentum > 0; "adam" needs momentum 0.
``factor`` only shapes the ``rings`` dataset. ``init_seed`` (default: ``seed``) seeds the initial
weights alone, so two runs that differ only in it are two restarts on the same data and batches. ``n_test`` is the size of the held-out test set (drawn
from its own random stream, see ``seeding``); it defaults to ``n_samples``.

``init`` (of a run or a ``Member``) may also be a callable ``init(fan_in, fan_out, rng) -> W`` and
``bias_init`` a callable ``bias(fan_out, rng) -> b`` (user code; ``core.initializers`` calls and
checks them), or either a list of one spec or callable per weight layer (kept as a tuple).
``to_dict`` shows a callable as its label ("python"), so the dict stays JSON-friendly but cannot
rebuild the callable.
"""

import math
from dataclasses import dataclass, fields, replace

from ..errors import ConfigError
from ..core.datasets import DATASETS
from ..core.activations import ACTIVATIONS
from ..core import initializers
from ..core.optimizers import OPTIMIZERS

MAX_WIDTH = 256
MAX_HIDDEN_LAYERS = 16
MAX_SAMPLES = 10_000
MAX_STEPS = 10_000_000
MAX_SEED = 2**32 - 1
MEMORY_BUDGET_BYTES = 512 * 2**20  # what one run or signal call may allocate (estimated up front)


def _choice(name, value, options):
    if not isinstance(value, str) or value.strip() not in options:
        raise ConfigError(name, "must be one of " + ", ".join(options), value)
    return value.strip()


def parse_int(name, value, low, high):
    """An int in low..high from an int, an integral float, or a decimal string."""
    result = None
    if isinstance(value, bool):
        result = None
    elif isinstance(value, int):
        result = value
    elif isinstance(value, float) and math.isfinite(value) and value == int(value):
        result = int(value)
    elif isinstance(value, str):
        try:
            result = int(value.strip())
        except ValueError:
            result = None
    if result is None or not (low <= result <= high):
        raise ConfigError(name, f"must be an integer in {low}..{high}", value)
    return result


def parse_float(name, value, low, high, low_open=False, high_open=False):
    """A finite float in the interval low..high (ends open as requested)."""
    result = math.nan
    try:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            result = float(value)
        elif isinstance(value, str):
            result = float(value.strip())
    except (ValueError, OverflowError):  # "abc"; an int beyond float's range (10**400)
        result = math.nan
    ok = (
        math.isfinite(result)
        and (low < result if low_open else low <= result)
        and (result < high if high_open else result <= high)
    )
    if not ok:
        interval = ("(" if low_open else "[") + f"{low:g}, {high:g}" + (")" if high_open else "]")
        raise ConfigError(name, f"must be a number in {interval}", value)
    return result


def parse_hidden(value):
    """Hidden widths from a list/tuple of ints or a comma string ("" = no hidden layer)."""
    constraint = f"each width must be an integer in 1..{MAX_WIDTH}"
    if isinstance(value, str):
        items = [s for s in value.replace(" ", "").split(",")] if value.strip() else []
    elif isinstance(value, (list, tuple)):
        items = list(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        items = [value]
    else:
        raise ConfigError("hidden", constraint + " (comma-separated)", value)
    if len(items) > MAX_HIDDEN_LAYERS:
        raise ConfigError("hidden", f"at most {MAX_HIDDEN_LAYERS} hidden layers", value)
    widths = []
    for item in items:
        try:
            widths.append(parse_int("hidden", item, 1, MAX_WIDTH))
        except ConfigError:
            raise ConfigError("hidden", constraint, item) from None
    return tuple(widths)


def _seed(name, value):
    return parse_int(name, value, 0, MAX_SEED)


def _init_spec(name, value, n_layers):
    initializers.parse_layer_specs(value, n_layers, name)
    if isinstance(value, (list, tuple)):  # one init per layer (specs or callables)
        return tuple(value)
    return value if callable(value) else ",".join(part.strip() for part in value.split(","))


def _bias_spec(name, value, n_layers):
    initializers.parse_layer_bias_specs(value, n_layers, name)
    if isinstance(value, (list, tuple)):
        return tuple(value)
    return value if callable(value) else value.strip()


def _labelled(d):
    """A field dict with callable inits shown as their labels."""
    for key in ("init", "bias_init"):
        if key in d:
            d[key] = initializers.label(d[key])
    return d


@dataclass(frozen=True)
class Member:
    """One network of an ensemble: overrides of the run's init settings (None = the run's value).

    A member's initial parameters depend only on (init, bias_init, perturb, seed), never on its
    position in the ensemble. ``init``/``bias_init`` may be callables (see the module docstring).
    """

    init: str = None
    bias_init: str = None
    perturb: float = None
    seed: int = None
    label: str = None

    def resolve(self, config):
        """This member's (init, bias_init, perturb, seed) with the run's values filled in; validated."""
        n_layers = len(config.hidden) + 1
        init = config.init if self.init is None else _init_spec("init", self.init, n_layers)
        bias_init = (
            config.bias_init if self.bias_init is None else _bias_spec("bias_init", self.bias_init, n_layers)
        )
        perturb = config.perturb if self.perturb is None else parse_float("perturb", self.perturb, 0, 100)
        seed = config.init_seed if self.seed is None else _seed("seed", self.seed)
        return init, bias_init, perturb, seed

    @classmethod
    def from_dict(cls, d):
        return _dataclass_from_dict(cls, d, "members", "each member must be an object", "member keys")

    def to_dict(self):
        """Every field, JSON-friendly (a callable init as its label)."""
        return _labelled({f.name: getattr(self, f.name) for f in fields(self)})


@dataclass(frozen=True)
class RunConfig:
    """Every option of a run. Defaults are the CLI defaults."""

    dataset: str = "xor"
    n_samples: int = 200
    noise: float = 0.1
    factor: float = 0.8  # rings only: the inner ring's radius (the outer one's is 1)
    n_test: int = None  # size of the held-out test set (None: n_samples)
    hidden: tuple = (4,)
    activation: str = "tanh"
    init: str = "xavier"
    bias_init: str = "zeros"
    perturb: float = 0.0
    lr: float = 0.5
    momentum: float = 0.0
    optimizer: str = "sgd"  # sgd (with momentum > 0: heavy-ball momentum), momentum, adam
    batch_size: int = None
    steps: int = 200
    every: int = 1
    seed: int = 0
    init_seed: int = None  # seed of the initial weights (None: seed); data and batches use seed
    max_records: int = 1000

    def __post_init__(self):
        s = object.__setattr__
        s(self, "dataset", _choice("dataset", self.dataset, list(DATASETS)))
        s(self, "n_samples", parse_int("n_samples", self.n_samples, 2, MAX_SAMPLES))
        s(self, "noise", parse_float("noise", self.noise, 0, 5))
        s(self, "factor", parse_float("factor", self.factor, 0, 1, high_open=True))
        s(
            self,
            "n_test",
            self.n_samples if self.n_test is None else parse_int("n_test", self.n_test, 2, MAX_SAMPLES),
        )
        s(self, "hidden", parse_hidden(self.hidden))
        s(self, "activation", _choice("activation", self.activation, list(ACTIVATIONS)))
        s(self, "init", _init_spec("init", self.init, len(self.hidden) + 1))
        s(self, "bias_init", _bias_spec("bias_init", self.bias_init, len(self.hidden) + 1))
        s(self, "perturb", parse_float("perturb", self.perturb, 0, 100))
        s(self, "lr", parse_float("lr", self.lr, 0, 100, low_open=True))
        s(self, "momentum", parse_float("momentum", self.momentum, 0, 1, high_open=True))
        s(self, "optimizer", _choice("optimizer", self.optimizer, list(OPTIMIZERS)))
        if self.optimizer == "adam" and self.momentum > 0:
            raise ConfigError(
                "momentum",
                "must be 0 with optimizer adam (Adam keeps its own moments; "
                "use optimizer momentum for heavy-ball momentum)",
                self.momentum,
            )
        if self.optimizer == "momentum" and self.momentum == 0:
            raise ConfigError("momentum", "must be in (0, 1) with optimizer momentum", self.momentum)
        if self.batch_size is None or (
            isinstance(self.batch_size, str) and self.batch_size.strip() in ("", "full")
        ):
            s(self, "batch_size", self.n_samples)
        else:
            s(self, "batch_size", parse_int("batch_size", self.batch_size, 1, self.n_samples))
        s(self, "steps", parse_int("steps", self.steps, 0, MAX_STEPS))
        s(self, "every", parse_int("every", self.every, 1, MAX_STEPS))
        s(self, "seed", _seed("seed", self.seed))
        s(self, "init_seed", self.seed if self.init_seed is None else _seed("init_seed", self.init_seed))
        s(self, "max_records", parse_int("max_records", self.max_records, 2, 100_000))

    @property
    def sizes(self):
        """Layer sizes: 2 inputs, the hidden widths, 1 output."""
        return (2,) + self.hidden + (1,)

    @property
    def full_batch(self):
        return self.batch_size >= self.n_samples

    @classmethod
    def from_dict(cls, d):
        """A RunConfig from JSON-ish data (missing keys take defaults; unknown keys are errors)."""
        return _dataclass_from_dict(cls, d, "config", "must be an object (dict)", "keys")

    def to_dict(self):
        """Every field, resolved and JSON-friendly (``hidden`` as a list, a callable init as its
        label)."""
        d = _labelled({f.name: getattr(self, f.name) for f in fields(self)})
        d["hidden"] = list(self.hidden)
        return d

    def replace(self, **changes):
        """A copy with some fields changed (validated again). A full-batch config stays full batch,
        and a test set as large as the data stays so, when ``n_samples`` changes, unless
        ``batch_size`` (``n_test``) is given too; an ``init_seed`` equal to ``seed`` follows it."""
        if self.full_batch and "batch_size" not in changes:
            changes["batch_size"] = None
        if self.n_test == self.n_samples and "n_test" not in changes:
            changes["n_test"] = None
        if self.init_seed == self.seed and "init_seed" not in changes:
            changes["init_seed"] = None
        return replace(self, **changes)


def _dataclass_from_dict(cls, d, param, not_a_dict, keys):
    """``cls(**d)`` for a dict whose keys are all fields of ``cls``; a ConfigError otherwise."""
    if not isinstance(d, dict):
        raise ConfigError(param, not_a_dict, d)
    allowed = [f.name for f in fields(cls)]
    for key in d:
        if key not in allowed:
            raise ConfigError(param, f"{keys} must be among " + ", ".join(allowed), key)
    return cls(**d)
