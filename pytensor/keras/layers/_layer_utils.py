"""Argument normalisation and input-shape checks shared by the conv, pooling, normalization,
recurrent and merge layers."""
import pytensor as pt

from ..backend import image_data_format

__all__ = ["normalize_tuple", "normalize_padding", "normalize_pairs", "check_data_format", "check_input_shape",
           "conv_output_length", "to_channels_last", "to_data_format", "shape_to_channels_last",
           "shape_to_data_format"]


def normalize_tuple(value, n, name, layer_name):
    """Returns ``value`` (an int or an iterable of ``n`` ints) as a tuple of ``n`` positive ints.

    Raises:
        ValueError: naming the layer and the argument when ``value`` has the wrong length or a value < 1.
    """
    values = (value,) * n if isinstance(value, int) else tuple(value)
    if len(values) != n or not all(isinstance(v, int) and v >= 1 for v in values):
        raise ValueError(
            f"{layer_name}: the `{name}` argument must be a positive int or a tuple of {n} positive ints; "
            f"received {name}={value!r}.")
    return values


def normalize_pairs(value, n, name, layer_name):
    """Returns ``value`` as ``n`` ``(before, after)`` pairs of ints >= 0, from an int (every side), ``n`` ints (one
    per axis, both sides) or ``n`` pairs; with ``n == 1`` a single pair ``(before, after)`` is also accepted.

    Raises:
        ValueError: naming the layer and the argument for any other form or a negative value.
    """
    def is_int(v):
        return isinstance(v, int) and not isinstance(v, bool) and v >= 0
    pairs = None
    if is_int(value):
        pairs = ((value, value),) * n
    elif isinstance(value, (list, tuple)):
        items = tuple(value)
        if n == 1 and len(items) == 2 and all(is_int(v) for v in items):
            pairs = (items,)
        elif len(items) == n and all(is_int(v) for v in items):
            pairs = tuple((v, v) for v in items)
        elif len(items) == n and all(isinstance(p, (list, tuple)) and len(p) == 2 and all(is_int(v) for v in p)
                                     for p in items):
            pairs = tuple(tuple(p) for p in items)
    if pairs is None:
        forms = "an int or a tuple of 2 ints (before, after)" if n == 1 else \
            f"an int, a tuple of {n} ints or a tuple of {n} (before, after) tuples"
        raise ValueError(f"{layer_name}: `{name}` must be {forms}, all >= 0; received {name}={value!r}.")
    return pairs


def normalize_padding(padding, layer_name, allowed=("valid", "same")):
    """Returns ``padding`` lower-cased after checking it is one of ``allowed``."""
    mode = str(padding).lower()
    if mode not in allowed:
        raise ValueError(f"{layer_name}: `padding` must be one of {allowed}; received padding={padding!r}.")
    return mode


def check_data_format(data_format, layer_name, channels_first=False):
    """Accepts ``None`` (``keras.backend.image_data_format()``) and ``"channels_last"``, and ``"channels_first"``
    where the layer supports it (``channels_first=True``); anything else raises a ValueError naming the fix."""
    allowed = ("channels_last", "channels_first") if channels_first else ("channels_last",)
    fmt = image_data_format() if data_format is None else data_format
    if fmt not in allowed:
        if fmt == "channels_first":
            raise ValueError(
                f"{layer_name}: only data_format='channels_last' (NHWC) is supported; received "
                f"data_format={data_format!r}. Transpose your input to channels-last, e.g. "
                f"tf.transpose(x, [0, 2, 3, 1]) for NCHW images, and drop the data_format argument.")
        raise ValueError(f"{layer_name}: `data_format` must be one of {allowed}; received data_format={data_format!r}.")
    return fmt


def to_channels_last(x, data_format):
    """``x`` with its channels axis moved from position 1 to the end when ``data_format`` is channels_first."""
    if data_format != "channels_first":
        return x
    rank = len(x.shape)
    return pt.transpose(x, [0] + list(range(2, rank)) + [1])


