"""More of ``tf.nn`` composed of core ops: top-k, normalisation statistics, Poisson and weighted cross-entropy
losses, CReLU, space/depth rearrangement, local response normalisation, atrous and 1-D transposed convolution,
and the generic ``pool`` (``compute_average_loss`` / ``scale_regularization_loss`` are tf.distribute's)."""

import math as _pymath

import numpy as np

from .. import _core
from .._array_ops import space_to_batch  # noqa: F401  TF has these in tf.nn too
from .._math_ops import in_top_k, l2_normalize, top_k, zero_fraction  # noqa: F401
from .._tensor_api import Tensor, Variable
from ..errors import InvalidArgumentError

__all__ = [
    "top_k", "in_top_k", "l2_normalize", "zero_fraction", "approx_max_k", "approx_min_k", "log_poisson_loss",
    "weighted_cross_entropy_with_logits", "sufficient_statistics", "normalize_moments", "weighted_moments", "crelu",
    "space_to_depth", "depth_to_space", "local_response_normalization", "lrn", "atrous_conv2d", "conv1d_transpose", "pool", "space_to_batch",
]


def _float(x, op):
    if not isinstance(x, (Tensor, Variable)):
        x = _core.convert_to_tensor(x, dtype_hint=None if isinstance(x, (np.ndarray, np.generic)) else "float32")
    if not x.dtype.is_floating:
        raise TypeError(f"{op}: got dtype {x.dtype.name}, expected a floating dtype (float32 or float64)")
    return x


def approx_max_k(operand, k, reduction_dimension=-1, recall_target=0.95, reduction_input_size_override=-1,
                 aggregate_to_topk=True, name=None):
    """The k largest entries of the last axis and their indices (computed exactly)."""
    if reduction_dimension not in (-1, _float(operand, "approx_max_k").ndim - 1):
        raise InvalidArgumentError("approx_max_k: only the last dimension is supported")
    return top_k(operand, k)


def approx_min_k(operand, k, reduction_dimension=-1, recall_target=0.95, reduction_input_size_override=-1,
                 aggregate_to_topk=True, name=None):
    """The k smallest entries of the last axis and their indices (computed exactly)."""
    values, indices = approx_max_k(-_float(operand, "approx_min_k"), k, reduction_dimension)
    return -values, indices


def log_poisson_loss(targets, log_input, compute_full_loss=False, name=None):
    """exp(log_input) - log_input * targets, plus Stirling's term for targets > 1 when `compute_full_loss`."""
    log_input = _float(log_input, "log_poisson_loss")
    targets = _core.convert_to_tensor(targets, dtype=log_input.dtype)
    loss = _core.exp(log_input) - log_input * targets
    if compute_full_loss:
        safe = _core.where(targets > 1.0, targets, _core.ones_like(targets))
        stirling = safe * _core.log(safe) - safe + 0.5 * _core.log(2.0 * _pymath.pi * safe)
        loss = loss + _core.where(targets > 1.0, stirling, _core.zeros_like(targets))
    return loss


def weighted_cross_entropy_with_logits(labels, logits, pos_weight, name=None):
    """Sigmoid cross-entropy with the positive term weighted by `pos_weight`, stable for any logit."""
    logits = _float(logits, "weighted_cross_entropy_with_logits")
    labels = _core.convert_to_tensor(labels, dtype=logits.dtype)
    weight = 1.0 + (pos_weight - 1.0) * labels
    return (1.0 - labels) * logits + weight * (_core.log1p(_core.exp(-_core.abs(logits))) +
                                               _core.relu(-logits))


def _axes(axes, rank, op):
    axes = [axes] if isinstance(axes, int) else list(axes)
    for a in axes:
        if not -rank <= a < rank:
            raise InvalidArgumentError(f"{op}: axis {a} is out of range for a tensor of rank {rank}")
    return sorted(a % rank for a in axes)


def sufficient_statistics(x, axes, shift=None, keepdims=False, name=None):
    """(count, sum(x - shift), sum((x - shift)^2), shift) over `axes`: what normalize_moments turns into a mean
    and variance."""
    x = _float(x, "sufficient_statistics")
    axes = _axes(axes, x.ndim, "sufficient_statistics")
    count = _core.constant(float(np.prod([x._shape_tuple()[a] for a in axes])), x.dtype)
    centred = x if shift is None else x - shift
    mean_ss = _core.reduce_sum(centred, axis=axes, keepdims=keepdims)
    var_ss = _core.reduce_sum(_core.square(centred), axis=axes, keepdims=keepdims)
    return count, mean_ss, var_ss, (None if shift is None else _core.convert_to_tensor(shift, dtype=x.dtype))


def normalize_moments(counts, mean_ss, variance_ss, shift, name=None):
    """(mean, variance) from sufficient statistics."""
    shifted_mean = mean_ss / counts
    mean = shifted_mean if shift is None else shifted_mean + shift
    return mean, variance_ss / counts - _core.square(shifted_mean)


def weighted_moments(x, axes, frequency_weights, keepdims=False, name=None):
    """(mean, variance) over `axes` with each element counted `frequency_weights` times (broadcast to x)."""
    x = _float(x, "weighted_moments")
    axes = _axes(axes, x.ndim, "weighted_moments")
    weights = _core.broadcast_to(_core.convert_to_tensor(frequency_weights, dtype=x.dtype), x._shape_tuple())
    total = _core.reduce_sum(weights, axis=axes, keepdims=True)
    mean = _core.reduce_sum(weights * x, axis=axes, keepdims=True) / total
    variance = _core.reduce_sum(weights * _core.square(x - mean), axis=axes, keepdims=True) / total
    if not keepdims:
        mean, variance = _core.squeeze(mean, axes), _core.squeeze(variance, axes)
    return mean, variance


