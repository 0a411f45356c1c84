"""``keras.utils.set_random_seed``."""
import random as _random

import numpy as np

import pytensor as pt

__all__ = ["set_random_seed"]


def set_random_seed(seed):
    """Seeds Python's ``random``, numpy's global generator and pytensor's (``tf.random.set_seed``), so
    initial weights, dropout and ``fit``'s shuffling repeat run to run.

    Raises:
        ValueError: if ``seed`` is not an int.
    """
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise ValueError(f"set_random_seed: expected an int seed, received {seed!r}.")
    _random.seed(int(seed))
    np.random.seed(int(seed) % (2 ** 32))
    pt.random.set_seed(int(seed))
