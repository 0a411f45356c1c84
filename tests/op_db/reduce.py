"""Reductions and arg-reductions: axis (int, tuple, negative), keepdims, empty, non-contiguous, large."""
from __future__ import annotations

import numpy as np

import pytensor as pt

from .common import BOOL, FLOATS, INTS, NARROW_INTS, NUMERIC, Domain, OpInfo, SampleInput, make


# ---- reductions ---------------------------------------------------------------------------
REDUCE_CASES = [
    ((2, 3, 4), "contiguous", {}), ((2, 3, 4), "contiguous", {"axis": 0}),
    ((2, 3, 4), "contiguous", {"axis": -1}), ((2, 3, 4), "contiguous", {"axis": (0, 2)}),
    ((2, 3, 4), "contiguous", {"axis": [-1, -3]}), ((2, 3, 4), "contiguous", {"axis": 1, "keepdims": True}),
    ((2, 3, 4), "contiguous", {"keepdims": True}), ((2, 3, 4), "contiguous", {"axis": (0, 1, 2)}),
    ((), "contiguous", {}), ((5,), "contiguous", {"axis": 0}),
    ((0, 3), "contiguous", {"axis": 0}), ((0, 3), "contiguous", {"axis": 1}), ((0, 3), "contiguous", {}),
    ((4, 5), "transposed", {"axis": 0}), ((4, 5), "transposed", {"axis": 1}),
    ((3, 4), "strided", {}), ((6,), "reversed", {"axis": 0}), ((3, 4), "strided", {"axis": 1, "keepdims": True}),
    ((3, 1000), "contiguous", {"axis": 1}), ((1000, 3), "contiguous", {"axis": 0}),
    ((200000,), "contiguous", {}), ((300, 400), "transposed", {"axis": 0}),
]


def sample_reduce(op, dtype, rng):
    for shape, layout, kw in REDUCE_CASES:
        n = int(np.prod(shape)) if shape else 1
        if op.name == "reduce_prod" and n > 100:
            continue  # products of many values over/underflow; the small cases cover the kernel
        if op.name == "reduce_mean" and dtype not in FLOATS and 0 in shape:
            continue  # integer mean of nothing divides by zero: no TF semantics to test
        dom = op.domain(0)
        if n > 100 and dtype in FLOATS and op.name in ("reduce_sum", "reduce_mean"):
            dom = Domain(0, 1)  # same-sign values keep the float32 rounding error relative to the sum
        yield SampleInput((make(shape, dtype, rng, dom, layout),), dict(kw), desc=f"{layout} {shape} {kw}")


def _axes(x, axis):
    if axis is None:
        return tuple(range(x.ndim))
    if isinstance(axis, int):
        axis = (axis,)
    return tuple(a % x.ndim for a in axis) if x.ndim else ()


def _reduce_ref(fn):
    def ref(x, axis=None, keepdims=False):
        return np.asarray(fn(x, _axes(x, axis), keepdims))
    return ref


def _sum(x, ax, kd):
    if x.dtype.kind == "f":
        return np.sum(x.astype("float64"), axis=ax, keepdims=kd).astype(x.dtype)
    return np.sum(x, axis=ax, keepdims=kd, dtype=x.dtype)


def _mean(x, ax, kd):
    if x.dtype.kind == "f":
        return np.mean(x.astype("float64"), axis=ax, keepdims=kd).astype(x.dtype)
    s = np.sum(x.astype("int64"), axis=ax, keepdims=kd)
    n = int(np.prod([x.shape[a] for a in ax]))
    q = np.abs(s) // n * np.sign(s)  # TF's integer mean truncates toward zero
    return q.astype(x.dtype)


def _extreme(fn, ident):
    def f(x, ax, kd):
        init = ident(x.dtype)
        return fn(x, axis=ax, keepdims=kd, initial=init).astype(x.dtype)
    return f


def _lowest(dt):
    return -np.inf if dt.kind == "f" else np.iinfo(dt).min


def _highest(dt):
    return np.inf if dt.kind == "f" else np.iinfo(dt).max


