"""Shared fixtures: a seeded numpy RNG, and tests/ on sys.path so `import op_db` works from anywhere."""
import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))


@pytest.fixture
def rng():
    """A numpy Generator with a fixed seed: the same samples on every run."""
    return np.random.default_rng(12345)
