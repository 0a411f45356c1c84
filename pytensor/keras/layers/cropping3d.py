"""Keras Cropping3D layer."""
from ._layer_utils import ChannelsFirstByTranspose, check_data_format, check_input_shape, normalize_pairs
from .cropping1d import check_cropping
from .layer import Layer

__all__ = ["Cropping3D"]


class Cropping3D(ChannelsFirstByTranspose, Layer):
    """Removes depth slices, rows and columns at the borders of ``(batch, depth, height, width, channels)`` volumes.

    Example:
        >>> keras.layers.Cropping3D(cropping=((1, 0), (0, 2), (1, 1)))(tf.ones((2, 3, 4, 5, 2))).shape
        TensorShape([2, 2, 2, 3, 2])

    Args:
        cropping: an int (every side), 3 ints (both sides of each axis), or 3 ``(before, after)`` pairs.
        data_format: ``"channels_last"`` or ``"channels_first"`` (transposed to channels_last and back).
    """

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.cropping = normalize_pairs(cropping, 3, "cropping", "Cropping3D")
        self.data_format = check_data_format(data_format, "Cropping3D", channels_first=True)
        self.built = True

    def _call(self, inputs):
        shape = check_input_shape(self, inputs.shape, 5, "(batch, depth, height, width, channels)")
        check_cropping(self, shape, self.cropping)
        window = tuple(slice(before, n - after) for n, (before, after) in zip(shape[1:4], self.cropping))
        return inputs[(slice(None),) + window + (slice(None),)]

    def _output_shape(self, input_shape):
        shape = tuple(input_shape)
        spatial = tuple(None if n is None else n - sum(c) for n, c in zip(shape[1:4], self.cropping))
        return (shape[0],) + spatial + (shape[4],)

    def get_config(self):
        config = super().get_config()
        config.update({"cropping": self.cropping, "data_format": self.data_format})
        return config
