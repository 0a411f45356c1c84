"""tf.nn activations: TF-documented values, stability at large |x|, NaN propagation, parameters, gradients.

Forward-vs-numpy, gradcheck and gradgradcheck of every activation run from tests/op_db/; these tests add
the values TF's docs print and the edge cases the generic samples do not pin down.
"""
import numpy as np
import pytest

import pytensor as pt
from pytensor import _core

X = np.array([-3.0, -1.0, 0.0, 1.0, 3.0], np.float32)
ACTIVATIONS = [pt.nn.relu6, pt.nn.leaky_relu, pt.nn.elu, pt.nn.selu, pt.nn.gelu, pt.nn.softplus, pt.nn.softsign,
               pt.nn.silu, _core.hard_sigmoid, _core.erf]


def grad(fn, x, **kw):
    x = pt.constant(x)
    with pt.GradientTape() as tape:
        tape.watch(x)
        y = fn(x, **kw)
    return tape.gradient(y, x).numpy()


def test_gelu_matches_tf_doc_values():
    # tf.nn.gelu docstring, x = [-3, -1, 0, 1, 3]
    np.testing.assert_allclose(pt.nn.gelu(X).numpy(), [-0.00404951, -0.15865529, 0.0, 0.8413447, 2.9959507],
                               atol=1e-6)
    np.testing.assert_allclose(pt.nn.gelu(X, approximate=True).numpy(),
                               [-0.00363752, -0.15880796, 0.0, 0.841192, 2.9963627], atol=1e-6)


def test_selu_elu_leaky_relu_relu6_hand_values():
    np.testing.assert_allclose(pt.nn.selu(X).numpy(),
                               1.0507009873554805 * np.array([1.6732632423543772 * (np.exp(-3) - 1),
                                                              1.6732632423543772 * (np.exp(-1) - 1), 0, 1, 3]),
                               rtol=1e-6)
    np.testing.assert_allclose(pt.nn.elu(X).numpy(), [np.exp(-3) - 1, np.exp(-1) - 1, 0, 1, 3], rtol=1e-6)
    np.testing.assert_allclose(pt.nn.leaky_relu(X).numpy(), [-0.6, -0.2, 0, 1, 3], rtol=1e-6)  # TF default 0.2
    np.testing.assert_allclose(pt.nn.leaky_relu(X, alpha=0.01).numpy(), [-0.03, -0.01, 0, 1, 3], rtol=1e-6)
    np.testing.assert_array_equal(pt.nn.relu6([-1.0, 3.0, 6.0, 7.0]).numpy(), [0, 3, 6, 6])
    np.testing.assert_allclose(_core.hard_sigmoid([-4.0, -3.0, 0.0, 1.5, 3.0, 4.0]).numpy(),
                               [0, 0, 0.5, 0.75, 1, 1], rtol=1e-6)


def test_silu_beta_and_swish_alias():
    np.testing.assert_allclose(pt.nn.silu(X, beta=2.0).numpy(), X / (1 + np.exp(-2 * X)), rtol=1e-6)
    assert pt.nn.swish is pt.nn.silu


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_softplus_is_stable_for_large_inputs(dtype):
    x = np.array([-1000.0, -100.0, -20.0, 0.0, 20.0, 100.0, 1000.0], dtype)
    y = pt.nn.softplus(x).numpy()
    # exp(-100) is a float32 denormal, which may flush to zero
    np.testing.assert_allclose(y, np.logaddexp(0, x.astype(np.float64)), rtol=1e-6, atol=1e-37)
    assert np.all(np.isfinite(y)) and y[0] == 0.0 and y[2] > 0
    with np.errstate(over="ignore"):
        want = 1 / (1 + np.exp(-x.astype(np.float64)))
    np.testing.assert_allclose(grad(pt.nn.softplus, x), want, rtol=1e-6, atol=1e-37)


