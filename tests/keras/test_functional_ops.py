"""Python operators on the functional API's symbolic tensors build layers; raw ops on them raise a clear error."""
import numpy as np
import pytest

import pytensor as tf
from pytensor import keras
from pytensor.keras import layers


def test_operators_on_keras_tensors_build_a_model_that_computes_them():
    inputs = keras.Input(shape=(4,))
    dense = layers.Dense(8)
    x = dense(inputs)
    y = (x * 2 + 1) - x / 4
    z = 1.5 - abs(-y)[:, :3] ** 2
    w = y @ np.ones((8, 2), np.float32)
    model = keras.Model(inputs, [z, w])
    assert z.shape == (None, 3) and w.shape == (None, 2)
    a = np.random.default_rng(0).random((5, 4)).astype(np.float32)
    got_z, got_w = model(a)
    h = dense(a).numpy()
    want_y = (h * 2 + 1) - h / 4
    np.testing.assert_allclose(got_z.numpy(), 1.5 - np.abs(want_y)[:, :3] ** 2, rtol=1e-5)
    np.testing.assert_allclose(got_w.numpy(), want_y @ np.ones((8, 2)), rtol=1e-5)


def test_operator_between_two_symbolic_tensors_and_training():
    a, b = keras.Input(shape=(3,)), keras.Input(shape=(3,))
    out = layers.Dense(1)(a * b + a)
    model = keras.Model([a, b], out)
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    rng = np.random.default_rng(1)
    xa, xb = rng.random((64, 3)).astype(np.float32), rng.random((64, 3)).astype(np.float32)
    target = (xa * xb + xa).sum(axis=1, keepdims=True)
    history = model.fit([xa, xb], target, epochs=20, batch_size=16, verbose=0).history
    assert history["loss"][-1] < 0.5 * history["loss"][0]


def test_raw_op_on_a_keras_tensor_names_the_op_and_the_fix():
    x = keras.Input(shape=(4,))
    with pytest.raises(TypeError, match=r"relu: .*symbolic tensor.*Lambda"):
        tf.nn.relu(x)
    with pytest.raises(TypeError, match="iterated"):
        list(x)
    with pytest.raises(TypeError, match="Python `if`"):
        bool(x)
