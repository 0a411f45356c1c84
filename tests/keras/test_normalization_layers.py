"""GroupNormalization and UnitNormalization against real Keras 3 outputs (fixtures/layers_keras3_part2.npz) and
numpy, gradients, training; the Keras 3 config keys of these and of BatchNormalization / LayerNormalization,
LayerNormalization(rms_scaling=True) against Keras 3."""
import numpy as np
import pytest

import pytensor as pt
from pytensor import keras
from pytensor.keras import layers
from keras3_reference import PART2, assert_matches_keras, check_weight_gradients, reference

CASES = [
    ("group_norm", lambda: layers.GroupNormalization(groups=2)),
    ("group_norm_axis1", lambda: layers.GroupNormalization(groups=3, axis=1, epsilon=0.01)),
    ("group_norm_plain", lambda: layers.GroupNormalization(groups=6, center=False, scale=False)),
    ("group_norm_instance", lambda: layers.GroupNormalization(groups=-1)),
    ("unit_norm", lambda: layers.UnitNormalization()),
    ("unit_norm_axes", lambda: layers.UnitNormalization(axis=[1, 2])),
    ("layer_norm_rms", lambda: layers.LayerNormalization(rms_scaling=True)),
]


@pytest.mark.parametrize("name,make", CASES, ids=[c[0] for c in CASES])
def test_forward_matches_keras(name, make):
    assert_matches_keras(name, make(), fixture=PART2)


def test_group_norm_against_numpy():
    x = np.random.default_rng(0).normal(2.0, 3.0, size=(3, 4, 5, 6))
    gn = layers.GroupNormalization(groups=3, epsilon=1e-5, dtype="float64")
    out = gn(pt.constant(x)).numpy()
    grouped = x.reshape(3, 4, 5, 3, 2)
    mean = grouped.mean(axis=(1, 2, 4), keepdims=True)
    var = grouped.var(axis=(1, 2, 4), keepdims=True)
    np.testing.assert_allclose(out, ((grouped - mean) / np.sqrt(var + 1e-5)).reshape(x.shape), rtol=1e-10,
                               atol=1e-10)
    # groups=1 is layer normalization over every non-batch axis.
    one = layers.GroupNormalization(groups=1, epsilon=1e-5, dtype="float64")(pt.constant(x)).numpy()
    flat = x.reshape(3, -1)
    expected = (flat - flat.mean(1, keepdims=True)) / np.sqrt(flat.var(1, keepdims=True) + 1e-5)
    np.testing.assert_allclose(one, expected.reshape(x.shape), rtol=1e-10, atol=1e-10)


def test_unit_norm_against_numpy_and_zero_rows():
    x = np.array([[3.0, 4.0], [0.0, 0.0], [1e-8, 0.0]], np.float32)
    out = layers.UnitNormalization()(pt.constant(x)).numpy()
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0], [1.0, 0.0]], rtol=1e-6)


@pytest.mark.parametrize("make", [
    lambda: layers.GroupNormalization(groups=2, dtype="float64"),
    lambda: layers.GroupNormalization(groups=2, axis=1, dtype="float64"),
    lambda: layers.LayerNormalization(rms_scaling=True, dtype="float64"),
])
def test_weight_gradients_match_finite_differences(make):
    layer = make()
    x = np.random.default_rng(5).normal(size=(2, 4, 6))
    layer.build(x.shape)
    layer.set_weights([np.random.default_rng(6).normal(size=tuple(w.shape)) for w in layer.weights])
    check_weight_gradients(layer, x, max_entries=6)


def test_input_gradient_matches_finite_differences():
    layer = layers.UnitNormalization(axis=[1, 2], dtype="float64")
    x_np = np.random.default_rng(2).normal(size=(2, 3, 2))
    r = pt.constant(np.random.default_rng(3).normal(size=x_np.shape))
    x = pt.constant(x_np)
    with pt.GradientTape() as tape:
        tape.watch(x)
        loss = pt.reduce_sum(layer(x) * r)
    grad = tape.gradient(loss, x).numpy()
    eps = 1e-6
    for index in [(0, 0, 0), (1, 2, 1)]:
        up, down = x_np.copy(), x_np.copy()
        up[index] += eps
        down[index] -= eps
        numeric = (float(pt.reduce_sum(layer(pt.constant(up)) * r).numpy())
                   - float(pt.reduce_sum(layer(pt.constant(down)) * r).numpy())) / (2 * eps)
        assert abs(numeric - grad[index]) < 1e-6 * max(1.0, abs(numeric))


def test_group_norm_training_lowers_the_loss():
    keras.utils.set_random_seed(4)
    rng = np.random.default_rng(4)
    x = rng.normal(size=(128, 6, 6, 2)).astype(np.float32)
    y = (x[..., 0].mean(axis=(1, 2)) > 0).astype(np.float32)[:, None]
    model = keras.Sequential([keras.Input(shape=(6, 6, 2)), layers.Conv2D(8, 3), layers.GroupNormalization(groups=4),
                              layers.Activation("relu"), layers.Flatten(), layers.UnitNormalization(),
                              layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy")
    history = model.fit(x, y, epochs=8, batch_size=32, verbose=0).history["loss"]
    assert history[-1] < 0.8 * history[0], history


def test_config_keys_match_keras_and_round_trip():
    made = {"GroupNormalization": layers.GroupNormalization(), "UnitNormalization": layers.UnitNormalization(),
            "BatchNormalization": layers.BatchNormalization(), "LayerNormalization": layers.LayerNormalization()}
    for class_name, layer in made.items():
        assert sorted(layer.get_config()) == list(reference(PART2)[f"config/{class_name}"]), class_name
        clone = type(layer).from_config(layer.get_config())
        assert clone.get_config() == layer.get_config()


def test_batch_norm_accepts_synchronized():
    bn = layers.BatchNormalization(synchronized=True)
    assert bn.get_config()["synchronized"] is True
    x = np.random.default_rng(1).normal(size=(8, 3)).astype(np.float32)
    np.testing.assert_allclose(bn(x, training=True).numpy(), layers.BatchNormalization()(x, training=True).numpy())


def test_batch_norm_renorm_is_refused_clearly():
    assert layers.BatchNormalization(renorm=False).get_config()["renorm"] is False
    with pytest.raises(ValueError, match="renorm=False"):
        layers.BatchNormalization(renorm=True)


def test_bad_input_raises_clear_errors():
    with pytest.raises(ValueError, match="multiple of groups=4"):
        layers.GroupNormalization(groups=4)(pt.ones((2, 6)))
    with pytest.raises(ValueError, match="`groups`"):
        layers.GroupNormalization(groups=0)
    with pytest.raises(ValueError, match="non-batch axis"):
        layers.GroupNormalization(groups=1, axis=0)(pt.ones((2, 6)))
    with pytest.raises(ValueError, match="out of range"):
        layers.UnitNormalization(axis=3)(pt.ones((2, 6)))
