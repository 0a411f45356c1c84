"""``tf.ragged``: building and transforming RaggedTensors (rows of different lengths).

    >>> rt = tf.ragged.constant([[1, 2], [3]])
    >>> tf.ragged.map_flat_values(tf.multiply, rt, 10).to_list()
    [[10, 20], [30]]
"""

import builtins
import itertools

import numpy as np

from .. import _core
from .._tensor_api import Tensor, Variable
from ..data._types import StringTensor
from ..errors import InvalidArgumentError
from ..tensor_shape import TensorShape
from ._ragged_tensor import RaggedTensor, as_values, stack_rows

__all__ = [
    "RaggedTensor", "RaggedTensorSpec", "constant", "range", "map_flat_values", "stack", "boolean_mask",
    "row_splits_to_segment_ids", "segment_ids_to_row_splits", "cross", "cross_hashed",
    "stack_dynamic_partitions",
]

_TENSORS = (Tensor, Variable)


def _depth(item):
    """(nesting depth, consistent) of a Python list: 0 for a scalar; consistent is None where only empty lists
    were seen (they fit any depth)."""
    if not isinstance(item, (list, tuple)):
        return 0, True
    children = [_depth(x) for x in item]
    fixed = {d for d, consistent in children if consistent}
    if len(fixed) > 1 or any(consistent is False for _, consistent in children):
        return 1 + max(d for d, _ in children), False
    if fixed:
        return 1 + fixed.pop(), True
    return 1 + max((d for d, _ in children), default=0), None


def constant(pylist, dtype=None, ragged_rank=None, inner_shape=None, name=None, row_splits_dtype="int64"):
    """A RaggedTensor of a nested Python list: every scalar at one depth, rows of any length."""
    if isinstance(pylist, (RaggedTensor, StringTensor) + _TENSORS):
        raise TypeError("ragged.constant: expected a nested Python list, got a tensor (use "
                        "tf.RaggedTensor.from_tensor)")
    depth, uniform = _depth(pylist)
    if uniform is False:
        raise ValueError("ragged.constant: all scalar values must have the same nesting depth, got "
                         f"{pylist!r:.80}")
    inner_rank = len(inner_shape) if inner_shape is not None else 0
    if ragged_rank is None:
        ragged_rank = max(0, depth - 1 - inner_rank)
    if ragged_rank == 0:
        return as_values(pylist, dtype)
    if ragged_rank >= depth:
        raise ValueError(f"ragged.constant: ragged_rank ({ragged_rank}) must be less than the nesting depth of "
                         f"pylist ({depth})")
    levels, items = [], list(pylist)
    for _ in builtins.range(ragged_rank):  # this module defines tf.ragged.range
        levels.append(np.concatenate([[0], np.cumsum([len(row) for row in items])]).astype(np.int64))
        items = [x for row in items for x in row]
    if not items:
        flat_shape = (0,) + tuple(inner_shape or ())
        kind = getattr(dtype, "name", dtype) or "float32"
        values = StringTensor(np.zeros(flat_shape, dtype=object)) if kind == "string" else _core.zeros(flat_shape, kind)
    else:
        values = as_values(items, dtype)
        if inner_shape is not None and tuple(values.shape)[1:] != tuple(inner_shape):
            raise ValueError(f"ragged.constant: inner values of shape {tuple(values.shape)[1:]} do not match "
                             f"inner_shape {tuple(inner_shape)}")
    return RaggedTensor.from_nested_row_splits(values, levels)


def range(starts, limits=None, deltas=1, dtype=None, name=None, row_splits_dtype="int64"):  # noqa: A001 - TF's name
    """Row i is ``range(starts[i], limits[i], deltas[i])`` (scalars broadcast; one argument means limits)."""
    if limits is None:
        starts, limits = 0, starts
    arrays = [np.asarray(v.numpy() if isinstance(v, _TENSORS) else v) for v in (starts, limits, deltas)]
    kind = getattr(dtype, "name", dtype) or ("float32" if any(a.dtype.kind == "f" for a in arrays) else "int32")
    starts_, limits_, deltas_ = np.broadcast_arrays(*[np.atleast_1d(a) for a in arrays])
    if np.any(deltas_ == 0):
        raise InvalidArgumentError("ragged.range: deltas must not be 0")
    rows = [np.arange(s, l, d, dtype=kind) for s, l, d in zip(starts_, limits_, deltas_)]
    values = np.concatenate(rows) if rows else np.zeros(0, kind)
    return RaggedTensor.from_row_lengths(_core.constant(values.astype(kind), kind), [len(r) for r in rows])


