"""``tf.math``: element-wise math, comparisons, reductions and products."""

from . import _core
from ._op_exports import exported_ops

# The registry ops each family file exports to tf.math (csrc/ops/<family>.cpp, define_op(...).exports): a new op
# is exported here without a line of its own.
globals().update(exported_ops("tf.math"))

truediv = realdiv = _core.divide
mod = _core.floormod
neg = _core.negative


def logical_xor(x, y, name=None):
    """Element-wise exclusive or of two bool tensors."""
    return _core.not_equal(_core.cast(x, "bool"), _core.cast(y, "bool"))


def divide_no_nan(x, y, name=None):
    """x / y, with 0 where y == 0 (TF's divide_no_nan)."""
    y = _core.convert_to_tensor(y, dtype_hint=getattr(x, "dtype", None))
    zero = _core.equal(y, 0)
    safe = _core.where(zero, _core.ones_like(y), y)
    return _core.where(zero, _core.zeros_like(y), _core.divide(x, safe))


from ._math_ops import *  # noqa: E402,F401,F403  element-wise functions, scans, segments, top_k ... (issue 18)
from ._math_ops import __all__ as _composed_names  # noqa: E402
from .nn._extra import approx_max_k, approx_min_k  # noqa: E402,F401  TF has them in tf.math and tf.nn
from ._special_functions import betainc, igamma, igammac, polygamma, zeta  # noqa: E402,F401
from ._sobol import sobol_sample  # noqa: E402,F401
from . import _math_special as special  # noqa: E402  tf.math.special

from ._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook(__name__)  # a TF name pytensor lacks says so (see _missing.py)
