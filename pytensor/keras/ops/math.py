"""``keras.ops.math``: Keras 3's math ops (``logsumexp``, ``top_k``, ``in_top_k``, ``segment_sum``, the Fourier
transforms ``fft`` / ``rfft`` / ``stft`` … on ``(real, imag)`` pairs …)."""
import numpy as _np

import pytensor as pt

from .numpy import _float, _tensor, _axis


def logsumexp(x, axis=None, keepdims=False):
    """``log(sum(exp(x)))`` over ``axis`` without overflow."""
    return pt.reduce_logsumexp(_float(x), axis=_axis(axis), keepdims=keepdims)


def rsqrt(x):
    """``1 / sqrt(x)``."""
    return pt.math.rsqrt(_float(x))


def erf(x):
    """The error function."""
    return pt.math.erf(_float(x))


def erfc(x):
    """``1 - erf(x)`` without cancellation: ``1 - erf`` in float64 below 3, a continued fraction (Laplace's,
    60 terms) above, where ``1 - erf`` would lose the digits."""
    x = _float(x)
    wide = pt.cast(x, "float64")
    magnitude = pt.abs(wide)
    far = pt.maximum(magnitude, 3.0)  # the fraction evaluated only where it converges fast
    fraction = far
    for k in range(60, 0, -1):
        fraction = far + (k / 2.0) / fraction
    tail = pt.exp(-far * far) / (_np.sqrt(_np.pi) * fraction)
    tail = pt.where(wide < 0.0, 2.0 - tail, tail)
    return pt.cast(pt.where(magnitude < 3.0, 1.0 - pt.math.erf(wide), tail), x.dtype.name)


def erfinv(x):
    """The inverse of ``erf`` on (-1, 1) (tf.math.erfinv: refined in float64, so exact to float32's precision)."""
    return pt.math.erfinv(_float(x))


def top_k(x, k, sorted=True):
    """The ``k`` largest values along the last axis and their int32 indices (ties: the earlier index first)."""
    values, indices = pt.math.top_k(_tensor(x), k)
    return values, indices


def in_top_k(targets, predictions, k):
    """Whether each target class is among the ``k`` largest predictions of its row (ties count as in)."""
    predictions = _float(predictions)
    targets = pt.cast(_tensor(targets), "int32")
    target_score = pt.gather(predictions, pt.expand_dims(targets, -1), axis=1, batch_dims=1)
    higher = pt.reduce_sum(pt.cast(pt.greater(predictions, target_score), "int32"), axis=-1)
    return pt.less(higher, k)


def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    """Sums of the rows of ``data`` per segment id (``num_segments`` defaults to the largest id + 1)."""
    return _segments(data, segment_ids, num_segments, pt.math.unsorted_segment_sum)


def _segments(data, segment_ids, num_segments, reduce):
    """``reduce`` (a tf.math.unsorted_segment_* function) with ``num_segments`` defaulting to the largest id + 1."""
    data = _tensor(data)
    segment_ids = pt.cast(_tensor(segment_ids), "int32")
    if num_segments is None:
        num_segments = int(pt.reduce_max(segment_ids).numpy()) + 1
    return reduce(data, segment_ids, num_segments)


def segment_max(data, segment_ids, num_segments=None, sorted=False):
    """Maxima of the rows of ``data`` per segment id (the dtype's lowest value for empty segments, as TF)."""
    return _segments(data, segment_ids, num_segments, pt.math.unsorted_segment_max)


def segment_min(data, segment_ids, num_segments=None, sorted=False):
    """Minima of the rows of ``data`` per segment id (the dtype's highest value for empty segments)."""
    return _segments(data, segment_ids, num_segments, pt.math.unsorted_segment_min)


def segment_prod(data, segment_ids, num_segments=None, sorted=False):
    """Products of the rows of ``data`` per segment id (1 for empty segments)."""
    return _segments(data, segment_ids, num_segments, pt.math.unsorted_segment_prod)


