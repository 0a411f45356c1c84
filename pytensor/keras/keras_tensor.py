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

    # Tells the core's conversions to raise a clear TypeError instead of trying to read values.
    _pytensor_symbolic = True

    def _apply(self, function, *operands):
        """A layer applying ``function`` to this tensor and ``operands`` (KerasTensors become the layer's inputs)."""
        from .layers.lambda_layer import Lambda

        symbolic = [self] + [x for x in operands if isinstance(x, KerasTensor)]
        slots = {id(x): i for i, x in enumerate(symbolic)}

        def apply(values):
            values = values if isinstance(values, list) else [values]
            return function(*[values[slots[id(x)]] if isinstance(x, KerasTensor) else x for x in (self,) + operands])
        return Lambda(apply)(symbolic if len(symbolic) > 1 else self)

    def __add__(self, other):
        return self._apply(lambda a, b: a + b, other)

    def __radd__(self, other):
        return self._apply(lambda a, b: b + a, other)

    def __sub__(self, other):
        return self._apply(lambda a, b: a - b, other)

    def __rsub__(self, other):
        return self._apply(lambda a, b: b - a, other)

    def __mul__(self, other):
        return self._apply(lambda a, b: a * b, other)

    def __rmul__(self, other):
        return self._apply(lambda a, b: b * a, other)

    def __truediv__(self, other):
        return self._apply(lambda a, b: a / b, other)

    def __rtruediv__(self, other):
        return self._apply(lambda a, b: b / a, other)

    def __pow__(self, other):
        return self._apply(lambda a, b: a ** b, other)

    def __rpow__(self, other):
        return self._apply(lambda a, b: b ** a, other)

    def __matmul__(self, other):
        return self._apply(lambda a, b: a @ b, other)

    def __rmatmul__(self, other):
        return self._apply(lambda a, b: b @ a, other)

    def __neg__(self):
        return self._apply(lambda a: -a)

    def __abs__(self):
        return self._apply(lambda a: abs(a))

    def __getitem__(self, key):
        return self._apply(lambda a: a[key])

    def __iter__(self):
        raise TypeError("A symbolic KerasTensor cannot be iterated (its size along the first axis is not known); "
                        "index it (x[:, 0]) or split it with a layer.")

    def __bool__(self):
        raise TypeError("A symbolic KerasTensor has no value: it cannot be used in a Python `if`. Put the "
                        "computation in a layer (e.g. keras.layers.Lambda) or a subclassed Model's call().")


def is_keras_tensor(x):
    """True for the symbolic tensors of the functional API."""
    return isinstance(x, KerasTensor)
