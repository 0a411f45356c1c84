"""Keras masks travel from layer to layer: Embedding(mask_zero=True) marks padding, recurrent layers skip it, and
losses average over the unmasked steps only."""
import numpy as np

import pytensor as tf
from pytensor import keras
from pytensor.keras import layers


def test_embedding_mask_rides_on_its_output():
    emb = layers.Embedding(10, 4, mask_zero=True)
    out = emb(np.array([[1, 2, 0, 0], [3, 0, 0, 0]]))
    np.testing.assert_array_equal(out._keras_mask.numpy(), [[True, True, False, False], [True, False, False, False]])
    assert getattr(layers.Embedding(10, 4)(np.array([[1, 0]])), "_keras_mask", None) is None


def _padded_equals_unpadded(model):
    padded = model(np.array([[4, 7, 2, 0, 0]])).numpy()
    unpadded = model(np.array([[4, 7, 2]])).numpy()
    np.testing.assert_allclose(padded, unpadded, rtol=1e-5, atol=1e-6)
    # Without the mask the padding steps would change the final state.
    plain = keras.Sequential([keras.Input(shape=(None,), dtype="int32"), layers.Embedding(10, 3),
                              model.layers[-1].__class__(5)])
    plain.set_weights(model.get_weights())
    assert not np.allclose(plain(np.array([[4, 7, 2, 0, 0]])).numpy(), unpadded, atol=1e-4)


def test_recurrent_layers_skip_masked_steps_in_sequential_models():
    tf.keras.utils.set_random_seed(0)
    for rnn in (layers.SimpleRNN, layers.GRU, layers.LSTM):
        model = keras.Sequential([keras.Input(shape=(None,), dtype="int32"), layers.Embedding(10, 3, mask_zero=True),
                                  rnn(5)])
        _padded_equals_unpadded(model)


def test_functional_model_passes_masks_along():
    tf.keras.utils.set_random_seed(1)
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(10, 3, mask_zero=True)(inputs)
    outputs = layers.LSTM(4)(x)
    model = keras.Model(inputs, outputs)
    np.testing.assert_allclose(model(np.array([[5, 1, 0, 0]])).numpy(), model(np.array([[5, 1]])).numpy(),
                               rtol=1e-5, atol=1e-6)


def test_loss_and_metrics_average_over_unmasked_steps():
    tf.keras.utils.set_random_seed(2)
    model = keras.Sequential([layers.Embedding(10, 3, mask_zero=True), layers.SimpleRNN(4, return_sequences=True),
                              layers.Dense(6, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    x = np.array([[3, 4, 5, 0], [6, 0, 0, 0]])
    y = np.array([[1, 2, 3, 5], [4, 5, 5, 5]])  # labels at padded steps must not count
    probs = model.predict(x, verbose=0)
    valid = x != 0
    per_step = -np.log(np.take_along_axis(probs, y[..., None], -1)[..., 0])
    want = per_step[valid].mean()
    loss, accuracy = model.evaluate(x, y, verbose=0)
    assert np.isclose(loss, want, rtol=1e-5)
    assert np.isclose(accuracy, (probs.argmax(-1) == y)[valid].mean())
    y_other = np.where(valid, y, 0)  # different labels at the padding: the same loss and accuracy
    assert np.allclose(model.evaluate(x, y_other, verbose=0), [loss, accuracy], rtol=1e-5)
