"""The image augmentation layers of Keras 3 (RandomHue, RandomSaturation, RandomColorDegeneration,
RandomColorJitter, RandomPosterization, Solarization, AutoContrast, Equalization, RandomSharpness,
RandomGaussianBlur, RandomErasing, RandomShear, MixUp, CutMix, ...): their deterministic part with fixed random
parameters against Keras's ``transform_images`` (fixtures/augmentation_keras3.npz, made by
fixtures/record_augmentation.py), inference calls as the identity, the random parts by their properties (ranges,
shapes, seed determinism), configs and bad input."""
import os

import numpy as np
import pytest

import pytensor as pt
from pytensor.keras import layers
from finite_differences import central_gradient
from keras3_reference import reference

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "augmentation_keras3.npz")


@pytest.fixture(autouse=True)
def _no_global_seed():
    """Each test starts without a global seed (the seeded ones set their own): a draw never depends on test order."""
    pt.random.set_seed(None)
    yield
    pt.random.set_seed(None)


def _data():
    return reference(FIXTURE)


def _params(name):
    prefix = f"{name}/param/"
    params = {key[len(prefix):]: pt.constant(value) if value.dtype != np.uint8 else pt.constant(value.astype(np.int32))
              for key, value in _data().items() if key.startswith(prefix)}
    for key in ("start_points", "end_points"):  # the perspective corners are numpy inputs of the homography
        if key in params:
            params[key] = params[key].numpy()
    return params


TRANSFORM_CASES = [
    ("hue", lambda: layers.RandomHue(0.5), "images", 2e-3),
    ("hue_unit", lambda: layers.RandomHue(0.5, value_range=(0, 1)), "unit_images", 1e-5),
    ("saturation", lambda: layers.RandomSaturation(0.5), "images", 2e-3),
    ("color_degeneration", lambda: layers.RandomColorDegeneration(0.5), "images", 1e-4),
    ("posterization", lambda: layers.RandomPosterization((1, 8)), "images", 0),
    ("posterization_unit", lambda: layers.RandomPosterization((1, 8), value_range=(0, 1)), "unit_images", 1e-6),
    ("solarization", lambda: layers.Solarization(0.5, 0.5), "images", 1e-4),
    ("sharpness", lambda: layers.RandomSharpness(0.5), "images", 1e-3),
    ("gaussian_blur", lambda: layers.RandomGaussianBlur(1.0, kernel_size=3, sigma=(0.5, 1.0)), "images", 1e-3),
    ("gaussian_blur_5", lambda: layers.RandomGaussianBlur(1.0, kernel_size=5, sigma=1.0), "images", 1e-3),
    ("shear", lambda: layers.RandomShear(0.4, 0.4), "images", 1e-3),
    ("shear_nearest_constant", lambda: layers.RandomShear(0.4, 0.4, interpolation="nearest", fill_mode="constant",
                                                          fill_value=7.0), "images", 1e-4),
    ("erasing", lambda: layers.RandomErasing(1.0, fill_value=(10.0, 20.0, 300.0)), "images", 0),
    ("mix_up", lambda: layers.MixUp(0.2), "images", 1e-4),
    ("cut_mix", lambda: layers.CutMix(), "images", 0),
    ("perspective", lambda: layers.RandomPerspective(1.0, scale=0.6, fill_value=3.0), "images", 2e-3),
]


@pytest.mark.parametrize("name,make,inputs,atol", TRANSFORM_CASES, ids=[c[0] for c in TRANSFORM_CASES])
def test_transform_with_fixed_parameters_matches_keras(name, make, inputs, atol):
    layer = make()
    x = _data()[inputs]
    got = layer._apply(pt.constant(x), _params(name)).numpy()
    np.testing.assert_allclose(got, _data()[f"{name}/y"], rtol=0, atol=atol)
    # inference: the images unchanged, as Keras's own inference call
    np.testing.assert_array_equal(layer(x, training=False).numpy(), _data()[f"{name}/inference"])
    np.testing.assert_array_equal(layer(x, training=False).numpy(), x)


