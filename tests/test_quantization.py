"""tf.quantization and the quantized dtypes against real TensorFlow's recorded values (fixtures/quantization.npz,
made by fixtures/make_quantization.py): quantize in every mode / round mode / narrow_range over five ranges and
five quantized types, dequantize of TF's own quantized outputs, quantize_and_dequantize_v2 with its gradient, and
the fake_quant functions with their gradient functions and tf.GradientTape through them."""
import os
import re

import numpy as np
import pytest

import pytensor as tf
from pytensor.errors import InvalidArgumentError

FIXTURE = np.load(os.path.join(os.path.dirname(__file__), "fixtures", "quantization.npz"))
X = FIXTURE["x"]
UPSTREAM = FIXTURE["upstream"]
RANGES = [(-1.0, 2.0), (0.0, 6.0), (-3.5, 0.25), (0.0, 0.0), (-0.3, 0.7)]
FAKE_RANGES = [(-6.0, 6.0), (-1.0, 2.5), (0.1, 3.0), (-3.0, -0.5), (-0.37, 1.91)]
QUANTIZE_KEYS = sorted(k[len("quantize_"):] for k in FIXTURE.files
                       if k.startswith("quantize_") and not k.endswith("_range")
                       # qint32 MIN_COMBINED: TF's float32 value times (2^32 - 1) overflows its cast to int32 (its
                       # outputs there are INT_MIN, undefined behaviour), so there is nothing to agree with
                       and not k.startswith("quantize_qint32_MIN_COMBINED"))


@pytest.mark.parametrize("key", QUANTIZE_KEYS)
def test_quantize_and_dequantize_match_tensorflow(key):
    t, mode, round_mode, narrow, k = re.fullmatch(r"(\w+?)_(MIN_COMBINED|MIN_FIRST|SCALED)_(\w+)_(\d)_(\d)",
                                                  key).groups()
    lo, hi = RANGES[int(k)]
    q = tf.quantization.quantize(X, lo, hi, getattr(tf, t), mode=mode, round_mode=round_mode,
                                 narrow_range=bool(int(narrow)))
    expected = FIXTURE["quantize_" + key]
    assert q.output.dtype.name == expected.dtype.name  # the quantized type's integer storage
    got = q.output.numpy()
    # where x * scale passes 2^31, TF's float -> int32 cast overflows to INT_MIN; pytensor's saturates
    fits = ~((expected == np.iinfo(np.int32).min) & (got == np.iinfo(np.int32).max)) if t == "qint32" else ...
    np.testing.assert_array_equal(got[fits], expected[fits])
    np.testing.assert_array_equal([q.output_min.numpy(), q.output_max.numpy()], FIXTURE["quantize_" + key + "_range"])
    # dequantize TF's own quantized values with TF's range
    back = tf.quantization.dequantize(tf.constant(expected), *FIXTURE["quantize_" + key + "_range"], mode=mode,
                                      narrow_range=bool(int(narrow)))
    # (TF's kernels fuse multiply-adds, which round once: an ulp apart at most)
    np.testing.assert_allclose(back.numpy(), FIXTURE["dequantize_" + key], rtol=2e-6, atol=1e-7)


QDQ_KEYS = sorted(k[len("qdq_"):] for k in FIXTURE.files if k.startswith("qdq_") and not k.endswith("_grad"))


@pytest.mark.parametrize("key", QDQ_KEYS)
def test_quantize_and_dequantize_v2_and_its_gradient_match_tensorflow(key):
    signed, num_bits, range_given, round_mode, narrow, k = re.fullmatch(
        r"(\d)_(\d+)_(\d)_(HALF_TO_EVEN|HALF_UP)_(\d)_(\d)", key).groups()
    lo, hi = RANGES[int(k)]
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.quantization.quantize_and_dequantize_v2(x, lo, hi, signed_input=bool(int(signed)),
                                                       num_bits=int(num_bits), range_given=bool(int(range_given)),
                                                       round_mode=round_mode, narrow_range=bool(int(narrow)))
    np.testing.assert_array_equal(y.numpy(), FIXTURE["qdq_" + key])
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), FIXTURE["qdq_" + key + "_grad"])


