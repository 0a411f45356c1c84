"""Creation ops (zeros, ones, fill, *_like, eye, range, linspace) against numpy and TF's rules."""

import numpy as np
import pytest

import pytensor as pt
from pytensor import _core
from pytensor.errors import InvalidArgumentError


def check(t, expected, dtype):
    assert t.dtype == pt.as_dtype(dtype), (t.dtype, dtype)
    np.testing.assert_array_equal(t.numpy(), expected)
    assert t.numpy().dtype == np.dtype(dtype)


# ---- zeros, ones, fill ------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "int64", "uint8", "bool"])
@pytest.mark.parametrize("shape", [(), (0,), (3,), (2, 3), (2, 0, 4), (4, 1, 3)])
def test_zeros_ones(shape, dtype):
    check(pt.zeros(shape, dtype=dtype), np.zeros(shape, dtype), dtype)
    check(pt.ones(shape, dtype=dtype), np.ones(shape, dtype), dtype)


def test_zeros_ones_default_float32_and_shape_forms():
    check(pt.zeros((2, 2)), np.zeros((2, 2), np.float32), "float32")
    check(pt.ones([3]), np.ones(3, np.float32), "float32")
    check(pt.ones(4), np.ones(4, np.float32), "float32")  # a scalar shape is a 1-D shape, as in TF
    check(pt.zeros(pt.TensorShape([2, 5])), np.zeros((2, 5), np.float32), "float32")
    check(pt.zeros(pt.constant([3, 2])), np.zeros((3, 2), np.float32), "float32")
    check(pt.ones(np.array([2, 2], np.int64), dtype=pt.float64), np.ones((2, 2)), "float64")
    check(pt.zeros((2,), dtype=np.int64), np.zeros(2, np.int64), "int64")


def test_large_fills_are_exact():
    n = 1_000_003  # several chunks on every thread count, odd tail
    z = pt.zeros((n,)).numpy()
    o = pt.ones((n,), dtype=pt.int64).numpy()
    assert not z.any() and z.shape == (n,)
    assert (o == 1).all() and o.shape == (n,)
    f = pt.fill([n], 2.5).numpy()
    assert (f == 2.5).all()


def test_fill_dtype_from_value():
    check(pt.fill([2, 3], 9), np.full((2, 3), 9, np.int32), "int32")
    check(pt.fill((2,), 1.5), np.full(2, 1.5, np.float32), "float32")
    check(pt.fill((2, 2), True), np.full((2, 2), True), "bool")
    check(pt.fill((3,), pt.constant(4.0, dtype=pt.float64)), np.full(3, 4.0), "float64")
    big = 2**62 + 1  # not representable as a double: must stay exact
    check(pt.fill((2,), np.int64(big)), np.full(2, big, np.int64), "int64")
    check(pt.fill((), 3), np.array(3, np.int32), "int32")


def test_fill_rejects_non_scalar_value():
    with pytest.raises(InvalidArgumentError, match="fill: value must be a scalar"):
        pt.fill((2,), [1.0, 2.0])


@pytest.mark.parametrize("op", [pt.zeros, pt.ones])
def test_negative_dims(op):
    with pytest.raises(InvalidArgumentError, match=r"\(2, -1\) has a negative dimension"):
        op((2, -1))
    with pytest.raises(ValueError):  # InvalidArgumentError is a ValueError, as in TF
        pt.fill((-3,), 1.0)


def test_bad_dtype_and_shape_types():
    with pytest.raises(TypeError):
        pt.zeros((2,), dtype="float128")
    with pytest.raises(TypeError):
        pt.ones((2,), dtype=42)
    with pytest.raises(TypeError, match="shape"):
        pt.zeros("abc")
    with pytest.raises(TypeError, match="1-D integer"):
        pt.zeros(pt.constant([2.0, 3.0]))


