"""Unary element-wise rows (and cast): the unary samples, shared with the activations."""
from __future__ import annotations

import numpy as np

import pytensor as pt

from .common import (
    ALL_DTYPES, BOOL, FLOATS, GENERIC_EXTREMAL, INTS, NONNEG, NONZERO, NUMERIC, POS, SIGNED, Domain, OpInfo,
    SampleInput, _extremal_array, make, _same)


UNARY_SHAPES = [((), "contiguous"), ((0,), "contiguous"), ((7,), "contiguous"), ((3, 4), "contiguous"),
                ((2, 3, 4), "contiguous"), ((0, 3), "contiguous"), ((4, 5), "transposed"),
                ((3, 4), "strided"), ((6,), "reversed"), ((2, 3, 4), "transposed"),
                ((70001,), "contiguous"), ((300, 240), "transposed")]


def sample_unary(op, dtype, rng):
    for shape, layout in UNARY_SHAPES:
        yield SampleInput((make(shape, dtype, rng, op.domain(0), layout),), desc=f"{layout} {shape}")
    if dtype in FLOATS and op.extremal:
        yield SampleInput((_extremal_array(op.extremal, dtype),), desc=f"extremal {op.extremal}")


def sample_cast(op, dtype, rng):
    for target in ALL_DTYPES:
        if dtype in FLOATS:
            vals = make((3, 4), dtype, rng, Domain(0, 200))
            vals.flat[::5] = 0
        elif dtype in INTS:
            vals = make((3, 4), dtype, rng, Domain(0, 120))
        else:
            vals = make((3, 4), dtype, rng)
        yield SampleInput((vals, pt.as_dtype(target)), desc=f"{dtype} -> {target} (non-negative)",
                          ref_args=(vals, target))
        if dtype in FLOATS + SIGNED and target in FLOATS + SIGNED + BOOL:
            neg = make((5,), dtype, rng, Domain(-100, 0))
            yield SampleInput((neg, target), desc=f"{dtype} -> {target} negative (truncates toward zero)",
                              ref_args=(neg, target))
        yield SampleInput((make((), dtype, rng, Domain(0, 100)), target), desc=f"0-d {dtype} -> {target}")
        yield SampleInput((make((0, 2), dtype, rng), target), desc=f"empty {dtype} -> {target}")
        yield SampleInput((make((4, 5), dtype, rng, Domain(0, 100), "transposed"), target),
                          desc=f"transposed {dtype} -> {target}")


def ref_cast(x, dtype):
    dtype = pt.as_dtype(dtype).name
    if dtype == "bool":
        return x != 0
    return x.astype(dtype)


def _sigmoid(x):
    return (1.0 / (1.0 + np.exp(-x.astype("float64")))).astype(x.dtype)


def _relu(x):
    return np.where(x > 0, x, np.where(np.isnan(x) if x.dtype.kind == "f" else False, x, 0)).astype(x.dtype)


def _round_half_even(x):
    return np.round(x).astype(x.dtype)


_U = dict(family="unary", sample_inputs_func=sample_unary, extremal=GENERIC_EXTREMAL)


def _unary(name, ref, dtypes, differentiable, unsupported=None, **kw):
    unsupported = tuple(d for d in ALL_DTYPES if d not in dtypes) if unsupported is None else unsupported
    kw = {**_U, "api": f"math.{name}|{name}", **kw}
    return OpInfo(name=name, ref=ref, dtypes=dtypes, unsupported_dtypes=unsupported,
                  differentiable=differentiable, **kw)


_UNARY_FLOAT_TOLS = {"float32": (2e-5, 1e-6), "float64": (1e-11, 1e-13)}


# One row per registry op of this family; tests/op_db/__init__.py joins the families into `op_db`.
ROWS = [
    _unary("negative", np.negative, NUMERIC, True),
    _unary("abs", _same(np.abs), NUMERIC, True, grad_exclude=(0,)),
    _unary("sign", _same(np.sign), NUMERIC, False),
    _unary("exp", np.exp, FLOATS, True, tols=_UNARY_FLOAT_TOLS),
    _unary("log", np.log, FLOATS, True, domains=(POS,), tols=_UNARY_FLOAT_TOLS),
    _unary("log1p", np.log1p, FLOATS, True, domains=(Domain(-0.95, 4.0),), tols=_UNARY_FLOAT_TOLS),
    _unary("expm1", np.expm1, FLOATS, True, tols=_UNARY_FLOAT_TOLS),
    _unary("sqrt", np.sqrt, FLOATS, True, domains=(NONNEG,), grad_exclude=(0,), tols=_UNARY_FLOAT_TOLS),
    _unary("rsqrt", lambda x: (1 / np.sqrt(x)).astype(x.dtype), FLOATS, True, domains=(POS,), tols=_UNARY_FLOAT_TOLS),
    _unary("square", _same(np.square), NUMERIC, True, domains=(Domain(-9, 10),)),
    _unary("reciprocal", lambda x: (1 / x).astype(x.dtype), FLOATS, True, domains=(NONZERO,)),
    _unary("sin", np.sin, FLOATS, True, tols=_UNARY_FLOAT_TOLS),
    _unary("cos", np.cos, FLOATS, True, tols=_UNARY_FLOAT_TOLS),
    _unary("tanh", np.tanh, FLOATS, True, tols=_UNARY_FLOAT_TOLS),
    _unary("tan", np.tan, FLOATS, True, domains=(Domain(-1.4, 1.4),), tols=_UNARY_FLOAT_TOLS),
    _unary("sinh", np.sinh, FLOATS, True, tols=_UNARY_FLOAT_TOLS),
    _unary("cosh", np.cosh, FLOATS, True, tols=_UNARY_FLOAT_TOLS),
    _unary("asin", np.arcsin, FLOATS, True, domains=(Domain(-0.95, 0.95),), tols=_UNARY_FLOAT_TOLS),
    _unary("acos", np.arccos, FLOATS, True, domains=(Domain(-0.95, 0.95),), tols=_UNARY_FLOAT_TOLS),
    _unary("atan", np.arctan, FLOATS, True, tols=_UNARY_FLOAT_TOLS),
    _unary("asinh", np.arcsinh, FLOATS, True, tols=_UNARY_FLOAT_TOLS),
    _unary("acosh", np.arccosh, FLOATS, True, domains=(Domain(1.05, 6.0),), tols=_UNARY_FLOAT_TOLS),
    _unary("atanh", np.arctanh, FLOATS, True, domains=(Domain(-0.95, 0.95),), tols=_UNARY_FLOAT_TOLS),
    _unary("sigmoid", _sigmoid, FLOATS, True, tols=_UNARY_FLOAT_TOLS),
    _unary("relu", _relu, NUMERIC, True, api="nn.relu|relu", grad_exclude=(0,)),
    _unary("floor", np.floor, FLOATS, False),
    _unary("ceil", np.ceil, FLOATS, False),
    _unary("round", _round_half_even, FLOATS, False),
    _unary("logical_not", np.logical_not, BOOL, False),
    _unary("is_nan", np.isnan, FLOATS, False, api="math.is_nan|is_nan"),
    _unary("is_finite", np.isfinite, FLOATS, False, api="math.is_finite|is_finite"),
    _unary("identity", np.copy, ALL_DTYPES, True),
    _unary("stop_gradient", np.copy, ALL_DTYPES, False),  # forward is identity; the gradient is cut
    OpInfo(name="cast", family="unary", api="cast", ref=ref_cast, sample_inputs_func=sample_cast,
           dtypes=ALL_DTYPES, differentiable=True),
]
