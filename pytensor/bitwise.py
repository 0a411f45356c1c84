"""``tf.bitwise``: bit operations on integer tensors of one dtype (no gradient, as TF)."""

import numpy as np

from . import _core
from ._tensor_api import Tensor, Variable

__all__ = ["bitwise_and", "bitwise_or", "bitwise_xor", "invert", "left_shift", "right_shift"]


def _integer(x, op, like=None):
    t = x if isinstance(x, (Tensor, Variable)) else _core.convert_to_tensor(x, like.dtype if like is not None else None)
    if not t.dtype.is_integer:
        raise TypeError(f"{op}: expected an integer tensor, got dtype {t.dtype.name}")
    if like is not None and t.dtype != like.dtype:
        raise TypeError(f"{op}: x and y must have one dtype, got {like.dtype.name} and {t.dtype.name}")
    return t


def _binary(numpy_op, op):
    def apply(x, y, name=None):
        a = _integer(x, op)
        b = _integer(y, op, like=a)
        return _core.constant(numpy_op(np.asarray(a), np.asarray(b)), a.dtype.name)

    apply.__name__ = op
    return apply


bitwise_and = _binary(np.bitwise_and, "bitwise_and")
bitwise_and.__doc__ = "Element-wise ``x & y``."
bitwise_or = _binary(np.bitwise_or, "bitwise_or")
bitwise_or.__doc__ = "Element-wise ``x | y``."
bitwise_xor = _binary(np.bitwise_xor, "bitwise_xor")
bitwise_xor.__doc__ = "Element-wise ``x ^ y``."


def _shift(numpy_op, op):
    def apply(x, y, name=None):
        a = _integer(x, op)
        b = np.asarray(_integer(y, op, like=a))
        bits = np.asarray(a).dtype.itemsize * 8
        # TF's rule: a shift by a negative amount or by the bit width or more is implementation-defined in C;
        # TF clamps it to [0, bits - 1]
        return _core.constant(numpy_op(np.asarray(a), np.clip(b, 0, bits - 1).astype(np.asarray(a).dtype)),
                              a.dtype.name)

    apply.__name__ = op
    return apply


left_shift = _shift(np.left_shift, "left_shift")
left_shift.__doc__ = "Element-wise ``x << y`` (shifts clamped to [0, bit width - 1], as TF)."
right_shift = _shift(np.right_shift, "right_shift")
right_shift.__doc__ = "Element-wise ``x >> y``, arithmetic for signed types (shifts clamped, as TF)."


def invert(x, name=None):
    """Element-wise ``~x``."""
    a = _integer(x, "invert")
    return _core.constant(np.invert(np.asarray(a)), a.dtype.name)
