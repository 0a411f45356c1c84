"""``tf.random``'s stateless ops, ``Generator`` and the gamma sampler, on the core's counter-based Philox streams.

A stateless op is a pure function of its ``seed`` (a pair of integers): the pair is mixed into a Philox key, and
the core's sampler draws from that key's stream 0. A ``Generator`` holds a key and a counter; each draw takes
the stream at the counter and advances it. Results follow TF's contracts (same seed, same numbers; different
seeds, independent numbers) but not TF's exact bits: the core's Philox layout is its own.
"""

import enum
import os
import threading

import numpy as np

from . import _core
from .dtypes import float32
from .errors import InvalidArgumentError
from . import random as _random

__all__ = [
    "Algorithm", "stateless_uniform", "stateless_normal", "stateless_truncated_normal", "stateless_categorical",
    "stateless_gamma", "stateless_binomial", "stateless_poisson", "gamma", "poisson", "fold_in", "split", "create_rng_state", "Generator",
    "get_global_generator", "set_global_generator",
]

_MASK64 = (1 << 64) - 1
_STATELESS = 0x9E3779B97F4A7C15  # separates stateless keys from the seeded streams' keys
_GENERATOR = 0xD1B54A32D192ED03


class Algorithm(enum.Enum):
    """The RNG algorithms TF names; pytensor's streams are Philox4x32-10 whichever is asked for."""

    PHILOX = 1
    THREEFRY = 2
    AUTO_SELECT = 3


def _seed_pair(seed, op):
    """The two integers of a stateless `seed` (a shape-[2] integer tensor, array or list)."""
    values = np.asarray(seed.numpy() if hasattr(seed, "numpy") else seed)
    if values.shape != (2,) or values.dtype.kind not in "iu":
        raise InvalidArgumentError(f"{op}: seed must be a shape [2] integer tensor, got {values.dtype} of shape "
                                   f"{values.shape}")
    return int(values[0]) & _MASK64, int(values[1]) & _MASK64


def _key(pair, salt):
    return _random._mix64(_random._mix64(pair[0] ^ salt) ^ pair[1])


def _draw(stream, sampler, *args):
    """Runs the core sampler `sampler(*args, seed=0)` on the (key, counter) `stream`."""
    _random._explicit.stream = stream
    try:
        return sampler(*args, 0)
    finally:
        _random._explicit.stream = None


def stateless_uniform(shape, seed, minval=0, maxval=None, dtype=float32, name=None, alg="auto_select"):
    """Uniform samples in [minval, maxval), a deterministic function of `seed` (integer dtypes need maxval)."""
    return _draw((_key(_seed_pair(seed, "stateless_uniform"), _STATELESS), 0), _core.random_uniform, shape, minval,
                 maxval, dtype)


def stateless_normal(shape, seed, mean=0.0, stddev=1.0, dtype=float32, name=None, alg="auto_select"):
    """Normal(mean, stddev) samples, a deterministic function of `seed`."""
    return _draw((_key(_seed_pair(seed, "stateless_normal"), _STATELESS), 0), _core.random_normal, shape, mean,
                 stddev, dtype)


def stateless_truncated_normal(shape, seed, mean=0.0, stddev=1.0, dtype=float32, name=None, alg="auto_select"):
    """Normal samples redrawn until within two standard deviations, a deterministic function of `seed`."""
    return _draw((_key(_seed_pair(seed, "stateless_truncated_normal"), _STATELESS), 0), _core.truncated_normal,
                 shape, mean, stddev, dtype)


def stateless_categorical(logits, num_samples, seed, dtype="int64", name=None):
    """`num_samples` class indices per row of `logits`, a deterministic function of `seed`."""
    return _draw((_key(_seed_pair(seed, "stateless_categorical"), _STATELESS), 0), _core.categorical, logits,
                 num_samples, dtype)