def _prod(x, ax, kd):
    if x.dtype.kind == "f":
        return np.prod(x.astype("float64"), axis=ax, keepdims=kd).astype(x.dtype)
    return np.prod(x, axis=ax, keepdims=kd, dtype=x.dtype)


def _logsumexp(x, ax, kd):
    x64 = x.astype("float64")
    m = np.max(x64, axis=ax, keepdims=True, initial=-np.inf)
    m_safe = np.where(np.isfinite(m), m, 0.0)
    r = np.log(np.sum(np.exp(x64 - m_safe), axis=ax, keepdims=True)) + m_safe
    if not kd:
        r = np.squeeze(r, axis=ax)
    return r.astype(x.dtype)


def sample_arg(op, dtype, rng):
    cases = [((2, 3, 4), "contiguous", {"axis": 0}), ((2, 3, 4), "contiguous", {"axis": 1}),
             ((2, 3, 4), "contiguous", {"axis": -1}), ((2, 3, 4), "contiguous", {}),
             ((5,), "contiguous", {"axis": 0}), ((0, 3), "contiguous", {"axis": 1}),
             ((4, 5), "transposed", {"axis": 1}), ((3, 4), "strided", {"axis": 0}),
             ((6,), "reversed", {}), ((3, 4), "contiguous", {"axis": 1, "output_type": pt.int32}),
             ((300, 1000), "contiguous", {"axis": 1}), ((1000, 300), "transposed", {"axis": 0})]
    for shape, layout, kw in cases:
        yield SampleInput((make(shape, dtype, rng, op.domain(0), layout),), dict(kw), desc=f"{layout} {shape} {kw}")
    ties = np.array([1, 3, 3, 0, 3, 1, 0], dtype=dtype)
    yield SampleInput((ties,), {"axis": 0}, desc="ties: the first index wins")


def _arg_ref(fn):
    def ref(x, axis=None, output_type=None):
        r = fn(x, axis=0 if axis is None else axis)  # TF: axis None means 0
        return np.asarray(r).astype("int64" if output_type is None else pt.as_dtype(output_type).name)
    return ref


# ---- scans -------------------------------------------------------------------------------
SCAN_CASES = [
    ((2, 3, 4), "contiguous", {}), ((2, 3, 4), "contiguous", {"axis": 1}),
    ((2, 3, 4), "contiguous", {"axis": -1, "exclusive": True}), ((2, 3, 4), "contiguous", {"axis": 2, "reverse": True}),
    ((2, 3, 4), "contiguous", {"axis": 1, "exclusive": True, "reverse": True}), ((5,), "contiguous", {}),
    ((1,), "contiguous", {"exclusive": True}), ((0, 3), "contiguous", {"axis": 0}), ((0, 3), "contiguous", {"axis": 1}),
    ((4, 5), "transposed", {"axis": 1}), ((3, 4), "strided", {"axis": 0, "reverse": True}), ((6,), "reversed", {}),
    ((3, 1000), "contiguous", {"axis": 1}), ((1000, 3), "contiguous", {"axis": 0, "exclusive": True}),
    ((200000,), "contiguous", {"reverse": True}),
]


def sample_scan(op, dtype, rng):
    for shape, layout, kw in SCAN_CASES:
        if op.name == "cumprod" and shape and max(shape) > 100:
            continue  # long products over/underflow; the small cases cover the kernel
        dom = op.domain(0)
        if dtype in FLOATS and shape and max(shape) > 100:
            dom = Domain(0, 1)  # same-sign values keep the float32 rounding error relative to the sum
        yield SampleInput((make(shape, dtype, rng, dom, layout),), dict(kw), desc=f"{layout} {shape} {kw}")


def _scan_ref(fn, identity):
    """numpy's sequential scan in the input's dtype (integers wrap, as TF's); exclusive shifts it by one."""
    def ref(x, axis=0, exclusive=False, reverse=False):
        a = np.flip(x, axis) if reverse else x
        r = fn(a, axis=axis, dtype=x.dtype)
        if exclusive and r.shape[axis]:
            first = np.full_like(np.take(r, [0], axis=axis), identity)
            r = np.concatenate([first, np.delete(r, -1, axis=axis)], axis=axis)
        return np.flip(r, axis) if reverse else r
    return ref


