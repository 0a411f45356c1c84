"""``keras.ops.numpy``: Keras 3's numpy-style ops (numpy's argument names, defaults and dtype rules) mapped onto
pytensor's differentiable core ops.

Dtype rules follow Keras 3, not TF: tensors of different dtypes are promoted (an int and a float give the
float, two widths give the wider), a Python scalar takes the other operand's dtype (a Python float with an
integer tensor gives float32), and ops whose result is real by nature (``mean``, ``divide``, ``sqrt``, ``exp``
…) give float32 for integer or bool inputs.
"""
import numpy as _np

import pytensor as pt

_FLOATX = "float32"


def _tensor(x, dtype=None):
    x = x if isinstance(x, pt.Tensor) else pt.convert_to_tensor(x)
    return x if dtype is None or x.dtype.name == dtype else pt.cast(x, dtype)


def _name(x):
    return x.dtype.name


def _promote(a, b):
    """Keras 3's result dtype of two dtype names: float beats int beats bool; the wider of two alike."""
    if a == b:
        return a
    kind = {"bool": 0, "uint8": 1, "int32": 1, "int64": 1, "float32": 2, "float64": 2}
    if kind[a] != kind[b]:
        return a if kind[a] > kind[b] else b
    width = {"uint8": 8, "int32": 32, "int64": 64, "float32": 32, "float64": 64}
    return a if width[a] >= width[b] else b


def _operands(x1, x2):
    """``x1`` and ``x2`` as tensors of their Keras 3 result dtype (a Python scalar is weakly typed)."""
    scalar1 = isinstance(x1, (bool, int, float)) and not isinstance(x1, pt.Tensor)
    scalar2 = isinstance(x2, (bool, int, float)) and not isinstance(x2, pt.Tensor)
    if scalar1 and not scalar2:
        x2 = _tensor(x2)
        dtype = _FLOATX if isinstance(x1, float) and not x2.dtype.is_floating else _name(x2)
        return _tensor(x1, dtype), _tensor(x2, dtype)
    if scalar2 and not scalar1:
        x1 = _tensor(x1)
        dtype = _FLOATX if isinstance(x2, float) and not x1.dtype.is_floating else _name(x1)
        return _tensor(x1, dtype), _tensor(x2, dtype)
    x1, x2 = _tensor(x1), _tensor(x2)
    dtype = _promote(_name(x1), _name(x2))
    return _tensor(x1, dtype), _tensor(x2, dtype)


def _float(x):
    """``x`` as a tensor, integer and bool inputs cast to float32 (for ops whose result is real)."""
    x = _tensor(x)
    return x if x.dtype.is_floating else pt.cast(x, _FLOATX)


def _numeric(x):
    """``x`` as a tensor, bool cast to int32 (sums and products of booleans count)."""
    x = _tensor(x)
    return pt.cast(x, "int32") if x.dtype.is_bool else x


def _axis(axis):
    return list(axis) if isinstance(axis, tuple) else axis


def _norm_axis(axis, ndim):
    return axis + ndim if axis < 0 else axis


# Elementwise, one operand ---------------------------------------------------------------------------------------
def abs(x):
    """``|x|``."""
    return pt.abs(_tensor(x))


absolute = abs


def negative(x):
    """``-x``."""
    return pt.negative(_tensor(x))


def sign(x):
    """-1, 0 or 1 by the sign of ``x``."""
    return pt.sign(_tensor(x))


def square(x):
    """``x * x`` (bool counts as int32)."""
    return pt.square(_numeric(x))


def _real_unary(op, doc):
    def fn(x):
        return op(_float(x))

    fn.__doc__ = doc
    return fn


sqrt = _real_unary(pt.sqrt, "Square root; integer inputs give float32.")
exp = _real_unary(pt.exp, "``e ** x``; integer inputs give float32.")
expm1 = _real_unary(pt.math.expm1, "``exp(x) - 1``, exact near 0.")
log = _real_unary(pt.math.log, "Natural logarithm.")
log1p = _real_unary(pt.math.log1p, "``log(1 + x)``, exact near 0.")
sin = _real_unary(pt.sin, "Sine.")
cos = _real_unary(pt.cos, "Cosine.")
tanh = _real_unary(pt.tanh, "Hyperbolic tangent.")
reciprocal = _real_unary(pt.math.reciprocal, "``1 / x``.")


def log2(x):
    """Base-2 logarithm."""
    return pt.math.log(_float(x)) / _np.log(2.0)


def log10(x):
    """Base-10 logarithm."""
    return pt.math.log(_float(x)) / _np.log(10.0)


def exp2(x):
    """``2 ** x``."""
    return pt.exp(_float(x) * _np.log(2.0))


def tan(x):
    """Tangent."""
    return pt.math.tan(_float(x))


def sinh(x):
    """Hyperbolic sine."""
    return pt.math.sinh(_float(x))


def cosh(x):
    """Hyperbolic cosine."""
    return pt.math.cosh(_float(x))


def arcsinh(x):
    """Inverse hyperbolic sine."""
    return pt.math.asinh(_float(x))


def arccosh(x):
    """Inverse hyperbolic cosine."""
    return pt.math.acosh(_float(x))


def arctanh(x):
    """Inverse hyperbolic tangent."""
    return pt.math.atanh(_float(x))


def floor(x):
    """Largest integer not above ``x`` (float result, as Keras)."""
    return pt.floor(_float(x))


def ceil(x):
    """Smallest integer not below ``x`` (float result, as Keras)."""
    return pt.ceil(_float(x))


def trunc(x):
    """``x`` rounded towards zero."""
    x = _tensor(x)
    if not x.dtype.is_floating:
        return x
    return pt.where(x < 0, pt.ceil(x), pt.floor(x))


def round(x, decimals=0):
    """Round half to even, to ``decimals`` places."""
    x = _tensor(x)
    if not x.dtype.is_floating:
        return x
    if decimals == 0:
        return pt.round(x)
    scale = 10.0 ** decimals
    return pt.round(x * scale) / scale


def cbrt(x):
    """Real cube root."""
    x = _float(x)
    return pt.sign(x) * pt.pow(pt.abs(x), 1.0 / 3.0)


def isnan(x):
    """True where ``x`` is NaN."""
    x = _tensor(x)
    return pt.math.is_nan(x) if x.dtype.is_floating else pt.not_equal(x, x)


def isfinite(x):
    """True where ``x`` is neither infinite nor NaN."""
    x = _tensor(x)
    return pt.math.is_finite(x) if x.dtype.is_floating else pt.equal(x, x)


def isinf(x):
    """True where ``x`` is +-inf."""
    x = _tensor(x)
    return pt.logical_and(pt.logical_not(pt.math.is_finite(x)), pt.logical_not(pt.math.is_nan(x))) \
        if x.dtype.is_floating else pt.not_equal(x, x)


def logical_not(x):
    """Elementwise not (nonzero is true)."""
    return pt.logical_not(_bool(x))


def _bool(x):
    x = _tensor(x)
    return x if x.dtype.is_bool else pt.not_equal(x, pt.zeros_like(x))


# Elementwise, two operands --------------------------------------------------------------------------------------
def add(x1, x2):
    """``x1 + x2`` with Keras's dtype promotion."""
    return pt.add(*_operands(x1, x2))


def subtract(x1, x2):
    """``x1 - x2``."""
    return pt.subtract(*_operands(x1, x2))


def multiply(x1, x2):
    """``x1 * x2``."""
    return pt.multiply(*_operands(x1, x2))


def divide(x1, x2):
    """True division; integer operands give float32."""
    x1, x2 = _operands(x1, x2)
    if not x1.dtype.is_floating:
        x1, x2 = pt.cast(x1, _FLOATX), pt.cast(x2, _FLOATX)
    return pt.divide(x1, x2)


true_divide = divide


def divide_no_nan(x1, x2):
    """``x1 / x2``, 0 where ``x2`` is 0."""
    x1, x2 = _operands(x1, x2)
    return pt.math.divide_no_nan(_float(x1), _float(x2))


def floor_divide(x1, x2):
    """``floor(x1 / x2)``."""
    return pt.math.floordiv(*_operands(x1, x2))


def mod(x1, x2):
    """Remainder with the sign of ``x2`` (Python's ``%``)."""
    return pt.math.floormod(*_operands(x1, x2))


def power(x1, x2):
    """``x1 ** x2``."""
    return pt.pow(*_operands(x1, x2))


def maximum(x1, x2):
    """Elementwise maximum."""
    return pt.maximum(*_operands(x1, x2))


