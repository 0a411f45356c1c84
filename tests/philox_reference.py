"""TensorFlow's Philox4x32-10 streams and its fixed-count distributions in numpy: the independent reference the
C++ philox_* ops (csrc/backend/cpu/philox_tf.cpp) are tested against, as pytensor drew them before those ops
(pytensor._philox keeps the stream itself and the variable-count samplers: binomial, Poisson, gamma, categorical). Each follows TF's kernels (the shuffle order: its stateless shuffle) (lib/random/random_distributions.h); the recorded TF fixtures check it.

A stream is named by a 64-bit key and a 128-bit counter (two uint64 words, low first); block ``b`` of it is
Philox4x32-10 of the counter plus ``b``.
"""
import numpy as np

from pytensor._philox import SKIP_PER_ELEMENT, _box_muller64, _unit_float64, philox_at, philox_words

_MASK64 = (1 << 64) - 1
_SEED_KEY = (0x3EC8F720, 0x02461E29)  # the fixed key that scrambles a seed pair into a key and a counter
_TRUNCATE = 2.0
_EPSILON = 1e-7  # Box-Muller's floor for the uniform under the logarithm


def key_counter_from_seed(seed0, seed1):
    """TF's StatelessRandomGetKeyCounter: the (key, counter) of the stateless ops' seed pair."""
    seed0, seed1 = seed0 & _MASK64, seed1 & _MASK64
    counter = (seed0, seed1)
    mix = philox_words(_SEED_KEY[0] | _SEED_KEY[1] << 32, counter, 1)[0].astype(np.uint64)
    return int(mix[0] | mix[1] << np.uint64(32)), (0, int(mix[2] | mix[3] << np.uint64(32)))


def _words(key, counter, count, per_block):
    """The first `count` outputs' words, `per_block` outputs from each block: a (count, 4 // per_block) array."""
    blocks = -(-count // per_block)
    return philox_words(key, counter, blocks).reshape(blocks * per_block, 4 // per_block)[:count]


def _unit_float32(words):
    return ((words & np.uint32(0x7FFFFF)) | np.uint32(0x3F800000)).view(np.float32) - np.float32(1.0)


def uniform(key, counter, count, dtype):
    """`count` uniform samples in [0, 1) of float32 or float64."""
    if np.dtype(dtype) == np.float32:
        return _unit_float32(_words(key, counter, count, 4)[:, 0])
    words = _words(key, counter, count, 2)
    return _unit_float64(words[:, 0], words[:, 1])


def full_int(key, counter, count, dtype):
    """`count` integers covering the whole range of int32/uint32 (one word each) or int64/uint64 (two words,
    the first low)."""
    dtype = np.dtype(dtype)
    if dtype.itemsize == 4:
        return _words(key, counter, count, 4)[:, 0].view(dtype)
    words = _words(key, counter, count, 2).astype(np.uint64)
    return (words[:, 0] | words[:, 1] << np.uint64(32)).view(dtype)


def uniform_int(key, counter, count, low, high, dtype):
    """`count` integers of int32/int64 in [low, high): a full-range unsigned draw modulo the range, added to low
    (wrapping, as TF's kernel)."""
    wide = np.dtype(dtype).itemsize == 8
    unsigned, mask = (np.uint64, _MASK64) if wide else (np.uint32, 0xFFFFFFFF)
    bits = full_int(key, counter, count, unsigned)
    values = bits % unsigned((high - low) & mask) + unsigned(low & mask)
    return values.view(np.int64 if wide else np.int32)


def _box_muller32(x0, x1):
    """Two float32 normals per word pair. TF's kernel computes in float32 (its 2*pi is a double) with correctly
    rounded logf/sinf/cosf: each step here is evaluated in float64 and rounded to float32 as those are."""
    f32 = np.float32
    u1 = np.maximum(_unit_float32(x0), f32(_EPSILON))
    angle = (2.0 * np.pi * _unit_float32(x1).astype(np.float64)).astype(f32).astype(np.float64)
    radius = np.sqrt(f32(-2.0) * np.log(u1.astype(np.float64)).astype(f32))
    return np.sin(angle).astype(f32) * radius, np.cos(angle).astype(f32) * radius


def normal(key, counter, count, dtype):
    """`count` standard normal samples of float32 or float64."""
    if np.dtype(dtype) == np.float32:
        words = _words(key, counter, -(-count // 2) * 2, 4).reshape(-1, 2)
        first, second = _box_muller32(words[:, 0], words[:, 1])
    else:
        words = _words(key, counter, -(-count // 2) * 2, 2).reshape(-1, 4)
        first, second = _box_muller64(*(words[:, i] for i in range(4)))
    return np.stack([first, second], axis=-1).reshape(-1)[:count]


def truncated_normal(key, counter, count, dtype):
    """`count` standard normal samples within (-2, 2): group g of outputs (4 for float32, 2 for float64) draws
    Box-Muller pairs from block 256 * (group size / 4) * g on, keeping the samples inside, in order."""
    float32 = np.dtype(dtype) == np.float32
    group = 4 if float32 else 2
    groups = -(-count // group)
    stride = SKIP_PER_ELEMENT * group // 4
    out = np.empty((groups, group), np.dtype(dtype))
    pending = np.arange(groups, dtype=np.uint64)
    blocks = 2
    while pending.size:  # almost every group fills from its first two blocks; the rest retry with more
        offsets = pending[:, None] * np.uint64(stride) + np.arange(blocks, dtype=np.uint64)[None, :]
        words = philox_at(key, counter, offsets)
        if float32:
            pairs = words.reshape(pending.size, -1, 2)
            first, second = _box_muller32(pairs[..., 0], pairs[..., 1])
        else:
            first, second = _box_muller64(*(words[..., i] for i in range(4)))
        candidates = np.stack([first, second], axis=-1).reshape(pending.size, -1)
        inside = np.abs(candidates) < _TRUNCATE
        keep = inside & (np.cumsum(inside, axis=1) <= group)  # the first `group` samples inside, in order
        filled = keep.sum(axis=1) == group
        out[pending[filled].astype(np.int64)] = candidates[filled][keep[filled]].reshape(-1, group)
        pending = pending[~filled]
        blocks *= 4
    return out.reshape(-1)[:count]


def shuffle_order(key, counter, n):
    """The order in which TF's stateless shuffle puts `n` rows: Fisher-Yates from the front, position i swapped with
    i + (the stream's next 32-bit word modulo n - i)."""
    if n >= 1 << 32:
        raise ValueError(f"cannot shuffle {n} rows (at most 2**32 - 1)")
    words = philox_words(key, counter, -(-max(n - 1, 0) // 4)).reshape(-1)[:max(n - 1, 0)].tolist()
    order = list(range(n))
    for i, word in enumerate(words):
        j = i + word % (n - i)
        order[i], order[j] = order[j], order[i]
    return np.asarray(order, np.int64)
