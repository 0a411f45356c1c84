"""``tf.math`` functions composed of core ops: inverse trigonometric and hyperbolic functions, special functions,
safe products, moments, scans, segment reductions, ``top_k`` and counting.

Every function here is a composition of differentiable core ops, so tapes differentiate it (to any order) through
the ops' own gradients. Where a function has no closed form in the core's ops it is computed by a convergent
expansion to the working dtype's precision (atan, lgamma, digamma, erfinv; each says its method).
"""

import math as _pymath

import numpy as np

from . import _core
from ._tensor_api import Tensor, Variable

__all__ = [
    "atan2", "erfc", "erfinv", "erfcinv",
    "ndtri", "nextafter", "lgamma", "digamma", "lbeta", "log_sigmoid", "is_inf", "rint", "xlog1py", "xdivy",
    "multiply_no_nan", "reciprocal_no_nan", "scalar_mul", "add_n", "accumulate_n", "reduce_variance", "reduce_std",
    "reduce_euclidean_norm", "count_nonzero", "zero_fraction", "l2_normalize", "softmax", "log_softmax",
    "cumulative_logsumexp", "segment_sum", "segment_mean", "segment_max", "segment_min", "segment_prod",
    "unsorted_segment_mean", "unsorted_segment_sqrt_n", "unsorted_segment_max", "unsorted_segment_min",
    "unsorted_segment_prod", "top_k", "in_top_k", "bincount", "confusion_matrix", "invert_permutation",
    "is_non_decreasing", "is_strictly_increasing", "polyval", "complex", "real", "imag", "conj", "angle",
]

_TENSORS = (Tensor, Variable)


def _tensor(x, dtype_hint=None):
    if isinstance(x, _TENSORS):
        return x
    # numpy values keep their dtype (the core's dtype_hint would override it); the hint is for Python values
    return _core.convert_to_tensor(x, dtype_hint=None if isinstance(x, (np.ndarray, np.generic)) else dtype_hint)


def _floating(x, op):
    """`x` as a float32/float64 tensor; a TypeError naming the op for any other dtype."""
    x = _tensor(x, "float32")
    if not x.dtype.is_floating:
        raise TypeError(f"{op}: got dtype {x.dtype.name}, expected a floating dtype (float32 or float64); cast "
                        "first with tf.cast")
    return x


def _const(value, like):
    return _core.constant(value, like.dtype)


def _axis_arg(axis, rank, op):
    axis = int(axis)
    if not -rank <= axis < max(rank, 1):
        raise ValueError(f"{op}: axis {axis} is out of range for a tensor of rank {rank}")
    return axis % max(rank, 1)


# --- element-wise ------------------------------------------------------------------------------------------------


def atan2(y, x, name=None):
    """Element-wise angle of the point (x, y), in [-pi, pi] (TF's argument order: y first)."""
    y = _floating(y, "atan2")
    x = _floating(x, "atan2")
    if x.dtype != y.dtype:
        raise TypeError(f"atan2: y is {y.dtype.name} and x is {x.dtype.name}; cast one so both match")
    zero = x == 0.0
    base = _core.atan(y / _core.where(zero, _const(1.0, x), x))
    half_pi = _core.where(y > 0.0, _const(_pymath.pi / 2, x), _core.where(y < 0.0, _const(-_pymath.pi / 2, x),
                                                                         _core.zeros_like(y)))
    turn = _core.where(y < 0.0, _const(-_pymath.pi, x), _const(_pymath.pi, x))
    return _core.where(zero, half_pi, _core.where(x < 0.0, base + turn, base))


def erfc(x, name=None):
    """Element-wise complementary error function 1 - erf(x). Below 0.5 that difference is exact; above, the
    Chebyshev fit of Numerical Recipes (relative error < 1.2e-7) keeps the far tail's digits."""
    x = _floating(x, "erfc")
    z = _core.abs(x)
    t = 1.0 / (1.0 + 0.5 * z)
    poly = _const(0.17087277, x)
    for c in (-0.82215223, 1.48851587, -1.13520398, 0.27886807, -0.18628806, 0.09678418, 0.37409196,
              1.00002368):
        poly = c + t * poly
    tail = t * _core.exp(-z * z - 1.26551223 + t * poly)
    tail = _core.where(x >= 0.0, tail, 2.0 - tail)
    return _core.where(x < 0.5, 1.0 - _core.erf(x), tail)