def minimum(x1, x2):
    """Elementwise minimum."""
    return pt.minimum(*_operands(x1, x2))


def arctan2(x1, x2):
    """Angle of ``(x2, x1)`` in radians, from -pi to pi."""
    y, x = _operands(x1, x2)
    return pt.math.atan2(_float(y), _float(x))


def arctan(x):
    """Inverse tangent."""
    return pt.math.atan(_float(x))


def arcsin(x):
    """Inverse sine."""
    return pt.math.asin(_float(x))


def arccos(x):
    """Inverse cosine."""
    return pt.math.acos(_float(x))


def hypot(x1, x2):
    """``sqrt(x1 ** 2 + x2 ** 2)``."""
    x1, x2 = _operands(x1, x2)
    x1, x2 = _float(x1), _float(x2)
    return pt.sqrt(x1 * x1 + x2 * x2)


def logaddexp(x1, x2):
    """``log(exp(x1) + exp(x2))`` without overflow."""
    x1, x2 = _operands(x1, x2)
    x1, x2 = _float(x1), _float(x2)
    high = pt.maximum(x1, x2)
    return high + pt.math.log1p(pt.exp(-pt.abs(x1 - x2)))


def _compare(op, doc):
    def fn(x1, x2):
        return op(*_operands(x1, x2))

    fn.__doc__ = doc
    return fn


equal = _compare(pt.equal, "``x1 == x2``.")
not_equal = _compare(pt.not_equal, "``x1 != x2``.")
greater = _compare(pt.greater, "``x1 > x2``.")
greater_equal = _compare(pt.greater_equal, "``x1 >= x2``.")
less = _compare(pt.less, "``x1 < x2``.")
less_equal = _compare(pt.less_equal, "``x1 <= x2``.")


def logical_and(x1, x2):
    """Elementwise and (nonzero is true)."""
    return pt.logical_and(_bool(x1), _bool(x2))


def logical_or(x1, x2):
    """Elementwise or."""
    return pt.logical_or(_bool(x1), _bool(x2))


def logical_xor(x1, x2):
    """Elementwise exclusive or."""
    return pt.not_equal(_bool(x1), _bool(x2))


def isclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    """``|x1 - x2| <= atol + rtol * |x2|``."""
    x1, x2 = _operands(x1, x2)
    close = pt.less_equal(pt.abs(x1 - x2), atol + rtol * pt.abs(x2))
    if equal_nan and x1.dtype.is_floating:
        close = pt.logical_or(close, pt.logical_and(pt.math.is_nan(x1), pt.math.is_nan(x2)))
    return close


def allclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    """Whether every element of ``isclose`` holds (a bool tensor)."""
    return pt.reduce_all(isclose(x1, x2, rtol, atol, equal_nan))


def clip(x, x_min, x_max):
    """``x`` limited to ``[x_min, x_max]`` (bool counts as int32)."""
    x = _numeric(x)
    return pt.minimum(pt.maximum(x, _tensor(x_min, _name(x))), _tensor(x_max, _name(x)))


def where(condition, x1=None, x2=None):
    """``x1`` where ``condition`` holds, else ``x2`` (promoted to one dtype). ``where(condition)`` alone gives
    the indices of the true elements per axis, as ``nonzero``."""
    if x1 is None and x2 is None:
        return nonzero(condition)
    if x1 is None or x2 is None:
        raise ValueError("keras.ops.where: give both x1 and x2, or neither (then it returns the indices of the "
                         "true elements).")
    x1, x2 = _operands(x1, x2)
    return pt.where(_bool(condition), x1, x2)


def nonzero(x):
    """A tuple with one int32 index tensor per axis of the nonzero elements of ``x``, in row-major order."""
    mask = _bool(x)
    shape = list(mask.shape)
    grids = meshgrid(*[pt.range(n) for n in shape], indexing="ij")
    return tuple(pt.boolean_mask(g, mask) for g in grids)


# Reductions -----------------------------------------------------------------------------------------------------
def sum(x, axis=None, keepdims=False):
    """Sum over ``axis`` (all axes by default); bool counts as int32."""
    return pt.reduce_sum(_numeric(x), axis=_axis(axis), keepdims=keepdims)


def prod(x, axis=None, keepdims=False, dtype=None):
    """Product over ``axis``."""
    x = _numeric(x) if dtype is None else _tensor(x, dtype)
    return pt.reduce_prod(x, axis=_axis(axis), keepdims=keepdims)


def mean(x, axis=None, keepdims=False):
    """Mean over ``axis``; integer inputs give float32."""
    return pt.reduce_mean(_float(x), axis=_axis(axis), keepdims=keepdims)


def var(x, axis=None, keepdims=False):
    """Population variance over ``axis``."""
    x = _float(x)
    centred = x - pt.reduce_mean(x, axis=_axis(axis), keepdims=True)
    return pt.reduce_mean(centred * centred, axis=_axis(axis), keepdims=keepdims)


def std(x, axis=None, keepdims=False):
    """Population standard deviation over ``axis``."""
    return pt.sqrt(var(x, axis, keepdims))


def max(x, axis=None, keepdims=False, initial=None):
    """Maximum over ``axis``; ``initial`` joins the comparison."""
    x = _tensor(x)
    out = pt.reduce_max(x, axis=_axis(axis), keepdims=keepdims)
    return out if initial is None else pt.maximum(out, _tensor(initial, _name(x)))


def min(x, axis=None, keepdims=False, initial=None):
    """Minimum over ``axis``; ``initial`` joins the comparison."""
    x = _tensor(x)
    out = pt.reduce_min(x, axis=_axis(axis), keepdims=keepdims)
    return out if initial is None else pt.minimum(out, _tensor(initial, _name(x)))


amax = max
amin = min


def ptp(x, axis=None, keepdims=False):
    """``max - min`` over ``axis``."""
    return max(x, axis, keepdims) - min(x, axis, keepdims)


def all(x, axis=None, keepdims=False):
    """Whether every element over ``axis`` is nonzero."""
    return pt.reduce_all(_bool(x), axis=_axis(axis), keepdims=keepdims)


def any(x, axis=None, keepdims=False):
    """Whether some element over ``axis`` is nonzero."""
    return pt.reduce_any(_bool(x), axis=_axis(axis), keepdims=keepdims)


def count_nonzero(x, axis=None):
    """How many elements over ``axis`` are nonzero (int32)."""
    return pt.reduce_sum(pt.cast(_bool(x), "int32"), axis=_axis(axis))


def average(x, axis=None, weights=None):
    """Mean over ``axis`` weighted by ``weights`` (1-D along ``axis``, or ``x``'s shape)."""
    x = _float(x)
    if weights is None:
        return mean(x, axis)
    weights = _tensor(weights, _name(x))
    if axis is not None and weights.ndim == 1 and x.ndim > 1:
        shape = [1] * x.ndim
        shape[_norm_axis(axis, x.ndim)] = -1
        weights = pt.reshape(weights, shape)
    weights = pt.broadcast_to(weights, x.shape)
    return pt.reduce_sum(x * weights, axis=axis) / pt.reduce_sum(weights, axis=axis)


def _flat_or(x, axis):
    x = _tensor(x)
    return (pt.reshape(x, [-1]), 0) if axis is None else (x, axis)


def argmax(x, axis=None, keepdims=False):
    """Index of the maximum along ``axis`` (of the flattened ``x`` by default), int32."""
    flat, ax = _flat_or(x, axis)
    out = pt.cast(pt.argmax(flat, axis=ax), "int32")
    if keepdims:
        out = pt.reshape(out, [1] * _tensor(x).ndim) if axis is None else pt.expand_dims(out, axis)
    return out


def argmin(x, axis=None, keepdims=False):
    """Index of the minimum along ``axis`` (of the flattened ``x`` by default), int32."""
    flat, ax = _flat_or(x, axis)
    out = pt.cast(pt.argmin(flat, axis=ax), "int32")
    if keepdims:
        out = pt.reshape(out, [1] * _tensor(x).ndim) if axis is None else pt.expand_dims(out, axis)
    return out


def cumsum(x, axis=None, dtype=None):
    """Running sum along ``axis`` (of the flattened ``x`` by default): tf.math.cumsum."""
    x = _numeric(x) if dtype is None else _tensor(x, dtype)
    if axis is None:
        x, axis = pt.reshape(x, [-1]), 0
    return pt.math.cumsum(x, axis=axis)


