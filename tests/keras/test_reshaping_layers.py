"""UpSampling1D/2D, ZeroPadding1D/2D and Cropping1D/2D against real Keras 3 outputs, shapes and bad input."""
import numpy as np
import pytest

import pytensor as pt
from pytensor import keras
from pytensor.keras import layers
from keras3_reference import assert_matches_keras, reference

CASES = [
    ("up_sampling1d", lambda: layers.UpSampling1D(size=3)),
    ("up_sampling2d", lambda: layers.UpSampling2D(size=(2, 3))),
    ("up_sampling2d_bilinear", lambda: layers.UpSampling2D(size=2, interpolation="bilinear")),
    ("up_sampling2d_bilinear_32", lambda: layers.UpSampling2D(size=(3, 2), interpolation="bilinear")),
    ("zero_padding1d", lambda: layers.ZeroPadding1D(padding=(1, 2))),
    ("zero_padding1d_int", lambda: layers.ZeroPadding1D(padding=2)),
    ("zero_padding2d", lambda: layers.ZeroPadding2D(padding=((1, 2), (3, 0)))),
    ("zero_padding2d_int", lambda: layers.ZeroPadding2D(padding=1)),
    ("cropping1d", lambda: layers.Cropping1D(cropping=(1, 2))),
    ("cropping2d", lambda: layers.Cropping2D(cropping=((1, 0), (2, 1)))),
    ("cropping2d_int", lambda: layers.Cropping2D(cropping=1)),
]


@pytest.mark.parametrize("name,make", CASES, ids=[c[0] for c in CASES])
def test_forward_matches_keras(name, make):
    layer = make()
    outputs = assert_matches_keras(name, layer)
    assert layer.compute_output_shape(reference()[f"{name}/x0"].shape) == outputs[0].shape


@pytest.mark.parametrize("name,make", CASES, ids=[c[0] for c in CASES])
def test_symbolic_shape_in_a_functional_model(name, make):
    x = reference()[f"{name}/x0"]
    inputs = keras.Input(shape=x.shape[1:])
    model = keras.Model(inputs, make()(inputs))
    assert model.output_shape == (None,) + model(pt.constant(x)).shape[1:]


def test_config_keys_match_keras_and_round_trip():
    for layer in (layers.UpSampling1D(), layers.UpSampling2D(), layers.ZeroPadding1D(), layers.ZeroPadding2D(),
                  layers.Cropping1D(), layers.Cropping2D()):
        config = layer.get_config()
        assert sorted(config) == list(reference()[f"config/{type(layer).__name__}"]), type(layer).__name__
        assert type(layer).from_config(config).get_config() == config


def test_bilinear_gradient_is_the_transposed_interpolation():
    """d sum(up(x) * r) / dx equals W^T r for the interpolation matrix W read off the layer's outputs."""
    layer = layers.UpSampling2D(size=(2, 3), interpolation="bilinear", dtype="float64")
    x = pt.constant(np.random.default_rng(5).normal(size=(1, 3, 2, 1)))
    r = pt.constant(np.random.default_rng(6).normal(size=(1, 6, 6, 1)))
    with pt.GradientTape() as tape:
        tape.watch(x)
        loss = pt.reduce_sum(layer(x) * r)
    grad = tape.gradient(loss, x).numpy().ravel()
    basis = np.eye(6).reshape(6, 1, 3, 2, 1)
    columns = np.stack([layer(pt.constant(b)).numpy().ravel() for b in basis], axis=1)
    np.testing.assert_allclose(grad, columns.T @ r.numpy().ravel(), atol=1e-12)


def test_uint8_images_keep_their_dtype_with_nearest_upsampling():
    out = layers.UpSampling2D()(np.arange(4, dtype=np.uint8).reshape(1, 2, 2, 1))
    assert out.dtype == pt.uint8 and out.numpy()[0, :, :, 0].tolist() == [[0, 0, 1, 1], [0, 0, 1, 1],
                                                                           [2, 2, 3, 3], [2, 2, 3, 3]]


@pytest.mark.parametrize("make,shape,match", [
    (lambda: layers.Cropping2D(cropping=((2, 3), (0, 0)), name="crop"), (1, 5, 4, 1),
     r"Cropping2D layer 'crop'.*cropping=\(\(2, 3\), \(0, 0\)\).*\(1, 5, 4, 1\)"),
    (lambda: layers.Cropping1D(cropping=4, name="crop1"), (1, 8, 2), r"Cropping1D layer 'crop1'"),
    (lambda: layers.ZeroPadding2D(name="pad"), (4, 4, 1), r"ZeroPadding2D layer 'pad'.*rank 4.*\(4, 4, 1\)"),
    (lambda: layers.UpSampling1D(name="up"), (4, 4), r"UpSampling1D layer 'up'.*rank 3"),
])
def test_bad_input_names_layer_and_shapes(make, shape, match):
    with pytest.raises(ValueError, match=match):
        make()(pt.ones(shape))


@pytest.mark.parametrize("make,match", [
    (lambda: layers.ZeroPadding2D(padding=(1, 2, 3)), "padding"),
    (lambda: layers.Cropping1D(cropping=-1), "cropping"),
    (lambda: layers.UpSampling2D(interpolation="bicubic"), "interpolation"),
    (lambda: layers.UpSampling1D(size=0), "size"),
])
def test_bad_arguments_raise(make, match):
    with pytest.raises(ValueError, match=match):
        make()
