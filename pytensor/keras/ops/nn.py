"""``keras.ops.nn``: Keras 3's neural-network ops (activations, losses, convolution and pooling with Keras's
``strides`` / ``padding`` / ``data_format`` arguments, normalisation, one-hot) on pytensor's nn ops and
``keras.activations`` / ``keras.losses``."""
import numpy as _np

import pytensor as pt

from .. import activations as _activations
from .. import losses as _losses
from .numpy import _float, _tensor, _axis

# Activations: Keras 3's ops are keras.activations' functions with the same arguments.
relu = _activations.relu
relu6 = _activations.relu6
sigmoid = _activations.sigmoid
softplus = _activations.softplus
softsign = _activations.softsign
silu = _activations.silu
swish = _activations.silu
log_sigmoid = _activations.log_sigmoid
elu = _activations.elu
selu = _activations.selu
celu = _activations.celu
glu = _activations.glu
hard_sigmoid = _activations.hard_sigmoid
hard_silu = _activations.hard_silu
hard_swish = _activations.hard_silu
hard_tanh = _activations.hard_tanh
hard_shrink = _activations.hard_shrink
soft_shrink = _activations.soft_shrink
tanh_shrink = _activations.tanh_shrink
sparse_plus = _activations.sparse_plus
sparse_sigmoid = _activations.sparse_sigmoid
squareplus = _activations.squareplus
sparsemax = _activations.sparsemax
threshold = _activations.threshold


def gelu(x, approximate=True):
    """Gaussian error linear unit; Keras's op defaults to the tanh approximation (the activation does not)."""
    return _activations.gelu(_float(x), approximate=approximate)


def leaky_relu(x, negative_slope=0.2):
    """``x`` where positive, ``negative_slope * x`` elsewhere."""
    return _activations.leaky_relu(_float(x), negative_slope=negative_slope)


def softmax(x, axis=-1):
    """``exp(x) / sum(exp(x))`` over ``axis`` (a tuple of axes normalises over all of them jointly)."""
    x = _float(x)
    if isinstance(axis, (tuple, list)):
        shifted = x - pt.stop_gradient(pt.reduce_max(x, axis=list(axis), keepdims=True))
        e = pt.exp(shifted)
        return e / pt.reduce_sum(e, axis=list(axis), keepdims=True)
    return _activations.softmax(x, axis=axis)


def log_softmax(x, axis=-1):
    """``x - logsumexp(x)`` over ``axis``."""
    x = _float(x)
    if isinstance(axis, (tuple, list)):
        return x - pt.reduce_logsumexp(x, axis=list(axis), keepdims=True)
    return _activations.log_softmax(x, axis=axis)


# Losses: per-sample values, as Keras 3's ops (no reduction over the batch).
def binary_crossentropy(target, output, from_logits=False):
    """Elementwise binary crossentropy of probabilities (or logits), without any reduction."""
    target, output = _float(target), _float(output)
    if from_logits:
        return pt.nn.sigmoid_cross_entropy_with_logits(labels=target, logits=output)
    eps = _losses.EPSILON
    output = pt.clip_by_value(output, eps, 1.0 - eps)
    return -(target * pt.math.log(output) + (1.0 - target) * pt.math.log(1.0 - output))


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Crossentropy of one-hot ``target`` and probabilities (or logits) over ``axis``; Keras renormalises the
    probabilities to sum to 1 first."""
    target, output = _float(target), _float(output)
    if tuple(target.shape) != tuple(output.shape):
        raise ValueError(f"keras.ops.categorical_crossentropy: target shape {tuple(target.shape)} and output "
                         f"shape {tuple(output.shape)} differ; they must be equal (one-hot targets).")
    if from_logits:
        return -pt.reduce_sum(target * log_softmax(output, axis=axis), axis=axis)
    eps = _losses.EPSILON
    output = output / pt.reduce_sum(output, axis=axis, keepdims=True)
    output = pt.clip_by_value(output, eps, 1.0 - eps)
    return -pt.reduce_sum(target * pt.math.log(output), axis=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Crossentropy of integer class ``target`` and probabilities (or logits) over ``axis``."""
    output = _float(output)
    target = _tensor(target)
    if target.ndim == output.ndim and target.shape[-1] == 1:
        target = pt.squeeze(target, axis=[target.ndim - 1])
    one_hot_target = pt.one_hot(pt.cast(target, "int32"), output.shape[axis], dtype=output.dtype.name)
    return categorical_crossentropy(one_hot_target, output, from_logits=from_logits, axis=axis)


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """``x``'s integer classes as one-hot vectors along ``axis`` (float32 by default; out-of-range classes give
    zeros)."""
    if sparse:
        raise ValueError("keras.ops.one_hot: sparse=True is not supported (pytensor has no sparse tensors); "
                         "pass sparse=False.")
    return pt.one_hot(pt.cast(_tensor(x), "int32"), num_classes, axis=axis, dtype=dtype or "float32")


