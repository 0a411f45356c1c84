"""Keras GlobalMaxPooling3D layer."""
import pytensor as pt

from .pooling import _GlobalPooling

__all__ = ["GlobalMaxPooling3D"]


class GlobalMaxPooling3D(_GlobalPooling):
    """Max over depth, height and width: ``(batch, d, h, w, channels) -> (batch, channels)``.

    Example:
        >>> keras.layers.GlobalMaxPooling3D()(tf.ones((2, 3, 4, 4, 5))).shape
        TensorShape([2, 5])
    """

    rank = 3
    _reduce = staticmethod(pt.reduce_max)
