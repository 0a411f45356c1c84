"""pytensor: the TensorFlow 2 / Keras API on a C++ core.

    import pytensor as tf
    x = tf.ones((2, 2))
"""

import os as _os

from ._isa import load_core as _load_core

_core = _load_core(_os.path.dirname(__file__))  # the AVX-512 build where it runs faster (see _isa.py)
from . import dtypes, errors, nest
from .dtypes import DType, as_dtype, bool, uint8, int32, int64, float32, float64  # noqa: A004 - TF's names
from .tensor_shape import TensorShape
from ._tensor_api import Tensor, Variable
from ._core import constant, convert_to_tensor
from .gradient_tape import GradientTape, custom_gradient, stop_gradient
from . import math, random, linalg, nn, config

__version__ = "0.1.0"

newaxis = None

from ._core import (  # noqa: E402,F401  TF's top-level op names
    # element-wise
    abs, add, subtract, multiply, divide, negative, sign, exp, log, sqrt, square, sin, cos, tanh, sigmoid,
    floor, ceil, round, maximum, minimum, pow, equal, not_equal, less, less_equal, greater, greater_equal,
    logical_and, logical_or, logical_not, where, cast, clip_by_value, identity,
    # reductions
    reduce_sum, reduce_mean, reduce_max, reduce_min, reduce_prod, reduce_logsumexp, reduce_any, reduce_all,
    argmax, argmin,
    # shapes and indexing
    reshape, transpose, expand_dims, squeeze, concat, stack, unstack, split, tile, broadcast_to, pad, gather,
    one_hot, boolean_mask, scatter_nd, shape, shape_n, rank, size,
    # creation
    zeros, ones, fill, zeros_like, ones_like, eye, range, linspace,
    # linear algebra
    matmul,
)
from .math import truediv, floordiv, realdiv, squared_difference  # noqa: E402,F401
from .linalg import tensordot  # noqa: E402,F401


_LAZY_SUBMODULES = ("keras", "data", "io", "train")
_LAZY_SUBMODULES += ("summary",)  # tf.summary: TensorBoard event files
# Names that live with the data pipeline (tf.string and friends), loaded with it on first use.
_LAZY_DATA_NAMES = ("string", "TensorSpec", "SparseTensor")


def __getattr__(name):
    # keras, data, io and train load on first use so `import pytensor` stays fast.
    import importlib

    if name in _LAZY_SUBMODULES:
        value = importlib.import_module(f".{name}", __name__)
    elif name in _LAZY_DATA_NAMES:
        value = getattr(importlib.import_module(".data._types", __name__), name)
    else:
        raise AttributeError(f"module 'pytensor' has no attribute {name!r}")
    globals()[name] = value
    return value
