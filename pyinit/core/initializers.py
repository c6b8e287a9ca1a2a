"""Weight and bias initializers, each a pure function registered by name.

A weight initializer is ``init(fan_in, fan_out, rng) -> W`` with ``W`` of shape ``(fan_in, fan_out)``.
They are named by *spec strings*, the same ones the CLI, the page and the URL use:

    zeros          W = 0
    constant:C     W = C everywhere (C = 0 is zeros)
    normal:STD     W ~ N(0, STD^2)
    uniform:A      W ~ U[-A, A]
    xavier         W ~ N(0, 2 / (fan_in + fan_out))   Glorot & Bengio (2010), normal variant
    he             W ~ N(0, 2 / fan_in)               He et al. (2015), for ReLU
    lecun          W ~ N(0, 1 / fan_in)               LeCun et al. (1998), for tanh/linear
    orthogonal     W with orthonormal columns (fan_in >= fan_out) or rows   Saxe et al. (2014)

A comma-separated list gives one spec per weight layer, first layer first (``"he,he,xavier"``); so
does a list or tuple, whose items may also be callables (one per layer, e.g. arrays made elsewhere).
Biases have their own spec, ``zeros`` (default), ``constant:C``, ``normal:STD`` or ``uniform:A``
(random biases are drawn from their own stream, so they never change the weights), or a list or
tuple of one bias spec or callable per layer. An optional
perturbation ``eps`` adds N(0, eps^2) noise to every *weight* (not the biases) after any init:
"zeros + tiny noise".

Instead of a spec, ``init`` may be a *callable* ``init(fan_in, fan_out, rng) -> W`` (user code) and
``bias_init`` a callable ``bias(fan_out, rng) -> b``. They are called like the built-ins, layer by
layer, first layer first (init then bias of layer 1, then of layer 2, ...), with the very generators
the built-ins get (INIT for weights, BIAS for biases), so a callable that returns the Xavier formula
gives exactly ``"xavier"``'s weights. What a callable returns is checked (``call_init``,
``call_bias``): W must be numbers of shape (fan_in, fan_out), b of shape (fan_out,) or one number,
all finite and at most ``MAX_ABS_VALUE`` in size; otherwise ``ResultError`` (a ``ConfigError``)
says what was expected and what came back. An exception raised by the callable itself propagates
unchanged (``training.user_code`` wraps the reader's code so that it becomes a ``CodeError`` with the
line). ``label`` names either kind ("python" for a callable).
Left out: data-dependent (LSUV) inits, gains, and truncated normals.
"""

import math

import numpy as np

from ..errors import ConfigError
from .. import seeding

MAX_SCALE = 1000.0
MAX_ABS_VALUE = 1e6  # largest |value| a callable init may return
SPEC_HELP = "zeros, constant:C, normal:STD, uniform:A, xavier, he, lecun or orthogonal"
BIAS_SPEC_HELP = "zeros, constant:C, normal:STD or uniform:A"


def zeros(fan_in, fan_out, rng):
    """W = 0."""
    return np.zeros((fan_in, fan_out))


def constant(c):
    """W = c everywhere."""

    def init(fan_in, fan_out, rng):
        return np.full((fan_in, fan_out), float(c))

    return init


def normal(std):
    """W ~ N(0, std^2)."""

    def init(fan_in, fan_out, rng):
        return rng.standard_normal((fan_in, fan_out)) * std

    return init


def uniform(a):
    """W ~ U[-a, a]."""

    def init(fan_in, fan_out, rng):
        return rng.uniform(-a, a, size=(fan_in, fan_out))

    return init


def xavier(fan_in, fan_out, rng):
    """Glorot normal: W ~ N(0, 2 / (fan_in + fan_out)); keeps forward and backward variance balanced
    for tanh-like activations."""
    return rng.standard_normal((fan_in, fan_out)) * math.sqrt(2.0 / (fan_in + fan_out))


def he(fan_in, fan_out, rng):
    """He normal: W ~ N(0, 2 / fan_in); keeps the activation variance constant through ReLU layers."""
    return rng.standard_normal((fan_in, fan_out)) * math.sqrt(2.0 / fan_in)


def lecun(fan_in, fan_out, rng):
    """LeCun normal: W ~ N(0, 1 / fan_in); keeps the pre-activation variance at 1 for linear/tanh."""
    return rng.standard_normal((fan_in, fan_out)) * math.sqrt(1.0 / fan_in)


