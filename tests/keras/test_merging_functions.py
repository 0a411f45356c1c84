"""The functional merge helpers (layers.add, concatenate, dot, ...) and the Dot layer against real Keras 3."""
import numpy as np
import pytest

import pytensor as pt
from pytensor import keras
from pytensor.keras import layers
from keras3_reference import reference


def _ref(key):
    return reference()[f"merge/{key}"]


@pytest.mark.parametrize("helper", ["add", "multiply", "average", "maximum", "minimum"])
def test_three_input_helpers_match_keras(helper):
    a, b, c = (pt.constant(_ref(k)) for k in "abc")
    np.testing.assert_allclose(getattr(layers, helper)([a, b, c]).numpy(), _ref(helper), atol=1e-6)


def test_subtract_and_concatenate_match_keras():
    a, b = pt.constant(_ref("a")), pt.constant(_ref("b"))
    np.testing.assert_allclose(layers.subtract([a, b]).numpy(), _ref("subtract"), atol=1e-6)
    np.testing.assert_allclose(layers.concatenate([a, b], axis=1).numpy(), _ref("concatenate"), atol=1e-6)


@pytest.mark.parametrize("key,axes,normalize", [("dot_12", (1, 1), False), ("dot_last", 2, False),
                                                 ("dot_normalize", -1, True)])
def test_dot_matches_keras(key, axes, normalize):
    a, b = pt.constant(_ref("a")), pt.constant(_ref("b"))
    np.testing.assert_allclose(layers.dot([a, b], axes=axes, normalize=normalize).numpy(), _ref(key), atol=1e-5)


def test_dot_of_vectors_is_batch_by_one():
    out = layers.dot([pt.constant(_ref("v")), pt.constant(_ref("w"))], axes=1)
    assert out.shape == (4, 1)
    np.testing.assert_allclose(out.numpy(), _ref("dot_2d"), atol=1e-5)


def test_helpers_build_a_functional_model():
    x1, x2 = keras.Input(shape=(4,)), keras.Input(shape=(4,))
    merged = layers.concatenate([layers.add([x1, x2]), layers.multiply([x1, x2])])
    similarity = layers.dot([x1, x2], axes=1, normalize=True)
    model = keras.Model([x1, x2], [merged, similarity])
    assert model.output_shape == [(None, 8), (None, 1)]
    a = np.random.default_rng(0).normal(size=(3, 4)).astype(np.float32)
    b = np.random.default_rng(1).normal(size=(3, 4)).astype(np.float32)
    merged_value, similarity_value = model([pt.constant(a), pt.constant(b)])
    np.testing.assert_allclose(merged_value.numpy(), np.concatenate([a + b, a * b], axis=1), atol=1e-6)
    cosine = (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
    np.testing.assert_allclose(similarity_value.numpy()[:, 0], cosine, atol=1e-6)


def test_dot_config_matches_keras():
    layer = layers.Dot(axes=1)
    assert sorted(layer.get_config()) == list(reference()["config/Dot"])
    assert layers.Dot.from_config(layer.get_config()).get_config() == layer.get_config()


def test_dot_mismatched_axes_names_layer_and_shapes():
    with pytest.raises(ValueError, match=r"Dot layer 'sim'.*\(2, 3\).*\(2, 4\)"):
        layers.Dot(axes=1, name="sim")([pt.ones((2, 3)), pt.ones((2, 4))])
    with pytest.raises(ValueError, match=r"exactly 2 inputs"):
        layers.Dot(axes=1)([pt.ones((2, 3))] * 3)
    with pytest.raises(ValueError, match=r"non-batch axis"):
        layers.Dot(axes=0)([pt.ones((2, 3)), pt.ones((2, 3))])
