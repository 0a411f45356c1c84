"""Conv1D/Conv2D and the pooling layers against numpy references."""
import numpy as np
import pytest

import pytensor as pt
from pytensor.keras import layers

RNG = np.random.default_rng(5)


def _same_pads(n, k, s, d):
    out = -(-n // s)
    total = max((out - 1) * s + (k - 1) * d + 1 - n, 0)
    return total // 2, total - total // 2


def np_conv2d(x, w, strides, padding, dilation=(1, 1)):
    """NHWC input, HWIO kernel, TF's VALID / SAME (extra padding at the end)."""
    (kh, kw, _, co), (sh, sw), (dh, dw) = w.shape, strides, dilation
    if padding == "same":
        (t, b), (l, r) = _same_pads(x.shape[1], kh, sh, dh), _same_pads(x.shape[2], kw, sw, dw)
        x = np.pad(x, [(0, 0), (t, b), (l, r), (0, 0)])
    oh = (x.shape[1] - (kh - 1) * dh - 1) // sh + 1
    ow = (x.shape[2] - (kw - 1) * dw - 1) // sw + 1
    out = np.zeros((x.shape[0], oh, ow, co))
    for i in range(kh):
        for j in range(kw):
            patch = x[:, i * dh: i * dh + (oh - 1) * sh + 1: sh, j * dw: j * dw + (ow - 1) * sw + 1: sw]
            out += patch @ w[i, j]
    return out


def np_pool2d(x, pool, strides, padding, reduce):
    (ph, pw), (sh, sw) = pool, strides
    if padding == "same":
        (t, b), (l, r) = _same_pads(x.shape[1], ph, sh, 1), _same_pads(x.shape[2], pw, sw, 1)
        x = np.pad(x, [(0, 0), (t, b), (l, r), (0, 0)], constant_values=np.nan)
    oh, ow = (x.shape[1] - ph) // sh + 1, (x.shape[2] - pw) // sw + 1
    out = np.empty((x.shape[0], oh, ow, x.shape[3]))
    for i in range(oh):
        for j in range(ow):
            out[:, i, j] = reduce(x[:, i * sh: i * sh + ph, j * sw: j * sw + pw], axis=(1, 2))
    return out


@pytest.mark.parametrize("kwargs", [
    {},
    {"strides": 2, "padding": "same"},
    {"padding": "same", "dilation_rate": 2},
    {"strides": (1, 2), "kernel_size": (2, 3)},
])
def test_conv2d_matches_numpy(kwargs):
    kwargs = {"kernel_size": 3, **kwargs}
    x = RNG.normal(size=(2, 7, 8, 3)).astype(np.float32)
    conv = layers.Conv2D(4, activation="relu", **kwargs)
    out = conv(x)
    kernel, bias = conv.get_weights()
    assert kernel.shape == tuple(np.broadcast_to(kwargs["kernel_size"], 2)) + (3, 4) and bias.shape == (4,)
    bias = RNG.normal(size=4).astype(np.float32)
    conv.set_weights([kernel, bias])
    strides = tuple(np.broadcast_to(kwargs.get("strides", 1), 2))
    dilation = tuple(np.broadcast_to(kwargs.get("dilation_rate", 1), 2))
    expected = np.maximum(np_conv2d(x.astype(np.float64), kernel, strides, kwargs.get("padding", "valid"),
                                    dilation) + bias, 0)
    out = conv(x)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-4, atol=1e-4)
    assert tuple(conv.compute_output_shape((None, 7, 8, 3))) == (None,) + expected.shape[1:]


@pytest.mark.parametrize("padding", ["valid", "same", "causal"])
def test_conv1d_matches_numpy(padding):
    x = RNG.normal(size=(2, 9, 3)).astype(np.float32)
    conv = layers.Conv1D(5, 3, padding=padding, dilation_rate=2, use_bias=False)
    out = conv(x)
    (kernel,) = conv.get_weights()
    assert kernel.shape == (3, 3, 5)
    x2 = x.astype(np.float64)[:, None]
    if padding == "causal":
        x2 = np.pad(x2, [(0, 0), (0, 0), (4, 0), (0, 0)])
    expected = np_conv2d(x2, kernel[None], (1, 1), "valid" if padding == "causal" else padding, (1, 2))[:, 0]
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-4, atol=1e-4)
    assert tuple(conv.compute_output_shape((None, 9, 3))) == (None,) + expected.shape[1:]


def test_conv_gradients_and_training():
    x = RNG.normal(size=(8, 6, 6, 2)).astype(np.float32)
    target = np_conv2d(x.astype(np.float64), RNG.normal(size=(3, 3, 2, 3)), (1, 1), "same").astype(np.float32)
    conv = layers.Conv2D(3, 3, padding="same")
    conv(x)
    losses = []
    for _ in range(25):
        with pt.GradientTape() as tape:
            loss = pt.reduce_mean(pt.square(conv(x) - target))
        grads = tape.gradient(loss, conv.trainable_weights)
        assert all(g is not None and np.abs(g.numpy()).sum() > 0 for g in grads)
        losses.append(float(loss.numpy()))
        for w, g in zip(conv.trainable_weights, grads):
            w.assign_sub(g * 0.05)
    assert losses[-1] < 0.5 * losses[0]


