"""Keras RandomTranslation layer."""
import numpy as np

import pytensor as pt

from ._layer_utils import check_data_format
from ._preprocessing_utils import affine_transform, check_image, check_transform_arguments, factor_range
from .layer import Layer

__all__ = ["RandomTranslation"]


class RandomTranslation(Layer):
    """In training shifts each image by fractions of its height and width drawn uniformly from ``height_factor`` /
    ``width_factor`` (positive: down / right), filling uncovered pixels per ``fill_mode``; otherwise the identity.

    Example:
        >>> keras.layers.RandomTranslation(0.2, 0.2, seed=1)(tf.ones((2, 8, 8, 3))).shape
        TensorShape([2, 8, 8, 3])
    """

    _casts_integer_inputs = True

    def __init__(self, height_factor, width_factor, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = check_data_format(data_format, f"{type(self).__name__} layer '{self.name}'")
        check_transform_arguments(self, fill_mode, interpolation)
        # pairs as tuples, so a config that went through JSON (lists) compares equal
        self.height_factor, self.width_factor = (tuple(f) if isinstance(f, list) else f
                                                 for f in (height_factor, width_factor))
        self._height_range = factor_range(self, height_factor, "height_factor")
        self._width_range = factor_range(self, width_factor, "width_factor")
        self.fill_mode, self.interpolation, self.fill_value = fill_mode, interpolation, fill_value
        self.seed = seed
        self.built = True

    def call(self, inputs, training=True):
        check_image(self, inputs)
        if not training:
            return inputs
        batch = 1 if len(inputs.shape) == 3 else int(inputs.shape[0])
        height, width = int(inputs.shape[-3]), int(inputs.shape[-2])
        dy = pt.random.uniform((batch,), *self._height_range, seed=self.seed).numpy() * np.float32(height)
        dx = pt.random.uniform((batch,), *self._width_range, seed=self.seed).numpy() * np.float32(width)
        ones, zeros = np.ones_like(dx), np.zeros_like(dx)
        transforms = np.stack([ones, zeros, -dx, zeros, ones, -dy, zeros, zeros], axis=1)
        return affine_transform(inputs, transforms, self.interpolation, self.fill_mode, self.fill_value)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"height_factor": self.height_factor, "width_factor": self.width_factor,
                       "fill_mode": self.fill_mode, "interpolation": self.interpolation, "seed": self.seed,
                       "fill_value": self.fill_value, "data_format": self.data_format})
        return config
