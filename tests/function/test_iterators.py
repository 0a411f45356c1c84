"""A tf.data iterator read inside tf.function is TF's iterator resource, a stateful input of the graph: the graph
takes its next element on every call, and raises tf.errors.OutOfRangeError at its end. The expected values are
those TensorFlow 2.21 prints for the same programs (checked side by side), derivable by hand from the datasets."""
import numpy as np
import pytest

import pytensor as tf
from pytensor import errors


def _iterator(values):
    return iter(tf.data.Dataset.from_tensor_slices(np.asarray(values, dtype=np.int32)))


def test_next_on_an_iterator_argument_takes_a_new_element_on_every_call():
    @tf.function
    def f(it):
        return next(it)

    it = _iterator([1, 2, 3])
    assert [int(f(it)) for _ in range(3)] == [1, 2, 3]
    assert f.experimental_get_tracing_count() == 1  # one graph, run three times
    with pytest.raises(errors.OutOfRangeError, match="End of sequence"):
        f(it)


def test_next_on_an_iterator_captured_from_the_closure():
    it = _iterator([10, 20, 30, 40])

    @tf.function
    def g():
        return next(it) + 1

    assert [int(g()) for _ in range(3)] == [11, 21, 31]
    assert int(next(it)) == 40  # eager reads continue where the graph left it


def test_an_iterator_made_inside_the_function_starts_anew_on_every_call():
    ds = tf.data.Dataset.from_tensor_slices(np.array([1, 2, 3], dtype=np.int32))

    @tf.function
    def first():
        return next(iter(ds))

    assert [int(first()) for _ in range(3)] == [1, 1, 1]


def test_next_of_a_structured_element_and_two_reads_in_one_call():
    it = iter(tf.data.Dataset.from_tensor_slices((np.arange(6, dtype=np.float32).reshape(3, 2),
                                                  np.array([7, 8, 9], dtype=np.int32))))

    @tf.function
    def pair(it):
        x, y = next(it)
        return tf.reduce_sum(x), y

    s, y = pair(it)
    assert (float(s), int(y)) == (1.0, 7)
    s, y = pair(it)
    assert (float(s), int(y)) == (5.0, 8)

    two = _iterator([1, 2, 3, 4, 5])

    @tf.function
    def difference(it):
        a = next(it)
        b = next(it)
        return b * 10 - a

    assert [int(difference(two)) for _ in range(2)] == [2 * 10 - 1, 4 * 10 - 3]
    with pytest.raises(errors.OutOfRangeError):
        difference(two)  # one element left, two read


def test_for_loop_over_an_iterator_consumes_what_is_left_of_it():
    @tf.function
    def total(it):
        s = tf.constant(0)
        for x in it:
            s += x
        return s

    it = _iterator([1, 2, 3, 4])
    assert int(next(it)) == 1
    assert int(total(it)) == 2 + 3 + 4
    assert int(total(it)) == 0  # exhausted: the loop runs no iteration
    fresh = _iterator([5, 6])
    assert int(total(fresh)) == 11


def test_break_leaves_the_next_element_in_the_iterator():
    @tf.function
    def upto(it, limit):
        s = tf.constant(0)
        for x in it:
            if x > limit:
                break
            s += x
        return s

    it = _iterator(np.arange(1, 11))
    assert int(upto(it, tf.constant(3))) == 1 + 2 + 3  # 4 ended the loop: it was taken, so it is gone (as TF)
    assert int(next(it)) == 5
    assert int(upto(it, tf.constant(7))) == 6 + 7
    assert int(upto(it, tf.constant(100))) == 9 + 10
