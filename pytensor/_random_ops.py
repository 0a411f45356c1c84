"""``tf.random``'s stateless ops, ``Generator``, and the gamma and Poisson samplers.

A stateless op is a pure function of its ``seed`` (a pair of integers), and a ``Generator`` owns an explicit
state (a 128-bit counter and a 64-bit key, TF's ``[counter_lo, counter_hi, key]``); both draw from TF's
Philox4x32-10 stream of that key and counter, so uniform, normal, truncated normal, integer, binomial, Poisson,
gamma, categorical and parameterized truncated normal draws give TensorFlow's numbers bit for bit (the last two as
TF draws them on one thread). They are the C++ ``philox_*`` registry ops on a
state tensor (``philox_state_from_seed`` turns a seed into one; a Generator reads its state variable, draws and
assigns the state ``philox_skip`` advances), so ``tf.function`` traces them into its graph and a SavedModel keeps
them (so does ``stateless_shuffle``'s ``philox_shuffle_order``). Parameters (mean, stddev, minval, maxval) of the
uniform and normal draws are applied with core ops, so tapes differentiate through them.

``gamma`` and ``poisson`` (the stateful ones) give TF's numbers too: they are the core's random_gamma and
random_poisson ops (TF's RandomGamma and RandomPoissonV2), which reserve the call's stretch of their TF kernel's stream
under TF's seed rules (ops/random_seed.h) whenever they run, eagerly or as a node of a tf.function's graph, so a traced
function draws on each call what the same calls draw eagerly, as TF's.

Gamma samples are differentiable in alpha and beta, as TF's: the sample divided by beta, and TF's implicit
reparameterisation gradient in alpha (the core's random_gamma_grad, TF's RandomGammaGrad).
"""

import enum
import os
import threading

import numpy as np

from . import _core
from .dtypes import as_dtype, float32
from .errors import InvalidArgumentError

__all__ = [
    "Algorithm", "stateless_uniform", "stateless_normal", "stateless_truncated_normal", "stateless_categorical",
    "stateless_parameterized_truncated_normal",
    "stateless_gamma", "stateless_binomial", "stateless_poisson", "gamma", "poisson", "fold_in", "split",
    "create_rng_state", "Generator", "get_global_generator", "set_global_generator",
]

_MASK64 = (1 << 64) - 1
_SKIP_PER_ELEMENT = 256  # counter blocks a Generator's draw reserves per output element, as TF's


def _counter_add(counter, blocks):
    """The 128-bit counter (lo, hi) advanced by `blocks`."""
    value = (counter[0] | counter[1] << 64) + int(blocks)
    return value & _MASK64, (value >> 64) & _MASK64


class Algorithm(enum.Enum):
    """The RNG algorithms TF names; pytensor's streams are Philox4x32-10 whichever is asked for (TF's choice on
    the CPU for AUTO_SELECT)."""

    PHILOX = 1
    THREEFRY = 2
    AUTO_SELECT = 3


def _seed_tensor(seed, op):
    """A stateless `seed` (a shape-[2] integer tensor, array or list) as a tensor; a tensor stays as it is (inside
    tf.function, a value of the graph)."""
    if hasattr(seed, "numpy") and not isinstance(seed, np.ndarray):
        seed = _core.convert_to_tensor(seed)
        dtype, shape = seed.dtype.name, tuple(seed.shape)
    else:
        seed = np.asarray(seed)
        dtype, shape = seed.dtype.name, seed.shape
    if shape != (2,) or dtype not in ("int32", "int64", "uint32", "uint64"):
        raise InvalidArgumentError(f"{op}: seed must be a shape [2] integer tensor, got {dtype} of shape {shape}")
    return seed if not isinstance(seed, np.ndarray) else _core.constant(seed, dtype)


def _stateless_state(seed, op):
    """The Philox state [counter_lo, counter_hi, key] (int64 tensor) of a stateless op's seed, as TF derives it."""
    return _core.philox_state_from_seed(_seed_tensor(seed, op))


def _dtype_name(dtype):
    return as_dtype(dtype).name


def _shape(shape):
    return tuple(int(d) for d in (shape.numpy() if hasattr(shape, "numpy") else np.atleast_1d(shape)))


