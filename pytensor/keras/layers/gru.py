"""Keras GRU layer (Keras's gate order z, r, h and weight layout) and its step, shared with GRUCell."""
import pytensor as pt

from .. import activations
from ._rnn_base import RNNBase

__all__ = ["GRU", "GRUStep"]


class GRUStep:
    """The GRU step and bias layout (``reset_after`` or not), mixed into GRU and GRUCell."""

    gates = 3

    def _set_gru_args(self, recurrent_activation, reset_after):
        self.recurrent_activation = activations.get(recurrent_activation)
        self.reset_after = reset_after

    def _bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def _input_bias(self):
        if self.bias is None or not self.reset_after:
            return self.bias
        return self.bias[0]

    def _prepare(self):
        if self.reset_after:
            return self.bias[1] if self.bias is not None else None
        return pt.split(self.recurrent_kernel, [2 * self.units, self.units], axis=1)

    def _step(self, projected, states, prepared, recurrent_mask):
        h_prev = states[0]
        fed = h_prev if recurrent_mask is None else h_prev * recurrent_mask
        x_zr, x_h = pt.split(projected, [2 * self.units, self.units], axis=1)
        if self.reset_after:
            inner = pt.matmul(fed, self.recurrent_kernel)
            if prepared is not None:
                inner = inner + prepared
            r_zr, r_h = pt.split(inner, [2 * self.units, self.units], axis=1)
            z, r = pt.split(self.recurrent_activation(x_zr + r_zr), 2, axis=1)
            candidate = self.activation(x_h + r * r_h)
        else:
            kernel_zr, kernel_h = prepared
            z, r = pt.split(self.recurrent_activation(x_zr + pt.matmul(fed, kernel_zr)), 2, axis=1)
            candidate = self.activation(x_h + pt.matmul(r * fed, kernel_h))
        # z * h_prev + (1 - z) * candidate, with one multiply.
        h = candidate + z * (h_prev - candidate)
        return h, [h]

    def _fused_sequence(self, inputs, states, mask, go_backwards):
        sequence, h = pt._core.gru(inputs, states[0], self.kernel, self.recurrent_kernel, self._fused_bias(inputs),
                                   reset_after=self.reset_after, mask=mask, go_backwards=go_backwards,
                                   **self._fused_activations())
        return sequence, [h]

    def get_config(self):
        config = super().get_config()
        config.update({"recurrent_activation": activations.serialize(self.recurrent_activation),
                       "reset_after": self.reset_after})
        return config


class GRU(GRUStep, RNNBase):
    """Gated recurrent unit, in Keras's formulation (gate blocks ordered z, r, h in every weight).

    With ``reset_after=True`` (the default, cuDNN-compatible)::

        x_z, x_r, x_h = split(x_t @ kernel + input_bias)
        r_z, r_r, r_h = split(h_{t-1} @ recurrent_kernel + recurrent_bias)
        z = recurrent_activation(x_z + r_z);  r = recurrent_activation(x_r + r_r)
        hh = activation(x_h + r * r_h);       h_t = z * h_{t-1} + (1 - z) * hh

    where ``bias`` has shape (2, 3 * units): row 0 is ``input_bias``, row 1 ``recurrent_bias``. With
    ``reset_after=False`` the reset gate applies before the matmul, ``hh = activation(x_h + (r * h_{t-1})
    @ recurrent_kernel_h)``, and ``bias`` is a single (3 * units,) vector added to the input projection.

    Example:
        >>> gru = keras.layers.GRU(4, return_state=True)
        >>> output, h = gru(tf.random.normal((2, 10, 8)))
        >>> output.shape, [w.shape for w in gru.weights]
        (TensorShape([2, 4]), [TensorShape([8, 12]), TensorShape([4, 12]), TensorShape([2, 12])])
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, reset_after=True, **kwargs):
        super().__init__(units, activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
                         recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
                         bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
                         kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
                         bias_constraint=bias_constraint, dropout=dropout, recurrent_dropout=recurrent_dropout,
                         return_sequences=return_sequences, return_state=return_state, go_backwards=go_backwards,
                         stateful=stateful, unroll=unroll, seed=seed, **kwargs)
        self._set_gru_args(recurrent_activation, reset_after)
