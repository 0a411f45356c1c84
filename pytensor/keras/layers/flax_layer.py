"""Keras FlaxLayer: not supported (it wraps Flax (JAX) code)."""
from ._foreign_module import ForeignModuleLayer

__all__ = ["FlaxLayer"]


class FlaxLayer(ForeignModuleLayer):
    """Keras's wrapper of a Flax ``nn.Module``. Not supported: the module runs only inside Flax (JAX), so constructing
    this layer raises ValueError saying so and how to port the model.

    Raises:
        ValueError: always.
    """

    _framework = "Flax (JAX)"
    _fix = ("Rewrite the module as a keras.layers.Layer, or port its weights into one with set_weights.")