def _uniform(state, shape, minval, maxval, dtype, op):
    """Uniform draws of `shape` from the Philox stream of `state` (see stateless_uniform)."""
    name = _dtype_name(dtype)
    shape = _shape(shape)
    if name in ("float32", "float64"):
        return _stretched(_core.philox_uniform(state, shape, name), minval, maxval)
    if name not in ("int32", "int64", "uint32", "uint64"):
        raise TypeError(f"{op}: dtype must be float32, float64, int32, int64, uint32 or uint64, got {name}")
    if minval is None and maxval is None:  # every value of the dtype (TF's uniform_full_int)
        return _core.philox_uniform_full_int(state, shape, name)
    if maxval is None or name.startswith("u"):
        raise ValueError(f"{op}: integer samples of {name} need minval and maxval (both None: the dtype's whole "
                         f"range, signed or unsigned)")
    low, high = int(minval), int(maxval)
    if high <= low:
        raise InvalidArgumentError(f"{op}: need minval < maxval, got {low} and {high}")
    return _core.philox_uniform_int(state, shape, name, low, high)


def _normal(state, shape, mean, stddev, dtype, truncated=False):
    """Normal(mean, stddev) draws of `shape` from the Philox stream of `state` (truncated: within two stddevs)."""
    name = _dtype_name(dtype)
    if name not in ("float32", "float64"):
        raise TypeError(f"{'truncated_normal' if truncated else 'normal'}: dtype must be float32 or float64, got "
                        f"{name}")
    draw = _core.philox_truncated_normal if truncated else _core.philox_normal
    return _scaled(draw(state, _shape(shape), name), mean, stddev)


def _stretched(unit, minval, maxval):
    """Uniform samples in [0, 1) moved to [minval, maxval) (maxval None: 1), the range computed in their dtype as
    TF's."""
    name = unit.dtype.name
    maxval = 1.0 if maxval is None else maxval
    if isinstance(minval, (int, float)) and isinstance(maxval, (int, float)):
        return unit * float(np.asarray(maxval, name) - np.asarray(minval, name)) + float(minval)
    low = _core.convert_to_tensor(minval, dtype=name)
    return unit * (_core.convert_to_tensor(maxval, dtype=name) - low) + low


def _scaled(sample, mean, stddev):
    """Standard normal samples scaled to Normal(mean, stddev)."""
    if isinstance(mean, (int, float)) and isinstance(stddev, (int, float)):
        return sample * float(stddev) + float(mean)
    name = sample.dtype.name
    return sample * _core.convert_to_tensor(stddev, dtype=name) + _core.convert_to_tensor(mean, dtype=name)


def stateless_uniform(shape, seed, minval=0, maxval=None, dtype=float32, name=None, alg="auto_select"):
    """Uniform samples in [minval, maxval), a deterministic function of `seed` (integer dtypes need maxval)."""
    return _uniform(_stateless_state(seed, "stateless_uniform"), shape, minval, maxval, dtype,
                    "stateless_uniform")


def stateless_normal(shape, seed, mean=0.0, stddev=1.0, dtype=float32, name=None, alg="auto_select"):
    """Normal(mean, stddev) samples, a deterministic function of `seed`."""
    return _normal(_stateless_state(seed, "stateless_normal"), shape, mean, stddev, dtype)


def stateless_truncated_normal(shape, seed, mean=0.0, stddev=1.0, dtype=float32, name=None, alg="auto_select"):
    """Normal samples redrawn until within two standard deviations, a deterministic function of `seed`."""
    return _normal(_stateless_state(seed, "stateless_truncated_normal"), shape, mean, stddev, dtype,
                   truncated=True)


def stateless_parameterized_truncated_normal(shape, seed, means=0.0, stddevs=1.0, minvals=-2.0, maxvals=2.0,
                                             name=None):
    """Normal(means, stddevs) samples truncated to [minvals, maxvals] (broadcast to the trailing dimensions of
    `shape`), a deterministic function of `seed`: TF's numbers as TF draws them on one thread (its threads each start
    at a point of the stream of their own), float32 unless a parameter is float64."""
    given = (means, stddevs, minvals, maxvals)
    dtype = "float64" if any(getattr(getattr(p, "dtype", None), "name", None) == "float64" for p in given) \
        else "float32"  # Python numbers are float32, as TF's
    params = [_core.cast(_core.convert_to_tensor(p, dtype_hint=dtype), dtype) for p in given]
    return _core.philox_parameterized_truncated_normal(
        _stateless_state(seed, "stateless_parameterized_truncated_normal"), *params, _shape(shape), dtype)


