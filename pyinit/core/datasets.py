"""The datasets: two-class toys in the plane, deterministic given a ``np.random.Generator``, and
the 8x8 handwritten digits (``digits``: 64 features, 10 classes, a fixed split).

Every generator has the signature ``make_<name>(n_samples, *, noise=0.0, rng) -> (X, y)``. A toy's
``X`` has shape (n_samples, 2), float64, roughly inside [-1.2, 1.2]^2, and ``y`` of shape
(n_samples,), int64 in {0, 1}, classes as balanced as n allows. ``noise`` is the standard
deviation of Gaussian noise added to every coordinate *after* labelling, so a large noise makes
classes overlap. The samples are returned in random order (mini-batches mix both classes).
``make_rings`` takes one more keyword, ``factor`` (the trainer passes ``RunConfig.factor``).
``DATASETS`` maps the names used by the CLI and the page to the generators, ``PLANE`` names the
2-D toys and ``INFO`` gives every dataset's shape (features, classes, and for real data the sizes of
its fixed training and test sets). ``make_digits`` (``core.digits``) has the same signature; it
takes ``split="train"`` or ``"test"``, ignores ``rng`` and refuses noise.
Left out: reading data the user gives.
"""

import math
from dataclasses import dataclass

import numpy as np

from ..errors import ConfigError
from .digits import make_digits, N_FEATURES, N_CLASSES, N_TRAIN, N_TEST


def _labels(n_samples, rng):
    """Balanced labels 0, 1, 0, 1, ... in random order."""
    return rng.permutation(np.arange(n_samples) % 2)


def _finish(X, y, noise, rng):
    X = X + noise * rng.standard_normal(X.shape) if noise else X
    return np.ascontiguousarray(X, dtype=np.float64), y.astype(np.int64)


def make_xor(n_samples, *, noise=0.0, rng):
    """Four quadrants, label 1 where x0 * x1 > 0; points keep 0.1 away from the axes."""
    y = _labels(n_samples, rng)
    mag = rng.uniform(0.1, 1.0, size=(n_samples, 2))
    s0 = rng.choice([-1.0, 1.0], size=n_samples)
    s1 = np.where(y == 1, s0, -s0)
    X = mag * np.stack([s0, s1], axis=1)
    return _finish(X, y, noise, rng)


def make_moons(n_samples, *, noise=0.0, rng):
    """Two interleaving half circles (as in sklearn's make_moons), centred and scaled to [-1, 1]."""
    y = _labels(n_samples, rng)
    t = rng.uniform(0.0, math.pi, size=n_samples)
    outer = np.stack([np.cos(t), np.sin(t)], axis=1)
    inner = np.stack([1.0 - np.cos(t), 0.5 - np.sin(t)], axis=1)
    X = np.where(y[:, None] == 0, outer, inner)
    X = (X - [0.5, 0.25]) / 1.5
    return _finish(X, y, noise, rng)


def make_circles(n_samples, *, noise=0.0, rng):
    """A disc of radius 0.4 (label 1) inside a ring 0.6..1.0 (label 0)."""
    y = _labels(n_samples, rng)
    r = np.where(y == 1, 0.4 * np.sqrt(rng.uniform(0, 1, n_samples)), rng.uniform(0.6, 1.0, n_samples))
    phi = rng.uniform(0.0, 2 * math.pi, size=n_samples)
    X = r[:, None] * np.stack([np.cos(phi), np.sin(phi)], axis=1)
    return _finish(X, y, noise, rng)


def make_rings(n_samples, *, noise=0.0, rng, factor=0.8):
    """Two thin concentric rings, as sklearn's ``make_circles``: n // 2 points evenly spaced on the
    unit circle (label 0) and the rest on the circle of radius ``factor`` (label 1), shuffled.
    ``make_rings(300, noise=0.05)`` is the course exercise's data."""
    n_out = n_samples // 2
    n_in = n_samples - n_out
    t_out = np.linspace(0.0, 2 * math.pi, n_out, endpoint=False)
    t_in = np.linspace(0.0, 2 * math.pi, n_in, endpoint=False)
    X = np.concatenate(
        [
            np.stack([np.cos(t_out), np.sin(t_out)], axis=1),
            factor * np.stack([np.cos(t_in), np.sin(t_in)], axis=1),
        ]
    )
    y = np.concatenate([np.zeros(n_out, dtype=np.int64), np.ones(n_in, dtype=np.int64)])
    order = rng.permutation(n_samples)
    return _finish(X[order], y[order], noise, rng)


def make_spiral(n_samples, *, noise=0.0, rng):
    """Two interleaved spirals of 1.5 turns; the arm of class 1 is the arm of class 0 rotated by pi."""
    y = _labels(n_samples, rng)
    t = rng.uniform(0.05, 1.0, size=n_samples)
    phi = 3.0 * math.pi * t + math.pi * y
    X = t[:, None] * np.stack([np.cos(phi), np.sin(phi)], axis=1)
    return _finish(X, y, noise, rng)


def make_gaussians(n_samples, *, noise=0.0, rng):
    """Two Gaussian blobs of std 0.25 centred at (-0.5, -0.5) (label 0) and (0.5, 0.5) (label 1)."""
    y = _labels(n_samples, rng)
    centres = np.where(y[:, None] == 1, 0.5, -0.5)
    X = centres + 0.25 * rng.standard_normal((n_samples, 2))
    return _finish(X, y, noise, rng)


def make_linear(n_samples, *, noise=0.0, rng):
    """Uniform points in [-1, 1]^2 split by the line x0 + x1 = 0 (label 1 above), with a gap of
    width 0.2 around the line, so that with noise = 0 the classes are linearly separable."""
    y = _labels(n_samples, rng)
    X = rng.uniform(-1.0, 1.0, size=(n_samples, 2))
    normal = np.array([1.0, 1.0]) / math.sqrt(2.0)
    side = X @ normal
    shift = np.where(y == 1, 1.0, -1.0) * np.abs(side) - side  # reflect onto its class's side
    X = X + (shift + np.where(y == 1, 0.1, -0.1))[:, None] * normal
    return _finish(X, y, noise, rng)


DATASETS = {
    "xor": make_xor,
    "moons": make_moons,
    "circles": make_circles,
    "rings": make_rings,
    "spiral": make_spiral,
    "gaussians": make_gaussians,
    "linear": make_linear,
    "digits": make_digits,
}
PLANE = ("xor", "moons", "circles", "rings", "spiral", "gaussians", "linear")


@dataclass(frozen=True)
class Info:
    """The shape of a dataset: X has ``features`` columns, y labels 0..classes-1; ``split`` is
    (training, test) sizes of a fixed split (real data), None when the seed draws the data."""

    features: int = 2
    classes: int = 2
    split: tuple = None


INFO = {**{name: Info() for name in PLANE}, "digits": Info(N_FEATURES, N_CLASSES, (N_TRAIN, N_TEST))}


def require_plane(dataset, what):
    """ConfigError naming ``dataset`` unless it is a 2-D toy: ``what`` (a figure such as "the
    decision boundary") is drawn over the input plane, which 64-D images do not have."""
    if dataset not in PLANE:
        raise ConfigError(
            "dataset",
            f"{what} is drawn over the input plane and needs a 2-D dataset ({', '.join(PLANE)}); "
            f"{dataset} has {INFO[dataset].features} inputs",
            dataset,
        )
