"""Pooling, the pooling gradients and the fused conv2d + max-pool with its gradients."""
from __future__ import annotations

import numpy as np

import pytensor as pt

from .common import BOOL, FLOATS, INTS, NUMERIC, OpInfo, SampleInput, make
from .conv import ref_conv2d, ref_conv2d_backprop_filter, ref_conv2d_backprop_input


# (shape, layout, ksize, strides, padding): VALID and TF's asymmetric SAME, overlapping windows, strides larger
# than the window, 4-element NHWC ksize, empty, non-contiguous views and one input large enough to run in parallel.
POOL_CASES = [
    ((2, 6, 6, 3), "contiguous", 2, 2, "VALID"),
    ((1, 5, 7, 2), "contiguous", [3, 2], [2, 1], "SAME"),
    ((1, 4, 5, 1), "contiguous", [1, 3, 3, 1], [1, 1, 1, 1], "SAME"),
    ((2, 7, 6, 3), "strided", 3, [2, 3], "VALID"),
    ((1, 7, 7, 2), "transposed", 2, 3, "SAME"),
    ((2, 5, 4, 2), "reversed", [2, 3], 1, "VALID"),
    ((2, 7, 9, 3), "contiguous", 2, [3, 2], "VALID"),  # disjoint windows; rows 2, 5, 6 and column 8 unreached
    ((0, 4, 4, 2), "contiguous", 2, 2, "VALID"),
    ((4, 40, 40, 16), "contiguous", 2, 2, "VALID"),
]


def _pool_pair(v):
    v = [v] if isinstance(v, int) else list(v)
    return (v[0], v[0]) if len(v) == 1 else (v[0], v[1]) if len(v) == 2 else (v[1], v[2])