@pytest.mark.parametrize("cls, reduce", [(layers.MaxPooling2D, np.nanmax), (layers.AveragePooling2D, np.nanmean)])
@pytest.mark.parametrize("kwargs", [{}, {"pool_size": 3, "strides": 2, "padding": "same"}, {"pool_size": (2, 3)}])
def test_pool2d_matches_numpy(cls, reduce, kwargs):
    x = RNG.normal(size=(2, 7, 8, 3)).astype(np.float32)
    layer = cls(**kwargs)
    pool = tuple(np.broadcast_to(kwargs.get("pool_size", 2), 2))
    strides = tuple(np.broadcast_to(kwargs.get("strides", pool), 2))
    expected = np_pool2d(x.astype(np.float64), pool, strides, kwargs.get("padding", "valid"), reduce)
    np.testing.assert_allclose(layer(x).numpy(), expected, rtol=1e-5, atol=1e-6)
    assert tuple(layer.compute_output_shape((None, 7, 8, 3))) == (None,) + expected.shape[1:]
    assert cls.from_config(layer.get_config()).get_config() == layer.get_config()


@pytest.mark.parametrize("cls, reduce", [(layers.MaxPooling1D, np.nanmax), (layers.AveragePooling1D, np.nanmean)])
def test_pool1d_matches_numpy(cls, reduce):
    x = RNG.normal(size=(2, 9, 3)).astype(np.float32)
    expected = np_pool2d(x.astype(np.float64)[:, None], (1, 3), (1, 2), "same", reduce)[:, 0]
    np.testing.assert_allclose(cls(3, strides=2, padding="same")(x).numpy(), expected, rtol=1e-5, atol=1e-6)


def test_global_pooling():
    x = RNG.normal(size=(2, 4, 5, 3)).astype(np.float32)
    np.testing.assert_allclose(layers.GlobalAveragePooling2D()(x).numpy(), x.mean((1, 2)), rtol=1e-5)
    np.testing.assert_allclose(layers.GlobalMaxPooling2D(keepdims=True)(x).numpy(), x.max((1, 2), keepdims=True))
    np.testing.assert_allclose(layers.GlobalAveragePooling1D()(x[:, 0]).numpy(), x[:, 0].mean(1), rtol=1e-5)
    np.testing.assert_allclose(layers.GlobalMaxPooling1D()(x[:, 0]).numpy(), x[:, 0].max(1))
    assert layers.GlobalMaxPool2D().compute_output_shape((None, 4, 5, 3)) == (None, 3)


def test_config_round_trip():
    conv = layers.Conv2D(8, (3, 5), strides=2, padding="same", activation="relu", use_bias=False)
    config = conv.get_config()
    assert config["kernel_size"] == (3, 5) and config["strides"] == (2, 2) and config["padding"] == "same"
    assert layers.Conv2D.from_config(config).get_config() == config
    config = layers.Conv1D(4, 3, padding="causal").get_config()
    assert layers.Conv1D.from_config(config).get_config() == config


def test_errors_name_layer_shapes_and_fix():
    with pytest.raises(ValueError, match=r"(?s)Conv2D.*'c2'.*\(batch, height, width, channels\).*\(5, 28, 28\).*"
                                         r"Fix.*expand_dims"):
        layers.Conv2D(4, 3, name="c2")(pt.zeros((5, 28, 28)))
    conv = layers.Conv2D(4, 3)
    conv(pt.zeros((1, 5, 5, 3)))
    with pytest.raises(ValueError, match=r"axis -1.*size 3.*\(1, 5, 5, 2\)"):
        conv(pt.zeros((1, 5, 5, 2)))
    with pytest.raises(ValueError, match="Conv2D: `data_format` must be one of"):
        layers.Conv2D(4, 3, data_format="NCHW")
    with pytest.raises(ValueError, match="MaxPooling2D: `data_format` must be one of"):
        layers.MaxPooling2D(data_format="channels_middle")
    with pytest.raises(ValueError, match="padding"):
        layers.Conv2D(4, 3, padding="causal")
    with pytest.raises(ValueError, match="kernel_size"):
        layers.Conv2D(4, (3, 3, 3))
    with pytest.raises(ValueError, match=r"(?s)MaxPooling2D.*\(2, 8, 3\)"):
        layers.MaxPooling2D()(pt.zeros((2, 8, 3)))


def test_lecture_notes_pooling_line():
    # 003 notes: layers.MaxPooling2D(pool_size=(2,2), stride=2, padding='same') -- `stride` is a synonym.
    layer = layers.MaxPooling2D(pool_size=(2, 2), stride=2, padding="same")
    assert layer.strides == (2, 2)
    x = RNG.normal(size=(1, 5, 5, 2)).astype(np.float32)
    np.testing.assert_allclose(layer(x).numpy(), np_pool2d(x, (2, 2), (2, 2), "same", np.nanmax), rtol=1e-6)


