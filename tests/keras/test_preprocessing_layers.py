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
    "string_lookup_invert": lambda: layers.StringLookup(vocabulary=["a", "the", "cat"], invert=True),
    "string_lookup_adapt": _adapted(layers.StringLookup, "string_lookup_adapt"),
    "string_lookup_adapt_max": _adapted(layers.StringLookup, "string_lookup_adapt_max", max_tokens=5),
    "string_lookup_tf_idf": _adapted(layers.StringLookup, "string_lookup_tf_idf", output_mode="tf_idf"),
    "random_flip": lambda: layers.RandomFlip("horizontal", seed=3),
    "random_contrast": lambda: layers.RandomContrast(0.3, seed=1),
    "random_contrast_pair": lambda: layers.RandomContrast((0.1, 0.4), value_range=(0, 1)),
    "random_brightness": lambda: layers.RandomBrightness(0.2, value_range=(0, 1), seed=2),
    "random_brightness_pair": lambda: layers.RandomBrightness((-0.3, 0.1)),
}


def _input(value):
    return value if value.dtype.kind == "U" else pt.constant(value)


def test_every_recorded_case_is_run():
    recorded = {key.split("/")[0] for key in _data()}
    assert recorded == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_keras3(name):
    data = _data()
    layer = CASES[name]()
    kwargs = {key.split("/")[-1]: pt.constant(v) for key, v in data.items() if key.startswith(f"{name}/kw/")}
    if name.startswith("random_"):
        kwargs["training"] = False  # inference: the identity, as Keras
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


@pytest.mark.parametrize("name", sorted(k for k in CASES if k.startswith("normalization_adapt")))
def test_normalization_adapt_state(name):
    layer = CASES[name]()
    np.testing.assert_allclose(layer.adapt_mean.numpy(), _data()[f"{name}/mean"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer.adapt_variance.numpy(), _data()[f"{name}/variance"], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", sorted(k for k in CASES if k.startswith("discretization_adapt")))
def test_discretization_adapt_boundaries(name):
    np.testing.assert_allclose(CASES[name]().bin_boundaries, _data()[f"{name}/boundaries"], rtol=1e-6)


@pytest.mark.parametrize("name", sorted(k for k in CASES if "lookup_adapt" in k or "lookup_tf_idf" in k))
def test_lookup_adapt_vocabulary(name):
    assert CASES[name]().get_vocabulary() == _data()[f"{name}/vocabulary"].tolist()
