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


def _grad_f(x, w):
    """(d _f / dx, d _f / dw), by hand: d sum(tanh(z)^2) / dz = 2 tanh(z) (1 - tanh(z)^2)."""
    t = np.tanh(x @ w)
    dz = 2 * t * (1 - t ** 2)
    return dz @ w.T, x.T @ dz


def _hessian(grad, x0, eps=1e-5):
    """d2 f / dx dx by central differences of f's exact gradient `grad`, float64."""
    rows = []
    for pos in np.ndindex(x0.shape):
        plus, minus = x0.copy(), x0.copy()
        plus[pos] += eps
        minus[pos] -= eps
        rows.append((grad(plus) - grad(minus)) / (2 * eps))
    return np.stack(rows).reshape(x0.shape + x0.shape)


def test_hessians_match_finite_differences_per_x_and_refuse_eager_use():
    rng = np.random.default_rng(3)
    x0, w0 = rng.standard_normal((2, 3)), rng.standard_normal((3, 2))
    v = tf.Variable(rng.standard_normal(2))
    printed = []

    @tf.function
    def hess(x, w):
        printed.append("trace")
        y = tf.reduce_sum(tf.tanh(x @ w) ** 2)
        return tf.hessians([y, tf.reduce_sum(tf.sin(v) * tf.reduce_sum(x))], [x, w, v])

    for _ in range(2):  # the trace, then the graph
        hx, hw, hv = hess(tf.constant(x0), tf.constant(w0))
        assert hx.shape == (2, 3, 2, 3) and hw.shape == (3, 2, 3, 2) and hv.shape == (2, 2)
        np.testing.assert_allclose(hx.numpy(), _hessian(lambda a: _grad_f(a, w0)[0], x0), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(hw.numpy(), _hessian(lambda b: _grad_f(x0, b)[1], w0), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(hv.numpy(), np.diag(-np.sin(v.numpy()) * x0.sum()), rtol=1e-10)
    assert hess.experimental_get_tracing_count() == 1
    assert len(printed) == 2  # the first trace found tf.hessians and ran again on its two tapes

    with pytest.raises(RuntimeError, match="not supported when eager execution is enabled"):
        tf.hessians(tf.reduce_sum(tf.constant([1.0]) ** 3), tf.constant([1.0]))
    with pytest.raises(ValueError, match=r"tf.hessians: ys do not depend on the x of shape \[2\]"):
        tf.function(lambda x: tf.hessians(tf.reduce_sum(tf.cast(x, tf.int32)), x))(tf.constant([1.0, 2.0]))
