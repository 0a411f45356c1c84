"""Conv2DTranspose and Conv1DTranspose against real Keras 3 outputs, finite-difference gradients and training."""
import numpy as np
import pytest

import pytensor as pt
from pytensor import keras
from pytensor.keras import layers
from keras3_reference import assert_matches_keras, check_weight_gradients, reference

CASES = [
    ("conv2d_transpose_same_s2", lambda: layers.Conv2DTranspose(4, 3, strides=2, padding="same")),
    ("conv2d_transpose_valid", lambda: layers.Conv2DTranspose(2, (3, 2), strides=(2, 1), padding="valid",
                                                              activation="relu")),
    ("conv2d_transpose_outpad", lambda: layers.Conv2DTranspose(3, 3, strides=2, padding="valid",
                                                               output_padding=1)),
    ("conv2d_transpose_nobias", lambda: layers.Conv2DTranspose(2, 2, use_bias=False)),
    ("conv2d_transpose_dilated", lambda: layers.Conv2DTranspose(2, 3, dilation_rate=2, padding="same")),
    ("conv1d_transpose_same_s2", lambda: layers.Conv1DTranspose(4, 3, strides=2, padding="same")),
    ("conv1d_transpose_valid", lambda: layers.Conv1DTranspose(2, 4, strides=3, padding="valid")),
]


@pytest.mark.parametrize("name,make", CASES, ids=[c[0] for c in CASES])
def test_forward_matches_keras(name, make):
    layer = make()
    outputs = assert_matches_keras(name, layer)
    assert layer.compute_output_shape(reference()[f"{name}/x0"].shape) == outputs[0].shape


def test_config_keys_match_keras_and_round_trip():
    for layer in (layers.Conv2DTranspose(2, 3), layers.Conv1DTranspose(2, 3)):
        config = layer.get_config()
        assert sorted(config) == list(reference()[f"config/{type(layer).__name__}"])
        assert type(layer).from_config(config).get_config() == config


def test_kernel_layout_is_keras():
    layer = layers.Conv2DTranspose(5, (3, 2))
    layer(pt.ones((1, 4, 4, 7)))
    assert [tuple(w.shape) for w in layer.weights] == [(3, 2, 5, 7), (5,)]


@pytest.mark.parametrize("make,x_shape", [
    (lambda: layers.Conv2DTranspose(2, 3, strides=2, padding="same", dtype="float64"), (2, 3, 4, 2)),
    (lambda: layers.Conv2DTranspose(2, 2, strides=(1, 2), padding="valid", output_padding=(0, 1),
                                    dtype="float64"), (1, 3, 3, 3)),
    (lambda: layers.Conv1DTranspose(3, 3, strides=2, padding="valid", dtype="float64"), (2, 4, 2)),
])
def test_weight_gradients_match_finite_differences(make, x_shape):
    check_weight_gradients(make(), np.random.default_rng(2).normal(size=x_shape))


def test_decoder_training_lowers_the_loss():
    """Conv2D encoder + Conv2DTranspose decoder learn to reconstruct small images."""
    keras.utils.set_random_seed(4)
    x = np.random.default_rng(4).random((64, 8, 8, 1)).astype(np.float32)
    model = keras.Sequential([keras.Input(shape=(8, 8, 1)),
                              layers.Conv2D(4, 3, strides=2, padding="same", activation="relu"),
                              layers.Conv2DTranspose(1, 3, strides=2, padding="same")])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    history = model.fit(x, x, epochs=8, batch_size=16, verbose=0).history["loss"]
    assert history[-1] < 0.5 * history[0]


def test_wrong_rank_names_layer_shapes_and_fix():
    layer = layers.Conv2DTranspose(2, 3, name="deconv")
    with pytest.raises(ValueError, match=r"Conv2DTranspose layer 'deconv'.*rank 4.*\(2, 5, 3\).*Fix"):
        layer(pt.ones((2, 5, 3)))


@pytest.mark.parametrize("kwargs,match", [
    ({"output_padding": 2, "strides": 2}, "output_padding"),
    ({"output_padding": (1, 1, 1)}, "output_padding"),
])
def test_bad_output_padding_raises(kwargs, match):
    with pytest.raises(ValueError, match=match):
        layers.Conv2DTranspose(2, 3, **kwargs)
