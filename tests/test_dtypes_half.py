"""float16 and bfloat16: storage, numpy round trips, casts, and ops computed in float32 and rounded once.

References: numpy's float16 (IEEE binary16, round to nearest even) and ml_dtypes' bfloat16 (the type TF's numpy
arrays use); every op result is the float32 result on the widened operands, rounded to the 16-bit type.
"""

import numpy as np
import pytest

import pytensor as pt

ml_dtypes = pytest.importorskip("ml_dtypes")

HALVES = [("float16", np.float16), ("bfloat16", ml_dtypes.bfloat16)]


def _values(np_type, n=24, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(n).astype(np.float32) * 3).astype(np_type)


@pytest.mark.parametrize("name,np_type", HALVES)
def test_numpy_round_trip_keeps_bits(name, np_type):
    a = _values(np_type).reshape(4, 6)
    t = pt.constant(a)
    assert t.dtype == getattr(pt, name) and t.dtype.name == name
    out = t.numpy()
    assert out.dtype == np.dtype(np_type)
    np.testing.assert_array_equal(out.view(np.uint16), a.view(np.uint16))
    # a strided view of the array is read element by element
    np.testing.assert_array_equal(pt.constant(a[:, ::2]).numpy().view(np.uint16), a[:, ::2].view(np.uint16))
    assert np.asarray(t).dtype == np.dtype(np_type)


@pytest.mark.parametrize("name,np_type", HALVES)
def test_python_values_and_dtype_objects(name, np_type):
    dtype = getattr(pt, name)
    t = pt.constant([1.1, -2.5, 65504.0 if name == "float16" else 3.0e38], dtype=dtype)
    want = np.array([1.1, -2.5, 65504.0 if name == "float16" else 3.0e38]).astype(np_type)
    np.testing.assert_array_equal(t.numpy().view(np.uint16), want.view(np.uint16))
    assert dtype.is_floating and not dtype.is_integer and dtype.size == 2
    assert dtype.as_numpy_dtype is np_type
    assert pt.as_dtype(np_type) is dtype and pt.as_dtype(name) is dtype
    assert float(pt.constant(1.5, dtype=dtype)) == 1.5
    assert str(pt.constant([1.5], dtype=dtype)).endswith(f"dtype={name})")
    assert dtype.max == float(np.finfo(np_type).max if name == "float16" else ml_dtypes.finfo(np_type).max)


@pytest.mark.parametrize("name,np_type", HALVES)
@pytest.mark.parametrize("other", ["bool", "uint8", "int32", "int64", "float32", "float64"])
def test_casts_to_and_from_every_dtype(name, np_type, other):
    a = np.array([0.0, 1.0, -2.0, 3.5, 100.25, -0.4, 7.75, 250.0], np.float32)
    if other == "uint8":
        a = np.abs(a)
    source = a.astype(other)
    half = pt.cast(pt.constant(source), name)
    # numpy converts through float32 too for the integers it holds exactly
    np.testing.assert_array_equal(half.numpy().view(np.uint16), source.astype(np.float32).astype(np_type).view(np.uint16))
    back = pt.cast(half, other).numpy()
    np.testing.assert_array_equal(back, source.astype(np.float32).astype(np_type).astype(np.float32).astype(other))


def test_float16_cast_rounds_to_nearest_even_and_overflows_to_inf():
    x = pt.constant(np.array([70000.0, 1e-8, 2049.0, 2051.0, np.nan, -np.inf], np.float32))
    got = pt.cast(x, pt.float16).numpy()
    np.testing.assert_array_equal(got, np.array([np.inf, 0.0, 2048.0, 2052.0, np.nan, -np.inf], np.float16))
    assert pt.cast(pt.constant(np.float16(np.nan)), "int32").numpy() == 0


@pytest.mark.parametrize("name,np_type", HALVES)
@pytest.mark.parametrize("op", ["add", "subtract", "multiply", "divide", "maximum", "minimum", "pow"])
def test_binary_ops_compute_in_float32_and_round(name, np_type, op):
    a, b = _values(np_type, seed=1), _values(np_type, seed=2)
    if op == "pow":
        a = np.abs(a)
    got = getattr(pt.math, op)(pt.constant(a), pt.constant(b))
    assert got.dtype.name == name
    want = getattr(np, {"divide": "true_divide", "pow": "power"}.get(op, op))(a.astype(np.float32),
                                                                             b.astype(np.float32)).astype(np_type)
    np.testing.assert_array_equal(got.numpy().view(np.uint16), want.view(np.uint16))


@pytest.mark.parametrize("name,np_type", HALVES)
def test_comparisons_give_bool(name, np_type):
    a, b = _values(np_type, seed=3), _values(np_type, seed=4)
    np.testing.assert_array_equal(pt.less(pt.constant(a), pt.constant(b)).numpy(),
                                  a.astype(np.float32) < b.astype(np.float32))


