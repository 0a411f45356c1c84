"""Keras UpSampling3D layer."""
from ._layer_utils import ChannelsFirstByTranspose, check_data_format, check_input_shape, normalize_tuple
from .layer import Layer
from .up_sampling1d import repeat_along

__all__ = ["UpSampling3D"]


class UpSampling3D(ChannelsFirstByTranspose, Layer):
    """Repeats each depth slice, row and column of ``(batch, depth, height, width, channels)`` volumes
    ``size = (depth, rows, cols)`` times (nearest neighbour).

    Example:
        >>> keras.layers.UpSampling3D(size=(2, 1, 3))(tf.ones((2, 3, 4, 5, 2))).shape
        TensorShape([2, 6, 4, 15, 2])

    Args:
        size: an int or ``(depth, rows, cols)`` factors.
        data_format: ``"channels_last"`` or ``"channels_first"`` (transposed to channels_last and back).
    """

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.size = normalize_tuple(size, 3, "size", "UpSampling3D")
        self.data_format = check_data_format(data_format, "UpSampling3D", channels_first=True)
        self.built = True

    def _call(self, inputs):
        check_input_shape(self, inputs.shape, 5, "(batch, depth, height, width, channels)")
        for axis, times in enumerate(self.size, start=1):
            if times > 1:
                inputs = repeat_along(inputs, times, axis)
        return inputs

    def _output_shape(self, input_shape):
        shape = tuple(input_shape)
        spatial = tuple(None if n is None else n * s for n, s in zip(shape[1:4], self.size))
        return (shape[0],) + spatial + (shape[4],)

    def get_config(self):
        config = super().get_config()
        config.update({"size": self.size, "data_format": self.data_format})
        return config