def map_flat_values(op, *args, **kwargs):
    """``op`` applied to the flat values of the ragged arguments (which must share their row partitions)."""
    partition = []

    def flat(value):
        if isinstance(value, RaggedTensor):
            partition.append(value)
            return value.flat_values
        if isinstance(value, (list, tuple)):
            return type(value)(flat(v) for v in value)
        return value

    flat_args = [flat(a) for a in args]
    flat_kwargs = {k: flat(v) for k, v in kwargs.items()}
    if not partition:
        raise ValueError("map_flat_values: no RaggedTensor among the arguments")
    first = partition[0]._nested_splits()
    for other in partition[1:]:
        splits = other._nested_splits()
        if len(splits) != len(first) or any(not np.array_equal(a, b) for a, b in zip(first, splits)):
            raise InvalidArgumentError("map_flat_values: the RaggedTensor arguments have different row partitions")
    result = op(*flat_args, **flat_kwargs)
    count = int(first[-1][-1])
    if (result.shape[0] if result.shape.rank else None) != count:
        raise ValueError(f"map_flat_values: op must keep the number of values ({count}); its result has shape "
                         f"{tuple(result.shape)}")
    return partition[0].with_flat_values(result)


def stack(values, axis=0, name=None):
    """Ragged or dense tensors of one rank stacked along a new dimension `axis` (0 or 1)."""
    values = [v if isinstance(v, RaggedTensor) else as_values(v) for v in values]
    if not values:
        raise ValueError("ragged.stack: expected at least one tensor")
    if axis == 0:
        return stack_rows(values)
    if axis != 1:
        raise NotImplementedError(f"ragged.stack: axis {axis} (pytensor stacks along axis 0 or 1)")
    sources = [v if isinstance(v, RaggedTensor) else RaggedTensor.from_tensor(v) for v in values]
    rows = {s.nrows_static for s in sources}
    if len(rows) != 1:
        raise InvalidArgumentError(f"ragged.stack: axis 1 needs one number of rows, got {sorted(rows)}")
    count = rows.pop()
    interleaved = [s[i] for i in np.arange(count) for s in sources]
    return RaggedTensor.from_row_splits(stack_rows(interleaved), np.arange(count + 1, dtype=np.int64) * len(sources))


def boolean_mask(data, mask, name=None):
    """The elements of `data` where `mask` is true, as rows of different lengths (`mask`'s rank <= data's)."""
    if isinstance(mask, RaggedTensor):
        keep = np.asarray(mask.flat_values).astype(bool)
        data_rt = data if isinstance(data, RaggedTensor) else RaggedTensor.from_tensor(as_values(data))
        kept = np.flatnonzero(keep)
        values = data_rt.flat_values
        flat = StringTensor(np.asarray(values)[kept]) if isinstance(values, StringTensor) else \
            _core.gather(values, _core.constant(kept, "int64"))
        lengths = [int(keep[a:b].sum()) for a, b in zip(data_rt._splits[:-1], data_rt._splits[1:])]
        return RaggedTensor.from_row_lengths(flat, lengths)
    mask_array = np.asarray(mask.numpy() if isinstance(mask, _TENSORS) else mask).astype(bool)
    if mask_array.ndim == 1:
        rows = np.flatnonzero(mask_array)
        if isinstance(data, RaggedTensor):
            return data._rows_at(rows)
        data = as_values(data)
        return StringTensor(np.asarray(data)[rows]) if isinstance(data, StringTensor) else _core.gather(
            data, _core.constant(rows, "int64"))
    if mask_array.ndim != 2:
        raise NotImplementedError(f"ragged.boolean_mask: a dense mask of rank {mask_array.ndim} (rank 1 or 2 only)")
    return boolean_mask(data, RaggedTensor.from_tensor(_core.constant(mask_array)))


def row_splits_to_segment_ids(splits, name=None, out_type=None):
    """The row of each value, from row splits."""
    array = np.asarray(splits.numpy() if isinstance(splits, _TENSORS) else splits, np.int64)
    return RaggedTensor.from_row_splits(_core.zeros((int(array[-1]),), "int32"), array).value_rowids()


def segment_ids_to_row_splits(segment_ids, num_segments=None, out_type=None, name=None):
    """Row splits from the (sorted) row of each value."""
    rt = RaggedTensor.from_value_rowids(
        _core.zeros((len(np.asarray(segment_ids)),), "int32"), segment_ids, nrows=num_segments)
    return rt.row_splits