def cumprod(x, axis=None, dtype=None):
    """Running product along ``axis`` (of the flattened ``x`` by default): tf.math.cumprod."""
    x = _numeric(x) if dtype is None else _tensor(x, dtype)
    if axis is None:
        x, axis = pt.reshape(x, [-1]), 0
    return pt.math.cumprod(x, axis=axis)


# Sorting: tf.sort / tf.argsort (stable, differentiable through a gather) -----------------------------------------
def sort(x, axis=-1):
    """``x`` sorted ascending along ``axis``."""
    return pt.sort(_tensor(x), axis=axis)


def argsort(x, axis=-1):
    """Indices that sort ``x`` ascending along ``axis`` (stable), int32."""
    return pt.argsort(_tensor(x), axis=axis, stable=True)


# Shapes ---------------------------------------------------------------------------------------------------------
def reshape(x, newshape):
    """``x`` with shape ``newshape`` (one entry may be -1)."""
    return pt.reshape(_tensor(x), list(newshape) if isinstance(newshape, (tuple, list)) else [newshape])


def ravel(x):
    """``x`` flattened."""
    return pt.reshape(_tensor(x), [-1])


def transpose(x, axes=None):
    """``x`` with its axes permuted (reversed by default)."""
    x = _tensor(x)
    return pt.transpose(x, list(axes) if axes is not None else list(range(x.ndim))[::-1])


def moveaxis(x, source, destination):
    """``x`` with axes ``source`` moved to ``destination``."""
    x = _tensor(x)
    source = [source] if isinstance(source, int) else list(source)
    destination = [destination] if isinstance(destination, int) else list(destination)
    source = [_norm_axis(a, x.ndim) for a in source]
    destination = [_norm_axis(a, x.ndim) for a in destination]
    order = [a for a in range(x.ndim) if a not in source]
    for dst, src in sorted(zip(destination, source)):
        order.insert(dst, src)
    return pt.transpose(x, order)


def swapaxes(x, axis1, axis2):
    """``x`` with two axes exchanged."""
    x = _tensor(x)
    order = list(range(x.ndim))
    a, b = _norm_axis(axis1, x.ndim), _norm_axis(axis2, x.ndim)
    order[a], order[b] = order[b], order[a]
    return pt.transpose(x, order)


def expand_dims(x, axis):
    """``x`` with new length-1 axes at ``axis`` (an int or a tuple)."""
    x = _tensor(x)
    axes = [axis] if isinstance(axis, int) else list(axis)
    ndim = x.ndim + len(axes)
    for a in sorted(_norm_axis(a, ndim) for a in axes):
        x = pt.expand_dims(x, a)
    return x


def squeeze(x, axis=None):
    """``x`` without its length-1 axes (those of ``axis`` only, when given)."""
    x = _tensor(x)
    if axis is None:
        return pt.squeeze(x)
    axes = [axis] if isinstance(axis, int) else list(axis)
    return pt.squeeze(x, axis=[_norm_axis(a, x.ndim) for a in axes])


def broadcast_to(x, shape):
    """``x`` broadcast to ``shape``."""
    return pt.broadcast_to(_tensor(x), list(shape))


def _common(xs):
    xs = [_tensor(x) for x in xs]
    dtype = xs[0].dtype.name
    for x in xs[1:]:
        dtype = _promote(dtype, x.dtype.name)
    return [_tensor(x, dtype) for x in xs]


def concatenate(xs, axis=0):
    """The tensors of ``xs`` joined along ``axis`` (``axis=None`` flattens them first)."""
    xs = _common(xs)
    if axis is None:
        xs, axis = [pt.reshape(x, [-1]) for x in xs], 0
    return pt.concat(xs, axis=axis)


def append(x1, x2, axis=None):
    """``x2`` appended to ``x1`` along ``axis`` (flattened by default)."""
    return concatenate([x1, x2], axis=axis)


def stack(x, axis=0):
    """The tensors of ``x`` stacked along a new ``axis``."""
    return pt.stack(_common(x), axis=axis)


def hstack(xs):
    """Concatenation along axis 1 (axis 0 for 1-D inputs)."""
    xs = _common(xs)
    return pt.concat(xs, axis=0 if xs[0].ndim == 1 else 1)


def vstack(xs):
    """Concatenation along axis 0 (1-D inputs stay 1-D, as Keras 3 on TensorFlow gives)."""
    return pt.concat(_common(xs), axis=0)


def unstack(x, num=None, axis=0):
    """The slices of ``x`` along ``axis`` as a list."""
    return pt.unstack(_tensor(x), axis=axis)


def split(x, indices_or_sections, axis=0):
    """``x`` cut along ``axis`` into equal sections (an int) or at the given indices (a list)."""
    x = _tensor(x)
    length = x.shape[axis]
    if isinstance(indices_or_sections, int):
        if length % indices_or_sections:
            raise ValueError(f"keras.ops.split: axis {axis} of shape {tuple(x.shape)} has length {length}, which "
                             f"{indices_or_sections} equal sections cannot divide; pass split indices instead.")
        return pt.split(x, indices_or_sections, axis=axis)
    bounds = [0] + [int(i) for i in indices_or_sections] + [length]
    return pt.split(x, [b - a for a, b in zip(bounds[:-1], bounds[1:])], axis=axis)


def tile(x, repeats):
    """``x`` repeated ``repeats`` times per axis (numpy's rules for a short ``repeats``)."""
    x = _tensor(x)
    repeats = [repeats] if isinstance(repeats, int) else list(repeats)
    if len(repeats) < x.ndim:
        repeats = [1] * (x.ndim - len(repeats)) + repeats
    while x.ndim < len(repeats):
        x = pt.expand_dims(x, 0)
    return pt.tile(x, repeats)


def repeat(x, repeats, axis=None):
    """Each element of ``x`` repeated ``repeats`` times (an int) along ``axis`` (flattened by default)."""
    x = _tensor(x)
    if axis is None:
        x, axis = pt.reshape(x, [-1]), 0
    if not isinstance(repeats, int):
        counts = [int(r) for r in _np.asarray(repeats).reshape(-1)]
        if len(counts) != 1:
            index = _np.repeat(_np.arange(x.shape[axis]), counts)
            return pt.gather(x, index.astype(_np.int32), axis=axis)
        repeats = counts[0]
    axis = _norm_axis(axis, x.ndim)
    expanded = pt.expand_dims(x, axis + 1)
    multiples = [1] * expanded.ndim
    multiples[axis + 1] = repeats
    shape = list(x.shape)
    shape[axis] *= repeats
    return pt.reshape(pt.tile(expanded, multiples), shape)


def flip(x, axis=None):
    """``x`` reversed along ``axis`` (all axes by default)."""
    x = _tensor(x)
    axes = range(x.ndim) if axis is None else [axis] if isinstance(axis, int) else axis
    axes = {_norm_axis(a, x.ndim) for a in axes}
    return x[tuple(slice(None, None, -1) if a in axes else slice(None) for a in range(x.ndim))]


def roll(x, shift, axis=None):
    """``x`` shifted cyclically by ``shift`` along ``axis`` (flattened by default)."""
    x = _tensor(x)
    if axis is None:
        return pt.reshape(roll(pt.reshape(x, [-1]), shift, 0), x.shape)
    axis = _norm_axis(axis, x.ndim)
    n = x.shape[axis]
    shift %= n if n else 1
    if shift == 0:
        return x
    head = [slice(None)] * axis
    return pt.concat([x[tuple(head + [slice(n - shift, None)])], x[tuple(head + [slice(0, n - shift)])]],
                     axis=axis)


def pad(x, pad_width, mode="constant", constant_values=None):
    """``x`` padded by ``pad_width`` (numpy's forms); modes ``constant``, ``reflect`` and ``symmetric``."""
    x = _tensor(x)
    widths = _np.broadcast_to(_np.asarray(pad_width, dtype=_np.int64), (x.ndim, 2)).tolist()
    if mode == "constant":
        if constant_values is not None and constant_values != 0:
            return pt.pad(x, widths, mode="CONSTANT", constant_values=constant_values)
        return pt.pad(x, widths)
    if mode in ("reflect", "symmetric"):
        return pt.pad(x, widths, mode=mode.upper())
    raise ValueError(f"keras.ops.pad: mode {mode!r} is not supported; use 'constant', 'reflect' or 'symmetric'.")


