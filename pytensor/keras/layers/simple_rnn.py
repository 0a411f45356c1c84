"""Keras SimpleRNN layer and its step, shared with SimpleRNNCell."""
import pytensor as pt

from ._rnn_base import RNNBase

__all__ = ["SimpleRNN", "SimpleRNNStep"]


class SimpleRNNStep:
    """The SimpleRNN step, mixed into SimpleRNN and SimpleRNNCell."""

    def _step(self, projected, states, prepared, recurrent_mask):
        previous = states[0] if recurrent_mask is None else states[0] * recurrent_mask
        h = self.activation(projected + pt.matmul(previous, self.recurrent_kernel))
        return h, [h]

    def _fused_sequence(self, inputs, states, mask, go_backwards):
        sequence, h = pt._core.simple_rnn(inputs, states[0], self.kernel, self.recurrent_kernel,
                                          self._fused_bias(inputs), mask=mask, go_backwards=go_backwards,
                                          **self._fused_activations())
        return sequence, [h]


class SimpleRNN(SimpleRNNStep, RNNBase):
    """Fully-connected recurrent layer: ``h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias)``.

    The output at step t is ``h_t``. Weights: ``kernel`` (features, units), ``recurrent_kernel``
    (units, units), ``bias`` (units,). Returns the last output, the whole sequence with
    ``return_sequences=True`` and ``[output, h]`` with ``return_state=True``.

    Example:
        >>> rnn = keras.layers.SimpleRNN(4, return_sequences=True)
        >>> rnn(tf.random.normal((2, 10, 8))).shape
        TensorShape([2, 10, 4])
    """
