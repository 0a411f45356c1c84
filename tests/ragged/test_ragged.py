"""tf.ragged and RaggedTensor against real TensorFlow's recorded results (fixtures/make_ragged_results.py), and
gradients through ragged values against central differences."""

import json
import os
import sys

import numpy as np
import pytest

import pytensor as tf
from finite_differences import central_gradient

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "fixtures"))
from cases import CASES, describe  # noqa: E402

with open(os.path.join(HERE, "fixtures", "tf_ragged_results.json")) as f:
    RECORDED = json.load(f)["results"]


def _close(ours, theirs):
    if isinstance(theirs, list):
        return isinstance(ours, list) and len(ours) == len(theirs) and all(map(_close, ours, theirs))
    if isinstance(theirs, float):
        return isinstance(ours, (int, float)) and np.isclose(ours, theirs, rtol=1e-6, atol=0)
    return ours == theirs


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_tensorflow(name):
    want = RECORDED[name]
    if "error" in want:
        with pytest.raises(Exception) as info:
            eval(CASES[name], {"tf": tf})  # noqa: S307 - our own fixed expressions
        assert type(info.value).__name__ == want["error"], info.value
        return
    got = describe(eval(CASES[name], {"tf": tf}))  # noqa: S307
    assert got.keys() == want.keys(), (got, want)
    for key in want:
        assert _close(got[key], want[key]), f"{key}: {got[key]!r} vs TensorFlow's {want[key]!r}"


def test_repr_shows_the_rows():
    assert repr(tf.ragged.constant([[1, 2], [3]])) == "<pt.RaggedTensor [[1, 2], [3]]>"
    assert str(tf.ragged.constant([["a"], []])) == "<pt.RaggedTensor [[b'a'], []]>"


def test_iteration_and_numpy():
    rt = tf.ragged.constant([[1, 2], [], [3]])
    assert [row.numpy().tolist() for row in rt] == [[1, 2], [], [3]]
    rows = rt.numpy()
    assert rows.dtype == object and [r.tolist() for r in rows] == [[1, 2], [], [3]]
    with pytest.raises(TypeError, match="ambiguous"):
        bool(rt)


def test_factories_say_how_to_build_one():
    with pytest.raises(TypeError, match="from_row_splits"):
        tf.RaggedTensor([1, 2], [0, 2])
    with pytest.raises(TypeError, match="from_tensor"):
        tf.ragged.constant(tf.constant([[1, 2]]))


def _grad_check(build, x0):
    """The tape's gradient of sum(build(x) ** 2) equals central differences in float64."""
    x = tf.Variable(np.asarray(x0, np.float64))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.square(build(x)))
    got = tape.gradient(loss, x).numpy()

    def loss_at(value):
        return float(tf.reduce_sum(tf.square(build(tf.constant(value)))).numpy())

    np.testing.assert_allclose(got, central_gradient(loss_at, x0), rtol=1e-6, atol=1e-8)


def test_gradient_through_to_tensor_and_arithmetic():
    def build(x):
        rt = tf.RaggedTensor.from_row_lengths(x, [2, 0, 3])
        return (rt * 3.0 + rt * rt).to_tensor(default_value=0.5)

    _grad_check(build, [0.3, -1.2, 2.0, 0.7, -0.4])


def test_gradient_through_from_tensor_and_map_flat_values():
    def build(x):
        rt = tf.RaggedTensor.from_tensor(tf.reshape(x, (2, 3)), lengths=[1, 3])
        return tf.ragged.map_flat_values(tf.sin, rt)[:, :2].flat_values

    _grad_check(build, [0.3, -1.2, 2.0, 0.7, -0.4, 1.1])


def test_strings_split_of_a_matrix_keeps_its_shape():
    rt = tf.strings.split(tf.constant([["a b", "c"], ["d", "e f g"]]))
    assert rt.shape.as_list() == [2, 2, None]
    assert rt.to_list() == [[[b"a", b"b"], [b"c"]], [[b"d"], [b"e", b"f", b"g"]]]


def test_empty_string_rows_keep_the_string_dtype():
    rt = tf.ragged.constant([[], []], dtype=tf.string)
    assert rt.dtype == tf.string and rt.to_list() == [[], []]
