"""Keras MelSpectrogram layer."""
import numpy as np

import pytensor as pt

from ._spectral import stft, window_array
from .layer import Layer

__all__ = ["MelSpectrogram"]


class MelSpectrogram(Layer):
    """The mel spectrogram of audio signals ``(batch, samples)`` (or one ``(samples,)``), as Keras 3: a centred
    STFT (``fft_length``, ``sequence_stride``, ``sequence_length``, periodic ``window``), magnitudes to the power
    ``mag_exp``, the HTK mel filter bank of ``num_mel_bins`` bands over ``[min_freq, max_freq]`` and, with
    ``power_to_db``, decibels ``10 log10(max(x, min_power) / ref_power)`` floored at ``max - top_db`` (the maximum
    over the whole batch, as Keras). Output ``(batch, num_mel_bins, frames)``.

    Example:
        >>> keras.layers.MelSpectrogram(fft_length=256, sequence_stride=128, num_mel_bins=40)(tf.ones((2, 1024))).shape
        TensorShape([2, 40, 9])

    Raises:
        ValueError: for ``fft_length < sequence_length`` or an unknown window.
    """

    def __init__(self, fft_length=2048, sequence_stride=512, sequence_length=None, window="hann", sampling_rate=16000,
                 num_mel_bins=128, min_freq=20.0, max_freq=None, power_to_db=True, top_db=80.0, mag_exp=2.0,
                 min_power=1e-10, ref_power=1.0, **kwargs):
        super().__init__(**kwargs)
        self.fft_length = fft_length
        self.sequence_stride = sequence_stride
        self.sequence_length = sequence_length or fft_length
        if fft_length < self.sequence_length:
            raise ValueError(f"MelSpectrogram layer '{self.name}': `fft_length` must be greater than or equal to "
                             f"`sequence_length`. Received: `sequence_length`={self.sequence_length}, "
                             f"`fft_length`={fft_length}.")
        window_array(window, self.sequence_length, True, f"MelSpectrogram layer '{self.name}'")
        self.window = window
        self.sampling_rate = sampling_rate
        self.num_mel_bins = num_mel_bins
        self.min_freq = min_freq
        self.max_freq = max_freq or int(sampling_rate / 2)
        self.power_to_db = power_to_db
        self.top_db = top_db
        self.mag_exp = mag_exp
        self.min_power = min_power
        self.ref_power = ref_power
        self.built = True

    def call(self, inputs):
        dtype = self._dtype if self._dtype in ("float32", "float64") else "float32"
        x = pt.cast(inputs, dtype)
        real, imag = stft(x, self.sequence_length, self.sequence_stride, self.fft_length, self.window,
                          layer_name=f"MelSpectrogram layer '{self.name}'")
        spectrum = pt.pow(pt.sqrt(pt.square(real) + pt.square(imag)), float(self.mag_exp))
        matrix = pt.signal.linear_to_mel_weight_matrix(self.num_mel_bins, int(spectrum.shape[-1]),
                                                       self.sampling_rate, self.min_freq, self.max_freq, dtype=dtype)
        mel = pt.tensordot(spectrum, matrix, axes=1)
        if self.power_to_db:
            log_spec = 10.0 * pt.math.log(pt.maximum(mel, self.min_power)) / np.log(10.0)
            log_spec = log_spec - 10.0 * np.log10(max(abs(self.ref_power), self.min_power))
            mel = pt.maximum(log_spec, pt.reduce_max(log_spec) - self.top_db)
        rank = len(mel.shape)
        return pt.cast(pt.transpose(mel, list(range(rank - 2)) + [rank - 1, rank - 2]), self._dtype)

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        frames = None if shape[-1] is None else (shape[-1] + self.sequence_stride + 1) // self.sequence_stride
        return shape[:-1] + (self.num_mel_bins, frames)

    def get_config(self):
        config = super().get_config()
        config.update({"fft_length": self.fft_length, "sequence_stride": self.sequence_stride,
                       "sequence_length": self.sequence_length, "window": self.window,
                       "sampling_rate": self.sampling_rate, "num_mel_bins": self.num_mel_bins,
                       "min_freq": self.min_freq, "max_freq": self.max_freq, "power_to_db": self.power_to_db,
                       "top_db": self.top_db, "mag_exp": self.mag_exp, "min_power": self.min_power,
                       "ref_power": self.ref_power})
        return config
