"""Gradients of gamma samples, as TF's: d sample / d alpha by implicit reparameterisation (random_gamma_grad, TF's
RandomGammaGrad) and d sample / d beta of the sample divided by beta.

A sampler's gradient is not the derivative of its draw at a fixed stream (Marsaglia and Tsang's transform moves with
alpha differently than the CDF does), so the generic gradcheck skips these ops (OpInfo.implicit_gradient) and this
file checks them against independent references: the implicit derivative -(dP/dalpha) / density of the regularised
incomplete gamma P, computed in float64 by finite differences of a numpy P (tests/op_db/binary.py), and TF's values
recorded once (tests/fixtures/random_gamma_grad.npz by make_random_gamma_grad.py; the tape gradients in
tf_random.npz's gamma_gradients case)."""
import os

import numpy as np
import pytest

import pytensor as tf
from op_db.binary import gamma_sample_derivative

FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "random_gamma_grad.npz")


def test_random_gamma_grad_float64_matches_tensorflow():
    recorded = np.load(FIXTURE)
    got = tf._core.random_gamma_grad(tf.constant(recorded["alpha"]), tf.constant(recorded["sample"])).numpy()
    np.testing.assert_allclose(got, recorded["float64"], rtol=1e-12, atol=0)


def test_random_gamma_grad_float32_is_the_float64_value_rounded():
    """TF's float32 kernel sums its series in float32: within 1e-6 of the true value up to alpha 40, 1e-5 at 500 and
    13% off at alpha 1e4; pytensor's float32 values are the float64 ones rounded (their sums stop at 1e-9: within an
    ulp), zero (as TF's) where x^alpha e^-x / Gamma(alpha) underflows float32."""
    recorded = np.load(FIXTURE)
    alpha, sample = recorded["alpha"].astype(np.float32), recorded["sample"].astype(np.float32)
    got = tf._core.random_gamma_grad(tf.constant(alpha), tf.constant(sample)).numpy()
    assert got.dtype == np.float32
    want = recorded["float32"]
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_array_equal(got == 0, want == 0)
    assert np.sum((want == 0) & (recorded["float64"] != 0)) >= 5  # float32 underflows at large alpha
    wide = tf._core.random_gamma_grad(tf.constant(alpha.astype(np.float64)), tf.constant(sample.astype(np.float64)))
    np.testing.assert_allclose(got[got != 0], wide.numpy().astype(np.float32)[got != 0], rtol=1.2e-7, atol=0)
    for top, rtol in ((40.0, 1e-6), (500.0, 1e-5)):
        near = (np.nan_to_num(alpha) <= top) & (want != 0) & ~np.isnan(want)
        np.testing.assert_allclose(got[near], want[near], rtol=rtol, err_msg=f"alpha <= {top}")


def _weighted_gradients(draw, alpha, beta):
    """The samples of draw(alpha, beta), a weight per sample, and the tape's gradients of sum(weights * samples)."""
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(alpha)
        tape.watch(beta)
        samples = draw(alpha, beta)
        weights = tf.constant(np.linspace(0.5, 2.0, int(np.prod(samples.shape))).reshape(samples.shape),
                              samples.dtype)
        loss = tf.reduce_sum(samples * weights)
    return samples.numpy(), weights.numpy(), tape.gradient(loss, alpha), tape.gradient(loss, beta)


@pytest.mark.parametrize("stateless", [False, True])
def test_gradients_are_the_implicit_derivative_and_minus_sample_over_beta(stateless):
    """d loss / d alpha = sum over the sample dimensions of weight * beta^-1 * d x / d alpha (x = sample * beta, a
    Gamma(alpha, 1) sample), d x / d alpha from the CDF identity; d loss / d beta = -sum of weight * sample / beta."""
    alpha = tf.constant([[0.2], [1.0], [3.5], [60.0]], tf.float64)
    beta = tf.constant([0.5, 2.0, 7.0], tf.float64)
    if stateless:
        draw = lambda a, b: tf.random.stateless_gamma([40, 4, 3], [3, 9], a, beta=b, dtype=tf.float64)
    else:
        tf.random.set_seed(5)
        draw = lambda a, b: tf.random.gamma([40], a, beta=b, dtype=tf.float64, seed=2)
    samples, weights, d_alpha, d_beta = _weighted_gradients(draw, alpha, beta)
    b = beta.numpy()
    standard = samples * b  # the Gamma(alpha, 1) draws
    want_alpha = np.sum(weights * gamma_sample_derivative(alpha.numpy(), standard) / b, axis=(0, 2))[:, None]
    np.testing.assert_allclose(d_alpha.numpy(), want_alpha, rtol=1e-8)
    np.testing.assert_allclose(d_beta.numpy(), np.sum(-weights * samples / b, axis=(0, 1)), rtol=1e-12)


def test_float32_alpha_gradient_through_a_variable():
    alpha = tf.Variable([0.5, 2.0])
    with tf.GradientTape() as tape:
        samples = tf.random.gamma([3], alpha, seed=4)
    grad = tape.gradient(samples, alpha)
    assert grad.dtype == tf.float32 and grad.shape == (2,)
    want = np.sum(gamma_sample_derivative(alpha.numpy(), samples.numpy()), axis=0)
    np.testing.assert_allclose(grad.numpy(), want, rtol=2e-6)


def test_gradient_traced_in_a_function_matches_eager():
    """The tape inside a tf.function records random_gamma's gradient into the graph; a later call draws the next
    samples of the seeded stream and differentiates them, as the same eager calls do."""
    alpha, beta = tf.constant([0.7, 4.0]), tf.constant(1.5)

    def step():
        with tf.GradientTape() as tape:
            tape.watch(alpha)
            samples = tf.random.gamma([6], alpha, beta=beta, seed=8)
            loss = tf.reduce_sum(samples * samples)
        return samples, tape.gradient(loss, alpha)

    tf.random.set_seed(11)
    eager = [[t.numpy() for t in step()] for _ in range(3)]
    tf.random.set_seed(11)
    traced = tf.function(step)
    graph = [[t.numpy() for t in traced()] for _ in range(3)]
    for run, (want, got) in enumerate(zip(eager, graph)):
        np.testing.assert_array_equal(got[0], want[0], err_msg=f"run {run} samples")
        np.testing.assert_allclose(got[1], want[1], rtol=1e-6, err_msg=f"run {run} gradient")
    assert not np.array_equal(eager[0][0], eager[1][0])


def test_a_function_under_an_outer_tape_is_differentiable_in_alpha():
    alpha = tf.constant([1.5, 3.0], tf.float64)
    draw = tf.function(lambda a: tf.random.stateless_gamma([4, 2], [1, 2], a, dtype=tf.float64))
    with tf.GradientTape() as tape:
        tape.watch(alpha)
        samples = draw(alpha)
    want = np.sum(gamma_sample_derivative(alpha.numpy(), samples.numpy()), axis=0)
    np.testing.assert_allclose(tape.gradient(samples, alpha).numpy(), want, rtol=1e-8)


def test_random_gamma_grad_rejects_other_dtypes_naming_the_op():
    for dtype in (tf.float16, tf.int32):
        with pytest.raises(TypeError, match="random_gamma_grad"):
            tf._core.random_gamma_grad(tf.constant([2], dtype), tf.constant([1], dtype))
    with pytest.raises(TypeError, match="random_gamma_grad.*float32.*float64"):
        tf._core.random_gamma_grad(tf.constant([2.0]), tf.constant([1.0], tf.float64))
