"""tf.nn.RNNCell{Dropout,Residual,Device}Wrapper around Keras cells, in keras.layers.RNN: against the wrapped
cell run by hand."""

import numpy as np
import pytest

import pytensor as tf
from pytensor import keras

X = np.random.default_rng(1).normal(size=(3, 5, 4)).astype(np.float32)


def _run(cell, return_sequences=True):
    return keras.layers.RNN(cell, return_sequences=return_sequences)(tf.constant(X)).numpy()


def _simple_cell():
    tf.keras.utils.set_random_seed(4)
    return keras.layers.SimpleRNNCell(4)


def test_device_and_unit_keep_dropout_wrappers_change_nothing():
    plain = _run(_simple_cell())  # a bare SimpleRNNCell runs the fused recurrence; a wrapped one step by step
    np.testing.assert_allclose(_run(tf.nn.RNNCellDeviceWrapper(_simple_cell(), "/cpu:0")), plain, atol=1e-6)
    np.testing.assert_allclose(_run(tf.nn.RNNCellDropoutWrapper(_simple_cell())), plain, atol=1e-6)


def test_residual_wrapper_adds_the_inputs():
    cell = _simple_cell()
    wrapped = tf.nn.RNNCellResidualWrapper(cell)
    out = _run(wrapped)
    # by hand: h_t = tanh(x_t W + h_{t-1} U + b), output_t = h_t + x_t
    w, u, b = (v.numpy() for v in cell.weights)
    h = np.zeros((3, 4), np.float32)
    for t in range(5):
        h = np.tanh(X[:, t] @ w + h @ u + b)
        np.testing.assert_allclose(out[:, t], h + X[:, t], rtol=1e-5, atol=1e-6)
    custom = tf.nn.RNNCellResidualWrapper(_simple_cell(), residual_fn=lambda inputs, output: output - inputs)
    assert _run(custom).shape == (3, 5, 4)
    with pytest.raises(ValueError, match="cannot be added"):
        _run(tf.nn.RNNCellResidualWrapper(keras.layers.SimpleRNNCell(3)))


def test_output_dropout_scales_kept_values_and_variational_masks_repeat():
    plain = _run(_simple_cell())
    dropped = _run(tf.nn.RNNCellDropoutWrapper(_simple_cell(), output_keep_prob=0.5, seed=3))
    kept = dropped != 0
    assert 0 < kept.mean() < 1
    np.testing.assert_allclose(dropped[kept], plain[kept] / 0.5, rtol=1e-5)
    variational = _run(tf.nn.RNNCellDropoutWrapper(_simple_cell(), output_keep_prob=0.5, variational_recurrent=True,
                                                   seed=3))
    zeros = variational == 0
    assert zeros.any() and all(np.array_equal(zeros[:, 0], zeros[:, t]) for t in range(5))


def test_wrapper_config_and_bad_arguments():
    wrapper = tf.nn.RNNCellDropoutWrapper(_simple_cell(), input_keep_prob=0.8)
    config = wrapper.get_config()
    assert config["input_keep_prob"] == 0.8 and config["cell"]["class_name"] == "SimpleRNNCell"
    with pytest.raises(ValueError, match="output_keep_prob must be in"):
        tf.nn.RNNCellDropoutWrapper(_simple_cell(), output_keep_prob=0.0)
    with pytest.raises(ValueError, match="must be an RNN cell"):
        tf.nn.RNNCellResidualWrapper(object())
