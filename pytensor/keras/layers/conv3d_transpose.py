"""Keras Conv3DTranspose layer."""
import pytensor as pt

from ._conv_transpose import ConvTranspose

__all__ = ["Conv3DTranspose"]


class Conv3DTranspose(ConvTranspose):
    """Transposed 3-D convolution of ``(batch, depth, height, width, channels)`` volumes (``tf.nn.conv3d_transpose``),
    e.g. to upsample in a volumetric decoder. The kernel is ``(kernel_d, kernel_h, kernel_w, filters,
    input_channels)``; output sizes per axis as Conv2DTranspose.

    Example:
        >>> keras.layers.Conv3DTranspose(4, 3, strides=2, padding="same")(tf.ones((2, 3, 4, 4, 8))).shape
        TensorShape([2, 6, 8, 8, 4])
    """

    rank = 3
    _example = "(batch, depth, height, width, channels)"

    def _transpose(self, inputs, output_shape):
        return pt.nn.conv3d_transpose(inputs, self.kernel, list(output_shape), strides=self.strides,
                                      padding=self.padding.upper(), dilations=self.dilation_rate)
