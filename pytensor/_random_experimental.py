"""``tf.random.experimental``: the Generator family (from tf.random), the stateless seed helpers under their
experimental names, ``stateless_shuffle`` and ``index_shuffle`` (a keyed bijection of [0, max_index])."""

import numpy as np

from . import _core
from ._random_ops import (Algorithm, Generator, _mix64, _seed_pair, create_rng_state, fold_in,  # noqa: F401
                          get_global_generator, set_global_generator, split, stateless_uniform, _MASK64)
from .errors import InvalidArgumentError

__all__ = ["Algorithm", "Generator", "create_rng_state", "get_global_generator", "index_shuffle",
           "set_global_generator", "stateless_fold_in", "stateless_shuffle", "stateless_split"]

_FEISTEL_ROUNDS = 6


def stateless_split(seed, num=2, alg="auto_select"):
    """`num` new stateless seeds from `seed`, a (num, 2) int64 tensor (tf.random.split)."""
    return split(seed, num, alg)


def stateless_fold_in(seed, data, alg="auto_select"):
    """A new stateless seed from `seed` and an integer `data` (tf.random.fold_in)."""
    return fold_in(seed, data, alg)


def stateless_shuffle(value, seed, alg="auto_select", name=None):
    """`value` permuted along its first axis, deterministically from `seed` (a shape [2] integer seed): the order
    of a stateless uniform draw, one key per row."""
    value = _core.convert_to_tensor(value)
    n = value._shape_tuple()[0] if value._shape_tuple() else None
    if n is None:
        raise InvalidArgumentError("stateless_shuffle: value must have at least one dimension, got a scalar")
    keys = stateless_uniform((n,), seed, dtype="float64")
    from ._array_ops import argsort

    return _core.gather(value, argsort(keys, stable=True), axis=0)


def _permute(x, keys, half_bits):
    """One pass of a balanced Feistel network on the 2 * half_bits-bit integer x: a bijection for every key set."""
    mask = (1 << half_bits) - 1
    left, right = x >> half_bits, x & mask
    for key in keys:
        left, right = right, left ^ (_mix64(right ^ key) & mask)
    return (left << half_bits) | right


def index_shuffle(index, seed, max_index):
    """The position of `index` in a pseudorandom permutation of ``[0, ..., max_index]`` fixed by `seed` (a shape
    [2] or [3] integer seed), without building the permutation: a keyed Feistel network on the smallest even
    power of two above max_index, walked again while it lands past max_index. Same dtype as `index`."""
    index = _core.convert_to_tensor(index)
    if not index.dtype.is_integer:
        raise TypeError(f"index_shuffle: index must be an integer tensor, got dtype {index.dtype.name}")
    values = np.asarray(seed.numpy() if hasattr(seed, "numpy") else seed)
    if values.shape == (3,):
        values = np.array([_mix64(int(values[0]) & _MASK64) ^ int(values[2]), values[1]], np.uint64)
    pair = _seed_pair(values.astype(np.int64) if values.dtype.kind == "u" else values, "index_shuffle")
    max_index = int(max_index)
    if max_index < 0:
        raise InvalidArgumentError(f"index_shuffle: max_index must be >= 0, got {max_index}")
    flat = index.numpy().reshape(-1).astype(np.int64)
    if flat.size and (flat.min() < 0 or flat.max() > max_index):
        raise InvalidArgumentError(f"index_shuffle: every index must be in [0, {max_index}], got values in "
                                   f"[{flat.min()}, {flat.max()}]")
    half_bits = max(1, (max_index.bit_length() + 1) // 2)
    keys = [_mix64(_mix64(pair[0] ^ (round_ * 0x9E3779B97F4A7C15 & _MASK64)) ^ pair[1])
            for round_ in range(1, _FEISTEL_ROUNDS + 1)]
    out = []
    for i in flat.tolist():
        x = _permute(i, keys, half_bits)
        while x > max_index:  # cycle walking: the cycle through i returns into range, at i itself at the latest
            x = _permute(x, keys, half_bits)
        out.append(x)
    return _core.constant(np.asarray(out, np.int64).reshape(index._shape_tuple()), index.dtype)