def diagonal(x, offset=0, axis1=0, axis2=1):
    """The diagonal of ``x`` over ``axis1`` and ``axis2``, moved to the last axis."""
    x = moveaxis(_tensor(x), [axis1, axis2], [-2, -1])
    rows, cols = x.shape[-2], x.shape[-1]
    n = _builtin_min(rows, cols - offset) if offset >= 0 else _builtin_min(rows + offset, cols)
    n = _builtin_max(n, 0)
    r = _np.arange(n) + _builtin_max(-offset, 0)
    c = _np.arange(n) + _builtin_max(offset, 0)
    flat = pt.reshape(x, list(x.shape[:-2]) + [rows * cols])
    return pt.gather(flat, (r * cols + c).astype(_np.int32), axis=flat.ndim - 1)


def trace(x, offset=0, axis1=0, axis2=1):
    """Sum of the diagonal."""
    return pt.reduce_sum(diagonal(_numeric(x), offset, axis1, axis2), axis=-1)


def diag(x, k=0):
    """The ``k``-th diagonal of a matrix, or a matrix with a vector on its ``k``-th diagonal."""
    x = _tensor(x)
    if x.ndim == 2:
        return diagonal(x, k)
    return _diag_matrix(x, x.shape[0] + _builtin_abs(k), k)


def _diag_matrix(v, n, k):
    rows = _np.arange(v.shape[0]) + _builtin_max(-k, 0)
    cols = _np.arange(v.shape[0]) + _builtin_max(k, 0)
    return pt.scatter_nd(_np.stack([rows, cols], 1).astype(_np.int32), v, [n, n])


def tri(N, M=None, k=0, dtype=None):
    """Ones at and below the ``k``-th diagonal."""
    M = N if M is None else M
    mask = pt.greater_equal(pt.expand_dims(pt.range(N), 1) + k, pt.expand_dims(pt.range(M), 0))
    return pt.cast(mask, dtype or _FLOATX)


def tril(x, k=0):
    """``x`` with the elements above the ``k``-th diagonal zeroed."""
    x = _tensor(x)
    mask = pt.cast(tri(x.shape[-2], x.shape[-1], k, "bool"), "bool")
    return pt.where(mask, x, pt.zeros_like(x))


def triu(x, k=0):
    """``x`` with the elements below the ``k``-th diagonal zeroed."""
    x = _tensor(x)
    mask = pt.logical_not(pt.cast(tri(x.shape[-2], x.shape[-1], k - 1, "bool"), "bool"))
    return pt.where(mask, x, pt.zeros_like(x))


# Indexing -------------------------------------------------------------------------------------------------------
def _wrap(indices, n):
    indices = _tensor(indices)
    if indices.dtype.is_floating:
        indices = pt.cast(indices, "int32")
    return pt.where(indices < 0, indices + n, indices)


def take(x, indices, axis=None):
    """Elements of ``x`` at ``indices`` along ``axis`` (of the flattened ``x`` by default); negative indices
    count from the end."""
    x = _tensor(x)
    if axis is None:
        x, axis = pt.reshape(x, [-1]), 0
    return pt.gather(x, _wrap(indices, x.shape[axis]), axis=axis)


def take_along_axis(x, indices, axis=None):
    """Elements of ``x`` picked along ``axis`` by ``indices`` (same rank as ``x``, broadcast on other axes)."""
    x = _tensor(x)
    if axis is None:
        return take(x, pt.reshape(_tensor(indices), [-1]), 0)
    axis = _norm_axis(axis, x.ndim)
    indices = _wrap(indices, x.shape[axis])
    out_shape = [_builtin_max(a, b) for a, b in zip(x.shape, indices.shape)]
    out_shape[axis] = indices.shape[axis]
    x_shape = list(out_shape)
    x_shape[axis] = x.shape[axis]
    x = pt.broadcast_to(x, x_shape)
    indices = pt.broadcast_to(pt.cast(indices, "int32"), out_shape)
    # Flat index: the row-major offset of every other axis plus the picked position times axis's stride.
    strides = _np.cumprod([1] + x_shape[::-1])[:-1][::-1]
    offset = 0
    for a, n in enumerate(out_shape):
        if a == axis:
            continue
        shape = [1] * len(out_shape)
        shape[a] = n
        offset = offset + pt.reshape(pt.range(n) * int(strides[a]), shape)
    flat_index = indices * int(strides[axis]) + offset
    return pt.reshape(pt.gather(pt.reshape(x, [-1]), pt.reshape(flat_index, [-1])), out_shape)


# Linear algebra -------------------------------------------------------------------------------------------------
def matmul(x1, x2):
    """Matrix product with numpy's rules for 1-D operands and batch broadcasting."""
    x1, x2 = _operands(x1, x2)
    if x1.ndim == 1 and x2.ndim == 1:
        return pt.reduce_sum(x1 * x2)
    if x1.ndim == 1:
        return pt.squeeze(pt.matmul(pt.expand_dims(x1, 0), x2), axis=[x2.ndim - 2])
    if x2.ndim == 1:
        return pt.squeeze(pt.matmul(x1, pt.expand_dims(x2, -1)), axis=[x1.ndim - 1])
    return pt.matmul(x1, x2)


def dot(x1, x2):
    """numpy's ``dot``: products of scalars, inner product of vectors, matmul of matrices, and for N-D the sum
    over the last axis of ``x1`` and the second-last of ``x2``."""
    x1, x2 = _operands(x1, x2)
    if x1.ndim == 0 or x2.ndim == 0:
        return x1 * x2
    if x2.ndim <= 2:
        return matmul(x1, x2)
    return pt.tensordot(x1, x2, [[x1.ndim - 1], [x2.ndim - 2]])


def tensordot(x1, x2, axes=2):
    """Sum of products over the given ``axes`` (an int or two lists)."""
    x1, x2 = _operands(x1, x2)
    return pt.tensordot(x1, x2, axes)


def einsum(subscripts, *operands, **kwargs):
    """Einstein summation over ``operands`` (promoted to one dtype)."""
    return pt.einsum(subscripts, *_common(operands))


def outer(x1, x2):
    """Outer product of the flattened inputs."""
    x1, x2 = _operands(x1, x2)
    return pt.reshape(x1, [-1, 1]) * pt.reshape(x2, [1, -1])


def inner(x1, x2):
    """Sum of products over the last axes."""
    x1, x2 = _operands(x1, x2)
    if x1.ndim == 0 or x2.ndim == 0:
        return x1 * x2
    return pt.tensordot(x1, x2, [[x1.ndim - 1], [x2.ndim - 1]])


def vdot(x1, x2):
    """Inner product of the flattened inputs."""
    x1, x2 = _operands(x1, x2)
    return pt.reduce_sum(pt.reshape(x1, [-1]) * pt.reshape(x2, [-1]))


def kron(x1, x2):
    """Kronecker product."""
    x1, x2 = _operands(x1, x2)
    ndim = _builtin_max(x1.ndim, x2.ndim)
    x1 = pt.reshape(x1, [1] * (ndim - x1.ndim) + list(x1.shape))
    x2 = pt.reshape(x2, [1] * (ndim - x2.ndim) + list(x2.shape))
    a = pt.reshape(x1, [d for n in x1.shape for d in (n, 1)])
    b = pt.reshape(x2, [d for n in x2.shape for d in (1, n)])
    return pt.reshape(a * b, [p * q for p, q in zip(x1.shape, x2.shape)])


def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Cross product of 3-vectors along the last axis."""
    x1, x2 = _operands(x1, x2)
    a0, a1, a2 = pt.unstack(x1, axis=-1)
    b0, b1, b2 = pt.unstack(x2, axis=-1)
    return pt.stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], axis=-1)


# Creation -------------------------------------------------------------------------------------------------------
def zeros(shape, dtype=None):
    """A tensor of zeros (float32 by default)."""
    return pt.zeros([shape] if isinstance(shape, int) else list(shape), dtype=dtype or _FLOATX)


def ones(shape, dtype=None):
    """A tensor of ones (float32 by default)."""
    return pt.ones([shape] if isinstance(shape, int) else list(shape), dtype=dtype or _FLOATX)


def empty(shape, dtype=None):
    """A tensor of ``shape`` (zeros here)."""
    return zeros(shape, dtype)


def full(shape, fill_value, dtype=None):
    """A tensor of ``shape`` filled with ``fill_value`` (float32 unless ``dtype`` is given, as Keras)."""
    value = _tensor(fill_value, pt.as_dtype(dtype or _FLOATX).name)
    return pt.broadcast_to(value, [shape] if isinstance(shape, int) else list(shape))


def zeros_like(x, dtype=None):
    """Zeros of ``x``'s shape (and dtype unless given)."""
    x = _tensor(x)
    return pt.zeros(list(x.shape), dtype=dtype or _name(x))


