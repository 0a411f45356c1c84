"""Short-time Fourier transforms for the audio layers: MelSpectrogram's (and keras.ops.stft's) by the rfft op of
windowed frames; STFTSpectrogram's kernels are the cosine and sine tables (its weights, as in Keras)."""
import numpy as np

import pytensor as pt

__all__ = ["window_array", "dft_tables", "stft"]


def window_array(window, length, periodic, layer_name):
    """A window of ``length`` samples: ``"hann"`` / ``"hamming"`` (periodic as ``scipy.signal.get_window``'s
    ``fftbins``), ``None`` (none), or the given array.

    Raises:
        ValueError: naming the layer for another window name or an array of another length.
    """
    if window is None:
        return None
    if isinstance(window, str):
        weights = {"hann": (0.5, 0.5), "hamming": (0.54, 0.46)}.get(window)
        if weights is None:
            raise ValueError(f"{layer_name}: `window` must be 'hann', 'hamming', None or an array of the frame "
                             f"length; received window={window!r}.")
        period = length if periodic else max(length - 1, 1)
        return weights[0] - weights[1] * np.cos(2.0 * np.pi * np.arange(length) / period)
    values = np.asarray(window, np.float64)
    if values.shape != (length,):
        raise ValueError(f"{layer_name}: the window must have shape ({length},) (the frame length); received "
                         f"shape {values.shape}.")
    return values


def dft_tables(frame_length, fft_length):
    """``(cos, -sin)`` tables ``(frame_length, fft_length // 2 + 1)``: a frame's real DFT bins (the frame zero-padded
    to ``fft_length``) are ``frame @ cos`` and ``frame @ -sin``."""
    angle = 2.0 * np.pi * np.outer(np.arange(frame_length), np.arange(fft_length // 2 + 1)) / fft_length
    return np.cos(angle), -np.sin(angle)


def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True, layer_name="stft"):
    """Keras's ``ops.stft`` (TensorFlow's frames): ``(real, imag)`` of shape ``(..., frames, fft_length // 2 + 1)``
    of the last axis of ``x``; ``center`` pads ``fft_length // 2`` samples each side by reflection, the window
    (periodic) is centred in the ``fft_length`` frame."""
    if center:
        pads = [[0, 0]] * (len(x.shape) - 1) + [[fft_length // 2, fft_length // 2]]
        x = pt.pad(x, pads, mode="REFLECT")
    frames = pt.signal.frame(x, fft_length, sequence_stride)
    # Keras's TF backend takes tf.signal's windows: periodic only for even lengths
    win = window_array(window, sequence_length, sequence_length % 2 == 0, layer_name)
    if win is not None:
        left = (fft_length - sequence_length) // 2
        frames = frames * pt.constant(np.pad(win, (left, fft_length - sequence_length - left)), x.dtype)
    spectrum = pt.signal.rfft(frames, [fft_length])
    return pt.math.real(spectrum), pt.math.imag(spectrum)
