"""tf.nn moments, batch_normalization, bias_add, embedding_lookup and dropout."""
import numpy as np
import pytest

import pytensor as pt


def grad(fn, x, dy=None):
    x = pt.constant(x)
    with pt.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
    return pt.convert_to_tensor(tape.gradient(y, x, output_gradients=dy)).numpy()  # embedding_lookup's: rows


@pytest.mark.parametrize("keepdims", [False, True])
def test_moments_match_numpy(keepdims):
    x = np.random.default_rng(0).standard_normal((4, 3, 5)).astype(np.float32)
    mean, var = pt.nn.moments(x, axes=[0, 2], keepdims=keepdims)
    np.testing.assert_allclose(mean.numpy(), x.mean((0, 2), keepdims=keepdims), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(var.numpy(), x.var((0, 2), keepdims=keepdims), rtol=1e-5)


def test_moments_variance_gradient():
    x = np.random.default_rng(1).standard_normal((6, 2))
    g = grad(lambda t: pt.nn.moments(t, axes=[0])[1], x)
    np.testing.assert_allclose(g, 2 * (x - x.mean(0)) / 6, rtol=1e-12)


def test_batch_normalization_formula_and_gradients():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((8, 3))
    mean, var = x.mean(0), x.var(0)
    offset, scale = rng.standard_normal(3), rng.uniform(0.5, 2, 3)
    want = scale * (x - mean) / np.sqrt(var + 1e-3) + offset
    out = pt.nn.batch_normalization(x, mean, var, offset, scale, 1e-3).numpy()
    np.testing.assert_allclose(out, want, rtol=1e-12)
    plain = pt.nn.batch_normalization(x, mean, var, None, None, 1e-3).numpy()
    np.testing.assert_allclose(plain, (x - mean) / np.sqrt(var + 1e-3), rtol=1e-12)
    # Through moments: the normalized output's gradient sums to zero over the batch (mean subtraction).
    g = grad(lambda t: pt.nn.batch_normalization(t, *pt.nn.moments(t, [0]), None, None, 1e-3), x,
             dy=pt.constant(rng.standard_normal((8, 3))))
    np.testing.assert_allclose(g.sum(0), 0, atol=1e-12)


def test_bias_add_layouts_and_errors():
    v = np.zeros((2, 3, 4), np.float32)
    np.testing.assert_array_equal(pt.nn.bias_add(v, [1.0, 2.0, 3.0, 4.0]).numpy()[1, 2], [1, 2, 3, 4])
    np.testing.assert_array_equal(pt.nn.bias_add(v, [1.0, 2.0, 3.0], data_format="NCHW").numpy()[1, :, 0], [1, 2, 3])
    with pytest.raises(ValueError, match=r"bias of length 3 must match the channel dimension 4"):
        pt.nn.bias_add(v, [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="1-D"):
        pt.nn.bias_add(v, np.zeros((1, 4), np.float32))
    with pytest.raises(ValueError, match="rank >= 2"):
        pt.nn.bias_add(np.zeros(4, np.float32), np.zeros(4, np.float32))
    b = pt.constant(np.zeros(4))
    with pt.GradientTape() as tape:
        tape.watch(b)
        y = pt.nn.bias_add(np.zeros((2, 3, 4)), b)
    np.testing.assert_array_equal(tape.gradient(y, b).numpy(), [6, 6, 6, 6])


def test_embedding_lookup_forward_gradient_and_max_norm():
    params = np.array([[0.0, 1.0], [3.0, 4.0], [5.0, 6.0]])
    ids = np.array([[1, 1], [0, 2]])
    np.testing.assert_array_equal(pt.nn.embedding_lookup(params, ids).numpy(), params[ids])
    # Gradient: a scatter-add, id 1 appears twice.
    g = grad(lambda p: pt.nn.embedding_lookup(p, ids), params)
    np.testing.assert_array_equal(g, [[1, 1], [2, 2], [1, 1]])
    clipped = pt.nn.embedding_lookup(params, [0, 1], max_norm=2.0).numpy()
    np.testing.assert_allclose(clipped, [[0.0, 1.0], [1.2, 1.6]])
    shards = pt.nn.embedding_lookup([pt.constant(params[:2]), pt.constant(params[2:])], [2, 0]).numpy()
    np.testing.assert_array_equal(shards, params[[2, 0]])


def test_dropout_scaling_statistics_and_gradient():
    x = np.ones((200, 100), np.float32)
    y = pt.nn.dropout(x, 0.3, seed=3).numpy()
    assert set(np.unique(y)) <= {0.0, np.float32(1 / 0.7)}
    assert abs((y == 0).mean() - 0.3) < 0.01
    assert y.mean() == pytest.approx(1.0, abs=0.02)  # the 1 / (1 - rate) scaling keeps the expectation
    pt.random.set_seed(11)
    xt = pt.constant(np.arange(1.0, 61.0).reshape(6, 10))
    with pt.GradientTape() as tape:
        tape.watch(xt)
        out = pt.nn.dropout(xt, 0.5, seed=1)
    g = tape.gradient(out, xt).numpy()
    np.testing.assert_array_equal(g, np.where(out.numpy() != 0, 2.0, 0.0))


def test_dropout_reproducible_under_seeds():
    x = np.ones((50, 40), np.float32)
    pt.random.set_seed(5)
    a = pt.nn.dropout(x, 0.5, seed=2).numpy()
    b = pt.nn.dropout(x, 0.5, seed=2).numpy()
    c = pt.nn.dropout(x, 0.5).numpy()
    pt.random.set_seed(5)
    np.testing.assert_array_equal(a, pt.nn.dropout(x, 0.5, seed=2).numpy())
    np.testing.assert_array_equal(b, pt.nn.dropout(x, 0.5, seed=2).numpy())
    np.testing.assert_array_equal(c, pt.nn.dropout(x, 0.5).numpy())
    assert not np.array_equal(a, b) and not np.array_equal(a, c)
    pt.random.set_seed(6)
    assert not np.array_equal(a, pt.nn.dropout(x, 0.5, seed=2).numpy())
    pt.random.set_seed(None)


def test_dropout_noise_shape_broadcasts():
    y = pt.nn.dropout(np.ones((8, 5, 6), np.float32), 0.5, noise_shape=[8, 1, 6], seed=4).numpy()
    np.testing.assert_array_equal(y, np.broadcast_to(y[:, :1, :], y.shape))
    assert 0 < (y == 0).mean() < 1
    with pytest.raises(ValueError, match="noise_shape"):
        pt.nn.dropout(np.ones((8, 5), np.float32), 0.5, noise_shape=[3, 5])


@pytest.mark.parametrize("rate", [-0.1, 1.0, 1.5])
def test_dropout_rate_outside_unit_interval_raises(rate):
    with pytest.raises(ValueError, match=r"rate must be a scalar in \[0, 1\)"):
        pt.nn.dropout(np.ones(4, np.float32), rate)


def test_dropout_rate_zero_is_identity_and_nan_propagates():
    x = np.array([1.0, np.nan, 3.0], np.float32)
    y = pt.nn.dropout(x, 0.0).numpy()
    np.testing.assert_array_equal(y, x)
    big = np.full(1000, np.nan, np.float32)
    assert np.isnan(pt.nn.dropout(big, 0.5, seed=1).numpy()).all()
