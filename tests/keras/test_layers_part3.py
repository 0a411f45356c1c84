"""The layers added for issue 19 part 3 — EinsumDense, RMSNormalization, ReversibleEmbedding,
SpectralNormalization, HashedCrossing, the adaptive pooling layers, ConvLSTM3D — and InputSpec, Wrapper, Pipeline
and keras.layers.serialize / deserialize: forward against real Keras 3 outputs (fixtures/layers_keras3_part3.npz,
made by fixtures/record_layers_part3.py), gradients against central finite differences, get_config round trips
and bad input."""
import os

import numpy as np
import pytest

import pytensor as pt
from pytensor.keras import layers
from finite_differences import central_gradient
from keras3_reference import assert_matches_keras, check_weight_gradients, reference

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "layers_keras3_part3.npz")

CASES = [
    ("einsum_partial", lambda: layers.EinsumDense("abc,cde->abde", output_shape=(None, 4, 3), bias_axes="de"), {}),
    ("einsum_left_elided", lambda: layers.EinsumDense("...b,bc->...c", output_shape=4, bias_axes="c",
                                                      activation="relu"), {}),
    ("einsum_right_elided", lambda: layers.EinsumDense("ab...,bc->ac...", output_shape=(4,)), {}),
    ("einsum_bias_inner", lambda: layers.EinsumDense("abc,cd->abd", output_shape=(5, 4), bias_axes="b"), {}),
    ("rms_last", lambda: layers.RMSNormalization(), {}),
    ("rms_two_axes", lambda: layers.RMSNormalization(axis=[-2, -1], epsilon=1e-3), {}),
    ("reversible_forward", lambda: layers.ReversibleEmbedding(10, 4), {}),
    ("reversible_tied", lambda: layers.ReversibleEmbedding(10, 4), {"reverse": True}),
    ("reversible_untied_cap", lambda: layers.ReversibleEmbedding(10, 4, tie_weights=False, logit_soft_cap=2.0),
     {"reverse": True}),
    ("conv_lstm3d", lambda: layers.ConvLSTM3D(2, 2, padding="same", return_sequences=True), {}),
    ("conv_lstm3d_valid", lambda: layers.ConvLSTM3D(3, (2, 1, 2), strides=(1, 1, 2)), {}),
] + [(f"adaptive_{k.lower()}_{suffix}", (lambda k=k, a=args, kw=kwargs, r=rank:
                                          getattr(layers, f"Adaptive{k}Pooling{r}D")(*a, **kw)), {})
     for k in ("Average", "Max")
     for suffix, rank, args, kwargs in (("1d", 1, (4,), {}), ("2d", 2, ((3, 5),), {}), ("3d", 3, ((2, 3, 2),), {}),
                                        ("2d_first", 2, (3,), {"data_format": "channels_first"}))]


@pytest.mark.parametrize("name,make,call_kwargs", CASES, ids=[c[0] for c in CASES])
def test_forward_matches_keras(name, make, call_kwargs):
    layer = make()
    outputs = assert_matches_keras(name, layer, fixture=FIXTURE, **call_kwargs)
    shape = reference(FIXTURE)[f"{name}/x0"].shape
    if not call_kwargs:
        expected = tuple(layer.compute_output_shape(shape))
        assert all(e is None or e == g for e, g in zip(expected, outputs[0].shape)) and \
            len(expected) == outputs[0].ndim
    restored = type(layer).from_config(layer.get_config())
    assert restored.get_config() == layer.get_config()


def test_einsum_dense_kernel_and_bias_shapes_follow_keras():
    layer = layers.EinsumDense("abc,cde->abde", output_shape=(None, 8, 4), bias_axes="de")
    assert tuple(layer(pt.ones((2, 5, 16))).shape) == (2, 5, 8, 4)
    assert tuple(layer.kernel.shape) == (16, 8, 4) and tuple(layer.bias.shape) == (8, 4)
    assert layer.compute_output_shape((2, 5, 16)) == (2, None, 8, 4)  # Keras keeps the partial None


@pytest.mark.parametrize("spec", ["abc,cd->abd", "...b,bc->...c"])
def test_einsum_dense_gradients_match_finite_differences(spec):
    layer = layers.EinsumDense(spec, output_shape=(3, 4) if spec.startswith("abc") else 4, bias_axes="d"
                               if spec.startswith("abc") else "c", activation="tanh", dtype="float64")
    check_weight_gradients(layer, np.random.default_rng(1).normal(size=(2, 3, 5)))


