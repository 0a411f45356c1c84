"""Keras RandomPosterization layer."""
import pytensor as pt

from ._image_augmentation import ImageAugmentation, check_value_range, to_value_range
from ._preprocessing_utils import parse_factor

__all__ = ["RandomPosterization"]

_MAX_BITS = 8


class RandomPosterization(ImageAugmentation):
    """In training keeps only ``b`` bits of each 8-bit colour value (``b`` an integer drawn from ``factor`` within
    [1, 8]; the image is mapped from ``value_range`` to [0, 255], truncated to integers, posterized and mapped
    back), as Keras 3; otherwise the identity.

    Example:
        >>> keras.layers.RandomPosterization(factor=(2, 4), seed=1)(tf.ones((2, 4, 4, 3)) * 200).shape
        TensorShape([2, 4, 4, 3])
    """

    _config_attributes = ("factor", "value_range", "seed")

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = parse_factor(self, factor, (1, _MAX_BITS))
        self.value_range = check_value_range(self, value_range)

    def _draw(self, images):
        batch = int(images.shape[0])
        low, high = int(self.factor[0]), int(self.factor[1])
        bits = (pt.random.uniform((batch,), low, high, dtype=pt.int32, seed=self.seed) if low != high
                else pt.fill((batch,), low))
        return {"shift_factor": _MAX_BITS - bits}

    def _apply(self, images, params):
        dtype = images.dtype
        values = pt.floor(to_value_range(images, self.value_range, (0, 255)))  # the cast to uint8
        step = pt.reshape(pt.pow(2.0, pt.cast(params["shift_factor"], dtype)), (-1, 1, 1, 1))
        return to_value_range(pt.floor(values / step) * step, (0, 255), self.value_range)
