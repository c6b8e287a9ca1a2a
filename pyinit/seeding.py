"""Independent random streams derived from one integer seed.

Each kind of randomness has its own stream, so changing one thing (say the batch size) never
changes another (the data or the initial weights):

- data depends only on (dataset, n_samples, noise, seed)      -> stream ``DATA``
- initial weights only on (init spec, seed)                    -> stream ``INIT``
- the perturbation noise only on (perturb, seed)               -> stream ``PERTURB``
- the mini-batch order only on (batch_size, seed)              -> stream ``BATCHES``
- random directions of the landscape slice                     -> stream ``DIRECTIONS``
- the inputs of the signal-propagation experiment              -> stream ``SIGNAL``
- the held-out test set (same generator as the data, n_test)   -> stream ``TEST``
- random initial biases (bias_init normal:STD or uniform:A)    -> stream ``BIAS``
- the dropout masks, step after step                          -> stream ``DROPOUT``

There is no global RNG anywhere in pyinit; every function that draws takes a ``np.random.Generator``.
"""

import numpy as np

DATA, INIT, PERTURB, BATCHES, DIRECTIONS, SIGNAL, TEST, BIAS, DROPOUT = 0, 1, 2, 3, 4, 5, 6, 7, 8


def generator(seed, stream):
    """The ``np.random.Generator`` for ``stream`` of ``seed`` (a non-negative int)."""
    return np.random.default_rng([int(seed), int(stream)])
