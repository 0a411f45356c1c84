"""tf.TensorArray inside tf.function: a loop variable of a traced while_loop (and an AutoGraph loop), with
read / write / stack / unstack / gather / scatter / concat / size; gradients through it against float64 finite
differences; the traced function called with several inputs so nothing is frozen at trace time."""
import numpy as np
import pytest

import pytensor as tf
from finite_differences import central_gradient as _fd


def _scan_numpy(x):
    s, out = np.zeros(x.shape[1]), []
    for row in x:
        s = np.tanh(0.5 * s + row)
        out.append(s)
    return np.stack(out)


def scan(x):
    """A recurrence written into a TensorArray by a tf.while_loop, read back two ways."""
    n = x.shape[0]
    ta = tf.TensorArray(x.dtype, size=n)

    def body(i, s, ta):
        s = tf.tanh(s * 0.5 + x[i])
        return i + 1, s, ta.write(i, s)

    _, _, ta = tf.while_loop(lambda i, s, ta: i < n, body, [tf.constant(0), tf.zeros_like(x[0]), ta])
    return ta.stack(), ta.read(n - 1), ta.gather([0, n - 1]), ta.size(), ta.concat()


def test_while_loop_writes_and_reads_a_tensor_array_in_the_graph():
    f = tf.function(scan)
    for seed in (0, 1):
        x = np.random.default_rng(seed).standard_normal((5, 3))
        stacked, last, both, size, joined = f(tf.constant(x))
        want = _scan_numpy(x)
        np.testing.assert_allclose(stacked.numpy(), want, rtol=1e-12)
        np.testing.assert_allclose(last.numpy(), want[-1], rtol=1e-12)
        np.testing.assert_allclose(both.numpy(), want[[0, -1]], rtol=1e-12)
        np.testing.assert_allclose(joined.numpy(), want.reshape(-1), rtol=1e-12)
        assert int(size) == 5
    assert f.experimental_get_tracing_count() == 1
    assert "While" in [op.type for op in f.get_concrete_function(tf.constant(x)).graph.get_operations()]


@pytest.mark.parametrize("traced", [False, True], ids=["eager", "traced"])
def test_gradient_through_a_tensor_array_loop(traced):
    def loss(x):
        stacked = scan(x)[0]
        return tf.reduce_sum(stacked * tf.constant(np.arange(15.0).reshape(5, 3) / 10.0))

    def grad(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = loss(x)
        return tape.gradient(y, x)

    grad = tf.function(grad) if traced else grad
    for seed in (2, 3):
        x = np.random.default_rng(seed).standard_normal((5, 3))
        np.testing.assert_allclose(grad(tf.constant(x)).numpy(), _fd(lambda v: float(loss(tf.constant(v))), x),
                                   rtol=1e-6, atol=1e-8)


def test_unstack_and_scatter_as_loop_values():
    @tf.function
    def f(x):
        source = tf.TensorArray(tf.float32, size=4).unstack(x)
        target = tf.TensorArray(tf.float32, size=4, element_shape=(2,))
        target = target.scatter([3, 1], tf.ones((2, 2)) * 7.0)

        def body(i, target):
            return i + 1, target.write(i, source.read(i) * 2.0)

        _, target = tf.while_loop(lambda i, t: i < 2, body, [tf.constant(0), target])
        return target.stack()

    x = np.arange(8, dtype=np.float32).reshape(4, 2)
    want = np.array([x[0] * 2, x[1] * 2, [0, 0], [7, 7]], np.float32)
    np.testing.assert_array_equal(f(tf.constant(x)).numpy(), want)
    np.testing.assert_array_equal(f(tf.constant(x + 1)).numpy(), want + [[2, 2], [2, 2], [0, 0], [0, 0]])


def test_autograph_loop_writes_a_tensor_array():
    @tf.function
    def squares(n):
        ta = tf.TensorArray(tf.int32, size=6)
        for i in tf.range(n):
            ta = ta.write(i, i * i)
        return ta.stack()

    np.testing.assert_array_equal(squares(tf.constant(3)).numpy(), [0, 1, 4, 0, 0, 0])
    np.testing.assert_array_equal(squares(tf.constant(6)).numpy(), [0, 1, 4, 9, 16, 25])


def test_dynamic_size_array_needs_a_size_in_a_graph_loop():
    @tf.function
    def f(n):
        ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
        for i in tf.range(n):
            ta = ta.write(i, tf.cast(i, tf.float32))
        return ta.stack()

    with pytest.raises(ValueError, match="dynamic_size=True and no elements.*give size="):
        f(tf.constant(3))


def test_dynamic_size_array_grows_eagerly_and_in_python_loops():
    def f():
        ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
        for i in range(3):
            ta = ta.write(i, tf.constant([float(i), 1.0]))
        return ta.stack(), ta.size()

    for g in (f, tf.function(f)):
        stacked, size = g()
        np.testing.assert_array_equal(stacked.numpy(), [[0, 1], [1, 1], [2, 1]])
        assert int(size) == 3
