"""Shape and indexing ops (every dtype): reshape, transpose, concat, gather, slicing, scatter ..."""
from __future__ import annotations

import numpy as np

import pytensor as pt

from .common import ALL_DTYPES, BOOL, FLOATS, INTS, NUMERIC, SIGNED, Domain, OpInfo, SampleInput, make


# ---- shape and indexing ---------------------------------------------------------------------
def sample_reshape(op, dtype, rng):
    cases = [((2, 3, 4), (6, 4), "contiguous"), ((2, 3, 4), (24,), "contiguous"), ((2, 3, 4), (-1,), "contiguous"),
             ((2, 3, 4), [4, -1], "contiguous"), ((2, 3, 4), (2, 3, 4, 1), "contiguous"), ((), (1, 1), "contiguous"),
             ((1,), (), "contiguous"), ((0, 3), (3, 0), "contiguous"), ((3, 4), (12,), "transposed"),
             ((3, 4), (2, 6), "strided"), ((6,), (2, 3), "reversed"), ((4, 6), (4, 2, 3), "transposed")]
    for s, new, layout in cases:
        yield SampleInput((make(s, dtype, rng, layout=layout), new), desc=f"{layout} {s} -> {new}")


def sample_transpose(op, dtype, rng):
    cases = [((2, 3, 4), None), ((2, 3, 4), (1, 0, 2)), ((2, 3, 4), [2, 0, 1]), ((), None), ((0, 3), None),
             ((3, 4), (1, 0)), ((5,), None)]
    for s, perm in cases:
        kw = {} if perm is None else {"perm": perm}
        yield SampleInput((make(s, dtype, rng),), kw, desc=f"{s} perm={perm}")
    yield SampleInput((make((3, 4), dtype, rng, layout="transposed"),), {"perm": (1, 0)}, desc="transposed input")
    yield SampleInput((make((3, 4, 2), dtype, rng, layout="strided"),), {"perm": (2, 0, 1)}, desc="strided input")


def ref_transpose(a, perm=None):
    return np.transpose(a, perm)


def sample_expand_dims(op, dtype, rng):
    for s, axis, layout in [((2, 3), 0, "contiguous"), ((2, 3), -1, "contiguous"), ((2, 3), 1, "contiguous"),
                            ((2, 3), -3, "contiguous"), ((), 0, "contiguous"), ((0, 3), 1, "contiguous"),
                            ((3, 4), 1, "transposed"), ((3, 4), 2, "strided")]:
        yield SampleInput((make(s, dtype, rng, layout=layout), axis), desc=f"{layout} {s} axis={axis}")


def sample_squeeze(op, dtype, rng):
    for s, axis, layout in [((1, 3, 1, 4), None, "contiguous"), ((1, 3, 1, 4), 0, "contiguous"),
                            ((1, 3, 1, 4), [0, 2], "contiguous"), ((1, 3, 1, 4), -2, "contiguous"),
                            ((), None, "contiguous"), ((1, 0, 1), None, "contiguous"), ((3, 4), None, "contiguous"),
                            ((4, 1), None, "transposed"), ((1, 3, 1), [2], "strided")]:
        kw = {} if axis is None else {"axis": axis}
        yield SampleInput((make(s, dtype, rng, layout=layout),), kw, desc=f"{layout} {s} axis={axis}")


def ref_squeeze(x, axis=None):
    if isinstance(axis, list):
        axis = tuple(axis)
    return np.squeeze(x, axis=axis)


def sample_concat(op, dtype, rng):
    cases = [([(2, 3), (4, 3)], 0), ([(2, 3), (2, 1), (2, 2)], 1), ([(2, 3), (2, 3)], -1), ([(0, 3), (2, 3)], 0),
             ([(3,)], 0), ([(2, 3, 4), (2, 1, 4)], 1), ([(0,), (0,)], 0)]
    for shapes, axis in cases:
        vals = [make(s, dtype, rng) for s in shapes]
        yield SampleInput((vals, axis), desc=f"{shapes} axis={axis}")
    vals = [make((3, 4), dtype, rng, layout="transposed"), make((3, 4), dtype, rng, layout="strided")]
    yield SampleInput((vals, 0), desc="non-contiguous members")


def ref_concat(values, axis):
    return np.concatenate(values, axis=axis)


