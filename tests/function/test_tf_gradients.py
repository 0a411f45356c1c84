"""tf.gradients inside tf.function (TF1-style symbolic gradients of sum(ys) in a traced graph), against central finite
differences in float64 (tests/finite_differences.py)."""
import numpy as np
import pytest

import pytensor as tf
from finite_differences import central_gradient


def _f(x, w):
    return np.sum(np.tanh(x @ w) ** 2)


def test_gradients_of_a_traced_function_match_finite_differences():
    rng = np.random.default_rng(0)
    x0, w0 = rng.standard_normal((3, 4)), rng.standard_normal((4, 2))
    printed = []

    @tf.function
    def grads(x, w):
        printed.append("trace")
        y = tf.reduce_sum(tf.tanh(x @ w) ** 2)
        return tf.gradients(y, [x, w])

    for _ in range(2):  # the trace, then the graph
        gx, gw = grads(tf.constant(x0), tf.constant(w0))
        np.testing.assert_allclose(gx.numpy(), central_gradient(lambda a: _f(a, w0), x0), rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(gw.numpy(), central_gradient(lambda b: _f(x0, b), w0), rtol=1e-6, atol=1e-8)
    assert grads.experimental_get_tracing_count() == 1
    assert len(printed) == 2  # the first trace found tf.gradients and ran again on a tape; the graph reran nothing


def test_gradients_with_grad_ys_several_ys_an_intermediate_and_a_variable():
    rng = np.random.default_rng(1)
    x0, v0 = rng.standard_normal(5), rng.standard_normal(5)
    v = tf.Variable(v0)
    up = rng.standard_normal(5)

    @tf.function
    def grads(x):
        h = tf.sin(x) * v            # an intermediate tensor as a source
        y1 = tf.exp(h)
        y2 = tf.reduce_sum(h * h)
        return tf.gradients([y1, y2], [x, h, v], grad_ys=[tf.constant(up), tf.constant(1.0, tf.float64)])

    def total(x, vv):  # sum(up * exp(h)) + sum(h^2)
        h = np.sin(x) * vv
        return np.sum(up * np.exp(h)) + np.sum(h * h)

    gx, gh, gv = grads(tf.constant(x0))
    h0 = np.sin(x0) * v0
    np.testing.assert_allclose(gx.numpy(), central_gradient(lambda a: total(a, v0), x0), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(gv.numpy(), central_gradient(lambda b: total(x0, b), v0), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(gh.numpy(), up * np.exp(h0) + 2 * h0, rtol=1e-12)


def test_unconnected_gradients_and_eager_use():
    @tf.function
    def grads(x, z):
        return tf.gradients(x * 2.0, [x, z]), tf.gradients(x * 2.0, z, unconnected_gradients="zero")

    (gx, gz), (zero,) = grads(tf.constant(1.5), tf.constant(3.0))
    assert float(gx) == 2.0 and gz is None and float(zero) == 0.0
    with pytest.raises(RuntimeError, match="not supported when eager execution is enabled"):
        tf.gradients(tf.constant(1.0), tf.constant(1.0))