def orthogonal(fan_in, fan_out, rng):
    """A random (semi-)orthogonal W: the Q of the QR decomposition of a Gaussian matrix, signs fixed
    so that it is uniformly distributed; W.T @ W = I (fan_in >= fan_out) or W @ W.T = I."""
    a = rng.standard_normal((max(fan_in, fan_out), min(fan_in, fan_out)))
    q, r = np.linalg.qr(a)
    q = q * np.where(np.diag(r) < 0, -1.0, 1.0)
    return q if fan_in >= fan_out else q.T


#: name -> initializer (plain names) or factory of one number (names that take ``:VALUE``).
INITIALIZERS = {"zeros": zeros, "xavier": xavier, "he": he, "lecun": lecun, "orthogonal": orthogonal}
PARAMETRIC = {"constant": constant, "normal": normal, "uniform": uniform}


class ResultError(ConfigError):
    """What a callable init returned is not what it must return: ``"<param>: <sentence>"``.
    ``sentence`` says what was expected and what came back; ``function`` is the callable."""

    def __init__(self, param, sentence, function=None):
        self.sentence, self.function = sentence, function
        super().__init__(param, sentence, None)
        self.args = (f"{param}: {sentence}",)

    def __str__(self):
        return self.args[0]


def _describe(value):
    """A few words for what a callable returned (for ``ResultError``)."""
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {len(value)} items"
    name = type(value).__name__
    return ("an " if name[:1] in "aeiou" else "a ") + name


def _checked(value, shape, call, expected, param, function, scalar_ok=False):
    """``value`` as a float64 array of ``shape`` (a copy; one number repeated if ``scalar_ok``),
    or ResultError with ``expected`` (the shape in words)."""
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError, OverflowError):  # ragged lists
        raw = None
    if value is None:
        raise ResultError(
            param,
            f"{call} returned None (is a return missing?); expected an array of shape {expected}",
            function,
        )
    if raw is None or raw.dtype.kind not in "biuf":  # no text, objects, complex or huge ints
        raise ResultError(
            param,
            f"{call} returned {_describe(value)}, not numbers; expected an array of shape {expected}",
            function,
        )
    if raw.shape != shape and not (scalar_ok and raw.ndim == 0):
        if raw.ndim == 0:
            raise ResultError(
                param,
                f"{call} returned one number; expected an array of shape {expected}, "
                f"e.g. np.full((fan_in, fan_out), {float(raw)!r})",
                function,
            )
        raise ResultError(
            param, f"{call} returned an array of shape {raw.shape}; expected {expected}", function
        )
    arr = np.array(np.broadcast_to(raw, shape), dtype=np.float64)
    bad = int(np.count_nonzero(~np.isfinite(arr)))
    if bad:
        raise ResultError(
            param,
            f"{call} returned {bad} "
            + ("values that are not finite numbers" if bad > 1 else "value that is not a finite number")
            + " (nan or inf)",
            function,
        )
    big = float(np.max(np.abs(arr), initial=0.0))
    if big > MAX_ABS_VALUE:
        raise ResultError(
            param,
            f"{call} returned a value of size {big:.3g}; every value must be at most "
            f"{MAX_ABS_VALUE:g} in size",
            function,
        )
    return arr


def call_init(function, fan_in, fan_out, rng, param="init"):
    """W = ``function(fan_in, fan_out, rng)``, checked (see the module docstring): (fan_in, fan_out)."""
    return _checked(
        function(fan_in, fan_out, rng),
        (fan_in, fan_out),
        f"init({fan_in}, {fan_out}, rng)",
        f"({fan_in}, {fan_out}) = (fan_in, fan_out)",
        param,
        function,
    )


def call_bias(function, fan_out, rng, param="bias_init"):
    """b = ``function(fan_out, rng)``, checked: (fan_out,), or one number used for every unit."""
    return _checked(
        function(fan_out, rng),
        (fan_out,),
        f"bias({fan_out}, rng)",
        f"({fan_out},) = (fan_out,) or one number",
        param,
        function,
        scalar_ok=True,
    )


def label(init):
    """A spec as it is, a callable as its ``label`` attribute or "python", a per-layer list as its
    items' one label (or their labels joined by commas); None stays None."""
    if init is None or isinstance(init, str):
        return init
    if isinstance(init, (list, tuple)):
        labels = [label(item) for item in init]
        return labels[0] if len(set(labels)) == 1 else ",".join(labels)
    return getattr(init, "label", "python")


def parse_spec(spec, param="init"):
    """The initializer named by one spec string; raises ConfigError naming ``param``."""
    if not isinstance(spec, str):
        raise ConfigError(param, f"must be one of {SPEC_HELP}", spec)
    name, sep, arg = spec.strip().partition(":")
    if not sep and name in INITIALIZERS:
        return INITIALIZERS[name]
    if sep and name in PARAMETRIC:
        value = _number(arg, param, spec, allow_negative=(name == "constant"))
        return PARAMETRIC[name](value)
    raise ConfigError(param, f"must be one of {SPEC_HELP}", spec)


