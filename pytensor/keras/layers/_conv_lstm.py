"""Shared body of ConvLSTM1D, ConvLSTM2D and ConvLSTM3D: an LSTM (``LSTMStep``'s gates) whose input and recurrent
projections are convolutions, run over the time axis by ``_rnn_base.time_loop``; channels_first inputs and states
are transposed to channels_last and back (exact)."""
import pytensor as pt

from .. import activations, initializers, regularizers
from ._layer_utils import (check_data_format, check_input_shape, conv_output_length, known_channels,
                           normalize_padding, normalize_tuple, shape_to_data_format, to_channels_last,
                           to_data_format)
from ._rnn_base import _dropout_mask, check_sequence_mask, time_loop
from .layer import Layer
from .lstm import LSTMStep

__all__ = ["ConvLSTM"]


class ConvLSTM(LSTMStep, Layer):
    """Convolutional LSTM over ``(batch, time) + spatial + (channels,)`` inputs, Keras's formulation::

        z = conv(x_t, kernel, strides, padding, dilation_rate) + bias + conv(h_{t-1}, recurrent_kernel, "same")
        i, f, g, o = split(z, 4, axis=-1)          # gate blocks of `filters` channels
        c_t = recurrent_activation(f) * c_{t-1} + recurrent_activation(i) * activation(g)
        h_t = recurrent_activation(o) * activation(c_t)

    Weights: ``kernel`` ``kernel_size + (channels, 4 * filters)``, ``recurrent_kernel``
    ``kernel_size + (filters, 4 * filters)``, ``bias`` ``(4 * filters,)``. States ``[h, c]``, each
    ``(batch,) + output spatial + (filters,)``. Dropout draws one mask per sequence for the inputs and one for the
    recurrent state (Keras draws one per gate). Subclasses set ``rank`` and ``_example``.
    """

    rank = None
    _example = None
    _casts_integer_inputs = True

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, zero_output_for_mask=False, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        cls = type(self).__name__
        if not isinstance(filters, int) or isinstance(filters, bool) or filters < 1:
            raise ValueError(f"{cls}: `filters` must be a positive int; received filters={filters!r}.")
        for arg, rate in (("dropout", dropout), ("recurrent_dropout", recurrent_dropout)):
            if not 0.0 <= rate < 1.0:
                raise ValueError(f"{cls}: `{arg}` must be in [0, 1); received {arg}={rate!r}.")
        if stateful:
            raise ValueError(f"{cls}: stateful=True is not supported. Carry the state yourself: call the layer with "
                             "return_state=True and pass the states back with initial_state=.")
        self.filters = self.units = filters  # LSTMStep's gate blocks are `units` wide
        self.kernel_size = normalize_tuple(kernel_size, self.rank, "kernel_size", cls)
        self.strides = normalize_tuple(strides, self.rank, "strides", cls)
        self.padding = normalize_padding(padding, cls)
        self.data_format = check_data_format(data_format, cls, channels_first=True)
        self.dilation_rate = normalize_tuple(dilation_rate, self.rank, "dilation_rate", cls)
        self.activation = activations.get(activation)
        self._set_lstm_args(recurrent_activation, unit_forget_bias)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = kernel_constraint
        self.recurrent_constraint = recurrent_constraint
        self.bias_constraint = bias_constraint
        self.dropout = float(dropout)
        self.recurrent_dropout = float(recurrent_dropout)
        self.seed = seed
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.stateful = stateful
        self.unroll = unroll
        self.zero_output_for_mask = zero_output_for_mask
        self.supports_masking = True

    def _frames_to_last(self, shape):
        """A (batch, time, ...) shape tuple with the channel axis moved to the end when channels_first."""
        shape = tuple(shape)
        return shape[:2] + shape[3:] + shape[2:3] if self.data_format == "channels_first" else shape

    def _frames_to_format(self, shape):
        shape = tuple(shape)
        return shape[:2] + shape[-1:] + shape[2:-1] if self.data_format == "channels_first" else shape

    def build(self, input_shape):
        shape = self._frames_to_last(check_input_shape(self, input_shape, self.rank + 3, self._example))
        self.input_channels = known_channels(self, shape, self.rank + 3, self._example)
        width = 4 * self.filters
        self.kernel = self.add_weight(name="kernel", shape=self.kernel_size + (self.input_channels, width),
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(name="recurrent_kernel", shape=self.kernel_size + (self.filters, width),
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        self.bias = (self.add_weight(name="bias", shape=(width,), initializer=self._bias_initializer(),
                                     regularizer=self.bias_regularizer, constraint=self.bias_constraint)
                     if self.use_bias else None)

    def _recurrent_projection(self, state):
        return pt.nn.convolution(state, self.recurrent_kernel, strides=1, padding="SAME")

    def _state_shape(self, shape):
        return [conv_output_length(n, k, self.padding, s, d) for n, k, s, d in
                zip(shape[2:-1], self.kernel_size, self.strides, self.dilation_rate)] + [self.filters]

    def call(self, inputs, mask=None, training=None, initial_state=None):
        if self.data_format != "channels_first":
            return self._call_channels_last(inputs, mask, training, initial_state)
        # channels_first: transposed to channels_last and back (exact); the states are channels_first too
        check_input_shape(self, inputs.shape, self.rank + 3, self._example, axes={2: self.input_channels})
        rank = self.rank + 3
        inputs = pt.transpose(inputs, [0, 1] + list(range(3, rank)) + [2])
        if initial_state is not None:
            states = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
            initial_state = [to_channels_last(pt.convert_to_tensor(s), "channels_first") for s in states]
        outputs = self._call_channels_last(inputs, mask, training, initial_state)
        outputs = outputs if self.return_state else [outputs]
        first = outputs[0]
        first = (pt.transpose(first, [0, 1, rank - 1] + list(range(2, rank - 1))) if self.return_sequences
                 else to_data_format(first, "channels_first"))
        states = [to_data_format(state, "channels_first") for state in outputs[1:]]
        return [first] + states if self.return_state else first

    def _call_channels_last(self, inputs, mask, training, initial_state):
        shape = check_input_shape(self, inputs.shape, self.rank + 3, self._example, axes={-1: self.input_channels})
        check_sequence_mask(self, mask, shape)
        batch, steps = shape[0], shape[1]
        if training and self.dropout > 0.0:
            inputs = inputs * _dropout_mask([batch, 1] + list(shape[2:]), self.dropout, inputs.dtype)
        # every frame's input convolution in one call, on (batch * time) + spatial + (channels,)
        projected = pt.nn.convolution(pt.reshape(inputs, [-1] + list(shape[2:])), self.kernel,
                                      strides=list(self.strides), padding=self.padding.upper(),
                                      dilations=list(self.dilation_rate))
        if self.use_bias:
            projected = projected + self.bias
        state_shape = self._state_shape(shape)
        projected = pt.unstack(pt.reshape(projected, [-1, steps] + state_shape[:-1] + [4 * self.filters]), axis=1)
        states = self._initial_states(initial_state, batch, state_shape, inputs.dtype)
        recurrent_mask = (_dropout_mask([batch] + state_shape, self.recurrent_dropout, inputs.dtype)
                          if training and self.recurrent_dropout > 0.0 else None)

        def step(t, step_states):
            return self._step(projected[t], step_states, None, recurrent_mask)
        last, sequence, states = time_loop(step, steps, states, mask, self.go_backwards, self.return_sequences,
                                           self.zero_output_for_mask)
        result = sequence if self.return_sequences else last
        return [result] + list(states) if self.return_state else result

    def _initial_states(self, initial_state, batch, state_shape, dtype):
        expected = tuple([batch] + state_shape)
        if initial_state is None:
            return [pt.zeros(list(expected), dtype=dtype) for _ in range(2)]
        states = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
        if len(states) != 2 or any(tuple(s.shape) != expected for s in states):
            raise ValueError(f"{type(self).__name__} layer '{self.name}': initial_state must be [h, c], two tensors "
                             f"of shape {expected} (batch, output spatial, filters); received "
                             f"{[tuple(s.shape) for s in states]}.")
        return [pt.convert_to_tensor(s) for s in states]

    def compute_mask(self, inputs, mask=None):
        output_mask = mask if self.return_sequences else None
        return [output_mask, None, None] if self.return_state else output_mask

    def compute_output_shape(self, input_shape):
        shape = self._frames_to_last(check_input_shape(self, input_shape, self.rank + 3, self._example))
        state = shape_to_data_format((shape[0],) + tuple(self._state_shape(shape)), self.data_format)
        output = self._frames_to_format(shape[:2] + tuple(self._state_shape(shape))) if self.return_sequences \
            else state
        return [output, state, state] if self.return_state else output

    def get_config(self):
        config = super().get_config()
        config.update({
            "filters": self.filters, "kernel_size": self.kernel_size, "strides": self.strides,
            "padding": self.padding, "data_format": self.data_format, "dilation_rate": self.dilation_rate,
            "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": None, "recurrent_constraint": None, "bias_constraint": None,
            "dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout, "seed": self.seed,
            "return_sequences": self.return_sequences, "return_state": self.return_state,
            "go_backwards": self.go_backwards, "stateful": self.stateful, "unroll": self.unroll,
            "zero_output_for_mask": self.zero_output_for_mask,
        })
        return config
