"""Keras ConvLSTM3D layer."""
from ._conv_lstm import ConvLSTM

__all__ = ["ConvLSTM3D"]


class ConvLSTM3D(ConvLSTM):
    """Convolutional LSTM over ``(batch, time, depth, rows, cols, channels)`` sequences of volumes: the gates are
    3-D convolutions of the frame and of the previous hidden state (see ``ConvLSTM``). Returns the last hidden
    state ``(batch, depth', rows', cols', filters)``, or every step's with ``return_sequences=True``.

    Example:
        >>> keras.layers.ConvLSTM3D(4, 3, padding="same")(tf.ones((2, 3, 4, 4, 4, 1))).shape
        TensorShape([2, 4, 4, 4, 4])
    """

    rank = 3
    _example = "(batch, time, depth, rows, cols, channels)"
