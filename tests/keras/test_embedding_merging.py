"""Embedding and the merge layers against numpy references."""
import numpy as np
import pytest

import pytensor as pt
from pytensor.keras import layers

RNG = np.random.default_rng(11)


def test_embedding_lookup_mask_and_gradient():
    emb = layers.Embedding(10, 4, mask_zero=True)
    ids = np.array([[1, 5, 0], [9, 0, 0]], np.int32)
    out = emb(ids)
    assert tuple(out.shape) == (2, 3, 4)
    table = emb.get_weights()[0]
    assert table.shape == (10, 4) and np.abs(table).max() <= 0.05  # Keras's uniform(-0.05, 0.05)
    np.testing.assert_array_equal(out.numpy(), table[ids])
    np.testing.assert_array_equal(emb.compute_mask(pt.constant(ids)).numpy(), ids != 0)
    assert layers.Embedding(10, 4).compute_mask(pt.constant(ids)) is None
    with pt.GradientTape() as tape:
        loss = pt.reduce_sum(emb(ids))
    grad = pt.convert_to_tensor(tape.gradient(loss, emb.embeddings)).numpy()
    counts = np.bincount(ids.ravel(), minlength=10)[:, None] * np.ones((1, 4))
    np.testing.assert_array_equal(grad, counts)


def test_embedding_trains_and_round_trips():
    emb = layers.Embedding(6, 2)
    ids = np.array([0, 1, 2, 3, 4, 5], np.int32)
    target = RNG.normal(size=(6, 2)).astype(np.float32)
    losses = []
    for _ in range(20):
        with pt.GradientTape() as tape:
            loss = pt.reduce_mean(pt.square(emb(ids) - target))
        losses.append(float(loss.numpy()))
        grad = pt.convert_to_tensor(tape.gradient(loss, emb.embeddings))
        emb.embeddings.assign_sub(grad * 2.0)
    assert losses[-1] < 0.1 * losses[0]
    config = layers.Embedding(7, 3, mask_zero=True).get_config()
    assert layers.Embedding.from_config(config).get_config() == config
    with pytest.raises(ValueError, match="input_dim"):
        layers.Embedding(0, 3)


@pytest.mark.parametrize("layer, reference", [
    (layers.Add(), lambda a, b, c: a + b + c),
    (layers.Multiply(), lambda a, b, c: a * b * c),
    (layers.Average(), lambda a, b, c: (a + b + c) / 3),
    (layers.Maximum(), lambda a, b, c: np.maximum(np.maximum(a, b), c)),
    (layers.Minimum(), lambda a, b, c: np.minimum(np.minimum(a, b), c)),
    (layers.Concatenate(), lambda a, b, c: np.concatenate([a, b, c], -1)),
    (layers.Concatenate(axis=1), lambda a, b, c: np.concatenate([a, b, c], 1)),
])
def test_merge_matches_numpy_and_passes_gradients(layer, reference):
    arrays = [RNG.normal(size=(2, 3, 4)).astype(np.float32) for _ in range(3)]
    tensors = [pt.constant(a) for a in arrays]
    with pt.GradientTape() as tape:
        for t in tensors:
            tape.watch(t)
        out = layer(tensors)
        loss = pt.reduce_sum(out)
    np.testing.assert_allclose(out.numpy(), reference(*arrays), rtol=1e-6)
    assert tuple(layer.compute_output_shape([(None, 3, 4)] * 3)) == (None,) + reference(*arrays).shape[1:]
    assert all(g is not None for g in tape.gradient(loss, tensors))
    assert type(layer).from_config(layer.get_config()).get_config() == layer.get_config()


def test_subtract_and_broadcasting():
    a, b = RNG.normal(size=(2, 4)).astype(np.float32), RNG.normal(size=(2, 1)).astype(np.float32)
    np.testing.assert_allclose(layers.Subtract()([a, b]).numpy(), a - b)
    np.testing.assert_allclose(layers.Add()([a, b]).numpy(), a + b)


def test_merge_shape_errors():
    with pytest.raises(ValueError, match=r"(?s)Add.*same shape.*\(2, 3\).*\(2, 4\)"):
        layers.Add()([pt.zeros((2, 3)), pt.zeros((2, 4))])
    with pytest.raises(ValueError, match=r"(?s)Subtract.*exactly 2 inputs, received 3"):
        layers.Subtract()([pt.zeros((2, 3))] * 3)
    with pytest.raises(ValueError, match=r"(?s)Multiply.*list of input tensors.*\(2, 3\)"):
        layers.Multiply()(pt.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"(?s)Concatenate.*except the concatenation axis.*\(2, 3, 4\).*\(2, 5, 4\)"):
        layers.Concatenate()([pt.zeros((2, 3, 4)), pt.zeros((2, 5, 4))])
    assert layers.Concatenate().compute_output_shape([(None, 3), (None, 5)]) == (None, 8)
