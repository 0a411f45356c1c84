"""TF's smaller top-level names: bit reinterpretation, ``case``, tensor protos, the tracing queries, a critical
section, tensor conversion for user types, edit distance, volume patches, the v2 conv2d backprops, the
ragged empty-row filler, index shuffling and batch functions.
"""

import threading

import numpy as np

from . import _core
from ._tensor_api import Tensor, Variable
from .data._types import SparseTensor
from .errors import InvalidArgumentError

__all__ = [
    "bitcast", "case", "inside_function", "is_symbolic_tensor", "guarantee_const", "make_tensor_proto",
    "make_ndarray", "TensorProto", "nondifferentiable_batch_function", "random_index_shuffle", "edit_distance",
    "conv2d_backprop_filter_v2", "conv2d_backprop_input_v2", "extract_volume_patches", "matrix_square_root",
    "ragged_fill_empty_rows", "ragged_fill_empty_rows_grad", "CriticalSection", "register_tensor_conversion_function",
    "approx_top_k", "conv", "no_gradient",
]

_TENSORS = (Tensor, Variable)


def _tensor(x):
    return x if isinstance(x, _TENSORS) else _core.convert_to_tensor(x)


def bitcast(input, type, name=None):  # noqa: A002 - TF's names
    """The bits of `input` read as dtype `type`: a wider type consumes the last axis (its length must be the size
    ratio), a narrower one adds an axis of that ratio, as TF."""
    from .dtypes import as_dtype

    x = _tensor(input)
    target = as_dtype(type)
    source_np, target_np = np.dtype(x.dtype.as_numpy_dtype), np.dtype(target.as_numpy_dtype)
    array = np.ascontiguousarray(np.asarray(x))
    if target_np.itemsize > source_np.itemsize:
        ratio = target_np.itemsize // source_np.itemsize
        if not array.shape or array.shape[-1] != ratio:
            raise InvalidArgumentError(f"bitcast: casting {x.dtype.name} to {target.name} needs a last axis of "
                                       f"{ratio}, got shape {list(array.shape)}")
        result = array.view(target_np).reshape(array.shape[:-1])
    elif target_np.itemsize < source_np.itemsize:
        result = array.view(target_np).reshape(array.shape + (source_np.itemsize // target_np.itemsize,))
    else:
        result = array.view(target_np)
    return _core.constant(result, target.name)


def case(pred_fn_pairs, default=None, exclusive=False, strict=False, name="case"):
    """The result of the function paired with the first true predicate (`default` when none is): a chain of
    ``tf.cond``, so it traces into graphs as TF's does. `exclusive` checks that at most one predicate holds."""
    from ._control_flow import cond

    pairs = list(pred_fn_pairs.items()) if isinstance(pred_fn_pairs, dict) else list(pred_fn_pairs)
    for pair in pairs:
        if not (isinstance(pair, tuple) and len(pair) == 2 and callable(pair[1])):
            raise TypeError(f"case: each entry must be a (predicate, callable) pair, got {pair!r}")
    if default is None:
        if not pairs:
            raise ValueError("case: give at least one (predicate, callable) pair or a default")
        *pairs, (_, default) = pairs
    if exclusive and not is_symbolic_tensor(pairs[0][0] if pairs else None):
        hits = sum(bool(np.asarray(_tensor(p))) for p, _ in pairs)
        if hits > 1:
            raise InvalidArgumentError(f"case: exclusive=True but {hits} predicates are true")

    def chain(index):
        if index == len(pairs):
            return default()
        predicate, fn = pairs[index]
        return cond(predicate, fn, lambda: chain(index + 1))

    return chain(0)


def inside_function():
    """True while ``tf.function`` traces a graph."""
    from ._function import _traces

    return bool(_traces())


def is_symbolic_tensor(tensor):
    """True for a tensor of a graph being traced (its value is known only when the graph runs)."""
    from ._function import symbolic_in_scope

    return isinstance(tensor, Tensor) and symbolic_in_scope(tensor)


def guarantee_const(input, name=None):  # noqa: A002 - TF's name
    """`input` unchanged (TF's hint that it is constant, for its optimiser)."""
    return _core.identity(_tensor(input))


class TensorProto:
    """A tensor as a serialisable value: dtype name, shape, and the row-major bytes (``tf.make_tensor_proto``'s
    result; pytensor has no protobuf, so this carries the same information)."""

    def __init__(self, dtype, shape, content):
        self.dtype, self.tensor_shape, self.tensor_content = dtype, tuple(shape), content

    def __repr__(self):
        return f"TensorProto(dtype={self.dtype}, tensor_shape={list(self.tensor_shape)}, {len(self.tensor_content)} bytes)"


def make_tensor_proto(values, dtype=None, shape=None, verify_shape=False, allow_broadcast=False):
    """`values` as a TensorProto of `dtype` and `shape` (a scalar broadcast to it; with `verify_shape` the
    values must already have it)."""
    from .dtypes import as_dtype

    t = _core.convert_to_tensor(values, as_dtype(dtype) if dtype is not None else None)
    array = np.asarray(t)
    if shape is not None:
        shape = tuple(int(d) for d in shape)
        if verify_shape and array.shape != shape:
            raise TypeError(f"make_tensor_proto: expected shape {list(shape)}, got {list(array.shape)}")
        if array.shape != shape:
            if array.size == 1 or allow_broadcast:
                array = np.broadcast_to(array, shape)
            elif array.size == int(np.prod(shape)):
                array = array.reshape(shape)
            else:
                raise ValueError(f"make_tensor_proto: {array.size} values cannot fill shape {list(shape)}")
    return TensorProto(t.dtype.name, array.shape, np.ascontiguousarray(array).tobytes())


def make_ndarray(tensor):
    """The numpy array of a TensorProto (or of a tensor)."""
    if isinstance(tensor, TensorProto):
        return np.frombuffer(tensor.tensor_content, dtype=tensor.dtype).reshape(tensor.tensor_shape).copy()
    return np.asarray(_tensor(tensor)).copy()


def nondifferentiable_batch_function(num_batch_threads, max_batch_size, batch_timeout_micros,
                                     allowed_batch_sizes=None, max_enqueued_batches=10, autograph=True,
                                     enable_large_batch_splitting=True):
    """Decorator for a function of batched tensors whose outputs carry no gradient. TF also merges concurrent
    calls into larger batches; each call runs on its own batch here, with the same results."""
    def decorate(fn):
        def batched(*args):
            from .nest import map_structure

            return map_structure(lambda t: _core.stop_gradient(t) if isinstance(t, _TENSORS) else t, fn(*args))

        batched.__name__ = getattr(fn, "__name__", "batch_function")
        batched.__doc__ = fn.__doc__
        return batched

    return decorate


def random_index_shuffle(index, seed, max_index, rounds=4, name=None):
    """A pseudo-random bijection of [0, max_index] keyed by `seed` (three integers), applied to `index`: a
    Feistel network over the smallest even bit width that covers max_index, cycle-walking back into range.
    (TF's permutation for a seed differs; this one is a permutation for each seed too.)"""
    idx = np.asarray(index.numpy() if isinstance(index, _TENSORS) else index)
    key = np.asarray(seed.numpy() if isinstance(seed, _TENSORS) else seed).astype(np.uint64).reshape(-1)
    if key.size != 3:
        raise InvalidArgumentError(f"random_index_shuffle: seed must hold 3 integers, got {key.size}")
    top = int(np.asarray(max_index))
    if top < 0 or np.any(idx < 0) or np.any(idx > top):
        raise InvalidArgumentError(f"random_index_shuffle: index must be in [0, {top}]")
    bits = max(2, int(top).bit_length() + (int(top).bit_length() % 2))
    half, mask = bits // 2, (1 << (bits // 2)) - 1

    def round_function(value, r):
        x = (value * 0x9E3779B97F4A7C15 + int(key[r % 3]) + r * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
        x ^= x >> 31
        return (x * 0x94D049BB133111EB & 0xFFFFFFFFFFFFFFFF) >> 29 & mask

    def permute(value):
        while True:
            left, right = value >> half, value & mask
            for r in range(max(int(rounds), 1)):
                left, right = right, left ^ round_function(right, r)
            value = (left << half) | right
            if value <= top:
                return value

    out = np.vectorize(lambda v: permute(int(v)), otypes=[np.int64])(idx) if idx.size else idx.astype(np.int64)
    return _core.constant(np.asarray(out).astype(idx.dtype if idx.dtype.kind in "iu" else np.int64))


def _levenshtein(a, b):
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def _sequences(sparse, op):
    if not isinstance(sparse, SparseTensor):
        raise TypeError(f"{op}: expected SparseTensors, got {type(sparse).__name__}")
    index, values = sparse.indices.numpy(), np.asarray(sparse.values)
    shape = tuple(int(d) for d in sparse.dense_shape.numpy())
    rows = {}
    for position, value in zip(index, values):
        rows.setdefault(tuple(position[:-1]), []).append((position[-1], value.item() if hasattr(value, "item")
                                                          else value))
    return {k: [v for _, v in sorted(items)] for k, items in rows.items()}, shape


def edit_distance(hypothesis, truth, normalize=True, name="edit_distance"):
    """The Levenshtein distance between the sequences (last axis) of two SparseTensors, per leading position;
    divided by the truth's length with `normalize` (inf for an empty truth and a non-empty hypothesis)."""
    hyp, hyp_shape = _sequences(hypothesis, "edit_distance")
    ref, ref_shape = _sequences(truth, "edit_distance")
    if len(hyp_shape) != len(ref_shape):
        raise ValueError(f"edit_distance: hypothesis and truth must have one rank, got {len(hyp_shape)} and "
                         f"{len(ref_shape)}")
    leading = tuple(max(a, b) for a, b in zip(hyp_shape[:-1], ref_shape[:-1]))
    out = np.zeros(leading, np.float32)
    for position in np.ndindex(*leading):
        a, b = hyp.get(position, []), ref.get(position, [])
        distance = _levenshtein(a, b)
        if normalize:
            out[position] = distance / len(b) if b else (np.inf if a else 0.0)
        else:
            out[position] = distance
    return _core.constant(out)


def conv2d_backprop_filter_v2(input, filter, out_backprop, strides, padding, data_format="NHWC",  # noqa: A002
                              dilations=None, name=None):
    """conv2d's gradient with respect to its filter, the filter's shape taken from `filter`."""
    return _core.conv2d_backprop_filter(input, list(_tensor(filter).shape), out_backprop, strides, padding,
                                        data_format=data_format, dilations=dilations)


def conv2d_backprop_input_v2(input, filter, out_backprop, strides, padding, data_format="NHWC",  # noqa: A002
                             dilations=None, name=None):
    """conv2d's gradient with respect to its input, the input's shape taken from `input`."""
    return _core.conv2d_backprop_input(list(_tensor(input).shape), filter, out_backprop, strides, padding,
                                       data_format=data_format, dilations=dilations)


def extract_volume_patches(input, ksizes, strides, padding, name=None):  # noqa: A002 - TF's name
    """Patches of a 5-D [batch, depth, rows, cols, channels] input, flattened into the last axis in (depth, row,
    col, channel) order: [batch, out_depth, out_rows, out_cols, kd * kr * kc * channels]."""
    x = _tensor(input)
    if len(x.shape) != 5:
        raise ValueError(f"extract_volume_patches: input must be 5-D, got shape {list(x.shape)}")
    ksizes, strides = [int(v) for v in ksizes], [int(v) for v in strides]
    if len(ksizes) != 5 or len(strides) != 5 or ksizes[0] != 1 or ksizes[4] != 1 or strides[0] != 1 \
            or strides[4] != 1:
        raise ValueError(f"extract_volume_patches: ksizes and strides must be [1, d, r, c, 1], got {ksizes} and "
                         f"{strides}")
    mode = str(padding).upper()
    sizes, kernel, step = list(x.shape[1:4]), ksizes[1:4], strides[1:4]
    outs, pads = [], []
    for n, k, s in zip(sizes, kernel, step):
        out = -(-n // s) if mode == "SAME" else (n - k) // s + 1
        total = max((out - 1) * s + k - n, 0) if mode == "SAME" else 0
        outs.append(out)
        pads.append([total // 2, total - total // 2])
    if any(p != [0, 0] for p in pads):
        x = _core.pad(x, [[0, 0]] + pads + [[0, 0]])
    pieces = []
    for d in range(kernel[0]):
        for r in range(kernel[1]):
            for c in range(kernel[2]):
                pieces.append(x[:, d:d + (outs[0] - 1) * step[0] + 1:step[0],
                                r:r + (outs[1] - 1) * step[1] + 1:step[1],
                                c:c + (outs[2] - 1) * step[2] + 1:step[2], :])
    return _core.concat(pieces, axis=-1)


def matrix_square_root(input, name=None):  # noqa: A002 - TF's name
    """``tf.linalg.sqrtm``."""
    from ._linalg_ops import sqrtm

    return sqrtm(input)


def ragged_fill_empty_rows(value_rowids, values, nrows, default_value, name=None):
    """A ragged partition's empty rows each given one `default_value`: (new value_rowids, new values, which rows
    were empty, where each old value went)."""
    rowids = np.asarray(value_rowids.numpy() if isinstance(value_rowids, _TENSORS) else value_rowids, np.int64)
    vals = _tensor(values)
    rows = int(np.asarray(nrows))
    empty = np.ones(rows, bool)
    empty[rowids] = False
    new_rowids = np.sort(np.concatenate([rowids, np.flatnonzero(empty)]), kind="stable")
    # each old value keeps its order; an empty row's default goes where its row starts
    counts = np.bincount(rowids, minlength=rows)
    starts = np.concatenate([[0], np.cumsum(np.maximum(counts, 1))[:-1]])
    reverse = starts[rowids] + (np.arange(len(rowids)) - np.concatenate([[0], np.cumsum(counts)[:-1]])[rowids])
    defaults = starts[empty]
    order = np.empty(len(new_rowids), np.int64)
    order[reverse] = np.arange(len(rowids))
    order[defaults] = len(rowids)
    filled = _core.gather(_core.concat([vals, _core.reshape(_core.cast(_tensor(default_value), vals.dtype.name),
                                                            (1,))], axis=0), _core.constant(order, "int64"))
    return (_core.constant(new_rowids, "int64"), filled, _core.constant(empty),
            _core.constant(reverse.astype(np.int64), "int64"))


def ragged_fill_empty_rows_grad(reverse_index_map, grad_values, name=None):
    """The gradients of ragged_fill_empty_rows: (d values, d default_value)."""
    reverse = np.asarray(reverse_index_map.numpy() if isinstance(reverse_index_map, _TENSORS) else reverse_index_map,
                         np.int64)
    grads = _tensor(grad_values)
    d_values = _core.gather(grads, _core.constant(reverse, "int64"))
    unused = np.ones(grads.shape[0], bool)
    unused[reverse] = False
    d_default = _core.reduce_sum(_core.gather(grads, _core.constant(np.flatnonzero(unused), "int64")))
    return d_values, d_default


class CriticalSection:
    """Runs functions one at a time (``tf.CriticalSection``): `execute` holds a lock while `fn` runs."""

    def __init__(self, name=None, shared_name=None, critical_section_def=None, import_scope=None):
        self.name = name or "CriticalSection"
        self._lock = threading.RLock()

    def execute(self, fn, exclusive_resource_access=True, name=None):
        """`fn()` run while no other execute of this section runs."""
        with self._lock:
            return fn()


_CONVERSIONS = []  # (base types, function, priority), consulted in priority order


def register_tensor_conversion_function(base_type, conversion_func, priority=100):
    """Teaches every op to take values of `base_type`: ``conversion_func(value, dtype=None, name=None,
    as_ref=False)`` returns a tensor (or a value the core reads)."""
    types = base_type if isinstance(base_type, tuple) else (base_type,)
    if not all(isinstance(t, type) for t in types):
        raise TypeError(f"register_tensor_conversion_function: base_type must be a type or tuple of types, got "
                        f"{base_type!r}")
    if not callable(conversion_func):
        raise TypeError("register_tensor_conversion_function: conversion_func must be callable")
    _CONVERSIONS.append((types, conversion_func, priority))
    _CONVERSIONS.sort(key=lambda entry: entry[2])


def registered_conversion(value):
    """The tensor a registered conversion function makes of `value`, or None when none applies."""
    for types, fn, _ in _CONVERSIONS:
        if isinstance(value, types):
            return fn(value, dtype=None, name=None, as_ref=False)
    return None


def approx_top_k(input, k, reduction_dimension=-1, recall_target=0.95, is_max_k=True,  # noqa: A002 - TF's name
                 reduction_input_size_override=-1, aggregate_to_topk=True, name=None):
    """(values, indices) of the k largest (smallest with is_max_k=False) entries along `reduction_dimension`:
    computed exactly, which meets every recall_target."""
    from ._math_ops import top_k

    x = _tensor(input)
    rank = len(x.shape)
    axis = reduction_dimension % rank
    moved = x if axis == rank - 1 else _core.transpose(x, [d for d in range(rank) if d != axis] + [axis])
    values, indices = top_k(moved if is_max_k else -moved, k)
    values = values if is_max_k else -values
    if axis != rank - 1:
        back = list(np.argsort([d for d in range(rank) if d != axis] + [axis]))
        values, indices = _core.transpose(values, back), _core.transpose(indices, back)
    return values, indices


def conv(input, filter, strides, padding, explicit_paddings=(), data_format="CHANNELS_LAST", dilations=(),  # noqa: A002
         batch_dims=1, groups=1, name=None):
    """The N-D convolution (N = 1, 2 or 3) of TF's generic Conv op: `batch_dims` leading batch axes, channels
    last or first, SAME / VALID / EXPLICIT padding and dilations (groups > 1 is unimplemented, as TF's CPU's)."""
    from .nn._conv import convolution

    x, w = _tensor(input), _tensor(filter)
    n = len(w.shape) - 2
    if n not in (1, 2, 3) or len(x.shape) != n + 1 + batch_dims:
        raise ValueError(f"conv: input of rank {len(x.shape)} and filter of rank {len(w.shape)} do not make a 1-3-D "
                         f"convolution with batch_dims={batch_dims}")
    if data_format == "CHANNELS_FIRST":
        x = _core.transpose(x, list(range(batch_dims)) + list(range(batch_dims + 1, batch_dims + 1 + n)) + [batch_dims])
    elif data_format != "CHANNELS_LAST":
        raise ValueError(f"conv: data_format must be 'CHANNELS_LAST' or 'CHANNELS_FIRST', got {data_format!r}")
    batch = tuple(x.shape[:batch_dims])
    x = _core.reshape(x, (-1,) + tuple(x.shape[batch_dims:]))
    spatial = lambda values: [int(v) for v in values][1:-1] if len(values) == n + 2 else [int(v) for v in values]  # noqa: E731
    step = spatial(strides)
    rate = spatial(dilations) if len(dilations) else [1] * n
    mode = str(padding).upper()
    if mode == "EXPLICIT":
        pairs = np.asarray(explicit_paddings, np.int64).reshape(-1, 2).tolist()
        if len(pairs) == n + 2:  # in the data's order: the spatial pairs sit after the channels' when channels first
            pairs = pairs[2:] if data_format == "CHANNELS_FIRST" else pairs[1:-1]
        x = _core.pad(x, [[0, 0]] + pairs + [[0, 0]])
        mode = "VALID"
    if groups != 1:
        from .errors import UnimplementedError

        raise UnimplementedError("conv: grouped convolutions (groups > 1) are not supported, as in TF's CPU kernel; "
                                 "use tf.nn.depthwise_conv2d or split the channels")
    out = convolution(x, w, step, mode, dilations=rate)
    out = _core.reshape(out, batch + tuple(out.shape[1:]))
    if data_format == "CHANNELS_FIRST":
        last = len(out.shape) - 1
        out = _core.transpose(out, list(range(batch_dims)) + [last] + list(range(batch_dims, last)))
    return out


_DECLARED_NO_GRADIENT = set()  # the op types tf.no_gradient registered in this process
_REGISTRY_LOCK = threading.Lock()


def _tf_gradient_op_types():
    import json
    import os

    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "_tf_gradient_op_types.json")) as f:
        return frozenset(json.load(f)["op_types"])


def no_gradient(op_type):
    """Registers op type `op_type` as not differentiable (TF's ``tf.no_gradient``): a TypeError for a non-string; a
    KeyError, as TF's, for an op type that already has a gradient registration (TF 2.21's, recorded by
    tests/fixtures/record_tf_gradient_op_types.py) or was registered here before. The registration is kept but
    consulted by no tape: an op type TF leaves unregistered is a custom op's (``tf.load_op_library``), which pytensor
    does not run, or one of the few TF ops without a gradient (Unique, Where ...), whose pytensor counterparts keep
    their own gradient behaviour; so a program's registrations succeed and fail as in TF."""
    if not isinstance(op_type, str):
        raise TypeError("op_type must be a string")
    with _REGISTRY_LOCK:
        if op_type in _DECLARED_NO_GRADIENT or op_type in _tf_gradient_op_types():
            raise KeyError(f"Registering two gradient with name '{op_type}'! (TensorFlow, and pytensor's op "
                           "registry, already define whether it is differentiable; tf.no_gradient is for op types "
                           "without a gradient registration)")
        _DECLARED_NO_GRADIENT.add(op_type)
