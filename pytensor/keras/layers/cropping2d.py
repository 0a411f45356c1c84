"""Keras Cropping2D layer."""
from ._layer_utils import ChannelsFirstByTranspose, check_data_format, check_input_shape, normalize_pairs
from .cropping1d import check_cropping
from .layer import Layer

__all__ = ["Cropping2D"]


class Cropping2D(ChannelsFirstByTranspose, Layer):
    """Removes rows and columns at the borders of ``(batch, height, width, channels)`` images.

    Example:
        >>> keras.layers.Cropping2D(cropping=((1, 0), (2, 1)))(tf.ones((2, 5, 6, 3))).shape
        TensorShape([2, 4, 3, 3])

    Args:
        cropping: an int (every side), ``(rows, cols)`` (both sides of each), or
            ``((top, bottom), (left, right))``.
        data_format: ``"channels_last"`` or ``"channels_first"`` (transposed to channels_last and back).
    """

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.cropping = normalize_pairs(cropping, 2, "cropping", "Cropping2D")
        self.data_format = check_data_format(data_format, "Cropping2D", channels_first=True)
        self.built = True

    def _call(self, inputs):
        shape = check_input_shape(self, inputs.shape, 4, "(batch, height, width, channels)")
        check_cropping(self, shape, self.cropping)
        (top, bottom), (left, right) = self.cropping
        return inputs[:, top:shape[1] - bottom, left:shape[2] - right, :]

    def _output_shape(self, input_shape):
        shape = tuple(input_shape)
        spatial = tuple(None if n is None else n - sum(c) for n, c in zip(shape[1:3], self.cropping))
        return (shape[0],) + spatial + (shape[3],)

    def get_config(self):
        config = super().get_config()
        config.update({"cropping": self.cropping, "data_format": self.data_format})
        return config
