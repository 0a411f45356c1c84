"""``tf.sparse``: SparseTensor and the functions TF programs use on it.

A SparseTensor is ``indices`` (N, rank) int64, ``values`` (N,) and ``dense_shape`` (rank,). Values flow through
differentiable core ops (``scatter_nd``, ``gather``, ``unsorted_segment_sum``), so tapes differentiate
``to_dense``, ``sparse_dense_matmul``, ``reduce_sum``, ``softmax`` ... with respect to them; the index bookkeeping
(ordering, concatenation, slicing) is integer work on the concrete indices, as TF's kernels do.
"""

import itertools

import numpy as np

from . import _core
from ._tensor_api import Tensor, Variable
from .data._types import SparseTensor, StringTensor, as_string_array
from .errors import InvalidArgumentError

__all__ = [
    "SparseTensor", "to_dense", "from_dense", "sparse_dense_matmul", "matmul", "add", "reduce_sum", "reduce_max", "reorder",
    "reshape", "transpose", "eye", "concat", "retain", "slice", "expand_dims", "map_values", "to_indicator",
    "softmax", "fill_empty_rows", "split", "segment_sum", "segment_mean", "segment_sqrt_n", "reset_shape",
    "maximum", "minimum", "mask", "bincount", "cross", "cross_hashed", "sampled_addmm",
]

_TENSORS = (Tensor, Variable)


def _check(sp_input, op):
    if not isinstance(sp_input, SparseTensor):
        raise TypeError(f"{op}: expected a SparseTensor, got {type(sp_input).__name__}")
    return sp_input


def _parts(sp):
    """(indices as an int64 numpy array, values tensor, dense shape as a tuple of ints)."""
    values = sp.values if isinstance(sp.values, _TENSORS) else _core.convert_to_tensor(sp.values)
    return np.asarray(sp.indices.numpy(), np.int64), values, tuple(int(d) for d in sp.dense_shape.numpy())


def _make(indices, values, shape):
    """A SparseTensor keeping `values` (a tensor) as it is, so tapes follow it."""
    sp = SparseTensor(np.asarray(indices, np.int64).reshape(-1, len(shape)), np.zeros(0, np.float32), shape)
    sp.values = values
    return sp


def _gather_values(values, order):
    return _core.gather(values, _core.constant(np.asarray(order, np.int64), "int64"))


def to_dense(sp_input, default_value=None, validate_indices=True, name=None):
    """The dense tensor: values at their indices, `default_value` (0) elsewhere (differentiable in values)."""
    indices, values, shape = _parts(_check(sp_input, "to_dense"))
    if values.dtype.name == "string":
        return sp_input.to_dense(default_value)
    _check_bounds(indices, shape, "to_dense")
    if validate_indices and len(indices) > 1:
        flat = np.ravel_multi_index(indices.T, shape)
        later = np.flatnonzero(flat[1:] <= flat[:-1])
        if later.size:
            i = int(later[0]) + 1
            raise InvalidArgumentError(f"to_dense: indices[{i}] = {indices[i].tolist()} is out of order or repeated. "
                                       "Many sparse ops require sorted indices: use tf.sparse.reorder to create a "
                                       "correctly ordered copy.")
    dense = _core.scatter_nd(_core.constant(indices, "int64"), values, shape)
    if default_value is None or default_value == 0:
        return dense
    hits = _core.scatter_nd(_core.constant(indices, "int64"), _core.ones((len(indices),), "int32"), shape)
    return _core.where(hits > 0, dense, _core.constant(default_value, values.dtype))


def _check_bounds(indices, shape, op):
    bad = (indices < 0) | (indices >= np.asarray(shape, np.int64))
    if bad.any():
        row = indices[np.argwhere(bad)[0][0]].tolist()
        raise InvalidArgumentError(f"{op}: index {row} is out of bounds for dense_shape {list(shape)}")