def test_rms_normalization_gradients_match_finite_differences():
    rng = np.random.default_rng(2)
    layer = layers.RMSNormalization(axis=[-2, -1], dtype="float64")
    layer.build((2, 3, 4))
    layer.set_weights([rng.normal(size=(3, 4))])
    check_weight_gradients(layer, rng.normal(size=(2, 3, 4)))
    x = rng.normal(size=(2, 3, 4))
    r = rng.normal(size=(2, 3, 4))
    xv = pt.Variable(x)
    with pt.GradientTape() as tape:
        loss = pt.reduce_sum(layer(xv) * r)
    numeric = central_gradient(lambda v: float(pt.reduce_sum(layer(pt.constant(v)) * r).numpy()), x)
    np.testing.assert_allclose(tape.gradient(loss, xv).numpy(), numeric, rtol=1e-6, atol=1e-7)


def test_reversible_embedding_reverse_gradients_match_finite_differences():
    layer = layers.ReversibleEmbedding(6, 3, logit_soft_cap=1.5, dtype="float64")
    layer.build((2, 3))
    check_weight_gradients(layer, np.random.default_rng(3).normal(size=(2, 3)),
                           call=lambda x: layer(x, reverse=True))
    untied = layers.ReversibleEmbedding(6, 3, tie_weights=False)
    untied.build((2,))
    assert [w.name.split("/")[-1].split(":")[0] for w in untied.weights] == ["embeddings", "reverse_embeddings"]


def test_reversible_embedding_masks_ids_not_vectors():
    layer = layers.ReversibleEmbedding(5, 2, mask_zero=True)
    hidden = layer(pt.constant([[1, 0, 3]]))
    np.testing.assert_array_equal(hidden._keras_mask.numpy(), [[True, False, True]])
    assert getattr(layer(hidden, reverse=True), "_keras_mask", None) is None
    with pytest.raises(ValueError, match="reverse=True expects vectors of width output_dim=2"):
        layer(pt.ones((1, 3)), reverse=True)


@pytest.mark.parametrize("name", ["spectral_dense", "spectral_conv"])
def test_spectral_normalization_training_call_matches_keras(name):
    data = reference(FIXTURE)
    inner = layers.Dense(3) if name == "spectral_dense" else layers.Conv2D(3, 2)
    layer = layers.SpectralNormalization(inner, power_iterations=2)
    assert_matches_keras(name, layer, fixture=FIXTURE, training=True)
    assert [w.name.split("/")[-1].split(":")[0] for w in layer.weights] == list(data[f"{name}/weight_names"])
    np.testing.assert_allclose(inner.kernel.numpy(), data[f"{name}/kernel_after"], rtol=0, atol=1e-5)
    np.testing.assert_allclose(layer.vector_u.numpy(), data[f"{name}/vector_u_after"], rtol=0, atol=1e-5)
    # inference leaves the weights alone
    before = inner.kernel.numpy().copy()
    layer(pt.constant(data[f"{name}/x0"]))
    np.testing.assert_array_equal(inner.kernel.numpy(), before)
    # the normalized kernel's largest singular value is ~1 after a few more training calls
    for _ in range(20):
        layer(pt.constant(data[f"{name}/x0"]), training=True)
    sigma = np.linalg.svd(inner.kernel.numpy().reshape(-1, 3), compute_uv=False)[0]
    assert abs(sigma - 1.0) < 1e-3


def test_spectral_normalization_config_and_bad_input():
    layer = layers.SpectralNormalization(layers.Dense(2), power_iterations=3)
    restored = layers.SpectralNormalization.from_config(layer.get_config())
    assert restored.power_iterations == 3 and isinstance(restored.layer, layers.Dense)
    with pytest.raises(ValueError, match="power_iterations"):
        layers.SpectralNormalization(layers.Dense(2), power_iterations=0)
    with pytest.raises(ValueError, match="neither a `kernel` nor an `embeddings`"):
        layers.SpectralNormalization(layers.ReLU())(pt.ones((1, 2)))
    with pytest.raises(ValueError, match="must be a keras.layers.Layer"):
        layers.SpectralNormalization("dense")
    built = layers.SpectralNormalization(layers.Dense(2))
    built(pt.ones((1, 3)))
    with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 3"):
        built(pt.ones((1, 4)))