def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    """Per sample (last axis), 1 for every class present in ``inputs``; 1-D inputs are one sample."""
    num_classes = kwargs.pop("num_tokens", num_classes)
    inputs = _tensor(inputs)
    hot = one_hot(inputs, num_classes, axis=axis, dtype=dtype, sparse=sparse)
    reduce_axis = -2 if axis == -1 else axis
    if inputs.ndim == 1:
        reduce_axis = 0
    return pt.reduce_max(hot, axis=reduce_axis)


def moments(x, axes, keepdims=False, synchronized=False):
    """Mean and (population) variance of ``x`` over ``axes``."""
    return pt.nn.moments(_float(x), _axis(list(axes) if isinstance(axes, tuple) else axes), keepdims=keepdims)


def normalize(x, axis=-1, order=2, epsilon=None):
    """``x`` divided by its ``order``-norm over ``axis`` (L2 by default), the norm floored at ``epsilon``
    (Keras's ``epsilon()``, 1e-7, by default)."""
    if not isinstance(order, int) or order < 1:
        raise ValueError(f"keras.ops.normalize: order must be an int >= 1, got {order!r}.")
    x = _float(x)
    if x.ndim == 0:
        x = pt.expand_dims(x, 0)
    epsilon = 1e-7 if epsilon is None else epsilon
    if order == 2:  # x * rsqrt(sum x^2), as Keras computes it
        inverse_norm = pt.math.rsqrt(pt.reduce_sum(x * x, axis=axis, keepdims=True))
        return x * pt.minimum(inverse_norm, 1.0 / epsilon)
    norm = pt.reduce_sum(pt.abs(x) ** float(order), axis=axis, keepdims=True) ** (1.0 / order)
    return x / pt.maximum(norm, epsilon)


def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    """``(x - mean) / sqrt(variance + epsilon) * scale + offset`` with the statistics (1-D) along ``axis``."""
    x = _float(x)
    shape = [1] * x.ndim
    shape[axis] = -1

    def expand(v):
        return None if v is None else pt.reshape(_tensor(v, x.dtype.name), shape)

    return pt.nn.batch_normalization(x, expand(mean), expand(variance), expand(offset), expand(scale), epsilon)


# Convolution and pooling ----------------------------------------------------------------------------------------
def _spatial(value, n, name, op):
    values = [value] * n if isinstance(value, int) else list(value)
    if len(values) != n:
        raise ValueError(f"keras.ops.{op}: {name} must be an int or {n} ints for {n} spatial axes, got {value!r}.")
    return values


def _channels_first(data_format):
    if data_format not in (None, "channels_last", "channels_first"):
        raise ValueError(f"data_format must be 'channels_last' or 'channels_first', got {data_format!r}.")
    return data_format == "channels_first"


def _to_last(x, first):
    return pt.transpose(x, [0] + list(range(2, x.ndim)) + [1]) if first else x