def erfinv(x, name=None):
    """Element-wise inverse error function on (-1, 1) (+-inf at +-1, NaN outside): Giles' single-precision
    approximation, then two Newton steps on erf in float64."""
    given = _floating(x, "erfinv")
    x = _core.cast(given, "float64")  # float32 inputs too: the steps below then give float32's full precision
    w = -_core.log((1.0 - x) * (1.0 + x))
    central, tail = w - 2.5, _core.sqrt(_core.where(w < 5.0, _const(5.0, x), w)) - 3.0
    p_central = _const(2.81022636e-08, x)
    for c in (3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503, -0.00417768164,
              0.246640727, 1.50140941):
        p_central = c + p_central * central
    p_tail = _const(-0.000200214257, x)
    for c in (0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047,
              1.00167406, 2.83297682):
        p_tail = c + p_tail * tail
    y = _core.where(w < 5.0, p_central, p_tail) * x
    finite = _core.abs(x) < 1.0
    y = _core.where(finite, y, _const(0.0, x))
    for _ in range(2):
        y = y - (_core.erf(y) - _core.where(finite, x, _const(0.0, x))) * (
            _pymath.sqrt(_pymath.pi) / 2) * _core.exp(y * y)
    edge = _core.where(_core.abs(x) == 1.0, _core.sign(x) * np.inf, _const(np.nan, x))
    return _core.cast(_core.where(finite, y, edge), given.dtype)


def erfcinv(x, name=None):
    """Element-wise inverse of erfc on (0, 2), erfinv(1 - x)."""
    x = _floating(x, "erfcinv")
    return erfinv(1.0 - x)


def ndtri(x, name=None):
    """Element-wise quantile of the standard normal distribution, sqrt(2) erfinv(2x - 1)."""
    x = _floating(x, "ndtri")
    return _pymath.sqrt(2.0) * erfinv(2.0 * x - 1.0)


_LANCZOS = (0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
            1.5056327351493116e-7)


def _lgamma_right(x):
    """log|Gamma(x)| for x >= 0.5 by Lanczos' approximation (g = 7, 9 terms; relative error ~1e-15)."""
    z = x - 1.0
    series = _const(_LANCZOS[0], x)
    for k, c in enumerate(_LANCZOS[1:], start=1):
        series = series + c / (z + float(k))
    t = z + 7.5
    return 0.5 * _pymath.log(2 * _pymath.pi) + (z + 0.5) * _core.log(t) - t + _core.log(series)


def lgamma(x, name=None):
    """Element-wise log |Gamma(x)|: Lanczos' approximation, with the reflection formula below 0.5 (+inf at the
    poles 0, -1, -2, ...)."""
    x = _floating(x, "lgamma")
    left = x < 0.5
    right = _lgamma_right(_core.where(left, 1.0 - x, x))
    sin_pi_x = _core.abs(_core.sin(_pymath.pi * (x - _core.floor(x))))
    sin_pi_x = _core.where(left, sin_pi_x, _const(1.0, x))  # log(0) at integers of the branch not taken
    reflected = _pymath.log(_pymath.pi) - _core.log(sin_pi_x) - right
    return _core.where(left, reflected, right)


def digamma(x, name=None):
    """Element-wise derivative of lgamma: ten steps of psi(x) = psi(x + 1) - 1 / x, then the asymptotic
    series; the reflection formula below 0.5."""
    x = _floating(x, "digamma")
    left = x < 0.5
    z = _core.where(left, 1.0 - x, x)
    shift = _const(0.0, x)
    for k in range(10):
        shift = shift + 1.0 / (z + float(k))
    w = z + 10.0
    inv2 = 1.0 / (w * w)
    tail = _const(-1.0 / 132.0, x)
    for c in (1.0 / 240.0, -1.0 / 252.0, 1.0 / 120.0, -1.0 / 12.0):
        tail = c + inv2 * tail
    right = _core.log(w) - 0.5 / w + inv2 * tail - shift
    reflected = right - _pymath.pi / _core.tan(_pymath.pi * x)
    pole = _core.logical_and(left, _core.equal(x, _core.floor(x)))  # 0, -1, -2 ...: NaN, as TF
    return _core.where(pole, _const(np.nan, x), _core.where(left, reflected, right))


