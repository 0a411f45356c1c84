"""tf.custom_gradient inside a tf.function: kept on later calls of the traced graph and through tf.saved_model
(SaveOptions(experimental_custom_gradients=True), TF 2.21's default). Expected values are derived by hand."""
import numpy as np
import pytest

import pytensor as tf


@tf.custom_gradient
def clip_gradients(y):
    def backward(dy):
        return tf.clip_by_norm(dy, 0.5)
    return y, backward


@tf.custom_gradient
def scaled_square(x):
    def backward(dy):
        return dy * 10.0 * x  # the true gradient is 2x: a factor 5 tells the two apart
    return x * x, backward


class Clipper(tf.Module):
    @tf.function(input_signature=[tf.TensorSpec(None)])
    def call_custom_grad(self, x):
        return clip_gradients(x)


class Model(tf.Module):
    def __init__(self):
        super().__init__()
        self.w = tf.Variable([1.0, -2.0, 3.0])

    @tf.function(input_signature=[tf.TensorSpec([3])])
    def __call__(self, x):
        return tf.reduce_sum(scaled_square(x) * self.w)


def _gradient_of_square(fn, value=2.0):
    v = tf.Variable(value)
    with tf.GradientTape() as tape:
        out = fn(v * v)
    return float(tape.gradient(out, v).numpy()), float(out.numpy())


def test_traced_function_keeps_its_custom_gradient_on_every_call():
    module = Clipper()
    # d(v*v)/dv = 2v = 4 at v = 2; the upstream 1.0 is clipped to norm 0.5 first: 0.5 * 4 = 2
    assert [_gradient_of_square(module.call_custom_grad) for _ in range(3)] == [(2.0, 4.0)] * 3


@pytest.mark.parametrize("custom", [True, False])
def test_saved_model_keeps_the_custom_gradient(tmp_path, custom):
    module = Clipper()
    module.call_custom_grad(tf.constant(1.0))
    tf.saved_model.save(module, str(tmp_path / "m"),
                        options=tf.saved_model.SaveOptions(experimental_custom_gradients=custom))
    loaded = tf.saved_model.load(str(tmp_path / "m"))
    # without the saved gradient, the graph's identity gives the plain gradient 4 (as TF with the option off)
    assert _gradient_of_square(loaded.call_custom_grad) == ((2.0 if custom else 4.0), 4.0)
    assert float(loaded.call_custom_grad(tf.constant(3.0)).numpy()) == 3.0  # no tape: the forward graph alone


def test_saved_model_custom_gradient_with_a_captured_variable(tmp_path):
    model = Model()
    x = tf.constant([1.0, 2.0, -1.0])
    model(x)
    tf.saved_model.save(model, str(tmp_path / "m"))
    loaded = tf.saved_model.load(str(tmp_path / "m"))
    with tf.GradientTape() as tape:
        tape.watch(x)
        out = loaded(x)
    w = np.array([1.0, -2.0, 3.0])
    np.testing.assert_allclose(out.numpy(), np.sum(np.array([1.0, 4.0, 1.0]) * w))
    grad_x, grad_w = tape.gradient(out, [x, loaded.w])
    np.testing.assert_allclose(grad_x.numpy(), 10.0 * x.numpy() * w)  # the custom 10x, not 2x
    np.testing.assert_allclose(grad_w.numpy(), [1.0, 4.0, 1.0])  # x*x: the variable's gradient is kept too