def ones_like(x, dtype=None):
    """Ones of ``x``'s shape."""
    x = _tensor(x)
    return pt.ones(list(x.shape), dtype=dtype or _name(x))


empty_like = zeros_like


def full_like(x, fill_value, dtype=None):
    """``fill_value`` in ``x``'s shape."""
    x = _tensor(x)
    return pt.broadcast_to(_tensor(fill_value, dtype or _name(x)), list(x.shape))


def eye(N, M=None, k=0, dtype=None):
    """Ones on the ``k``-th diagonal of an ``N x M`` matrix."""
    M = N if M is None else M
    mask = pt.equal(pt.expand_dims(pt.range(N), 1) + k, pt.expand_dims(pt.range(M), 0))
    return pt.cast(mask, dtype or _FLOATX)


def identity(n, dtype=None):
    """The ``n x n`` identity matrix."""
    return eye(n, dtype=dtype)


def arange(start, stop=None, step=1, dtype=None):
    """Evenly spaced values in ``[start, stop)``; int32 for integer arguments, float32 otherwise."""
    if stop is None:
        start, stop = 0, start
    if dtype is None:
        dtype = "int32" if _builtin_all(isinstance(v, int) for v in (start, stop, step)) else _FLOATX
    dtype = pt.as_dtype(dtype).name
    return pt.constant(_np.arange(start, stop, step).astype(dtype))


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """``num`` evenly spaced values from ``start`` to ``stop`` (included unless ``endpoint=False``)."""
    start, stop = _float(start), _float(stop)
    divisions = (num - 1) if endpoint else num
    step = (stop - start) / float(_builtin_max(divisions, 1))
    steps = pt.cast(pt.range(num), _name(start))
    shape = [num] + [1] * start.ndim
    values = start + pt.reshape(steps, shape) * step
    if endpoint and num > 1:
        values = pt.concat([values[:-1], pt.expand_dims(stop + pt.zeros_like(start), 0)], axis=0)
    if axis != 0:
        values = moveaxis(values, 0, axis)
    if dtype is not None:
        values = pt.cast(values, dtype)
    return (values, step) if retstep else values


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    """``base ** linspace(start, stop, num)``."""
    out = pt.pow(_tensor(float(base)), linspace(start, stop, num, endpoint, axis=axis))
    return out if dtype is None else pt.cast(out, dtype)


def meshgrid(*x, indexing="xy"):
    """Coordinate grids of the 1-D inputs (``'xy'``: the first two axes swapped, as numpy)."""
    xs = [pt.reshape(_tensor(v), [-1]) for v in x]
    shape = [int(v.shape[0]) for v in xs]
    if indexing == "xy" and len(xs) > 1:
        shape[0], shape[1] = shape[1], shape[0]
    out = []
    for i, v in enumerate(xs):
        axis = i
        if indexing == "xy" and len(xs) > 1 and i < 2:
            axis = 1 - i
        view = [1] * len(xs)
        view[axis] = -1
        out.append(pt.broadcast_to(pt.reshape(v, view), shape))
    return out


def copy(x):
    """A copy of ``x``."""
    return pt.identity(_tensor(x))


def size(x):
    """Number of elements (an int)."""
    return int(_np.prod(_tensor(x).shape))


def ndim(x):
    """Number of axes (an int), also of the functional API's symbolic inputs."""
    return len(x.shape) if getattr(x, "_pytensor_symbolic", False) else _tensor(x).ndim


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    """``x`` with NaN, +inf and -inf replaced (by default by 0 and the dtype's extremes)."""
    x = _tensor(x)
    if not x.dtype.is_floating:
        return x
    finfo = _np.finfo(_name(x))
    x = pt.where(pt.math.is_nan(x), full_like(x, nan), x)
    x = pt.where(isinf(x) & (x > 0), full_like(x, finfo.max if posinf is None else posinf), x)
    return pt.where(isinf(x) & (x < 0), full_like(x, finfo.min if neginf is None else neginf), x)


# More numpy ops, composed from the ones above ------------------------------------------------------------------
def array(x, dtype=None):
    """``x`` as a tensor (of ``dtype`` when given)."""
    return _tensor(x, None if dtype is None else pt.as_dtype(dtype).name)


def fabs(x):
    """``|x|`` as a float."""
    return pt.abs(_float(x))


def deg2rad(x):
    """Degrees to radians."""
    return _float(x) * (_np.pi / 180.0)


def rad2deg(x):
    """Radians to degrees."""
    return _float(x) * (180.0 / _np.pi)


def fliplr(x):
    """``x`` reversed along axis 1."""
    return flip(x, 1)


def flipud(x):
    """``x`` reversed along axis 0."""
    return flip(x, 0)


def fmod(x1, x2):
    """Remainder with the sign of ``x1`` (C's ``fmod``)."""
    x1, x2 = _operands(x1, x2)
    return x1 - x2 * trunc(x1 / x2) if x1.dtype.is_floating else \
        x1 - x2 * pt.cast(trunc(pt.cast(x1, "float64") / pt.cast(x2, "float64")), _name(x1))


def fmax(x1, x2):
    """Elementwise maximum, NaN only where both are NaN."""
    x1, x2 = _operands(x1, x2)
    if not x1.dtype.is_floating:
        return pt.maximum(x1, x2)
    return pt.where(pt.math.is_nan(x1), x2, pt.where(pt.math.is_nan(x2), x1, pt.maximum(x1, x2)))


def fmin(x1, x2):
    """Elementwise minimum, NaN only where both are NaN."""
    x1, x2 = _operands(x1, x2)
    if not x1.dtype.is_floating:
        return pt.minimum(x1, x2)
    return pt.where(pt.math.is_nan(x1), x2, pt.where(pt.math.is_nan(x2), x1, pt.minimum(x1, x2)))


def heaviside(x1, x2):
    """0 where ``x1 < 0``, ``x2`` where ``x1 == 0``, 1 where ``x1 > 0``."""
    x1, x2 = _operands(x1, x2)
    x1, x2 = _float(x1), _float(x2)
    x2 = pt.broadcast_to(x2, pt.shape(x1 + x2))
    return pt.where(x1 > 0, pt.ones_like(x2), pt.where(pt.equal(x1, 0.0), x2, pt.zeros_like(x2)))


def isposinf(x):
    """True where ``x`` is +inf."""
    return pt.logical_and(isinf(x), pt.greater(_tensor(x), 0))


def isneginf(x):
    """True where ``x`` is -inf."""
    return pt.logical_and(isinf(x), pt.less(_tensor(x), 0))


def signbit(x):
    """True where the sign bit is set (negative numbers and -0.0)."""
    x = _tensor(x)
    if not x.dtype.is_floating:
        return pt.less(x, pt.zeros_like(x))
    negative_zero = pt.logical_and(pt.equal(x, 0.0), pt.less(pt.math.reciprocal(x), 0.0))
    return pt.logical_or(pt.less(x, 0.0), negative_zero)


def logaddexp2(x1, x2):
    """``log2(2 ** x1 + 2 ** x2)`` without overflow."""
    x1, x2 = _operands(x1, x2)
    x1, x2 = _float(x1), _float(x2)
    return pt.maximum(x1, x2) + pt.math.log1p(exp2(-pt.abs(x1 - x2))) / _np.log(2.0)


def ldexp(x1, x2):
    """``x1 * 2 ** x2``."""
    x1 = _float(x1)
    return x1 * exp2(pt.cast(_tensor(x2), _name(x1)))


def sinc(x):
    """``sin(pi x) / (pi x)``, 1 at 0."""
    x = _float(x)
    zero = pt.equal(x, 0.0)
    safe = pt.where(zero, pt.ones_like(x), x) * _np.pi
    return pt.where(zero, pt.ones_like(x), pt.sin(safe) / safe)


def real(x):
    """The real part: ``x`` itself (pytensor has no complex dtypes)."""
    return _tensor(x)


def imag(x):
    """The imaginary part: zeros (pytensor has no complex dtypes)."""
    return zeros_like(x)


def conj(x):
    """The complex conjugate: ``x`` itself (pytensor has no complex dtypes)."""
    return _tensor(x)


conjugate = conj


def isreal(x):
    """True everywhere (pytensor has no complex dtypes)."""
    return pt.equal(zeros_like(x), zeros_like(x))


