"""Keras RandomColorJitter layer."""
from ._image_augmentation import check_value_range
from ._random_preprocessing import RandomImageLayer
from .random_brightness import RandomBrightness
from .random_contrast import RandomContrast
from .random_hue import RandomHue
from .random_saturation import RandomSaturation

__all__ = ["RandomColorJitter"]


class RandomColorJitter(RandomImageLayer):
    """In training applies, in this order, ``RandomBrightness``, ``RandomContrast``, ``RandomSaturation`` and
    ``RandomHue`` for each factor given (None skips that step), all over ``value_range``, as Keras 3; otherwise
    the identity.

    Example:
        >>> keras.layers.RandomColorJitter(brightness_factor=0.2, hue_factor=0.1, seed=1)(tf.ones((2, 4, 4, 3))).shape
        TensorShape([2, 4, 4, 3])
    """

    _transposes_channels_first = True  # the steps run on the transposed channels_last images
    _config_attributes = ("value_range", "brightness_factor", "contrast_factor", "saturation_factor", "hue_factor",
                          "seed")

    def __init__(self, value_range=(0, 255), brightness_factor=None, contrast_factor=None, saturation_factor=None,
                 hue_factor=None, seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.value_range = check_value_range(self, value_range)
        self.brightness_factor = brightness_factor
        self.contrast_factor = contrast_factor
        self.saturation_factor = saturation_factor
        self.hue_factor = hue_factor
        steps = ((RandomBrightness, brightness_factor), (RandomContrast, contrast_factor),
                 (RandomSaturation, saturation_factor), (RandomHue, hue_factor))
        self._steps = [cls(factor, value_range=value_range, seed=seed) for cls, factor in steps if factor is not None]

    def _transform(self, inputs):
        for step in self._steps:
            inputs = step(inputs, training=True)
        return inputs