def test_silu_and_gelu_finite_far_out():
    x = np.array([-1000.0, 1000.0], np.float32)
    np.testing.assert_array_equal(pt.nn.silu(x).numpy(), [0.0, 1000.0])
    np.testing.assert_array_equal(pt.nn.gelu(x).numpy(), [0.0, 1000.0])
    assert np.all(np.isfinite(grad(pt.nn.silu, x))) and np.all(np.isfinite(grad(pt.nn.gelu, x)))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_leaky_relu_matches_numpy_at_every_offset_and_tail(dtype):
    # The vector kernel: dense runs a vector at a time, tails and strided views through a padded vector; NaN, the
    # infinities and the sign of zero come out as numpy's x > 0 ? x : alpha x gives them.
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.standard_normal(101) * 10, [np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-3, -1e-3]]).astype(dtype)
    for alpha in (0.2, 0.01, 1.5):
        want = np.where(x > 0, x, dtype(alpha) * x)
        for offset in range(9):
            got = pt.nn.leaky_relu(pt.constant(x[offset:]), alpha=alpha).numpy()
            np.testing.assert_array_equal(got.view(f"i{x.itemsize}"), want[offset:].view(f"i{x.itemsize}"))
        strided = pt.constant(np.stack([x, x]).T)[:, 1]
        got = pt.nn.leaky_relu(strided, alpha=alpha).numpy()
        np.testing.assert_array_equal(got.view(f"i{x.itemsize}"), want.view(f"i{x.itemsize}"))


@pytest.mark.parametrize("fn", ACTIVATIONS, ids=lambda f: f.__name__)
def test_nan_propagates(fn):
    y = fn(np.array([np.nan, 1.0], np.float32)).numpy()
    assert np.isnan(y[0]) and not np.isnan(y[1])


@pytest.mark.parametrize("fn", ACTIVATIONS, ids=lambda f: f.__name__)
def test_integer_input_raises_type_error_naming_the_op(fn):
    with pytest.raises(TypeError, match=fn.__name__):
        fn(np.array([1, 2], np.int32))


def test_gradients_match_hand_derivatives():
    x = np.array([-2.0, -0.5, 0.5, 2.0, 7.0])
    np.testing.assert_allclose(grad(pt.nn.relu6, x), [0, 0, 1, 1, 0])
    np.testing.assert_allclose(grad(pt.nn.leaky_relu, x, alpha=0.1), [0.1, 0.1, 1, 1, 1])
    np.testing.assert_allclose(grad(pt.nn.elu, x), np.where(x > 0, 1, np.exp(x)))
    np.testing.assert_allclose(grad(pt.nn.softsign, x), 1 / (1 + np.abs(x)) ** 2)
    np.testing.assert_allclose(grad(_core.hard_sigmoid, x), [1 / 6, 1 / 6, 1 / 6, 1 / 6, 0])
    phi = np.exp(-x ** 2 / 2) / np.sqrt(2 * np.pi)
    cdf = np.array([0.02275013194817921, 0.3085375387259869, 0.6914624612740131, 0.9772498680518208,
                    0.9999999999987201])
    np.testing.assert_allclose(grad(pt.nn.gelu, x), cdf + x * phi, rtol=1e-10)


def test_second_derivative_of_gelu_tanh_form():
    # d2/dx2 by central differences of the first derivative, float64
    x0, h = 0.7, 1e-5
    x = pt.constant(np.array([x0]))
    with pt.GradientTape() as outer:
        outer.watch(x)
        with pt.GradientTape() as inner:
            inner.watch(x)
            y = pt.nn.gelu(x, approximate=True)
        dy = inner.gradient(y, x)
    d2 = outer.gradient(dy, x).numpy()[0]
    fd = (grad(pt.nn.gelu, np.array([x0 + h]), approximate=True)[0]
          - grad(pt.nn.gelu, np.array([x0 - h]), approximate=True)[0]) / (2 * h)
    assert d2 == pytest.approx(fd, rel=1e-6)


def test_small_network_with_selu_trains():
    rng = np.random.default_rng(0)
    x = pt.constant(rng.standard_normal((64, 3)).astype(np.float32))
    y = pt.constant((x.numpy()[:, :1] + x.numpy()[:, 1:2] > 0).astype(np.float32))
    w1 = pt.Variable(rng.standard_normal((3, 8)).astype(np.float32) * 0.5)
    w2 = pt.Variable(rng.standard_normal((8, 1)).astype(np.float32) * 0.5)
    losses = []
    for _ in range(60):
        with pt.GradientTape() as tape:
            logits = pt.matmul(pt.nn.gelu(pt.matmul(pt.nn.selu(x), w1)), w2)
            loss = pt.reduce_mean(pt.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logits))
        g1, g2 = tape.gradient(loss, [w1, w2])
        w1.assign_sub(0.5 * g1.numpy())
        w2.assign_sub(0.5 * g2.numpy())
        losses.append(float(loss.numpy()))
    assert losses[-1] < 0.8 * losses[0]
