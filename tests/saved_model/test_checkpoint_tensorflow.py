"""Checkpoints shared with real TensorFlow 2.21 + Keras 3: a checkpoint TF wrote of a Keras model and its Adam
optimizer (fixtures/make_tf_keras_checkpoint.py) restores here, keys and all, and training continues as it did
under TF; pytensor's checkpoints are TF's format (fixtures/check_tf_reads_pytensor_checkpoint.py restores one in
TF)."""
import os

import numpy as np
import pytest

import pytensor as tf

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
TF_CKPT = os.path.join(FIXTURES, "tf_keras_checkpoint")


def _model():
    return tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.BatchNormalization(),
                                tf.keras.layers.Dense(4, activation="relu"), tf.keras.layers.Dense(2)])


def _step(net, optimizer, x, y):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(net(x, training=True) - y))
    grads = tape.gradient(loss, net.trainable_variables)
    optimizer.apply_gradients(zip(grads, net.trainable_variables))


@pytest.fixture(scope="module")
def expected():
    return np.load(os.path.join(FIXTURES, "keras_checkpoint.npz"))


def test_tensorflow_checkpoint_restores_and_training_continues(expected):
    net, optimizer, step = _model(), tf.keras.optimizers.Adam(0.05), tf.Variable(0, dtype="int64")
    path = tf.train.latest_checkpoint(TF_CKPT)
    assert path == os.path.join(TF_CKPT, "ckpt-1")
    status = tf.train.Checkpoint(step=step, model=net, optimizer=optimizer).restore(path)
    status.assert_existing_objects_matched()
    with pytest.raises(AssertionError, match="optimizer/_variables"):
        status.assert_consumed()  # the slots wait for the optimizer's first step, as in TF
    assert int(step.numpy()) == 7 and int(optimizer.iterations.numpy()) == 1
    for i, weight in enumerate(net.get_weights()):
        np.testing.assert_array_equal(weight, expected[f"saved_{i}"])
    np.testing.assert_allclose(net(expected["x"], training=False).numpy(), expected["predicted"], rtol=1e-5,
                               atol=1e-6)
    _step(net, optimizer, expected["x"], expected["y"])  # needs Adam's restored m, v and step count
    status.assert_consumed()
    for i, weight in enumerate(net.get_weights()):
        np.testing.assert_allclose(weight, expected[f"next_{i}"], rtol=1e-5, atol=1e-6)


def test_keys_match_tensorflows(tmp_path, expected):
    """Restored and saved again here, the checkpoint holds exactly the keys TF wrote, with the same values."""
    net, optimizer, step = _model(), tf.keras.optimizers.Adam(0.05), tf.Variable(0, dtype="int64")
    ckpt = tf.train.Checkpoint(step=step, model=net, optimizer=optimizer)
    ckpt.restore(tf.train.latest_checkpoint(TF_CKPT))
    optimizer.build(net.trainable_variables)  # Keras's optimizer.build: creates (and so restores) the slots
    ours = tf.train.load_checkpoint(ckpt.write(str(tmp_path / "again")))
    theirs = tf.train.load_checkpoint(TF_CKPT)
    keys = set(theirs.get_variable_to_shape_map()) - {"_CHECKPOINTABLE_OBJECT_GRAPH"}
    assert set(ours.get_variable_to_shape_map()) - {"_CHECKPOINTABLE_OBJECT_GRAPH"} == keys
    for key in keys:
        if key != "save_counter/.ATTRIBUTES/VARIABLE_VALUE":  # write() does not count saves
            np.testing.assert_array_equal(ours.get_tensor(key), theirs.get_tensor(key), err_msg=key)
        assert ours.get_variable_to_dtype_map()[key] == theirs.get_variable_to_dtype_map()[key], key


def test_reader_of_tensorflows_checkpoint():
    reader = tf.train.load_checkpoint(TF_CKPT)  # a folder: its latest checkpoint
    key = "model/_functional/_operations/1/moving_mean/.ATTRIBUTES/VARIABLE_VALUE"
    assert reader.has_tensor(key) and reader.get_variable_to_shape_map()[key] == [3]
    assert reader.get_variable_to_dtype_map()["optimizer/_iterations/.ATTRIBUTES/VARIABLE_VALUE"] == tf.int64
    assert isinstance(reader.get_tensor("_CHECKPOINTABLE_OBJECT_GRAPH"), bytes)
    assert ("step/.ATTRIBUTES/VARIABLE_VALUE", []) in tf.train.list_variables(TF_CKPT)
    with pytest.raises(tf.errors.NotFoundError, match="not found in checkpoint"):
        reader.get_tensor("model/kernel")
