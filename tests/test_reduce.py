"""Reductions (reduce_* and argmax/argmin) against numpy: dtypes, axes, keepdims, layouts,
empty and 0-d inputs, NaN, error cases, and bitwise determinism across thread counts."""
import numpy as np
import pytest

import pytensor as pt
from pytensor import _core
from pytensor.errors import InvalidArgumentError

FLOATS = ["float32", "float64"]
INTS = ["uint8", "int32", "int64"]
NUMERIC = FLOATS + INTS
AXES = [None, 0, 1, 2, -1, -2, (0, 2), (0, 1), (1, 2), [2, 0], (0, 1, 2), ()]


def _norm(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, int):
        axis = (axis,)
    return tuple(sorted({a % ndim for a in axis}))


def _data(shape, dtype, rng):
    if dtype == "bool":
        return rng.random(shape) < 0.5
    if dtype in INTS:
        lo = 0 if dtype == "uint8" else -50
        return rng.integers(lo, 50, size=shape).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)


def _ref(op, x, axis, keepdims):
    ax = _norm(axis, x.ndim)
    if op == "reduce_sum":
        if x.dtype.kind == "f":
            return np.sum(x.astype(np.float64), axis=ax, keepdims=keepdims).astype(x.dtype)
        return np.sum(x, axis=ax, keepdims=keepdims, dtype=x.dtype)
    if op == "reduce_mean":
        if x.dtype.kind == "f":
            return np.mean(x.astype(np.float64), axis=ax, keepdims=keepdims).astype(x.dtype)
        s = np.sum(x.astype(np.int64), axis=ax, keepdims=keepdims)
        n = int(np.prod([x.shape[a] for a in ax]))
        return (np.abs(s) // n * np.sign(s)).astype(x.dtype)  # truncation toward zero, as TF
    if op == "reduce_max":
        return np.max(x, axis=ax, keepdims=keepdims)
    if op == "reduce_min":
        return np.min(x, axis=ax, keepdims=keepdims)
    if op == "reduce_prod":
        return np.prod(x, axis=ax, keepdims=keepdims, dtype=x.dtype)
    if op == "reduce_logsumexp":
        x64 = x.astype(np.float64)
        m = np.max(x64, axis=ax, keepdims=True)
        r = np.log(np.sum(np.exp(x64 - m), axis=ax, keepdims=True)) + m
        return (r if keepdims else np.squeeze(r, axis=ax)).astype(x.dtype)
    if op == "reduce_any":
        return np.any(x, axis=ax, keepdims=keepdims)
    if op == "reduce_all":
        return np.all(x, axis=ax, keepdims=keepdims)
    raise AssertionError(op)


def _check(op, x, axis, keepdims=False, rtol=None):
    got = getattr(pt, op)(x, axis=axis, keepdims=keepdims).numpy()
    want = _ref(op, np.asarray(x), axis, keepdims)
    assert got.shape == want.shape, (op, axis, keepdims, got.shape, want.shape)
    assert got.dtype == want.dtype, (op, got.dtype, want.dtype)
    if got.dtype.kind == "f":
        tol = rtol or (2e-5 if got.dtype == np.float32 else 1e-12)
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol)
    else:
        np.testing.assert_array_equal(got, want)


# ---- values over dtypes, axes, keepdims -------------------------------------------------------
@pytest.mark.parametrize("dtype", NUMERIC)
@pytest.mark.parametrize("op", ["reduce_sum", "reduce_mean", "reduce_max", "reduce_min"])
@pytest.mark.parametrize("keepdims", [False, True])
def test_numeric_reductions(op, dtype, keepdims, rng):
    x = _data((3, 4, 5), dtype, rng)
    for axis in AXES:
        _check(op, x, axis, keepdims)


@pytest.mark.parametrize("dtype", NUMERIC)
def test_prod(dtype, rng):
    x = rng.integers(1, 3, size=(3, 4, 5)).astype(dtype)
    if dtype in FLOATS:
        x = x * rng.choice([-1, 1], size=x.shape).astype(dtype) * 0.9
    for axis in AXES:
        _check("reduce_prod", x, axis, keepdims=False, rtol=1e-5)
    _check("reduce_prod", x, 1, keepdims=True, rtol=1e-5)


@pytest.mark.parametrize("dtype", FLOATS)
def test_logsumexp(dtype, rng):
    x = (rng.standard_normal((3, 4, 5)) * 30).astype(dtype)
    for axis in AXES:
        _check("reduce_logsumexp", x, axis, keepdims=False)
    _check("reduce_logsumexp", x, (0, 2), keepdims=True)


@pytest.mark.parametrize("op", ["reduce_any", "reduce_all"])
def test_any_all(op, rng):
    x = rng.random((3, 4, 5)) < 0.3
    for axis in AXES:
        for keepdims in (False, True):
            _check(op, x, axis, keepdims)
    _check(op, np.ones((2, 3), bool), 1)
    _check(op, np.zeros((2, 3), bool), 0)


