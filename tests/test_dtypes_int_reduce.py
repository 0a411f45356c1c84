"""Reductions and matmul of int8, int16, uint16, uint32 and uint64, against numpy: sums and products wrap around
in the dtype (TF's CPU kernels), means accumulate wide and truncate (TF: int8 [100, 120, 7, 3, 2, 1] has mean 38,
not the wrapped sum's), argmax/argmin take the first extreme; matmul raises TF's error classes (its MatMul op
rejects int8/int16 with InvalidArgumentError, its CPU kernels leave out uint16/32/64: NotFoundError)."""

import numpy as np
import pytest

import pytensor as pt

NARROW = ["int8", "int16", "uint16", "uint32", "uint64"]


def _values(dtype, shape=(5, 7), seed=0):
    info = np.iinfo(dtype)
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    return rng.integers(max(info.min, -1000), min(info.max, 1000), n, endpoint=True).astype(dtype).reshape(shape)


def _truncating_mean(a, axis):
    """TF's integer mean: the exact (Python int) sum divided by the count, truncated toward zero."""
    s = np.sum(a.astype(object), axis=axis)
    n = a.size if axis is None else a.shape[axis]
    return np.vectorize(lambda v: int(v / n) if abs(v) < 2**52 else (abs(v) // n) * (1 if v >= 0 else -1),
                        otypes=[object])(s).astype(a.dtype)


@pytest.mark.parametrize("dtype", NARROW)
@pytest.mark.parametrize("axis", [None, 0, 1, -1])
def test_sum_prod_max_min_match_numpy_with_wraparound(dtype, axis):
    a = _values(dtype)
    x = pt.constant(a)
    for ours, theirs in ((pt.reduce_sum, np.sum), (pt.reduce_prod, np.prod)):
        got = ours(x, axis=axis)
        assert got.dtype == getattr(pt, dtype)
        np.testing.assert_array_equal(got.numpy(), theirs(a, axis=axis, dtype=a.dtype))
    np.testing.assert_array_equal(pt.reduce_max(x, axis=axis).numpy(), np.max(a, axis=axis))
    np.testing.assert_array_equal(pt.reduce_min(x, axis=axis).numpy(), np.min(a, axis=axis))


@pytest.mark.parametrize("dtype", NARROW)
def test_sum_overflow_wraps_as_tf(dtype):
    info = np.iinfo(dtype)
    a = np.array([info.max, info.max, 3], dtype)
    expected = (int(info.max) * 2 + 3 - int(info.min)) % (int(info.max) - int(info.min) + 1) + int(info.min)
    assert int(pt.reduce_sum(pt.constant(a))) == expected


def test_int8_values_recorded_from_tensorflow():
    """TF 2.21's outputs for int8 [[100, 120, 7], [3, 2, 1]] (recorded by hand from /work/peers-venv)."""
    x = pt.constant(np.array([[100, 120, 7], [3, 2, 1]], np.int8))
    assert int(pt.reduce_sum(x)) == -23
    assert int(pt.reduce_prod(x)) == -64
    np.testing.assert_array_equal(pt.reduce_prod(x, axis=0).numpy(), [44, -16, 7])
    assert int(pt.reduce_mean(x)) == 38
    np.testing.assert_array_equal(pt.reduce_mean(x, axis=0).numpy(), [51, 61, 4])


@pytest.mark.parametrize("dtype", NARROW)
@pytest.mark.parametrize("axis", [None, 0, 1])
def test_mean_accumulates_wide_and_truncates(dtype, axis):
    a = _values(dtype, seed=1)
    got = pt.reduce_mean(pt.constant(a), axis=axis)
    assert got.dtype == getattr(pt, dtype)
    np.testing.assert_array_equal(got.numpy(), _truncating_mean(a, axis))
    assert int(pt.reduce_mean(pt.constant(np.zeros((0,), dtype)))) == 0  # TF's empty integer mean


@pytest.mark.parametrize("dtype", NARROW)
@pytest.mark.parametrize("keepdims", [False, True])
def test_reductions_keepdims_and_strided_input(dtype, keepdims):
    a = _values(dtype, shape=(6, 8), seed=2)
    x = pt.constant(a)[::2, 1::3]
    np.testing.assert_array_equal(pt.reduce_sum(x, axis=1, keepdims=keepdims).numpy(),
                                  np.sum(a[::2, 1::3], axis=1, keepdims=keepdims, dtype=a.dtype))
    np.testing.assert_array_equal(pt.reduce_max(x, axis=0, keepdims=keepdims).numpy(),
                                  np.max(a[::2, 1::3], axis=0, keepdims=keepdims))


@pytest.mark.parametrize("dtype", NARROW)
@pytest.mark.parametrize("axis", [0, 1])
def test_argmax_argmin_match_numpy(dtype, axis):
    a = _values(dtype, seed=3)
    a[1, :] = a[3, :]  # ties: the first index wins, as in numpy and TF
    x = pt.constant(a)
    np.testing.assert_array_equal(pt.argmax(x, axis=axis).numpy(), np.argmax(a, axis=axis))
    np.testing.assert_array_equal(pt.argmin(x, axis=axis).numpy(), np.argmin(a, axis=axis))
    assert pt.argmax(x, axis=axis, output_type=pt.int32).dtype == pt.int32


@pytest.mark.parametrize("dtype", ["int8", "int16"])
def test_matmul_of_int8_int16_is_invalid_argument_as_tf(dtype):
    x = pt.constant(np.ones((2, 2), dtype))
    with pytest.raises(pt.errors.InvalidArgumentError, match=f"matmul: dtype {dtype}.*cast"):
        pt.matmul(x, x)


@pytest.mark.parametrize("dtype", ["uint16", "uint32", "uint64"])
def test_matmul_of_wide_unsigned_is_not_found_as_tf(dtype):
    x = pt.constant(np.ones((2, 2), dtype))
    with pytest.raises(pt.errors.NotFoundError, match=f"matmul: no CPU kernel for dtype {dtype}"):
        pt.matmul(x, x)
    with pytest.raises(pt.errors.NotFoundError):
        x @ x
