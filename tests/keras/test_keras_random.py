"""keras.random: Keras 3's seed rules (int seeds stateless, SeedGenerator advancing, seed=None following
keras.utils.set_random_seed) and the distributions' moments against their closed forms."""
import math

import numpy as np
import pytest

import pytensor as pt
from pytensor import keras

N = 20000


def _moments_close(values, mean, std):
    # Sample mean within 5 standard errors; sample std within 5%.
    assert abs(values.mean() - mean) < 5 * std / math.sqrt(values.size)
    assert abs(values.std() - std) < 0.05 * std


def test_int_seed_is_stateless_and_generator_advances():
    a = keras.random.normal((5,), seed=3).numpy()
    np.testing.assert_array_equal(a, keras.random.normal((5,), seed=3).numpy())
    assert not np.array_equal(a, keras.random.normal((5,), seed=4).numpy())
    gen, twin = keras.random.SeedGenerator(11), keras.random.SeedGenerator(11)
    first, second = keras.random.uniform((5,), seed=gen).numpy(), keras.random.uniform((5,), seed=gen).numpy()
    assert not np.array_equal(first, second)
    np.testing.assert_array_equal(first, keras.random.uniform((5,), seed=twin).numpy())
    np.testing.assert_array_equal(second, keras.random.uniform((5,), seed=twin).numpy())
    assert gen.get_config() == {"seed": 11}


def test_unseeded_draws_follow_set_random_seed():
    keras.utils.set_random_seed(5)
    a = keras.random.normal((4,)).numpy()
    keras.utils.set_random_seed(5)
    np.testing.assert_array_equal(a, keras.random.normal((4,)).numpy())


@pytest.mark.parametrize("seed", [None, 1, "generator"])
def test_distributions(seed):
    seed = keras.random.SeedGenerator(2) if seed == "generator" else seed
    normal = keras.random.normal((N,), mean=1.5, stddev=2.0, seed=seed).numpy()
    assert normal.dtype == np.float32
    _moments_close(normal, 1.5, 2.0)
    uniform = keras.random.uniform((N,), minval=-1.0, maxval=3.0, seed=seed, dtype="float64").numpy()
    assert uniform.dtype == np.float64 and uniform.min() >= -1.0 and uniform.max() < 3.0
    _moments_close(uniform, 1.0, 4.0 / math.sqrt(12.0))
    ints = keras.random.randint((N,), 2, 7, seed=seed).numpy()
    assert ints.dtype == np.int32 and set(np.unique(ints)) == {2, 3, 4, 5, 6}
    truncated = keras.random.truncated_normal((N,), stddev=1.0, seed=seed).numpy()
    assert np.abs(truncated).max() <= 2.0
    # Normal truncated to +-2: variance 1 - 2 * 2 phi(2) / (Phi(2) - Phi(-2)).
    phi2 = math.exp(-2.0) / math.sqrt(2 * math.pi)
    mass = math.erf(2.0 / math.sqrt(2.0))
    _moments_close(truncated, 0.0, math.sqrt(1.0 - 4.0 * phi2 / mass))


@pytest.mark.parametrize("seed", [None, 4])
def test_gamma_beta_binomial_moments(seed):
    g = keras.random.gamma((N,), alpha=2.5, seed=seed).numpy()
    assert g.dtype == np.float32 and g.min() > 0
    _moments_close(g, 2.5, math.sqrt(2.5))  # Gamma(k, 1): mean k, variance k
    b = keras.random.beta((N,), alpha=2.0, beta=3.0, seed=seed).numpy()
    _moments_close(b, 0.4, math.sqrt(2.0 * 3.0 / (25.0 * 6.0)))  # ab / ((a + b)^2 (a + b + 1))
    n = keras.random.binomial((N,), counts=10, probabilities=0.3, seed=seed).numpy()
    assert n.dtype == np.float32 and set(np.unique(n)) <= set(range(11))
    _moments_close(n, 3.0, math.sqrt(10 * 0.3 * 0.7))
    if seed is not None:
        np.testing.assert_array_equal(g, keras.random.gamma((N,), alpha=2.5, seed=seed).numpy())


def test_categorical_frequencies_follow_softmax():
    logits = np.log(np.array([[0.2, 0.5, 0.3], [0.7, 0.1, 0.2]], np.float32))
    draws = keras.random.categorical(logits, 6000, seed=9).numpy()
    assert draws.shape == (2, 6000) and draws.dtype == np.int32
    for row, p in zip(draws, np.exp(logits)):
        freq = np.bincount(row, minlength=3) / row.size
        np.testing.assert_allclose(freq, p, atol=5 * math.sqrt(0.25 / row.size))


def test_shuffle_permutes_and_passes_gradients():
    x = pt.constant(np.arange(12.0).reshape(6, 2))
    out = keras.random.shuffle(x, seed=1).numpy()
    np.testing.assert_array_equal(np.sort(out[:, 0]), np.arange(0.0, 12.0, 2.0))
    np.testing.assert_array_equal(out[:, 1] - out[:, 0], 1.0)  # rows move whole
    np.testing.assert_array_equal(out, keras.random.shuffle(x, seed=1).numpy())
    columns = keras.random.shuffle(x, axis=1, seed=4).numpy()
    np.testing.assert_array_equal(np.sort(columns, axis=1), x.numpy())
    with pt.GradientTape() as tape:
        tape.watch(x)
        loss = pt.reduce_sum(keras.random.shuffle(x, seed=2) * 3.0)
    np.testing.assert_array_equal(pt.convert_to_tensor(tape.gradient(loss, x)).numpy(), np.full((6, 2), 3.0))


def test_dropout():
    x = np.ones((200, 100), np.float32)
    out = keras.random.dropout(x, 0.3, seed=1).numpy()
    assert set(np.unique(out)) == {0.0, np.float32(1.0 / 0.7)}
    assert abs((out == 0).mean() - 0.3) < 0.01
    shared = keras.random.dropout(x, 0.5, noise_shape=(200, 1), seed=2).numpy()
    assert (shared == shared[:, :1]).all()  # one mask value per row
    with pytest.raises(ValueError, match="rate must be in"):
        keras.random.dropout(x, 1.0)


def test_bad_seed_says_what_it_accepts():
    with pytest.raises(ValueError, match="SeedGenerator"):
        keras.random.normal((2,), seed="seven")
    with pytest.raises(ValueError, match="an int or None"):
        keras.random.SeedGenerator(1.5)
    with pytest.raises(ValueError, match="randint"):
        keras.random.uniform((2,), dtype="int32")