def test_hashed_crossing_matches_keras():
    data = reference(FIXTURE)
    strings, ints = data["hashed_crossing/strings"], data["hashed_crossing/ints"]
    np.testing.assert_array_equal(layers.HashedCrossing(num_bins=7)((strings, ints)).numpy(),
                                  data["hashed_crossing/y_str_int"])
    np.testing.assert_array_equal(layers.HashedCrossing(num_bins=1000)((ints, ints, strings)).numpy(),
                                  data["hashed_crossing/y_int_int_str"])
    one_hot = layers.HashedCrossing(num_bins=4, output_mode="one_hot")((strings[:, None], ints[:, None]))
    np.testing.assert_array_equal(one_hot.numpy(), data["hashed_crossing/y_one_hot"])
    layer = layers.HashedCrossing(num_bins=7)
    assert layers.HashedCrossing.from_config(layer.get_config()).get_config() == layer.get_config()


def test_hashed_crossing_bad_input():
    layer = layers.HashedCrossing(num_bins=3)
    with pytest.raises(ValueError, match="at least two inputs"):
        layer(np.array(["a"]))
    with pytest.raises(ValueError, match=r"\(\), \(batch,\) or \(batch, 1\)"):
        layer((np.ones((2, 2), np.int64), np.ones((2, 2), np.int64)))
    with pytest.raises(ValueError, match="strings or integers"):
        layer((np.ones(2), np.ones(2)))
    with pytest.raises(ValueError, match="output_mode"):
        layers.HashedCrossing(num_bins=3, output_mode="multi_hot")


@pytest.mark.parametrize("kind,rank", [(k, r) for k in ("Average", "Max") for r in (1, 2, 3)])
def test_adaptive_pooling_input_gradient_matches_finite_differences(kind, rank):
    rng = np.random.default_rng(rank)
    shape = (1,) + (5, 4, 3)[:rank] + (2,)
    layer = getattr(layers, f"Adaptive{kind}Pooling{rank}D")((3, 3, 2)[:rank], dtype="float64")
    x = rng.normal(size=shape)
    r = rng.normal(size=tuple(layer(pt.constant(x)).shape))
    xv = pt.Variable(x)
    with pt.GradientTape() as tape:
        loss = pt.reduce_sum(layer(xv) * r)
    numeric = central_gradient(lambda v: float(pt.reduce_sum(layer(pt.constant(v)) * r).numpy()), x)
    np.testing.assert_allclose(tape.gradient(loss, xv).numpy(), numeric, rtol=1e-6, atol=1e-7)


def test_adaptive_pooling_bad_input():
    with pytest.raises(TypeError, match="`output_size` must be an int or a tuple of 2 ints"):
        layers.AdaptiveAveragePooling2D((2, 2, 2))
    with pytest.raises(ValueError, match=r"AdaptiveMaxPooling1D layer .*expected an input of rank 3"):
        layers.AdaptiveMaxPooling1D(2)(pt.ones((2, 4)))
    with pytest.raises(ValueError, match="data_format"):
        layers.AdaptiveMaxPooling3D(2, data_format="NCHW")


def test_conv_lstm3d_gradients_and_bad_input():
    layer = layers.ConvLSTM3D(2, 2, padding="same", dtype="float64")
    check_weight_gradients(layer, np.random.default_rng(4).normal(size=(1, 2, 2, 2, 2, 1)), max_entries=6)
    with pytest.raises(ValueError, match=r"ConvLSTM3D layer .*rank 6"):
        layers.ConvLSTM3D(2, 2)(pt.ones((1, 2, 3, 3, 1)))


def test_convolution_aliases():
    assert layers.Convolution1D is layers.Conv1D and layers.Convolution2D is layers.Conv2D