def test_uint8_sum_wraps_and_mean_does_not_overflow():
    x = np.full((300,), 200, np.uint8)
    assert pt.reduce_sum(x).numpy() == np.uint8((200 * 300) % 256)
    assert pt.reduce_mean(x).numpy() == 200  # TF sums small integers in 64 bits for the mean
    big = np.full((4,), 2**30, np.int32)
    assert pt.reduce_mean(big).numpy() == 2**30


def test_int_mean_truncates_toward_zero():
    assert pt.reduce_mean(np.array([1, 2], np.int32)).numpy() == 1
    assert pt.reduce_mean(np.array([-1, -2], np.int32)).numpy() == -1
    assert pt.reduce_mean(np.array([-7, 0, 0], np.int64)).numpy() == -2


def test_python_list_and_tensor_axis():
    assert pt.reduce_sum([[1.0, 2.0], [3.0, 4.0]]).numpy() == np.float32(10)
    got = pt.reduce_sum(np.arange(6, dtype=np.float32).reshape(2, 3), axis=pt.constant(1)).numpy()
    np.testing.assert_array_equal(got, [3, 12])


def test_repeated_axis_counts_once():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    np.testing.assert_array_equal(pt.reduce_sum(x, axis=[0, 0]).numpy(), x.sum(0))
    np.testing.assert_array_equal(pt.reduce_sum(x, axis=[1, -1]).numpy(), x.sum(1))


# ---- layouts ----------------------------------------------------------------------------------
def _layouts(rng, dtype="float32"):
    base = _data((6, 7, 8), dtype, rng)
    t = pt.constant(base)
    yield "contiguous", t, base
    yield "transposed", pt.transpose(t, [2, 0, 1]), base.transpose(2, 0, 1)
    yield "swapped", pt.transpose(t, [0, 2, 1]), base.transpose(0, 2, 1)
    yield "sliced", t[:, 1:6:2, ::3], base[:, 1:6:2, ::3]
    yield "reversed", t[::-1, :, ::-1], base[::-1, :, ::-1]
    yield "inner-sliced", t[1:4, 2:5, 1:7], base[1:4, 2:5, 1:7]
    yield "broadcast", pt.broadcast_to(pt.constant(base[0]), (6, 7, 8)), np.broadcast_to(base[0], (6, 7, 8))


@pytest.mark.parametrize("op", ["reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_logsumexp"])
def test_non_contiguous_inputs(op, rng):
    for name, t, ref in _layouts(rng):
        for axis in AXES:
            got = getattr(pt, op)(t, axis=axis).numpy()
            want = _ref(op, np.ascontiguousarray(ref), axis, False)
            np.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-5, err_msg=f"{op} {name} axis={axis}")


@pytest.mark.parametrize("shape,axis", [((1000, 3), 0), ((3, 1000), 1), ((3, 1000), 0), ((1000, 3), 1),
                                        ((70000,), 0), ((40, 50, 60), (0, 2)), ((5, 3000, 7), 1),
                                        ((2, 70000), 1), ((70000, 2), 0), ((300, 400), None)])
@pytest.mark.parametrize("op", ["reduce_sum", "reduce_max", "reduce_prod"])
def test_larger_shapes_use_every_kernel_path(op, shape, axis, rng):
    x = rng.random(shape).astype(np.float64) + 0.5
    if op == "reduce_prod":
        x = 1.0 + (x - 1.0) * 1e-4
    _check(op, x, axis, rtol=1e-10)
    xi = rng.integers(-100, 100, size=shape).astype(np.int64)
    if op != "reduce_prod":
        _check(op, xi, axis)
        _check(op, xi.T, None if axis is None else (0 if axis == 1 else 1) if len(shape) == 2 else axis)


def test_float32_sum_is_accurate(rng):
    # 10^6 values in [0, 1): a serial float32 sum is off by ~1e-4 relative; pairwise stays ~1e-7.
    x = rng.random(10**6).astype(np.float32)
    exact = np.sum(x.astype(np.float64))
    assert abs(float(pt.reduce_sum(x).numpy()) - exact) / exact < 2e-6
    cols = x.reshape(-1, 4)  # the outer layout: rows folded pairwise too
    got = pt.reduce_sum(cols, axis=0).numpy().astype(np.float64)
    np.testing.assert_allclose(got, cols.astype(np.float64).sum(0), rtol=2e-6)
    # A few columns over many rows (a bias gradient), rows not a multiple of the grouping, and max over them.
    narrow = x[:999_999].reshape(-1, 3, 11)
    got = pt.reduce_sum(narrow, axis=[0]).numpy().astype(np.float64)
    np.testing.assert_allclose(got, narrow.astype(np.float64).sum(0), rtol=2e-6)
    np.testing.assert_array_equal(pt.reduce_max(narrow, axis=0).numpy(), narrow.max(0))