def _ulps(lo, hi):
    """Two float32 ulps of the range's largest magnitude."""
    return 2 * float(np.spacing(np.float32(max(abs(lo), abs(hi)))))


FAKE_KEYS = [f"_{bits}_{narrow}_{k}" for bits in (8, 4) for narrow in (0, 1) for k in range(len(FAKE_RANGES))]


@pytest.mark.parametrize("key", FAKE_KEYS)
def test_fake_quant_args_matches_tensorflow(key):
    _, bits, narrow, k = key.split("_")
    lo, hi = FAKE_RANGES[int(k)]
    kw = dict(num_bits=int(bits), narrow_range=bool(int(narrow)))
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.quantization.fake_quant_with_min_max_args(x, lo, hi, **kw)
    # TF's kernel fuses multiply-adds: its grid values can differ from pytensor's in the last bit
    np.testing.assert_allclose(y.numpy(), FIXTURE["args" + key], rtol=0, atol=_ulps(lo, hi))
    np.testing.assert_array_equal(tape.gradient(y, x, output_gradients=tf.constant(UPSTREAM)).numpy(),
                                  FIXTURE["args_tape" + key])
    g = tf.quantization.fake_quant_with_min_max_args_gradient(UPSTREAM, X, lo, hi, **kw)
    np.testing.assert_array_equal(g.numpy(), FIXTURE["args_gradient" + key])


@pytest.mark.parametrize("key", FAKE_KEYS)
def test_fake_quant_vars_matches_tensorflow(key):
    _, bits, narrow, k = key.split("_")
    lo, hi = FAKE_RANGES[int(k)]
    kw = dict(num_bits=int(bits), narrow_range=bool(int(narrow)))
    x, mn, mx = tf.constant(X), tf.Variable(lo), tf.Variable(hi)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.quantization.fake_quant_with_min_max_vars(x, mn, mx, **kw)
    # and TF's vars kernel nudges with fused multiply-adds too: an input exactly half a step between two grid values
    # may round to the other one
    got, expected = y.numpy(), FIXTURE["vars" + key]
    off = np.abs(got - expected) > _ulps(lo, hi)
    step = (hi - lo) / ((1 << int(bits)) - 1 - int(narrow))
    assert np.all(np.abs(np.abs(got - expected)[off] - step) < 1e-3 * step), (X[off], got[off], expected[off])
    assert np.all(np.abs(X[off] / step % 1 - 0.5) < 0.1), X[off]  # (the nudged grid holds 0)
    gx, gmin, gmax = tape.gradient(y, [x, mn, mx], output_gradients=tf.constant(UPSTREAM))
    expected = FIXTURE["vars_tape" + key]
    np.testing.assert_array_equal(gx.numpy(), expected[:-2])
    np.testing.assert_allclose([gmin.numpy(), gmax.numpy()], expected[-2:], rtol=1e-5, atol=1e-6)  # sum order
    g = tf.quantization.fake_quant_with_min_max_vars_gradient(UPSTREAM, X, mn, mx, **kw)
    expected = FIXTURE["vars_gradient" + key]
    np.testing.assert_array_equal(g[0].numpy(), expected[:-2])
    np.testing.assert_allclose([g[1].numpy(), g[2].numpy()], expected[-2:], rtol=1e-5, atol=1e-6)


def test_fake_quant_trains_its_range_in_a_traced_step():
    # quantization-aware training: min / max are Variables that an optimizer moves; the step traces
    mn, mx = tf.Variable(-1.0), tf.Variable(1.0)
    x = tf.constant([-3.0, -0.5, 0.2, 2.5])

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(tf.quantization.fake_quant_with_min_max_vars(x, mn, mx))
        return tape.gradient(loss, [mn, mx])

    gmin, gmax = step()
    assert (float(gmin), float(gmax)) == (1.0, 1.0)  # one input below the range, one above


