"""``tf.nn`` convolutions: conv2d, conv1d, conv2d_transpose, convolution and the conv2d backprops.

Layouts are TF's CPU layouts: NHWC / NWC inputs, HWIO / WIO filters. conv2d and its two backprops are
registry ops (each differentiable, so gradients of any order exist); conv1d runs conv2d on size-1-height views.
"""
from .._core import conv2d, conv2d_backprop_filter, conv2d_backprop_input, conv2d_transpose
from .._core import expand_dims, squeeze

__all__ = ["conv1d", "conv2d", "conv2d_backprop_filter", "conv2d_backprop_input", "conv2d_transpose",
           "convolution"]


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
    """TF's rank-generic convolution: conv1d for rank-3 inputs, conv2d for rank-4 inputs.

    Args:
        input: NWC (rank 3) or NHWC (rank 4) float tensor.
        filters: WIO or HWIO filters.
        strides: int or list; default 1.
        padding: "VALID" (default) or "SAME".
        data_format: None, "NWC" or "NHWC".
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
    raise ValueError(f"convolution: input must be rank 3 (NWC) or 4 (NHWC), got shape {tuple(input.shape)}")
