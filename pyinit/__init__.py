"""pyinit: a small numpy neural network with hand-written backpropagation, built to show exactly
why zero (or any constant) weight initialization fails, and what random initialization fixes."""

__version__ = "0.1.0"
