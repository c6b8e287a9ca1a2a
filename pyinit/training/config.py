"""The validated configuration of a training run: ``RunConfig`` (and ``Member`` for ensembles).

Field names equal the CLI flags (``--n-samples`` is ``n_samples``). Every field's type, range,
default and help, and the rules between fields, are the rule book's section "run"
(``content/settings.json``, read by ``pyinit.rules``). Construction validates and normalises every
field, so a ``RunConfig`` that exists is valid; a bad value raises ``ConfigError`` naming the
field, the allowed values or range, and what was given. Values may be given typed (``hidden=(4,
4)``, ``lr=0.5``) or as the strings the CLI receives (``hidden="4,4"``, ``lr="0.5"``).
``RunConfig.from_dict`` accepts JSON-ish input (the browser's) and rejects unknown keys;
``to_dict`` returns every field resolved, JSON-friendly. This module holds no training logic.

``optimizer`` and ``momentum``: "sgd" with momentum 0 is plain SGD and with momentum > 0 heavy-ball
momentum; "momentum" needs momentum > 0; "adam" needs momentum 0. ``factor`` only shapes the
``rings`` dataset. ``dropout`` is the probability of dropping a hidden unit's activation while
training (inverted dropout, ``core.dropout``; 0 = none). ``init_seed`` (default: ``seed``) seeds
the initial weights alone, so two runs that differ only in it are two restarts on the same data and
batches. ``n_test`` is the size of the held-out test set (drawn from its own random stream, see
``seeding``); it defaults to ``n_samples``.

Real data (``digits``; ``datasets.INFO[name].split`` is not None) has a fixed training and test set:
``n_samples`` and ``n_test`` take the first images of each (at most 1,437 and 360; default: all of
them), ``noise`` must be 0 (its default there), and the seed changes only the initial weights and
the batches. ``sizes`` follow the dataset: its features in, one output unit for two classes or one
unit per class (a softmax) for more.

``init`` (of a run or a ``Member``) may also be a callable ``init(fan_in, fan_out, rng) -> W`` and
``bias_init`` a callable ``bias(fan_out, rng) -> b`` (user code; ``core.initializers`` calls and
checks them), or either a list of one spec or callable per weight layer (kept as a tuple).
``to_dict`` shows a callable as its label ("python"), so the dict stays JSON-friendly but cannot
rebuild the callable.
"""

from dataclasses import dataclass, fields, replace

from .. import rules
from ..errors import ConfigError
from ..core.datasets import INFO
from ..core import initializers

RUN = rules.section("run")  # every field's type, range, default and help (content/settings.json)
DEFAULT = rules.defaults("run")
MAX_WIDTH = RUN["hidden"]["max"]
MAX_HIDDEN_LAYERS = RUN["hidden"]["max_count"]
MAX_SAMPLES = RUN["n_samples"]["max"]
MAX_STEPS = RUN["steps"]["max"]
MAX_SEED = RUN["seed"]["max"]
MEMORY_BUDGET_BYTES = 512 * 2**20  # what one run or signal call may allocate (estimated up front)


def parse_hidden(value):
    """Hidden widths from a list/tuple of ints, one int, or a comma string ("" = no hidden layer)."""
    return rules.parse(RUN["hidden"], value)


def _field(name, value):
    """One field's value, parsed by the rule book; a null (or a string the book says means null)
    stays None."""
    entry = RUN[name]
    if entry["default"] is None and (
        value is None or (isinstance(value, str) and value.strip() in entry.get("nulls", []))
    ):
        return None
    return rules.parse(entry, value)


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
        perturb = config.perturb if self.perturb is None else rules.parse(RUN["perturb"], self.perturb)
        seed = config.init_seed if self.seed is None else rules.parse(RUN["seed"], self.seed)
        return init, bias_init, perturb, seed

    @classmethod
    def from_dict(cls, d):
        return _dataclass_from_dict(cls, d, "members", "each member must be an object", "member keys")

    def to_dict(self):
        """Every field, JSON-friendly (a callable init as its label)."""
        return _labelled({f.name: getattr(self, f.name) for f in fields(self)})


