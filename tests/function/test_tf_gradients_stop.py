"""tf.gradients' stop_gradients (the listed tensors held constant: no gradient passes through them to what computed
them, while a listed tensor that is also in xs gets the gradient reaching it), in tf.function and in a
tf.compat.v1 graph, against real TensorFlow's values (fixtures/stop_gradients.json, made by
fixtures/make_stop_gradients.py)."""
import json
import os

import numpy as np
import pytest

import pytensor as tf

with open(os.path.join(os.path.dirname(__file__), "fixtures", "stop_gradients.json")) as _f:
    FIXTURE = json.load(_f)
X0, W0 = np.array(FIXTURE["x"]), np.array(FIXTURE["w"])
NAMES = list(FIXTURE["function"])


def cases(x, w, api=tf):
    """The fixture script's cases, built from pytensor's x (3,) and w (3, 2) with `api`'s functions (pytensor's, or
    tf.compat.v1's for graph tensors)."""
    a = api.tanh(x)
    b = 2.0 * a + x * x
    h = api.linalg.matvec(w, a, transpose_a=True)
    y = api.reduce_sum(h * h) + api.reduce_sum(b * a)
    return [
        ("tf_doc", [api.reduce_sum(a + 2.0 * a)], [a], [a]),
        ("through_stop", [y], [x, w], [a]),
        ("stop_and_source", [y], [x, a, b], [a, b]),
        ("all_paths_stopped", [api.reduce_sum(b)], [x], [b]),
        ("two_ys_grad_ys", [h, b], [x, w], [a]),
    ]


def _grad_ys(name, ys, api=tf):
    return [api.ones_like(ys[0]) * 0.5, api.ones_like(ys[1]) * -1.5] if name == "two_ys_grad_ys" else None


def _compare(got, expected, name):
    assert len(got) == len(expected), name
    for g, e in zip(got, expected):
        if isinstance(e, float) and np.isnan(e):
            assert g is None, f"{name}: TF gives None (every path to ys passes a stop), got {g}"
        else:
            np.testing.assert_allclose(np.asarray(g), np.array(e), rtol=1e-12, atol=1e-14, err_msg=name)


@pytest.mark.parametrize("name", NAMES)
def test_stop_gradients_in_tf_function(name):
    k = NAMES.index(name)

    @tf.function
    def grads(x, w):
        _, ys, xs, stops = cases(x, w)[k]
        return tf.gradients(ys, xs, grad_ys=_grad_ys(name, ys), stop_gradients=stops)

    for _ in range(2):  # the trace, then the graph
        got = grads(tf.constant(X0), tf.constant(W0))
        _compare([None if g is None else g.numpy() for g in got], FIXTURE["function"][name], name)


@pytest.mark.parametrize("name", NAMES)
def test_stop_gradients_in_a_v1_graph(name):
    v1 = tf.compat.v1
    with tf.Graph().as_default():
        x = v1.placeholder(tf.float64, (3,))
        w = v1.placeholder(tf.float64, (3, 2))
        _, ys, xs, stops = cases(x, w, v1)[NAMES.index(name)]
        g = v1.gradients(ys, xs, grad_ys=_grad_ys(name, ys, v1), stop_gradients=stops)
        fetch = [t for t in g if t is not None]
        with v1.Session() as sess:
            values = iter(sess.run(fetch, {x: X0, w: W0}))
        _compare([None if t is None else next(values) for t in g], FIXTURE["v1"][name], name)


def test_a_single_stop_tensor_need_not_be_a_list():
    @tf.function
    def grads(x):
        a = x * x
        return tf.gradients(a * x, x, stop_gradients=a)

    np.testing.assert_allclose(grads(tf.constant([1.5, -2.0], tf.float64))[0].numpy(), [2.25, 4.0])
