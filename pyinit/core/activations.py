"""Hidden-layer activation functions, each written next to its derivative.

An activation is a pair of functions on batched arrays, both writing into a preallocated ``out``
(the training step is the hot path, so they avoid temporaries):

- ``forward(z, out)``: ``out = f(z)``;
- ``backprop(g, z, a, out)``: ``out = g * f'(z)``, where ``a = f(z)`` is passed too because
  several derivatives are simplest through the output (tanh: ``1 - a**2``; sigmoid: ``a (1 - a)``).

Conventions at kinks: ``relu'(0) = 0`` and ``leaky_relu'(0) = LEAKY_SLOPE`` (the left slope). With
``relu'(0) = 0`` a net whose weights and biases are all zero gets exactly zero weight gradients.
``ACTIVATIONS`` maps the names used by the CLI, the page and the URL to these pairs.
The output layer is always one sigmoid unit (see ``losses``); this module does not cover it except
that ``sigmoid`` is shared.
"""

from dataclasses import dataclass
from typing import Callable

import numpy as np

LEAKY_SLOPE = 0.01


@dataclass(frozen=True)
class Activation:
    name: str
    forward: Callable
    backprop: Callable


def tanh(z, out):
    """The hyperbolic tangent. tanh(0) == 0 exactly."""
    return np.tanh(z, out=out)


def tanh_backprop(g, z, a, out):
    """out = g * (1 - a**2)."""
    np.multiply(a, a, out=out)
    np.subtract(1.0, out, out=out)
    return np.multiply(out, g, out=out)


def relu(z, out):
    """max(z, 0)."""
    return np.maximum(z, 0.0, out=out)


def relu_backprop(g, z, a, out):
    """out = g * [z > 0]; the derivative at 0 is taken as 0."""
    np.heaviside(z, 0.0, out=out)
    return np.multiply(out, g, out=out)


def leaky_relu(z, out):
    """max(z, LEAKY_SLOPE * z)."""
    np.multiply(z, LEAKY_SLOPE, out=out)
    return np.maximum(z, out, out=out)


def leaky_relu_backprop(g, z, a, out):
    """out = g * (1 if z > 0 else LEAKY_SLOPE)."""
    np.multiply(g, np.where(z > 0.0, 1.0, LEAKY_SLOPE), out=out)
    return out


def sigmoid(z, out):
    """The logistic function 1 / (1 + exp(-z)); exp overflow gives exactly 0 (warnings are off in
    the trainer)."""
    np.negative(z, out=out)
    np.exp(out, out=out)
    np.add(out, 1.0, out=out)
    return np.reciprocal(out, out=out)


def sigmoid_backprop(g, z, a, out):
    """out = g * a * (1 - a)."""
    np.subtract(1.0, a, out=out)
    np.multiply(out, a, out=out)
    return np.multiply(out, g, out=out)


def linear(z, out):
    """The identity."""
    np.copyto(out, z)
    return out


def linear_backprop(g, z, a, out):
    """out = g."""
    np.copyto(out, g)
    return out


ACTIVATIONS = {
    "tanh": Activation("tanh", tanh, tanh_backprop),
    "relu": Activation("relu", relu, relu_backprop),
    "sigmoid": Activation("sigmoid", sigmoid, sigmoid_backprop),
    "linear": Activation("linear", linear, linear_backprop),
    "leaky_relu": Activation("leaky_relu", leaky_relu, leaky_relu_backprop),
}
