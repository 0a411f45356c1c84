"""Keras LSTMCell: one step of LSTM."""
from ._rnn_base import RNNCellBase
from .lstm import LSTMStep

__all__ = ["LSTMCell"]


class LSTMCell(LSTMStep, RNNCellBase):
    """One LSTM step (Keras's gate order i, f, c, o); ``states`` are ``[h, c]`` and the output is ``h``.
    Weights as LSTM's: ``kernel`` (features, 4 * units), ``recurrent_kernel`` (units, 4 * units), ``bias``
    (4 * units,), so a Keras LSTMCell's weights load unchanged. ``state_size`` is ``[units, units]``.

    Example:
        >>> cell = keras.layers.LSTMCell(4)
        >>> output, (h, c) = cell(tf.ones((2, 3)), [tf.zeros((2, 4)), tf.zeros((2, 4))])

    Args:
        units, activation, recurrent_activation, use_bias, unit_forget_bias, the initializers, regularizers and
        constraints, dropout, recurrent_dropout, seed: as for LSTM.
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 unit_forget_bias=True, **kwargs):
        super().__init__(units, activation=activation, use_bias=use_bias, **kwargs)
        self._set_lstm_args(recurrent_activation, unit_forget_bias)