def stateless_categorical(logits, num_samples, seed, dtype="int64", name=None):
    """`num_samples` class indices per row of the (batch, classes) `logits`, a deterministic function of `seed`:
    TF's numbers (as TF draws them on one thread)."""
    logits = _core.convert_to_tensor(logits, dtype_hint="float32")  # Python numbers are float32, as TF's
    return _core.philox_categorical(_stateless_state(seed, "stateless_categorical"), logits, int(num_samples),
                                    _dtype_name(dtype))


def _gamma(draw, alpha, beta, dtype):
    """Gamma(alpha, beta) draws: draw(alpha) (alpha broadcast against beta) divided by beta, at least the dtype's
    smallest normal number, as TF's."""
    name_ = _dtype_name(dtype)
    alpha = _core.convert_to_tensor(alpha, dtype=name_)
    beta = _core.convert_to_tensor(1 if beta is None else beta, dtype=name_)
    batch = np.broadcast_shapes(tuple(alpha.shape), tuple(beta.shape))
    if tuple(alpha.shape) != batch:
        alpha = _core.broadcast_to(alpha, batch)
    return _core.maximum(draw(alpha) / beta, float(np.finfo(name_).tiny))


def stateless_gamma(shape, seed, alpha, beta=None, dtype=float32, name=None):
    """Gamma(alpha, beta) samples of `shape` (which ends with the broadcast shape of alpha and beta; beta is the
    rate), a deterministic function of `seed`: TF's numbers (at least the dtype's smallest normal number, as TF)."""
    state = _stateless_state(seed, "stateless_gamma")
    return _gamma(lambda a: _core.philox_gamma(state, a, _shape(shape), _dtype_name(dtype)), alpha, beta, dtype)


def stateless_poisson(shape, seed, lam, dtype="int32", name=None):
    """Poisson(lam) samples of `shape` (which ends with lam's shape), a deterministic function of `seed`: TF's
    numbers (a negative rate gives 0, as TF's)."""
    rate = _core.convert_to_tensor(lam, dtype_hint="float32")  # Python numbers are float32, as TF's
    return _core.philox_poisson(_stateless_state(seed, "stateless_poisson"), rate, _shape(shape), _dtype_name(dtype))


def _binomial_parameters(counts, probs):
    """counts and probs as tensors of one floating dtype, as TF converts them (probs float32 unless typed, counts
    of probs' dtype)."""
    probs = _core.convert_to_tensor(probs, dtype_hint="float32")
    return _core.cast(_core.convert_to_tensor(counts, dtype_hint=probs.dtype.name), probs.dtype.name), probs


def stateless_binomial(shape, seed, counts, probs, output_dtype="int32", name=None):
    """Binomial(counts, probs) samples of `shape` (counts and probs broadcast to its trailing dimensions), a
    deterministic function of `seed`: TF's numbers."""
    counts, probs = _binomial_parameters(counts, probs)
    return _core.philox_binomial(_stateless_state(seed, "stateless_binomial"), counts, probs, _shape(shape),
                                 _dtype_name(output_dtype))


def gamma(shape, alpha, beta=None, dtype=float32, seed=None, name=None):
    """Gamma(alpha, beta) samples of shape ``shape + broadcast(alpha, beta).shape`` (beta is the rate; 1 by default),
    drawn under TF's seed rules: TF's numbers."""
    name_ = _dtype_name(dtype)
    if name_ not in ("float32", "float64"):
        raise TypeError(f"gamma: dtype must be float32 or float64, got {name_}")
    alpha = _core.convert_to_tensor(alpha, dtype=name_)
    beta = _core.convert_to_tensor(1 if beta is None else beta, dtype=name_)
    full = _shape(shape) + tuple(np.broadcast_shapes(tuple(alpha.shape), tuple(beta.shape)))
    return _gamma(lambda a: _core.random_gamma(a, full, name_, seed), alpha, beta, name_)


def poisson(shape, lam, dtype=float32, seed=None, name=None):
    """Poisson(lam) samples of shape ``shape + lam.shape``, drawn under TF's seed rules: TF's numbers (a negative rate
    gives 0, as TF's)."""
    rate = _core.convert_to_tensor(lam, dtype_hint="float32")  # Python numbers are float32, as TF's
    return _core.random_poisson(rate, _shape(shape) + tuple(rate.shape), _dtype_name(dtype), seed)


def _seed_dtype(seed):
    """The dtype of a stateless seed as TF converts it: a tensor's or array's own, int32 for Python integers."""
    dtype = getattr(seed, "dtype", None)
    if dtype is None:
        return "int32"
    name = dtype.name if hasattr(dtype, "name") else np.dtype(dtype).name
    return name if name in ("int32", "int64", "uint32", "uint64") else "int64"


