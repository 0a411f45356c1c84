"""Keras STFTSpectrogram layer."""
import math
import warnings

import numpy as np

import pytensor as pt

from ._layer_utils import check_data_format, conv_output_length
from ._spectral import dft_tables, window_array
from .input_spec import InputSpec
from .layer import Layer

__all__ = ["STFTSpectrogram"]

_MODES = ("log", "magnitude", "psd", "real", "imag", "angle", "stft")
_EPSILON = 1e-7  # keras.backend.epsilon()


class STFTSpectrogram(Layer):
    """The short-time Fourier transform of each channel of ``(batch, time, channels)`` signals, as Keras 3: a
    strided 1-D convolution with ``real_kernel`` / ``imag_kernel`` weights ``(frame_length, 1, fft_length // 2 +
    1)`` holding the windowed DFT (scaled by the window's L2 norm for ``scaling="density"``, its sum for
    ``"spectrum"``). ``mode``: ``"log"`` (log magnitude), ``"magnitude"``, ``"psd"``, ``"real"``, ``"imag"``,
    ``"angle"`` or ``"stft"`` (real and imaginary parts). Output ``(batch, frames, channels * bins)``, or
    ``(batch, frames, bins, channels)`` with ``expand_dims=True`` (channels_first: the channel axis second).

    Example:
        >>> keras.layers.STFTSpectrogram(frame_length=64, frame_step=32)(tf.ones((2, 256, 1))).shape
        TensorShape([2, 7, 33])

    Raises:
        ValueError: for an unknown mode, scaling, padding or window, or frame and FFT lengths that do not fit.
        TypeError: for integer inputs.
    """

    def __init__(self, mode="log", frame_length=256, frame_step=None, fft_length=None, window="hann", periodic=False,
                 scaling="density", padding="valid", expand_dims=False, data_format=None, **kwargs):
        super().__init__(**kwargs)
        kind = f"STFTSpectrogram layer '{self.name}'"
        if frame_step is not None and not 1 <= frame_step <= frame_length:
            raise ValueError(f"{kind}: `frame_step` should be a positive integer not greater than `frame_length`. "
                             f"Received frame_step={frame_step}, frame_length={frame_length}")
        if fft_length is not None and fft_length < frame_length:
            raise ValueError(f"{kind}: `fft_length` should be not less than `frame_length`. Received "
                             f"fft_length={fft_length}, frame_length={frame_length}")
        if fft_length is not None and (fft_length & -fft_length) != fft_length:
            warnings.warn(f"{kind}: `fft_length` is recommended to be a power of two. Received "
                          f"fft_length={fft_length}")
        if mode not in _MODES:
            raise ValueError(f"{kind}: output mode is invalid, it must be one of {', '.join(_MODES)}. Received: "
                             f"mode={mode}")
        if scaling not in (None, "density", "spectrum"):
            raise ValueError(f"{kind}: scaling is invalid, it must be `None`, 'density' or 'spectrum'. Received "
                             f"scaling={scaling}")
        if padding not in ("valid", "same"):
            raise ValueError(f"{kind}: padding is invalid, it should be 'valid', 'same'. Received: padding={padding}")
        window_array(window, frame_length, periodic, kind)  # checks the window now
        self.mode = mode
        self.frame_length = frame_length
        self.frame_step = frame_step
        self._frame_step = frame_step or frame_length // 2
        self.fft_length = fft_length
        self._fft_length = fft_length or 2 ** int(math.ceil(math.log2(frame_length)))
        self.window = window
        self.periodic = periodic
        self.scaling = scaling
        self.padding = padding
        self.expand_dims = expand_dims
        self.data_format = check_data_format(data_format, kind, channels_first=True)
        self.input_spec = InputSpec(ndim=3)

    def _kernel(self, side):
        cos, sin = dft_tables(self.frame_length, self._fft_length)
        kernel = cos if side == "real" else sin
        win = window_array(self.window, self.frame_length, self.periodic, type(self).__name__)
        if win is not None:
            scale = {"density": np.sqrt(np.sum(win ** 2)), "spectrum": np.sum(np.abs(win))}.get(self.scaling, 1.0)
            kernel = kernel * win[:, None] / scale
        return kernel[:, None, :].astype(pt.as_dtype(self._dtype).as_numpy_dtype)

    def build(self, input_shape):
        shape = (self.frame_length, 1, self._fft_length // 2 + 1)
        if self.mode != "imag":
            self.real_kernel = self.add_weight(name="real_kernel", shape=shape,
                                               initializer=lambda s, dtype=None: self._kernel("real"))
        if self.mode != "real":
            self.imag_kernel = self.add_weight(name="imag_kernel", shape=shape,
                                               initializer=lambda s, dtype=None: self._kernel("imag"))

    def _convolve(self, inputs, kernel):
        """(batch, channels, bins, frames) from (batch, time, channels) / (batch, channels, time)."""
        first = self.data_format == "channels_first"
        signals = inputs if first else pt.transpose(inputs, [0, 2, 1])
        channels, steps = int(signals.shape[1]), int(signals.shape[2])
        out = pt.nn.conv1d(pt.reshape(signals, [-1, steps, 1]), pt.cast(kernel, inputs.dtype),
                           stride=self._frame_step, padding=self.padding.upper())
        return pt.reshape(pt.transpose(out, [0, 2, 1]), [-1, channels, int(out.shape[2]), int(out.shape[1])])

    def _adjust_shape(self, outputs):
        _, channels, bins, frames = (int(d) for d in outputs.shape)
        if self.data_format == "channels_last":
            if self.expand_dims:
                return pt.transpose(outputs, [0, 3, 2, 1])
            return pt.transpose(pt.reshape(outputs, [-1, channels * bins, frames]), [0, 2, 1])
        if self.expand_dims:
            return pt.transpose(outputs, [0, 1, 3, 2])
        return pt.reshape(outputs, [-1, channels * bins, frames])

    def call(self, inputs):
        if not inputs.dtype.is_floating:
            raise TypeError(f"STFTSpectrogram layer '{self.name}': invalid input type. Expected `float16`, `float32` "
                            f"or `float64`. Received: input type={inputs.dtype.name}")
        real = self._convolve(inputs, self.real_kernel) if self.mode != "imag" else None
        imag = self._convolve(inputs, self.imag_kernel) if self.mode != "real" else None
        if self.mode == "real":
            return self._adjust_shape(real)
        if self.mode == "imag":
            return self._adjust_shape(imag)
        if self.mode == "angle":
            return self._adjust_shape(pt.math.atan2(imag, real))
        if self.mode == "stft":
            return self._adjust_shape(pt.concat([real, imag], axis=2))
        power = pt.square(real) + pt.square(imag)
        if self.mode == "psd":
            return self._adjust_shape(power + pt.pad(power[:, :, 1:-1, :], [[0, 0], [0, 0], [1, 1], [0, 0]]))
        magnitude = self._adjust_shape(pt.sqrt(pt.maximum(power, _EPSILON)))
        return magnitude if self.mode == "magnitude" else pt.math.log(pt.maximum(magnitude, _EPSILON))

    def compute_output_shape(self, input_shape):
        batch, a, b = tuple(input_shape)
        channels, steps = (a, b) if self.data_format == "channels_first" else (b, a)
        bins = (self._fft_length // 2 + 1) * (2 if self.mode == "stft" else 1)
        frames = conv_output_length(steps, self.frame_length, self.padding, self._frame_step)
        if self.expand_dims:
            return (batch, frames, bins, channels) if self.data_format == "channels_last" else \
                (batch, channels, frames, bins)
        width = None if channels is None else channels * bins
        return (batch, frames, width) if self.data_format == "channels_last" else (batch, width, frames)

    def get_config(self):
        config = super().get_config()
        config.update({"mode": self.mode, "frame_length": self.frame_length, "frame_step": self.frame_step,
                       "fft_length": self.fft_length, "window": self.window, "periodic": self.periodic,
                       "scaling": self.scaling, "padding": self.padding, "data_format": self.data_format,
                       "expand_dims": self.expand_dims})
        return config