def _to_first(x, first):
    return pt.transpose(x, [0, x.ndim - 1] + list(range(1, x.ndim - 1))) if first else x


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """N-D convolution (1-, 2- or 3-D) of ``inputs`` with ``kernel`` (spatial..., in, out)."""
    inputs = _float(inputs)
    first = _channels_first(data_format)
    n = inputs.ndim - 2
    out = pt.nn.convolution(_to_last(inputs, first), _tensor(kernel, inputs.dtype.name),
                            strides=_spatial(strides, n, "strides", "conv"), padding=padding.upper(),
                            dilations=_spatial(dilation_rate, n, "dilation_rate", "conv"))
    return _to_first(out, first)


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """2-D depthwise convolution, ``kernel`` of shape (h, w, in, multiplier)."""
    inputs = _float(inputs)
    first = _channels_first(data_format)
    if inputs.ndim != 4:
        raise ValueError(f"keras.ops.depthwise_conv: pytensor supports 2-D inputs (rank 4), got shape "
                         f"{tuple(inputs.shape)}.")
    s = _spatial(strides, 2, "strides", "depthwise_conv")
    out = pt.nn.depthwise_conv2d(_to_last(inputs, first), _tensor(kernel, inputs.dtype.name), [1] + s + [1],
                                 padding.upper(), dilations=_spatial(dilation_rate, 2, "dilation_rate",
                                                                     "depthwise_conv"))
    return _to_first(out, first)


def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid", data_format=None,
                   dilation_rate=1):
    """2-D depthwise convolution followed by a 1x1 convolution."""
    out = depthwise_conv(inputs, depthwise_kernel, strides, padding, data_format, dilation_rate)
    return conv(out, pointwise_kernel, 1, "valid", data_format)


def _pool(op, name, inputs, pool_size, strides, padding, data_format):
    inputs = _float(inputs)
    first = _channels_first(data_format)
    n = inputs.ndim - 2
    size = _spatial(pool_size, n, "pool_size", name)
    stride = size if strides is None else _spatial(strides, n, "strides", name)
    return _to_first(op(_to_last(inputs, first), size, stride, padding.upper()), first)


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Max pooling over 1, 2 or 3 spatial axes; ``strides`` default to ``pool_size``."""
    return _pool(pt.nn.max_pool, "max_pool", inputs, pool_size, strides, padding, data_format)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Average pooling over 1, 2 or 3 spatial axes (padding excluded from the average)."""
    return _pool(pt.nn.avg_pool, "average_pool", inputs, pool_size, strides, padding, data_format)


def _adaptive_windows(size, out):
    """(out, size) membership of PyTorch-style adaptive windows ``[floor(i size / out), ceil((i + 1) size / out))``,
    as Keras 3 pools."""
    starts = _np.floor(_np.arange(out) * size / out).astype(int)
    ends = _np.minimum(_np.ceil(_np.arange(1, out + 1) * size / out).astype(int), size)
    positions = _np.arange(size)
    return (positions[None, :] >= starts[:, None]) & (positions[None, :] < ends[:, None])


def _adaptive_pool(inputs, output_size, data_format, op, pool_axis):
    inputs = _float(inputs)
    first = _channels_first(data_format)
    x = _to_last(inputs, first)
    n = x.ndim - 2
    sizes = _spatial(output_size, n, "output_size", op)
    for axis, out in zip(range(1, n + 1), sizes):
        moved = pt.transpose(x, [i for i in range(x.ndim) if i != axis] + [axis])  # the pooled axis last
        pooled = pool_axis(moved, _adaptive_windows(x.shape[axis], out))
        order = list(range(x.ndim - 1))
        order.insert(axis, x.ndim - 1)
        x = pt.transpose(pooled, order)
    return _to_first(x, first)


def adaptive_average_pool(inputs, output_size, data_format=None):
    """Average pooling to ``output_size`` per spatial axis (1-, 2- or 3-D) over adaptive windows."""
    def pool_axis(x, windows):
        weights = (windows / windows.sum(axis=1, keepdims=True)).T.astype(x.dtype.name)  # (in, out)
        return pt.tensordot(x, pt.constant(weights), [[x.ndim - 1], [0]])

    return _adaptive_pool(inputs, output_size, data_format, "adaptive_average_pool", pool_axis)


def adaptive_max_pool(inputs, output_size, data_format=None):
    """Max pooling to ``output_size`` per spatial axis (1-, 2- or 3-D) over adaptive windows."""
    def pool_axis(x, windows):
        spread = pt.expand_dims(x, -2)  # (..., 1, in) against windows (out, in)
        lowest = pt.fill(pt.shape(spread), _np.array(-_np.inf, x.dtype.name))
        return pt.reduce_max(pt.where(pt.constant(windows), spread, lowest), axis=-1)

    return _adaptive_pool(inputs, output_size, data_format, "adaptive_max_pool", pool_axis)