def to_data_format(x, data_format):
    """The inverse of :func:`to_channels_last`: a channels_last result back in ``data_format``."""
    if data_format != "channels_first":
        return x
    rank = len(x.shape)
    return pt.transpose(x, [0, rank - 1] + list(range(1, rank - 1)))


def shape_to_channels_last(shape, data_format):
    """A shape tuple (batch axis included) in channels_last order."""
    shape = tuple(shape)
    return shape[:1] + shape[2:] + shape[1:2] if data_format == "channels_first" else shape


def shape_to_data_format(shape, data_format):
    """The inverse of :func:`shape_to_channels_last`."""
    shape = tuple(shape)
    return shape[:1] + shape[-1:] + shape[1:-1] if data_format == "channels_first" else shape


def _as_tuple(shape):
    if hasattr(shape, "as_list"):
        shape = shape.as_list()
    return tuple(None if d is None else int(d) for d in shape)


def check_input_shape(layer, input_shape, ndim, example, axes=None, fix=None):
    """Checks a layer's input shape: its rank (``ndim`` int, or ``(min, max)``) and fixed axes.

    Args:
        layer: the layer (its class and name go into the message).
        input_shape: the received shape, batch dimension included.
        ndim: the required rank, or a ``(min_rank, max_rank)`` pair.
        example: the expected shape as text, e.g. ``"(batch, height, width, channels)"``.
        axes: optional ``{axis: size}`` the input must match (sizes the layer was built with).
        fix: optional sentence saying how to fix it; a default is derived from the rank.

    Returns:
        The shape as a tuple of ints and ``None``.

    Raises:
        ValueError: naming the layer, the expected and received shapes and the fix.
    """
    shape = _as_tuple(input_shape)
    lo, hi = (ndim, ndim) if isinstance(ndim, int) else ndim
    problem = None
    if not lo <= len(shape) <= hi:
        rank = str(lo) if lo == hi else f"{lo} to {hi}"
        problem = f"expected an input of rank {rank} with shape {example}, received shape {shape} (rank {len(shape)})"
        if fix is None and len(shape) == lo - 1:
            fix = ("add the missing axis, e.g. a channels axis with tf.expand_dims(x, -1) or Reshape, or give the "
                   "first layer input_shape without the batch dimension")
    else:
        for axis, size in (axes or {}).items():
            if shape[axis] is not None and shape[axis] != size:
                problem = (f"expected axis {axis} of the input to have size {size} (the layer was built for "
                           f"shape {example}), received shape {shape}")
                fix = fix or "call the layer on inputs of the shape it was built for, or create a new layer"
                break
    if problem:
        cls = type(layer).__name__
        raise ValueError(f"{cls} layer '{getattr(layer, 'name', cls)}': {problem}. "
                         f"Fix: {fix or 'reshape the input to the expected shape'}.")
    return shape


def known_channels(layer, input_shape, ndim, example):
    """Checks a channels_last input shape like ``check_input_shape`` and returns its channel count (last axis),
    raising ValueError when that is unknown: the convolution layers size their kernels by it."""
    shape = check_input_shape(layer, input_shape, ndim, example)
    if shape[-1] is None:
        raise ValueError(f"{type(layer).__name__} layer '{layer.name}': the channels axis (last) of the input "
                         f"must be known; received shape {shape}. Give the input a fixed channel count.")
    return shape[-1]

def conv_output_length(length, window, padding, stride, dilation=1):
    """Output length of a convolution or pooling window over ``length`` (None stays None)."""
    if length is None:
        return None
    span = (window - 1) * dilation + 1
    if padding in ("same", "causal"):
        return -(-length // stride)
    return max(0, (length - span) // stride + 1)


class ChannelsFirstByTranspose:
    """Mixin of the reshaping layers written for channels_last (``_call``, ``_output_shape``): a channels_first
    input is transposed to channels_last and the result back, which gives exactly the channels_last numbers."""

    def call(self, inputs):
        return to_data_format(self._call(to_channels_last(inputs, self.data_format)), self.data_format)

    def compute_output_shape(self, input_shape):
        shape = self._output_shape(shape_to_channels_last(input_shape, self.data_format))
        return shape_to_data_format(shape, self.data_format)
