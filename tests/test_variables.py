"""tf.variable_creator_scope: every tf.Variable made in the block (Keras weights too) goes through the creators,
innermost first, each handing on to the scope around it with next_creator(**kwargs), as TF 2.21 does."""
import numpy as np
import pytest

import pytensor as tf

# The keyword arguments TF 2.21's creators receive (checked in TF: tf.Variable's signature)
TF_KWARGS = ["aggregation", "caching_device", "constraint", "dtype", "experimental_enable_variable_lifting",
             "import_scope", "initial_value", "name", "shape", "synchronization", "trainable", "validate_shape",
             "variable_def"]


def test_nested_creators_chain_innermost_first():
    log = []

    def outer(next_creator, **kwargs):
        log.append(("outer", sorted(kwargs), kwargs["name"], kwargs["trainable"]))
        return next_creator(**kwargs)

    def inner(next_creator, **kwargs):
        log.append(("inner", kwargs["name"], kwargs["trainable"]))
        kwargs["trainable"] = False
        return next_creator(**kwargs)

    with tf.variable_creator_scope(outer):
        with tf.variable_creator_scope(inner):
            with tf.name_scope("block"):
                v = tf.Variable(lambda: tf.constant([1.0, 2.0]), name="v")
        after_inner = tf.Variable(3.0, name="w")
    plain = tf.Variable(4.0)
    assert log == [("inner", "v", None), ("outer", TF_KWARGS, "v", False), ("outer", TF_KWARGS, "w", None)]
    assert isinstance(v, tf.Variable) and not v.trainable and v.name == "block/v:0"
    np.testing.assert_array_equal(v.numpy(), [1.0, 2.0])
    assert after_inner.trainable and plain.trainable and float(plain) == 4.0
    assert len(log) == 3  # the variable made outside every scope met no creator


def test_creator_result_is_what_tf_variable_returns():
    def constant_instead(next_creator, **kwargs):
        return tf.constant(kwargs["initial_value"]) * 2.0

    with tf.variable_creator_scope(constant_instead):
        made = tf.Variable(1.5)
    assert not isinstance(made, tf.Variable) and float(made) == 3.0

    kept = []

    def twice(next_creator, **kwargs):  # a creator may call next_creator more than once
        kept.append(next_creator(**kwargs))
        return next_creator(**dict(kwargs, initial_value=7.0, dtype=tf.float64))

    with tf.variable_creator_scope(twice):
        v = tf.Variable(1.0)
    assert float(kept[0]) == 1.0 and kept[0].dtype == tf.float32
    assert float(v) == 7.0 and v.dtype == tf.float64


def test_a_creator_may_return_an_existing_variable_unchanged():
    shared = tf.Variable([1.0, 2.0], name="shared")
    with tf.variable_creator_scope(lambda next_creator, **kwargs: shared):
        again = tf.Variable([9.0, 9.0], name="other")
    assert again is shared and shared.name == "shared:0"  # not initialised a second time
    np.testing.assert_array_equal(shared.numpy(), [1.0, 2.0])


def test_keras_weights_go_through_the_creators():
    seen = []

    def record(next_creator, **kwargs):
        seen.append(kwargs["name"])
        kwargs["trainable"] = False
        return next_creator(**kwargs)

    with tf.variable_creator_scope(record):
        layer = tf.keras.layers.Dense(2, name="dense_creator")
        layer.build((None, 3))
    assert seen == ["dense_creator/kernel", "dense_creator/bias"]
    # Keras 3 keeps its own trainable flag, as under TF (its weights wrap the tf.Variable)
    assert [w.trainable for w in layer.weights] == [True, True]


def test_scope_ends_on_errors_and_refuses_a_non_callable():
    def failing(next_creator, **kwargs):
        raise RuntimeError("creator failed")

    with pytest.raises(RuntimeError, match="creator failed"):
        with tf.variable_creator_scope(failing):
            tf.Variable(1.0)
    assert float(tf.Variable(2.0)) == 2.0  # the scope is gone
    with pytest.raises(TypeError, match="variable_creator must be callable"):
        with tf.variable_creator_scope(5):
            pass