def psnr(x1, x2, max_val):
    """Peak signal-to-noise ratio in dB: ``20 log10(max_val) - 10 log10(mse)``."""
    x1, x2 = _float(x1), _float(x2)
    mse = pt.reduce_mean(pt.square(x1 - x2))
    return 20.0 * _np.log10(max_val) - 10.0 * pt.math.log(mse) / _np.log(10.0)


def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None, data_format=None,
                   dilation_rate=1):
    """N-D transposed convolution (1-, 2- or 3-D), ``kernel`` of shape (spatial..., out, in); the output length
    per axis follows Keras's ``deconv_output_length``."""
    inputs = _float(inputs)
    first = _channels_first(data_format)
    x = _to_last(inputs, first)
    kernel = _tensor(kernel, inputs.dtype.name)
    n = x.ndim - 2
    s = _spatial(strides, n, "strides", "conv_transpose")
    d = _spatial(dilation_rate, n, "dilation_rate", "conv_transpose")
    pads = [None] * n if output_padding is None else _spatial(output_padding, n, "output_padding", "conv_transpose")
    lengths = []
    for size, k, stride, dilation, extra in zip(x.shape[1:-1], kernel.shape[:n], s, d, pads):
        k = (k - 1) * dilation + 1
        if extra is None:
            lengths.append(size * stride + (max(k - stride, 0) if padding == "valid" else 0))
        else:
            pad = k // 2 if padding == "same" else 0
            lengths.append((size - 1) * stride + k - 2 * pad + extra)
    shape = [x.shape[0]] + lengths + [kernel.shape[n]]
    if n == 1:
        out = pt.nn.conv2d_transpose(pt.expand_dims(x, 1), pt.expand_dims(kernel, 0), [shape[0], 1] + shape[1:],
                                     [1] + s, padding.upper(), dilations=[1] + d)
        out = pt.squeeze(out, axis=[1])
    elif n == 2:
        out = pt.nn.conv2d_transpose(x, kernel, shape, s, padding.upper(), dilations=d)
    else:
        out = pt.nn.conv3d_transpose(x, kernel, shape, s, padding.upper(), dilations=d)
    return _to_first(out, first)


def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    """``(x - mean) / sqrt(var + epsilon) * gamma + beta`` with the statistics over ``axis``."""
    x = _float(x)
    axes = list(axis) if isinstance(axis, (tuple, list)) else [axis]
    mean, variance = pt.nn.moments(x, axes, keepdims=True)
    out = (x - mean) * pt.math.rsqrt(variance + (1e-7 if epsilon is None else epsilon))
    if gamma is not None:
        out = out * _tensor(gamma, x.dtype.name)
    return out if beta is None else out + _tensor(beta, x.dtype.name)


def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    """``x / sqrt(mean(x ** 2) + epsilon) * scale`` over ``axis``."""
    x = _float(x)
    axes = list(axis) if isinstance(axis, (tuple, list)) else [axis]
    out = x * pt.math.rsqrt(pt.reduce_mean(x * x, axis=axes, keepdims=True) + (1e-7 if epsilon is None else epsilon))
    return out if scale is None else out * _tensor(scale, x.dtype.name)


