"""``tf.debugging``: run-time checks on tensor values, shapes and dtypes.

Eager, as TF 2 runs them: a check that holds returns None, one that fails raises at once — value checks
InvalidArgumentError with TF's message (the condition, the first differing entries, the first values of x
and y), shape checks ValueError, dtype checks TypeError.
"""

import numpy as np

from . import _core
from ._tensor_api import Tensor, Variable
from .dtypes import as_dtype
from .errors import InvalidArgumentError

__all__ = ["assert_equal", "assert_none_equal", "assert_less", "assert_less_equal", "assert_greater",
           "assert_greater_equal", "assert_near", "assert_positive", "assert_negative", "assert_non_negative",
           "assert_non_positive", "assert_rank", "assert_rank_at_least", "assert_rank_in", "assert_scalar",
           "assert_shapes", "assert_type", "assert_integer", "assert_all_finite", "check_numerics", "Assert",
           "set_log_device_placement", "get_log_device_placement", "is_numeric_tensor", "assert_proper_iterable",
           "assert_same_float_dtype", "enable_traceback_filtering", "disable_traceback_filtering",
           "is_traceback_filtering_enabled"]


def _values(x, dtype=None):
    """`x` as a tensor (a Variable read); Python values take `dtype` so `assert_equal(t, 1)` compares as t."""
    if isinstance(x, Variable):
        return x.read_value()
    if isinstance(x, Tensor):
        return x
    return _core.convert_to_tensor(x, dtype_hint=dtype)


def _first(array, summarize):
    flat = np.asarray(array).reshape(-1)
    return flat[: summarize if summarize is not None else 3]


def _binary_assert(x, y, compare, symbol, message, summarize):
    x = _values(x)
    y = _values(y, dtype=x.dtype)
    holds = compare(x, y)  # raises InvalidArgumentError for shapes that do not broadcast, as TF
    if bool(_core.reduce_all(holds)):
        return None
    lines = [message] if message else []
    lines.append(f"Condition x {symbol} y did not hold.")
    x_np, y_np = x.numpy(), y.numpy()
    if symbol == "==" and x_np.shape == y_np.shape:  # TF names the first differing entries for equal shapes
        index = np.argwhere(~np.asarray(holds.numpy()))[:1]
        lines += ["Indices of first 1 different values:", str(index), "Corresponding x values:",
                  str(x_np[tuple(index.T)]), "Corresponding y values:", str(y_np[tuple(index.T)])]
    n = 3 if summarize is None else summarize
    lines += [f"First {min(n, x_np.size)} elements of x:", str(_first(x_np, n)),
              f"First {min(n, y_np.size)} elements of y:", str(_first(y_np, n))]
    raise InvalidArgumentError("\n".join(lines))


def assert_equal(x, y, message=None, summarize=None, name=None):
    """Raises InvalidArgumentError unless x == y element-wise (broadcasting)."""
    return _binary_assert(x, y, _core.equal, "==", message, summarize)


def assert_none_equal(x, y, message=None, summarize=None, name=None):
    """Raises InvalidArgumentError unless x != y for every element."""
    return _binary_assert(x, y, _core.not_equal, "!=", message, summarize)


def assert_less(x, y, message=None, summarize=None, name=None):
    """Raises InvalidArgumentError unless x < y element-wise."""
    return _binary_assert(x, y, _core.less, "<", message, summarize)


def assert_less_equal(x, y, message=None, summarize=None, name=None):
    """Raises InvalidArgumentError unless x <= y element-wise."""
    return _binary_assert(x, y, _core.less_equal, "<=", message, summarize)


def assert_greater(x, y, message=None, summarize=None, name=None):
    """Raises InvalidArgumentError unless x > y element-wise."""
    return _binary_assert(x, y, _core.greater, ">", message, summarize)


def assert_greater_equal(x, y, message=None, summarize=None, name=None):
    """Raises InvalidArgumentError unless x >= y element-wise."""
    return _binary_assert(x, y, _core.greater_equal, ">=", message, summarize)


def _sign_assert(x, compare, condition, message):
    x = _values(x)
    if bool(_core.reduce_all(compare(x, _core.zeros_like(x)))):
        return None
    values = [str(v) for v in x.numpy().reshape(-1).tolist()]
    lines = [message or "", f"Condition {condition} did not hold element-wise:",
             f"x (shape={x.shape} dtype={x.dtype.name}) = ", str(values)]
    raise InvalidArgumentError("\n".join(lines))


def assert_positive(x, message=None, summarize=None, name=None):
    """Raises InvalidArgumentError unless every element of x is > 0."""
    return _sign_assert(x, _core.greater, "x > 0", message)


def assert_negative(x, message=None, summarize=None, name=None):
    """Raises InvalidArgumentError unless every element of x is < 0."""
    return _sign_assert(x, _core.less, "x < 0", message)


