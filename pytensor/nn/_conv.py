"""``tf.nn`` convolutions: conv2d, conv1d, conv2d_transpose, convolution and the conv2d backprops.

Layouts are TF's CPU layouts: NHWC / NWC inputs, HWIO / WIO filters. conv2d and its two backprops are
registry ops (each differentiable, so gradients of any order exist); conv1d runs conv2d on size-1-height views.
"""
import itertools

import numpy as np

from .._core import conv2d, conv2d_transpose
from .._core import constant, convert_to_tensor, expand_dims, pad, reshape, squeeze

__all__ = ["conv1d", "conv2d_transpose", "convolution", "depthwise_conv2d", "separable_conv2d", "conv3d", "conv3d_transpose"]


def _width_arg(value, what):
    """A 1-D stride or dilation: an int, or 1 or 3 (NWC, batch and channel 1) ints, as TF."""
    if value is None:
        return 1
    if isinstance(value, int):
        return value
    values = [int(v) for v in value]
    if len(values) == 1:
        return values[0]
    if len(values) == 3 and values[0] == 1 and values[2] == 1:
        return values[1]
    raise ValueError(f"conv1d: {what} must be an int or a list of 1 or 3 ints [1, w, 1], got {value!r}")


def conv1d(input, filters, stride, padding, data_format="NWC", dilations=None, name=None):  # noqa: A002
    """1-D convolution (cross-correlation, as TF) of an NWC input with WIO filters.

    ``output[b, i, o] = sum_{k, c} input[b, i * stride + k * dilation - pad, c] * filters[k, c, o]``,
    computed by conv2d on a height-1 view of both tensors.

    Args:
        input: float tensor of shape (batch, width, in_channels).
        filters: float tensor of shape (filter_width, in_channels, out_channels).
        stride: an int, or a list of 1 or 3 ints ([1, stride, 1]).
        padding: "VALID" or "SAME" (TF's asymmetric SAME: the extra pad goes to the right).
        data_format: "NWC" (the only layout supported).
        dilations: an int or a list of 1 or 3 ints; default 1.
        name: ignored (TF compatibility).

    Returns:
        A tensor of shape (batch, out_width, out_channels).

    Example:
        >>> x = tf.reshape(tf.range(5.0), (1, 5, 1))
        >>> tf.nn.conv1d(x, tf.ones((2, 1, 1)), stride=1, padding="VALID")[0, :, 0]  # [1., 3., 5., 7.]
    """
    if data_format == "NCW":
        raise ValueError("conv1d: data_format='NCW' is not supported (only NWC, TF's CPU layout); transpose the "
                         "input with tf.transpose(x, [0, 2, 1])")
    if data_format != "NWC":
        raise ValueError(f"conv1d: data_format must be 'NWC', got {data_format!r}")
    x = expand_dims(input, 1)
    w = expand_dims(filters, 0)
    if len(x.shape) != 4 or len(w.shape) != 4:
        raise ValueError(f"conv1d: input must be rank 3 (batch, width, channels) and filters rank 3 (width, "
                         f"in_channels, out_channels), got shapes {tuple(input.shape)} and {tuple(filters.shape)}")
    y = conv2d(x, w, strides=[1, _width_arg(stride, "stride")], padding=padding,
               dilations=[1, _width_arg(dilations, "dilations")])
    return squeeze(y, [1])


def convolution(input, filters, strides=None, padding="VALID", data_format=None, dilations=None,  # noqa: A002
                name=None):
    """TF's rank-generic convolution: conv1d for rank-3 inputs, conv2d for rank-4 inputs, conv3d for rank-5 inputs.

    Args:
        input: NWC (rank 3), NHWC (rank 4) or NDHWC (rank 5) float tensor.
        filters: WIO, HWIO or DHWIO filters.
        strides: int or list; default 1.
        padding: "VALID" (default) or "SAME".
        data_format: None, "NWC", "NHWC" or "NDHWC".
        dilations: int or list; default 1.
        name: ignored (TF compatibility).

    Example:
        >>> tf.nn.convolution(tf.ones((1, 4, 4, 1)), tf.ones((2, 2, 1, 1))).shape  # (1, 3, 3, 1)
    """
    strides = 1 if strides is None else strides
    rank = len(input.shape)
    if rank == 3:
        return conv1d(input, filters, strides, padding, data_format or "NWC", dilations)
    if rank == 4:
        return conv2d(input, filters, strides, padding, data_format or "NHWC", dilations)
    if rank == 5:
        return conv3d(input, filters, strides, padding, data_format or "NDHWC", dilations)
    raise ValueError(f"convolution: input must be rank 3 (NWC), 4 (NHWC) or 5 (NDHWC), got shape "
                     f"{tuple(input.shape)}")


