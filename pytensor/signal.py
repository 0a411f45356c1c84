"""``tf.signal``: the Fourier transforms (fft / ifft / rfft / irfft over the innermost 1, 2 or 3 dims and their
n-dimensional forms, by the registry's fft ops on pocketfft), fftshift, the short-time Fourier transform and its
inverse, the MDCT and its inverse, framing and overlap-add, the window functions, the mel filterbank, the DCT
(types 2, 3 and 4, as matrix products) and MFCCs.

Every function here is made of recorded ops, so tapes differentiate all of them (the fft ops' gradients are TF's).
"""

import math as _pymath

import numpy as np

from . import _core
from ._op_exports import exported_ops
from ._tensor_api import Tensor, Variable
from .errors import InvalidArgumentError

__all__ = [
    "fft", "ifft", "fft2d", "ifft2d", "fft3d", "ifft3d", "rfft", "irfft", "rfft2d", "irfft2d", "rfft3d", "irfft3d",
    "fftnd", "ifftnd", "rfftnd", "irfftnd", "fftshift", "ifftshift", "stft", "inverse_stft", "inverse_stft_window_fn",
    "mdct", "inverse_mdct", "kaiser_bessel_derived_window",
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
    # TF's raised-cosine windows: periodic only for even lengths (an odd length gives the symmetric window)
    denominator = n if periodic and n % 2 == 0 else n - 1
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
    n = int(window_length)
    if n == 1:
        return _core.ones((1,), dtype)
    ratio = 2.0 * np.arange(n, dtype=np.float64) / (n - 1) - 1.0
    argument = float(beta) * np.sqrt(np.maximum(1.0 - ratio * ratio, 0.0))
    scaled = _core.bessel_i0e(_core.constant(argument, "float64")) / _core.bessel_i0e(
        _core.constant(float(beta), "float64"))
    return _core.cast(scaled * _core.exp(_core.constant(argument - abs(float(beta)), "float64")), dtype)


def kaiser_bessel_derived_window(window_length, beta=12.0, dtype="float32", name=None):
    """The Kaiser-Bessel-derived window (for the MDCT): the square roots of the normalised running sums of a
    Kaiser window of window_length // 2 + 1, mirrored."""
    half = int(window_length) // 2
    kaiser = np.asarray(kaiser_window(half + 1, beta, dtype="float64"))
    running = np.cumsum(kaiser)
    rising = np.sqrt(running[:-1] / running[-1])
    return _core.constant(np.concatenate([rising, rising[::-1]]), dtype)


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
    elif kind == 4:  # its own inverse up to 2n
        matrix = 2.0 * np.cos(np.pi * (2.0 * j + 1.0) * (2.0 * k + 1.0) / (4.0 * n))
        if norm == "ortho":
            matrix = matrix * np.sqrt(0.5 / n)
    else:  # type 3, the inverse of type 2 up to 2n
        matrix = 2.0 * np.cos(np.pi * j * (2.0 * k + 1.0) / (2.0 * n))
        matrix[0, :] = 1.0
        if norm == "ortho":
            matrix = matrix * np.where(j == 0, np.sqrt(1.0 / n), np.sqrt(2.0 / n)) / np.where(j == 0, 1.0, 2.0)
    return _core.constant(matrix, dtype)


def dct(input, type=2, n=None, axis=-1, norm=None, name=None):  # noqa: A002 - TF's names
    """The discrete cosine transform of types 2, 3 and 4 along the last axis (norm None or 'ortho')."""
    x = _tensor(input)
    if not x.dtype.is_floating:
        raise TypeError(f"dct: got dtype {x.dtype.name}, expected float32 or float64")
    if type not in (2, 3, 4):
        raise InvalidArgumentError(f"dct: only types 2, 3 and 4 are supported, got type {type}")
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
    """The inverse of dct up to normalisation, as TF: type 2's is the type-3 dct, type 3's the type-2 dct and
    type 4's the type-4 dct (an exact inverse with norm='ortho'; otherwise divide by 2N)."""
    if type not in (2, 3, 4):
        raise InvalidArgumentError(f"idct: only types 2, 3 and 4 are supported, got type {type}")
    return dct(input, type={2: 3, 3: 2, 4: 4}[type], n=n, axis=axis, norm=norm)


def mfccs_from_log_mel_spectrograms(log_mel_spectrograms, name=None):
    """Mel-frequency cepstral coefficients: the type-2 DCT of the log-mel spectrogram, scaled by
    1 / sqrt(2 * num_mel_bins)."""
    x = _tensor(log_mel_spectrograms)
    bins = x._shape_tuple()[-1]
    if bins <= 0:
        raise InvalidArgumentError("mfccs_from_log_mel_spectrograms: num_mel_bins must be positive")
    return dct(x, type=2) * (1.0 / _pymath.sqrt(2.0 * bins))



# ---- Fourier transforms ------------------------------------------------------------------------------------------
# The registry's ops (csrc/ops/fft.cpp exports them to tf.signal), with TF's signatures: fft*(input),
# rfft*(input_tensor, fft_length=None).
globals().update(exported_ops("tf.signal"))
_COMPLEX_BY_RANK = {1: (fft, ifft), 2: (fft2d, ifft2d), 3: (fft3d, ifft3d)}
_REAL_BY_RANK = {1: (rfft, irfft), 2: (rfft2d, irfft2d), 3: (rfft3d, irfft3d)}


def _nd_plan(x, fft_length, axes, norm, op):
    """(axes as non-negative ints, fft_length per axis, norm) of an n-dimensional transform; TF's defaults: every
    axis, each axis's size."""
    axes = list(range(x.ndim)) if axes is None else [int(a) for a in np.atleast_1d(axes)]
    if any(not -x.ndim <= a < x.ndim for a in axes) or not axes:
        raise InvalidArgumentError(f"{op}: axes {axes} must be distinct axes of the input of shape "
                                   f"{x._shape_tuple()}")
    axes = [a % x.ndim for a in axes]
    if len(set(axes)) != len(axes):
        raise InvalidArgumentError(f"{op}: axes {axes} must be distinct")
    if norm not in (None, "backward", "forward", "ortho"):
        raise ValueError(f"{op}: norm must be 'backward', 'forward' or 'ortho', got {norm!r}")
    return axes, None if fft_length is None else [int(n) for n in np.atleast_1d(fft_length)], norm or "backward"


def _over_axes(x, axes, fn):
    """fn applied with `axes` moved innermost (in their order), the result's axes moved back."""
    rest = [a for a in range(x.ndim) if a not in axes]
    perm = rest + axes
    y = fn(_core.transpose(x, perm))
    return _core.transpose(y, list(np.argsort(perm)))


def _scaled(y, n, norm, inverse):
    """TF's norm: 'backward' scales only the inverse by 1/n, 'forward' only the forward one, 'ortho' both by
    1/sqrt(n)."""
    if norm == "ortho":
        factor = (n ** 0.5) if inverse else 1.0 / (n ** 0.5)
    elif norm == "forward":
        factor = float(n) if inverse else 1.0 / n
    else:
        return y
    return y * _core.constant(factor, y.dtype)


def _complex_tensor(x):
    """x as a tensor; Python values become complex64 (TF's preferred dtype), numpy arrays keep theirs."""
    if isinstance(x, (Tensor, Variable)):
        return x
    return _core.convert_to_tensor(x, dtype_hint=None if isinstance(x, (np.ndarray, np.generic)) else "complex64")


def _complex_nd(input_tensor, fft_length, axes, norm, inverse, op):
    x = _complex_tensor(input_tensor)
    if not x.dtype.is_complex:
        raise InvalidArgumentError(f"{op}: got dtype {x.dtype.name}, expected complex64 or complex128; make the "
                                   "input complex with tf.complex or tf.cast, or use rfftnd for real input")
    axes, lengths, norm = _nd_plan(x, fft_length, axes, norm, op)
    if lengths is not None and len(lengths) != len(axes):
        raise InvalidArgumentError(f"{op}: fft_length {lengths} must have one entry per axis {axes}")
    y = x
    for start in range(0, len(axes), 3):  # passes of up to 3 axes, each moved innermost for the op of its rank
        group = axes[start:start + 3]
        sizes = None if lengths is None else lengths[start:start + 3]
        transform = _COMPLEX_BY_RANK[len(group)][int(inverse)]
        y = _over_axes(y, group, lambda t: transform(t if sizes is None else _resized(t, sizes)))
    return _scaled(y, int(np.prod([y._shape_tuple()[a] for a in axes])), norm, inverse)


def _resized(x, lengths):
    """x's innermost len(lengths) dims cut or zero-padded to `lengths`."""
    first = x.ndim - len(lengths)
    shape = x._shape_tuple()
    x = x[(Ellipsis,) + tuple(slice(0, n) for n in lengths)]
    pads = [[0, 0]] * first + [[0, max(0, n - shape[first + i])] for i, n in enumerate(lengths)]
    if any(p[1] for p in pads):
        zeros_shape = list(x._shape_tuple())
        for i, n in enumerate(lengths):  # concat zeros axis by axis (pad has no complex kernel)
            axis = first + i
            missing = n - zeros_shape[axis]
            if missing > 0:
                extra = list(zeros_shape)
                extra[axis] = missing
                x = _core.concat([x, _core.zeros(extra, x.dtype)], axis)
                zeros_shape[axis] = n
    return x


def fftnd(input_tensor, fft_length=None, axes=None, norm=None, name=None):
    """The n-dimensional FFT over `axes` (default: all), each cropped or zero-padded to `fft_length` (default: its
    size); norm 'backward' (default), 'forward' or 'ortho' as numpy's."""
    return _complex_nd(input_tensor, fft_length, axes, norm, False, "fftnd")


def ifftnd(input_tensor, fft_length=None, axes=None, norm=None, name=None):
    """The inverse of fftnd (divided by the product of the lengths under the default norm 'backward')."""
    return _complex_nd(input_tensor, fft_length, axes, norm, True, "ifftnd")


def rfftnd(input_tensor, fft_length=None, axes=None, norm=None, name=None):
    """The n-dimensional FFT of a real tensor over `axes` (default: all): the last axis keeps its
    fft_length // 2 + 1 unique terms (numpy's rfftn)."""
    x = _tensor(input_tensor)
    if x.dtype.name not in ("float32", "float64"):
        raise ValueError(f"rfftnd: requires float32 or float64 input, got {x.dtype.name}; use fftnd for complex input")
    axes, lengths, norm = _nd_plan(x, fft_length, axes, norm, "rfftnd")
    lengths = lengths or [x._shape_tuple()[a] for a in axes]
    if len(lengths) != len(axes):
        raise InvalidArgumentError(f"rfftnd: fft_length {lengths} must have one entry per axis {axes}")
    half = _over_axes(x, axes[-1:], lambda y: rfft(y, lengths[-1:]))
    if len(axes) > 1:
        half = _complex_nd(half, lengths[:-1], axes[:-1], None, False, "rfftnd")
    return _scaled(half, int(np.prod(lengths)), norm, False)


def irfftnd(input_tensor, fft_length=None, axes=None, norm=None, name=None):
    """The inverse of rfftnd: a real tensor whose `axes` have `fft_length` (default: the input's sizes, the last
    2 * (n - 1))."""
    x = _complex_tensor(input_tensor)
    if not x.dtype.is_complex:
        raise ValueError(f"irfftnd: requires complex64 or complex128 input, got {x.dtype.name}")
    axes, lengths, norm = _nd_plan(x, fft_length, axes, norm, "irfftnd")
    if lengths is None:
        lengths = [x._shape_tuple()[a] for a in axes]
        lengths[-1] = 2 * (lengths[-1] - 1)
    if len(lengths) != len(axes):
        raise InvalidArgumentError(f"irfftnd: fft_length {lengths} must have one entry per axis {axes}")
    if len(axes) > 1:
        x = _complex_nd(x, lengths[:-1], axes[:-1], None, True, "irfftnd")
    y = _over_axes(x, axes[-1:], lambda t: irfft(t, lengths[-1:]))
    n = int(np.prod(lengths))
    if norm == "backward":
        return y
    return _scaled(y, n, norm, True)


def _shift(x, axes, sign):
    x = _core.convert_to_tensor(x)
    shape = x._shape_tuple()
    axes = list(range(x.ndim)) if axes is None else [int(a) for a in np.atleast_1d(axes)]
    if not axes:
        return x
    from ._array_ops import roll

    return roll(x, [sign * (shape[a] // 2) for a in axes], axes)


def fftshift(x, axes=None, name=None):
    """Rolls each of `axes` (default: all) by half its length, so the zero frequency is in the middle
    (numpy.fft.fftshift)."""
    return _shift(x, axes, 1)


def ifftshift(x, axes=None, name=None):
    """The inverse of fftshift (numpy.fft.ifftshift): rolls each axis back by half its length."""
    return _shift(x, axes, -1)


def _enclosing_power_of_two(n):
    return 1 << max(0, int(n - 1).bit_length())


def _stft_lengths(op, arg, x, min_rank, complex_input, frame_length, frame_step, fft_length):
    """Checks the rank and dtype of `x`, the `arg` of stft / inverse_stft (`op`), and returns frame_length,
    frame_step and fft_length as ints, fft_length by default the smallest power of 2 >= frame_length."""
    if x.ndim < min_rank:
        raise ValueError(f"{op}: {arg} must have rank at least {min_rank}, got shape {x._shape_tuple()}")
    if not (x.dtype.is_complex if complex_input else x.dtype.is_floating):
        expected = "complex64 or complex128" if complex_input else "float32 or float64"
        raise ValueError(f"{op}: {arg} must be {expected}, got {x.dtype.name}")
    frame_length = int(frame_length)
    fft_length = _enclosing_power_of_two(frame_length) if fft_length is None else int(fft_length)
    return frame_length, int(frame_step), fft_length


def stft(signals, frame_length, frame_step, fft_length=None, window_fn=hann_window, pad_end=False, name=None):
    """The short-time Fourier transform of real `signals` (..., samples): frames of `frame_length` every
    `frame_step`, each multiplied by window_fn(frame_length) and rfft-ed at `fft_length` (default: the smallest
    power of 2 >= frame_length). Returns (..., frames, fft_length // 2 + 1) complex64 / complex128."""
    x = _tensor(signals)
    frame_length, frame_step, fft_length = _stft_lengths("stft", "signals", x, 1, False, frame_length, frame_step,
                                                         fft_length)
    framed = frame(x, frame_length, frame_step, pad_end=pad_end)
    if window_fn is not None:
        framed = framed * window_fn(frame_length, dtype=framed.dtype)
    return rfft(framed, [fft_length])


def inverse_stft_window_fn(frame_step, forward_window_fn=hann_window, name=None):
    """The window inverse_stft needs to undo stft with `forward_window_fn`: the forward window divided by the sum
    of its squares over the frames overlapping each sample (0 where that sum is 0)."""
    frame_step = int(frame_step)

    def inverse_stft_window_fn_inner(frame_length, dtype):
        frame_length = int(frame_length)
        forward = forward_window_fn(frame_length, dtype=dtype)
        overlaps = -(-frame_length // frame_step)
        squares = np.square(np.asarray(forward, dtype=np.float64))
        denom = np.pad(squares, (0, overlaps * frame_step - frame_length)).reshape(overlaps, frame_step).sum(0)
        denom = np.tile(denom, overlaps)[:frame_length]
        scale = np.where(denom == 0.0, 0.0, 1.0 / np.where(denom == 0.0, 1.0, denom))
        return forward * _core.constant(scale, forward.dtype)

    return inverse_stft_window_fn_inner


def inverse_stft(stfts, frame_length, frame_step, fft_length=None, window_fn=hann_window, name=None):
    """The inverse of stft: each frame irfft-ed at `fft_length`, cropped or zero-padded to `frame_length`,
    multiplied by window_fn(frame_length) and overlap-added `frame_step` apart. Pass
    inverse_stft_window_fn(frame_step) as window_fn to reconstruct stft's input."""
    x = _complex_tensor(stfts)
    frame_length, frame_step, fft_length = _stft_lengths("inverse_stft", "stfts", x, 2, True, frame_length,
                                                         frame_step, fft_length)
    frames = irfft(x, [fft_length])
    if fft_length > frame_length:
        frames = frames[..., :frame_length]
    elif fft_length < frame_length:
        frames = _core.pad(frames, [[0, 0]] * (frames.ndim - 1) + [[0, frame_length - fft_length]])
    if window_fn is not None:
        frames = frames * window_fn(frame_length, dtype=frames.dtype)
    return overlap_and_add(frames, frame_step)


def mdct(signals, frame_length, window_fn=vorbis_window, pad_end=False, norm=None, name=None):
    """The modified discrete cosine transform: frames of `frame_length` (a multiple of 4) every frame_length // 2,
    windowed (None: a flat 1/sqrt(2)), folded to half length and type-4 DCT-ed: (..., frames, frame_length // 2)."""
    x = _tensor(signals)
    length = int(frame_length)
    if length % 4 != 0:
        raise ValueError(f"mdct: frame_length must be a multiple of 4, got {length}")
    framed = frame(x, length, length // 2, pad_end=pad_end)
    framed = framed * (window_fn(length, dtype=framed.dtype) if window_fn is not None
                       else _core.constant(1.0 / np.sqrt(2.0), framed.dtype))
    a, b, c, d = (framed[..., i * length // 4:(i + 1) * length // 4] for i in range(4))
    folded = _core.concat([-c[..., ::-1] - d, a - b[..., ::-1]], framed.ndim - 1)
    return dct(folded, type=4, norm=norm)


def inverse_mdct(mdcts, window_fn=vorbis_window, norm=None, name=None):
    """The inverse of mdct: each frame's type-4 DCT unfolded to full length, windowed (None: a flat 1/sqrt(2))
    and overlap-added half a frame apart."""
    x = _tensor(mdcts)
    if x.ndim < 2:
        raise ValueError(f"inverse_mdct: mdcts must have rank at least 2, got shape {x._shape_tuple()}")
    half = x._shape_tuple()[-1]
    if norm is None:
        unfolded = dct(x, type=4) * _core.constant(0.5 / half, x.dtype)
    else:
        unfolded = dct(x, type=4, norm=norm)
    first, second = unfolded[..., :half // 2], unfolded[..., half // 2:]
    frames = _core.concat([second, -second[..., ::-1], -first[..., ::-1], -first], x.ndim - 1)
    frames = frames * (window_fn(2 * half, dtype=frames.dtype) if window_fn is not None
                       else _core.constant(1.0 / np.sqrt(2.0), frames.dtype))
    return overlap_and_add(frames, half)

from ._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook(__name__)  # a TF name pytensor lacks says so (see _missing.py)