def from_dense(tensor, name=None):
    """The SparseTensor of the non-zero elements of `tensor`, in row-major order."""
    tensor = tensor if isinstance(tensor, _TENSORS) else _core.convert_to_tensor(tensor)
    indices = np.argwhere(np.asarray(tensor) != 0).astype(np.int64)
    shape = tensor._shape_tuple()
    flat = np.ravel_multi_index(indices.T, shape) if len(indices) and shape else np.zeros(len(indices), np.int64)
    values = _gather_values(_core.reshape(tensor, (-1,)), flat)
    return _make(indices, values, shape)


def sparse_dense_matmul(sp_a, b, adjoint_a=False, adjoint_b=False, name=None):
    """sp_a @ b for a 2-D SparseTensor sp_a and a dense matrix b."""
    indices, values, shape = _parts(_check(sp_a, "sparse_dense_matmul"))
    if len(shape) != 2:
        raise InvalidArgumentError(f"sparse_dense_matmul: sp_a must be 2-D, got dense_shape {list(shape)}")
    b = b if isinstance(b, _TENSORS) else _core.convert_to_tensor(b, dtype=values.dtype)
    if adjoint_b:
        b = _core.transpose(b, (1, 0))
    rows, cols = (indices[:, 1], indices[:, 0]) if adjoint_a else (indices[:, 0], indices[:, 1])
    m, k = (shape[1], shape[0]) if adjoint_a else shape
    if b.ndim != 2 or b._shape_tuple()[0] != k:
        raise InvalidArgumentError(f"sparse_dense_matmul: inner dimensions differ: sp_a is {m}x{k} (after "
                                   f"adjoint), b has shape {b._shape_tuple()}")
    products = _core.expand_dims(values, -1) * _core.gather(b, _core.constant(cols, "int64"))
    return _core.unsorted_segment_sum(products, _core.constant(rows, "int64"), m)


matmul = sparse_dense_matmul


def _coalesced(indices, values, shape):
    """Indices sorted row-major with duplicates summed."""
    if not len(indices):
        return _make(indices, values, shape)
    flat = np.ravel_multi_index(indices.T, shape)
    unique, inverse = np.unique(flat, return_inverse=True)
    summed = _core.unsorted_segment_sum(values, _core.constant(inverse.astype(np.int64), "int64"), len(unique))
    return _make(np.stack(np.unravel_index(unique, shape), 1), summed, shape)


def add(a, b, threshold=0, name=None):
    """a + b: dense when either is dense, else a SparseTensor (entries summed where both have one; entries whose
    magnitude is below `threshold` dropped)."""
    if not isinstance(a, SparseTensor):
        a, b = b, a
    if not isinstance(a, SparseTensor):
        raise TypeError("add: at least one input must be a SparseTensor")
    if not isinstance(b, SparseTensor):
        return to_dense(a, validate_indices=False) + b
    ia, va, shape = _parts(a)
    ib, vb, shape_b = _parts(b)
    if shape != shape_b:
        raise InvalidArgumentError(f"add: dense shapes differ: {list(shape)} and {list(shape_b)}")
    result = _coalesced(np.concatenate([ia, ib]), _core.concat([va, vb], 0), shape)
    if threshold:
        keep = np.abs(np.asarray(result.values)) >= threshold
        result = _make(np.asarray(result.indices.numpy())[keep], _gather_values(result.values, np.flatnonzero(keep)),
                       shape)
    return result


def reduce_sum(sp_input, axis=None, keepdims=False, output_is_sparse=False, name=None):
    """The sum over `axis` (all axes by default), dense unless `output_is_sparse`."""
    dense = to_dense(_check(sp_input, "reduce_sum"), validate_indices=False)
    dense = _core.reduce_sum(dense, axis=axis, keepdims=bool(keepdims))
    return from_dense(dense) if output_is_sparse else dense