# ---- 0-d and empty ----------------------------------------------------------------------------
@pytest.mark.parametrize("op", ["reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod"])
def test_zero_d(op):
    x = np.float32(3.5)
    got = getattr(pt, op)(x)
    assert got.shape == () and got.numpy() == np.float32(3.5)
    assert getattr(pt, op)(x, keepdims=True).shape == ()
    with pytest.raises(InvalidArgumentError, match=op):
        getattr(pt, op)(x, axis=0)


def test_empty_reductions_give_identities():
    e = np.zeros((0, 3), np.float32)
    np.testing.assert_array_equal(pt.reduce_sum(e, axis=0).numpy(), [0, 0, 0])
    np.testing.assert_array_equal(pt.reduce_prod(e, axis=0).numpy(), [1, 1, 1])
    np.testing.assert_array_equal(pt.reduce_max(e, axis=0).numpy(), [-np.inf] * 3)
    np.testing.assert_array_equal(pt.reduce_min(e, axis=0).numpy(), [np.inf] * 3)
    assert np.isnan(pt.reduce_mean(e, axis=0).numpy()).all()
    np.testing.assert_array_equal(pt.reduce_logsumexp(e, axis=0).numpy(), [-np.inf] * 3)
    assert pt.reduce_sum(e).numpy() == 0 and pt.reduce_sum(e).shape == ()
    assert pt.reduce_sum(e, axis=1).shape == (0,)
    assert pt.reduce_sum(e, axis=1, keepdims=True).shape == (0, 1)
    ei = np.zeros((0, 2), np.int32)
    np.testing.assert_array_equal(pt.reduce_max(ei, axis=0).numpy(), [np.iinfo(np.int32).min] * 2)
    np.testing.assert_array_equal(pt.reduce_min(ei, axis=0).numpy(), [np.iinfo(np.int32).max] * 2)
    np.testing.assert_array_equal(pt.reduce_mean(ei, axis=0).numpy(), [0, 0])  # TF's integer "NaN" is 0
    eb = np.zeros((0, 2), bool)
    np.testing.assert_array_equal(pt.reduce_any(eb, axis=0).numpy(), [False, False])
    np.testing.assert_array_equal(pt.reduce_all(eb, axis=0).numpy(), [True, True])


# ---- NaN and infinities -----------------------------------------------------------------------
@pytest.mark.parametrize("dtype", FLOATS)
def test_nan_propagates_through_max_min(dtype):
    for pos in range(5):
        x = np.arange(5, dtype=dtype)
        x[pos] = np.nan
        assert np.isnan(pt.reduce_max(x).numpy()) and np.isnan(pt.reduce_min(x).numpy())
    big = np.arange(5000, dtype=dtype).reshape(50, 100)
    big[17, 33] = np.nan
    for axis in (0, 1):
        for op, ref in (("reduce_max", np.max), ("reduce_min", np.min)):
            np.testing.assert_array_equal(getattr(pt, op)(big, axis=axis).numpy(), ref(big, axis=axis))


def test_logsumexp_is_stable_and_handles_infinities():
    x = np.array([[1000.0, 1000.0], [-1000.0, -1000.0], [-np.inf, -np.inf], [np.inf, 0.0]], np.float32)
    got = pt.reduce_logsumexp(x, axis=1).numpy()
    np.testing.assert_allclose(got[:2], [1000 + np.log(2), -1000 + np.log(2)], rtol=1e-6)
    assert got[2] == -np.inf and got[3] == np.inf
    assert np.isnan(pt.reduce_logsumexp(np.array([1.0, np.nan], np.float32)).numpy())


# ---- argmax / argmin --------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", NUMERIC)
@pytest.mark.parametrize("op,ref", [("argmax", np.argmax), ("argmin", np.argmin)])
def test_arg_reductions(op, ref, dtype, rng):
    x = _data((4, 5, 6), dtype, rng)
    for axis in (0, 1, 2, -1, -3):
        got = getattr(pt, op)(x, axis=axis)
        assert got.dtype == pt.int64
        np.testing.assert_array_equal(got.numpy(), ref(x, axis=axis))
    np.testing.assert_array_equal(getattr(pt, op)(x).numpy(), ref(x, axis=0))  # axis None means 0
    got32 = getattr(pt, op)(x, axis=1, output_type=pt.int32)
    assert got32.dtype == pt.int32
    np.testing.assert_array_equal(got32.numpy(), ref(x, axis=1))
    t = pt.constant(x)
    for view, arr in ((pt.transpose(t, [2, 0, 1]), x.transpose(2, 0, 1)), (t[:, ::2, ::-1], x[:, ::2, ::-1])):
        for axis in (0, 1, 2):
            np.testing.assert_array_equal(getattr(pt, op)(view, axis=axis).numpy(), ref(arr, axis=axis))


