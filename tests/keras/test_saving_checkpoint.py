"""tf.train.Checkpoint / CheckpointManager / latest_checkpoint in a GradientTape training loop."""
import os

import numpy as np
import pytest

import pytensor as tf
from pytensor import keras


def _net():
    return keras.Sequential([keras.layers.Dense(5, activation="relu"), keras.layers.Dense(1)])


def _data():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(20, 3)).astype("float32")
    return x, (x.sum(axis=1, keepdims=True) * 0.5).astype("float32")


def _train_step(net, optimizer, x, y):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(net(x) - y))
    grads = tape.gradient(loss, net.trainable_variables)
    optimizer.apply_gradients(zip(grads, net.trainable_variables))
    return loss


def _fresh(seed):
    tf.random.set_seed(seed)
    net = _net()
    return net, keras.optimizers.Adam(0.05)


def test_custom_loop_resumes_bitwise_with_manager(tmp_path):
    x, y = _data()
    net, opt = _fresh(1)
    for _ in range(6):
        _train_step(net, opt, x, y)
    expected = [w.numpy() for w in net.weights]

    net, opt = _fresh(1)
    step = tf.Variable(0, dtype="int64")
    ckpt = tf.train.Checkpoint(step=step, optimizer=opt, net=net)
    manager = tf.train.CheckpointManager(ckpt, tmp_path / "ckpts", max_to_keep=2)
    assert ckpt.restore(manager.latest_checkpoint) is not None and manager.latest_checkpoint is None
    for _ in range(3):
        _train_step(net, opt, x, y)
        step.assign_add(1)
        manager.save()
    assert [os.path.basename(p) for p in manager.checkpoints] == ["ckpt-2", "ckpt-3"]
    assert sorted(os.listdir(tmp_path / "ckpts")) == ["checkpoint", "ckpt-2.data-00000-of-00001", "ckpt-2.index",
                                                      "ckpt-3.data-00000-of-00001", "ckpt-3.index"]
    assert tf.train.latest_checkpoint(tmp_path / "ckpts") == str(tmp_path / "ckpts" / "ckpt-3")

    # A new process: new objects, nothing built yet. The net's values wait until it is built (deferred).
    net2, opt2 = _fresh(99)
    step2 = tf.Variable(0, dtype="int64")
    ckpt2 = tf.train.Checkpoint(step=step2, optimizer=opt2, net=net2)
    manager2 = tf.train.CheckpointManager(ckpt2, tmp_path / "ckpts", max_to_keep=2)
    status = ckpt2.restore(manager2.latest_checkpoint)
    assert int(step2.numpy()) == 3 and int(opt2.iterations.numpy()) == 3
    with pytest.raises(AssertionError, match="not built"):
        status.assert_consumed()
    for _ in range(3):
        _train_step(net2, opt2, x, y)
    status.assert_consumed()
    for a, b in zip(expected, net2.weights):
        np.testing.assert_array_equal(a, b.numpy())
    assert manager2.save().endswith("ckpt-4")  # numbering continues from the restored save counter
    assert [os.path.basename(p) for p in manager2.checkpoints] == ["ckpt-3", "ckpt-4"]


def test_save_write_read_and_layout(tmp_path):
    net, opt = _fresh(2)
    x, y = _data()
    _train_step(net, opt, x, y)
    ckpt = tf.train.Checkpoint(model=net, optimizer=opt)
    path = ckpt.save(tmp_path / "run" / "ckpt")
    assert path == str(tmp_path / "run" / "ckpt-1")
    # TensorFlow 2.21's keys for a Keras 3 Sequential and Adam (tf.train.list_variables of the same objects): each
    # variable under its shortest path, here the optimizer's _trainable_variables (the model's path is
    # model/_functional/_operations/1/_kernel), the optimizer's slots as its _variables in Keras's order (0:
    # iterations, 1: learning rate, then m and v of each variable)
    reader = tf.train.load_checkpoint(path)
    assert sorted(reader.get_variable_to_shape_map()) == sorted(
        ["_CHECKPOINTABLE_OBJECT_GRAPH", "save_counter/.ATTRIBUTES/VARIABLE_VALUE"] +
        [f"optimizer/{name}/.ATTRIBUTES/VARIABLE_VALUE" for name in
         ["_iterations", "_learning_rate"] + [f"_trainable_variables/{i}" for i in range(4)] +
         [f"_variables/{i}" for i in range(2, 10)]])
    kernel = reader.get_tensor("optimizer/_trainable_variables/0/.ATTRIBUTES/VARIABLE_VALUE")
    m = reader.get_tensor("optimizer/_variables/2/.ATTRIBUTES/VARIABLE_VALUE")
    v_bias = reader.get_tensor("optimizer/_variables/5/.ATTRIBUTES/VARIABLE_VALUE")
    assert reader.get_tensor("optimizer/_iterations/.ATTRIBUTES/VARIABLE_VALUE") == 1
    assert reader.get_variable_to_dtype_map()["optimizer/_learning_rate/.ATTRIBUTES/VARIABLE_VALUE"] == tf.float32
    assert reader.get_variable_to_shape_map()["optimizer/_trainable_variables/3/.ATTRIBUTES/VARIABLE_VALUE"] == [1]
    np.testing.assert_array_equal(kernel, net.layers[0].kernel.numpy())
    np.testing.assert_array_equal(m, opt._slots_of(net.layers[0].kernel)[0].numpy())
    np.testing.assert_array_equal(v_bias, opt._slots_of(net.layers[0].bias)[1].numpy())
    with pytest.raises(tf.errors.NotFoundError, match="model/kernel"):
        reader.get_tensor("model/kernel")
    written = ckpt.write(tmp_path / "plain")
    assert os.path.exists(written + ".index") and not os.path.exists(tmp_path / "checkpoint")
    saved = net.layers[0].kernel.numpy()
    net.layers[0].kernel.assign(np.zeros_like(saved))
    ckpt.read(written).assert_consumed()
    np.testing.assert_array_equal(net.layers[0].kernel.numpy(), saved)