def sample_stack(op, dtype, rng):
    for n, s, axis in [(3, (2, 3), 0), (3, (2, 3), 1), (3, (2, 3), 2), (2, (2, 3), -1), (3, (), 0), (2, (0,), 0),
                       (1, (4,), 0)]:
        vals = [make(s, dtype, rng) for _ in range(n)]
        yield SampleInput((vals,), {"axis": axis}, desc=f"{n} x {s} axis={axis}")
    vals = [make((3, 4), dtype, rng, layout="transposed"), make((3, 4), dtype, rng, layout="strided")]
    yield SampleInput((vals,), {"axis": 1}, desc="non-contiguous members")


def ref_stack(values, axis=0):
    return np.stack(values, axis=axis)


def sample_unstack(op, dtype, rng):
    for s, kw, layout in [((3, 4), {}, "contiguous"), ((3, 4), {"axis": 1}, "contiguous"),
                          ((2, 3, 4), {"axis": -1}, "contiguous"), ((3, 4), {"num": 3}, "contiguous"),
                          ((2, 0), {"axis": 0}, "contiguous"), ((4,), {}, "contiguous"),
                          ((3, 4), {"axis": 0}, "transposed"), ((3, 4), {"axis": 1}, "strided")]:
        yield SampleInput((make(s, dtype, rng, layout=layout),), dict(kw), desc=f"{layout} {s} {kw}")


def ref_unstack(value, num=None, axis=0):
    return [np.asarray(v) for v in np.moveaxis(value, axis, 0)]


def sample_split(op, dtype, rng):
    for s, nos, axis, layout in [((6, 4), 3, 0, "contiguous"), ((6, 4), [1, 2, 3], 0, "contiguous"),
                                 ((6, 4), [1, -1], 1, "contiguous"), ((6, 4), 2, 1, "contiguous"),
                                 ((6, 4), [0, 6], 0, "contiguous"), ((2, 6), 3, -1, "transposed"),
                                 ((6, 4), [2, 4], 0, "strided"), ((5,), 1, 0, "contiguous")]:
        kw = {} if axis == 0 else {"axis": axis}
        yield SampleInput((make(s, dtype, rng, layout=layout), nos), kw, desc=f"{layout} {s} {nos} axis={axis}")


def ref_split(value, num_or_size_splits, axis=0):
    n = value.shape[axis]
    if isinstance(num_or_size_splits, int):
        return [np.asarray(v) for v in np.split(value, num_or_size_splits, axis=axis)]
    sizes = list(num_or_size_splits)
    if -1 in sizes:
        sizes[sizes.index(-1)] = n - (sum(sizes) + 1)
    return [np.asarray(v) for v in np.split(value, np.cumsum(sizes)[:-1], axis=axis)]


def sample_tile(op, dtype, rng):
    for s, m, layout in [((2, 3), [2, 1], "contiguous"), ((2, 3), [1, 3], "contiguous"), ((2, 3), (2, 2), "contiguous"),
                         ((), [], "contiguous"), ((0, 3), [2, 2], "contiguous"), ((2, 3), [0, 2], "contiguous"),
                         ((3,), [4], "reversed"), ((3, 4), [2, 1], "transposed"), ((2, 2, 2), [1, 2, 3], "strided")]:
        yield SampleInput((make(s, dtype, rng, layout=layout), m), desc=f"{layout} {s} multiples={m}")


def sample_broadcast_to(op, dtype, rng):
    for s, to, layout in [((3, 1), (2, 3, 4), "contiguous"), ((1,), (5,), "contiguous"), ((), (2, 2), "contiguous"),
                          ((3,), (0, 3), "contiguous"), ((2, 3), (2, 3), "contiguous"),
                          ((3, 1), [4, 3, 5], "strided"), ((2, 3), (4, 2, 3), "transposed")]:
        yield SampleInput((make(s, dtype, rng, layout=layout), to), desc=f"{layout} {s} -> {to}")


def sample_pad(op, dtype, rng):
    cv = {"bool": True, "uint8": 5, "int32": -5, "int64": 7}.get(dtype, 2.5)
    cases = [((2, 3), [[1, 2], [0, 1]], {}), ((2, 3), [[1, 0], [2, 1]], {"constant_values": cv}),
             ((3, 4), [[1, 1], [2, 2]], {"mode": "REFLECT"}), ((3, 4), [[2, 3], [3, 0]], {"mode": "SYMMETRIC"}),
             ((5,), [[2, 3]], {}), ((), np.zeros((0, 2), "int32"), {}), ((0, 3), [[1, 1], [0, 0]], {}),
             ((4, 4), [[1, 2], [2, 1]], {"mode": "reflect"})]
    for s, p, kw in cases:
        yield SampleInput((make(s, dtype, rng), p), dict(kw), desc=f"{s} paddings={p} {kw}")
    yield SampleInput((make((3, 4), dtype, rng, layout="transposed"), [[1, 1], [0, 2]]), {}, desc="transposed input")
    yield SampleInput((make((3, 4), dtype, rng, layout="strided"), [[1, 1], [1, 1]]), {"mode": "REFLECT"},
                      desc="strided input, REFLECT")