@pytest.mark.parametrize("op,ref", [("argmax", np.argmax), ("argmin", np.argmin)])
def test_arg_ties_nan_and_large(op, ref, rng):
    ties = np.array([1, 3, 3, 0, 3, 1, 0, 0], np.int32)
    assert getattr(pt, op)(ties).numpy() == ref(ties)
    nan = np.array([1.0, np.nan, 5.0, np.nan, -2.0], np.float32)
    assert getattr(pt, op)(nan).numpy() == 1 == ref(nan)  # the first NaN wins, as numpy
    big = rng.integers(0, 20, size=(300, 700)).astype(np.float32)
    big[100, 200] = np.nan
    for axis in (0, 1):
        np.testing.assert_array_equal(getattr(pt, op)(big, axis=axis).numpy(), ref(big, axis=axis))
        np.testing.assert_array_equal(getattr(pt, op)(big.T, axis=axis).numpy(), ref(big.T, axis=axis))


def test_arg_edge_cases():
    assert pt.argmax(np.zeros((0, 3), np.float32), axis=1).shape == (0,)
    np.testing.assert_array_equal(pt.argmax(np.ones((3, 1), np.float32), axis=1).numpy(), [0, 0, 0])
    with pytest.raises(InvalidArgumentError, match="argmax"):
        pt.argmax(np.zeros((0, 3), np.float32), axis=0)
    with pytest.raises(InvalidArgumentError, match="rank 2"):
        pt.argmin(np.zeros((2, 3), np.float32), axis=2)
    with pytest.raises(InvalidArgumentError, match="argmax"):
        pt.argmax(np.float32(1.0))
    with pytest.raises(TypeError, match="output_type"):
        pt.argmax(np.zeros((2, 3), np.float32), output_type=pt.float32)
    with pytest.raises(TypeError, match="argmin"):
        pt.argmin(np.zeros((2, 3), bool))


# ---- errors -----------------------------------------------------------------------------------
@pytest.mark.parametrize("op", ["reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod",
                                "reduce_logsumexp", "reduce_any", "reduce_all"])
def test_bad_axis_names_op_and_rank(op):
    x = np.zeros((2, 3), bool if op in ("reduce_any", "reduce_all") else np.float32)
    for axis in (2, -3, (0, 5)):
        with pytest.raises(InvalidArgumentError, match=rf"{op}.*rank 2"):
            getattr(pt, op)(x, axis=axis)
    assert issubclass(InvalidArgumentError, ValueError)


def test_dtype_errors():
    b = np.zeros((2, 3), bool)
    for op in ("reduce_sum", "reduce_prod", "reduce_mean", "reduce_max", "reduce_min"):
        with pytest.raises(TypeError, match=f"{op}.*bool"):
            getattr(pt, op)(b)
    for op in ("reduce_any", "reduce_all"):
        with pytest.raises(TypeError, match=f"{op}.*float32"):
            getattr(pt, op)(np.zeros(3, np.float32))
    with pytest.raises(TypeError, match="reduce_logsumexp.*int32"):
        pt.reduce_logsumexp(np.zeros(3, np.int32))


def test_tf_signatures():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    np.testing.assert_array_equal(pt.reduce_sum(input_tensor=x, axis=1, keepdims=True, name="s").numpy(),
                                  x.sum(1, keepdims=True))
    assert pt.argmax(input=x, axis=1, output_type=pt.int32, name="a").numpy().tolist() == [2, 2]


# ---- determinism ------------------------------------------------------------------------------
@pytest.fixture
def restore_threads():
    n = _core.get_num_threads()
    yield
    _core.set_num_threads(n)


@pytest.mark.parametrize("shape,axes", [((3_000_000,), [None, 0]),
                                        ((1000, 3000), [None, 0, 1]),
                                        ((60, 500, 100), [None, 0, 1, 2, (0, 2), (1, 2)]),
                                        ((128, 26, 26, 32), [(0, 1, 2)])])
def test_bitwise_deterministic_across_thread_counts(shape, axes, rng, restore_threads):
    x = pt.constant((rng.standard_normal(shape) * 10 + 1).astype(np.float32))
    xt = pt.transpose(x) if len(shape) > 1 else x
    results = {}
    for threads in (1, 2):
        _core.set_num_threads(threads)
        results[threads] = [getattr(pt, op)(t, axis=a).numpy()
                            for op in ("reduce_sum", "reduce_mean", "reduce_logsumexp")
                            for t in (x, xt) for a in axes]
    for one, two in zip(results[1], results[2]):
        assert one.tobytes() == two.tobytes()
