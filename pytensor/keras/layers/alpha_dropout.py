"""Keras AlphaDropout layer."""
import pytensor as pt

from .layer import Layer

__all__ = ["AlphaDropout"]

# SELU's constants: dropped entries take SELU's negative saturation value -scale * alpha.
_ALPHA = 1.6732632423543772848170429916717
_SCALE = 1.0507009873554804934193349852946


class AlphaDropout(Layer):
    """Dropout for self-normalizing (SELU) networks: in training each entry is set with probability ``rate`` to
    SELU's negative saturation ``-scale * alpha`` instead of 0, then all entries go through the affine map that
    restores zero mean and unit variance of unit-normal inputs; otherwise the identity. ``noise_shape`` (None for
    the input's own sizes) shares the drop decision along axes of size 1.

    Example:
        >>> y = keras.layers.AlphaDropout(0.1, seed=1)(tf.random.normal((64, 32)), training=True)
    """

    _casts_integer_inputs = True

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0.0 <= float(rate) <= 1.0:
            raise ValueError(f"AlphaDropout layer '{self.name}': `rate` must be in [0, 1]; received rate={rate!r}.")
        self.rate = float(rate)
        self.noise_shape = noise_shape
        self.seed = seed
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if not training or self.rate == 0.0:
            return inputs
        shape = tuple(inputs.shape)
        noise_shape = shape if self.noise_shape is None else \
            tuple(s if n is None else n for s, n in zip(shape, self.noise_shape))
        saturation = -_ALPHA * _SCALE
        kept = pt.cast(pt.random.uniform(noise_shape, dtype=inputs.dtype, seed=self.seed) >= self.rate, inputs.dtype)
        a = ((1.0 - self.rate) * (1.0 + self.rate * saturation ** 2)) ** -0.5
        b = -a * saturation * self.rate
        return a * (inputs * kept + saturation * (1.0 - kept)) + b

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "noise_shape": self.noise_shape, "seed": self.seed})
        return config
