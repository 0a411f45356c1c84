"""TimeDistributed against real Keras 3 outputs for the same weights (fixtures/layers_keras3_part2.npz), masks,
gradients, training, configs and bad input; Identity; the Keras 3 config keys of Flatten, Permute, RepeatVector
and Reshape."""
import numpy as np
import pytest

import pytensor as pt
from pytensor import keras
from pytensor.keras import layers
from keras3_reference import PART2, assert_matches_keras, check_weight_gradients, reference


@pytest.mark.parametrize("name,make", [
    ("time_distributed_dense", lambda: layers.TimeDistributed(layers.Dense(3))),
    ("time_distributed_conv2d", lambda: layers.TimeDistributed(layers.Conv2D(2, 3, padding="same"))),
    ("time_distributed_mask", lambda: layers.TimeDistributed(layers.Dense(3))),
], ids=["dense", "conv2d", "mask"])
def test_forward_matches_keras(name, make):
    layer = make()
    assert_matches_keras(name, layer, fixture=PART2)
    data = reference(PART2)
    if f"{name}/mask" in data:
        out = layer(pt.constant(data[f"{name}/x0"]), mask=pt.constant(data[f"{name}/mask"]))
        np.testing.assert_array_equal(out._keras_mask.numpy(), data[f"{name}/out_mask"])


def test_steps_share_the_inner_layers_weights():
    dense = layers.Dense(3)
    td = layers.TimeDistributed(dense)
    x = np.random.default_rng(0).normal(size=(2, 4, 5)).astype(np.float32)
    out = td(pt.constant(x)).numpy()
    assert td.weights == dense.weights and len(td.weights) == 2
    for t in range(4):
        np.testing.assert_allclose(out[:, t], dense(pt.constant(x[:, t])).numpy(), rtol=1e-6)


def test_mask_reaches_an_inner_layer_that_takes_one():
    """The steps' mask rows reach the inner layer: a Softmax inside gives zeros where its mask says so."""
    x = pt.constant(np.random.default_rng(0).normal(size=(2, 3, 4)).astype(np.float32))
    mask = np.ones((2, 3, 4), bool)
    mask[0, 1, 2:] = False
    out = layers.TimeDistributed(layers.Softmax())(x, mask=pt.constant(mask)).numpy()
    expected = layers.Softmax()(x, mask=pt.constant(mask)).numpy()
    np.testing.assert_allclose(out, expected, rtol=1e-6)
    assert np.all(out[0, 1, 2:] == 0)


def test_masks_from_embedding_pass_through():
    tokens = keras.Input(shape=(4,), dtype="int32")
    embedded = layers.Embedding(10, 3, mask_zero=True)(tokens)
    model = keras.Model(tokens, layers.TimeDistributed(layers.Dense(2))(embedded))
    out = model(np.array([[1, 2, 0, 0]]))
    np.testing.assert_array_equal(out._keras_mask.numpy(), [[True, True, False, False]])


def test_weight_gradients_match_finite_differences():
    td = layers.TimeDistributed(layers.Dense(3, activation="tanh", dtype="float64"), dtype="float64")
    check_weight_gradients(td, np.random.default_rng(1).normal(size=(2, 4, 5)), max_entries=8)
    conv = layers.TimeDistributed(layers.Conv2D(2, 2, dtype="float64"), dtype="float64")
    check_weight_gradients(conv, np.random.default_rng(2).normal(size=(2, 3, 4, 4, 2)), max_entries=8)


def test_training_lowers_the_loss():
    keras.utils.set_random_seed(2)
    rng = np.random.default_rng(2)
    x = rng.normal(size=(128, 5, 3)).astype(np.float32)
    y = np.tanh(x @ np.array([[1.0], [-2.0], [0.5]], np.float32))
    model = keras.Sequential([keras.Input(shape=(5, 3)), layers.TimeDistributed(layers.Dense(8, activation="tanh")),
                              layers.TimeDistributed(layers.Dense(1))])
    assert model.output_shape == (None, 5, 1)
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse")
    history = model.fit(x, y, epochs=6, batch_size=32, verbose=0).history["loss"]
    assert history[-1] < 0.3 * history[0], history


def test_identity_passes_values_and_masks():
    x = pt.constant(np.arange(6.0, dtype=np.float32).reshape(2, 3))
    x._keras_mask = pt.constant(np.array([True, False]))
    out = layers.Identity()(x)
    np.testing.assert_array_equal(out.numpy(), x.numpy())
    np.testing.assert_array_equal(out._keras_mask.numpy(), [True, False])


def test_config_keys_match_keras_and_round_trip():
    made = {"TimeDistributed": layers.TimeDistributed(layers.Dense(2)), "Identity": layers.Identity(),
            "Flatten": layers.Flatten(), "Permute": layers.Permute((2, 1)), "RepeatVector": layers.RepeatVector(2),
            "Reshape": layers.Reshape((2, 3))}
    for class_name, layer in made.items():
        assert sorted(layer.get_config()) == list(reference(PART2)[f"config/{class_name}"]), class_name
        clone = type(layer).from_config(layer.get_config())
        assert clone.get_config().keys() == layer.get_config().keys()
    config = made["TimeDistributed"].get_config()
    assert config["layer"]["class_name"] == "Dense" and config["layer"]["config"]["units"] == 2
    clone = layers.TimeDistributed.from_config(config)
    assert isinstance(clone.layer, layers.Dense) and clone.layer.units == 2


def test_bad_input_raises_clear_errors():
    with pytest.raises(ValueError, match="must be a keras.layers.Layer"):
        layers.TimeDistributed(lambda t: t)
    with pytest.raises(ValueError, match=r"rank >= 3, \(batch, time"):
        layers.TimeDistributed(layers.Dense(2))(pt.ones((2, 3)))
    with pytest.raises(ValueError, match=r"mask has shape \(2, 5\)"):
        layers.TimeDistributed(layers.Dense(2))(pt.ones((2, 4, 3)), mask=pt.ones((2, 5), dtype=pt.bool))
