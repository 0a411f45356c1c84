"""``tf.random``: seeds with TensorFlow 2's rules, and the random ops of the core, which draw TF's numbers.

Every op draws from TF's counter-based Philox4x32-10 streams with TF's kernels, so a seeded program gives TF 2's
numbers bit for bit (eagerly; results never depend on the thread count). Seed rules, as TF's eager runtime applies
them (``tf.random.set_seed``'s documentation):

* neither a global nor an op seed: a fresh random stream on every call;
* a global seed and no op seed: each call takes the next op seed of Python's ``random.Random(global seed)``, as TF's
  context does, so re-running a program after ``set_seed`` gives the same sequence;
* an op seed (with the global seed, or TF's default 87654321): the seeds name a stream that the calls of one op and
  dtype share, each going on where the last stopped (TF's cached kernel), while other ops start their own;
  ``set_seed`` restarts every stream.

The core resolves seeds itself on every call (csrc/ops/random_seed.h), so a random op never calls back into Python.
A seed is read as ``int(seed)`` and must fit in 64 bits.
"""

from . import _core
from .dtypes import float32

__all__ = ["set_seed", "normal", "uniform", "truncated_normal", "categorical", "shuffle"]


def set_seed(seed):
    """Sets the global random seed (None clears it) and restarts every seeded stream."""
    _core._set_global_seed(seed)


def get_global_seed():
    """The global seed set by ``set_seed`` (None when unset)."""
    return _core._get_global_seed()


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


from ._random_ops import *  # noqa: E402,F401,F403  stateless ops, Generator, gamma, poisson, fold_in, split (issue 18)
from .nn._sampled import (  # noqa: E402,F401  TF has the candidate samplers in tf.random and tf.nn
    all_candidate_sampler, fixed_unigram_candidate_sampler, learned_unigram_candidate_sampler,
    log_uniform_candidate_sampler, uniform_candidate_sampler)

from . import _random_experimental as experimental  # noqa: E402,F401  tf.random.experimental
from ._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook(__name__)  # a TF name pytensor lacks says so (see _missing.py)
