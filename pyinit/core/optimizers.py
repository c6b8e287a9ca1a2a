"""Gradient descent on a flat parameter buffer: plain SGD and heavy-ball momentum.

Both update all parameters of all members with a few whole-array operations on ``theta`` (K, P):

    SGD:       theta <- theta - lr * grad
    momentum:  v <- momentum * v + grad;   theta <- theta - lr * v      (v starts at 0)

With ``momentum == 0`` the momentum update is skipped entirely, so the two are bitwise identical.
Which samples the gradient is computed on (full batch or mini-batches) is the trainer's business,
not the optimizer's. Left out: Adam and other adaptive methods, weight decay, schedules.
"""

import numpy as np


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
