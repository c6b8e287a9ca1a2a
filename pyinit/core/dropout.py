"""Dropout: per-unit noise on the hidden layers, with every mask drawn from a passed-in rng.

Inverted dropout (PyTorch's ``nn.Dropout`` convention): while training, each hidden unit's
activation is dropped (set to 0) with probability ``p``, independently per sample and unit, and the
kept ones are multiplied by ``1 / (1 - p)``, so that the expected activation is unchanged and the net
is evaluated as it is (no mask, no scaling). ``p`` is the probability of *dropping*; ``p = 0`` is no
dropout. The input and the output unit are never dropped.

A mask of layer l is an array of shape (1, n, width) holding 0 or 1 / (1 - p): one mask per sample
and hidden unit, shared by every member a trainer trains, so that a member's numbers do not depend on
which other members it is trained with. ``network.forward``/``backward`` take the list of masks
(indexed 1..L like ``W``; entries 0 and L are None).

Why it matters here: two clone units (equal incoming and outgoing weights) are dropped on different
samples, so their gradients differ and they separate -- dropout breaks the symmetry that equal
initial weights create. It cannot move exact zeros with f(0) = 0: then every hidden activation is
0, masked or not, and every weight gradient stays exactly 0.
Left out: dropout on the input, DropConnect, other noise (Gaussian dropout).
"""

import numpy as np

MAX_P = 0.9


def keep_scale(p):
    """The factor kept activations are multiplied by: 1 / (1 - p)."""
    return 1.0 / (1.0 - p)


def draw_masks(rng, p, n, hidden):
    """Masks for one batch of ``n`` samples and hidden widths ``hidden`` (a tuple), drawn from
    ``rng`` (a ``np.random.Generator``): a list ``[None, m1, ..., m_{L-1}, None]`` where
    ``m_l`` (1, n, width) is 0 where unit j is dropped for sample i (``rng.random() < p``) and
    ``1 / (1 - p)`` where it is kept. The draws are made layer by layer, each an (n, width) array."""
    assert 0.0 <= p < 1.0, p
    scale = keep_scale(p)
    masks = [None]
    for width in hidden:
        dropped = rng.random((n, width)) < p
        masks.append(np.where(dropped, 0.0, scale)[None])
    return masks + [None]