def _nan_filled(x, value):
    x = _tensor(x)
    return x if not x.dtype.is_floating else pt.where(pt.math.is_nan(x), full_like(x, value), x)


def nansum(x, axis=None, keepdims=False):
    """Sum ignoring NaNs."""
    return sum(_nan_filled(x, 0.0), axis, keepdims)


def nanprod(x, axis=None, keepdims=False):
    """Product ignoring NaNs."""
    return prod(_nan_filled(x, 1.0), axis, keepdims)


def nanmean(x, axis=None, keepdims=False):
    """Mean of the non-NaN elements (NaN where all are NaN)."""
    x = _float(x)
    counts = pt.reduce_sum(pt.cast(pt.logical_not(pt.math.is_nan(x)), _name(x)), axis=_axis(axis), keepdims=keepdims)
    return nansum(x, axis, keepdims) / counts


def nanvar(x, axis=None, keepdims=False):
    """Population variance of the non-NaN elements."""
    x = _float(x)
    valid = pt.logical_not(pt.math.is_nan(x))
    centred = pt.where(valid, x - nanmean(x, axis, keepdims=True), zeros_like(x))
    counts = pt.reduce_sum(pt.cast(valid, _name(x)), axis=_axis(axis), keepdims=keepdims)
    return pt.reduce_sum(centred * centred, axis=_axis(axis), keepdims=keepdims) / counts


def nanstd(x, axis=None, keepdims=False):
    """Population standard deviation of the non-NaN elements."""
    return pt.sqrt(nanvar(x, axis, keepdims))


def _all_nan_to_nan(x, out, axis, keepdims):
    x = _tensor(x)
    if not x.dtype.is_floating:
        return out
    all_nan = pt.reduce_all(pt.math.is_nan(x), axis=_axis(axis), keepdims=keepdims)
    return pt.where(all_nan, full_like(out, _np.nan), out)


def nanmax(x, axis=None, keepdims=False):
    """Maximum ignoring NaNs (NaN where all are NaN)."""
    return _all_nan_to_nan(x, max(_nan_filled(x, -_np.inf), axis, keepdims), axis, keepdims)


def nanmin(x, axis=None, keepdims=False):
    """Minimum ignoring NaNs (NaN where all are NaN)."""
    return _all_nan_to_nan(x, min(_nan_filled(x, _np.inf), axis, keepdims), axis, keepdims)


def nanargmax(x, axis=None, keepdims=False):
    """Index of the maximum ignoring NaNs."""
    return argmax(_nan_filled(x, -_np.inf), axis, keepdims)


def nanargmin(x, axis=None, keepdims=False):
    """Index of the minimum ignoring NaNs."""
    return argmin(_nan_filled(x, _np.inf), axis, keepdims)


def nancumsum(x, axis=None, dtype=None):
    """Running sum with NaNs counted as 0."""
    return cumsum(_nan_filled(x, 0.0), axis, dtype)


def nancumprod(x, axis=None, dtype=None):
    """Running product with NaNs counted as 1."""
    return cumprod(_nan_filled(x, 1.0), axis, dtype)


def diff(a, n=1, axis=-1):
    """The ``n``-th difference along ``axis``."""
    a = _tensor(a)
    axis = _norm_axis(axis, a.ndim)
    head = (slice(None),) * axis
    for _ in range(n):
        a = a[head + (slice(1, None),)] - a[head + (slice(None, -1),)]
    return a


def dstack(xs):
    """Concatenation along axis 2 of inputs made at least 3-D."""
    def at_least_3d(x):
        return pt.reshape(x, [1, -1, 1]) if x.ndim == 1 else pt.expand_dims(x, -1) if x.ndim == 2 else x

    return pt.concat([at_least_3d(x) for x in _common(xs)], axis=2)


