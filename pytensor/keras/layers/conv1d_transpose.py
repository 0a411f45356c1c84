"""Keras Conv1DTranspose layer."""
import pytensor as pt

from ._conv_transpose import ConvTranspose

__all__ = ["Conv1DTranspose"]


class Conv1DTranspose(ConvTranspose):
    """Transposed 1-D convolution of ``(batch, steps, channels)`` sequences; the kernel is
    ``(kernel_size, filters, input_channels)``. Computed as Conv2DTranspose on a height-1 view.

    Example:
        >>> keras.layers.Conv1DTranspose(8, 3, strides=2, padding="same")(tf.ones((2, 10, 4))).shape
        TensorShape([2, 20, 8])
    """

    rank = 1
    _example = "(batch, steps, channels)"

    def _transpose(self, inputs, output_shape):
        batch, steps, filters = output_shape
        outputs = pt.nn.conv2d_transpose(pt.expand_dims(inputs, 1), pt.expand_dims(self.kernel, 0),
                                         [batch, 1, steps, filters], strides=[1, self.strides[0]],
                                         padding=self.padding.upper(), dilations=[1, self.dilation_rate[0]])
        return pt.squeeze(outputs, [1])
