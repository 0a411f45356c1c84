"""tf.compat.v1.Session: fetch structures, feeds, eval/run in default sessions, compiled steps, and TF's errors for
bad input. References are hand-computed values and numpy."""
import collections

import numpy as np
import pytest

import pytensor as pt
import pytensor.compat.v1 as tf
from pytensor.errors import FailedPreconditionError, InvalidArgumentError


def test_seed_program_runs_with_eager_on():
    a = pt.placeholder(pt.float32, name="a")  # top level, eager execution on: beyond TF 2
    b = pt.placeholder(pt.float32, name="b")
    y = a + b
    assert pt.executing_eagerly()
    with pt.Session() as sess:
        result = sess.run(y, feed_dict={a: 4, b: 5})
    assert result == 9.0 and isinstance(result, np.float32)
    # eager code beside it keeps running eagerly
    np.testing.assert_array_equal((pt.constant([1.0, 2.0]) * 2.0).numpy(), [2.0, 4.0])


def test_fetch_structures_are_packed_back():
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    doubled, total = x * 2.0, tf.reduce_sum(x)
    Pair = collections.namedtuple("Pair", "first second")
    feed = {x: [[1.0, 2.0], [3.0, 4.0]]}
    with tf.Session() as sess:
        out = sess.run({"d": doubled, "nested": [total, (x, Pair(total, doubled))]}, feed_dict=feed)
        single = sess.run(total, feed)
        as_tuple = sess.run((total,), feed)
    np.testing.assert_array_equal(out["d"], [[2.0, 4.0], [6.0, 8.0]])
    assert out["nested"][0] == 10.0 and isinstance(out["nested"][1], tuple)
    assert isinstance(out["nested"][1][1], Pair) and out["nested"][1][1].first == 10.0
    np.testing.assert_array_equal(out["nested"][1][0], feed[x])
    assert single == 10.0 and isinstance(as_tuple, tuple) and as_tuple[0] == 10.0


def test_feed_by_tensor_name_and_feeding_an_intermediate_tensor():
    x = tf.placeholder(tf.float32, [2], name="x")
    hidden = x + 1.0
    out = hidden * 3.0
    with tf.Session() as sess:
        assert sess.run("mul:0", {"x:0": [1.0, 2.0]}).tolist() == [6.0, 9.0]
        # feeding `hidden` cuts the graph there: x need not be fed
        assert sess.run(out, {hidden: [10.0, 20.0]}).tolist() == [30.0, 60.0]


def test_eval_and_run_use_the_default_session():
    v = tf.Variable(2.0, name="v")
    x = tf.placeholder(tf.float32, [], name="x")
    with tf.Graph().as_default():
        pass
    tf.disable_eager_execution()
    w = tf.Variable(3.0, name="w")
    update = tf.assign_add(w, x)
    sess = tf.InteractiveSession()
    tf.global_variables_initializer().run()
    assert (w * x).eval(feed_dict={x: 2.0}) == 6.0
    update.op.run(feed_dict={x: 1.5})
    assert w.eval() == 4.5 and sess.run(update, {x: 0.5}) == 5.0
    sess.close()
    with pytest.raises(ValueError, match=r"No default session is registered"):
        w.eval()
    with tf.Session() as other, other.as_default():
        other.run(w.initializer)
        assert (x + w).eval(feed_dict={x: 1.0}) == 4.0
    assert float(v.numpy()) == 2.0  # created with eager execution on: an eager variable


def test_a_step_compiles_once_per_feed_signature():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y = tf.reduce_sum(x * x, axis=1)
    with tf.Session() as sess:
        for n in (2, 2, 2, 5, 5):
            np.testing.assert_allclose(sess.run(y, {x: np.ones((n, 3))}), np.full(n, 3.0))
        (step,) = sess._steps.values()
        # two shapes: two traces into C++ graphs; the other three runs went through the executor
        assert step.function.experimental_get_tracing_count() == 2
        assert [op.type for op in step.plan] == ["mul", "reduce_sum"]


