"""tf.nn: activations beyond relu / sigmoid / tanh (fused registry ops with first and second gradients)."""

from .._core import elu, gelu, leaky_relu, relu6, selu, silu, softplus, softsign

__all__ = ["relu6", "leaky_relu", "elu", "selu", "gelu", "softplus", "softsign", "silu", "swish"]

swish = silu
"""``tf.nn.swish``: the same op as ``silu``, ``x * sigmoid(beta * x)``."""
