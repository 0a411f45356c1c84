"""keras.applications against Keras 3 (fixtures/record_applications.py, record_applications_efficientnet.py): the
same layers (classes and names, in order), parameter counts and output shapes for ResNet50/101/152 (v1 and v2),
VGG16/19, MobileNetV2 and EfficientNetB0-B7 with weights=None;
weights="imagenet" read from Keras's cache folder (a Keras-written MobileNetV2 weight file in the ImageNet files'
layout, random weights, predicting as Keras did); preprocess_input / decode_predictions; the errors."""
import json
import os
import shutil
import sys

import numpy as np
import pytest

import pytensor as pt
from pytensor import keras
from pytensor.keras.saving._weights import keras_layers

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
with open(os.path.join(FIXTURES, "applications_keras3.json")) as _file:
    REFERENCE = json.load(_file)
with open(os.path.join(FIXTURES, "applications_efficientnet_keras3.json")) as _file:  # record_applications_efficientnet
    REFERENCE.update(json.load(_file))
sys.path.insert(0, FIXTURES)
from applications_cases import classic_cases, efficientnet_cases  # noqa: E402

apps = keras.applications

CASES = {**classic_cases(apps), **efficientnet_cases(apps)}
SLOW = {"vgg16"}  # 138 M parameters: seconds to initialise


def _auto_name(name):
    """Keras numbers the names of unnamed layers by a per-session counter ("input_layer_3"); compare the stem."""
    stem, _, suffix = name.rpartition("_")
    return stem if suffix.isdigit() and stem in ("input_layer", "global_average_pooling2d",
                                                  "global_max_pooling2d", "max_pooling2d", "rescaling",
                                                  "normalization") else name


@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.slow) if c in SLOW else c for c in CASES])
def test_architecture_matches_keras(case):
    build, kwargs = CASES[case]
    model = build(weights=None, **kwargs)
    expected = REFERENCE[case]
    assert model.name == expected["name"]
    # Keras's layer order (the one its weight files name layers in); pytensor's model.layers lists the same layers
    # in creation order, which differs where a block's shortcut is created before its main path.
    got_layers = [[type(layer).__name__, _auto_name(layer.name)] for layer in keras_layers(model)]
    assert got_layers == [[cls, _auto_name(name)] for cls, name in expected["layers"]]
    assert sorted(layer.name for layer in model.layers) == sorted(layer.name for layer in keras_layers(model))
    assert model.count_params() == expected["params"]
    assert sum(int(np.prod(w.shape)) for w in model.trainable_weights) == expected["trainable_params"]
    assert list(model.outputs[0].shape) == expected["output_shape"]


def test_input_tensor_builds_on_it_and_takes_its_source_inputs():
    image = keras.Input((40, 40, 3))
    model = apps.MobileNetV2(weights=None, include_top=False, input_tensor=image, pooling="max")
    assert model.inputs[0] is image and list(model.outputs[0].shape) == [None, 1280]
    assert model.name == "mobilenetv2_1.00_40"
    scaled = keras.layers.Lambda(lambda t: t / 255.0)(image)
    model = apps.ResNet50(weights=None, include_top=False, input_tensor=scaled, pooling="avg")
    assert model.inputs[0] is image
    x = np.random.RandomState(0).uniform(0, 255, (1, 40, 40, 3)).astype(np.float32)
    # The Lambda is part of the model: the same network on a plain input, given x / 255, agrees.
    plain = apps.ResNet50(weights=None, include_top=False, input_shape=(40, 40, 3), pooling="avg")
    plain.set_weights(model.get_weights())
    np.testing.assert_allclose(model.predict(x, verbose=0), plain.predict(x / 255.0, verbose=0), rtol=1e-5,
                               atol=1e-6)


