"""``keras.ops.math``: Keras 3's math ops (``logsumexp``, ``top_k``, ``in_top_k``, ``segment_sum`` …)."""
import numpy as _np

import pytensor as pt

from .numpy import _float, _tensor, _axis, _sorted_last


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
    """The inverse of ``erf`` on (-1, 1): Giles's single-precision approximation refined by Newton steps on
    ``erf`` in float64 (exact to float32's precision; the steps carry the gradient ``sqrt(pi)/2 exp(y^2)``)."""
    x = _float(x)
    wide = pt.cast(x, "float64")
    w = -pt.math.log((1.0 - wide) * (1.0 + wide))
    central, tail = w - 2.5, pt.sqrt(pt.maximum(w, 5.0)) - 3.0
    p_central = _horner(central, [2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
                                  -0.00125372503, -0.00417768164, 0.246640727, 1.50140941])
    p_tail = _horner(tail, [-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
                            -0.0076224613, 0.00943887047, 1.00167406, 2.83297682])
    y = pt.where(w < 5.0, p_central, p_tail) * wide
    for _ in range(3):
        y = y - (pt.math.erf(y) - wide) / (2.0 / _np.sqrt(_np.pi) * pt.exp(-y * y))
    return pt.cast(y, x.dtype.name)


def _horner(t, coefficients):
    out = pt.zeros_like(t) + coefficients[0]
    for c in coefficients[1:]:
        out = out * t + c
    return out


def top_k(x, k, sorted=True):
    """The ``k`` largest values along the last axis and their int32 indices (ties: the earlier index first)."""
    x = _tensor(x)
    values, indices = _sorted_last(x, descending=True)
    return values[..., :k], indices[..., :k]


def in_top_k(targets, predictions, k):
    """Whether each target class is among the ``k`` largest predictions of its row (ties count as in)."""
    predictions = _float(predictions)
    targets = pt.cast(_tensor(targets), "int32")
    target_score = pt.gather(predictions, pt.expand_dims(targets, -1), axis=1, batch_dims=1)
    higher = pt.reduce_sum(pt.cast(pt.greater(predictions, target_score), "int32"), axis=-1)
    return pt.less(higher, k)


def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    """Sums of the rows of ``data`` per segment id (``num_segments`` defaults to the largest id + 1)."""
    data = _tensor(data)
    segment_ids = pt.cast(_tensor(segment_ids), "int32")
    if num_segments is None:
        num_segments = int(pt.reduce_max(segment_ids).numpy()) + 1
    return pt.math.unsorted_segment_sum(data, segment_ids, num_segments)


def _segments(data, segment_ids, num_segments, empty, reduce):
    """Per segment, ``reduce`` of ``data``'s rows with id ``segment``; rows elsewhere count as ``empty``."""
    data = _tensor(data)
    segment_ids = pt.cast(_tensor(segment_ids), "int32")
    if num_segments is None:
        num_segments = int(pt.reduce_max(segment_ids).numpy()) + 1
    member = pt.equal(pt.expand_dims(pt.range(num_segments), 1), pt.expand_dims(segment_ids, 0))  # (segments, rows)
    member = pt.reshape(member, [num_segments, -1] + [1] * (data.ndim - 1))
    filled = pt.where(pt.broadcast_to(member, [num_segments] + list(data.shape)), pt.broadcast_to(
        pt.expand_dims(data, 0), [num_segments] + list(data.shape)), pt.fill([num_segments] + list(data.shape),
                                                                            _np.array(empty, data.dtype.name)))
    return reduce(filled, axis=1)


def segment_max(data, segment_ids, num_segments=None, sorted=False):
    """Maxima of the rows of ``data`` per segment id (the dtype's lowest value for empty segments, as TF)."""
    dtype = _tensor(data).dtype
    return _segments(data, segment_ids, num_segments, dtype.min, pt.reduce_max)


def segment_min(data, segment_ids, num_segments=None, sorted=False):
    """Minima of the rows of ``data`` per segment id (the dtype's highest value for empty segments)."""
    dtype = _tensor(data).dtype
    return _segments(data, segment_ids, num_segments, dtype.max, pt.reduce_min)


def segment_prod(data, segment_ids, num_segments=None, sorted=False):
    """Products of the rows of ``data`` per segment id (1 for empty segments)."""
    return _segments(data, segment_ids, num_segments, 1, pt.reduce_prod)


def extract_sequences(x, sequence_length, sequence_stride):
    """Frames of ``sequence_length`` along the last axis, ``sequence_stride`` apart: shape (..., frames,
    sequence_length)."""
    x = _tensor(x)
    frames = 1 + (x.shape[-1] - sequence_length) // sequence_stride
    index = (_np.arange(frames)[:, None] * sequence_stride + _np.arange(sequence_length)[None, :]).astype(_np.int32)
    return pt.gather(x, index, axis=x.ndim - 1)


from ..._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook("pytensor.keras.ops")  # a Keras op pytensor lacks says so (see _missing.py)