def crelu(features, axis=-1, name=None):
    """concat([relu(x), relu(-x)], axis)."""
    x = _float(features, "crelu")
    return _core.concat([_core.relu(x), _core.relu(-x)], axis)


def _nhwc(x, data_format, op):
    if data_format not in ("NHWC", None):
        raise ValueError(f"{op}: only data_format='NHWC' is supported, got {data_format!r}")
    if x.ndim != 4:
        raise InvalidArgumentError(f"{op}: the input must be 4-D (batch, height, width, channels), got shape "
                                   f"{x._shape_tuple()}")
    return x._shape_tuple()


def space_to_depth(input, block_size, data_format="NHWC", name=None):  # noqa: A002 - TF's name
    """Moves each block_size x block_size spatial block into the channels."""
    x = input if isinstance(input, (Tensor, Variable)) else _core.convert_to_tensor(input)
    b, h, w, c = _nhwc(x, data_format, "space_to_depth")
    bs = int(block_size)
    if bs < 2 or h % bs or w % bs:
        raise InvalidArgumentError(f"space_to_depth: block_size {bs} must be >= 2 and divide height {h} and width "
                                   f"{w}")
    blocks = _core.reshape(x, (b, h // bs, bs, w // bs, bs, c))
    return _core.reshape(_core.transpose(blocks, (0, 1, 3, 2, 4, 5)), (b, h // bs, w // bs, bs * bs * c))


def depth_to_space(input, block_size, data_format="NHWC", name=None):  # noqa: A002 - TF's name
    """Moves channels into block_size x block_size spatial blocks (the inverse of space_to_depth)."""
    x = input if isinstance(input, (Tensor, Variable)) else _core.convert_to_tensor(input)
    b, h, w, c = _nhwc(x, data_format, "depth_to_space")
    bs = int(block_size)
    if bs < 2 or c % (bs * bs):
        raise InvalidArgumentError(f"depth_to_space: block_size {bs} must be >= 2 with block_size^2 dividing the "
                                   f"{c} channels")
    blocks = _core.reshape(x, (b, h, w, bs, bs, c // (bs * bs)))
    return _core.reshape(_core.transpose(blocks, (0, 1, 3, 2, 4, 5)), (b, h * bs, w * bs, c // (bs * bs)))


def local_response_normalization(input, depth_radius=5, bias=1.0, alpha=1.0, beta=0.5, name=None):  # noqa: A002
    """input / (bias + alpha * sum of squares over the 2 * depth_radius + 1 neighbouring channels) ** beta."""
    x = _float(input, "local_response_normalization")
    if x.ndim != 4:
        raise InvalidArgumentError(f"local_response_normalization: the input must be 4-D, got shape "
                                   f"{x._shape_tuple()}")
    r = int(depth_radius)
    c = x._shape_tuple()[-1]
    padded = _core.pad(_core.square(x), [[0, 0], [0, 0], [0, 0], [r, r]])
    window = padded[..., 0:c]
    for offset in range(1, 2 * r + 1):
        window = window + padded[..., offset:offset + c]
    return x * _core.pow(bias + alpha * window, _core.constant(-float(beta), x.dtype))


lrn = local_response_normalization


def atrous_conv2d(value, filters, rate, padding, name=None):
    """2-D convolution with holes: conv2d with dilations = rate."""
    from ._conv import conv2d

    return conv2d(value, filters, strides=1, padding=padding, dilations=int(rate))


def conv1d_transpose(input, filters, output_shape, strides, padding="SAME", data_format="NWC", dilations=None,
                     name=None):  # noqa: A002 - TF's name
    """The transpose of conv1d: conv2d_transpose over a height of 1."""
    from ._conv import conv2d_transpose

    if data_format not in ("NWC", None):
        raise ValueError(f"conv1d_transpose: only data_format='NWC' is supported, got {data_format!r}")
    x = _float(input, "conv1d_transpose")
    kernel = _core.expand_dims(_float(filters, "conv1d_transpose"), 0)
    shape = [int(d) for d in (output_shape.numpy() if hasattr(output_shape, "numpy") else output_shape)]
    stride = strides if isinstance(strides, int) else list(strides)[-2 if len(list(strides)) == 3 else 0]
    dilation = 1 if dilations is None else (dilations if isinstance(dilations, int) else list(dilations)[0])
    out = conv2d_transpose(_core.expand_dims(x, 1), kernel, [shape[0], 1, shape[1], shape[2]], [1, stride],
                           padding=padding, dilations=[1, dilation])
    return _core.squeeze(out, 1)


def pool(input, window_shape, pooling_type, strides=None, padding="VALID", dilation_rate=None, name=None,
         data_format=None):  # noqa: A002 - TF's name
    """max or average pooling of N-D windows (dispatches to max_pool / avg_pool)."""
    from ._pool import avg_pool, max_pool

    if pooling_type not in ("MAX", "AVG"):
        raise ValueError(f"pool: pooling_type must be 'MAX' or 'AVG', got {pooling_type!r}")
    if dilation_rate is not None and any(int(d) != 1 for d in np.atleast_1d(dilation_rate)):
        raise InvalidArgumentError("pool: dilation_rate other than 1 is not supported")
    window = list(np.atleast_1d(window_shape).tolist())
    stride = window if strides is None else list(np.atleast_1d(strides).tolist())
    fn = max_pool if pooling_type == "MAX" else avg_pool
    return fn(input, ksize=window, strides=stride, padding=padding, data_format=data_format)