def test_partial_restore_and_errors(tmp_path):
    net, opt = _fresh(3)
    net.build((None, 3))
    full = tf.train.Checkpoint(model=net, optimizer=opt, extra=tf.Variable([1.0, 2.0]))
    path = full.save(tmp_path / "ckpt")
    only_model = tf.train.Checkpoint(model=net)
    status = only_model.restore(path)
    with pytest.raises(AssertionError, match="extra"):
        status.assert_consumed()
    status.expect_partial()
    status.assert_existing_objects_matched()
    wrong = tf.train.Checkpoint(extra=tf.Variable([1.0, 2.0, 3.0]))
    with pytest.raises(ValueError, match=r"extra.*\(2,\).*\(3,\)"):
        wrong.restore(path).expect_partial()
    with pytest.raises(ValueError, match="no checkpoint"):
        only_model.restore(tmp_path / "missing")
    with pytest.raises(ValueError, match="`data`.*nothing a checkpoint can save"):
        tf.train.Checkpoint(data=[1, 2, 3])
    assert tf.train.latest_checkpoint(tmp_path / "empty") is None
    with pytest.raises(ValueError, match="max_to_keep"):
        tf.train.CheckpointManager(full, tmp_path, max_to_keep=0)


def test_module_like_objects_and_nested_checkpoints(tmp_path):
    class Linear:
        def __init__(self):
            self.w = tf.Variable(np.arange(6, dtype="float32").reshape(2, 3))
            self.layers = [tf.Variable(1.5)]
    obj = Linear()
    inner = tf.train.Checkpoint(v=tf.Variable(4.0))
    ckpt = tf.train.Checkpoint(obj=obj, inner=inner)
    path = ckpt.write(tmp_path / "m")
    obj.w.assign(np.zeros((2, 3), "float32"))
    obj.layers[0].assign(0.0)
    inner.v.assign(0.0)
    ckpt.restore(path).assert_consumed()
    np.testing.assert_array_equal(obj.w.numpy(), np.arange(6).reshape(2, 3))
    assert obj.layers[0].numpy() == 1.5 and inner.v.numpy() == 4.0


def test_list_variables_and_load_variable(tmp_path):
    step = tf.Variable(3, dtype="int64")
    w = tf.Variable(np.arange(6, dtype="float32").reshape(2, 3))
    prefix = tf.train.Checkpoint(step=step, w=w).write(str(tmp_path / "ckpt"))
    listed = tf.train.list_variables(prefix)
    assert listed == [("_CHECKPOINTABLE_OBJECT_GRAPH", []), ("save_counter/.ATTRIBUTES/VARIABLE_VALUE", []),
                      ("step/.ATTRIBUTES/VARIABLE_VALUE", []), ("w/.ATTRIBUTES/VARIABLE_VALUE", [2, 3])]
    np.testing.assert_array_equal(tf.train.load_variable(prefix, "w/.ATTRIBUTES/VARIABLE_VALUE"), w.numpy())
    with pytest.raises(ValueError, match="no value 'v'"):
        tf.train.load_variable(prefix, "v")
    with pytest.raises(ValueError, match="No checkpoint"):
        tf.train.list_variables(str(tmp_path / "other"))


class _PlainVariableModel(keras.Model):
    """A model holding plain tf.Variables (TF's basic-training-loops guide): Keras 3 does not count them as
    weights, but TensorFlow's checkpoint saves them by attribute."""

    def __init__(self):
        super().__init__()
        self.w = tf.Variable(5.0)
        self.b = tf.Variable(0.0)
        self.scale = keras.Variable(2.0, name="scale")

    def call(self, x):
        return self.scale * (self.w * x + self.b)


def test_plain_tf_variables_are_not_keras_weights_but_are_checkpointed(tmp_path):
    # Keras 3 on TF: trainable_variables == ['scale'] only, so fit leaves w and b alone (recorded from TF 2.21).
    model = _PlainVariableModel()
    assert [v.name for v in model.trainable_variables] == ["scale"]
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    model.fit(np.ones((4, 1), "float32"), np.zeros((4, 1), "float32"), epochs=1, verbose=0)
    assert (float(model.w.numpy()), float(model.b.numpy())) == (5.0, 0.0)
    # mse = (scale * 5)^2 = 100, d/dscale = 2 * scale * 25 = 100: 2 - 0.1 * 100 (TF gives -8.0 too)
    assert float(model.scale.numpy()) == -8.0
    checkpoint = tf.train.Checkpoint(model=model)
    prefix = checkpoint.save(str(tmp_path / "ckpt"))
    assert ("model/w/.ATTRIBUTES/VARIABLE_VALUE", []) in tf.train.list_variables(prefix)
    model.w.assign(1.0)
    checkpoint.restore(prefix)
    assert float(model.w.numpy()) == 5.0
