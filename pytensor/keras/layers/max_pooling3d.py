"""Keras MaxPooling3D layer."""
from .pooling import _Pooling

__all__ = ["MaxPooling3D"]


class MaxPooling3D(_Pooling):
    """Max over ``pool_size`` boxes of ``(batch, depth, height, width, channels)`` volumes (``tf.nn.max_pool3d``).

    Example:
        >>> keras.layers.MaxPooling3D(2)(tf.ones((1, 4, 6, 6, 3))).shape
        TensorShape([1, 2, 3, 3, 3])
    """

    rank = 3
    _op = "max_pool3d"

    def __init__(self, pool_size=(2, 2, 2), strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)
