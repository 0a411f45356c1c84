"""``tf.experimental.numpy`` (``import tensorflow.experimental.numpy as tnp``): numpy's API on pytensor tensors.

Every function returns a pytensor Tensor (``tnp.ndarray`` is Tensor) computed by pytensor's ops, so results are
differentiable where the ops are. Dtypes follow numpy as TF's module does: a Python float is float64 (float32
after ``experimental_enable_numpy_behavior(prefer_float32=True)`` or in the "all"/"safe" modes), a Python int
int64 (int32 in "all"/"safe"); operands of two dtypes are promoted (numpy's ``result_type``, or TF's lattice in
"all"/"safe" mode, see _promotion). Integer inputs of float-valued functions (sqrt, mean, ...) compute in the
default float dtype.
"""

import builtins
import math as _pymath

import numpy as _np

import pytensor as _pt
from pytensor import _core
from pytensor import linalg as _linalg
from pytensor import math as _math

from . import _behavior, _promotion

ndarray = _core.Tensor
newaxis = None
pi, e, inf = _np.pi, _np.e, _np.inf
bool_, int_, float_, complex_ = _np.bool_, _np.int64, _np.float64, _np.complex128
int8, int16, int32, int64 = _np.int8, _np.int16, _np.int32, _np.int64
uint8, uint16, uint32, uint64 = _np.uint8, _np.uint16, _np.uint32, _np.uint64
float16, float32, float64 = _np.float16, _np.float32, _np.float64
complex64, complex128 = _np.complex64, _np.complex128
object_, string_, unicode_, inexact = _np.object_, _np.bytes_, _np.str_, _np.inexact
finfo, iinfo, issubdtype, iscomplexobj, isrealobj = _np.finfo, _np.iinfo, _np.issubdtype, _np.iscomplexobj, \
    _np.isrealobj


def experimental_enable_numpy_behavior(prefer_float32=False, dtype_conversion_mode="legacy"):
    """Turns on numpy methods on tensors (``.T``, ``.reshape``, ``.astype``, ...) and TF's dtype-conversion mode:
    "legacy", "all" or "safe" (see pytensor.experimental.numpy._behavior)."""
    _behavior.enable(prefer_float32=prefer_float32, dtype_conversion_mode=dtype_conversion_mode)


def _dtype_name(dtype):
    if dtype is None:
        return None
    if dtype in (float, int, complex):  # numpy's meaning of Python's types, not TF's
        return _np.dtype(dtype).name
    return _pt.as_dtype(dtype).name


def _python_dtype(value):
    """The dtype numpy gives a Python value, with the mode's default int and float."""
    kind = _np.asarray(value).dtype
    if kind.kind == "f":
        return _behavior.python_float()
    if kind.kind in "iu":
        return _behavior.default_int()
    if kind.kind == "c":
        return "complex128"
    return kind.name


def asarray(a, dtype=None):
    """`a` as a tensor: tensors and numpy arrays keep their dtype unless `dtype` is given."""
    dtype = _dtype_name(dtype)
    if isinstance(a, (_core.Tensor, _core.Variable)):
        t = a if isinstance(a, _core.Tensor) else a.read_value()
        return t if dtype is None or t.dtype.name == dtype else _pt.cast(t, dtype)
    if isinstance(a, (_np.ndarray, _np.generic)):
        t = _pt.constant(a)
        return t if dtype is None or t.dtype.name == dtype else _pt.cast(t, dtype)
    if isinstance(a, (list, tuple)) and builtins.any(isinstance(v, (_core.Tensor, _core.Variable)) for v in a):
        return stack([asarray(v) for v in a]) if dtype is None else stack([asarray(v, dtype) for v in a])
    out = _pt.constant(_np.asarray(a), dtype=dtype or _python_dtype(a))
    return _behavior._mark_weak(out, dtype is None and _behavior.promoting())


def array(val, dtype=None, copy=True, ndmin=0):
    """A tensor of `val` (tensors are immutable, so `copy` changes nothing) with at least `ndmin` dimensions."""
    out = asarray(val, dtype)
    while out.shape.rank < ndmin:
        out = _pt.expand_dims(out, 0)
    return out


asanyarray = ascontiguousarray = asarray


def copy(a):
    return array(a)


def _scalar(value, dtype):
    """A Python number as a scalar tensor of dtype (converted once, without a float32 detour)."""
    return _pt.constant(value, dtype=dtype)


def _float_input(x):
    """x as a tensor; integers and bools become the default float (functions with real-valued results)."""
    t = asarray(x)
    if not (t.dtype.is_floating or t.dtype.is_complex):
        t = _pt.cast(t, _behavior.default_float())
    return t


