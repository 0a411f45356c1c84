"""pytensor: the TensorFlow 2 / Keras API on a C++ core.

    import pytensor as tf
    x = tf.ones((2, 2))
"""

from . import _core
from . import dtypes, errors
from .dtypes import DType, as_dtype, bool, uint8, int32, int64, float32, float64  # noqa: A004
from .tensor_shape import TensorShape
from ._tensor_api import Tensor, Variable
from ._core import constant, convert_to_tensor

__version__ = "0.1.0"

newaxis = None

# Every registry op the core binds is reachable as pt.<name> while the families are being filled in.
for _row in _core.op_registry():
    if hasattr(_core, _row[0]) and _row[0] not in globals():
        globals()[_row[0]] = getattr(_core, _row[0])
del _row

from ._core import (  # noqa: E402  elementwise ops, TF names
    negative, abs, sign, exp, log, log1p, expm1, sqrt, rsqrt, square, reciprocal, sin, cos, tanh,
    sigmoid, floor, ceil, round, logical_not, add, subtract, multiply, divide, floordiv, floormod,
    pow, maximum, minimum, squared_difference, equal, not_equal, less, less_equal, greater,
    greater_equal, logical_and, logical_or, where, cast, clip_by_value,
)