def lbeta(x, name=None):
    """log |Beta(x)| over the last axis: sum(lgamma(x)) - lgamma(sum(x))."""
    x = _floating(x, "lbeta")
    return _core.reduce_sum(lgamma(x), axis=-1) - lgamma(_core.reduce_sum(x, axis=-1))


def log_sigmoid(x, name=None):
    """Element-wise log(sigmoid(x)) = -softplus(-x), without overflow."""
    x = _floating(x, "log_sigmoid")
    return -_core.softplus(-x)


def is_inf(x, name=None):
    """Element-wise: True where x is +inf or -inf."""
    x = _floating(x, "is_inf")
    return _core.abs(x) == np.inf


def rint(x, name=None):
    """Element-wise nearest integer, halves to even (as round)."""
    return _core.round(_floating(x, "rint"))


def _pair(x, y, op):
    x = _floating(x, op)
    y = _tensor(y, x.dtype)
    if y.dtype != x.dtype:
        raise TypeError(f"{op}: x is {x.dtype.name} and y is {y.dtype.name}; cast one so both match")
    return x, y


def xlog1py(x, y, name=None):
    """x * log1p(y), and 0 where x == 0 (whatever y)."""
    x, y = _pair(x, y, "xlog1py")
    zero = x == 0.0
    return _core.where(zero, _const(0.0, x), x * _core.log1p(_core.where(zero, _const(0.0, y), y)))


def xdivy(x, y, name=None):
    """x / y, and 0 where x == 0 (whatever y)."""
    x, y = _pair(x, y, "xdivy")
    zero = x == 0.0
    return _core.where(zero, _const(0.0, x), x / _core.where(zero, _const(1.0, y), y))


def multiply_no_nan(x, y, name=None):
    """x * y, and 0 where y == 0 even if x is NaN or infinite."""
    x, y = _pair(x, y, "multiply_no_nan")
    zero = y == 0.0
    return _core.where(zero, _const(0.0, x), _core.where(zero, _const(0.0, x), x) * y)


def reciprocal_no_nan(x, name=None):
    """1 / x, and 0 where x == 0."""
    x = _floating(x, "reciprocal_no_nan")
    zero = x == 0.0
    return _core.where(zero, _const(0.0, x), 1.0 / _core.where(zero, _const(1.0, x), x))


def scalar_mul(scalar, x, name=None):
    """scalar * x for a scalar (a Python number or 0-d tensor)."""
    scalar = _tensor(scalar, getattr(x, "dtype", None))
    if scalar.ndim != 0:
        raise ValueError(f"scalar_mul: the scalar must be 0-d, got shape {tuple(scalar.shape)}")
    return scalar * x


def add_n(inputs, name=None):
    """The element-wise sum of a list of tensors of one shape and dtype."""
    from ._tf_ops import add_n as _add_n

    return _add_n(inputs)


def accumulate_n(inputs, shape=None, tensor_dtype=None, name=None):
    """The element-wise sum of a list of tensors, as add_n (TF 2 keeps it as an alias)."""
    return add_n(inputs)


# --- reductions --------------------------------------------------------------------------------------------------


def reduce_variance(input_tensor, axis=None, keepdims=False, name=None):
    """The population variance (divided by n) over `axis`."""
    x = _floating(input_tensor, "reduce_variance")
    mean = _core.reduce_mean(x, axis=axis, keepdims=True)
    return _core.reduce_mean(_core.square(x - mean), axis=axis, keepdims=keepdims)


def reduce_std(input_tensor, axis=None, keepdims=False, name=None):
    """The population standard deviation over `axis`."""
    return _core.sqrt(reduce_variance(input_tensor, axis, keepdims))


def reduce_euclidean_norm(input_tensor, axis=None, keepdims=False, name=None):
    """sqrt(sum(x^2)) over `axis` (integers keep their dtype, as TF)."""
    x = _tensor(input_tensor, "float32")
    if x.dtype.is_floating:
        return _core.sqrt(_core.reduce_sum(_core.square(x), axis=axis, keepdims=keepdims))
    total = _core.reduce_sum(_core.cast(_core.square(x), "float64"), axis=axis, keepdims=keepdims)
    return _core.cast(_core.floor(_core.sqrt(total)), x.dtype)


