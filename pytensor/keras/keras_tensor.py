"""Symbolic tensors of the functional API: a shape, a dtype and the layer call (node) that produced them."""
import pytensor as pt

__all__ = ["KerasTensor", "Node", "is_keras_tensor"]


class Node:
    """One call of a layer on symbolic inputs: ``outputs = layer(*args, **kwargs)``."""

    def __init__(self, layer, args, kwargs, outputs):
        self.layer = layer
        self.args = args
        self.kwargs = kwargs
        self.outputs = outputs
        self.inputs = [x for x in pt.nest.flatten((args, kwargs)) if isinstance(x, KerasTensor)]


class KerasTensor:
    """A placeholder for a batch of data in a functional model: ``shape`` (None = any size) and ``dtype``.

    Example:
        >>> x = keras.Input(shape=(784,))
        >>> x.shape
        (None, 784)
    """

    def __init__(self, shape, dtype="float32", name=None, node=None):
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = pt.as_dtype(dtype)
        self.name = name
        self.node = node

    @property
    def ndim(self):
        """The rank."""
        return len(self.shape)

    def __repr__(self):
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype.name}, name={self.name}>"

    def __bool__(self):
        raise TypeError("A symbolic KerasTensor has no value: it cannot be used in a Python `if`. Put the "
                        "computation in a layer (e.g. keras.layers.Lambda) or a subclassed Model's call().")


def is_keras_tensor(x):
    """True for the symbolic tensors of the functional API."""
    return isinstance(x, KerasTensor)
