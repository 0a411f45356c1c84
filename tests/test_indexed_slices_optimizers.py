"""Keras optimizers applying a tf.IndexedSlices gradient, against Keras 3 (TF backend) steps recorded by
fixtures_indexed_slices/make_keras_sparse_updates.py, and a Keras Embedding model whose fit (row gradients) matches
the same model with a dense lookup (one_hot @ table)."""
import os
import sys

import numpy as np
import pytest

import pytensor as tf
from pytensor import keras

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures_indexed_slices")
sys.path.insert(0, FIXTURES)
from indexed_slices_cases import optimizers, two_steps  # noqa: E402

KERAS = np.load(os.path.join(FIXTURES, "keras_sparse_updates.npz"))

CONFIGS = optimizers(keras)


def _run(name, ids, sparse):
    return two_steps(tf, CONFIGS[name], KERAS, ids, sparse)


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_distinct_indices_as_keras(name):
    np.testing.assert_allclose(_run(name, "unique", True), KERAS[f"{name}_sparse_unique"], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_duplicate_indices_sum_as_the_dense_gradient(name):
    # Rows sharing an index add up before the update: Keras's numbers on the dense gradient. (Keras 3 itself squares
    # each duplicate row before adding them in Adam's, RMSprop's and Adagrad's second moments; SGD's scatter_sub
    # gives the same numbers either way, so for SGD the Keras sparse steps are checked too.)
    rows = _run(name, "dup", True)
    np.testing.assert_allclose(rows, KERAS[f"{name}_dense_dup"], rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(rows, _run(name, "dup", False))
    if name.startswith("sgd"):
        np.testing.assert_allclose(rows, KERAS[f"{name}_sparse_dup"], rtol=1e-5, atol=1e-6)


def test_minimize_with_an_embedding_lookup_updates_only_touched_rows_with_sgd():
    table = np.arange(12, dtype=np.float32).reshape(6, 2)
    v = tf.Variable(table)
    opt = keras.optimizers.SGD(0.5)
    opt.minimize(lambda: tf.reduce_sum(tf.nn.embedding_lookup(v, [4, 1, 4])), [v])
    expected = table.copy()
    expected[4] -= 1.0
    expected[1] -= 0.5
    np.testing.assert_array_equal(v.numpy(), expected)


def test_global_clipnorm_with_rows():
    v = tf.Variable(np.zeros((4, 2), np.float32))
    opt = keras.optimizers.SGD(1.0, global_clipnorm=1.0)
    g = tf.IndexedSlices(tf.constant([[3.0, 0.0], [0.0, 4.0]]), tf.constant([0, 2]), tf.constant([4, 2]))
    opt.apply_gradients([(g, v)])
    np.testing.assert_allclose(v.numpy(), [[-0.6, 0], [0, 0], [0, -0.8], [0, 0]], rtol=1e-6)


class _OneHotEmbedding(keras.layers.Layer):
    """An Embedding whose lookup is one_hot(ids) @ table: a dense gradient for the same numbers."""

    def __init__(self, vocab, dim, **kwargs):
        super().__init__(**kwargs)
        self.vocab, self.dim = vocab, dim

    def build(self, input_shape):
        self.embeddings = self.add_weight(shape=(self.vocab, self.dim), initializer="uniform", name="embeddings")

    def call(self, ids):
        return tf.matmul(tf.one_hot(ids, self.vocab), self.embeddings)


@pytest.mark.parametrize("optimizer", ["Adam", "SGD"])
def test_embedding_fit_matches_a_dense_lookup(optimizer):
    rng = np.random.default_rng(0)
    x = rng.integers(0, 30, (64, 6)).astype(np.int32)  # duplicate ids in every batch
    y = rng.integers(0, 2, (64, 1)).astype(np.float32)
    histories, tables = [], []
    for embedding in (keras.layers.Embedding(30, 4), _OneHotEmbedding(30, 4)):
        model = keras.Sequential([keras.Input(shape=(6,), dtype="int32"), embedding,
                                  keras.layers.GlobalAveragePooling1D(), keras.layers.Dense(1, activation="sigmoid")])
        if tables:
            model.set_weights(tables[0])
        else:
            tables.append(model.get_weights())
        model.compile(optimizer=keras.optimizers.get({"class_name": optimizer, "config": {"learning_rate": 0.05}}),
                      loss="binary_crossentropy")
        histories.append(model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0).history["loss"])
        tables.append(model.get_weights()[0])
    assert histories[0][-1] < histories[0][0]
    np.testing.assert_allclose(histories[0], histories[1], rtol=1e-5)
    np.testing.assert_allclose(tables[1], tables[2], rtol=1e-4, atol=1e-6)


def test_loss_scale_optimizer_unscales_rows():
    results = []
    for sparse in (True, False):
        v = tf.Variable(KERAS["initial"])
        opt = keras.mixed_precision.LossScaleOptimizer(keras.optimizers.SGD(0.1), initial_scale=8.0)
        g = tf.IndexedSlices(tf.constant(KERAS["values"][0] * 8.0), tf.constant(KERAS["indices_dup"]),
                             tf.constant([6, 3]))
        opt.apply_gradients([(g if sparse else tf.convert_to_tensor(g), v)])
        results.append(v.numpy())
    np.testing.assert_array_equal(results[0], results[1])
    expected = KERAS["initial"].copy()
    np.add.at(expected, KERAS["indices_dup"], -0.1 * KERAS["values"][0])
    np.testing.assert_allclose(results[0], expected, rtol=1e-6, atol=1e-7)