def reduce_max(sp_input, axis=None, keepdims=False, output_is_sparse=False, name=None):
    """The maximum over `axis` (all axes by default) of the values present; an output position no value reaches is
    0 (dense) or absent (``output_is_sparse``), as in TF."""
    sp_input = _check(sp_input, "reduce_max")
    indices, values, shape = _parts(sp_input)
    dtype = values.dtype.as_numpy_dtype
    lowest = -np.inf if np.issubdtype(dtype, np.floating) else np.iinfo(dtype).min
    best = _core.reduce_max(to_dense(sp_input, default_value=lowest, validate_indices=False), axis=axis,
                            keepdims=bool(keepdims))
    present = to_dense(_make(indices, _core.ones([len(indices)], dtype="float32"), shape), validate_indices=False)
    reached = _core.greater(_core.reduce_max(present, axis=axis, keepdims=bool(keepdims)), 0.0)
    if output_is_sparse:
        flat = np.flatnonzero(np.asarray(reached))
        if not reached.shape:
            raise NotImplementedError("sparse.reduce_max: a sparse result of rank 0 (output_is_sparse=True over every "
                                      "axis) is not supported; pass axis=..., or output_is_sparse=False.")
        kept = np.stack(np.unravel_index(flat, tuple(reached.shape)), axis=1).astype(np.int64)
        return _make(kept, _gather_values(_core.reshape(best, (-1,)), flat), tuple(reached.shape))
    return _core.where(reached, best, _core.zeros_like(best))


def reorder(sp_input, name=None):
    """The same SparseTensor with its indices in row-major order."""
    indices, values, shape = _parts(_check(sp_input, "reorder"))
    if not len(indices):
        return _make(indices, values, shape)
    order = np.lexsort(indices.T[::-1])
    return _make(indices[order], _gather_values(values, order), shape)


def reshape(sp_input, shape, name=None):
    """The SparseTensor with a new dense shape of the same size (one entry may be -1)."""
    indices, values, old = _parts(_check(sp_input, "reshape"))
    new = [int(d) for d in (shape.numpy() if hasattr(shape, "numpy") else shape)]
    size = int(np.prod(old))
    if new.count(-1) == 1:
        known = int(np.prod([d for d in new if d != -1]))
        new[new.index(-1)] = size // known if known else 0
    if int(np.prod(new)) != size:
        raise InvalidArgumentError(f"reshape: cannot reshape a SparseTensor of dense_shape {list(old)} ({size} "
                                   f"elements) to {new}")
    flat = np.ravel_multi_index(indices.T, old) if len(indices) else np.zeros(0, np.int64)
    coords = np.stack(np.unravel_index(flat, new), 1) if len(indices) else np.zeros((0, len(new)), np.int64)
    return _make(coords, values, tuple(new))


def transpose(sp_input, perm=None, name=None):
    """The SparseTensor with its dimensions permuted (reversed by default), indices in row-major order."""
    indices, values, shape = _parts(_check(sp_input, "transpose"))
    perm = list(range(len(shape)))[::-1] if perm is None else [int(p) for p in perm]
    if sorted(perm) != list(range(len(shape))):
        raise InvalidArgumentError(f"transpose: perm {perm} is not a permutation of the {len(shape)} dimensions")
    return reorder(_make(indices[:, perm], values, tuple(shape[p] for p in perm)))


def eye(num_rows, num_columns=None, dtype="float32", name=None):
    """The identity matrix as a SparseTensor."""
    rows = int(num_rows)
    cols = rows if num_columns is None else int(num_columns)
    n = min(rows, cols)
    diagonal = np.repeat(np.arange(n, dtype=np.int64)[:, None], 2, axis=1)
    return _make(diagonal, _core.ones((n,), dtype), (rows, cols))


