"""Keras SpatialDropout2D layer."""
from ._spatial_dropout import SpatialDropout

__all__ = ["SpatialDropout2D"]


class SpatialDropout2D(SpatialDropout):
    """Dropout of whole 2D feature maps: for inputs ``(batch, rows, cols, channels)`` (``(batch, channels, rows,
    cols)`` with ``data_format="channels_first"``), training drops each channel of each example everywhere with
    probability ``rate`` and scales the kept ones by ``1 / (1 - rate)``; otherwise
    the identity. Adjacent positions of a feature map are strongly correlated, so dropping single entries would
    barely regularize.

    Example:
        >>> y = keras.layers.SpatialDropout2D(0.5, seed=1)(x, training=True)  # channels all 0 or all 2 * x
    """

    spatial_rank = 2
