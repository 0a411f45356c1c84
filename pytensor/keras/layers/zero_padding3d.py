"""Keras ZeroPadding3D layer."""
import pytensor as pt

from ._layer_utils import ChannelsFirstByTranspose, check_data_format, check_input_shape, normalize_pairs
from .layer import Layer

__all__ = ["ZeroPadding3D"]


class ZeroPadding3D(ChannelsFirstByTranspose, Layer):
    """Adds zeros around the depth, height and width of ``(batch, depth, height, width, channels)`` volumes.

    Example:
        >>> keras.layers.ZeroPadding3D(padding=((1, 0), (0, 2), (1, 1)))(tf.ones((2, 3, 4, 5, 2))).shape
        TensorShape([2, 4, 6, 7, 2])

    Args:
        padding: an int (every side), 3 ints (both sides of each axis), or 3 ``(before, after)`` pairs.
        data_format: ``"channels_last"`` or ``"channels_first"`` (transposed to channels_last and back).
    """

    def __init__(self, padding=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.padding = normalize_pairs(padding, 3, "padding", "ZeroPadding3D")
        self.data_format = check_data_format(data_format, "ZeroPadding3D", channels_first=True)
        self.built = True

    def _call(self, inputs):
        check_input_shape(self, inputs.shape, 5, "(batch, depth, height, width, channels)")
        return pt.pad(inputs, [[0, 0]] + [list(p) for p in self.padding] + [[0, 0]])

    def _output_shape(self, input_shape):
        shape = tuple(input_shape)
        spatial = tuple(None if n is None else n + sum(p) for n, p in zip(shape[1:4], self.padding))
        return (shape[0],) + spatial + (shape[4],)

    def get_config(self):
        config = super().get_config()
        config.update({"padding": self.padding, "data_format": self.data_format})
        return config
