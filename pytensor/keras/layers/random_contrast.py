"""Keras RandomContrast layer."""
import pytensor as pt

from ._preprocessing_utils import parse_factor
from ._random_preprocessing import RandomImageLayer

__all__ = ["RandomContrast"]


class RandomContrast(RandomImageLayer):
    """In training scales each image's deviation from its per-channel mean by a factor drawn uniformly from
    ``[1 - lower, 1 + upper]`` (Keras 3: ``factor=f`` gives ``(0, f)``), then clips to ``value_range``; otherwise
    the identity.

    Example:
        >>> keras.layers.RandomContrast(0.5, seed=1)(tf.ones((2, 4, 4, 3)) * 100).shape
        TensorShape([2, 4, 4, 3])
    """

    _config_attributes = ("data_format", "factor", "value_range", "seed")

    def __init__(self, factor, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = parse_factor(self, factor, (0, 1))
        self.value_range = tuple(value_range)

    def _transform(self, inputs):
        shape = (1, 1, 1) if len(inputs.shape) == 3 else (int(inputs.shape[0]), 1, 1, 1)
        contrast = pt.random.uniform(shape, 1.0 - self.factor[0], 1.0 + self.factor[1], dtype=inputs.dtype,
                                     seed=self.seed)
        mean = pt.reduce_mean(inputs, axis=[-3, -2], keepdims=True)
        return pt.clip_by_value((inputs - mean) * contrast + mean, float(self.value_range[0]),
                                float(self.value_range[1]))
