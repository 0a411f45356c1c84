"""DepthwiseConv1D/2D and SeparableConv1D/2D, and tf.nn.depthwise_conv2d / separable_conv2d, against real Keras 3
and TensorFlow outputs (fixtures/layers_keras3_conv.npz, made by fixtures/record_layers_conv.py), finite-difference
gradients, a training run and bad input."""
import os

import numpy as np
import pytest

import pytensor as pt
from pytensor import keras
from pytensor.keras import layers
from keras3_reference import assert_matches_keras, check_weight_gradients, reference

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "layers_keras3_conv.npz")

CASES = [
    ("depthwise_conv2d_valid", lambda: layers.DepthwiseConv2D(3)),
    ("depthwise_conv2d_same_s2_m2", lambda: layers.DepthwiseConv2D((3, 2), strides=2, padding="same",
                                                                    depth_multiplier=2, activation="relu")),
    ("depthwise_conv2d_dilated", lambda: layers.DepthwiseConv2D(3, dilation_rate=(2, 1), padding="same",
                                                                 use_bias=False)),
    ("separable_conv2d_same", lambda: layers.SeparableConv2D(4, 3, padding="same", depth_multiplier=2)),
    ("separable_conv2d_s2", lambda: layers.SeparableConv2D(3, (2, 3), strides=(2, 1), activation="tanh")),
    ("separable_conv2d_dilated", lambda: layers.SeparableConv2D(2, 3, dilation_rate=2, use_bias=False)),
    ("depthwise_conv1d_same", lambda: layers.DepthwiseConv1D(3, padding="same", depth_multiplier=3)),
    ("depthwise_conv1d_s2", lambda: layers.DepthwiseConv1D(4, strides=2)),
    ("separable_conv1d_same", lambda: layers.SeparableConv1D(4, 3, padding="same", depth_multiplier=2,
                                                             activation="relu")),
    ("separable_conv1d_dilated", lambda: layers.SeparableConv1D(2, 3, dilation_rate=2)),
    # more than 64 depthwise output channels: the sum-of-slices path instead of the block-diagonal convolution
    ("depthwise_conv2d_wide", lambda: layers.DepthwiseConv2D(3, strides=2, padding="same", depth_multiplier=2)),
    ("separable_conv1d_wide", lambda: layers.SeparableConv1D(5, 3, padding="same", depth_multiplier=3)),
]


def _data():
    return reference(FIXTURE)


@pytest.mark.parametrize("name,make", CASES, ids=[c[0] for c in CASES])
def test_forward_matches_keras(name, make):
    layer = make()
    outputs = assert_matches_keras(name, layer, fixture=FIXTURE)
    assert layer.compute_output_shape(_data()[f"{name}/x0"].shape) == outputs[0].shape


def test_tf_nn_depthwise_and_separable_conv2d_match_tensorflow():
    data = _data()
    x, w, p = (pt.constant(data[f"nn/{k}"]) for k in ("depthwise_conv2d/x", "depthwise_conv2d/w",
                                                     "separable_conv2d/p"))
    np.testing.assert_allclose(pt.nn.depthwise_conv2d(x, w, [1, 2, 2, 1], "SAME").numpy(),
                               data["nn/depthwise_conv2d/y"], rtol=0, atol=1e-5)
    np.testing.assert_allclose(pt.nn.separable_conv2d(x, w, p, [1, 1, 1, 1], "VALID", dilations=[2, 1]).numpy(),
                               data["nn/separable_conv2d/y"], rtol=0, atol=1e-5)


@pytest.mark.parametrize("channels", [3, 40])  # 6 and 80 output channels: block-diagonal and sum-of-slices paths
def test_depthwise_conv2d_matches_numpy_loops(channels):
    """Hand-written definition: output channel c * M + m sums input channel c times filter[..., c, m]."""
    rng = np.random.default_rng(3)
    x, w = rng.normal(size=(2, 5, 4, channels)), rng.normal(size=(2, 3, channels, 2))
    got = pt.nn.depthwise_conv2d(pt.constant(x), pt.constant(w), 1, "VALID").numpy()
    want = np.zeros((2, 4, 2, channels * 2))
    for i in range(4):
        for j in range(2):
            for c in range(channels):
                for m in range(2):
                    want[:, i, j, c * 2 + m] = np.einsum("bhw,hw->b", x[:, i:i + 2, j:j + 3, c], w[:, :, c, m])
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("class_name,make", [
    ("DepthwiseConv2D", lambda: layers.DepthwiseConv2D(3)), ("DepthwiseConv1D", lambda: layers.DepthwiseConv1D(3)),
    ("SeparableConv2D", lambda: layers.SeparableConv2D(2, 3)),
    ("SeparableConv1D", lambda: layers.SeparableConv1D(2, 3)),
])
def test_config_keys_match_keras_and_round_trip(class_name, make):
    layer = make()
    config = layer.get_config()
    assert sorted(config) == list(_data()[f"config/{class_name}"])
    assert type(layer).from_config(config).get_config() == config


