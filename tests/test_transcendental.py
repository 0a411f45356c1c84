"""float32 transcendental functions: within ULP_BOUND ulp (log1p, Eigen's float32 packet: 2) of the exact value
(float64 numpy, rounded), over a dense grid of float32 inputs (exp, expm1 and sigmoid, cpu/exp.h's SIMD code: also
every float32 near their overflow, underflow and reduction edges), and bitwise the same value for an element wherever it sits (alone, in a vector at any
offset, in a strided view) and whatever the tensor's size (issue 21: sigmoid's vector path was a rational
approximation 7e-4 off while the scalar tail was exact).

Denormals: kernels run with flush-to-zero and denormals-are-zero, as TF's CPU kernels, so a denormal input reads as
0 (log(1e-40) is -inf, the value of log(0)) and a result below float32's smallest normal is 0. The references here
apply the same rule.
"""
import math

import numpy as np
import pytest

import pytensor as tf

ULP_BOUND = 1
ULP_BOUNDS = {"log1p": 2}
TINY = np.float32(np.finfo(np.float32).tiny)
SELU_ALPHA, SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def _sigmoid(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


_erfc = np.vectorize(math.erfc, otypes=[np.float64])
_erf = np.vectorize(math.erf, otypes=[np.float64])

# name -> (pytensor function, float64 reference, grid limit: inputs of magnitude up to this)
FUNCTIONS = {
    "exp": (tf.exp, np.exp, None),
    "log": (tf.math.log, np.log, None),
    "log1p": (tf.math.log1p, np.log1p, None),
    "expm1": (tf.math.expm1, np.expm1, None),
    "sigmoid": (tf.sigmoid, _sigmoid, None),
    "tanh": (tf.tanh, np.tanh, None),
    "sin": (tf.sin, np.sin, None),
    "cos": (tf.cos, np.cos, None),
    "tan": (tf.math.tan, np.tan, None),
    "atan": (tf.math.atan, np.arctan, None),
    "asin": (tf.math.asin, np.arcsin, None),
    "acos": (tf.math.acos, np.arccos, None),
    "softplus": (tf.nn.softplus, lambda x: np.logaddexp(0, x), None),
    "elu": (tf.nn.elu, lambda x: np.where(x > 0, x, np.expm1(np.minimum(x, 0))), None),
    "selu": (tf.nn.selu, lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(np.minimum(x, 0))), None),
    "silu": (tf.nn.silu, lambda x: x * _sigmoid(x), None),
    # 0.5 x (1 + tanh(z)) == x sigmoid(2 z): the form without cancellation is the exact value's reference.
    "gelu_tanh": (lambda t: tf.nn.gelu(t, approximate=True),
                  lambda x: x * _sigmoid(2 * np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)), 1e4),
    "gelu": (tf.nn.gelu, lambda x: 0.5 * x * _erfc(-x / np.sqrt(2)), 30.0),
    "erf": (tf.math.erf, _erf, 30.0),
}


def _grid(limit=None, step=997):
    """Every `step`-th float32 bit pattern (all exponents, both signs), plus a dense run around 0 and the specials."""
    bits = np.arange(0, 2**32, step, dtype=np.uint64).astype(np.uint32)
    x = bits.view(np.float32)
    x = np.concatenate([x, np.linspace(-20, 20, 40001, dtype=np.float32),
                        np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-40, -1e-40, TINY, -TINY], np.float32)])
    if limit is not None:
        x = x[~(np.abs(x) > limit)]
    return x


def _reference(ref, x):
    """The exact value rounded to float32, with the kernels' denormal rule applied to input and result."""
    with np.errstate(all="ignore"):
        xd = np.where(np.abs(x) < TINY, np.copysign(np.float32(0), x), x).astype(np.float64)
        r = np.asarray(ref(xd), np.float64).astype(np.float32)
    return np.where(np.abs(r) < TINY, np.float32(0), r)