def fold_in(seed, data, alg="auto_select"):
    """A new stateless seed from `seed` and an integer `data` (e.g. a step number): [a draw of the seed's stream
    in data's dtype, data], as TF."""
    data = _core.convert_to_tensor(data)
    if data.dtype.name not in ("int32", "int64"):
        raise TypeError(f"fold_in: data must be an int32 or int64 integer, got dtype {data.dtype.name}")
    first = _core.philox_uniform_full_int(_stateless_state(seed, "fold_in"), (1,), data.dtype.name)
    return _core.concat([first, _core.reshape(data, (1,))], 0)


def split(seed, num=2, alg="auto_select"):
    """`num` new stateless seeds from `seed`, as a (num, 2) tensor of the seed's dtype: the first 2 * num values of
    the seed's whole-range integer stream, as TF."""
    return _core.philox_uniform_full_int(_stateless_state(seed, "split"), (int(num), 2), _seed_dtype(seed))


_STATE_SIZE = 3  # Philox's state: counter_lo, counter_hi, key


def create_rng_state(seed, alg):
    """The state a Generator starts from for `seed`, as TF's [counter_lo, counter_hi, key] (int64): an integer (of
    any size) cut into 64-bit words, lowest first; or a list of integers, padded with zeros or cut to three."""
    if isinstance(seed, (int, np.integer)) or (hasattr(seed, "shape") and not tuple(seed.shape)):
        seed = int(seed)
        words = []
        for _ in range(_STATE_SIZE):
            words.append(seed & _MASK64)
            seed >>= 64
    else:
        try:
            words = [int(v) & _MASK64 for v in np.asarray(seed.numpy() if hasattr(seed, "numpy") else seed,
                                                          dtype=object).reshape(-1)]
        except (TypeError, ValueError):
            raise TypeError(f"Generator.from_seed: a seed must be an integer or a list of integers, got "
                            f"{seed!r}") from None
        words = (words + [0] * _STATE_SIZE)[:_STATE_SIZE]
    return np.array(words, np.uint64).view(np.int64)


def _state_words(state, op):
    """(counter_lo, counter_hi, key) of a state vector (a tensor, array or list of three integers)."""
    values = np.asarray(state.numpy() if hasattr(state, "numpy") else state, dtype=object).reshape(-1)
    if values.size != _STATE_SIZE:
        raise InvalidArgumentError(f"{op}: a Philox state is [counter_lo, counter_hi, key] (3 integers), got "
                                   f"{values.tolist()}")
    return tuple(int(v) & _MASK64 for v in values)


def _state_array(words):
    return np.array(words, np.uint64).view(np.int64)