def _gamma_samples(shape, alpha, dtype, uniform, normal):
    """Gamma(alpha, 1) samples by Marsaglia and Tsang's method: eight proposals per sample drawn at once (each is
    accepted with probability > 0.95), redrawn for the rare sample that rejected all; alpha < 1 by the boost
    gamma(alpha) = gamma(alpha + 1) * U^(1 / alpha)."""
    alpha = _core.convert_to_tensor(alpha, dtype=dtype)
    full = tuple(shape) + tuple(alpha.shape)
    boost = alpha < 1.0
    a = _core.where(boost, alpha + 1.0, alpha)
    d = a - 1.0 / 3.0
    c = 1.0 / _core.sqrt(9.0 * d)
    result = _core.zeros(full, dtype)
    done = _core.zeros(full, "bool")
    for _ in range(8):
        x = normal((8,) + full)
        t = 1.0 + c * x
        v = _core.square(t) * t
        u = uniform((8,) + full)
        safe_v = _core.where(v > 0.0, v, _core.ones_like(v))
        accept = _core.logical_and(v > 0.0, _core.log(u) < 0.5 * x * x + d - d * safe_v + d * _core.log(safe_v))
        first = _core.argmax(_core.cast(accept, "int32"), axis=0, output_type="int32")
        any_accepted = _core.reduce_any(accept, axis=0)
        chosen = _pick(d * safe_v, first)
        take = _core.logical_and(any_accepted, _core.logical_not(done))
        result = _core.where(take, chosen, result)
        done = _core.logical_or(done, any_accepted)
        if bool(_core.reduce_all(done)):
            break
    boost_u = uniform(full)
    factor = _core.where(boost, _core.pow(boost_u, 1.0 / _core.where(boost, alpha, _core.ones_like(alpha))),
                         _core.ones_like(alpha))
    return result * factor


def _pick(values, first):
    """values[first[i], i] for (8, ...) `values` and (...) `first`."""
    hits = _core.cast(_core.equal(_core.reshape(_core.range(8, dtype="int32"), (8,) + (1,) * first.ndim),
                                  _core.expand_dims(first, 0)), values.dtype)
    return _core.reduce_sum(values * hits, axis=0)


def _gamma(shape, alpha, beta, dtype, stream_source):
    if not getattr(dtype, "is_floating", dtype in ("float32", "float64")):
        raise TypeError(f"gamma: dtype must be float32 or float64, got {dtype}")
    sample = _gamma_samples(shape, alpha, dtype,
                            lambda s: _draw(stream_source(), _core.random_uniform, s, 0.0, 1.0, dtype),
                            lambda s: _draw(stream_source(), _core.random_normal, s, 0.0, 1.0, dtype))
    return sample if beta is None else sample / _core.convert_to_tensor(beta, dtype=dtype)


def gamma(shape, alpha, beta=None, dtype=float32, seed=None, name=None):
    """Gamma(alpha, beta) samples of shape ``shape + alpha.shape`` (beta is the rate; 1 by default)."""
    return _gamma(shape, alpha, beta, dtype, lambda: _random._resolve_seed(seed))


def stateless_gamma(shape, seed, alpha, beta=None, dtype=float32, name=None):
    """Gamma(alpha, beta) samples of `shape` (alpha and beta broadcast to it), a deterministic function of
    `seed`."""
    key = _key(_seed_pair(seed, "stateless_gamma"), _STATELESS ^ 0x6A)
    counter = [0]

    def next_stream():
        counter[0] += 1
        return key, counter[0] - 1

    alpha = _core.broadcast_to(_core.convert_to_tensor(alpha, dtype=dtype), tuple(shape))
    sample = _gamma_samples((), alpha, dtype, *_stream_samplers(next_stream, dtype))
    return sample if beta is None else sample / _core.convert_to_tensor(beta, dtype=dtype)


def _stream_samplers(next_stream, dtype):
    return (lambda s: _draw(next_stream(), _core.random_uniform, s, 0.0, 1.0, dtype),
            lambda s: _draw(next_stream(), _core.random_normal, s, 0.0, 1.0, dtype))


def stateless_binomial(shape, seed, counts, probs, output_dtype="int32", name=None):
    """Binomial(counts, probs) samples of `shape`, a deterministic function of `seed`: each is a count of
    `counts` Bernoulli trials (so counts should stay moderate: the trials are drawn at once)."""
    counts_t = _core.broadcast_to(_core.convert_to_tensor(counts, dtype="float32"), tuple(shape))
    probs_t = _core.broadcast_to(_core.convert_to_tensor(probs, dtype=counts_t.dtype), tuple(shape))
    trials = int(np.max(np.asarray(counts_t), initial=0))
    if trials > 1 << 16:
        raise InvalidArgumentError(f"stateless_binomial: counts up to {1 << 16} are supported, got {trials}")
    u = stateless_uniform((trials,) + tuple(shape), seed, dtype=counts_t.dtype)
    index = _core.reshape(_core.range(trials, dtype=counts_t.dtype), (trials,) + (1,) * len(tuple(shape)))
    success = _core.logical_and(u < probs_t, index < counts_t)
    return _core.cast(_core.reduce_sum(_core.cast(success, "int32"), axis=0), output_dtype)


