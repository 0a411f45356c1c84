"""TF's graph semantics that tracing by execution must reproduce: an op whose result is unused never runs (its
trace-time failure is raised only if the graph needs it), a tensor a function leaks is out of scope after its trace,
and a function that makes a tf.Variable on every call is refused. Expected behaviour: TensorFlow 2.21's on the same
programs (tf.guide 'Introduction to graphs' and 'Better performance with tf.function'), checked side by side."""
import numpy as np
import pytest

import pytensor as tf
from pytensor import errors


def _eager_error(fn, *args):
    with pytest.raises(errors.InvalidArgumentError) as info:
        fn(*args)
    return str(info.value)


def test_an_unused_op_that_fails_at_trace_time_is_pruned():
    @tf.function
    def unused(x):
        tf.gather(x, [1])  # index 1 of a 1-element x: fails, but nothing uses it
        return x

    x = tf.constant([0.0])
    np.testing.assert_array_equal(unused(x).numpy(), [0.0])
    np.testing.assert_array_equal(unused(x).numpy(), [0.0])  # the graph run, without the pruned gather
    types = [op.type for op in unused.get_concrete_function(x).graph.get_operations()]
    assert "gather" not in types


def test_a_live_op_that_fails_raises_the_eager_error():
    def used(x):
        return tf.gather(x, [1]) * 2.0

    x = tf.constant([0.0])
    message = _eager_error(used, x)
    assert "indices[0] = 1 is not in [0, 1)" in message
    assert _eager_error(tf.function(used), x) == message

    def printed(x):
        tf.print(tf.gather(x, [1]))  # a stateful use
        return x

    assert _eager_error(tf.function(printed), x) == message

    v = tf.Variable([5.0])

    def assigned(x):
        v.assign(tf.gather(x, [1]))
        return x

    assert _eager_error(tf.function(assigned), x) == message
    np.testing.assert_array_equal(v.numpy(), [5.0])  # refused before the assignment

    def branched(x):
        y = tf.gather(x, [1])
        return tf.cond(x[0] > 0.0, lambda: y, lambda: -y)

    assert _eager_error(tf.function(branched), x) == message


def test_an_op_failing_on_a_later_call_raises_there():
    @tf.function
    def pick(x, i):
        return tf.gather(x, i)

    x = tf.constant([1.0, 2.0])
    assert float(pick(x, tf.constant(1))) == 2.0
    with pytest.raises(errors.InvalidArgumentError, match="is not in"):
        pick(x, tf.constant(2))


def test_a_leaked_tensor_is_out_of_scope_after_the_trace():
    leaked = {}

    @tf.function
    def leaky(a):
        leaked["x"] = a + 1
        return a + 2

    a = tf.constant(1)
    out = leaky(a)
    assert int(out.numpy()) == 3  # the returned value is the caller's
    assert int(a.numpy()) == 1    # and so is the argument
    with pytest.raises(AttributeError, match="'SymbolicTensor' object has no attribute 'numpy'"):
        leaked["x"].numpy()

    @tf.function
    def leaky_returned(a):
        leaked["y"] = a + 1
        return leaked["y"]

    assert int(leaky_returned(a).numpy()) == 2
    with pytest.raises(AttributeError):
        leaked["y"].numpy()

    @tf.function
    def captures(b):
        return b + leaked["x"]

    with pytest.raises(TypeError, match=r"'add(_\d+)?:0' .*is out of scope and cannot be used here.*'leaky'"):
        captures(tf.constant(2))


def test_a_variable_made_on_every_call_is_refused_on_the_first():
    @tf.function
    def f(x):
        v = tf.Variable(1.0)
        return v + x

    with pytest.raises(ValueError, match="only supports singleton tf.Variables created on the first call"):
        f(1.0)

    class Count(tf.Module):
        def __init__(self):
            self.count = None

        @tf.function
        def __call__(self):
            if self.count is None:
                self.count = tf.Variable(0)
            return self.count.assign_add(1)

    c = Count()
    assert [int(c()) for _ in range(3)] == [1, 2, 3]
