"""SpatialDropout1D/2D/3D, GaussianNoise, GaussianDropout, AlphaDropout and ActivityRegularization: the training
flag, statistics of the noise with fixed seeds (against the distributions' own moments), whole channels dropped,
ActivityRegularization's loss against Keras 3 (fixtures/layers_keras3_part2.npz), configs and bad input."""
import math

import numpy as np
import pytest

import pytensor as pt
from pytensor import keras
from pytensor.keras import layers
from keras3_reference import PART2, reference

NOISE_LAYERS = [
    lambda: layers.SpatialDropout1D(0.4, seed=1), lambda: layers.SpatialDropout2D(0.4, seed=1),
    lambda: layers.SpatialDropout3D(0.4, seed=1), lambda: layers.GaussianNoise(0.5, seed=1),
    lambda: layers.GaussianDropout(0.4, seed=1), lambda: layers.AlphaDropout(0.4, seed=1),
]
SHAPES = [(4, 5, 6), (4, 5, 5, 6), (4, 3, 3, 3, 6), (4, 5, 6), (4, 5, 6), (4, 5, 6)]


@pytest.mark.parametrize("make,shape", list(zip(NOISE_LAYERS, SHAPES)),
                         ids=["spatial1d", "spatial2d", "spatial3d", "gaussian_noise", "gaussian_dropout", "alpha"])
def test_identity_unless_training(make, shape):
    layer = make()
    x = pt.constant(np.random.default_rng(0).normal(size=shape).astype(np.float32))
    for out in (layer(x), layer(x, training=False)):
        np.testing.assert_array_equal(out.numpy(), x.numpy())
    assert not np.array_equal(layer(x, training=True).numpy(), x.numpy())
    # In a model: fit trains with the noise, predict runs without it.
    model = keras.Sequential([keras.Input(shape=shape[1:]), layer])
    np.testing.assert_array_equal(model.predict(x, verbose=0), x.numpy())
    assert not np.array_equal(model(x, training=True).numpy(), x.numpy())


@pytest.mark.parametrize("make,shape,channel_axis", [
    (lambda: layers.SpatialDropout1D(0.3, seed=5), (200, 7, 50), 2),
    (lambda: layers.SpatialDropout2D(0.3, seed=5), (200, 3, 4, 50), 3),
    (lambda: layers.SpatialDropout2D(0.3, seed=5, data_format="channels_first"), (200, 50, 3, 4), 1),
    (lambda: layers.SpatialDropout3D(0.3, seed=5), (200, 2, 3, 2, 50), 4),
], ids=["1d", "2d", "2d_channels_first", "3d"])
def test_spatial_dropout_drops_whole_channels(make, shape, channel_axis):
    pt.random.set_seed(0)
    x = np.random.default_rng(1).uniform(0.5, 1.5, size=shape).astype(np.float32)
    out = make()(pt.constant(x), training=True).numpy()
    ratio = out / x
    spatial = tuple(a for a in range(1, len(shape)) if a != channel_axis)
    # One decision per (example, channel): every spatial position agrees, each value 0 or 1 / (1 - rate).
    per_channel = ratio.max(axis=spatial, keepdims=True)
    np.testing.assert_allclose(ratio, np.broadcast_to(per_channel, ratio.shape), rtol=1e-6)
    assert np.all(np.isclose(per_channel, 0.0) | np.isclose(per_channel, 1 / 0.7, rtol=1e-6))
    dropped = np.isclose(per_channel, 0.0).mean()
    # 10,000 Bernoulli(0.3) decisions: standard deviation 0.0046.
    assert abs(dropped - 0.3) < 0.02, dropped


def test_gaussian_noise_statistics():
    pt.random.set_seed(0)
    x = np.random.default_rng(2).normal(size=(400, 250)).astype(np.float32)
    noise = layers.GaussianNoise(0.5, seed=3)(pt.constant(x), training=True).numpy() - x
    n = noise.size
    assert abs(noise.mean()) < 4 * 0.5 / math.sqrt(n)
    assert abs(noise.std() - 0.5) < 0.01
    # Independent of the input: no correlation with x.
    assert abs(np.corrcoef(noise.ravel(), x.ravel())[0, 1]) < 0.01


def test_gaussian_dropout_statistics():
    pt.random.set_seed(0)
    x = np.random.default_rng(2).uniform(1.0, 2.0, size=(400, 250)).astype(np.float32)
    factor = layers.GaussianDropout(0.2, seed=3)(pt.constant(x), training=True).numpy() / x
    expected_std = math.sqrt(0.2 / 0.8)
    assert abs(factor.mean() - 1.0) < 4 * expected_std / math.sqrt(factor.size)
    assert abs(factor.std() - expected_std) < 0.01


