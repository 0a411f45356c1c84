"""Keras ZeroPadding2D layer."""
import pytensor as pt

from ._layer_utils import ChannelsFirstByTranspose, check_data_format, check_input_shape, normalize_pairs
from .layer import Layer

__all__ = ["ZeroPadding2D"]


class ZeroPadding2D(ChannelsFirstByTranspose, Layer):
    """Adds rows and columns of zeros around ``(batch, height, width, channels)`` images.

    Example:
        >>> keras.layers.ZeroPadding2D(padding=((1, 2), (3, 0)))(tf.ones((2, 5, 6, 3))).shape
        TensorShape([2, 8, 9, 3])

    Args:
        padding: an int (every side), ``(rows, cols)`` (both sides of each), or
            ``((top, bottom), (left, right))``.
        data_format: ``"channels_last"`` or ``"channels_first"`` (transposed to channels_last and back).
    """

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.padding = normalize_pairs(padding, 2, "padding", "ZeroPadding2D")
        self.data_format = check_data_format(data_format, "ZeroPadding2D", channels_first=True)
        self.built = True

    def _call(self, inputs):
        check_input_shape(self, inputs.shape, 4, "(batch, height, width, channels)")
        return pt.pad(inputs, [[0, 0], list(self.padding[0]), list(self.padding[1]), [0, 0]])

    def _output_shape(self, input_shape):
        shape = tuple(input_shape)
        spatial = tuple(None if n is None else n + sum(p) for n, p in zip(shape[1:3], self.padding))
        return (shape[0],) + spatial + (shape[3],)

    def get_config(self):
        config = super().get_config()
        config.update({"padding": self.padding, "data_format": self.data_format})
        return config