def count_nonzero(input, axis=None, keepdims=None, dtype="int64", name=None):  # noqa: A002 - TF's name
    """How many elements are not zero (not False, not the empty string) over `axis`."""
    x = _tensor(input)
    return _core.reduce_sum(_core.cast(_core.not_equal(x, _core.zeros_like(x)), dtype), axis=axis,
                            keepdims=bool(keepdims))


def zero_fraction(value, name=None):
    """The fraction of elements that are zero, as a float32 scalar."""
    x = _tensor(value)
    return _core.reduce_mean(_core.cast(_core.equal(x, _core.zeros_like(x)), "float32"))


def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None):
    """x / sqrt(max(sum(x^2, axis), epsilon))."""
    x = _floating(x, "l2_normalize")
    axis = dim if axis is None else axis
    total = _core.reduce_sum(_core.square(x), axis=axis, keepdims=True)
    return x * _core.rsqrt(_core.maximum(total, _const(epsilon, x)))


def softmax(logits, axis=None, name=None):
    """exp(logits) / sum(exp(logits)) along `axis` (the last by default)."""
    from .nn import softmax as _softmax

    return _softmax(logits, axis=-1 if axis is None else axis)


def log_softmax(logits, axis=None, name=None):
    """logits - log(sum(exp(logits))) along `axis` (the last by default)."""
    from .nn import log_softmax as _log_softmax

    return _log_softmax(logits, axis=-1 if axis is None else axis)


# --- scans -------------------------------------------------------------------------------------------------------


def _scan(x, axis, exclusive, reverse, combine, identity, op):
    """An inclusive/exclusive, forward/reverse scan of `combine` along `axis` in log2(n) doubling steps (each a
    shifted copy padded with `identity`), so it is made of differentiable ops."""
    rank = x.ndim
    if rank == 0:
        raise ValueError(f"{op}: the input must have at least one dimension, got a scalar")
    axis = _axis_arg(axis, rank, op)
    n = x._shape_tuple()[axis]
    if reverse:
        x = _reverse(x, axis)
    if exclusive:
        x = _shift(x, axis, 1, identity)
    shift = 1
    while shift < n:
        x = combine(x, _shift(x, axis, shift, identity))
        shift *= 2
    return _reverse(x, axis) if reverse else x


def _reverse(x, axis):
    index = [slice(None)] * x.ndim
    index[axis] = slice(None, None, -1)
    return x[tuple(index)]


def _shift(x, axis, shift, fill):
    """`x` moved `shift` places along `axis`, the vacated places holding `fill`."""
    n = x._shape_tuple()[axis]
    shift = min(shift, n)
    index = [slice(None)] * x.ndim
    index[axis] = slice(0, n - shift)
    paddings = [[0, 0]] * x.ndim
    paddings[axis] = [shift, 0]
    return _core.pad(x[tuple(index)], paddings, constant_values=fill)


def cumulative_logsumexp(x, axis=0, exclusive=False, reverse=False, name=None):
    """log(cumsum(exp(x))) along `axis`, without overflow."""
    x = _floating(x, "cumulative_logsumexp")

    def log_add_exp(a, b):
        high = _core.maximum(a, b)
        safe = _core.where(_core.is_finite(high), high, _const(0.0, high))
        return safe + _core.log(_core.exp(a - safe) + _core.exp(b - safe))

    return _scan(x, axis, exclusive, reverse, log_add_exp, -np.inf, "cumulative_logsumexp")


# --- segments ----------------------------------------------------------------------------------------------------


def _segment_ids(segment_ids, data, op):
    ids = _tensor(segment_ids)
    if not ids.dtype.is_integer:
        raise TypeError(f"{op}: segment_ids must be integers, got {ids.dtype.name}")
    if tuple(data.shape[:ids.ndim]) != tuple(ids.shape):
        raise ValueError(f"{op}: segment_ids of shape {tuple(ids.shape)} must be a prefix of data's shape "
                         f"{tuple(data.shape)}")
    return ids


