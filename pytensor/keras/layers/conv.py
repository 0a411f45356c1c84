"""Keras Conv1D and Conv2D layers (kernels in TF's layout, (W, I, O) and (H, W, I, O)); channels_first inputs are
transposed to channels_last and the result back, which gives exactly the channels_last numbers."""
import pytensor as pt

from .. import activations, initializers, regularizers
from ._layer_utils import (check_data_format, check_input_shape, conv_output_length, known_channels,
                           normalize_padding, normalize_tuple, shape_to_channels_last, shape_to_data_format,
                           to_channels_last, to_data_format)
from .layer import Layer

__all__ = ["Conv1D", "Conv2D"]


class _Conv(Layer):
    """Shared body of Conv1D / Conv2D: weights, shape checks, bias and activation.

    Subclasses set ``rank`` and implement ``_convolve(inputs)``.
    """

    rank = None
    _paddings = ("valid", "same")
    _example = None
    _casts_integer_inputs = True

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 groups=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        cls = type(self).__name__
        if not isinstance(filters, int) or filters < 1:
            raise ValueError(f"{cls}: `filters` must be a positive int; received filters={filters!r}.")
        if groups != 1:
            raise ValueError(f"{cls}: grouped convolution is not supported; received groups={groups!r}. "
                             "Use groups=1.")
        self.filters = filters
        self.kernel_size = normalize_tuple(kernel_size, self.rank, "kernel_size", cls)
        self.strides = normalize_tuple(strides, self.rank, "strides", cls)
        self.dilation_rate = normalize_tuple(dilation_rate, self.rank, "dilation_rate", cls)
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(f"{cls}: strides > 1 together with dilation_rate > 1 is not supported (as in "
                             f"Keras); received strides={self.strides}, dilation_rate={self.dilation_rate}.")
        self.padding = normalize_padding(padding, cls, self._paddings)
        self.data_format = check_data_format(data_format, cls, channels_first=True)
        self.groups = groups
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = kernel_constraint
        self.bias_constraint = bias_constraint

    def build(self, input_shape):
        channels = self.input_channels = self._channels(input_shape)
        self.kernel = self.add_weight(name="kernel", shape=self.kernel_size + (channels, self.filters),
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, trainable=True)
        self.bias = (self.add_weight(name="bias", shape=(self.filters,), initializer=self.bias_initializer,
                                     regularizer=self.bias_regularizer, constraint=self.bias_constraint,
                                     trainable=True)
                     if self.use_bias else None)

    def _channels(self, input_shape):
        """The input's channel count (axis 1 for channels_first, else the last), checked known."""
        shape = check_input_shape(self, input_shape, self.rank + 2, self._example)
        return known_channels(self, shape_to_channels_last(shape, self.data_format), self.rank + 2, self._example)

    def call(self, inputs):
        channel_axis = 1 if self.data_format == "channels_first" else -1
        check_input_shape(self, inputs.shape, self.rank + 2, self._example,
                          axes={channel_axis: self.input_channels})
        outputs = self._convolve(to_channels_last(inputs, self.data_format))
        if self.use_bias:
            outputs = pt.nn.bias_add(outputs, self.bias)
        # As Keras: a traced step fuses bias + relu (and a following max pool, Conv2D) by graph pattern fusion.
        return to_data_format(self.activation(outputs), self.data_format)

    def compute_output_shape(self, input_shape):
        shape = self._output_shape(shape_to_channels_last(input_shape, self.data_format))
        return shape_to_data_format(shape, self.data_format)

    def _output_shape(self, shape):
        """The output shape for a channels_last input ``shape``, channels_last."""
        spatial = tuple(conv_output_length(n, k, self.padding, s, d) for n, k, s, d in
                        zip(shape[1:-1], self.kernel_size, self.strides, self.dilation_rate))
        return (shape[0],) + spatial + (self.filters,)

    def get_config(self):
        config = super().get_config()
        config.update({
            "filters": self.filters, "kernel_size": self.kernel_size, "strides": self.strides,
            "padding": self.padding, "data_format": self.data_format, "dilation_rate": self.dilation_rate,
            "groups": self.groups, "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": None, "bias_constraint": None,
        })
        return config


class Conv1D(_Conv):
    """1-D convolution over the time axis of ``(batch, steps, channels)`` inputs.

    ``outputs = activation(conv1d(inputs, kernel) + bias)``; the kernel has shape
    ``(kernel_size, input_channels, filters)``. ``padding`` is ``"valid"``, ``"same"`` or
    ``"causal"`` (left padding by ``(kernel_size - 1) * dilation_rate``, so output step t sees
    only inputs up to t).

    Example:
        >>> x = tf.random.normal((4, 10, 128))
        >>> keras.layers.Conv1D(32, 3, activation="relu")(x).shape
        TensorShape([4, 8, 32])
    """

    rank = 1
    _paddings = ("valid", "same", "causal")
    _example = "(batch, steps, channels)"

    def _convolve(self, inputs):
        padding = self.padding
        if padding == "causal":
            left = (self.kernel_size[0] - 1) * self.dilation_rate[0]
            inputs = pt.pad(inputs, [[0, 0], [left, 0], [0, 0]])
            padding = "valid"
        return pt.nn.conv1d(inputs, self.kernel, stride=self.strides[0], padding=padding.upper(),
                            dilations=self.dilation_rate[0])


class Conv2D(_Conv):
    """2-D convolution over ``(batch, height, width, channels)`` images.

    ``outputs = activation(conv2d(inputs, kernel) + bias)``; the kernel has shape
    ``(kernel_h, kernel_w, input_channels, filters)`` (TF's HWIO). Output size per spatial axis:
    ``"valid"``: ``(n - (k - 1) * dilation - 1) // stride + 1``; ``"same"``: ``ceil(n / stride)``.

    Example:
        >>> x = tf.random.normal((4, 28, 28, 1))
        >>> keras.layers.Conv2D(32, (3, 3), activation="relu")(x).shape
        TensorShape([4, 26, 26, 32])
    """

    rank = 2
    _example = "(batch, height, width, channels)"

    def _convolve(self, inputs):
        return pt.nn.conv2d(inputs, self.kernel, strides=self.strides, padding=self.padding.upper(),
                            dilations=self.dilation_rate)
