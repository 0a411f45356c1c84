"""``tf.signal``: its real-valued part — framing and overlap-add, the window functions, the mel filterbank, the
DCT (types 2 and 3, as matrix products) and MFCCs. The Fourier transforms need complex tensors, which pytensor
does not have yet; they are not built.

Framing and overlap-add move values with gather / segment sums, and the DCT is a matmul, so tapes differentiate
all of them.
"""

import math as _pymath

import numpy as np

from . import _core
from ._tensor_api import Tensor, Variable
from .errors import InvalidArgumentError

__all__ = [
    "frame", "overlap_and_add", "hann_window", "hamming_window", "vorbis_window", "kaiser_window",
    "linear_to_mel_weight_matrix", "dct", "idct", "mfccs_from_log_mel_spectrograms",
]


def _tensor(x):
    if isinstance(x, (Tensor, Variable)):
        return x
    return _core.convert_to_tensor(x, dtype_hint=None if isinstance(x, (np.ndarray, np.generic)) else "float32")


def _move_last(x, axis):
    axis = int(axis) % x.ndim
    perm = [i for i in range(x.ndim) if i != axis] + [axis]
    return _core.transpose(x, perm), axis


def frame(signal, frame_length, frame_step, pad_end=False, pad_value=0, axis=-1, name=None):
    """Overlapping frames of `frame_length` samples every `frame_step` along `axis` (which becomes two axes:
    frames, samples); `pad_end` pads the end with `pad_value` so every sample lands in a frame."""
    x = _tensor(signal)
    if x.ndim == 0:
        raise InvalidArgumentError("frame: the signal must have at least one dimension")
    length, step = int(frame_length), int(frame_step)
    if length <= 0 or step <= 0:
        raise InvalidArgumentError(f"frame: frame_length ({length}) and frame_step ({step}) must be positive")
    moved, axis = _move_last(x, axis)
    n = moved._shape_tuple()[-1]
    if pad_end:
        frames = -(-n // step)
        needed = max(0, (frames - 1) * step + length - n)
        moved = _core.pad(moved, [[0, 0]] * (moved.ndim - 1) + [[0, needed]],
                          constant_values=pad_value)
    else:
        frames = max(0, 1 + (n - length) // step) if n >= length else 0
    index = (np.arange(frames)[:, None] * step + np.arange(length)[None, :]).astype(np.int64)
    framed = _core.gather(moved, _core.constant(index, "int64"), axis=moved.ndim - 1)
    # (..., frames, length) with the other axes before: put the two new axes where `axis` was
    order = list(range(moved.ndim - 1))
    perm = order[:axis] + [moved.ndim - 1, moved.ndim] + order[axis:]
    return _core.transpose(framed, perm)


def overlap_and_add(signal, frame_step, name=None):
    """The frames of `signal` (..., frames, frame_length) added back together `frame_step` apart:
    (..., (frames - 1) * frame_step + frame_length)."""
    x = _tensor(signal)
    if x.ndim < 2:
        raise InvalidArgumentError(f"overlap_and_add: the signal must have rank >= 2, got shape {x._shape_tuple()}")
    *outer, frames, length = x._shape_tuple()
    step = int(frame_step)
    if step <= 0:
        raise InvalidArgumentError(f"overlap_and_add: frame_step must be positive, got {step}")
    total = (frames - 1) * step + length if frames else 0
    positions = (np.arange(frames)[:, None] * step + np.arange(length)[None, :]).reshape(-1).astype(np.int64)
    rows = _core.transpose(_core.reshape(x, (-1, frames * length)), (1, 0))  # (frames * length, batch)
    summed = _core.unsorted_segment_sum(rows, _core.constant(positions, "int64"), total)
    return _core.reshape(_core.transpose(summed, (1, 0)), tuple(outer) + (total,))


def _window(window_length, periodic, dtype, fn):
    n = int(window_length)
    if n == 1:
        return _core.ones((1,), dtype)
    denominator = n if periodic else n - 1
    return _core.constant(fn(np.arange(n, dtype=np.float64), float(denominator)), dtype)


def hann_window(window_length, periodic=True, dtype="float32", name=None):
    """0.5 - 0.5 cos(2 pi n / N), N = window_length (periodic) or window_length - 1."""
    return _window(window_length, periodic, dtype, lambda n, d: 0.5 - 0.5 * np.cos(2.0 * np.pi * n / d))


def hamming_window(window_length, periodic=True, dtype="float32", name=None):
    """0.54 - 0.46 cos(2 pi n / N), N = window_length (periodic) or window_length - 1."""
    return _window(window_length, periodic, dtype, lambda n, d: 0.54 - 0.46 * np.cos(2.0 * np.pi * n / d))


def vorbis_window(window_length, dtype="float32", name=None):
    """sin(pi / 2 sin^2(pi (n + 0.5) / window_length))."""
    n = np.arange(int(window_length), dtype=np.float64)
    return _core.constant(np.sin(np.pi / 2 * np.sin(np.pi * (n + 0.5) / int(window_length)) ** 2), dtype)


def kaiser_window(window_length, beta=12.0, dtype="float32", name=None):
    """I0(beta sqrt(1 - (2n / (N - 1) - 1)^2)) / I0(beta), by the scaled Bessel function (no overflow)."""
    from ._math_ops import bessel_i0e

    n = int(window_length)
    if n == 1:
        return _core.ones((1,), dtype)
    ratio = 2.0 * np.arange(n, dtype=np.float64) / (n - 1) - 1.0
    argument = float(beta) * np.sqrt(np.maximum(1.0 - ratio * ratio, 0.0))
    scaled = bessel_i0e(_core.constant(argument, "float64")) / bessel_i0e(_core.constant(float(beta), "float64"))
    return _core.cast(scaled * _core.exp(_core.constant(argument - abs(float(beta)), "float64")), dtype)


def _hertz_to_mel(frequencies):
    return 1127.0 * np.log1p(frequencies / 700.0)


def linear_to_mel_weight_matrix(num_mel_bins=20, num_spectrogram_bins=129, sample_rate=8000, lower_edge_hertz=125.0,
                                upper_edge_hertz=3800.0, dtype="float32", name=None):
    """The (num_spectrogram_bins, num_mel_bins) matrix of triangular mel filters (HTK's mel scale, TF's layout:
    the DC bin gets no weight)."""
    lower, upper = float(lower_edge_hertz), float(upper_edge_hertz)
    nyquist = float(sample_rate) / 2.0
    if not 0.0 <= lower < upper <= nyquist:
        raise InvalidArgumentError(f"linear_to_mel_weight_matrix: need 0 <= lower_edge_hertz ({lower}) < "
                                   f"upper_edge_hertz ({upper}) <= sample_rate / 2 ({nyquist})")
    if int(num_mel_bins) <= 0 or int(num_spectrogram_bins) <= 1:
        raise InvalidArgumentError("linear_to_mel_weight_matrix: num_mel_bins must be positive and "
                                   "num_spectrogram_bins at least 2")
    linear = np.linspace(0.0, nyquist, int(num_spectrogram_bins))[1:]
    mel = _hertz_to_mel(linear)[:, None]
    edges = np.linspace(_hertz_to_mel(lower), _hertz_to_mel(upper), int(num_mel_bins) + 2)
    low, center, high = edges[:-2], edges[1:-1], edges[2:]
    rising = (mel - low) / (center - low)
    falling = (high - mel) / (high - center)
    weights = np.maximum(0.0, np.minimum(rising, falling))
    return _core.constant(np.pad(weights, [[1, 0], [0, 0]]), dtype)


def _dct_matrix(n, kind, norm, dtype):
    """(n, n) matrix M with dct(x) = x @ M along the last axis."""
    j = np.arange(n, dtype=np.float64)[:, None]  # input index
    k = np.arange(n, dtype=np.float64)[None, :]  # output index
    if kind == 2:
        matrix = 2.0 * np.cos(np.pi * k * (2.0 * j + 1.0) / (2.0 * n))
        if norm == "ortho":
            matrix = matrix * np.where(k == 0, np.sqrt(1.0 / (4.0 * n)), np.sqrt(1.0 / (2.0 * n)))
    else:  # type 3, the inverse of type 2 up to 2n
        matrix = 2.0 * np.cos(np.pi * j * (2.0 * k + 1.0) / (2.0 * n))
        matrix[0, :] = 1.0
        if norm == "ortho":
            matrix = matrix * np.where(j == 0, np.sqrt(1.0 / n), np.sqrt(2.0 / n)) / np.where(j == 0, 1.0, 2.0)
    return _core.constant(matrix, dtype)


def dct(input, type=2, n=None, axis=-1, norm=None, name=None):  # noqa: A002 - TF's names
    """The discrete cosine transform of types 2 and 3 along the last axis (norm None or 'ortho')."""
    x = _tensor(input)
    if not x.dtype.is_floating:
        raise TypeError(f"dct: got dtype {x.dtype.name}, expected float32 or float64")
    if type not in (2, 3):
        raise InvalidArgumentError(f"dct: only types 2 and 3 are supported, got type {type}")
    if axis not in (-1, x.ndim - 1):
        raise InvalidArgumentError(f"dct: only the last axis is supported, got axis {axis}")
    if norm not in (None, "ortho"):
        raise ValueError(f"dct: norm must be None or 'ortho', got {norm!r}")
    length = x._shape_tuple()[-1]
    if n is not None:
        n = int(n)
        x = x[..., :n] if n <= length else _core.pad(x, [[0, 0]] * (x.ndim - 1) + [[0, n - length]])
        length = n
    return _core.matmul(x, _dct_matrix(length, type, norm, x.dtype)) if x.ndim > 1 else \
        _core.reshape(_core.matmul(_core.reshape(x, (1, -1)), _dct_matrix(length, type, norm, x.dtype)), (-1,))


def idct(input, type=2, n=None, axis=-1, norm=None, name=None):  # noqa: A002 - TF's names
    """The inverse of dct up to normalisation, as TF: type 2's is the type-3 dct and type 3's the type-2 dct
    (an exact inverse with norm='ortho'; otherwise divide by 2N)."""
    if type not in (2, 3):
        raise InvalidArgumentError(f"idct: only types 2 and 3 are supported, got type {type}")
    return dct(input, type=5 - type, n=n, axis=axis, norm=norm)


def mfccs_from_log_mel_spectrograms(log_mel_spectrograms, name=None):
    """Mel-frequency cepstral coefficients: the type-2 DCT of the log-mel spectrogram, scaled by
    1 / sqrt(2 * num_mel_bins)."""
    x = _tensor(log_mel_spectrograms)
    bins = x._shape_tuple()[-1]
    if bins <= 0:
        raise InvalidArgumentError("mfccs_from_log_mel_spectrograms: num_mel_bins must be positive")
    return dct(x, type=2) * (1.0 / _pymath.sqrt(2.0 * bins))


from ._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook(__name__)  # a TF name pytensor lacks says so (see _missing.py)
