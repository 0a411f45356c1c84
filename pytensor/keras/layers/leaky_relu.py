"""Keras LeakyReLU layer."""
import warnings

from .. import activations
from .layer import Layer

__all__ = ["LeakyReLU"]


class LeakyReLU(Layer):
    """``x`` for ``x >= 0``, ``negative_slope * x`` otherwise (default slope 0.3).

    TF 2's argument name ``alpha`` is accepted too (deprecated in Keras 3, with a warning).

    Example:
        >>> keras.layers.LeakyReLU(negative_slope=0.5)(tf.constant([-10.0, 5.0])).numpy()
        array([-5.,  5.], dtype=float32)

    Raises:
        ValueError: for a negative or None ``negative_slope``.
    """

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
            warnings.warn("LeakyReLU: argument `alpha` is deprecated; use `negative_slope` instead.", stacklevel=2)
        super().__init__(**kwargs)
        if negative_slope is None or negative_slope < 0:
            raise ValueError(f"LeakyReLU: `negative_slope` must be a float >= 0; received "
                             f"negative_slope={negative_slope!r}.")
        self.negative_slope = float(negative_slope)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return activations.leaky_relu(inputs, negative_slope=self.negative_slope)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config["negative_slope"] = self.negative_slope
        return config
