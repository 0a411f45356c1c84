"""matmul against numpy: shapes, batch broadcasting, transposes, views, integer dtypes, empty
operands, errors, and bitwise determinism across thread counts."""
import numpy as np
import pytest

import pytensor as pt
from pytensor import _core


def ref(a, b, transpose_a=False, transpose_b=False):
    """numpy's product, in float64 for float inputs (so tolerances measure our rounding only)."""
    a = np.swapaxes(a, -1, -2) if transpose_a else a
    b = np.swapaxes(b, -1, -2) if transpose_b else b
    if a.dtype.kind == "f":
        return np.matmul(a.astype(np.float64), b.astype(np.float64))
    return np.matmul(a, b)


def check(a, b, **kw):
    got = pt.matmul(a, b, **kw)
    want = ref(np.asarray(a), np.asarray(b), kw.get("transpose_a", False) or kw.get("adjoint_a", False),
               kw.get("transpose_b", False) or kw.get("adjoint_b", False))
    out = got.numpy()
    assert out.shape == want.shape
    assert out.dtype == np.asarray(a).dtype
    k = np.asarray(a).shape[-2 if kw.get("transpose_a") or kw.get("adjoint_a") else -1]
    if out.dtype.kind == "f":
        tol = (1e-5 if out.dtype == np.float32 else 1e-13) * max(k, 1)
        np.testing.assert_allclose(out, want, rtol=tol, atol=tol)
    else:
        np.testing.assert_array_equal(out, want)
    return out


SHAPES = [
    ((1, 1), (1, 1)),
    ((3, 4), (4, 5)),
    ((1, 300), (300, 1)),
    ((67, 129), (129, 45)),
    ((300, 257), (257, 191)),
    ((520, 33), (33, 600)),
    ((4, 3, 5), (4, 5, 2)),        # batch
    ((2, 1, 6, 7), (3, 7, 8)),     # batch broadcast both ways
    ((6, 7), (5, 7, 3)),           # rank 2 against rank 3
    ((9, 40, 30), (30, 50)),       # many small products
    ((3, 150, 140), (1, 140, 160)),
]


