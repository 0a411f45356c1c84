"""Keras RandomColorDegeneration layer."""
import pytensor as pt

from ._image_augmentation import ImageAugmentation, check_value_range
from ._preprocessing_utils import parse_factor

__all__ = ["RandomColorDegeneration"]


class RandomColorDegeneration(ImageAugmentation):
    """In training blends each RGB image towards its greyscale version by ``f`` uniform in ``factor`` (0 keeps
    it, 1 is grey), clipped to ``value_range``, as Keras 3; otherwise the identity.

    Example:
        >>> keras.layers.RandomColorDegeneration(0.5, seed=1)(tf.ones((2, 4, 4, 3))).shape
        TensorShape([2, 4, 4, 3])
    """

    _config_attributes = ("factor", "value_range", "seed")

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = parse_factor(self, factor, (-1, 1))
        self.value_range = check_value_range(self, value_range)

    def _draw(self, images):
        return {"factor": self._uniform((int(images.shape[0]), 1, 1, 1), *self.factor)}

    def _apply(self, images, params):
        grey = pt.image.rgb_to_grayscale(images)
        images = images + pt.cast(params["factor"], images.dtype) * (grey - images)
        return pt.clip_by_value(images, float(self.value_range[0]), float(self.value_range[1]))
