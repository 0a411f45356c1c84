"""TF API breadth (issue 18): tf.math, tf.linalg and TF's top-level array functions composed of core ops.

Values: every expression of tests/fixtures/tf_breadth_cases.py against real TensorFlow 2.21's results
(tests/fixtures/tf_breadth.json, written by tests/fixtures/make_tf_breadth.py). Gradients: the tape against central
finite differences in float64 (first order) and the tape's own second derivatives against finite differences of
its first. Bad input: TF's error classes.
"""

import json
import math
import os
import sys

import numpy as np
import pytest

import pytensor as tf
from pytensor.errors import InvalidArgumentError

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "fixtures"))
from tf_breadth_cases import CASES, inputs  # noqa: E402

RECORDED = json.load(open(os.path.join(HERE, "fixtures", "tf_breadth.json")))["results"]

# Results whose exact bits depend on the algorithm, compared with a tolerance; the rest must agree to rounding.
LOOSE = {"eigh_vectors_abs": 1e-11, "svd_u_abs": 1e-11, "svd_v_abs": 1e-11, "pinv": 1e-12, "erfc": 2e-7, "erfinv": 1e-12, "erfcinv": 1e-12, "ndtri": 1e-12, "lgamma": 1e-13, "digamma": 1e-13,
         "lbeta": 1e-13, "expm": 1e-11, "lstsq": 1e-10, "lstsq_wide_l2": 1e-10}


def _compare(case, got, want):
    if isinstance(want, list):
        got = list(got)
        assert len(got) == len(want), f"{case}: {len(got)} results, TensorFlow has {len(want)}"
        for g, w in zip(got, want):
            _compare(case, g, w)
        return
    array = np.asarray(got)
    assert list(array.shape) == want["shape"], f"{case}: shape {array.shape}, TensorFlow's {want['shape']}"
    if want["dtype"] == "string":
        assert got.dtype == tf.string, f"{case}: dtype {got.dtype}, TensorFlow's string"
        assert [v.decode("utf-8") for v in array.ravel()] == want["value"], case
        return
    assert str(array.dtype) == want["dtype"], f"{case}: dtype {array.dtype}, TensorFlow's {want['dtype']}"
    if array.dtype.kind == "f":
        expected = np.array([float(v) for v in want["value"]]).reshape(want["shape"])
        tol = LOOSE.get(case, 1e-13 if array.dtype == np.float64 else 2e-6)
        np.testing.assert_allclose(array, expected, rtol=tol, atol=tol, equal_nan=True, err_msg=case)
    else:
        np.testing.assert_array_equal(array, np.array(want["value"], dtype=array.dtype).reshape(want["shape"]),
                                      err_msg=case)


@pytest.mark.parametrize("case", sorted(CASES))
def test_matches_tensorflow(case):
    want = RECORDED[case]
    scope = {"tf": tf, "np": np, **inputs()}
    if isinstance(want, dict) and "error" in want:  # TF refuses it: the same error class here
        with pytest.raises(Exception) as info:
            eval(CASES[case], scope)  # noqa: S307 - the fixture's own expressions
        assert type(info.value).__name__ == want["error"], f"{case}: {info.value!r}; TensorFlow: {want}"
        return
    _compare(case, eval(CASES[case], scope), want)  # noqa: S307


def test_fixture_covers_every_case():
    assert sorted(RECORDED) == sorted(CASES)


# ---------------------------------------------------------------------------------------------- gradients


def _tape_gradient(fn, array):
    x = tf.constant(array)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
    return np.asarray(tape.gradient(y, x))


def _numeric_gradient(fn, array, eps=1e-6):
    grad = np.zeros_like(array)
    for pos in np.ndindex(array.shape):
        plus, minus = array.copy(), array.copy()
        plus[pos] += eps
        minus[pos] -= eps
        grad[pos] = (float(tf.reduce_sum(fn(tf.constant(plus)))) - float(tf.reduce_sum(fn(tf.constant(minus))))) / (
            2 * eps)
    return grad


def _weighted(fn, shape_seed=0):
    """fn followed by a sum against fixed random weights, so every output element's gradient counts."""
    def weighted(x):
        y = fn(x)
        y = y[0] if isinstance(y, (tuple, list)) else y
        w = np.random.default_rng(shape_seed).standard_normal(tuple(y.shape))
        return tf.reduce_sum(y * tf.constant(w))
    return weighted


