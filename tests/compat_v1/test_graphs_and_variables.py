"""TF1 graphs, the default graph, eager switches, variable scopes and get_variable, collections, initializers."""
import numpy as np
import pytest

import pytensor as pt
import pytensor.compat.v1 as tf


def test_default_graph_and_as_default():
    g = tf.Graph()
    assert tf.get_default_graph() is not g
    with g.as_default() as entered:
        assert entered is g and tf.get_default_graph() is g
        x = tf.placeholder(tf.float32, name="x")
        assert x.graph is g and not tf.executing_eagerly()
        with pytest.raises(AssertionError, match="nested graphs"):
            tf.reset_default_graph()
    assert tf.executing_eagerly() and pt.executing_eagerly()
    assert [op.name for op in g.get_operations()] == ["x"]
    assert g.get_tensor_by_name("x:0") is x and g.get_operation_by_name("x") is x.op


def test_reset_default_graph_starts_empty():
    tf.placeholder(tf.float32, name="a")
    old = tf.get_default_graph()
    tf.reset_default_graph()
    assert tf.get_default_graph() is not old and tf.get_default_graph().get_operations() == []
    assert tf.placeholder(tf.float32, name="a").name == "a:0"  # the name is free again


def test_disable_and_enable_eager_execution():
    assert tf.executing_eagerly()
    eager = tf.Variable(1.0)
    tf.disable_eager_execution()
    assert not tf.executing_eagerly() and not pt.executing_eagerly()
    graph_variable = tf.Variable(1.0)
    assert isinstance(graph_variable, tf.RefVariable) and not isinstance(eager, tf.RefVariable)
    tf.enable_eager_execution()
    assert tf.executing_eagerly()


def test_operation_names_are_unique_and_scoped():
    x = tf.placeholder(tf.float32, name="x")
    y = tf.placeholder(tf.float32, name="x")
    assert (x.name, y.name) == ("x:0", "x_1:0")
    with tf.name_scope("block"):
        z = tf.add(x, y, name="sum")
        w = x * y
    assert z.name == "block/sum:0" and w.op.name == "block/mul"
    assert [t.name for t in z.op.inputs] == ["x:0", "x_1:0"]


def test_variable_scope_reuse():
    tf.disable_eager_execution()
    with tf.variable_scope("layer"):
        w = tf.get_variable("w", [2, 3])
        with tf.variable_scope("inner"):
            b = tf.get_variable("b", [3], initializer=tf.zeros_initializer())
    assert (w.name, b.name) == ("layer/w:0", "layer/inner/b:0")
    with pytest.raises(ValueError, match=r"Variable layer/w already exists, disallowed. Did you mean to set "
                                         r"reuse=True or reuse=tf.AUTO_REUSE"):
        with tf.variable_scope("layer"):
            tf.get_variable("w", [2, 3])
    with tf.variable_scope("layer", reuse=True):
        assert tf.get_variable("w") is w
        with tf.variable_scope("inner"):  # reuse is inherited
            assert tf.get_variable("b") is b
        with pytest.raises(ValueError, match=r"Variable layer/v does not exist"):
            tf.get_variable("v", [1])
    with pytest.raises(ValueError, match=r"Trying to share variable layer/w, but specified shape \(4, 3\)"):
        with tf.variable_scope("layer", reuse=True):
            tf.get_variable("w", [4, 3])
    for _ in range(2):
        with tf.variable_scope("shared", reuse=tf.AUTO_REUSE):
            v = tf.get_variable("v", [1], initializer=tf.constant_initializer(5.0))
    assert len([x for x in tf.global_variables() if x.name == "shared/v:0"]) == 1
    with tf.variable_scope("layer") as scope:
        scope.reuse_variables()
        assert tf.get_variable("w") is w
    with tf.variable_scope(None, default_name="block"):
        first = tf.get_variable("k", [1])
    with tf.variable_scope(None, default_name="block"):
        second = tf.get_variable("k", [1])
    assert (first.name, second.name) == ("block/k:0", "block_1/k:0")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(v).tolist() == [5.0]


def test_collections_and_initializers():
    tf.disable_eager_execution()
    a = tf.Variable(tf.zeros([2]), name="a")
    b = tf.Variable(1.0, trainable=False, name="b")
    c = tf.get_variable("c", [2, 2], initializer=tf.constant_initializer([[1, 2], [3, 4]]))
    d = tf.get_variable("d", initializer=np.arange(3, dtype=np.float32))
    e = tf.get_variable("e", [1000], initializer=tf.random_uniform_initializer(-1.0, 1.0))
    assert [v.name for v in tf.global_variables()] == ["a:0", "b:0", "c:0", "d:0", "e:0"]
    assert [v.name for v in tf.trainable_variables()] == ["a:0", "c:0", "d:0", "e:0"]
    assert tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES, scope="c") == [c]
    with tf.Session() as sess:
        sess.run(tf.variables_initializer([a, c]))
        assert sess.run(c).tolist() == [[1.0, 2.0], [3.0, 4.0]]
        with pytest.raises(pt.errors.FailedPreconditionError, match="uninitialized value d"):
            sess.run(d)
        sess.run(tf.global_variables_initializer())
        assert sess.run(d).tolist() == [0.0, 1.0, 2.0] and sess.run(b) == 1.0
        values = sess.run(e)
        assert -1.0 <= values.min() and values.max() <= 1.0 and values.std() > 0.4  # uniform on [-1, 1]: 0.577


def test_glorot_uniform_is_the_default_initializer():
    tf.disable_eager_execution()
    w = tf.get_variable("w", [200, 300])
    limit = np.sqrt(6.0 / (200 + 300))
    with tf.Session() as sess:
        sess.run(w.initializer)
        values = sess.run(w)
    assert np.abs(values).max() <= limit and values.std() == pytest.approx(limit / np.sqrt(3.0), rel=0.05)


def test_variable_assign_operations():
    tf.disable_eager_execution()
    x = tf.placeholder(tf.float32, [2], name="x")
    v = tf.Variable([1.0, 1.0], name="v")
    grow = v.assign(v * x)
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(grow, {x: [2.0, 3.0]}).tolist() == [2.0, 3.0]
        assert sess.run(grow, {x: [2.0, 3.0]}).tolist() == [4.0, 9.0]
        assert sess.run(tf.assign_sub(v, [4.0, 9.0])).tolist() == [0.0, 0.0]
    # assigning initialises: no initializer needed first
    with tf.Session() as sess:
        assert sess.run(tf.assign(v, [5.0, 6.0])).tolist() == [5.0, 6.0]
        assert sess.run(v).tolist() == [5.0, 6.0]


def test_operator_on_graph_variables_reads_them_when_run():
    tf.disable_eager_execution()
    v = tf.Variable(2.0, name="v")
    square = v * v             # a graph operation, not a number computed now
    norm = tf.reduce_sum(tf.square(v))
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run([square, norm]) == [4.0, 4.0]
        sess.run(v.assign(3.0))
        assert sess.run([square, norm]) == [9.0, 9.0]


def test_control_dependencies_order_operations():
    tf.disable_eager_execution()
    v = tf.Variable(1.0, name="v")
    bump = tf.assign_add(v, 10.0)
    with tf.control_dependencies([bump]):
        after = tf.identity(v * 1.0)
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(after) == 11.0  # the dependency ran first
        assert sess.run(v) == 11.0
