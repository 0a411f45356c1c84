"""TF1 training pieces against numpy: tf.gradients, minimize's train op, losses, layers.dense, dropout, schedules.
(The optimizers' update rules are checked against TensorFlow in test_tf1_programs.py, programs/optimizers.py.)"""
import numpy as np
import pytest

import pytensor as pt
import pytensor.compat.v1 as tf


@pytest.fixture
def graph_mode():
    tf.disable_eager_execution()


def test_gradients_match_the_analytic_ones(graph_mode):
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    w = tf.Variable(np.array([[1.0], [2.0], [-1.0]], np.float32), name="w")
    hidden = tf.matmul(x * x, w)
    y = tf.reduce_sum(tf.tanh(hidden))
    gw, gx, gh, unrelated = tf.gradients(y, [w, x, hidden, tf.Variable(1.0)])
    assert unrelated is None and gx.shape.as_list() == [None, 3] and gw.shape.as_list() == [3, 1]
    data = np.array([[0.5, -1.0, 2.0], [1.0, 0.0, -0.5]], np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got_w, got_x, got_h = sess.run([gw, gx, gh], {x: data})
    w_np = np.array([[1.0], [2.0], [-1.0]])
    h = (data.astype(np.float64) ** 2) @ w_np
    dh = 1.0 - np.tanh(h) ** 2
    np.testing.assert_allclose(got_h, dh, rtol=1e-5)
    np.testing.assert_allclose(got_w, (data.astype(np.float64) ** 2).T @ dh, rtol=1e-5)
    np.testing.assert_allclose(got_x, 2.0 * data * (dh @ w_np.T), rtol=1e-5)


def test_minimize_returns_a_train_op_that_steps_down_the_gradient(graph_mode):
    x = tf.placeholder(tf.float32, [None], name="x")
    w = tf.Variable(3.0, name="w")
    loss = tf.reduce_mean(tf.square(w * x - 2.0 * x))  # minimum at w = 2
    step = tf.train.get_or_create_global_step()
    train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=step)
    assert isinstance(train_op, tf.Operation)
    data = np.array([1.0, 2.0], np.float32)
    w_np = 3.0
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(5):
            assert sess.run(train_op, {x: data}) is None
            w_np -= 0.1 * np.mean(2.0 * (w_np - 2.0) * data ** 2)
        assert sess.run(w) == pytest.approx(w_np, rel=1e-6)
        assert sess.run(step) == 5 and sess.run(step).dtype == np.int64


def test_minimize_with_a_placeholder_learning_rate_and_decay(graph_mode):
    w = tf.Variable(1.0, name="w")
    step = tf.train.get_or_create_global_step()
    rate = tf.train.exponential_decay(0.5, step, decay_steps=2, decay_rate=0.5, staircase=True)
    train_op = tf.train.GradientDescentOptimizer(rate).minimize(tf.square(w), global_step=step)
    expected = 1.0
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for i in range(4):
            lr = 0.5 * 0.5 ** (i // 2)
            assert sess.run(rate) == pytest.approx(lr)
            sess.run(train_op)
            expected -= lr * 2.0 * expected
        assert sess.run(w) == pytest.approx(expected, rel=1e-6)


def test_compute_and_apply_gradients_with_clipping(graph_mode):
    w = tf.Variable([3.0, 4.0], name="w")
    loss = tf.reduce_sum(w * w)
    optimizer = tf.train.GradientDescentOptimizer(1.0)
    grads_and_vars = optimizer.compute_gradients(loss)
    clipped = [(tf.clip_by_norm(g, 1.0), v) for g, v in grads_and_vars]
    train_op = optimizer.apply_gradients(clipped)
    with tf.Session() as sess:
        sess.run(w.initializer)
        sess.run(train_op)
        np.testing.assert_allclose(sess.run(w), [3.0 - 0.6, 4.0 - 0.8], rtol=1e-6)


def test_minimize_without_gradients_is_an_error(graph_mode):
    x = tf.placeholder(tf.float32, [], name="x")
    tf.Variable(1.0, name="unused")
    with pytest.raises(ValueError, match="No gradients provided for any variable"):
        tf.train.GradientDescentOptimizer(0.1).minimize(x * 2.0)


def test_losses_match_numpy(graph_mode):
    labels = tf.placeholder(tf.float32, [None, 3], name="labels")
    logits = tf.placeholder(tf.float32, [None, 3], name="logits")
    weights = tf.placeholder(tf.float32, [None], name="weights")
    y = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]], np.float32)
    z = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]], np.float32)
    wt = np.array([2.0, 0.0], np.float32)
    mse = tf.losses.mean_squared_error(labels, logits)
    smoothed = tf.losses.softmax_cross_entropy(labels, logits, label_smoothing=0.3)
    weighted = tf.losses.sparse_softmax_cross_entropy(tf.argmax(labels, 1), logits, weights=weights)
    sigmoid = tf.losses.sigmoid_cross_entropy(labels, logits)
    assert tf.get_collection(tf.GraphKeys.LOSSES) == [mse, smoothed, weighted, sigmoid]
    with tf.Session() as sess:
        got = sess.run([mse, smoothed, weighted, sigmoid, tf.losses.get_total_loss()],
                       {labels: y, logits: z, weights: wt})
    log_softmax = z - np.log(np.exp(z).sum(1, keepdims=True))
    smooth = y * 0.7 + 0.1
    per_example = -(y * log_softmax).sum(1)
    expected_sigmoid = np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))))
    expected = [np.mean((z - y) ** 2), np.mean(-(smooth * log_softmax).sum(1)),
                (per_example * wt).sum() / 1.0, expected_sigmoid]  # weights: mean over the nonzero ones
    np.testing.assert_allclose(got[:4], expected, rtol=1e-5)
    np.testing.assert_allclose(got[4], sum(expected), rtol=1e-5)


