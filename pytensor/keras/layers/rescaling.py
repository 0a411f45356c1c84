"""Keras Rescaling layer."""
import numpy as np

import pytensor as pt

from .layer import Layer

__all__ = ["Rescaling"]


class Rescaling(Layer):
    """``inputs * scale + offset`` in the layer's dtype (``scale`` / ``offset`` may be per-channel lists).

    Example:
        >>> keras.layers.Rescaling(1.0 / 255)(tf.constant([[0, 255]], tf.uint8)).numpy()
        array([[0., 1.]], dtype=float32)
    """

    _casts_integer_inputs = True

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale
        self.offset = offset
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        dtype = np.dtype(self._dtype)
        return inputs * pt.constant(np.asarray(self.scale, dtype)) + pt.constant(np.asarray(self.offset, dtype))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"scale": self.scale, "offset": self.offset})
        return config
