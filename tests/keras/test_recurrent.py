"""SimpleRNN, GRU, LSTM and Bidirectional against numpy references with the same weights."""
import numpy as np
import pytest

import pytensor as pt
from pytensor.keras import layers

RNG = np.random.default_rng(7)
B, T, D, U = 3, 5, 4, 6


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def np_rnn(kind, x, weights, go_backwards=False, mask=None, reset_after=True):
    """Keras's recurrences in numpy; returns (all outputs in loop order, final states)."""
    kernel, recurrent, bias = weights
    h = np.zeros((x.shape[0], U))
    c = np.zeros_like(h)
    output = np.zeros_like(h)
    outputs = []
    steps = range(x.shape[1] - 1, -1, -1) if go_backwards else range(x.shape[1])
    for t in steps:
        xt = x[:, t]
        if kind == "simple":
            new_h = np.tanh(xt @ kernel + h @ recurrent + bias)
            new_c = c
        elif kind == "lstm":
            z = xt @ kernel + h @ recurrent + bias
            i, f, g, o = np.split(z, 4, axis=1)
            new_c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
            new_h = _sigmoid(o) * np.tanh(new_c)
        else:
            input_bias, recurrent_bias = (bias[0], bias[1]) if reset_after else (bias, 0.0)
            xz, xr, xh = np.split(xt @ kernel + input_bias, 3, axis=1)
            kz, kr, kh = np.split(recurrent, 3, axis=1)
            if reset_after:
                rz, rr, rh = np.split(h @ recurrent + recurrent_bias, 3, axis=1)
                z, r = _sigmoid(xz + rz), _sigmoid(xr + rr)
                hh = np.tanh(xh + r * rh)
            else:
                z, r = _sigmoid(xz + h @ kz), _sigmoid(xr + h @ kr)
                hh = np.tanh(xh + (r * h) @ kh)
            new_h = z * h + (1 - z) * hh
            new_c = c
        if mask is not None:
            m = mask[:, t:t + 1]
            new_h, new_c = np.where(m, new_h, h), np.where(m, new_c, c)
            output = np.where(m, new_h, output)
        else:
            output = new_h
        h, c = new_h, new_c
        outputs.append(output)
    return np.stack(outputs, axis=1), (h, c)


def _random_weights(layer):
    return [RNG.normal(0, 0.4, w.shape).astype(np.float32) for w in layer.weights]


def _make(kind, **kwargs):
    if kind == "simple":
        return layers.SimpleRNN(U, **kwargs)
    if kind == "lstm":
        return layers.LSTM(U, **kwargs)
    return layers.GRU(U, **kwargs)


