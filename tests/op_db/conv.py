"""Convolution and its two gradients: every kernel path, TF's asymmetric SAME, explicit pads, strides, dilations."""
from __future__ import annotations

import numpy as np

from .common import BOOL, FLOATS, INTS, OpInfo, SampleInput, make


# (input shape, filter shape, strides, padding, dilations, input layout): every kernel path (direct for few
# channels, im2col + GEMM, 1x1 pointwise), TF's asymmetric SAME, explicit pads, strides, dilations, views, empty.
CONV_CASES = [
    ((2, 5, 6, 3), (3, 3, 3, 4), 1, "VALID", None, "contiguous"),
    ((2, 7, 6, 2), (3, 2, 2, 3), 2, "SAME", None, "contiguous"),
    ((1, 8, 7, 3), (3, 3, 3, 2), [1, 2], "VALID", None, "transposed"),
    ((2, 7, 7, 2), (2, 3, 2, 2), [1, 1, 1, 1], "SAME", [2, 1], "contiguous"),
    ((1, 6, 5, 2), (2, 2, 2, 3), [2, 1], [[0, 0], [1, 2], [0, 1], [0, 0]], None, "strided"),
    ((2, 4, 4, 5), (1, 1, 5, 3), 1, "VALID", None, "contiguous"),
    ((3, 9, 9, 1), (3, 3, 1, 4), 1, "VALID", None, "contiguous"),
    ((2, 6, 6, 10), (3, 3, 10, 4), 1, "SAME", None, "contiguous"),
    ((0, 5, 5, 2), (3, 3, 2, 2), 1, "SAME", None, "contiguous"),
    ((16, 14, 14, 4), (3, 3, 4, 8), 1, "VALID", None, "contiguous"),
    ((24, 28, 28, 1), (3, 3, 1, 8), 1, "VALID", None, "contiguous"),
]


def _conv_pair(v):
    if v is None:
        return 1, 1
    if isinstance(v, int):
        return v, v
    v = list(v)
    return (v[0], v[0]) if len(v) == 1 else (v[0], v[1]) if len(v) == 2 else (v[1], v[2])


