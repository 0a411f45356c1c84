"""Arguments TF rejects (or that would silently do the wrong thing) raise a clear error naming the call and the value:
tf.data transformations, Keras's batch_size and loss names, random seeds, and custom_gradient's gradient shapes."""

import json
import os

import numpy as np
import pytest

import pytensor as tf
from pytensor.data import Dataset

InvalidArgumentError = tf.errors.InvalidArgumentError


def values(ds):
    return [int(v) for v in ds]


def test_dataset_arguments_tf_rejects():
    ds = Dataset.range(6)
    with pytest.raises(InvalidArgumentError, match=r"window: .*shift.*got 3, 0, 1"):
        ds.window(3, shift=0)
    with pytest.raises(InvalidArgumentError, match="interleave: cycle_length must be greater than zero.*got 0"):
        ds.interleave(lambda x: Dataset.from_tensors(x), cycle_length=0)
    with pytest.raises(InvalidArgumentError, match="interleave: block_length must be greater than zero.*got 0"):
        ds.interleave(lambda x: Dataset.from_tensors(x), cycle_length=1, block_length=0)
    with pytest.raises(InvalidArgumentError, match=r"prefetch: buffer_size must be >= 0.*got -5"):
        ds.prefetch(-5)
    for size in (-1, 0, -3):
        with pytest.raises(InvalidArgumentError, match=f"shuffle: buffer_size must be greater than zero.*got {size}"):
            ds.shuffle(size)


def test_dataset_arguments_tf_rejects_as_recorded():
    with open(os.path.join(os.path.dirname(__file__), "fixtures", "tf_references.json")) as f:
        references = json.load(f)
    ds = Dataset.range(6)
    calls = {"window_shift_0": lambda: ds.window(3, shift=0),
             "interleave_cycle_0": lambda: ds.interleave(lambda x: Dataset.from_tensors(x), cycle_length=0),
             "prefetch_minus_5": lambda: ds.prefetch(-5), "shuffle_minus_1": lambda: ds.shuffle(-1)}
    for name, call in calls.items():
        assert references[name] == {"error": "InvalidArgumentError"}
        with pytest.raises(InvalidArgumentError):
            call()


def test_dataset_arguments_tf_accepts():
    ds = Dataset.range(6)
    assert values(ds.prefetch(0)) == values(ds.prefetch(tf.data.AUTOTUNE)) == list(range(6))
    assert sorted(values(ds.shuffle(tf.data.UNKNOWN_CARDINALITY, seed=1))) == list(range(6))  # a full shuffle
    assert [values(w) for w in ds.window(2)][:2] == [[0, 1], [2, 3]]  # shift defaults to size
    assert values(ds.interleave(lambda x: Dataset.from_tensors(x), cycle_length=tf.data.AUTOTUNE)) == list(range(6))


def test_set_seed_outside_64_bits_is_an_error():
    with pytest.raises(ValueError, match=r"set_seed: a seed must fit in 64 bits.*got 1208925819614629174706176"):
        tf.random.set_seed(1 << 80)
    with pytest.raises(ValueError, match="64 bits"):
        tf.random.set_seed(-(1 << 63) - 1)
    with pytest.raises(ValueError, match="random: a seed must fit in 64 bits"):
        tf.random.uniform([2], seed=1 << 64)
    # 1 << 80 used to alias seed 0 (its low 64 bits); the extremes of the range stay distinct, valid seeds
    tf.random.set_seed((1 << 64) - 1)
    a = tf.random.uniform([4]).numpy()
    tf.random.set_seed(-(1 << 63))
    b = tf.random.uniform([4]).numpy()
    tf.random.set_seed(None)
    assert not np.array_equal(a, b)


def small_model():
    model = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def test_batch_size_zero_or_negative_is_an_error():
    model = small_model()
    x, y = np.zeros((4, 3), np.float32), np.zeros((4, 1), np.float32)
    for call in (lambda b: model.fit(x, y, batch_size=b, verbose=0), lambda b: model.evaluate(x, y, batch_size=b,
                 verbose=0), lambda b: model.predict(x, batch_size=b, verbose=0)):
        for bad in (0, -2):
            with pytest.raises(ValueError, match=f"batch_size must be a positive integer.*got {bad}"):
                call(bad)
    assert model.predict(x, batch_size=3, verbose=0).shape == (4, 1)


def test_unknown_loss_fails_at_compile():
    model = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="Unknown loss 'nope'"):
        model.compile(loss="nope")
    with pytest.raises(ValueError, match="Unknown loss 'nope'"):
        model.compile(loss=["mse", "nope"])
    with pytest.raises(ValueError, match="Unknown loss 'nope'"):
        model.compile(loss={"out": "nope"})
    model.compile(loss="mse")  # still compiles with a valid one


def test_custom_gradient_of_the_wrong_shape_is_an_error():
    @tf.custom_gradient
    def doubled(x):
        def grad(dy):
            return tf.ones((5,))
        return x * 2.0, grad

    x = tf.ones((3,))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = doubled(x)
    with pytest.raises(InvalidArgumentError, match=r"doubled.*shape \(5,\) for input 0, whose shape is \(3,\)"):
        tape.gradient(y, x)

    @tf.custom_gradient
    def scaled(x):
        return x * 3.0, lambda dy: dy * 3.0

    with tf.GradientTape() as tape:
        tape.watch(x)
        y = scaled(x)
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [3.0, 3.0, 3.0])
