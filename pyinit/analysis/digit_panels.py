"""What the digits panels show, computed from parameters: each first-layer unit's 64 incoming
weights as an 8 x 8 image, one colour scale shared by the runs compared, how many units differ,
and the labels a net gives a small fixed grid of test digits; ``panels`` gathers all of it for
records of a trainer (what a precomputed digits chapter would ship).

A net on the digits has sizes (64, width, ..., 10). ``W[1]`` is stored unit by unit (``network.Layout``
keeps each W block transposed), so unit j's incoming weights are 64 consecutive numbers of ``theta``
and ``unit_images`` is a view, free for every record. The grid (``grid``) is the first
``GRID_PER_CLASS`` images of each class in the fixed test set, ordered by class: the same digits
for every run and seed. Nothing here trains or draws.
"""

import numpy as np

from ..core import digits
from ..core.network import T, evaluate_many
from ..errors import ConfigError
from ..training import stats

GRID_PER_CLASS = 2  # 20 test digits


def unit_images(theta, layout, shape=digits.IMAGE_SHAPE):
    """The incoming weights of every unit of hidden layer 1 as images: theta (..., P) ->
    (..., width, 8, 8), a view into ``theta`` (row by row as the pixels are)."""
    if layout.L < 2:
        raise ConfigError("hidden", "unit images need a hidden layer", list(layout.sizes[1:-1]))
    if layout.sizes[0] != shape[0] * shape[1]:
        raise ConfigError(
            "dataset", f"unit images need {shape[0]} x {shape[1]} image inputs", f"{layout.sizes[0]} inputs"
        )
    theta = np.asarray(theta)
    return T(layout.W(theta, 1)).reshape(theta.shape[:-1] + (layout.sizes[1],) + tuple(shape))


def color_scale(images):
    """The half-width s of the one symmetric colour scale [-s, s] for ``images`` (any shape): the
    largest |weight|, 0 for all-zero images (then every image is blank)."""
    images = np.asarray(images)
    finite = images[np.isfinite(images)]
    return float(np.abs(finite).max()) if finite.size else 0.0


def grid_indices(per_class=GRID_PER_CLASS):
    """Indices into the fixed test set (``digits.make_digits(N_TEST, split="test")``) of the grid:
    the first ``per_class`` images of each class, class 0 first: (10 * per_class,)."""
    _, y = digits.make_digits(digits.N_TEST, split="test")
    return np.concatenate([np.flatnonzero(y == c)[:per_class] for c in range(digits.N_CLASSES)])


def grid(per_class=GRID_PER_CLASS):
    """The grid's images and labels: X (10 * per_class, 64) in [0, 1], y (10 * per_class,)."""
    X, y = digits.make_digits(digits.N_TEST, split="test")
    idx = grid_indices(per_class)
    return X[idx], y[idx]


def predict(theta, layout, activation, X, workspaces=None):
    """The class each parameter vector of ``theta`` (M, P) gives each row of X (n, d): (M, n) int64;
    the first largest softmax output (``np.argmax``), or p > 0.5 for one sigmoid unit.
    ``workspaces``: a dict kept between calls to reuse buffers (``network.evaluate_many``)."""
    theta = np.asarray(theta).reshape(-1, layout.P)
    out = evaluate_many(theta, layout, activation, X, keep=("output",), workspaces=workspaces)
    p = out["output"]
    return (p > 0.5).astype(np.int64) if p.ndim == 2 else np.argmax(p, axis=-1).astype(np.int64)


def panels(trainer, idx=None, per_class=GRID_PER_CLASS):
    """Everything the digits panels draw, for records ``idx`` (default: all) of a digits trainer
    (K members, hidden layer 1 of ``width`` units, G = 10 * per_class grid digits), JSON-friendly
    with bulk numbers as flat float64 arrays:

        steps (R,)  images (R*K*width*64): unit j's 8 x 8 weights, row by row, unit by unit
        scale: the one colour scale's half-width (``color_scale`` of all those images)
        distinct (R*K): distinct units of layer 1   test_loss, test_acc (R*K): on the test set
        grid_X (G*64), grid_y (G,), grid_pred (R*K*G): the grid digits and each member's answers
    """
    idx = np.arange(len(trainer.steps)) if idx is None else np.asarray(idx)
    layout, K = trainer.layout, trainer.K
    theta = trainer.theta_history[idx]  # (R, K, P)
    images = unit_images(theta, layout)
    loss, acc = trainer.evaluate_test(theta.reshape(-1, layout.P))
    X, y = grid(per_class)
    pred = predict(theta, layout, trainer.activation, X)
    return {
        "steps": f64(trainer.steps[idx]),
        "images": f64(images),
        "scale": color_scale(images),
        "distinct": f64(stats.distinct_units(theta, layout)[..., 0]),
        "test_loss": f64(loss),
        "test_acc": f64(acc),
        "grid_X": f64(X),
        "grid_y": f64(y),
        "grid_pred": f64(pred),
        "K": K,
    }


def f64(x):
    """``x`` as a contiguous 1-D float64 array."""
    return np.ascontiguousarray(x, dtype=np.float64).ravel()
