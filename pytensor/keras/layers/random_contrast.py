"""Keras RandomContrast layer."""
import pytensor as pt

from ._layer_utils import check_data_format
from ._preprocessing_utils import check_image, parse_factor
from .layer import Layer

__all__ = ["RandomContrast"]


class RandomContrast(Layer):
    """In training scales each image's deviation from its per-channel mean by a factor drawn uniformly from
    ``[1 - lower, 1 + upper]`` (Keras 3: ``factor=f`` gives ``(0, f)``), then clips to ``value_range``; otherwise
    the identity.

    Example:
        >>> keras.layers.RandomContrast(0.5, seed=1)(tf.ones((2, 4, 4, 3)) * 100).shape
        TensorShape([2, 4, 4, 3])
    """

    _casts_integer_inputs = True

    def __init__(self, factor, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = check_data_format(data_format, f"{type(self).__name__} layer '{self.name}'")
        self.factor = parse_factor(self, factor, (0, 1))
        self.value_range = tuple(value_range)
        self.seed = seed
        self.built = True

    def call(self, inputs, training=True):
        check_image(self, inputs)
        if not training:
            return inputs
        shape = (1, 1, 1) if len(inputs.shape) == 3 else (int(inputs.shape[0]), 1, 1, 1)
        contrast = pt.random.uniform(shape, 1.0 - self.factor[0], 1.0 + self.factor[1], dtype=inputs.dtype,
                                     seed=self.seed)
        mean = pt.reduce_mean(inputs, axis=[-3, -2], keepdims=True)
        return pt.clip_by_value((inputs - mean) * contrast + mean, float(self.value_range[0]),
                                float(self.value_range[1]))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"data_format": self.data_format, "factor": self.factor, "value_range": self.value_range,
                       "seed": self.seed})
        return config
