"""Keras AdaptiveAveragePooling1D layer."""
import pytensor as pt

from ._adaptive_pooling import AdaptivePooling

__all__ = ["AdaptiveAveragePooling1D"]


class AdaptiveAveragePooling1D(AdaptivePooling):
    """Adaptive average pooling over the steps of ``(batch, steps, channels)`` inputs (or channels first): output bin
    ``i`` averages inputs ``[floor(i*n/size), ceil((i+1)*n/size))`` of each axis, so any input size gives
    ``output_size`` (an int or a tuple of 1).

    Example:
        >>> keras.layers.AdaptiveAveragePooling1D(4)(tf.ones((2, 10, 3))).shape
        TensorShape([2, 4, 3])
    """

    rank = 1
    _reduce = staticmethod(pt.reduce_mean)
    _example = "(batch, steps, channels)"
