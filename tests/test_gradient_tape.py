"""tf.GradientTape semantics: the seeds' snippets as written (with `import pytensor as tf`), then TF's rules.

Seeds: /work/shared/seeds/002_*.txt (the GradientTape section: `2 * x + 3`, W and b, tape.watch on a constant,
the falling apple) and /work/shared/seeds/000_*.txt (`tf_gtape`, `tf_gtape_fn`, `tf_gtape_fn_2`).
Values are checked against numpy or derivatives worked out by hand.
"""
import gc
import warnings

import numpy as np
import pytest

import pytensor as tf


def _np(t):
    assert t is not None, "got None where a gradient was expected (an op on the path has no gradient formula?)"
    return np.asarray(t.numpy())


# ---------------------------------------------------------------------------------------------
# The seeds, as written
# ---------------------------------------------------------------------------------------------
def test_exports():
    for name in ("GradientTape", "custom_gradient", "stop_gradient", "Variable"):
        assert hasattr(tf, name), f"pytensor.{name} is missing (tf.{name} in TensorFlow)"


def test_seed_tf_gtape_watch_variable_and_second_call_raises():
    x = tf.Variable([[1.0, 2.0]])  # float
    with tf.GradientTape() as tape:
        tape.watch(x)  # x must be a Tensor first, it's auto done
        # create 'graph' of ops here
        y = tf.square(x)

    # call gradient() outside the context
    dy_x = tape.gradient(y, x)
    np.testing.assert_array_equal(_np(dy_x), [[2.0, 4.0]])
    assert dy_x.dtype == tf.float32 and tuple(dy_x.shape) == (1, 2)

    with pytest.raises(RuntimeError, match="non-persistent GradientTape"):
        dy_x = tape.gradient(y, x)  # error! tape is not persistent


def test_seed_scalar_variable():
    x = tf.Variable(0.)
    with tf.GradientTape() as tape:
        y = 2 * x + 3

    grad_of_y_wrt_x = tape.gradient(y, x)
    assert float(grad_of_y_wrt_x.numpy()) == 2.0 and tuple(grad_of_y_wrt_x.shape) == ()


def test_seed_matrix_variable():
    x = tf.Variable(tf.random.uniform((2, 2)))
    with tf.GradientTape() as tape:
        y = 2 * x + 3
    grad_of_y_wrt_x = tape.gradient(y, x)
    np.testing.assert_array_equal(_np(grad_of_y_wrt_x), np.full((2, 2), 2.0, np.float32))


def test_seed_list_of_variables_w_b():
    w = tf.Variable(tf.random.uniform((2, 2)))
    b = tf.Variable(tf.zeros((2,)))
    x = tf.random.uniform((2, 2))

    with tf.GradientTape() as tape:
        y = tf.matmul(x, w) + b

    grad_of_y_wrt_W_and_b = tape.gradient(y, [w, b])
    assert isinstance(grad_of_y_wrt_W_and_b, list) and len(grad_of_y_wrt_W_and_b) == 2
    gw, gb = grad_of_y_wrt_W_and_b
    xn = _np(x)
    np.testing.assert_allclose(_np(gw), xn.T @ np.ones((2, 2), np.float32), rtol=1e-6)
    np.testing.assert_array_equal(_np(gb), [2.0, 2.0])


def test_seed_input_var_square():
    input_var = tf.Variable(initial_value=3.)
    with tf.GradientTape() as tape:
        result = tf.square(input_var)
    gradient = tape.gradient(result, input_var)
    assert float(gradient.numpy()) == 6.0


def test_seed_input_const_watch():
    input_const = tf.constant(3.)
    with tf.GradientTape() as tape:
        tape.watch(input_const)
        result = tf.square(input_const)
    gradient = tape.gradient(result, input_const)
    assert float(gradient.numpy()) == 6.0


def test_seed_falling_apple_acceleration():
    time = tf.Variable(0.)

    with tf.GradientTape() as outer_tape:
        with tf.GradientTape() as inner_tape:
            position = 4.9 * time ** 2
        speed = inner_tape.gradient(position, time)
    acceleration = outer_tape.gradient(speed, time)
    assert float(speed.numpy()) == 0.0
    np.testing.assert_allclose(float(acceleration.numpy()), 9.8, rtol=1e-6)


