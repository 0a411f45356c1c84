"""Keras RandomFlip layer."""
import pytensor as pt

from ._layer_utils import check_data_format
from ._preprocessing_utils import check_image
from .layer import Layer

__all__ = ["RandomFlip"]

_MODES = ("horizontal", "vertical", "horizontal_and_vertical")


class RandomFlip(Layer):
    """In training flips each image left-right (``"horizontal"``), upside down (``"vertical"``) or both
    (``"horizontal_and_vertical"``: one draw decides both, as in Keras 3) with probability 1/2; otherwise the
    identity. Calls outside ``fit`` (e.g. in ``Dataset.map``) train by default, as in Keras.

    Example:
        >>> keras.layers.RandomFlip("horizontal", seed=1)(tf.ones((2, 4, 4, 3))).shape
        TensorShape([2, 4, 4, 3])
    """

    _casts_integer_inputs = True

    def __init__(self, mode="horizontal_and_vertical", seed=None, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = check_data_format(data_format, f"{type(self).__name__} layer '{self.name}'")
        if mode not in _MODES:
            raise ValueError(f"RandomFlip layer '{self.name}': RandomFlip layer {self.name} received an unknown mode "
                             f"argument {mode!r}; use one of {_MODES}.")
        self.mode = mode
        self.seed = seed
        self.built = True

    def call(self, inputs, training=True):
        check_image(self, inputs)
        if not training:
            return inputs
        batched = inputs if len(inputs.shape) == 4 else pt.expand_dims(inputs, 0)
        flips = pt.random.uniform((int(batched.shape[0]), 1, 1, 1), seed=self.seed) <= 0.5
        if self.mode != "vertical":
            batched = pt.where(flips, pt.image.flip_left_right(batched), batched)
        if self.mode != "horizontal":
            batched = pt.where(flips, pt.image.flip_up_down(batched), batched)
        return batched if len(inputs.shape) == 4 else batched[0]

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"data_format": self.data_format, "seed": self.seed, "mode": self.mode})
        return config
