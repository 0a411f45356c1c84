"""int8, int16, uint16, uint32 and uint64: storage, casts, wrapping arithmetic and comparisons, against numpy;
TF's rules for mixing dtypes (no implicit promotion: TypeError naming both) and for true division."""

import numpy as np
import pytest

import pytensor as pt

NARROW = ["int8", "int16", "uint16", "uint32", "uint64"]


def _values(dtype, n=16, seed=0):
    info = np.iinfo(dtype)
    rng = np.random.default_rng(seed)
    return rng.integers(max(info.min, -1000), min(info.max, 1000), n, endpoint=True).astype(dtype)


@pytest.mark.parametrize("dtype", NARROW)
def test_numpy_round_trip_and_dtype_objects(dtype):
    a = _values(dtype).reshape(4, 4)
    t = pt.constant(a)
    assert t.dtype == getattr(pt, dtype) and t.dtype.is_integer and not t.dtype.is_floating
    np.testing.assert_array_equal(t.numpy(), a)
    assert t.numpy().dtype == np.dtype(dtype)
    np.testing.assert_array_equal(pt.constant(a[::2, 1::2]).numpy(), a[::2, 1::2])
    d = getattr(pt, dtype)
    assert d.size == np.dtype(dtype).itemsize and d.max == np.iinfo(dtype).max and d.min == np.iinfo(dtype).min
    assert d.is_unsigned == dtype.startswith("u")
    assert int(pt.constant(7, dtype=dtype)) == 7


@pytest.mark.parametrize("dtype", NARROW)
def test_python_ints_out_of_range_are_an_error(dtype):
    too_big = int(np.iinfo(dtype).max) + 1 if dtype != "uint64" else -1
    with pytest.raises(pt.errors.InvalidArgumentError, match=f"out of range for dtype {dtype}"):
        pt.constant([1, too_big], dtype=dtype)
    np.testing.assert_array_equal(pt.constant([1, 2], dtype=dtype).numpy(), np.array([1, 2], dtype))


@pytest.mark.parametrize("dtype", NARROW)
@pytest.mark.parametrize("other", ["bool", "uint8", "int32", "int64", "float16", "float32", "float64", "int8",
                                   "uint32"])
def test_casts_match_numpy(dtype, other):
    a = _values(dtype, seed=1)
    np.testing.assert_array_equal(pt.cast(pt.constant(a), other).numpy(), a.astype(other))
    b = np.array([0, 1, 5, 100, 127], other)
    np.testing.assert_array_equal(pt.cast(pt.constant(b), dtype).numpy(), b.astype(dtype))


def test_float_to_int_cast_truncates_and_saturates():
    x = pt.constant([2.7, -2.7, 1e6, -1e6, np.nan])
    np.testing.assert_array_equal(pt.cast(x, "int8").numpy(), [2, -2, 127, -128, 0])
    np.testing.assert_array_equal(pt.cast(x, "uint16").numpy(), [2, 0, 65535, 0, 0])


@pytest.mark.parametrize("dtype", NARROW)
@pytest.mark.parametrize("op", ["add", "subtract", "multiply", "maximum", "minimum", "floordiv", "floormod"])
def test_arithmetic_wraps_as_numpy(dtype, op):
    a = _values(dtype, seed=2)
    b = _values(dtype, seed=3)
    if op in ("floordiv", "floormod"):
        b = np.where(b == 0, 1, b).astype(dtype)
    fn = {"floordiv": pt.math.floordiv, "floormod": pt.math.floormod}.get(op) or getattr(pt.math, op)
    want = {"floordiv": np.floor_divide, "floormod": np.mod}.get(op) or getattr(np, op)
    with np.errstate(over="ignore"):
        expected = want(a, b)
    got = fn(pt.constant(a), pt.constant(b))
    assert got.dtype.name == dtype
    np.testing.assert_array_equal(got.numpy(), expected)


def test_overflow_wraps_and_negation_of_the_lowest_is_itself():
    a = pt.constant(np.array([127, -128], np.int8))
    np.testing.assert_array_equal((a + pt.constant(np.array([1, -1], np.int8))).numpy(), [-128, 127])
    np.testing.assert_array_equal((-a).numpy(), [-127, -128])
    u = pt.constant(np.array([0], np.uint64))
    assert (u - pt.constant(np.array([1], np.uint64))).numpy()[0] == np.iinfo(np.uint64).max


@pytest.mark.parametrize("dtype", NARROW)
def test_comparisons_and_where(dtype):
    a, b = _values(dtype, seed=4), _values(dtype, seed=5)
    ta, tb = pt.constant(a), pt.constant(b)
    for fn, want in [(pt.less, np.less), (pt.greater_equal, np.greater_equal), (pt.equal, np.equal),
                     (pt.not_equal, np.not_equal)]:
        np.testing.assert_array_equal(fn(ta, tb).numpy(), want(a, b))
    np.testing.assert_array_equal(pt.where(ta < tb, ta, tb).numpy(), np.minimum(a, b))


@pytest.mark.parametrize("dtype,quotient", [("int8", "float32"), ("int16", "float32"), ("uint16", "float32"),
                                            ("uint32", "float64"), ("uint64", "float64")])
def test_true_division_gives_tfs_float_dtype(dtype, quotient):
    a, b = np.array([7, 9], dtype), np.array([2, 4], dtype)
    got = pt.constant(a) / pt.constant(b)
    assert got.dtype.name == quotient
    np.testing.assert_array_equal(got.numpy(), (a.astype(quotient) / b.astype(quotient)))


@pytest.mark.parametrize("dtype", NARROW)
def test_mixed_dtypes_raise_naming_both(dtype):
    with pytest.raises(TypeError, match=f"{dtype}.*int32|int32.*{dtype}"):
        pt.constant(np.array([1], dtype)) + pt.constant([1])