def test_alpha_dropout_keeps_zero_mean_unit_variance():
    """On unit-normal inputs (SELU's fixed point) the output keeps mean 0 and variance 1; dropped entries all take
    the value a * (-alpha * scale) + b and the kept ones a * x + b."""
    pt.random.set_seed(0)
    rate = 0.2
    x = np.random.default_rng(4).normal(size=(400, 250)).astype(np.float32)
    out = layers.AlphaDropout(rate, seed=2)(pt.constant(x), training=True).numpy()
    assert abs(out.mean()) < 0.01 and abs(out.var() - 1.0) < 0.02
    saturation = -1.6732632423543772 * 1.0507009873554805
    a = ((1 - rate) * (1 + rate * saturation ** 2)) ** -0.5
    b = -a * saturation * rate
    dropped = np.isclose(out, a * saturation + b, atol=1e-6)
    assert abs(dropped.mean() - rate) < 0.01
    np.testing.assert_allclose(out[~dropped], a * x[~dropped] + b, rtol=1e-5, atol=1e-6)


def test_alpha_dropout_noise_shape_shares_decisions():
    pt.random.set_seed(0)
    x = np.random.default_rng(4).normal(size=(50, 6, 8)).astype(np.float32)
    out = layers.AlphaDropout(0.5, noise_shape=(None, 1, 8), seed=2)(pt.constant(x), training=True).numpy()
    saturation = -1.6732632423543772 * 1.0507009873554805
    a = (0.5 * (1 + 0.5 * saturation ** 2)) ** -0.5
    dropped = np.isclose(out, a * saturation - a * saturation * 0.5, atol=1e-6)
    assert np.all(dropped == dropped[:, :1, :])


def test_seeded_layers_repeat_after_set_seed():
    x = pt.ones((3, 4, 5))
    draws = []
    for _ in range(2):
        pt.random.set_seed(7)
        draws.append(layers.GaussianNoise(1.0, seed=3)(x, training=True).numpy())
    np.testing.assert_array_equal(draws[0], draws[1])


def test_activity_regularization_matches_keras():
    data = reference(PART2)
    layer = layers.ActivityRegularization(l1=0.01, l2=0.02)
    out = layer(pt.constant(data["activity_regularization/x0"]))
    np.testing.assert_array_equal(out.numpy(), data["activity_regularization/y0"])
    assert len(layer.losses) == 1
    np.testing.assert_allclose(float(layer.losses[0].numpy()), data["activity_regularization/loss"], rtol=1e-6)


def test_activity_regularization_joins_the_training_loss():
    keras.utils.set_random_seed(1)
    x = np.random.default_rng(1).normal(size=(32, 4)).astype(np.float32)
    y = np.zeros((32, 1), np.float32)

    def loss_after_one_epoch(l2):
        keras.utils.set_random_seed(1)
        model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(1, kernel_initializer="ones"),
                                  layers.ActivityRegularization(l2=l2)])
        model.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")
        return model.fit(x, y, epochs=1, batch_size=32, verbose=0).history["loss"][0]
    plain, regularized = loss_after_one_epoch(0.0), loss_after_one_epoch(0.5)
    # The activity is x @ ones; its penalty 0.5 * sum(a ** 2) / 32 equals half the mse.
    np.testing.assert_allclose(regularized, plain * 1.5, rtol=1e-5)


def test_config_keys_match_keras_and_round_trip():
    made = {"SpatialDropout1D": layers.SpatialDropout1D(0.5), "SpatialDropout2D": layers.SpatialDropout2D(0.5),
            "SpatialDropout3D": layers.SpatialDropout3D(0.5), "GaussianNoise": layers.GaussianNoise(0.5),
            "GaussianDropout": layers.GaussianDropout(0.5), "AlphaDropout": layers.AlphaDropout(0.5),
            "ActivityRegularization": layers.ActivityRegularization()}
    for class_name, layer in made.items():
        assert sorted(layer.get_config()) == list(reference(PART2)[f"config/{class_name}"]), class_name
        clone = type(layer).from_config(layer.get_config())
        assert clone.get_config() == layer.get_config()


def test_bad_input_raises_clear_errors():
    with pytest.raises(ValueError, match=r"rank 4, \(batch, dim1, dim2, channels\)"):
        layers.SpatialDropout2D(0.5)(pt.ones((2, 3, 4)), training=True)
    with pytest.raises(ValueError, match="rate"):
        layers.GaussianDropout(1.0)
    with pytest.raises(ValueError, match="stddev"):
        layers.GaussianNoise(-1.0)
    with pytest.raises(ValueError, match="data_format"):
        layers.SpatialDropout2D(0.5, data_format="NCHW")
