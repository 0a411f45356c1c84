"""Conv3D, Conv3DTranspose, the 3-D pooling, UpSampling3D, ZeroPadding3D and Cropping3D layers, and tf.nn.conv3d /
conv3d_transpose / max_pool3d / avg_pool3d, against real Keras 3 and TensorFlow outputs
(fixtures/layers_keras3_conv.npz, made by fixtures/record_layers_conv.py), finite differences and bad input."""
import os

import numpy as np
import pytest

import pytensor as pt
from pytensor import keras
from pytensor.keras import layers
from keras3_reference import assert_matches_keras, check_weight_gradients, reference

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "layers_keras3_conv.npz")

CASES = [
    ("conv3d_valid", lambda: layers.Conv3D(3, 2)),
    ("conv3d_same_s2", lambda: layers.Conv3D(2, (3, 2, 3), strides=2, padding="same", activation="relu")),
    ("conv3d_dilated", lambda: layers.Conv3D(2, 2, dilation_rate=(2, 1, 1), padding="same", use_bias=False)),
    ("conv3d_transpose_same_s2", lambda: layers.Conv3DTranspose(2, 3, strides=2, padding="same")),
    ("conv3d_transpose_valid", lambda: layers.Conv3DTranspose(3, (2, 3, 2), strides=(2, 1, 1))),
    ("conv3d_transpose_outpad", lambda: layers.Conv3DTranspose(2, 3, strides=2, output_padding=1)),
    ("max_pooling3d", lambda: layers.MaxPooling3D(2)),
    ("max_pooling3d_same", lambda: layers.MaxPooling3D((2, 3, 2), strides=(1, 2, 2), padding="same")),
    ("average_pooling3d", lambda: layers.AveragePooling3D(2)),
    ("average_pooling3d_same", lambda: layers.AveragePooling3D(3, strides=2, padding="same")),
    ("global_max_pooling3d", lambda: layers.GlobalMaxPooling3D()),
    ("global_average_pooling3d", lambda: layers.GlobalAveragePooling3D(keepdims=True)),
    ("up_sampling3d", lambda: layers.UpSampling3D((2, 1, 3))),
    ("zero_padding3d", lambda: layers.ZeroPadding3D(((1, 0), (0, 2), (1, 1)))),
    ("cropping3d", lambda: layers.Cropping3D(((1, 0), (0, 2), (1, 1)))),
]


def _data():
    return reference(FIXTURE)


@pytest.mark.parametrize("name,make", CASES, ids=[c[0] for c in CASES])
def test_forward_matches_keras(name, make):
    layer = make()
    outputs = assert_matches_keras(name, layer, fixture=FIXTURE)
    assert tuple(layer.compute_output_shape(_data()[f"{name}/x0"].shape)) == outputs[0].shape


def test_tf_nn_3d_ops_match_tensorflow():
    data = _data()
    x, w = pt.constant(data["nn/conv3d/x"]), pt.constant(data["nn/conv3d/w"])
    for got, key in [(pt.nn.conv3d(x, w, [1, 2, 1, 2, 1], "SAME"), "conv3d"),
                     (pt.nn.convolution(x, w, [2, 1, 2], "SAME"), "conv3d"),
                     (pt.nn.max_pool3d(x, [2, 2, 3], [1, 2, 2], "SAME"), "max_pool3d"),
                     (pt.nn.max_pool(x, [2, 2, 3], [1, 2, 2], "SAME"), "max_pool3d"),
                     (pt.nn.avg_pool3d(x, 2, 2, "VALID"), "avg_pool3d"),
                     (pt.nn.avg_pool(x, 2, 2, "VALID"), "avg_pool3d")]:
        np.testing.assert_allclose(got.numpy(), data[f"nn/{key}/y"], rtol=0, atol=1e-5, err_msg=key)


@pytest.mark.parametrize("strides,padding,dilation,depth", [
    (2, "SAME", 1, 5), (2, "VALID", 1, 4), (1, "SAME", 2, 5), (3, "VALID", 1, 3), (2, "SAME", 1, 6)])
