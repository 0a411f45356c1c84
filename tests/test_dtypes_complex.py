"""complex64 / complex128: creation from numpy and Python complex numbers, tf.complex, real/imag/conj/angle/abs,
arithmetic, matmul and sums against numpy; real-only ops raise TypeError naming the op and the dtype."""

import numpy as np
import pytest

import pytensor as pt

COMPLEX = ["complex64", "complex128"]


def _values(dtype, shape=(3, 4), seed=0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dtype)


def _tol(dtype):
    return {"rtol": 1e-5, "atol": 1e-6} if dtype == "complex64" else {"rtol": 1e-12, "atol": 1e-12}


@pytest.mark.parametrize("dtype", COMPLEX)
def test_numpy_round_trip_and_python_complex(dtype):
    a = _values(dtype)
    t = pt.constant(a)
    assert t.dtype == getattr(pt, dtype) and t.dtype.is_complex and not t.dtype.is_floating
    np.testing.assert_array_equal(t.numpy(), a)
    np.testing.assert_array_equal(pt.constant(a[:, ::2]).numpy(), a[:, ::2])
    assert getattr(pt, dtype).real_dtype == ("float32" if dtype == "complex64" else "float64")
    np.testing.assert_array_equal(pt.constant([1.5, 2], dtype=dtype).numpy(), np.array([1.5, 2], dtype))


def test_python_complex_values_are_complex128_as_in_tf():
    v = pt.Variable([5 + 4j, 6 + 1j])
    assert v.dtype == pt.complex128
    np.testing.assert_array_equal(v.numpy(), [5 + 4j, 6 + 1j])
    assert pt.constant(1 + 2j).dtype == pt.complex128
    v.assign_add(pt.constant([1j, 1j]))
    np.testing.assert_array_equal(v.numpy(), [5 + 5j, 6 + 2j])


@pytest.mark.parametrize("dtype", COMPLEX)
def test_parts_conjugate_angle_and_magnitude(dtype):
    a = _values(dtype, seed=1)
    t = pt.constant(a)
    part = "float32" if dtype == "complex64" else "float64"
    for fn, want in [(pt.math.real, a.real), (pt.math.imag, a.imag), (pt.math.angle, np.angle(a)),
                     (pt.abs, np.abs(a))]:
        got = fn(t)
        assert got.dtype.name == part
        np.testing.assert_allclose(got.numpy(), want, **_tol(dtype))
    np.testing.assert_array_equal(pt.math.conj(t).numpy(), np.conj(a))
    rebuilt = pt.complex(pt.constant(a.real), pt.constant(a.imag))
    assert rebuilt.dtype.name == dtype
    np.testing.assert_array_equal(rebuilt.numpy(), a)


@pytest.mark.parametrize("dtype", COMPLEX)
@pytest.mark.parametrize("op", ["add", "subtract", "multiply", "divide"])
def test_arithmetic(dtype, op):
    a, b = _values(dtype, seed=2), _values(dtype, seed=3)
    got = getattr(pt.math, op)(pt.constant(a), pt.constant(b))
    assert got.dtype.name == dtype
    np.testing.assert_allclose(got.numpy(), getattr(np, op)(a, b), **_tol(dtype))
    np.testing.assert_array_equal((-pt.constant(a)).numpy(), -a)
    np.testing.assert_array_equal(pt.equal(pt.constant(a), pt.constant(a)).numpy(), np.ones(a.shape, bool))


@pytest.mark.parametrize("dtype", COMPLEX)
def test_matmul_and_sums(dtype):
    a, b = _values(dtype, (3, 4), seed=4), _values(dtype, (4, 2), seed=5)
    np.testing.assert_allclose(pt.matmul(pt.constant(a), pt.constant(b)).numpy(), a @ b, **_tol(dtype))
    np.testing.assert_allclose(pt.matmul(pt.constant(a), pt.constant(a), transpose_b=True).numpy(), a @ a.T,
                               **_tol(dtype))
    np.testing.assert_allclose(pt.reduce_sum(pt.constant(a), axis=0).numpy(), a.sum(0), **_tol(dtype))
    np.testing.assert_allclose(pt.reduce_mean(pt.constant(a)).numpy(), a.mean(), **_tol(dtype))


def test_casts_between_complex_and_real_keep_the_real_part():
    a = np.array([1.5 - 2j, -3 + 0.5j], np.complex128)
    np.testing.assert_array_equal(pt.cast(pt.constant(a), "float32").numpy(), np.float32([1.5, -3]))
    np.testing.assert_array_equal(pt.cast(pt.constant(a), "complex64").numpy(), a.astype(np.complex64))
    np.testing.assert_array_equal(pt.cast(pt.constant([1, 2]), "complex128").numpy(), [1 + 0j, 2 + 0j])


def test_real_only_ops_raise_type_error_naming_op_and_dtype():
    t = pt.constant(_values("complex64"))
    with pytest.raises(TypeError, match="exp.*complex64"):
        pt.exp(t)
    with pytest.raises(TypeError, match="less.*complex64"):
        pt.less(t, t)
    with pytest.raises(TypeError, match="reduce_max.*complex64"):
        pt.reduce_max(t)
    with pytest.raises(TypeError, match="complex64.*complex128|complex128.*complex64"):
        t + pt.constant(_values("complex128"))
    with pytest.raises(TypeError, match="complex"):
        pt.complex(pt.constant([1.0]), pt.constant([1.0], "float64"))