def concat(axis, sp_inputs, expand_nonconcat_dims=False, name=None):
    """The SparseTensors joined along `axis` (their other dimensions must agree)."""
    parts = [_parts(_check(sp, "concat")) for sp in sp_inputs]
    rank = len(parts[0][2])
    axis = int(axis) % rank
    for _, _, shape in parts:
        if len(shape) != rank or any(shape[d] != parts[0][2][d] for d in range(rank) if d != axis):
            raise InvalidArgumentError(f"concat: dense shapes {[list(p[2]) for p in parts]} differ outside axis "
                                       f"{axis}")
    offset, shifted = 0, []
    for indices, _, shape in parts:
        moved = indices.copy()
        moved[:, axis] += offset
        shifted.append(moved)
        offset += shape[axis]
    shape = list(parts[0][2])
    shape[axis] = offset
    return reorder(_make(np.concatenate(shifted), _core.concat([p[1] for p in parts], 0), tuple(shape)))


def retain(sp_input, to_retain):
    """The entries whose flag in the boolean vector `to_retain` is True."""
    indices, values, shape = _parts(_check(sp_input, "retain"))
    keep = np.asarray(to_retain.numpy() if hasattr(to_retain, "numpy") else to_retain, bool)
    if keep.shape != (len(indices),):
        raise InvalidArgumentError(f"retain: to_retain must have one flag per entry ({len(indices)}), got shape "
                                   f"{keep.shape}")
    return _make(indices[keep], _gather_values(values, np.flatnonzero(keep)), shape)


def slice(sp_input, start, size, name=None):  # noqa: A001 - TF's name
    """The entries within the box [start, start + size), re-indexed from `start`."""
    indices, values, shape = _parts(_check(sp_input, "slice"))
    start = np.asarray(start, np.int64)
    stop = np.minimum(start + np.asarray(size, np.int64), np.asarray(shape, np.int64))
    inside = np.all((indices >= start) & (indices < stop), axis=1) if len(indices) else np.zeros(0, bool)
    new_shape = tuple(int(d) for d in np.maximum(stop - start, 0))
    return _make(indices[inside] - start, _gather_values(values, np.flatnonzero(inside)), new_shape)


def split(sp_input=None, num_split=None, axis=None, name=None):
    """`num_split` SparseTensors along `axis` (the first ones one larger when the size does not divide)."""
    _, _, shape = _parts(_check(sp_input, "split"))
    axis = int(axis) % len(shape)
    base, extra = divmod(shape[axis], int(num_split))
    pieces, begin = [], 0
    for i in range(int(num_split)):
        length = base + (1 if i < extra else 0)
        start = [0] * len(shape)
        start[axis] = begin
        size = list(shape)
        size[axis] = length
        pieces.append(slice(sp_input, start, size))
        begin += length
    return pieces


def expand_dims(sp_input, axis=None, name=None):
    """The SparseTensor with a dimension of size 1 inserted at `axis`."""
    indices, values, shape = _parts(_check(sp_input, "expand_dims"))
    axis = int(-1 if axis is None else axis)
    axis = axis % (len(shape) + 1)
    new_indices = np.insert(indices, axis, 0, axis=1)
    return _make(new_indices, values, shape[:axis] + (1,) + shape[axis:])


def map_values(op, *args, **kwargs):
    """op applied to the values of the SparseTensor arguments (which must share their indices)."""
    sparse = [a for a in list(args) + list(kwargs.values()) if isinstance(a, SparseTensor)]
    if not sparse:
        raise ValueError("map_values: at least one argument must be a SparseTensor")
    first = np.asarray(sparse[0].indices.numpy())
    if any(not np.array_equal(first, np.asarray(sp.indices.numpy())) for sp in sparse[1:]):
        raise InvalidArgumentError("map_values: the SparseTensors must have the same indices")
    swap = lambda a: a.values if isinstance(a, SparseTensor) else a  # noqa: E731
    values = op(*[swap(a) for a in args], **{k: swap(v) for k, v in kwargs.items()})
    return _make(first, values, tuple(int(d) for d in sparse[0].dense_shape.numpy()))


