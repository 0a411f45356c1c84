"""tf.nn: moments, batch_normalization, bias_add, embedding_lookup and dropout.

moments, batch_normalization, bias_add and embedding_lookup are compositions of registry ops (their
gradients come from those ops); dropout is a fused registry op whose gradient is its mask.
"""

from .. import _core

__all__ = ["moments", "batch_normalization", "bias_add", "embedding_lookup", "dropout"]


def _axes_list(axes, rank, op):
    axes = [axes] if isinstance(axes, int) else [int(a) for a in axes]
    for a in axes:
        if not -rank <= a < rank:
            raise ValueError(f"{op}: axis {a} is out of range for a tensor of rank {rank}")
    return axes


def moments(x, axes, shift=None, keepdims=False, name=None):
    """Mean and variance of ``x`` over ``axes``.

    ``mean = reduce_mean(x, axes)``, ``variance = reduce_mean((x - mean) ** 2, axes)``; as in TF, the mean
    inside the variance is a stop_gradient (the variance's derivative with respect to it is zero anyway).

    Args:
        x: float tensor.
        axes: int or list of ints to reduce over.
        shift: ignored (TF 2 ignores it too).
        keepdims: keep the reduced axes with length 1.
        name: ignored.

    Returns:
        ``(mean, variance)``.

    Example:
        >>> mean, var = pt.nn.moments(pt.constant([[1., 2.], [3., 6.]]), axes=[0])  # [2, 4], [1, 4]
    """
    x = _core.convert_to_tensor(x)
    axes = _axes_list(axes, len(x.shape), "moments")
    mean = _core.reduce_mean(x, axes, keepdims=True)
    variance = _core.reduce_mean(_core.squared_difference(x, _core.stop_gradient(mean)), axes, keepdims=True)
    if not keepdims:
        mean = _core.squeeze(mean, axes)
        variance = _core.squeeze(variance, axes)
    return mean, variance


def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None):
    """``scale * (x - mean) / sqrt(variance + variance_epsilon) + offset``, all broadcasting against ``x``.

    Computed as ``x * inv + (offset - mean * inv)`` with ``inv = scale * rsqrt(variance + epsilon)``, so the
    full-size tensor is touched by two element-wise ops only.

    Args:
        x: float tensor.
        mean, variance: tensors broadcastable to ``x`` (e.g. from ``moments``).
        offset: beta, or None for 0.
        scale: gamma, or None for 1.
        variance_epsilon: small float avoiding division by zero.
        name: ignored.

    Example:
        >>> pt.nn.batch_normalization(x, mean, var, offset=None, scale=None, variance_epsilon=1e-3)
    """
    x = _core.convert_to_tensor(x)
    dt = x.dtype
    mean = _core.convert_to_tensor(mean, dtype=dt)
    inv = _core.rsqrt(_core.add(_core.convert_to_tensor(variance, dtype=dt), _core.convert_to_tensor(variance_epsilon, dtype=dt)))
    if scale is not None:
        inv = _core.multiply(inv, _core.convert_to_tensor(scale, dtype=dt))
    shift = _core.negative(_core.multiply(mean, inv))
    if offset is not None:
        shift = _core.add(shift, _core.convert_to_tensor(offset, dtype=dt))
    return _core.add(_core.multiply(x, inv), shift)