def ref_pad(tensor, paddings, mode="CONSTANT", constant_values=0):
    mode = mode.upper()
    if tensor.ndim == 0:
        return tensor.copy()
    if mode == "CONSTANT":
        return np.pad(tensor, paddings, mode="constant", constant_values=constant_values)
    return np.pad(tensor, paddings, mode=mode.lower())


def sample_gather(op, dtype, rng):
    for idt in ("int32", "int64"):
        p = make((5, 3), dtype, rng)
        yield SampleInput((p, np.array([0, 4, 2, 2], idt)), desc=f"axis None (0), {idt} indices")
        yield SampleInput((p, np.array([[0, 1], [4, 4]], idt)), {"axis": 0}, desc=f"2-d {idt} indices")
        yield SampleInput((p, np.array([2, 0], idt)), {"axis": 1}, desc=f"axis 1, {idt}")
        yield SampleInput((p, np.array([1], idt)), {"axis": -1}, desc=f"axis -1, {idt}")
        yield SampleInput((p, np.array(3, idt)), desc=f"0-d {idt} index")
        yield SampleInput((p, np.zeros((0,), idt)), desc=f"empty {idt} indices")
    p = make((2, 5, 3), dtype, rng)
    yield SampleInput((p, np.array([[0, 4, 1, 1], [3, 2, 0, 4]], "int64")), {"axis": 1, "batch_dims": 1},
                      desc="batch_dims=1 axis=1")
    yield SampleInput((p, np.array([[0, 2], [1, 1]], "int32")), {"axis": 2, "batch_dims": 1}, desc="batch_dims=1 axis=2")
    yield SampleInput((make((5, 4), dtype, rng, layout="transposed"), np.array([3, 1, 0], "int32")), {"axis": 1},
                      desc="transposed params")
    yield SampleInput((make((6, 3), dtype, rng, layout="strided"), np.array([[5, 0], [1, 2]], "int64")), {},
                      desc="strided params")


def ref_gather(params, indices, validate_indices=None, axis=None, batch_dims=0):
    axis = 0 if axis is None else axis % params.ndim
    if batch_dims == 0:
        return np.take(params, indices, axis=axis)
    return np.stack([ref_gather(params[i], indices[i], axis=axis - 1, batch_dims=batch_dims - 1)
                     for i in range(params.shape[0])])


def sample_one_hot(op, dtype, rng):
    idx = np.array([0, 2, 1, 5], dtype=dtype)  # 5 is out of range: an all-off row (TF)
    yield SampleInput((idx, 4), desc="1-d, one index out of range")
    yield SampleInput((make((2, 3), dtype, rng, Domain(0, 3)), 3), {"axis": -1}, desc="2-d axis -1")
    yield SampleInput((make((2, 3), dtype, rng, Domain(0, 3)), 3), {"axis": 0}, desc="2-d axis 0")
    yield SampleInput((make((2, 3), dtype, rng, Domain(0, 4)), 4), {"axis": 1}, desc="2-d axis 1")
    yield SampleInput((idx, 6), {"on_value": 5.0, "off_value": -1.0}, desc="on/off values")
    yield SampleInput((idx, 3), {"on_value": 1, "off_value": 0, "dtype": pt.int32}, desc="int32 output")
    yield SampleInput((np.array(1, dtype=dtype), 3), desc="0-d index")
    yield SampleInput((np.zeros((0,), dtype=dtype), 3), desc="empty indices")
    yield SampleInput((make((4, 3), dtype, rng, Domain(0, 3), "transposed"), 3), desc="transposed indices")
    if dtype in SIGNED:
        yield SampleInput((np.array([-1, 1], dtype=dtype), 3), desc="negative index: all-off row")


