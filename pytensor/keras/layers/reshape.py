"""Keras Reshape layer."""
import numpy as np

import pytensor as pt

from .layer import Layer

__all__ = ["Reshape"]


class Reshape(Layer):
    """Reshapes all axes but the batch axis to ``target_shape`` (one entry may be -1; a view where possible).

    Example:
        >>> keras.layers.Reshape((28, 28, 1))(tf.ones((2, 784))).shape
        TensorShape([2, 28, 28, 1])
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        target_shape = tuple(int(d) for d in target_shape)
        if sum(d == -1 for d in target_shape) > 1 or any(d < -1 or d == 0 for d in target_shape):
            raise ValueError(f"Reshape layer '{self.name}': `target_shape` must hold positive sizes and at most "
                             f"one -1; received {target_shape}.")
        self.target_shape = target_shape

    def _resolve(self, input_shape):
        rest = tuple(input_shape)[1:]
        if any(d is None for d in rest):
            return self.target_shape if -1 not in self.target_shape else tuple(
                None if d == -1 else d for d in self.target_shape)
        size = int(np.prod(rest)) if rest else 1
        known = int(np.prod([d for d in self.target_shape if d != -1])) if self.target_shape else 1
        if -1 in self.target_shape:
            if size % known:
                raise self._mismatch(input_shape)
            return tuple(size // known if d == -1 else d for d in self.target_shape)
        if known != size:
            raise self._mismatch(input_shape)
        return self.target_shape

    def _mismatch(self, input_shape):
        return ValueError(f"Reshape layer '{self.name}': cannot reshape an input of shape {tuple(input_shape)} "
                          f"({int(np.prod(tuple(input_shape)[1:]))} values per sample) to target_shape "
                          f"{self.target_shape}. Make the sizes' product match, or use -1 for one axis.")

    def call(self, inputs):
        shape = tuple(inputs.shape)
        return pt.reshape(inputs, (shape[0],) + self._resolve(shape))

    def compute_output_shape(self, input_shape):
        return (tuple(input_shape)[0],) + self._resolve(input_shape)

    def get_config(self):
        config = super().get_config()
        config["target_shape"] = self.target_shape
        return config