def extract_sequences(x, sequence_length, sequence_stride):
    """Frames of ``sequence_length`` along the last axis, ``sequence_stride`` apart: shape (..., frames,
    sequence_length)."""
    x = _tensor(x)
    frames = 1 + (x.shape[-1] - sequence_length) // sequence_stride
    index = (_np.arange(frames)[:, None] * sequence_stride + _np.arange(sequence_length)[None, :]).astype(_np.int32)
    return pt.gather(x, index, axis=x.ndim - 1)



def _complex_pair(x, op):
    """The complex tensor of Keras's ``(real, imag)`` pair (float parts of one shape and dtype)."""
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        raise ValueError(f"{op}: the input must be a tuple of two tensors (real, imag); received {type(x).__name__}")
    real, imag = _float(x[0]), _float(x[1])
    if real.shape != imag.shape:
        raise ValueError(f"{op}: the real and imaginary parts must have one shape; received {real.shape} and "
                         f"{imag.shape}")
    return pt.complex(real, imag)


def _parts(z):
    return pt.math.real(z), pt.math.imag(z)


def fft(x):
    """The FFT of the last axis of the complex value given as ``(real, imag)``; returns ``(real, imag)``."""
    return _parts(pt.signal.fft(_complex_pair(x, "fft")))


def fft2(x):
    """The 2-D FFT of the last two axes of ``(real, imag)``; returns ``(real, imag)``."""
    return _parts(pt.signal.fft2d(_complex_pair(x, "fft2")))


def ifft2(x):
    """The inverse 2-D FFT of the last two axes of ``(real, imag)``; returns ``(real, imag)``."""
    return _parts(pt.signal.ifft2d(_complex_pair(x, "ifft2")))


def rfft(x, fft_length=None):
    """The FFT of the real last axis of ``x`` (cropped or zero-padded to ``fft_length``): ``(real, imag)`` of its
    ``fft_length // 2 + 1`` unique terms."""
    x = _float(x)
    return _parts(pt.signal.rfft(x, None if fft_length is None else [int(fft_length)]))


def irfft(x, fft_length=None):
    """The real inverse of ``rfft`` from ``(real, imag)``: ``fft_length`` samples (default ``2 * (bins - 1)``)."""
    return pt.signal.irfft(_complex_pair(x, "irfft"), None if fft_length is None else [int(fft_length)])


def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    """The short-time Fourier transform of the last axis: ``(real, imag)`` of shape ``(..., frames,
    fft_length // 2 + 1)``; ``center`` pads ``fft_length // 2`` samples each side by reflection, and the window
    (``"hann"``, ``"hamming"``, None or an array of ``sequence_length``) is centred in each ``fft_length`` frame."""
    from ..layers._spectral import stft as _stft

    return _stft(_float(x), sequence_length, sequence_stride, fft_length, window, center, layer_name="stft")


def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann", center=True):
    """The inverse of ``stft`` from ``(real, imag)``: overlap-added frames divided by the window's summed squares
    (TF's inverse_stft_window_fn); ``center`` drops the ``fft_length // 2`` padded samples each side, ``length``
    keeps that many samples."""
    from ..layers._spectral import window_array

    spectrum = _complex_pair(x, "istft")
    real_dtype = spectrum.dtype.real_dtype
    frames = int(spectrum.shape[-2])
    window_fn = None
    win = window_array(window, sequence_length, sequence_length % 2 == 0, "istft")  # tf.signal's, as stft
    if win is not None:
        left = (fft_length - sequence_length) // 2
        padded = pt.constant(_np.pad(win, (left, fft_length - sequence_length - left)), real_dtype)
        window_fn = pt.signal.inverse_stft_window_fn(sequence_stride, lambda frame_length, dtype: padded)
    signal = pt.signal.inverse_stft(spectrum, fft_length, sequence_stride, fft_length=fft_length, window_fn=window_fn)
    start = fft_length // 2 if center else 0
    if length is not None:
        end = start + int(length)
    elif center:
        end = int(signal.shape[-1]) - fft_length // 2
    else:
        end = fft_length + sequence_stride * (frames - 1)
    return signal[..., start:end]

from ..._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook("pytensor.keras.ops")  # a Keras op pytensor lacks says so (see _missing.py)
