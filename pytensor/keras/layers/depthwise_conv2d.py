"""Keras DepthwiseConv2D layer."""
from ._depthwise_conv import DepthwiseConv

__all__ = ["DepthwiseConv2D"]


class DepthwiseConv2D(DepthwiseConv):
    """Depthwise 2-D convolution of ``(batch, height, width, channels)`` images: each input channel is convolved
    with its own ``depth_multiplier`` filters (``tf.nn.depthwise_conv2d``), giving ``channels * depth_multiplier``
    output channels. The kernel (weight ``kernel``) has shape ``(kernel_h, kernel_w, channels, depth_multiplier)``.

    Example:
        >>> keras.layers.DepthwiseConv2D(3, depth_multiplier=2, padding="same")(tf.ones((4, 8, 8, 3))).shape
        TensorShape([4, 8, 8, 6])
    """

    rank = 2
    _example = "(batch, height, width, channels)"
