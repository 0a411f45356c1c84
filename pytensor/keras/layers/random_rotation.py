"""Keras RandomRotation layer."""
import numpy as np

import pytensor as pt

from ._preprocessing_utils import FILL_MODES, affine_transform, check_image, parse_factor
from .layer import Layer

__all__ = ["RandomRotation", "check_transform_arguments"]


def check_transform_arguments(layer, fill_mode, interpolation):
    """Keras's NotImplementedError for a fill mode or interpolation the affine transform does not have."""
    if fill_mode not in FILL_MODES:
        raise NotImplementedError(f"{type(layer).__name__} layer '{layer.name}': unknown `fill_mode` {fill_mode}. "
                                  f"Expected of one {FILL_MODES}.")
    if interpolation not in ("nearest", "bilinear"):
        raise NotImplementedError(f"{type(layer).__name__} layer '{layer.name}': unknown `interpolation` "
                                  f"{interpolation}. Expected of one ('nearest', 'bilinear').")


class RandomRotation(Layer):
    """In training rotates each image about its centre by an angle drawn uniformly from ``factor`` (fractions of a
    full turn, counter-clockwise for positive values; ``factor=f`` gives ``[-f, f]``), filling uncovered pixels per
    ``fill_mode`` (``"reflect"``, ``"wrap"``, ``"constant"`` with ``fill_value``, ``"nearest"``); otherwise the
    identity.

    Example:
        >>> keras.layers.RandomRotation(0.1, seed=1)(tf.ones((2, 8, 8, 3))).shape
        TensorShape([2, 8, 8, 3])
    """

    _casts_integer_inputs = True

    def __init__(self, factor, fill_mode="reflect", interpolation="bilinear", seed=None, fill_value=0.0,
                 data_format=None, **kwargs):
        super().__init__(**kwargs)
        if data_format not in (None, "channels_last"):
            raise ValueError(f"RandomRotation layer '{self.name}': only data_format='channels_last' is supported; "
                             f"received {data_format!r}.")
        check_transform_arguments(self, fill_mode, interpolation)
        self.factor = parse_factor(self, factor, (-1, 1))
        self.fill_mode, self.interpolation, self.fill_value = fill_mode, interpolation, fill_value
        self.seed = seed
        self.data_format = "channels_last"
        self.built = True

    def call(self, inputs, training=True):
        check_image(self, inputs)
        if not training:
            return inputs
        batch = 1 if len(inputs.shape) == 3 else int(inputs.shape[0])
        height, width = int(inputs.shape[-3]), int(inputs.shape[-2])
        degrees = pt.random.uniform((batch,), self.factor[0] * 360.0, self.factor[1] * 360.0, seed=self.seed)
        angle = degrees.numpy() * np.float32(np.pi / 180.0)
        cos, sin = np.cos(angle), np.sin(angle)
        cx, cy = np.float32(0.5 * (width - 1)), np.float32(0.5 * (height - 1))
        zeros = np.zeros_like(cos)
        transforms = np.stack([cos, -sin, cx - cx * cos + cy * sin, sin, cos, cy - cx * sin - cy * cos, zeros, zeros],
                              axis=1)
        return affine_transform(inputs, transforms, self.interpolation, self.fill_mode, self.fill_value)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"factor": self.factor, "data_format": self.data_format, "fill_mode": self.fill_mode,
                       "fill_value": self.fill_value, "interpolation": self.interpolation, "seed": self.seed})
        return config