def _conv_geometry(in_shape, w_shape, strides, padding, dilations):
    """Strides, dilations, (before, after) pads and output size per spatial axis, by TF's rules."""
    geo = []
    for axis, (s, d) in enumerate(zip(_conv_pair(strides), _conv_pair(dilations))):
        n, k = in_shape[1 + axis], w_shape[axis]
        eff = (k - 1) * d + 1
        if padding == "SAME":
            out = -(-n // s)
            total = max((out - 1) * s + eff - n, 0)
            pads = (total // 2, total - total // 2)
        else:
            pads = (0, 0) if padding == "VALID" else tuple(padding[1 + axis])
            out = (n + sum(pads) - eff) // s + 1
        geo.append((s, d, pads, out))
    return geo


def _conv_taps(in_shape, w_shape, strides, padding, dilations):
    """Yields (ky, kx, slice into the padded input) for every filter tap; also returns pads and output size."""
    (sh, dh, ph, oh), (sw, dw, pw, ow) = _conv_geometry(in_shape, w_shape, strides, padding, dilations)
    taps = [(ky, kx, (slice(None), slice(ky * dh, ky * dh + (oh - 1) * sh + 1, sh),
                      slice(kx * dw, kx * dw + (ow - 1) * sw + 1, sw), slice(None)))
            for ky in range(w_shape[0]) for kx in range(w_shape[1])]
    return taps, (ph, pw), (oh, ow)


def ref_conv2d(x, w, strides, padding, dilations=None):
    taps, (ph, pw), (oh, ow) = _conv_taps(x.shape, w.shape, strides, padding, dilations)
    xp = np.pad(x.astype(np.float64), ((0, 0), ph, pw, (0, 0)))
    out = np.zeros((x.shape[0], oh, ow, w.shape[3]))
    for ky, kx, sl in taps:
        out += np.einsum("nhwc,co->nhwo", xp[sl], w[ky, kx].astype(np.float64))
    return out.astype(x.dtype)


def ref_conv2d_backprop_input(input_sizes, w, dy, strides, padding, dilations=None):
    taps, (ph, pw), _ = _conv_taps(input_sizes, w.shape, strides, padding, dilations)
    n, h, wd, c = input_sizes
    dxp = np.zeros((n, h + sum(ph), wd + sum(pw), c))
    for ky, kx, sl in taps:
        dxp[sl] += np.einsum("nhwo,co->nhwc", dy.astype(np.float64), w[ky, kx].astype(np.float64))
    return dxp[:, ph[0]:ph[0] + h, pw[0]:pw[0] + wd, :].astype(w.dtype)


def ref_conv2d_backprop_filter(x, filter_sizes, dy, strides, padding, dilations=None):
    taps, (ph, pw), _ = _conv_taps(x.shape, filter_sizes, strides, padding, dilations)
    xp = np.pad(x.astype(np.float64), ((0, 0), ph, pw, (0, 0)))
    dw = np.zeros(filter_sizes)
    for ky, kx, sl in taps:
        dw[ky, kx] = np.einsum("nhwc,nhwo->co", xp[sl], dy.astype(np.float64))
    return dw.astype(x.dtype)


def _conv_cases(dtype, rng):
    for xs, ws, strides, padding, dilations, layout in CONV_CASES:
        kw = {"strides": strides, "padding": padding, "dilations": dilations}
        oh, ow = (g[3] for g in _conv_geometry(xs, ws, strides, padding, dilations))
        yield xs, ws, (xs[0], oh, ow, ws[3]), kw, layout


def sample_conv2d(op, dtype, rng):
    for xs, ws, _, kw, layout in _conv_cases(dtype, rng):
        yield SampleInput((make(xs, dtype, rng, None, layout), make(ws, dtype, rng)), kw, desc=f"{xs} * {ws} {kw}")


def sample_conv2d_backprop_input(op, dtype, rng):
    for xs, ws, ys, kw, layout in _conv_cases(dtype, rng):
        yield SampleInput((list(xs), make(ws, dtype, rng), make(ys, dtype, rng, None, layout)), kw,
                          desc=f"dx {xs} from {ys} * {ws} {kw}")


def sample_conv2d_backprop_filter(op, dtype, rng):
    for xs, ws, ys, kw, layout in _conv_cases(dtype, rng):
        yield SampleInput((make(xs, dtype, rng, None, layout), list(ws), make(ys, dtype, rng)), kw,
                          desc=f"dw {ws} from {xs}, {ys} {kw}")


def ref_dilation2d(x, w, strides, padding, dilations=None):
    """Max over the window's in-bounds taps of x + w (TF's grayscale dilation), by explicit loops over taps."""
    in_shape, w4 = x.shape, w.shape[:2] + (w.shape[2], w.shape[2])
    (sh, dh, (pt, _), oh), (sw, dw, (pl, _), ow) = _conv_geometry(in_shape, w4, strides, padding, dilations)
    out = np.full((x.shape[0], oh, ow, x.shape[3]), -np.inf, np.float64)
    for ky in range(w.shape[0]):
        for kx in range(w.shape[1]):
            for y in range(oh):
                iy = y * sh + ky * dh - pt
                if not 0 <= iy < x.shape[1]:
                    continue
                for xx in range(ow):
                    ix = xx * sw + kx * dw - pl
                    if 0 <= ix < x.shape[2]:
                        out[:, y, xx] = np.maximum(out[:, y, xx], x[:, iy, ix].astype(np.float64) + w[ky, kx])
    return out.astype(x.dtype)


# (input shape, filter shape (h, w, c), strides, padding, dilations, input layout)
DILATION_CASES = [
    ((2, 5, 6, 3), (3, 3, 3), 1, "VALID", None, "contiguous"),
    ((1, 7, 6, 2), (3, 2, 2), 2, "SAME", None, "transposed"),
    ((2, 7, 7, 2), (2, 3, 2), [1, 2, 1, 1], "SAME", [1, 2, 2, 1], "strided"),
    ((0, 4, 4, 1), (2, 2, 1), 1, "VALID", None, "contiguous"),
]


def sample_dilation2d(op, dtype, rng):
    for xs, ws, strides, padding, dilations, layout in DILATION_CASES:
        kw = {"strides": strides, "padding": padding, "dilations": dilations}
        yield SampleInput((make(xs, dtype, rng, None, layout), make(ws, dtype, rng)), kw, desc=f"{xs} + {ws} {kw}")


# One row per registry op of this family; tests/op_db/__init__.py joins the families into `op_db`.
ROWS = [
    OpInfo(name="conv2d", family="conv", api="nn.conv2d", ref=ref_conv2d, sample_inputs_func=sample_conv2d,
           dtypes=FLOATS, unsupported_dtypes=BOOL + INTS, differentiable=True, num_inputs=2, grad_argnums=(0, 1),
           tols={"float32": (1e-4, 1e-5)}),
    OpInfo(name="conv2d_backprop_input", family="conv", api="nn.conv2d_backprop_input",
           ref=ref_conv2d_backprop_input, sample_inputs_func=sample_conv2d_backprop_input, dtypes=FLOATS,
           unsupported_dtypes=BOOL + INTS, differentiable=True, num_inputs=2, grad_argnums=(1, 2),
           tols={"float32": (1e-4, 1e-5)}),
    OpInfo(name="conv2d_backprop_filter", family="conv", api="nn.conv2d_backprop_filter",
           ref=ref_conv2d_backprop_filter, sample_inputs_func=sample_conv2d_backprop_filter, dtypes=FLOATS,
           unsupported_dtypes=BOOL + INTS, differentiable=True, num_inputs=2, grad_argnums=(0, 2),
           tols={"float32": (1e-4, 1e-4)}),
    OpInfo(name="dilation2d", family="conv", api="nn.dilation2d", ref=ref_dilation2d,
           sample_inputs_func=sample_dilation2d, dtypes=FLOATS, unsupported_dtypes=BOOL + INTS, differentiable=True,
           num_inputs=2, grad_argnums=(0, 1)),
]