def test_like():
    x = pt.constant(np.arange(6, dtype=np.int64).reshape(2, 3))
    check(pt.zeros_like(x), np.zeros((2, 3), np.int64), "int64")
    check(pt.ones_like(x), np.ones((2, 3), np.int64), "int64")
    check(pt.ones_like(x, dtype=pt.float32), np.ones((2, 3), np.float32), "float32")
    check(pt.zeros_like([[1.0, 2.0]]), np.zeros((1, 2), np.float32), "float32")
    check(pt.ones_like(np.zeros((0, 2), np.float64)), np.ones((0, 2)), "float64")
    # a non-contiguous input: only its shape matters
    check(pt.ones_like(np.ones((4, 6), np.float32)[::2, ::3]), np.ones((2, 2), np.float32), "float32")
    v = pt.Variable([1.0, 2.0, 3.0])
    check(pt.zeros_like(v), np.zeros(3, np.float32), "float32")


# ---- eye -------------------------------------------------------------------------------------

@pytest.mark.parametrize("rows,cols", [(0, 0), (1, 1), (3, 3), (2, 4), (5, 2), (3, None)])
def test_eye(rows, cols):
    check(pt.eye(rows, cols), np.eye(rows, cols, dtype=np.float32), "float32")


def test_eye_batch_and_dtypes():
    expected = np.broadcast_to(np.eye(3, 2, dtype=np.int32), (2, 4, 3, 2))
    check(pt.eye(3, 2, batch_shape=[2, 4], dtype=pt.int32), expected, "int32")
    check(pt.eye(2, dtype="bool"), np.eye(2, dtype=bool), "bool")
    check(pt.eye(2, dtype=pt.float64), np.eye(2), "float64")
    check(pt.eye(pt.constant(3)), np.eye(3, dtype=np.float32), "float32")
    check(pt.eye(2, batch_shape=[0]), np.zeros((0, 2, 2), np.float32), "float32")


def test_eye_errors():
    with pytest.raises(InvalidArgumentError, match="eye"):
        pt.eye(-1)
    with pytest.raises(InvalidArgumentError, match="eye"):
        pt.eye(2, batch_shape=[-2])
    with pytest.raises(TypeError, match="num_rows"):
        pt.eye(2.5)


# ---- range -----------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [(5,), (0,), (2, 9), (2, 9, 3), (9, 2, -2), (-3, 4, 2), (5, 5), (7, 1, -1)])
def test_range_ints_match_arange(args):
    check(pt.range(*args), np.arange(*args, dtype=np.int32), "int32")


@pytest.mark.parametrize("args", [(0.0, 1.0, 0.25), (1.5, 4), (3, 0.0, -0.5), (0.5,), (-1.0, 1.0, 0.3)])
def test_range_floats_match_arange(args):
    t = pt.range(*args)
    expected = np.arange(*args)
    assert t.dtype == pt.float32 and t.numpy().shape == expected.shape
    np.testing.assert_allclose(t.numpy(), expected, rtol=1e-6, atol=1e-6)


def test_range_dtype_rules():
    check(pt.range(5, dtype=pt.float64), np.arange(5, dtype=np.float64), "float64")
    check(pt.range(pt.constant(5, dtype=pt.int64)), np.arange(5, dtype=np.int64), "int64")
    check(pt.range(1, pt.constant(4, dtype=pt.int64), 1), np.arange(1, 4, dtype=np.int64), "int64")
    check(pt.range(0, 3, dtype="int64"), np.arange(3, dtype=np.int64), "int64")
    # the widest of int32 < int64 < float32 < float64 wins
    t = pt.range(pt.constant(0, dtype=pt.int64), 2.0, 0.5)
    check(t, np.arange(0, 2, 0.5, dtype=np.float32), "float32")
    check(pt.range(0, pt.constant(1.0, dtype=pt.float64), 0.5), np.arange(0, 1, 0.5), "float64")
    # an explicit dtype casts tensor arguments (as TF's range does)
    check(pt.range(pt.constant(3), dtype=pt.float32), np.arange(3, dtype=np.float32), "float32")
    with pytest.raises(TypeError):
        pt.range(2.5, dtype=pt.int32)  # a float is not silently truncated
    with pytest.raises(TypeError, match="range"):
        pt.range(3, dtype=pt.uint8)


