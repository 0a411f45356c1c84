"""Keras SpatialDropout1D layer."""
from ._spatial_dropout import SpatialDropout

__all__ = ["SpatialDropout1D"]


class SpatialDropout1D(SpatialDropout):
    """Dropout of whole 1D feature maps: for inputs ``(batch, steps, channels)``, training drops each channel of
    each example at every step with probability ``rate`` and scales the kept ones by ``1 / (1 - rate)``; otherwise
    the identity. Adjacent positions of a feature map are strongly correlated, so dropping single entries would
    barely regularize.

    Example:
        >>> y = keras.layers.SpatialDropout1D(0.5, seed=1)(x, training=True)  # channels all 0 or all 2 * x
    """

    spatial_rank = 1
