"""Keras SpatialDropout3D layer."""
from ._spatial_dropout import SpatialDropout

__all__ = ["SpatialDropout3D"]


class SpatialDropout3D(SpatialDropout):
    """Dropout of whole 3D feature maps: for inputs ``(batch, dim1, dim2, dim3, channels)`` (channels after the
    batch with ``data_format="channels_first"``), training drops each channel of each example everywhere with
    probability ``rate`` and scales the kept ones by ``1 / (1 - rate)``; otherwise
    the identity. Adjacent positions of a feature map are strongly correlated, so dropping single entries would
    barely regularize.

    Example:
        >>> y = keras.layers.SpatialDropout3D(0.5, seed=1)(x, training=True)  # channels all 0 or all 2 * x
    """

    spatial_rank = 3