_RNG = np.random.default_rng(7)
_SQUARE = _RNG.standard_normal((3, 3)) + 3 * np.eye(3)
_SPD = _SQUARE @ _SQUARE.T + np.eye(3)
GRADIENTS = {
    "tan": (tf.math.tan, np.array([-1.0, 0.2, 1.1])),
    "sinh": (tf.math.sinh, np.array([-2.0, 1e-3, 1.5])),
    "asinh": (tf.math.asinh, np.array([-2.0, 0.0, 1.5])),
    "acosh": (tf.math.acosh, np.array([1.2, 3.0])),
    "atanh": (tf.math.atanh, np.array([-0.5, 0.1, 0.9])),
    "atan": (tf.math.atan, np.array([-4.0, -0.3, 0.0, 0.7, 12.0])),
    "asin": (tf.math.asin, np.array([-0.9, 0.0, 0.4])),
    "acos": (tf.math.acos, np.array([-0.9, 0.0, 0.4])),
    "atan2": (lambda v: tf.math.atan2(v, tf.constant([1.0, -2.0, -0.5, 0.3], tf.float64)),
              np.array([0.5, 1.0, -2.0, -0.1])),
    "erfc": (tf.math.erfc, np.array([-1.0, 0.2, 0.8, 2.0])),
    "erfinv": (tf.math.erfinv, np.array([-0.8, 0.0, 0.5])),
    "lgamma": (tf.math.lgamma, np.array([-2.5, 0.3, 1.7, 9.0])),
    "digamma": (tf.math.digamma, np.array([-0.5, 0.4, 3.0])),
    "xlogy": (lambda v: tf.math.xlogy(v, v + 2.0), np.array([0.5, 1.5])),
    "reduce_std": (lambda v: tf.math.reduce_std(v, axis=0), _RNG.standard_normal((3, 2))),
    "cumsum": (lambda v: tf.math.cumsum(v, axis=1, exclusive=True), _RNG.standard_normal((2, 5))),
    "cumprod": (lambda v: tf.math.cumprod(v, reverse=True), _RNG.standard_normal(6)),
    "cumulative_logsumexp": (tf.math.cumulative_logsumexp, _RNG.standard_normal(5)),
    "segment_max": (lambda v: tf.math.segment_max(v, [0, 0, 1, 2]), np.array([1.0, 3.0, 2.0, -1.0])),
    "unsorted_segment_prod": (lambda v: tf.math.unsorted_segment_prod(v, [1, 0, 1], 2), np.array([2.0, 3.0, -1.5])),
    "top_k": (lambda v: tf.math.top_k(v, 2).values, _RNG.standard_normal((2, 5))),
    "sort": (lambda v: tf.sort(v, axis=0), _RNG.standard_normal((4, 2))),
    "gather_nd": (lambda v: tf.gather_nd(v, [[0, 1], [1, 0], [0, 1]]), _RNG.standard_normal((2, 2))),
    "tensor_scatter_nd_update": (lambda v: tf.tensor_scatter_nd_update(v, [[1]], [[5.0, 6.0]]),
                                 _RNG.standard_normal((3, 2))),
    "tensor_scatter_nd_max": (lambda v: tf.tensor_scatter_nd_max(v, [[0], [2]], tf.constant([0.0, 0.0], tf.float64)),
                              np.array([-1.0, 2.0, 1.0])),
    "roll": (lambda v: tf.roll(v, 2, 0), _RNG.standard_normal(5)),
    "det": (tf.linalg.det, _SQUARE),
    "slogdet": (lambda v: tf.linalg.slogdet(v)[1], _SQUARE),
    "inv": (tf.linalg.inv, _SQUARE),
    "solve": (lambda v: tf.linalg.solve(v, tf.constant(_SPD[:, :2])), _SQUARE),
    "triangular_solve": (lambda v: tf.linalg.triangular_solve(v, tf.constant(_SPD[:, :1]), lower=False), _SQUARE),
    "cholesky": (tf.linalg.cholesky, _SPD),
    "logdet": (tf.linalg.logdet, _SPD),
    "qr_q": (lambda v: tf.linalg.qr(v)[0], _RNG.standard_normal((4, 3))),
    "qr_r": (lambda v: tf.linalg.qr(v)[1], _RNG.standard_normal((4, 3))),
    "lstsq": (lambda v: tf.linalg.lstsq(v, tf.constant(_SPD[:, :1].repeat(2, axis=0)[:4])),
              _RNG.standard_normal((4, 2))),
    "expm": (tf.linalg.expm, 0.5 * _SQUARE),
    "cross": (lambda v: tf.linalg.cross(v, tf.constant([1.0, -2.0, 0.5], tf.float64)), np.array([0.3, 0.1, 2.0])),
    "eigvalsh": (lambda v: tf.linalg.eigvalsh(v + tf.linalg.matrix_transpose(v)), _SQUARE),
    "svd_values": (lambda v: tf.linalg.svd(v, compute_uv=False), _RNG.standard_normal((4, 3))),
    "pinv": (tf.linalg.pinv, _RNG.standard_normal((3, 4))),
    "bessel_i1e": (tf.math.bessel_i1e, np.array([-45.0, -2.0, 0.3, 5.0])),
    "bessel_i0": (tf.math.bessel_i0, np.array([-3.0, 0.0, 0.7, 12.0])),
    "signal_frame": (lambda v: tf.signal.frame(v, 3, 2, pad_end=True), _RNG.standard_normal(7)),
    "signal_overlap_and_add": (lambda v: tf.signal.overlap_and_add(v, 2), _RNG.standard_normal((3, 4))),
    "dct": (lambda v: tf.signal.dct(v, norm="ortho"), _RNG.standard_normal((2, 5))),
    "hsv_to_rgb": (tf.image.hsv_to_rgb, np.array([[0.1, 0.5, 0.8], [0.45, 0.9, 0.3], [0.8, 0.2, 0.6]])),
    "adjust_saturation": (lambda v: tf.image.adjust_saturation(v, 0.6),
                          np.array([[0.9, 0.2, 0.4], [0.1, 0.7, 0.35], [0.3, 0.5, 0.95]])),
    "space_to_batch_nd": (lambda v: tf.space_to_batch_nd(v, [2], [[1, 1]]), _RNG.standard_normal((1, 4, 2))),
    "sparse_to_dense": (lambda v: tf.sparse.to_dense(tf.sparse.SparseTensor([[0, 1], [1, 0], [1, 2]], v, [2, 3])),
                        np.array([1.5, -2.0, 0.5])),
    "sparse_dense_matmul": (lambda v: tf.sparse.sparse_dense_matmul(
        tf.sparse.SparseTensor([[0, 1], [1, 0], [1, 2]], v, [2, 3]), tf.constant(_SQUARE)), np.array([1.5, -2.0, 0.5])),
    "sparse_dense_matmul_b": (lambda v: tf.sparse.sparse_dense_matmul(
        tf.sparse.SparseTensor([[0, 1], [1, 0], [1, 2]], tf.constant([1.5, -2.0, 0.5], tf.float64), [2, 3]), v),
        _SQUARE),
    "sparse_softmax": (lambda v: tf.sparse.softmax(tf.sparse.SparseTensor([[0, 1], [1, 0], [1, 2]], v, [2, 3])).values,
                       np.array([1.5, -2.0, 0.5])),
    "sparse_maximum": (lambda v: tf.sparse.maximum(tf.sparse.SparseTensor([[0, 1], [1, 0], [1, 2]], v, [2, 3]),
                                                   tf.sparse.eye(2, 3, dtype=tf.float64)).values,
                       np.array([1.5, -2.0, 0.5])),
    "sampled_addmm": (lambda v: tf.sparse.sampled_addmm([[0, 1], [2, 0], [1, 1]], [1.0, 2.0, 3.0], [3, 2], v,
                                                        tf.constant(_SQUARE[:, :2]), beta=0.5, alpha=2.0,
                                                        output_type=tf.float64)[1], _SQUARE),
    "circulant_matmul": (lambda v: tf.linalg.LinearOperatorCirculant(
        tf.constant([6.0, -2.0 + 2.0j, -2.0, -2.0 - 2.0j], tf.complex128), input_output_dtype=tf.float64).matmul(v),
        _RNG.standard_normal((4, 2))),
    "logm": (lambda v: tf.math.real(tf.linalg.logm(tf.complex(v, tf.zeros_like(v)))), _SQUARE),
}


