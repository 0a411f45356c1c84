"""Keras RandomHue layer."""
import pytensor as pt

from ._image_augmentation import ImageAugmentation, check_value_range, to_value_range
from ._preprocessing_utils import parse_factor

__all__ = ["RandomHue"]


class RandomHue(ImageAugmentation):
    """In training shifts the hue of each RGB image by ``±delta / 2`` (``delta`` uniform in ``factor``, the sign a
    coin flip; hue wraps around), as Keras 3; otherwise the identity. ``value_range`` is the images' range.

    Example:
        >>> keras.layers.RandomHue(0.2, seed=1)(tf.ones((2, 4, 4, 3)) * 100).shape
        TensorShape([2, 4, 4, 3])
    """

    _config_attributes = ("factor", "value_range", "seed")

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = parse_factor(self, factor, (0, 1))
        self.value_range = check_value_range(self, value_range)

    def _draw(self, images):
        batch = int(images.shape[0])
        sign = pt.where(self._uniform((batch,), 0, 1) > 0.5, -1.0, 1.0)
        return {"factor": sign * self._uniform((batch,), *self.factor) * 0.5}

    def _apply(self, images, params):
        images = to_value_range(images, self.value_range, (0, 1))
        hsv = pt.image.rgb_to_hsv(images)
        hue = hsv[..., 0] + pt.reshape(pt.cast(params["factor"], images.dtype), (-1, 1, 1))
        hue = pt.where(hue > 1.0, hue - 1.0, hue)
        hue = pt.where(hue < 0.0, hue + 1.0, hue)
        rgb = pt.image.hsv_to_rgb(pt.stack([hue, hsv[..., 1], hsv[..., 2]], axis=-1))
        return to_value_range(pt.clip_by_value(rgb, 0.0, 1.0), (0, 1), self.value_range)
