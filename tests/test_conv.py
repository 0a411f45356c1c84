"""tf.nn convolutions beyond the generic op_db checks: TF's padding rules on hand-computed values, strides,
dilations, conv1d, conv2d_transpose, error messages, thread-count independence and a small fit."""
import os

import numpy as np
import pytest

import pytensor as tf
from op_db import ref_conv2d
from op_db.conv import ref_conv2d_backprop_filter, ref_conv2d_backprop_input


def _x1d(values):
    return tf.constant(np.asarray(values, np.float32).reshape(1, -1, 1))


def _w1d(values):
    return tf.constant(np.asarray(values, np.float32).reshape(-1, 1, 1))


def test_same_padding_puts_the_extra_pad_at_the_end():
    # width 4, filter 4, stride 1: 3 pads, TF puts 1 before and 2 after -> [0, 1, 2, 3, 4, 0, 0].
    y = tf.nn.conv1d(_x1d([1, 2, 3, 4]), _w1d([1, 1, 1, 1]), stride=1, padding="SAME")
    np.testing.assert_array_equal(y.numpy().ravel(), [6, 10, 9, 7])


def test_same_padding_with_stride_2d():
    # 5x5, 2x2 filter, stride 2: output 3x3, one pad row/column, at the bottom/right only.
    x = tf.constant(np.arange(25, dtype=np.float32).reshape(1, 5, 5, 1))
    y = tf.nn.conv2d(x, tf.ones((2, 2, 1, 1)), strides=2, padding="SAME").numpy()[0, :, :, 0]
    assert y.shape == (3, 3)
    assert y[0, 0] == 0 + 1 + 5 + 6
    assert y[0, 2] == 4 + 9
    assert y[2, 2] == 24


def test_strides_and_dilations_1d():
    x = _x1d(np.arange(7))
    np.testing.assert_array_equal(tf.nn.conv1d(x, _w1d([1, 2]), stride=3, padding="VALID").numpy().ravel(), [2, 11])
    np.testing.assert_array_equal(tf.nn.conv1d(x, _w1d([1, 1]), stride=[1, 1, 1], padding="VALID",
                                               dilations=2).numpy().ravel(), [2, 4, 6, 8, 10])


def test_explicit_padding_matches_manual_pad():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 5, 6, 3)).astype(np.float32)
    w = rng.standard_normal((3, 2, 3, 4)).astype(np.float32)
    y = tf.nn.conv2d(x, w, strides=[1, 2, 1, 1], padding=[[0, 0], [2, 1], [0, 3], [0, 0]])
    want = ref_conv2d(np.pad(x, ((0, 0), (2, 1), (0, 3), (0, 0))), w, [1, 2, 1, 1], "VALID")
    np.testing.assert_allclose(y.numpy(), want, rtol=1e-5, atol=1e-5)


def test_explicit_as_a_padding_string_is_rejected_as_in_tf():
    # TF: "'EXPLICIT' is not a valid value for `padding`. To use explicit padding, `padding` must be a list."
    # (the string belongs to the raw op beside explicit_paddings); it used to run as zero padding.
    x, w = tf.ones((1, 3, 3, 1)), tf.ones((2, 2, 1, 1))
    with pytest.raises(ValueError, match="'EXPLICIT' is not a valid value for padding.*explicit_paddings"):
        tf.nn.conv2d(x, w, 1, "EXPLICIT")
    with pytest.raises(ValueError, match="'EXPLICIT'"):
        tf.keras.layers.Conv2D(1, 2, padding="EXPLICIT")(x)


def test_conv2d_transpose_hand_values():
    # Forward conv 4x4 -> 2x2 (3x3 filter, stride 2, SAME: pad 0 before, 1 after); its transpose of ones
    # counts how many windows cover each input pixel: rows/columns covered [1, 1, 2, 1].
    y = tf.nn.conv2d_transpose(tf.ones((1, 2, 2, 1)), tf.ones((3, 3, 1, 1)), output_shape=[1, 4, 4, 1], strides=2)
    cover = np.array([1, 1, 2, 1], np.float32)
    np.testing.assert_array_equal(y.numpy()[0, :, :, 0], np.outer(cover, cover))


