"""Keras 3 preprocessing layers: outputs, adapted state and configs against recorded Keras 3
(fixtures/layers_keras3_prep.npz, made by fixtures/record_preprocessing.py); the random layers by hand-derived and
statistical checks; use inside a model's fit and inside Dataset.map; bad input."""
import json
import os

import numpy as np
import pytest

import pytensor as pt
from pytensor.keras import layers

from keras3_reference import reference

PREP = os.path.join(os.path.dirname(__file__), "fixtures", "layers_keras3_prep.npz")


def _data():
    return reference(PREP)


def _adapted(cls, name, **kwargs):
    def make():
        layer = cls(**kwargs)
        data = _data()[f"{name}/adapt"]
        if name.endswith("_dataset"):
            layer.adapt(pt.data.Dataset.from_tensor_slices(data).batch(64 if cls is layers.Discretization else 6))
        elif name == "string_lookup_adapt":
            layer.adapt(pt.data.Dataset.from_tensor_slices(data).batch(2))
        else:
            layer.adapt(data)
        return layer
    return make


CASES = {
    "rescaling": lambda: layers.Rescaling(1 / 127.5, offset=-1),
    "rescaling_per_channel": lambda: layers.Rescaling([0.5, 2.0, 3.0], offset=[1.0, 0.0, -1.0]),
    "normalization_given": lambda: layers.Normalization(mean=[1.0, 2.0, 3.0], variance=[4.0, 5.0, 6.0]),
    "normalization_scalar": lambda: layers.Normalization(axis=None, mean=2.0, variance=9.0),
    "normalization_invert": lambda: layers.Normalization(mean=[1.0, 2.0], variance=[4.0, 0.0], invert=True),
    "normalization_adapt": _adapted(layers.Normalization, "normalization_adapt", axis=-1),
    "normalization_adapt_axes": _adapted(layers.Normalization, "normalization_adapt_axes", axis=(1, 2)),
    "normalization_adapt_dataset": _adapted(layers.Normalization, "normalization_adapt_dataset", axis=-1),
    "resizing_bilinear": lambda: layers.Resizing(4, 5),
    "resizing_nearest": lambda: layers.Resizing(9, 3, interpolation="nearest"),
    "resizing_crop": lambda: layers.Resizing(4, 4, crop_to_aspect_ratio=True),
    "resizing_pad": lambda: layers.Resizing(4, 4, pad_to_aspect_ratio=True, fill_value=7.0),
    "resizing_single": lambda: layers.Resizing(5, 3),
    "center_crop": lambda: layers.CenterCrop(4, 5),
    "center_crop_upscale": lambda: layers.CenterCrop(5, 6),
    "center_crop_single": lambda: layers.CenterCrop(3, 3),
    "category_one_hot": lambda: layers.CategoryEncoding(4, output_mode="one_hot"),
    "category_one_hot_rank2": lambda: layers.CategoryEncoding(5, output_mode="one_hot"),
    "category_multi_hot": lambda: layers.CategoryEncoding(5),
    "category_count": lambda: layers.CategoryEncoding(4, output_mode="count"),
    "category_count_weights": lambda: layers.CategoryEncoding(4, output_mode="count"),
    "category_rank1": lambda: layers.CategoryEncoding(4, output_mode="multi_hot"),
    "discretization_int": lambda: layers.Discretization(bin_boundaries=[0.0, 1.0, 2.0]),
    "discretization_one_hot": lambda: layers.Discretization(bin_boundaries=[0.0, 1.0], output_mode="one_hot"),
    "discretization_count": lambda: layers.Discretization(bin_boundaries=[0.0, 1.0], output_mode="count"),
    "discretization_adapt": _adapted(layers.Discretization, "discretization_adapt", num_bins=4),
    "discretization_adapt_dataset": _adapted(layers.Discretization, "discretization_adapt_dataset", num_bins=5),
    "discretization_adapt_small": _adapted(layers.Discretization, "discretization_adapt_small", num_bins=3),
    "integer_lookup": lambda: layers.IntegerLookup(vocabulary=[12, 36, 42]),
    "integer_lookup_mask": lambda: layers.IntegerLookup(vocabulary=[12, 36, 42], mask_token=0),
    "integer_lookup_oov2": lambda: layers.IntegerLookup(vocabulary=[12, 36, 42], num_oov_indices=2),
    "integer_lookup_invert": lambda: layers.IntegerLookup(vocabulary=[12, 36, 42], invert=True),
    "integer_lookup_multi_hot": lambda: layers.IntegerLookup(vocabulary=[12, 36, 42], output_mode="multi_hot"),
    "integer_lookup_count_mask": lambda: layers.IntegerLookup(vocabulary=[12, 36], output_mode="count", mask_token=0),
    "integer_lookup_adapt": _adapted(layers.IntegerLookup, "integer_lookup_adapt"),
    "integer_lookup_adapt_max": _adapted(layers.IntegerLookup, "integer_lookup_adapt_max", max_tokens=4),
    "integer_lookup_tf_idf": _adapted(layers.IntegerLookup, "integer_lookup_tf_idf", output_mode="tf_idf"),
    "string_lookup": lambda: layers.StringLookup(vocabulary=["a", "the", "cat"]),
    "string_lookup_mask": lambda: layers.StringLookup(vocabulary=["a", "cat"], mask_token=""),
    "string_lookup_one_hot": lambda: layers.StringLookup(vocabulary=["a", "cat"], output_mode="one_hot"),
    "string_lookup_count": lambda: layers.StringLookup(vocabulary=["a", "cat"], output_mode="count"),
    "string_lookup_oov3": lambda: layers.StringLookup(vocabulary=["a", "cat"], num_oov_indices=3, mask_token="[M]"),
    "integer_lookup_farmhash": lambda: layers.IntegerLookup(vocabulary=[12, 36], num_oov_indices=4,
                                                            oov_method="farmhash"),
    "string_lookup_invert": lambda: layers.StringLookup(vocabulary=["a", "the", "cat"], invert=True),
    "string_lookup_adapt": _adapted(layers.StringLookup, "string_lookup_adapt"),
    "string_lookup_adapt_max": _adapted(layers.StringLookup, "string_lookup_adapt_max", max_tokens=5),
    "string_lookup_tf_idf": _adapted(layers.StringLookup, "string_lookup_tf_idf", output_mode="tf_idf"),
    "random_flip": lambda: layers.RandomFlip("horizontal", seed=3),
    "random_contrast": lambda: layers.RandomContrast(0.3, seed=1),
    "random_contrast_pair": lambda: layers.RandomContrast((0.1, 0.4), value_range=(0, 1)),
    "random_brightness": lambda: layers.RandomBrightness(0.2, value_range=(0, 1), seed=2),
    "random_brightness_pair": lambda: layers.RandomBrightness((-0.3, 0.1)),
    "text_int": _adapted(layers.TextVectorization, "text_int"),
    "text_int_length": _adapted(layers.TextVectorization, "text_int_length", output_sequence_length=3),
    "text_int_pad": _adapted(layers.TextVectorization, "text_int_pad", output_sequence_length=7, max_tokens=6),
    "text_bigrams": _adapted(layers.TextVectorization, "text_bigrams", ngrams=2, output_sequence_length=8),
    "text_ngram_widths": _adapted(layers.TextVectorization, "text_ngram_widths", ngrams=(2, 3),
                                  output_mode="count"),
    "text_multi_hot": _adapted(layers.TextVectorization, "text_multi_hot", output_mode="multi_hot"),
    "text_count_lower": _adapted(layers.TextVectorization, "text_count_lower", output_mode="count",
                                 standardize="lower", max_tokens=8),
    "text_tf_idf": _adapted(layers.TextVectorization, "text_tf_idf", output_mode="tf_idf"),
    "text_characters": _adapted(layers.TextVectorization, "text_characters", split="character", standardize=None,
                                output_sequence_length=10),
    "text_no_split": _adapted(layers.TextVectorization, "text_no_split", split=None,
                              standardize="strip_punctuation"),
    "text_dataset": _adapted(layers.TextVectorization, "text_dataset", output_mode="count", pad_to_max_tokens=True,
                             max_tokens=12),
    "text_given_vocabulary": lambda: layers.TextVectorization(vocabulary=["cat", "mat", "the"],
                                                              output_sequence_length=5),
    "hashing_strings": lambda: layers.Hashing(num_bins=3),
    "hashing_many_bins": lambda: layers.Hashing(num_bins=1000),
    "hashing_integers": lambda: layers.Hashing(num_bins=17),
    "hashing_mask_string": lambda: layers.Hashing(num_bins=5, mask_value=""),
    "hashing_mask_integer": lambda: layers.Hashing(num_bins=4, mask_value=0),
    "hashing_one_hot": lambda: layers.Hashing(num_bins=4, output_mode="one_hot"),
    "hashing_multi_hot": lambda: layers.Hashing(num_bins=6, output_mode="multi_hot"),
    "hashing_count": lambda: layers.Hashing(num_bins=3, output_mode="count"),
    # one-point factor ranges: deterministic geometric transforms, compared in training mode
    "random_rotation_quarter": lambda: layers.RandomRotation((0.25, 0.25)),
    "random_rotation_constant": lambda: layers.RandomRotation((0.1, 0.1), fill_mode="constant", fill_value=-1.0,
                                                              interpolation="nearest"),
    "random_rotation_wrap": lambda: layers.RandomRotation((-0.15, -0.15), fill_mode="wrap"),
    "random_rotation_single": lambda: layers.RandomRotation((0.3, 0.3), fill_mode="reflect"),
    "random_crop_small": lambda: layers.RandomCrop(4, 5, seed=1),
    "random_crop_exact": lambda: layers.RandomCrop(5, 6, seed=1),
    "random_crop_inference": lambda: layers.RandomCrop(3, 3, seed=1),
    "random_grayscale_always": lambda: layers.RandomGrayscale(1.0),
    "random_grayscale_never": lambda: layers.RandomGrayscale(0.0, seed=2),
    "random_invert_always": lambda: layers.RandomInvert((1.0, 1.0), value_range=(0, 1)),
    "random_invert_inference": lambda: layers.RandomInvert(0.4, seed=3),
    "random_translation": lambda: layers.RandomTranslation((0.2, 0.2), (-0.3, -0.3)),
    "random_translation_wrap": lambda: layers.RandomTranslation((-0.5, -0.5), (0.4, 0.4), fill_mode="wrap",
                                                                interpolation="nearest"),
    "random_translation_nearest_fill": lambda: layers.RandomTranslation((0.3, 0.3), (0.1, 0.1), fill_mode="nearest"),
    "random_zoom_in": lambda: layers.RandomZoom((-0.5, -0.5)),
    "random_zoom_out": lambda: layers.RandomZoom((0.3, 0.3), (-0.2, -0.2), fill_mode="constant", fill_value=5.0),
    "random_zoom_reflect": lambda: layers.RandomZoom((0.7, 0.7), interpolation="nearest"),
}
# compared in training mode (their draws cannot change the result), the other random_* cases at inference
GEOMETRIC = ("random_rotation", "random_translation", "random_zoom", "random_crop_small", "random_crop_exact",
             "random_grayscale", "random_invert_always")