def test_weight_names_and_layouts_are_keras():
    depthwise = layers.DepthwiseConv2D((3, 2), depth_multiplier=4)
    depthwise(pt.ones((1, 5, 5, 3)))
    assert [w.name for w in depthwise.weights] == ["kernel", "bias"]  # Keras 3: no TF ":0"
    assert [tuple(w.shape) for w in depthwise.weights] == [(3, 2, 3, 4), (12,)]
    separable = layers.SeparableConv1D(5, 3, depth_multiplier=2)
    separable(pt.ones((1, 6, 3)))
    assert [w.name for w in separable.weights] == ["depthwise_kernel", "pointwise_kernel", "bias"]
    assert [tuple(w.shape) for w in separable.weights] == [(3, 3, 2), (1, 6, 5), (5,)]


@pytest.mark.parametrize("make,x_shape", [
    (lambda: layers.DepthwiseConv2D(3, strides=2, padding="same", depth_multiplier=2, dtype="float64"),
     (2, 5, 4, 2)),
    (lambda: layers.DepthwiseConv1D(2, dilation_rate=2, dtype="float64"), (2, 6, 3)),
    (lambda: layers.SeparableConv2D(3, (2, 3), padding="same", activation="tanh", dtype="float64"), (1, 4, 5, 2)),
    (lambda: layers.SeparableConv1D(2, 3, strides=2, depth_multiplier=2, dtype="float64"), (2, 7, 2)),
    (lambda: layers.DepthwiseConv2D(2, strides=(1, 2), padding="same", depth_multiplier=2, dtype="float64"),
     (1, 3, 4, 33)),
])
def test_weight_gradients_match_finite_differences(make, x_shape):
    check_weight_gradients(make(), np.random.default_rng(6).normal(size=x_shape))


@pytest.mark.parametrize("channels", [2, 22])  # 6 and 66 output channels: both paths
def test_input_gradient_matches_finite_differences(channels):
    rng = np.random.default_rng(8)
    x0, w = rng.normal(size=(1, 4, 5, channels)), pt.constant(rng.normal(size=(2, 2, channels, 3)))
    r = rng.normal(size=(1, 2, 3, channels * 3))

    def loss(x):
        return pt.reduce_sum(pt.nn.depthwise_conv2d(x, w, [1, 2, 2, 1], "SAME") * r)

    x = pt.Variable(x0)
    with pt.GradientTape() as tape:
        value = loss(x)
    grad = tape.gradient(value, x).numpy()
    numeric = np.zeros_like(x0)
    for index in np.ndindex(x0.shape):
        up, down = x0.copy(), x0.copy()
        up[index] += 1e-6
        down[index] -= 1e-6
        numeric[index] = (float(loss(pt.constant(up)).numpy()) - float(loss(pt.constant(down)).numpy())) / 2e-6
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-7)