def _sorted_segment_count(ids, op):
    """num_segments of a sorted segment op (max id + 1), checking the ids are sorted and non-negative."""
    values = np.asarray(ids).reshape(-1)
    if values.size and (values[0] < 0 or np.any(values[1:] < values[:-1])):
        from .errors import InvalidArgumentError

        raise InvalidArgumentError(f"{op}: segment_ids must be sorted and non-negative, got {values[:10]}")
    return int(values[-1]) + 1 if values.size else 0


def _segment_mask(data, ids, num_segments):
    """(num_segments, *ids.shape) booleans: mask[s, i] = ids[i] == s, broadcastable against data."""
    segments = _core.range(int(num_segments), dtype=ids.dtype)
    mask = _core.equal(_core.reshape(segments, (-1,) + (1,) * ids.ndim), _core.expand_dims(ids, 0))
    return _core.reshape(mask, tuple(mask._shape_tuple()) + (1,) * (data.ndim - ids.ndim))


def _segment_extreme(data, ids, num_segments, reduce, fill):
    """max/min over each segment (`fill`, the dtype's lowest/highest, for an empty one), over axis 0 of a
    (segments, ...) masked copy of data."""
    mask = _segment_mask(data, ids, num_segments)
    filled = _core.where(mask, _core.expand_dims(data, 0), _core.constant(fill, data.dtype))
    return reduce(filled, axis=list(range(1, ids.ndim + 1)))


def _extreme(dtype, highest):
    info = np.finfo(dtype.name) if dtype.is_floating else np.iinfo(dtype.name)
    return info.max if highest else info.min


def unsorted_segment_max(data, segment_ids, num_segments, name=None):
    """The largest element of each segment (the dtype's lowest value for an empty segment)."""
    data = _tensor(data)
    ids = _segment_ids(segment_ids, data, "unsorted_segment_max")
    return _segment_extreme(data, ids, num_segments, _core.reduce_max, _extreme(data.dtype, False))


def unsorted_segment_min(data, segment_ids, num_segments, name=None):
    """The smallest element of each segment (the dtype's highest value for an empty segment)."""
    data = _tensor(data)
    ids = _segment_ids(segment_ids, data, "unsorted_segment_min")
    return _segment_extreme(data, ids, num_segments, _core.reduce_min, _extreme(data.dtype, True))


def unsorted_segment_prod(data, segment_ids, num_segments, name=None):
    """The product of each segment (1 for an empty segment)."""
    data = _tensor(data)
    ids = _segment_ids(segment_ids, data, "unsorted_segment_prod")
    mask = _segment_mask(data, ids, num_segments)
    filled = _core.where(mask, _core.expand_dims(data, 0), _core.ones_like(data))
    return _core.reduce_prod(filled, axis=list(range(1, ids.ndim + 1)))


def _segment_counts(data, ids, num_segments):
    ones = _core.ones(tuple(ids.shape), data.dtype)
    counts = _core.unsorted_segment_sum(ones, ids, num_segments)
    return _core.reshape(counts, (int(num_segments),) + (1,) * (data.ndim - ids.ndim))


def unsorted_segment_mean(data, segment_ids, num_segments, name=None):
    """The mean of each segment (0 for an empty segment)."""
    data = _floating(data, "unsorted_segment_mean")
    ids = _segment_ids(segment_ids, data, "unsorted_segment_mean")
    counts = _segment_counts(data, ids, num_segments)
    return _core.unsorted_segment_sum(data, ids, num_segments) / _core.maximum(counts, _const(1.0, data))


def unsorted_segment_sqrt_n(data, segment_ids, num_segments, name=None):
    """The sum of each segment divided by the square root of its size (0 for an empty segment)."""
    data = _floating(data, "unsorted_segment_sqrt_n")
    ids = _segment_ids(segment_ids, data, "unsorted_segment_sqrt_n")
    counts = _segment_counts(data, ids, num_segments)
    return _core.unsorted_segment_sum(data, ids, num_segments) * _core.rsqrt(_core.maximum(counts,
                                                                                         _const(1.0, data)))


