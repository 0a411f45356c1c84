"""``tnp.random``: numpy's legacy random functions on pytensor's generator (``seed`` is ``tf.random.set_seed``)."""

import pytensor as _pt

from . import _behavior


def _shape(size):
    if size is None:
        return []
    return [int(size)] if isinstance(size, int) else [int(s) for s in size]


def seed(s):
    """Seeds the global generator (as tf.random.set_seed)."""
    _pt.random.set_seed(int(s))


def standard_normal(size=None):
    return _pt.random.normal(_shape(size), dtype=_behavior.default_float())


def randn(*args):
    return standard_normal(args)


def uniform(low=0.0, high=1.0, size=None):
    return _pt.random.uniform(_shape(size), minval=low, maxval=high, dtype=_behavior.default_float())


def random(size=None):
    return uniform(size=size)


def rand(*size):
    return uniform(size=size)


def randint(low, high=None, size=None, dtype="int64"):
    if high is None:
        low, high = 0, low
    return _pt.random.uniform(_shape(size), minval=low, maxval=high, dtype=dtype)


def poisson(lam=1.0, size=None):
    return _pt.random.poisson(_shape(size), lam, dtype="int64")