def test_range_large_int_is_exact_and_parallel():
    n = 3_000_017
    check(pt.range(n), np.arange(n, dtype=np.int32), "int32")
    big = 2**40
    check(pt.range(big, big + 10, 3), np.arange(big, big + 10, 3, dtype=np.int64), "int64")


def test_range_errors():
    with pytest.raises(InvalidArgumentError, match="delta != 0"):
        pt.range(0, 5, 0)
    with pytest.raises(InvalidArgumentError, match="start <= limit when delta > 0"):
        pt.range(5, 0)
    with pytest.raises(InvalidArgumentError, match="start >= limit when delta < 0"):
        pt.range(0, 5, -1)
    with pytest.raises(InvalidArgumentError, match="delta != 0"):
        pt.range(0.0, 1.0, 0.0)
    with pytest.raises(InvalidArgumentError, match="finite"):
        pt.range(0.0, float("inf"), 1.0)
    with pytest.raises(InvalidArgumentError, match="scalar"):
        pt.range([1, 2])


# ---- linspace --------------------------------------------------------------------------------

@pytest.mark.parametrize("start,stop,num", [(0, 1, 5), (-2.5, 7.25, 11), (3.0, -3.0, 7), (1.0, 1.0, 4), (2.0, 5.0, 1),
                                            (0.0, 1.0, 100_001)])
def test_linspace_matches_numpy(start, stop, num):
    t = pt.linspace(start, stop, num)
    expected = np.linspace(start, stop, num, dtype=np.float32)
    assert t.dtype == pt.float32 and t.numpy().shape == (num,)
    np.testing.assert_allclose(t.numpy(), expected, rtol=1e-6, atol=1e-6)
    assert t.numpy()[-1] == np.float32(stop if num > 1 else start)  # the end point is exact


def test_linspace_dtypes_and_errors():
    t = pt.linspace(pt.constant(0.0, dtype=pt.float64), 1.0, 3)
    check(t, np.array([0.0, 0.5, 1.0]), "float64")
    check(pt.linspace(0.0, 1.0, pt.constant(3)), np.array([0, 0.5, 1], np.float32), "float32")
    with pytest.raises(InvalidArgumentError, match="num > 0"):
        pt.linspace(0.0, 1.0, 0)
    with pytest.raises(TypeError, match="different dtypes"):
        pt.linspace(pt.constant(0.0), pt.constant(1.0, dtype=pt.float64), 3)
    with pytest.raises(InvalidArgumentError, match="scalar"):
        pt.linspace([0.0, 1.0], 2.0, 3)


def test_same_result_on_one_and_two_threads():
    saved = _core.get_num_threads()
    try:
        results = []
        for n in (1, 2):
            _core.set_num_threads(n)
            results.append([pt.range(0.0, 100.0, 0.001).numpy(), pt.linspace(-1.0, 1.0, 200_001).numpy(),
                            pt.fill([300_000], 0.1).numpy()])
        for a, b in zip(*results):
            assert a.tobytes() == b.tobytes()
    finally:
        _core.set_num_threads(saved)


def test_numpy_float64_scalars_keep_their_dtype():
    """numpy's float64 scalar subclasses Python's float; TF keeps its dtype (float64), in lists too, while a Python
    float stays float32."""
    assert pt.constant(np.float64(2.5)).dtype == pt.float64
    assert pt.convert_to_tensor(np.float64(2.5)).dtype == pt.float64
    assert pt.constant([np.float64(1.0), np.float64(2.0)]).dtype == pt.float64
    assert pt.constant(2.5).dtype == pt.float32 and pt.constant([1.0, 2.0]).dtype == pt.float32
    assert pt.constant(np.float64(2.5), dtype=pt.float32).numpy() == np.float32(2.5)
