"""tf.nn pooling: max and average pooling over 1-D (NWC), 2-D (NHWC) and 3-D (NDHWC) windows.

The 2-D ops are C++ kernels (``pytensor._core``); the 1-D ones run them on a view with a unit height axis, and
``max_pool`` / ``avg_pool`` pick one by the input's rank, as TF does.
"""
import numpy as np

from .._core import (avg_pool2d, constant, convert_to_tensor, expand_dims, gather, max_pool2d, max_pool_with_argmax,
                     maximum, reshape, squeeze)
from ..errors import InvalidArgumentError

__all__ = ["max_pool1d", "avg_pool1d", "max_pool", "avg_pool", "max_pool_with_argmax",
           "max_pool3d", "avg_pool3d"]


def _window_1d(value, what, op):
    """A 1-D ksize or strides as an int: an int, or 1 or 3 (NWC, batch and channel 1) ints, as TF."""
    if isinstance(value, int):
        return value
    v = [int(i) for i in value]
    if len(v) == 1:
        return v[0]
    if len(v) == 3 and v[0] == 1 and v[2] == 1:
        return v[1]
    raise InvalidArgumentError(f"{op}: {what} must be an int or a list of 1 or 3 ints [1, w, 1], got {value!r}")


def _pool1d(pool2d, op, input, ksize, strides, padding, data_format):
    if data_format != "NWC":
        raise InvalidArgumentError(f"{op}: data_format must be 'NWC' (channels last), got {data_format!r}")
    x = convert_to_tensor(input)
    if len(x.shape) != 3:
        raise InvalidArgumentError(f"{op}: input must be 3-D (batch, width, channels), got shape {tuple(x.shape)}; "
                                   "use the 2-D pooling for 4-D inputs")
    k, s = _window_1d(ksize, "ksize", op), _window_1d(strides, "strides", op)
    return squeeze(pool2d(expand_dims(x, 1), [1, k], [1, s], padding), [1])


def max_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):
    """Max over windows of ``ksize`` steps of a ``(batch, width, channels)`` input.

    ``out[b, i, c] = max(input[b, i * strides + j, c] for j in window)``; ``"SAME"`` pads (TF's asymmetric
    padding, extra at the end) with values that never win; NaN propagates.

    Example:
        >>> tf.nn.max_pool1d(tf.reshape(tf.range(4.0), (1, 4, 1)), 2, 2, "VALID")  # [[[1.], [3.]]]
    """
    return _pool1d(max_pool2d, "max_pool1d", input, ksize, strides, padding, data_format)


def avg_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):
    """Mean over windows of ``ksize`` steps of a ``(batch, width, channels)`` input.

    ``"SAME"`` windows that overhang the input divide by their count of in-bounds elements, as TF.

    Example:
        >>> tf.nn.avg_pool1d(tf.reshape(tf.range(4.0), (1, 4, 1)), 2, 2, "VALID")  # [[[0.5], [2.5]]]
    """
    return _pool1d(avg_pool2d, "avg_pool1d", input, ksize, strides, padding, data_format)


def _pool_nd(op, pool1d, pool2d, pool3d, input, ksize, strides, padding, data_format):
    x = convert_to_tensor(input)
    rank = len(x.shape)
    if rank == 3:
        return pool1d(x, ksize, strides, padding, data_format or "NWC")
    if rank == 4:
        return pool2d(x, ksize, strides, padding, data_format or "NHWC")
    if rank == 5:
        return pool3d(x, ksize, strides, padding, data_format or "NDHWC")
    raise InvalidArgumentError(f"{op}: input must be 3-D (NWC), 4-D (NHWC) or 5-D (NDHWC), got shape "
                               f"{tuple(x.shape)}")


def max_pool(input, ksize, strides, padding, data_format=None, name=None):
    """Max pooling of a 3-D (NWC), 4-D (NHWC) or 5-D (NDHWC) input: ``max_pool1d``, ``max_pool2d`` or ``max_pool3d``
    by rank, as ``tf.nn.max_pool``.

    Example:
        >>> tf.nn.max_pool(tf.ones((1, 4, 4, 1)), 2, 2, "VALID").shape  # (1, 2, 2, 1)
    """
    return _pool_nd("max_pool", max_pool1d, max_pool2d, max_pool3d, input, ksize, strides, padding, data_format)


