"""tf.train.Checkpoint's deferred restoration: values for variables that do not exist at restore time (a module
that creates its variables on its first call, attributes assigned after the restore) are assigned when they are
created, as TensorFlow does."""
import os
import warnings

import numpy as np
import pytest

import pytensor as tf


class LazyDense(tf.Module):
    """Creates its kernel and bias on the first call, from the input's width."""

    def __init__(self, units):
        super().__init__()
        self.units = units
        self.kernel = None

    def __call__(self, x):
        if self.kernel is None:
            self.kernel = tf.Variable(tf.zeros([x.shape[-1], self.units]), name="kernel")
            self.bias = tf.Variable(tf.zeros([self.units]), name="bias")
        return tf.matmul(x, self.kernel) + self.bias


def test_lazily_built_module_is_restored_when_it_creates_its_variables(tmp_path):
    trained = LazyDense(2)
    x = tf.constant([[1.0, 2.0, 3.0]])
    trained(x)
    kernel = np.arange(6, dtype="float32").reshape(3, 2)
    trained.kernel.assign(kernel)
    trained.bias.assign([0.5, -0.5])
    path = tf.train.Checkpoint(model=trained).save(tmp_path / "ckpt")

    fresh = LazyDense(2)
    status = tf.train.Checkpoint(model=fresh).restore(path)
    with pytest.raises(AssertionError, match="model/bias"):
        status.assert_consumed()  # waiting for the variables to exist
    out = fresh(x).numpy()  # creates the variables (zeros); the checkpoint's values replace them at once
    np.testing.assert_array_equal(fresh.kernel.numpy(), kernel)
    np.testing.assert_array_equal(fresh.bias.numpy(), [0.5, -0.5])
    np.testing.assert_allclose(out, x.numpy() @ kernel + [0.5, -0.5])
    status.assert_consumed()


def test_attributes_assigned_after_restore_get_their_values(tmp_path):
    # The TF guide's example: a checkpoint of net.l1.{kernel,bias} restored through stand-in Checkpoints.
    l1 = tf.train.Checkpoint(kernel=tf.Variable(np.full((1, 5), 3.0, "float32")),
                             bias=tf.Variable(np.arange(5, dtype="float32")))
    path = tf.train.Checkpoint(net=tf.train.Checkpoint(l1=l1)).save(tmp_path / "ckpt")

    bias = tf.Variable(tf.zeros([5]))
    fake_layer = tf.train.Checkpoint(bias=bias)
    status = tf.train.Checkpoint(net=tf.train.Checkpoint(l1=fake_layer)).restore(path)
    np.testing.assert_array_equal(bias.numpy(), np.arange(5))
    status.assert_existing_objects_matched()
    kernel = tf.Variable(tf.zeros([1, 5]))
    assert not kernel.numpy().any()
    fake_layer.kernel = kernel
    np.testing.assert_array_equal(kernel.numpy(), np.full((1, 5), 3.0))
    status.assert_consumed()
    # attributes set after construction are saved as well
    again = tf.train.Checkpoint()
    again.mapped = {"one": tf.Variable(1.0)}
    restored = tf.train.Checkpoint()
    path = again.save(tmp_path / "mapped")
    v = tf.Variable(0.0)
    restored.restore(path)
    restored.mapped = {"one": v}
    assert v.numpy() == 1.0


def test_deferred_value_of_the_wrong_shape_is_refused(tmp_path):
    path = tf.train.Checkpoint(w=tf.Variable([1.0, 2.0])).save(tmp_path / "ckpt")
    ckpt = tf.train.Checkpoint()
    ckpt.restore(path)
    with pytest.raises(ValueError, match=r"\(2,\).*\(3,\)"):
        ckpt.w = tf.Variable([0.0, 0.0, 0.0])


def test_checkpoints_written_by_tensorflow_restore_plain_variables():
    """A TF2 object-graph checkpoint (fixtures/make_tf_fixtures.py): its tensor bundle is read, keys match."""
    prefix = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "tf_checkpoint", "ckpt")
    step, w = tf.Variable(0, dtype="int64"), tf.Variable(tf.zeros([1, 3]))
    tf.train.Checkpoint(step=step, w=w).restore(prefix).assert_consumed()
    assert int(step.numpy()) == 42
    np.testing.assert_array_equal(w.numpy(), [[1.5, -2.0, 0.25]])
    assert ("w/.ATTRIBUTES/VARIABLE_VALUE", [1, 3]) in tf.train.list_variables(prefix)


def test_nested_checkpoints_save_no_counters_of_their_own(tmp_path):
    inner = tf.train.Checkpoint(v=tf.Variable(1.0))
    path = tf.train.Checkpoint(inner=inner).save(tmp_path / "ckpt")
    assert [k for k, _ in tf.train.list_variables(path)] == ["_CHECKPOINTABLE_OBJECT_GRAPH",
                                                             "inner/v/.ATTRIBUTES/VARIABLE_VALUE",
                                                             "save_counter/.ATTRIBUTES/VARIABLE_VALUE"]
    tf.train.Checkpoint(inner=tf.train.Checkpoint(v=tf.Variable(0.0))).restore(path) \
        .assert_existing_objects_matched().assert_consumed()


def test_shared_values_and_lists_restored_as_they_grow(tmp_path):
    """TensorFlow's checkpoint guide: a variable reachable along two paths (listed/1 and mapped/two) is stored once
    and restores along either; a list assigned empty restores its elements as they are appended."""
    save = tf.train.Checkpoint()
    save.listed = [tf.Variable(1.0)]
    save.listed.append(tf.Variable(2.0))
    save.mapped = {"one": save.listed[0]}
    save.mapped["two"] = save.listed[1]
    path = save.save(str(tmp_path / "list_example"))
    assert [k for k, _ in tf.train.list_variables(path)] == [
        "_CHECKPOINTABLE_OBJECT_GRAPH", "listed/0/.ATTRIBUTES/VARIABLE_VALUE", "listed/1/.ATTRIBUTES/VARIABLE_VALUE",
        "save_counter/.ATTRIBUTES/VARIABLE_VALUE"]
    restore = tf.train.Checkpoint()
    v2 = tf.Variable(0.0)
    restore.mapped = {"two": v2}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # mapped/one is listed/0, which waits for `listed`: nothing is unused
        status = restore.restore(path)
        del status
    assert v2.numpy() == 2.0
    restore.listed = []
    assert repr(restore.listed) == "ListWrapper([])"
    v1, v_second = tf.Variable(0.0), tf.Variable(0.0)
    restore.listed.append(v1)
    assert v1.numpy() == 1.0
    restore.listed.append(v_second)
    assert v_second.numpy() == 2.0
