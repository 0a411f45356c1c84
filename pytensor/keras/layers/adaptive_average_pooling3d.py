"""Keras AdaptiveAveragePooling3D layer."""
import pytensor as pt

from ._adaptive_pooling import AdaptivePooling

__all__ = ["AdaptiveAveragePooling3D"]


class AdaptiveAveragePooling3D(AdaptivePooling):
    """Adaptive average pooling over the depth, height and width of ``(batch, depth, height, width, channels)`` inputs
    (or channels first): output bin ``i`` averages inputs ``[floor(i*n/size), ceil((i+1)*n/size))`` of each
    axis, so any input size gives ``output_size`` (an int or a tuple of 3).

    Example:
        >>> keras.layers.AdaptiveAveragePooling3D((4, 3, 2))(tf.ones((2, 10, 7, 5, 3))).shape
        TensorShape([2, 4, 3, 2, 3])
    """

    rank = 3
    _reduce = staticmethod(pt.reduce_mean)
    _example = "(batch, depth, height, width, channels)"