def to_indicator(sp_input, vocab_size, name=None):
    """result[..., v] = True where a row of the integer SparseTensor holds the value v."""
    indices, values, shape = _parts(_check(sp_input, "to_indicator"))
    ids = np.asarray(values).astype(np.int64)
    keep = (ids >= 0) & (ids < int(vocab_size))
    coords = np.concatenate([indices[keep, :-1], ids[keep, None]], axis=1)
    hits = _core.scatter_nd(_core.constant(coords, "int64"), _core.ones((len(coords),), "int32"),
                            shape[:-1] + (int(vocab_size),))
    return hits > 0


def softmax(sp_input, name=None):
    """Softmax over the entries of each innermost row (absent entries take no part), as a SparseTensor."""
    indices, values, shape = _parts(_check(sp_input, "softmax"))
    if not values.dtype.is_floating:
        raise TypeError(f"softmax: values must be floating, got {values.dtype.name}")
    rows = np.unique(indices[:, :-1], axis=0, return_inverse=True)[1].reshape(-1) if len(indices) else \
        np.zeros(0, np.int64)
    count = int(rows.max()) + 1 if len(rows) else 0
    row_ids = _core.constant(rows.astype(np.int64), "int64")
    from ._math_ops import unsorted_segment_max

    peak = _core.stop_gradient(unsorted_segment_max(values, row_ids, count))
    shifted = _core.exp(values - _core.gather(peak, row_ids))
    total = _core.unsorted_segment_sum(shifted, row_ids, count)
    return _make(indices, shifted / _core.gather(total, row_ids), shape)


def fill_empty_rows(sp_input, default_value, name=None):
    """(filled, empty_row_indicator): a `default_value` entry at column 0 of every row without entries."""
    indices, values, shape = _parts(_check(sp_input, "fill_empty_rows"))
    present = np.zeros(shape[0], bool)
    present[indices[:, 0]] = True
    empty = np.flatnonzero(~present)
    extra = np.zeros((len(empty), len(shape)), np.int64)
    extra[:, 0] = empty
    fill = _core.fill((len(empty),), _core.constant(default_value, values.dtype))
    filled = reorder(_make(np.concatenate([indices, extra]), _core.concat([values, fill], 0), shape))
    return filled, _core.constant(~present, "bool")


def reset_shape(sp_input, new_shape=None):
    """The SparseTensor with `new_shape` (each dimension at least as large), or its tightest shape if None."""
    indices, values, shape = _parts(_check(sp_input, "reset_shape"))
    if new_shape is None:
        tight = tuple(int(d) for d in (indices.max(axis=0) + 1)) if len(indices) else tuple(0 for _ in shape)
        return _make(indices, values, tight)
    new = tuple(int(d) for d in (new_shape.numpy() if hasattr(new_shape, "numpy") else new_shape))
    if len(new) != len(shape) or any(n < o for n, o in zip(new, shape)):
        raise InvalidArgumentError(f"reset_shape: new_shape {list(new)} must have rank {len(shape)} and be at least "
                                   f"{list(shape)}")
    return _make(indices, values, new)


def _segment(reduce, data, indices, segment_ids, num_segments, op):
    data = data if isinstance(data, _TENSORS) else _core.convert_to_tensor(data)
    picked = _core.gather(data, _core.convert_to_tensor(indices))
    ids = segment_ids if isinstance(segment_ids, _TENSORS) else _core.convert_to_tensor(segment_ids)
    if num_segments is None:
        values = np.asarray(ids)
        num_segments = int(values.max()) + 1 if values.size else 0
    return reduce(picked, ids, int(num_segments))


def segment_sum(data, indices, segment_ids, num_segments=None, name=None):
    """Sums of the rows data[indices] grouped by segment_ids."""
    return _segment(_core.unsorted_segment_sum, data, indices, segment_ids, num_segments, "segment_sum")


def segment_mean(data, indices, segment_ids, num_segments=None, name=None):
    """Means of the rows data[indices] grouped by segment_ids (0 for an empty segment)."""
    from ._math_ops import unsorted_segment_mean

    return _segment(unsorted_segment_mean, data, indices, segment_ids, num_segments, "segment_mean")