def _sorted(op, unsorted):
    def segment(data, segment_ids, name=None):
        data = _tensor(data)
        ids = _segment_ids(segment_ids, data, op)
        return unsorted(data, ids, _sorted_segment_count(ids, op))

    segment.__name__ = segment.__qualname__ = op
    segment.__doc__ = (f"{unsorted.__doc__.split('(')[0].strip().rstrip('.')} of each segment, for sorted "
                       "segment_ids (there are max(segment_ids) + 1 segments; empty ones give 0).")
    return segment


def _sorted_extreme(reduce):
    def unsorted(data, ids, num_segments):
        # TF's sorted segment_max/min give 0 (not the dtype's extreme) for an empty segment
        present = _core.greater(_segment_counts(data, ids, num_segments), _core.zeros((), data.dtype))
        return _core.where(present, reduce(data, ids, num_segments), _core.zeros((), data.dtype))

    unsorted.__doc__ = reduce.__doc__
    return unsorted


segment_sum = _sorted("segment_sum", _core.unsorted_segment_sum)
segment_sum.__doc__ = ("The sum of each segment, for sorted segment_ids (there are max(segment_ids) + 1 segments; "
                       "empty ones give 0).")
segment_mean = _sorted("segment_mean", unsorted_segment_mean)
segment_prod = _sorted("segment_prod", unsorted_segment_prod)
segment_max = _sorted("segment_max", _sorted_extreme(unsorted_segment_max))
segment_min = _sorted("segment_min", _sorted_extreme(unsorted_segment_min))


# --- selection and counting --------------------------------------------------------------------------------------


def top_k(input, k=1, sorted=True, index_type="int32", name=None):  # noqa: A002 - TF's names
    """The `k` largest entries of the last axis and their indices, largest first (the lower index first among
    equal values). Returns ``(values, indices)``; values are differentiable (a gather from `input`).

    Made of k argmax steps, each masking the entry it took.
    """
    from collections import namedtuple

    x = _tensor(input, "float32")
    if x.ndim == 0:
        raise ValueError("top_k: the input must have at least one dimension, got a scalar")
    n = x._shape_tuple()[-1]
    k = int(k)
    if not 0 <= k <= n:
        from .errors import InvalidArgumentError

        raise InvalidArgumentError(f"top_k: k = {k} must be in [0, {n}] (the size of the last axis of "
                                   f"{tuple(x.shape)})")
    lowest = _core.constant(_extreme(x.dtype, False) if not x.dtype.is_floating else -np.inf, x.dtype)
    work = _core.stop_gradient(x)
    taken = []
    for _ in range(k):
        index = _core.argmax(work, axis=-1, output_type="int32")
        taken.append(index)
        work = _core.where(_core.cast(_core.one_hot(index, n, dtype="int32"), "bool"), lowest, work)
    shape = tuple(x._shape_tuple()[:-1]) + (k,)
    indices = _core.stack(taken, -1) if taken else _core.zeros(shape, "int32")
    values = _core.gather(x, indices, batch_dims=x.ndim - 1) if x.ndim > 1 else _core.gather(x, indices)
    result = namedtuple("TopKV2", ["values", "indices"])
    return result(values, _core.cast(indices, index_type))


def in_top_k(targets, predictions, k, name=None):
    """Whether each target class is among the `k` largest predictions of its row (ties count as in, as TF)."""
    predictions = _floating(predictions, "in_top_k")
    targets = _tensor(targets)
    if predictions.ndim != 2 or targets.ndim != 1 or targets.shape[0] != predictions.shape[0]:
        raise ValueError(f"in_top_k: predictions must be (batch, classes) and targets (batch,), got "
                         f"{tuple(predictions.shape)} and {tuple(targets.shape)}")
    target_values = _core.gather(predictions, _core.expand_dims(targets, -1), batch_dims=1)
    larger = _core.reduce_sum(_core.cast(predictions > target_values, "int32"), axis=-1)
    return _core.logical_and(larger < int(k), _core.is_finite(_core.squeeze(target_values, -1)))


