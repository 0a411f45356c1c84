"""Keras LSTM layer (Keras's gate order i, f, c, o and weight layout) and its step, shared with LSTMCell."""
import numpy as np

import pytensor as pt

from .. import activations
from ._rnn_base import RNNBase

__all__ = ["LSTM", "LSTMStep"]


class LSTMStep:
    """The LSTM step and bias layout, mixed into LSTM and LSTMCell (see ``RecurrentWeights``)."""

    gates = 4
    state_count = 2

    def _set_lstm_args(self, recurrent_activation, unit_forget_bias):
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = unit_forget_bias

    def _bias_initializer(self):
        if not self.unit_forget_bias:
            return self.bias_initializer
        units, base = self.units, self.bias_initializer

        def forget_bias_one(shape, dtype="float32"):
            numpy_dtype = pt.as_dtype(dtype).as_numpy_dtype
            blocks = [np.asarray(base((units,), dtype=dtype)), np.ones(units, numpy_dtype),
                      np.asarray(base((2 * units,), dtype=dtype))]
            return np.concatenate(blocks).astype(numpy_dtype)

        return forget_bias_one

    def _recurrent_projection(self, state):
        """``state`` times the recurrent kernel (ConvLSTM convolves instead)."""
        return pt.matmul(state, self.recurrent_kernel)

    def _step(self, projected, states, prepared, recurrent_mask):
        h_prev, c_prev = states
        fed = h_prev if recurrent_mask is None else h_prev * recurrent_mask
        z = projected + self._recurrent_projection(fed)
        # gate blocks along the last axis: (batch, 4 * units), or (batch, ..., 4 * filters) in ConvLSTM
        z_if, g, z_o = pt.split(z, [2 * self.units, self.units, self.units], axis=-1)
        i, f = pt.split(self.recurrent_activation(z_if), 2, axis=-1)
        c = f * c_prev + i * self.activation(g)
        h = self.recurrent_activation(z_o) * self.activation(c)
        return h, [h, c]

    def _fused_sequence(self, inputs, states, mask, go_backwards):
        sequence, h, c = pt._core.lstm(inputs, states[0], states[1], self.kernel, self.recurrent_kernel,
                                       self._fused_bias(inputs), mask=mask, go_backwards=go_backwards,
                                       **self._fused_activations())
        return sequence, [h, c]

    def get_config(self):
        config = super().get_config()
        config.update({"recurrent_activation": activations.serialize(self.recurrent_activation),
                       "unit_forget_bias": self.unit_forget_bias})
        return config


class LSTM(LSTMStep, RNNBase):
    """Long short-term memory layer, in Keras's formulation (gate blocks ordered i, f, c, o)::

        z = x_t @ kernel + h_{t-1} @ recurrent_kernel + bias
        i, f, g, o = split(z, 4)
        c_t = recurrent_activation(f) * c_{t-1} + recurrent_activation(i) * activation(g)
        h_t = recurrent_activation(o) * activation(c_t)

    Weights: ``kernel`` (features, 4 * units), ``recurrent_kernel`` (units, 4 * units), ``bias``
    (4 * units,), whose forget block starts at 1 with ``unit_forget_bias=True``. States ``[h, c]``;
    ``return_state=True`` returns ``[output, h, c]``.

    Example:
        >>> lstm = keras.layers.LSTM(4)
        >>> lstm(tf.random.normal((2, 10, 8))).shape
        TensorShape([2, 4])
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, **kwargs):
        super().__init__(units, activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
                         recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
                         bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
                         kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
                         bias_constraint=bias_constraint, dropout=dropout, recurrent_dropout=recurrent_dropout,
                         return_sequences=return_sequences, return_state=return_state, go_backwards=go_backwards,
                         stateful=stateful, unroll=unroll, seed=seed, **kwargs)
        self._set_lstm_args(recurrent_activation, unit_forget_bias)