def test_conv2d_transpose_is_the_adjoint_of_conv2d():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 9, 8, 3))
    w = rng.standard_normal((3, 3, 3, 5))
    y = rng.standard_normal((2, 5, 4, 5))
    lhs = np.sum(tf.nn.conv2d(x, w, strides=2, padding="SAME", dilations=None).numpy() * y)
    rhs = np.sum(x * tf.nn.conv2d_transpose(y, w, output_shape=x.shape, strides=2, padding="SAME").numpy())
    np.testing.assert_allclose(lhs, rhs, rtol=1e-10)


def test_conv1d_gradient_matches_finite_differences():
    rng = np.random.default_rng(2)
    x = tf.constant(rng.standard_normal((2, 9, 3)))
    w = tf.Variable(rng.standard_normal((3, 3, 2)))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.square(tf.nn.conv1d(x, w, stride=2, padding="SAME")))
    g = tape.gradient(loss, w).numpy()

    def f(wv):
        return np.sum(tf.nn.conv1d(x, tf.constant(wv), stride=2, padding="SAME").numpy() ** 2)

    w0, eps, num = w.numpy(), 1e-6, np.zeros_like(g)
    for i in np.ndindex(w0.shape):
        d = np.zeros_like(w0)
        d[i] = eps
        num[i] = (f(w0 + d) - f(w0 - d)) / (2 * eps)
    np.testing.assert_allclose(g, num, rtol=1e-6, atol=1e-6)


# 3x3 stride-1 float32 convolutions with >= 16 channels each way (forward and both gradients) run through Winograd
# F(4x4, 3x3); its transforms err by a few 1e-6 of the result's scale, so it is checked against float64 at that scale.
WINOGRAD_CASES = [((2, 13, 13, 32), (3, 3, 32, 64), "VALID"), ((3, 9, 7, 16), (3, 3, 16, 20), "SAME"),
                  ((1, 30, 31, 24), (3, 3, 24, 17), "VALID"), ((2, 4, 5, 16), (3, 3, 16, 16), "SAME"),
                  ((1, 6, 6, 19), (3, 3, 19, 33), [[0, 0], [2, 0], [1, 2], [0, 0]]),
                  ((70, 16, 16, 16), (3, 3, 16, 24), "VALID")]  # 1120 tiles: filter-gradient parts of several items


def _scale_close(got, want, scale):
    np.testing.assert_allclose(got, want, rtol=0, atol=scale * float(np.abs(want).max()))


@pytest.mark.parametrize("xs,ws,padding", WINOGRAD_CASES)
def test_winograd_forward_and_gradients_match_float64(xs, ws, padding):
    rng = np.random.default_rng(7)
    x, w = rng.standard_normal(xs), rng.standard_normal(ws)
    want = tf.nn.conv2d(x, w, 1, padding).numpy()  # float64: the direct kernels
    got = tf.nn.conv2d(x.astype(np.float32), w.astype(np.float32), 1, padding).numpy()
    _scale_close(got, want, 2e-5)
    dy = rng.standard_normal(want.shape)
    want_dx = tf.nn.conv2d_backprop_input(xs, w, dy, 1, padding).numpy()
    got_dx = tf.nn.conv2d_backprop_input(xs, w.astype(np.float32), dy.astype(np.float32), 1, padding).numpy()
    _scale_close(got_dx, want_dx, 2e-5)
    want_dw = tf.nn.conv2d_backprop_filter(x, ws, dy, 1, padding).numpy()
    got_dw = tf.nn.conv2d_backprop_filter(x.astype(np.float32), ws, dy.astype(np.float32), 1, padding).numpy()
    _scale_close(got_dw, want_dw, 2e-5)


def test_winograd_propagates_nan_and_inf_to_the_outputs_it_touches():
    x = np.zeros((1, 8, 8, 16), np.float32)
    x[0, 2, 2, 3] = np.nan
    x[0, 6, 6, 0] = np.inf
    y = tf.nn.conv2d(x, np.ones((3, 3, 16, 16), np.float32), 1, "VALID").numpy()[0, :, :, 0]
    # The NaN input reaches the outputs whose windows cover it (rows and columns 0-2) and, through the transform
    # of its tile, may reach the rest of that 4x4 tile; nothing outside the two tiles becomes NaN.
    assert np.isnan(y[:3, :3]).all()
    assert not np.isnan(y[4:, :4]).any() and not np.isnan(y[:4, 4:]).any()
    assert not np.isfinite(y[4:, 4:]).all()