def test_input_spec_checks_calls():
    class Ranked(layers.Layer):
        def __init__(self):
            super().__init__()
            self.input_spec = layers.InputSpec(ndim=3, axes={-1: 4}, dtype="float32")

    layer = Ranked()
    assert tuple(layer(pt.ones((1, 2, 4))).shape) == (1, 2, 4)
    with pytest.raises(ValueError, match=r"Input 0 of layer 'ranked.*expected ndim=3, found ndim=2. Full shape "
                                         r"received: \(2, 4\)"):
        layer(pt.ones((2, 4)))
    with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 4"):
        layer(pt.ones((1, 2, 5)))
    with pytest.raises(ValueError, match="expected dtype=float32, found dtype=int32"):
        layer(np.ones((1, 2, 4), np.int32))
    # as Keras, the check sees the input after the layer converts it: float64 arrays become float32
    assert layer(np.ones((1, 2, 4))).dtype == pt.float32
    spec = layers.InputSpec(shape=(None, 3), name="x")
    assert spec.ndim == 2 and layers.InputSpec.from_config(spec.get_config()).get_config() == spec.get_config()
    with pytest.raises(ValueError, match=r"expected shape=\(None, 3\), found shape=\(2, 4\)"):
        layers.input_spec.assert_input_compatibility(spec, pt.ones((2, 4)), "probe")
    with pytest.raises(ValueError, match=r"missing input\(s\) \['x'\]"):
        layers.input_spec.assert_input_compatibility([spec], {"y": pt.ones((2, 3))}, "probe")
    # EinsumDense sets one when built, as Keras
    einsum = layers.EinsumDense("ab,bc->ac", output_shape=3)
    einsum(pt.ones((2, 4)))
    with pytest.raises(ValueError, match="expected ndim=2, found ndim=3"):
        einsum(pt.ones((2, 1, 4)))
    from pytensor import keras
    with pytest.raises(ValueError, match=r"expected ndim=2, found ndim=3. Full shape received: \(None, 1, 4\)"):
        einsum(keras.Input((1, 4)))  # the functional API checks too


def test_input_spec_set_before_super_init_survives():
    class Early(layers.Layer):
        def __init__(self):
            self.input_spec = layers.InputSpec(min_ndim=2)
            super().__init__()

    with pytest.raises(ValueError, match="expected min_ndim=2, found ndim=1"):
        Early()(pt.ones((3,)))


def test_wrapper_base_builds_and_serializes_the_wrapped_layer():
    class Doubled(layers.Wrapper):
        def call(self, inputs):
            return 2.0 * self.layer(inputs)

    inner = layers.Dense(2, kernel_initializer="ones")
    out = Doubled(inner)(pt.ones((1, 3)))
    np.testing.assert_allclose(out.numpy(), [[6.0, 6.0]])
    config = Doubled(layers.Dense(5, name="inner")).get_config()
    assert config["layer"]["class_name"] == "Dense" and config["layer"]["config"]["units"] == 5
    restored = Doubled.from_config(config)
    assert isinstance(restored.layer, layers.Dense) and restored.layer.units == 5


def test_serialize_deserialize_round_trip_and_unknown_class():
    config = layers.serialize(layers.Dense(3, activation="relu", name="d3"))
    assert config["class_name"] == "Dense" and config["module"] == "keras.layers"
    restored = layers.deserialize(config)
    assert isinstance(restored, layers.Dense) and restored.units == 3 and restored.name == "d3"
    with pytest.raises(ValueError, match="NoSuchLayer"):
        layers.deserialize({"class_name": "NoSuchLayer", "config": {}})
    with pytest.raises(ValueError, match="expected a dict with 'class_name'"):
        layers.deserialize("Dense")


def test_pipeline_applies_layers_in_order_and_round_trips():
    pipeline = layers.Pipeline([layers.Rescaling(0.5), layers.Rescaling(1.0, offset=1.0)])
    np.testing.assert_allclose(pipeline(pt.constant([[2.0, 4.0]])).numpy(), [[2.0, 3.0]])
    assert pipeline.compute_output_shape((1, 2)) == (1, 2)
    restored = layers.Pipeline.from_config(pipeline.get_config())
    assert [type(layer).__name__ for layer in restored.layers] == ["Rescaling", "Rescaling"]
    np.testing.assert_allclose(restored(pt.constant([[2.0, 4.0]])).numpy(), [[2.0, 3.0]])
    with pytest.raises(ValueError, match="Pipeline: `layers` must be a list"):
        layers.Pipeline(layers.Dense(2))


def test_einsum_dense_bad_input():
    with pytest.raises(ValueError, match="invalid einsum equation"):
        layers.EinsumDense("ab->b", output_shape=2)(pt.ones((2, 3)))
    with pytest.raises(ValueError, match="kernel axis 'z'"):
        layers.EinsumDense("ab,bz->ab", output_shape=3)(pt.ones((2, 3)))
    with pytest.raises(ValueError, match="bias axis 'q'"):
        layers.EinsumDense("ab,bc->ac", output_shape=3, bias_axes="q")(pt.ones((2, 3)))
    with pytest.raises(ValueError, match="shared axis 'b'"):
        layers.EinsumDense("abc,cd->abd", output_shape=(7, 2))(pt.ones((2, 3, 4)))


