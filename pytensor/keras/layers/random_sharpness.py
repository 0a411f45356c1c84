"""Keras RandomSharpness layer."""
import numpy as np

import pytensor as pt

from ._image_augmentation import ImageAugmentation, check_value_range
from ._preprocessing_utils import parse_factor

__all__ = ["RandomSharpness"]

# PIL's SMOOTH filter, Keras's: 5/13 in the centre, 1/13 around
_SMOOTH = np.full((3, 3), 1.0 / 13.0)
_SMOOTH[1, 1] = 5.0 / 13.0


class RandomSharpness(ImageAugmentation):
    """In training blends each image with its smoothed version: ``x + (1 - 2 f) * (smooth(x) - x)`` with ``f``
    uniform in ``factor`` (0.5 keeps the image, above sharpens, below blurs), clipped to ``value_range``, as
    Keras 3; otherwise the identity.

    Example:
        >>> keras.layers.RandomSharpness(0.5, seed=1)(tf.ones((2, 4, 4, 3))).shape
        TensorShape([2, 4, 4, 3])
    """

    _config_attributes = ("factor", "value_range", "seed")

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = parse_factor(self, factor, (0, 1))
        self.value_range = check_value_range(self, value_range)

    def _draw(self, images):
        return {"factor": self._uniform((int(images.shape[0]),), *self.factor)}

    def _apply(self, images, params):
        channels = int(images.shape[-1])
        kernel = pt.constant(np.tile(_SMOOTH.reshape(3, 3, 1, 1), (1, 1, channels, 1)).astype(
            images.dtype.as_numpy_dtype))
        smoothed = pt.nn.depthwise_conv2d(images, kernel, [1, 1, 1, 1], "SAME")
        sharpness = pt.reshape(pt.cast(params["factor"], images.dtype) * 2.0, (-1, 1, 1, 1))
        images = images + (1.0 - sharpness) * (smoothed - images)
        return pt.clip_by_value(images, float(self.value_range[0]), float(self.value_range[1]))