@pytest.mark.parametrize("name,np_type", HALVES)
@pytest.mark.parametrize("op", ["exp", "log", "sqrt", "tanh", "sigmoid", "abs", "negative", "square", "sin"])
def test_unary_math_within_one_rounding_of_float32(name, np_type, op):
    a = _values(np_type, seed=5)
    if op in ("log", "sqrt"):
        a = np.abs(a) + np_type(0.5)
    got = getattr(pt.math, op)(pt.constant(a))
    assert got.dtype.name == name
    f32 = getattr(pt.math, op)(pt.constant(a.astype(np.float32))).numpy()
    np.testing.assert_array_equal(got.numpy().view(np.uint16), f32.astype(np_type).view(np.uint16))


@pytest.mark.parametrize("name,np_type", HALVES)
def test_reductions_accumulate_in_float32(name, np_type):
    # 4097 ones: a float16 accumulator would stop at 2048 (2048 + 1 rounds back to 2048)
    ones = pt.ones([4097], dtype=name)
    total = pt.reduce_sum(ones)
    assert total.dtype.name == name
    assert float(total) == float(np.float32(4097).astype(np_type))
    a = _values(np_type, n=60, seed=6).reshape(6, 10)
    np.testing.assert_array_equal(pt.reduce_mean(pt.constant(a), axis=1).numpy().view(np.uint16),
                                  a.astype(np.float32).mean(axis=1).astype(np_type).view(np.uint16))
    assert pt.argmax(pt.constant(a), axis=1).numpy().tolist() == a.astype(np.float32).argmax(axis=1).tolist()


@pytest.mark.parametrize("name,np_type", HALVES)
def test_matmul_accumulates_in_float32(name, np_type):
    a, b = _values(np_type, n=48, seed=7).reshape(6, 8), _values(np_type, n=40, seed=8).reshape(8, 5)
    got = pt.matmul(pt.constant(a), pt.constant(b))
    assert got.dtype.name == name
    want = (a.astype(np.float64) @ b.astype(np.float64)).astype(np.float32)
    # one rounding of a float32 accumulation: within one 16-bit ulp of the exact product
    np.testing.assert_allclose(got.numpy().astype(np.float32), want, rtol=2 ** -7 if name == "bfloat16" else 2 ** -10,
                               atol=1e-3)


def test_mixed_half_and_float32_raise_type_error_naming_both():
    with pytest.raises(TypeError, match="float16.*float32|float32.*float16"):
        pt.constant([1.0], pt.float16) + pt.constant([1.0])
    with pytest.raises(TypeError, match="matmul"):
        pt.matmul(pt.ones([2, 2], pt.bfloat16), pt.ones([2, 2]))


@pytest.mark.parametrize("name,np_type", HALVES)
def test_gradients_pass_through_casts(name, np_type):
    v = pt.Variable([1.0, -2.0, 3.0])
    w = pt.Variable([[0.5], [0.25], [-1.0]])
    with pt.GradientTape() as tape:
        h = pt.matmul(pt.reshape(pt.cast(v, name), [1, 3]), pt.cast(w, name))
        loss = pt.reduce_sum(pt.cast(h * h, "float32"))
    gv, gw = tape.gradient(loss, [v, w])
    assert gv.dtype == pt.float32 and gw.dtype == pt.float32
    h0 = float(np.array([1.0, -2.0, 3.0]) @ np.array([0.5, 0.25, -1.0]))
    np.testing.assert_allclose(gv.numpy(), 2 * h0 * np.array([0.5, 0.25, -1.0]), rtol=1e-2)
    np.testing.assert_allclose(gw.numpy()[:, 0], 2 * h0 * np.array([1.0, -2.0, 3.0]), rtol=1e-2)


def test_half_ops_in_a_traced_function_match_eager():
    x = pt.constant(_values(np.float16, n=12, seed=9).reshape(3, 4))
    w = pt.constant(_values(np.float16, n=8, seed=10).reshape(4, 2))
    f = pt.function(lambda x, w: pt.nn.relu(pt.matmul(x, w)) + pt.constant(1.0, pt.float16))
    np.testing.assert_array_equal(f(x, w).numpy(), (pt.nn.relu(pt.matmul(x, w)) + pt.constant(1.0, pt.float16)).numpy())


def test_softmax_and_where_on_float16():
    a = _values(np.float16, n=12, seed=11).reshape(3, 4)
    got = pt.nn.softmax(pt.constant(a))
    f = a.astype(np.float32)
    want = (np.exp(f - f.max(1, keepdims=True)) / np.exp(f - f.max(1, keepdims=True)).sum(1, keepdims=True))
    np.testing.assert_allclose(got.numpy().astype(np.float32), want, rtol=1e-3, atol=1e-4)
    sel = pt.where(pt.constant(a > 0), pt.constant(a), pt.zeros_like(pt.constant(a)))
    np.testing.assert_array_equal(sel.numpy(), np.where(a > 0, a, np.float16(0)))