CF = "channels_first"
CHANNELS_FIRST_CASES = [
    ("cf_conv1d", lambda: layers.Conv1D(3, 2, strides=2, padding="same", data_format=CF), {}),
    ("cf_conv2d", lambda: layers.Conv2D(3, (2, 3), dilation_rate=2, activation="relu", data_format=CF), {}),
    ("cf_conv3d", lambda: layers.Conv3D(2, 2, strides=(1, 2, 1), padding="same", data_format=CF), {}),
    ("cf_conv2d_transpose", lambda: layers.Conv2DTranspose(3, 3, strides=2, padding="same", data_format=CF), {}),
    ("cf_depthwise_conv2d", lambda: layers.DepthwiseConv2D(2, depth_multiplier=2, data_format=CF), {}),
    ("cf_separable_conv1d", lambda: layers.SeparableConv1D(4, 3, padding="same", data_format=CF), {}),
    ("cf_max_pooling1d", lambda: layers.MaxPooling1D(2, data_format=CF), {}),
    ("cf_average_pooling2d", lambda: layers.AveragePooling2D(3, strides=2, padding="same", data_format=CF), {}),
    ("cf_max_pooling3d", lambda: layers.MaxPooling3D(2, data_format=CF), {}),
    ("cf_global_average_pooling1d", lambda: layers.GlobalAveragePooling1D(data_format=CF), {}),
    ("cf_global_max_pooling2d", lambda: layers.GlobalMaxPooling2D(data_format=CF, keepdims=True), {}),
    ("cf_global_average_pooling3d", lambda: layers.GlobalAveragePooling3D(data_format=CF), {}),
    ("cf_batch_normalization", lambda: layers.BatchNormalization(axis=1), {"training": True}),
    ("cf_up_sampling2d", lambda: layers.UpSampling2D((2, 3), data_format=CF, interpolation="bilinear"), {}),
    ("cf_up_sampling3d", lambda: layers.UpSampling3D((1, 2, 2), data_format=CF), {}),
    ("cf_zero_padding1d", lambda: layers.ZeroPadding1D((1, 2), data_format=CF), {}),
    ("cf_zero_padding2d", lambda: layers.ZeroPadding2D(((1, 0), (2, 1)), data_format=CF), {}),
    ("cf_zero_padding3d", lambda: layers.ZeroPadding3D(1, data_format=CF), {}),
    ("cf_cropping2d", lambda: layers.Cropping2D(((1, 0), (0, 2)), data_format=CF), {}),
    ("cf_cropping3d", lambda: layers.Cropping3D(((1, 0), (0, 1), (1, 1)), data_format=CF), {}),
    ("cf_conv_lstm2d", lambda: layers.ConvLSTM2D(3, 2, padding="same", return_sequences=True, data_format=CF), {}),
    ("cf_conv_lstm1d_state", lambda: layers.ConvLSTM1D(2, 3, return_state=True, data_format=CF), {}),
]


@pytest.mark.parametrize("name,make,call_kwargs", CHANNELS_FIRST_CASES, ids=[c[0] for c in CHANNELS_FIRST_CASES])
def test_channels_first_matches_keras(name, make, call_kwargs):
    layer = make()
    outputs = assert_matches_keras(name, layer, fixture=FIXTURE, **call_kwargs)
    shapes = layer.compute_output_shape(reference(FIXTURE)[f"{name}/x0"].shape)
    assert [tuple(s) for s in (shapes if isinstance(shapes, list) else [shapes])] == [o.shape for o in outputs]
    assert type(layer).from_config(layer.get_config()).get_config() == layer.get_config()


def test_channels_first_conv_gradients_match_finite_differences():
    layer = layers.Conv2D(2, 2, strides=(1, 2), padding="same", data_format=CF, dtype="float64")
    check_weight_gradients(layer, np.random.default_rng(5).normal(size=(2, 3, 4, 5)))


def test_channels_first_bad_input_names_the_channel_axis():
    layer = layers.Conv2D(2, 3, data_format=CF)
    layer(pt.ones((1, 3, 5, 5)))
    with pytest.raises(ValueError, match=r"Conv2D layer .*expected axis 1 of the input to have size 3"):
        layer(pt.ones((1, 5, 5, 3)))
    with pytest.raises(ValueError, match="`data_format` must be one of"):
        layers.MaxPooling2D(data_format="NCHW")
    with pytest.raises(ValueError, match=r"ConvLSTM2D layer .*expected axis 2 of the input to have size 2"):
        lstm = layers.ConvLSTM2D(2, 3, data_format=CF)
        lstm(pt.ones((1, 2, 2, 5, 5)))
        lstm(pt.ones((1, 2, 5, 5, 2)))


