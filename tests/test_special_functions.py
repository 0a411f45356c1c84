"""tf.math.igamma / igammac / betainc / zeta / polygamma against real TensorFlow's float64 values and gradients
(fixtures/make_special_functions.py), and second gradients by central differences."""

import os

import numpy as np
import pytest

import pytensor as tf
from finite_differences import central_gradient

REC = np.load(os.path.join(os.path.dirname(__file__), "fixtures", "special_functions.npz"))


def _gradients(fn, args, watched):
    tensors = [tf.constant(a) for a in args]
    with tf.GradientTape(persistent=True) as tape:
        for i in watched:
            tape.watch(tensors[i])
        y = fn(*tensors)
        total = tf.reduce_sum(y)
    return y, [tape.gradient(total, tensors[i]) for i in watched]


@pytest.mark.parametrize("name", ["igamma", "igammac"])
def test_incomplete_gamma(name):
    y, (grad_a, grad_x) = _gradients(getattr(tf.math, name), (REC["a"], REC["x"]), [0, 1])
    np.testing.assert_allclose(y.numpy(), REC[name], rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(grad_x.numpy(), REC[f"{name}_grad_x"], rtol=1e-11)
    # dP/da by the differentiated series; TF's own agrees with central differences to the same digits
    np.testing.assert_allclose(grad_a.numpy(), REC[f"{name}_grad_a"], rtol=1e-7, atol=1e-14)
    np.testing.assert_array_equal(np.isnan(tf.math.igamma(np.array([1.0, -1.0, 2.0]),
                                                          np.array([0.0, 1.0, -1.0])).numpy()),
                                  np.isnan(REC["igamma_edges"]))


def test_betainc_zeta_polygamma():
    y, (grad_x,) = _gradients(tf.math.betainc, (REC["ba"], REC["bb"], REC["bx"]), [2])
    np.testing.assert_allclose(y.numpy(), REC["betainc"], rtol=1e-13)
    np.testing.assert_allclose(grad_x.numpy(), REC["betainc_grad_x"], rtol=1e-12)
    y, (grad_q,) = _gradients(tf.math.zeta, (REC["zx"], REC["zq"]), [1])
    np.testing.assert_allclose(y.numpy(), REC["zeta"], rtol=1e-14)
    np.testing.assert_allclose(grad_q.numpy(), REC["zeta_grad_q"], rtol=1e-13)
    np.testing.assert_array_equal(tf.math.zeta(np.array([1.0, 0.5, 2.0]), np.array([1.0, 1.0, -1.0])).numpy(),
                                  REC["zeta_edges"])
    y, (grad_x,) = _gradients(tf.math.polygamma, (REC["pn"], REC["px"]), [1])
    np.testing.assert_allclose(y.numpy(), REC["polygamma"], rtol=1e-11)
    np.testing.assert_allclose(grad_x.numpy(), REC["polygamma_grad_x"], rtol=1e-11)


def _inner_gradient(a, tx):
    with tf.GradientTape() as tape:
        tape.watch(tx)
        total = tf.reduce_sum(tf.math.igamma(a, tx))
    return tape.gradient(total, tx)


def test_second_gradient_of_igamma_in_x_by_central_differences():
    """dP/dx is built from core ops, so the tape differentiates it again."""
    a, x0 = np.array([2.5, 7.0]), np.array([3.0, 2.0])
    tx = tf.constant(x0)
    with tf.GradientTape() as outer:
        outer.watch(tx)
        first = tf.reduce_sum(_inner_gradient(a, tx))
    got = outer.gradient(first, tx).numpy()
    want = central_gradient(lambda v: float(tf.reduce_sum(_inner_gradient(a, tf.constant(v))).numpy()), x0)
    np.testing.assert_allclose(got, want, rtol=1e-6)


def test_float32_and_bad_input():
    y = tf.math.igamma(tf.constant([2.0]), tf.constant([1.5]))
    assert y.dtype == tf.float32 and abs(float(y[0]) - 0.4421746) < 1e-6
    with pytest.raises(TypeError, match="one dtype"):
        tf.math.igamma(tf.constant([2.0]), tf.constant([1.5], tf.float64))
    with pytest.raises(TypeError, match="float32 or float64"):
        tf.math.zeta(tf.constant([2]), tf.constant([1]))
