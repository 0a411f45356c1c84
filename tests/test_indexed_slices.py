"""Row gradients: GradientTape returns tf.IndexedSlices for a source read through axis-0 gathers, as TF does (types
and indices recorded from TF 2.21 by fixtures_indexed_slices/make_gradient_types.py), with the values of the dense
gradient (numpy), and the ops that take gradients (convert_to_tensor, add_n, clipping) accept them."""
import json
import os
import sys

import numpy as np
import pytest

import pytensor as tf

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures_indexed_slices")
sys.path.insert(0, FIXTURES)
from indexed_slices_cases import GRADIENT_CASES, gradient  # noqa: E402

with open(os.path.join(FIXTURES, "gradient_types.json")) as f:
    TF_TYPES = json.load(f)

def _check_like_tf(g, expected):
    if expected["type"] == "IndexedSlices":
        assert isinstance(g, tf.IndexedSlices), type(g)
        assert g.indices.numpy().tolist() == expected["indices"]
        assert g.indices.dtype.name == expected["indices_dtype"]
        assert list(g.values.shape) == expected["values_shape"]
        assert g.dense_shape.numpy().tolist() == expected["dense_shape"]
        assert g.dense_shape.dtype == tf.int32  # as TF's gradient
    else:
        assert type(g) is not tf.IndexedSlices and isinstance(g, tf.Tensor), type(g)
    np.testing.assert_allclose(tf.convert_to_tensor(g).numpy(), np.array(expected["dense"], np.float32), rtol=1e-6)


@pytest.mark.parametrize("case", sorted(GRADIENT_CASES))
def test_gradient_type_and_value_as_tf(case):
    # "watched_tensor": a watched constant, not only a Variable, gets rows.
    _check_like_tf(gradient(tf, case), TF_TYPES[case])


def _dense_reference(table, ids, upstream):
    """d sum(gather(table, ids) * upstream) / d table, by numpy."""
    expected = np.zeros_like(table)
    np.add.at(expected, ids.ravel(), upstream.reshape(-1, table.shape[1]))
    return expected


def test_rows_sum_into_the_dense_gradient_with_duplicates():
    rng = np.random.default_rng(1)
    table = rng.standard_normal((10, 4)).astype(np.float32)
    ids = np.array([[3, 7, 3], [0, 3, 9]], np.int32)
    upstream = rng.standard_normal((2, 3, 4)).astype(np.float32)
    v = tf.Variable(table)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.gather(v, ids) * upstream)
    g = tape.gradient(y, v)
    assert isinstance(g, tf.IndexedSlices)
    np.testing.assert_array_equal(g.indices.numpy(), ids.ravel())
    np.testing.assert_allclose(g.values.numpy(), upstream.reshape(6, 4), rtol=1e-6)
    np.testing.assert_allclose(tf.convert_to_tensor(g).numpy(), _dense_reference(table, ids, upstream), rtol=1e-5)


def test_several_sources_structure_and_unconnected():
    v = tf.Variable(np.ones((5, 2), np.float32))
    w = tf.Variable(np.ones((2,), np.float32))
    u = tf.Variable(np.ones((3,), np.float32))
    with tf.GradientTape(persistent=True) as tape:
        y = tf.reduce_sum(tf.gather(v, [4, 0]) * w)
    grads = tape.gradient(y, {"v": v, "w": w, "u": u})
    assert isinstance(grads["v"], tf.IndexedSlices) and grads["u"] is None
    np.testing.assert_allclose(grads["w"].numpy(), [2.0, 2.0])
    zero = tape.gradient(y, [v, u], unconnected_gradients="zero")
    assert isinstance(zero[0], tf.IndexedSlices) and zero[1].numpy().tolist() == [0.0, 0.0, 0.0]
    np.testing.assert_allclose(tf.convert_to_tensor(zero[0]).numpy(), [[1, 1], [0, 0], [0, 0], [0, 0], [1, 1]])


def test_variable_as_its_own_target_adds_densely():
    v = tf.Variable(np.ones((3, 2), np.float32))
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.gather(v, [1]))
    g = tape.gradient([v, y], v)
    assert type(g) is not tf.IndexedSlices
    np.testing.assert_allclose(g.numpy(), [[1, 1], [2, 2], [1, 1]])


def test_second_order_through_rows():
    table = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 4.0]], np.float32)
    v = tf.Variable(table)
    ids = [2, 0, 2]
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = tf.reduce_sum(tf.gather(v, ids) ** 3)
        g = inner.gradient(y, v)
        assert isinstance(g, tf.IndexedSlices)
        z = tf.reduce_sum(g.values)  # sum over the gathered rows of 3 * row**2
    gg = outer.gradient(z, v)
    expected = np.zeros_like(table)
    np.add.at(expected, ids, 6.0 * table[ids])
    np.testing.assert_allclose(tf.convert_to_tensor(gg).numpy(), expected, rtol=1e-6)


def test_jacobian_is_dense():
    v = tf.Variable(np.arange(6, dtype=np.float32).reshape(3, 2))
    with tf.GradientTape() as tape:
        y = tf.reshape(tf.gather(v, [2, 0]), (4,))
    jac = tape.jacobian(y, v)
    expected = np.zeros((4, 3, 2), np.float32)
    for i, (row, col) in enumerate([(2, 0), (2, 1), (0, 0), (0, 1)]):
        expected[i, row, col] = 1.0
    assert isinstance(jac, tf.Tensor)
    np.testing.assert_array_equal(jac.numpy(), expected)