def test_tfsm_layer_runs_an_exported_model(tmp_path):
    from pytensor import keras
    rng = np.random.default_rng(6)
    model = keras.Sequential([keras.Input((3,)), layers.Dense(4, activation="tanh"), layers.Dense(2)])
    model.set_weights([rng.normal(size=w.shape).astype("float32") for w in model.get_weights()])
    model.export(str(tmp_path / "exported"), verbose=False)
    x = rng.normal(size=(5, 3)).astype("float32")
    layer = layers.TFSMLayer(str(tmp_path / "exported"))
    np.testing.assert_allclose(layer(x).numpy(), model(x).numpy(), rtol=1e-6, atol=1e-6)
    assert sorted(tuple(w.shape) for w in layer.weights) == sorted(tuple(w.shape) for w in model.weights)
    by_signature = layers.TFSMLayer(str(tmp_path / "exported"), call_endpoint="serving_default")
    np.testing.assert_allclose(by_signature(x)["output_0"].numpy(), model(x).numpy(), rtol=1e-6, atol=1e-6)
    # inside a model, trainable: gradients reach the loaded variables
    with pt.GradientTape() as tape:
        loss = pt.reduce_sum(layer(x))
    assert all(g is not None for g in tape.gradient(loss, layer.trainable_weights))
    config = layer.get_config()
    assert config["filepath"] == str(tmp_path / "exported") and config["call_endpoint"] == "serve"
    np.testing.assert_allclose(layers.TFSMLayer.from_config(config)(x).numpy(), model(x).numpy(), rtol=1e-6)
    with pytest.raises(ValueError, match=r"endpoint 'predict' is neither .*available endpoints: \['serve', "
                                         r"'serving_default'\]"):
        layers.TFSMLayer(str(tmp_path / "exported"), call_endpoint="predict")


@pytest.mark.parametrize("name,framework", [("FlaxLayer", "Flax"), ("JaxLayer", "JAX"),
                                            ("TorchModuleWrapper", "PyTorch")])
def test_framework_bound_layers_say_why_they_cannot_run(name, framework):
    with pytest.raises(ValueError, match=rf"{name} wraps a {framework}.*pytensor cannot run it. Rewrite"):
        getattr(layers, name)(object())


STFT_CASES = [
    ("stft_log", {"window": "hann"}),
    ("stft_magnitude_same", {"mode": "magnitude", "padding": "same", "frame_step": 10, "window": "hann"}),
    ("stft_psd_spectrum", {"mode": "psd", "scaling": "spectrum", "fft_length": 64, "window": "hann"}),
    ("stft_stft_expand", {"mode": "stft", "expand_dims": True, "window": "hamming", "periodic": True}),
    ("stft_angle_first", {"mode": "angle", "data_format": "channels_first", "window": None}),
    ("stft_real", {"mode": "real", "fft_length": 40, "scaling": None, "window": "hann"}),
]


@pytest.mark.filterwarnings("ignore:.*power of two")
@pytest.mark.parametrize("name,kwargs", STFT_CASES, ids=[c[0] for c in STFT_CASES])
def test_stft_spectrogram_matches_keras(name, kwargs):
    data = reference(FIXTURE)
    signal = data["audio/signal"]
    x = np.transpose(signal, (0, 2, 1)) if kwargs.get("data_format") == "channels_first" else signal
    layer = layers.STFTSpectrogram(frame_length=32, **kwargs)
    out = layer(x).numpy()
    # Keras evaluates the DFT angles in float32 (errors ~1e-5 at large angles); pytensor in float64
    np.testing.assert_allclose(np.stack([w.numpy() for w in layer.weights]), data[f"audio/{name}/kernels"],
                               rtol=0, atol=2e-5)
    expected = data[f"audio/{name}"]
    if kwargs.get("mode") == "angle":  # angles of bins with imaginary part ~0 may sit at +pi or -pi: compare mod 2 pi
        out, expected = np.angle(np.exp(1j * (out - expected))), np.zeros_like(expected)
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=2e-4)
    assert tuple(layer.compute_output_shape(x.shape)) == out.shape
    assert layers.STFTSpectrogram.from_config(layer.get_config()).get_config() == layer.get_config()


