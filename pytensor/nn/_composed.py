"""The rest of ``tf.nn`` that is other tf.nn functions in another arrangement: erosion, the depthwise
backprops, the generic and atrous transposed convolutions, sparse embedding lookups, TF1's global batch
normalization, ``with_space_to_batch`` and isotonic regression.

All are core ops (or differentiable compositions of them), so tapes differentiate them.
"""

import numpy as np

from .. import _core
from .._tensor_api import Tensor, Variable
from ..data._types import SparseTensor

__all__ = [
    "erosion2d", "depthwise_conv2d_backprop_input", "depthwise_conv2d_backprop_filter", "conv_transpose",
    "atrous_conv2d_transpose", "embedding_lookup_sparse", "safe_embedding_lookup_sparse",
    "batch_norm_with_global_normalization", "with_space_to_batch", "isotonic_regression",
]


def _tensor(x):
    return x if isinstance(x, (Tensor, Variable)) else _core.convert_to_tensor(x)


def erosion2d(value, filters, strides, padding, data_format="NHWC", dilations=None, name=None):
    """Grayscale erosion: ``min over the window of value - filter``, the dual of ``dilation2d``
    (``-dilation2d(-value, reversed filter)``)."""
    kernel = _tensor(filters)
    if len(kernel.shape) != 3:
        raise ValueError(f"erosion2d: filters must be [height, width, channels], got shape {list(kernel.shape)}")
    flipped = kernel[::-1, ::-1, :]
    return -_core.dilation2d(-_tensor(value), flipped, strides, padding, data_format, dilations)


def _shape_list(shape, op):
    values = np.asarray(shape.numpy() if isinstance(shape, (Tensor, Variable)) else shape).astype(np.int64)
    if values.ndim != 1:
        raise ValueError(f"{op}: the shape must be a vector, got {values.tolist()}")
    return [int(v) for v in values]


def _depthwise_backprop(input, filter, out_backprop, strides, padding, data_format, dilations, wrt):  # noqa: A002
    """The gradient of depthwise_conv2d(input, filter) for `out_backprop`, with respect to input or filter (the
    one given as a shape is the zeros the tape differentiates at: the gradient is linear in it)."""
    from ..gradient_tape import GradientTape
    from ._conv import depthwise_conv2d

    kind = _tensor(out_backprop).dtype.name
    x = _core.zeros(tuple(_shape_list(input, "depthwise_conv2d_backprop_input")), kind) if wrt == "input" \
        else _tensor(input)
    w = _core.zeros(tuple(_shape_list(filter, "depthwise_conv2d_backprop_filter")), kind) if wrt == "filter" \
        else _tensor(filter)
    source = x if wrt == "input" else w
    with GradientTape() as tape:
        tape.watch(source)
        y = depthwise_conv2d(x, w, strides, padding, data_format, dilations)
    return tape.gradient(y, source, output_gradients=_tensor(out_backprop))


def depthwise_conv2d_backprop_input(input_sizes, filter, out_backprop, strides, padding, data_format="NHWC",  # noqa: A002
                                    dilations=None, name=None):
    """The gradient of ``depthwise_conv2d`` with respect to its input, for the output gradient `out_backprop`."""
    return _depthwise_backprop(input_sizes, filter, out_backprop, strides, padding, data_format, dilations, "input")


def depthwise_conv2d_backprop_filter(input, filter_sizes, out_backprop, strides, padding, data_format="NHWC",  # noqa: A002
                                     dilations=None, name=None):
    """The gradient of ``depthwise_conv2d`` with respect to its filter, for the output gradient `out_backprop`."""
    return _depthwise_backprop(input, filter_sizes, out_backprop, strides, padding, data_format, dilations,
                               "filter")


def conv_transpose(input, filters, output_shape, strides, padding="SAME", data_format=None, dilations=None,  # noqa: A002
                   name=None):
    """The transposed convolution of rank 1, 2 or 3, chosen from the rank of `output_shape`."""
    from ._conv import conv2d_transpose, conv3d_transpose
    from ._extra import conv1d_transpose

    rank = len(_shape_list(output_shape, "conv_transpose")) - 2
    chosen = {1: conv1d_transpose, 2: conv2d_transpose, 3: conv3d_transpose}.get(rank)
    if chosen is None:
        raise ValueError(f"conv_transpose: output_shape must have rank 3, 4 or 5 (1, 2 or 3 spatial dimensions), "
                         f"got {rank + 2}")
    kwargs = {"dilations": dilations} if dilations is not None else {}
    if data_format is not None:
        kwargs["data_format"] = data_format
    return chosen(input, filters, output_shape, strides, padding=padding, **kwargs)


