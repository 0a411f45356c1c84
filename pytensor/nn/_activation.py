"""tf.nn: activations beyond the registry's fused activation ops (relu6, leaky_relu, elu, ... with first and second
gradients, exported by the registry)."""

from .._core import silu

__all__ = ["swish"]  # the activation ops themselves are exported by the registry (nn/__init__.py)

swish = silu
"""``tf.nn.swish``: the same op as ``silu``, ``x * sigmoid(beta * x)``."""