def test_gradient_ready_callback_sees_the_rows():
    v = tf.Variable(np.ones((4, 2), np.float32))
    w = tf.Variable(2.0)
    seen = {}
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.gather(v, [3, 1])) * w
    tape._on_gradient_ready(lambda i, g: seen.setdefault(i, g))
    grads = tape.gradient(y, [v, w])
    assert seen[0] is grads[0] and isinstance(grads[0], tf.IndexedSlices)
    np.testing.assert_allclose(tf.convert_to_tensor(grads[0]).numpy(), [[0, 0], [2, 2], [0, 0], [2, 2]])
    np.testing.assert_allclose(float(seen[1]), 4.0)


def _slices():
    values = np.array([[1.0, 2.0], [3.0, 4.0], [-1.0, 0.5]], np.float32)
    ids = np.array([2, 0, 2], np.int32)
    dense = np.zeros((4, 2), np.float32)
    np.add.at(dense, ids, values)
    return tf.IndexedSlices(tf.constant(values), tf.constant(ids), tf.constant([4, 2])), values, dense


def test_convert_add_n_and_plus_densify():
    s, _, dense = _slices()
    np.testing.assert_allclose(tf.convert_to_tensor(s).numpy(), dense)
    total = tf.math.add_n([s, tf.ones((4, 2)), s])
    assert type(total) is not tf.IndexedSlices
    np.testing.assert_allclose(total.numpy(), 2 * dense + 1)
    np.testing.assert_allclose((s + tf.ones((4, 2))).numpy(), dense + 1)
    neg = -s
    assert isinstance(neg, tf.IndexedSlices)
    np.testing.assert_allclose(tf.convert_to_tensor(neg).numpy(), -dense)


def test_clipping_keeps_rows_and_uses_their_norm():
    s, values, dense = _slices()
    other = tf.constant([3.0, 4.0])
    norm = np.sqrt((values ** 2).sum() + 25.0)  # TF: the rows' norm (duplicates not summed first)
    np.testing.assert_allclose(float(tf.linalg.global_norm([s, other])), norm, rtol=1e-6)
    (clipped_s, clipped_o), used = tf.clip_by_global_norm([s, other], 2.0)
    np.testing.assert_allclose(float(used), norm, rtol=1e-6)
    assert isinstance(clipped_s, tf.IndexedSlices)
    np.testing.assert_array_equal(clipped_s.indices.numpy(), [2, 0, 2])
    np.testing.assert_allclose(clipped_s.values.numpy(), values * 2.0 / norm, rtol=1e-6)
    np.testing.assert_allclose(clipped_o.numpy(), [3.0 * 2.0 / norm, 4.0 * 2.0 / norm], rtol=1e-6)
    by_norm = tf.clip_by_norm(s, 1.0)
    assert isinstance(by_norm, tf.IndexedSlices)
    np.testing.assert_allclose(by_norm.values.numpy(), values / np.sqrt((values ** 2).sum()), rtol=1e-6)


def test_multi_worker_all_reduce_takes_rows_as_their_dense_tensor():
    from pytensor.distribute._comm import LocalComm
    from pytensor.distribute._strategy import _BucketedAllReduce

    table = tf.Variable(np.arange(10, dtype=np.float32).reshape(5, 2))
    w = tf.Variable(np.ones((2,), np.float32))
    expected = np.zeros((5, 2), np.float32)
    expected[[1, 4]] = [[1, 1], [2, 2]]
    for overlapped in (False, True):
        reducer = _BucketedAllReduce(LocalComm(), 64)
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(tf.gather(table, [4, 1, 4]) * w)
        if overlapped:
            tape._on_gradient_ready(reducer.overlapped([table, w]))
        grads = tape.gradient(y, [table, w])
        assert isinstance(grads[0], tf.IndexedSlices)
        summed = reducer.collect(grads) if overlapped else reducer(grads)
        assert summed is not None
        np.testing.assert_array_equal(summed[0].numpy(), expected)
        np.testing.assert_array_equal(summed[1].numpy(), [18.0, 21.0])  # rows 4, 1, 4 of the table


def test_gathers_inside_other_ops_stay_dense():
    # tf.linalg.inv pivots its rows with a gather; TF's inv gradient is a dense tensor, and so is this one.
    a = np.array([[0.0, 2.0], [3.0, 1.0]], np.float32)
    v = tf.Variable(a)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.linalg.inv(v))
    g = tape.gradient(y, v)
    assert type(g) is not tf.IndexedSlices
    inv = np.linalg.inv(a)
    np.testing.assert_allclose(g.numpy(), -(inv.T @ np.ones((2, 2)) @ inv.T), rtol=1e-5)


def test_explicit_axis_zero_gives_rows_and_other_axes_dense():
    v = tf.Variable(np.ones((3, 3), np.float32))
    with tf.GradientTape(persistent=True) as tape:
        rows = tf.reduce_sum(tf.gather(v, [2], axis=0))
        last = tf.reduce_sum(tf.gather(v, [2], axis=-1))
    assert isinstance(tape.gradient(rows, v), tf.IndexedSlices)
    g = tape.gradient(last, v)
    assert type(g) is not tf.IndexedSlices
    np.testing.assert_array_equal(g.numpy(), [[0, 0, 1]] * 3)


def test_rows_as_a_target_stand_for_their_values():
    table = np.array([[1.0, -2.0], [0.5, 3.0]], np.float32)
    v = tf.Variable(table)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = tf.reduce_sum(tf.gather(v, [1, 1, 0]) ** 2)
        g = inner.gradient(y, v)
    gg = outer.gradient(g, v)  # d sum(g.values) / dv = d sum(2 * gathered rows) / dv
    np.testing.assert_allclose(tf.convert_to_tensor(gg).numpy(), [[2.0, 2.0], [4.0, 4.0]])
