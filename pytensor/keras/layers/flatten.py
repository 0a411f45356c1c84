"""Keras Flatten layer."""
import numpy as np

import pytensor as pt

from .layer import Layer

__all__ = ["Flatten"]


class Flatten(Layer):
    """Flattens all axes but the batch axis: ``(batch, d1, d2, ...) -> (batch, d1 * d2 * ...)`` (a view).

    Example:
        >>> keras.layers.Flatten()(tf.ones((2, 28, 28))).shape
        TensorShape([2, 784])
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        if data_format not in (None, "channels_last"):
            raise ValueError(f"Flatten layer '{self.name}': only data_format='channels_last' is supported; "
                             f"received {data_format!r}.")
        self.data_format = "channels_last"

    def call(self, inputs):
        if len(inputs.shape) == 1:
            return pt.expand_dims(inputs, 1)
        features = int(np.prod(inputs.shape[1:]))
        # The batch size as -1 (when the features fix it), so a traced graph serves every batch size.
        return pt.reshape(inputs, (-1, features) if features else (int(inputs.shape[0]), -1))

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        rest = input_shape[1:]
        size = None if any(d is None for d in rest) else int(np.prod(rest)) if rest else 1
        return (input_shape[0], size)

    def get_config(self):
        config = super().get_config()
        config["data_format"] = self.data_format
        return config