def test_conv3d_transpose_is_the_adjoint_of_conv3d(strides, padding, dilation, depth):
    """<conv3d(x, w), g> = <x, conv3d_transpose(g, w)> for every x: the transpose equals conv3d's input
    gradient, here computed by the tape through conv2d's own gradients."""
    rng = np.random.default_rng(depth + strides)
    x = pt.Variable(rng.normal(size=(2, depth, 6, 5, 3)))
    w = pt.constant(rng.normal(size=(3, 3, 2, 3, 4)))
    step = [1, strides, 1, 2, 1]
    g = pt.constant(rng.normal(size=tuple(pt.nn.conv3d(x, w, step, padding, dilations=[dilation, 1, 1]).shape)))
    with pt.GradientTape() as tape:
        loss = pt.reduce_sum(pt.nn.conv3d(x, w, step, padding, dilations=[dilation, 1, 1]) * g)
    expected = tape.gradient(loss, x).numpy()
    got = pt.nn.conv3d_transpose(g, w, list(x.shape), step, padding, dilations=[dilation, 1, 1]).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("class_name,make", [
    ("Conv3D", lambda: layers.Conv3D(2, 3)), ("Conv3DTranspose", lambda: layers.Conv3DTranspose(2, 3)),
    ("MaxPooling3D", lambda: layers.MaxPooling3D()), ("AveragePooling3D", lambda: layers.AveragePooling3D(2)),
    ("GlobalMaxPooling3D", lambda: layers.GlobalMaxPooling3D()),
    ("GlobalAveragePooling3D", lambda: layers.GlobalAveragePooling3D()),
    ("UpSampling3D", lambda: layers.UpSampling3D()), ("ZeroPadding3D", lambda: layers.ZeroPadding3D()),
    ("Cropping3D", lambda: layers.Cropping3D()),
])
def test_config_keys_match_keras_and_round_trip(class_name, make):
    layer = make()
    config = layer.get_config()
    assert sorted(config) == list(_data()[f"config/{class_name}"])
    assert type(layer).from_config(config).get_config() == config


def test_kernel_layouts_are_keras():
    conv = layers.Conv3D(5, (3, 2, 1))
    conv(pt.ones((1, 4, 4, 4, 7)))
    assert [tuple(w.shape) for w in conv.weights] == [(3, 2, 1, 7, 5), (5,)]
    deconv = layers.Conv3DTranspose(5, (3, 2, 1))
    deconv(pt.ones((1, 4, 4, 4, 7)))
    assert [tuple(w.shape) for w in deconv.weights] == [(3, 2, 1, 5, 7), (5,)]


@pytest.mark.parametrize("make,x_shape", [
    (lambda: layers.Conv3D(2, (2, 3, 2), strides=(2, 1, 2), padding="same", dtype="float64"), (2, 5, 4, 4, 2)),
    (lambda: layers.Conv3D(2, 2, dilation_rate=(2, 1, 1), activation="tanh", dtype="float64"), (1, 5, 3, 3, 2)),
    (lambda: layers.Conv3DTranspose(2, 3, strides=2, padding="same", dtype="float64"), (1, 3, 2, 3, 2)),
    (lambda: layers.Conv3DTranspose(2, 2, strides=(2, 1, 1), output_padding=(1, 0, 0), dtype="float64"),
     (2, 2, 3, 2, 3)),
])
def test_weight_gradients_match_finite_differences(make, x_shape):
    check_weight_gradients(make(), np.random.default_rng(9).normal(size=x_shape))


