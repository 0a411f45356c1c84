"""``keras.random``: Keras 3's random ops and ``SeedGenerator``, with Keras 3's seed rules.

* ``seed=None``: a draw from pytensor's global stream (``tf.random`` rules, so ``keras.utils.set_random_seed``
  makes a program repeat);
* an int seed: stateless, the same numbers on every call with that seed (as Keras 3);
* a ``SeedGenerator``: a new seed per call, the sequence fixed by the generator's own seed.

Seeded draws come from numpy's counter-based Philox generator keyed by the seed, so they depend on nothing
but the seed; the numbers differ from Keras's TensorFlow backend (as Keras's backends differ among
themselves), the distributions are the same.
"""
import numpy as np

import pytensor as pt

__all__ = ["SeedGenerator", "normal", "uniform", "randint", "truncated_normal", "categorical", "shuffle",
           "gamma", "beta", "binomial", "dropout"]

_MASK64 = (1 << 64) - 1


class SeedGenerator:
    """A source of seeds: each ``next()`` gives a new one, the sequence determined by ``seed`` (random when
    None). Pass it as ``seed=`` to the ops of ``keras.random`` so repeated calls draw new numbers.

    Example:
        >>> gen = keras.random.SeedGenerator(42)
        >>> a, b = keras.random.normal((2,), seed=gen), keras.random.normal((2,), seed=gen)  # a != b
    """

    def __init__(self, seed=None, name=None, **kwargs):
        if seed is None:
            seed = int(pt.random.uniform([], 0, 2 ** 31 - 1, dtype="int64").numpy())
        if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
            raise ValueError(f"SeedGenerator: the seed must be an int or None, got {seed!r}.")
        self.name = name or "seed_generator"
        self._initial_seed = int(seed)
        self.state = pt.Variable(np.array([int(seed), 0], dtype=np.int64), trainable=False, name="seed_generator_state")

    def next(self, ordered=True):
        """The next seed of the sequence (advances the state)."""
        seed, counter = (int(v) for v in self.state.numpy())
        self.state.assign(np.array([seed, counter + 1], dtype=np.int64))
        return (seed * 0x9E3779B97F4A7C15 + counter + 1) & _MASK64

    def get_config(self):
        return {"seed": self._initial_seed}


def _generator(seed, op):
    """A numpy Generator for an explicit seed, or None for ``seed=None`` (pytensor's global stream)."""
    if seed is None:
        return None
    if isinstance(seed, SeedGenerator):
        return np.random.Generator(np.random.Philox(key=seed.next()))
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        return np.random.Generator(np.random.Philox(key=int(seed) & _MASK64))
    raise ValueError(f"keras.random.{op}: seed must be None, an int or a keras.random.SeedGenerator, "
                     f"got {seed!r}.")


def _any_generator(seed, op):
    """A numpy Generator for any seed; ``seed=None`` keys it from pytensor's global stream, so
    ``keras.utils.set_random_seed`` still makes the draws repeat."""
    rng = _generator(seed, op)
    if rng is None:
        key = int(pt.random.uniform([], 0, 2 ** 31 - 1, dtype="int64").numpy())
        rng = np.random.Generator(np.random.Philox(key=key))
    return rng


def _shape(shape):
    return [shape] if isinstance(shape, int) else [int(n) for n in shape]


def _float_dtype(dtype):
    return pt.as_dtype(dtype or "float32").name


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Samples of Normal(``mean``, ``stddev``)."""
    dtype = _float_dtype(dtype)
    rng = _generator(seed, "normal")
    if rng is None:
        return pt.random.normal(_shape(shape), mean, stddev, dtype=dtype)
    return pt.constant(rng.normal(mean, stddev, _shape(shape)).astype(dtype))


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Samples uniform in ``[minval, maxval)``."""
    dtype = _float_dtype(dtype)
    if not pt.as_dtype(dtype).is_floating:
        raise ValueError(f"keras.random.uniform: dtype must be a float type, got {dtype}; use "
                         f"keras.random.randint for integers.")
    rng = _generator(seed, "uniform")
    if rng is None:
        return pt.random.uniform(_shape(shape), minval, maxval, dtype=dtype)
    return pt.constant(rng.uniform(minval, maxval, _shape(shape)).astype(dtype))


