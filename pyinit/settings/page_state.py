"""The page's settings, and the one mapping from them to a training run.

The page keeps all its state in one object whose entries are the rule book's section "settings"
(``content/settings.json``: the page reads the same file). The settings of group "run" define the
lab's two runs (real data, dataset digits, uses neither n_samples nor noise: its runs train on all
of its fixed training images without noise, and "batch_size at most n_samples" is the toys' rule):

    dataset, factor, n_samples, noise, layers, width, activation, lr, momentum, optimizer,
    batch_size (0 = full batch), dropout, seed, per side (left, right): <side>_init, <side>_scale,
    <side>_bias, <side>_init_seed, and the reader's code: code (left), code_right (right)

``run_settings(settings)`` fills in the defaults and checks every value and the rules between
them (``rules.validate``: a ``ConfigError`` names the page's key, the constraint and the value);
``run_config(settings)`` returns the ``RunConfig`` and the two ``Member``s. The page's inits
(``INITS``) map to init specs; ``<side>_scale`` is the number the init takes (``INIT_PARAM``: c
of constant, sigma of normal, a of uniform, eps of zeros_eps = zeros plus N(0, eps^2) noise on
every weight) and ``<side>_bias`` the value every bias starts at. ``zeros_first`` / ``zeros_last``
put zeros in the first / last weight layer only and ``RANDOM[activation]`` (He for ReLUs, Xavier
otherwise) in the others. ``<side>_init_seed`` is an offset: that side's initial weights use seed
+ offset, while the data and the batches use seed, so two sides with different offsets are two
restarts of one run (offset 0 changes nothing).
The init ``python`` is the reader's code (``CODE_KEY[side]``: ``code``, ``code_right``; type "text":
the UTF-8 source as base64url without padding, at most ``user_code.MAX_CODE_BYTES`` bytes). The
page's Python never runs it: the page runs it in its sandbox with what ``init_plan(settings)`` names
(sizes, seed) and passes the arrays it made as ``inits`` (``code_arrays``: checked again here), which
become that side's per-layer init (and bias, if the code defines one; else ``<side>_bias``). A side
whose init is not python ignores its code; a bad code setting (base64/UTF-8, size) or missing or
malformed arrays are a ``ConfigError`` naming ``code``/``code_right``. ``run_code_here`` compiles and
runs the code in this Python instead: only for code it may trust (the chapters' own code at build
time, CLI reports).
"""

import base64
import binascii
import re

from .. import rules
from ..core.datasets import PLANE
from ..training.config import RunConfig, Member
from ..errors import ConfigError
from ..training import user_code
from . import code_arrays

SIDES = rules.SIDES
CODE_KEY = rules.CODE_KEY
INIT_PARAM = rules.INIT_PARAM
SPEC = rules.section("settings")
INITS = tuple(SPEC[f"{SIDES[0]}_init"]["choices"])
RUN_KEYS = tuple(name for name, e in SPEC.items() if e["group"] == "run")
RANDOM = {"relu": "he", "leaky_relu": "he"}  # zeros_first / zeros_last: the other layers' init
BASE64URL = re.compile(r"[A-Za-z0-9_-]*")


def defaults():
    """Every run setting's default: {name: value}."""
    return {name: SPEC[name]["default"] for name in RUN_KEYS}


def run_settings(settings=None):
    """The run settings with defaults filled in, each checked, and the rules between them:
    {name: value} over ``RUN_KEYS``. ``settings`` may hold any of the page's settings (the others
    are ignored); unknown keys are refused."""
    return rules.validate(settings, RUN_KEYS)


def bias_spec(bias):
    """A side's bias setting as a bias init spec."""
    return "zeros" if bias == 0 else f"constant:{float(bias)!r}"


def member(init, scale, bias, seed=None, layers=1, activation="tanh"):
    """One side's page init -> ``Member`` (values already valid, see ``run_settings``). ``seed``:
    the side's init seed (None: the run's ``init_seed``, which is ``seed``); ``layers``,
    ``activation``: for zeros_first/zeros_last."""
    bias_init = bias_spec(bias)
    if init == "zeros_eps":
        return Member(init="zeros", bias_init=bias_init, perturb=float(scale), seed=seed)
    if init in ("zeros_first", "zeros_last"):
        specs = [RANDOM.get(activation, "xavier")] * (layers + 1)
        specs[0 if init == "zeros_first" else -1] = "zeros"
        return Member(init=",".join(specs), bias_init=bias_init, perturb=0.0, seed=seed)
    spec = f"{init}:{float(scale)!r}" if init in INIT_PARAM else init
    return Member(init=spec, bias_init=bias_init, perturb=0.0, seed=seed)