@pytest.mark.parametrize("name", sorted(GRADIENTS))
def test_gradient_matches_finite_differences(name):
    fn, array = GRADIENTS[name]
    weighted = _weighted(fn)
    tape = _tape_gradient(weighted, array)
    numeric = _numeric_gradient(weighted, array)
    np.testing.assert_allclose(tape, numeric, rtol=1e-6, atol=1e-7, err_msg=name)


@pytest.mark.parametrize("name", ["atan", "lgamma", "det", "inv", "cholesky"])
def test_second_derivative_matches_finite_differences(name):
    """Composed of differentiable ops, the functions have higher derivatives: d/dx of the tape's own gradient."""
    fn, array = GRADIENTS[name]
    weighted = _weighted(fn)

    def first(x):
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = weighted(x)
        return tf.reduce_sum(inner.gradient(y, x) * tf.constant(np.linspace(0.5, 1.5, array.size).reshape(
            array.shape)))

    x = tf.constant(array)
    with tf.GradientTape() as outer:
        outer.watch(x)
        y = first(x)
    np.testing.assert_allclose(np.asarray(outer.gradient(y, x)), _numeric_gradient(first, array), rtol=1e-5,
                               atol=1e-6, err_msg=name)


# ------------------------------------------------------------------------------------ values beyond the fixture