def ref_one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None):
    out_dt = pt.as_dtype(dtype).name if dtype is not None else (
        np.asarray(on_value).dtype.name if isinstance(on_value, np.ndarray) else "float32")
    on = 1 if on_value is None else on_value
    off = 0 if off_value is None else off_value
    idx = indices.astype("int64")
    hot = idx[..., None] == np.arange(depth)
    out = np.where(hot, on, off).astype(out_dt)
    if axis is not None and axis != -1:
        out = np.moveaxis(out, -1, axis)
    return out


def sample_strided_slice(op, dtype, rng):
    x = make((4, 5, 6), dtype, rng)
    keys = [1, -1, slice(1, None), slice(None, None, 2), slice(None, None, -1), slice(-1, 0, -2),
            (Ellipsis, 0), (None, slice(None)), (0, Ellipsis, None), (slice(1, 3), 2), slice(5, 10),
            (slice(None), None, 1), (2, 3, 4), (slice(None, None, -2), slice(1, -1), slice(None, None, 3)),
            Ellipsis, (slice(10, None, -1), Ellipsis, -2)]
    for k in keys:
        yield SampleInput((x, k), desc=f"(4, 5, 6)[{k!r}]")
    s = make((), dtype, rng)
    yield SampleInput((s, Ellipsis), desc="0-d [...]")
    yield SampleInput((s, None), desc="0-d [None]")
    yield SampleInput((make((0, 3), dtype, rng), (slice(None), 1)), desc="empty [:, 1]")
    yield SampleInput((make((5, 6), dtype, rng, layout="transposed"), (slice(None, None, 2), slice(1, None))),
                      desc="transposed [::2, 1:]")
    yield SampleInput((make((6, 4), dtype, rng, layout="strided"), (slice(None, None, -1), 2)),
                      desc="strided [::-1, 2]")


def ref_strided_slice(x, key):
    return np.array(x[key])


def sample_boolean_mask(op, dtype, rng):
    x = make((4, 3), dtype, rng)
    yield SampleInput((x, rng.random(4) < 0.5), desc="(4, 3) with (4,) mask")
    yield SampleInput((x, rng.random((4, 3)) < 0.5), desc="(4, 3) with (4, 3) mask")
    yield SampleInput((x, np.zeros(4, bool)), desc="all-false mask")
    yield SampleInput((x, np.ones(4, bool)), desc="all-true mask")
    yield SampleInput((make((2, 3, 4), dtype, rng), rng.random(3) < 0.5), {"axis": 1}, desc="axis=1")
    yield SampleInput((make((0, 3), dtype, rng), np.zeros(0, bool)), desc="empty")
    yield SampleInput((make((5, 4), dtype, rng, layout="transposed"), np.array([1, 0, 1, 1, 0], bool)),
                      desc="transposed tensor")
    yield SampleInput((make((6,), dtype, rng, layout="reversed"), make((6,), "bool", rng, layout="strided")),
                      desc="reversed tensor, strided mask")


def ref_boolean_mask(tensor, mask, axis=None):
    axis = 0 if axis is None else axis
    return np.array(tensor[(slice(None),) * axis + (mask,)])


def sample_where_indices(op, dtype, rng):
    def mk(shape, layout="contiguous"):
        m = make(shape, "bool", rng, layout=layout)
        if dtype == "bool":
            return m
        v = make(shape, dtype, rng, Domain(1, 5), layout)
        return np.where(m, v, np.zeros((), dtype)).astype(dtype)
    for s, layout in [((3, 4), "contiguous"), ((2, 3, 4), "contiguous"), ((7,), "contiguous"),
                      ((0, 3), "contiguous"), ((4, 5), "transposed"), ((3, 4), "strided")]:
        yield SampleInput((mk(s, layout),), desc=f"{layout} {s}")
    yield SampleInput((np.array(True if dtype == "bool" else 1, dtype=dtype),), desc="0-d true")
    yield SampleInput((np.zeros((), dtype=dtype),), desc="0-d false")


def ref_where_indices(condition):
    return np.argwhere(condition).astype("int64")


