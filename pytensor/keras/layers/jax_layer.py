"""Keras JaxLayer: not supported (it wraps JAX code)."""
from ._foreign_module import ForeignModuleLayer

__all__ = ["JaxLayer"]


class JaxLayer(ForeignModuleLayer):
    """Keras's wrapper of a JAX function ``call_fn(params, state, rng, inputs, training)``. Not supported: the module
    runs only inside JAX, so constructing this layer raises ValueError saying so and how to port the model.

    Raises:
        ValueError: always.
    """

    _framework = "JAX"
    _fix = ("Rewrite the function with pytensor ops in a keras.layers.Layer (keras.ops mirrors jax.numpy).")