def test_operations_fetch_none_and_run_in_creation_order():
    tf.disable_eager_execution()
    counter = tf.Variable(0.0, name="counter")
    doubled = counter * 2.0               # created before the increment: reads the value before it
    increment = tf.assign_add(counter, 1.0)
    tripled = counter * 3.0               # created after: reads the incremented value
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        before, none, after = sess.run([doubled, increment.op, tripled])
        assert before == 0.0 and none is None and after == 3.0
        assert sess.run(counter) == 1.0
        assert sess.run(tf.group(increment, increment)) is None
        assert sess.run(counter) == 2.0  # one operation runs once per run, however often it is fetched


def test_new_session_starts_uninitialised_and_init_resets_values():
    tf.disable_eager_execution()
    v = tf.Variable([1.0, 2.0], name="v")
    add = tf.assign_add(v, [1.0, 1.0])
    init = tf.global_variables_initializer()
    with tf.Session() as sess:
        sess.run(init)
        sess.run(add)
        assert sess.run(v).tolist() == [2.0, 3.0]
        sess.run(init)
        assert sess.run(v).tolist() == [1.0, 2.0]
    with tf.Session() as sess:
        with pytest.raises(FailedPreconditionError, match=r"uninitialized value v\b.*global_variables_initializer"):
            sess.run(v)
        with pytest.raises(FailedPreconditionError, match="uninitialized value v"):
            sess.run(add)


def test_uninitialised_variable_is_named():
    tf.disable_eager_execution()
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    with tf.variable_scope("layer"):
        w = tf.get_variable("w", [2, 1], initializer=tf.ones_initializer())
    y = tf.matmul(x, w)
    with tf.Session() as sess:
        with pytest.raises(FailedPreconditionError, match=r"Attempting to use uninitialized value layer/w"):
            sess.run(y, {x: [[1.0, 2.0]]})
        sess.run(w.initializer)
        assert sess.run(y, {x: [[1.0, 2.0]]}).tolist() == [[3.0]]


def test_unfed_placeholder_is_named():
    a = tf.placeholder(tf.float32, [None], name="images")
    b = tf.placeholder(tf.float32, name="b")
    with tf.Session() as sess:
        with pytest.raises(InvalidArgumentError, match=r"must feed a value for placeholder tensor 'images' with "
                                                       r"dtype float32 and shape \(None,\)"):
            sess.run(a + b, {b: 1.0})


def test_wrong_feed_shape_names_the_placeholder_and_both_shapes():
    x = tf.placeholder(tf.float32, [None, 784], name="pixels")
    with tf.Session() as sess:
        with pytest.raises(ValueError, match=r"Cannot feed value of shape \(2, 783\) for Tensor pixels:0, which has "
                                             r"shape \(None, 784\)"):
            sess.run(x * 1.0, {x: np.zeros((2, 783))})


def test_wrong_feed_dtype_names_the_placeholder_and_both_dtypes():
    labels = tf.placeholder(tf.int32, [None], name="labels")
    x = tf.placeholder(tf.float32, [None], name="x")
    with tf.Session() as sess:
        with pytest.raises(TypeError, match=r"dtype float64 for Tensor labels:0, which has dtype int32"):
            sess.run(labels, {labels: np.array([0.5, 1.0])})
        with pytest.raises(TypeError, match=r"dtype <U.* for Tensor x:0, which has dtype float32"):
            sess.run(x, {x: ["a"]})
        with pytest.raises(TypeError, match=r"tensor of dtype float64 for Tensor x:0, which has dtype float32"):
            sess.run(x, {x: pt.constant([1.0], dtype=pt.float64)})
        with pytest.raises(TypeError, match=r"feed cannot be a tf.Tensor"):
            sess.run(x, {x: x})
        # numpy values convert as TF converts them: float64 data into a float32 placeholder, ints into floats
        assert sess.run(x, {x: np.array([0.1])}).dtype == np.float32
        assert sess.run(labels, {labels: np.array([1, 2], np.int64)}).tolist() == [1, 2]