def test_imagenet_weights_load_from_keras_cache_and_predict_as_keras(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    (tmp_path / "models").mkdir()
    # weights="imagenet" with a 32x32 input loads the 224 file (with Keras's warning), here Keras-written weights.
    shutil.copy(os.path.join(FIXTURES, "mobilenet_v2_035_32_no_top.h5"),
                tmp_path / "models" / "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_224_no_top.h5")
    with pytest.warns(UserWarning, match="224"):
        model = apps.MobileNetV2(alpha=0.35, input_shape=(32, 32, 3), include_top=False, pooling="avg",
                                 weights="imagenet")
    reference = np.load(os.path.join(FIXTURES, "mobilenet_v2_035_32_no_top.npz"))
    np.testing.assert_allclose(model.predict(reference["x"], verbose=0), reference["y"], rtol=1e-4, atol=1e-4)


def test_imagenet_weights_missing_names_the_file_and_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    folder = os.path.join(str(tmp_path), "models")
    with pytest.raises(FileNotFoundError) as error:
        apps.ResNet50(include_top=False, input_shape=(32, 32, 3))
    message = str(error.value)
    assert "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5" in message and folder in message
    assert "https://storage.googleapis.com/tensorflow/keras-applications/resnet/" in message
    with pytest.raises(FileNotFoundError, match="vgg16_weights_tf_dim_ordering_tf_kernels.h5"):
        apps.VGG16()
    with pytest.raises(FileNotFoundError, match="imagenet_class_index.json"):
        apps.resnet50.decode_predictions(np.ones((1, 1000), np.float32))


def test_decode_predictions_reads_the_cached_class_index(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(apps.imagenet_utils, "_CLASS_INDEX", None)
    (tmp_path / "models").mkdir()
    index = {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}
    (tmp_path / "models" / "imagenet_class_index.json").write_text(json.dumps(index))
    preds = np.zeros((2, 1000), np.float32)
    preds[0, [5, 700, 3]] = [0.5, 0.3, 0.2]
    preds[1, 999] = 1.0
    decoded = apps.vgg16.decode_predictions(preds, top=3)
    assert [(a, b) for a, b, _ in decoded[0]] == [("n00000005", "class_5"), ("n00000700", "class_700"),
                                                  ("n00000003", "class_3")]
    np.testing.assert_allclose([score for _, _, score in decoded[0]], [0.5, 0.3, 0.2])
    assert decoded[1][0][:2] == ("n00000999", "class_999")
    with pytest.raises(ValueError, match=r"\(samples, 1000\)"):
        apps.mobilenet_v2.decode_predictions(np.ones((2, 10)))


def test_preprocess_input_matches_keras():
    reference = np.load(os.path.join(FIXTURES, "applications_preprocess_keras3.npz"))
    for mode in ("caffe", "tf", "torch"):
        np.testing.assert_allclose(apps.imagenet_utils.preprocess_input(reference["x"].copy(), mode=mode),
                                   reference[mode], rtol=1e-6, atol=1e-4)
        tensor = apps.imagenet_utils.preprocess_input(pt.constant(reference["x"]), mode=mode)
        np.testing.assert_allclose(tensor.numpy(), reference[mode], rtol=1e-6, atol=1e-4)
    np.testing.assert_allclose(
        apps.imagenet_utils.preprocess_input(reference["x"].transpose(0, 3, 1, 2).copy(),
                                             data_format="channels_first"),
        reference["caffe_channels_first"], rtol=1e-6, atol=1e-4)
    np.testing.assert_allclose(apps.resnet50.preprocess_input(reference["x"].copy()), reference["caffe"], atol=1e-4)
    np.testing.assert_allclose(apps.resnet_v2.preprocess_input(reference["x"].copy()), reference["tf"], atol=1e-4)
    np.testing.assert_allclose(apps.vgg19.preprocess_input(reference["x"].copy()), reference["caffe"], atol=1e-4)
    np.testing.assert_allclose(apps.mobilenet_v2.preprocess_input(reference["x"].copy()), reference["tf"], atol=1e-4)
    uint8 = apps.mobilenet_v2.preprocess_input(np.full((1, 2, 2, 3), 255, np.uint8))
    assert uint8.dtype == np.float32 and np.all(uint8 == 1.0)


def test_bad_arguments():
    with pytest.raises(ValueError, match="weights"):
        apps.ResNet50(weights="no-such-file.h5")
    with pytest.raises(ValueError, match="classes"):
        apps.VGG16(classes=10)
    with pytest.raises(ValueError, match="at least 32x32"):
        apps.MobileNetV2(weights=None, input_shape=(16, 16, 3))
    with pytest.raises(ValueError, match="static"):
        apps.ResNet50(weights=None, input_shape=(None, None, 3))
    with pytest.raises(ValueError, match="alpha"):
        apps.MobileNetV2(alpha=0.6)
    with pytest.raises(ValueError, match="mode"):
        apps.imagenet_utils.preprocess_input(np.zeros((1, 2, 2, 3)), mode="keras")


def test_small_model_trains_on_its_features():
    keras.utils.set_random_seed(0)
    base = apps.MobileNetV2(weights=None, alpha=0.35, input_shape=(32, 32, 3), include_top=False, pooling="avg")
    model = keras.Sequential([base, keras.layers.Dense(2)])
    model.compile(keras.optimizers.Adam(1e-3), keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    rng = np.random.RandomState(0)
    x = rng.uniform(-1, 1, (16, 32, 32, 3)).astype(np.float32)
    y = (x[:, :, :, 0].mean(axis=(1, 2)) > 0).astype(np.int32)
    # Training-mode loss (batch statistics): MobileNetV2's BatchNormalization momentum of 0.999 leaves the moving
    # statistics, and so the inference-mode loss, near their initial values after a few steps (in Keras too).
    history = model.fit(x, y, epochs=6, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.25 * history.history["loss"][0]
