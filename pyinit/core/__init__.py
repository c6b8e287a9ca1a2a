"""The numerical core: activations, losses, initializers, datasets, the network and its backprop,
and the optimizer. Pure numpy; no I/O, no configuration parsing, no training loop."""