def bincount(arr, weights=None, minlength=None, maxlength=None, dtype="int32", name=None, axis=None,
             binary_output=False):
    """How often each value 0, 1, ... occurs in `arr` (or the sum of its `weights`); negative values are an
    error. `axis=-1` counts each row of a 2-D `arr` separately."""
    values = _tensor(arr)
    if not values.dtype.is_integer:
        raise TypeError(f"bincount: arr must be integers, got {values.dtype.name}")
    array = np.asarray(values)
    if array.size and array.min() < 0:
        from .errors import InvalidArgumentError

        raise InvalidArgumentError(f"bincount: arr must be non-negative, got a minimum of {array.min()}")
    length = int(array.max()) + 1 if array.size else 0
    if minlength is not None:
        length = max(length, int(minlength))
    if maxlength is not None:
        length = min(length, int(maxlength))
    out_dtype = weights.dtype if isinstance(weights, _TENSORS) else dtype
    counted = _core.ones(tuple(values.shape), out_dtype) if weights is None else _tensor(weights, out_dtype)
    keep = values < length
    ids = _core.where(keep, values, _core.zeros_like(values))
    counted = _core.where(keep, counted, _core.zeros_like(counted))
    if axis in (-1, 1) and values.ndim == 2:
        rows = values._shape_tuple()[0]
        offsets = _core.reshape(_core.range(rows, dtype=ids.dtype) * length, (-1, 1))
        flat = _core.unsorted_segment_sum(_core.reshape(counted, (-1,)), _core.reshape(ids + offsets, (-1,)),
                                          rows * length)
        result = _core.reshape(flat, (rows, length))
    elif axis not in (None, 0):
        raise ValueError(f"bincount: axis must be None, 0 or -1 (with a 2-D arr), got {axis}")
    else:
        result = _core.unsorted_segment_sum(_core.reshape(counted, (-1,)), _core.reshape(ids, (-1,)), length)
    if binary_output:
        result = _core.cast(result > 0, result.dtype)
    return result


def confusion_matrix(labels, predictions, num_classes=None, weights=None, dtype="int32", name=None):
    """counts[i, j] = how many examples have label i and prediction j (or the sum of their weights)."""
    labels = _core.cast(_tensor(labels), "int64")
    predictions = _core.cast(_tensor(predictions), "int64")
    if tuple(labels.shape) != tuple(predictions.shape) or labels.ndim != 1:
        raise ValueError(f"confusion_matrix: labels and predictions must be 1-D of one shape, got "
                         f"{tuple(labels.shape)} and {tuple(predictions.shape)}")
    both = np.concatenate([np.asarray(labels), np.asarray(predictions)])
    if both.size and both.min() < 0:
        from .errors import InvalidArgumentError

        raise InvalidArgumentError("confusion_matrix: labels and predictions must be non-negative")
    if num_classes is None:
        num_classes = int(both.max()) + 1 if both.size else 0
    elif both.size and both.max() >= int(num_classes):
        from .errors import InvalidArgumentError

        raise InvalidArgumentError(f"confusion_matrix: a label or prediction ({both.max()}) is not below "
                                   f"num_classes = {num_classes}")
    n = int(num_classes)
    counted = _core.ones(tuple(labels.shape), dtype) if weights is None else _core.cast(_tensor(weights), dtype)
    flat = _core.unsorted_segment_sum(counted, labels * n + predictions, n * n)
    return _core.reshape(flat, (n, n))


def invert_permutation(x, name=None):
    """y[x[i]] = i, for a 1-D permutation x of 0..n-1."""
    x = _tensor(x)
    values = np.asarray(x)
    if x.ndim != 1 or not x.dtype.is_integer or sorted(values.tolist()) != list(range(values.size)):
        from .errors import InvalidArgumentError

        raise InvalidArgumentError(f"invert_permutation: x must be a 1-D integer permutation of 0..n-1, got "
                                   f"{values[:10]} ({x.dtype.name}, shape {tuple(x.shape)})")
    n = values.size
    return _core.scatter_nd(_core.reshape(x, (-1, 1)), _core.range(n, dtype=x.dtype), (n,))


def _flat_steps(x, op):
    x = _core.reshape(_tensor(x), (-1,))
    if x.dtype.is_bool:
        raise TypeError(f"{op}: expected numbers, got bool")
    return x[1:], x[:-1]


def is_non_decreasing(x, name=None):
    """True if each element (in row-major order) is >= the one before."""
    later, earlier = _flat_steps(x, "is_non_decreasing")
    return _core.reduce_all(later >= earlier)