def _promote(*args):
    """The tensors of args promoted to one dtype (numpy's rule in legacy mode, TF's lattice otherwise)."""
    if len(args) == 1:
        return [asarray(args[0])]
    values = list(args)
    weak = [_behavior.is_weak(v) or (isinstance(v, (list, tuple)) and _is_python(v)) for v in values]
    strong = [asarray(v) for v, w in zip(values, weak) if not w]
    tensors = [asarray(v) for v in values]
    if not strong:  # Python numbers only: the highest kind among their default dtypes (int < float < complex)
        kinds = "bifc"
        return _cast_all(tensors, builtins.max((t.dtype.name for t in tensors),
                                               key=lambda name: kinds.index(_promotion._weak_kind(name))))
    target = _fold([t.dtype.name for t in strong])
    for v, w in zip(values, weak):
        if w:
            t = asarray(v)
            kind = _promotion._weak_kind(t.dtype.name)
            if "bifc".index(kind) > "bifc".index(_promotion._weak_kind(target)):
                target = _fold([target, "complex128" if kind == "c" else _behavior.python_float()])
    return _cast_all(tensors, target)


def _is_python(v):
    return builtins.all(isinstance(x, (int, float, complex)) or (isinstance(x, (list, tuple)) and _is_python(x)) for x in v)


def _fold(names):
    out = names[0]
    for name in names[1:]:
        if _behavior.promoting():
            out = _promotion.result_dtype(_behavior.STATE["mode"], out, False, name, False)[0]
        else:
            out = _promotion.numpy_result_dtype(out, name)
    return out


def _cast_all(tensors, dtype):
    return [t if t.dtype.name == dtype else _pt.cast(t, dtype) for t in tensors]


def result_type(*arrays_and_dtypes):
    """The dtype numpy (or the promotion mode) gives these operands, as a numpy dtype."""
    names = [_dtype_name(a) if isinstance(a, (type, _np.dtype, str, _pt.DType)) else asarray(a).dtype.name
             for a in arrays_and_dtypes]
    return _np.dtype(_fold(names))


def promote_types(type1, type2):
    return result_type(type1, type2)


# ----- element-wise -----

def _unary(op, floating=False):
    def f(x):
        return op(_float_input(x) if floating else asarray(x))

    f.__name__ = getattr(op, "__name__", "f")
    return f


def _binary(op, floating=False):
    def f(x1, x2):
        a, b = _promote(x1, x2)
        if floating and not (a.dtype.is_floating or a.dtype.is_complex):
            a, b = _cast_all([a, b], _behavior.default_float())
        return op(a, b)

    return f


abs = absolute = _unary(_pt.abs)
fabs = _unary(_pt.abs)  # TF's fabs keeps an integer dtype
negative = _unary(_pt.negative)
positive = _unary(lambda x: x)
sign = _unary(_pt.sign)
square = _unary(_pt.square)
sqrt = _unary(_pt.sqrt, True)
cbrt = _unary(lambda x: _pt.sign(x) * _pt.pow(_pt.abs(x), _scalar(1.0 / 3.0, x.dtype)), True)
exp = _unary(_pt.exp, True)
exp2 = _unary(lambda x: _pt.pow(_scalar(2.0, x.dtype), x), True)
expm1 = _unary(_math.expm1, True)
log = _unary(_pt.math.log, True)
# TF's log2 / log10: the natural log in the input's float dtype, divided in float64 (so float64 results)
log2 = _unary(lambda x: _pt.cast(_pt.math.log(x), "float64") / _scalar(_pymath.log(2.0), "float64"), True)
log10 = _unary(lambda x: _pt.cast(_pt.math.log(x), "float64") / _scalar(_pymath.log(10.0), "float64"), True)
log1p = _unary(_math.log1p, True)
sin, cos, tan = _unary(_math.sin, True), _unary(_math.cos, True), _unary(_math.tan, True)
sinh, cosh, tanh = _unary(_math.sinh, True), _unary(_math.cosh, True), _unary(_math.tanh, True)
arcsin, arccos, arctan = _unary(_math.asin, True), _unary(_math.acos, True), _unary(_math.atan, True)
arcsinh, arccosh, arctanh = _unary(_math.asinh, True), _unary(_math.acosh, True), _unary(_math.atanh, True)
deg2rad = _unary(lambda x: x * _scalar(_np.pi / 180.0, x.dtype), True)
rad2deg = _unary(lambda x: x * _scalar(180.0 / _np.pi, x.dtype), True)
reciprocal = _unary(_math.reciprocal)
floor = _unary(_pt.floor, True)
ceil = _unary(_pt.ceil, True)
fix = _unary(lambda x: _pt.where(x < 0, _pt.ceil(x), _pt.floor(x)), True)
isnan = _unary(_math.is_nan, True)
isinf = _unary(_math.is_inf, True)
isfinite = _unary(_math.is_finite, True)
isposinf = _unary(lambda x: _math.is_inf(x) & (x > 0), True)
isneginf = _unary(lambda x: _math.is_inf(x) & (x < 0), True)
signbit = _unary(lambda x: (x < 0) | ((x == 0) & (_scalar(1.0, x.dtype) / x < 0)) if x.dtype.is_floating
                 else x < 0)
