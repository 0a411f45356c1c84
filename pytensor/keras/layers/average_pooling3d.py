"""Keras AveragePooling3D layer."""
from .pooling import _Pooling

__all__ = ["AveragePooling3D"]


class AveragePooling3D(_Pooling):
    """Mean over ``pool_size`` boxes of ``(batch, depth, height, width, channels)`` volumes (``"same"`` boxes divide
    by their in-bounds count). As in Keras 3, ``pool_size`` has no default.

    Example:
        >>> keras.layers.AveragePooling3D(2)(tf.ones((1, 4, 6, 6, 3))).shape
        TensorShape([1, 2, 3, 3, 3])
    """

    rank = 3
    _op = "avg_pool3d"

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)
