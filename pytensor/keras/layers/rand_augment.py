"""Keras RandAugment layer."""
import pytensor as pt

from ._augment_ops import augment_ops
from ._image_augmentation import check_value_range
from ._preprocessing_utils import parse_factor
from ._random_preprocessing import RandomImageLayer

__all__ = ["RandAugment"]

# Keras's order of the operations (the index drawn picks one)
_ORDER = ("random_shear", "random_translation", "random_rotation", "random_brightness", "random_color_degeneration",
          "random_contrast", "random_sharpness", "random_posterization", "solarization", "auto_contrast",
          "equalization")


class RandAugment(RandomImageLayer):
    """In training applies ``num_ops`` operations drawn uniformly (with repetition, the same for the whole batch)
    from shear, translation, rotation, brightness, colour degeneration, contrast, sharpness, posterization,
    solarization, auto-contrast and equalization, each at strength ``factor``, as Keras 3; otherwise the identity.

    Example:
        >>> keras.layers.RandAugment(num_ops=2, factor=0.5, seed=1)(tf.ones((2, 8, 8, 3)) * 100).shape
        TensorShape([2, 8, 8, 3])
    """

    _transposes_channels_first = True  # the steps run on the transposed channels_last images
    _config_attributes = ("value_range", "num_ops", "factor", "interpolation", "seed")

    def __init__(self, value_range=(0, 255), num_ops=2, factor=0.5, interpolation="bilinear", seed=None,
                 data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.value_range = check_value_range(self, value_range)
        if not isinstance(num_ops, int) or num_ops < 0:
            raise ValueError(f"RandAugment layer '{self.name}': `num_ops` must be an int >= 0; received "
                             f"num_ops={num_ops!r}.")
        self.num_ops = num_ops
        self.factor = parse_factor(self, factor, (0, 1))
        self.interpolation = interpolation
        self._ops = augment_ops(self.factor, self.value_range, interpolation, seed)

    def _transform(self, inputs):
        choices = pt.random.uniform((self.num_ops,), 0, len(_ORDER), dtype=pt.int32, seed=self.seed).numpy()
        for index in choices:
            inputs = self._ops[_ORDER[int(index)]](inputs, training=True)
        return inputs
