"""Property tests (hypothesis): element-wise ops and reductions against their numpy references from op_db, over
dtypes, broadcast shapes, empty and 0-d inputs, non-contiguous views, and any float value (NaN, inf, -0.0, extremes,
denormals).

The default run draws a bounded, derandomized set of examples per test (reproducible in CI); the `slow` run draws many
more: `python -m pytest -q -m slow tests/test_properties.py`. PYTENSOR_HYPOTHESIS_EXAMPLES overrides both counts.
"""
import os

import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

import pytensor as pt  # noqa: E402
from op_db import op_db, sample_activation, sample_binary, sample_unary, to_pt  # noqa: E402

DEFAULT_EXAMPLES = 60
SLOW_EXAMPLES = 1500
FLT_MIN = {np.float32: np.float32(np.finfo(np.float32).tiny), np.float64: np.float64(np.finfo(np.float64).tiny)}


def _settings(examples):
    examples = int(os.environ.get("PYTENSOR_HYPOTHESIS_EXAMPLES", examples))
    return settings(max_examples=examples, derandomize=True, database=None, deadline=None, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])


def _rows(family, exclude=()):
    # Rows called with their tensors alone (cast, where, clip_by_value take more arguments).
    return [op for op in op_db if op.family == family and op.ref is not None and op.name not in exclude
            and op.sample_inputs_func in (sample_unary, sample_activation, sample_binary)]


# Identity-like ops add nothing here.
UNARY = _rows("unary", exclude=("identity", "stop_gradient"))
ACTIVATION = _rows("activation")
BINARY = _rows("binary")


# ---- strategies -----------------------------------------------------------------------------------------------

def _elements(dtype, domain, special):
    """Values of `dtype`: within the op's domain for integers (ops refuse e.g. negative integer powers); any float,
    NaN and inf included, where `special` (no domain restricts the op's floats to finite values)."""
    if dtype == "bool":
        return st.booleans()
    if dtype in ("float32", "float64"):
        width = 32 if dtype == "float32" else 64
        if special:
            return st.floats(width=width, allow_nan=True, allow_infinity=True, allow_subnormal=True)
        lo = -1e3 if domain is None or domain.low is None else domain.low
        hi = 1e3 if domain is None or domain.high is None else domain.high
        # Bounds rounded inward to the width, which hypothesis requires.
        ftype = np.float32 if width == 32 else np.float64
        lo_f, hi_f = ftype(lo), ftype(hi)
        lo_f = lo_f if lo_f >= lo else np.nextafter(lo_f, ftype(np.inf))
        hi_f = hi_f if hi_f <= hi else np.nextafter(hi_f, ftype(-np.inf))
        return st.floats(float(lo_f), float(hi_f), width=width, exclude_max=True)
    info = np.iinfo(dtype)
    lo = info.min if domain is None or domain.low is None else max(info.min, int(np.ceil(domain.low)))
    hi = info.max if domain is None or domain.high is None else min(info.max, int(np.ceil(domain.high)) - 1)
    return st.integers(lo, hi)


@st.composite
def _layout(draw, arr):
    """`arr` itself, or a non-contiguous view holding the same values (transposed, strided, reversed)."""
    kind = draw(st.sampled_from(["contiguous", "transposed", "strided", "reversed"]))
    if kind == "transposed" and arr.ndim >= 2:
        return np.ascontiguousarray(arr.T).T
    if kind == "strided" and arr.ndim >= 1:
        base = np.zeros(arr.shape[:-1] + (2 * arr.shape[-1],), arr.dtype)
        base[..., ::2] = arr
        return base[..., ::2]
    if kind == "reversed" and arr.ndim >= 1:
        return np.ascontiguousarray(arr[..., ::-1])[..., ::-1]
    return arr


def _special_ok(op, i):
    """NaN / inf inputs are drawn for floats where the op has no domain (its reference then defines the result)."""
    d = op.domain(i)
    return d is None or (d.low is None and d.high is None and not d.exclude)


