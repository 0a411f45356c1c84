"""``tf.random``: seeds with TensorFlow 2's rules, and the random ops of the core.

Every op draws from a counter-based Philox4x32-10 stream chosen by ``(key, counter)``; element ``i``
of a result depends only on those and ``i``, so results do not depend on the thread count.

Seed rules (as ``tf.random.set_seed`` documents them):

* neither a global nor an op seed: a fresh random stream on every call;
* a global seed and no op seed: op seeds come from an internal counter that ``set_seed`` resets,
  so re-running a program after ``set_seed`` gives the same sequence;
* an op seed (with or without a global seed): the pair ``(global, op)`` names a stream, and repeated
  calls with the same pair continue it; ``set_seed`` restarts every stream.
"""

import os
import random as _pyrandom
import threading

from . import _core
from .dtypes import float32

__all__ = ["set_seed", "normal", "uniform", "truncated_normal", "categorical", "shuffle"]

# TF uses this global seed when only an op seed is given.
DEFAULT_GRAPH_SEED = 87654321

_MASK64 = (1 << 64) - 1
_lock = threading.Lock()
_global_seed = None
_auto_op_seed = 0   # next op seed handed out under a global seed
_counters = {}      # (global seed, op seed) -> [Philox key, calls made so far on that stream]
# Keys of unseeded ops: an OS-seeded generator (os.urandom per call is a ~1 us system call),
# reseeded in forked children so that workers do not repeat their parent's numbers.
_fresh = _pyrandom.Random(os.urandom(32))
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=lambda: _fresh.seed(os.urandom(32)))


def set_seed(seed):
    """Sets the global random seed (None clears it) and restarts every seeded stream."""
    global _global_seed, _auto_op_seed
    if seed is not None:
        seed = _as_seed(seed, "set_seed")
    with _lock:
        _global_seed = seed
        _auto_op_seed = 0
        _counters.clear()


def get_global_seed():
    """The global seed set by ``set_seed`` (None when unset)."""
    return _global_seed


def _as_seed(seed, op):
    try:
        seed = int(seed)
    except (TypeError, ValueError):
        raise TypeError(f"{op}: a seed must be an integer or None, got {seed!r}") from None
    # Seeds are 64-bit: a larger one would silently alias the seed of its low 64 bits.
    if not -(1 << 63) <= seed < 1 << 64:
        raise ValueError(f"{op}: a seed must fit in 64 bits (from -2**63 to 2**64 - 1); got {seed}")
    return seed


def _mix64(x):
    """splitmix64's finalizer: spreads nearby seeds (1, 2, 3...) over unrelated Philox keys."""
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9 & _MASK64
    x = (x ^ (x >> 27)) * 0x94D049BB133111EB & _MASK64
    return x ^ (x >> 31)


_explicit = threading.local()  # the (key, counter) a stateless op or a Generator hands the core's next draw


def _resolve_seed(op_seed):
    """(key, counter) of the next call of an op with op-level seed ``op_seed`` (called by the core)."""
    global _auto_op_seed
    stream = getattr(_explicit, "stream", None)
    if stream is not None:
        _explicit.stream = None
        return stream
    if op_seed is not None:
        op_seed = _as_seed(op_seed, "random")
    with _lock:
        if op_seed is None:
            if _global_seed is None:
                return _fresh.getrandbits(64), 0
            # Counter-assigned op seeds: one key per global seed, the n-th call takes stream n. The key
            # space differs from explicit op seeds', so the two never alias.
            n = _auto_op_seed
            _auto_op_seed += 1
            return _auto_key(_global_seed), n
        global_seed = DEFAULT_GRAPH_SEED if _global_seed is None else _global_seed
        stream = _counters.get((global_seed, op_seed))
        if stream is None:
            stream = _counters[(global_seed, op_seed)] = [_mix64(_mix64(global_seed & _MASK64) ^ (op_seed & _MASK64)), 0]
        stream[1] += 1
        return stream[0], stream[1] - 1


_auto_keys = {}


def _auto_key(global_seed):
    key = _auto_keys.get(global_seed)
    if key is None:
        key = _auto_keys[global_seed] = _mix64(_mix64(global_seed & _MASK64) ^ 0x5DEECE66D)
    return key


_core._register("random_seed", _resolve_seed)


def normal(shape, mean=0.0, stddev=1.0, dtype=float32, seed=None, name=None):
    """Samples from Normal(mean, stddev); float32 unless ``dtype`` is float64."""
    return _core.random_normal(shape, mean, stddev, dtype, seed)


def uniform(shape, minval=0, maxval=None, dtype=float32, seed=None, name=None):
    """Samples uniform in [minval, maxval): maxval defaults to 1 for floats and is required for ints."""
    return _core.random_uniform(shape, minval, maxval, dtype, seed)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=float32, seed=None, name=None):
    """Normal samples, redrawn until within two standard deviations of the mean."""
    return _core.truncated_normal(shape, mean, stddev, dtype, seed)


def categorical(logits, num_samples, dtype=None, seed=None, name=None):
    """``num_samples`` class indices per row of ``logits`` (batch, classes), drawn from softmax(logits)."""
    return _core.categorical(logits, num_samples, dtype, seed)


def shuffle(value, seed=None, name=None):
    """A random permutation of ``value`` along its first dimension."""
    return _core.random_shuffle(value, seed)


from ._random_ops import *  # noqa: E402,F401,F403  stateless ops, Generator, gamma, fold_in, split (issue 18)

from ._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook(__name__)  # a TF name pytensor lacks says so (see _missing.py)