sinc = _unary(lambda x: _pt.where(x == 0, _pt.ones_like(x),
                                  _math.sin(x * _scalar(_np.pi, x.dtype)) /
                                  _pt.where(x == 0, _pt.ones_like(x), x * _scalar(_np.pi, x.dtype))), True)
real = _unary(_math.real)
imag = _unary(_math.imag)
conj = conjugate = _unary(_math.conj)
angle = _unary(lambda x: _pt.cast(_math.angle(x), "float32"), True)  # float32 whatever the input, as TF's
logical_not = _unary(lambda x: _pt.logical_not(_pt.cast(x, "bool")))
bitwise_not = _unary(lambda x: _pt.logical_not(x) if x.dtype == _pt.bool else _pt.bitwise.invert(x))


def around(a, decimals=0):
    x = asarray(a)
    if not x.dtype.is_floating:
        return x
    scale = _scalar(10.0 ** decimals, x.dtype)
    return _math.round(x * scale) / scale


round = around


def iscomplex(x):
    t = asarray(x)
    return _math.imag(t) != 0 if t.dtype.is_complex else _pt.zeros_like(t, dtype="bool")


def isreal(x):
    return logical_not(iscomplex(x))


def isscalar(num):
    return isinstance(num, (int, float, complex, bool, _np.generic)) or (
        isinstance(num, (_core.Tensor, _core.Variable)) and num.shape.rank == 0)


add = _binary(_pt.add)
subtract = _binary(_pt.subtract)
multiply = _binary(_pt.multiply)
def _true_divide(a, b):
    """TF's rule: integers of up to 16 bits divide in float32, wider ones (and bools) in the default float."""
    if not (a.dtype.is_floating or a.dtype.is_complex):
        small = a.dtype in (_pt.int8, _pt.int16, _pt.uint8, _pt.uint16)
        a, b = _cast_all([a, b], "float32" if small else _behavior.default_float())
    return _pt.truediv(a, b)


true_divide = divide = _binary(_true_divide)
floor_divide = _binary(_pt.floordiv)
mod = remainder = _binary(_pt.math.floormod)
power = _binary(_pt.pow)
float_power = _binary(_pt.pow)  # TF's float_power keeps an integer dtype
maximum = _binary(_pt.maximum)
minimum = _binary(_pt.minimum)
arctan2 = _binary(_math.atan2, True)
hypot = _binary(lambda a, b: _pt.sqrt(a * a + b * b), True)
logaddexp = _binary(lambda a, b: _pt.maximum(a, b) + _math.log1p(_pt.exp(-_pt.abs(a - b))), True)
logaddexp2 = _binary(lambda a, b: _pt.maximum(a, b) + _math.log1p(_pt.pow(_scalar(2.0, a.dtype), -_pt.abs(a - b)))
                     / _scalar(_pymath.log(2.0), a.dtype), True)
nextafter = _binary(_math.nextafter, True)
heaviside = _binary(lambda a, b: _pt.where(a < 0, _pt.zeros_like(a), _pt.where(a > 0, _pt.ones_like(a), b)), True)
equal, not_equal = _binary(_pt.equal), _binary(_pt.not_equal)
less, less_equal = _binary(_pt.less), _binary(_pt.less_equal)
greater, greater_equal = _binary(_pt.greater), _binary(_pt.greater_equal)
logical_and = _binary(lambda a, b: _pt.logical_and(_pt.cast(a, "bool"), _pt.cast(b, "bool")))
logical_or = _binary(lambda a, b: _pt.logical_or(_pt.cast(a, "bool"), _pt.cast(b, "bool")))
logical_xor = _binary(lambda a, b: _pt.not_equal(_pt.cast(a, "bool"), _pt.cast(b, "bool")))
bitwise_and = _binary(lambda a, b: _pt.logical_and(a, b) if a.dtype == _pt.bool else _pt.bitwise.bitwise_and(a, b))
bitwise_or = _binary(lambda a, b: _pt.logical_or(a, b) if a.dtype == _pt.bool else _pt.bitwise.bitwise_or(a, b))
bitwise_xor = _binary(lambda a, b: _pt.not_equal(a, b) if a.dtype == _pt.bool else _pt.bitwise.bitwise_xor(a, b))


def divmod(x1, x2):
    return floor_divide(x1, x2), mod(x1, x2)


def _gcd_loop(a, b):
    a, b = _pt.abs(a), _pt.abs(b)
    for _ in builtins.range(64 * 2):  # Euclid's steps: at most ~1.44 log2(max) + 2, under 128 for 64-bit values
        nonzero = b != 0
        safe_b = _pt.where(nonzero, b, _pt.ones_like(b))
        a, b = _pt.where(nonzero, b, a), _pt.where(nonzero, _pt.math.floormod(a, safe_b), b)
        if not bool(_pt.reduce_any(b != 0)):
            break
    return a


