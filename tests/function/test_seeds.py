"""Seed 000's programs with @tf.function give the eager numbers, bitwise; gradients through functions."""
import os

import numpy as np
import pytest

import pytensor as tf

MNIST = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "data", "mnist.npz")


class MyModel(tf.keras.Model):
    """The TF quickstart model the seed's train_step drives (Conv2D, Flatten, two Dense)."""

    def __init__(self):
        super().__init__()
        self.conv1 = tf.keras.layers.Conv2D(8, 3, activation="relu")
        self.flatten = tf.keras.layers.Flatten()
        self.d1 = tf.keras.layers.Dense(32, activation="relu")
        self.d2 = tf.keras.layers.Dense(10)

    def call(self, x):
        return self.d2(self.d1(self.flatten(self.conv1(x))))


def _mnist(n):
    if os.path.exists(MNIST):
        with np.load(MNIST) as f:
            x, y = f["x_train"][:n], f["y_train"][:n]
    else:  # the shared data folder is absent: images of the same shape and range
        rng = np.random.default_rng(0)
        x, y = rng.integers(0, 256, (n, 28, 28)).astype(np.uint8), rng.integers(0, 10, n).astype(np.uint8)
    return (x / 255.0).astype(np.float32)[..., tf.newaxis], y


def _run_seed(traced, x_train, y_train, weights=None):
    """Seed 000's loop (train_step with a tape, apply_gradients, two metrics; then test_step) for 2 epochs."""
    model = MyModel()
    model(x_train[:1])
    if weights is not None:
        model.set_weights(weights)
    loss_object = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    optimizer = tf.keras.optimizers.Adam()
    train_loss = tf.keras.metrics.Mean(name="train_loss")
    train_accuracy = tf.keras.metrics.SparseCategoricalAccuracy(name="train_accuracy")
    test_loss = tf.keras.metrics.Mean(name="test_loss")

    def train_step(images, labels):
        with tf.GradientTape() as tape:
            predictions = model(images)
            loss = loss_object(labels, predictions)
            gradients = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(gradients, model.trainable_variables))

        train_loss(loss)
        train_accuracy(labels, predictions)

    def test_step(images, labels):
        test_loss(loss_object(labels, model(images)))

    if traced:
        train_step, test_step = tf.function(train_step), tf.function(test_step)
    train_ds = tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(32)
    history = []
    for _ in range(2):
        train_loss.reset_states()
        train_accuracy.reset_states()
        test_loss.reset_states()
        for images, labels in train_ds:
            train_step(images, labels)
        for images, labels in train_ds.take(1):
            test_step(images, labels)
        history.append((train_loss.result().numpy(), train_accuracy.result().numpy(), test_loss.result().numpy()))
    return history, model.get_weights(), train_step


def test_seed_train_step_matches_eager():
    x, y = _mnist(96)  # three batches of 32
    initial = MyModel()
    initial(x[:1])
    start = initial.get_weights()  # both runs begin from these weights
    eager, eager_weights, _ = _run_seed(False, x, y, start)
    traced, traced_weights, step = _run_seed(True, x, y, start)
    assert step.experimental_get_tracing_count() == 1
    np.testing.assert_allclose(np.array(eager), np.array(traced), rtol=2e-6)
    # Metrics and weights agree to rounding, not bitwise: while tracing, the sparse cross-entropy gradient is built from
    # ops ((softmax - one_hot) * dy) where eager runs one fused kernel on the forward's saved softmax.
    for a, b in zip(eager_weights, traced_weights):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


def test_function_under_outer_tape_is_differentiable():
    w = tf.Variable([[0.5, -1.0], [2.0, 0.25]], dtype=tf.float64)

    def loss(x):
        return tf.reduce_sum(tf.tanh(tf.matmul(x, w)) ** 2)

    traced = tf.function(loss)
    x = tf.constant([[1.0, 2.0]], dtype=tf.float64)
    traced(x)  # the trace (eager call)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = traced(x)  # the graph run
    gx, gw = tape.gradient(y, [x, w])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y_eager = loss(x)
    ex, ew = tape.gradient(y_eager, [x, w])
    np.testing.assert_array_equal(gx.numpy(), ex.numpy())
    np.testing.assert_array_equal(gw.numpy(), ew.numpy())
    # and against central finite differences
    eps, xn = 1e-6, x.numpy()
    fd = np.zeros_like(xn)
    for i in range(xn.shape[1]):
        d = np.zeros_like(xn)
        d[0, i] = eps
        fd[0, i] = (float(traced(tf.constant(xn + d))) - float(traced(tf.constant(xn - d)))) / (2 * eps)
    np.testing.assert_allclose(gx.numpy(), fd, rtol=1e-6)


def test_gradient_inside_function_is_traced():
    x = tf.Variable(3.0)

    @tf.function
    def grad():
        with tf.GradientTape() as tape:
            y = x * x * x
        return tape.gradient(y, x)

    assert float(grad()) == 27.0
    x.assign(2.0)
    assert float(grad()) == 12.0  # the graph's backward ops read the new value
    # The backward's products are graph ops (multiply nodes, or steps of a fused_elementwise program), not a callback;
    # the reads of x merge, so the equal products x * x of the forward and backward are computed once.
    text = grad.get_concrete_function().graph.pretty_printed()
    assert text.count("multiply(") >= 1 and "PrintV2" not in text and text.count("ReadVariableOp[") == 1
