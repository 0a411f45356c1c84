"""Keras GlobalAveragePooling3D layer."""
import pytensor as pt

from .pooling import _GlobalPooling

__all__ = ["GlobalAveragePooling3D"]


class GlobalAveragePooling3D(_GlobalPooling):
    """Mean over depth, height and width: ``(batch, d, h, w, channels) -> (batch, channels)``.

    Example:
        >>> keras.layers.GlobalAveragePooling3D()(tf.ones((2, 3, 4, 4, 5))).shape
        TensorShape([2, 5])
    """

    rank = 3
    _reduce = staticmethod(pt.reduce_mean)