# One row per registry op of this family; tests/op_db/__init__.py joins the families into `op_db`.
ROWS = [
    OpInfo(name="reduce_sum", family="reduce", api="reduce_sum", ref=_reduce_ref(_sum), sample_inputs_func=sample_reduce,
           dtypes=NUMERIC + NARROW_INTS, unsupported_dtypes=BOOL, differentiable=True, tols={"float32": (1e-5, 1e-5)}),
    OpInfo(name="reduce_mean", family="reduce", api="reduce_mean", ref=_reduce_ref(_mean),
           sample_inputs_func=sample_reduce, dtypes=NUMERIC + NARROW_INTS, unsupported_dtypes=BOOL, differentiable=True,
           tols={"float32": (1e-5, 1e-6)}),
    OpInfo(name="reduce_max", family="reduce", api="reduce_max", ref=_reduce_ref(_extreme(np.max, _lowest)),
           sample_inputs_func=sample_reduce, dtypes=NUMERIC + NARROW_INTS, unsupported_dtypes=BOOL, differentiable=True),
    OpInfo(name="reduce_min", family="reduce", api="reduce_min", ref=_reduce_ref(_extreme(np.min, _highest)),
           sample_inputs_func=sample_reduce, dtypes=NUMERIC + NARROW_INTS, unsupported_dtypes=BOOL, differentiable=True),
    OpInfo(name="reduce_prod", family="reduce", api="reduce_prod", ref=_reduce_ref(_prod),
           sample_inputs_func=sample_reduce, dtypes=NUMERIC + NARROW_INTS, unsupported_dtypes=BOOL, differentiable=True,
           domains=(Domain(-2, 2.5),), tols={"float32": (1e-5, 1e-6)}),
    OpInfo(name="reduce_logsumexp", family="reduce", api="reduce_logsumexp", ref=_reduce_ref(_logsumexp),
           sample_inputs_func=sample_reduce, dtypes=FLOATS, unsupported_dtypes=BOOL + INTS, differentiable=True,
           tols={"float32": (1e-5, 1e-5)}),
    OpInfo(name="reduce_any", family="reduce", api="reduce_any", ref=_reduce_ref(lambda x, a, k: np.any(x, a, keepdims=k)),
           sample_inputs_func=sample_reduce, dtypes=BOOL, unsupported_dtypes=NUMERIC),
    OpInfo(name="reduce_all", family="reduce", api="reduce_all", ref=_reduce_ref(lambda x, a, k: np.all(x, a, keepdims=k)),
           sample_inputs_func=sample_reduce, dtypes=BOOL, unsupported_dtypes=NUMERIC),
    OpInfo(name="argmax", family="reduce", api="argmax", ref=_arg_ref(np.argmax), sample_inputs_func=sample_arg,
           dtypes=NUMERIC + NARROW_INTS, unsupported_dtypes=BOOL),
    OpInfo(name="argmin", family="reduce", api="argmin", ref=_arg_ref(np.argmin), sample_inputs_func=sample_arg,
           dtypes=NUMERIC + NARROW_INTS, unsupported_dtypes=BOOL),
    OpInfo(name="cumsum", family="reduce", api="math.cumsum|cumsum", ref=_scan_ref(np.cumsum, 0),
           sample_inputs_func=sample_scan, dtypes=NUMERIC + NARROW_INTS, unsupported_dtypes=BOOL, differentiable=True),
    OpInfo(name="cumprod", family="reduce", api="math.cumprod", ref=_scan_ref(np.cumprod, 1),
           sample_inputs_func=sample_scan, dtypes=NUMERIC + NARROW_INTS, unsupported_dtypes=BOOL, differentiable=True,
           domains=(Domain(-2, 2.5, exclude=(0.0,)),)),
]