def avg_pool(input, ksize, strides, padding, data_format=None, name=None):
    """Average pooling of a 3-D (NWC), 4-D (NHWC) or 5-D (NDHWC) input: ``avg_pool1d``, ``avg_pool2d`` or
    ``avg_pool3d`` by rank.

    Example:
        >>> tf.nn.avg_pool(tf.ones((1, 4, 4, 1)), 2, 2, "SAME").shape  # (1, 2, 2, 1)
    """
    return _pool_nd("avg_pool", avg_pool1d, avg_pool2d, avg_pool3d, input, ksize, strides, padding, data_format)


def _window_3d(value, what, op):
    """A 3-D ksize or strides as 3 ints: an int, 3 ints, or 5 ints with 1 for the batch and channel axes."""
    v = [int(value)] * 3 if isinstance(value, int) else [int(i) for i in value]
    if len(v) == 1:
        v = v * 3
    elif len(v) == 5 and v[0] == 1 and v[4] == 1:
        v = v[1:4]
    if len(v) != 3 or min(v) < 1:
        raise InvalidArgumentError(f"{op}: {what} must be a positive int or a list of 3 or 5 ints [1, d, h, w, 1], "
                                   f"got {value!r}")
    return v


def _pool3d(op, pool2d, combine, input, ksize, strides, padding, data_format):
    """Pools height and width with the 2-D op on ``(batch * depth, h, w, c)`` views, then combines the strided
    depth slices of each window with ``combine(slices, counts)`` (``counts[o]``: in-bounds depths of window o)."""
    if data_format != "NDHWC":
        raise InvalidArgumentError(f"{op}: data_format must be 'NDHWC' (channels last), got {data_format!r}")
    x = convert_to_tensor(input)
    if len(x.shape) != 5:
        raise InvalidArgumentError(f"{op}: input must be 5-D (batch, depth, height, width, channels), got shape "
                                   f"{tuple(x.shape)}")
    mode = str(padding).upper()
    if mode not in ("VALID", "SAME"):
        raise InvalidArgumentError(f"{op}: padding must be 'VALID' or 'SAME', got {padding!r}")
    k, s = _window_3d(ksize, "ksize", op), _window_3d(strides, "strides", op)
    depth, height, width, channels = (int(n) for n in x.shape[1:])
    planes = pool2d(reshape(x, [-1, height, width, channels]), k[1:], s[1:], mode)
    planes = reshape(planes, [-1, depth] + [int(n) for n in planes.shape[1:]])
    if mode == "VALID":
        out_depth, before = max(0, (depth - k[0]) // s[0] + 1), 0
    else:
        out_depth = -(-depth // s[0])
        before = max((out_depth - 1) * s[0] + k[0] - depth, 0) // 2
    starts = [o * s[0] - before for o in range(out_depth)]
    slices, counts = [], [min(a + k[0], depth) - max(a, 0) for a in starts]
    for j in range(k[0]):
        # depth of tap j in every window, or the window's first in-bounds depth where it overhangs (a repeat of
        # that depth never changes a max; the average masks it out)
        inside = [0 <= a + j < depth for a in starts]
        index = [a + j if ok else max(a, 0) for a, ok in zip(starts, inside)]
        slices.append((gather(planes, index, axis=1), inside))
    return combine(slices, counts)


def _max_of_taps(slices, counts):
    out = None
    for taps, _ in slices:
        out = taps if out is None else maximum(out, taps)
    return out


def _mean_of_taps(slices, counts):
    out = None
    for taps, inside in slices:
        dtype = taps.dtype.as_numpy_dtype
        weight = constant(np.array(inside, dtype=dtype).reshape(1, -1, 1, 1, 1) /
                          np.array(counts, dtype=dtype).reshape(1, -1, 1, 1, 1))
        out = taps * weight if out is None else out + taps * weight
    return out


def max_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):
    """Max over ``ksize`` boxes of a ``(batch, depth, height, width, channels)`` input, as ``tf.nn.max_pool3d``.

    Example:
        >>> tf.nn.max_pool3d(tf.ones((1, 4, 4, 4, 2)), 2, 2, "VALID").shape
        TensorShape([1, 2, 2, 2, 2])
    """
    return _pool3d("max_pool3d", max_pool2d, _max_of_taps, input, ksize, strides, padding, data_format)


def avg_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):
    """Mean over ``ksize`` boxes of a 5-D NDHWC input, as ``tf.nn.avg_pool3d``; ``"SAME"`` boxes that overhang the
    input divide by their count of in-bounds elements.

    Example:
        >>> tf.nn.avg_pool3d(tf.ones((1, 4, 4, 4, 2)), 2, 2, "SAME").shape
        TensorShape([1, 2, 2, 2, 2])
    """
    return _pool3d("avg_pool3d", avg_pool2d, _mean_of_taps, input, ksize, strides, padding, data_format)
