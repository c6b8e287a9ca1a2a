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

A comma-separated list gives one spec per weight layer, first layer first (``"he,he,xavier"``).
Biases have their own spec, ``zeros`` (default), ``constant:C``, ``normal:STD`` or ``uniform:A``
(random biases are drawn from their own stream, so they never change the weights). An optional
perturbation ``eps`` adds N(0, eps^2) noise to every *weight* (not the biases) after any init:
"zeros + tiny noise".
Left out: data-dependent (LSUV) inits, gains, and truncated normals.
"""

import math

import numpy as np

from ..errors import ConfigError
from .. import seeding

MAX_SCALE = 1000.0
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


def parse_layer_specs(spec, n_layers, param="init"):
    """One initializer per weight layer from ``"spec"`` or ``"spec1,spec2,..."`` (n_layers items)."""
    if not isinstance(spec, str):
        raise ConfigError(param, f"must be one of {SPEC_HELP}", spec)
    parts = spec.split(",")
    if len(parts) not in (1, n_layers):
        raise ConfigError(param, f"must be one spec or {n_layers} comma-separated specs (one per "
                          f"weight layer)", spec)
    inits = [parse_spec(p, param) for p in parts]
    return inits * n_layers if len(inits) == 1 else inits


def parse_bias_spec(spec, param="bias_init"):
    """The bias initializer ``init(fan_out, rng) -> b`` (fan_out,) named by ``zeros``,
    ``constant:C``, ``normal:STD`` or ``uniform:A``."""
    if isinstance(spec, str):
        name, sep, arg = spec.strip().partition(":")
        if name == "zeros" and not sep:
            return lambda fan_out, rng: np.zeros(fan_out)
        if sep and name in PARAMETRIC:
            value = _number(arg, param, spec, allow_negative=(name == "constant"))
            weights = PARAMETRIC[name](value)
            return lambda fan_out, rng: weights(1, fan_out, rng)[0]
    raise ConfigError(param, f"must be {BIAS_SPEC_HELP}", spec)


def initial_params(sizes, init="xavier", bias_init="zeros", perturb=0.0, seed=0):
    """The initial ``(W, b)`` of every layer of a net with layer sizes ``sizes``.

    Deterministic in (sizes, init, bias_init, perturb, seed): weights are drawn layer by layer,
    first layer first, from the INIT stream of ``seed``; perturbation noise from its PERTURB stream;
    random biases from its BIAS stream.
    Returns a list of ``(W, b)``, ``W`` of shape (fan_in, fan_out) and ``b`` of shape (fan_out,).
    """
    n_layers = len(sizes) - 1
    inits = parse_layer_specs(init, n_layers)
    bias = parse_bias_spec(bias_init)
    rng = seeding.generator(seed, seeding.INIT)
    noise_rng = seeding.generator(seed, seeding.PERTURB)
    bias_rng = seeding.generator(seed, seeding.BIAS)
    params = []
    for fan_in, fan_out, init_fn in zip(sizes[:-1], sizes[1:], inits):
        W = np.asarray(init_fn(fan_in, fan_out, rng), dtype=np.float64)
        if perturb:
            W = W + perturb * noise_rng.standard_normal((fan_in, fan_out))
        params.append((W, np.asarray(bias(fan_out, bias_rng), dtype=np.float64)))
    return params