def _spatial_arg(value, rank, what, op):
    """A stride or dilation of a ``rank``-D convolution as a tuple of ``rank`` positive ints, from an int, ``rank``
    ints, or ``rank + 2`` ints with 1 for the batch and channel axes (TF's forms)."""
    values = [1] * rank if value is None else ([value] * rank if isinstance(value, int) else [int(v) for v in value])
    if len(values) == rank + 2 and values[0] == 1 and values[-1] == 1:
        values = values[1:-1]
    elif len(values) == 1:
        values = values * rank
    if len(values) != rank or min(values) < 1:
        raise ValueError(f"{op}: {what} must be a positive int or a list of {rank} or {rank + 2} ints "
                         f"[1, ..., 1] for a {rank + 2}-D input; got {value!r}")
    return tuple(values)


def _output_length_and_pad(length, span, stride, padding):
    """TF's output length and leading pad of one spatial axis (SAME puts the odd pad element at the end)."""
    if padding == "VALID":
        return max(0, (length - span) // stride + 1), 0, 0
    out = -(-length // stride)
    total = max((out - 1) * stride + span - length, 0)
    return out, total // 2, total - total // 2


# Up to this many output channels a depthwise convolution runs as one dense convolution with a block-diagonal
# filter: at most this factor more multiply-adds, in the GEMM-backed conv2d kernels (4-10x faster than the sum of
# slices at (16, 56, 56, 64) and (16, 112, 112, 32), bench/conv_family.py); wider layers use the sum of slices.
_BLOCK_DIAGONAL_MAX_CHANNELS = 64


def depthwise_conv_nd(input, filter, strides, padding, dilations, op):  # noqa: A002
    """Depthwise convolution of a channels-last input over its ``rank = ndim - 2`` spatial axes (1 or 2): every
    input channel c is convolved with its own ``filter[..., c, m]`` for each of the ``channel_multiplier`` m, and
    output channel ``c * multiplier + m`` holds the result (TF's order).

    With few channels it is ``convolution`` with the block-diagonal filter ``big[..., i, c * M + m] =
    filter[..., c, m] * (i == c)``; otherwise a sum over the kernel's offsets of strided slices of the (padded)
    input times the per-channel weights of that offset. Both are made of differentiable ops only.
    """
    x = convert_to_tensor(input)
    w = convert_to_tensor(filter)
    rank = len(x.shape) - 2
    if rank < 1 or len(w.shape) != rank + 2:
        raise ValueError(f"{op}: expected a channels-last input of rank {len(w.shape)} and a filter of shape "
                         f"spatial + (in_channels, channel_multiplier); got input shape {tuple(x.shape)} and "
                         f"filter shape {tuple(w.shape)}")
    channels, multiplier = int(w.shape[-2]), int(w.shape[-1])
    if x.shape[-1] is not None and int(x.shape[-1]) != channels:
        raise ValueError(f"{op}: the input has {int(x.shape[-1])} channels (shape {tuple(x.shape)}) but the filter "
                         f"expects {channels} (shape {tuple(w.shape)}); give the filter shape "
                         f"{tuple(w.shape[:-2]) + (int(x.shape[-1]), multiplier)}")
    mode = str(padding).upper()
    if mode not in ("VALID", "SAME"):
        raise ValueError(f"{op}: padding must be 'VALID' or 'SAME', got {padding!r}")
    strides = _spatial_arg(strides, rank, "strides", op)
    dilations = _spatial_arg(dilations, rank, "dilations", op)
    kernel = tuple(int(k) for k in w.shape[:-2])
    if channels * multiplier <= _BLOCK_DIAGONAL_MAX_CHANNELS and rank <= 2:
        eye = constant(np.eye(channels, dtype=w.dtype.as_numpy_dtype).reshape((1,) * rank + (channels, channels, 1)))
        block_diagonal = reshape(expand_dims(w, -3) * eye, list(kernel) + [channels, channels * multiplier])
        return convolution(x, block_diagonal, list(strides), mode, dilations=list(dilations))
    outs, pads = [], [[0, 0]]
    for n, k, s, d in zip(x.shape[1:-1], kernel, strides, dilations):
        out, before, after = _output_length_and_pad(int(n), (k - 1) * d + 1, s, mode)
        outs.append(out)
        pads.append([before, after])
    if any(p != [0, 0] for p in pads):
        x = pad(x, pads + [[0, 0]])
    total = None
    for offset in itertools.product(*(range(k) for k in kernel)):
        window = (slice(None),) + tuple(slice(o * d, o * d + (n - 1) * s + 1, s)
                                        for o, d, n, s in zip(offset, dilations, outs, strides))
        term = expand_dims(x[window], -1) * w[offset]
        total = term if total is None else total + term
    return reshape(total, [-1] + outs + [channels * multiplier])


def depthwise_conv2d(input, filter, strides, padding, data_format=None, dilations=None, name=None):  # noqa: A002
    """Depthwise 2-D convolution, as ``tf.nn.depthwise_conv2d``: each input channel is convolved with its own
    filters, ``output[b, i, j, c * M + m] = sum_{di, dj} input[b, i * s0 + di * d0 - pad, j * s1 + dj * d1 - pad, c]
    * filter[di, dj, c, m]``.

    Args:
        input: NHWC float tensor.
        filter: ``(filter_height, filter_width, in_channels, channel_multiplier)``.
        strides: 4 ints ``[1, stride_h, stride_w, 1]`` (or 2 ints, or an int).
        padding: "VALID" or "SAME" (TF's asymmetric SAME).
        data_format: None or "NHWC" (the only layout supported).
        dilations: 2 ints (or an int); default 1.
        name: ignored (TF compatibility).

    Returns:
        ``(batch, out_height, out_width, in_channels * channel_multiplier)``.

    Example:
        >>> tf.nn.depthwise_conv2d(tf.ones((1, 3, 3, 2)), tf.ones((2, 2, 2, 3)), [1, 1, 1, 1], "VALID").shape
        TensorShape([1, 2, 2, 6])
    """
    if data_format not in (None, "NHWC"):
        raise ValueError(f"depthwise_conv2d: only data_format='NHWC' is supported, got {data_format!r}; transpose "
                         "NCHW input with tf.transpose(x, [0, 2, 3, 1])")
    if len(convert_to_tensor(input).shape) != 4:
        raise ValueError(f"depthwise_conv2d: input must be rank 4 (batch, height, width, channels), got shape "
                         f"{tuple(convert_to_tensor(input).shape)}")
    return depthwise_conv_nd(input, filter, strides, padding, dilations, "depthwise_conv2d")


def separable_conv2d(input, depthwise_filter, pointwise_filter, strides, padding, data_format=None,  # noqa: A002
                     dilations=None, name=None):
    """Depthwise convolution followed by a 1x1 convolution mixing the channels, as ``tf.nn.separable_conv2d``.

    Args:
        input: NHWC float tensor.
        depthwise_filter: ``(filter_height, filter_width, in_channels, channel_multiplier)``.
        pointwise_filter: ``(1, 1, in_channels * channel_multiplier, out_channels)``.
        strides, padding, data_format, dilations: as ``depthwise_conv2d`` (the strides apply to the depthwise
            step).
        name: ignored (TF compatibility).

    Example:
        >>> tf.nn.separable_conv2d(tf.ones((1, 3, 3, 2)), tf.ones((2, 2, 2, 3)), tf.ones((1, 1, 6, 4)),
        ...                        [1, 1, 1, 1], "VALID").shape
        TensorShape([1, 2, 2, 4])
    """
    depthwise = depthwise_conv2d(input, depthwise_filter, strides, padding, data_format, dilations)
    pointwise = convert_to_tensor(pointwise_filter)
    if len(pointwise.shape) != 4 or tuple(pointwise.shape[:2]) != (1, 1) or \
            int(pointwise.shape[2]) != int(depthwise.shape[-1]):
        raise ValueError(f"separable_conv2d: pointwise_filter must have shape (1, 1, {int(depthwise.shape[-1])}, "
                         f"out_channels) (in_channels * channel_multiplier inputs), got {tuple(pointwise.shape)}")
    return conv2d(depthwise, pointwise, strides=[1, 1], padding="VALID")


def _depth_taps(x, kernel_depth, stride, dilation, out_depth):
    """The ``kernel_depth`` strided depth slices of a 5-D tensor that feed output depths ``0 .. out_depth - 1``:
    slice k holds input depths ``o * stride + k * dilation``."""
    return [x[:, k * dilation:k * dilation + (out_depth - 1) * stride + 1:stride] for k in range(kernel_depth)]


def conv3d(input, filters, strides, padding, data_format="NDHWC", dilations=None, name=None):  # noqa: A002
    """3-D convolution of an NDHWC input with DHWIO filters, as ``tf.nn.conv3d``.

    Computed as a sum over the filter's depth taps of conv2d on ``(batch * out_depth, height, width, channels)``
    views of strided depth slices, so its gradients are conv2d's.

    Args:
        input: float tensor ``(batch, depth, height, width, in_channels)``.
        filters: ``(filter_depth, filter_height, filter_width, in_channels, out_channels)``.
        strides: 5 ints ``[1, d, h, w, 1]`` (or 3 ints, or an int).
        padding: "VALID" or "SAME" (TF's asymmetric SAME).
        data_format: "NDHWC" (the only layout supported).
        dilations: 5 or 3 ints, or an int; default 1.
        name: ignored (TF compatibility).

    Example:
        >>> tf.nn.conv3d(tf.ones((1, 4, 4, 4, 1)), tf.ones((2, 2, 2, 1, 3)), [1, 1, 1, 1, 1], "VALID").shape
        TensorShape([1, 3, 3, 3, 3])
    """
    if data_format != "NDHWC":
        raise ValueError(f"conv3d: only data_format='NDHWC' is supported, got {data_format!r}; transpose NCDHW "
                         "input with tf.transpose(x, [0, 2, 3, 4, 1])")
    x, w = convert_to_tensor(input), convert_to_tensor(filters)
    if len(x.shape) != 5 or len(w.shape) != 5 or (x.shape[-1] is not None and int(x.shape[-1]) != int(w.shape[3])):
        raise ValueError(f"conv3d: expected an input (batch, depth, height, width, in_channels) and filters (depth, "
                         f"height, width, in_channels, out_channels) with equal in_channels; got shapes "
                         f"{tuple(x.shape)} and {tuple(w.shape)}")
    mode = str(padding).upper()
    if mode not in ("VALID", "SAME"):
        raise ValueError(f"conv3d: padding must be 'VALID' or 'SAME', got {padding!r}")
    strides = _spatial_arg(strides, 3, "strides", "conv3d")
    dilations = _spatial_arg(dilations, 3, "dilations", "conv3d")
    depth, height, width, channels = (int(n) for n in x.shape[1:])
    kernel_depth = int(w.shape[0])
    out_depth, before, after = _output_length_and_pad(depth, (kernel_depth - 1) * dilations[0] + 1, strides[0], mode)
    if before or after:
        x = pad(x, [[0, 0], [before, after], [0, 0], [0, 0], [0, 0]])
    total = None
    for k, taps in enumerate(_depth_taps(x, kernel_depth, strides[0], dilations[0], out_depth)):
        y = conv2d(reshape(taps, [-1, height, width, channels]), w[k], strides=list(strides[1:]), padding=mode,
                   dilations=list(dilations[1:]))
        total = y if total is None else total + y
    return reshape(total, [-1, out_depth] + [int(n) for n in total.shape[1:]])


def conv3d_transpose(input, filters, output_shape, strides, padding="SAME", data_format="NDHWC",  # noqa: A002
                     dilations=None, name=None):
    """Transposed 3-D convolution (the input gradient of ``conv3d``), as ``tf.nn.conv3d_transpose``.

    Each filter depth tap k runs conv2d_transpose over height and width; its result lands on output depths
    ``i * stride + k * dilation - pad`` (zeros interleaved for the stride), and the taps are summed.

    Args:
        input: ``(batch, depth, height, width, in_channels)``.
        filters: ``(filter_depth, filter_height, filter_width, out_channels, in_channels)``.
        output_shape: the output's 5-D shape ``(batch, depth, height, width, out_channels)``.
        strides: 5 ints ``[1, d, h, w, 1]`` (or 3 ints, or an int).
        padding: "SAME" (default) or "VALID": the padding of the convolution this transposes.
        data_format: "NDHWC" (the only layout supported).
        dilations: 5 or 3 ints, or an int; default 1.
        name: ignored (TF compatibility).

    Example:
        >>> tf.nn.conv3d_transpose(tf.ones((1, 2, 2, 2, 3)), tf.ones((2, 2, 2, 4, 3)), [1, 4, 4, 4, 4],
        ...                        [1, 2, 2, 2, 1]).shape
        TensorShape([1, 4, 4, 4, 4])
    """
    if data_format != "NDHWC":
        raise ValueError(f"conv3d_transpose: only data_format='NDHWC' is supported, got {data_format!r}")
    x, w = convert_to_tensor(input), convert_to_tensor(filters)
    output_shape = [None if n is None else int(n) for n in output_shape]
    if len(x.shape) != 5 or len(w.shape) != 5 or len(output_shape) != 5 or \
            (x.shape[-1] is not None and int(x.shape[-1]) != int(w.shape[4])) or output_shape[4] != int(w.shape[3]):
        raise ValueError(f"conv3d_transpose: expected an input (batch, depth, height, width, in_channels), filters "
                         f"(depth, height, width, out_channels, in_channels) and a 5-D output_shape ending in "
                         f"out_channels; got shapes {tuple(x.shape)}, {tuple(w.shape)} and {output_shape}")
    mode = str(padding).upper()
    if mode not in ("VALID", "SAME"):
        raise ValueError(f"conv3d_transpose: padding must be 'VALID' or 'SAME', got {padding!r}")
    strides = _spatial_arg(strides, 3, "strides", "conv3d_transpose")
    dilations = _spatial_arg(dilations, 3, "dilations", "conv3d_transpose")
    batch, depth, height, width, channels = (None if n is None else int(n) for n in x.shape)
    out_depth = output_shape[1]
    kernel_depth = int(w.shape[0])
    span = (kernel_depth - 1) * dilations[0] + 1
    full = (depth - 1) * strides[0] + span  # output depths before cropping the padding
    planes = [None if batch is None else batch * depth] + output_shape[2:]
    flat = reshape(x, [-1, height, width, channels])
    total = None
    for k in range(kernel_depth):
        y = conv2d_transpose(flat, w[k], planes, strides=list(strides[1:]), padding=mode,
                             dilations=list(dilations[1:]))
        y = reshape(y, [-1, depth] + output_shape[2:])
        if strides[0] > 1:  # interleave stride - 1 zero planes after each input depth
            y = pad(expand_dims(y, 2), [[0, 0], [0, 0], [0, strides[0] - 1], [0, 0], [0, 0], [0, 0]])
            y = reshape(y, [-1, depth * strides[0]] + output_shape[2:])[:, :(depth - 1) * strides[0] + 1]
        y = pad(y, [[0, 0], [k * dilations[0], span - 1 - k * dilations[0]], [0, 0], [0, 0], [0, 0]])
        total = y if total is None else total + y
    before = max((depth - 1) * strides[0] + span - out_depth, 0) // 2 if mode == "SAME" else 0
    total = total[:, before:before + out_depth]
    missing = out_depth - (full - before)
    if missing > 0:
        total = pad(total, [[0, 0], [0, missing], [0, 0], [0, 0], [0, 0]])
    return total