gcd = _binary(_gcd_loop)
lcm = _binary(lambda a, b: _pt.where((a == 0) | (b == 0), _pt.zeros_like(a),
                                     _pt.abs(a * b) // _pt.where(_gcd_loop(a, b) == 0, _pt.ones_like(a),
                                                                 _gcd_loop(a, b))))


def clip(a, a_min, a_max):
    x, lo, hi = _promote(a, a_min if a_min is not None else a, a_max if a_max is not None else a)
    if a_min is not None:
        x = _pt.maximum(x, lo)
    if a_max is not None:
        x = _pt.minimum(x, hi)
    return x


def where(condition, x=None, y=None):
    c = _pt.cast(asarray(condition), "bool")
    if x is None and y is None:
        return nonzero(c)
    a, b = _promote(x, y)
    return _pt.where(c, a, b)


def select(condlist, choicelist, default=0):
    out = asarray(default)
    for cond, choice in reversed(list(zip(condlist, choicelist))):
        out = where(cond, choice, out)
    return out


def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    x, y = _promote(a, b)
    x, y = _cast_all([x, y], x.dtype.name if x.dtype.is_floating else _behavior.default_float())
    close = _pt.abs(x - y) <= _scalar(atol, x.dtype) + _scalar(rtol, x.dtype) * _pt.abs(y)
    close = close | (x == y)
    if equal_nan:
        close = close | (_math.is_nan(x) & _math.is_nan(y))
    return close


def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    return _pt.reduce_all(isclose(a, b, rtol, atol, equal_nan))


def array_equal(a1, a2):
    x, y = asarray(a1), asarray(a2)
    if x.shape != y.shape:
        return asarray(False)
    x, y = _promote(x, y)
    return _pt.reduce_all(_pt.equal(x, y))


# ----- creation -----

def _shape(shape):
    return [int(shape)] if isinstance(shape, (int, _np.integer)) else [int(s) for s in shape]


def _creation_dtype(dtype):
    return _dtype_name(dtype) or _behavior.default_float()


def zeros(shape, dtype=float):
    return _pt.zeros(_shape(shape), dtype=_creation_dtype(None if dtype is float else dtype))


def ones(shape, dtype=float):
    return _pt.ones(_shape(shape), dtype=_creation_dtype(None if dtype is float else dtype))


empty = zeros


def full(shape, fill_value, dtype=None):
    value = asarray(fill_value, dtype)
    return _pt.broadcast_to(value, _shape(shape))


def zeros_like(a, dtype=None):
    t = asarray(a)
    return _pt.zeros(t.shape, dtype=_dtype_name(dtype) or t.dtype.name)


def ones_like(a, dtype=None):
    t = asarray(a)
    return _pt.ones(t.shape, dtype=_dtype_name(dtype) or t.dtype.name)


empty_like = zeros_like


def full_like(a, fill_value, dtype=None):
    t = asarray(a)
    return _pt.broadcast_to(_pt.cast(asarray(fill_value), _dtype_name(dtype) or t.dtype.name), t.shape)


def eye(N, M=None, k=0, dtype=float):
    dtype = _creation_dtype(None if dtype is float else dtype)
    M = N if M is None else M
    return _pt.linalg.diag(_pt.ones([builtins.max(0, builtins.min(N - builtins.max(-k, 0), M - builtins.max(k, 0)))],
                                    dtype=dtype), k=k, num_rows=N, num_cols=M)


def identity(n, dtype=float):
    return eye(n, dtype=dtype)


def arange(start, stop=None, step=1, dtype=None):
    if stop is None:
        start, stop = 0, start
    dtype = _dtype_name(dtype) or _promote(start, stop, step)[0].dtype.name
    n = builtins.max(0, int(_np.ceil((float(stop) - float(start)) / float(step))))
    return asarray(start, dtype) + _pt.cast(_pt.range(n), dtype) * asarray(step, dtype)


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=float, axis=0):
    dtype = _dtype_name(None if dtype is float else dtype) or _behavior.python_float()
    start, stop = _float_input(start), _float_input(stop)
    calc = "float64" if not _behavior.promoting() else start.dtype.name
    start, stop = _pt.cast(start, calc), _pt.cast(stop, calc)
    divisor = (num - 1) if endpoint else num
    step = (stop - start) / _scalar(builtins.max(divisor, 1), calc)
    steps = _pt.cast(_pt.range(num), calc)
    steps = _pt.reshape(steps, [num] + [1] * start.shape.rank)
    out = start + steps * step
    if endpoint and num > 1:
        out = _pt.concat([out[:-1], _pt.expand_dims(stop, 0)], axis=0)
    out = moveaxis(out, 0, axis) if axis != 0 else out
    out = _pt.cast(out, dtype)
    return (out, _pt.cast(step, dtype)) if retstep else out


