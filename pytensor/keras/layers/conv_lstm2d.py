"""Keras ConvLSTM2D layer."""
from ._conv_lstm import ConvLSTM

__all__ = ["ConvLSTM2D"]


class ConvLSTM2D(ConvLSTM):
    """Convolutional LSTM over ``(batch, time, rows, cols, channels)`` sequences of images: the gates are
    convolutions of the frame and of the previous hidden state (see ``ConvLSTM``). Returns the last hidden state
    ``(batch, rows', cols', filters)``, or every step's with ``return_sequences=True``.

    Example:
        >>> keras.layers.ConvLSTM2D(8, 3, padding="same", return_sequences=True)(tf.ones((2, 5, 16, 16, 1))).shape
        TensorShape([2, 5, 16, 16, 8])
    """

    rank = 2
    _example = "(batch, time, rows, cols, channels)"