def assert_non_negative(x, message=None, summarize=None, name=None):
    """Raises InvalidArgumentError unless every element of x is >= 0."""
    return _sign_assert(x, _core.greater_equal, "x >= 0", message)


def assert_non_positive(x, message=None, summarize=None, name=None):
    """Raises InvalidArgumentError unless every element of x is <= 0."""
    return _sign_assert(x, _core.less_equal, "x <= 0", message)


def assert_near(x, y, rtol=None, atol=None, message=None, summarize=None, name=None):
    """Raises InvalidArgumentError unless |x - y| <= atol + rtol * |y| element-wise.

    The default tolerances are 10 * eps of the dtype (1.19e-6 for float32, 2.2e-15 for float64), as TF.
    """
    x = _values(x)
    y = _values(y, dtype=x.dtype)
    eps = 10 * np.finfo(x.dtype.as_numpy_dtype).eps
    rtol = eps if rtol is None else rtol
    atol = eps if atol is None else atol
    close = _core.less_equal(_core.abs(x - y), atol + rtol * _core.abs(y))
    if bool(_core.reduce_all(close)):
        return None
    x_np, y_np = x.numpy(), y.numpy()
    lines = [message or "", f"x and y not equal to tolerance rtol = {rtol}, atol = {atol}",
             f"x (shape={x.shape} dtype={x.dtype.name}) = ", ", ".join(str(v) for v in _first(x_np, summarize)),
             f"y (shape={y.shape} dtype={y.dtype.name}) = ", ", ".join(str(v) for v in _first(y_np, summarize))]
    raise InvalidArgumentError("\n".join(lines))


def _static_rank(x):
    x = x if isinstance(x, (Tensor, Variable)) else _core.convert_to_tensor(x)
    return x, len(x.shape)


def assert_rank(x, rank, message=None, name=None):
    """Raises ValueError unless x has rank `rank`."""
    x, actual = _static_rank(x)
    if actual != int(rank):
        raise ValueError(f"{message + ' ' if message else ''}Tensor must have rank {int(rank)}. Received rank "
                         f"{actual}, shape {x.shape}")


def assert_rank_at_least(x, rank, message=None, name=None):
    """Raises ValueError unless x has rank >= `rank`."""
    x, actual = _static_rank(x)
    if actual < int(rank):
        raise ValueError(f"{message + ' ' if message else ''}Tensor must have rank at least {int(rank)}. Received "
                         f"rank {actual}, shape {x.shape}")


def assert_rank_in(x, ranks, message=None, name=None):
    """Raises ValueError unless the rank of x is one of `ranks`."""
    x, actual = _static_rank(x)
    ranks = tuple(int(r) for r in ranks)
    if actual not in ranks:
        raise ValueError(f"{message + ' ' if message else ''}Tensor must have rank in {ranks}. Received rank "
                         f"{actual}, shape {x.shape}")


def assert_scalar(tensor, message=None, name=None):
    """Raises ValueError unless `tensor` is a scalar (rank 0); returns it."""
    tensor, actual = _static_rank(tensor)
    if actual != 0:
        raise ValueError(f"{message + ' ' if message else ''}Expected scalar shape, saw shape: {tensor.shape}.")
    return tensor


def assert_shapes(shapes, data=None, summarize=None, message=None, name=None):
    """Raises ValueError unless each tensor has its shape spec and named dimensions agree across tensors.

    `shapes` is a list of ``(tensor, spec)`` pairs (or a dict); a spec lists each dimension as an int (that
    size), a name (one size wherever the name appears), ``None`` or ``'.'`` (any size); a leading ``'*'``
    stands for any number of leading dimensions; ``()`` and ``[]`` mean a scalar.

    Example:
        >>> pt.debugging.assert_shapes([(x, ("N", "D")), (y, ("N",))])
    """
    pairs = list(shapes.items()) if isinstance(shapes, dict) else list(shapes)
    sizes = {}  # dimension name -> (size, description of where it was fixed)
    prefix = message + " " if message else ""
    for tensor, spec in pairs:
        tensor, rank = _static_rank(tensor)
        spec = [spec] if isinstance(spec, (str, int)) and spec != "*" else list(spec)
        described = f"Tensor shape={tensor.shape} dtype={tensor.dtype.name}"
        if spec[:1] == ["*"]:
            spec = spec[1:]
            if rank < len(spec):
                raise ValueError(f"{prefix}{described} must have rank at least {len(spec)}. Received rank {rank}, "
                                 f"shape {tensor.shape}")
            dims = list(tensor.shape)[rank - len(spec):]
            offset = rank - len(spec)
        else:
            if rank != len(spec):
                raise ValueError(f"{prefix}{described} must have rank {len(spec)}. Received rank {rank}, shape "
                                 f"{tensor.shape}")
            dims, offset = list(tensor.shape), 0
        for axis, (want, size) in enumerate(zip(spec, dims)):
            if want is None or want == ".":
                continue
            if isinstance(want, int):
                if size != want:
                    raise ValueError(f"{prefix}{described} dimension {axis + offset} must have size {want}. "
                                     f"Received size {size}, shape {tensor.shape}")
                continue
            if want not in sizes:
                sizes[want] = (size, f"Specified by {described} dimension {axis + offset}.")
            elif sizes[want][0] != size:
                raise ValueError(f"{prefix}{sizes[want][1]}  {described} dimension {axis + offset} must have size "
                                 f"{sizes[want][0]}.  Received size {size}, shape {tensor.shape}")