def test_windows_match_independent_references():
    from pytensor.keras.layers._spectral import window_array
    np.testing.assert_allclose(window_array("hann", 32, False, "t"), np.hanning(32), atol=1e-12)
    np.testing.assert_allclose(window_array("hamming", 32, False, "t"), np.hamming(32), atol=1e-12)
    np.testing.assert_allclose(window_array("hann", 32, True, "t"), pt.signal.hann_window(32).numpy(), atol=1e-6)
    np.testing.assert_allclose(window_array("hamming", 32, True, "t"), pt.signal.hamming_window(32).numpy(),
                               atol=1e-6)


def test_stft_matches_numpy_rfft():
    from pytensor.keras.layers._spectral import stft
    x = np.random.default_rng(8).normal(size=(2, 300))
    real, imag = stft(pt.constant(x), 100, 40, 128, window="hann", center=True)
    padded = np.pad(x, [(0, 0), (64, 64)], mode="reflect")
    window = np.pad(pt.signal.hann_window(100, dtype="float64").numpy(), (14, 14))
    frames = np.stack([padded[:, i:i + 128] for i in range(0, padded.shape[1] - 128 + 1, 40)], axis=1)
    expected = np.fft.rfft(frames * window, 128)
    np.testing.assert_allclose(real.numpy(), expected.real, atol=1e-9)
    np.testing.assert_allclose(imag.numpy(), expected.imag, atol=1e-9)


@pytest.mark.parametrize("name,make,inputs", [
    ("mel_default", lambda: layers.MelSpectrogram(fft_length=128, sequence_stride=64, num_mel_bins=20,
                                                  sampling_rate=8000), lambda a: a),
    ("mel_linear", lambda: layers.MelSpectrogram(fft_length=128, sequence_length=100, sequence_stride=50,
                                                 num_mel_bins=16, sampling_rate=8000, min_freq=100.0,
                                                 max_freq=3000.0, power_to_db=False, mag_exp=1.0,
                                                 window="hamming"), lambda a: a),
    ("mel_one", lambda: layers.MelSpectrogram(fft_length=64, sequence_stride=32, num_mel_bins=8, top_db=20.0,
                                              ref_power=2.0), lambda a: a[0]),
])
def test_mel_spectrogram_matches_keras(name, make, inputs):
    data = reference(FIXTURE)
    layer = make()
    x = inputs(data["audio/mel_input"])
    out = layer(x).numpy()
    expected = data[f"audio/{name}"]
    scale = np.abs(expected).max()
    np.testing.assert_allclose(out, expected, rtol=0, atol=2e-5 * scale)
    assert tuple(layer.compute_output_shape(x.shape)) == out.shape
    assert layers.MelSpectrogram.from_config(layer.get_config()).get_config() == layer.get_config()


def test_spectrogram_gradients_and_bad_input():
    rng = np.random.default_rng(9)
    layer = layers.STFTSpectrogram(mode="magnitude", frame_length=8, frame_step=4, dtype="float64")
    check_weight_gradients(layer, rng.normal(size=(1, 24, 1)), max_entries=8)
    x = rng.normal(size=(40,))
    mel = layers.MelSpectrogram(fft_length=16, sequence_stride=8, num_mel_bins=4, power_to_db=False,
                                sampling_rate=800, dtype="float64")
    r = rng.normal(size=tuple(mel(x).shape))
    xv = pt.Variable(x)
    with pt.GradientTape() as tape:
        loss = pt.reduce_sum(mel(xv) * r)
    numeric = central_gradient(lambda v: float(pt.reduce_sum(mel(pt.constant(v)) * r).numpy()), x)
    np.testing.assert_allclose(tape.gradient(loss, xv).numpy(), numeric, rtol=1e-5, atol=1e-7)
    with pytest.raises(ValueError, match="Output mode is invalid|output mode is invalid"):
        layers.STFTSpectrogram(mode="power")
    with pytest.raises(ValueError, match="`frame_step` should be a positive integer"):
        layers.STFTSpectrogram(frame_length=8, frame_step=9)
    with pytest.raises(ValueError, match="`window` must be 'hann', 'hamming'"):
        layers.STFTSpectrogram(window="kaiser")
    with pytest.raises(TypeError, match="invalid input type"):
        layers.STFTSpectrogram(frame_length=8)(np.ones((1, 16, 1), np.int32))
    with pytest.raises(ValueError, match="expected ndim=3, found ndim=2"):
        layers.STFTSpectrogram(frame_length=8)(np.ones((1, 16), np.float32))
    with pytest.raises(ValueError, match="`fft_length` must be greater than or equal to"):
        layers.MelSpectrogram(fft_length=32, sequence_length=64)


