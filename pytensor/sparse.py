"""``tf.sparse``: SparseTensor and the functions TF programs use on it.

A SparseTensor is ``indices`` (N, rank) int64, ``values`` (N,) and ``dense_shape`` (rank,). Values flow through
differentiable core ops (``scatter_nd``, ``gather``, ``unsorted_segment_sum``), so tapes differentiate
``to_dense``, ``sparse_dense_matmul``, ``reduce_sum``, ``softmax`` ... with respect to them; the index bookkeeping
(ordering, concatenation, slicing) is integer work on the concrete indices, as TF's kernels do.
"""

import numpy as np

from . import _core
from ._tensor_api import Tensor, Variable
from .data._types import SparseTensor
from .errors import InvalidArgumentError

__all__ = [
    "SparseTensor", "to_dense", "from_dense", "sparse_dense_matmul", "matmul", "add", "reduce_sum", "reduce_max", "reorder",
    "reshape", "transpose", "eye", "concat", "retain", "slice", "expand_dims", "map_values", "to_indicator",
    "softmax", "fill_empty_rows", "split", "segment_sum", "segment_mean", "segment_sqrt_n", "reset_shape",
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


from ._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook(__name__)  # a TF name pytensor lacks says so (see _missing.py)
