"""tf.random's stateless ops, Generator and gamma (issue 18): determinism by seed, independence across seeds and
streams, and the moments of each distribution against their closed forms."""

import numpy as np
import pytest

import pytensor as tf
from pytensor.errors import InvalidArgumentError

N = 200_000


@pytest.mark.parametrize("op", ["stateless_uniform", "stateless_normal", "stateless_truncated_normal"])
def test_stateless_ops_are_functions_of_their_seed(op):
    fn = getattr(tf.random, op)
    a = fn([1000], seed=[7, 11]).numpy()
    np.testing.assert_array_equal(a, fn([1000], seed=tf.constant([7, 11])).numpy())
    b = fn([1000], seed=[7, 12]).numpy()
    assert abs(np.corrcoef(a, b)[0, 1]) < 0.1
    tf.random.set_seed(3)  # the global seed does not enter a stateless op
    np.testing.assert_array_equal(a, fn([1000], seed=[7, 11]).numpy())


def test_stateless_moments():
    u = tf.random.stateless_uniform([N], seed=[1, 2], minval=-2.0, maxval=4.0, dtype=tf.float64).numpy()
    assert u.min() >= -2.0 and u.max() < 4.0 and abs(u.mean() - 1.0) < 0.02 and abs(u.var() - 3.0) < 0.03
    z = tf.random.stateless_normal([N], seed=[1, 2], mean=1.5, stddev=2.0).numpy()
    assert abs(z.mean() - 1.5) < 0.02 and abs(z.std() - 2.0) < 0.02
    t = tf.random.stateless_truncated_normal([N], seed=[1, 2]).numpy()
    assert np.abs(t).max() <= 2.0 and abs(t.std() - 0.8796) < 0.01  # the std of N(0, 1) cut at +-2
    ints = tf.random.stateless_uniform([N], seed=[5, 5], minval=3, maxval=9, dtype=tf.int32).numpy()
    assert set(np.unique(ints)) == set(range(3, 9))
    draws = tf.random.stateless_categorical(tf.math.log([[0.2, 0.8]]), N, seed=[4, 2]).numpy()
    assert abs(draws.mean() - 0.8) < 0.01
    counts = tf.random.stateless_binomial([N // 10], seed=[3, 4], counts=10, probs=0.3).numpy()
    assert abs(counts.mean() - 3.0) < 0.05 and abs(counts.var() - 2.1) < 0.1 and counts.max() <= 10


@pytest.mark.parametrize("alpha", [0.3, 1.0, 2.5, 40.0])
def test_gamma_moments(alpha):
    g = tf.random.stateless_gamma([N], seed=[9, 1], alpha=alpha, beta=2.0, dtype=tf.float64).numpy()
    assert g.min() > 0
    np.testing.assert_allclose(g.mean(), alpha / 2.0, rtol=0.02)
    np.testing.assert_allclose(g.var(), alpha / 4.0, rtol=0.05)
    s = tf.random.gamma([N // 4], alpha, seed=5).numpy()
    np.testing.assert_allclose(s.mean(), alpha, rtol=0.03)


def test_gamma_shape_and_seeding():
    assert tf.random.gamma([3, 2], [1.0, 2.0, 3.0]).shape == (3, 2, 3)
    tf.random.set_seed(1)
    a = tf.random.gamma([5], 2.0).numpy()
    tf.random.set_seed(1)
    np.testing.assert_array_equal(a, tf.random.gamma([5], 2.0).numpy())


def test_generator_sequences():
    g, h = tf.random.Generator.from_seed(42), tf.random.Generator.from_seed(42)
    first = g.normal([100]).numpy()
    np.testing.assert_array_equal(first, h.normal([100]).numpy())
    second = g.normal([100]).numpy()
    assert abs(np.corrcoef(first, second)[0, 1]) < 0.3
    g.reset_from_seed(42)
    np.testing.assert_array_equal(first, g.normal([100]).numpy())
    copy = tf.random.Generator(copy_from=g)
    np.testing.assert_array_equal(copy.uniform([10]).numpy(), g.uniform([10]).numpy())
    children = g.split(2)
    a, b = children[0].normal([1000]).numpy(), children[1].normal([1000]).numpy()
    assert abs(np.corrcoef(a, b)[0, 1]) < 0.1
    assert tf.random.Generator.from_seed(1).make_seeds(3).shape == (2, 3)
    tf.random.set_global_generator(tf.random.Generator.from_seed(3))
    np.testing.assert_array_equal(tf.random.get_global_generator().normal([4]).numpy(),
                                  tf.random.Generator.from_seed(3).normal([4]).numpy())
    u = tf.random.Generator.from_seed(1).uniform([N], maxval=10, dtype=tf.int64).numpy()
    assert u.min() == 0 and u.max() == 9


def test_seed_derivation():
    seeds = tf.random.split([1, 2], 4).numpy()
    assert seeds.shape == (4, 2) and len({tuple(s) for s in seeds}) == 4
    folded = tf.random.fold_in([1, 2], 7)
    np.testing.assert_array_equal(folded.numpy(), tf.random.fold_in([1, 2], 7).numpy())
    assert not np.array_equal(folded.numpy(), tf.random.fold_in([1, 2], 8).numpy())
    x = tf.random.stateless_normal([100], seed=seeds[0]).numpy()
    y = tf.random.stateless_normal([100], seed=seeds[1]).numpy()
    assert not np.array_equal(x, y)


def test_bad_seeds():
    with pytest.raises(InvalidArgumentError, match=r"seed must be a shape \[2\] integer tensor"):
        tf.random.stateless_normal([2], seed=1)
    with pytest.raises(InvalidArgumentError, match="seed must be a shape"):
        tf.random.stateless_uniform([2], seed=[1.0, 2.0])
    with pytest.raises(TypeError, match="a seed must be an integer"):
        tf.random.Generator.from_seed("x")


@pytest.mark.parametrize("rate", [0.0, 0.5, 3.0, 40.0, 250.0])
def test_poisson_moments(rate):
    x = tf.random.stateless_poisson([N // 4], seed=[1, 2], lam=rate).numpy()
    assert x.dtype == np.int32 and x.min() >= 0
    np.testing.assert_allclose(x.mean(), rate, rtol=0.02, atol=0.01)
    np.testing.assert_allclose(x.var(), rate, rtol=0.05, atol=0.01)
    assert tf.random.poisson([4], [1.0, 5.0], seed=3).shape == (4, 2)
    # TF's sampler: a negative rate gives 0 (Knuth's product is at once below exp(-rate) > 1)
    np.testing.assert_array_equal(tf.random.poisson([2], -1.0, seed=1).numpy(), [0.0, 0.0])


def test_stateless_parameterized_truncated_normal_moments_bounds_and_seed():
    """Mean and variance against the truncated normal's closed forms; samples in bounds; a function of the seed."""
    from math import erf, exp, pi, sqrt

    pdf = lambda z: exp(-z * z / 2) / sqrt(2 * pi)  # noqa: E731
    cdf = lambda z: 0.5 * (1 + erf(z / sqrt(2)))  # noqa: E731
    mean, std, low, high = 1.0, 2.0, 0.0, 3.0
    a, b = (low - mean) / std, (high - mean) / std
    mass = cdf(b) - cdf(a)
    want_mean = mean + std * (pdf(a) - pdf(b)) / mass
    want_var = std ** 2 * (1 + (a * pdf(a) - b * pdf(b)) / mass - ((pdf(a) - pdf(b)) / mass) ** 2)
    x = tf.random.stateless_parameterized_truncated_normal([40000], [3, 4], mean, std, low, high)
    assert x.dtype == tf.float32
    values = x.numpy().astype(np.float64)
    assert values.min() >= low and values.max() <= high
    assert abs(values.mean() - want_mean) < 0.02 and abs(values.var() - want_var) < 0.03
    again = tf.random.stateless_parameterized_truncated_normal([40000], [3, 4], mean, std, low, high)
    np.testing.assert_array_equal(values, again.numpy())
    per_column = tf.random.stateless_parameterized_truncated_normal(  # parameters over the trailing dimension, as TF
        [500, 2], [1, 1], means=np.array([0.0, 10.0]), stddevs=np.float64(1.0), minvals=np.float64(-1.0),
        maxvals=np.array([1.0, 11.0]))
    assert per_column.dtype == tf.float64 and per_column.numpy()[:, 1].min() >= -1.0
    assert per_column.numpy()[:, 0].max() <= 1.0 and per_column.numpy()[:, 1].max() <= 11.0
    with pytest.raises(InvalidArgumentError, match="invalid parameters at batch member 0: stddev 0"):
        tf.random.stateless_parameterized_truncated_normal([2], [1, 1], stddevs=0.0)


def test_learned_unigram_sampler_learns_from_true_classes():
    """The first draw is uniform; after many calls whose true class is 3, class 3 dominates the draws."""
    true = np.full((64, 1), 3)
    first = tf.random.learned_unigram_candidate_sampler(true, 1, 5, False, 6, seed=1234)
    np.testing.assert_allclose(first[1].numpy(), np.full((64, 1), 5 / 6), rtol=1e-6)
    for _ in range(20):
        tf.random.learned_unigram_candidate_sampler(true, 1, 5, False, 6, seed=1234)
    drawn = tf.random.learned_unigram_candidate_sampler(true, 1, 400, False, 6, seed=1234)[0].numpy()
    assert (drawn == 3).mean() > 0.9