def assert_type(tensor, tf_type, message=None, name=None):
    """Raises TypeError unless `tensor` has dtype `tf_type`."""
    want = as_dtype(tf_type)
    if tensor.dtype != want:
        raise TypeError(f"{message + ' ' if message else ''}tensor must be of type tf.{want.name}; got "
                        f"tf.{tensor.dtype.name}")


def assert_integer(x, message=None, name=None):
    """Raises TypeError unless x has an integer dtype."""
    if not x.dtype.is_integer:
        raise TypeError(f'{message + " " if message else ""}Expected "x" to be integer type.  Found: tensor of '
                        f"dtype {x.dtype.name}")


def check_numerics(tensor, message, name=None):
    """Returns `tensor` if it has no NaN or Inf, else raises InvalidArgumentError ('<message> : Tensor had NaN
    values')."""
    values = _values(tensor)
    if values.dtype.is_floating:
        if bool(_core.reduce_any(_core.is_nan(values))):
            raise InvalidArgumentError(f"{message} : Tensor had NaN values")
        if not bool(_core.reduce_all(_core.is_finite(values))):
            raise InvalidArgumentError(f"{message} : Tensor had Inf values")
    return values


def assert_all_finite(x, message, name=None):
    """As check_numerics: returns `x`, or raises InvalidArgumentError if it holds a NaN or Inf."""
    return check_numerics(x, message)


def Assert(condition, data, summarize=None, name=None):  # noqa: N802 - TF's name
    """Raises InvalidArgumentError listing `data` unless `condition` (a bool scalar) is true."""
    if bool(condition):
        return None
    shown = [d.numpy() if isinstance(d, (Tensor, Variable)) else d for d in data]
    raise InvalidArgumentError(f"Expected '{condition}' to be true. Summarized data: "
                               + "\n".join(str(d) for d in shown))


_log_device_placement = [False]


def set_log_device_placement(enabled):
    """TF's switch logging the device of every op it runs. pytensor runs every op on its one CPU device, so there
    is no placement to log: the switch is recorded and nothing is printed."""
    _log_device_placement[0] = bool(enabled)


def get_log_device_placement():
    """Whether ``set_log_device_placement`` turned device-placement logging on."""
    return _log_device_placement[0]


def is_numeric_tensor(tensor):
    """True for a tensor (or Variable) of a number dtype: float, int or complex (not bool or string)."""
    if not isinstance(tensor, (Tensor, Variable)):
        return False
    return not (tensor.dtype.is_bool or tensor.dtype.name == "string")


def assert_proper_iterable(values):
    """Raises TypeError unless ``values`` is an iterable of things, not a tensor, array or string (which
    would iterate element by element or character by character)."""
    if isinstance(values, (Tensor, Variable, np.ndarray, str, bytes)) or hasattr(values, "_array"):
        raise TypeError(f"Expected argument 'values' to be a 'proper' iterable.  Found: {type(values)}")
    if not hasattr(values, "__iter__"):
        raise TypeError(f"Expected argument 'values' to be iterable.  Found: {type(values)}")


def assert_same_float_dtype(tensors=None, dtype=None):
    """The float dtype ``tensors`` share (and ``dtype``, when given); float32 when there is nothing to check.
    ValueError for a non-float dtype or a mismatch."""
    expected = as_dtype(dtype) if dtype is not None else None
    if expected is not None and not expected.is_floating:
        raise ValueError(f"Expected floating point type, got {expected.name}.")
    for tensor in tensors or ():
        found = as_dtype(tensor.dtype)
        if expected is None:
            if not found.is_floating:
                raise ValueError(f"Expected floating point type, got {found.name}.")
            expected = found
        elif found != expected:
            raise ValueError(f"Expected {expected.name}, got {found.name} for tensor {tensor!r:.60}.")
    return expected if expected is not None else as_dtype("float32")


_traceback_filtering = [True]


def enable_traceback_filtering():
    """TF hides its internal frames from tracebacks; pytensor's tracebacks hold no internal op-dispatch frames to
    hide, so this only sets what ``is_traceback_filtering_enabled`` reports (as keras.config's switch)."""
    _traceback_filtering[0] = True


def disable_traceback_filtering():
    """Sets ``is_traceback_filtering_enabled`` to False (pytensor never hides frames)."""
    _traceback_filtering[0] = False


def is_traceback_filtering_enabled():
    return _traceback_filtering[0]

from ._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook(__name__)  # a TF name pytensor lacks says so (see _missing.py)
