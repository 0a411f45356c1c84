"""Keras Identity layer."""
from .layer import Layer

__all__ = ["Identity"]


class Identity(Layer):
    """Returns its input unchanged (a placeholder, e.g. for a skipped block); masks pass through.

    Example:
        >>> keras.layers.Identity()(tf.constant([1.0, 2.0])).numpy()
        array([1., 2.], dtype=float32)
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape
