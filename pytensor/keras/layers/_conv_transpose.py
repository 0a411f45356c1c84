"""Shared body of Conv1DTranspose and Conv2DTranspose: Keras's arguments and output sizes, computed with
``conv2d_transpose`` (the input gradient of conv2d)."""
from .conv import _Conv

__all__ = ["ConvTranspose", "deconv_output_length"]


def deconv_output_length(length, kernel, padding, output_padding, stride, dilation):
    """Keras's output length of a transposed convolution (None stays None)."""
    if length is None:
        return None
    span = kernel + (kernel - 1) * (dilation - 1)
    if output_padding is None:
        return length * stride + max(span - stride, 0) if padding == "valid" else length * stride
    pad = span // 2 if padding == "same" else 0
    return (length - 1) * stride + span - 2 * pad + output_padding


class ConvTranspose(_Conv):
    """Transposed convolution ("deconvolution"): the gradient of a convolution with respect to its input, so
    ``strides`` upsample. The kernel has shape ``kernel_size + (filters, input_channels)`` (Keras's layout).

    Subclasses set ``rank`` and ``_example`` and implement ``_transpose(inputs, output_shape)``.
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", output_padding=None, data_format=None,
                 dilation_rate=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                         dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
                         bias_constraint=bias_constraint, **kwargs)
        cls = type(self).__name__
        self.output_padding = None
        if output_padding is not None:
            values = (output_padding,) * self.rank if isinstance(output_padding, int) else tuple(output_padding)
            if len(values) != self.rank or any(not isinstance(v, int) or v < 0 for v in values):
                raise ValueError(f"{cls}: `output_padding` must be an int >= 0 or a tuple of {self.rank} of them; "
                                 f"received output_padding={output_padding!r}.")
            for pad, stride in zip(values, self.strides):
                if pad >= stride:
                    raise ValueError(f"{cls}: each `output_padding` must be smaller than the stride along its "
                                     f"axis; received output_padding={values}, strides={self.strides}.")
            self.output_padding = values

    def build(self, input_shape):
        channels = self.input_channels = self._channels(input_shape)
        self.kernel = self.add_weight(name="kernel", shape=self.kernel_size + (self.filters, channels),
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = (self.add_weight(name="bias", shape=(self.filters,), initializer=self.bias_initializer,
                                     regularizer=self.bias_regularizer, constraint=self.bias_constraint)
                     if self.use_bias else None)

    def _convolve(self, inputs):
        return self._transpose(inputs, self._output_shape(tuple(inputs.shape)))

    def _output_shape(self, shape):
        pads = self.output_padding or (None,) * self.rank
        spatial = tuple(deconv_output_length(n, k, self.padding, p, s, d) for n, k, p, s, d in
                        zip(shape[1:-1], self.kernel_size, pads, self.strides, self.dilation_rate))
        return (shape[0],) + spatial + (self.filters,)

    def get_config(self):
        config = super().get_config()
        del config["groups"]
        config["output_padding"] = self.output_padding
        return config