def test_elementwise_against_python_math_on_a_grid():
    grid = np.linspace(-6.0, 6.0, 241)
    for fn, ref, domain in [(tf.math.atan, math.atan, grid), (tf.math.asinh, math.asinh, grid * 1e3),
                            (tf.math.asin, math.asin, grid / 6.001), (tf.math.acos, math.acos, grid / 6.001),
                            (tf.math.erfc, math.erfc, grid), (tf.math.lgamma, math.lgamma, grid + 6.0005)]:
        got = fn(tf.constant(domain)).numpy()
        want = np.array([ref(v) for v in domain])
        tol = 2e-7 if fn is tf.math.erfc else 1e-13
        # lgamma's roots (1, 2) make relative error meaningless next to them: absolute 1e-14 there
        np.testing.assert_allclose(got, want, rtol=tol, atol=1e-14 if fn is tf.math.lgamma else 1e-300,
                                   err_msg=fn.__name__)
    f32 = tf.math.atan(tf.constant(grid.astype(np.float32))).numpy()
    np.testing.assert_allclose(f32, np.arctan(grid.astype(np.float32)), rtol=3e-7, atol=0)


def test_sort_and_unique_scale_past_one_comparison_block(rng):
    values = rng.integers(0, 50, 3000)
    np.testing.assert_array_equal(tf.sort(tf.constant(values)).numpy(), np.sort(values))
    np.testing.assert_array_equal(tf.argsort(tf.constant(values), stable=True).numpy(),
                                  np.argsort(values, kind="stable"))
    y, idx, count = tf.unique_with_counts(tf.constant(values))
    order = np.sort(np.unique(values, return_index=True)[1])
    np.testing.assert_array_equal(y.numpy(), values[order])
    np.testing.assert_array_equal(y.numpy()[idx.numpy()], values)
    np.testing.assert_array_equal(count.numpy(), [np.sum(values == v) for v in values[order]])