def test_fetching_a_tensor_of_another_graph():
    other = tf.Graph()
    with other.as_default():
        foreign = tf.placeholder(tf.float32, name="foreign")
    here = tf.placeholder(tf.float32, name="here")
    with tf.Session() as sess:
        with pytest.raises(ValueError, match=r"foreign:0.*is not an element of this graph"):
            sess.run(foreign, {foreign: 1.0})
        with pytest.raises(ValueError, match=r"not an element of this graph"):
            sess.run(here, {foreign: 1.0})
    with pytest.raises(ValueError, match="different graphs"):
        here + foreign
    with tf.Session(graph=other) as sess:
        assert sess.run(foreign, {foreign: 2.0}) == 2.0


def test_closed_session():
    x = tf.placeholder(tf.float32, name="x")
    sess = tf.Session()
    assert sess.run(x + 1.0, {x: 1.0}) == 2.0
    sess.close()
    with pytest.raises(RuntimeError, match="Attempted to use a closed Session"):
        sess.run(x + 1.0, {x: 1.0})
    with tf.Session() as sess:
        pass
    with pytest.raises(RuntimeError, match="closed Session"):
        sess.run(x, {x: 1.0})


def test_bad_fetches():
    with tf.Session() as sess:
        with pytest.raises(TypeError, match="Fetch argument None has invalid type"):
            sess.run(None)
        with pytest.raises(TypeError, match="Fetch argument 3 has invalid type"):
            sess.run([3])
        # an eager tensor fetches as its value
        assert sess.run(pt.constant(2.0)) == 2.0


def test_graph_tensor_is_not_a_python_bool():
    x = tf.placeholder(tf.float32, [], name="x")
    with pytest.raises(TypeError, match="Python `bool` is not allowed"):
        if x > 0:
            pass


def test_placeholder_with_default():
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    scale = tf.placeholder_with_default(2.0, shape=[], name="scale")
    y = x * scale
    with tf.Session() as sess:
        assert sess.run(y, {x: [[1.0, 2.0]]}).tolist() == [[2.0, 4.0]]
        assert sess.run(y, {x: [[1.0, 2.0]], scale: 0.5}).tolist() == [[0.5, 1.0]]
        with pytest.raises(ValueError, match=r"Cannot feed value of shape \(2,\) for Tensor scale:0"):
            sess.run(y, {x: [[1.0, 2.0]], scale: [1.0, 2.0]})


def test_eager_operands_join_graphs():
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    eager = pt.constant([10.0, 20.0])
    weights = pt.Variable([[1.0], [2.0]])  # an eager variable: read when the session runs
    outs = [eager + x, x - np.array([1.0, 1.0], np.float32), weights * 1.0, pt.ones([2]) * x, x @ weights]
    with tf.Session() as sess:
        values = sess.run(outs[:2] + outs[3:], {x: [[1.0, 2.0]]})
        np.testing.assert_array_equal(values[0], [[11.0, 22.0]])
        np.testing.assert_array_equal(values[1], [[0.0, 1.0]])
        np.testing.assert_array_equal(values[2], [[1.0, 2.0]])
        np.testing.assert_array_equal(values[3], [[5.0]])
        weights.assign([[0.0], [1.0]])
        np.testing.assert_array_equal(sess.run(outs[4], {x: [[1.0, 2.0]]}), [[2.0]])
    assert isinstance(outs[2], pt.Tensor)  # no graph operand: eager, as before


def test_static_shapes_of_operations():
    x = tf.placeholder(tf.float32, [None, 28, 28], name="x")
    flat = tf.reshape(x, [-1, 784])
    assert flat.shape.as_list() == [None, 784]
    assert tf.reduce_mean(flat, axis=1).shape.as_list() == [None]
    assert tf.placeholder(tf.float32).shape.rank is None
    assert (tf.placeholder(tf.float32) + 1.0).shape.rank is None
    with pytest.raises(InvalidArgumentError):
        tf.matmul(flat, tf.ones([783, 10]))  # wrong inner dimension: an error when built, as TF
