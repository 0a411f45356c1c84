"""Bad input to control flow inside tf.function: TF's error classes, with the user's file and line and the fix."""
import re

import pytest

import pytensor as tf


def _line_of(fn, text):
    """`test_control_flow_errors.py:N` for the line of `fn`'s source holding `text`."""
    import inspect
    lines, first = inspect.getsourcelines(fn)
    n = next(i for i, line in enumerate(lines) if text in line) + first
    return re.escape(f"test_control_flow_errors.py:{n}")


def test_cond_branches_of_different_structure():
    def f(x):
        return tf.cond(x > 0, lambda: x, lambda: (x, x))

    with pytest.raises(ValueError, match=_line_of(f, "tf.cond") + ".*same number, type, and overall structure"):
        tf.function(f)(tf.constant(1.0))


def test_cond_branches_of_different_dtypes():
    def f(x):
        return tf.cond(x > 0, lambda: x, lambda: tf.cast(x, tf.int32))

    with pytest.raises(TypeError, match=_line_of(f, "tf.cond") + ".*float32 in true_fn but int32 in false_fn"):
        tf.function(f)(tf.constant(1.0))


def test_switch_case_branches_of_different_dtypes():
    def f(i, x):
        return tf.switch_case(i, [lambda: x, lambda: tf.cast(x, tf.float64)])

    with pytest.raises(TypeError, match=_line_of(f, "tf.switch_case") + ".*branch 0 and branch 1"):
        tf.function(f)(tf.constant(0), tf.constant(1.0))


def test_while_body_that_changes_a_dtype():
    def f(x):
        return tf.while_loop(lambda v: v < 10, lambda v: tf.cast(v, tf.float32) + 1.0, [x])

    with pytest.raises(TypeError, match=_line_of(f, "tf.while_loop") + ".*enters the loop with type .*int32.* but has "
                                        "type .*float32.* after 1 iteration"):
        tf.function(f)(tf.constant(1))


def test_autograph_if_with_different_dtypes_names_the_variable():
    def f(x):
        if x > 0:
            y = x
        else:
            y = tf.cast(x, tf.int32)
        return y

    with pytest.raises(TypeError, match=_line_of(f, "if x > 0") + ": 'y' must have the same dtype in the main and "
                                        "else branches"):
        tf.function(f)(tf.constant(1.0))


def test_autograph_while_that_changes_a_shape_names_the_variable():
    def f(x):
        v = tf.constant([1.0])
        while tf.reduce_sum(v) < x:
            v = tf.concat([v, v], 0)
        return v

    with pytest.raises(ValueError, match=_line_of(f, "while tf.reduce_sum") + ": 'v' has shape \\(1,\\) before the "
                                         "loop, but shape \\(2,\\) after one iteration"):
        tf.function(f)(tf.constant(10.0))


def test_autograph_loop_variable_that_is_not_a_tensor():
    class Box:
        pass

    def f(n):
        box = Box()
        i = tf.constant(0)
        while i < n:
            box = Box()
            i += 1
        return i

    with pytest.raises(TypeError, match=_line_of(f, "while i < n") + ": 'box' is a Box changed inside this loop"):
        tf.function(f)(tf.constant(3))
