"""``tf.random.experimental``: the Generator family (from tf.random), the stateless seed helpers under their
experimental names, ``stateless_shuffle`` and ``index_shuffle`` (a keyed bijection of [0, max_index]), with TF's
numbers."""

import math

import numpy as np

from . import _core
from ._random_ops import (Algorithm, Generator, _stateless_state, create_rng_state, fold_in,  # noqa: F401
                          get_global_generator, set_global_generator, split)
from .errors import InvalidArgumentError

__all__ = ["Algorithm", "Generator", "create_rng_state", "get_global_generator", "index_shuffle",
           "set_global_generator", "stateless_fold_in", "stateless_shuffle", "stateless_split"]

_SIMON_ROUNDS = 4
_SEED_PAD = 498247692  # the key word TF's index_shuffle puts before a shape [2] seed


def stateless_split(seed, num=2, alg="auto_select"):
    """`num` new stateless seeds from `seed`, a (num, 2) int64 tensor (tf.random.split)."""
    return split(seed, num, alg)


def stateless_fold_in(seed, data, alg="auto_select"):
    """A new stateless seed from `seed` and an integer `data` (tf.random.fold_in)."""
    return fold_in(seed, data, alg)


def stateless_shuffle(value, seed, alg="auto_select", name=None):
    """`value` permuted along its first axis, deterministically from `seed` (a shape [2] integer seed): TF's
    order (Fisher-Yates on the seed's Philox stream)."""
    value = _core.convert_to_tensor(value)
    n = value._shape_tuple()[0] if value._shape_tuple() else None
    if n is None:
        raise InvalidArgumentError("stateless_shuffle: value must have at least one dimension, got a scalar")
    order = _core.philox_shuffle_order(_stateless_state(seed, "stateless_shuffle"), (n,), "int64")
    return _core.gather(value, order, axis=0)


def _rotl(x, r, width):
    return ((x << np.uint64(r)) | (x >> np.uint64(width - r))) & np.uint64((1 << width) - 1)


def _simon_round_keys(key, width, rounds):
    """The Simon cipher's key schedule over `width`-bit words from a 3-word key, as TF's index_shuffle runs it."""
    mask = (1 << width) - 1
    c, z = 0xFFFFFFFC & mask, 0x7369F885192C0EF5 & mask
    keys = [k & mask for k in key]
    for i in range(3, rounds):
        previous = keys[i - 1]
        keys.append(c ^ (z & 1) ^ keys[i - 3] ^ int(_rotl(np.uint64(previous), width - 3, width)) ^
                    int(_rotl(np.uint64(previous), width - 4, width)))
        z >>= 1
    return [np.uint64(k) for k in keys]


def _simon_encrypt(values, keys, width):
    """Simon's Feistel rounds, two per key pair, on the 2 * width-bit `values` (uint64)."""
    mask = np.uint64((1 << width) - 1)
    left, right = (values >> np.uint64(width)) & mask, values & mask

    def mix(x):
        return (_rotl(x, 1, width) & _rotl(x, 8, width)) ^ _rotl(x, 2, width)

    for first, second in zip(keys[0::2], keys[1::2]):
        left = left ^ mix(right) ^ first
        right = right ^ mix(left) ^ second
    return (left << np.uint64(width)) | right


def index_shuffle(index, seed, max_index):
    """The position of `index` in a pseudorandom permutation of ``[0, ..., max_index]`` fixed by `seed`, without
    building the permutation: TF's (a 4-round Simon cipher on the smallest even block of at least 16 bits that
    holds max_index, walked again while it lands past max_index). A shape [2] seed gets TF's fixed first word (a
    shape [3] seed is the cipher's key itself, as TF's raw op takes it). Same dtype as `index`."""
    index = _core.convert_to_tensor(index)
    if not index.dtype.is_integer:
        raise TypeError(f"index_shuffle: index must be an integer tensor, got dtype {index.dtype.name}")
    values = np.asarray(seed.numpy() if hasattr(seed, "numpy") else seed)
    if values.shape not in ((2,), (3,)) or values.dtype.kind not in "iu":
        raise InvalidArgumentError(f"index_shuffle: seed must be a shape [2] (or the raw op's [3]) integer tensor, "
                                   f"got {values.dtype} of shape {values.shape}")
    key = [int(v) & 0xFFFFFFFF for v in values.reshape(-1)]
    key = [_SEED_PAD] + key if len(key) == 2 else key
    max_index = int(max_index)
    if max_index < 0:
        raise InvalidArgumentError(f"index_shuffle: max_index must be >= 0, got {max_index}")
    flat = index.numpy().reshape(-1).astype(np.int64)
    if flat.size and (flat.min() < 0 or flat.max() > max_index):
        raise InvalidArgumentError(f"index_shuffle: every index must be in [0, {max_index}], got values in "
                                   f"[{flat.min()}, {flat.max()}]")
    if max_index == 0:
        return _core.constant(np.zeros(index._shape_tuple(), np.int64), index.dtype)
    bits = math.ceil(math.log2(max_index))
    width = min(max(bits + bits % 2, 16), 64) // 2
    keys = _simon_round_keys(key, width, _SIMON_ROUNDS)
    out = _simon_encrypt(flat.astype(np.uint64), keys, width)
    while True:  # cycle walking: the cycle through an index returns into range, at the index itself at the latest
        outside = out > np.uint64(max_index)
        if not outside.any():
            break
        out[outside] = _simon_encrypt(out[outside], keys, width)
    return _core.constant(out.astype(np.int64).reshape(index._shape_tuple()), index.dtype)
