"""``tf.sets``: set operations along the last dimension of integer or string tensors (dense or SparseTensor).

Each row of the last dimension is a set; results are SparseTensors whose rows hold the sorted members, as TF's.
"""

import numpy as np

from . import _core
from ._tensor_api import Tensor, Variable
from .data._types import SparseTensor, StringTensor

__all__ = ["intersection", "union", "difference", "size"]


def _rows(x, op):
    """(list of per-row sets, the leading shape, the values' dtype name) of a dense tensor or SparseTensor."""
    if isinstance(x, SparseTensor):
        shape = tuple(int(d) for d in x.dense_shape.numpy())
        index, values = x.indices.numpy(), np.asarray(x.values)
        kind = x.values.dtype.name
        rows = {}
        for position, value in zip(map(tuple, index[:, :-1]), values):
            rows.setdefault(position, set()).add(value.item() if hasattr(value, "item") else value)
        leading = shape[:-1]
        return [rows.get(p, set()) for p in np.ndindex(*leading)], leading, kind
    t = x if isinstance(x, (Tensor, Variable, StringTensor)) else _core.convert_to_tensor(
        x, dtype_hint=None) if not isinstance(x, (list, tuple)) or not _has_strings(x) else StringTensor(x)
    if not isinstance(t, StringTensor) and not t.dtype.is_integer:
        raise TypeError(f"{op}: sets must hold integers or strings, got dtype {t.dtype.name}")
    array = np.asarray(t)
    if array.ndim < 1:
        raise ValueError(f"{op}: a set operand must have rank >= 1, got a scalar")
    leading = array.shape[:-1]
    flat = array.reshape(-1, array.shape[-1])
    kind = "string" if isinstance(t, StringTensor) else t.dtype.name
    return [set(v.item() if hasattr(v, "item") else v for v in row) for row in flat], leading, kind


def _has_strings(value):
    while isinstance(value, (list, tuple)) and value:
        value = value[0]
    return isinstance(value, (str, bytes))


def _result(rows, leading, kind):
    members = [sorted(r) for r in rows]
    width = max((len(m) for m in members), default=0)
    index = [list(position) + [j] for position, m in zip(np.ndindex(*leading), members) for j in range(len(m))]
    values = [v for m in members for v in m]
    array = np.asarray(values, dtype=object) if kind == "string" else np.asarray(values, dtype=kind)
    sparse = SparseTensor(np.asarray(index, np.int64).reshape(-1, len(leading) + 1), array if kind != "string"
                          else np.zeros(0, np.float32), list(leading) + [width])
    if kind == "string":
        sparse.values = StringTensor(array)
    return sparse


def _operate(a, b, combine, op):
    rows_a, leading_a, kind_a = _rows(a, op)
    rows_b, leading_b, kind_b = _rows(b, op)
    if kind_a != kind_b:
        raise TypeError(f"{op}: both sets must have one dtype, got {kind_a} and {kind_b}")
    if leading_a != leading_b:
        raise ValueError(f"{op}: the operands' leading dimensions differ: {list(leading_a)} and {list(leading_b)}")
    return _result([combine(x, y) for x, y in zip(rows_a, rows_b)], leading_a, kind_a)


def intersection(a, b, validate_indices=True):
    """Members in both `a` and `b`, per row of the last dimension."""
    return _operate(a, b, lambda x, y: x & y, "sets.intersection")


def union(a, b, validate_indices=True):
    """Members in `a` or `b`, per row of the last dimension."""
    return _operate(a, b, lambda x, y: x | y, "sets.union")


def difference(a, b, aminusb=True, validate_indices=True):
    """Members of `a` not in `b` (of `b` not in `a` when `aminusb` is False), per row of the last dimension."""
    return _operate(a, b, (lambda x, y: x - y) if aminusb else (lambda x, y: y - x), "sets.difference")


def size(a, validate_indices=True):
    """The number of distinct members in each row of the SparseTensor `a`'s last dimension (int32)."""
    if not isinstance(a, SparseTensor):
        raise TypeError(f"sets.size: expected a SparseTensor, got {type(a).__name__}")
    rows, leading, _ = _rows(a, "sets.size")
    return _core.constant(np.asarray([len(r) for r in rows], np.int32).reshape(leading))