def segment_sqrt_n(data, indices, segment_ids, num_segments=None, name=None):
    """Sums of the rows data[indices] grouped by segment_ids, divided by the square root of each group's size."""
    from ._math_ops import unsorted_segment_sqrt_n

    return _segment(unsorted_segment_sqrt_n, data, indices, segment_ids, num_segments, "segment_sqrt_n")


def _union(a, b, combine, op):
    """`combine` of a and b over the union of their entries (an absent entry is 0), indices in row-major order:
    TF's SparseSparseMaximum / Minimum."""
    ia, va, shape = _parts(_check(a, op))
    ib, vb, shape_b = _parts(_check(b, op))
    if shape != shape_b:
        raise InvalidArgumentError(f"{op}: operands' shapes do not match: got {list(shape)} and {list(shape_b)}; "
                                   "pass two SparseTensors of one dense_shape")
    if va.dtype != vb.dtype:
        raise TypeError(f"{op}: operands' dtypes differ: {va.dtype.name} and {vb.dtype.name}")
    flat_a = np.ravel_multi_index(ia.T, shape) if len(ia) else np.zeros(0, np.int64)
    flat_b = np.ravel_multi_index(ib.T, shape) if len(ib) else np.zeros(0, np.int64)
    union = np.union1d(flat_a, flat_b)

    def spread(flat, values):  # values at their place in the union, 0 where absent
        at = _core.constant(np.searchsorted(union, flat).astype(np.int64)[:, None], "int64")
        return _core.scatter_nd(at, values, (len(union),))

    coords = np.stack(np.unravel_index(union, shape), 1) if len(union) else np.zeros((0, len(shape)), np.int64)
    return _make(coords, combine(spread(flat_a, va), spread(flat_b, vb)), shape)


def maximum(sp_a, sp_b, name=None):
    """The element-wise maximum of two SparseTensors of one dense shape, over the union of their entries (an
    entry only one has is compared with 0), indices in row-major order."""
    return _union(sp_a, sp_b, _core.maximum, "sparse.maximum")


def minimum(sp_a, sp_b, name=None):
    """The element-wise minimum of two SparseTensors of one dense shape, over the union of their entries (an
    entry only one has is compared with 0), indices in row-major order."""
    return _union(sp_a, sp_b, _core.minimum, "sparse.minimum")


def mask(a, mask_indices, name=None):
    """The IndexedSlices `a` without the slices whose index is in `mask_indices`."""
    from ._indexed_slices import IndexedSlices

    if not isinstance(a, IndexedSlices):
        raise TypeError(f"sparse.mask: a must be an IndexedSlices, got {type(a).__name__}")
    indices = np.asarray(a.indices.numpy())
    kept = np.flatnonzero(~np.isin(indices, np.asarray(mask_indices)))
    at = _core.constant(kept.astype(np.int64), "int64")
    return IndexedSlices(_core.gather(a.values, at), _core.gather(a.indices, at), a.dense_shape)


def _batched_values(values):
    """(row of each value or None, the integer values as numpy, their count shape) of a SparseTensor, a dense
    tensor or a RaggedTensor."""
    from .ragged import RaggedTensor

    if isinstance(values, RaggedTensor):
        values = values.to_sparse()
    if isinstance(values, SparseTensor):
        indices, vals, shape = _parts(values)
        return indices[:, 0] if len(shape) > 1 else None, np.asarray(vals), shape
    array = np.asarray(values.numpy() if isinstance(values, _TENSORS) else values)
    rows = np.repeat(np.arange(array.shape[0]), array[0].size) if array.ndim > 1 else None
    return rows, array.reshape(-1), array.shape