def test_quantized_dtypes_have_tf_properties():
    expected = {"qint8": ("i1", 1), "quint8": ("u1", 1), "qint16": ("<i2", 2), "quint16": ("<u2", 2),
                "qint32": ("<i4", 4)}
    for name, (storage, size) in expected.items():
        d = getattr(tf, name)
        assert d.name == name and str(d) == f"<dtype: '{name}'>"
        assert d.is_quantized and not d.is_integer and not d.is_floating and not d.is_unsigned
        assert d.size == size
        assert d.as_numpy_dtype == np.dtype([(name, storage)])
        assert tf.as_dtype(name) is d and tf.as_dtype(np.dtype([(name, storage)])) is d and d == name
        assert d.base_dtype is d and d.real_dtype is d
        with pytest.raises(TypeError, match="quantized type"):
            d.min
        with pytest.raises(TypeError, match="quantized type"):
            d.max
    assert not tf.int8.is_quantized and not tf.float32.is_quantized
    assert tf.qint8 != tf.int8


def test_bad_arguments_raise_tf_errors():
    with pytest.raises(InvalidArgumentError, match="HALF_TO_EVEN' is only supported for mode 'SCALED'"):
        tf.quantization.quantize(X, -1.0, 1.0, tf.qint8, round_mode="HALF_TO_EVEN")
    with pytest.raises(InvalidArgumentError, match="mode must be"):
        tf.quantization.quantize(X, -1.0, 1.0, tf.qint8, mode="MAX")
    with pytest.raises(TypeError, match="quantize: T must be a quantized dtype"):
        tf.quantization.quantize(X, -1.0, 1.0, tf.float32)
    with pytest.raises(InvalidArgumentError, match="min has to be smaller than max"):
        tf.quantization.fake_quant_with_min_max_args(X, 1.0, 1.0)
    with pytest.raises(InvalidArgumentError, match="num_bits must be between 2 and 16"):
        tf.quantization.fake_quant_with_min_max_args(X, num_bits=17)
    with pytest.raises(TypeError, match="fake_quant_with_min_max_args: inputs must be float32"):
        tf.quantization.fake_quant_with_min_max_args(tf.constant(X.astype(np.float64)))
    with pytest.raises(NotImplementedError, match="per-axis"):
        tf.quantization.quantize(X, -1.0, 1.0, tf.qint8, axis=0)


@pytest.mark.parametrize("key", ["_8_0", "_8_1", "_4_0", "_4_1"])
def test_fake_quant_per_channel_matches_tensorflow(key):
    _, bits, narrow = key.split("_")
    kw = dict(num_bits=int(bits), narrow_range=bool(int(narrow)))
    x2, up2 = X.reshape(56, 4), UPSTREAM.reshape(56, 4)
    mins, maxs = np.array([-6.0, -1.0, 0.1, -3.0], np.float32), np.array([6.0, 2.5, 3.0, -0.5], np.float32)
    x, mn, mx = tf.constant(x2), tf.Variable(mins), tf.Variable(maxs)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.quantization.fake_quant_with_min_max_vars_per_channel(x, mn, mx, **kw)
    np.testing.assert_allclose(y.numpy(), FIXTURE["channel" + key], rtol=0, atol=_ulps(-6.0, 6.0))
    grads = tape.gradient(y, [x, mn, mx], output_gradients=tf.constant(up2))
    expected = FIXTURE["channel_tape" + key]
    np.testing.assert_array_equal(grads[0].numpy().ravel(), expected[:224])
    np.testing.assert_allclose(np.concatenate([grads[1].numpy(), grads[2].numpy()]), expected[224:], rtol=1e-5,
                               atol=1e-6)
    g = tf.quantization.fake_quant_with_min_max_vars_per_channel_gradient(up2, x2, mn, mx, **kw)
    expected = FIXTURE["channel_gradient" + key]
    np.testing.assert_array_equal(g[0].numpy().ravel(), expected[:224])
    np.testing.assert_allclose(np.concatenate([g[1].numpy(), g[2].numpy()]), expected[224:], rtol=1e-5, atol=1e-6)
    with pytest.raises(InvalidArgumentError, match=r"min must have shape \(4,\)"):
        tf.quantization.fake_quant_with_min_max_vars_per_channel(x, mins[:3], maxs[:3])
