"""Creation ops: zeros, ones, fill, *_like, eye, range, linspace."""
from __future__ import annotations

import numpy as np

import pytensor as pt

from .common import ALL_DTYPES, BOOL, FLOATS, NUMERIC, SIGNED, OpInfo, SampleInput, make


# ---- creation -------------------------------------------------------------------------------
def sample_zeros_ones(op, dtype, rng):
    for shape in [(2, 3), (), (0,), [3], (2, 0, 4)]:
        yield SampleInput((shape,), {"dtype": pt.as_dtype(dtype)}, desc=f"shape={shape}",
                          ref_kwargs={"dtype": dtype})
    if dtype == "float32":
        yield SampleInput(((2, 2),), desc="default dtype float32", ref_kwargs={"dtype": "float32"})


def _zeros_ref(shape, dtype="float32"):
    return np.zeros(shape, dtype=pt.as_dtype(dtype).name)


def _ones_ref(shape, dtype="float32"):
    return np.ones(shape, dtype=pt.as_dtype(dtype).name)


def sample_fill(op, dtype, rng):
    for dims in [(2, 3), (), (0, 2), [4]]:
        v = make((), dtype, rng)
        yield SampleInput((dims, v), desc=f"dims={dims} value of {dtype}")
    if dtype == "float32":
        yield SampleInput(((2, 2), 2.5), desc="Python float value", ref_args=((2, 2), np.float32(2.5)))
    if dtype == "int32":
        yield SampleInput(((3,), 7), desc="Python int value", ref_args=((3,), np.int32(7)))


def ref_fill(dims, value):
    return np.full(dims, value, dtype=np.asarray(value).dtype)


def sample_like(op, dtype, rng):
    for s, layout in [((2, 3), "contiguous"), ((), "contiguous"), ((0, 3), "contiguous"), ((3, 4), "transposed")]:
        yield SampleInput((make(s, dtype, rng, layout=layout),), desc=f"{layout} {s}")
    yield SampleInput((make((2, 2), dtype, rng),), {"dtype": pt.float64}, desc="dtype=float64",
                      ref_kwargs={"dtype": "float64"})


def _like_ref(fn):
    def ref(input, dtype=None):
        return fn(input, dtype=None if dtype is None else pt.as_dtype(dtype).name)
    return ref


def sample_eye(op, dtype, rng):
    d = pt.as_dtype(dtype)
    for args, kw in [((3,), {}), ((2, 4), {}), ((4, 2), {}), ((0,), {}), ((3,), {"batch_shape": [2]}),
                     ((2, 3), {"batch_shape": (2, 1)}), ((1,), {"num_columns": 3})]:
        yield SampleInput(args, {**kw, "dtype": d}, desc=f"eye{args} {kw}", ref_kwargs={**kw, "dtype": dtype})


def ref_eye(num_rows, num_columns=None, batch_shape=None, dtype="float32"):
    m = np.eye(num_rows, num_rows if num_columns is None else num_columns, dtype=pt.as_dtype(dtype).name)
    if batch_shape:
        m = np.broadcast_to(m, tuple(batch_shape) + m.shape).copy()
    return m


def sample_range(op, dtype, rng):
    d = pt.as_dtype(dtype)
    cases = [((5,), {}), ((1, 10, 2), {}), ((10, 1, -3), {}), ((0,), {}), ((3, 3), {}), ((-4, 4, 3), {})]
    if dtype in FLOATS:
        cases += [((0.0, 1.0, 0.25), {}), ((2.5, -1.0, -0.5), {}), ((0.1, 1.0, 0.3), {})]
    for args, kw in cases:
        yield SampleInput(args, {**kw, "dtype": d}, desc=f"range{args}", ref_kwargs={"dtype": dtype})
    if dtype == "int32":
        yield SampleInput((1, 7, 2), desc="Python ints give int32", ref_kwargs={"dtype": "int32"})
    if dtype == "float32":
        yield SampleInput((0.5, 3.0), desc="Python floats give float32", ref_kwargs={"dtype": "float32"})


def ref_range(start, limit=None, delta=1, dtype=None):
    if limit is None:
        start, limit = 0, start
    n = max(0, int(np.ceil((limit - start) / delta)))
    dt = pt.as_dtype(dtype).name
    return (start + np.arange(n, dtype="float64").astype(dt) * np.asarray(delta, dt)).astype(dt) \
        if dt in FLOATS else (start + np.arange(n) * delta).astype(dt)


def sample_linspace(op, dtype, rng):
    for a, b, n in [(0.0, 1.0, 5), (-2.0, 3.0, 11), (1.0, -1.0, 4), (3.0, 3.0, 3), (2.0, 7.0, 1), (0.0, 1.0, 1000)]:
        yield SampleInput((np.asarray(a, dtype), np.asarray(b, dtype), n), desc=f"linspace({a}, {b}, {n})")


def ref_linspace(start, stop, num):
    return np.linspace(float(start), float(stop), num).astype(np.asarray(start).dtype)


# One row per registry op of this family; tests/op_db/__init__.py joins the families into `op_db`.
ROWS = [
    OpInfo(name="zeros", family="creation", api="zeros", ref=_zeros_ref, sample_inputs_func=sample_zeros_ones,
           dtypes=ALL_DTYPES, num_inputs=0),
    OpInfo(name="ones", family="creation", api="ones", ref=_ones_ref, sample_inputs_func=sample_zeros_ones,
           dtypes=ALL_DTYPES, num_inputs=0),
    OpInfo(name="fill", family="creation", api="fill", ref=ref_fill, sample_inputs_func=sample_fill,
           dtypes=ALL_DTYPES, num_inputs=0),
    OpInfo(name="zeros_like", family="creation", api="zeros_like", ref=_like_ref(np.zeros_like),
           sample_inputs_func=sample_like, dtypes=ALL_DTYPES),
    OpInfo(name="ones_like", family="creation", api="ones_like", ref=_like_ref(np.ones_like),
           sample_inputs_func=sample_like, dtypes=ALL_DTYPES),
    OpInfo(name="eye", family="creation", api="eye", ref=ref_eye, sample_inputs_func=sample_eye,
           dtypes=NUMERIC, num_inputs=0),
    OpInfo(name="range", family="creation", api="range", ref=ref_range, sample_inputs_func=sample_range,
           dtypes=FLOATS + SIGNED, unsupported_dtypes=BOOL, num_inputs=0),
    OpInfo(name="linspace", family="creation", api="linspace", ref=ref_linspace, sample_inputs_func=sample_linspace,
           dtypes=FLOATS, num_inputs=0, tols={"float32": (1e-6, 1e-6), "float64": (1e-13, 1e-13)}),
]
