"""tf.cond, tf.switch_case and tf.while_loop: eager, and as graph nodes inside tf.function (values vs Python)."""
import numpy as np
import pytest

import pytensor as tf


def test_cond_picks_the_branch_on_every_call():
    @tf.function
    def f(x):
        return tf.cond(tf.reduce_sum(x) > 0, lambda: x * 2.0, lambda: -x)

    np.testing.assert_array_equal(f(tf.constant([1.0, 2.0])).numpy(), [2.0, 4.0])
    np.testing.assert_array_equal(f(tf.constant([-1.0, -2.0])).numpy(), [1.0, 2.0])
    assert f.experimental_get_tracing_count() == 1
    types = [op.type for op in f.get_concrete_function(tf.constant([1.0, 2.0])).graph.get_operations()]
    assert "If" in types
    assert float(tf.cond(tf.constant(False), lambda: 1.0, lambda: 2.0)) == 2.0  # eager


def test_while_loop_runs_in_the_graph_with_maximum_iterations():
    @tf.function
    def total(n):
        _, s = tf.while_loop(lambda i, s: i < n, lambda i, s: (i + 1, s + tf.cast(i, tf.float32)),
                             [tf.constant(0), tf.constant(0.0)], maximum_iterations=7)
        return s

    assert float(total(tf.constant(5))) == sum(range(5))
    assert float(total(tf.constant(10))) == sum(range(7))  # stopped by maximum_iterations
    assert total.experimental_get_tracing_count() == 1


def test_switch_case_out_of_range_takes_the_last_branch():
    @tf.function
    def f(i, x):
        return tf.switch_case(i, [lambda: x, lambda: x * 10.0, lambda: x * 100.0])

    assert [float(f(tf.constant(k), tf.constant(1.5))) for k in (0, 1, 2, 7)] == [1.5, 15.0, 150.0, 150.0]


def test_cond_branches_must_match():
    @tf.function
    def f(x):
        return tf.cond(x > 0, lambda: x, lambda: (x, x))

    with pytest.raises(ValueError, match="same number, type, and overall structure"):
        f(tf.constant(1.0))


def test_while_loop_body_must_keep_shapes():
    @tf.function
    def f(x):
        return tf.while_loop(lambda v: tf.reduce_sum(v) < 10.0, lambda v: tf.concat([v, v], 0), [x])

    with pytest.raises(ValueError, match=r"test_control_flow.py:\d+: .*enters the loop with shape \(1,\), but has "
                                         r"shape \(2,\)"):
        f(tf.constant([1.0]))


def test_branch_state_updates_happen_only_in_the_taken_branch():
    v = tf.Variable(0.0)

    @tf.function
    def f(x):
        return tf.cond(x > 0, lambda: v.assign_add(1.0).read_value(), lambda: v.assign_add(-1.0).read_value())

    f(tf.constant(1.0))
    f(tf.constant(1.0))
    f(tf.constant(-1.0))
    assert float(v.numpy()) == 1.0


def test_a_predicate_from_the_enclosing_graph_stays_traced_in_a_nested_branch():
    """The inner cond's predicate is computed outside the outer cond: inside the branch it is the outer graph's
    traced value (captured), not its value at trace time. The first call traces with x = -3 (p2 false then)."""
    @tf.function(autograph=False)
    def pick(x):
        p1, p2 = x < 0, x > 10
        return tf.cond(p1, lambda: -x, lambda: tf.cond(p2, lambda: x - 10, lambda: x * 2))

    assert [float(pick(tf.constant(v))) for v in (-3.0, 12.0, 4.0)] == [3.0, 2.0, 8.0]

    @tf.function(autograph=False)
    def pick_index(x):
        index = tf.cast(x > 0, tf.int32)
        return tf.cond(x < -5, lambda: x, lambda: tf.switch_case(index, [lambda: x * 10, lambda: x + 100]))

    assert [float(pick_index(tf.constant(v))) for v in (-1.0, 1.0, -9.0)] == [-10.0, 101.0, -9.0]


def test_two_branch_switch_case_takes_the_indexed_branch():
    """A two-branch switch_case is not a cond: index 0 takes the first branch, 1 and out-of-range the last."""
    @tf.function(autograph=False)
    def pick(i, x):
        return tf.switch_case(i, [lambda: x * 10, lambda: x + 100])

    assert [float(pick(tf.constant(i), tf.constant(2.0))) for i in (0, 1, 7, -1)] == [20.0, 102.0, 102.0, 102.0]