class _Dense:
    """A stand-in for the seeds' models: `variables` and a call."""

    def __init__(self, n_in, n_out, seed):
        rng = np.random.default_rng(seed)
        self.W = tf.Variable(rng.standard_normal((n_in, n_out)).astype(np.float32))
        self.b = tf.Variable(rng.standard_normal((n_out,)).astype(np.float32))
        self.variables = [self.W, self.b]

    def __call__(self, x):
        return tf.matmul(x, self.W) + self.b


def _loss(model, x, y):
    return tf.reduce_mean(tf.square(model(x) - y))


def _np_grads(W, b, x, y):
    """d mean((xW + b - y)^2) / dW, db by hand."""
    r = x @ W + b - y
    d = 2 * r / r.size
    return x.T @ d, d.sum(0)


def test_seed_tf_gtape_fn():
    model = _Dense(3, 2, 0)
    rng = np.random.default_rng(1)
    x = tf.constant(rng.standard_normal((4, 3)).astype(np.float32))
    y = tf.constant(rng.standard_normal((4, 2)).astype(np.float32))

    loss = _loss

    def grad(model, x, y):
        with tf.GradientTape() as tape:
            loss_value = loss(model, x, y)
        return tape.gradient(loss_value, model.variables)

    # take grads
    grads = grad(model, x, y)
    gw, gb = _np_grads(_np(model.W), _np(model.b), _np(x), _np(y))
    np.testing.assert_allclose(_np(grads[0]), gw, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(_np(grads[1]), gb, rtol=1e-5, atol=1e-6)


def test_seed_tf_gtape_fn_2_two_models():
    model1, model2 = _Dense(3, 2, 0), _Dense(2, 2, 1)
    rng = np.random.default_rng(2)
    x = tf.constant(rng.standard_normal((4, 3)).astype(np.float32))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(model2(model1(x)))
    variables = model1.variables + model2.variables
    grads = tape.gradient(loss, variables)
    assert len(grads) == 4 and all(g is not None for g in grads)
    xn, W1, b1, W2 = _np(x), _np(model1.W), _np(model1.b), _np(model2.W)
    h = xn @ W1 + b1
    np.testing.assert_allclose(_np(grads[0]), xn.T @ np.ones((4, 2)) @ W2.T, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(_np(grads[1]), (np.ones((4, 2)) @ W2.T).sum(0), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(_np(grads[2]), h.T @ np.ones((4, 2)), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(_np(grads[3]), [4.0, 4.0], rtol=1e-6)


# ---------------------------------------------------------------------------------------------
# TF semantics
# ---------------------------------------------------------------------------------------------
def test_persistent_tape_allows_many_gradients():
    x = tf.constant(3.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        z = y * y
    assert float(tape.gradient(z, x).numpy()) == 108.0  # 4 x^3
    assert float(tape.gradient(y, x).numpy()) == 6.0
    assert float(tape.gradient(z, y).numpy()) == 18.0
    del tape


def test_watch_accessed_variables_false():
    a = tf.Variable(2.0)
    b = tf.Variable(5.0)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(a)
        y = a * a + b * b
    ga, gb = tape.gradient(y, [a, b])
    assert float(ga.numpy()) == 4.0
    assert gb is None, "b was read but not watched"


def test_variables_watched_by_default_and_watched_variables():
    a = tf.Variable(2.0)
    b = tf.Variable(5.0)
    c = tf.Variable(1.0, trainable=False)
    with tf.GradientTape() as tape:
        y = a * b * c
    assert [v.name for v in tape.watched_variables()] == [a.name, b.name]
    ga, gb, gc_ = tape.gradient(y, [a, b, c])
    assert float(ga.numpy()) == 5.0 and float(gb.numpy()) == 2.0
    assert gc_ is None, "a non-trainable variable is not watched on access"


def test_unwatched_constant_gives_none():
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        y = x * x
    assert tape.gradient(y, x) is None


def test_unconnected_gradients_none_and_zero():
    x = tf.constant([1.0, 2.0])
    z = tf.constant([[1.0, 2.0], [3.0, 4.0]], dtype=tf.float64)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, z])
        y = x * 2.0
    assert tape.gradient(y, z) is None
    assert tape.gradient(y, z, unconnected_gradients="none") is None
    g = tape.gradient(y, z, unconnected_gradients="zero")
    assert g.dtype == tf.float64 and tuple(g.shape) == (2, 2) and not np.any(_np(g))
    with pytest.raises(ValueError):
        tape.gradient(y, z, unconnected_gradients="zeros")


def test_integer_source_gives_none_with_a_warning():
    n = tf.constant(3)
    x = tf.constant(2.0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with tf.GradientTape() as tape:
            tape.watch([n, x])
            y = tf.cast(n, tf.float32) * x
        gn, gx = tape.gradient(y, [n, x])
    assert gn is None
    assert float(gx.numpy()) == 3.0
    msgs = [str(w.message) for w in caught]
    assert any("float" in m and "int32" in m for m in msgs), f"expected a warning naming the dtype: {msgs}"


def test_nested_structure_sources_keep_their_structure():
    a, b, c = tf.Variable(1.0), tf.Variable(2.0), tf.Variable(3.0)
    with tf.GradientTape(persistent=True) as tape:
        y = a * b * c
    g = tape.gradient(y, {"a": a, "bc": [b, (c,)]})
    assert isinstance(g, dict) and set(g) == {"a", "bc"}
    assert isinstance(g["bc"], list) and isinstance(g["bc"][1], tuple)
    assert float(g["a"].numpy()) == 6.0 and float(g["bc"][0].numpy()) == 3.0 and float(g["bc"][1][0].numpy()) == 2.0
    lst = tape.gradient(y, [a, b])
    assert isinstance(lst, list) and [float(t.numpy()) for t in lst] == [6.0, 3.0]
    tup = tape.gradient(y, (c,))
    assert isinstance(tup, tuple) and float(tup[0].numpy()) == 2.0
    single = tape.gradient(y, a)
    assert isinstance(single, tf.Tensor) and float(single.numpy()) == 6.0


def test_non_scalar_target_is_summed_and_list_targets_add():
    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x            # (3,)
        z = tf.reshape(x, (3, 1)) * tf.reshape(x, (1, 3))  # (3, 3) outer product
    np.testing.assert_array_equal(_np(tape.gradient(y, x)), [2.0, 4.0, 6.0])
    xn = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(_np(tape.gradient(z, x)), 2 * xn.sum() * np.ones(3))
    np.testing.assert_allclose(_np(tape.gradient([y, z], x)), 2 * xn + 2 * xn.sum())


def test_output_gradients():
    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    g = tape.gradient(y, x, output_gradients=tf.constant([1.0, 10.0, 100.0]))
    np.testing.assert_array_equal(_np(g), [2.0, 40.0, 600.0])


def test_jacobian_elementwise_vs_numpy():
    rng = np.random.default_rng(0)
    xn = rng.standard_normal((4,))
    x = tf.constant(xn)
    with tf.GradientTape() as tape:
        tape.watch(x)
        s = x * x
    np.testing.assert_allclose(_np(tape.jacobian(s, x)), np.diag(2 * xn), rtol=1e-12)
    # a 2-D target and a list of sources: shapes target.shape + source.shape
    m = tf.constant(rng.standard_normal((2, 3)))
    with tf.GradientTape() as tape2:
        tape2.watch(m)
        q = tf.sin(m)
    jm, = tape2.jacobian(q, [m])
    expected = np.zeros((2, 3, 2, 3))
    for i in range(2):
        for j in range(3):
            expected[i, j, i, j] = np.cos(_np(m)[i, j])
    np.testing.assert_allclose(_np(jm), expected, rtol=1e-12)


def test_jacobian_of_matmul_vs_numpy():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((3, 4))
    x = tf.constant(rng.standard_normal((4,)))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reshape(tf.matmul(tf.constant(A), tf.reshape(x, (4, 1))), (3,))
    np.testing.assert_allclose(_np(tape.jacobian(y, x)), A, rtol=1e-12)


def test_jacobian_unconnected_none_or_zeros():
    x = tf.constant([1.0, 2.0])
    u = tf.constant([5.0, 6.0, 7.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, u])
        y = x * 3.0
    assert tape.jacobian(y, u) is None
    j = tape.jacobian(y, u, unconnected_gradients="zero")
    assert tuple(j.shape) == (2, 3) and not np.any(_np(j))


def test_batch_jacobian_vs_numpy():
    rng = np.random.default_rng(1)
    Wn = rng.standard_normal((3, 2))
    xn = rng.standard_normal((4, 3))
    x = tf.constant(xn)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.tanh(tf.matmul(x, tf.constant(Wn)))  # (4, 2)
    bj = tape.batch_jacobian(y, x)
    assert tuple(bj.shape) == (4, 2, 3)
    t = np.tanh(xn @ Wn)
    expected = np.stack([(1 - t[b] ** 2)[:, None] * Wn.T for b in range(4)])
    np.testing.assert_allclose(_np(bj), expected, rtol=1e-10, atol=1e-12)


def test_stop_recording():
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
        with tape.stop_recording():
            z = y * x          # not recorded: z is a constant for this tape
        w = y + z
    assert float(tape.gradient(w, x).numpy()) == 4.0   # d(y)/dx only


def test_reset():
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x * x
        tape.reset()
        tape.watch(x)
        z = x * x
    assert float(tape.gradient(z, x).numpy()) == 4.0
    # y was recorded before the reset: the tape knows nothing of it any more
    with tf.GradientTape(persistent=True) as tape2:
        tape2.watch(x)
        y = x * x * x
    tape2.reset()
    assert tape2.gradient(y, x) is None


def test_stop_gradient():
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * tf.stop_gradient(x * x)   # 27, but d/dx = x^2 only
    assert float(y.numpy()) == 27.0
    assert float(tape.gradient(y, x).numpy()) == 9.0


def test_custom_gradient_clipped_identity():
    @tf.custom_gradient
    def clip_gradient(x):
        def grad(dy):
            return tf.clip_by_value(dy, -1.0, 1.0)
        return tf.identity(x), grad

    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = clip_gradient(x) * tf.constant([0.5, 5.0, -7.0])
    np.testing.assert_array_equal(_np(y), [0.5, 10.0, -21.0])
    np.testing.assert_array_equal(_np(tape.gradient(y, x)), [0.5, 1.0, -1.0])


def test_custom_gradient_log1pexp():
    # TF's example: the naive gradient of log(1 + e^x) is nan at x = 100 in float32; the custom one is 1.
    @tf.custom_gradient
    def log1pexp(x):
        e = tf.exp(x)

        def grad(upstream):
            return upstream * (1 - 1 / (1 + e))
        return tf.math.log(1 + e), grad

    x = tf.constant(100.)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = log1pexp(x)
    assert float(tape.gradient(y, x).numpy()) == 1.0
    x0 = tf.constant(0.)
    with tf.GradientTape() as tape:
        tape.watch(x0)
        y0 = log1pexp(x0)
    np.testing.assert_allclose(float(y0.numpy()), np.log(2.0), rtol=1e-6)
    assert float(tape.gradient(y0, x0).numpy()) == 0.5


def test_third_derivative_of_a_polynomial():
    x = tf.Variable(2.0, dtype=tf.float64)
    with tf.GradientTape() as t3:
        with tf.GradientTape() as t2:
            with tf.GradientTape() as t1:
                y = x ** 4 + 3.0 * x ** 3 - 5.0 * x
            dy = t1.gradient(y, x)
        d2y = t2.gradient(dy, x)
    d3y = t3.gradient(d2y, x)
    xv = 2.0
    np.testing.assert_allclose(float(dy.numpy()), 4 * xv ** 3 + 9 * xv ** 2 - 5, rtol=1e-12)
    np.testing.assert_allclose(float(d2y.numpy()), 12 * xv ** 2 + 18 * xv, rtol=1e-12)
    np.testing.assert_allclose(float(d3y.numpy()), 24 * xv + 18, rtol=1e-12)


def _softmax(z):
    # pytensor has no softmax yet (a later issue): exp / reduce_sum
    e = tf.exp(z)
    return e / tf.reduce_sum(e)


def test_hessian_of_softmax_cross_entropy():
    rng = np.random.default_rng(3)
    zn = rng.standard_normal(5)
    labels = tf.constant(np.eye(5)[2])
    z = tf.constant(zn)
    with tf.GradientTape() as outer:
        outer.watch(z)
        with tf.GradientTape() as inner:
            inner.watch(z)
            loss = -tf.reduce_sum(labels * tf.log(_softmax(z)))
        g = inner.gradient(loss, z)
    assert g is not None, "no gradient: an op of the softmax cross-entropy has no gradient formula"
    H = outer.jacobian(g, z)
    assert H is not None, "the gradient is not connected to z on the outer tape"

    p = np.exp(zn) / np.exp(zn).sum()
    np.testing.assert_allclose(_np(g), p - np.eye(5)[2], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(_np(H), np.diag(p) - np.outer(p, p), rtol=1e-10, atol=1e-14)


def _saved_tensor_program(tape, x):
    with tape:
        tape.watch(x)
        y = tf.exp(x)
        z = tf.sin(y) * y
        loss = tf.reduce_sum(z)
    return loss


def test_non_persistent_tape_releases_saved_tensors():
    x = tf.constant(np.linspace(0, 1, 100_000))
    gc.collect()
    before = tf._core.live_bytes()
    tape = tf.GradientTape()
    loss = _saved_tensor_program(tape, x)
    held = tf._core.live_bytes()
    assert held >= before + 3 * 800_000, "the tape should hold its saved intermediates until gradient()"
    g = tape.gradient(loss, x)
    del g, loss
    gc.collect()
    assert tf._core.live_bytes() == before, (
        f"{tf._core.live_bytes() - before} bytes still held by a used non-persistent tape (which is still alive)")
    del tape


def test_persistent_tape_keeps_saved_tensors_until_dropped():
    x = tf.constant(np.linspace(0, 1, 100_000))
    gc.collect()
    before = tf._core.live_bytes()
    tape = tf.GradientTape(persistent=True)
    loss = _saved_tensor_program(tape, x)
    g = tape.gradient(loss, x)
    del g, loss
    gc.collect()
    assert tf._core.live_bytes() >= before + 3 * 800_000, "a persistent tape keeps what it saved"
    del tape
    gc.collect()
    assert tf._core.live_bytes() == before


# ---------------------------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------------------------
def test_non_tensor_target_raises_type_error_naming_it():
    x = tf.Variable(1.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
    with pytest.raises(TypeError, match="str") as info:
        tape.gradient("loss", x)
    assert "loss" in str(info.value) and "target" in str(info.value)


def test_non_tensor_source_raises_type_error_naming_it():
    x = tf.Variable(1.0)
    with tf.GradientTape(persistent=True) as tape:
        y = x * 2.0
    with pytest.raises(TypeError) as info:
        tape.gradient(y, 3.5)
    assert "float" in str(info.value) and "3.5" in str(info.value) and "source" in str(info.value)
    with pytest.raises(TypeError) as info:
        tape.gradient(y, [x, np.ones(2)])
    assert "ndarray" in str(info.value)


def test_watch_non_tensor_raises_type_error():
    with tf.GradientTape() as tape:
        with pytest.raises(TypeError, match="list|str"):
            tape.watch("x")


def test_stop_recording_outside_the_block_raises():
    tape = tf.GradientTape()
    with pytest.raises((ValueError, RuntimeError)):
        with tape.stop_recording():
            pass


def test_second_jacobian_on_non_persistent_tape_raises():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    tape.jacobian(y, x)
    with pytest.raises(RuntimeError):
        tape.jacobian(y, x)


def test_a_variable_target_is_its_own_gradient():
    """TF's autodiff guide: `result = v0` on the tape; d result / d v0 is 1, d result / d v1 is None."""
    v0, v1 = tf.Variable(2.0), tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        result = v0
    dv0, dv1 = tape.gradient(result, [v0, v1])
    assert float(dv0) == 1.0 and dv1 is None
    assert float(tape.gradient(result, v0)) == 1.0
    w = tf.Variable([1.0, 3.0])
    with tf.GradientTape() as tape:
        y = w * w
    g = tape.gradient([y, w], w, output_gradients=[tf.ones(2), tf.constant([10.0, 20.0])])
    np.testing.assert_allclose(g.numpy(), [12.0, 26.0])


# ---------------------------------------------------------------------------------------------
# The gradient-ready callback (what the multi-worker strategy starts its all-reduce buckets from)
# ---------------------------------------------------------------------------------------------
def _two_layers(rng):
    x = rng.standard_normal((5, 4)).astype(np.float32)
    w1, b1 = rng.standard_normal((4, 3)).astype(np.float32), rng.standard_normal(3).astype(np.float32)
    w2, b2 = rng.standard_normal((3, 2)).astype(np.float32), rng.standard_normal(2).astype(np.float32)
    return x, [w1, b1, w2, b2]


def _two_layer_grads(x, w1, b1, w2, b2):
    """d sum(relu(x w1 + b1) w2 + b2) by hand, in float64."""
    x, w1, b1, w2 = (a.astype(np.float64) for a in (x, w1, b1, w2))
    pre = x @ w1 + b1
    dh = np.ones((x.shape[0], w2.shape[1])) @ w2.T * (pre > 0)
    return [x.T @ dh, dh.sum(0), np.maximum(pre, 0).T @ np.ones((x.shape[0], w2.shape[1])),
            np.full(w2.shape[1], x.shape[0], np.float64)]


def test_gradient_ready_fires_once_per_source_with_its_final_gradient_last_layer_first(rng):
    x, values = _two_layers(rng)
    w1, b1, w2, b2 = variables = [tf.Variable(v) for v in values]
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.matmul(tf.nn.relu(tf.matmul(tf.constant(x), w1) + b1), w2) + b2)
    seen = []
    tape._on_gradient_ready(lambda index, grad: seen.append((index, grad)))
    grads = tape.gradient(y, variables)
    order = [index for index, _ in seen]
    assert sorted(order) == [0, 1, 2, 3]
    assert set(order[:2]) == {2, 3} and set(order[2:]) == {0, 1}  # the second layer's are final first
    for (index, grad), want in zip(sorted(seen, key=lambda s: s[0]), _two_layer_grads(x, *values)):
        assert grad is grads[index]  # the object returned, so a hook can recognise it in apply_gradients
        np.testing.assert_allclose(_np(grad), want, rtol=1e-5, atol=1e-5)


def test_gradient_ready_waits_for_every_read_of_a_variable():
    """v is read first and last in the forward: its gradient is final only once the sweep reaches the first read,
    after u's (read in between)."""
    v, u = tf.Variable(3.0), tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = (v * 2.0) * u * v  # d/dv = 4 u v = 24, d/du = 2 v^2 = 18
    seen = []
    tape._on_gradient_ready(lambda index, grad: seen.append((index, float(grad.numpy()))))
    tape.gradient(y, [v, u])
    assert seen == [(1, 18.0), (0, 24.0)]


def test_gradient_ready_unconnected_integer_and_target_sources():
    x, unused, count = tf.constant([1.0, 2.0]), tf.Variable(1.0), tf.constant(3)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, count])
        y = x * 2.0
    seen = {}
    tape._on_gradient_ready(lambda index, grad: seen.setdefault(index, grad))
    with pytest.warns(UserWarning, match="must be floating"):
        grads = tape.gradient(y, [unused, x, count, y], unconnected_gradients="zero")
    assert sorted(seen) == [0, 1, 2, 3]
    assert _np(seen[0]) == 0.0 and seen[2] is None  # as gradient() returns them: zeros, None for an integer
    np.testing.assert_array_equal(_np(seen[1]), [2.0, 2.0])
    np.testing.assert_array_equal(_np(seen[3]), [1.0, 1.0])  # the target itself: final before the sweep
    assert [g is s for g, s in zip(grads, (seen[0], seen[1], seen[2], seen[3]))] == [True] * 4
    seen.clear()
    assert tape.gradient(y, [unused])[0] is None and seen == {0: None}  # a persistent tape fires on every call


def test_gradient_ready_that_raises_propagates_and_spends_a_non_persistent_tape():
    v = tf.Variable(2.0)

    def fail(index, grad):
        raise ValueError(f"hook fails on source {index}")

    with tf.GradientTape() as tape:
        y = v * v
    tape._on_gradient_ready(fail)
    with pytest.raises(ValueError, match="hook fails on source 0"):
        tape.gradient(y, [v])
    with pytest.raises(RuntimeError, match="non-persistent"):
        tape.gradient(y, [v])
    with tf.GradientTape(persistent=True) as tape:
        y = v * v
    tape._on_gradient_ready(fail)
    with pytest.raises(ValueError, match="hook fails"):
        tape.gradient(y, [v])
    tape._on_gradient_ready(None)
    assert float(tape.gradient(y, [v])[0].numpy()) == 4.0  # the recording is intact after the failed sweep


def test_no_gradient_registers_an_op_type_once_as_tensorflow():
    """TF's registry: op types with a gradient registration (Square, Floor, ArgMax ...) are refused with its
    KeyError, a new op type is accepted once, a non-string is a TypeError."""
    for registered in ("Square", "MatMul", "Floor", "ArgMax", "StopGradient"):
        with pytest.raises(KeyError, match=f"Registering two gradient with name '{registered}'"):
            tf.no_gradient(registered)
    tf.no_gradient("PytensorTestCustomOp")
    with pytest.raises(KeyError, match="Registering two gradient with name 'PytensorTestCustomOp'"):
        tf.no_gradient("PytensorTestCustomOp")
    with pytest.raises(TypeError, match="op_type must be a string"):
        tf.no_gradient(5)
