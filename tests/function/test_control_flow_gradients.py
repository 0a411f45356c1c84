"""Gradients through tf.cond, tf.switch_case and tf.while_loop, eagerly and inside tf.function (where each is a graph
node), first and second order, against float64 central finite differences; the traced function is called with
several inputs so that a gradient frozen at trace time would fail."""
import numpy as np
import pytest

import pytensor as tf
from finite_differences import central_gradient as _fd


def _value(fn):
    return lambda x: float(tf.reduce_sum(fn(tf.constant(x))).numpy())


def _grad(fn):
    def g(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.reduce_sum(fn(x))
        return tape.gradient(y, x)
    return g


def _second(fn):
    def g(x):
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = tf.reduce_sum(fn(x))
            dy = tf.reduce_sum(inner.gradient(y, x))
        return outer.gradient(dy, x)
    return g


def cond_fn(x):
    w = tf.constant([2.0, -1.0, 0.5], tf.float64)
    return tf.cond(tf.reduce_sum(x) > 0, lambda: x * x * x * w, lambda: tf.sin(x) * w)


def switch_fn(x):
    i = tf.cast(tf.reduce_sum(x) > 0, tf.int32) + tf.cast(tf.reduce_sum(x) > 3.0, tf.int32)
    return tf.switch_case(i, [lambda: tf.exp(x), lambda: x * x, lambda: tf.tanh(x) * 3.0])


def while_fn(x):
    # x ** 4 elementwise times a captured tensor, with an integer counter among the loop variables.
    c = x + 1.0
    _, y = tf.while_loop(lambda i, y: i < 4, lambda i, y: (i + 1, y * x), [tf.constant(0), tf.ones_like(x)])
    return y * c


def while_dynamic_fn(x):
    # The trip count depends on the input (doubling until the sum exceeds 10), as a traced loop must handle.
    _, y = tf.while_loop(lambda y, s: tf.reduce_sum(s) < 10.0, lambda y, s: (tf.sin(y) + y * x, s * 2.0),
                         [x, tf.abs(x) + 0.5], maximum_iterations=10)
    return y


POINTS = {
    "cond": (cond_fn, [[0.3, 0.7, -0.2], [-0.4, 0.1, -0.9]]),
    "switch_case": (switch_fn, [[-0.5, 0.1, -0.3], [0.5, 0.2, 0.1], [1.5, 1.2, 2.0]]),
    "while": (while_fn, [[0.3, -0.7, 1.1], [1.5, 0.2, -0.4]]),
    "while_dynamic": (while_dynamic_fn, [[0.3, -0.7, 1.1], [2.5, 2.2, 3.4]]),
}


@pytest.mark.parametrize("traced", [False, True], ids=["eager", "traced"])
@pytest.mark.parametrize("name", list(POINTS))
def test_first_order_matches_finite_differences(name, traced):
    fn, points = POINTS[name]
    grad = tf.function(_grad(fn)) if traced else _grad(fn)
    for x in points:
        got = grad(tf.constant(x, tf.float64)).numpy()
        np.testing.assert_allclose(got, _fd(_value(fn), x), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("traced", [False, True], ids=["eager", "traced"])
@pytest.mark.parametrize("name", ["cond", "switch_case", "while"])
def test_second_order_matches_finite_differences_of_the_gradient(name, traced):
    fn, points = POINTS[name]
    second = tf.function(_second(fn)) if traced else _second(fn)
    first = _grad(fn)
    for x in points:
        got = second(tf.constant(x, tf.float64)).numpy()
        want = _fd(lambda v: float(tf.reduce_sum(first(tf.constant(v))).numpy()), x)
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_variables_read_inside_branches_get_gradients_in_a_traced_step():
    w = tf.Variable([1.0, -2.0], dtype=tf.float64)
    b = tf.Variable(0.5, dtype=tf.float64)

    @tf.function
    def grads(x):
        with tf.GradientTape() as tape:
            y = tf.cond(tf.reduce_sum(x) > 0, lambda: tf.reduce_sum(w * x * x) + b, lambda: tf.reduce_sum(tf.exp(w)))
            _, z = tf.while_loop(lambda i, z: i < 3, lambda i, z: (i + 1, z * b + 1.0), [0, y])
        return tape.gradient(z, [w, b])

    for x in ([1.0, 2.0], [-1.0, -2.0], [3.0, 0.5]):
        xv = np.array(x)
        loss = lambda wv, bv: (lambda y: ((y * bv + 1) * bv + 1) * bv + 1)(
            np.sum(wv * xv * xv) + bv if xv.sum() > 0 else np.sum(np.exp(wv)))
        gw, gb = grads(tf.constant(x, tf.float64))
        np.testing.assert_allclose(gw.numpy(), _fd(lambda v: loss(v, 0.5), [1.0, -2.0]), rtol=1e-6)
        np.testing.assert_allclose(gb.numpy(), _fd(lambda v: loss(np.array([1.0, -2.0]), float(v)), 0.5), rtol=1e-6)
    assert grads.experimental_get_tracing_count() == 1


def test_traced_function_with_cond_differentiated_from_outside():
    @tf.function
    def f(x):
        return tf.cond(x > 0.0, lambda: x * x, lambda: -3.0 * x)

    for v, want in ((2.0, 4.0), (-1.0, -3.0)):
        x = tf.constant(v, tf.float64)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = f(x)
        assert tape.gradient(y, x).numpy() == want


def test_only_a_loop_a_tape_records_through_keeps_its_iterations():
    def loop(x):
        return tf.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, y * x), [0, x])[1]

    def grad(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = loop(x)
        return tape.gradient(y, x)

    x = tf.constant(2.0)
    assert "WhileHistoryPush" not in tf.function(loop).get_concrete_function(x).graph.pretty_printed()
    traced_grad = tf.function(grad)
    assert "WhileHistoryPush" in traced_grad.get_concrete_function(x).graph.pretty_printed()
    assert float(traced_grad(tf.constant(3.0))) == 4 * 27.0  # d(x^4)/dx
