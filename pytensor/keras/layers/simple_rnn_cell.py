"""Keras SimpleRNNCell: one step of SimpleRNN."""
from ._rnn_base import RNNCellBase
from .simple_rnn import SimpleRNNStep

__all__ = ["SimpleRNNCell"]


class SimpleRNNCell(SimpleRNNStep, RNNCellBase):
    """One SimpleRNN step: ``h = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias)``; the output is
    ``h``. Weights as SimpleRNN's: ``kernel`` (features, units), ``recurrent_kernel`` (units, units), ``bias``
    (units,). ``state_size`` is ``units``.

    Example:
        >>> rnn = keras.layers.RNN(keras.layers.SimpleRNNCell(4))
        >>> rnn(tf.random.normal((2, 10, 8))).shape
        TensorShape([2, 4])

    Args:
        units, activation, use_bias, kernel_initializer, recurrent_initializer, bias_initializer,
        kernel_regularizer, recurrent_regularizer, bias_regularizer, kernel_constraint, recurrent_constraint,
        bias_constraint, dropout, recurrent_dropout, seed: as for SimpleRNN.
    """

    def __init__(self, units, activation="tanh", use_bias=True, **kwargs):
        super().__init__(units, activation=activation, use_bias=use_bias, **kwargs)
