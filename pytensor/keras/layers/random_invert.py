"""Keras RandomInvert layer."""
import pytensor as pt

from ._layer_utils import check_data_format
from ._preprocessing_utils import check_image, parse_factor
from .layer import Layer

__all__ = ["RandomInvert"]


class RandomInvert(Layer):
    """In training replaces each image by ``value_range[1] - x`` with a probability drawn uniformly from ``factor``
    (``factor=f`` gives ``[0, f]``); otherwise the identity.

    Example:
        >>> keras.layers.RandomInvert((1.0, 1.0))(tf.zeros((1, 2, 2, 3)), training=True).numpy().max()
        255.0
    """

    _casts_integer_inputs = True

    def __init__(self, factor=1.0, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = check_data_format(data_format, f"RandomInvert layer '{self.name}'")
        self.factor = parse_factor(self, factor, (0, 1))
        self.value_range = tuple(value_range)
        self.seed = seed
        self.built = True

    def call(self, inputs, training=True):
        check_image(self, inputs)
        if not training:
            return inputs
        batched = inputs if len(inputs.shape) == 4 else pt.expand_dims(inputs, 0)
        shape = (int(batched.shape[0]), 1, 1, 1)
        probability = pt.random.uniform(shape, self.factor[0], self.factor[1], seed=self.seed)
        apply = pt.random.uniform(shape, seed=self.seed) < probability
        out = pt.where(apply, float(self.value_range[1]) - batched, batched)
        return out if len(inputs.shape) == 4 else out[0]

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"data_format": self.data_format, "factor": self.factor, "value_range": self.value_range,
                       "seed": self.seed})
        return config