@pytest.mark.parametrize("kind", ["simple", "gru", "lstm"])
@pytest.mark.parametrize("go_backwards", [False, True])
def test_forward_matches_numpy(kind, go_backwards):
    x = RNG.normal(size=(B, T, D)).astype(np.float32)
    layer = _make(kind, return_sequences=True, return_state=True, go_backwards=go_backwards)
    layer(x)
    weights = _random_weights(layer)
    layer.set_weights(weights)
    result = layer(x)
    outputs, (h, c) = np_rnn(kind, x.astype(np.float64), weights, go_backwards)
    np.testing.assert_allclose(result[0].numpy(), outputs, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(result[1].numpy(), h, rtol=1e-4, atol=1e-5)
    assert len(result) == (3 if kind == "lstm" else 2)
    if kind == "lstm":
        np.testing.assert_allclose(result[2].numpy(), c, rtol=1e-4, atol=1e-5)
    last = _make(kind, go_backwards=go_backwards)
    last(x)
    last.set_weights(weights)
    np.testing.assert_allclose(last(x).numpy(), outputs[:, -1], rtol=1e-4, atol=1e-5)


def test_gru_reset_before_matches_numpy():
    x = RNG.normal(size=(B, T, D)).astype(np.float32)
    layer = layers.GRU(U, reset_after=False)
    layer(x)
    assert [tuple(w.shape) for w in layer.weights] == [(D, 3 * U), (U, 3 * U), (3 * U,)]
    weights = _random_weights(layer)
    layer.set_weights(weights)
    outputs, _ = np_rnn("gru", x.astype(np.float64), weights, reset_after=False)
    np.testing.assert_allclose(layer(x).numpy(), outputs[:, -1], rtol=1e-4, atol=1e-5)


def test_weight_layouts_and_names():
    x = np.zeros((B, T, D), np.float32)
    gru, lstm, simple = layers.GRU(U), layers.LSTM(U), layers.SimpleRNN(U)
    for layer in (gru, lstm, simple):
        layer(x)
    assert [tuple(w.shape) for w in gru.weights] == [(D, 3 * U), (U, 3 * U), (2, 3 * U)]
    assert [tuple(w.shape) for w in lstm.weights] == [(D, 4 * U), (U, 4 * U), (4 * U,)]
    assert [tuple(w.shape) for w in simple.weights] == [(D, U), (U, U), (U,)]
    assert [w.name.split("/")[-1].split(":")[0] for w in lstm.weights] == ["kernel", "recurrent_kernel", "bias"]
    # unit_forget_bias: the forget block (second of i, f, c, o) starts at one, the others at zero.
    np.testing.assert_array_equal(lstm.bias.numpy(), np.repeat([0.0, 1.0, 0.0, 0.0], U))
    # The default recurrent initializer is orthogonal.
    rk = simple.recurrent_kernel.numpy()
    np.testing.assert_allclose(rk @ rk.T, np.eye(U), atol=1e-5)


@pytest.mark.parametrize("kind", ["simple", "gru", "lstm"])
def test_mask_keeps_state_on_padded_steps(kind):
    x = RNG.normal(size=(B, T, D)).astype(np.float32)
    mask = np.ones((B, T), bool)
    mask[0, 3:] = False
    mask[1, :2] = False
    layer = _make(kind, return_sequences=True)
    layer(x)
    weights = _random_weights(layer)
    layer.set_weights(weights)
    got = layer(x, mask=pt.constant(mask)).numpy()
    outputs, _ = np_rnn(kind, x.astype(np.float64), weights, mask=mask)
    np.testing.assert_allclose(got, outputs, rtol=1e-4, atol=1e-5)
    np.testing.assert_array_equal(got[0, 3], got[0, 2])
    np.testing.assert_array_equal(got[1, :2], 0.0)


def test_initial_state_is_used():
    x = RNG.normal(size=(B, T, D)).astype(np.float32)
    layer = layers.LSTM(U)
    layer(x)
    weights = _random_weights(layer)
    layer.set_weights(weights)
    h0 = RNG.normal(size=(B, U)).astype(np.float32)
    c0 = RNG.normal(size=(B, U)).astype(np.float32)
    got = layer(x, initial_state=[pt.constant(h0), pt.constant(c0)]).numpy()
    assert not np.allclose(got, layer(x).numpy())
    with pytest.raises(ValueError, match="initial state"):
        layer(x, initial_state=[pt.constant(h0)])


@pytest.mark.parametrize("kind", ["simple", "gru", "lstm"])
def test_gradients_reach_every_weight(kind):
    x = pt.constant(RNG.normal(size=(B, T, D)).astype(np.float32))
    layer = _make(kind, return_sequences=True)
    layer(x)
    layer.set_weights(_random_weights(layer))
    with pt.GradientTape() as tape:
        loss = pt.reduce_sum(pt.square(layer(x)))
    grads = tape.gradient(loss, layer.trainable_weights)
    assert len(grads) == 3
    for weight, grad in zip(layer.trainable_weights, grads):
        assert grad is not None and tuple(grad.shape) == tuple(weight.shape)
        assert np.abs(grad.numpy()).sum() > 0


def test_gradient_matches_finite_differences():
    x = RNG.normal(size=(2, 3, 2)).astype(np.float32)
    layer = layers.GRU(3)
    layer(x)

    def loss_value():
        return float(pt.reduce_sum(layer(x)).numpy())

    with pt.GradientTape() as tape:
        loss = pt.reduce_sum(layer(x))
    grad = tape.gradient(loss, layer.recurrent_kernel).numpy()
    base = layer.recurrent_kernel.numpy()
    eps = 1e-2
    for index in [(0, 0), (1, 4), (2, 8)]:
        bumped = base.copy()
        bumped[index] += eps
        layer.recurrent_kernel.assign(bumped)
        up = loss_value()
        bumped[index] -= 2 * eps
        layer.recurrent_kernel.assign(bumped)
        down = loss_value()
        layer.recurrent_kernel.assign(base)
        assert abs((up - down) / (2 * eps) - grad[index]) < 2e-3


def test_lstm_training_lowers_loss():
    # Learn the sign of the sum of a sequence (a task that needs the whole sequence).
    x = RNG.normal(size=(64, 6, 1)).astype(np.float32)
    y = (x.sum(axis=(1, 2)) > 0).astype(np.float32)[:, None]
    lstm = layers.LSTM(8)
    lstm(x)
    readout = pt.Variable(RNG.normal(0, 0.3, (8, 1)).astype(np.float32))
    params = lstm.trainable_weights + [readout]

    def loss_fn():
        logits = pt.matmul(lstm(x), readout)
        p = pt.sigmoid(logits)
        return pt.reduce_mean(-(y * pt.log(p + 1e-7) + (1 - y) * pt.log(1 - p + 1e-7)))

    first = float(loss_fn().numpy())
    for _ in range(60):
        with pt.GradientTape() as tape:
            loss = loss_fn()
        for param, grad in zip(params, tape.gradient(loss, params)):
            param.assign_sub(grad * 0.5)
    assert float(loss_fn().numpy()) < 0.6 * first


def test_bidirectional_concat_and_sum():
    x = RNG.normal(size=(B, T, D)).astype(np.float32)
    bi = layers.Bidirectional(layers.GRU(U, return_sequences=True))
    out = bi(x)
    assert tuple(out.shape) == (B, T, 2 * U)
    weights = _random_weights(bi)
    bi.set_weights(weights)
    forward, _ = np_rnn("gru", x.astype(np.float64), weights[:3])
    backward, _ = np_rnn("gru", x.astype(np.float64), weights[3:], go_backwards=True)
    expected = np.concatenate([forward, backward[:, ::-1]], axis=-1)
    np.testing.assert_allclose(bi(x).numpy(), expected, rtol=1e-4, atol=1e-5)
    assert bi.forward_layer.name.startswith("forward_") and bi.backward_layer.go_backwards

    summed = layers.Bidirectional(layers.LSTM(U, return_state=True), merge_mode="sum")
    summed(x)
    weights = _random_weights(summed)
    summed.set_weights(weights)
    result = summed(x)
    assert len(result) == 5
    f_out, (f_h, f_c) = np_rnn("lstm", x.astype(np.float64), weights[:3])
    b_out, (b_h, b_c) = np_rnn("lstm", x.astype(np.float64), weights[3:], go_backwards=True)
    np.testing.assert_allclose(result[0].numpy(), f_out[:, -1] + b_out[:, -1], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(result[4].numpy(), b_c, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("layer", [
    layers.SimpleRNN(3, activation="relu", return_sequences=True, go_backwards=True),
    layers.GRU(3, reset_after=False, dropout=0.1, return_state=True),
    layers.LSTM(3, unit_forget_bias=False, recurrent_dropout=0.2),
    layers.Bidirectional(layers.LSTM(3), merge_mode="ave"),
])
def test_config_round_trip(layer):
    config = layer.get_config()
    clone = type(layer).from_config(config)
    assert clone.get_config() == config


def test_dropout_only_in_training():
    x = RNG.normal(size=(B, T, D)).astype(np.float32)
    layer = layers.LSTM(U, dropout=0.5, recurrent_dropout=0.5)
    np.testing.assert_array_equal(layer(x).numpy(), layer(x, training=False).numpy())
    assert not np.allclose(layer(x, training=True).numpy(), layer(x).numpy())


def test_wrong_input_rank_names_layer_and_fix():
    layer = layers.LSTM(4, name="my_lstm")
    with pytest.raises(ValueError, match=r"(?s)LSTM.*my_lstm.*\(batch, timesteps, features\).*\(8, 16\).*Fix"):
        layer(pt.zeros((8, 16)))
    built = layers.GRU(4)
    built(pt.zeros((2, 3, 5)))
    with pytest.raises(ValueError, match=r"axis -1.*size 5.*\(2, 3, 7\)"):
        built(pt.zeros((2, 3, 7)))
    with pytest.raises(ValueError, match="merge_mode"):
        layers.Bidirectional(layers.GRU(2), merge_mode="max")
