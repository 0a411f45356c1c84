"""Keras RandomSaturation layer."""
import pytensor as pt

from ._image_augmentation import ImageAugmentation, check_value_range
from ._preprocessing_utils import parse_factor

__all__ = ["RandomSaturation"]


class RandomSaturation(ImageAugmentation):
    """In training multiplies the HSV saturation of each RGB image by ``f / (1 - f)`` (``f`` uniform in
    ``factor`` within [0, 1]: 0.5 keeps the image, 0 makes it grey, 1 fully saturated), as Keras 3; otherwise the
    identity.

    Example:
        >>> keras.layers.RandomSaturation(0.5, seed=1)(tf.ones((2, 4, 4, 3))).shape
        TensorShape([2, 4, 4, 3])
    """

    _config_attributes = ("factor", "value_range", "seed")

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = parse_factor(self, factor, (0, 1))
        self.value_range = check_value_range(self, value_range)

    def _draw(self, images):
        factor = self._uniform((int(images.shape[0]),), *self.factor)
        return {"factor": factor / (1.0 - factor + 1e-7)}  # Keras's epsilon

    def _apply(self, images, params):
        hsv = pt.image.rgb_to_hsv(images)
        saturation = hsv[..., 1] * pt.reshape(pt.cast(params["factor"], images.dtype), (-1, 1, 1))
        saturation = pt.clip_by_value(saturation, float(self.value_range[0]), float(self.value_range[1]))
        return pt.image.hsv_to_rgb(pt.stack([hsv[..., 0], saturation, hsv[..., 2]], axis=-1))
