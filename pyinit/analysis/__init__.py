"""Analyses on top of training: a 2-D slice of the loss landscape (``landscape``), signal
propagation at initialisation (``signal``) and the digits' panels (``digit_panels``). No plotting."""