def stack_dynamic_partitions(data, partitions, num_partitions, name=None):
    """Row p holds the elements of `data` whose partition is p, in order."""
    parts = np.asarray(partitions.numpy() if isinstance(partitions, _TENSORS) else partitions, np.int64)
    if parts.size and (parts.min() < 0 or parts.max() >= num_partitions):
        raise InvalidArgumentError(f"stack_dynamic_partitions: partitions must be in [0, {num_partitions}), got "
                                   f"{parts.tolist()}")
    order = np.argsort(parts, kind="stable")
    data = as_values(data)
    values = StringTensor(np.asarray(data)[order]) if isinstance(data, StringTensor) else _core.gather(
        data, _core.constant(order, "int64"))
    return RaggedTensor.from_row_lengths(values, np.bincount(parts, minlength=num_partitions))


def _crossed_rows(inputs, combine, op):
    """Per row, `combine` of every combination of one value of each input (in the inputs' order)."""
    rows = []
    for value in inputs:
        rt = value if isinstance(value, RaggedTensor) else RaggedTensor.from_tensor(as_values(value))
        rows.append(rt.to_list())
    counts = {len(r) for r in rows}
    if len(counts) != 1:
        raise InvalidArgumentError(f"{op}: the inputs have different numbers of rows: {sorted(counts)}")
    return [[combine(combo) for combo in itertools.product(*row_values)] for row_values in zip(*rows)]


def cross(inputs, name=None):
    """Feature crosses: row i holds every combination of the inputs' row-i values, joined by ``_X_``."""
    crossed = _crossed_rows(inputs, lambda combo: b"_X_".join(_token(v) for v in combo), "ragged.cross")
    return RaggedTensor.from_row_lengths(StringTensor(np.asarray([c for row in crossed for c in row] or [],
                                                                 dtype=object)), [len(r) for r in crossed])


def cross_hashed(inputs, num_buckets=0, hash_key=None, name=None):
    """Hashed feature crosses, as ``tf.sparse.cross_hashed``'s (FingerprintCat64 chained from `hash_key`, default
    0xDECAFCAFFE, over each value's Fingerprint64 or integer value; modulo `num_buckets`, or INT64_MAX when 0):
    row i holds the int64 ids of every combination of the inputs' row-i values."""
    from ..keras.layers._farmhash import cross_fingerprint

    key = 0xDECAFCAFFE if hash_key is None else int(hash_key)
    modulus = int(num_buckets) or (1 << 63) - 1
    crossed = _crossed_rows(inputs, lambda combo: cross_fingerprint(
        [v if isinstance(v, (bytes, int)) else str(v).encode("utf-8") for v in combo], key) % modulus,
        "ragged.cross_hashed")
    return RaggedTensor.from_row_lengths(_core.constant(np.asarray([c for row in crossed for c in row], np.int64)
                                                        .reshape(-1), "int64"), [len(r) for r in crossed])


def _token(value):
    return value if isinstance(value, bytes) else str(value).encode("utf-8")


class RaggedTensorSpec:
    """The type of a RaggedTensor: shape, dtype and ragged_rank (``tf.RaggedTensorSpec``)."""

    def __init__(self, shape=None, dtype="float32", ragged_rank=None, row_splits_dtype="int64",
                 flat_values_spec=None):
        from .. import dtypes

        self.shape = TensorShape(shape)
        self.dtype = dtypes.as_dtype(dtype)
        rank = self.shape.rank
        self.ragged_rank = ragged_rank if ragged_rank is not None else (rank - 1 if rank else 1)
        self.row_splits_dtype = dtypes.as_dtype(row_splits_dtype)

    @classmethod
    def from_value(cls, value):
        return cls(value.shape, value.dtype, value.ragged_rank)

    def is_compatible_with(self, other):
        other = RaggedTensorSpec.from_value(other) if isinstance(other, RaggedTensor) else other
        return (isinstance(other, RaggedTensorSpec) and self.dtype == other.dtype
                and self.ragged_rank == other.ragged_rank and self.shape.is_compatible_with(other.shape))

    def __eq__(self, other):
        return (isinstance(other, RaggedTensorSpec) and self.dtype == other.dtype
                and self.ragged_rank == other.ragged_rank and self.shape == other.shape)

    __hash__ = None

    def __repr__(self):
        return (f"RaggedTensorSpec(TensorShape({self.shape.as_list() if self.shape.rank is not None else None}), "
                f"{self.dtype!r}, {self.ragged_rank}, {self.row_splits_dtype!r})")


from .._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook(__name__)  # a TF name pytensor lacks says so (see _missing.py)