def _ulp_distance(a, b):
    """|a - b| in float32 ulps (0 for equal values and for two NaNs; huge for NaN against a number)."""
    ia = a.view(np.int32).astype(np.int64)
    ib = b.view(np.int32).astype(np.int64)
    ia = np.where(ia < 0, -(ia & 0x7FFFFFFF), ia)  # a monotone integer line through -0 == +0
    ib = np.where(ib < 0, -(ib & 0x7FFFFFFF), ib)
    d = np.abs(ia - ib)
    both_nan = np.isnan(a) & np.isnan(b)
    one_nan = np.isnan(a) ^ np.isnan(b)
    return np.where(both_nan, 0, np.where(one_nan, 2**40, d))


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_float32_within_bound_of_float64(name):
    fn, ref, limit = FUNCTIONS[name]
    x = _grid(limit, step=997 if limit is None else 4099)
    got = fn(tf.constant(x)).numpy()
    want = _reference(ref, x)
    d = _ulp_distance(got, want)
    worst = np.argsort(d)[-5:][::-1]
    assert d.max() <= ULP_BOUNDS.get(name, ULP_BOUND), f"{name}: max {d.max()} ulp over {x.size} inputs; worst at " + ", ".join(
        f"x={x[i]!r}: got {got[i]!r} want {want[i]!r}" for i in worst)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_float32_value_does_not_depend_on_position_or_size(name):
    fn = FUNCTIONS[name][0]
    rng = np.random.default_rng(7)
    # Values where the old vector and scalar paths disagreed (sigmoid on [-12, -5]) and a spread of others.
    x = np.concatenate([np.linspace(-12, -5, 301, dtype=np.float32),
                        rng.uniform(-30, 30, 400).astype(np.float32),
                        np.array([0.0, -0.0, 1e-40, np.inf, -np.inf, np.nan, 88.5, -88.5], np.float32)])
    full = fn(tf.constant(x)).numpy()
    alone = np.array([fn(tf.constant(v)).numpy() for v in x[::7]], np.float32)
    np.testing.assert_array_equal(alone.view(np.int32), full[::7].view(np.int32), err_msg=f"{name}: alone vs vector")
    for offset in range(1, 9):  # every alignment and tail length
        part = fn(tf.constant(x[offset:])).numpy()
        np.testing.assert_array_equal(part.view(np.int32), full[offset:].view(np.int32),
                                      err_msg=f"{name}: offset {offset}")
    for n in (1, 3, 8, 9, 17, 63, 64, 65):
        np.testing.assert_array_equal(fn(tf.constant(x[:n])).numpy().view(np.int32), full[:n].view(np.int32),
                                      err_msg=f"{name}: first {n}")
    strided = tf.constant(np.stack([x, x]).T)[:, 1]  # a non-contiguous view of the same values
    np.testing.assert_array_equal(fn(strided).numpy().view(np.int32), full.view(np.int32), err_msg=f"{name}: strided")


def test_log_of_denormals_is_minus_infinity():
    # One rule for every denormal (they read as 0); before, log(1e-40) gave -103.97 but other denormals -inf.
    x = np.array([1e-40, 1e-45, 1e-39, -1e-40, 0.0], np.float32)
    for got in (tf.math.log(tf.constant(x)).numpy(), np.array([tf.math.log(tf.constant(v)).numpy() for v in x])):
        np.testing.assert_array_equal(got[[0, 1, 2, 4]], -np.inf)
        assert np.isnan(got[3]) or got[3] == -np.inf  # -denormal reads as -0: log(-0) is -inf


def test_binary_crossentropy_of_sigmoid_outputs_matches_float64():
    # Keras's BinaryCrossentropy on sigmoid outputs for logits in [-12, -5], where the old float32 sigmoid was 7e-4
    # off (a 1e-4 relative loss error); the reference is float64 with Keras's clipping to [1e-7, 1 - 1e-7].
    logits = np.linspace(-12, -5, 64, dtype=np.float32)
    labels = (np.arange(64) % 3 == 0).astype(np.float32)
    got = float(tf.keras.losses.BinaryCrossentropy()(tf.constant(labels), tf.sigmoid(tf.constant(logits))))
    p = np.clip(_sigmoid(logits.astype(np.float64)), 1e-7, 1 - 1e-7)
    want = -np.mean(labels * np.log(p) + (1 - labels) * np.log(1 - p))
    assert abs(got - want) <= 2e-6 * want, (got, want)


def _float32_run(lo, hi, every=1):
    """Every `every`-th float32 from lo to hi (0 <= lo <= hi), in order."""
    a, b = np.array([lo, hi], np.float32).view(np.int32)
    return np.arange(a, b + 1, every, dtype=np.int32).view(np.float32)


EXP_FAMILY = ("exp", "expm1", "sigmoid")