class Generator:
    """A random number generator with explicit state (TF's Philox counter and key), as ``tf.random.Generator``.

    Each draw of n values uses the stream at the counter and advances it by 256 * n, so a generator made from the
    same seed repeats TF's sequence; ``split`` makes independent generators. The state lives in a variable
    (``state``), which checkpoints save and restore. A generator made in a ``tf.distribute`` strategy's scope
    keeps one state per replica (replica 0's is ``state``): inside ``strategy.run`` each replica advances its own
    and draws under its own key (TF's hash of the key and the replica id), so replicas draw different numbers.
    Inside ``tf.function`` each call of the function draws anew.
    """

    def __init__(self, copy_from=None, state=None, alg=None):
        from . import _function
        from ._tensor_api import Variable
        from .distribute import _context

        if copy_from is not None:
            words = _state_words(copy_from.state, "Generator")
        elif state is not None:
            words = _state_words(state, "Generator")
        else:
            raise ValueError("Generator: give copy_from or state, or use Generator.from_seed / "
                             "from_non_deterministic_state")
        self._lock = threading.Lock()
        self.algorithm = Algorithm.PHILOX.value
        self._distribution_strategy = _context.get_strategy() if _context.has_strategy() else None
        with _function.outside_capture():  # state, made once even when a tf.function creates the generator
            self._state_var = Variable(_state_array(words), trainable=False, name="StateVar")
        self._replica_states = {}  # replica id (>= 1) -> its own state; replica 0's is _state_var
        self._written = words  # what this generator last wrote to _state_var: anything else came from outside
        self._synced = words  # the state every replica had when they last agreed (a replica's until it draws)

    @classmethod
    def from_seed(cls, seed, alg=None):
        """A generator whose sequence is fixed by the integer `seed`."""
        return cls(state=create_rng_state(seed, alg))

    @classmethod
    def from_non_deterministic_state(cls, alg=None):
        """A generator seeded from the operating system's entropy."""
        return cls(state=np.frombuffer(os.urandom(8 * _STATE_SIZE), np.int64))

    @classmethod
    def from_state(cls, state, alg):
        """A generator starting from `state` ([counter_lo, counter_hi, key])."""
        return cls(state=state)

    @classmethod
    def from_key_counter(cls, key, counter, alg):
        """A generator starting from the Philox `key` (one integer) and `counter` (two)."""
        counter = np.asarray(counter.numpy() if hasattr(counter, "numpy") else counter).reshape(-1).tolist()
        key = np.asarray(key.numpy() if hasattr(key, "numpy") else key).reshape(-1).tolist()
        if len(counter) != 2 or len(key) != 1:
            raise InvalidArgumentError(f"Generator.from_key_counter: a Philox key is 1 integer and its counter 2, "
                                       f"got key {key} and counter {counter}")
        return cls(state=counter + key)

    @property
    def state(self):
        """The state variable, [counter_lo, counter_hi, key] (int64)."""
        return self._state_var

    @property
    def key(self):
        """The Philox key (int64 scalar)."""
        return self._state_var[-1]

    def reset(self, state):
        """Continues from `state` (every replica's state, under a strategy)."""
        self._set_all(_state_words(state, "Generator.reset"))

    def reset_from_seed(self, seed):
        """Restarts the sequence of `seed`."""
        self._set_all(_state_words(create_rng_state(seed, None), "Generator.reset_from_seed"))

    def reset_from_key_counter(self, key, counter):
        self._set_all(_state_words(Generator.from_key_counter(key, counter, None).state, "Generator.reset"))

    def _set_all(self, words):
        from . import _function

        with self._lock, _function.outside_capture():
            self._state_var.assign(_state_array(words))
            self._written = self._synced = words
            self._replica_states.clear()

    def _replica_id(self):
        """This replica's id inside ``strategy.run`` of the generator's strategy, else None."""
        if self._distribution_strategy is None:
            return None
        from .distribute import _context

        context = _context.replica_context()
        return None if context is None else context.replica_id_in_sync_group

    def _reserve(self, count=0, blocks=None, replica_key=True):
        """The (key, counter) of the next `count` draws, advancing this replica's state past them (by `blocks`
        counter blocks where given; a replica's own key unless `replica_key` is False)."""
        replica = self._replica_id()
        with self._lock:
            primary = _state_words(self._state_var.numpy(), "Generator")
            if primary != self._written:  # assigned from outside (a checkpoint restored): every replica follows
                self._replica_states.clear()
                self._written = self._synced = primary
            words = self._replica_states.get(replica, self._synced) if replica else primary
            skip = _SKIP_PER_ELEMENT * count if blocks is None else blocks
            advanced = _counter_add(words[:2], skip) + (words[2],)
            if replica:
                self._replica_states[replica] = advanced
            else:
                self._state_var.assign(_state_array(advanced))
                self._written = advanced
        key = words[2]
        # TF's key for a replica: the first uint64 of the key's stream at counter (replica, 0)
        if replica is not None and replica_key:
            at = _core.constant(_state_array((replica, 0, key)), "int64")
            key = int(np.asarray(_core.philox_uniform_full_int(at, (1,), "uint64"))[0])
        return key, words[:2]

    def _draw(self, shape, sample, dtype, op, **reserve):
        """`sample(state, shape)` on the next draws of `shape` (`reserve`: _reserve's options), `state` the int64
        [counter_lo, counter_hi, key] tensor they start from. A generator outside any strategy reads its state
        variable, draws and assigns the state advanced past the draws (by `reserve`'s blocks where given), all ops
        that ``tf.function`` records, so a traced function draws anew on every call and a SavedModel keeps it; so does
        a strategy's generator traced outside ``strategy.run`` (from its primary state, as TF saves it); the rest
        (per-replica states, a strategy's binomial reservation) run on the host, inside ``tf.function`` as a callback
        on every call."""
        from . import _function
        from ._array_ops import _host_call

        shape = _shape(shape)
        count = int(np.prod(shape))
        tracing = _function.current_capture() is not None
        if self._distribution_strategy is None or (not reserve and tracing and self._replica_id() is None):
            return sample(self._advance(count, reserve.get("blocks")), shape)

        def draw(_):
            key, counter = self._reserve(count, **reserve)
            return sample(_core.constant(_state_array(counter + (key,)), "int64"), shape)

        return _host_call(draw, [], _dtype_name(dtype), op) if tracing else draw(None)

    def _advance(self, count, blocks=None):
        """The state (an int64 tensor) before `count` draws of a generator outside any strategy, whose state
        variable it advances past them (by `blocks` counter blocks where given): a read and an assign that
        ``tf.function`` records."""
        with self._lock:
            state = self._state_var.read_value()
            self._state_var.assign(_core.philox_skip(state, _SKIP_PER_ELEMENT * count if blocks is None else blocks))
        return state

    def skip(self, delta):
        """Advances the state past `delta` draws; returns the state before."""
        if self._distribution_strategy is None:
            return self._advance(int(delta))
        key, counter = self._reserve(int(delta))
        return _core.constant(_state_array(counter + (key,)), "int64")

    def uniform(self, shape, minval=0, maxval=None, dtype=float32, name=None):
        """Uniform samples in [minval, maxval) (integers need maxval)."""
        if _dtype_name(dtype).startswith("float"):  # the range applied outside the draw, as TF (tapes see it)
            return _stretched(self._draw(shape, lambda kc, s: _uniform(kc, s, 0, None, dtype, "Generator.uniform"),
                                         dtype, "Generator.uniform"), minval, maxval)
        return self._draw(shape, lambda kc, s: _uniform(kc, s, minval, maxval, dtype, "Generator.uniform"), dtype,
                          "Generator.uniform")

    def uniform_full_int(self, shape, dtype="uint64", name=None):
        """Integers covering the whole range of `dtype` (int32, int64, uint32, uint64)."""
        return self._draw(shape, lambda kc, s: _uniform(kc, s, None, None, dtype, "Generator.uniform_full_int"),
                          dtype, "Generator.uniform_full_int")

    def normal(self, shape, mean=0.0, stddev=1.0, dtype=float32, name=None):
        """Normal(mean, stddev) samples."""
        return _scaled(self._draw(shape, lambda kc, s: _normal(kc, s, 0.0, 1.0, dtype), dtype, "Generator.normal"),
                       mean, stddev)

    def truncated_normal(self, shape, mean=0.0, stddev=1.0, dtype=float32, name=None):
        """Normal samples redrawn until within two standard deviations."""
        return _scaled(self._draw(shape, lambda kc, s: _normal(kc, s, 0.0, 1.0, dtype, truncated=True), dtype,
                                  "Generator.truncated_normal"), mean, stddev)

    def binomial(self, shape, counts, probs, dtype="int32", name=None):
        """Binomial(counts, probs) samples (TF's numbers: the stream at the state, which advances by TF's
        reservation for the shape, without a replica's key)."""
        counts, probs = _binomial_parameters(counts, probs)
        batches = int(np.prod(np.broadcast_shapes(tuple(counts.shape), tuple(probs.shape))))
        per_batch = int(np.prod(_shape(shape))) // max(batches, 1)
        blocks = batches * 2 * 100 * (per_batch + 3) // 4 * _SKIP_PER_ELEMENT  # TF's reservation
        return self._draw(shape, lambda state, s: _core.philox_binomial(state, counts, probs, s, _dtype_name(dtype)),
                          dtype, "Generator.binomial", blocks=blocks, replica_key=False)

    def _make_int64_keys(self, count):
        return np.asarray(self.uniform_full_int([int(count)], "int64"))

    def make_seeds(self, count=1):
        """A (2, count) int64 tensor of seeds for stateless ops: new keys over zeros, as TF."""
        keys = self._make_int64_keys(count)
        return _core.constant(np.stack([keys, np.zeros_like(keys)]), "int64")

    def split(self, count=1):
        """`count` new generators, independent of this one and of each other: each starts at counter 0 under a
        new key drawn from this generator, as TF."""
        return [Generator(state=[0, 0, int(key)]) for key in self._make_int64_keys(count)]


_global_generator = None


def get_global_generator():
    """The process's generator (seeded from tf.random.set_seed's seed if set, else from the OS on first use)."""
    global _global_generator
    if _global_generator is None:
        from .random import get_global_seed

        seed = get_global_seed()
        _global_generator = Generator.from_non_deterministic_state() if seed is None else Generator.from_seed(seed)
    return _global_generator


def set_global_generator(generator):
    """Replaces the process's generator."""
    global _global_generator
    _global_generator = generator
