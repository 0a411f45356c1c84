"""tf.nn pooling: max and average pooling over 1-D (NWC) and 2-D (NHWC) windows.

The 2-D ops are C++ kernels (``pytensor._core``); the 1-D ones run them on a view with a unit height axis, and
``max_pool`` / ``avg_pool`` pick one by the input's rank, as TF does.
"""
from .._core import avg_pool2d, convert_to_tensor, expand_dims, max_pool2d, max_pool_with_argmax, squeeze
from ..errors import InvalidArgumentError

__all__ = ["max_pool2d", "avg_pool2d", "max_pool1d", "avg_pool1d", "max_pool", "avg_pool", "max_pool_with_argmax"]


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


def _pool_nd(op, pool1d, pool2d, input, ksize, strides, padding, data_format):
    x = convert_to_tensor(input)
    rank = len(x.shape)
    if rank == 3:
        return pool1d(x, ksize, strides, padding, data_format or "NWC")
    if rank == 4:
        return pool2d(x, ksize, strides, padding, data_format or "NHWC")
    if rank == 5:
        raise InvalidArgumentError(f"{op}: 3-D pooling (5-D input of shape {tuple(x.shape)}) is not supported; "
                                   "pool 3-D (NWC) or 4-D (NHWC) inputs")
    raise InvalidArgumentError(f"{op}: input must be 3-D (NWC) or 4-D (NHWC), got shape {tuple(x.shape)}")


def max_pool(input, ksize, strides, padding, data_format=None, name=None):
    """Max pooling of a 3-D (NWC) or 4-D (NHWC) input: ``max_pool1d`` or ``max_pool2d`` by rank, as ``tf.nn.max_pool``.

    Example:
        >>> tf.nn.max_pool(tf.ones((1, 4, 4, 1)), 2, 2, "VALID").shape  # (1, 2, 2, 1)
    """
    return _pool_nd("max_pool", max_pool1d, max_pool2d, input, ksize, strides, padding, data_format)


def avg_pool(input, ksize, strides, padding, data_format=None, name=None):
    """Average pooling of a 3-D (NWC) or 4-D (NHWC) input: ``avg_pool1d`` or ``avg_pool2d`` by rank.

    Example:
        >>> tf.nn.avg_pool(tf.ones((1, 4, 4, 1)), 2, 2, "SAME").shape  # (1, 2, 2, 1)
    """
    return _pool_nd("avg_pool", avg_pool1d, avg_pool2d, input, ksize, strides, padding, data_format)
