"""Keras RandomBrightness layer."""
import pytensor as pt

from ._preprocessing_utils import parse_factor
from ._random_preprocessing import RandomImageLayer

__all__ = ["RandomBrightness"]


class RandomBrightness(RandomImageLayer):
    """In training adds to each image a delta drawn uniformly from ``factor`` (a fraction of ``value_range``'s
    width; ``factor=f`` gives ``[-f, f]``), then clips to ``value_range``; otherwise the identity.

    Example:
        >>> keras.layers.RandomBrightness(0.2, seed=1)(tf.ones((2, 4, 4, 3)) * 100).shape
        TensorShape([2, 4, 4, 3])
    """

    _config_attributes = ("data_format", "factor", "value_range", "seed")

    def __init__(self, factor, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = parse_factor(self, factor, (-1, 1))
        if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
            raise ValueError(f"RandomBrightness layer '{self.name}': the `value_range` argument should be a list of "
                             f"two numbers. Received: value_range={value_range}")
        self.value_range = sorted(value_range)

    def _transform(self, inputs):
        shape = (1, 1, 1) if len(inputs.shape) == 3 else (int(inputs.shape[0]), 1, 1, 1)
        low, high = self.value_range
        delta = pt.random.uniform(shape, self.factor[0], self.factor[1], dtype=inputs.dtype, seed=self.seed)
        return pt.clip_by_value(inputs + delta * float(high - low), float(low), float(high))