def test_box_masks_match_keras():
    x0, x1, y0, y1 = _data()["boxes"]
    masks = layers.random_erasing.box_masks(pt.constant(_data()["images"]), x0, x1, y0, y1)
    np.testing.assert_array_equal(masks.numpy(), _data()["box_masks"])


@pytest.mark.parametrize("name,make", [("mix_up", lambda: layers.MixUp(0.2)), ("cut_mix", lambda: layers.CutMix())])
def test_label_mixing_matches_keras(name, make):
    got = make()._mix_labels(pt.constant(_data()["labels"]), _params(name)).numpy()
    np.testing.assert_allclose(got, _data()[f"{name}/labels"], rtol=0, atol=1e-6)


@pytest.mark.parametrize("name,make,inputs,atol", [
    ("auto_contrast", lambda: layers.AutoContrast(), "images", 1e-3),
    ("auto_contrast_unit", lambda: layers.AutoContrast(value_range=(0, 1)), "unit_images", 1e-6),
    ("auto_contrast_flat", lambda: layers.AutoContrast(), "auto_contrast_flat/x", 1e-3),
    ("equalization", lambda: layers.Equalization(), "images", 0),
    ("equalization_bins", lambda: layers.Equalization(bins=16), "images", 0),
    ("equalization_unit", lambda: layers.Equalization(value_range=(0, 1)), "unit_images", 1e-6),
])
def test_deterministic_layers_match_keras(name, make, inputs, atol):
    layer = make()
    np.testing.assert_allclose(layer(_data()[inputs]).numpy(), _data()[f"{name}/y"], rtol=0, atol=atol)
    restored = type(layer).from_config(layer.get_config())
    assert restored.get_config() == layer.get_config()


RANDOM_LAYERS = [
    lambda s, **kw: layers.RandomHue(0.4, seed=s, **kw),
    # above 0.5 Keras's saturation (clipped to value_range, not [0, 1]) can exceed 1 and leave the range: as Keras
    lambda s, **kw: layers.RandomSaturation((0.2, 0.5), seed=s, **kw),
    lambda s, **kw: layers.RandomColorDegeneration(0.7, seed=s, **kw),
    lambda s, **kw: layers.RandomColorJitter(brightness_factor=0.2, contrast_factor=0.3, saturation_factor=0.4,
                                             hue_factor=0.1, seed=s, **kw),
    lambda s, **kw: layers.RandomPosterization((2, 6), seed=s, **kw),
    lambda s, **kw: layers.Solarization(0.3, 0.6, seed=s, **kw),
    lambda s, **kw: layers.RandomSharpness(0.8, seed=s, **kw),
    lambda s, **kw: layers.RandomGaussianBlur(0.8, seed=s, **kw),
    lambda s, **kw: layers.RandomErasing(0.8, seed=s, **kw),
    lambda s, **kw: layers.RandomShear(0.3, 0.3, seed=s, **kw),
    lambda s, **kw: layers.MixUp(0.4, seed=s, **kw), lambda s, **kw: layers.CutMix(0.8, seed=s, **kw),
    lambda s, **kw: layers.RandomPerspective(1.0, scale=0.4, seed=s, **kw),
    lambda s, **kw: layers.RandomElasticTransform(1.0, scale=(0.5, 1.0), seed=s, **kw),
    lambda s, **kw: layers.RandAugment(num_ops=3, factor=0.4, seed=s, **kw),
    lambda s, **kw: layers.AugMix(seed=s, **kw),
]


@pytest.mark.parametrize("make", RANDOM_LAYERS, ids=lambda make: type(make(0)).__name__)
def test_random_layers_properties(make):
    x = _data()["images"]
    layer = make(3)
    out = layer(x).numpy()
    assert out.shape == x.shape and out.dtype == np.float32
    assert out.min() >= -1e-3 and out.max() <= 255.0 + 1e-3, "left the value range [0, 255]"
    assert not np.array_equal(out, x), "a training call changed nothing"
    # the same seed gives the same draws in a fresh program state
    pt.random.set_seed(11)
    first = make(5)(x).numpy()
    pt.random.set_seed(11)
    np.testing.assert_array_equal(make(5)(x).numpy(), first)
    np.testing.assert_array_equal(layer(x, training=False).numpy(), x)
    # one image (rank 3) keeps its shape; the config round-trips
    assert tuple(layer(x[0]).shape) == x[0].shape
    assert type(layer).from_config(layer.get_config()).get_config() == layer.get_config()