@pytest.mark.parametrize("make", [
    lambda: layers.MaxPooling3D((2, 3, 2), strides=(1, 2, 2), padding="same", dtype="float64"),
    lambda: layers.AveragePooling3D(3, strides=2, padding="same", dtype="float64"),
    lambda: layers.UpSampling3D((2, 1, 3), dtype="float64"),
    lambda: layers.Cropping3D(((1, 0), (0, 2), (1, 1)), dtype="float64"),
    lambda: layers.ZeroPadding3D(1, dtype="float64"), lambda: layers.GlobalAveragePooling3D(dtype="float64"),
])
def test_input_gradients_of_weightless_layers_match_finite_differences(make):
    layer = make()
    rng = np.random.default_rng(10)
    x0 = rng.normal(size=(1, 5, 4, 3, 2))
    r = rng.normal(size=tuple(layer(pt.constant(x0)).shape))

    def loss(x):
        return pt.reduce_sum(layer(x) * r)

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


def test_volume_autoencoder_training_lowers_the_loss():
    keras.utils.set_random_seed(11)
    x = np.random.default_rng(11).random((32, 4, 6, 6, 1)).astype(np.float32)
    model = keras.Sequential([keras.Input(shape=(4, 6, 6, 1)),
                              layers.Conv3D(4, 3, padding="same", activation="relu"),
                              layers.MaxPooling3D(2),
                              layers.Conv3DTranspose(1, 3, strides=2, padding="same")])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    history = model.fit(x, x, epochs=8, batch_size=8, verbose=0).history["loss"]
    assert history[-1] < 0.5 * history[0]


@pytest.mark.parametrize("make", [
    lambda: layers.Conv3D(2, 3, name="vol"), lambda: layers.Conv3DTranspose(2, 3, name="vol"),
    lambda: layers.MaxPooling3D(name="vol"), lambda: layers.AveragePooling3D(2, name="vol"),
    lambda: layers.GlobalMaxPooling3D(name="vol"), lambda: layers.UpSampling3D(name="vol"),
    lambda: layers.ZeroPadding3D(name="vol"), lambda: layers.Cropping3D(name="vol"),
])
def test_wrong_rank_names_layer_shapes_and_fix(make):
    layer = make()
    name = type(layer).__name__
    with pytest.raises(ValueError, match=rf"(?s){name} layer 'vol'.*\(batch, depth, height, width, channels\).*"
                                         r"\(2, 6, 6, 3\).*Fix"):
        layer(pt.ones((2, 6, 6, 3)))


@pytest.mark.parametrize("make,match", [
    (lambda: layers.Conv3D(2, 3, padding="causal"), r"Conv3D.*padding.*'causal'"),
    (lambda: layers.MaxPooling3D(padding="full"), r"MaxPooling3D.*padding.*'full'"),
    (lambda: layers.Conv3D(2, (3, 3)), r"Conv3D.*kernel_size"),
    (lambda: layers.Conv3DTranspose(2, 3, strides=2, output_padding=2), r"Conv3DTranspose.*output_padding"),
    (lambda: layers.ZeroPadding3D(((1, 0), (0, 2))), r"ZeroPadding3D.*padding"),
    (lambda: layers.UpSampling3D((2, 2)), r"UpSampling3D.*size"),
])
def test_bad_arguments_raise_value_error(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_cropping_everything_and_bad_tf_nn_input_raise():
    with pytest.raises(ValueError, match=r"Cropping3D.*cropping.*\(1, 2, 4, 4, 1\)"):
        layers.Cropping3D(1)(pt.ones((1, 2, 4, 4, 1)))
    with pytest.raises(ValueError, match=r"conv3d.*\(1, 4, 4, 2\)"):
        pt.nn.conv3d(pt.ones((1, 4, 4, 2)), pt.ones((2, 2, 2, 2, 1)), 1, "VALID")
    with pytest.raises(ValueError, match=r"conv3d.*in_channels.*\(1, 4, 4, 4, 3\).*\(2, 2, 2, 2, 1\)"):
        pt.nn.conv3d(pt.ones((1, 4, 4, 4, 3)), pt.ones((2, 2, 2, 2, 1)), 1, "VALID")
    with pytest.raises(pt.errors.InvalidArgumentError, match=r"max_pool3d.*5-D.*\(1, 4, 4, 2\)"):
        pt.nn.max_pool3d(pt.ones((1, 4, 4, 2)), 2, 2, "VALID")