# Few output channels from many taps (7x7 -> 1 channel, as a GAN generator's last layer): the tap-product kernels.
TAP_PRODUCT_CASES = [((3, 28, 28, 16), (7, 7, 16, 1), "SAME", 1), ((2, 11, 9, 8), (5, 5, 8, 2), "VALID", 1),
                     ((2, 12, 10, 6), (3, 4, 6, 3), "SAME", 2),
                     ((1, 9, 8, 40), (2, 2, 40, 1), [[0, 0], [2, 0], [1, 3], [0, 0]], 1)]


@pytest.mark.parametrize("xs,ws,padding,dilation", TAP_PRODUCT_CASES)
@pytest.mark.parametrize("dtype,tol", [(np.float32, 2e-5), (np.float64, 1e-12)])
def test_few_output_channels_forward_and_gradients_match_numpy(xs, ws, padding, dilation, dtype, tol):
    rng = np.random.default_rng(11)
    x, w = rng.standard_normal(xs), rng.standard_normal(ws)
    want = ref_conv2d(x, w, 1, padding, dilation)
    _scale_close(tf.nn.conv2d(x.astype(dtype), w.astype(dtype), 1, padding, dilations=dilation).numpy(), want, tol)
    dy = rng.standard_normal(want.shape)
    got_dx = tf.nn.conv2d_backprop_input(xs, w.astype(dtype), dy.astype(dtype), 1, padding, dilations=dilation)
    _scale_close(got_dx.numpy(), ref_conv2d_backprop_input(xs, w, dy, 1, padding, dilation), tol)
    got_dw = tf.nn.conv2d_backprop_filter(x.astype(dtype), ws, dy.astype(dtype), 1, padding, dilations=dilation)
    _scale_close(got_dw.numpy(), ref_conv2d_backprop_filter(x, ws, dy, 1, padding, dilation), tol)


@pytest.mark.parametrize("threads", [1, 2])
def test_results_do_not_depend_on_thread_count(threads):
    rng = np.random.default_rng(3)
    x = tf.constant(rng.standard_normal((32, 16, 16, 16)).astype(np.float32))  # 16 -> 16 channels: Winograd too
    w = tf.constant(rng.standard_normal((3, 3, 16, 16)).astype(np.float32))
    dy = tf.constant(rng.standard_normal((32, 14, 14, 16)).astype(np.float32))
    w5 = tf.constant(rng.standard_normal((5, 5, 16, 8)).astype(np.float32))  # strided 5x5: the im2col kernels
    dy5 = tf.constant(rng.standard_normal((32, 8, 8, 8)).astype(np.float32))
    w7 = tf.constant(rng.standard_normal((7, 7, 16, 1)).astype(np.float32))  # one output channel: tap products
    dy7 = tf.constant(rng.standard_normal((32, 16, 16, 1)).astype(np.float32))
    old = tf.config.threading.get_intra_op_parallelism_threads()

    def run():
        return [tf.nn.conv2d(x, w, 1, "VALID").numpy(),
                tf.nn.conv2d_backprop_filter(x, w.shape, dy, 1, "VALID").numpy(),
                tf.nn.conv2d_backprop_input(x.shape, w, dy, 1, "VALID").numpy(),
                tf.nn.conv2d(x, w5, 2, "SAME").numpy(),
                tf.nn.conv2d_backprop_filter(x, w5.shape, dy5, 2, "SAME").numpy(),
                tf.nn.conv2d_backprop_input(x.shape, w5, dy5, 2, "SAME").numpy(),
                tf.nn.conv2d(x, w7, 1, "SAME").numpy(),
                tf.nn.conv2d_backprop_filter(x, w7.shape, dy7, 1, "SAME").numpy(),
                tf.nn.conv2d_backprop_input(x.shape, w7, dy7, 1, "SAME").numpy()]
    try:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        got = run()
        tf.config.threading.set_intra_op_parallelism_threads(1 if threads == 2 else 2)
        other = run()
    finally:
        tf.config.threading.set_intra_op_parallelism_threads(old)
    for a, b in zip(got, other):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("call,words", [
    (lambda: tf.nn.conv2d(tf.ones((5, 5, 1)), tf.ones((3, 3, 1, 1)), 1, "VALID"),
     ["conv2d", "rank 4", "(5, 5, 1)", "expand_dims"]),
    (lambda: tf.nn.conv2d(tf.ones((1, 5, 5, 2)), tf.ones((3, 3, 3, 4)), 1, "VALID"),
     ["conv2d", "channels 2", "(1, 5, 5, 2)", "(3, 3, 3, 4)", "(height, width, 2, out_channels)"]),
    (lambda: tf.nn.conv2d(tf.ones((1, 5, 5, 1)), tf.ones((3, 3, 1, 1)), 0, "VALID"),
     ["conv2d", "strides must be positive"]),
    (lambda: tf.nn.conv2d(tf.ones((1, 2, 5, 1)), tf.ones((3, 3, 1, 1)), 1, "VALID"),
     ["conv2d", "output height", "(1, 2, 5, 1)", "(3, 3, 1, 1)", "SAME"]),
    (lambda: tf.nn.conv2d(tf.ones((1, 5, 5, 1)), tf.ones((3, 3, 1, 1)), 1, "valid"),
     ["conv2d", "padding must be 'VALID', 'SAME'"]),
    (lambda: tf.nn.conv1d(tf.ones((1, 5)), tf.ones((2, 1, 1)), 1, "VALID"), ["conv1d", "rank 3"]),
])
def test_errors_name_op_shapes_and_fix(call, words):
    with pytest.raises(ValueError) as info:
        call()
    for word in words:
        assert word in str(info.value), f"{word!r} missing from: {info.value}"


