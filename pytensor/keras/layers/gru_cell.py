"""Keras GRUCell: one step of GRU."""
from ._rnn_base import RNNCellBase
from .gru import GRUStep

__all__ = ["GRUCell"]


class GRUCell(GRUStep, RNNCellBase):
    """One GRU step (Keras's gate order z, r, h; ``reset_after=True`` by default, bias (2, 3 * units), as GRU's);
    the output and the single state are ``h``. ``state_size`` is ``units``.

    Example:
        >>> rnn = keras.layers.RNN(keras.layers.GRUCell(4), return_sequences=True)
        >>> rnn(tf.random.normal((2, 10, 8))).shape
        TensorShape([2, 10, 4])

    Args:
        units, activation, recurrent_activation, use_bias, the initializers, regularizers and constraints,
        dropout, recurrent_dropout, reset_after, seed: as for GRU.
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True, reset_after=True,
                 **kwargs):
        super().__init__(units, activation=activation, use_bias=use_bias, **kwargs)
        self._set_gru_args(recurrent_activation, reset_after)
