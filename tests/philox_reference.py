"""TensorFlow's Philox4x32-10 streams and its distributions in numpy: the independent reference the C++ philox_*
ops (csrc/backend/cpu/philox_tf.cpp) are tested against, as pytensor drew them before those ops: the fixed-count
distributions, the shuffle order (its stateless shuffle), and the samplers that draw a varying number of words per
output (binomial, Poisson, gamma) and categorical draws. Each follows TF's kernels (lib/random/random_distributions.h,
random_binomial_op.cc, random_poisson_op.cc, stateless_random_gamma_op.cc, multinomial_op.cc); the recorded TF
fixtures check it.

A stream is named by a 64-bit key and a 128-bit counter (two uint64 words, low first); block ``b`` of it is
Philox4x32-10 of the counter plus ``b``. TF's rules these functions follow:

* float64 uniforms take 52 bits (two words, the first high) as the mantissa of a number in [1, 2) and subtract 1;
  normals are Box-Muller pairs (sine first) from four words;
* the samplers with a variable number of draws per output (binomial, Poisson, gamma) give output ``i`` its own
  stretch of the stream (from block ``256 * i``, or ``42 * i`` for binomial inversion), as TF's kernels do so that
  their numbers do not depend on their threads.
"""
import numpy as np

_MASK32 = np.uint64(0xFFFFFFFF)
_MASK64 = (1 << 64) - 1
_MUL0, _MUL1 = np.uint64(0xD2511F53), np.uint64(0xCD9E8D57)  # Philox4x32 round multipliers
_BUMP0, _BUMP1 = 0x9E3779B9, 0xBB67AE85  # Weyl key increments
SKIP_PER_ELEMENT = 256  # counter blocks a stateful draw reserves per output element
_EPSILON = 1e-7  # Box-Muller's floor for the uniform under the logarithm


def philox_words(key, counter, blocks):
    """Blocks 0 .. blocks-1 of the stream (key, counter): a (blocks, 4) uint32 array."""
    return philox_at(key, counter, np.arange(blocks, dtype=np.uint64))


def philox_at(key, counter, index):
    """The blocks at the uint64 offsets `index` (any shape) of the stream (key, counter): index.shape + (4,)."""
    low = np.uint64(counter[0]) + index  # wraps modulo 2**64; a wrap carries into the high word
    high = np.uint64(counter[1]) + (low < np.uint64(counter[0])).astype(np.uint64)
    c0, c1, c2, c3 = low & _MASK32, low >> np.uint64(32), high & _MASK32, high >> np.uint64(32)
    k0, k1 = key & 0xFFFFFFFF, key >> 32 & 0xFFFFFFFF
    for _ in range(10):
        p0, p1 = _MUL0 * c0, _MUL1 * c2  # 32 x 32 -> 64-bit products
        c0, c1, c2, c3 = (p1 >> np.uint64(32)) ^ c1 ^ np.uint64(k0), p1 & _MASK32, \
            (p0 >> np.uint64(32)) ^ c3 ^ np.uint64(k1), p0 & _MASK32
        k0, k1 = (k0 + _BUMP0) & 0xFFFFFFFF, (k1 + _BUMP1) & 0xFFFFFFFF
    return np.stack([c0, c1, c2, c3], axis=-1).astype(np.uint32)


def _unit_float64(high, low):
    bits = (high.astype(np.uint64) << np.uint64(32) | low.astype(np.uint64)) & np.uint64((1 << 52) - 1)
    return (bits | np.uint64(1023 << 52)).view(np.float64) - 1.0


def _box_muller64(x0, x1, x2, x3):
    u1 = np.maximum(_unit_float64(x0, x1), _EPSILON)
    angle = 2.0 * np.pi * _unit_float64(x2, x3)
    radius = np.sqrt(-2.0 * np.log(u1))
    return np.sin(angle) * radius, np.cos(angle) * radius


_STIRLING_TAIL = np.array([0.0810614667953272, 0.0413406959554092, 0.0276779256849983, 0.02079067210376509,
                           0.0166446911898211, 0.0138761288230707, 0.0118967099458917, 0.0104112652619720,
                           0.00925546218271273, 0.00833056343336287])  # log(k!) minus Stirling's terms, k = 0..9


