"""``tf.nn.fractional_max_pool`` / ``fractional_avg_pool``: pooling by a non-integer ratio (Graham, 2014).

Each spatial axis is cut into ``floor(size / ratio)`` windows whose lengths are ``floor(ratio)`` or
``ceil(ratio)``, in a random order (or at pseudo-random offsets ``ceil(ratio * (i + u))``); with
``overlapping`` a window also takes the first element of the next. Max and mean over a rectangle are separable,
so rows are pooled, then columns, with core ops that tapes differentiate. The boundaries are drawn under TF's
seed rules, so TF's own windows differ; both sequences are returned, as TF does.
"""

import math

import numpy as np

from .. import _core
from .._tensor_api import Tensor, Variable

__all__ = ["fractional_max_pool", "fractional_avg_pool"]


def _ratios(pooling_ratio, op):
    ratios = [float(pooling_ratio)] * 2 if np.ndim(pooling_ratio) == 0 else [float(r) for r in pooling_ratio]
    if len(ratios) == 4:
        if ratios[0] != 1.0 or ratios[3] != 1.0:
            raise ValueError(f"{op}: pooling_ratio must be 1 on the batch and channel axes, got {ratios}")
        ratios = ratios[1:3]
    if len(ratios) != 2 or any(r < 1.0 for r in ratios):
        raise ValueError(f"{op}: pooling_ratio must be one float >= 1 or [1, rows, cols, 1], got {pooling_ratio!r}")
    return ratios


def _sequence(size, ratio, pseudo_random, uniform):
    """Window boundaries 0 = b_0 < ... < b_n = size along one axis (n = floor(size / ratio))."""
    count = int(size // ratio)
    if count < 1:
        raise ValueError(f"fractional pooling: an axis of size {size} has no window at ratio {ratio}")
    alpha = size / count
    if pseudo_random:
        u = uniform(1)[0]
        bounds = np.asarray([math.ceil(alpha * (i + u)) - math.ceil(alpha * u) for i in range(count + 1)], np.int64)
        bounds[-1] = size
        return bounds
    small = int(math.floor(alpha))
    bigger = size - small * count  # windows one longer than `small`
    lengths = np.asarray([small + 1] * bigger + [small] * (count - bigger), np.int64)
    order = np.argsort(uniform(count), kind="stable")
    return np.concatenate([[0], np.cumsum(lengths[order])]).astype(np.int64)


def _pool_axis(x, bounds, axis, overlapping, reduce):
    size = x.shape[axis]
    pieces = []
    for start, stop in zip(bounds[:-1], bounds[1:]):
        stop = min(int(stop) + (1 if overlapping else 0), size)
        index = [slice(None)] * len(x.shape)
        index[axis] = slice(int(start), stop)
        pieces.append(reduce(x[tuple(index)], axis))
    return _core.stack(pieces, axis=axis)


def _fractional_pool(value, pooling_ratio, pseudo_random, overlapping, seed, reduce, op):
    x = value if isinstance(value, (Tensor, Variable)) else _core.convert_to_tensor(value)
    if len(x.shape) != 4:
        raise ValueError(f"{op}: value must be [batch, height, width, channels], got shape {list(x.shape)}")
    ratios = _ratios(pooling_ratio, op)

    def uniform(count):
        return np.asarray(_core.random_uniform((count,), 0.0, 1.0, "float64", seed or None))

    rows = _sequence(x.shape[1], ratios[0], pseudo_random, uniform)
    cols = _sequence(x.shape[2], ratios[1], pseudo_random, uniform)
    pooled = _pool_axis(_pool_axis(x, rows, 1, overlapping, reduce), cols, 2, overlapping, reduce)
    return pooled, _core.constant(rows, "int64"), _core.constant(cols, "int64")


def fractional_max_pool(value, pooling_ratio, pseudo_random=False, overlapping=False, seed=0, name=None):
    """Max pooling by a fractional ratio: (output, row boundaries, column boundaries)."""
    return _fractional_pool(value, pooling_ratio, pseudo_random, overlapping, seed,
                            lambda t, axis: _core.reduce_max(t, axis=axis), "fractional_max_pool")


def fractional_avg_pool(value, pooling_ratio, pseudo_random=False, overlapping=False, seed=0, name=None):
    """Average pooling by a fractional ratio: (output, row boundaries, column boundaries)."""
    return _fractional_pool(value, pooling_ratio, pseudo_random, overlapping, seed,
                            lambda t, axis: _core.reduce_mean(t, axis=axis), "fractional_avg_pool")
