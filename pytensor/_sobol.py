"""``tf.math.sobol_sample``: points of the Sobol sequence, from Joe & Kuo's direction numbers (the set TF uses,
vendored for the first 1024 dimensions in _sobol_direction_numbers.txt with its licence)."""

import functools
import os

import numpy as np

from . import _core
from .errors import InvalidArgumentError

__all__ = ["sobol_sample"]

_BITS = 30  # TF's bound: skip + num_results < 2^30, so every point is exact in 30 bits


@functools.lru_cache(maxsize=1)
def _table():
    """(polynomial, initial direction numbers) of dimensions 2, 3, ... from the vendored file."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_sobol_direction_numbers.txt")
    with open(path) as f:
        rows = [[int(v) for v in line.split()] for line in f if line.strip() and not line.startswith("#")]
    return [(row[0], row[1:]) for row in rows]


@functools.lru_cache(maxsize=8)
def _direction_integers(dim):
    """(dim, _BITS) int64: v[j, k] = the k-th direction number of dimension j as a _BITS-bit integer."""
    v = np.zeros((dim, _BITS), np.int64)
    v[0] = 1 << np.arange(_BITS - 1, -1, -1)  # dimension 1: van der Corput, m_k = 1
    for j, (poly, m) in enumerate(_table()[:dim - 1], start=1):
        degree = len(m)
        for k in range(_BITS):
            if k < degree:
                v[j, k] = m[k] << (_BITS - 1 - k)
                continue
            value = v[j, k - degree] ^ (v[j, k - degree] >> degree)
            for i in range(1, degree):  # the polynomial's inner coefficients a_1 ... a_{degree-1}
                if (poly >> (degree - i)) & 1:
                    value ^= v[j, k - i]
            v[j, k] = value
    return v


def sobol_sample(dim, num_results, skip=0, dtype="float32", name=None):
    """Points skip + 1 ... skip + num_results of the `dim`-dimensional Sobol sequence (Gray-code order, the point 0
    left out), shape [num_results, dim], as TF's: Joe & Kuo's direction numbers (new-joe-kuo-6.21201), exact in 30
    bits. This build carries the first 1024 dimensions of the table (TF's has 21200).

    Example:
        >>> tf.math.sobol_sample(2, 3).numpy()
        array([[0.5 , 0.5 ],
               [0.75, 0.25],
               [0.25, 0.75]], dtype=float32)
    """
    from . import dtypes

    dtype = dtypes.as_dtype(dtype)
    if dtype.name not in ("float32", "float64"):
        raise InvalidArgumentError(f"sobol_sample: dtype must be float32 or float64, got {dtype.name}")
    dim, num_results, skip = int(dim), int(num_results), int(skip)
    if dim < 1:
        raise InvalidArgumentError(f"sobol_sample: dim must be at least one, got {dim}")
    if num_results < 1:
        raise InvalidArgumentError(f"sobol_sample: num_results must be at least one, got {num_results}")
    if skip < 0:
        raise InvalidArgumentError(f"sobol_sample: skip must be non-negative, got {skip}")
    available = len(_table()) + 1
    if dim > available:
        raise InvalidArgumentError(f"sobol_sample: dim must be at most {available} in this build (the vendored "
                                   f"direction numbers; TF's table goes to 21200), got {dim}")
    if skip + num_results >= 1 << _BITS:
        raise InvalidArgumentError(f"sobol_sample: skip + num_results must be less than 2^{_BITS}, got "
                                   f"{skip + num_results}")
    index = np.arange(skip + 1, skip + num_results + 1, dtype=np.int64)
    gray = index ^ (index >> 1)
    v = _direction_integers(dim)
    points = np.zeros((num_results, dim), np.int64)
    for k in range(int(gray.max()).bit_length()):
        points ^= ((gray >> k) & 1)[:, None] * v[:, k]
    return _core.constant((points * 2.0 ** -_BITS).astype(dtype.name), dtype.name)
