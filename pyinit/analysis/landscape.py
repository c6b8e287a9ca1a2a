"""A 2-D slice of the loss landscape around a recorded trajectory.

The loss on a plane through parameter space around one member's trajectory,

    theta(alpha, beta) = center + alpha * d1 + beta * d2,      center = the last recorded theta

with orthonormal directions d1, d2, and the recorded trajectory projected onto the plane
(coordinates ``(theta_t - center) . d1`` and ``. d2``; the part of the trajectory off the plane
is not shown). Directions (``directions=``):

- ``"pca"`` (default): the first two principal directions of the trajectory (right singular
  vectors of the recorded thetas minus the center), so the plane is the one the run moved in
  most. Fallback when the trajectory is degenerate -- fewer than two directions with
  non-negligible spread (singular value <= 1e-9 of the largest), as in a zero-init tanh run
  that only moves the output bias, or a run that did not move at all -- the missing
  direction(s) are random Gaussian directions (seeded, orthogonalised against the PCA ones,
  normalised); ``method`` then reads ``"pca+random"`` or ``"random"``.
- ``"random"``: two random orthonormal directions.
- ``(i, j)``: chosen coordinates, the unit vectors of parameters i and j of the flat vector
  (``network.Layout`` says which weight each index is).

- ``"layers"`` (only for a path that never moved, when asked for: the page's lab): d1 random in
  the first layer's weights, d2 random in all later weights; see ``plane_directions``.

The grid spans the projected trajectory with a 25 % margin on each axis, at least +-1.
``loss_slice`` computes it for any path; ``landscape`` for a trainer's recorded trajectory.
Left out: Hessian analyses, filter normalisation of directions, any plotting.
"""

import numpy as np

from ..core.network import evaluate_many
from ..errors import ConfigError
from ..rules import parse_int
from ..training.config import MAX_SEED
from .. import seeding

DEGENERATE = 1e-9


def _random_unit(rng, P, against):
    v = rng.standard_normal(P)
    for d in against:
        v -= (v @ d) * d
    return v / np.linalg.norm(v)


def plane_directions(path, directions="pca", rng=None, layout=None):
    """Center (P,), orthonormal d1, d2 (P,), and the method used, for a trajectory ``path`` (R, P).

    With ``layout`` given, a path that never moved (``"pca"`` finds no direction) gets the
    ``"layers"`` plane instead of two random directions, when the net has a hidden layer: d1 a
    seeded random direction in the first layer's weights, d2 one in all later weights. That plane
    shows why zeros are stuck: moving along only one of them leaves the output at sigmoid(b) for
    every input, so the loss is exactly flat along both axes (a critical point).
    """
    path = np.asarray(path, dtype=np.float64)
    center = path[-1]
    P = center.shape[0]
    rng = rng if rng is not None else seeding.generator(0, seeding.DIRECTIONS)
    if isinstance(directions, (tuple, list)):
        if (
            len(directions) != 2
            or not all(isinstance(i, int) and 0 <= i < P for i in directions)
            or directions[0] == directions[1]
        ):
            raise ConfigError(
                "directions",
                f"must be 'pca', 'random' or two different parameter indices in 0..{P - 1}",
                directions,
            )
        d1, d2 = np.zeros(P), np.zeros(P)
        d1[directions[0]] = d2[directions[1]] = 1.0
        return center, d1, d2, "coordinates"
    if directions == "random" or (directions == "pca" and P < 2):
        d1 = _random_unit(rng, P, [])
        return center, d1, _random_unit(rng, P, [d1]), "random"
    if directions != "pca":
        raise ConfigError("directions", "must be 'pca', 'random' or two parameter indices", directions)
    _, s, vt = np.linalg.svd(path - center, full_matrices=False)
    good = [vt[i] for i in range(min(2, len(s))) if s[i] > DEGENERATE * s[0] and s[0] > 0]
    found = len(good)
    while len(good) < 2:
        good.append(_random_unit(rng, P, good))
    method = {2: "pca", 1: "pca+random", 0: "random"}[found]
    if method == "random" and layout is not None and layout.L > 1:
        return (center,) + _layer_directions(rng, layout) + ("layers",)
    return center, good[0], good[1], method


def _layer_directions(rng, layout):
    """d1 random in W[1], d2 random in W[2..L] (both normalised)."""
    d1, d2 = np.zeros(layout.P), np.zeros(layout.P)
    first = layout.W(d1, 1)
    first[...] = rng.standard_normal(first.shape)
    for l in range(2, layout.L + 1):
        later = layout.W(d2, l)
        later[...] = rng.standard_normal(later.shape)
    return d1 / np.linalg.norm(d1), d2 / np.linalg.norm(d2)


def loss_slice(path, layout, activation, X, y, resolution=41, directions="pca", rng=None, layers=False):
    """The loss on the plane around a trajectory ``path`` (R, P) of finite parameter vectors.

    The center is ``path[-1]``; ``layers=True`` uses the ``"layers"`` plane for a path that never
    moved (``plane_directions``). Returns a dict: ``method``; ``alphas`` (G,) and ``betas`` (G,) the
    grid coordinates; ``loss`` (G, G) with ``loss[i, j]`` at (alphas[j], betas[i]); ``path`` (R, 2)
    the projected trajectory; ``d1``, ``d2`` (P,) the directions.
    """
    G = parse_int("resolution", resolution, 3, 201)
    center, d1, d2, method = plane_directions(path, directions, rng, layout if layers else None)
    coords = np.stack([(path - center) @ d1, (path - center) @ d2], axis=1)
    half = np.maximum(1.25 * np.abs(coords).max(axis=0), 1.0)
    alphas = np.linspace(-half[0], half[0], G)
    betas = np.linspace(-half[1], half[1], G)
    A, B = np.meshgrid(alphas, betas)  # rows = betas
    grid = center + A.reshape(-1, 1) * d1 + B.reshape(-1, 1) * d2
    loss = evaluate_many(grid, layout, activation, X, y)["loss"].reshape(G, G)
    return {
        "method": method,
        "alphas": alphas,
        "betas": betas,
        "loss": loss,
        "path": coords,
        "d1": d1,
        "d2": d2,
    }


def landscape(trainer, member=0, resolution=41, directions="pca", seed=None):
    """The loss on a plane around member ``member``'s recorded trajectory (see the module docstring).

    Returns the dict of ``loss_slice`` plus ``steps`` (R,) and ``center_step``.
    """
    member = parse_int("member", member, 0, trainer.K - 1)
    seed = trainer.config.seed if seed is None else parse_int("seed", seed, 0, MAX_SEED)
    path = trainer.theta_history[:, member, :]
    steps = trainer.steps
    finite = np.isfinite(path).all(axis=1)
    path, steps = path[finite], steps[finite]
    result = loss_slice(
        path,
        trainer.layout,
        trainer.activation,
        trainer.X,
        trainer.y,
        resolution,
        directions,
        seeding.generator(seed, seeding.DIRECTIONS),
    )
    return {**result, "steps": steps.copy(), "center_step": int(steps[-1])}