def atrous_conv2d_transpose(value, filters, output_shape, rate, padding, name=None):
    """The transpose of ``atrous_conv2d``: conv2d_transpose with dilations = rate."""
    from ._conv import conv2d_transpose

    if int(rate) < 1:
        raise ValueError(f"atrous_conv2d_transpose: rate must be >= 1, got {rate}")
    return conv2d_transpose(value, filters, output_shape, 1, padding=padding, dilations=int(rate))


def embedding_lookup_sparse(params, sp_ids, sp_weights, combiner="mean", max_norm=None, name=None,
                            allow_fast_lookup=False):
    """Per row of the SparseTensor `sp_ids`: the embeddings of its ids combined ('sum', 'mean' or 'sqrtn'),
    weighted by `sp_weights` (None: weight 1)."""
    from ._normalization import embedding_lookup

    if combiner not in ("sum", "mean", "sqrtn"):
        raise ValueError(f"embedding_lookup_sparse: combiner must be 'sum', 'mean' or 'sqrtn', got {combiner!r}")
    if not isinstance(sp_ids, SparseTensor):
        raise TypeError(f"embedding_lookup_sparse: sp_ids must be a SparseTensor, got {type(sp_ids).__name__}")
    index = sp_ids.indices.numpy()
    rows = int(sp_ids.dense_shape.numpy()[0])
    segments = _core.constant(index[:, 0].astype(np.int64), "int64")
    embeddings = embedding_lookup(params, sp_ids.values, max_norm=max_norm)
    if sp_weights is None:
        weights = _core.ones((len(index),), embeddings.dtype.name)
    else:
        if not isinstance(sp_weights, SparseTensor) or not np.array_equal(sp_weights.indices.numpy(), index):
            raise ValueError("embedding_lookup_sparse: sp_weights must be a SparseTensor with the indices of sp_ids")
        weights = _core.cast(sp_weights.values, embeddings.dtype.name)
    extra = len(embeddings.shape) - 1
    weighted = embeddings * _core.reshape(weights, (-1,) + (1,) * extra)
    total = _core.unsorted_segment_sum(weighted, segments, rows)
    if combiner == "sum":
        return total
    scale = weights if combiner == "mean" else _core.square(weights)
    norm = _core.unsorted_segment_sum(scale, segments, rows)
    if combiner == "sqrtn":
        norm = _core.sqrt(norm)
    norm = _core.reshape(norm, (rows,) + (1,) * extra)
    # rows without ids stay zero (TF divides by the count and yields 0 for empty rows)
    return _core.where(norm > 0, total / _core.maximum(norm, _core.constant(1e-30, norm.dtype)), total * 0)


def safe_embedding_lookup_sparse(embedding_weights, sparse_ids, sparse_weights=None, combiner="mean",
                                 default_id=None, max_norm=None, name=None, allow_fast_lookup=False):
    """``embedding_lookup_sparse`` that drops negative ids (and weights <= 0) and gives rows with no id the
    embedding of `default_id` (zeros when None)."""
    if not isinstance(sparse_ids, SparseTensor):
        raise TypeError(f"safe_embedding_lookup_sparse: sparse_ids must be a SparseTensor, got "
                        f"{type(sparse_ids).__name__}")
    index, ids = sparse_ids.indices.numpy(), np.asarray(sparse_ids.values)
    keep = ids >= 0
    if sparse_weights is not None:
        keep &= np.asarray(sparse_weights.values) > 0
    shape = [int(d) for d in sparse_ids.dense_shape.numpy()]
    rows = shape[0]
    kept_ids = SparseTensor(index[keep], ids[keep], shape)
    kept_weights = None if sparse_weights is None else SparseTensor(
        index[keep], np.asarray(sparse_weights.values)[keep], shape)
    result = embedding_lookup_sparse(embedding_weights, kept_ids, kept_weights, combiner, max_norm)
    empty = np.ones(rows, bool)
    empty[index[keep][:, 0]] = False
    if default_id is None or not empty.any():
        return result
    from ._normalization import embedding_lookup

    fallback = embedding_lookup(embedding_weights, _core.constant(np.full(rows, default_id, np.int64), "int64"),
                                max_norm=max_norm)
    mask = _core.constant(empty.reshape((rows,) + (1,) * (len(result.shape) - 1)))
    return _core.where(mask, fallback, result)


def batch_norm_with_global_normalization(t=None, m=None, v=None, beta=None, gamma=None, variance_epsilon=None,
                                         scale_after_normalization=None, name=None, input=None, mean=None,  # noqa: A002
                                         variance=None):
    """TF1's batch normalization with given statistics: ``(t - m) / sqrt(v + eps) * gamma + beta`` (gamma only when
    `scale_after_normalization`)."""
    from ._normalization import batch_normalization

    t = input if input is not None else t
    m = mean if mean is not None else m
    v = variance if variance is not None else v
    if any(x is None for x in (t, m, v, beta, variance_epsilon, scale_after_normalization)):
        raise ValueError("batch_norm_with_global_normalization: t, m, v, beta, variance_epsilon and "
                         "scale_after_normalization are required")
    return batch_normalization(t, m, v, beta, gamma if scale_after_normalization else None, variance_epsilon)


