"""Symbolic tensors of the functional API: a shape, a dtype and the layer call (node) that produced them."""
import operator

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
        if name is None:  # Keras 3 numbers every symbolic tensor: keras_tensor, keras_tensor_1, ...
            from .backend import unique_object_name
            name = unique_object_name("keras_tensor")
        self.name = name
        self.node = node

    @property
    def ndim(self):
        """The rank."""
        return len(self.shape)

    def __repr__(self):
        return (f"<KerasTensor shape={self.shape}, dtype={self.dtype.name}, sparse=False, ragged=False, "
                f"name={self.name}>")

    # Tells the core's conversions to raise a clear TypeError instead of trying to read values.
    _pytensor_symbolic = True

    def _apply(self, function, *operands):
        """A layer computing ``function(*operands)``; the KerasTensors among them become the layer's inputs."""
        from .layers.lambda_layer import Lambda

        symbolic = [x for x in operands if isinstance(x, KerasTensor)]
        return Lambda(_OperandCall(function, operands))(symbolic if len(symbolic) > 1 else symbolic[0])

    def __add__(self, other):
        return self._apply(operator.add, self, other)

    def __radd__(self, other):
        return self._apply(operator.add, other, self)

    def __sub__(self, other):
        return self._apply(operator.sub, self, other)

    def __rsub__(self, other):
        return self._apply(operator.sub, other, self)

    def __mul__(self, other):
        return self._apply(operator.mul, self, other)

    def __rmul__(self, other):
        return self._apply(operator.mul, other, self)

    def __truediv__(self, other):
        return self._apply(operator.truediv, self, other)

    def __rtruediv__(self, other):
        return self._apply(operator.truediv, other, self)

    def __pow__(self, other):
        return self._apply(operator.pow, self, other)

    def __rpow__(self, other):
        return self._apply(operator.pow, other, self)

    def __matmul__(self, other):
        return self._apply(operator.matmul, self, other)

    def __rmatmul__(self, other):
        return self._apply(operator.matmul, other, self)

    def __neg__(self):
        return self._apply(operator.neg, self)

    def __abs__(self):
        return self._apply(operator.abs, self)

    def __getitem__(self, key):
        return self._apply(operator.getitem, self, key)

    def __iter__(self):
        raise TypeError("A symbolic KerasTensor cannot be iterated (its size along the first axis is not known); "
                        "index it (x[:, 0]) or split it with a layer.")

    def __bool__(self):
        raise TypeError("A symbolic KerasTensor has no value: it cannot be used in a Python `if`. Put the "
                        "computation in a layer (e.g. keras.layers.Lambda) or a subclassed Model's call().")


class _OperandCall:
    """``function(*operands)`` with each symbolic operand replaced by the layer input it became: the Lambda
    body of an operator on KerasTensors. A module-level class, not a closure, so such models pickle."""

    def __init__(self, function, operands):
        self.function = function
        self.__name__ = function.__name__  # what the Lambda layer's config and summary show ("add", "getitem")
        symbolic = [x for x in operands if isinstance(x, KerasTensor)]
        # Each operand is ("input", position among the layer's inputs) or ("value", a constant operand).
        self.operands = [("input", next(i for i, s in enumerate(symbolic) if s is x)) if isinstance(x, KerasTensor)
                         else ("value", x) for x in operands]

    def __call__(self, values):
        values = values if isinstance(values, list) else [values]
        return self.function(*[values[v] if kind == "input" else v for kind, v in self.operands])


def is_keras_tensor(x):
    """True for the symbolic tensors of the functional API."""
    return isinstance(x, KerasTensor)