def sample_unsorted_segment_sum(op, dtype, rng):
    cases = [((6,), np.array([0, 2, 0, -1, 3, 2]), 4, "contiguous", "a negative id drops its row"),
             ((5, 3), np.array([2, 0, 2, 2, 0]), 3, "contiguous", "segment 1 empty"),
             ((2, 3, 4), np.array([[0, 4, 1], [1, 1, 3]]), 5, "contiguous", "2-d ids"),
             ((3,), np.array(1), 2, "contiguous", "0-d id: the whole tensor is one row"),
             ((4, 5), np.array([1, 0, 1, 1]), 2, "transposed", "transposed data"),
             ((4, 3), np.array([2, 2, 0, 1]), 3, "strided", "strided data"),
             ((0, 3), np.zeros(0), 2, "contiguous", "empty data"),
             ((3, 2), np.array([-1, -1, -1]), 0, "contiguous", "no segments")]
    for shape, ids, num, layout, desc in cases:
        for idt in ("int32", "int64"):
            yield SampleInput((make(shape, dtype, rng, op.domain(0), layout), ids.astype(idt), num),
                              desc=f"{layout} {shape} ids {ids.shape} {idt} num_segments={num}: {desc}")


def ref_unsorted_segment_sum(data, segment_ids, num_segments):
    k = segment_ids.ndim
    out = np.zeros((num_segments,) + data.shape[k:], dtype=data.dtype)
    for idx in np.ndindex(segment_ids.shape):
        sid = int(segment_ids[idx])
        if 0 <= sid < num_segments:
            out[sid] = out[sid] + data[idx]  # row order, in the data's dtype, like the kernel
    return out


def sample_scatter_nd(op, dtype, rng):
    cases = [(np.array([[4], [3], [1], [4]]), (4,), (8,), "contiguous", "a repeated index adds"),
             (np.array([[0, 1], [3, 3]]), (2,), (4, 4), "contiguous", "element tuples"),
             (np.array([[2], [0], [2]]), (3, 3), (4, 3), "contiguous", "row slices"),
             (np.array([[[0, 1], [2, 3]], [[1, 1], [0, 1]], [[2, 0], [2, 0]]]), (3, 2, 5), (3, 4, 5), "contiguous",
              "2-d batch of index pairs, slices of 5"),
             (np.array([1, 2]), (), (3, 4), "contiguous", "0-d update"),
             (np.zeros((0, 1)), (0,), (5,), "contiguous", "no updates"),
             (np.array([[1], [0], [1]]), (3, 4), (2, 4), "transposed", "transposed updates"),
             (np.array([[3], [0]]), (2, 3), (4, 3), "strided", "strided updates")]
    for idx, ushape, shape, layout, desc in cases:
        for idt in ("int32", "int64"):
            yield SampleInput((idx.astype(idt), make(ushape, dtype, rng, op.domain(1), layout), shape),
                              desc=f"indices {idx.shape} {idt} updates {layout} {ushape} shape {shape}: {desc}")


def ref_scatter_nd(indices, updates, shape):
    out = np.zeros(tuple(shape), dtype=updates.dtype)
    for t in np.ndindex(indices.shape[:-1]):
        pos = tuple(int(v) for v in indices[t])
        out[pos] = out[pos] + updates[t]  # in order: repeated indices add up
    return out


def sample_strided_slice_grad(op, dtype, rng):
    """(dy, input shape, key): dy has the shape of x[key]."""
    for x, key in ((s.args[0], s.args[1]) for s in sample_strided_slice(op, dtype, rng)):
        dy_shape = np.zeros(x.shape)[key].shape
        layout = "transposed" if len(dy_shape) >= 2 else "reversed" if len(dy_shape) == 1 else "contiguous"
        yield SampleInput((make(dy_shape, dtype, rng, layout=layout), x.shape, key),
                          desc=f"d {x.shape}[{key!r}] with {layout} dy {dy_shape}")


def ref_strided_slice_grad(dy, shape, key):
    out = np.zeros(shape, dtype=dy.dtype)
    out[key] = dy  # basic slicing never hits an element twice
    return out


def call_strided_slice_grad(getitem, dy, shape, key):
    """strided_slice_grad is internal (TF exposes it only as raw_ops.StridedSliceGrad): it is the gradient of x[key].

    The gradient of `getitem(x, key)` for zeros x of `shape`, with `dy` as the upstream gradient.
    """
    from pytensor.gradient_tape import GradientTape
    x = pt.zeros(shape, dtype=dy.dtype)
    with GradientTape() as tape:
        tape.watch(x)
        y = getitem(x, key)
    return tape.gradient(y, x, output_gradients=dy)