def with_space_to_batch(input, dilation_rate, padding, op, filter_shape=None, spatial_dims=None,  # noqa: A002
                        data_format=None):
    """``op(converted_input, num_spatial_dims, padding)`` run on the input rearranged by space_to_batch so that
    a dilated (atrous) operation becomes a plain one, then rearranged back."""
    from .._array_ops import batch_to_space, space_to_batch

    x = _tensor(input)
    rates = [int(r) for r in np.atleast_1d(np.asarray(dilation_rate))]
    spatial = len(rates)
    if data_format not in (None, "NHWC", "NWC", "NDHWC"):
        raise ValueError(f"with_space_to_batch: only channels-last data formats, got {data_format!r}")
    if spatial_dims is not None and list(spatial_dims) != list(range(1, spatial + 1)):
        raise ValueError(f"with_space_to_batch: spatial_dims must be {list(range(1, spatial + 1))} (channels last), "
                         f"got {list(spatial_dims)}")
    mode = str(padding).upper()
    if mode not in ("VALID", "SAME"):
        raise ValueError(f"with_space_to_batch: padding must be 'VALID' or 'SAME', got {padding!r}")
    if all(r == 1 for r in rates):
        return op(x, spatial, mode)
    sizes = [int(d) for d in x.shape[1:1 + spatial]]
    if mode == "SAME":
        if filter_shape is None:
            raise ValueError("with_space_to_batch: filter_shape is required with padding='SAME'")
        spans = [(int(k) - 1) * r for k, r in zip(filter_shape, rates)]
        base = [[s // 2, s - s // 2] for s in spans]
    else:
        base = [[0, 0] for _ in rates]
    # pad so every padded spatial size is a multiple of its rate
    pads = [[lo, hi + (-(n + lo + hi)) % r] for (lo, hi), n, r in zip(base, sizes, rates)]
    crops = [[0, (-(n + lo + hi)) % r] for (lo, hi), n, r in zip(base, sizes, rates)]
    converted = space_to_batch(x, rates, pads)
    result = op(converted, spatial, "VALID")
    return batch_to_space(result, rates, crops)


def isotonic_regression(inputs, decreasing=True, axis=-1):
    """Per vector along `axis`: the nearest (least squares) non-increasing sequence (non-decreasing when
    `decreasing` is False), by pool-adjacent-violators; returns (solution, int32 segment ids). Gradients flow to
    the inputs as TF's do: each output is the mean of its segment's inputs."""
    x = _tensor(inputs)
    if not x.dtype.is_floating:
        raise TypeError(f"isotonic_regression: inputs must be floating, got {x.dtype.name}")
    rank = len(x.shape)
    axis = axis % rank
    moved = x if axis == rank - 1 else _core.transpose(x, [d for d in range(rank) if d != axis] + [axis])
    n = moved.shape[-1]
    flat = _core.reshape(moved, (-1, n))
    values = np.asarray(flat, np.float64)
    ids = np.zeros(values.shape, np.int32)
    for row, vector in enumerate(values):
        ids[row] = _pool_adjacent_violators(vector if decreasing else -vector)
    # the mean of each segment, as a matmul with a row-stochastic averaging matrix (differentiable in the inputs)
    same = (ids[:, :, None] == ids[:, None, :]).astype(values.dtype)
    averaging = _core.constant((same / same.sum(axis=2, keepdims=True)).astype(x.dtype.as_numpy_dtype))
    solved = _core.squeeze(_core.matmul(averaging, _core.expand_dims(flat, -1)), axis=-1)
    solved = _core.reshape(solved, tuple(moved.shape))
    segments = _core.constant(ids.reshape(tuple(moved.shape)))
    if axis != rank - 1:
        back = list(np.argsort([d for d in range(rank) if d != axis] + [axis]))
        solved, segments = _core.transpose(solved, back), _core.transpose(segments, back)
    return solved, segments


def _pool_adjacent_violators(vector):
    """Segment ids of the non-increasing least-squares fit of `vector`."""
    blocks = []  # [sum, count]
    for value in vector:
        blocks.append([value, 1])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] < blocks[-1][0] / blocks[-1][1]:
            total, count = blocks.pop()
            blocks[-1][0] += total
            blocks[-1][1] += count
    return np.repeat(np.arange(len(blocks)), [c for _, c in blocks])
