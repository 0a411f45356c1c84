"""Keras GaussianNoise layer."""
import pytensor as pt

from .layer import Layer

__all__ = ["GaussianNoise"]


class GaussianNoise(Layer):
    """In training adds zero-mean Gaussian noise of standard deviation ``stddev`` to every entry; otherwise the
    identity. A regularizer (and a data augmentation for real-valued inputs).

    Example:
        >>> y = keras.layers.GaussianNoise(0.1, seed=1)(tf.zeros((2, 3)), training=True)  # entries ~ N(0, 0.01)
    """

    _casts_integer_inputs = True

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0.0 <= float(stddev):
            raise ValueError(f"GaussianNoise layer '{self.name}': `stddev` must be >= 0; received stddev={stddev!r}.")
        self.stddev = float(stddev)
        self.seed = seed
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if not training or self.stddev == 0.0:
            return inputs
        return inputs + pt.random.normal(tuple(inputs.shape), stddev=self.stddev, dtype=inputs.dtype, seed=self.seed)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"stddev": self.stddev, "seed": self.seed})
        return config