def is_strictly_increasing(x, name=None):
    """True if each element (in row-major order) is > the one before."""
    later, earlier = _flat_steps(x, "is_strictly_increasing")
    return _core.reduce_all(later > earlier)


def polyval(coeffs, x, name=None):
    """coeffs[0] x^(n-1) + ... + coeffs[n-1], by Horner's rule (coeffs is a list of tensors or numbers)."""
    x = _tensor(x, "float32")
    if isinstance(coeffs, _TENSORS) or not isinstance(coeffs, (list, tuple)):
        raise ValueError(f"polyval: coeffs must be a list of coefficients, got {type(coeffs).__name__}")
    if not coeffs:
        return _core.zeros_like(x)
    result = _tensor(coeffs[0], x.dtype) + _core.zeros_like(x)
    for c in coeffs[1:]:
        result = result * x + c
    return result


def _parts(x):
    """(real part, imaginary part) of a complex tensor, as differentiable-free ops: the real part is TF's cast to
    the part dtype, the imaginary one the real part of x * -1j."""
    part = x.dtype.real_dtype
    return _core.cast(x, part), _core.cast(x * _core.constant(-1j, x.dtype), part)


def complex(real, imag, name=None):  # noqa: A001 - TF's name
    """real + imag * 1j: float32 parts give complex64, float64 parts complex128 (TF's rule; both one dtype)."""
    real, imag = _tensor(real, "float32"), _tensor(imag, "float32")
    if real.dtype != imag.dtype or real.dtype.name not in ("float32", "float64"):
        raise TypeError(f"complex: real and imag must both be float32 or both float64, got {real.dtype.name} and "
                        f"{imag.dtype.name}; cast them with tf.cast")
    dtype = "complex64" if real.dtype.name == "float32" else "complex128"
    return _core.cast(real, dtype) + _core.cast(imag, dtype) * _core.constant(1j, dtype)


def real(input, name=None):  # noqa: A002 - TF's name
    """The real part (float32 for complex64, float64 for complex128); a real tensor itself."""
    x = _tensor(input, "float32")
    return _parts(x)[0] if x.dtype.is_complex else x


def imag(input, name=None):  # noqa: A002 - TF's name
    """The imaginary part; zeros for a real tensor."""
    x = _tensor(input, "float32")
    return _parts(x)[1] if x.dtype.is_complex else _core.zeros_like(x)


def conj(x, name=None):
    """The complex conjugate; a real tensor itself."""
    x = _tensor(x, "float32")
    if not x.dtype.is_complex:
        return x
    re, im = _parts(x)
    return complex(re, -im)


def angle(input, name=None):  # noqa: A002 - TF's name
    """The argument atan2(imag, real); for real tensors pi for negative numbers, 0 otherwise."""
    x = _tensor(input, "float32")
    if x.dtype.is_complex:
        re, im = _parts(x)
        return atan2(im, re)
    x = _floating(x, "angle")
    return _core.where(x < 0.0, _const(_pymath.pi, x), _core.zeros_like(x))


def truncatediv(x, y, name=None):
    """Division rounded toward zero (C's integer division)."""
    x = _tensor(x)
    y = _tensor(y, x.dtype)
    if x.dtype.is_floating:
        q = x / y
        return _core.where(q < 0.0, _core.ceil(q), _core.floor(q))
    quotient = _core.floordiv(x, y)
    inexact = _core.not_equal(quotient * y, x)
    return _core.where(_core.logical_and(inexact, (x < 0) != (y < 0)), quotient + 1, quotient)


def truncatemod(x, y, name=None):
    """The remainder of truncatediv, with the sign of x (C's %, fmod)."""
    x = _tensor(x)
    y = _tensor(y, x.dtype)
    return x - truncatediv(x, y) * y


def nextafter(x1, x2, name=None):
    """The next representable float after each `x1` towards `x2` (no gradient, as TF)."""
    a = _core.convert_to_tensor(x1)
    b = _core.convert_to_tensor(x2, dtype=a.dtype)
    if not a.dtype.is_floating:
        raise TypeError(f"nextafter: x1 must be float32 or float64, got {a.dtype.name}")
    return _core.constant(np.nextafter(np.asarray(a), np.asarray(b)), a.dtype.name)
