"""Analyses on top of training: a 2-D slice of the loss landscape (``landscape``) and signal
propagation at initialisation (``signal``). No plotting."""
