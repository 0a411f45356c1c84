"""Keras RandomZoom layer."""
import numpy as np

import pytensor as pt

from ._preprocessing_utils import affine_transform, check_transform_arguments, factor_range
from ._random_preprocessing import RandomImageLayer

__all__ = ["RandomZoom"]


class RandomZoom(RandomImageLayer):
    """In training zooms each image about its centre: the sampled window is ``1 + f`` times the image along each
    axis, ``f`` drawn from ``height_factor`` / ``width_factor`` (negative: zoom in; ``width_factor=None`` keeps the
    aspect ratio), uncovered pixels filled per ``fill_mode``; otherwise the identity.

    Example:
        >>> keras.layers.RandomZoom(0.2, seed=1)(tf.ones((2, 8, 8, 3))).shape
        TensorShape([2, 8, 8, 3])
    """

    _config_attributes = ("height_factor", "width_factor", "fill_mode", "interpolation", "seed",
                          "fill_value", "data_format")

    def __init__(self, height_factor, width_factor=None, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        check_transform_arguments(self, fill_mode, interpolation)
        # pairs as tuples, so a config that went through JSON (lists) compares equal
        self.height_factor, self.width_factor = (tuple(f) if isinstance(f, list) else f
                                                 for f in (height_factor, width_factor))
        self._height_range = factor_range(self, height_factor, "height_factor", lowest_included=False)
        self._width_range = None if width_factor is None else factor_range(self, width_factor, "width_factor",
                                                                             lowest_included=False)
        self.fill_mode, self.interpolation, self.fill_value = fill_mode, interpolation, fill_value

    def _transform(self, inputs):
        batch = 1 if len(inputs.shape) == 3 else int(inputs.shape[0])
        height, width = int(inputs.shape[-3]), int(inputs.shape[-2])
        zoom_y = pt.random.uniform((batch,), 1.0 + self._height_range[0], 1.0 + self._height_range[1],
                                   seed=self.seed).numpy()
        zoom_x = zoom_y if self._width_range is None else pt.random.uniform(
            (batch,), 1.0 + self._width_range[0], 1.0 + self._width_range[1], seed=self.seed).numpy()
        zeros = np.zeros_like(zoom_x)
        offset_x = np.float32((width - 1.0) / 2.0) * (1 - zoom_x)
        offset_y = np.float32((height - 1.0) / 2.0) * (1 - zoom_y)
        transforms = np.stack([zoom_x, zeros, offset_x, zeros, zoom_y, offset_y, zeros, zeros], axis=1)
        return affine_transform(inputs, transforms, self.interpolation, self.fill_mode, self.fill_value)