@st.composite
def _array(draw, op, i, dtype, shape):
    d = op.domain(i)
    elements = _elements(dtype, d, _special_ok(op, i))
    arr = draw(hnp.arrays(np.dtype(dtype), shape, elements=elements))
    if d is not None and d.exclude and dtype != "bool":
        for p in d.exclude:  # keep divisors etc. away from the excluded points, as op_db's samples do
            arr = np.where(np.abs(arr.astype(np.float64) - p) < d.margin, np.asarray(p + 1, arr.dtype), arr)
            arr = arr.astype(dtype)
    return draw(_layout(arr))


def _check(op, got, expected, dtype, what):
    exp = np.asarray(expected)
    assert isinstance(got, pt.Tensor), what
    assert tuple(got.shape) == exp.shape, f"{what}: shape {tuple(got.shape)} != {exp.shape}"
    assert got.dtype.name == exp.dtype.name, f"{what}: dtype {got.dtype.name} != {exp.dtype.name}"
    val = got.numpy()
    if exp.dtype.kind == "f":
        # Kernels flush denormal results to zero (TF's behaviour); the reference does not.
        exp = np.where(np.abs(exp) < FLT_MIN[exp.dtype.type], np.zeros_like(exp), exp)
        val = np.where(np.abs(val) < FLT_MIN[val.dtype.type], np.zeros_like(val), val)
        rtol, atol = op.tol(exp.dtype.name)
        np.testing.assert_allclose(val, exp, rtol=rtol, atol=atol, equal_nan=True, err_msg=what)
    else:
        np.testing.assert_array_equal(val, exp, err_msg=what)


def _flush_denormal_inputs(*arrays):
    """The reference's inputs as the kernels read them: float denormals as zero (DAZ)."""
    out = []
    for a in arrays:
        if a.dtype.kind == "f":
            a = np.where(np.abs(a) < FLT_MIN[a.dtype.type], np.zeros_like(a), a)
        out.append(a)
    return out


# ---- element-wise ops ------------------------------------------------------------------------------------------

@st.composite
def _unary_case(draw, ops):
    op = draw(st.sampled_from(ops))
    dtype = draw(st.sampled_from(op.dtypes))
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=5))
    return op, dtype, draw(_array(op, 0, dtype, shape))


@st.composite
def _binary_case(draw):
    op = draw(st.sampled_from(BINARY))
    dtype = draw(st.sampled_from(op.dtypes))
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, min_side=0, max_side=5))
    a = draw(_array(op, 0, dtype, shapes.input_shapes[0]))
    b = draw(_array(op, 1, dtype, shapes.input_shapes[1]))
    return op, dtype, a, b


def _run_unary(case):
    op, dtype, x = case
    with np.errstate(all="ignore"):
        expected = op.ref(*_flush_denormal_inputs(x))
    _check(op, op(to_pt(x)), expected, dtype, f"{op.name}({dtype} {x.shape} strides {x.strides}: {x!r})")


def _run_binary(case):
    op, dtype, a, b = case
    with np.errstate(all="ignore"):
        expected = op.ref(*_flush_denormal_inputs(a, b))
    _check(op, op(to_pt(a), to_pt(b)), expected, dtype,
           f"{op.name}({dtype} {a.shape} x {b.shape}: {a!r}, {b!r})")


@_settings(DEFAULT_EXAMPLES * 2)
@given(_unary_case(UNARY + ACTIVATION))
def test_unary_ops_match_numpy(case):
    _run_unary(case)


@_settings(DEFAULT_EXAMPLES * 2)
@given(_binary_case())
def test_binary_ops_match_numpy(case):
    _run_binary(case)


# ---- reductions ------------------------------------------------------------------------------------------------

