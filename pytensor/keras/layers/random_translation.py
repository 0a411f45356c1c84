"""Keras RandomTranslation layer."""
import numpy as np

import pytensor as pt

from ._preprocessing_utils import affine_transform, check_transform_arguments, factor_range
from ._random_preprocessing import RandomImageLayer

__all__ = ["RandomTranslation"]


class RandomTranslation(RandomImageLayer):
    """In training shifts each image by fractions of its height and width drawn uniformly from ``height_factor`` /
    ``width_factor`` (positive: down / right), filling uncovered pixels per ``fill_mode``; otherwise the identity.

    Example:
        >>> keras.layers.RandomTranslation(0.2, 0.2, seed=1)(tf.ones((2, 8, 8, 3))).shape
        TensorShape([2, 8, 8, 3])
    """

    _config_attributes = ("height_factor", "width_factor", "fill_mode", "interpolation", "seed",
                          "fill_value", "data_format")

    def __init__(self, height_factor, width_factor, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        check_transform_arguments(self, fill_mode, interpolation)
        # pairs as tuples, so a config that went through JSON (lists) compares equal
        self.height_factor, self.width_factor = (tuple(f) if isinstance(f, list) else f
                                                 for f in (height_factor, width_factor))
        self._height_range = factor_range(self, height_factor, "height_factor")
        self._width_range = factor_range(self, width_factor, "width_factor")
        self.fill_mode, self.interpolation, self.fill_value = fill_mode, interpolation, fill_value

    def _transform(self, inputs):
        batch = 1 if len(inputs.shape) == 3 else int(inputs.shape[0])
        height, width = int(inputs.shape[-3]), int(inputs.shape[-2])
        dy = pt.random.uniform((batch,), *self._height_range, seed=self.seed).numpy() * np.float32(height)
        dx = pt.random.uniform((batch,), *self._width_range, seed=self.seed).numpy() * np.float32(width)
        ones, zeros = np.ones_like(dx), np.zeros_like(dx)
        transforms = np.stack([ones, zeros, -dx, zeros, ones, -dy, zeros, zeros], axis=1)
        return affine_transform(inputs, transforms, self.interpolation, self.fill_mode, self.fill_value)
