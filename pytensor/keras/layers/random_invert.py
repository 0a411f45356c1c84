"""Keras RandomInvert layer."""
import pytensor as pt

from ._preprocessing_utils import parse_factor
from ._random_preprocessing import RandomImageLayer

__all__ = ["RandomInvert"]


class RandomInvert(RandomImageLayer):
    """In training replaces each image by ``value_range[1] - x`` with a probability drawn uniformly from ``factor``
    (``factor=f`` gives ``[0, f]``); otherwise the identity.

    Example:
        >>> keras.layers.RandomInvert((1.0, 1.0))(tf.zeros((1, 2, 2, 3)), training=True).numpy().max()
        255.0
    """

    _config_attributes = ("data_format", "factor", "value_range", "seed")

    def __init__(self, factor=1.0, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = parse_factor(self, factor, (0, 1))
        self.value_range = tuple(value_range)

    def _transform(self, inputs):
        batched = inputs if len(inputs.shape) == 4 else pt.expand_dims(inputs, 0)
        shape = (int(batched.shape[0]), 1, 1, 1)
        probability = pt.random.uniform(shape, self.factor[0], self.factor[1], seed=self.seed)
        apply = pt.random.uniform(shape, seed=self.seed) < probability
        out = pt.where(apply, float(self.value_range[1]) - batched, batched)
        return out if len(inputs.shape) == 4 else out[0]
