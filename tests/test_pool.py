"""Pooling beyond the op_db rows: TF's asymmetric SAME padding, strides, 1-D pooling and rank dispatch,
tie-breaking and NaN in the gradient, max_pool_with_argmax's indices, and the errors, against hand-computed values."""
import numpy as np
import pytest

import pytensor as tf
from pytensor.gradient_tape import GradientTape


def img(rows, dtype="float32"):
    """A (1, H, W, 1) image from a nested list."""
    return tf.constant(np.array(rows, dtype)[None, :, :, None])


def vals(t):
    return t.numpy()[0, :, :, 0]


def grad_of(pool, x, *args, dy=None):
    with GradientTape() as tape:
        tape.watch(x)
        y = pool(x, *args)
    return tape.gradient(y, x, output_gradients=dy)


def test_same_padding_divides_by_in_bounds_count():
    x = img([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    # SAME, k=2, s=2 on 3 rows: 2 outputs, one padded row/column at the end (never at the start).
    np.testing.assert_array_equal(vals(tf.nn.max_pool2d(x, 2, 2, "SAME")), [[5, 6], [8, 9]])
    np.testing.assert_allclose(vals(tf.nn.avg_pool2d(x, 2, 2, "SAME")), [[3, 4.5], [7.5, 9]])


def test_same_padding_is_asymmetric_extra_at_the_end():
    x = tf.constant(np.array([3.0, 1.0, 2.0], np.float32).reshape(1, 3, 1))
    # k=2, s=1: total padding 1, all of it after the last element (TF), so out = [max(3,1), max(1,2), 2].
    np.testing.assert_array_equal(tf.nn.max_pool1d(x, 2, 1, "SAME").numpy().ravel(), [3, 2, 2])
    np.testing.assert_allclose(tf.nn.avg_pool1d(x, 2, 1, "SAME").numpy().ravel(), [2, 1.5, 2])
    # k=3, s=1 on 4x4: one padded row/column on each side; corners average 4 elements.
    x = img(np.arange(16).reshape(4, 4))
    np.testing.assert_allclose(vals(tf.nn.avg_pool2d(x, 3, 1, "SAME"))[0, 0], (0 + 1 + 4 + 5) / 4)
    np.testing.assert_array_equal(vals(tf.nn.max_pool2d(x, [1, 3, 3, 1], [1, 1, 1, 1], "SAME")),
                                  np.arange(16).reshape(4, 4)[[1, 2, 3, 3]][:, [1, 2, 3, 3]])


def test_strides_and_window_shapes():
    x = tf.constant(np.arange(7, dtype=np.float64).reshape(1, 7, 1))
    np.testing.assert_array_equal(tf.nn.max_pool1d(x, 3, 2, "VALID").numpy().ravel(), [2, 4, 6])
    np.testing.assert_array_equal(tf.nn.avg_pool1d(x, [1, 3, 1], [2], "VALID").numpy().ravel(), [1, 3, 5])
    x = img(np.arange(20).reshape(4, 5))
    np.testing.assert_array_equal(vals(tf.nn.max_pool2d(x, [2, 3], [2, 1], "VALID")), [[7, 8, 9], [17, 18, 19]])
    # strides larger than the window skip elements.
    np.testing.assert_array_equal(vals(tf.nn.max_pool2d(x, 1, 3, "VALID")), [[0, 3], [15, 18]])


def test_rank_dispatch_and_channels():
    rng = np.random.default_rng(0)
    x3 = rng.standard_normal((2, 9, 3)).astype(np.float32)
    x4 = rng.standard_normal((2, 6, 6, 3)).astype(np.float32)
    np.testing.assert_array_equal(tf.nn.max_pool(x3, 2, 2, "VALID").numpy(),
                                  tf.nn.max_pool1d(x3, 2, 2, "VALID").numpy())
    np.testing.assert_array_equal(tf.nn.avg_pool(x4, 3, 2, "SAME").numpy(), tf.nn.avg_pool2d(x4, 3, 2, "SAME").numpy())
    # channels pool independently
    want = x4.reshape(2, 3, 2, 3, 2, 3).max(axis=(2, 4))
    np.testing.assert_array_equal(tf.nn.max_pool2d(x4, 2, 2, "VALID").numpy(), want)
    # 5-D inputs pool in 3-D (tests/keras/test_3d_layers.py compares max_pool3d with TensorFlow)
    x5 = rng.standard_normal((1, 2, 4, 4, 2)).astype(np.float32)
    np.testing.assert_array_equal(tf.nn.max_pool(x5, 2, 2, "VALID").numpy(),
                                  x5.reshape(1, 1, 2, 2, 2, 2, 2, 2).max(axis=(2, 4, 6)))
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"max_pool.*3-D \(NWC\), 4-D \(NHWC\) or 5-D"):
        tf.nn.max_pool(np.zeros((1, 2, 2, 2, 2, 1), np.float32), 2, 2, "VALID")


def test_ties_send_the_gradient_to_the_first_maximum():
    x = img([[1, 1], [1, 1]], "float64")
    np.testing.assert_array_equal(vals(grad_of(tf.nn.max_pool2d, x, 2, 2, "VALID")), [[1, 0], [0, 0]])
    # overlapping windows, all equal: each window picks its own first element.
    x = img([[2, 2, 2]], "float64")
    np.testing.assert_array_equal(vals(grad_of(tf.nn.max_pool2d, x, [1, 2], 1, "VALID")), [[1, 1, 0]])
    # an element that is the maximum of two windows collects both gradients.
    x = img([[0, 5, 1]], "float64")
    dy = img([[2, 3]], "float64")
    np.testing.assert_array_equal(vals(grad_of(tf.nn.max_pool2d, x, [1, 2], 1, "VALID", dy=dy)), [[0, 5, 0]])


def test_nan_propagates_forward_and_takes_the_gradient():
    x = img([[1, np.nan], [3, 2]], "float64")
    assert np.isnan(vals(tf.nn.max_pool2d(x, 2, 2, "VALID"))[0, 0])
    assert np.isnan(vals(tf.nn.avg_pool2d(x, 2, 2, "VALID"))[0, 0])
    np.testing.assert_array_equal(vals(grad_of(tf.nn.max_pool2d, x, 2, 2, "VALID")), [[0, 1], [0, 0]])
    # a NaN in dy of another window does not leak into this one (the backward selects, never multiplies).
    x = img([[1, 2, 4, 3]], "float64")
    dy = img([[np.nan, 1.0]], "float64")
    g = vals(grad_of(tf.nn.max_pool2d, x, [1, 2], 2, "VALID", dy=dy))
    np.testing.assert_array_equal(g[0, 2:], [1, 0])


def test_avg_gradient_spreads_over_in_bounds_elements():
    x = img([[1, 2, 3], [4, 5, 6], [7, 8, 9]], "float64")
    g = vals(grad_of(tf.nn.avg_pool2d, x, 2, 2, "SAME"))
    np.testing.assert_allclose(g, [[0.25, 0.25, 0.5], [0.25, 0.25, 0.5], [0.5, 0.5, 1.0]])


def test_second_gradient_of_max_pool_routes_through_argmax():
    x = img([[0, 5, 1, 7]], "float64")
    dy = img([[2, 3]], "float64")
    v = img([[10, 20, 30, 40]], "float64")
    with GradientTape() as outer:
        outer.watch(dy)
        with GradientTape() as inner:
            inner.watch(x)
            y = tf.nn.max_pool2d(x, [1, 2], 2, "VALID")
        g = inner.gradient(y, x, output_gradients=dy)
        s = tf.reduce_sum(g * v)
    # d<g, v>/d dy reads v at each window's argmax (positions 1 and 3).
    np.testing.assert_array_equal(vals(outer.gradient(s, dy)), [[20, 40]])


def test_max_pool_with_argmax_indices():
    x = np.zeros((2, 2, 4, 3), np.float32)
    x[1, 1, 2, 2] = 5.0  # image 1, row 1, column 2, channel 2
    y, arg = tf.nn.max_pool_with_argmax(x, 2, 2, "VALID")
    assert arg.dtype == tf.int64
    assert y.numpy()[1, 0, 1, 2] == 5.0
    assert arg.numpy()[1, 0, 1, 2] == (1 * 4 + 2) * 3 + 2  # (y * W + x) * C + c
    _, arg_b = tf.nn.max_pool_with_argmax(x, 2, 2, "VALID", include_batch_in_index=True)
    assert arg_b.numpy()[1, 0, 1, 2] == 1 * 2 * 4 * 3 + (1 * 4 + 2) * 3 + 2


def test_conv2d_max_pool_matches_the_two_ops_and_their_gradients():
    # The fused kernels pool the convolution's lines in cache and take the gradients at each window's argmax:
    # values are the two ops' exactly; the gradients sum the same products in another order.
    rng = np.random.default_rng(2)
    x = tf.Variable(rng.standard_normal((9, 28, 27, 2)))
    w = tf.Variable(rng.standard_normal((3, 3, 2, 8)))
    with GradientTape(persistent=True) as tape:
        fused = tf._core.conv2d_max_pool(x, w, 1, "VALID", 1, 2, 2, "VALID")
        separate = tf.nn.max_pool2d(tf.nn.conv2d(x, w, 1, "VALID"), 2, 2, "VALID")
        weights = tf.constant(rng.standard_normal(fused.shape))
        fused_loss, separate_loss = tf.reduce_sum(fused * weights), tf.reduce_sum(separate * weights)
    np.testing.assert_array_equal(fused.numpy(), separate.numpy())
    (gx, gw), (want_gx, want_gw) = tape.gradient(fused_loss, [x, w]), tape.gradient(separate_loss, [x, w])
    np.testing.assert_allclose(gx.numpy(), want_gx.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(gw.numpy(), want_gw.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("dtype, tol", [("float32", 2e-5), ("float64", 1e-12)])
@pytest.mark.parametrize("padding, dilation", [("VALID", 1), ("SAME", 1), ("SAME", 2)])
def test_conv2d_max_pool_gradients_at_the_argmax_match_the_two_ops(dtype, tol, padding, dilation):
    # 2x2 / 2 pooling of 16 channels keeps a quarter of the convolution's outputs: both gradients are summed per
    # pooled element at its argmax (SAME on a padded copy; dilation 2 in runs of single taps), never through the
    # convolution's whole output gradient.
    rng = np.random.default_rng(3)
    x = tf.Variable(rng.standard_normal((3, 11, 10, 16)).astype(dtype))
    w = tf.Variable((0.2 * rng.standard_normal((3, 3, 16, 8))).astype(dtype))
    with GradientTape(persistent=True) as tape:
        fused = tf._core.conv2d_max_pool(x, w, 1, padding, dilation, 2, 2, "VALID")
        separate = tf.nn.max_pool2d(tf.nn.conv2d(x, w, 1, padding, dilations=dilation), 2, 2, "VALID")
        weights = tf.constant(rng.standard_normal(fused.shape).astype(dtype))
        fused_loss, separate_loss = tf.reduce_sum(fused * weights), tf.reduce_sum(separate * weights)
    np.testing.assert_array_equal(fused.numpy(), separate.numpy())
    for got, want in zip(tape.gradient(fused_loss, [x, w]), tape.gradient(separate_loss, [x, w])):
        want = want.numpy()
        np.testing.assert_allclose(got.numpy(), want, rtol=tol, atol=tol * np.abs(want).max())


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("padding, stride, dilation, channels_out", [
    ("VALID", 1, 1, 5), ("SAME", 1, 1, 20), ("SAME", 2, 1, 16), ("VALID", 1, 2, 12), ("SAME", 1, 2, 3)])
def test_conv2d_max_pool_2x2_in_registers(dtype, padding, stride, dilation, channels_out):
    # Few input channels and 2x2 / 2 pooling: each window's four outputs are computed and pooled in registers, and
    # the filter gradient masks each output line's gradient at the argmax. Taps in the padding read zeros; channel
    # counts off the vector width take the tails.
    rng = np.random.default_rng(7)
    x = tf.Variable(rng.standard_normal((3, 13, 12, 3)).astype(dtype))
    w = tf.Variable(rng.standard_normal((3, 3, 3, channels_out)).astype(dtype))
    with GradientTape(persistent=True) as tape:
        fused = tf._core.conv2d_max_pool(x, w, stride, padding, dilation, 2, 2, "VALID")
        separate = tf.nn.max_pool2d(tf.nn.conv2d(x, w, stride, padding, dilations=dilation), 2, 2, "VALID")
        weights = tf.constant(rng.standard_normal(fused.shape).astype(dtype))
        fused_loss, separate_loss = tf.reduce_sum(fused * weights), tf.reduce_sum(separate * weights)
    np.testing.assert_array_equal(fused.numpy(), separate.numpy())
    tol = 1e-5 if dtype == "float32" else 1e-12
    for got, want in zip(tape.gradient(fused_loss, [x, w]), tape.gradient(separate_loss, [x, w])):
        want = want.numpy()
        np.testing.assert_allclose(got.numpy(), want, rtol=tol, atol=tol * np.abs(want).max())


@pytest.mark.parametrize("height, width, pool, exact", [(13, 13, 2, True), (11, 10, 2, True), (11, 10, 3, False)])
def test_conv2d_max_pool_by_winograd(height, width, pool, exact):
    # Winograd convolutions (float32, 16 channels in and out). Under 2x2 / 2 pooling each tile's outputs are pooled
    # in cache, the same values as the two ops (11 x 10 -> 9 x 8 outputs: the 9th row is no window's). Under 2x2 / 3
    # the windows read 8 x 8 of the 9 x 8 outputs: 4 tiles instead of 6, so only the read part is convolved. The
    # argmax indexes the whole output every time.
    rng = np.random.default_rng(6)
    x = tf.Variable(rng.standard_normal((2, height, width, 16)).astype(np.float32))
    w = tf.Variable((0.2 * rng.standard_normal((3, 3, 16, 16))).astype(np.float32))
    with GradientTape(persistent=True) as tape:
        fused = tf._core.conv2d_max_pool(x, w, 1, "VALID", 1, 2, pool, "VALID")
        separate = tf.nn.max_pool2d(tf.nn.conv2d(x, w, 1, "VALID"), 2, pool, "VALID")
        weights = tf.constant(rng.standard_normal(fused.shape).astype(np.float32))
        fused_loss, separate_loss = tf.reduce_sum(fused * weights), tf.reduce_sum(separate * weights)
    if exact:
        np.testing.assert_array_equal(fused.numpy(), separate.numpy())
    else:  # the cropped input's tiles sit alike, but Winograd's GEMMs block their rows by the tile count
        np.testing.assert_allclose(fused.numpy(), separate.numpy(), rtol=1e-5, atol=1e-5)
    for got, want in zip(tape.gradient(fused_loss, [x, w]), tape.gradient(separate_loss, [x, w])):
        want = want.numpy()
        np.testing.assert_allclose(got.numpy(), want, rtol=2e-5, atol=2e-5 * np.abs(want).max())


def test_result_does_not_depend_on_thread_count():
    # The fused op twice: 2 channels (the direct kernels) and 16 (both gradients at the argmax, SAME padding).
    x = np.random.default_rng(1).standard_normal((8, 30, 30, 16)).astype(np.float32)
    x_16 = np.random.default_rng(4).standard_normal((9, 12, 12, 16)).astype(np.float32)
    w_16 = np.random.default_rng(5).standard_normal((3, 3, 16, 32)).astype(np.float32)
    before = tf._core.get_num_threads()
    outs = []
    try:
        for n in (1, 2):
            tf._core.set_num_threads(n)
            xt, x16 = tf.constant(x), tf.Variable(x_16)
            w, w16 = tf.Variable(x[:3, :3, :2, :8]), tf.Variable(w_16)
            with GradientTape(persistent=True) as tape:
                fused = tf._core.conv2d_max_pool(x[..., :2], w, 1, "VALID", 1, 2, 2, "VALID")
                fused16 = tf._core.conv2d_max_pool(x16, w16, 1, "SAME", 1, 2, 2, "VALID")
            outs.append((tf.nn.avg_pool2d(x, 3, 2, "SAME").numpy(),
                         grad_of(tf.nn.max_pool2d, xt, 3, 2, "SAME").numpy(), fused.numpy(),
                         tape.gradient(fused, w).numpy(), *(g.numpy() for g in tape.gradient(fused16, [x16, w16]))))
    finally:
        tf._core.set_num_threads(before)
    for a, b in zip(*outs):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("call, error, match", [
    (lambda: tf.nn.max_pool2d(np.zeros((4, 4, 1), np.float32), 2, 2, "VALID"), tf.errors.InvalidArgumentError,
     r"max_pool2d: input must be 4-D.*\(4, 4, 1\)"),
    (lambda: tf.nn.avg_pool2d(np.zeros((1, 2, 5, 1), np.float32), 3, 1, "VALID"), tf.errors.InvalidArgumentError,
     r"avg_pool2d: the 3x3 window is larger than the 2x5 input.*SAME"),
    (lambda: tf.nn.max_pool2d(np.zeros((1, 4, 4, 1), np.float32), 0, 1, "VALID"), tf.errors.InvalidArgumentError,
     r"max_pool2d: ksize must be positive"),
    (lambda: tf.nn.avg_pool2d(np.zeros((1, 4, 4, 1), np.float32), 2, [1, -1], "SAME"), tf.errors.InvalidArgumentError,
     r"avg_pool2d: strides must be positive"),
    (lambda: tf.nn.max_pool2d(np.zeros((1, 4, 4, 1), np.float32), [2, 2, 2, 1], 1, "VALID"),
     tf.errors.InvalidArgumentError, r"batch or channel"),
    (lambda: tf.nn.max_pool2d(np.zeros((1, 4, 4, 1), np.float32), 2, 2, "same"), tf.errors.InvalidArgumentError,
     r"padding must be 'VALID' or 'SAME'"),
    (lambda: tf.nn.max_pool2d(np.zeros((1, 1, 4, 4), np.float32), 2, 2, "VALID", "NCHW"), tf.errors.UnimplementedError,
     r"NCHW"),
    (lambda: tf.nn.max_pool1d(np.zeros((1, 4, 4, 1), np.float32), 2, 2, "VALID"), tf.errors.InvalidArgumentError,
     r"max_pool1d: input must be 3-D"),
    (lambda: tf.nn.avg_pool2d(np.zeros((1, 4, 4, 1), np.int32), 2, 2, "VALID"), TypeError, r"avg_pool2d.*int32"),
    (lambda: tf._core.conv2d_max_pool(np.zeros((1, 8, 8, 2), np.float32), np.zeros((3, 3, 1, 4), np.float32), 1,
                                      "VALID", 1, 2, 2, "VALID"), tf.errors.InvalidArgumentError,
     r"conv2d_max_pool: input channels 2 .* do not match the filters' in_channels 1"),
    (lambda: tf._core.conv2d_max_pool(np.zeros((1, 4, 4, 1), np.float32), np.zeros((3, 3, 1, 4), np.float32), 1,
                                      "VALID", 1, 3, 1, "VALID"), tf.errors.InvalidArgumentError,
     r"conv2d_max_pool: the 3x3 window is larger than the 2x2 input"),
    (lambda: tf._core.conv2d_max_pool_backprop_filter(  # overlapping windows: the argmax is scattered, so checked
        np.zeros((1, 6, 6, 1), np.float32), (3, 3, 1, 2), np.ones((1, 2, 2, 2), np.float32),
        np.full((1, 2, 2, 2), 10**6, np.int32), 1, "VALID", 1, 3, 1, "VALID"), tf.errors.InvalidArgumentError,
     r"conv2d_max_pool_backprop_filter: argmax holds indices outside their pooling windows"),
    (lambda: tf._core.conv2d_max_pool_backprop_input(
        (1, 6, 6, 8), np.zeros((3, 3, 8, 4), np.float32), np.ones((1, 2, 2, 4), np.float32),
        np.zeros((1, 2, 2, 4), np.int64), 1, "VALID", 1, 2, 2, "VALID"), TypeError,
     r"conv2d_max_pool_backprop_input: got dtype int64, expected int32 for argmax"),
    (lambda: tf._core.conv2d_max_pool_backprop_input(
        (1, 6, 6, 8), np.zeros((3, 3, 8, 4), np.float32), np.ones((1, 2, 2, 4), np.float32),
        np.zeros((1, 2, 3, 4), np.int32), 1, "VALID", 1, 2, 2, "VALID"), tf.errors.InvalidArgumentError,
     r"conv2d_max_pool_backprop_input: argmax has shape \(1, 2, 3, 4\) but the pooling output has \(1, 2, 2, 4\)"),
    (lambda: tf._core.conv2d_max_pool_backprop_input(
        (1, 6, 6, 8), np.zeros((3, 3, 8, 4), np.float32), np.ones((1, 2, 2, 4), np.float64),
        np.zeros((1, 2, 2, 4), np.int32), 1, "VALID", 1, 2, 2, "VALID"), TypeError,
     r"conv2d_max_pool_backprop_input: filters \(float32\) and out_backprop \(float64\) must have one dtype"),
])
def test_errors_name_the_op_and_the_fix(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_variable_input_trains():
    """Gradient descent through max and average pooling of a Variable lowers a squared error."""
    rng = np.random.default_rng(0)
    v = tf.Variable(rng.standard_normal((2, 6, 6, 3)))
    target = tf.constant(rng.standard_normal((2, 3, 3, 3)))
    losses = []
    for _ in range(20):
        with GradientTape() as tape:
            y = tf.nn.max_pool2d(v, 2, 2, "VALID") + tf.nn.avg_pool2d(v, 3, 2, "SAME")
            loss = tf.reduce_mean(tf.square(y - target))
        v.assign_sub(5.0 * tape.gradient(loss, v))
        losses.append(float(loss.numpy()))
    assert losses[-1] < 0.1 * losses[0]
