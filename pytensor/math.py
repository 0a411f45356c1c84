"""``tf.math``: element-wise math, comparisons, reductions and products."""

from . import _core
from ._core import (  # noqa: F401  re-exported TF names
    abs, add, ceil, cos, divide, equal, erf, exp, expm1, floor, floordiv, floormod, greater, greater_equal,
    is_finite, is_nan, less, less_equal, log, log1p, logical_and, logical_not, logical_or, maximum,
    minimum, multiply, negative, not_equal, pow, reciprocal, round, rsqrt, sigmoid, sign, sin, sqrt,
    softplus, softsign, square, squared_difference, subtract, tanh,
)

# Every two-input element-wise registry op (family "binary" in csrc/ops/op_list.h) is a tf.math name: a new row
# is exported here without a line of its own.
globals().update({name: getattr(_core, name) for name, family, num_inputs, *_ in _core.op_registry()
                  if family == "binary" and num_inputs == 2})

truediv = divide
realdiv = divide
mod = floormod
neg = negative


def logical_xor(x, y, name=None):
    """Element-wise exclusive or of two bool tensors."""
    return _core.not_equal(_core.cast(x, "bool"), _core.cast(y, "bool"))


def divide_no_nan(x, y, name=None):
    """x / y, with 0 where y == 0 (TF's divide_no_nan)."""
    y = _core.convert_to_tensor(y, dtype_hint=getattr(x, "dtype", None))
    zero = _core.equal(y, 0)
    safe = _core.where(zero, _core.ones_like(y), y)
    return _core.where(zero, _core.zeros_like(y), _core.divide(x, safe))


from ._core import (  # noqa: E402,F401
    argmax, argmin, reduce_all, reduce_any, reduce_logsumexp, reduce_max, reduce_mean, reduce_min, reduce_prod,
    reduce_sum, unsorted_segment_sum,
)


from ._math_ops import *  # noqa: E402,F401,F403  element-wise functions, scans, segments, top_k ... (issue 18)
from ._math_ops import __all__ as _composed_names  # noqa: E402
from .nn._extra import approx_max_k, approx_min_k  # noqa: E402,F401  TF has them in tf.math and tf.nn
from ._special_functions import betainc, igamma, igammac, polygamma, zeta  # noqa: E402,F401
from . import _math_special as special  # noqa: E402  tf.math.special
from ._math_special import bessel_i0, bessel_i0e, bessel_i1, bessel_i1e  # noqa: E402,F401  TF has them in tf.math too

from ._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook(__name__)  # a TF name pytensor lacks says so (see _missing.py)