def _pool_windows(shape, ksize, strides, padding):
    """Yields (oy, ox, rows, cols): every output position and the in-bounds input slices of its window (TF's rules)."""
    (kh, kw), (sh, sw) = _pool_pair(ksize), _pool_pair(strides)
    _, h, w, _ = shape
    def axis(n, k, s):
        if padding == "SAME":
            out = -(-n // s)
            return out, max((out - 1) * s + k - n, 0) // 2
        return (n - k) // s + 1, 0
    (oh, pt_), (ow, pl) = axis(h, kh, sh), axis(w, kw, sw)
    for i in range(oh):
        for j in range(ow):
            yield i, j, slice(max(i * sh - pt_, 0), min(i * sh - pt_ + kh, h)), \
                slice(max(j * sw - pl, 0), min(j * sw - pl + kw, w))


def _pool_out_shape(shape, ksize, strides, padding):
    last = (-1, -1)
    for i, j, _, _ in _pool_windows(shape, ksize, strides, padding):
        last = (i, j)
    return (shape[0], last[0] + 1, last[1] + 1, shape[3])


def sample_pool(op, dtype, rng):
    for shape, layout, k, s, p in POOL_CASES:
        yield SampleInput((make(shape, dtype, rng, op.domain(0), layout), k, s, p), desc=f"{layout} {shape} k={k} s={s} {p}")
    if dtype in FLOATS and op.extremal:
        x = make((1, 4, 4, 2), dtype, rng)
        x[0, 0, 1, 0], x[0, 3, 3, 1], x[0, 2, 0, 0] = np.nan, np.inf, -np.inf
        yield SampleInput((x, 2, 2, "VALID"), desc="NaN and infinities")


def _pool_ref(reduce):
    def ref(x, ksize, strides, padding):
        out = np.zeros(_pool_out_shape(x.shape, ksize, strides, padding), np.float64)
        for i, j, rows, cols in _pool_windows(x.shape, ksize, strides, padding):
            out[:, i, j, :] = reduce(x[:, rows, cols, :].astype(np.float64), axis=(1, 2))
        return out.astype(x.dtype)
    return ref


# (input, filters, conv strides, conv padding, dilations, ksize, pool strides, pool padding, input layout): the
# direct kernel's shapes (pooled while in cache) with SAME, overlapping and disjoint windows, dilation, strides and
# a batch large enough to run in parallel; then shapes that take the two-op path (Winograd, 1x1). The 2x2 / 2
# poolings of 8 and 16 channels take the gradients at the argmax (patch runs of whole filter rows, or of single
# taps under dilation, on a padded copy for SAME).
CONV_POOL_CASES = [
    ((2, 8, 8, 1), (3, 3, 1, 4), 1, "VALID", 1, 2, 2, "VALID", "contiguous"),
    ((1, 9, 7, 2), (3, 2, 2, 3), 1, "SAME", 1, 3, 2, "SAME", "strided"),
    ((2, 11, 10, 3), (2, 3, 3, 5), 2, "VALID", 1, [2, 1], 1, "VALID", "contiguous"),
    ((1, 10, 10, 2), (3, 3, 2, 4), 1, "VALID", 2, 2, 3, "VALID", "transposed"),
    ((6, 28, 28, 1), (3, 3, 1, 8), 1, "VALID", 1, 2, 2, "VALID", "contiguous"),
    ((2, 7, 7, 16), (3, 3, 16, 16), 1, "VALID", 1, 2, 2, "VALID", "contiguous"),
    ((2, 9, 8, 8), (3, 3, 8, 8), 1, "SAME", 2, 2, 2, "VALID", "strided"),
    ((1, 6, 6, 3), (1, 1, 3, 4), 1, "VALID", 1, 2, 2, "SAME", "contiguous"),
]


def sample_conv2d_max_pool(op, dtype, rng):
    for xs, ws, s, p, d, k, ps, pp, layout in CONV_POOL_CASES:
        yield SampleInput((make(xs, dtype, rng, None, layout), make(ws, dtype, rng), s, p, d, k, ps, pp),
                          desc=f"{layout} {xs} * {ws} s={s} {p} d={d}, pool k={k} s={ps} {pp}")


def ref_conv2d_max_pool(x, w, strides, padding, dilations, ksize, pool_strides, pool_padding):
    return _pool_ref(np.max)(ref_conv2d(x, w, strides, padding, dilations), ksize, pool_strides, pool_padding)


def sample_conv2d_max_pool_backprop_filter(op, dtype, rng):
    """(input, filter_sizes, dy, argmax, conv and pool arguments); argmax from max-pooling a float64 convolution."""
    for xs, ws, s, p, d, k, ps, pp, layout in CONV_POOL_CASES:
        x = make(xs, dtype, rng, None, layout)
        conv = ref_conv2d(x.astype(np.float64), rng.standard_normal(ws), s, p, d)
        _, arg = pt.nn.max_pool_with_argmax(conv, k, ps, pp, output_dtype=pt.int32)
        yield SampleInput((x, list(ws), make(arg.shape, dtype, rng), arg.numpy(), s, p, d, k, ps, pp),
                          desc=f"dw {ws} from {layout} {xs}, pool k={k} s={ps} {pp}")


def _pooled_conv_grad(conv_shape, dy, arg):
    """max_pool2d's gradient in float64: each dy element added at its argmax ((y * W + x) * C + c per image)."""
    n = conv_shape[0]
    dconv = np.zeros((n, int(np.prod(conv_shape[1:]))))
    np.add.at(dconv, (np.arange(n)[:, None], arg.reshape(n, -1)), dy.reshape(n, -1).astype(np.float64))
    return dconv.reshape(conv_shape)


def ref_conv2d_max_pool_backprop_filter(x, filter_sizes, dy, arg, strides, padding, dilations, ksize, pool_strides,
                                        pool_padding):
    conv_shape = ref_conv2d(x, np.zeros(filter_sizes), strides, padding, dilations).shape
    return ref_conv2d_backprop_filter(x, filter_sizes, _pooled_conv_grad(conv_shape, dy, arg), strides, padding,
                                      dilations).astype(x.dtype)


def sample_conv2d_max_pool_backprop_input(op, dtype, rng):
    """(input_sizes, filters, dy, argmax, conv and pool arguments); argmax as for the filter gradient."""
    for xs, ws, s, p, d, k, ps, pp, _ in CONV_POOL_CASES:
        conv = ref_conv2d(rng.standard_normal(xs), rng.standard_normal(ws), s, p, d)
        _, arg = pt.nn.max_pool_with_argmax(conv, k, ps, pp, output_dtype=pt.int32)
        yield SampleInput((list(xs), make(ws, dtype, rng), make(arg.shape, dtype, rng), arg.numpy(), s, p, d, k, ps,
                           pp), desc=f"dx {xs} through {ws}, pool k={k} s={ps} {pp}")


def ref_conv2d_max_pool_backprop_input(input_sizes, w, dy, arg, strides, padding, dilations, ksize, pool_strides,
                                       pool_padding):
    conv_shape = ref_conv2d(np.zeros(input_sizes), w, strides, padding, dilations).shape
    return ref_conv2d_backprop_input(input_sizes, w, _pooled_conv_grad(conv_shape, dy, arg), strides, padding,
                                     dilations).astype(w.dtype)


def sample_pool_grad(op, dtype, rng):
    """(dy, x, ksize, strides, padding): dy has the pooling output's shape."""
    for s in sample_pool(op, dtype, rng):
        x, k, st, p = s.args
        dy = make(_pool_out_shape(x.shape, k, st, p), dtype, rng)
        yield SampleInput((dy, x, k, st, p), desc=f"d {s.desc}")


def _pool_grad_ref(kind):
    def ref(dy, x, ksize, strides, padding):
        dx = np.zeros(x.shape, np.float64)
        for i, j, rows, cols in _pool_windows(x.shape, ksize, strides, padding):
            if kind == "avg":
                win = dx[:, rows, cols, :]
                win += dy[:, i:i + 1, j:j + 1, :] / (win.shape[1] * win.shape[2])
                continue
            win = x[:, rows, cols, :]
            flat = win.reshape(win.shape[0], win.shape[1] * win.shape[2], win.shape[3])
            first = np.argmax(flat, axis=1)  # numpy's argmax also takes the first maximum
            for b in range(x.shape[0]):
                for c in range(x.shape[3]):
                    r, q = divmod(int(first[b, c]), win.shape[2])
                    dx[b, rows.start + r, cols.start + q, c] += dy[b, i, j, c]
        return dx.astype(dy.dtype)
    return ref


def _call_pool_grad(pool):
    """The pooling gradient ops are internal (TF: raw_ops.MaxPoolGrad / AvgPoolGrad): reached as the gradient of
    pool(x, ksize, strides, padding) with `dy` as the upstream gradient."""
    def call(fn, dy, x, ksize, strides, padding):
        from pytensor.gradient_tape import GradientTape
        with GradientTape() as tape:
            tape.watch(x)
            y = getattr(pt.nn, pool)(x, ksize, strides, padding)
        return tape.gradient(y, x, output_gradients=dy)
    return call


# One row per registry op of this family; tests/op_db/__init__.py joins the families into `op_db`.
ROWS = [
    OpInfo(name="max_pool2d", family="pool", api="nn.max_pool2d", ref=_pool_ref(np.max), sample_inputs_func=sample_pool,
           dtypes=NUMERIC, unsupported_dtypes=BOOL, differentiable=True, extremal=(np.nan,)),
    OpInfo(name="avg_pool2d", family="pool", api="nn.avg_pool2d", ref=_pool_ref(np.mean), sample_inputs_func=sample_pool,
           dtypes=FLOATS, unsupported_dtypes=BOOL + INTS, differentiable=True, extremal=(np.nan,)),
    OpInfo(name="max_pool2d_grad", family="pool", api="nn.max_pool2d", ref=_pool_grad_ref("max"),
           sample_inputs_func=sample_pool_grad, dtypes=FLOATS, differentiable=True, num_inputs=2,
           call=_call_pool_grad("max_pool2d")),
    OpInfo(name="avg_pool2d_grad", family="pool", api="nn.avg_pool2d", ref=_pool_grad_ref("avg"),
           sample_inputs_func=sample_pool_grad, dtypes=FLOATS, differentiable=True,
           call=_call_pool_grad("avg_pool2d")),
    OpInfo(name="conv2d_max_pool", family="pool", api="_core.conv2d_max_pool", ref=ref_conv2d_max_pool,
           sample_inputs_func=sample_conv2d_max_pool, dtypes=FLOATS, unsupported_dtypes=BOOL + INTS,
           differentiable=True, num_inputs=2, grad_argnums=(0, 1), tols={"float32": (1e-4, 1e-5)}),
    OpInfo(name="conv2d_max_pool_backprop_filter", family="pool", api="_core.conv2d_max_pool_backprop_filter",
           ref=ref_conv2d_max_pool_backprop_filter, sample_inputs_func=sample_conv2d_max_pool_backprop_filter,
           dtypes=FLOATS, unsupported_dtypes=BOOL + INTS, differentiable=True, num_inputs=3, grad_argnums=(0, 2),
           tols={"float32": (1e-4, 1e-4)}),  # the Winograd sample errs by ~1e-5 of the result's scale
    OpInfo(name="conv2d_max_pool_backprop_input", family="pool", api="_core.conv2d_max_pool_backprop_input",
           ref=ref_conv2d_max_pool_backprop_input, sample_inputs_func=sample_conv2d_max_pool_backprop_input,
           dtypes=FLOATS, unsupported_dtypes=BOOL + INTS, differentiable=True, num_inputs=3, grad_argnums=(1, 2),
           tols={"float32": (1e-4, 1e-4)}),
]
