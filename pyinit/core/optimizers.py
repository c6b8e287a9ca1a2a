"""Gradient methods on a flat parameter buffer: plain SGD, heavy-ball momentum and Adam.

Each updates all parameters of all members with a few whole-array operations on ``theta`` (K, P);
every operation is elementwise, so equal parameters with equal gradients get bitwise equal updates:

    SGD:       theta <- theta - lr * grad
    momentum:  v <- momentum * v + grad;   theta <- theta - lr * v      (v starts at 0)
    Adam:      m <- b1 * m + (1 - b1) * grad;   v <- b2 * v + (1 - b2) * grad**2    (m, v start at 0)
               theta <- theta - (lr / (1 - b1**t)) * m / (sqrt(v) / sqrt(1 - b2**t) + eps)

Adam is PyTorch's ``torch.optim.Adam`` (its defaults b1 = 0.9, b2 = 0.999, eps = 1e-8, and its order
of operations; t = 1 at the first update). A gradient that is exactly 0 at every step leaves m and
v exactly 0, so the update is exactly 0 / (0 + eps) = 0: Adam cannot move a parameter that plain
SGD would not move. With ``momentum == 0`` the momentum update is skipped entirely, so SGD is
bitwise what it always was. Which samples the gradient is computed on (full batch or
mini-batches) is the trainer's business, not the optimizer's. ``OPTIMIZERS`` names the methods as
the CLI and the page do. Left out: weight decay, AMSGrad, Nesterov, schedules.
"""

import math

import numpy as np

BETA1, BETA2, EPS = 0.9, 0.999, 1e-8  # PyTorch's Adam defaults


class GradientDescent:
    """SGD with optional momentum for a (K, P) parameter buffer."""

    def __init__(self, shape, lr, momentum=0.0):
        self.lr = float(lr)
        self.momentum = float(momentum)
        self.velocity = np.zeros(shape) if self.momentum else None
        self._step = np.empty(shape)

    def update(self, theta, grad):
        """Update ``theta`` in place from ``grad`` (both (K, P))."""
        direction = grad
        if self.velocity is not None:
            self.velocity *= self.momentum
            self.velocity += grad
            direction = self.velocity
        np.multiply(direction, self.lr, out=self._step)
        theta -= self._step

    def stop(self, member):
        """Forget the velocity of a member that no longer trains."""
        if self.velocity is not None:
            self.velocity[member] = 0.0


class Adam:
    """Adam (PyTorch's formula and defaults) for a (K, P) parameter buffer; one step count t for all
    members (they start together)."""

    def __init__(self, shape, lr, beta1=BETA1, beta2=BETA2, eps=EPS):
        self.lr, self.beta1, self.beta2, self.eps = float(lr), float(beta1), float(beta2), float(eps)
        self.t = 0
        self.m = np.zeros(shape)  # first moment (mean of the gradient)
        self.v = np.zeros(shape)  # second moment (mean of its square)
        self._a = np.empty(shape)
        self._b = np.empty(shape)

    def update(self, theta, grad):
        """Update ``theta`` in place from ``grad`` (both (K, P))."""
        self.t += 1
        m, v, a, b = self.m, self.v, self._a, self._b
        m *= self.beta1  # m <- b1 m + (1 - b1) g
        m += np.multiply(grad, 1.0 - self.beta1, out=a)
        v *= self.beta2  # v <- b2 v + (1 - b2) g^2
        np.multiply(grad, grad, out=a)
        v += np.multiply(a, 1.0 - self.beta2, out=a)
        step_size = self.lr / (1.0 - self.beta1**self.t)
        np.sqrt(v, out=b)  # denom = sqrt(v) / sqrt(1 - b2^t) + eps
        b /= math.sqrt(1.0 - self.beta2**self.t)
        b += self.eps
        np.divide(m, b, out=a)  # theta <- theta - step_size * m / denom
        a *= step_size
        theta -= a

    def stop(self, member):
        """Forget the moments of a member that no longer trains (its gradient is then 0, so its
        update is exactly 0)."""
        self.m[member] = 0.0
        self.v[member] = 0.0


OPTIMIZERS = ("sgd", "momentum", "adam")


def make(name, shape, lr, momentum=0.0):
    """The optimizer ``name`` (in ``OPTIMIZERS``) for a (K, P) buffer. "sgd" with ``momentum > 0``
    is heavy-ball momentum, as "momentum" is; Adam ignores ``momentum`` (the config refuses it)."""
    assert name in OPTIMIZERS, name
    if name == "adam":
        return Adam(shape, lr)
    return GradientDescent(shape, lr, momentum)