def _input(value):
    return value if value.dtype.kind == "U" else pt.constant(value)


def test_every_recorded_case_is_run():
    recorded = {key.split("/")[0] for key in _data() if not key.startswith("model_")} - {"affine", "farmhash"}
    assert recorded == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_keras3(name):
    data = _data()
    layer = CASES[name]()
    kwargs = {key.split("/")[-1]: pt.constant(v) for key, v in data.items() if key.startswith(f"{name}/kw/")}
    if name.startswith("random_"):
        # colour layers at inference (the identity, as Keras); geometric ones in training, with one-point ranges
        kwargs["training"] = name.startswith(GEOMETRIC)
    out = layer(_input(data[f"{name}/x0"]), **kwargs)
    want = data[f"{name}/y0"]
    got = np.asarray(out.numpy())
    if want.dtype.kind == "U":
        got = got.astype(bytes).astype(str)
        np.testing.assert_array_equal(got, want)
        return
    assert got.shape == want.shape, f"{name}: shape {got.shape}, Keras {want.shape}"
    assert got.dtype == want.dtype, f"{name}: dtype {got.dtype}, Keras {want.dtype}"
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-5, err_msg=name)


@pytest.mark.parametrize("name", sorted(CASES))
def test_config_matches_keras3(name):
    mine = {k: v for k, v in CASES[name]().get_config().items() if k not in ("name", "dtype")}
    assert json.loads(json.dumps(mine)) == json.loads(str(_data()[f"{name}/config"]))


