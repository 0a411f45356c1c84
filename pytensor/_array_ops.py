"""TF's top-level array functions composed of core ops: reversing and rolling, sorting, ``gather_nd`` and the
``tensor_scatter_nd_*`` family, ``repeat``, ``unique``, ``searchsorted``, masks, partitions, histograms; the eager
functional helpers (``map_fn``, ``scan``, ``foldl``, ``foldr``), ``py_function`` / ``numpy_function`` and TF's
no-op structure functions (``group``, ``control_dependencies`` ...).

Values always pass through differentiable core ops (``gather``, ``scatter_nd``, ``where``, slicing), so tapes
differentiate them; only integer bookkeeping that fixes an output's shape (a repeat count, the number of unique
elements) is read back from a tensor, as TF's own kernels do on the host.
"""

import builtins
import contextlib
import functools
import time as _time

import functools

import numpy as np

from . import _core, nest
from ._tensor_api import Tensor, Variable
from .errors import InvalidArgumentError

__all__ = [
    "gather", "reverse", "roll", "argsort", "sort", "gather_nd", "tensor_scatter_nd_update", "tensor_scatter_nd_add",
    "tensor_scatter_nd_sub", "tensor_scatter_nd_max", "tensor_scatter_nd_min", "repeat", "sequence_mask", "unique",
    "unique_with_counts", "searchsorted", "unravel_index", "reverse_sequence", "dynamic_partition", "dynamic_stitch",
    "histogram_fixed_width_bins", "histogram_fixed_width", "strided_slice", "is_tensor", "identity_n", "no_op",
    "group", "control_dependencies", "tuple", "ensure_shape", "broadcast_static_shape", "broadcast_dynamic_shape",
    "timestamp", "map_fn", "vectorized_map", "scan", "foldl", "foldr", "py_function", "numpy_function",
    "parallel_stack", "space_to_batch_nd", "space_to_batch", "batch_to_space", "required_space_to_batch_paddings",
    "grad_pass_through", "recompute_grad",
]

_TENSORS = (Tensor, Variable)
# Elements of the (rows, block, n) comparison a sort or unique builds at once: bounds its memory.
_COMPARE_BLOCK = 1 << 22


def _tensor(x, dtype_hint=None):
    if isinstance(x, _TENSORS):
        return x
    # numpy values keep their dtype (the core's dtype_hint would override it); the hint is for Python values
    return _core.convert_to_tensor(x, dtype_hint=None if isinstance(x, (np.ndarray, np.generic)) else dtype_hint)


def _axis(axis, rank, op):
    axis = int(axis)
    if not -rank <= axis < rank:
        raise InvalidArgumentError(f"{op}: axis {axis} is out of range for a tensor of rank {rank}")
    return axis % rank


def _int_values(x, op, what):
    """The concrete integer values of `x` (a shape-fixing argument), as numpy."""
    values = np.asarray(x.numpy() if isinstance(x, _TENSORS) else x)
    if values.dtype.kind not in "iu":
        raise TypeError(f"{op}: {what} must be integers, got {values.dtype}")
    return values


def gather(params, indices, validate_indices=None, axis=None, batch_dims=0, name=None):
    """Slices of `params` along `axis` at `indices` (the core's gather; string tensors are gathered too)."""
    if not isinstance(params, _TENSORS) and type(params).__name__ == "StringTensor":
        strings = np.asarray(params.numpy(), dtype=object)
        if batch_dims:
            raise InvalidArgumentError("gather: batch_dims is not supported for string tensors")
        picked = np.take(strings, np.asarray(indices.numpy() if hasattr(indices, "numpy") else indices),
                         axis=0 if axis is None else int(axis))
        return type(params)(picked)
    out = _core.gather(params, indices, validate_indices, axis, batch_dims)
    if not batch_dims and (axis is None or (isinstance(axis, (int, np.integer)) and axis == 0)):
        # TF's sparse_read: a source gathered at axis 0 gets its gradient as IndexedSlices
        _core.mark_row_gather(out)
    return out


def reverse(tensor, axis, name=None):
    """`tensor` with the order of its elements reversed along each axis in `axis` (a list)."""
    x = _tensor(tensor)
    key = [slice(None)] * x.ndim
    for a in np.atleast_1d(_int_values(axis, "reverse", "axis")).tolist():
        key[_axis(a, x.ndim, "reverse")] = slice(None, None, -1)
    return x[builtins.tuple(key)]


def roll(input, shift, axis, name=None):  # noqa: A002 - TF's name
    """Elements shifted `shift` places along `axis` (lists of both roll several axes), wrapping around."""
    x = _tensor(input)
    shifts = np.atleast_1d(_int_values(shift, "roll", "shift")).tolist()
    axes = np.atleast_1d(_int_values(axis, "roll", "axis")).tolist()
    if len(shifts) != len(axes):
        raise InvalidArgumentError(f"roll: shift {shifts} and axis {axes} must have the same length")
    for s, a in zip(shifts, axes):
        a = _axis(a, x.ndim, "roll")
        n = x._shape_tuple()[a]
        if n == 0:
            continue
        s %= n
        if s:
            head = [slice(None)] * x.ndim
            tail = [slice(None)] * x.ndim
            head[a], tail[a] = slice(n - s, None), slice(0, n - s)
            x = _core.concat([x[builtins.tuple(head)], x[builtins.tuple(tail)]], a)
    return x