def test_new_layers_train_in_a_functional_model():
    from pytensor import keras
    pt.random.set_seed(1)
    inputs = keras.Input((6, 8))
    x = layers.EinsumDense("abc,cd->abd", output_shape=(None, 5), bias_axes="d", activation="tanh")(inputs)
    x = layers.RMSNormalization()(x)
    x = layers.SpectralNormalization(layers.Dense(4))(x)
    x = layers.AdaptiveAveragePooling1D(3)(x)
    outputs = layers.Dense(1)(layers.Flatten()(x))
    model = keras.Model(inputs, outputs)
    model.compile(keras.optimizers.Adam(0.01), "mse")
    rng = np.random.default_rng(0)
    features = rng.normal(size=(64, 6, 8)).astype("float32")
    targets = features.sum(axis=(1, 2))[:, None] / 10
    losses = model.fit(features, targets, epochs=8, batch_size=16, verbose=0).history["loss"]
    assert losses[-1] < 0.7 * losses[0], losses


def test_conv_lstm_channels_first_takes_channels_first_states():
    rng = np.random.default_rng(10)
    x = rng.normal(size=(2, 3, 2, 5)).astype("float32")  # (batch, time, channels, steps)
    h, c = rng.normal(size=(2, 3, 5)).astype("float32"), rng.normal(size=(2, 3, 5)).astype("float32")
    first = layers.ConvLSTM1D(3, 2, padding="same", return_state=True, data_format=CF)
    out_first = first(x, initial_state=[h, c])
    last = layers.ConvLSTM1D(3, 2, padding="same", return_state=True)
    last.build((2, 3, 5, 2))
    last.set_weights(first.get_weights())
    out_last = last(np.transpose(x, (0, 1, 3, 2)), initial_state=[h.transpose(0, 2, 1), c.transpose(0, 2, 1)])
    for a, b in zip(out_first, out_last):
        np.testing.assert_array_equal(a.numpy(), np.transpose(b.numpy(), (0, 2, 1)))


def test_einsum_dense_kernel_initializer_uses_keras_fans():
    """Keras 3 gives the variance-scaling initializer the kernel's input and output axes: for "ab,bcd->acd" the
    fans are b and c * d (not c * b and d, the last-two-axes rule)."""
    pt.random.set_seed(3)
    layer = layers.EinsumDense("ab,bcd->acd", output_shape=(64, 32))
    layer(pt.ones((2, 100)))
    std = layer.kernel.numpy().std()
    assert abs(std - np.sqrt(2.0 / (100 + 64 * 32))) < 0.02 * std  # glorot_uniform with fans 100 and 2048


def test_keras_saved_model_of_the_new_layers_loads(tmp_path):
    from pytensor import keras
    fixtures = os.path.join(os.path.dirname(__file__), "fixtures")
    model = keras.models.load_model(os.path.join(fixtures, "part3_model_keras3.keras"))
    with np.load(os.path.join(fixtures, "part3_model_keras3.npz")) as data:
        x, expected = data["x"], data["y"]
    np.testing.assert_allclose(model(x).numpy(), expected, rtol=0, atol=1e-5)
    model.save(str(tmp_path / "again.keras"))
    reloaded = keras.models.load_model(str(tmp_path / "again.keras"))
    np.testing.assert_allclose(reloaded(x).numpy(), expected, rtol=0, atol=1e-5)


def test_channels_first_conv1d_with_as_many_filters_as_output_steps_matches_numpy():
    """Keras 3.15 (TF backend) adds the bias along the wrong axis in this case; numpy is the reference here."""
    rng = np.random.default_rng(11)
    x = rng.normal(size=(3, 6, 4)).astype("float32")
    kernel, bias = rng.normal(size=(2, 6, 3)).astype("float32"), np.array([0.0, 10.0, 20.0], np.float32)
    layer = layers.Conv1D(3, 2, data_format=CF)
    layer.build(x.shape)
    layer.set_weights([kernel, bias])
    steps_last = np.transpose(x, (0, 2, 1))
    expected = np.stack([steps_last[:, t:t + 2].reshape(3, -1) @ kernel.reshape(-1, 3) for t in range(3)], 1) + bias
    np.testing.assert_allclose(layer(x).numpy(), np.transpose(expected, (0, 2, 1)), rtol=1e-5, atol=1e-5)
