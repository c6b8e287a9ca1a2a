"""The output layer's loss, computed from ``z``: one sigmoid unit with binary cross-entropy (two
classes), or a softmax over C >= 2 units with cross-entropy (C classes). Both are means over samples.

For one sample with output pre-activation ``z``, ``a = sigmoid(z)`` and label ``y`` in {0, 1}:

    loss(z, y) = -y log a - (1 - y) log(1 - a) = log(1 + exp(z)) - y z = logaddexp(0, z) - y z

The right-hand form never takes the log of 0 and is finite for every finite ``z``. Its derivative
is ``dloss/dz = sigmoid(z) - y = a - y`` exactly, which is why the output ``delta`` is ``a - y``
(``network.backward`` writes it so; the 1/n of the mean is applied once to the whole gradient).

For C classes, one sample has logits ``z`` (C,), probabilities ``p = softmax(z)``, ``p_c =
exp(z_c) / sum_k exp(z_k)``, and a one-hot target ``y`` (C,) (``one_hot``). With ``m = max_k z_k``
(subtracted so that no exp overflows, and the largest term is exactly 1):

    loss(z, y) = -sum_c y_c log p_c = logsumexp(z) - sum_c y_c z_c
               = (m - sum_c y_c z_c) + log(sum_k exp(z_k - m))

Both terms are >= 0 and finite for every finite ``z`` (log of a sum >= 1). Its gradient is
``dloss/dz = p - y`` exactly as for the sigmoid, so the output ``delta`` is again ``a - y`` and the
mean-loss gradient at the output is ``dz = (p - y) / n``. The predicted class is the first of the
largest logits (``np.argmax``: with equal logits, the lowest label).
Left out: regression losses, label smoothing, class weights.
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


def one_hot(labels, classes):
    """Labels (n,) in 0..classes-1 as one-hot rows: (n, classes) float64."""
    labels = np.asarray(labels)
    out = np.zeros((labels.size, classes))
    out[np.arange(labels.size), labels.reshape(-1)] = 1.0
    return out


def softmax(z, out, tmp):
    """``out = softmax(z)`` over the last axis, stably (the row maximum is subtracted first).

    z, out : arrays (..., n, C); tmp : scratch (..., n, 1). Returns ``out``.
    """
    np.maximum.reduce(z, axis=-1, keepdims=True, out=tmp)
    np.subtract(z, tmp, out=out)
    np.exp(out, out=out)
    np.add.reduce(out, axis=-1, keepdims=True, out=tmp)
    return np.divide(out, tmp, out=out)


def cross_entropy_from_logits(z, y, out=None, tmp=None, tmp2=None):
    """Mean cross-entropy of the softmax of ``z`` over axes (-2, -1) (samples), see the docstring.

    z : array (..., n, C), the output pre-activations; y : one-hot targets broadcastable to z.
    out : optional scratch shaped like z; tmp, tmp2 : optional scratch (..., n, 1).
    Returns an array of shape ``z.shape[:-2]`` (one loss per member).
    """
    if out is None:
        out = np.empty(np.broadcast_shapes(z.shape, np.shape(y)))
        tmp, tmp2 = np.empty(out.shape[:-1] + (1,)), np.empty(out.shape[:-1] + (1,))
    m = np.maximum.reduce(z, axis=-1, keepdims=True, out=tmp)
    np.multiply(y, z, out=out)
    yz = np.add.reduce(out, axis=-1, keepdims=True, out=tmp2)  # sum_c y_c z_c
    np.subtract(m, yz, out=tmp2)  # m - y.z >= 0
    np.subtract(z, m, out=out)
    np.exp(out, out=out)
    s = np.add.reduce(out, axis=-1, keepdims=True, out=tmp)  # sum_k exp(z_k - m) >= 1
    np.log(s, out=s)
    np.add(s, tmp2, out=s)
    return np.add.reduce(s, axis=(-2, -1)) / s.shape[-2]


def multiclass_accuracy_from_logits(z, y):
    """Fraction of samples whose first largest logit is the target's class, over axis -2.

    z : (..., n, C); y : one-hot, broadcastable. Returns shape ``z.shape[:-2]``.
    """
    correct = np.equal(np.argmax(z, axis=-1), np.argmax(y, axis=-1))
    return np.add.reduce(correct, axis=-1, dtype=np.float64) / z.shape[-2]
