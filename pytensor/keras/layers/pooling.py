"""Keras pooling layers: windowed max / average pooling (1-D, 2-D) and global pooling. channels_first inputs of
the windowed layers are transposed to channels_last and back (exact); global pooling reduces the right axes."""
import pytensor as pt

from ._layer_utils import (check_data_format, check_input_shape, conv_output_length, normalize_padding,
                           normalize_tuple, shape_to_channels_last, shape_to_data_format, to_channels_last,
                           to_data_format)
from .layer import Layer

__all__ = ["MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D", "GlobalAveragePooling1D",
           "GlobalAveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D"]

_EXAMPLES = {1: "(batch, steps, channels)", 2: "(batch, height, width, channels)",
             3: "(batch, depth, height, width, channels)"}


class _Pooling(Layer):
    """Shared body of the windowed pooling layers; subclasses set ``rank`` and ``_op`` (a pt.nn function name)."""

    rank = None
    _op = None

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, **kwargs):
        # The lecture notes write `stride=2`; accept it as a synonym of `strides`.
        stride = kwargs.pop("stride", None)
        super().__init__(**kwargs)
        cls = type(self).__name__
        if stride is not None:
            if strides is not None:
                raise ValueError(f"{cls}: pass `strides` or its synonym `stride`, not both.")
            strides = stride
        self.pool_size = normalize_tuple(pool_size, self.rank, "pool_size", cls)
        self.strides = self.pool_size if strides is None else normalize_tuple(strides, self.rank, "strides", cls)
        self.padding = normalize_padding(padding, cls)
        self.data_format = check_data_format(data_format, cls, channels_first=True)

    def call(self, inputs):
        check_input_shape(self, inputs.shape, self.rank + 2, _EXAMPLES[self.rank])
        outputs = getattr(pt.nn, self._op)(to_channels_last(inputs, self.data_format), self.pool_size, self.strides,
                                           self.padding.upper())
        return to_data_format(outputs, self.data_format)

    def compute_output_shape(self, input_shape):
        shape = shape_to_channels_last(check_input_shape(self, input_shape, self.rank + 2, _EXAMPLES[self.rank]),
                                       self.data_format)
        spatial = tuple(conv_output_length(n, k, self.padding, s)
                        for n, k, s in zip(shape[1:-1], self.pool_size, self.strides))
        return shape_to_data_format((shape[0],) + spatial + (shape[-1],), self.data_format)

    def get_config(self):
        config = super().get_config()
        config.update({"pool_size": self.pool_size, "strides": self.strides, "padding": self.padding,
                       "data_format": self.data_format})
        return config


class MaxPooling1D(_Pooling):
    """Max over windows of ``pool_size`` steps of ``(batch, steps, channels)`` inputs.

    Example:
        >>> keras.layers.MaxPooling1D(2)(tf.ones((1, 6, 3))).shape
        TensorShape([1, 3, 3])
    """

    rank = 1
    _op = "max_pool1d"

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class AveragePooling1D(_Pooling):
    """Mean over windows of ``pool_size`` steps (``"same"`` windows divide by their in-bounds count).

    Example:
        >>> keras.layers.AveragePooling1D(2)(tf.ones((1, 6, 3))).shape
        TensorShape([1, 3, 3])
    """

    rank = 1
    _op = "avg_pool1d"

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class MaxPooling2D(_Pooling):
    """Max over ``pool_size`` windows of ``(batch, height, width, channels)`` images.

    Output size per spatial axis: ``"valid"``: ``(n - pool) // stride + 1``; ``"same"``: ``ceil(n / stride)``.

    Example:
        >>> keras.layers.MaxPooling2D((2, 2))(tf.ones((1, 26, 26, 32))).shape
        TensorShape([1, 13, 13, 32])
    """

    rank = 2
    _op = "max_pool2d"

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class AveragePooling2D(_Pooling):
    """Mean over ``pool_size`` windows of images (``"same"`` windows divide by their in-bounds count).

    Example:
        >>> keras.layers.AveragePooling2D((2, 2))(tf.ones((1, 4, 4, 3))).shape
        TensorShape([1, 2, 2, 3])
    """

    rank = 2
    _op = "avg_pool2d"

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class _GlobalPooling(Layer):
    """Shared body of the global pooling layers: reduce all spatial axes with ``_reduce``."""

    rank = None

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = check_data_format(data_format, type(self).__name__, channels_first=True)
        self.keepdims = keepdims

    def _spatial_axes(self):
        first = 2 if self.data_format == "channels_first" else 1
        return list(range(first, first + self.rank))

    def call(self, inputs):
        check_input_shape(self, inputs.shape, self.rank + 2, _EXAMPLES[self.rank])
        return type(self)._reduce(inputs, axis=self._spatial_axes(), keepdims=self.keepdims)

    def compute_output_shape(self, input_shape):
        shape = shape_to_channels_last(check_input_shape(self, input_shape, self.rank + 2, _EXAMPLES[self.rank]),
                                       self.data_format)
        if not self.keepdims:
            return (shape[0], shape[-1])
        return shape_to_data_format((shape[0],) + (1,) * self.rank + (shape[-1],), self.data_format)

    def get_config(self):
        config = super().get_config()
        config.update({"data_format": self.data_format, "keepdims": self.keepdims})
        return config


class GlobalAveragePooling1D(_GlobalPooling):
    """Mean over the steps axis: ``(batch, steps, channels) -> (batch, channels)``.

    Example:
        >>> keras.layers.GlobalAveragePooling1D()(tf.ones((2, 5, 3))).shape
        TensorShape([2, 3])
    """

    rank = 1
    _reduce = staticmethod(pt.reduce_mean)


class GlobalAveragePooling2D(_GlobalPooling):
    """Mean over height and width: ``(batch, h, w, channels) -> (batch, channels)``.

    Example:
        >>> keras.layers.GlobalAveragePooling2D()(tf.ones((2, 4, 4, 3))).shape
        TensorShape([2, 3])
    """

    rank = 2
    _reduce = staticmethod(pt.reduce_mean)


class GlobalMaxPooling1D(_GlobalPooling):
    """Max over the steps axis: ``(batch, steps, channels) -> (batch, channels)``.

    Example:
        >>> keras.layers.GlobalMaxPooling1D()(tf.ones((2, 5, 3))).shape
        TensorShape([2, 3])
    """

    rank = 1
    _reduce = staticmethod(pt.reduce_max)


class GlobalMaxPooling2D(_GlobalPooling):
    """Max over height and width: ``(batch, h, w, channels) -> (batch, channels)``.

    Example:
        >>> keras.layers.GlobalMaxPooling2D()(tf.ones((2, 4, 4, 3))).shape
        TensorShape([2, 3])
    """

    rank = 2
    _reduce = staticmethod(pt.reduce_max)
