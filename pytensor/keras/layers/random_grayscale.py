"""Keras RandomGrayscale layer."""
import pytensor as pt

from ._random_preprocessing import RandomImageLayer

__all__ = ["RandomGrayscale"]


class RandomGrayscale(RandomImageLayer):
    """In training turns each image grey with probability ``factor`` (TF's luma weights, the grey repeated over the
    channels so the shape stays); otherwise the identity.

    Example:
        >>> keras.layers.RandomGrayscale(1.0)(tf.ones((2, 4, 4, 3)), training=True).shape
        TensorShape([2, 4, 4, 3])
    """

    _config_attributes = ("data_format", "factor")  # Keras 3 keeps no seed

    def __init__(self, factor=0.5, data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        if factor < 0 or factor > 1:
            raise ValueError(f"RandomGrayscale layer '{self.name}': `factor` should be between 0 and 1. Received: "
                             f"factor={factor}")
        self.factor = factor

    def _transform(self, inputs):
        batched = inputs if len(inputs.shape) == 4 else pt.expand_dims(inputs, 0)
        apply = pt.random.uniform((int(batched.shape[0]), 1, 1, 1), seed=self.seed) < self.factor
        out = pt.where(apply, pt.image.rgb_to_grayscale(batched), batched)
        return out if len(inputs.shape) == 4 else out[0]