def array_split(x, indices_or_sections, axis=0):
    """``x`` cut along ``axis`` into ``indices_or_sections`` nearly equal parts (the first ones one longer)."""
    x = _tensor(x)
    if not isinstance(indices_or_sections, int):
        return split(x, indices_or_sections, axis)
    length, parts = x.shape[axis], indices_or_sections
    sizes = [length // parts + (1 if i < length % parts else 0) for i in range(parts)]
    return pt.split(x, sizes, axis=axis)


def hsplit(x, indices_or_sections):
    """``split`` along axis 1 (axis 0 for 1-D)."""
    return split(x, indices_or_sections, axis=0 if _tensor(x).ndim == 1 else 1)


def vsplit(x, indices_or_sections):
    """``split`` along axis 0."""
    return split(x, indices_or_sections, axis=0)


def dsplit(x, indices_or_sections):
    """``split`` along axis 2."""
    return split(x, indices_or_sections, axis=2)


def select(condlist, choicelist, default=0):
    """Per element, the choice of the first true condition, ``default`` where none holds."""
    choices = _common(list(choicelist))
    out = full_like(choices[0], default)
    for condition, choice in reversed(list(zip(condlist, choices))):
        out = pt.where(_bool(condition), choice, out)
    return out


def diagflat(x, k=0):
    """A matrix with the flattened ``x`` on its ``k``-th diagonal."""
    return diag(ravel(x), k)


def trapezoid(y, x=None, dx=1.0, axis=-1):
    """Integral of ``y`` along ``axis`` by the trapezoidal rule (spacing ``x`` or ``dx``)."""
    y = _float(y)
    axis = _norm_axis(axis, y.ndim)
    head = (slice(None),) * axis
    heights = (y[head + (slice(1, None),)] + y[head + (slice(None, -1),)]) / 2.0
    if x is None:
        return pt.reduce_sum(heights, axis=axis) * dx
    widths = diff(_tensor(x, _name(y)), axis=-1 if _tensor(x).ndim == 1 else axis)
    if widths.ndim == 1 and y.ndim > 1:
        shape = [1] * y.ndim
        shape[axis] = -1
        widths = pt.reshape(widths, shape)
    return pt.reduce_sum(heights * widths, axis=axis)


def vander(x, N=None, increasing=False):
    """Columns of powers of ``x`` (decreasing by default)."""
    x = _tensor(x)
    N = x.shape[0] if N is None else N
    powers = _np.arange(N) if increasing else _np.arange(N - 1, -1, -1)
    return pt.pow(pt.expand_dims(x, 1), _tensor(powers.astype(_name(x))))


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """``num`` values spaced evenly on a log scale from ``start`` to ``stop``."""
    start, stop = _float(start), _float(stop)
    sign = pt.sign(start)
    out = sign * pt.exp(linspace(pt.math.log(pt.abs(start)), pt.math.log(pt.abs(stop)), num, endpoint, axis=axis))
    return out if dtype is None else pt.cast(out, dtype)


def corrcoef(x):
    """Pearson correlation coefficients of the rows of ``x``."""
    x = _float(x)
    centred = x - pt.reduce_mean(x, axis=-1, keepdims=True)
    cov = pt.matmul(centred, pt.transpose(centred))
    d = pt.sqrt(diagonal(cov))
    return pt.clip_by_value(cov / (pt.expand_dims(d, 1) * pt.expand_dims(d, 0)), -1.0, 1.0)


def _count_less(sequence, values, inclusive):
    sequence, values = _operands(sequence, values)
    compare = pt.less_equal if inclusive else pt.less
    hits = compare(pt.expand_dims(sequence, 0), pt.expand_dims(pt.reshape(values, [-1]), 1))
    return pt.reshape(pt.reduce_sum(pt.cast(hits, "int32"), axis=1), values.shape)


def searchsorted(sorted_sequence, values, side="left"):
    """Indices where ``values`` would be inserted to keep the 1-D ``sorted_sequence`` sorted."""
    if side not in ("left", "right"):
        raise ValueError(f"keras.ops.searchsorted: side must be 'left' or 'right', got {side!r}.")
    return _count_less(sorted_sequence, values, side == "right")


def digitize(x, bins):
    """Index of the bin of each element of ``x`` (increasing ``bins``; numpy's ``right=False``)."""
    return _count_less(bins, x, True)


def isin(x1, x2, assume_unique=False, invert=False):
    """Whether each element of ``x1`` occurs in ``x2``."""
    x1, x2 = _operands(x1, x2)
    hits = pt.reduce_any(pt.equal(pt.expand_dims(x1, -1), pt.reshape(x2, [-1])), axis=-1)
    return pt.logical_not(hits) if invert else hits


def bincount(x, weights=None, minlength=0, sparse=False):
    """Occurrences of each non-negative integer in ``x`` (weighted sums with ``weights``); 2-D inputs count per
    row."""
    x = pt.cast(_tensor(x), "int32")
    length = _builtin_max(int(pt.reduce_max(x).numpy()) + 1 if x.shape[-1] else 0, minlength)
    hot = pt.one_hot(x, length, dtype="int32" if weights is None else _name(_tensor(weights)))
    if weights is not None:
        hot = hot * pt.expand_dims(_tensor(weights), -1)
    return pt.reduce_sum(hot, axis=x.ndim - 1)


def rot90(array, k=1, axes=(0, 1)):
    """``array`` rotated by ``k`` quarter turns in the plane of ``axes``."""
    x = _tensor(array)
    a, b = (_norm_axis(ax, x.ndim) for ax in axes)
    k %= 4
    if k == 2:
        return flip(flip(x, a), b)
    if k == 1:
        return swapaxes(flip(x, b), a, b)
    if k == 3:
        return flip(swapaxes(x, a, b), b)
    return x


def unravel_index(indices, shape):
    """The coordinates in ``shape`` of flat ``indices``, one tensor per axis."""
    indices = _tensor(indices)
    out = []
    for n in reversed(list(shape)):
        out.append(pt.math.floormod(indices, n))
        indices = pt.math.floordiv(indices, n)
    return tuple(reversed(out))


def quantile(x, q, axis=None, method="linear", keepdims=False):
    """The ``q``-quantiles (``q`` in [0, 1], a scalar or 1-D) of ``x`` along ``axis`` (all axes by default)."""
    x = _float(x)
    methods = ("linear", "lower", "higher", "midpoint", "nearest")
    if method not in methods:
        raise ValueError(f"keras.ops.quantile: method must be one of {methods}, got {method!r}.")
    original_ndim = x.ndim
    axes = list(range(x.ndim)) if axis is None else [axis] if isinstance(axis, int) else list(axis)
    axes = [_norm_axis(a, x.ndim) for a in axes]
    rest = [a for a in range(x.ndim) if a not in axes]
    x = pt.transpose(x, rest + axes)
    x = pt.reshape(x, [x.shape[i] for i in range(len(rest))] + [-1])
    ordered = sort(x, axis=-1)
    n = ordered.shape[-1]
    q = _np.asarray(q.numpy() if isinstance(q, pt.Tensor) else q, _np.float64)
    q_values = _np.atleast_1d(q)
    positions = q_values * (n - 1)
    lower, upper = _np.floor(positions).astype(_np.int32), _np.ceil(positions).astype(_np.int32)
    if method == "lower":
        upper = lower
    elif method == "higher":
        lower = upper
    elif method == "nearest":
        lower = upper = _np.round(positions).astype(_np.int32)
    fraction = 0.5 * _np.ones_like(positions) if method == "midpoint" else positions - _np.floor(positions)
    low, high = pt.gather(ordered, lower, axis=-1), pt.gather(ordered, upper, axis=-1)
    out = low + (high - low) * _tensor(fraction.astype(_name(x)))  # (..., len(q))
    if keepdims:
        shape = [1] * original_ndim
        for i, a in enumerate(rest):
            shape[a] = ordered.shape[i]
        out = pt.reshape(moveaxis(out, -1, 0), [len(q_values)] + shape)
    else:
        out = moveaxis(out, -1, 0)
    return out[0] if q.ndim == 0 else out


def percentile(x, q, axis=None, method="linear", keepdims=False):
    """The ``q``-th percentiles (``q`` in [0, 100])."""
    q = _np.asarray(q.numpy() if isinstance(q, pt.Tensor) else q, _np.float64) / 100.0
    return quantile(x, q, axis, method, keepdims)


def median(x, axis=None, keepdims=False):
    """The median along ``axis`` (all axes by default)."""
    return quantile(x, 0.5, axis, keepdims=keepdims)


def histogram(x, bins=10, range=None):
    """Counts of ``x`` (1-D) in ``bins`` equal bins over ``range`` (its min and max by default) and the bin edges;
    the last bin includes its right edge. The counts have ``x``'s float dtype, as Keras 3 gives."""
    x = _float(x)
    low, high = (pt.reduce_min(x), pt.reduce_max(x)) if range is None else (_tensor(float(range[0]), _name(x)),
                                                                          _tensor(float(range[1]), _name(x)))
    edges = linspace(low, high, bins + 1)
    index = pt.cast(pt.floor((x - low) / (high - low) * bins), "int32")
    index = pt.where(pt.equal(x, high), full_like(index, bins - 1), index)
    inside = pt.logical_and(pt.greater_equal(x, low), pt.less_equal(x, high))
    counts = pt.reduce_sum(pt.one_hot(pt.where(inside, index, full_like(index, -1)), bins, dtype=_name(x)), axis=0)
    return counts, edges


def _window(M, fn):
    if M == 1:
        return pt.ones([1])
    n = pt.cast(pt.range(M), "float32")
    return fn(n, float(M - 1))


def hamming(x):
    """Hamming window of ``x`` points."""
    return _window(int(x), lambda n, m: 0.54 - 0.46 * pt.cos(2.0 * _np.pi * n / m))


def hanning(x):
    """Hann window of ``x`` points."""
    return _window(int(x), lambda n, m: 0.5 - 0.5 * pt.cos(2.0 * _np.pi * n / m))


def blackman(x):
    """Blackman window of ``x`` points."""
    return _window(int(x), lambda n, m: 0.42 - 0.5 * pt.cos(2.0 * _np.pi * n / m)
                   + 0.08 * pt.cos(4.0 * _np.pi * n / m))


def bartlett(x):
    """Bartlett (triangular) window of ``x`` points."""
    return _window(int(x), lambda n, m: 1.0 - pt.abs(2.0 * n / m - 1.0))


def i0(x):
    """Modified Bessel function of the first kind, order 0 (power series, 30 terms: exact in float32 for
    ``|x|`` up to about 20)."""
    x = _float(x)
    quarter_square = x * x / 4.0
    term, total = pt.ones_like(x), pt.ones_like(x)
    for k in range(1, 30):
        term = term * quarter_square / float(k * k)
        total = total + term
    return total


def kaiser(x, beta):
    """Kaiser window of ``x`` points with shape ``beta``."""
    def window(n, m):
        ratio = 2.0 * n / m - 1.0
        return i0(beta * pt.sqrt(pt.maximum(1.0 - ratio * ratio, 0.0))) / i0(_tensor(float(beta)))

    return _window(int(x), window)


def cdist(x, y):
    """Euclidean distances between the rows of ``x`` (..., m, d) and ``y`` (..., n, d)."""
    x, y = _operands(x, y)
    x, y = _float(x), _float(y)
    difference = pt.expand_dims(x, -2) - pt.expand_dims(y, -3)
    return pt.sqrt(pt.reduce_sum(difference * difference, axis=-1))


def correlate(x1, x2, mode="valid"):
    """Cross-correlation of two 1-D tensors, ``c[k] = sum_n x1[n + k] * x2[n]`` (numpy's modes)."""
    x1, x2 = _operands(x1, x2)
    x1, x2 = _float(x1), _float(x2)
    n, m = x1.shape[0], x2.shape[0]
    if mode not in ("valid", "same", "full"):
        raise ValueError(f"keras.ops.correlate: mode must be 'valid', 'same' or 'full', got {mode!r}.")
    if n < m:  # numpy swaps the operands and reverses the result
        return flip(correlate(x2, x1, mode), 0)
    left = {"valid": 0, "same": m // 2, "full": m - 1}[mode]
    right = {"valid": 0, "same": m - 1 - m // 2, "full": m - 1}[mode]
    padded = pt.pad(x1, [[left, right]])
    frames = padded.shape[0] - m + 1
    index = (_np.arange(frames)[:, None] + _np.arange(m)[None, :]).astype(_np.int32)
    return pt.reduce_sum(pt.gather(padded, index) * x2, axis=-1)


def gcd(x1, x2):
    """Greatest common divisor of integers (Euclid's algorithm, run eagerly until every pair is done)."""
    a, b = _operands(x1, x2)
    a, b = pt.abs(a), pt.abs(b)
    a, b = pt.broadcast_to(a, pt.shape(a + b)), pt.broadcast_to(b, pt.shape(a + b))
    while bool(pt.reduce_any(pt.not_equal(b, 0)).numpy()):
        nonzero_b = pt.not_equal(b, 0)
        safe_b = pt.where(nonzero_b, b, pt.ones_like(b))
        a, b = pt.where(nonzero_b, b, a), pt.where(nonzero_b, pt.math.floormod(a, safe_b), b)
    return a


def lcm(x1, x2):
    """Least common multiple of integers (0 where either is 0)."""
    a, b = _operands(x1, x2)
    divisor = gcd(a, b)
    return pt.abs(pt.where(pt.equal(divisor, 0), pt.zeros_like(divisor),
                           pt.math.floordiv(a, pt.where(pt.equal(divisor, 0), pt.ones_like(divisor), divisor)) * b))


def _bits(x):
    """The 64 two's-complement bits of integer ``x`` (as int64, least significant first); floor division by 2
    keeps the bits of negative numbers right."""
    x = pt.cast(x, "int64")
    bits = []
    for _ in range(64):
        bits.append(pt.math.floormod(x, 2))
        x = pt.math.floordiv(x, 2)
    return bits


def _from_bits(bits, dtype, width):
    """The integer of ``dtype`` whose low ``width`` bits are ``bits[:width]`` (the top one the sign)."""
    total = pt.zeros_like(bits[0])
    for i, bit in enumerate(bits[:width - 1]):
        total = total + bit * (2 ** i)
    sign_weight = 2 ** (width - 2)  # -2 ** (width - 1), in two halves so that 2 ** 63 never appears
    return pt.cast(total - bits[width - 1] * sign_weight - bits[width - 1] * sign_weight, dtype)


def _bitwise(x, y, combine, op):
    x, y = _operands(x, y)
    if x.dtype.is_floating:
        raise TypeError(f"keras.ops.{op}: expected integer or bool tensors, got {_name(x)}.")
    if x.dtype.is_bool:
        return pt.greater(combine(pt.cast(x, "int64"), pt.cast(y, "int64")), 0)
    return _from_bits([combine(a, b) for a, b in zip(_bits(x), _bits(y))], _name(x), 8 * x.dtype.size)


def bitwise_and(x, y):
    """Bitwise and of integers (logical and of booleans)."""
    return _bitwise(x, y, lambda a, b: a * b, "bitwise_and")


def bitwise_or(x, y):
    """Bitwise or of integers."""
    return _bitwise(x, y, lambda a, b: a + b - a * b, "bitwise_or")


def bitwise_xor(x, y):
    """Bitwise exclusive or of integers."""
    return _bitwise(x, y, lambda a, b: pt.math.floormod(a + b, 2), "bitwise_xor")


def bitwise_invert(x):
    """Bitwise not: ``-x - 1`` for integers, ``not x`` for booleans."""
    x = _tensor(x)
    if x.dtype.is_bool:
        return pt.logical_not(x)
    if x.dtype.is_floating:
        raise TypeError(f"keras.ops.bitwise_invert: expected integer or bool tensors, got {_name(x)}.")
    return pt.negative(x) - pt.ones_like(x)


bitwise_not = bitwise_invert


def _powers_of_two(y):
    y = pt.cast(y, "int64")
    return pt.pow(pt.fill(pt.shape(y), _np.int64(2)), y)


def bitwise_left_shift(x, y):
    """``x`` shifted left by ``y`` bits, wrapping within the integer type (shifts below its width)."""
    x, y = _operands(x, y)
    width = 8 * x.dtype.size
    return _from_bits(_bits(pt.cast(x, "int64") * _powers_of_two(y)), _name(x), width)


def bitwise_right_shift(x, y):
    """``x`` shifted right by ``y`` bits, arithmetic for signed integers (``floor(x / 2 ** y)``)."""
    x, y = _operands(x, y)
    return pt.cast(pt.math.floordiv(pt.cast(x, "int64"), _powers_of_two(y)), _name(x))


left_shift = bitwise_left_shift
right_shift = bitwise_right_shift


def _nan_quantile(x, q, axis, method, keepdims):
    """``quantile`` of the non-NaN elements: NaNs sort last (as +inf), and each row interpolates over its own
    count of valid elements."""
    x = _float(x)
    q = _np.asarray(q.numpy() if isinstance(q, pt.Tensor) else q, _np.float64)
    original_ndim = x.ndim
    axes = list(range(x.ndim)) if axis is None else [axis] if isinstance(axis, int) else list(axis)
    axes = [_norm_axis(a, x.ndim) for a in axes]
    rest = [a for a in range(x.ndim) if a not in axes]
    x = pt.transpose(x, rest + axes)
    x = pt.reshape(x, [x.shape[i] for i in range(len(rest))] + [-1])
    valid = pt.cast(pt.logical_not(pt.math.is_nan(x)), _name(x))
    ordered = sort(pt.where(pt.math.is_nan(x), full_like(x, _np.inf), x), axis=-1)
    count = pt.reduce_sum(valid, axis=-1, keepdims=True)  # (..., 1)
    outs = []
    for value in _np.atleast_1d(q):
        position = (count - 1.0) * float(value)
        low, high = pt.floor(position), pt.ceil(position)
        if method == "lower":
            high = low
        elif method == "higher":
            low = high
        elif method == "nearest":
            low = high = pt.round(position)
        fraction = full_like(position, 0.5) if method == "midpoint" else position - pt.floor(position)
        low_value = take_along_axis(ordered, pt.cast(pt.maximum(low, 0.0), "int32"), axis=-1)
        high_value = take_along_axis(ordered, pt.cast(pt.maximum(high, 0.0), "int32"), axis=-1)
        out = low_value + (high_value - low_value) * fraction
        outs.append(pt.where(pt.greater(count, 0.0), out, full_like(out, _np.nan))[..., 0])
    out = pt.stack(outs, axis=0)
    if keepdims:
        shape = [1] * original_ndim
        for i, a in enumerate(rest):
            shape[a] = ordered.shape[i]
        out = pt.reshape(out, [len(outs)] + shape)
    return out[0] if q.ndim == 0 else out


def nanquantile(x, q, axis=None, method="linear", keepdims=False):
    """``quantile`` ignoring NaNs (NaN where a row has none)."""
    return _nan_quantile(x, q, axis, method, keepdims)


def nanpercentile(x, q, axis=None, method="linear", keepdims=False):
    """``percentile`` ignoring NaNs."""
    q = _np.asarray(q.numpy() if isinstance(q, pt.Tensor) else q, _np.float64) / 100.0
    return _nan_quantile(x, q, axis, method, keepdims)


def nanmedian(x, axis=None, keepdims=False):
    """``median`` ignoring NaNs."""
    return _nan_quantile(x, 0.5, axis, "linear", keepdims)


def unique(x, sorted=True, return_index=False, return_inverse=False, return_counts=False, axis=None, size=None,
           fill_value=None):
    """The distinct elements of ``x`` (flattened, or the distinct slices along ``axis``), in ascending order;
    optionally the first indices, the inverse indices and the counts (int32). The values are gathered from
    ``x``, so gradients follow; ``size`` pads (with ``fill_value``, default 0) or cuts the result."""
    x = _tensor(x)
    values = x.numpy()
    flat = x if axis is not None else pt.reshape(x, [-1])
    found = _np.unique(values if axis is not None else values.reshape(-1), return_index=True, return_inverse=True,
                       return_counts=True, axis=axis)
    _, index, inverse, counts = found
    out_axis = 0 if axis is None else _norm_axis(axis, x.ndim)
    result = pt.gather(flat, index.astype(_np.int32), axis=out_axis)
    if size is not None:
        have = result.shape[out_axis]
        if have > size:
            result = pt.gather(result, _np.arange(size, dtype=_np.int32), axis=out_axis)
        elif have < size:
            pad_shape = list(result.shape)
            pad_shape[out_axis] = size - have
            result = pt.concat([result, full(pad_shape, 0 if fill_value is None else fill_value, _name(x))],
                               axis=out_axis)
    extras = [index.astype(_np.int32)] if return_index else []
    extras += [inverse.reshape(values.shape if axis is None else -1).astype(_np.int32)] if return_inverse else []
    extras += [counts.astype(_np.int32)] if return_counts else []
    if not extras:
        return result
    return (result,) + tuple(pt.constant(e) for e in extras)


import builtins as _builtins  # noqa: E402  (sum/min/max/abs/all are shadowed above by their Keras ops)

_builtin_min, _builtin_max, _builtin_abs, _builtin_all = _builtins.min, _builtins.max, _builtins.abs, _builtins.all


from ..._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook("pytensor.keras.ops")  # a Keras op pytensor lacks says so (see _missing.py)
