"""Keras Conv3D layer."""
import pytensor as pt

from .conv import _Conv

__all__ = ["Conv3D"]


class Conv3D(_Conv):
    """3-D convolution over ``(batch, depth, height, width, channels)`` volumes (``tf.nn.conv3d``).

    ``outputs = activation(conv3d(inputs, kernel) + bias)``; the kernel has shape
    ``(kernel_d, kernel_h, kernel_w, input_channels, filters)``. Output size per spatial axis as Conv2D.

    Example:
        >>> keras.layers.Conv3D(8, 3, padding="same")(tf.ones((2, 6, 8, 8, 1))).shape
        TensorShape([2, 6, 8, 8, 8])
    """

    rank = 3
    _example = "(batch, depth, height, width, channels)"

    def _convolve(self, inputs):
        return pt.nn.conv3d(inputs, self.kernel, strides=self.strides, padding=self.padding.upper(),
                            dilations=self.dilation_rate)
