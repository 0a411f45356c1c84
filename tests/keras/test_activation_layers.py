"""Softmax, ReLU, LeakyReLU, PReLU, ELU and Masking against real Keras 3 outputs (fixtures/record_layers.py)."""
import warnings

import numpy as np
import pytest

import pytensor as pt
from pytensor import keras
from pytensor.keras import layers
from keras3_reference import assert_matches_keras, check_weight_gradients, reference

CASES = [
    ("softmax", lambda: layers.Softmax()),
    ("softmax_axis12", lambda: layers.Softmax(axis=(1, 2))),
    ("softmax_mask", lambda: layers.Softmax()),
    ("leaky_relu", lambda: layers.LeakyReLU(negative_slope=0.2)),
    ("leaky_relu_default", lambda: layers.LeakyReLU()),
    ("relu", lambda: layers.ReLU()),
    ("relu_args", lambda: layers.ReLU(max_value=1.5, negative_slope=0.1, threshold=0.5)),
    ("elu", lambda: layers.ELU(alpha=0.7)),
    ("prelu", lambda: layers.PReLU()),
    ("prelu_shared", lambda: layers.PReLU(shared_axes=[1, 2])),
    ("masking", lambda: layers.Masking(mask_value=0.0)),
    ("masking_value", lambda: layers.Masking(mask_value=-1.0)),
]


@pytest.mark.parametrize("name,make", CASES, ids=[c[0] for c in CASES])
def test_forward_matches_keras(name, make):
    assert_matches_keras(name, make())


@pytest.mark.parametrize("name,mask_value", [("masking", 0.0), ("masking_value", -1.0)])
def test_masking_mask_matches_keras(name, mask_value):
    x = pt.constant(reference()[f"{name}/x0"])
    out = layers.Masking(mask_value=mask_value)(x)
    np.testing.assert_array_equal(out._keras_mask.numpy(), reference()[f"{name}/out_mask"])


def test_masking_feeds_lstm_like_dropping_the_steps():
    """A masked step is skipped: LSTM over [a, 0, b] with Masking equals LSTM over [a, b]."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 3, 4)).astype(np.float32)
    x[:, 1] = 0.0
    lstm = layers.LSTM(5)
    model = keras.Sequential([layers.Masking(0.0), lstm])
    np.testing.assert_allclose(model(pt.constant(x)).numpy(), lstm(pt.constant(x[:, [0, 2]])).numpy(), atol=1e-6)


def test_config_keys_match_keras():
    made = {"Softmax": layers.Softmax(), "Masking": layers.Masking(), "LeakyReLU": layers.LeakyReLU(),
            "ReLU": layers.ReLU(), "PReLU": layers.PReLU(), "ELU": layers.ELU()}
    for class_name, layer in made.items():
        assert sorted(layer.get_config()) == list(reference()[f"config/{class_name}"]), class_name
        clone = type(layer).from_config(layer.get_config())
        assert clone.get_config() == layer.get_config()


def test_leaky_relu_accepts_tf2_alpha_with_a_warning():
    with pytest.warns(UserWarning, match="negative_slope"):
        layer = layers.LeakyReLU(alpha=0.5)
    np.testing.assert_allclose(layer(pt.constant([-2.0, 3.0])).numpy(), [-1.0, 3.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        layers.LeakyReLU(negative_slope=0.1)


@pytest.mark.parametrize("make,match", [
    (lambda: layers.LeakyReLU(negative_slope=-0.1), "negative_slope"),
    (lambda: layers.ReLU(max_value=-1.0), "max_value"),
    (lambda: layers.ReLU(threshold=-1.0), "threshold"),
])
def test_bad_arguments_raise(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_softmax_mismatched_mask_names_layer_and_shapes():
    layer = layers.Softmax(name="attn_softmax")
    with pytest.raises(ValueError, match=r"attn_softmax.*inputs.shape=\(2, 3, 4\).*mask.shape=\(2, 5\)"):
        layer(pt.ones((2, 3, 4)), mask=pt.constant(np.ones((2, 5), bool)))


def test_prelu_wrong_input_shape_names_layer_and_shapes():
    layer = layers.PReLU(name="act")
    layer(pt.ones((2, 3, 4)))
    with pytest.raises(ValueError, match=r"PReLU layer 'act'.*\(2, 3, 5\)"):
        layer(pt.ones((2, 3, 5)))


def test_prelu_weight_gradients_match_finite_differences():
    layer = layers.PReLU(shared_axes=[1], alpha_initializer=keras.initializers.RandomUniform(0.1, 0.5),
                         dtype="float64")
    x = np.random.default_rng(1).normal(size=(3, 4, 5))
    check_weight_gradients(layer, x)


def test_prelu_training_lowers_the_loss():
    """A PReLU learns the slope of a leaky target: the loss falls and alpha moves towards 0.25."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(256, 4)).astype(np.float32)
    y = np.where(x > 0, x, 0.25 * x)
    model = keras.Sequential([keras.Input(shape=(4,)), layers.PReLU()])
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="mse")
    history = model.fit(x, y, epochs=5, batch_size=32, verbose=0).history["loss"]
    assert history[-1] < 0.1 * history[0]
    np.testing.assert_allclose(model.layers[0].alpha.numpy(), 0.25, atol=0.03)
