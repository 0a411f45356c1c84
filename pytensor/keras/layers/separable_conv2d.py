"""Keras SeparableConv2D layer."""
from ._depthwise_conv import SeparableConv

__all__ = ["SeparableConv2D"]


class SeparableConv2D(SeparableConv):
    """Separable 2-D convolution of ``(batch, height, width, channels)`` images (``tf.nn.separable_conv2d``): a
    depthwise convolution (weight ``depthwise_kernel``, ``(kernel_h, kernel_w, channels, depth_multiplier)``)
    followed by a 1x1 convolution to ``filters`` channels (weight ``pointwise_kernel``,
    ``(1, 1, channels * depth_multiplier, filters)``), then bias and activation.

    Example:
        >>> keras.layers.SeparableConv2D(16, 3, padding="same")(tf.ones((4, 8, 8, 3))).shape
        TensorShape([4, 8, 8, 16])
    """

    rank = 2
    _example = "(batch, height, width, channels)"