def _max_ulp(name, x):
    fn, ref, _ = FUNCTIONS[name]
    d = _ulp_distance(fn(tf.constant(x)).numpy(), _reference(ref, x))
    return int(d.max()), x[int(d.argmax())]


@pytest.mark.parametrize("name", EXP_FAMILY)
def test_exp_family_within_an_ulp_at_every_float32_near_the_edges(name):
    # Overflow (e^x is inf from 88.7228; Eigen's AVX-512 packet gave inf from 88.376), underflow through the
    # subnormals to 0 (-87.34 to -103.97), the reduction's boundaries near +-ln2/2 and small |x| (expm1's q itself),
    # each float32 in both signs.
    x = np.concatenate([_float32_run(88.0, 88.8), _float32_run(86.5, 104.5), _float32_run(0.34, 0.35),
                        _float32_run(0.69, 0.70), _float32_run(2.0**-30, 1.0, every=89)])
    x = np.concatenate([x, -x])
    worst, at = _max_ulp(name, x)
    assert worst <= 1, f"{name}: {worst} ulp at x={at!r} over {x.size} inputs"


def test_tanh_within_an_ulp_at_every_float32_near_its_edges():
    # cpu/exp.h's float32 tanh: a polynomial below |x| = 0.625, e / (e + 2) from expm1 above, 1 from 10 on (the input
    # is clamped there); every float32 around those points and a run of small values, both signs.
    x = np.concatenate([_float32_run(0.5, 0.75), _float32_run(9.0, 11.0), _float32_run(2.0**-30, 1.0, every=89),
                        _float32_run(1.0, 20.0, every=997), np.array([np.inf, 3e38], np.float32)])
    x = np.concatenate([x, -x])
    worst, at = _max_ulp("tanh", x)
    assert worst <= 1, f"tanh: {worst} ulp at x={at!r} over {x.size} inputs"
    zeros = tf.tanh(tf.constant(np.array([0.0, -0.0, np.nan], np.float32))).numpy()
    assert np.signbit(zeros[:2]).tolist() == [False, True] and np.isnan(zeros[2])


@pytest.mark.slow
@pytest.mark.parametrize("name", EXP_FAMILY + ("tanh",))
def test_exp_family_within_an_ulp_over_every_61st_float32(name):
    for start in range(0, 2**32, 2**28):  # 70 M inputs in 16 parts
        x = np.arange(start, start + 2**28, 61, dtype=np.uint64).astype(np.uint32).view(np.float32)
        worst, at = _max_ulp(name, x)
        assert worst <= 1, f"{name}: {worst} ulp at x={at!r}"


@pytest.mark.parametrize("n", [1, 3, 8, 9, 16, 17, 100])
def test_softmax_and_cross_entropy_exp_match_float64(n):
    # Their rows' exp runs a vector at a time with a padded tail: the padding must add nothing to the sum, at every
    # row length.
    rng = np.random.default_rng(n)
    logits = (rng.standard_normal((5, n)) * 30).astype(np.float32)
    logits[1] = -np.abs(logits[1]) - 50  # a row of negative logits: padding read as 0 would dominate its sum
    labels = rng.integers(0, n, 5)
    # The reference takes the kernels' float32 shift (x - max, rounded), whose rounding no exp can undo.
    shifted = (logits - logits.max(axis=1, keepdims=True)).astype(np.float64)
    log_sum = np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    want_log_softmax = shifted - log_sum
    np.testing.assert_allclose(tf.nn.softmax(tf.constant(logits)).numpy(), np.exp(want_log_softmax),
                               rtol=1e-6, atol=TINY)  # (below float32's smallest normal: flushed to 0)
    # log_softmax and the losses subtract max + log(sum), rounded at the logits' scale (|x| <= ~100: ulp 7.6e-6).
    np.testing.assert_allclose(tf.nn.log_softmax(tf.constant(logits)).numpy(), want_log_softmax, rtol=1e-6, atol=2e-5)
    np.testing.assert_allclose(
        tf.nn.sparse_softmax_cross_entropy_with_logits(tf.constant(labels), tf.constant(logits)).numpy(),
        -want_log_softmax[np.arange(5), labels], rtol=1e-6, atol=2e-5)
    onehot = np.eye(n, dtype=np.float32)[labels]
    np.testing.assert_allclose(
        tf.nn.softmax_cross_entropy_with_logits(tf.constant(onehot), tf.constant(logits)).numpy(),
        -want_log_softmax[np.arange(5), labels], rtol=1e-6, atol=2e-5)