def _stirling_tail(k):
    kp1sq = (k + 1) * (k + 1)
    series = (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / (k + 1)
    return np.where(k <= 9, _STIRLING_TAIL[np.clip(k, 0, 9).astype(np.int64)], series)


def _uniform_pair(key, counter, offsets):
    """The two float64 uniforms of each block at `offsets`, in the order TF's binomial sampler takes them (the
    second first)."""
    words = philox_at(key, counter, offsets)
    return _unit_float64(words[:, 2], words[:, 3]), _unit_float64(words[:, 0], words[:, 1])


def _binomial_btrs(key, counter, offsets, count, prob):
    """Hormann's transformed rejection (BTRS) as TF's kernel runs it, one (u, v) block per attempt from each
    output's own stretch of the stream, for count * prob >= 10."""
    stddev = np.sqrt(count * prob * (1 - prob))
    b = 1.15 + 2.53 * stddev
    a = -0.0873 + 0.0248 * b + 0.01 * prob
    c = count * prob + 0.5
    v_r = 0.92 - 4.2 / b
    r = prob / (1 - prob)
    alpha = (2.83 + 5.1 / b) * stddev
    m = np.floor((count + 1) * prob)
    out = np.empty(count.shape)
    pending = np.arange(count.size)
    attempt = np.uint64(0)
    with np.errstate(all="ignore"):  # lanes outside the bounding box's logarithms are discarded
        while pending.size:
            n, p_a, p_b, p_c, p_r, p_m = (x[pending] for x in (count, a, b, c, r, m))
            u, v = _uniform_pair(key, counter, offsets[pending] + attempt)
            u = u - 0.5
            us = 0.5 - np.abs(u)
            k = np.floor((2 * p_a / us + p_b) * u + p_c)
            accept = (us >= 0.07) & (v <= v_r[pending])
            v = np.log(v * alpha[pending] / (p_a / (us * us) + p_b))
            bound = ((p_m + 0.5) * np.log((p_m + 1) / (p_r * (n - p_m + 1))) +
                     (n + 1) * np.log((n - p_m + 1) / (n - k + 1)) + (k + 0.5) * np.log(p_r * (n - k + 1) / (k + 1)) +
                     _stirling_tail(p_m) + _stirling_tail(n - p_m) - _stirling_tail(k) - _stirling_tail(n - k))
            accept |= (k >= 0) & (k <= n) & (v <= bound)
            out[pending[accept]] = k[accept]
            pending = pending[~accept]
            attempt += np.uint64(1)
    return out


def _binomial_inversion(key, counter, offsets, count, prob):
    """The number of geometric(prob) waiting times that fit in count, as TF's kernel counts them (two uniforms
    per block, from each output's own stretch of the stream), for count * prob < 10."""
    log_q = np.log1p(-prob)
    total = np.zeros(count.shape)
    geometrics = np.zeros(count.shape)
    pending = np.arange(count.size)
    block = np.uint64(0)
    with np.errstate(divide="ignore"):
        while pending.size:
            for u in _uniform_pair(key, counter, offsets[pending] + block):
                live = pending >= 0
                total[pending[live]] += np.ceil(np.log(u[live]) / log_q[pending[live]])
                over = live & (total[np.maximum(pending, 0)] > count[np.maximum(pending, 0)])
                geometrics[pending[live & ~over]] += 1
                pending = np.where(over, -1, pending)
            pending = pending[pending >= 0]
            block += np.uint64(1)
    return geometrics


def binomial(key, counter, shape, counts, probs):
    """Binomial(counts, probs) samples of `shape` (float64 values) as TF's binomial kernel draws them: counts and
    probs (one floating dtype) broadcast to the trailing dimensions of `shape`; output i (batch-major) draws from
    block 256 * i (BTRS, count * p >= 10) or 42 * i (inversion) of the stream; p > 0.5 samples count - X(1 - p)."""
    batch_shape = np.broadcast_shapes(counts.shape, probs.shape)
    if tuple(shape[len(shape) - len(batch_shape):]) != tuple(batch_shape) or len(batch_shape) > len(shape):
        raise ValueError(f"the shape {list(shape)} must end with the broadcast shape of counts and probs "
                         f"{list(batch_shape)}")
    batches = int(np.prod(batch_shape))
    total = int(np.prod(shape))
    per_batch = total // batches if batches else 0
    index = np.arange(total, dtype=np.uint64)
    batch = (index // np.uint64(max(per_batch, 1))).astype(np.int64)
    count = np.broadcast_to(counts, batch_shape).reshape(-1)[batch]
    prob = np.broadcast_to(probs, batch_shape).reshape(-1)[batch]
    one = prob.dtype.type(1)
    low = prob <= prob.dtype.type(0.5)
    q = np.where(low, prob, one - prob)
    use_btrs = count * q >= prob.dtype.type(10)  # in the parameters' dtype, as TF's test
    result = np.zeros(total)
    dcount, dq = count.astype(np.float64), q.astype(np.float64)
    with np.errstate(invalid="ignore"):
        drawn = (dcount > 0) & (prob > 0) & (prob < one)
    for mask, sampler, stride in ((drawn & use_btrs, _binomial_btrs, 256), (drawn & ~use_btrs, _binomial_inversion,
                                                                              42)):
        if mask.any():
            x = sampler(key, counter, index[mask] * np.uint64(stride), dcount[mask], dq[mask])
            result[mask] = np.where(low[mask], x, dcount[mask] - x)
    result[(dcount > 0) & (prob >= one)] = dcount[(dcount > 0) & (prob >= one)]
    result[np.isnan(prob)] = np.nan
    out = np.empty(total)
    out[batch + (index.astype(np.int64) % max(per_batch, 1)) * batches] = result  # stored sample-major
    return out.reshape(shape)


def categorical(key, counter, logits, num_samples):
    """`num_samples` class indices per row of the (batch, classes) `logits` as TF's multinomial kernel draws them
    on one thread: each sample a float64 uniform from the next two words of the stream (rows in turn) times the
    row's unnormalised cumulative probabilities (exp(logit - row maximum), non-finite logits left out), the first
    class whose cumulative sum exceeds it. (TF splits a large batch over threads, each starting at its own point
    of the stream, so there its numbers depend on its thread pool.)"""
    batch, classes = logits.shape
    finite = np.isfinite(logits)
    lowest = np.finfo(logits.dtype).min
    top = np.max(np.where(finite, logits, lowest), axis=1, initial=lowest).astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        weights = np.exp(logits.astype(np.float64) - top[:, None])
    cdf = np.cumsum(np.where(finite, weights, 0.0), axis=1)
    words = philox_words(key, counter, -(-2 * batch * num_samples // 4)).reshape(-1)[:2 * batch * num_samples]
    pairs = words.reshape(batch, num_samples, 2)
    targets = _unit_float64(pairs[..., 0], pairs[..., 1]) * cdf[:, -1:]
    return np.stack([np.searchsorted(cdf[row], targets[row], side="right") for row in range(batch)]) \
        if batch else np.zeros((0, num_samples), np.int64)


def _poisson_knuth(key, counter, offsets, rate):
    """Knuth's product of uniforms below exp(-rate), as TF's kernel runs it for rates below 10 (the uniforms of each
    output from its own stretch of the stream, two a block)."""
    limit = np.exp(-rate)
    product = np.ones(rate.shape)
    count = np.zeros(rate.shape)
    pending = np.arange(rate.size)
    block = np.uint64(0)
    while pending.size:
        for u in _uniform_pair(key, counter, offsets[pending] + block):
            live = pending >= 0
            rows = pending[live]
            product[rows] *= u[live]
            done = product[rows] <= limit[rows]
            count[rows[~done]] += 1
            pending[np.flatnonzero(live)[done]] = -1
        pending = pending[pending >= 0]
        block += np.uint64(1)
    return count


def _poisson_ptrs(key, counter, offsets, rate, highest):
    """Hormann's transformed rejection (PTRS) as TF's kernel runs it for rates of 10 and above: one (u, v) block
    per attempt from each output's own stretch of the stream."""
    import math

    log_rate = np.log(rate)
    b = 0.931 + 2.53 * np.sqrt(rate)
    a = -0.059 + 0.02483 * b
    inv_alpha = 1.1239 + 1.1328 / (b - 3.4)
    v_r = 0.9277 - 3.6224 / (b - 2)
    out = np.empty(rate.shape)
    pending = np.arange(rate.size)
    attempt = np.uint64(0)
    lgamma = np.frompyfunc(math.lgamma, 1, 1)
    with np.errstate(all="ignore"):
        while pending.size:
            u, v = _uniform_pair(key, counter, offsets[pending] + attempt)
            u = u - 0.5
            p_a, p_b, p_rate = a[pending], b[pending], rate[pending]
            shifted = 0.5 - np.abs(u)
            k = np.floor((2 * p_a / shifted + p_b) * u + p_rate + 0.43)
            usable = k <= highest
            accept = usable & (shifted >= 0.07) & (v <= v_r[pending])
            test = usable & ~accept & ~((k < 0) | ((shifted < 0.013) & (v > shifted)))
            if test.any():
                s = np.log(v[test] * inv_alpha[pending][test] / (p_a[test] / (shifted[test] ** 2) + p_b[test]))
                t = -p_rate[test] + k[test] * log_rate[pending][test] - lgamma(k[test] + 1).astype(np.float64)
                accept[np.flatnonzero(test)[s <= t]] = True
            out[pending[accept]] = k[accept]
            pending = pending[~accept]
            attempt += np.uint64(1)
    return out


def poisson(key, counter, shape, rates, dtype):
    """Poisson(rates) samples of `shape` (which ends with rates' shape) as TF's kernel draws them: output i
    (rate-major) from block 256 * i of the stream, Knuth's method below rate 10, PTRS above; float64 values,
    stored sample-major."""
    rates = np.asarray(rates, np.float64)
    if tuple(shape[len(shape) - rates.ndim:]) != rates.shape or rates.ndim > len(shape):
        raise ValueError(f"the shape {list(shape)} must end with the shape of the rates {list(rates.shape)}")
    per_rate = int(np.prod(shape[:len(shape) - rates.ndim]))
    flat = rates.reshape(-1)
    total = per_rate * flat.size
    index = np.arange(total, dtype=np.uint64)
    rate_of = (index // np.uint64(max(per_rate, 1))).astype(np.int64)
    rate = flat[rate_of]
    offsets = index * np.uint64(SKIP_PER_ELEMENT)
    small = rate < 10
    values = np.empty(total)
    if small.any():
        values[small] = _poisson_knuth(key, counter, offsets[small], rate[small])
    if (~small).any():
        dtype = np.dtype(dtype)
        highest = np.iinfo(dtype).max if dtype.kind in "iu" else np.finfo(dtype).max
        values[~small] = _poisson_ptrs(key, counter, offsets[~small], rate[~small], float(highest))
    out = np.empty(total)
    out[rate_of + (index.astype(np.int64) % max(per_rate, 1)) * flat.size] = values
    return out.reshape(shape)


class _Buffers:
    """Per-output buffers of a distribution that yields two values a block (TF's sample buffers): an output whose
    buffer is empty refills it from its next block (`cursor` counts the blocks each output has used, shared
    between its buffers); values are handed out last first."""

    def __init__(self, key, counter, base, cursor, convert):
        self._key, self._counter, self._base, self._cursor, self._convert = key, counter, base, cursor, convert
        self._values = np.empty((base.size, 2))
        self._left = np.zeros(base.size, np.int64)

    def take(self, lanes):
        empty = lanes[self._left[lanes] == 0]
        if empty.size:
            words = philox_at(self._key, self._counter, self._base[empty] + self._cursor[empty].astype(np.uint64))
            self._cursor[empty] += 1
            self._values[empty] = np.stack(self._convert(words), axis=-1)
            self._left[empty] = 2
        self._left[lanes] -= 1
        return self._values[lanes, self._left[lanes]]


def gamma(key, counter, shape, alphas):
    """Gamma(alphas, 1) samples of `shape` (which ends with alphas' shape) as TF's kernel draws them: output i
    (alpha-major) from block 256 * i of the stream on, Marsaglia and Tsang's squeeze-and-reject on a normal and a
    uniform buffer sharing that stretch (alpha < 1 boosted by a uniform ** (1 / alpha)), alpha = 1 an exponential
    from one uniform; float64 values, stored sample-major."""
    alphas = np.asarray(alphas, np.float64)
    if tuple(shape[len(shape) - alphas.ndim:]) != alphas.shape or alphas.ndim > len(shape):
        raise ValueError(f"the shape {list(shape)} must end with the shape of alpha {list(alphas.shape)}")
    flat = alphas.reshape(-1)
    per_alpha = int(np.prod(shape[:len(shape) - alphas.ndim]))
    total = per_alpha * flat.size
    index = np.arange(total, dtype=np.uint64)
    alpha = flat[(index // np.uint64(max(per_alpha, 1))).astype(np.int64)]
    base = index * np.uint64(SKIP_PER_ELEMENT)
    cursor = np.zeros(total, np.int64)
    normal = _Buffers(key, counter, base, cursor, lambda w: _box_muller64(w[:, 0], w[:, 1], w[:, 2], w[:, 3]))
    uniform = _Buffers(key, counter, base, cursor,
                       lambda w: (_unit_float64(w[:, 0], w[:, 1]), _unit_float64(w[:, 2], w[:, 3])))
    values = np.empty(total)
    exponential = np.flatnonzero(alpha == 1.0)
    if exponential.size:
        values[exponential] = -np.log1p(-uniform.take(exponential))
    boost = alpha < 1
    d = alpha + np.where(boost, 2.0 / 3, -1.0 / 3)
    c = 1.0 / 3 / np.sqrt(d)
    pending = np.flatnonzero(alpha != 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        while pending.size:
            x = normal.take(pending)
            v = 1 + c[pending] * x
            keep = ~(v <= 0)  # v <= 0: the lane draws its next normal (a NaN goes on, to a NaN sample, as TF's)
            lanes, x, v = pending[keep], x[keep], v[keep] ** 3
            u = uniform.take(lanes)
            accept = (u < 1 - 0.0331 * (x * x) * (x * x)) | \
                (np.log(u) < 0.5 * x * x + d[lanes] * (1 - v + np.log(v)))
            done = lanes[accept]
            values[done] = d[done] * v[accept]
            boosted = done[boost[done]]
            if boosted.size:
                values[boosted] *= uniform.take(boosted) ** (1 / alpha[boosted])
            pending = np.setdiff1d(pending, done, assume_unique=True)
    out = np.empty(total)
    out[(index // np.uint64(max(per_alpha, 1))).astype(np.int64) + (index.astype(np.int64) % max(per_alpha, 1)) *
        flat.size] = values
    return out.reshape(shape)


_SEED_KEY = (0x3EC8F720, 0x02461E29)  # the fixed key that scrambles a seed pair into a key and a counter
_TRUNCATE = 2.0


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


def parameterized_truncated_normal(key, counter, shape, means, stddevs, minvals, maxvals):
    """TF's StatelessParameterizedTruncatedNormal as it draws on one thread, in the parameters' dtype: batch members
    (the parameters broadcast to the trailing dimensions of `shape`) in turn take the stream's next blocks, normal
    proposals when a bound lies beyond 1.3 stddevs on the mean's side, uniform ones (a block of proposals, a block of
    tests) on a narrow interval, exponential ones (pairs of uniforms) otherwise; a block's values left when a member
    ends are dropped. float32 transcendentals are float64 ones rounded (glibc's expf and logf round so)."""
    dtype = np.result_type(means, stddevs, minvals, maxvals)
    t = dtype.type
    batch = np.broadcast_shapes(*(np.shape(p) for p in (means, stddevs, minvals, maxvals)))
    params = [np.broadcast_to(np.asarray(p, dtype), batch).reshape(-1) for p in (means, stddevs, minvals, maxvals)]
    members = len(params[0])
    per_member = int(np.prod(shape)) // max(members, 1)
    out = np.empty((per_member, members), dtype)
    exp, log = (lambda x: t(np.exp(np.float64(x)))), (lambda x: t(np.log(np.float64(x))))
    block = [0]

    def words():
        block[0] += 1
        return philox_at(key, counter, np.array([block[0] - 1], np.uint64))[0]

    def uniforms():
        w = words()
        if dtype == np.float32:
            return list(_unit_float32(w))
        return [_unit_float64(w[0:1], w[1:2])[0], _unit_float64(w[2:3], w[3:4])[0]]

    def normals():
        w = words()
        if dtype == np.float32:
            pairs = [_box_muller32(w[0:1], w[1:2]), _box_muller32(w[2:3], w[3:4])]
            return [v[0] for pair in pairs for v in pair]
        return [v[0] for v in _box_muller64(w[0:1], w[1:2], w[2:3], w[3:4])]

    for m in range(members):
        mean, stddev, low, high = (p[m] for p in params)
        if (np.isinf(low) and low < 0) or high < mean:
            low, high, stddev = high, low, -stddev
        norm_min, norm_max = (low - mean) / stddev, (high - mean) / stddev
        root = np.sqrt(norm_min * norm_min + t(4))
        cutoff = t(2) * exp(t(0.5) + (norm_min * (norm_min - root)) / t(4)) / (norm_min + root)
        kept = []
        if (norm_min < -t(1.3) and norm_max >= 0) or (norm_max > t(1.3) and norm_min <= 0):
            while len(kept) < per_member:
                for z in normals():
                    if norm_min <= z <= norm_max:
                        kept.append(z * stddev + mean)
                        if len(kept) == per_member:
                            break
        elif norm_max - norm_min < cutoff:
            plus = t(0) if norm_min < 0 else norm_min * norm_min
            while len(kept) < per_member:
                zs = [v * (norm_max - norm_min) + norm_min for v in uniforms()]
                for z, u in zip(zs, uniforms()):
                    if u <= exp((plus - z * z) / t(2)):
                        kept.append(z * stddev + mean)
                        if len(kept) == per_member:
                            break
        else:
            alpha = (norm_min + root) / t(2)
            while len(kept) < per_member:
                v = uniforms()
                for i in range(0, len(v), 2):
                    z = -log(v[i]) / alpha + norm_min
                    x = alpha - z if norm_min < alpha else norm_min - alpha
                    if v[i + 1] <= exp(-x * x / t(2)) and z < norm_max:
                        kept.append(z * stddev + mean)
                        if len(kept) == per_member:
                            break
        out[:, m] = kept
    return out.reshape(shape)