@pytest.mark.parametrize("sa,sb", SHAPES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_matches_numpy(sa, sb, dtype, rng):
    check(rng.standard_normal(sa).astype(dtype), rng.standard_normal(sb).astype(dtype))


@pytest.mark.parametrize("ta", [False, True])
@pytest.mark.parametrize("tb", [False, True])
@pytest.mark.parametrize("m,n,k", [(3, 5, 4), (130, 140, 150)])
def test_transpose_flags(ta, tb, m, n, k, rng):
    a = rng.standard_normal((2, k, m) if ta else (2, m, k)).astype(np.float32)
    b = rng.standard_normal((2, n, k) if tb else (2, k, n)).astype(np.float32)
    out = check(a, b, transpose_a=ta, transpose_b=tb)
    assert out.shape == (2, m, n)


# One side of at most 16 (the skinny kernels), with every transpose: short k (row updates), short n with A
# row- or column-major, short m with B row- or column-major; sizes off the vector width, and batched.
SKINNY = [(128, 10, 512), (128, 512, 10), (512, 10, 128), (10, 512, 128), (1, 513, 784), (777, 1, 300),
          (300, 17, 16), (16, 300, 257), (33, 45, 3)]


@pytest.mark.parametrize("ta", [False, True])
@pytest.mark.parametrize("tb", [False, True])
@pytest.mark.parametrize("m,n,k", SKINNY)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_skinny_products(ta, tb, m, n, k, dtype, rng):
    a = rng.standard_normal((3, k, m) if ta else (3, m, k)).astype(dtype)
    b = rng.standard_normal((3, n, k) if tb else (3, k, n)).astype(dtype)
    assert check(a, b, transpose_a=ta, transpose_b=tb).shape == (3, m, n)


# Small products (the in-place row-update path, B transposed into scratch when its columns are contiguous): an RNN
# cell's forward and gradient products, sides off the vector width and the 8 x 8 / 16 x 16 transpose blocks, the
# size limits of both paths and just past them (Eigen again).
SMALL = [(32, 64, 64), (64, 64, 32), (33, 70, 37), (5, 9, 100), (32, 256, 64), (64, 128, 64), (64, 64, 129),
         (17, 31, 23), (2, 3, 1), (1, 40, 40)]


@pytest.mark.parametrize("ta", [False, True])
@pytest.mark.parametrize("tb", [False, True])
@pytest.mark.parametrize("m,n,k", SMALL)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_small_products(ta, tb, m, n, k, dtype, rng):
    a = rng.standard_normal((k, m) if ta else (m, k)).astype(dtype)
    b = rng.standard_normal((n, k) if tb else (k, n)).astype(dtype)
    assert check(a, b, transpose_a=ta, transpose_b=tb).shape == (m, n)


@pytest.mark.parametrize("tb", [False, True])
def test_small_batched_products_equal_each_item_alone(tb, rng):
    # Batch items run on any thread, each serially: an item's result never depends on its batch or thread count.
    a = rng.standard_normal((6, 32, 48)).astype(np.float32)
    b = rng.standard_normal((6, 40, 48) if tb else (6, 48, 40)).astype(np.float32)
    saved = _core.get_num_threads()
    try:
        batched = []
        for n in (1, 2):
            _core.set_num_threads(n)
            batched.append(check(a, b, transpose_b=tb))
    finally:
        _core.set_num_threads(saved)
    assert batched[0].tobytes() == batched[1].tobytes()
    for i in range(6):
        assert pt.matmul(a[i], b[i], transpose_b=tb).numpy().tobytes() == batched[0][i].tobytes()


def test_adjoint_is_transpose_for_real_dtypes(rng):
    a = rng.standard_normal((5, 3)).astype(np.float32)
    b = rng.standard_normal((4, 5)).astype(np.float32)
    out = check(a, b, adjoint_a=True, adjoint_b=True)
    assert out.shape == (3, 4)


def test_non_contiguous_views(rng):
    base = rng.standard_normal((80, 240)).astype(np.float32)
    strided = pt.constant(base)[:, ::3]            # no unit stride: copied before the product
    transposed = pt.transpose(pt.constant(rng.standard_normal((80, 50)).astype(np.float32)))  # mapped in place
    np.testing.assert_allclose(pt.matmul(transposed, strided).numpy(),
                               ref(np.asarray(transposed), np.asarray(strided)), rtol=1e-4, atol=1e-4)
    reversed_rows = pt.constant(base)[::-1, :80]   # negative stride
    np.testing.assert_allclose(pt.matmul(reversed_rows, strided).numpy(),
                               ref(base[::-1, :80], base[:, ::3]), rtol=1e-4, atol=1e-4)
    # A broadcast batch view (stride 0) as an operand.
    bcast = pt.broadcast_to(pt.constant(base[:10, :20]), (4, 10, 20))
    np.testing.assert_allclose(pt.matmul(bcast, pt.constant(base[:20, :30])).numpy(),
                               ref(np.broadcast_to(base[:10, :20], (4, 10, 20)), base[:20, :30]), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("dtype", ["int32", "int64"])
@pytest.mark.parametrize("sa,sb", [((3, 4), (4, 5)), ((2, 90, 80), (80, 70)), ((200, 150), (150, 170))])
def test_integer_dtypes(dtype, sa, sb, rng):
    check(rng.integers(-9, 10, sa).astype(dtype), rng.integers(-9, 10, sb).astype(dtype))


def test_int32_overflow_wraps():
    a = np.array([[2 ** 30, 2 ** 30]], np.int32)
    b = np.array([[2], [3]], np.int32)
    assert pt.matmul(a, b).numpy()[0, 0] == np.int32(2 ** 30 * 5 - 2 ** 32)


@pytest.mark.parametrize("sa,sb,out", [((0, 4), (4, 3), (0, 3)), ((3, 0), (0, 4), (3, 4)),
                                       ((0, 2, 3), (3, 4), (0, 2, 4)), ((2, 3, 0), (2, 0, 5), (2, 3, 5))])
def test_empty(sa, sb, out):
    r = pt.matmul(np.ones(sa, np.float32), np.ones(sb, np.float32)).numpy()
    assert r.shape == out
    assert (r == 0).all()


def test_operator_and_python_operands(rng):
    a = rng.standard_normal((3, 4)).astype(np.float32)
    b = rng.standard_normal((4, 2)).astype(np.float32)
    np.testing.assert_allclose((pt.constant(a) @ pt.constant(b)).numpy(), a @ b, rtol=1e-5, atol=1e-6)
    # A nested list converts to the tensor operand's dtype.
    r = pt.matmul(pt.constant(a), b.tolist())
    assert r.dtype == pt.float32
    np.testing.assert_allclose(r.numpy(), a @ b, rtol=1e-5, atol=1e-6)


def test_inner_dimension_mismatch_names_shapes_and_fix():
    with pytest.raises(pt.errors.InvalidArgumentError) as e:
        pt.matmul(np.ones((2, 3), np.float32), np.ones((4, 5), np.float32))
    msg = str(e.value)
    assert "matmul" in msg and "(2, 3)" in msg and "(4, 5)" in msg and "transpose" in msg
    assert isinstance(e.value, ValueError)
    # transpose_b makes (4, 3) agree.
    with pytest.raises(pt.errors.InvalidArgumentError):
        pt.matmul(np.ones((2, 3), np.float32), np.ones((3, 4), np.float32), transpose_b=True)
    assert pt.matmul(np.ones((2, 3), np.float32), np.ones((4, 3), np.float32), transpose_b=True).shape == (2, 4)


def test_rank_below_two_is_an_error():
    with pytest.raises(pt.errors.InvalidArgumentError, match=r"rank >= 2.*\(3,\)"):
        pt.matmul(np.ones(3, np.float32), np.ones((3, 2), np.float32))
    with pytest.raises(pt.errors.InvalidArgumentError):
        pt.matmul(np.ones((2, 3), np.float32), np.ones(3, np.float32))


def test_batch_mismatch_is_an_error():
    with pytest.raises(pt.errors.InvalidArgumentError, match=r"\(2, 2, 3\).*\(3, 3, 2\)"):
        pt.matmul(np.ones((2, 2, 3), np.float32), np.ones((3, 3, 2), np.float32))


def test_dtype_errors():
    with pytest.raises(TypeError, match="float32.*float64"):
        pt.matmul(pt.constant(np.ones((2, 2), np.float32)), pt.constant(np.ones((2, 2), np.float64)))
    with pytest.raises(TypeError, match="bool"):
        pt.matmul(np.ones((2, 2), bool), np.ones((2, 2), bool))
    with pytest.raises(TypeError, match="output_type"):
        pt.matmul(np.ones((2, 2), np.float32), np.ones((2, 2), np.float32), output_type=pt.float64)


def test_transpose_and_adjoint_together_is_an_error():
    with pytest.raises(ValueError):
        pt.matmul(np.ones((2, 2), np.float32), np.ones((2, 2), np.float32), transpose_a=True, adjoint_a=True)


@pytest.mark.parametrize("sa,sb", [((512, 384), (384, 448)), ((333, 1000), (1000, 129)), ((640, 512), (512, 10)),
                                   ((700, 12), (12, 520)), ((10, 640), (640, 300)),
                                   ((64, 24, 40), (40, 36)), ((3, 300, 200), (200, 250))])
def test_bitwise_identical_with_one_and_two_threads(sa, sb, rng):
    a = rng.standard_normal(sa).astype(np.float32)
    b = rng.standard_normal(sb).astype(np.float32)
    saved = _core.get_num_threads()
    try:
        results = []
        for n in (1, 2, 3):
            _core.set_num_threads(n)
            results.append(pt.matmul(a, b).numpy().tobytes())
    finally:
        _core.set_num_threads(saved)
    assert results[0] == results[1]
    assert results[0] == results[2]


def mostly_zero(shape, rng, density=0.15, dtype=np.float32):
    """Like image pixels or one-hot rows: most entries exactly zero (the compressed-left-operand path)."""
    a = rng.standard_normal(shape).astype(dtype)
    a[rng.random(shape) > density] = 0
    return a


@pytest.mark.parametrize("ta", [False, True])
@pytest.mark.parametrize("m,n,k", [(128, 512, 784), (37, 100, 65), (300, 33, 200), (1000, 70, 40)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_mostly_zero_left_operand(ta, m, n, k, dtype, rng):
    a = mostly_zero((k, m) if ta else (m, k), rng, dtype=dtype)
    b = rng.standard_normal((k, n)).astype(dtype)
    check(a, b, transpose_a=ta)


def test_mostly_zero_rows_and_all_zero_rows(rng):
    a = mostly_zero((64, 256), rng, density=0.05)
    a[::3] = 0  # whole rows of zeros give zero rows
    b = rng.standard_normal((256, 96)).astype(np.float32)
    out = check(a, b)
    assert not out[::3].any()


@pytest.mark.parametrize("bad", [np.inf, -np.inf, np.nan])
@pytest.mark.parametrize("ta", [False, True])
def test_zeros_times_non_finite_is_nan_as_in_a_dense_product(bad, ta, rng):
    # 0 * Inf is NaN: skipping A's zeros must not hide a non-finite B (the dense path is taken instead).
    a = mostly_zero((128, 784), rng)
    a[:, 5] = 0
    b = rng.standard_normal((784, 512)).astype(np.float32)
    b[5, 7] = bad
    out = pt.matmul(a.T.copy() if ta else a, b, transpose_a=ta).numpy()
    assert np.isnan(out[:, 7]).all()
    assert np.isfinite(np.delete(out, 7, axis=1)).all()


def test_nan_in_mostly_zero_left_operand_propagates(rng):
    a = mostly_zero((128, 784), rng)
    a[3, 100] = np.nan
    out = pt.matmul(a, rng.standard_normal((784, 64)).astype(np.float32)).numpy()
    assert np.isnan(out[3]).all()
    assert np.isfinite(np.delete(out, 3, axis=0)).all()


@pytest.mark.parametrize("ta", [False, True])
def test_mostly_zero_bitwise_identical_with_one_and_two_threads(ta, rng):
    a = mostly_zero((784, 200) if ta else (200, 784), rng)
    b = rng.standard_normal((784, 300)).astype(np.float32)
    saved = _core.get_num_threads()
    try:
        results = []
        for n in (1, 2, 3):
            _core.set_num_threads(n)
            results.append(pt.matmul(a, b, transpose_a=ta).numpy().tobytes())
    finally:
        _core.set_num_threads(saved)
    assert results[0] == results[1] == results[2]
