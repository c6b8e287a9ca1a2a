"""Bounded recording of a training trajectory.

A ``Recorder`` keeps, for each recorded step t, the parameters ``theta_t`` (K, P), the gradient
``grad_t`` evaluated at ``theta_t``, and each member's loss and accuracy at ``theta_t``, in arrays
preallocated to ``capacity`` records. Step t is recorded when ``t % stride == 0``; ``stride``
starts at ``every``. When the arrays are full, every other record is dropped (those whose step is
not a multiple of ``2 * stride``) and ``stride`` doubles: memory stays flat however long the run,
and the kept records stay evenly spaced, always including step 0. Derived statistics are computed
from these records elsewhere (``stats``), so the hot training step only copies two buffers.
"""

import numpy as np


class Recorder:
    def __init__(self, K, P, every=1, capacity=1000):
        assert capacity >= 2 and every >= 1
        self.capacity = int(capacity)
        self.stride = int(every)
        self.count = 0
        self._steps = np.zeros(capacity, dtype=np.int64)
        self._theta = np.zeros((capacity, K, P))
        self._grad = np.zeros((capacity, K, P))
        self._loss = np.zeros((capacity, K))
        self._accuracy = np.zeros((capacity, K))

    def wants(self, t):
        """Whether step t would be recorded (before any halving it may trigger)."""
        return t % self.stride == 0

    def append(self, t, theta, grad, loss, accuracy):
        """Record step t (the caller checked ``wants(t)``); halves the resolution when full."""
        if self.count == self.capacity:
            self._halve()
            if not self.wants(t):
                return
        i = self.count
        self._steps[i] = t
        self._theta[i] = theta
        self._grad[i] = grad
        self._loss[i] = loss
        self._accuracy[i] = accuracy
        self.count += 1

    def _halve(self):
        self.stride *= 2
        keep = np.flatnonzero(self._steps[:self.count] % self.stride == 0)
        for arr in (self._steps, self._theta, self._grad, self._loss, self._accuracy):
            arr[:len(keep)] = arr[keep]
        self.count = len(keep)

    # Views of the filled part: (R,), (R, K, P), (R, K, P), (R, K), (R, K).
    @property
    def steps(self):
        return self._steps[:self.count]

    @property
    def theta(self):
        return self._theta[:self.count]

    @property
    def grad(self):
        return self._grad[:self.count]

    @property
    def loss(self):
        return self._loss[:self.count]

    @property
    def accuracy(self):
        return self._accuracy[:self.count]

    @property
    def nbytes(self):
        return sum(a.nbytes for a in (self._steps, self._theta, self._grad, self._loss, self._accuracy))