def test_nchw_is_refused_with_the_fix():
    with pytest.raises(Exception, match="NHWC") as info:
        tf.nn.conv2d(tf.ones((1, 1, 5, 5)), tf.ones((3, 3, 1, 1)), 1, "VALID", data_format="NCHW")
    assert "transpose" in str(info.value)


def test_dtype_mismatch_is_a_type_error():
    with pytest.raises(TypeError, match="conv2d.*float64.*float32"):
        tf.nn.conv2d(tf.ones((1, 5, 5, 1), dtype=tf.float64), tf.ones((3, 3, 1, 1)), 1, "VALID")


def test_learning_a_filter_makes_the_loss_fall():
    rng = np.random.default_rng(4)
    x = tf.constant(rng.standard_normal((8, 10, 10, 2)).astype(np.float32))
    target = tf.nn.conv2d(x, tf.constant(rng.standard_normal((3, 3, 2, 3)).astype(np.float32)), 1, "SAME")
    w = tf.Variable(np.zeros((3, 3, 2, 3), np.float32))
    losses = []
    for _ in range(30):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(tf.nn.conv2d(x, w, 1, "SAME") - target))
        w.assign_sub(0.1 * tape.gradient(loss, w))
        losses.append(float(loss.numpy()))
    assert losses[-1] < 0.05 * losses[0]


def test_dilation2d_matches_tensorflow():
    # Values and gradients recorded from TF 2.21 (tests/fixtures/make_dilation2d.py): SAME padding whose windows
    # overhang the input, strides (2, 1) and dilations (2, 2).
    d = np.load(os.path.join(os.path.dirname(__file__), "fixtures", "dilation2d.npz"))
    x, w = tf.constant(d["x"]), tf.constant(d["w"])
    with tf.GradientTape() as tape:
        tape.watch([x, w])
        y = tf.nn.dilation2d(x, w, [1, 2, 1, 1], "SAME", "NHWC", [1, 2, 2, 1])
        loss = tf.reduce_sum(y * y)
    gx, gw = tape.gradient(loss, [x, w])
    np.testing.assert_allclose(y.numpy(), d["y"], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(gx.numpy(), d["gx"], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(gw.numpy(), d["gw"], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("call,error,pattern", [
    (lambda: tf.nn.dilation2d(np.zeros((1, 4, 4, 2), np.float32), np.zeros((2, 2, 3), np.float32), 1, "VALID"),
     tf.errors.InvalidArgumentError, r"dilation2d: filters must be \(height, width, 2\)"),
    (lambda: tf.nn.dilation2d(np.zeros((1, 4, 4, 1), np.float32), np.zeros((2, 2, 1), np.float32), 1, "SAMEE"),
     tf.errors.InvalidArgumentError, r"dilation2d: padding must be 'VALID', 'SAME'"),
    (lambda: tf.nn.dilation2d(np.zeros((1, 4, 4, 1), np.float32), np.zeros((2, 2, 1), np.float32), [1, 1, 1], "SAME"),
     tf.errors.InvalidArgumentError, r"dilation2d: strides must be an int or a list of 1, 2 or 4 ints"),
])
def test_dilation2d_bad_input(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()
