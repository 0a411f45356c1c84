"""Keras UpSampling1D layer."""
import numpy as np

import pytensor as pt

from ._layer_utils import check_input_shape
from .layer import Layer

__all__ = ["UpSampling1D"]


def repeat_along(inputs, times, axis):
    """Each slice of ``inputs`` along ``axis`` repeated ``times`` times in a row (nearest-neighbour
    upsampling), as one gather."""
    size = int(inputs.shape[axis])
    return pt.gather(inputs, np.repeat(np.arange(size, dtype=np.int32), times), axis=axis)


class UpSampling1D(Layer):
    """Repeats each step of ``(batch, steps, features)`` inputs ``size`` times along the steps.

    Example:
        >>> keras.layers.UpSampling1D(size=2)(tf.ones((2, 3, 4))).shape
        TensorShape([2, 6, 4])
    """

    def __init__(self, size=2, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(size, int) or size < 1:
            raise ValueError(f"UpSampling1D: `size` must be a positive int; received size={size!r}.")
        self.size = size
        self.built = True

    def call(self, inputs):
        check_input_shape(self, inputs.shape, 3, "(batch, steps, features)")
        return repeat_along(inputs, self.size, 1)

    def compute_output_shape(self, input_shape):
        batch, steps, features = tuple(input_shape)
        return batch, None if steps is None else steps * self.size, features

    def get_config(self):
        config = super().get_config()
        config["size"] = self.size
        return config
