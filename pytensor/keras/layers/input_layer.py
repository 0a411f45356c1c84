"""Keras InputLayer and the functional API's ``Input``."""
from ..keras_tensor import KerasTensor, Node
from .layer import Layer

__all__ = ["InputLayer", "Input"]


class InputLayer(Layer):
    """The entry point of a model: holds the input's shape (batch axis first, None = any size) and dtype.

    Example:
        >>> model = keras.Sequential([keras.layers.InputLayer(input_shape=(784,)), keras.layers.Dense(10)])

    Args:
        input_shape: the shape without the batch axis (``shape`` is Keras 3's spelling).
        batch_size: fixed batch size, default any.
        dtype: the input's dtype, default ``"float32"``.
        batch_input_shape: the full shape instead of ``input_shape`` and ``batch_size``.
    """

    def __init__(self, input_shape=None, batch_size=None, dtype=None, name=None, batch_input_shape=None,
                 shape=None, batch_shape=None, sparse=False, **kwargs):
        super().__init__(name=name, dtype=dtype, **kwargs)
        input_shape = shape if input_shape is None else input_shape
        batch_input_shape = batch_shape if batch_input_shape is None else batch_input_shape
        if batch_input_shape is not None:
            full = tuple(batch_input_shape)
        elif input_shape is not None:
            input_shape = (input_shape,) if isinstance(input_shape, int) else tuple(input_shape)
            full = (batch_size,) + input_shape
        else:
            raise ValueError(f"InputLayer '{self.name}': give the input's shape, e.g. "
                             f"InputLayer(input_shape=(784,)) or keras.Input(shape=(784,)).")
        self._batch_input_shape = tuple(None if d is None else int(d) for d in full)
        self.sparse = sparse
        output = KerasTensor(self._batch_input_shape, self.dtype, name=name)  # unnamed: numbered, as Keras 3
        output.node = Node(self, (), {}, output)
        self._inbound_nodes.append(output.node)
        self.built = True
        self._build_shape = self._batch_input_shape

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {"batch_input_shape": self._batch_input_shape, "dtype": self.dtype, "sparse": self.sparse,
                "name": self.name}


def Input(shape=None, batch_size=None, name=None, dtype=None, sparse=None, tensor=None, batch_shape=None,
          **kwargs):  # noqa: N802 - Keras's function name
    """A symbolic input of a functional model: ``(batch, *shape)`` values of ``dtype``.

    Example:
        >>> inputs = keras.Input(shape=(784,))
        >>> outputs = keras.layers.Dense(10, activation="softmax")(inputs)
        >>> model = keras.Model(inputs, outputs)

    Returns:
        A KerasTensor to call layers on.
    """
    if shape is None and batch_shape is None and "batch_input_shape" not in kwargs:
        raise ValueError("Input: give the input's shape without the batch axis, e.g. keras.Input(shape=(784,)).")
    layer = InputLayer(input_shape=shape, batch_size=batch_size, dtype=dtype, name=name, sparse=bool(sparse),
                       batch_input_shape=batch_shape if batch_shape is not None else kwargs.pop("batch_input_shape",
                                                                                                 None), **kwargs)
    return layer.output
