"""Keras SeparableConv1D layer."""
from ._depthwise_conv import SeparableConv

__all__ = ["SeparableConv1D"]


class SeparableConv1D(SeparableConv):
    """Separable 1-D convolution of ``(batch, steps, channels)`` inputs: a depthwise convolution (weight
    ``depthwise_kernel``, ``(kernel_size, channels, depth_multiplier)``) followed by a pointwise convolution to
    ``filters`` channels (weight ``pointwise_kernel``, ``(1, channels * depth_multiplier, filters)``), then bias
    and activation.

    Example:
        >>> keras.layers.SeparableConv1D(16, 3)(tf.ones((4, 10, 3))).shape
        TensorShape([4, 8, 16])
    """

    rank = 1
    _example = "(batch, steps, channels)"
