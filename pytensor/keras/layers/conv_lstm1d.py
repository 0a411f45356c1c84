"""Keras ConvLSTM1D layer."""
from ._conv_lstm import ConvLSTM

__all__ = ["ConvLSTM1D"]


class ConvLSTM1D(ConvLSTM):
    """Convolutional LSTM over ``(batch, time, steps, channels)`` sequences of 1-D signals: the gates are
    convolutions of the frame and of the previous hidden state (see ``ConvLSTM``). Returns the last hidden state
    ``(batch, steps', filters)``, or every step's with ``return_sequences=True``.

    Example:
        >>> keras.layers.ConvLSTM1D(8, 3, padding="same")(tf.ones((2, 5, 16, 1))).shape
        TensorShape([2, 16, 8])
    """

    rank = 1
    _example = "(batch, time, steps, channels)"