def _traced_and_eager(model, layer_stack, x, weights):
    """(graph text, outputs, gradients) of a traced forward + backward of `model`, and the same computed eagerly
    layer by layer."""
    def step(call):
        with pt.GradientTape() as tape:
            tape.watch(x)
            out = call(x)
            loss = pt.reduce_sum(out * weights)
        return out, tape.gradient(loss, [x] + model.trainable_variables)

    traced = pt.function(lambda x: step(model))
    text = traced.get_concrete_function(x).graph.pretty_printed()
    def by_layer(x):
        for layer in layer_stack:
            x = layer(x)
        return x
    return text, traced(x), step(by_layer)


@pytest.mark.parametrize("conv_kwargs, pool_kwargs", [
    ({"kernel_size": 3}, {}),
    ({"kernel_size": 3, "padding": "same"}, {"pool_size": 3, "strides": 2, "padding": "same"}),
    ({"kernel_size": (2, 3), "strides": 2}, {"pool_size": (2, 1)}),
])
def test_traced_relu_conv_then_max_pool_fuses_and_matches_the_layers(conv_kwargs, pool_kwargs):
    # In a traced step Conv2D(relu) -> MaxPooling2D becomes relu(conv2d_max_pool(x) + bias) (graph pattern fusion):
    # the values of the layers called one by one, and their gradients (random data has no ties after rounding).
    x = pt.constant(RNG.normal(size=(3, 9, 8, 2)).astype(np.float32))
    conv = layers.Conv2D(4, activation="relu", bias_initializer="random_normal", **conv_kwargs)
    pool = layers.MaxPooling2D(**pool_kwargs)
    model = pt.keras.Sequential([conv, pool])
    shape = model(x).shape
    weights = pt.constant(np.arange(np.prod(shape), dtype=np.float32).reshape(shape) % 7 - 3)
    text, (fused, fused_grads), (separate, separate_grads) = _traced_and_eager(model, [conv, pool], x, weights)
    assert "= conv2d_max_pool[" in text and "= max_pool2d[" not in text and "= conv2d[" not in text
    np.testing.assert_array_equal(fused.numpy(), separate.numpy())
    kernel, bias = conv.kernel.numpy().astype(np.float64), conv.bias.numpy().astype(np.float64)
    padding = conv_kwargs.get("padding", "valid")
    reference = np_pool2d(np.maximum(np_conv2d(x.numpy().astype(np.float64), kernel, conv.strides, padding) + bias, 0),
                          pool.pool_size, pool.strides, pool.padding, np.nanmax)
    np.testing.assert_allclose(fused.numpy(), reference, rtol=1e-5, atol=1e-5)
    for a, b in zip(fused_grads, separate_grads):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-5)


def test_linear_conv_then_max_pool_is_not_fused():
    # Without the relu, max_pool(conv + b) still equals max_pool(conv) + b, but the pattern TF's remapper fuses
    # (and conv2d_max_pool's gradient) is the relu one: the graph keeps the two ops.
    x = pt.constant(RNG.normal(size=(1, 6, 6, 1)).astype(np.float32))
    conv, pool = layers.Conv2D(2, 3), layers.MaxPooling2D()
    model = pt.keras.Sequential([conv, pool])
    weights = pt.ones(model(x).shape)
    text, (traced, _), (eager, _) = _traced_and_eager(model, [conv, pool], x, weights)
    assert "= conv2d[" in text and "= max_pool2d[" in text and "conv2d_max_pool" not in text
    np.testing.assert_array_equal(traced.numpy(), eager.numpy())


def _conv_pool_model(kind):
    stack = [layers.Conv2D(3, 3, activation="relu"), layers.MaxPooling2D(), layers.Flatten(), layers.Dense(4)]
    if kind == "sequential":
        return pt.keras.Sequential([pt.keras.Input((8, 8, 2))] + stack)
    if kind == "functional":
        inputs = x = pt.keras.Input((8, 8, 2))
        for layer in stack:
            x = layer(x)
        return pt.keras.Model(inputs, x)

    class Net(pt.keras.Model):
        def __init__(self):
            super().__init__()
            self.stack = stack

        def call(self, x):
            for layer in self.stack:
                x = layer(x)
            return x

    return Net()


@pytest.mark.parametrize("kind", ["sequential", "functional", "subclassed"])
def test_fit_fuses_conv_pool_for_every_model_kind_and_matches_eager_fit(kind):
    # The fusion lives in the graph passes, so a functional or subclassed model gets it as Sequential does.
    x = RNG.normal(size=(16, 8, 8, 2)).astype(np.float32)
    y = RNG.integers(0, 4, size=16)
    histories = []
    for run_eagerly in (False, True):
        pt.keras.utils.set_random_seed(3)
        model = _conv_pool_model(kind)
        model.compile(optimizer="adam", loss=pt.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                      run_eagerly=run_eagerly)
        histories.append(model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history["loss"])
        if not run_eagerly:
            text = next(iter(model.train_function._concrete.values())).graph.pretty_printed()
            assert "= conv2d_max_pool[" in text and "= conv2d_max_pool_backprop_filter[" in text
            assert "= bias_add_relu" in text and "= max_pool2d[" not in text
    np.testing.assert_allclose(histories[0], histories[1], rtol=1e-5)