def decode_code(name, value):
    """A code setting (base64url of UTF-8, no padding) -> the source text."""
    if not BASE64URL.fullmatch(value) or len(value) % 4 == 1:
        raise ConfigError(name, "must be the code as base64url (A-Z a-z 0-9 - _, no padding)", value)
    try:
        raw = base64.b64decode(value + "=" * (-len(value) % 4), altchars=b"-_", validate=True)
        source = raw.decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise ConfigError(name, "must be base64url of UTF-8 text", value) from None
    if len(raw) > user_code.MAX_CODE_BYTES:
        raise ConfigError(
            name, f"must be at most {user_code.MAX_CODE_BYTES} bytes of code (UTF-8)", f"{len(raw)} bytes"
        )
    return source


def code_member(name, value, bias, seed, arrays, sizes, here=False):
    """A side whose init is python: the member whose per-layer init (and bias, if the code defines
    one; else ``bias``) are the ``arrays`` its code made in the page's sandbox (``code_arrays``),
    or, ``here``, the code itself compiled and run by this Python (``user_code``)."""
    source = decode_code(name, value)  # a bad setting is named even where its code does not run
    if here:
        if not source.strip():
            raise user_code.CodeError(
                name,
                "write a function init(fan_in, fan_out, rng) that returns the "
                "weights of one layer, shape (fan_in, fan_out)",
                kind="result",
            )
        weights, biases = user_code.compile_init(source, name)
    else:
        if arrays is None:
            raise ConfigError(
                name, "needs the arrays its code made in the page's sandbox (inits)", "no arrays"
            )
        weights, biases = code_arrays.given_layers(arrays, name, sizes)
    bias_init = biases if biases is not None else bias_spec(bias)
    return Member(init=weights, bias_init=bias_init, perturb=0.0, seed=seed)


def _side_seed(s, side):
    """A side's init seed: seed + its offset, or None (the run's) when the offset is 0."""
    return s["seed"] + s[f"{side}_init_seed"] if s[f"{side}_init_seed"] else None


def init_plan(settings=None):
    """What the code of each python side must make, for the page's sandbox: {code key: {"sizes":
    [...], "seed": int}} (the code settings are checked, not run). ConfigError as ``run_config``."""
    s = run_settings(settings)
    config = _config(s)
    out = {}
    for side in SIDES:
        if s[f"{side}_init"] == "python":
            decode_code(CODE_KEY[side], s[CODE_KEY[side]])
            seed = _side_seed(s, side)
            out[CODE_KEY[side]] = code_arrays.plan(config, config.init_seed if seed is None else seed)
    return out


def run_config(settings=None, inits=None, run_code_here=False):
    """The page's settings -> (``RunConfig``, [left ``Member``, right ``Member``]).

    ``inits``: the arrays of each python side's code, made in the page's sandbox ({code key:
    {"W", "b"}}, see ``code_arrays``). ``run_code_here``: compile and run that code in this Python
    instead -- only for code this Python may trust (the chapters' own code at build time and in CLI
    reports), never for the page's. The RunConfig's own defaults stand for what the page does not
    set (steps, every, max_records; the lab replaces them). ConfigError names the page's key.
    """
    s = run_settings(settings)
    if inits is not None and not isinstance(inits, dict):
        raise ConfigError("inits", "must be an object {code: ..., code_right: ...}", type(inits).__name__)
    inits = inits or {}
    config = _config(s)
    members = []
    for side in SIDES:
        seed = _side_seed(s, side)
        if s[f"{side}_init"] == "python":
            key = CODE_KEY[side]
            members.append(
                code_member(key, s[key], s[f"{side}_bias"], seed, inits.get(key), config.sizes, run_code_here)
            )
        else:
            members.append(
                member(
                    s[f"{side}_init"],
                    s[f"{side}_scale"],
                    s[f"{side}_bias"],
                    seed,
                    s["layers"],
                    s["activation"],
                )
            )
    return config, members


def _config(s):
    """The run's ``RunConfig`` from the page's checked settings ``s``."""
    plane = s["dataset"] in PLANE  # real data (digits): its fixed sets, no noise (RunConfig's defaults)
    return RunConfig(
        dataset=s["dataset"],
        factor=s["factor"],
        n_samples=s["n_samples"] if plane else None,
        noise=s["noise"] if plane else None,
        hidden=(s["width"],) * s["layers"],
        activation=s["activation"],
        lr=s["lr"],
        momentum=s["momentum"],
        optimizer=s["optimizer"],
        batch_size=s["batch_size"] or None,
        dropout=s["dropout"],
        seed=s["seed"],
    )
