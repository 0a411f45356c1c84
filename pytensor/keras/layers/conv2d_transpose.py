"""Keras Conv2DTranspose layer."""
import pytensor as pt

from ._conv_transpose import ConvTranspose

__all__ = ["Conv2DTranspose"]


class Conv2DTranspose(ConvTranspose):
    """Transposed 2-D convolution of ``(batch, height, width, channels)`` images, e.g. to upsample in a decoder
    or generator. The kernel is ``(kernel_h, kernel_w, filters, input_channels)``; output size per axis:
    ``"valid"``: ``n * stride + max(k - stride, 0)``, ``"same"``: ``n * stride``; with ``output_padding`` p:
    ``(n - 1) * stride + k - 2 * pad + p`` (pad = k // 2 for "same", else 0).

    Example:
        >>> x = tf.random.normal((4, 7, 7, 64))
        >>> keras.layers.Conv2DTranspose(32, 3, strides=2, padding="same")(x).shape
        TensorShape([4, 14, 14, 32])
    """

    rank = 2
    _example = "(batch, height, width, channels)"

    def _transpose(self, inputs, output_shape):
        return pt.nn.conv2d_transpose(inputs, self.kernel, list(output_shape), strides=self.strides,
                                      padding=self.padding.upper(), dilations=self.dilation_rate)