_POISSON_MAX_RATE = 1e4
_POISSON_BLOCK = 1 << 21  # entries of the cumulative-probability table built at once


def _poisson_samples(rate, uniform, dtype):
    """Poisson(rate) samples by inversion: the count of cumulative probabilities P(X <= k), k = 0..K, below a
    uniform draw, with K = rate + 12 sqrt(rate) + 12 (the mass beyond is under 1e-30)."""
    from ._math_ops import cumsum, lgamma

    values = np.asarray(rate)
    if values.size and (values.min() < 0 or values.max() > _POISSON_MAX_RATE):
        raise InvalidArgumentError(f"poisson: rates must be in [0, {_POISSON_MAX_RATE:g}] (larger ones need a "
                                   f"sampling kernel), got [{values.min()}, {values.max()}]")
    top = float(values.max()) if values.size else 0.0
    k_max = int(np.ceil(top + 12 * np.sqrt(top) + 12))
    shape = tuple(rate.shape)
    flat_rate = _core.reshape(_core.cast(rate, "float64"), (-1,))
    flat_u = _core.reshape(_core.cast(uniform, "float64"), (-1,))
    k = _core.reshape(_core.range(k_max + 1, dtype="float64"), (1, -1))
    log_k_factorial = lgamma(k + 1.0)
    n = int(np.prod(shape))
    block = max(1, _POISSON_BLOCK // (k_max + 1))  # samples per step: bounds the (block, K) table's memory
    counts = []
    for start in range(0, n, block):
        r = _core.expand_dims(flat_rate[start:start + block], -1)
        log_pmf = k * _core.log(_core.maximum(r, _core.constant(1e-300, "float64"))) - r - log_k_factorial
        cdf = cumsum(_core.exp(log_pmf), axis=-1)
        below = _core.cast(cdf < _core.expand_dims(flat_u[start:start + block], -1), "float64")
        counts.append(_core.where(_core.squeeze(r, -1) > 0, _core.reduce_sum(below, axis=-1),
                                  _core.zeros_like(flat_u[start:start + block])))
    count = _core.concat(counts, 0) if counts else _core.zeros((0,), "float64")
    return _core.cast(_core.reshape(count, shape), dtype)


def poisson(shape, lam, dtype=float32, seed=None, name=None):
    """Poisson(lam) samples of shape ``shape + lam.shape`` (rates up to 1e4)."""
    rate = _core.convert_to_tensor(lam, dtype_hint="float32")
    full = tuple(shape) + tuple(rate.shape)
    u = _draw(_random._resolve_seed(seed), _core.random_uniform, full, 0.0, 1.0, "float64")
    return _poisson_samples(_core.broadcast_to(rate, full), u, dtype)


def stateless_poisson(shape, seed, lam, dtype="int32", name=None):
    """Poisson(lam) samples of `shape` (lam broadcast to it), a deterministic function of `seed`."""
    rate = _core.broadcast_to(_core.convert_to_tensor(lam, dtype_hint="float32"), tuple(shape))
    u = stateless_uniform(tuple(shape), seed, dtype="float64")
    return _poisson_samples(rate, u, dtype)


def fold_in(seed, data, alg="auto_select"):
    """A new stateless seed from `seed` and an integer `data` (e.g. a step number)."""
    pair = _seed_pair(seed, "fold_in")
    mixed = _random._mix64(_key(pair, _STATELESS ^ 0xF0) ^ (int(data) & _MASK64))
    return _core.constant(np.array([mixed >> 1, _random._mix64(mixed) >> 1], np.int64), "int64")


def split(seed, num=2, alg="auto_select"):
    """`num` new stateless seeds from `seed`, as a (num, 2) int64 tensor."""
    pair = _seed_pair(seed, "split")
    rows = [[_random._mix64(_key(pair, _STATELESS ^ 0x5D) + 2 * i) >> 1,
             _random._mix64(_key(pair, _STATELESS ^ 0x5D) + 2 * i + 1) >> 1] for i in range(int(num))]
    return _core.constant(np.array(rows, np.int64).reshape(int(num), 2), "int64")


def create_rng_state(seed, alg):
    """The state vector a Generator starts from for `seed`: [counter, key] as int64."""
    key = _random._mix64((int(seed) & _MASK64) ^ _GENERATOR)
    return np.array([0, key >> 1], np.int64)


def _state_pair(state):
    """(counter, key) of a state vector [counter, ..., key] (a tensor, array or list of integers)."""
    values = np.asarray(state.numpy() if hasattr(state, "numpy") else state, dtype=object).reshape(-1)
    if values.size < 2:
        raise InvalidArgumentError(f"Generator: a state needs a counter and a key, got {values.tolist()}")
    return int(values[0]) & _MASK64, int(values[-1]) & _MASK64


class Generator:
    """A random number generator with explicit state (a Philox key and a counter), as ``tf.random.Generator``.

    Each draw uses the stream at the counter and advances it, so a generator made from the same seed repeats
    its sequence; ``split`` makes independent generators.
    """

    def __init__(self, copy_from=None, state=None, alg=None):
        if copy_from is not None:
            self._counter, self._key = copy_from._counter, copy_from._key
        elif state is not None:
            self._counter, self._key = _state_pair(state)
        else:
            raise ValueError("Generator: give copy_from or state, or use Generator.from_seed / "
                             "from_non_deterministic_state")
        self._lock = threading.Lock()
        self.algorithm = Algorithm.PHILOX.value

    @classmethod
    def from_seed(cls, seed, alg=None):
        """A generator whose sequence is fixed by the integer `seed`."""
        return cls(state=create_rng_state(_random._as_seed(seed, "Generator.from_seed"), alg))

    @classmethod
    def from_non_deterministic_state(cls, alg=None):
        """A generator seeded from the operating system's entropy."""
        return cls.from_seed(int.from_bytes(os.urandom(8), "little") >> 1)

    @classmethod
    def from_state(cls, state, alg):
        return cls(state=state)

    @property
    def state(self):
        """[counter, key] as an int64 tensor."""
        return _core.constant(np.array([self._counter, self._key], np.uint64).astype(np.int64), "int64")

    @property
    def key(self):
        return _core.constant(np.array(self._key, np.uint64).astype(np.int64), "int64")

    def reset_from_seed(self, seed):
        """Restarts the sequence of `seed`."""
        state = create_rng_state(_random._as_seed(seed, "Generator.reset_from_seed"), None)
        self._counter, self._key = int(state[0]), int(state[1])

    def reset(self, state):
        self._counter, self._key = _state_pair(state)

    def _next(self):
        with self._lock:
            stream = (self._key, self._counter)
            self._counter = (self._counter + 1) & _MASK64
        return stream

    def uniform(self, shape, minval=0, maxval=None, dtype=float32, name=None):
        """Uniform samples in [minval, maxval)."""
        return _draw(self._next(), _core.random_uniform, shape, minval, maxval, dtype)

    def normal(self, shape, mean=0.0, stddev=1.0, dtype=float32, name=None):
        """Normal(mean, stddev) samples."""
        return _draw(self._next(), _core.random_normal, shape, mean, stddev, dtype)

    def truncated_normal(self, shape, mean=0.0, stddev=1.0, dtype=float32, name=None):
        """Normal samples redrawn until within two standard deviations."""
        return _draw(self._next(), _core.truncated_normal, shape, mean, stddev, dtype)

    def binomial(self, shape, counts, probs, dtype="int32", name=None):
        """Binomial(counts, probs) samples."""
        key, counter = self._next()
        return stateless_binomial(shape, [key >> 1, counter], counts, probs, dtype)

    def make_seeds(self, count=1):
        """A (2, count) int64 tensor of seeds for stateless ops."""
        key, counter = self._next()
        rows = [[_random._mix64(key ^ (counter * 2 * count + i)) >> 1 for i in range(count)],
                [_random._mix64(key ^ (counter * 2 * count + count + i)) >> 1 for i in range(count)]]
        return _core.constant(np.array(rows, np.int64), "int64")

    def split(self, count=1):
        """`count` new generators, independent of this one and of each other."""
        seeds = np.asarray(self.make_seeds(count))
        return [Generator(state=[0, _random._mix64(int(seeds[0, i]) ^ int(seeds[1, i]))]) for i in range(count)]


_global_generator = None


def get_global_generator():
    """The process's generator (seeded from tf.random.set_seed's seed if set, else from the OS on first use)."""
    global _global_generator
    if _global_generator is None:
        seed = _random.get_global_seed()
        _global_generator = Generator.from_non_deterministic_state() if seed is None else Generator.from_seed(seed)
    return _global_generator


def set_global_generator(generator):
    """Replaces the process's generator."""
    global _global_generator
    _global_generator = generator