def randint(shape, minval, maxval, dtype="int32", seed=None):
    """Integers uniform in ``[minval, maxval)``."""
    dtype = pt.as_dtype(dtype).name
    rng = _generator(seed, "randint")
    if rng is None:
        return pt.cast(pt.random.uniform(_shape(shape), int(minval), int(maxval), dtype="int64"), dtype)
    return pt.constant(rng.integers(int(minval), int(maxval), _shape(shape)).astype(dtype))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal samples redrawn until within two standard deviations of ``mean``."""
    dtype = _float_dtype(dtype)
    rng = _generator(seed, "truncated_normal")
    if rng is None:
        return pt.random.truncated_normal(_shape(shape), mean, stddev, dtype=dtype)
    values = rng.standard_normal(_shape(shape))
    outside = np.abs(values) > 2.0
    while outside.any():
        values[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(values) > 2.0
    return pt.constant((mean + stddev * values).astype(dtype))


def categorical(logits, num_samples, dtype="int32", seed=None):
    """``num_samples`` class indices per row of ``logits`` (batch, classes), drawn from softmax(logits)."""
    logits = pt.convert_to_tensor(logits)
    rng = _generator(seed, "categorical")
    if rng is None:
        return pt.cast(pt.random.categorical(logits, num_samples), dtype)
    # Gumbel-max: argmax(logits + Gumbel noise) is a draw from softmax(logits).
    batch, classes = logits.shape
    gumbel = -np.log(-np.log(rng.uniform(np.finfo(np.float64).tiny, 1.0, (batch, num_samples, classes))))
    scores = logits.numpy().astype(np.float64)[:, None, :] + gumbel
    return pt.constant(scores.argmax(-1).astype(pt.as_dtype(dtype).name))


def shuffle(x, axis=0, seed=None):
    """``x`` permuted at random along ``axis`` (gradients flow to ``x``)."""
    x = pt.convert_to_tensor(x)
    rng = _any_generator(seed, "shuffle")
    return pt.gather(x, rng.permutation(x.shape[axis]).astype(np.int32), axis=axis)


def gamma(shape, alpha, dtype=None, seed=None):
    """Samples of Gamma(``alpha``, scale 1)."""
    return pt.constant(_any_generator(seed, "gamma").gamma(alpha, 1.0, _shape(shape)).astype(_float_dtype(dtype)))


def beta(shape, alpha, beta, dtype=None, seed=None):
    """Samples of Beta(``alpha``, ``beta``)."""
    return pt.constant(_any_generator(seed, "beta").beta(alpha, beta, _shape(shape)).astype(_float_dtype(dtype)))


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    """Numbers of successes in ``counts`` trials of probability ``probabilities`` (float32 by default, as
    Keras)."""
    draws = _any_generator(seed, "binomial").binomial(np.asarray(counts, np.int64), probabilities, _shape(shape))
    return pt.constant(draws.astype(_float_dtype(dtype)))


def dropout(inputs, rate, noise_shape=None, seed=None):
    """``inputs`` with each element zeroed with probability ``rate`` and the rest scaled by
    ``1 / (1 - rate)``; ``noise_shape`` shares the mask along its length-1 axes."""
    inputs = pt.convert_to_tensor(inputs)
    if not 0 <= rate < 1:
        raise ValueError(f"keras.random.dropout: rate must be in [0, 1), got {rate}.")
    shape = list(inputs.shape) if noise_shape is None else [
        inputs.shape[i] if n is None else int(n) for i, n in enumerate(noise_shape)]
    keep = pt.greater_equal(uniform(shape, dtype=inputs.dtype.name, seed=seed), rate)
    scaled = inputs / (1.0 - rate)
    return pt.where(pt.broadcast_to(keep, list(inputs.shape)), scaled, pt.zeros_like(scaled))


from .._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook(__name__)  # a TF name pytensor lacks says so (see _missing.py)