def test_layers_dense_shares_variables_in_reused_scopes(graph_mode):
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    kernel = np.arange(12, dtype=np.float32).reshape(4, 3) / 10.0
    first = tf.layers.dense(x, 3, activation=tf.nn.relu, kernel_initializer=tf.constant_initializer(kernel),
                            bias_initializer=tf.constant_initializer(-1.0), name="fc")
    again = tf.layers.dense(x * 2.0, 3, activation="relu", name="fc", reuse=True)
    other = tf.layers.dense(x, 2)
    assert first.shape.as_list() == [None, 3]
    assert [v.name for v in tf.trainable_variables()] == ["fc/kernel:0", "fc/bias:0", "dense/kernel:0",
                                                          "dense/bias:0"]
    with pytest.raises(ValueError, match="already exists"):
        tf.layers.dense(x, 3, name="fc")
    with pytest.raises(ValueError, match="last dimension of the inputs to `Dense` should be defined"):
        tf.layers.dense(tf.placeholder(tf.float32, [None, None]), 3)
    data = np.array([[1.0, -1.0, 0.5, 2.0]], np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got_first, got_again, got_other = sess.run([first, again, other], {x: data})
    np.testing.assert_allclose(got_first, np.maximum(data @ kernel - 1.0, 0.0), rtol=1e-6)
    np.testing.assert_allclose(got_again, np.maximum(2.0 * data @ kernel - 1.0, 0.0), rtol=1e-6)
    assert got_other.shape == (1, 2)


def test_dropout_with_a_fed_keep_prob(graph_mode):
    x = tf.placeholder(tf.float32, [None, 1000], name="x")
    keep_prob = tf.placeholder(tf.float32, name="keep_prob")
    dropped = tf.nn.dropout(x, keep_prob)
    data = np.ones((4, 1000), np.float32)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(dropped, {x: data, keep_prob: 1.0}), data)
        half = sess.run(dropped, {x: data, keep_prob: 0.5})
        again = sess.run(dropped, {x: data, keep_prob: 0.5})
    assert set(np.unique(half)) <= {0.0, 2.0} and 0.45 < (half == 2.0).mean() < 0.55
    assert not np.array_equal(half, again)  # a new mask on every run


def test_tf1_names_for_reductions_and_casts(graph_mode):
    x = tf.placeholder(tf.float32, [2, 3], name="x")
    data = np.arange(6, dtype=np.float32).reshape(2, 3)
    with tf.Session() as sess:
        summed, kept, as_int, logged, arg = sess.run(
            [tf.reduce_sum(x, reduction_indices=[1]), tf.reduce_mean(x, 0, keep_dims=True), tf.to_int32(x),
             tf.log(x + 1.0), tf.argmax(x, dimension=1)], {x: data})
    np.testing.assert_array_equal(summed, data.sum(1))
    np.testing.assert_array_equal(kept, data.mean(0, keepdims=True))
    assert as_int.dtype == np.int32 and arg.dtype == np.int64 and arg.tolist() == [2, 2]
    np.testing.assert_allclose(logged, np.log(data + 1.0), rtol=1e-6)


def test_eager_functions_stay_eager_in_compat_v1():
    out = tf.reduce_sum(tf.constant([1.0, 2.0]))
    assert isinstance(out, pt.Tensor) and float(out) == 3.0
    assert isinstance(tf.nn.relu(pt.constant([-1.0])), pt.Tensor)


def test_cond_on_a_fed_predicate_selects_the_branch(graph_mode):
    x = tf.placeholder(tf.float32, [None], name="x")
    training = tf.placeholder_with_default(False, shape=[], name="training")
    out = tf.cond(training, lambda: x * 2.0, lambda: x - 1.0)
    pair = tf.cond(training, lambda: (x, 1.0), lambda: (x * 0.0, 2.0))
    assert tf.cond(True, lambda: x, lambda: x * 3.0) is x  # a Python predicate builds one branch
    with tf.Session() as sess:
        assert sess.run(out, {x: [1.0, 2.0]}).tolist() == [0.0, 1.0]
        assert sess.run(out, {x: [1.0, 2.0], training: True}).tolist() == [2.0, 4.0]
        first, second = sess.run(pair, {x: [3.0], training: True})
        assert first.tolist() == [3.0] and second == 1.0
    v = tf.Variable(0.0, name="v")
    with pytest.raises(NotImplementedError, match="changes a variable"):
        tf.cond(training, lambda: tf.assign_add(v, 1.0), lambda: v * 1.0)