def bias_add(value, bias, data_format=None, name=None):
    """Adds the 1-D ``bias`` along the channel dimension of ``value``.

    The channel dimension is the last one (``data_format`` None or "N...C", e.g. "NHWC") or the second
    ("NC...", e.g. "NCHW").

    Raises:
        ValueError: if ``value`` has rank < 2, ``bias`` is not 1-D, or its length is not the channel count.

    Example:
        >>> pt.nn.bias_add(pt.zeros((2, 3)), [1., 2., 3.])  # every row [1, 2, 3]
    """
    value = _core.convert_to_tensor(value)
    bias = _core.convert_to_tensor(bias, dtype=value.dtype)
    rank = len(value.shape)
    if rank < 2:
        raise ValueError(f"bias_add: value must have rank >= 2, got shape {tuple(value.shape)}")
    if len(bias.shape) != 1:
        raise ValueError(f"bias_add: bias must be 1-D, got shape {tuple(bias.shape)}")
    channels_first = data_format is not None and str(data_format).startswith("NC")
    if data_format is not None and not channels_first and not str(data_format).endswith("C"):
        raise ValueError(f"bias_add: data_format must be None, 'N...C' or 'NC...', got {data_format!r}")
    axis = 1 if channels_first else rank - 1
    if bias.shape[0] != value.shape[axis]:
        raise ValueError(f"bias_add: bias of length {bias.shape[0]} must match the channel dimension "
                         f"{value.shape[axis]} (axis {axis}) of value of shape {tuple(value.shape)} "
                         f"(data_format={data_format!r})")
    if channels_first:
        bias = _core.reshape(bias, [-1] + [1] * (rank - 2))
    return _core.add(value, bias)


def embedding_lookup(params, ids, max_norm=None, name=None):
    """Rows of ``params`` at ``ids``: ``gather(params, ids)``; its gradient is a scatter-add into ``params``.

    Args:
        params: tensor of shape (vocabulary, ...), or a Python list of such shards (joined along axis 0,
            TF's "div" partitioning; as in TF, a nested Python list is a list of shards, not a tensor).
        ids: int32 / int64 tensor of any shape.
        max_norm: when given, each looked-up embedding whose l2 norm exceeds it is rescaled to it.
        name: ignored.

    Returns:
        A tensor of shape ``ids.shape + params.shape[1:]``.

    Example:
        >>> pt.nn.embedding_lookup(pt.constant([[0., 1.], [2., 3.]]), [1, 1, 0])  # [[2, 3], [2, 3], [0, 1]]
    """
    if isinstance(params, (list, tuple)):
        params = params[0] if len(params) == 1 else _core.concat(list(params), 0)
    params = _core.convert_to_tensor(params)
    out = _core.gather(params, ids)
    _core.mark_row_gather(out)  # as TF: a table that is a source gets IndexedSlices
    if max_norm is None:
        return out
    embed_rank = len(params.shape) - 1
    axes = list(range(len(out.shape) - embed_rank, len(out.shape)))
    norm = _core.sqrt(_core.reduce_sum(_core.square(out), axes, keepdims=True))
    limit = _core.convert_to_tensor(max_norm, dtype=out.dtype)
    return _core.divide(_core.multiply(out, limit), _core.maximum(norm, limit))


def dropout(x, rate, noise_shape=None, seed=None, name=None):
    """Zeroes each element with probability ``rate`` and scales the rest by ``1 / (1 - rate)``.

    The kept positions come from a uniform draw of shape ``noise_shape`` (default: ``x``'s shape), which
    broadcasts against ``x`` (e.g. ``[batch, 1, 1, channels]`` drops whole channels). Seeds follow
    ``pytensor.random``'s TF 2 rules. The gradient is the same mask.

    Args:
        x: float tensor.
        rate: fraction dropped, in [0, 1).
        noise_shape: shape of the keep / drop flags, broadcastable to ``x``'s shape.
        seed: op-level seed.
        name: ignored.

    Raises:
        ValueError: if ``rate`` is not in [0, 1) or ``noise_shape`` does not broadcast.

    Example:
        >>> pt.nn.dropout(pt.ones((2, 4)), rate=0.5, seed=1)  # entries 0 or 2
    """
    return _core.dropout(x, _checked_rate(rate, "dropout"), noise_shape, seed)


def _checked_rate(rate, op):
    """`rate` as a Python float in [0, 1); ValueError naming `op` otherwise."""
    if hasattr(rate, "numpy"):
        rate = rate.numpy()
    try:
        rate = float(rate)
    except (TypeError, ValueError):
        raise ValueError(f"{op}: rate must be a scalar in [0, 1), got {rate!r}") from None
    if not 0 <= rate < 1:
        raise ValueError(f"{op}: rate must be a scalar in [0, 1) (the fraction dropped), got {rate}")
    return rate
