"""tf.train.Checkpoint(iterator=iter(dataset)): a restored iterator continues where the saved one was (the TF guide's
training-loop checkpoint)."""
import numpy as np
import pytest

import pytensor as tf


def _dataset():
    inputs = tf.range(10.0)[:, None]
    return tf.data.Dataset.from_tensor_slices(dict(x=inputs, y=inputs * 5.0)).repeat().batch(3)


def test_restored_iterator_continues_where_the_saved_one_was(tmp_path):
    iterator = iter(_dataset())
    step = tf.Variable(0, dtype="int64")
    manager = tf.train.CheckpointManager(tf.train.Checkpoint(step=step, iterator=iterator), tmp_path, max_to_keep=2)
    for _ in range(5):  # crosses the end of one pass (repeat) and a partial batch boundary
        next(iterator)
        step.assign_add(1)
    manager.save()
    expected = [next(iterator)["x"].numpy() for _ in range(3)]

    fresh = iter(_dataset())
    restored_step = tf.Variable(0, dtype="int64")
    tf.train.Checkpoint(step=restored_step, iterator=fresh).restore(manager.latest_checkpoint).assert_consumed()
    assert int(restored_step.numpy()) == 5
    for want in expected:
        np.testing.assert_array_equal(next(fresh)["x"].numpy(), want)
    assert ("iterator/.ATTRIBUTES/ITERATOR_STATE", []) in tf.train.list_variables(manager.latest_checkpoint)


def test_iterator_of_a_shorter_dataset_cannot_be_restored(tmp_path):
    iterator = iter(tf.data.Dataset.range(6))
    for _ in range(4):
        next(iterator)
    path = tf.train.Checkpoint(iterator=iterator).save(tmp_path / "ckpt")
    with pytest.raises(ValueError, match="element 4: its dataset has only 2 elements"):
        tf.train.Checkpoint(iterator=iter(tf.data.Dataset.range(2))).restore(path)
    plain = iter(tf.data.Dataset.range(3))
    assert [int(x) for x in plain] == [0, 1, 2]  # iter(dataset) still iterates as before