def _number(text, param, spec, allow_negative):
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    low = -MAX_SCALE if allow_negative else 0.0
    if not (low <= value <= MAX_SCALE):
        raise ConfigError(param, f"the number after ':' must be in {low:g}..{MAX_SCALE:g}", spec)
    return value


def _checked_init(function, param):
    return lambda fan_in, fan_out, rng: call_init(function, fan_in, fan_out, rng, param)


def _per_layer(items, n_layers, param):
    if len(items) != n_layers:
        raise ConfigError(param, f"must have one item per weight layer ({n_layers})", f"{len(items)} items")
    return list(items)


def parse_layer_specs(spec, n_layers, param="init"):
    """One initializer per weight layer from ``"spec"`` or ``"spec1,spec2,..."`` (n_layers items),
    from one callable (its results checked), used for every layer, or from a list or tuple of
    n_layers specs or callables."""
    if callable(spec):
        return [_checked_init(spec, param)] * n_layers
    if isinstance(spec, (list, tuple)):
        return [
            _checked_init(item, param) if callable(item) else parse_spec(item, param)
            for item in _per_layer(spec, n_layers, param)
        ]
    if not isinstance(spec, str):
        raise ConfigError(param, f"must be one of {SPEC_HELP}", spec)
    parts = spec.split(",")
    if len(parts) not in (1, n_layers):
        raise ConfigError(
            param, f"must be one spec or {n_layers} comma-separated specs (one per weight layer)", spec
        )
    inits = [parse_spec(p, param) for p in parts]
    return inits * n_layers if len(inits) == 1 else inits


def parse_bias_spec(spec, param="bias_init"):
    """The bias initializer ``init(fan_out, rng) -> b`` (fan_out,) named by ``zeros``,
    ``constant:C``, ``normal:STD`` or ``uniform:A``, or by a callable (its results checked)."""
    if callable(spec):
        return lambda fan_out, rng: call_bias(spec, fan_out, rng, param)
    if isinstance(spec, str):
        name, sep, arg = spec.strip().partition(":")
        if name == "zeros" and not sep:
            return lambda fan_out, rng: np.zeros(fan_out)
        if sep and name in PARAMETRIC:
            value = _number(arg, param, spec, allow_negative=(name == "constant"))
            weights = PARAMETRIC[name](value)
            return lambda fan_out, rng: weights(1, fan_out, rng)[0]
    raise ConfigError(param, f"must be {BIAS_SPEC_HELP}", spec)


def parse_layer_bias_specs(spec, n_layers, param="bias_init"):
    """One bias initializer per layer: ``parse_bias_spec`` of ``spec`` for every layer, or of each
    item of a list or tuple of n_layers specs or callables."""
    if isinstance(spec, (list, tuple)):
        return [parse_bias_spec(item, param) for item in _per_layer(spec, n_layers, param)]
    return [parse_bias_spec(spec, param)] * n_layers


def initial_params(sizes, init="xavier", bias_init="zeros", perturb=0.0, seed=0):
    """The initial ``(W, b)`` of every layer of a net with layer sizes ``sizes``.

    Deterministic in (sizes, init, bias_init, perturb, seed): weights are drawn layer by layer,
    first layer first, from the INIT stream of ``seed``; perturbation noise from its PERTURB stream;
    random biases from its BIAS stream. ``init`` and ``bias_init`` may be callables or per-layer lists (see
    the module docstring); callables get those same generators.
    Returns a list of ``(W, b)``, ``W`` of shape (fan_in, fan_out) and ``b`` of shape (fan_out,).
    """
    n_layers = len(sizes) - 1
    inits = parse_layer_specs(init, n_layers)
    biases = parse_layer_bias_specs(bias_init, n_layers)
    rng = seeding.generator(seed, seeding.INIT)
    noise_rng = seeding.generator(seed, seeding.PERTURB)
    bias_rng = seeding.generator(seed, seeding.BIAS)
    params = []
    for fan_in, fan_out, init_fn, bias in zip(sizes[:-1], sizes[1:], inits, biases):
        W = np.asarray(init_fn(fan_in, fan_out, rng), dtype=np.float64)
        if perturb:
            W = W + perturb * noise_rng.standard_normal((fan_in, fan_out))
        params.append((W, np.asarray(bias(fan_out, bias_rng), dtype=np.float64)))
    return params
