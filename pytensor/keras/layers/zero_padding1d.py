"""Keras ZeroPadding1D layer."""
import pytensor as pt

from ._layer_utils import ChannelsFirstByTranspose, check_data_format, check_input_shape, normalize_pairs
from .layer import Layer

__all__ = ["ZeroPadding1D"]


class ZeroPadding1D(ChannelsFirstByTranspose, Layer):
    """Adds zeros before and after the steps of ``(batch, steps, features)`` inputs.

    Example:
        >>> keras.layers.ZeroPadding1D(padding=(1, 2))(tf.ones((2, 3, 4))).shape
        TensorShape([2, 6, 4])

    Args:
        padding: an int (both sides) or ``(before, after)``.
        data_format: ``"channels_last"`` or ``"channels_first"`` (transposed to channels_last and back).
    """

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.padding = normalize_pairs(padding, 1, "padding", "ZeroPadding1D")[0]
        self.data_format = check_data_format(data_format, "ZeroPadding1D", channels_first=True)
        self.built = True

    def _call(self, inputs):
        check_input_shape(self, inputs.shape, 3, "(batch, steps, features)")
        return pt.pad(inputs, [[0, 0], list(self.padding), [0, 0]])

    def _output_shape(self, input_shape):
        batch, steps, features = tuple(input_shape)
        return batch, None if steps is None else steps + sum(self.padding), features

    def get_config(self):
        config = super().get_config()
        config.update({"padding": self.padding, "data_format": self.data_format})
        return config