# One row per registry op of this family; tests/op_db/__init__.py joins the families into `op_db`.
ROWS = [
    OpInfo(name="reshape", family="shape", api="reshape", ref=lambda t, s: np.reshape(t, s),
           sample_inputs_func=sample_reshape, dtypes=ALL_DTYPES, differentiable=True),
    OpInfo(name="transpose", family="shape", api="transpose", ref=ref_transpose, sample_inputs_func=sample_transpose,
           dtypes=ALL_DTYPES, differentiable=True),
    OpInfo(name="expand_dims", family="shape", api="expand_dims", ref=lambda x, axis: np.expand_dims(x, axis),
           sample_inputs_func=sample_expand_dims, dtypes=ALL_DTYPES, differentiable=True),
    OpInfo(name="squeeze", family="shape", api="squeeze", ref=ref_squeeze, sample_inputs_func=sample_squeeze,
           dtypes=ALL_DTYPES, differentiable=True),
    OpInfo(name="concat", family="shape", api="concat", ref=ref_concat, sample_inputs_func=sample_concat,
           dtypes=ALL_DTYPES, differentiable=True, num_inputs=-1),
    OpInfo(name="stack", family="shape", api="stack", ref=ref_stack, sample_inputs_func=sample_stack,
           dtypes=ALL_DTYPES, differentiable=True, num_inputs=-1),
    OpInfo(name="unstack", family="shape", api="unstack", ref=ref_unstack, sample_inputs_func=sample_unstack,
           dtypes=ALL_DTYPES, differentiable=True),
    OpInfo(name="split", family="shape", api="split", ref=ref_split, sample_inputs_func=sample_split,
           dtypes=ALL_DTYPES, differentiable=True),
    OpInfo(name="tile", family="shape", api="tile", ref=lambda x, m: np.tile(x, m) if len(m) else x.copy(),
           sample_inputs_func=sample_tile, dtypes=ALL_DTYPES, differentiable=True),
    OpInfo(name="broadcast_to", family="shape", api="broadcast_to", ref=lambda x, s: np.broadcast_to(x, tuple(s)),
           sample_inputs_func=sample_broadcast_to, dtypes=ALL_DTYPES, differentiable=True),
    OpInfo(name="pad", family="shape", api="pad", ref=ref_pad, sample_inputs_func=sample_pad,
           dtypes=ALL_DTYPES, differentiable=True),
    OpInfo(name="gather", family="shape", api="gather", ref=ref_gather, sample_inputs_func=sample_gather,
           dtypes=ALL_DTYPES, differentiable=True, num_inputs=2, grad_argnums=(0,)),
    OpInfo(name="one_hot", family="shape", api="one_hot", ref=ref_one_hot, sample_inputs_func=sample_one_hot,
           dtypes=INTS, unsupported_dtypes=FLOATS + BOOL),
    OpInfo(name="strided_slice", family="shape", api="Tensor.__getitem__", ref=ref_strided_slice,
           sample_inputs_func=sample_strided_slice, dtypes=ALL_DTYPES, differentiable=True,
           call=lambda fn, x, key: x[key], error_name="__getitem__"),
    OpInfo(name="boolean_mask", family="shape", api="boolean_mask", ref=ref_boolean_mask,
           sample_inputs_func=sample_boolean_mask, dtypes=ALL_DTYPES, differentiable=True, num_inputs=2),
    OpInfo(name="where_indices", family="shape", api="where", ref=ref_where_indices,
           sample_inputs_func=sample_where_indices, dtypes=ALL_DTYPES, error_name="where"),
    OpInfo(name="unsorted_segment_sum", family="shape", api="math.unsorted_segment_sum|unsorted_segment_sum",
           ref=ref_unsorted_segment_sum, sample_inputs_func=sample_unsorted_segment_sum, dtypes=NUMERIC,
           unsupported_dtypes=BOOL, differentiable=True, num_inputs=2, grad_argnums=(0,)),
    # TF's ScatterNd also takes bools; pytensor's sums with unsorted_segment_sum, so bools are refused (by name).
    OpInfo(name="scatter_nd", family="shape", api="scatter_nd", ref=ref_scatter_nd, sample_inputs_func=sample_scatter_nd,
           dtypes=NUMERIC, unsupported_dtypes=BOOL, differentiable=True, num_inputs=2, grad_argnums=(1,)),
    # Internal: reached as the gradient of indexing (x[key]); only float dtypes carry gradients.
    OpInfo(name="strided_slice_grad", family="shape", api="Tensor.__getitem__", ref=ref_strided_slice_grad,
           sample_inputs_func=sample_strided_slice_grad, dtypes=FLOATS, differentiable=True,
           call=call_strided_slice_grad),
]
