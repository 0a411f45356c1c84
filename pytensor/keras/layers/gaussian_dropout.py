"""Keras GaussianDropout layer."""
import math

import pytensor as pt

from .layer import Layer

__all__ = ["GaussianDropout"]


class GaussianDropout(Layer):
    """In training multiplies every entry by Gaussian noise of mean 1 and standard deviation
    ``sqrt(rate / (1 - rate))`` (the variance of dropout of rate ``rate``, without zeros); otherwise the identity.

    Example:
        >>> y = keras.layers.GaussianDropout(0.2, seed=1)(tf.ones((2, 3)), training=True)  # entries ~ N(1, 0.25)
    """

    _casts_integer_inputs = True

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0.0 <= float(rate) < 1.0:
            raise ValueError(f"GaussianDropout layer '{self.name}': `rate` must be in [0, 1); received rate={rate!r}.")
        self.rate = float(rate)
        self.seed = seed
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if not training or self.rate == 0.0:
            return inputs
        stddev = math.sqrt(self.rate / (1.0 - self.rate))
        return inputs * pt.random.normal(tuple(inputs.shape), mean=1.0, stddev=stddev, dtype=inputs.dtype,
                                         seed=self.seed)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed})
        return config