def test_farmhash_fingerprint64_matches_tf_buckets():
    from pytensor.keras.layers._farmhash import fingerprint64

    data = _data()
    ends = np.cumsum(data["farmhash/lengths"])
    chunks = np.split(data["farmhash/bytes"], ends[:-1])
    got = [fingerprint64(chunk.tobytes()) % 2 ** 62 for chunk in chunks]
    assert got == data["farmhash/buckets"].tolist()


@pytest.mark.parametrize("fill_mode", ["reflect", "wrap", "constant", "nearest"])
@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
def test_affine_transform_matches_tf(fill_mode, interpolation):
    from pytensor.keras.layers._preprocessing_utils import affine_transform

    data = _data()
    key = f"affine/{fill_mode}_{interpolation}"
    got = affine_transform(pt.constant(data[f"{key}/x"]), data["affine/transforms"], interpolation, fill_mode, 2.5)
    np.testing.assert_allclose(got.numpy(), data[f"{key}/y"], rtol=1e-5, atol=1e-4)


def test_affine_transform_gradient_is_the_transposed_sampling():
    # The output is linear in the image: its gradient for a weighting r is the image-space sum of r's samples.
    from pytensor.keras.layers._preprocessing_utils import affine_transform

    rng = np.random.default_rng(5)
    x = pt.constant(rng.random((1, 4, 5, 1)).astype(np.float32))
    r = rng.normal(size=(1, 4, 5, 1)).astype(np.float32)
    transform = np.array([0.9, -0.3, 1.2, 0.4, 1.1, -0.6, 0.0, 0.0], np.float32)
    with pt.GradientTape() as tape:
        tape.watch(x)
        loss = pt.reduce_sum(affine_transform(x, transform, "bilinear", "reflect") * r)
    grad = tape.gradient(loss, x).numpy()
    for index in np.ndindex(x.shape):
        basis = np.zeros(x.shape, np.float32)
        basis[index] = 1.0
        response = affine_transform(pt.constant(basis), transform, "bilinear", "reflect").numpy()
        assert abs((response * r).sum() - grad[index]) < 1e-5