def test_while_loop_over_graph_tensors(graph_mode):
    n = tf.placeholder(tf.int32, [], name="n")
    x = tf.placeholder(tf.float32, [None], name="x")
    i, total = tf.while_loop(lambda i, t: i < n, lambda i, t: (i + 1, t + tf.cast(i, tf.float32) * x),
                             [0, tf.zeros_like(x)])
    assert total.shape.as_list() == [None]
    with tf.Session() as sess:
        got_i, got_total = sess.run([i, total], {n: 5, x: [1.0, 2.0]})
        assert got_i == 5 and got_total.tolist() == [10.0, 20.0]  # (0 + 1 + 2 + 3 + 4) * x
        assert sess.run(total, {n: 10, x: [1.0, 0.0, 1.0]}).tolist() == [45.0, 0.0, 45.0]


def test_adam_fused_and_op_paths_agree_and_restart_with_a_session(graph_mode):
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    rate = tf.placeholder(tf.float32, [], name="rate")
    start = np.array([[0.5], [-0.5]], np.float32)
    fused_w, ops_w = tf.Variable(start, name="fused"), tf.Variable(start, name="ops")
    fused_step = tf.train.AdamOptimizer(0.1).minimize(tf.reduce_sum(tf.square(tf.matmul(x, fused_w) - 1.0)))
    ops_step = tf.train.AdamOptimizer(rate).minimize(tf.reduce_sum(tf.square(tf.matmul(x, ops_w) - 1.0)),
                                                     var_list=[ops_w])
    data = np.array([[1.0, 2.0], [3.0, -1.0]], np.float32)
    runs = []
    for _ in range(2):  # a new session starts Adam over: step counter and beta powers initialised again
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(4):
                sess.run([fused_step, ops_step], {x: data, rate: 0.1})
            runs.append(sess.run([fused_w, ops_w]))
    # float32 beta powers (the op path, as TF1) vs the kernel's double pow(beta, t): equal to float32 rounding
    np.testing.assert_allclose(runs[0][0], runs[0][1], rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(runs[0][0], runs[1][0])


def test_max_pool_gradient_runs_again_from_the_compiled_step(graph_mode):
    # The second run replays the C++ graph: max_pool must fill the argmax its traced gradient reads.
    x = tf.placeholder(tf.float32, [None, 4, 4, 1], name="x")
    pooled = tf.nn.max_pool(x, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME")
    (grad,) = tf.gradients(tf.reduce_sum(pooled * 3.0), [x])
    data = np.random.RandomState(0).rand(2, 4, 4, 1).astype(np.float32)
    blocks = data.reshape(2, 2, 2, 2, 2, 1).transpose(0, 1, 3, 2, 4, 5).reshape(2, 2, 2, 4)
    expected = (blocks == blocks.max(-1, keepdims=True)) * 3.0
    expected = expected.reshape(2, 2, 2, 2, 2, 1).transpose(0, 1, 3, 2, 4, 5).reshape(2, 4, 4, 1)
    with tf.Session() as sess:
        for _ in range(3):
            np.testing.assert_array_equal(sess.run(grad, {x: data}), expected)


def test_layers_flatten_dropout_and_regularization_losses(graph_mode):
    tf.set_random_seed(3)  # one fixed draw: unseeded, the kept fraction of 300 leaves [0.4, 0.6] about once in 2000
    x = tf.placeholder(tf.float32, [None, 2, 3], name="x")
    training = tf.placeholder(tf.bool, [], name="training")
    flat = tf.layers.flatten(x)
    dropped = tf.layers.dropout(flat, rate=0.5, training=training)
    tf.layers.dense(flat, 2, kernel_initializer=tf.ones_initializer(), kernel_regularizer=pt.keras.regularizers.l2(0.1))
    assert flat.shape.as_list() == [None, 6] and dropped.shape.as_list() == [None, 6]
    data = np.arange(12, dtype=np.float32).reshape(2, 2, 3)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got_flat, kept, penalty = sess.run([flat, dropped, tf.losses.get_regularization_loss()],
                                           {x: data, training: False})
        training_run = sess.run(dropped, {x: np.ones((50, 2, 3)), training: True})
    np.testing.assert_array_equal(got_flat, data.reshape(2, 6))
    np.testing.assert_array_equal(kept, data.reshape(2, 6))
    assert penalty == pytest.approx(0.1 * 12)  # l2(0.1) of a 6 x 2 kernel of ones
    assert set(np.unique(training_run)) <= {0.0, 2.0} and 0.4 < (training_run == 2.0).mean() < 0.6
