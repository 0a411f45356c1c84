"""Keras AdaptiveMaxPooling2D layer."""
import pytensor as pt

from ._adaptive_pooling import AdaptivePooling

__all__ = ["AdaptiveMaxPooling2D"]


class AdaptiveMaxPooling2D(AdaptivePooling):
    """Adaptive max pooling over the height and width of ``(batch, height, width, channels)`` inputs (or channels
    first): output bin ``i`` takes the maximum of inputs ``[floor(i*n/size), ceil((i+1)*n/size))`` of each axis,
    so any input size gives ``output_size`` (an int or a tuple of 2).

    Example:
        >>> keras.layers.AdaptiveMaxPooling2D((4, 3))(tf.ones((2, 10, 7, 3))).shape
        TensorShape([2, 4, 3, 3])
    """

    rank = 2
    _reduce = staticmethod(pt.reduce_max)
    _example = "(batch, height, width, channels)"
