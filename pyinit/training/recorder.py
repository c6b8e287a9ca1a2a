"""Bounded recording of a training trajectory.

A ``Recorder`` keeps, for each recorded step t, the parameters ``theta_t`` (K, P), the gradient
``grad_t`` evaluated at ``theta_t``, and each member's loss and accuracy at ``theta_t``, in arrays
preallocated to ``capacity`` records. Step t is recorded when ``t % stride == 0``; ``stride``
starts at ``every``. When the arrays are full, every other record is dropped (those whose step is
not a multiple of ``2 * stride``) and ``stride`` doubles: memory stays flat however long the run,
and the kept records stay evenly spaced, always including step 0. Derived statistics are computed
from these records elsewhere (``stats``), so the hot training step only copies two buffers.

A *provisional tail*: ``set_tail`` stores the current step as one extra last record although it
is not a kept step (so a viewer can show the step that was actually trained to); the next
``append`` or ``set_tail`` replaces it, and it never takes part in halving. One slot is reserved
for it, so memory stays bounded. ``tail`` says whether the last record is such a tail.
"""

import numpy as np


def _filled(buffer, doc):
    """A property: the records held so far (the provisional tail included) of one of the buffers."""
    return property(lambda self: getattr(self, buffer)[: self.size], doc=doc)


class Recorder:
    def __init__(self, K, P, every=1, capacity=1000):
        assert capacity >= 2 and every >= 1
        self.capacity = int(capacity)
        self.stride = int(every)
        self.count = 0  # permanent records
        self.tail = False  # one provisional record after them?
        slots = capacity + 1  # (+1: the provisional tail)
        self._steps = np.zeros(slots, dtype=np.int64)
        self._theta = np.zeros((slots, K, P))
        self._grad = np.zeros((slots, K, P))
        self._loss = np.zeros((slots, K))
        self._accuracy = np.zeros((slots, K))

    def wants(self, t):
        """Whether step t would be recorded (before any halving it may trigger)."""
        return t % self.stride == 0

    def append(self, t, theta, grad, loss, accuracy):
        """Record step t (the caller checked ``wants(t)``); halves the resolution when full.
        A provisional tail is dropped first."""
        self.tail = False
        if self.count == self.capacity:
            self._halve()
            if not self.wants(t):
                return
        self._write(self.count, t, theta, grad, loss, accuracy)
        self.count += 1

    def set_tail(self, t, theta, grad, loss, accuracy):
        """Store step t as the provisional last record (replacing any previous tail)."""
        assert self.count == 0 or t > self._steps[self.count - 1]
        self._write(self.count, t, theta, grad, loss, accuracy)
        self.tail = True

    def _write(self, i, t, theta, grad, loss, accuracy):
        self._steps[i] = t
        self._theta[i] = theta
        self._grad[i] = grad
        self._loss[i] = loss
        self._accuracy[i] = accuracy

    def _halve(self):
        self.stride *= 2
        keep = np.flatnonzero(self._steps[: self.count] % self.stride == 0)
        for arr in (self._steps, self._theta, self._grad, self._loss, self._accuracy):
            arr[: len(keep)] = arr[keep]
        self.count = len(keep)

    # Views of the filled part, the tail included: (R,), (R, K, P), (R, K, P), (R, K), (R, K).
    @property
    def size(self):
        """Number of records R, the provisional tail included."""
        return self.count + self.tail

    steps = _filled("_steps", "The recorded steps, (R,).")
    theta = _filled("_theta", "The recorded parameters, (R, K, P).")
    grad = _filled("_grad", "The recorded gradients, (R, K, P).")
    loss = _filled("_loss", "The recorded losses, (R, K).")
    accuracy = _filled("_accuracy", "The recorded accuracies, (R, K).")

    @property
    def nbytes(self):
        return sum(a.nbytes for a in (self._steps, self._theta, self._grad, self._loss, self._accuracy))
