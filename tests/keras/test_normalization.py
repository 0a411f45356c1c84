"""BatchNormalization and LayerNormalization against numpy references."""
import numpy as np
import pytest

import pytensor as pt
from pytensor.keras import layers

RNG = np.random.default_rng(3)


def test_batch_norm_training_uses_batch_stats_and_updates_moving_stats():
    x = RNG.normal(2.0, 3.0, size=(16, 5)).astype(np.float32)
    bn = layers.BatchNormalization(momentum=0.9, epsilon=1e-3)
    bn(x)
    assert [w.name.split("/")[-1].split(":")[0] for w in bn.weights] == ["gamma", "beta", "moving_mean",
                                                                         "moving_variance"]
    assert len(bn.trainable_weights) == 2 and len(bn.non_trainable_weights) == 2
    gamma, beta = RNG.normal(size=5).astype(np.float32), RNG.normal(size=5).astype(np.float32)
    bn.set_weights([gamma, beta, np.zeros(5, np.float32), np.ones(5, np.float32)])
    out = bn(x, training=True).numpy()
    mean, var = x.mean(0), x.var(0)
    np.testing.assert_allclose(out, gamma * (x - mean) / np.sqrt(var + 1e-3) + beta, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(bn.moving_mean.numpy(), 0.1 * mean, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(bn.moving_variance.numpy(), 0.9 + 0.1 * var, rtol=1e-5)


def test_batch_norm_inference_uses_moving_stats_and_does_not_update():
    x = RNG.normal(size=(4, 3, 3, 2)).astype(np.float32)
    bn = layers.BatchNormalization()
    bn(x)
    moving_mean, moving_var = np.array([0.5, -1.0], np.float32), np.array([2.0, 0.25], np.float32)
    bn.set_weights([np.ones(2, np.float32), np.zeros(2, np.float32), moving_mean, moving_var])
    for training in (None, False):
        out = bn(x, training=training).numpy()
        np.testing.assert_allclose(out, (x - moving_mean) / np.sqrt(moving_var + 1e-3), rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(bn.moving_mean.numpy(), moving_mean)
    # A frozen layer runs in inference mode even with training=True (Keras's rule).
    bn.trainable = False
    out = bn(x, training=True).numpy()
    np.testing.assert_allclose(out, (x - moving_mean) / np.sqrt(moving_var + 1e-3), rtol=1e-5, atol=1e-5)


def test_batch_norm_axis_1_and_gradients():
    x = pt.constant(RNG.normal(size=(6, 3, 4)).astype(np.float32))
    bn = layers.BatchNormalization(axis=1)
    bn(x)
    assert tuple(bn.gamma.shape) == (3,)
    with pt.GradientTape() as tape:
        out = bn(x, training=True)
        loss = pt.reduce_sum(out * pt.constant(RNG.normal(size=(6, 3, 4)).astype(np.float32)))
    x_np = x.numpy()
    mean = x_np.mean(axis=(0, 2), keepdims=True)
    var = x_np.var(axis=(0, 2), keepdims=True)
    np.testing.assert_allclose(out.numpy(), (x_np - mean) / np.sqrt(var + 1e-3), rtol=1e-4, atol=1e-4)
    grads = tape.gradient(loss, bn.trainable_weights)
    assert all(g is not None and np.abs(g.numpy()).sum() > 0 for g in grads)


def test_batch_norm_input_gradient_matches_finite_differences():
    x = RNG.normal(size=(5, 3)).astype(np.float64)
    weights = RNG.normal(size=(5, 3))
    bn = layers.BatchNormalization()
    bn(x.astype(np.float32))

    def loss_of(values):
        return float(pt.reduce_sum(bn(pt.constant(values.astype(np.float32)), training=True) * weights.astype(
            np.float32)).numpy())

    xt = pt.constant(x.astype(np.float32))
    with pt.GradientTape() as tape:
        tape.watch(xt)
        loss = pt.reduce_sum(bn(xt, training=True) * weights.astype(np.float32))
    grad = tape.gradient(loss, xt).numpy()
    eps = 1e-2
    for index in [(0, 0), (2, 1), (4, 2)]:
        up, down = x.copy(), x.copy()
        up[index] += eps
        down[index] -= eps
        assert abs((loss_of(up) - loss_of(down)) / (2 * eps) - grad[index]) < 5e-3


def test_layer_norm_matches_numpy_and_trains():
    x = RNG.normal(1.0, 2.0, size=(4, 3, 6)).astype(np.float32)
    ln = layers.LayerNormalization()
    ln(x)
    gamma, beta = RNG.normal(size=6).astype(np.float32), RNG.normal(size=6).astype(np.float32)
    ln.set_weights([gamma, beta])
    mean, var = x.mean(-1, keepdims=True), x.var(-1, keepdims=True)
    np.testing.assert_allclose(ln(x).numpy(), gamma * (x - mean) / np.sqrt(var + 1e-3) + beta, rtol=1e-4,
                               atol=1e-4)
    multi = layers.LayerNormalization(axis=[1, 2], epsilon=1e-5)
    multi(x)
    assert tuple(multi.gamma.shape) == (3, 6)
    mean, var = x.mean((1, 2), keepdims=True), x.var((1, 2), keepdims=True)
    np.testing.assert_allclose(multi(x).numpy(), (x - mean) / np.sqrt(var + 1e-5), rtol=1e-4, atol=1e-4)
    middle = layers.LayerNormalization(axis=1)
    middle(x)
    mean, var = x.mean(1, keepdims=True), x.var(1, keepdims=True)
    np.testing.assert_allclose(middle(x).numpy(), (x - mean) / np.sqrt(var + 1e-3), rtol=1e-4, atol=1e-4)

    # Train gamma and beta to map the normalized input onto a fixed affine target.
    target = 3.0 * (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-3) - 1.0
    losses = []
    for _ in range(30):
        with pt.GradientTape() as tape:
            loss = pt.reduce_mean(pt.square(ln(x) - target))
        losses.append(float(loss.numpy()))
        for w, g in zip(ln.trainable_weights, tape.gradient(loss, ln.trainable_weights)):
            w.assign_sub(g * 0.5)
    assert losses[-1] < 0.1 * losses[0]


@pytest.mark.parametrize("layer", [layers.BatchNormalization(axis=1, momentum=0.9, center=False),
                                   layers.LayerNormalization(axis=[1, 2], epsilon=1e-5, scale=False)])
def test_config_round_trip(layer):
    config = layer.get_config()
    assert type(layer).from_config(config).get_config() == config


def test_bad_axis_errors():
    with pytest.raises(ValueError, match=r"(?s)BatchNormalization.*axis=3.*\(2, 3\)"):
        layers.BatchNormalization(axis=3)(pt.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"(?s)LayerNormalization.*axis=\[5\]"):
        layers.LayerNormalization(axis=[5])(pt.zeros((2, 3)))
