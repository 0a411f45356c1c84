"""Keras UpSampling2D layer (nearest and bilinear)."""
import numpy as np

import pytensor as pt

from ._layer_utils import ChannelsFirstByTranspose, check_data_format, check_input_shape, normalize_tuple
from .layer import Layer
from .up_sampling1d import repeat_along

__all__ = ["UpSampling2D"]


def _bilinear_along(inputs, times, axis):
    """Linear interpolation along ``axis`` to ``times`` x its size, with half-pixel centres (TF's
    ``tf.image.resize(..., "bilinear")``): output i samples input position ``(i + 0.5) / times - 0.5``,
    clamped to the edges."""
    size = int(inputs.shape[axis])
    position = (np.arange(size * times) + 0.5) / times - 0.5
    below = np.floor(position)
    weight = (position - below).astype(inputs.dtype.as_numpy_dtype)
    lower = np.clip(below, 0, size - 1).astype(np.int32)
    upper = np.clip(below + 1, 0, size - 1).astype(np.int32)
    shape = [1] * len(inputs.shape)
    shape[axis] = size * times
    weight = pt.constant(weight.reshape(shape))
    low = pt.gather(inputs, lower, axis=axis)
    return low + weight * (pt.gather(inputs, upper, axis=axis) - low)


class UpSampling2D(ChannelsFirstByTranspose, Layer):
    """Upsamples ``(batch, height, width, channels)`` images by ``size = (rows, cols)``: ``"nearest"`` repeats
    rows and columns; ``"bilinear"`` interpolates (as ``tf.image.resize`` with half-pixel centres).

    Example:
        >>> keras.layers.UpSampling2D(size=(2, 3))(tf.ones((2, 5, 6, 3))).shape
        TensorShape([2, 10, 18, 3])

    Args:
        size: an int or ``(rows, cols)`` factors.
        data_format: ``"channels_last"`` or ``"channels_first"`` (transposed to channels_last and back).
        interpolation: ``"nearest"`` or ``"bilinear"``.
    """

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        self.size = normalize_tuple(size, 2, "size", "UpSampling2D")
        self.data_format = check_data_format(data_format, "UpSampling2D", channels_first=True)
        if interpolation not in ("nearest", "bilinear"):
            raise ValueError(f"UpSampling2D: `interpolation` must be 'nearest' or 'bilinear'; received "
                             f"interpolation={interpolation!r}.")
        self.interpolation = interpolation
        self._casts_integer_inputs = interpolation == "bilinear"
        self.built = True

    def _call(self, inputs):
        check_input_shape(self, inputs.shape, 4, "(batch, height, width, channels)")
        resample = repeat_along if self.interpolation == "nearest" else _bilinear_along
        return resample(resample(inputs, self.size[0], 1), self.size[1], 2)

    def _output_shape(self, input_shape):
        shape = tuple(input_shape)
        spatial = tuple(None if n is None else n * s for n, s in zip(shape[1:3], self.size))
        return (shape[0],) + spatial + (shape[3],)

    def get_config(self):
        config = super().get_config()
        config.update({"size": self.size, "data_format": self.data_format, "interpolation": self.interpolation})
        return config