def test_linalg_against_numpy_on_batches(rng):
    a = rng.standard_normal((3, 2, 6, 6))
    b = rng.standard_normal((2, 6, 4))
    np.testing.assert_allclose(tf.linalg.det(a).numpy(), np.linalg.det(a), rtol=1e-10)
    np.testing.assert_allclose(tf.linalg.solve(a, np.broadcast_to(b, (3, 2, 6, 4))).numpy(),
                               np.linalg.solve(a, b), rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(tf.linalg.inv(a.astype(np.float32)).numpy(), np.linalg.inv(a), rtol=2e-3, atol=2e-4)


def test_logm_against_numpy_eigendecomposition(rng):
    a = rng.standard_normal((3, 5, 5)) + 1j * rng.standard_normal((3, 5, 5)) + 2 * np.eye(5)
    w, v = np.linalg.eig(a)
    want = v @ (np.log(w)[..., None] * np.linalg.inv(v))  # V diag(log w) V^-1, principal branch
    np.testing.assert_allclose(tf.linalg.logm(a).numpy(), want, rtol=1e-10, atol=1e-10)
    single = tf.linalg.logm(a[0].astype(np.complex64))
    assert single.dtype == tf.complex64
    np.testing.assert_allclose(single.numpy(), want[0], rtol=1e-4, atol=1e-4)


def _circulant_dense(kernel):
    """The circulant matrix of a block kernel (numpy, by definition): entry (i, j) is kernel[(i - j) mod shape]."""
    shape = kernel.shape
    rows = np.array(list(np.ndindex(shape)))
    diff = (rows[:, None, :] - rows[None, :, :]) % np.array(shape)
    return kernel[tuple(np.moveaxis(diff, -1, 0))]


@pytest.mark.parametrize("cls, block", [("LinearOperatorCirculant", (6,)), ("LinearOperatorCirculant2D", (3, 4)),
                                        ("LinearOperatorCirculant3D", (2, 3, 2))])
def test_circulant_operators_against_numpy(rng, cls, block):
    kernel = rng.standard_normal((2,) + block) + 1j * rng.standard_normal((2,) + block)
    axes = tuple(range(1, len(block) + 1))
    op = getattr(tf.linalg, cls)(np.fft.fftn(kernel, axes=axes), input_output_dtype=tf.complex128)
    dense = np.stack([_circulant_dense(k) for k in kernel])
    n = int(np.prod(block))
    x = rng.standard_normal((2, n, 3)) + 1j * rng.standard_normal((2, n, 3))
    assert op.shape.as_list() == [2, n, n] and op.block_depth == len(block)
    assert op.block_shape.as_list() == list(block) and op.block_shape_tensor().numpy().tolist() == list(block)
    np.testing.assert_allclose(op.to_dense().numpy(), dense, atol=1e-12)
    np.testing.assert_allclose(op.matmul(x).numpy(), dense @ x, atol=1e-11)
    np.testing.assert_allclose(op.matmul(x, adjoint=True).numpy(), np.conj(np.swapaxes(dense, -1, -2)) @ x,
                               atol=1e-11)
    np.testing.assert_allclose(op.solve(x).numpy(), np.linalg.solve(dense, x), rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(op.determinant().numpy(), np.linalg.det(dense), rtol=1e-10)
    np.testing.assert_allclose(op.log_abs_determinant().numpy(), np.linalg.slogdet(dense)[1], rtol=1e-10)
    np.testing.assert_allclose(op.convolution_kernel().numpy(), kernel, atol=1e-12)
    np.testing.assert_allclose(op.diag_part().numpy(), np.diagonal(dense, axis1=-2, axis2=-1), atol=1e-12)


def test_sparse_union_and_bincount_against_numpy(rng):
    a = np.where(rng.uniform(size=(4, 5)) < 0.4, rng.standard_normal((4, 5)), 0.0)
    b = np.where(rng.uniform(size=(4, 5)) < 0.4, rng.standard_normal((4, 5)), 0.0)
    for fn, ref in ((tf.sparse.maximum, np.maximum), (tf.sparse.minimum, np.minimum)):
        got = fn(tf.sparse.from_dense(a), tf.sparse.from_dense(b))
        np.testing.assert_array_equal(got.indices.numpy(), np.argwhere((a != 0) | (b != 0)))
        np.testing.assert_array_equal(tf.sparse.to_dense(got).numpy(), ref(a, b))
    ids = rng.integers(0, 7, (3, 8))
    counts = tf.sparse.to_dense(tf.sparse.bincount(ids, axis=-1, minlength=7)).numpy()
    np.testing.assert_array_equal(counts, [np.bincount(row, minlength=7) for row in ids])


def test_sobol_sample_is_stratified_in_every_dimension():
    """Each one-dimensional projection of the first 2^m Sobol points (point 0 included) holds one point per
    interval [i / 2^m, (i + 1) / 2^m): a property of any valid direction numbers, checked for all 1024."""
    points = np.concatenate([np.zeros((1, 1024)), tf.math.sobol_sample(1024, 1023, dtype=tf.float64).numpy()])
    np.testing.assert_array_equal(np.sort(points * 1024, axis=0), np.arange(1024.0)[:, None].repeat(1024, axis=1))
    with pytest.raises(InvalidArgumentError, match="sobol_sample: dim must be at most 1024 in this build"):
        tf.math.sobol_sample(1025, 2)
    with pytest.raises(InvalidArgumentError, match="sobol_sample: dtype must be float32 or float64"):
        tf.math.sobol_sample(2, 2, dtype=tf.int32)


def test_sparse_names_bad_input():
    with pytest.raises(TypeError, match="sparse.mask: a must be an IndexedSlices"):
        tf.sparse.mask(tf.constant([1.0]), [0])
    with pytest.raises(InvalidArgumentError, match="sparse.bincount: values must be non-negative"):
        tf.sparse.bincount(tf.constant([1, -2]))
    with pytest.raises(InvalidArgumentError, match="sparse.bincount: axis=-1 needs a 2-D input"):
        tf.sparse.bincount(tf.constant([1, 2]), axis=-1)
    with pytest.raises(InvalidArgumentError, match=r"sparse.cross: the inputs' batch sizes differ: \[2, 3\]"):
        tf.sparse.cross([tf.constant([["a"], ["b"]]), tf.constant([["c"], ["d"], ["e"]])])
    with pytest.raises(TypeError, match="sparse.cross_hashed: inputs must be integer or string tensors"):
        tf.sparse.cross_hashed([tf.constant([[1.5]])])
    with pytest.raises(ValueError, match=r"LinearOperatorCirculant2D: spectrum must have rank >= 2"):
        tf.linalg.LinearOperatorCirculant2D([1.0, 2.0])
    with pytest.raises(InvalidArgumentError, match=r"logm: the input must be a square matrix"):
        tf.linalg.logm(np.ones((2, 3), np.complex64))


# ------------------------------------------------------------------------------------------------ bad input


def test_bad_input_raises_tensorflows_error_classes():
    with pytest.raises(TypeError, match="tan: got dtype int32"):
        tf.math.tan(tf.constant([1, 2]))
    with pytest.raises(InvalidArgumentError, match="not invertible"):
        tf.linalg.inv(np.zeros((2, 2)))
    with pytest.raises(InvalidArgumentError, match="not invertible"):
        tf.linalg.solve(np.ones((2, 2)), np.ones((2, 1)))
    with pytest.raises(InvalidArgumentError, match="Cholesky decomposition was not successful"):
        tf.linalg.cholesky(-np.eye(2))
    with pytest.raises(InvalidArgumentError, match="square"):
        tf.linalg.det(np.ones((2, 3)))
    with pytest.raises(InvalidArgumentError, match="rank >= 2"):
        tf.linalg.inv(np.ones(3))
    with pytest.raises(InvalidArgumentError, match=r"rhs must be \(\.\.\., 2, K\)"):
        tf.linalg.solve(np.eye(2), np.ones((3, 1)))
    with pytest.raises(InvalidArgumentError, match="out of bounds"):
        tf.gather_nd(tf.ones((2, 2)), [[2, 0]])
    with pytest.raises(InvalidArgumentError, match="updates must have shape"):
        tf.tensor_scatter_nd_update(tf.ones((2, 2)), [[0]], [1.0])
    with pytest.raises(InvalidArgumentError, match="k = 5 must be in"):
        tf.math.top_k(tf.ones((2, 3)), 5)
    with pytest.raises(InvalidArgumentError, match="sorted and non-negative"):
        tf.math.segment_sum(tf.ones(3), [1, 0, 0])
    with pytest.raises(InvalidArgumentError, match="repeats must be"):
        tf.repeat(tf.ones(3), [1, 2])
    with pytest.raises(InvalidArgumentError, match="permutation"):
        tf.math.invert_permutation([0, 0, 1])
    with pytest.raises(InvalidArgumentError, match="non-negative"):
        tf.math.bincount(tf.constant([1, -1]))
    with pytest.raises(ValueError, match="direction"):
        tf.sort(tf.ones(3), direction="UP")
    with pytest.raises(InvalidArgumentError, match="not compatible"):
        tf.ensure_shape(tf.ones((2, 3)), (2, 4))
    with pytest.raises(InvalidArgumentError, match="incompatible shapes"):
        tf.broadcast_static_shape(tf.TensorShape([2, 3]), tf.TensorShape([4, 3]))


def test_structure_functions_are_eager_no_ops():
    assert tf.is_tensor(tf.constant(1.0)) and tf.is_tensor(tf.Variable(1.0)) and not tf.is_tensor(np.ones(2))
    assert tf.no_op() is None and tf.group(tf.constant(1.0)) is None
    with tf.control_dependencies([tf.constant(1.0)]):
        z = tf.constant(2.0) * 2.0
    assert float(z) == 4.0
    assert tf.broadcast_static_shape(tf.TensorShape([None, 1, 3]), tf.TensorShape([5, 1])).as_list() == [None, 5, 3]
    np.testing.assert_array_equal(tf.broadcast_dynamic_shape([2, 1], [4]).numpy(), [2, 4])
    assert tf.timestamp().dtype == tf.float64
    out = tf.py_function(lambda a, b: a * b, [tf.constant(2.0), tf.constant(3.0)], tf.float32)
    assert float(out) == 6.0
    out = tf.numpy_function(lambda a: (a * 2).astype(np.int64), [tf.constant([1, 2])], tf.int64)
    np.testing.assert_array_equal(out.numpy(), [2, 4])
    calls = []  # a function run for its side effect, with no outputs (TF's data-performance guide)
    assert tf.py_function(lambda: calls.append(1), [], ()) == [] and calls == [1]
    with pytest.raises(tf.errors.InvalidArgumentError, match="returned 1 values for 0 Tout"):
        tf.py_function(lambda: 1.0, [], [])
    assert tf.version.VERSION == tf.__version__


def test_approx_min_k_is_exact():
    """TF runs ApproxTopK's min variant only under XLA, so it is checked against numpy here."""
    m = np.array([[3.0, 1.0, 2.0, 1.0], [0.0, 5.0, 5.0, -2.0]], np.float32)
    values, indices = tf.nn.approx_min_k(m, 2)
    np.testing.assert_array_equal(values.numpy(), [[1.0, 1.0], [-2.0, 0.0]])
    np.testing.assert_array_equal(indices.numpy(), [[1, 3], [3, 0]])


def test_sparse_bad_input():
    sp = tf.sparse.SparseTensor([[0, 1], [1, 0]], [1.0, 2.0], [2, 2])
    with pytest.raises(InvalidArgumentError, match="out of bounds"):
        tf.sparse.to_dense(tf.sparse.SparseTensor([[0, 5]], [1.0], [2, 2]))
    with pytest.raises(InvalidArgumentError, match="out of order"):
        tf.sparse.to_dense(tf.sparse.SparseTensor([[1, 0], [0, 1]], [1.0, 2.0], [2, 2]))
    with pytest.raises(InvalidArgumentError, match="inner dimensions differ"):
        tf.sparse.sparse_dense_matmul(sp, tf.ones((3, 1)))
    with pytest.raises(InvalidArgumentError, match="cannot reshape"):
        tf.sparse.reshape(sp, [3, 2])
    with pytest.raises(TypeError, match="expected a SparseTensor"):
        tf.sparse.to_dense(tf.ones((2, 2)))
    with pytest.raises(InvalidArgumentError, match="dense shapes differ"):
        tf.sparse.add(sp, tf.sparse.eye(3))


def test_strings_bad_input():
    with pytest.raises(TypeError, match="lower: expected a string tensor, got dtype float32"):
        tf.strings.lower(tf.constant([1.0]))
    with pytest.raises(InvalidArgumentError, match="pos 9 is out of range"):
        tf.strings.substr(tf.constant("abc"), 9, 1)
    with pytest.raises(TypeError, match="cannot convert string values to dtype float32"):
        tf.constant("1.5", dtype=tf.float32)
    with pytest.raises(ValueError, match="unit must be"):
        tf.strings.length(tf.constant("a"), unit="WORD")


def test_sparse_tensor_prints_its_parts_as_tensors():
    sp = tf.SparseTensor(indices=[[0, 2], [2, 1]], values=[2, 11], dense_shape=[4, 5])
    assert repr(sp) == ("SparseTensor(indices=pt.Tensor(\n[[0 2]\n [2 1]], shape=(2, 2), dtype=int64), "
                        "values=pt.Tensor([ 2 11], shape=(2,), dtype=int32), "
                        "dense_shape=pt.Tensor([4 5], shape=(2,), dtype=int64))")


def test_tensor_array_in_eager_loops():
    ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
    for i in range(3):
        ta = ta.write(i, tf.constant([1.0, 2.0]) * float(i))
    np.testing.assert_array_equal(ta.stack().numpy(), [[0, 0], [1, 2], [2, 4]])
    assert int(ta.size()) == 3 and ta.element_shape.as_list() == [2]
    np.testing.assert_array_equal(ta.gather([2, 0]).numpy(), [[2, 4], [0, 0]])
    np.testing.assert_array_equal(ta.concat().numpy(), [0, 0, 1, 2, 2, 4])
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        ta = tf.TensorArray(tf.float32, size=2).write(0, x * x).write(1, x * 3.0)
        y = tf.reduce_sum(ta.stack())
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [5.0, 7.0])
    fixed = tf.TensorArray(tf.int32, size=2).unstack(tf.constant([[1, 2], [3, 4]]))
    np.testing.assert_array_equal(fixed.read(1).numpy(), [3, 4])
    with pytest.raises(InvalidArgumentError, match="out of range"):
        fixed.write(2, tf.constant([1, 2]))
    with pytest.raises(InvalidArgumentError, match="not compatible"):
        fixed.write(0, tf.constant([1, 2, 3]))
    with pytest.raises(TypeError, match="expected a tensor of dtype int32, got dtype float32"):
        fixed.write(0, tf.constant([1.0, 2.0]))


def test_signal_bad_input():
    with pytest.raises(InvalidArgumentError, match="must be positive"):
        tf.signal.frame(tf.ones(5), 0, 1)
    with pytest.raises(InvalidArgumentError, match="only types 2, 3 and 4"):
        tf.signal.dct(tf.ones(4), type=1)
    with pytest.raises(InvalidArgumentError, match="lower_edge_hertz"):
        tf.signal.linear_to_mel_weight_matrix(lower_edge_hertz=5000.0, upper_edge_hertz=100.0)
    with pytest.raises(TypeError, match="bessel_i0: got dtype int32"):
        tf.math.bessel_i0(tf.constant([1, 2]))
    with pytest.raises(AttributeError, match="pytensor.signal' has no attribute 'no_such_op'"):
        tf.signal.no_such_op


def test_image_colour_bad_input():
    with pytest.raises(ValueError, match="last dimension must be 3"):
        tf.image.rgb_to_hsv(tf.ones((2, 2, 4)))
    with pytest.raises(TypeError, match="expected a float image"):
        tf.image.rgb_to_yuv(tf.ones((2, 2, 3), tf.uint8))
    with pytest.raises(ValueError, match="delta must be in"):
        tf.image.adjust_hue(tf.ones((2, 2, 3)), 1.5)
    with pytest.raises(ValueError, match="max_delta must be in"):
        tf.image.random_hue(tf.ones((2, 2, 3)), 0.7)


def test_grad_pass_through_is_the_straight_through_estimator():
    """d/dv of round(v) * v with round's gradient replaced by the identity: round(v) + v (by hand)."""
    v = tf.Variable([0.3, 1.7, -2.2])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.grad_pass_through(tf.round)(v) * v)
    np.testing.assert_allclose(tape.gradient(y, v).numpy(), np.round([0.3, 1.7, -2.2]) + [0.3, 1.7, -2.2],
                               rtol=1e-6)


def test_get_current_name_scope_and_indexed_slices():
    """TF 2.21 gives '' at top level and 'a/b' (no trailing slash) inside two scopes."""
    assert tf.get_current_name_scope() == ""
    with tf.name_scope("a"):
        with tf.name_scope("b"):
            assert tf.get_current_name_scope() == "a/b"
    slices = tf.IndexedSlices(tf.constant([[1.0, 2.0]]), tf.constant([1]), tf.constant([3, 2]))
    assert isinstance(slices, tf.IndexedSlices) and slices.shape == (3, 2) and slices.dtype == tf.float32
    with pytest.raises(TypeError, match="indices must be a 1-D integer tensor"):
        tf.IndexedSlices(tf.ones((1, 2)), tf.constant([0.5]))
    with pytest.raises(ValueError, match="one row per index"):
        tf.IndexedSlices(tf.ones((2, 2)), tf.constant([0]))