def _to_last(x, axis):
    perm = [i for i in range(x.ndim) if i != axis] + [axis]
    return _core.transpose(x, perm), perm


def _from_last(x, perm):
    inverse = [0] * len(perm)
    for i, p in enumerate(perm):
        inverse[p] = i
    return _core.transpose(x, inverse)


def _ranks(rows, descending):
    """For (r, n) `rows`, each element's position in its row's stable sort: the count of elements that sort
    before it (smaller, or equal and earlier), computed a block of elements at a time."""
    r, n = rows._shape_tuple()
    before = _core.greater if descending else _core.less
    positions = _core.range(n, dtype="int32")
    block = max(1, min(n, _COMPARE_BLOCK // max(1, r * n)))
    parts = []
    for start in range(0, n, block):
        stop = min(n, start + block)
        mine = _core.expand_dims(rows[:, start:stop], -1)  # (r, b, 1) against (r, 1, n)
        others = _core.expand_dims(rows, 1)
        earlier = _core.reshape(positions < _core.reshape(positions[start:stop], (-1, 1)), (1, stop - start, n))
        first = _core.logical_or(before(others, mine), _core.logical_and(_core.equal(others, mine), earlier))
        parts.append(_core.reduce_sum(_core.cast(first, "int32"), axis=-1))
    return _core.concat(parts, 1) if len(parts) > 1 else parts[0]


def argsort(values, axis=-1, direction="ASCENDING", stable=False, name=None):
    """The indices that sort `values` along `axis` (equal values keep their order: every sort here is stable)."""
    if direction not in ("ASCENDING", "DESCENDING"):
        raise ValueError(f"argsort: direction must be 'ASCENDING' or 'DESCENDING', got {direction!r}")
    x = _tensor(values, "float32")
    if x.ndim == 0:
        raise InvalidArgumentError("argsort: the input must have at least one dimension, got a scalar")
    x = _core.stop_gradient(x)
    last, perm = _to_last(x, _axis(axis, x.ndim, "argsort"))
    shape = last._shape_tuple()
    n = shape[-1]
    rows = _core.reshape(last, (-1, n))
    r = rows._shape_tuple()[0]
    rank = _ranks(rows, direction == "DESCENDING")
    # order[row, rank[row, i]] = i
    targets = _core.reshape(rank + _core.reshape(_core.range(r, dtype="int32") * n, (-1, 1)), (-1, 1))
    sources = _core.reshape(_core.tile(_core.reshape(_core.range(n, dtype="int32"), (1, n)), (r, 1)), (-1,))
    order = _core.reshape(_core.scatter_nd(targets, sources, (r * n,)), shape)
    return _from_last(order, perm)


def sort(values, axis=-1, direction="ASCENDING", name=None):
    """`values` sorted along `axis` (differentiable: a gather of `values`)."""
    x = _tensor(values, "float32")
    order = argsort(x, axis, direction)
    axis = _axis(axis, x.ndim, "sort")
    last, perm = _to_last(x, axis)
    gathered = _core.gather(last, _to_last(order, axis)[0], batch_dims=x.ndim - 1)
    return _from_last(gathered, perm)


def gather_nd(params, indices, batch_dims=0, name=None):
    """Slices of `params` at the index tuples of `indices`'s last axis (after `batch_dims` shared batch axes)."""
    params = _tensor(params)
    indices = _tensor(indices)
    if not indices.dtype.is_integer:
        raise TypeError(f"gather_nd: indices must be integers, got {indices.dtype.name}")
    batch_dims = int(batch_dims)
    pshape, ishape = params._shape_tuple(), indices._shape_tuple()
    if batch_dims:
        if pshape[:batch_dims] != ishape[:batch_dims]:
            raise InvalidArgumentError(f"gather_nd: the first {batch_dims} dimensions of params {pshape} and "
                                       f"indices {ishape} must match")
        batches = int(np.prod(pshape[:batch_dims]))
        inner = _core.reshape(indices, (batches, -1, ishape[-1]))
        batch_index = _core.tile(_core.reshape(_core.range(batches, dtype=indices.dtype), (-1, 1, 1)),
                                 (1, inner._shape_tuple()[1], 1))
        flat = gather_nd(_core.reshape(params, (batches,) + pshape[batch_dims:]),
                         _core.concat([batch_index, inner], -1))
        return _core.reshape(flat, ishape[:-1] + pshape[batch_dims + ishape[-1]:])
    depth = ishape[-1] if ishape else 0
    if not ishape or depth > len(pshape):
        raise InvalidArgumentError(f"gather_nd: the last axis of indices {ishape} must index at most the "
                                   f"{len(pshape)} dimensions of params {pshape}")
    strides = np.cumprod((pshape[1:depth] + (1,))[::-1])[::-1].astype(np.int64)
    _check_indices(indices, pshape[:depth], "gather_nd")
    flat_index = _core.reduce_sum(_core.cast(indices, "int64") * _core.constant(strides, "int64"), axis=-1)
    flat_params = _core.reshape(params, (int(np.prod(pshape[:depth])),) + pshape[depth:])
    return _core.gather(flat_params, flat_index)


def _check_indices(indices, bounds, op):
    from ._function import symbolic_in_scope

    if symbolic_in_scope(indices):
        return  # traced: its values come with each call, where the gather / scatter kernel checks them
    values = np.asarray(indices).reshape(-1, len(bounds)) if bounds else np.zeros((0, 0))
    bad = (values < 0) | (values >= np.asarray(bounds, dtype=np.int64))
    if bad.any():
        row = values[np.argwhere(bad)[0][0]].tolist()
        raise InvalidArgumentError(f"{op}: index {row} is out of bounds for dimensions {list(bounds)}")


def _scatter_args(tensor, indices, updates, op):
    tensor = _tensor(tensor)
    indices = _tensor(indices)
    updates = _tensor(updates, tensor.dtype)
    shape = tensor._shape_tuple()
    depth = indices._shape_tuple()[-1]
    want = indices._shape_tuple()[:-1] + shape[depth:]
    if updates._shape_tuple() != want:
        raise InvalidArgumentError(f"{op}: updates must have shape indices.shape[:-1] + tensor.shape[{depth}:] = "
                                   f"{want}, got {updates._shape_tuple()}")
    _check_indices(indices, shape[:depth], op)
    return tensor, indices, updates, shape


def _scattered_mask(indices, updates, shape):
    hits = _core.scatter_nd(indices, _core.ones(updates._shape_tuple(), "int32"), shape)
    return hits > 0


def tensor_scatter_nd_update(tensor, indices, updates, name=None):
    """`tensor` with the slices at `indices` replaced by `updates`."""
    tensor, indices, updates, shape = _scatter_args(tensor, indices, updates, "tensor_scatter_nd_update")
    return _core.where(_scattered_mask(indices, updates, shape), _core.scatter_nd(indices, updates, shape), tensor)


def tensor_scatter_nd_add(tensor, indices, updates, name=None):
    """`tensor` plus `updates` at `indices` (repeated indices add up)."""
    tensor, indices, updates, shape = _scatter_args(tensor, indices, updates, "tensor_scatter_nd_add")
    return tensor + _core.scatter_nd(indices, updates, shape)


def tensor_scatter_nd_sub(tensor, indices, updates, name=None):
    """`tensor` minus `updates` at `indices` (repeated indices subtract each)."""
    tensor, indices, updates, shape = _scatter_args(tensor, indices, updates, "tensor_scatter_nd_sub")
    return tensor - _core.scatter_nd(indices, updates, shape)


def _scatter_extreme(tensor, indices, updates, op, segment_reduce, combine):
    tensor, indices, updates, shape = _scatter_args(tensor, indices, updates, op)
    depth = indices._shape_tuple()[-1]
    strides = np.cumprod((shape[1:depth] + (1,))[::-1])[::-1].astype(np.int64)
    positions = _core.reshape(_core.reduce_sum(_core.cast(indices, "int64") * _core.constant(strides, "int64"),
                                               axis=-1), (-1,))
    slices = _core.reshape(updates, (-1,) + shape[depth:])
    reduced = _core.reshape(segment_reduce(slices, positions, int(np.prod(shape[:depth]))), shape)
    return _core.where(_scattered_mask(indices, updates, shape), combine(tensor, reduced), tensor)


def tensor_scatter_nd_max(tensor, indices, updates, name=None):
    """`tensor` with each slice at `indices` raised to the largest of it and its `updates`."""
    from ._math_ops import unsorted_segment_max

    return _scatter_extreme(tensor, indices, updates, "tensor_scatter_nd_max", unsorted_segment_max, _core.maximum)


def tensor_scatter_nd_min(tensor, indices, updates, name=None):
    """`tensor` with each slice at `indices` lowered to the smallest of it and its `updates`."""
    from ._math_ops import unsorted_segment_min

    return _scatter_extreme(tensor, indices, updates, "tensor_scatter_nd_min", unsorted_segment_min, _core.minimum)


def repeat(input, repeats, axis=None, name=None):  # noqa: A002 - TF's name
    """Each element (each slice along `axis`; of the flattened input when `axis` is None) repeated `repeats`
    times (one count, or one per slice)."""
    x = _tensor(input)
    if axis is None:
        x, axis = _core.reshape(x, (-1,)), 0
    axis = _axis(axis, x.ndim, "repeat")
    n = x._shape_tuple()[axis]
    counts = _int_values(repeats, "repeat", "repeats")
    if counts.ndim == 0 or counts.size == 1:
        counts = np.full(n, int(counts.reshape(-1)[0]))
    if counts.shape != (n,) or (counts < 0).any():
        raise InvalidArgumentError(f"repeat: repeats must be one non-negative count or {n} of them (the size of "
                                   f"axis {axis}), got {counts.tolist()[:10]}")
    return _core.gather(x, _core.constant(np.repeat(np.arange(n, dtype=np.int64), counts), "int64"), axis=axis)


def sequence_mask(lengths, maxlen=None, dtype="bool", name=None):
    """mask[..., j] = j < lengths[...], with `maxlen` columns (max(lengths) by default)."""
    lengths = _tensor(lengths)
    if not lengths.dtype.is_integer:
        raise TypeError(f"sequence_mask: lengths must be integers, got {lengths.dtype.name}")
    if maxlen is None:
        maxlen = int(_core.reduce_max(lengths)) if int(_core.size(lengths)) else 0
    maxlen = int(maxlen)
    mask = _core.range(maxlen, dtype=lengths.dtype) < _core.expand_dims(lengths, -1)
    return mask if dtype in ("bool", None) or getattr(dtype, "name", None) == "bool" else _core.cast(mask, dtype)


def _first_equal(x):
    """For 1-D `x`: the position of the first element equal to each element (blocks bound the memory)."""
    n = x._shape_tuple()[0]
    block = max(1, min(n, _COMPARE_BLOCK // max(1, n)))
    parts = []
    for start in range(0, n, block):
        same = _core.equal(_core.reshape(x[start:start + block], (-1, 1)), _core.reshape(x, (1, -1)))
        parts.append(_core.argmax(_core.cast(same, "int32"), axis=-1, output_type="int32"))
    return _core.concat(parts, 0) if len(parts) > 1 else parts[0]


def unique_with_counts(x, out_idx="int32", name=None):
    """The distinct elements of 1-D `x` in order of first appearance, each element's index into them, and how
    often each occurs: ``(y, idx, count)``."""
    from collections import namedtuple

    x = _tensor(x)
    if x.ndim != 1:
        raise InvalidArgumentError(f"unique: x must be 1-D, got shape {x._shape_tuple()}")
    n = x._shape_tuple()[0]
    result = namedtuple("UniqueWithCounts", ["y", "idx", "count"])
    if n == 0:
        return result(x, _core.zeros((0,), out_idx), _core.zeros((0,), out_idx))
    first = _first_equal(_core.stop_gradient(x))
    is_first = _core.equal(first, _core.range(n, dtype="int32"))
    numbered = _core.cumsum(_core.cast(is_first, "int32")) - 1
    idx = _core.gather(numbered, first)
    y = _core.boolean_mask(x, is_first)
    count = _core.unsorted_segment_sum(_core.ones((n,), "int32"), idx, y._shape_tuple()[0])
    return result(y, _core.cast(idx, out_idx), _core.cast(count, out_idx))


def unique(x, out_idx="int32", name=None):
    """The distinct elements of 1-D `x` in order of first appearance and each element's index into them:
    ``(y, idx)``."""
    from collections import namedtuple

    y, idx, _ = unique_with_counts(x, out_idx)
    return namedtuple("Unique", ["y", "idx"])(y, idx)


def searchsorted(sorted_sequence, values, side="left", out_type="int32", name=None):
    """For each value, the index in its row of `sorted_sequence` where it would be inserted to keep the row
    sorted (before equal elements for side='left', after them for 'right')."""
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
    seq = _tensor(sorted_sequence, "float32")
    vals = _tensor(values, seq.dtype)
    if seq._shape_tuple()[:-1] != vals._shape_tuple()[:-1]:
        raise InvalidArgumentError(f"searchsorted: sorted_sequence {seq._shape_tuple()} and values "
                                   f"{vals._shape_tuple()} must agree on all but the last axis")
    below = _core.less if side == "left" else _core.less_equal
    counts = below(_core.expand_dims(seq, -2), _core.expand_dims(vals, -1))
    return _core.reduce_sum(_core.cast(counts, out_type), axis=-1)


def unravel_index(indices, dims, name=None):
    """The coordinates in an array of shape `dims` of flat (row-major) `indices`: shape (len(dims),) + indices'."""
    indices = _tensor(indices)
    dims = _int_values(dims, "unravel_index", "dims").tolist()
    bound = int(np.prod(dims))
    flat = np.asarray(indices)
    if ((flat < 0) | (flat >= bound)).any():
        raise InvalidArgumentError(f"unravel_index: indices must be in [0, {bound}) for dims {dims}")
    coords = []
    rest = indices
    for size in reversed(dims):
        coords.append(_core.floormod(rest, size))
        rest = _core.floordiv(rest, size)
    return _core.stack(coords[::-1], 0)


def reverse_sequence(input, seq_lengths, seq_axis=None, batch_axis=0, name=None):  # noqa: A002
    """For each batch entry b, its first seq_lengths[b] elements along `seq_axis` reversed, the rest as they are."""
    x = _tensor(input)
    if seq_axis is None:
        raise ValueError("reverse_sequence: seq_axis is required")
    seq_axis, batch_axis = _axis(seq_axis, x.ndim, "reverse_sequence"), _axis(batch_axis, x.ndim, "reverse_sequence")
    lengths = _core.cast(_tensor(seq_lengths), "int32")
    perm = [batch_axis, seq_axis] + [i for i in range(x.ndim) if i not in (batch_axis, seq_axis)]
    moved = _core.transpose(x, perm)
    steps = moved._shape_tuple()[1]
    t = _core.reshape(_core.range(steps, dtype="int32"), (1, -1))
    length = _core.reshape(lengths, (-1, 1))
    source = _core.where(t < length, length - 1 - t, t + _core.zeros_like(length))
    return _from_last_perm(_core.gather(moved, source, batch_dims=1), perm)


def _from_last_perm(x, perm):
    inverse = [0] * len(perm)
    for i, p in enumerate(perm):
        inverse[p] = i
    return _core.transpose(x, inverse)


def dynamic_partition(data, partitions, num_partitions, name=None):
    """A list of `num_partitions` tensors: the slices of `data` whose partition is 0, 1, ..."""
    data = _tensor(data)
    partitions = _tensor(partitions)
    return [_core.boolean_mask(data, _core.equal(partitions, i)) for i in range(int(num_partitions))]


def dynamic_stitch(indices, data, name=None):
    """merged[indices[m][i]] = data[m][i], later entries winning where indices repeat."""
    indices = [_tensor(i) for i in indices]
    data = [_tensor(d) for d in data]
    if len(indices) != len(data):
        raise InvalidArgumentError(f"dynamic_stitch: {len(indices)} index tensors for {len(data)} data tensors")
    size = max((int(_core.reduce_max(i)) + 1 for i in indices if int(_core.size(i))), default=0)
    inner = data[0]._shape_tuple()[indices[0].ndim:]
    merged = _core.zeros((size,) + inner, data[0].dtype)
    for index, values in zip(indices, data):
        flat_index = _core.reshape(index, (-1, 1))
        merged = tensor_scatter_nd_update(merged, flat_index, _core.reshape(values, (-1,) + inner))
    return merged


def histogram_fixed_width_bins(values, value_range, nbins=100, dtype="int32", name=None):
    """The bin of each value among `nbins` equal bins over `value_range` (values outside go to the end bins)."""
    values = _tensor(values, "float32")
    lo_hi = _tensor(value_range, values.dtype)
    lo, hi = lo_hi[0], lo_hi[1]
    nbins = int(nbins)
    if nbins <= 0:
        raise InvalidArgumentError(f"histogram_fixed_width_bins: nbins must be positive, got {nbins}")
    scaled = _core.floor((_core.cast(values, "float64") - _core.cast(lo, "float64")) /
                         _core.cast(hi - lo, "float64") * nbins)
    return _core.cast(_core.clip_by_value(scaled, 0.0, float(nbins - 1)), dtype)


def histogram_fixed_width(values, value_range, nbins=100, dtype="int32", name=None):
    """How many values fall in each of `nbins` equal bins over `value_range` (the end bins take the outliers)."""
    bins = _core.reshape(histogram_fixed_width_bins(values, value_range, nbins, "int32"), (-1,))
    return _core.unsorted_segment_sum(_core.ones(bins._shape_tuple(), dtype), bins, int(nbins))


def strided_slice(input_, begin, end, strides=None, begin_mask=0, end_mask=0, ellipsis_mask=0, new_axis_mask=0,
                  shrink_axis_mask=0, var=None, name=None):
    """``input_[begin:end:strides]`` with TF's bit masks (bit i of a mask applies to entry i of begin/end)."""
    x = _tensor(input_)
    begin = _int_values(begin, "strided_slice", "begin").tolist()
    end = _int_values(end, "strided_slice", "end").tolist()
    strides = [1] * len(begin) if strides is None else _int_values(strides, "strided_slice", "strides").tolist()
    if not len(begin) == len(end) == len(strides):
        raise InvalidArgumentError(f"strided_slice: begin {begin}, end {end} and strides {strides} must have the "
                                   "same length")
    key = []
    for i, (b, e, s) in enumerate(zip(begin, end, strides)):
        bit = 1 << i
        if ellipsis_mask & bit:
            key.append(Ellipsis)
        elif new_axis_mask & bit:
            key.append(None)
        elif shrink_axis_mask & bit:
            key.append(b)
        else:
            key.append(slice(None if begin_mask & bit else b, None if end_mask & bit else e, s))
    return x[builtins.tuple(key)]


def is_tensor(x):
    """True for tensors and variables (TF's tensor-like objects)."""
    return isinstance(x, _TENSORS) or bool(getattr(x, "is_tensor_like", False))


def identity_n(input, name=None):  # noqa: A002 - TF's name
    """A list of identities of the given tensors."""
    return [_core.identity(_tensor(t)) for t in input]


def no_op(name=None):
    """Does nothing (in eager mode there is nothing to group or order)."""
    return None


def group(*inputs, **kwargs):
    """Eagerly, every input has already run: returns None, as TF does eagerly."""
    return None


@contextlib.contextmanager
def control_dependencies(control_inputs):
    """Eagerly, ops run in program order, so the block needs no dependencies (TF's eager behaviour)."""
    yield


def tuple(tensors, name=None, control_inputs=None):  # noqa: A001 - TF's name
    """The tensors, as a list (eagerly they are already computed)."""
    return list(tensors)


def ensure_shape(x, shape, name=None):
    """`x` itself, after checking its shape is compatible with `shape` (None entries match any size)."""
    from .tensor_shape import TensorShape

    x = _tensor(x)
    want = TensorShape(shape)
    if not want.is_compatible_with(TensorShape(x._shape_tuple())):
        raise InvalidArgumentError(f"ensure_shape: shape of tensor {x._shape_tuple()} is not compatible with "
                                   f"expected shape {want}")
    return x


def _broadcast(a, b, op):
    a, b = list(a), list(b)
    n = max(len(a), len(b))
    a, b = [1] * (n - len(a)) + a, [1] * (n - len(b)) + b
    out = []
    for x, y in zip(a, b):
        if x is not None and y is not None and x != y and 1 not in (x, y):
            raise InvalidArgumentError(f"{op}: incompatible shapes {a} and {b}")
        out.append(y if x == 1 else x if y == 1 else (x if x is not None else y))
    return out


def broadcast_static_shape(shape_x, shape_y):
    """The TensorShape two TensorShapes broadcast to."""
    from .tensor_shape import TensorShape

    return TensorShape(_broadcast(TensorShape(shape_x).as_list(), TensorShape(shape_y).as_list(),
                                  "broadcast_static_shape"))


def broadcast_dynamic_shape(shape_x, shape_y):
    """The shape (a 1-D int tensor) two shapes (1-D int tensors) broadcast to."""
    x, y = _tensor(shape_x), _tensor(shape_y)
    return _core.constant(_broadcast(np.asarray(x).tolist(), np.asarray(y).tolist(), "broadcast_dynamic_shape"),
                          x.dtype)


def timestamp(name=None):
    """Seconds since the epoch, as a float64 scalar."""
    return _core.constant(_time.time(), "float64")


def _unstacked(elems):
    flat = [_tensor(e) for e in nest.flatten(elems)]
    if not flat:
        raise ValueError("map_fn: elems must hold at least one tensor")
    n = flat[0]._shape_tuple()[0] if flat[0].ndim else None
    if n is None or any(not e.ndim or e._shape_tuple()[0] != n for e in flat):
        raise InvalidArgumentError(f"map_fn: every tensor of elems needs the same first dimension, got shapes "
                                   f"{[e._shape_tuple() for e in flat]}")
    return n, flat


def map_fn(fn, elems, dtype=None, parallel_iterations=None, back_prop=True, swap_memory=False, infer_shape=True,
           name=None, fn_output_signature=None):
    """fn applied to each slice of `elems` along axis 0 (a nested structure is sliced together), the results
    stacked. Runs eagerly, one call per slice."""
    n, flat = _unstacked(elems)
    results = []
    for i in range(n):
        results.append(fn(nest.pack_sequence_as(elems, [e[i] for e in flat])))
    signature = fn_output_signature if fn_output_signature is not None else dtype
    if not results:
        if signature is None:
            raise ValueError("map_fn: elems is empty, so fn_output_signature is needed to know the result's dtype")
        return nest.map_structure(lambda s: _core.zeros((0,), getattr(s, "dtype", s)), signature)
    outputs = [nest.flatten(r) for r in results]
    stacked = [_core.stack([_tensor(o[k]) for o in outputs], 0) for k in range(len(outputs[0]))]
    if signature is not None:
        dtypes = [getattr(s, "dtype", s) for s in nest.flatten(signature)]
        stacked = [_core.cast(t, d) if d is not None else t for t, d in zip(stacked, dtypes)]
    return nest.pack_sequence_as(results[0], stacked)


def vectorized_map(fn, elems, fallback_to_while_loop=True, warn=True):
    """fn over axis 0 of `elems`, as map_fn (pytensor runs it eagerly, slice by slice)."""
    return map_fn(fn, elems)


def scan(fn, elems, initializer=None, parallel_iterations=10, back_prop=True, swap_memory=False, infer_shape=True,
         reverse=False, name=None):
    """The running values of ``a = fn(a, x)`` over the slices x of `elems` (from the end if `reverse`),
    stacked; without an initializer the first slice starts the accumulator."""
    n, flat = _unstacked(elems)
    order = list(range(n - 1, -1, -1)) if reverse else list(range(n))
    slices = [nest.pack_sequence_as(elems, [e[i] for e in flat]) for i in order]
    if initializer is None:
        if not slices:
            raise ValueError("scan: elems is empty and there is no initializer")
        accumulator, slices, results = slices[0], slices[1:], [slices[0]]
    else:
        accumulator, results = initializer, []
    for x in slices:
        accumulator = fn(accumulator, x)
        results.append(accumulator)
    if reverse:
        results = results[::-1]
    parts = [nest.flatten(r) for r in results]
    stacked = [_core.stack([_tensor(p[k]) for p in parts], 0) for k in range(len(parts[0]))]
    return nest.pack_sequence_as(results[0], stacked)


def _fold(fn, elems, initializer, reverse, op):
    n, flat = _unstacked(elems)
    order = list(range(n - 1, -1, -1)) if reverse else list(range(n))
    slices = [nest.pack_sequence_as(elems, [e[i] for e in flat]) for i in order]
    if initializer is None:
        if not slices:
            raise ValueError(f"{op}: elems is empty and there is no initializer")
        accumulator, slices = slices[0], slices[1:]
    else:
        accumulator = initializer
    for x in slices:
        accumulator = fn(accumulator, x)
    return accumulator


def foldl(fn, elems, initializer=None, parallel_iterations=10, back_prop=True, swap_memory=False, name=None):
    """``a = fn(a, x)`` over the slices of `elems` from the first; returns the final a."""
    return _fold(fn, elems, initializer, False, "foldl")


def foldr(fn, elems, initializer=None, parallel_iterations=10, back_prop=True, swap_memory=False, name=None):
    """``a = fn(a, x)`` over the slices of `elems` from the last; returns the final a."""
    return _fold(fn, elems, initializer, True, "foldr")


def _as_outputs(result, Tout, op):
    if Tout is None:
        return None
    if isinstance(Tout, (list, type(()))):
        if not Tout and result is None:  # a function run for its side effects (Tout=[])
            return []
        values = list(result) if isinstance(result, (list, type(()))) else [result]
        if len(values) != len(Tout):
            raise InvalidArgumentError(f"{op}: the function returned {len(values)} values for {len(Tout)} Tout dtypes")
        return [_core.convert_to_tensor(v, dtype=d) for v, d in zip(values, Tout)]
    return _core.convert_to_tensor(result, dtype=Tout)


def _host_call(run, inp, Tout, op, differentiable=False):
    """``run(inp)`` converted by `_as_outputs`; inside ``tf.function`` a host callback node of the graph runs it on
    every call (as TF's EagerPyFunc op) and writes its results into variables the graph reads after it. The trace
    is the first call: it runs `run` on the trace's own values, which fix the outputs' shapes."""
    from . import _function
    capture = _function.current_capture()
    if capture is None:
        return _as_outputs(run(inp), Tout, op)
    inp = [x if isinstance(x, Tensor) else _core.convert_to_tensor(x) for x in inp]  # graph values, as TF's
    with _function.outside_capture():
        first = _as_outputs(run(inp), Tout, op)
        outputs = [] if first is None else first if isinstance(first, list) else [first]
        slots = [Variable(t, trainable=False, name=f"{op}_output") for t in outputs]

    def call(values):
        with _function.outside_capture():
            result = _as_outputs(run(values), Tout, op)
            for slot, value in zip(slots, [] if result is None else result if isinstance(result, list) else [result]):
                if value.shape.as_list() != slot.shape.as_list():
                    raise InvalidArgumentError(
                        f"{op}: the function returned shape {builtins.tuple(value.shape.as_list())} where the call that traced "
                        f"the tf.function returned {builtins.tuple(slot.shape.as_list())}; inside tf.function its outputs keep "
                        f"the shapes of the traced call: return the same shape on every call (pad it), or call "
                        f"{op} outside tf.function")
                slot.assign(value)

    capture.add_callback(call, inp, op)
    reads = [slot.read_value() for slot in slots]
    if differentiable and reads:
        _record_host_gradient(run, inp, reads, op)
    return None if first is None else reads if isinstance(first, list) else reads[0]


def _record_host_gradient(run, inp, outputs, op):
    """The gradient of a host call inside ``tf.function`` (TF differentiates EagerPyFunc): tapes see `outputs` as a
    function of the floating inputs, whose gradient is a second host callback that runs `run` again under a tape on
    each call's inputs and upstream gradients and writes the input gradients into variables the graph reads."""
    from . import _function
    from .gradient_tape import GradientTape
    sources = [x for x in inp if x.dtype.is_floating]
    if not sources:
        return

    def gradients(values):
        xs, upstream = values[:len(sources)], values[len(sources):]
        values_in = iter(xs)
        full = [next(values_in) if x.dtype.is_floating else x for x in inp]
        with GradientTape() as tape:
            for x in xs:
                tape.watch(x)
            result = run(full)
            ys = [_core.convert_to_tensor(y) for y in (result if isinstance(result, (list, type(()))) else [result])]
        grads = tape.gradient(ys, xs, output_gradients=upstream)
        return [_core.zeros_like(x) if g is None else _core.convert_to_tensor(g) for x, g in zip(xs, grads)]

    def backward(upstream):
        upstream = [_core.zeros_like(y) if u is None else u for y, u in zip(outputs, upstream)]
        with _function.outside_capture():
            slots = [Variable(g, trainable=False, name=f"{op}_gradient")
                     for g in gradients(sources + upstream)]  # the trace's own values

        def call(values):
            with _function.outside_capture():
                for slot, g in zip(slots, gradients(values)):
                    slot.assign(g)

        _function.current_capture().add_callback(call, sources + upstream, f"{op}_grad")
        grads = iter(slot.read_value() for slot in slots)
        return [next(grads) if x.dtype.is_floating else None for x in inp]

    _core.record_custom_gradient(inp, outputs, backward)


def py_function(func=None, inp=None, Tout=None, name=None):
    """Calls the Python function `func` on the tensors `inp` (eagerly: tapes record the ops it runs; inside
    ``tf.function``, on every call of the graph) and returns its results as tensors of the `Tout` dtypes. Without
    `func` and `inp`, a decorator: ``@tf.py_function(Tout=tf.float32)`` makes ``f(x, y)`` such a call."""
    if func is None:
        return lambda f: functools.wraps(f)(lambda *args: py_function(f, list(args), Tout, name))
    return _host_call(lambda values: func(*values), inp, Tout, "py_function", differentiable=True)


def numpy_function(func, inp, Tout, stateful=True, name=None):
    """Calls `func` on the numpy values of `inp` (inside ``tf.function``, on every call of the graph) and returns
    its results as tensors of the `Tout` dtypes (not differentiable)."""
    return _host_call(lambda values: func(*[np.asarray(x) if isinstance(x, _TENSORS) else x for x in values]),
                      inp, Tout, "numpy_function")


def parallel_stack(values, name=None):
    """stack(values, axis=0)."""
    return _core.stack([_tensor(v) for v in values], 0)


def space_to_batch_nd(input, block_shape, paddings, name=None):  # noqa: A002 - TF's name
    """Zero-pads the M spatial dimensions after the batch by `paddings`, then moves each block_shape block of
    positions into the batch: (batch * prod(block_shape), padded / block_shape ..., remaining ...)."""
    x = _tensor(input)
    block = _int_values(block_shape, "space_to_batch_nd", "block_shape").reshape(-1).tolist()
    pads = _int_values(paddings, "space_to_batch_nd", "paddings").reshape(-1, 2).tolist()
    m = len(block)
    if len(pads) != m or x.ndim < m + 1 or any(b < 1 for b in block):
        raise InvalidArgumentError(f"space_to_batch_nd: block_shape {block} and paddings {pads} must name the "
                                   f"{m} spatial dimensions after the batch of an input of shape {x._shape_tuple()}")
    x = _core.pad(x, [[0, 0]] + pads + [[0, 0]] * (x.ndim - m - 1))
    shape = x._shape_tuple()
    batch, spatial, rest = shape[0], shape[1:m + 1], shape[m + 1:]
    if any(d % b for d, b in zip(spatial, block)):
        raise InvalidArgumentError(f"space_to_batch_nd: padded spatial shape {list(spatial)} must be divisible by "
                                   f"block_shape {block}")
    split = [batch] + [v for d, b in zip(spatial, block) for v in (d // b, b)] + list(rest)
    x = _core.reshape(x, split)
    perm = [2 + 2 * i for i in range(m)] + [0] + [1 + 2 * i for i in range(m)] + list(range(1 + 2 * m, len(split)))
    x = _core.transpose(x, perm)
    return _core.reshape(x, [batch * int(np.prod(block))] + [d // b for d, b in zip(spatial, block)] + list(rest))


def space_to_batch(input, block_shape, paddings, name=None):  # noqa: A002 - TF's name
    """space_to_batch_nd (TF 2's space_to_batch)."""
    return space_to_batch_nd(input, block_shape, paddings)


def batch_to_space(input, block_shape, crops, name=None):  # noqa: A002 - TF's name
    """The inverse of space_to_batch_nd: moves batch blocks back into the M spatial dimensions, then crops."""
    x = _tensor(input)
    block = _int_values(block_shape, "batch_to_space", "block_shape").reshape(-1).tolist()
    crop = _int_values(crops, "batch_to_space", "crops").reshape(-1, 2).tolist()
    m = len(block)
    shape = x._shape_tuple()
    prod = int(np.prod(block))
    if len(crop) != m or x.ndim < m + 1 or shape[0] % prod:
        raise InvalidArgumentError(f"batch_to_space: the batch ({shape[0]}) must be divisible by prod(block_shape) "
                                   f"= {prod}, and crops {crop} must name the {m} spatial dimensions of shape {shape}")
    batch, spatial, rest = shape[0] // prod, shape[1:m + 1], shape[m + 1:]
    x = _core.reshape(x, block + [batch] + list(shape[1:]))
    perm = [m] + [v for i in range(m) for v in (m + 1 + i, i)] + list(range(2 * m + 1, x.ndim))
    x = _core.reshape(_core.transpose(x, perm), [batch] + [d * b for d, b in zip(spatial, block)] + list(rest))
    key = [slice(None)] + [slice(c[0], d * b - c[1]) for c, d, b in zip(crop, spatial, block)]
    return x[builtins.tuple(key)]


def required_space_to_batch_paddings(input_shape, block_shape, base_paddings=None, name=None):
    """(paddings, crops) that make the spatial `input_shape` (plus `base_paddings`) divisible by `block_shape`."""
    shape = np.asarray(_int_values(input_shape, "required_space_to_batch_paddings", "input_shape")).reshape(-1)
    block = np.asarray(_int_values(block_shape, "required_space_to_batch_paddings", "block_shape")).reshape(-1)
    base = (np.zeros((len(block), 2), np.int64) if base_paddings is None else
            np.asarray(_int_values(base_paddings, "required_space_to_batch_paddings", "base_paddings")).reshape(-1, 2))
    full = shape + base[:, 0] + base[:, 1]
    extra = (block - full % block) % block
    paddings = np.stack([base[:, 0], base[:, 1] + extra], 1)
    crops = np.stack([np.zeros_like(extra), extra], 1)
    return _core.constant(paddings.astype(np.int32), "int32"), _core.constant(crops.astype(np.int32), "int32")


def grad_pass_through(f):
    """f with the identity as its gradient (TF's straight-through estimator)."""
    from .gradient_tape import custom_gradient

    def wrapped(x):
        return custom_gradient(lambda value: (f(value), lambda upstream: upstream))(x)

    return wrapped


def recompute_grad(f):
    """f itself: TF recomputes f's forward pass during the gradient to save memory; results and gradients are the
    same, and eager tapes here already keep only what f's ops save."""
    return f
