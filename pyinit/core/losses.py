"""The output layer's loss: one sigmoid unit with mean binary cross-entropy, computed from ``z``.

For one sample with output pre-activation ``z``, ``a = sigmoid(z)`` and label ``y`` in {0, 1}:

    loss(z, y) = -y log a - (1 - y) log(1 - a) = log(1 + exp(z)) - y z = logaddexp(0, z) - y z

The right-hand form never takes the log of 0 and is finite for every finite ``z``. Its derivative
is ``dloss/dz = sigmoid(z) - y = a - y`` exactly, which is why the output ``delta`` is ``a - y``
(``network.backward`` writes it so; the 1/n of the mean is applied once to the whole gradient).
Regression losses and softmax outputs are left out: every dataset here is a 2-class problem.
"""

import numpy as np


def bce_from_logits(z, y, out=None, tmp=None):
    """Mean binary cross-entropy over axes (-2, -1) of ``z``.

    z : array (..., n, 1), the output pre-activations; y : array broadcastable to z, 0 or 1.
    out, tmp : optional scratch arrays shaped like z (avoid temporaries in the training step).
    Returns an array of shape ``z.shape[:-2]`` (one loss per member).
    """
    if out is None:
        out = np.empty(np.broadcast_shapes(z.shape, np.shape(y)))
    np.logaddexp(0.0, z, out=out)
    out -= np.multiply(y, z, out=tmp)
    return np.add.reduce(out, axis=(-2, -1)) / (out.shape[-2] * out.shape[-1])


def accuracy_from_logits(z, y):
    """Fraction of samples with (z > 0) == y, over axes (-2, -1). Returns shape ``z.shape[:-2]``."""
    correct = np.equal(z > 0.0, y > 0.5)
    return np.add.reduce(correct, axis=(-2, -1), dtype=np.float64) / (z.shape[-2] * z.shape[-1])
