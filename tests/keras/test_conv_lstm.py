"""ConvLSTM1D and ConvLSTM2D against real Keras 3 outputs (fixtures/layers_keras3_conv.npz, made by
fixtures/record_layers_conv.py), finite-difference gradients, a training run and bad input."""
import os

import numpy as np
import pytest

import pytensor as pt
from pytensor import keras
from pytensor.keras import layers
from keras3_reference import assert_matches_keras, check_weight_gradients, reference

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "layers_keras3_conv.npz")

CASES = [
    ("conv_lstm2d_same_seq", lambda: layers.ConvLSTM2D(3, 3, padding="same", return_sequences=True)),
    ("conv_lstm2d_valid_backwards", lambda: layers.ConvLSTM2D(2, (2, 3), go_backwards=True, use_bias=False)),
    ("conv_lstm2d_strided_state", lambda: layers.ConvLSTM2D(2, 3, strides=2, padding="same", return_state=True,
                                                            unit_forget_bias=False)),
    ("conv_lstm1d_same_seq", lambda: layers.ConvLSTM1D(3, 3, padding="same", return_sequences=True,
                                                       activation="relu")),
    ("conv_lstm1d_mask", lambda: layers.ConvLSTM1D(2, 2, dilation_rate=2, return_sequences=True)),
]


@pytest.mark.parametrize("name,make", CASES, ids=[c[0] for c in CASES])
def test_forward_matches_keras(name, make):
    layer = make()
    outputs = assert_matches_keras(name, layer, fixture=FIXTURE)
    shapes = layer.compute_output_shape(reference(FIXTURE)[f"{name}/x0"].shape)
    shapes = shapes if isinstance(shapes, list) else [shapes]
    assert [tuple(s) for s in shapes] == [o.shape for o in outputs]


@pytest.mark.parametrize("class_name,make", [("ConvLSTM1D", lambda: layers.ConvLSTM1D(2, 3)),
                                             ("ConvLSTM2D", lambda: layers.ConvLSTM2D(2, 3))])
def test_config_keys_match_keras_and_round_trip(class_name, make):
    layer = make()
    config = layer.get_config()
    assert sorted(config) == list(reference(FIXTURE)[f"config/{class_name}"])
    assert type(layer).from_config(config).get_config() == config


def test_weights_and_forget_bias_are_keras():
    layer = layers.ConvLSTM2D(3, (3, 2))
    layer(pt.ones((1, 2, 5, 5, 4)))
    assert [w.name for w in layer.weights] == ["kernel", "recurrent_kernel", "bias"]  # Keras 3: no TF ":0"
    assert [tuple(w.shape) for w in layer.weights] == [(3, 2, 4, 12), (3, 2, 3, 12), (12,)]
    np.testing.assert_array_equal(layer.bias.numpy(), [0] * 3 + [1] * 3 + [0] * 6)


@pytest.mark.parametrize("make,x_shape", [
    (lambda: layers.ConvLSTM2D(2, 2, padding="same", return_sequences=True, dtype="float64"), (2, 3, 3, 3, 2)),
    (lambda: layers.ConvLSTM1D(2, 3, strides=2, go_backwards=True, dtype="float64"), (2, 3, 5, 2)),
])
def test_weight_gradients_match_finite_differences(make, x_shape):
    check_weight_gradients(make(), np.random.default_rng(12).normal(size=x_shape), max_entries=12)


def test_initial_state_is_used_and_checked():
    rng = np.random.default_rng(13)
    layer = layers.ConvLSTM1D(2, 3, padding="same", return_state=True)
    x = pt.constant(rng.normal(size=(2, 3, 4, 1)).astype(np.float32))
    _, h, c = layer(x)
    # one more step from the returned states equals the last step of a 4-step run
    x4 = pt.concat([x, x[:, :1]], axis=1)
    out4, _, _ = layer(x4)
    out1, _, _ = layer(x[:, :1], initial_state=[h, c])
    np.testing.assert_allclose(out1.numpy(), out4.numpy(), rtol=1e-6, atol=1e-6)
    with pytest.raises(ValueError, match=r"ConvLSTM1D.*initial_state.*\(2, 4, 2\)"):
        layer(x, initial_state=[pt.zeros((2, 2))])


def test_frame_prediction_training_lowers_the_loss():
    """A ConvLSTM2D learns to output the last frame of a short sequence of moving dots."""
    keras.utils.set_random_seed(14)
    rng = np.random.default_rng(14)
    x = np.zeros((32, 3, 6, 6, 1), np.float32)
    for i in range(32):
        r, c = rng.integers(0, 6, 2)
        for t in range(3):
            x[i, t, r, (c + t) % 6, 0] = 1.0
    model = keras.Sequential([keras.Input(shape=(3, 6, 6, 1)),
                              layers.ConvLSTM2D(4, 3, padding="same"),
                              layers.Conv2D(1, 1)])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse")
    history = model.fit(x, x[:, -1], epochs=10, batch_size=8, verbose=0).history["loss"]
    assert history[-1] < 0.5 * history[0]


@pytest.mark.parametrize("make,shape,example", [
    (lambda: layers.ConvLSTM2D(2, 3, name="clstm"), (2, 5, 5, 3), r"\(batch, time, rows, cols, channels\)"),
    (lambda: layers.ConvLSTM1D(2, 3, name="clstm"), (2, 5, 3), r"\(batch, time, steps, channels\)"),
])
def test_wrong_rank_names_layer_shapes_and_fix(make, shape, example):
    layer = make()
    name = type(layer).__name__
    with pytest.raises(ValueError, match=rf"(?s){name} layer 'clstm'.*{example}.*{shape}.*Fix"):
        layer(pt.ones(shape))


@pytest.mark.parametrize("make,match", [
    (lambda: layers.ConvLSTM2D(2, 3, padding="causal"), r"ConvLSTM2D.*padding.*'causal'"),
    (lambda: layers.ConvLSTM1D(0, 3), r"ConvLSTM1D.*filters"),
    (lambda: layers.ConvLSTM2D(2, 3, dropout=1.5), r"ConvLSTM2D.*dropout"),
    (lambda: layers.ConvLSTM2D(2, 3, stateful=True), r"ConvLSTM2D.*stateful"),
])
def test_bad_arguments_raise_value_error(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_mismatched_mask_raises():
    layer = layers.ConvLSTM1D(2, 3)
    with pytest.raises(ValueError, match="ConvLSTM1D"):
        layer(pt.ones((2, 4, 5, 1)), mask=pt.ones((2, 3), dtype=pt.bool))
