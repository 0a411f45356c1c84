"""Keras optimizers applying a tf.IndexedSlices gradient by rows, against Keras 3 (TF backend) steps recorded by
fixtures_indexed_slices/make_keras_sparse_updates.py: single updates with duplicate unsorted indices and without, and
training steps of an Embedding model; the dense path against Keras's dense steps."""
import os
import sys

import numpy as np
import pytest

import pytensor as tf
from pytensor import keras

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures_indexed_slices")
sys.path.insert(0, FIXTURES)
from indexed_slices_cases import embedding_model, model_steps, optimizers, steps  # noqa: E402

KERAS = np.load(os.path.join(FIXTURES, "keras_sparse_updates.npz"))

CONFIGS = optimizers(keras)


def _run(name, ids, sparse, traced=False):
    return steps(tf, CONFIGS[name], KERAS, ids, sparse, traced)


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_rows_as_keras_with_distinct_indices(name):
    rows = _run(name, "unique", True)
    np.testing.assert_allclose(rows, KERAS[f"{name}_sparse_unique"], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(rows, _run(name, "unique", False), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_rows_as_keras_with_duplicate_unsorted_indices(name):
    # Keras sums a row's duplicate slices, and where it squares the gradient (second moments) sums their squares:
    # the sparse numbers differ from the dense gradient's there, and pytensor's rows give Keras's sparse numbers.
    np.testing.assert_allclose(_run(name, "dup", True), KERAS[f"{name}_sparse_dup"], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_dense_gradient_as_keras(name):
    np.testing.assert_allclose(_run(name, "dup", False), KERAS[f"{name}_dense_dup"], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", ["sgd", "sgd_momentum", "adam", "rmsprop_momentum", "adagrad", "nadam"])
def test_traced_rows_match_eager_rows(name):
    np.testing.assert_allclose(_run(name, "dup", True, traced=True), _run(name, "dup", True), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", ["sgd", "adagrad"])
def test_scatter_updates_leave_untouched_rows_bitwise(name):
    # Keras's scatter_sub / scatter_add: rows 2 and 3 are in no index
    rows = _run(name, "dup", True)
    np.testing.assert_array_equal(rows[[2, 3]], KERAS["initial"][[2, 3]])


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_embedding_model_steps_as_keras(name):
    initial = [KERAS[f"model_initial_{i}"] for i in range(3)]
    for i, w in enumerate(model_steps(keras, CONFIGS[name], KERAS, initial)):
        np.testing.assert_allclose(w, KERAS[f"model_{name}_{i}"], rtol=2e-5, atol=2e-6, err_msg=f"weight {i}")


def test_embedding_gradient_reaches_the_update_as_rows(monkeypatch):
    # The fused update gets the slices themselves (values and indices), not a vocabulary-sized gradient
    from pytensor import _core
    seen = []
    original = _core.apply_adam

    def spy(var, grad, *args, **kwargs):
        seen.append((tuple(grad.shape), kwargs.get("indices") is not None))
        return original(var, grad, *args, **kwargs)

    monkeypatch.setattr(_core, "apply_adam", spy)
    model = embedding_model(keras)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", run_eagerly=True)
    model.train_on_batch(KERAS["model_x"][0], KERAS["model_y"][0])
    assert seen[0] == ((20, 3), True)  # 4 x 5 looked-up rows for the (12, 3) table


@pytest.mark.parametrize("name", ["sgd", "adam", "rmsprop_momentum"])
def test_out_of_range_index_raises_naming_the_optimizer(name):
    var = tf.Variable(KERAS["initial"])
    before = var.numpy()
    opt = CONFIGS[name]()
    g = tf.IndexedSlices(tf.ones((2, 3)), tf.constant([1, 6]), tf.constant([6, 3]))
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        opt.apply_gradients([(g, var)])
    message = str(info.value)
    assert type(opt).__name__ in message and "indices[1] = 6 is not in [0, 6)" in message, message
    assert "input_dim" in message, message  # the fix
    np.testing.assert_array_equal(var.numpy(), before)
    with pytest.raises(tf.errors.InvalidArgumentError):
        opt.apply_gradients([(tf.IndexedSlices(tf.ones((1, 3)), tf.constant([-1]), tf.constant([6, 3])), var)])


def test_rows_of_the_wrong_shape_raise():
    var = tf.Variable(KERAS["initial"])
    g = tf.IndexedSlices(tf.ones((2, 4)), tf.constant([1, 2]), tf.constant([6, 4]))
    with pytest.raises(ValueError, match=r"SGD: row gradient values of shape \(2, 4\)"):
        keras.optimizers.SGD(0.1).apply_gradients([(g, var)])


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


def test_clipnorm_with_rows():
    v = tf.Variable(np.zeros((4, 2), np.float32))
    opt = keras.optimizers.Adam(1.0, clipnorm=1.0)
    g = tf.IndexedSlices(tf.constant([[3.0, 0.0], [0.0, 4.0]]), tf.constant([0, 2]), tf.constant([4, 2]))
    opt.apply_gradients([(g, v)])
    # Adam's first step moves each element by about lr * sign(g) whatever the clipped size
    np.testing.assert_allclose(v.numpy(), [[-1, 0], [0, 0], [0, -1], [0, 0]], rtol=1e-5)


def test_loss_scale_optimizer_unscales_rows():
    results = []
    for sparse in (True, False):
        v = tf.Variable(KERAS["initial"])
        opt = keras.mixed_precision.LossScaleOptimizer(keras.optimizers.SGD(0.1), initial_scale=8.0)
        g = tf.IndexedSlices(tf.constant(KERAS["values_dup"][0] * 8.0), tf.constant(KERAS["indices_dup"]),
                             tf.constant([6, 3]))
        opt.apply_gradients([(g if sparse else tf.convert_to_tensor(g), v)])
        results.append(v.numpy())
    np.testing.assert_array_equal(results[0], results[1])
    expected = KERAS["initial"].copy()
    np.add.at(expected, KERAS["indices_dup"], -0.1 * KERAS["values_dup"][0])
    np.testing.assert_allclose(results[0], expected, rtol=1e-6, atol=1e-7)