@pytest.mark.parametrize("name", sorted(k for k in CASES if k.startswith("normalization_adapt")))
def test_normalization_adapt_state(name):
    layer = CASES[name]()
    np.testing.assert_allclose(layer.adapt_mean.numpy(), _data()[f"{name}/mean"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer.adapt_variance.numpy(), _data()[f"{name}/variance"], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", sorted(k for k in CASES if k.startswith("discretization_adapt")))
def test_discretization_adapt_boundaries(name):
    np.testing.assert_allclose(CASES[name]().bin_boundaries, _data()[f"{name}/boundaries"], rtol=1e-6)


@pytest.mark.parametrize("name", sorted(k for k in CASES if "lookup_adapt" in k or "lookup_tf_idf" in k
                                         or k.startswith("text_") and k != "text_given_vocabulary"))
def test_lookup_adapt_vocabulary(name):
    assert CASES[name]().get_vocabulary() == _data()[f"{name}/vocabulary"].tolist()


# ---- the random layers: identity at inference, hand-derived properties and statistics in training ----

def _images(n=400, low=100.0, high=150.0, seed=0):
    return np.random.default_rng(seed).uniform(low, high, (n, 4, 5, 3)).astype(np.float32)


@pytest.mark.parametrize("layer", [layers.RandomFlip(seed=1), layers.RandomContrast(0.5, seed=1),
                                   layers.RandomBrightness(0.5, seed=1), layers.RandomRotation(0.5, seed=1),
                                   layers.RandomTranslation(0.5, 0.5, seed=1), layers.RandomZoom(0.5, seed=1)])
def test_random_layers_are_the_identity_at_inference(layer):
    x = _images(8)
    np.testing.assert_array_equal(layer(pt.constant(x), training=False).numpy(), x)


@pytest.mark.parametrize("mode, flip", [
    ("horizontal", lambda a: a[:, ::-1]), ("vertical", lambda a: a[::-1]),
    ("horizontal_and_vertical", lambda a: a[::-1, ::-1])])
def test_random_flip_flips_about_half_the_images(mode, flip):
    x = _images()
    y = layers.RandomFlip(mode, seed=5)(pt.constant(x), training=True).numpy()
    flipped = np.array([np.array_equal(out, flip(img)) for out, img in zip(y, x)])
    kept = np.array([np.array_equal(out, img) for out, img in zip(y, x)])
    assert np.all(flipped ^ kept)  # every image is either itself or flipped (one draw for both axes)
    assert 0.375 < flipped.mean() < 0.625  # Binomial(400, 1/2): 5 standard deviations


def test_random_flip_single_image_and_dataset_map():
    image = _images(1)[0]
    outs = [layers.RandomFlip("horizontal")(pt.constant(image)).numpy() for _ in range(40)]
    assert all(np.array_equal(o, image) or np.array_equal(o, image[:, ::-1]) for o in outs)
    assert any(np.array_equal(o, image[:, ::-1]) for o in outs) and any(np.array_equal(o, image) for o in outs)


def test_random_contrast_scales_deviation_from_the_channel_mean():
    x = _images()
    y = layers.RandomContrast((0.2, 0.3), seed=2)(pt.constant(x), training=True).numpy()
    mean = x.mean(axis=(1, 2), keepdims=True)
    # One factor per image (least squares), and the output is exactly (x - mean) * factor + mean.
    per_image = ((y - mean) * (x - mean)).sum(axis=(1, 2, 3)) / ((x - mean) ** 2).sum(axis=(1, 2, 3))
    np.testing.assert_allclose(y, (x - mean) * per_image[:, None, None, None] + mean, atol=1e-3)
    assert per_image.min() >= 0.8 - 1e-5 and per_image.max() <= 1.3 + 1e-5
    assert abs(per_image.mean() - 1.05) < 0.036  # uniform on [0.8, 1.3]: sd of the mean 0.0072 (5 sd)


def test_random_contrast_clips_to_value_range():
    x = _images(50, 0.0, 1.0)
    y = layers.RandomContrast(1.0, value_range=(0, 1), seed=3)(pt.constant(x), training=True).numpy()
    assert y.min() >= 0.0 and y.max() <= 1.0 and (y == 1.0).any()


def test_random_brightness_adds_one_delta_per_image():
    x = _images()
    y = layers.RandomBrightness(0.1, seed=4)(pt.constant(x), training=True).numpy()
    delta = (y - x).reshape(len(x), -1)
    np.testing.assert_allclose(delta, np.broadcast_to(delta[:, :1], delta.shape), atol=1e-4)
    assert np.abs(delta).max() <= 25.5 + 1e-3  # 0.1 of the 0..255 range
    assert abs(delta[:, 0].mean()) < 3.7  # uniform on [-25.5, 25.5]: sd of the mean 0.74 (5 sd)
    clipped = layers.RandomBrightness((0.7, 0.9), value_range=(0, 1))(pt.constant(x / 255), training=True)
    np.testing.assert_array_equal(clipped.numpy(), 1.0)


@pytest.mark.parametrize("make", [lambda: layers.RandomRotation((0.0, 0.5), seed=6),
                                  lambda: layers.RandomTranslation((0.0, 0.4), (0.0, 0.4), seed=6),
                                  lambda: layers.RandomZoom((-0.4, 0.4), seed=6)])
def test_geometric_layers_draw_one_transform_per_image(make):
    # Identical images come out different (one draw each); the border fill keeps the values in range (reflect).
    x = np.repeat(_images(1), 16, axis=0)
    y = make()(pt.constant(x), training=True).numpy()
    assert len({out.tobytes() for out in y}) > 8
    assert y.min() >= x.min() - 1e-3 and y.max() <= x.max() + 1e-3


def test_random_crop_offsets_cover_every_window():
    x = np.arange(6 * 7, dtype=np.float32).reshape(1, 6, 7, 1)
    crop = layers.RandomCrop(4, 5, seed=3)
    corners = set()
    for _ in range(120):  # 9 offsets: one is missed with probability (8/9)^120 < 1e-5
        y = crop(pt.constant(x), training=True).numpy()
        top, left = divmod(int(y[0, 0, 0, 0]), 7)
        np.testing.assert_array_equal(y, x[:, top:top + 4, left:left + 5])
        corners.add((top, left))
    assert corners == {(t, l) for t in range(3) for l in range(3)}


@pytest.mark.parametrize("make, changed", [
    (lambda: layers.RandomGrayscale(0.3, seed=8), lambda out, img: np.allclose(out, out[..., :1])),
    (lambda: layers.RandomInvert(0.6, seed=8), lambda out, img: np.allclose(out, 255.0 - img))])
def test_grayscale_and_invert_apply_with_their_probability(make, changed):
    x = _images(600)
    y = make()(pt.constant(x), training=True).numpy()
    applied = np.array([changed(out, img) for out, img in zip(y, x)])
    assert all(a or np.array_equal(out, img) for a, out, img in zip(applied, y, x))
    # grayscale: p = 0.3; invert: p ~ U[0, 0.6], so P(apply) = 0.3 too. Binomial(600, 0.3): sd 0.019 (5 sd)
    assert abs(applied.mean() - 0.3) < 0.095


# ---- inside models and tf.data ----

def test_image_preprocessing_inside_fit():
    pt.keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = (rng.integers(0, 256, (64, 8, 8, 3)) * rng.random((64, 1, 1, 1))).astype(np.uint8)  # brightness varies
    target = x.astype(np.float32).mean(axis=(1, 2, 3))[:, None] / 255
    model = pt.keras.Sequential([
        pt.keras.Input((8, 8, 3)), layers.Rescaling(1 / 255), layers.RandomFlip("horizontal", seed=1),
        layers.RandomContrast(0.1, value_range=(0, 1), seed=1), layers.Resizing(4, 4), layers.CenterCrop(3, 3),
        layers.Flatten(), layers.Dense(1, kernel_initializer="zeros")])
    model.compile(optimizer=pt.keras.optimizers.Adam(0.01), loss="mse")
    # A zero kernel starts every seed at the same loss: from a random one the first epoch's loss was sometimes
    # already near the fit, and the ratio below a matter of the draw (it falls to 0.01-0.03 from zeros, seeds 0-4)
    history = model.fit(x, target, epochs=10, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.3 * history.history["loss"][0]
    # At inference the random layers are the identity: the model is rescale -> resize -> crop -> dense.
    features = pt.image.resize(pt.constant(x.astype(np.float32) / 255), (4, 4)).numpy()[:, :3, :3, :]
    kernel, bias = model.layers[-1].get_weights()
    np.testing.assert_allclose(model.predict(x, verbose=0), features.reshape(64, -1) @ kernel + bias, atol=1e-5)


def test_normalization_and_lookup_inside_fit():
    pt.keras.utils.set_random_seed(1)
    rng = np.random.default_rng(1)
    numbers = (rng.normal(size=(128, 3)) * [10, 0.1, 3] + [5, -2, 0]).astype(np.float32)
    ids = rng.choice([7, 11, 13, 99], size=(128, 1)).astype(np.int64)
    norm = layers.Normalization()
    norm.adapt(numbers)
    lookup = layers.IntegerLookup(vocabulary=[7, 11, 13])
    number_in, id_in = pt.keras.Input((3,)), pt.keras.Input((1,), dtype="int64")
    embedded = layers.Flatten()(layers.Embedding(lookup.vocabulary_size(), 2)(lookup(id_in)))
    merged = layers.Concatenate()([norm(number_in), embedded])
    model = pt.keras.Model([number_in, id_in], layers.Dense(1)(merged))
    y = (numbers[:, :1] - 5) / 10 + (ids == 11)
    model.compile(optimizer=pt.keras.optimizers.Adam(0.05), loss="mse")
    history = model.fit([numbers, ids], y.astype(np.float32), epochs=20, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < 0.1 * history.history["loss"][0]


def test_layers_inside_dataset_map():
    rng = np.random.default_rng(2)
    images = rng.random((6, 5, 7, 3)).astype(np.float32)
    resize = layers.Resizing(3, 4, interpolation="nearest")
    ds = pt.data.Dataset.from_tensor_slices(images).batch(3).map(resize)
    np.testing.assert_array_equal(np.concatenate([b.numpy() for b in ds]), resize(pt.constant(images)).numpy())

    lookup = layers.StringLookup()
    words = np.array(["b", "a", "b", "c", "b", "a"])
    lookup.adapt(pt.data.Dataset.from_tensor_slices(words).batch(4))
    assert lookup.get_vocabulary() == ["[UNK]", "b", "a", "c"]
    ids = pt.data.Dataset.from_tensor_slices(np.array(["a", "z", "c"])).map(lookup)
    assert [int(t.numpy()) for t in ids] == [2, 0, 3]
    inverse = layers.StringLookup(vocabulary=lookup.get_vocabulary(include_special_tokens=False), invert=True)
    back = pt.data.Dataset.from_tensor_slices(np.array([[1, 3]], np.int64)).map(inverse)
    assert [list(t.numpy()) for t in back] == [[b"b", b"c"]]

    hashing = layers.Hashing(num_bins=1000)
    hashed = pt.data.Dataset.from_tensor_slices(np.array(["A", "B", "E"])).map(hashing)
    expected = _data()["hashing_many_bins/y0"][[0, 1, 4], 0]  # Keras's buckets of the same tokens
    assert [int(t.numpy()) for t in hashed] == expected.tolist()

    flip = layers.RandomFlip("horizontal", seed=3)  # training by default in a pipeline, as in Keras
    flipped = np.stack([e.numpy() for e in pt.data.Dataset.from_tensor_slices(np.repeat(images[:1], 40, 0))
                        .map(flip)])
    assert (flipped == images[0][:, ::-1]).all(axis=(1, 2, 3)).any()


def test_text_vectorization_in_dataset_map_feeds_fit():
    pt.keras.utils.set_random_seed(1)
    texts = np.array(["good great fine", "bad awful poor", "great good", "poor bad", "fine good", "awful bad"] * 8)
    labels = np.array([1, 0, 1, 0, 1, 0] * 8, np.float32)
    vectorize = layers.TextVectorization(output_sequence_length=3)
    vectorize.adapt(pt.data.Dataset.from_tensor_slices(texts).batch(16))
    ds = pt.data.Dataset.from_tensor_slices((texts, labels)).batch(8).map(lambda x, y: (vectorize(x), y))
    first_x, _ = next(iter(ds))
    np.testing.assert_array_equal(first_x.numpy(), vectorize(texts[:8]).numpy())
    model = pt.keras.Sequential([pt.keras.Input((3,), dtype="int64"),
                                 layers.Embedding(vectorize.vocabulary_size(), 4, mask_zero=True),
                                 layers.GlobalAveragePooling1D(), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=pt.keras.optimizers.Adam(0.05), loss="binary_crossentropy")
    history = model.fit(ds, epochs=10, verbose=0)
    assert history.history["loss"][-1] < 0.3 * history.history["loss"][0]


@pytest.mark.parametrize("source", ["array", "tensor", "dataset", "unbatched", "xy", "list"])
def test_adapt_sources_agree(source):
    data = np.random.default_rng(3).normal(size=(40, 2)).astype(np.float32) * 4 + 1
    slices = pt.data.Dataset.from_tensor_slices
    given = {"array": data, "tensor": pt.constant(data), "dataset": slices(data).batch(7), "unbatched": slices(data),
             "xy": slices((data, np.zeros(40, np.float32))).batch(9), "list": [data[:15], data[15:]]}[source]
    norm = layers.Normalization()
    norm.adapt(given)
    np.testing.assert_allclose(norm.adapt_mean.numpy(), data.mean(0), rtol=1e-5)
    np.testing.assert_allclose(norm.adapt_variance.numpy(), data.var(0), rtol=1e-5)
    assert int(norm.count.numpy()) == 40


# ---- bad input: Keras's error classes, naming the layer and the fix ----

@pytest.mark.parametrize("call, error, message", [
    (lambda: layers.Discretization(num_bins=3)(pt.constant([1.0])), ValueError, "Discretization.*adapt"),
    (lambda: layers.StringLookup(output_mode="multi_hot")(np.array([["a"]])), RuntimeError,
     "StringLookup.*vocabulary.*adapt"),
    (lambda: layers.IntegerLookup(output_mode="count")(pt.constant([[1]])), RuntimeError, "IntegerLookup.*adapt"),
    (lambda: layers.Resizing(2, 2)(pt.ones((4, 4))), ValueError, "Resizing.*rank 3.*or 4"),
    (lambda: layers.RandomFlip()(pt.ones((4, 4))), ValueError, "RandomFlip.*rank 3"),
    (lambda: layers.CategoryEncoding(3)(pt.constant([[0, 3]])), ValueError, "CategoryEncoding.*0 <= values < 3"),
    (lambda: layers.CategoryEncoding(3)(pt.constant([[0.5]])), TypeError, "CategoryEncoding.*Cast"),
    (lambda: layers.IntegerLookup(vocabulary=[1])(pt.constant([[1.5]])), TypeError, "IntegerLookup.*StringLookup"),
    (lambda: layers.StringLookup(vocabulary=["a"])(pt.constant([[1]])), TypeError, "StringLookup.*IntegerLookup"),
    (lambda: layers.IntegerLookup(vocabulary=[1], num_oov_indices=0)(pt.constant([[2]])),
     pt.errors.InvalidArgumentError, "num_oov_indices=1"),
    (lambda: layers.Normalization(mean=1.0), ValueError, "Normalization.*both `mean` and `variance`"),
    (lambda: layers.Discretization(bin_boundaries=[0.0]).adapt(np.ones(3)), ValueError, "use `num_bins`"),
    (lambda: layers.IntegerLookup(vocabulary=[1, 1]), ValueError, "repeated"),
    (lambda: layers.RandomContrast(1.5), ValueError, "RandomContrast.*factor"),
    (lambda: layers.Resizing(2, 2, interpolation="bicubic"), ValueError, "Resizing.*'bilinear' or 'nearest'"),
    (lambda: layers.TextVectorization(output_mode="multi_hot")(np.array(["a b"])), RuntimeError,
     "vocabulary.*adapt"),
    (lambda: layers.TextVectorization(vocabulary=["a"])(np.array([["a", "b"]])), ValueError,
     "TextVectorization.*last dimension must be 1"),
    (lambda: layers.TextVectorization(output_mode="count", output_sequence_length=3), ValueError,
     "output_sequence_length.*not be set"),
    (lambda: layers.RandomRotation(0.1, fill_mode="mirror"), NotImplementedError, "RandomRotation.*fill_mode"),
    (lambda: layers.RandomZoom(-1.0), ValueError, "RandomZoom.*height_factor"),
    (lambda: layers.Hashing(0), ValueError, "Hashing.*num_bins"),
    (lambda: layers.Hashing(3, salt=1), ValueError, "Hashing.*salt"),
])
def test_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_normalization_inputs_that_do_not_broadcast_after_adapt():
    norm = layers.Normalization()
    norm.adapt(np.ones((4, 3), np.float32))
    with pytest.raises(ValueError, match="Normalization.*shape \\(1, 3\\).*do not broadcast.*\\(2, 4\\)"):
        norm(pt.ones((2, 4)))
    with pytest.raises(ValueError, match="Normalization.*incompatible shape"):
        norm.adapt(np.ones((4, 2), np.float32))


def test_normalization_adapted_on_a_vector_serves_a_column_model():
    # TF's regression tutorial: Normalization(input_shape=[1], axis=None) adapted on a (n,) column, then fit on it.
    rng = np.random.default_rng(7)
    horsepower = (rng.random(64) * 150 + 50).astype(np.float32)
    norm = layers.Normalization(input_shape=[1], axis=None)
    norm.adapt(horsepower)
    np.testing.assert_allclose(norm(horsepower[:, None]).numpy()[:, 0],
                               (horsepower - horsepower.mean()) / horsepower.std(), rtol=1e-4, atol=1e-5)
    pt.keras.utils.set_random_seed(0)
    model = pt.keras.Sequential([norm, layers.Dense(1)])
    model.compile(optimizer=pt.keras.optimizers.Adam(0.1), loss="mean_absolute_error")
    target = (0.02 * horsepower + 1)[:, None]
    history = model.fit(horsepower[:, None], target, epochs=30, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]


def test_tf_keras_2_experimental_preprocessing_names():
    # The regression tutorial of TF 2.3-2.5: preprocessing.Normalization from layers.experimental.
    from pytensor.keras.layers.experimental import preprocessing

    assert preprocessing.Normalization is layers.Normalization and preprocessing.Rescaling is layers.Rescaling
    norm = pt.keras.layers.experimental.preprocessing.Normalization(axis=-1)
    norm.adapt(np.array([[1.0, 10.0], [3.0, 30.0]], np.float32))
    np.testing.assert_allclose(norm(np.array([[3.0, 10.0]], np.float32)).numpy(), [[1.0, -1.0]], rtol=1e-6)


@pytest.mark.parametrize("name", ["normalization", "images", "lookup"])
def test_keras3_saved_models_with_preprocessing_layers_load(name, tmp_path):
    # Keras 3's .keras files (fixtures/preprocessing_keras3) load and predict as Keras did; saved again by pytensor
    # and reloaded they still do.
    path = os.path.join(os.path.dirname(__file__), "fixtures", "preprocessing_keras3", f"{name}.keras")
    x, want = _data()[f"model_{name}/x"], _data()[f"model_{name}/y"]
    model = pt.keras.models.load_model(path)
    np.testing.assert_allclose(model.predict(x, verbose=0), want, rtol=1e-5, atol=1e-5)
    model.save(str(tmp_path / "again.keras"))
    again = pt.keras.models.load_model(str(tmp_path / "again.keras"))
    np.testing.assert_allclose(again.predict(x, verbose=0), want, rtol=1e-5, atol=1e-5)