def test_separable_model_training_lowers_the_loss():
    """A small separable-conv classifier learns which half of an image holds a bright blob."""
    keras.utils.set_random_seed(7)
    rng = np.random.default_rng(7)
    x = rng.normal(0, 0.3, (96, 8, 8, 2)).astype(np.float32)
    y = rng.integers(0, 2, 96)
    for i, label in enumerate(y):
        x[i, 2:6, (0 if label == 0 else 4):(4 if label == 0 else 8), :] += 1.0
    model = keras.Sequential([keras.Input(shape=(8, 8, 2)),
                              layers.SeparableConv2D(8, 3, padding="same", activation="relu", depth_multiplier=2),
                              layers.DepthwiseConv2D(3, strides=2, activation="relu"),
                              layers.Flatten(), layers.Dense(2)])
    model.compile(optimizer=keras.optimizers.Adam(0.01),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(x, y, epochs=8, batch_size=16, verbose=0).history["loss"]
    assert history[-1] < 0.5 * history[0]


@pytest.mark.parametrize("make,shape,example", [
    (lambda: layers.DepthwiseConv2D(3, name="dw"), (2, 5, 3), r"\(batch, height, width, channels\)"),
    (lambda: layers.SeparableConv2D(2, 3, name="dw"), (2, 5, 5, 5, 3), r"\(batch, height, width, channels\)"),
    (lambda: layers.DepthwiseConv1D(3, name="dw"), (2, 5), r"\(batch, steps, channels\)"),
    (lambda: layers.SeparableConv1D(2, 3, name="dw"), (2, 5, 4, 3), r"\(batch, steps, channels\)"),
])
def test_wrong_rank_names_layer_shapes_and_fix(make, shape, example):
    layer = make()
    name = type(layer).__name__
    with pytest.raises(ValueError, match=rf"(?s){name} layer 'dw'.*{example}.*{shape}.*Fix"):
        layer(pt.ones(shape))


def test_wrong_channel_count_after_build_raises():
    layer = layers.DepthwiseConv2D(3)
    layer(pt.ones((1, 5, 5, 3)))
    with pytest.raises(ValueError, match=r"DepthwiseConv2D.*axis -1.*size 3.*\(1, 5, 5, 2\)"):
        layer(pt.ones((1, 5, 5, 2)))


@pytest.mark.parametrize("make,match", [
    (lambda: layers.DepthwiseConv2D(3, padding="causal"), r"DepthwiseConv2D.*padding.*'causal'"),
    (lambda: layers.SeparableConv1D(2, 3, padding="full"), r"SeparableConv1D.*padding.*'full'"),
    (lambda: layers.DepthwiseConv1D(3, depth_multiplier=0), r"DepthwiseConv1D.*depth_multiplier"),
    (lambda: layers.SeparableConv2D(0, 3), r"SeparableConv2D.*filters"),
    (lambda: layers.SeparableConv2D(2, (3, 3, 3)), r"SeparableConv2D.*kernel_size"),
    (lambda: layers.DepthwiseConv2D(3, data_format="NCHW"), r"DepthwiseConv2D.*`data_format` must be one of"),
])
def test_bad_arguments_raise_value_error(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_tf_nn_bad_input_raises():
    with pytest.raises(ValueError, match=r"depthwise_conv2d.*rank 4.*\(2, 5, 3\)"):
        pt.nn.depthwise_conv2d(pt.ones((2, 5, 3)), pt.ones((2, 2, 3, 1)), 1, "VALID")
    with pytest.raises(ValueError, match=r"depthwise_conv2d.*2 channels.*expects 3"):
        pt.nn.depthwise_conv2d(pt.ones((1, 5, 5, 2)), pt.ones((2, 2, 3, 1)), 1, "VALID")
    with pytest.raises(ValueError, match=r"depthwise_conv2d.*padding"):
        pt.nn.depthwise_conv2d(pt.ones((1, 5, 5, 3)), pt.ones((2, 2, 3, 1)), 1, "FULL")
    with pytest.raises(ValueError, match=r"separable_conv2d.*pointwise_filter.*\(1, 1, 6, out_channels\)"):
        pt.nn.separable_conv2d(pt.ones((1, 5, 5, 3)), pt.ones((2, 2, 3, 2)), pt.ones((1, 1, 3, 4)), 1, "VALID")


def test_keras_written_model_of_the_family_loads_and_round_trips(tmp_path):
    """fixtures/conv_family_k3.keras, saved by Keras 3, holds ConvLSTM2D, Conv3D, Conv3DTranspose, the separable
    and depthwise layers and the 3-D reshaping layers: it loads with Keras's weights in place, and saving it again
    from pytensor gives the same model back."""
    data = _data()
    model = keras.models.load_model(os.path.join(os.path.dirname(FIXTURE), "conv_family_k3.keras"))
    np.testing.assert_allclose(model(pt.constant(data["model/x"])).numpy(), data["model/y"], rtol=0, atol=1e-5)
    path = str(tmp_path / "again.keras")
    model.save(path)
    again = keras.models.load_model(path)
    np.testing.assert_array_equal(again(pt.constant(data["model/x"])).numpy(),
                                  model(pt.constant(data["model/x"])).numpy())