def bincount(values, weights=None, axis=0, minlength=None, maxlength=None, binary_output=False, name=None):
    """How often each value occurs in `values` (a SparseTensor's entries, or every element of a dense or ragged
    tensor), as a SparseTensor: over everything (`axis=0` or None, dense shape [max + 1]) or per row of a 2-D
    input (`axis=-1`, dense shape [rows, max + 1]). `weights` (of the same structure) sums them instead;
    `binary_output` gives 1 where a value occurs."""
    rows, ids, shape = _batched_values(values)
    if ids.dtype.kind not in "iu":
        raise TypeError(f"sparse.bincount: values must be integers, got {ids.dtype}")
    if axis not in (0, -1, None):
        raise InvalidArgumentError(f"sparse.bincount: axis must be 0, -1 or None, got {axis}")
    per_row = axis == -1
    if per_row and len(shape) != 2:
        raise InvalidArgumentError(f"sparse.bincount: axis=-1 needs a 2-D input, got shape {list(shape)}")
    if ids.size and ids.min() < 0:
        raise InvalidArgumentError(f"sparse.bincount: values must be non-negative, got {int(ids.min())}")
    length = int(ids.max()) + 1 if ids.size else 0
    length = max(length, int(minlength)) if minlength is not None else length
    length = min(length, int(maxlength)) if maxlength is not None else length
    if weights is None or binary_output:
        counted = _core.ones((len(ids),), ids.dtype.name)  # counts in the values' own dtype, as TF's
    else:
        weights = weights.values if isinstance(weights, SparseTensor) else weights
        counted = _core.reshape(weights if isinstance(weights, _TENSORS) else _core.convert_to_tensor(weights), (-1,))
    kept = np.flatnonzero(ids < length)
    key = (rows[kept] * length + ids[kept]) if per_row else ids[kept]
    bins, slot = np.unique(key, return_inverse=True)
    totals = _core.unsorted_segment_sum(_gather_values(counted, kept), _core.constant(slot.reshape(-1).astype(
        np.int64), "int64"), len(bins))
    if binary_output:
        totals = _core.ones((len(bins),), counted.dtype)
    coords = np.stack(np.divmod(bins, length), 1) if per_row else bins[:, None]
    return _make(coords.astype(np.int64), totals, (shape[0], length) if per_row else (length,))


def _cross_rows(inputs, op):
    """Per row, the value lists of the inputs (SparseTensors first, then dense ones, as TF's op takes them):
    strings as bytes, integers as ints."""
    if not isinstance(inputs, (list, tuple)) or not inputs:
        raise TypeError(f"{op}: inputs must be a non-empty list of SparseTensors or 2-D tensors")
    ordered = [x for x in inputs if isinstance(x, SparseTensor)] + [x for x in inputs if not isinstance(x, SparseTensor)]
    columns = []
    for x in ordered:
        if isinstance(x, SparseTensor):
            indices = np.asarray(x.indices.numpy())
            values, batch = np.asarray(x.values), int(x.dense_shape.numpy()[0])
            if len(x.dense_shape.numpy()) != 2:
                raise InvalidArgumentError(f"{op}: a SparseTensor input must be 2-D, got dense_shape "
                                           f"{x.dense_shape.numpy().tolist()}")
            rows = [[] for _ in range(batch)]
            for r, v in zip(indices[:, 0], values.tolist()):
                rows[r].append(v)
        else:
            values = x._array if isinstance(x, StringTensor) else np.asarray(x.numpy() if isinstance(x, _TENSORS)
                                                                               else x)
            if values.dtype.kind in "OSU":
                values = as_string_array(values)
            if values.ndim != 2:
                raise InvalidArgumentError(f"{op}: a dense input must be 2-D, got shape {list(values.shape)}")
            rows = values.tolist()
        dtype = np.asarray(x.values if isinstance(x, SparseTensor) else values).dtype
        if dtype.kind not in "OSUiu":
            raise TypeError(f"{op}: inputs must be integer or string tensors, got {dtype}; cast with tf.cast(x, "
                            "tf.int64) or tf.strings.as_string first")
        columns.append(rows)
    if len({len(c) for c in columns}) != 1:
        raise InvalidArgumentError(f"{op}: the inputs' batch sizes differ: {[len(c) for c in columns]}")
    return list(zip(*columns))