@dataclass(frozen=True)
class RunConfig:
    """Every option of a run: the rule book's section "run" (types, ranges, defaults, rules)."""

    dataset: str = DEFAULT["dataset"]
    n_samples: int = None  # None: the book's default, or all training images of real data
    noise: float = None  # None: the book's default, or 0 for real data
    factor: float = DEFAULT["factor"]  # rings only: the inner ring's radius (the outer one's is 1)
    n_test: int = DEFAULT["n_test"]  # size of the held-out test set (None: n_samples)
    hidden: tuple = tuple(DEFAULT["hidden"])
    activation: str = DEFAULT["activation"]
    init: str = DEFAULT["init"]
    bias_init: str = DEFAULT["bias_init"]
    perturb: float = DEFAULT["perturb"]
    lr: float = DEFAULT["lr"]
    momentum: float = DEFAULT["momentum"]
    optimizer: str = DEFAULT["optimizer"]  # sgd (with momentum > 0: heavy-ball momentum), momentum, adam
    batch_size: int = DEFAULT["batch_size"]  # None: the full batch
    dropout: float = DEFAULT["dropout"]  # probability of dropping a hidden unit while training
    steps: int = DEFAULT["steps"]
    every: int = DEFAULT["every"]
    seed: int = DEFAULT["seed"]
    init_seed: int = DEFAULT["init_seed"]  # the initial weights' seed (None: seed); data, batches: seed
    max_records: int = DEFAULT["max_records"]

    def __post_init__(self):
        given = {f.name: getattr(self, f.name) for f in fields(self)}
        values = {"dataset": _field("dataset", given["dataset"])}
        given.update(_data_sizes(values["dataset"], given))
        for name in RUN:  # the book's order is the fields' order: hidden comes before init
            if name == "dataset":
                continue
            if name == "init":
                values[name] = _init_spec(name, given[name], len(values["hidden"]) + 1)
            elif name == "bias_init":
                values[name] = _bias_spec(name, given[name], len(values["hidden"]) + 1)
            else:
                values[name] = _field(name, given[name])
        for name, entry in RUN.items():
            if values[name] is None:
                values[name] = values[entry["null_means"]]
        rules.check("run", values, given)
        for name, value in values.items():
            object.__setattr__(self, name, value)

    @property
    def sizes(self):
        """Layer sizes: the dataset's features (2; digits: 64), the hidden widths, and one output unit
        for two classes or one unit per class (a softmax; digits: 10)."""
        info = INFO[self.dataset]
        return (info.features,) + self.hidden + (1 if info.classes == 2 else info.classes,)

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
        ``batch_size`` (``n_test``) is given too; an ``init_seed`` equal to ``seed`` follows it. A new
        ``dataset`` brings its own defaults of ``n_samples``, ``noise`` and ``n_test`` unless they
        are given or differ from the old dataset's defaults."""
        if "dataset" in changes and changes["dataset"] != self.dataset:
            defaults = RunConfig(dataset=self.dataset)
            for key in ("n_samples", "noise", "n_test"):
                if key not in changes and getattr(self, key) == getattr(defaults, key):
                    changes[key] = None
        if self.full_batch and "batch_size" not in changes:
            changes["batch_size"] = None
        if self.n_test == self.n_samples and "n_test" not in changes:
            changes["n_test"] = None
        if self.init_seed == self.seed and "init_seed" not in changes:
            changes["init_seed"] = None
        return replace(self, **changes)


def _data_sizes(dataset, given):
    """``n_samples``, ``noise`` (and for real data ``n_test``) with their defaults for ``dataset``:
    the book's for toy data; real data (``INFO[dataset].split`` = the sizes of its fixed training and
    test sets) takes the first 2..size images of each (default: all) and no noise."""
    split = INFO[dataset].split
    if split is None:
        return {k: DEFAULT[k] if given[k] is None else given[k] for k in ("n_samples", "noise")}
    noise = rules.parse(RUN["noise"], 0 if given["noise"] is None else given["noise"])
    if noise:
        raise ConfigError("noise", f"must be 0 with dataset {dataset} (real images)", given["noise"])
    return {
        "n_samples": _split_size("n_samples", given["n_samples"], split[0], dataset, "training"),
        "noise": noise,
        "n_test": _split_size("n_test", given["n_test"], split[1], dataset, "test"),
    }


def _split_size(name, value, size, dataset, which):
    """How many images of a fixed training/test set of ``size`` images: 2..size (default: all)."""
    try:
        return rules.parse_int(name, size if value is None else value, 2, size)
    except ConfigError:
        raise ConfigError(
            name, f"must be an integer in 2..{size} (dataset {dataset} has {size} {which} images)", value
        ) from None


def _dataclass_from_dict(cls, d, param, not_a_dict, keys):
    """``cls(**d)`` for a dict whose keys are all fields of ``cls``; a ConfigError otherwise."""
    if not isinstance(d, dict):
        raise ConfigError(param, not_a_dict, d)
    allowed = [f.name for f in fields(cls)]
    for key in d:
        if key not in allowed:
            raise ConfigError(param, f"{keys} must be among " + ", ".join(allowed), key)
    return cls(**d)
