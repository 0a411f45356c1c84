"""Shared body of DepthwiseConv1D/2D and SeparableConv1D/2D: Keras's arguments, the depthwise kernel
``kernel_size + (input_channels, depth_multiplier)``, bias, activation and output shapes; channels_first inputs
are transposed to channels_last and back (exact)."""
import pytensor as pt

from .. import activations, initializers, regularizers
from ...nn._conv import depthwise_conv_nd
from ._layer_utils import (check_data_format, check_input_shape, conv_output_length, known_channels,
                           normalize_padding, normalize_tuple, shape_to_channels_last, shape_to_data_format,
                           to_channels_last, to_data_format)
from .layer import Layer

__all__ = ["DepthwiseConv"]


class DepthwiseConv(Layer):
    """Depthwise convolution: each input channel is convolved with its own ``depth_multiplier`` filters, giving
    ``input_channels * depth_multiplier`` output channels (channel ``c * depth_multiplier + m``, TF's order).

    Subclasses set ``rank``, ``_example`` and ``_kernel_name`` (Keras names the kernel ``"kernel"`` in
    DepthwiseConv and ``"depthwise_kernel"`` in SeparableConv); SeparableConv overrides ``_build_pointwise``,
    ``_output_channels`` and ``_mix_channels``.
    """

    rank = None
    _example = None
    _kernel_name = "kernel"
    _casts_integer_inputs = True

    def __init__(self, kernel_size, strides=1, padding="valid", depth_multiplier=1, data_format=None,
                 dilation_rate=1, activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        cls = type(self).__name__
        if not isinstance(depth_multiplier, int) or isinstance(depth_multiplier, bool) or depth_multiplier < 1:
            raise ValueError(f"{cls}: `depth_multiplier` must be a positive int; received "
                             f"depth_multiplier={depth_multiplier!r}.")
        self.depth_multiplier = depth_multiplier
        self.kernel_size = normalize_tuple(kernel_size, self.rank, "kernel_size", cls)
        self.strides = normalize_tuple(strides, self.rank, "strides", cls)
        self.padding = normalize_padding(padding, cls)
        self.data_format = check_data_format(data_format, cls, channels_first=True)
        self.dilation_rate = normalize_tuple(dilation_rate, self.rank, "dilation_rate", cls)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.depthwise_constraint = depthwise_constraint
        self.bias_constraint = bias_constraint

    def build(self, input_shape):
        shape = check_input_shape(self, input_shape, self.rank + 2, self._example)
        channels = self.input_channels = known_channels(self, shape_to_channels_last(shape, self.data_format),
                                                        self.rank + 2, self._example)
        self.depthwise_kernel = self.add_weight(
            name=self._kernel_name, shape=self.kernel_size + (channels, self.depth_multiplier),
            initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint)
        self._build_pointwise(channels * self.depth_multiplier)
        self.bias = (self.add_weight(name="bias", shape=(self._output_channels(channels),),
                                     initializer=self.bias_initializer, regularizer=self.bias_regularizer,
                                     constraint=self.bias_constraint)
                     if self.use_bias else None)

    def _build_pointwise(self, depthwise_channels):
        """Creates the weights that follow the depthwise kernel (none here)."""

    def _output_channels(self, input_channels):
        return input_channels * self.depth_multiplier

    def _mix_channels(self, outputs):
        """Maps the depthwise result to the layer's output channels (identity here)."""
        return outputs

    def call(self, inputs):
        channel_axis = 1 if self.data_format == "channels_first" else -1
        check_input_shape(self, inputs.shape, self.rank + 2, self._example, axes={channel_axis: self.input_channels})
        outputs = depthwise_conv_nd(to_channels_last(inputs, self.data_format), self.depthwise_kernel, self.strides,
                                    self.padding.upper(), self.dilation_rate, type(self).__name__)
        outputs = self._mix_channels(outputs)
        if self.use_bias:
            outputs = outputs + self.bias
        return to_data_format(self.activation(outputs), self.data_format)

    def compute_output_shape(self, input_shape):
        shape = shape_to_channels_last(check_input_shape(self, input_shape, self.rank + 2, self._example),
                                       self.data_format)
        spatial = tuple(conv_output_length(n, k, self.padding, s, d) for n, k, s, d in
                        zip(shape[1:-1], self.kernel_size, self.strides, self.dilation_rate))
        channels = None if shape[-1] is None else self._output_channels(shape[-1])
        return shape_to_data_format((shape[0],) + spatial + (channels,), self.data_format)

    def get_config(self):
        config = super().get_config()
        config.update({
            "depth_multiplier": self.depth_multiplier, "kernel_size": self.kernel_size, "strides": self.strides,
            "padding": self.padding, "data_format": self.data_format, "dilation_rate": self.dilation_rate,
            "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
            "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "depthwise_regularizer": regularizers.serialize(self.depthwise_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "depthwise_constraint": None, "bias_constraint": None,
        })
        return config


class SeparableConv(DepthwiseConv):
    """Depthwise convolution followed by a pointwise (kernel size 1) convolution to ``filters`` channels; the
    pointwise kernel is ``(1,) * rank + (input_channels * depth_multiplier, filters)``."""

    _kernel_name = "depthwise_kernel"

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 depth_multiplier=1, activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 pointwise_initializer="glorot_uniform", bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(kernel_size, strides=strides, padding=padding, depth_multiplier=depth_multiplier,
                         data_format=data_format, dilation_rate=dilation_rate, activation=activation,
                         use_bias=use_bias, depthwise_initializer=depthwise_initializer,
                         bias_initializer=bias_initializer, depthwise_regularizer=depthwise_regularizer,
                         bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
                         depthwise_constraint=depthwise_constraint, bias_constraint=bias_constraint, **kwargs)
        if not isinstance(filters, int) or isinstance(filters, bool) or filters < 1:
            raise ValueError(f"{type(self).__name__}: `filters` must be a positive int; received filters={filters!r}.")
        self.filters = filters
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.pointwise_constraint = pointwise_constraint

    def _build_pointwise(self, depthwise_channels):
        self.pointwise_kernel = self.add_weight(
            name="pointwise_kernel", shape=(1,) * self.rank + (depthwise_channels, self.filters),
            initializer=self.pointwise_initializer, regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint)

    def _output_channels(self, input_channels):
        return self.filters

    def _mix_channels(self, outputs):
        return pt.nn.convolution(outputs, self.pointwise_kernel)

    def get_config(self):
        config = super().get_config()
        config.update({
            "filters": self.filters,
            "pointwise_initializer": initializers.serialize(self.pointwise_initializer),
            "pointwise_regularizer": regularizers.serialize(self.pointwise_regularizer),
            "pointwise_constraint": None,
        })
        return config