def test_mix_up_and_cut_mix_take_images_and_labels():
    x, labels = _data()["images"], _data()["labels"]
    for layer in (layers.MixUp(0.5, seed=2), layers.CutMix(seed=2)):
        out = layer({"images": x, "labels": labels})
        assert tuple(out["images"].shape) == x.shape and tuple(out["labels"].shape) == labels.shape
        np.testing.assert_allclose(out["labels"].numpy().sum(axis=1), 1.0, rtol=1e-5)  # still distributions
        same = layer({"images": x, "labels": labels}, training=False)
        np.testing.assert_array_equal(same["images"].numpy(), x)


def test_blur_and_sharpness_are_differentiable():
    rng = np.random.default_rng(7)
    x = rng.uniform(10, 200, (1, 4, 4, 2))
    params = {"should_apply_blur": pt.constant([True]), "blur_factor": pt.constant([0.8, 1.1], dtype=pt.float64)}
    layer = layers.RandomGaussianBlur(1.0, dtype="float64")
    r = rng.normal(size=x.shape)
    xv = pt.Variable(x)
    with pt.GradientTape() as tape:
        loss = pt.reduce_sum(layer._apply(xv, params) * r)
    numeric = central_gradient(lambda v: float(pt.reduce_sum(layer._apply(pt.constant(v), params) * r).numpy()), x)
    np.testing.assert_allclose(tape.gradient(loss, xv).numpy(), numeric, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("make,match", [
    (lambda: layers.RandomHue(1.5), "factor"),
    (lambda: layers.RandomSaturation(0.5, value_range=(0,)), "value_range"),
    (lambda: layers.RandomPosterization(9), "factor"),
    (lambda: layers.Solarization(addition_factor=2.0), "addition_factor"),
    (lambda: layers.RandomGaussianBlur(kernel_size=4), "kernel_size must be an odd number"),
    (lambda: layers.RandomErasing(fill_value=(1, 2)), "fill_value"),
    (lambda: layers.RandomShear(x_factor=1.5), "x_factor"),
])
def test_bad_arguments_raise_value_error(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_bad_image_rank_names_the_layer():
    with pytest.raises(ValueError, match=r"RandomHue layer .*expected images of rank 3 .* or 4"):
        layers.RandomHue(0.2)(pt.ones((4, 3)))
    with pytest.raises(NotImplementedError, match="fill_mode"):
        layers.RandomShear(0.2, fill_mode="mirror")


def test_homography_matches_keras():
    start, end = _data()["perspective/param/start_points"], _data()["perspective/param/end_points"]
    np.testing.assert_allclose(layers.random_perspective.homography(start, end), _data()["perspective/homography"],
                               rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("order", [0, 1])
@pytest.mark.parametrize("fill_mode", ["constant", "nearest", "wrap", "reflect"])
def test_map_coordinates_matches_keras(order, fill_mode):
    from pytensor.keras.layers.random_elastic_transform import map_coordinates
    image = pt.constant(_data()["images"][0, ..., 0])
    got = map_coordinates(image, pt.constant(_data()["map/rows"]), pt.constant(_data()["map/cols"]), order,
                          fill_mode, -5.0)
    np.testing.assert_allclose(got.numpy(), _data()[f"map/{order}/{fill_mode}"], rtol=0, atol=1e-4)


def test_elastic_transform_displaces_smoothly_and_keeps_constant_images():
    layer = layers.RandomElasticTransform(1.0, scale=1.0, seed=4)
    flat = np.full((2, 16, 16, 3), 77.0, np.float32)
    np.testing.assert_allclose(layer(flat).numpy(), flat, atol=1e-4)  # reflect fill: a constant image stays
    ramp = np.broadcast_to(np.arange(16, dtype=np.float32)[None, :, None, None] * 10, (2, 16, 16, 3)).copy()
    out = layer(ramp).numpy()
    assert 0 < np.abs(out - ramp).mean() < 40  # moved, but by a smooth field of a few pixels


@pytest.mark.parametrize("max_number", [2, 6])
def test_max_num_bounding_boxes_matches_keras(max_number):
    layer = layers.MaxNumBoundingBoxes(max_number, fill_value=-2, bounding_box_format="xyxy")
    out = layer({"images": _data()["images"][:2], "bounding_boxes": {"boxes": _data()["boxes/boxes"],
                                                                   "labels": _data()["boxes/labels"]}})
    np.testing.assert_array_equal(out["bounding_boxes"]["boxes"].numpy(), _data()[f"boxes/{max_number}/boxes"])
    np.testing.assert_array_equal(out["bounding_boxes"]["labels"].numpy(), _data()[f"boxes/{max_number}/labels"])
    np.testing.assert_array_equal(out["images"], _data()["images"][:2])
    assert layers.MaxNumBoundingBoxes.from_config(layer.get_config()).get_config() == layer.get_config()
    with pytest.raises(ValueError, match="bounding_box_format"):
        layers.MaxNumBoundingBoxes(2)({"images": _data()["images"], "bounding_boxes": {
            "boxes": _data()["boxes/boxes"], "labels": _data()["boxes/labels"]}})
    with pytest.raises(KeyError, match="unsupported keys"):
        layer({"images": _data()["images"], "bounding_boxes": {"boxes": _data()["boxes/boxes"],
                                                              "labels": _data()["boxes/labels"], "scores": 1}})


@pytest.mark.parametrize("key,kwargs,scale", [
    ("clahe/y_4x5", {"tile_grid_size": (4, 5)}, 1.0),
    ("clahe/y_5x3_clip", {"tile_grid_size": (5, 3), "clip_limit": 1.5}, 1.0),
    ("clahe/y_unit_noclip", {"value_range": (0, 1), "tile_grid_size": (2, 2), "clip_limit": 0}, 255.0),
])
def test_clahe_matches_keras(key, kwargs, scale):
    layer = layers.ContrastLimitedAdaptiveHistogramEqualization(**kwargs)
    x = (_data()["clahe/x"] / np.float32(scale)).astype(np.float32)
    np.testing.assert_allclose(layer(x).numpy(), _data()[key], rtol=0, atol=1e-4 / scale)
    np.testing.assert_allclose(layer(x, training=False).numpy(), _data()[key], rtol=0, atol=1e-4 / scale)
    first = layers.ContrastLimitedAdaptiveHistogramEqualization(data_format="channels_first", **kwargs)
    np.testing.assert_allclose(first(np.transpose(x, (0, 3, 1, 2))).numpy(), np.transpose(_data()[key], (0, 3, 1, 2)),
                               rtol=0, atol=1e-4 / scale)
    assert type(layer).from_config(layer.get_config()).get_config() == layer.get_config()
    with pytest.raises(ValueError, match="tile_grid_size"):
        layers.ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=8)


def test_augmentation_layers_run_in_dataset_map():
    images = _data()["images"]
    hue, mix = layers.RandomHue(0.2, seed=1), layers.MixUp(seed=1)
    dataset = pt.data.Dataset.from_tensor_slices((images, _data()["labels"])).batch(3).map(
        lambda x, y: mix({"images": hue(x), "labels": y}))
    batch = next(iter(dataset))
    assert tuple(batch["images"].shape) == images.shape and tuple(batch["labels"].shape) == (3, 3)
    np.testing.assert_allclose(batch["labels"].numpy().sum(axis=1), 1.0, rtol=1e-5)


@pytest.mark.parametrize("make", RANDOM_LAYERS, ids=lambda make: type(make(0)).__name__)
def test_channels_first_is_the_transposed_channels_last(make):
    x = _data()["images"]
    pt.random.set_seed(21)
    last = make(7)(x).numpy()
    pt.random.set_seed(21)
    first = make(7, data_format="channels_first")(np.transpose(x, (0, 3, 1, 2))).numpy()
    np.testing.assert_allclose(first, np.transpose(last, (0, 3, 1, 2)), rtol=1e-6, atol=1e-4)