# Values whose sums and products are exact in any order (small integers; powers of two for products), so the
# reduction order, which differs from numpy's, cannot change a result; NaN and inf where order does not matter.
_REDUCE_VALUES = {
    "reduce_sum": [-100.0, -3.0, -1.0, 0.0, 1.0, 2.0, 7.0, 100.0],
    "reduce_mean": [-100.0, -3.0, -1.0, 0.0, 1.0, 2.0, 7.0, 100.0],
    "reduce_max": [-np.inf, -5.5, -0.0, 0.0, 1e-3, 3.25, 1e30, np.inf, np.nan],
    "reduce_min": [-np.inf, -5.5, -0.0, 0.0, 1e-3, 3.25, 1e30, np.inf, np.nan],
    "reduce_prod": [-2.0, -1.0, 0.5, 1.0, 2.0],
}
_NP_REDUCE = {"reduce_sum": np.sum, "reduce_mean": np.mean, "reduce_max": np.max, "reduce_min": np.min,
              "reduce_prod": np.prod}


@st.composite
def _reduce_case(draw):
    name = draw(st.sampled_from(sorted(_NP_REDUCE)))
    dtype = draw(st.sampled_from(["float32", "float64", "int32", "int64"]))
    max_side = 3 if name == "reduce_prod" else 6  # products of at most 81 powers of two stay in float32's range
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=max_side))
    values = _REDUCE_VALUES[name]
    if dtype.startswith("int"):
        values = sorted({int(v) for v in values if np.isfinite(v) and float(v).is_integer() and abs(v) < 2**31})
    arr = draw(hnp.arrays(np.dtype(dtype), shape, elements=st.sampled_from(values)))
    arr = draw(_layout(arr))
    axis = draw(st.none() | st.lists(st.integers(-arr.ndim, arr.ndim - 1), unique_by=lambda a: a % max(arr.ndim, 1),
                                     max_size=arr.ndim) if arr.ndim else st.none())
    keepdims = draw(st.booleans())
    return name, dtype, arr, axis, keepdims


def _run_reduce(case):
    name, dtype, arr, axis, keepdims = case
    ax = None if axis is None else tuple(axis)
    if name in ("reduce_max", "reduce_min") and arr.size == 0:
        # TF's identities for empty max / min: -inf / inf (lowest / highest for ints), which numpy refuses.
        info = np.finfo(dtype) if dtype.startswith("float") else np.iinfo(dtype)
        ident = {"reduce_max": -np.inf if dtype.startswith("float") else info.min,
                 "reduce_min": np.inf if dtype.startswith("float") else info.max}[name]
        shape = np.sum(np.zeros(arr.shape), axis=ax, keepdims=keepdims).shape
        expected = np.full(shape, ident, dtype)
    elif name == "reduce_mean" and dtype.startswith("int"):
        s = np.sum(arr, axis=ax, keepdims=keepdims, dtype=np.int64)
        n = max(arr.size // max(np.asarray(s).size, 1), 1)
        expected = np.asarray(np.trunc(s / n) if arr.size else np.zeros_like(s)).astype(dtype)  # TF truncates
    else:
        with np.errstate(all="ignore"):
            expected = np.asarray(_NP_REDUCE[name](arr, axis=ax, keepdims=keepdims)).astype(dtype)
    got = getattr(pt, name)(to_pt(arr), axis=axis, keepdims=keepdims)
    what = f"{name}({dtype} {arr.shape} strides {arr.strides}, axis={axis}, keepdims={keepdims}): {arr!r}"
    assert tuple(got.shape) == expected.shape, what
    assert got.dtype.name == dtype, what
    np.testing.assert_array_equal(got.numpy(), expected, err_msg=what)


@_settings(DEFAULT_EXAMPLES)
@given(_reduce_case())
def test_reductions_match_numpy(case):
    _run_reduce(case)


# ---- the long run ----------------------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("kind", ["unary", "binary", "reduce"])
def test_properties_long_run(kind):
    run, strategy = {"unary": (_run_unary, _unary_case(UNARY + ACTIVATION)), "binary": (_run_binary, _binary_case()),
                     "reduce": (_run_reduce, _reduce_case())}[kind]
    _settings(SLOW_EXAMPLES)(given(strategy)(run))()
