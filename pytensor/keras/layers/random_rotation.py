"""Keras RandomRotation layer."""
import numpy as np

import pytensor as pt

from ._preprocessing_utils import affine_transform, check_transform_arguments, parse_factor
from ._random_preprocessing import RandomImageLayer

__all__ = ["RandomRotation"]


class RandomRotation(RandomImageLayer):
    """In training rotates each image about its centre by an angle drawn uniformly from ``factor`` (fractions of a
    full turn, counter-clockwise for positive values; ``factor=f`` gives ``[-f, f]``), filling uncovered pixels per
    ``fill_mode`` (``"reflect"``, ``"wrap"``, ``"constant"`` with ``fill_value``, ``"nearest"``); otherwise the
    identity.

    Example:
        >>> keras.layers.RandomRotation(0.1, seed=1)(tf.ones((2, 8, 8, 3))).shape
        TensorShape([2, 8, 8, 3])
    """

    _config_attributes = ("factor", "data_format", "fill_mode", "fill_value", "interpolation",
                          "seed")

    def __init__(self, factor, fill_mode="reflect", interpolation="bilinear", seed=None, fill_value=0.0,
                 data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        check_transform_arguments(self, fill_mode, interpolation)
        self.factor = parse_factor(self, factor, (-1, 1))
        self.fill_mode, self.interpolation, self.fill_value = fill_mode, interpolation, fill_value

    def _transform(self, inputs):
        batch = 1 if len(inputs.shape) == 3 else int(inputs.shape[0])
        height, width = int(inputs.shape[-3]), int(inputs.shape[-2])
        degrees = pt.random.uniform((batch,), self.factor[0] * 360.0, self.factor[1] * 360.0, seed=self.seed)
        angle = degrees.numpy() * np.float32(np.pi / 180.0)
        cos, sin = np.cos(angle), np.sin(angle)
        cx, cy = np.float32(0.5 * (width - 1)), np.float32(0.5 * (height - 1))
        zeros = np.zeros_like(cos)
        transforms = np.stack([cos, -sin, cx - cx * cos + cy * sin, sin, cos, cy - cx * sin - cy * cos, zeros, zeros],
                              axis=1)
        return affine_transform(inputs, transforms, self.interpolation, self.fill_mode, self.fill_value)