def logspace(start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    exponent = linspace(start, stop, num, endpoint=endpoint, axis=axis)
    out = power(asarray(base, exponent.dtype), exponent)
    return out if dtype is None else asarray(out, dtype)


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    out = exp(linspace(log(start), log(stop), num, endpoint=endpoint, axis=axis))
    return out if dtype is None else asarray(out, dtype)


def tri(N, M=None, k=0, dtype=None):
    M = N if M is None else M
    rows = _pt.reshape(_pt.range(N), [N, 1])
    cols = _pt.reshape(_pt.range(M), [1, M])
    return _pt.cast(cols <= rows + k, _dtype_name(dtype) or _behavior.default_float())


def tril(m, k=0):
    x = asarray(m)
    mask = tri(x.shape[-2], x.shape[-1], k, "bool")
    return _pt.where(mask, x, _pt.zeros_like(x))


def triu(m, k=0):
    x = asarray(m)
    mask = tri(x.shape[-2], x.shape[-1], k - 1, "bool")
    return _pt.where(mask, _pt.zeros_like(x), x)


def vander(x, N=None, increasing=False):
    v = asarray(x)
    N = v.shape[0] if N is None else N
    powers = arange(N, dtype=v.dtype) if increasing else arange(N - 1, -1, -1, dtype=v.dtype)
    return power(_pt.expand_dims(v, 1), _pt.expand_dims(powers, 0))


def diag(v, k=0):
    x = asarray(v)
    if x.shape.rank == 1:
        return _pt.linalg.diag(x, k=k)
    return diagonal(x, offset=k)


def diagflat(v, k=0):
    return diag(ravel(v), k)


def diagonal(a, offset=0, axis1=0, axis2=1):
    x = moveaxis(asarray(a), (axis1, axis2), (-2, -1))
    return _pt.linalg.diag_part(x, k=offset)


def diag_indices(n, ndim=2):
    idx = arange(n, dtype="int64" if not _behavior.promoting() else "int32")
    return (idx,) * ndim


def trace(a, offset=0, axis1=0, axis2=1, dtype=None):
    out = sum(diagonal(a, offset, axis1, axis2), axis=-1)
    return out if dtype is None else asarray(out, dtype)


def meshgrid(*xi, **kwargs):
    return _pt.meshgrid(*[asarray(x) for x in xi], indexing=kwargs.get("indexing", "xy"))


def ix_(*args):
    n = len(args)
    return [_pt.reshape(asarray(a), [-1 if i == j else 1 for j in builtins.range(n)]) for i, a in enumerate(args)]


# ----- shapes -----

def shape(a):
    return tuple(asarray(a).shape.as_list())


def ndim(a):
    return asarray(a).shape.rank


def size(x, axis=None):
    s = shape(x)
    return int(_np.prod(s)) if axis is None else s[axis]


def reshape(a, newshape, order="C"):
    if order != "C":
        raise ValueError(f"reshape: only order='C' is supported, got {order!r}")
    return _pt.reshape(asarray(a), _shape(newshape))


def ravel(a):
    return _pt.reshape(asarray(a), [-1])


flatten = ravel


def transpose(a, axes=None):
    return _pt.transpose(asarray(a), perm=None if axes is None else list(axes))


def swapaxes(a, axis1, axis2):
    x = asarray(a)
    perm = list(builtins.range(x.shape.rank))
    perm[axis1], perm[axis2] = perm[axis2], perm[axis1]
    return _pt.transpose(x, perm)


def moveaxis(a, source, destination):
    x = asarray(a)
    rank = x.shape.rank
    source = [s % rank for s in ([source] if isinstance(source, int) else source)]
    destination = [d % rank for d in ([destination] if isinstance(destination, int) else destination)]
    order = [i for i in builtins.range(rank) if i not in source]
    for d, s in sorted(zip(destination, source)):
        order.insert(d, s)
    return _pt.transpose(x, order)


def expand_dims(a, axis):
    return _pt.expand_dims(asarray(a), axis)


def squeeze(a, axis=None):
    return _pt.squeeze(asarray(a), axis=axis)


def atleast_1d(*arys):
    out = [reshape(a, [1]) if ndim(a) == 0 else asarray(a) for a in arys]
    return out[0] if len(out) == 1 else out


def atleast_2d(*arys):
    out = []
    for a in arys:
        x = asarray(a)
        out.append(reshape(x, [1, 1]) if x.shape.rank == 0 else (_pt.expand_dims(x, 0) if x.shape.rank == 1 else x))
    return out[0] if len(out) == 1 else out


def atleast_3d(*arys):
    out = []
    for a in arys:
        x = asarray(a)
        r = x.shape.rank
        out.append(reshape(x, [1, 1, 1]) if r == 0 else reshape(x, [1, -1, 1]) if r == 1
                   else _pt.expand_dims(x, -1) if r == 2 else x)
    return out[0] if len(out) == 1 else out


def broadcast_to(array, shape):
    return _pt.broadcast_to(asarray(array), _shape(shape))


def broadcast_arrays(*args, **kwargs):
    xs = [asarray(a) for a in args]
    target = _np.broadcast_shapes(*[tuple(x.shape.as_list()) for x in xs])
    return [_pt.broadcast_to(x, list(target)) for x in xs]


def concatenate(arys, axis=0):
    xs = _promote(*arys)
    if axis is None:
        return _pt.concat([ravel(x) for x in xs], axis=0)
    return _pt.concat(xs, axis=axis)


def append(arr, values, axis=None):
    return concatenate([arr, values], axis=axis)


def stack(arrays, axis=0):
    return _pt.stack(_promote(*arrays), axis=axis)


def hstack(tup):
    xs = atleast_1d(*tup) if len(tup) > 1 else [atleast_1d(*tup)]
    return concatenate(xs, axis=0 if xs[0].shape.rank == 1 else 1)


def vstack(tup):
    xs = atleast_2d(*tup) if len(tup) > 1 else [atleast_2d(*tup)]
    return concatenate(xs, axis=0)


def dstack(tup):
    xs = atleast_3d(*tup) if len(tup) > 1 else [atleast_3d(*tup)]
    return concatenate(xs, axis=2)


def split(ary, indices_or_sections, axis=0):
    x = asarray(ary)
    if isinstance(indices_or_sections, int):
        return _pt.split(x, indices_or_sections, axis=axis)
    n = x.shape[axis]
    bounds = [0] + list(indices_or_sections) + [n]
    return _pt.split(x, [bounds[i + 1] - bounds[i] for i in builtins.range(len(bounds) - 1)], axis=axis)


def hsplit(ary, indices_or_sections):
    return split(ary, indices_or_sections, axis=1 if ndim(ary) > 1 else 0)


def vsplit(ary, indices_or_sections):
    return split(ary, indices_or_sections, axis=0)


def dsplit(ary, indices_or_sections):
    return split(ary, indices_or_sections, axis=2)


def flip(m, axis=None):
    x = asarray(m)
    axes = list(builtins.range(x.shape.rank)) if axis is None else ([axis] if isinstance(axis, int) else list(axis))
    return _pt.reverse(x, axes)


def fliplr(m):
    return flip(m, 1)


def flipud(m):
    return flip(m, 0)


def rot90(m, k=1, axes=(0, 1)):
    x = asarray(m)
    k %= 4
    for _ in builtins.range(k):
        x = swapaxes(flip(x, axes[1]), axes[0], axes[1])
    return x


def roll(a, shift, axis=None):
    x = asarray(a)
    if axis is None:
        return reshape(_pt.roll(ravel(x), shift, 0), x.shape.as_list())
    return _pt.roll(x, shift, axis)


def tile(A, reps):
    x = asarray(A)
    reps = _shape(reps)
    while x.shape.rank < len(reps):
        x = _pt.expand_dims(x, 0)
    reps = [1] * (x.shape.rank - len(reps)) + reps
    return _pt.tile(x, reps)


def repeat(a, repeats, axis=None):
    x = asarray(a)
    if axis is None:
        x, axis = ravel(x), 0
    return _pt.repeat(x, repeats, axis=axis)


def pad(array, pad_width, mode, **kwargs):
    """numpy's pad for mode "constant" (``constant_values=``), "reflect" and "symmetric"; `mode` is required, as in
    TF's tnp."""
    constant_values = kwargs.pop("constant_values", 0)
    if kwargs:
        raise TypeError(f"pad: unexpected arguments {sorted(kwargs)}")
    x = asarray(array)
    width = _np.broadcast_to(_np.asarray(pad_width), (x.shape.rank, 2)).tolist()
    return _pt.pad(x, width, mode=mode.upper(), constant_values=constant_values)


def take(a, indices, axis=None):
    x = asarray(a)
    if axis is None:
        x, axis = ravel(x), 0
    return _pt.gather(x, asarray(indices), axis=axis)


def take_along_axis(arr, indices, axis):
    x, idx = asarray(arr), asarray(indices)
    if axis is None:
        x, axis = ravel(x), 0
    axis %= x.shape.rank
    idx = _pt.broadcast_to(idx, [idx.shape[d] if d == axis else builtins.max(idx.shape[d], x.shape[d])
                                 for d in builtins.range(x.shape.rank)])
    grids = _pt.meshgrid(*[_pt.range(n) for n in idx.shape.as_list()], indexing="ij")
    coords = [_pt.cast(idx if d == axis else grids[d], "int64") for d in builtins.range(x.shape.rank)]
    return _pt.gather_nd(x, _pt.stack(coords, axis=-1))


def compress(condition, a, axis=None):
    x = asarray(a)
    if axis is None:
        x, axis = ravel(x), 0
    c = _pt.cast(asarray(condition), "bool")
    return _pt.boolean_mask(x, c[:x.shape[axis]], axis=axis)


def nonzero(a):
    x = asarray(a)
    idx = _pt.where(_pt.cast(x, "bool"))
    return tuple(idx[:, d] for d in builtins.range(x.shape.rank))


# ----- reductions -----

def _axis(axis):
    return list(axis) if isinstance(axis, tuple) else axis


def _reduce(op, a, axis, keepdims, dtype=None, promote_int=False):
    x = _accumulating(a, dtype) if promote_int else (asarray(a) if dtype is None else asarray(a, dtype))
    return op(x, axis=_axis(axis), keepdims=bool(keepdims))


def sum(a, axis=None, dtype=None, keepdims=None):
    return _reduce(_pt.reduce_sum, a, axis, keepdims, dtype, promote_int=True)


def prod(a, axis=None, dtype=None, keepdims=None):
    return _reduce(_pt.reduce_prod, a, axis, keepdims, dtype, promote_int=True)


def max(a, axis=None, keepdims=None):
    return _reduce(_pt.reduce_max, a, axis, keepdims)


def min(a, axis=None, keepdims=None):
    return _reduce(_pt.reduce_min, a, axis, keepdims)


amax, amin = max, min


def all(a, axis=None, keepdims=None):
    return _pt.reduce_all(_pt.cast(asarray(a), "bool"), axis=_axis(axis), keepdims=bool(keepdims))


def any(a, axis=None, keepdims=None):
    return _pt.reduce_any(_pt.cast(asarray(a), "bool"), axis=_axis(axis), keepdims=bool(keepdims))


def mean(a, axis=None, dtype=None, out=None, keepdims=None):
    x = _float_input(a) if dtype is None else asarray(a, dtype)
    return _pt.reduce_mean(x, axis=_axis(axis), keepdims=bool(keepdims))


def average(a, axis=None, weights=None, returned=False):
    if weights is None:
        avg = mean(a, axis)
        count = _pt.cast(size(a) // size(avg), avg.dtype)
        return (avg, _pt.broadcast_to(count, avg.shape)) if returned else avg
    x, w = _promote(_float_input(a), _float_input(weights))
    if w.shape.rank != x.shape.rank:
        w = _pt.reshape(w, [-1 if d == (axis % x.shape.rank) else 1 for d in builtins.range(x.shape.rank)])
    total = _pt.reduce_sum(w * _pt.ones_like(x), axis=axis)
    avg = _pt.reduce_sum(x * w, axis=axis) / total
    return (avg, total) if returned else avg


def var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=None):
    x = _float_input(a) if dtype is None else asarray(a, dtype)
    centred = x - _pt.reduce_mean(x, axis=_axis(axis), keepdims=True)
    squares = _math.real(centred * _math.conj(centred)) if x.dtype.is_complex else centred * centred
    n = size(x) if axis is None else int(_np.prod([x.shape[d] for d in ([axis] if isinstance(axis, int) else axis)]))
    total = _pt.reduce_sum(squares, axis=_axis(axis), keepdims=bool(keepdims))
    return total / _scalar(builtins.max(n - ddof, 0), total.dtype)


def std(a, axis=None, keepdims=None):
    return _pt.sqrt(var(a, axis=axis, keepdims=keepdims))


def ptp(a, axis=None, keepdims=None):
    return max(a, axis, keepdims) - min(a, axis, keepdims)


def _nan_to(a, value):
    x = asarray(a)
    return _pt.where(_math.is_nan(x), _pt.fill(_pt.shape(x), _scalar(value, x.dtype)), x) if x.dtype.is_floating \
        else x


def nansum(a, axis=None, dtype=None, keepdims=False):
    return sum(_nan_to(a, 0), axis, dtype, keepdims)


def nanprod(a, axis=None, dtype=None, keepdims=False):
    return prod(_nan_to(a, 1), axis, dtype, keepdims)


def nanmean(a, axis=None, dtype=None, keepdims=None):
    x = _float_input(a)
    valid = _pt.cast(logical_not(_math.is_nan(x)), x.dtype)
    return sum(_nan_to(x, 0), axis, dtype, keepdims) / sum(valid, axis, dtype, keepdims)


def count_nonzero(a, axis=None):
    return _math.count_nonzero(asarray(a), axis=_axis(axis), dtype="int64")


def argmax(a, axis=None):
    x = asarray(a)
    return _pt.argmax(ravel(x) if axis is None else x, axis=0 if axis is None else axis)


def argmin(a, axis=None):
    x = asarray(a)
    return _pt.argmin(ravel(x) if axis is None else x, axis=0 if axis is None else axis)


def _accumulating(a, dtype):
    """`a` as numpy's sums and products take it: small integers and bools widened to the default int."""
    x = asarray(a)
    if dtype is not None:
        return _pt.cast(x, _dtype_name(dtype))
    if x.dtype in (_pt.bool, _pt.int8, _pt.int16, _pt.int32, _pt.uint8, _pt.uint16, _pt.uint32):
        return _pt.cast(x, _behavior.default_int() if x.dtype != _pt.uint32 else "uint64")
    return x


def cumsum(a, axis=None, dtype=None):
    x = _accumulating(a, dtype)
    if axis is None:
        x, axis = ravel(x), 0
    return _pt.cumsum(x, axis=axis)


def cumprod(a, axis=None, dtype=None):
    x = _accumulating(a, dtype)
    if axis is None:
        x, axis = ravel(x), 0
    return _math.cumprod(x, axis=axis)


def diff(a, n=1, axis=-1):
    x = asarray(a)
    for _ in builtins.range(n):
        length = x.shape[axis]
        x = _pt.gather(x, _pt.range(1, length), axis=axis) - _pt.gather(x, _pt.range(0, length - 1), axis=axis)
    return x


def sort(a, axis=-1, kind="quicksort", order=None):
    x = asarray(a)
    if axis is None:
        x, axis = ravel(x), -1
    return _pt.sort(x, axis=axis)


def argsort(a, axis=-1, kind="quicksort", order=None):
    x = asarray(a)
    if axis is None:
        x, axis = ravel(x), -1
    return _pt.cast(_pt.argsort(x, axis=axis, stable=True), "int64")


# ----- linear algebra -----

def matmul(x1, x2):
    a, b = _promote(x1, x2)
    if a.shape.rank == 1 and b.shape.rank == 1:
        return _pt.reduce_sum(a * b)
    if a.shape.rank == 1:
        return _pt.squeeze(_pt.matmul(_pt.expand_dims(a, 0), b), -2)
    if b.shape.rank == 1:
        return _pt.squeeze(_pt.matmul(a, _pt.expand_dims(b, -1)), -1)
    return _pt.matmul(a, b)


def dot(a, b):
    x, y = _promote(a, b)
    if x.shape.rank == 0 or y.shape.rank == 0:
        return x * y
    if y.shape.rank == 1 or y.shape.rank == 2:
        return matmul(x, y) if x.shape.rank <= 2 or y.shape.rank == 2 else _pt.tensordot(x, y, [[-1], [0]])
    return _pt.tensordot(x, y, [[x.shape.rank - 1], [y.shape.rank - 2]])


def vdot(a, b):
    x, y = _promote(ravel(a), ravel(b))
    return _pt.reduce_sum((_math.conj(x) if x.dtype.is_complex else x) * y)


def inner(a, b):
    x, y = _promote(a, b)
    if x.shape.rank == 0 or y.shape.rank == 0:
        return x * y
    return _pt.tensordot(x, y, [[x.shape.rank - 1], [y.shape.rank - 1]])


def outer(a, b):
    x, y = _promote(ravel(a), ravel(b))
    return _pt.expand_dims(x, 1) * _pt.expand_dims(y, 0)


def tensordot(a, b, axes=2):
    x, y = _promote(a, b)
    return _pt.tensordot(x, y, axes)


def kron(a, b):
    x, y = _promote(a, b)
    rank = builtins.max(x.shape.rank, y.shape.rank)
    x = _pt.reshape(x, [1] * (rank - x.shape.rank) + x.shape.as_list())
    y = _pt.reshape(y, [1] * (rank - y.shape.rank) + y.shape.as_list())
    # interleave: x's dims at even positions, y's at odd, then merge each pair
    xe = _pt.reshape(x, [d for n in x.shape.as_list() for d in (n, 1)])
    ye = _pt.reshape(y, [d for n in y.shape.as_list() for d in (1, n)])
    return _pt.reshape(xe * ye, [m * n for m, n in zip(x.shape.as_list(), y.shape.as_list())])


def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    if axis is not None:
        axisa = axisb = axisc = axis
    x, y = _promote(moveaxis(a, axisa, -1), moveaxis(b, axisb, -1))
    if x.shape[-1] == 2:
        x = _pt.pad(x, [[0, 0]] * (x.shape.rank - 1) + [[0, 1]])
    if y.shape[-1] == 2:
        y = _pt.pad(y, [[0, 0]] * (y.shape.rank - 1) + [[0, 1]])
    x, y = broadcast_arrays(x, y)
    out = _linalg.cross(x, y)
    return moveaxis(out, -1, axisc)


def einsum(subscripts, *operands, **kwargs):
    return _pt.einsum(subscripts, *_promote(*operands))


def polyval(p, x):
    coeffs = [asarray(c) for c in (p if isinstance(p, (list, tuple)) else list(asarray(p)))]
    value = asarray(x)
    out = _pt.zeros_like(value)
    for c in coeffs:
        out, c = _promote(out * value, c)
        out = out + c
    return out


from . import random  # noqa: E402,F401
