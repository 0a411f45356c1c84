"""Keras RandomFlip layer."""
import pytensor as pt

from ._random_preprocessing import RandomImageLayer

__all__ = ["RandomFlip"]

_MODES = ("horizontal", "vertical", "horizontal_and_vertical")


class RandomFlip(RandomImageLayer):
    """In training flips each image left-right (``"horizontal"``), upside down (``"vertical"``) or both
    (``"horizontal_and_vertical"``: one draw decides both, as in Keras 3) with probability 1/2; otherwise the
    identity. Calls outside ``fit`` (e.g. in ``Dataset.map``) train by default, as in Keras.

    Example:
        >>> keras.layers.RandomFlip("horizontal", seed=1)(tf.ones((2, 4, 4, 3))).shape
        TensorShape([2, 4, 4, 3])
    """

    _config_attributes = ("data_format", "seed", "mode")

    def __init__(self, mode="horizontal_and_vertical", seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        if mode not in _MODES:
            raise ValueError(f"RandomFlip layer '{self.name}': RandomFlip layer {self.name} received an unknown mode "
                             f"argument {mode!r}; use one of {_MODES}.")
        self.mode = mode

    def _transform(self, inputs):
        batched = inputs if len(inputs.shape) == 4 else pt.expand_dims(inputs, 0)
        flips = pt.random.uniform((int(batched.shape[0]), 1, 1, 1), seed=self.seed) <= 0.5
        if self.mode != "vertical":
            batched = pt.where(flips, pt.image.flip_left_right(batched), batched)
        if self.mode != "horizontal":
            batched = pt.where(flips, pt.image.flip_up_down(batched), batched)
        return batched if len(inputs.shape) == 4 else batched[0]
