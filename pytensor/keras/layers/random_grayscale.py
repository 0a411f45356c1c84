"""Keras RandomGrayscale layer."""
import pytensor as pt

from ._layer_utils import check_data_format
from ._preprocessing_utils import check_image
from .layer import Layer

__all__ = ["RandomGrayscale"]


class RandomGrayscale(Layer):
    """In training turns each image grey with probability ``factor`` (TF's luma weights, the grey repeated over the
    channels so the shape stays); otherwise the identity.

    Example:
        >>> keras.layers.RandomGrayscale(1.0)(tf.ones((2, 4, 4, 3)), training=True).shape
        TensorShape([2, 4, 4, 3])
    """

    _casts_integer_inputs = True

    def __init__(self, factor=0.5, data_format=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if factor < 0 or factor > 1:
            raise ValueError(f"RandomGrayscale layer '{self.name}': `factor` should be between 0 and 1. Received: "
                             f"factor={factor}")
        self.data_format = check_data_format(data_format, f"RandomGrayscale layer '{self.name}'")
        self.factor = factor
        self.seed = seed
        self.built = True

    def call(self, inputs, training=True):
        check_image(self, inputs)
        if not training:
            return inputs
        batched = inputs if len(inputs.shape) == 4 else pt.expand_dims(inputs, 0)
        apply = pt.random.uniform((int(batched.shape[0]), 1, 1, 1), seed=self.seed) < self.factor
        out = pt.where(apply, pt.image.rgb_to_grayscale(batched), batched)
        return out if len(inputs.shape) == 4 else out[0]

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"data_format": self.data_format, "factor": self.factor})  # Keras 3 keeps no seed
        return config