def dot_product_attention(query, key, value, bias=None, mask=None, scale=None, is_causal=False,
                          flash_attention=None, attn_logits_soft_cap=None):
    """Scaled dot-product attention on (batch, length, heads, head_dim) tensors: ``softmax(q k^T * scale + bias)
    v`` with boolean ``mask`` (True keeps; a masked score becomes -1e9, as Keras masks) and ``is_causal``; fewer
    key/value heads than query heads are shared (grouped-query attention). One fused op (its backward fused too)
    unless ``attn_logits_soft_cap`` is set."""
    query = _float(query)
    key, value = _tensor(key, query.dtype.name), _tensor(value, query.dtype.name)
    heads, kv_heads = query.shape[-2], key.shape[-2]
    if heads % kv_heads:
        raise ValueError(f"keras.ops.dot_product_attention: {heads} query heads cannot share {kv_heads} key heads; "
                         f"the query's head count must be a multiple of the key's.")
    if kv_heads != heads:
        key = _repeat_heads(key, heads // kv_heads)
        value = _repeat_heads(value, heads // kv_heads)
    scale = 1.0 / float(_np.sqrt(query.shape[-1])) if scale is None else scale
    keep = None if mask is None else pt.cast(_tensor(mask), "bool")
    if is_causal:
        t, s = query.shape[1], key.shape[1]
        causal = pt.constant(_np.tri(t, s, dtype=bool))
        keep = causal if keep is None else pt.logical_and(keep, causal)
    if attn_logits_soft_cap is None:
        bias = pt.zeros((), query.dtype) if bias is None else _tensor(bias, query.dtype.name)
        return pt._core.dot_product_attention(query * pt.constant(scale, query.dtype), key, value, bias,
                                              pt.constant(True) if keep is None else keep)
    logits = pt.einsum("btnh,bsnh->bnts", query, key) * scale
    if attn_logits_soft_cap is not None:
        logits = pt.tanh(logits / attn_logits_soft_cap) * attn_logits_soft_cap
    if bias is not None:
        logits = logits + _tensor(bias, query.dtype.name)
    if keep is not None:
        logits = pt.where(keep, logits, pt.constant(-1e9, query.dtype))
    return pt.einsum("bnts,bsnh->btnh", pt.nn.softmax(logits, axis=-1), value)


def _repeat_heads(x, times):
    b, s, n, h = x.shape
    return pt.reshape(pt.tile(pt.expand_dims(x, 3), [1, 1, 1, times, 1]), [b, s, n * times, h])


def depth_to_space(x, block_size, data_format="channels_last"):
    """Channels moved into ``block_size x block_size`` spatial blocks (TF's order)."""
    x = _to_last(_tensor(x), _channels_first(data_format))
    b, h, w, c = x.shape
    out = pt.reshape(x, [b, h, w, block_size, block_size, c // (block_size * block_size)])
    out = pt.transpose(out, [0, 1, 3, 2, 4, 5])
    out = pt.reshape(out, [b, h * block_size, w * block_size, c // (block_size * block_size)])
    return _to_first(out, _channels_first(data_format))


def space_to_depth(x, block_size, data_format="channels_last"):
    """``block_size x block_size`` spatial blocks moved into channels (TF's order)."""
    x = _to_last(_tensor(x), _channels_first(data_format))
    b, h, w, c = x.shape
    out = pt.reshape(x, [b, h // block_size, block_size, w // block_size, block_size, c])
    out = pt.transpose(out, [0, 1, 3, 2, 4, 5])
    out = pt.reshape(out, [b, h // block_size, w // block_size, c * block_size * block_size])
    return _to_first(out, _channels_first(data_format))


def ctc_loss(target, output, target_length, output_length, mask_index=0):
    """Per-sample CTC loss of integer ``target`` (batch, max_label_length) under logits ``output`` (batch, time,
    classes), labels cut at ``target_length``; keras.losses.ctc's forward algorithm, so the blank must be class 0
    and every ``output_length`` the full time axis."""
    output = _float(output)
    target = pt.cast(_tensor(target), "int32")
    output_length = _np.asarray(output_length.numpy() if isinstance(output_length, pt.Tensor) else output_length)
    if mask_index != 0 or (output_length != output.shape[1]).any():
        raise ValueError(f"keras.ops.ctc_loss: pytensor's CTC takes blank class 0 and full-length outputs; got "
                         f"mask_index={mask_index} and output_length={output_length.tolist()} for {output.shape[1]} "
                         f"time steps.")
    positions = pt.expand_dims(pt.range(target.shape[1]), 0)
    in_label = pt.less(positions, pt.reshape(pt.cast(_tensor(target_length), "int32"), [-1, 1]))
    return _losses.ctc(pt.where(in_label, target, pt.zeros_like(target)), output)


from ..._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook("pytensor.keras.ops")  # a Keras op pytensor lacks says so (see _missing.py)