def _crossed(inputs, op, combine, dtype):
    crosses = [[combine(c) for c in itertools.product(*row)] for row in _cross_rows(inputs, op)]
    coords = np.array([(r, k) for r, row in enumerate(crosses) for k in range(len(row))], np.int64).reshape(-1, 2)
    flat = [c for row in crosses for c in row]
    values = StringTensor(np.asarray(flat, dtype=object)) if dtype == "string" else _core.constant(
        np.asarray(flat, np.int64), "int64")
    sp = SparseTensor(coords, np.zeros(0, np.float32), (len(crosses), max((len(r) for r in crosses), default=0)))
    sp.values = values
    return sp


def cross(inputs, name=None, separator=None):
    """The crosses of the inputs' values per row, as a string SparseTensor: every combination of one value of each
    input, joined by `separator` ("_X_"); integers as decimal strings."""
    joiner = ("_X_" if separator is None else separator).encode("utf-8")
    token = lambda v: v if isinstance(v, bytes) else str(v).encode("utf-8")  # noqa: E731
    return _crossed(inputs, "sparse.cross", lambda combo: joiner.join(token(v) for v in combo), "string")


def cross_hashed(inputs, num_buckets=0, hash_key=None, name=None):
    """The crosses of the inputs' values per row hashed as TF's (``hash_key``, default 0xDECAFCAFFE, chained with
    FingerprintCat64 over each value's Fingerprint64 or integer value), modulo `num_buckets` when it is > 0 (else
    modulo INT64_MAX); an int64 SparseTensor."""
    from .keras.layers._farmhash import cross_fingerprint

    key = 0xDECAFCAFFE if hash_key is None else int(hash_key)
    buckets = int(num_buckets)
    if buckets < 0:
        raise InvalidArgumentError(f"sparse.cross_hashed: num_buckets must be >= 0, got {buckets}")
    modulus = buckets or (1 << 63) - 1  # TF's: without buckets, modulo INT64_MAX keeps the ids non-negative
    return _crossed(inputs, "sparse.cross_hashed", lambda combo: cross_fingerprint(combo, key) % modulus, "int64")


def sampled_addmm(indices, values, dense_shape, mat1, mat2, beta=1.0, alpha=1.0, output_type="float32"):
    """(indices, alpha * (mat1 @ mat2) at `indices` + beta * values, dense_shape): the matrix product evaluated only
    at a sparse matrix's entries (one row of mat1 dotted with one column of mat2 per entry, batched over leading
    dimensions), differentiable in values, mat1 and mat2. `dense_shape` is the product's [rows, cols]."""
    from ._array_ops import gather_nd
    from ._linalg_ops import matrix_transpose

    convert = lambda x, dtype: x if isinstance(x, _TENSORS) and x.dtype == dtype else _core.convert_to_tensor(  # noqa: E731
        np.asarray(x), dtype=dtype)
    indices = indices if isinstance(indices, _TENSORS) else _core.convert_to_tensor(indices)
    values, mat1, mat2 = (convert(x, output_type) for x in (values, mat1, mat2))
    dense_shape = convert(dense_shape, "int32")
    product = [mat1._shape_tuple()[-2], mat2._shape_tuple()[-1]]
    if np.asarray(dense_shape).tolist() != product:
        raise ValueError(f"sparse.sampled_addmm: dense shape {np.asarray(dense_shape).tolist()} does not match the "
                         f"output shape {product} of mat1 {list(mat1.shape)} @ mat2 {list(mat2.shape)}")
    batch_dims = mat1.ndim - 2
    last = indices._shape_tuple()[-1]
    rows = gather_nd(mat1, indices[..., last - 2:last - 1], batch_dims=batch_dims)
    cols = gather_nd(matrix_transpose(mat2), indices[..., last - 1:], batch_dims=batch_dims)
    return indices, _core.reduce_sum(rows * cols, axis=-1) * alpha + values * beta, dense_shape


from ._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook(__name__)  # a TF name pytensor lacks says so (see _missing.py)
