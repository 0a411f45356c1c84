"""Keras Dropout layer."""
import pytensor as pt

from .layer import Layer

__all__ = ["Dropout"]


class Dropout(Layer):
    """In training, zeroes each input with probability ``rate`` and scales the rest by ``1 / (1 - rate)``;
    otherwise (``predict``, ``evaluate``, ``training=False``) the identity.

    ``noise_shape`` (with None for the input's own sizes) shares the drop decision along axes of size 1.

    Example:
        >>> y = keras.layers.Dropout(0.5, seed=1)(tf.ones((2, 4)), training=True)  # entries 0 or 2
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0.0 <= float(rate) <= 1.0:
            raise ValueError(f"Dropout layer '{self.name}': `rate` must be in [0, 1]; received rate={rate!r}.")
        self.rate = float(rate)
        self.noise_shape = noise_shape
        self.seed = seed
        self.supports_masking = True

    def call(self, inputs, training=None):
        if not training or self.rate == 0.0:
            return inputs
        if self.rate == 1.0:
            return pt.zeros_like(inputs)
        noise_shape = None
        if self.noise_shape is not None:
            noise_shape = [s if n is None else n for s, n in zip(tuple(inputs.shape), self.noise_shape)]
        return pt.nn.dropout(inputs, self.rate, noise_shape=noise_shape, seed=self.seed)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "noise_shape": self.noise_shape, "seed": self.seed})
        return config
