"""Keras DepthwiseConv1D layer."""
from ._depthwise_conv import DepthwiseConv

__all__ = ["DepthwiseConv1D"]


class DepthwiseConv1D(DepthwiseConv):
    """Depthwise 1-D convolution of ``(batch, steps, channels)`` inputs: each input channel is convolved with its
    own ``depth_multiplier`` filters, giving ``channels * depth_multiplier`` output channels. The kernel (weight
    ``kernel``) has shape ``(kernel_size, channels, depth_multiplier)``.

    Example:
        >>> keras.layers.DepthwiseConv1D(3, depth_multiplier=2)(tf.ones((4, 10, 3))).shape
        TensorShape([4, 8, 6])
    """

    rank = 1
    _example = "(batch, steps, channels)"
