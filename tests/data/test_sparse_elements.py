"""SparseTensors in tf.data elements (slices, batch, unbatch, map), SparseTensor arithmetic, and Keras models on
sparse inputs — each against the same computation on the dense tensor."""

import numpy as np
import pytest

import pytensor as tf
from pytensor import keras

DENSE = np.array([[1, 0, 2, 0], [0, 0, 0, 0], [0, 3, 0, 4], [5, 0, 0, 0], [0, 6, 7, 0]], np.float32)


def _sparse():
    return tf.sparse.from_dense(DENSE)


def test_slices_batch_unbatch_and_map_keep_the_values():
    ds = tf.data.Dataset.from_tensor_slices(_sparse())
    assert isinstance(ds.element_spec, tf.SparseTensorSpec) and ds.element_spec.shape.as_list() == [4]
    rows = [tf.sparse.to_dense(e).numpy() for e in ds]
    np.testing.assert_array_equal(np.stack(rows), DENSE)
    batches = [tf.sparse.to_dense(b).numpy() for b in ds.batch(2)]
    assert [b.shape for b in batches] == [(2, 4), (2, 4), (1, 4)]
    np.testing.assert_array_equal(np.concatenate(batches), DENSE)
    unbatched = [tf.sparse.to_dense(e).numpy() for e in ds.batch(2).unbatch()]
    np.testing.assert_array_equal(np.stack(unbatched), DENSE)
    doubled = [tf.sparse.to_dense(e).numpy() for e in ds.map(lambda x: x * 2)]
    np.testing.assert_array_equal(np.stack(doubled), DENSE * 2)


def test_sparse_arithmetic_matches_dense():
    sp = _sparse()
    np.testing.assert_array_equal(tf.sparse.to_dense(sp * 3).numpy(), DENSE * 3)
    np.testing.assert_array_equal(tf.sparse.to_dense(2 * sp).numpy(), DENSE * 2)
    scale = np.array([1.0, 2.0, 4.0, 8.0], np.float32)
    np.testing.assert_array_equal(tf.sparse.to_dense(sp * scale).numpy(), DENSE * scale)
    np.testing.assert_array_equal(tf.sparse.to_dense(sp / 2).numpy(), DENSE / 2)
    np.testing.assert_array_equal(tf.sparse.to_dense(-sp).numpy(), -DENSE)
    np.testing.assert_array_equal((sp + np.ones_like(DENSE)).numpy(), DENSE + 1)
    with pytest.raises(TypeError, match="SparseTensor \\* SparseTensor"):
        sp * sp


def test_keras_dense_model_on_sparse_inputs_matches_dense_inputs():
    tf.keras.utils.set_random_seed(2)
    inputs = keras.Input(shape=(4,), sparse=True)
    model = keras.Model(inputs, keras.layers.Dense(3, activation="relu")(inputs))
    expected = model(tf.constant(DENSE)).numpy()
    np.testing.assert_allclose(model(_sparse()).numpy(), expected, rtol=1e-6)
    with pytest.warns(UserWarning, match="SparseTensors"):
        predicted = model.predict(_sparse(), batch_size=2, verbose=0)
    np.testing.assert_allclose(predicted, expected, rtol=1e-6)
    # integer sparse values are cast to the layer's float dtype, as dense inputs are
    as_ints = tf.sparse.from_dense(DENSE.astype(np.int32))
    np.testing.assert_allclose(model(as_ints).numpy(), expected, rtol=1e-6)
