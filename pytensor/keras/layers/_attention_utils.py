"""Pieces shared by the multi-head attention layers (MultiHeadAttention, GroupQueryAttention): their base class,
Keras 3's EinsumDense projections written as one matmul, the attention masks Keras builds from the inputs' masks,
and the masked softmax / dropout step."""
import numpy as np

import pytensor as pt

from ..keras_tensor import KerasTensor
from .layer import Layer
from .softmax import _large_negative

__all__ = ["HeadsAttention", "positive_int", "project", "input_mask", "attention_mask_for", "softmax_and_dropout",
           "fused_attention"]


def positive_int(value):
    """Whether ``value`` is an int > 0 (bools excluded)."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool) and value > 0


class HeadsAttention(Layer):
    """Base of the layers called as ``layer(query, value, key=None, ...)``: builds from all three shapes (Keras's
    ``build(query_shape, value_shape, key_shape)``) and creates the projection weights. Subclasses set
    ``kernel_initializer`` ... ``bias_constraint`` and ``use_bias`` and implement ``_check_shapes`` and
    ``_build_projections`` (both given the three shapes as tuples)."""

    _casts_integer_inputs = True

    def build(self, query_shape, value_shape=None, key_shape=None):
        """Creates the projections for inputs of these shapes (``value_shape`` defaults to ``query_shape``,
        ``key_shape`` to ``value_shape``)."""
        query_shape = tuple(query_shape)
        value_shape = tuple(value_shape) if value_shape is not None else query_shape
        key_shape = tuple(key_shape) if key_shape is not None else value_shape
        self._check_shapes(query_shape, value_shape, key_shape)
        self._query_rank = len(query_shape)
        self._build_projections(query_shape, value_shape, key_shape)

    def _dense(self, name, kernel_shape, bias_shape):
        """The kernel and bias (None without ``use_bias``) of the projection ``name``, named as Keras's."""
        kernel = self.add_weight(name=f"{name}/kernel", shape=kernel_shape, initializer=self.kernel_initializer,
                                 regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        bias = self.add_weight(name=f"{name}/bias", shape=bias_shape, initializer=self.bias_initializer,
                               regularizer=self.bias_regularizer, constraint=self.bias_constraint) \
            if self.use_bias else None
        return kernel, bias

    def __call__(self, query, value=None, key=None, **kwargs):
        if value is None:
            raise ValueError(f"{type(self).__name__} layer '{self.name}' must be called as layer(query, value) or "
                             f"layer(query, value, key); the value is missing.")
        if not self.built and not any(isinstance(t, KerasTensor) for t in (query, value, key)):
            self.build(*[None if t is None else tuple(np.shape(t)) for t in (query, value, key)])
        return super().__call__(query, value, key, **kwargs)

    def _check_built_for(self, query, value, key):
        """Raises a ValueError naming the shapes when the inputs differ from those the layer was built for."""
        built = {"query": (self._query_rank, int(self.query_kernel.shape[0])),
                 "value": (self._query_rank, int(self.value_kernel.shape[0])),
                 "key": (self._query_rank, int(self.key_kernel.shape[0]))}
        for name, tensor in (("query", query), ("value", value), ("key", key)):
            rank, channels = built[name]
            shape = tuple(tensor.shape)
            if len(shape) != rank or shape[-1] != channels:
                raise ValueError(f"{type(self).__name__} layer '{self.name}' was built for a {name} of rank {rank} "
                                 f"with {channels} channels, received {name} shape {shape}; call it on inputs like "
                                 f"those it was built for, or create a new layer.")

    def compute_mask(self, inputs, mask=None):
        # The output carries the query's mask.
        return mask


def project(inputs, kernel, bias, contracted=1):
    """``inputs`` (``(..., *kernel.shape[:contracted])``) contracted with ``kernel`` over its first ``contracted``
    axes, plus ``bias``: Keras's EinsumDense projection, computed as one 2-D matmul on reshaped views."""
    in_shape = tuple(inputs.shape)
    k_shape = tuple(kernel.shape)
    inner = int(np.prod(k_shape[:contracted]))
    out_dims = list(k_shape[contracted:])
    flat = pt.matmul(pt.reshape(inputs, [-1, inner]), pt.reshape(kernel, [inner, -1]))
    if bias is not None:
        flat = pt.nn.bias_add(flat, pt.reshape(bias, [-1]))
    return pt.reshape(flat, list(in_shape[:len(in_shape) - contracted]) + out_dims)


def input_mask(tensor):
    """The Keras mask a tensor carries (``_keras_mask``), or None."""
    return getattr(tensor, "_keras_mask", None)


def _as_bool(mask):
    mask = pt.convert_to_tensor(mask)
    return mask if mask.dtype == pt.bool else pt.not_equal(mask, pt.zeros_like(mask))


def attention_mask_for(layer, q_len, k_len, query_mask=None, value_mask=None, key_mask=None, attention_mask=None,
                       use_causal_mask=False, sliding_window=None):
    """Keras 3's combined attention mask (True = attend): the query mask as ``(B, T, 1)``, the value and key masks
    as ``(B, 1, S)``, the causal ``(1, T, S)`` lower triangle, the sliding-window band and ``attention_mask``,
    joined by logical and; None when there is none. ``layer`` names the layer in errors."""
    parts = []
    for name, mask, axis, length in (("query", query_mask, -1, q_len), ("value", value_mask, -2, k_len),
                                     ("key", key_mask, -2, k_len)):
        if mask is None:
            continue
        mask = _as_bool(mask)
        if tuple(mask.shape)[-1] != length:
            raise ValueError(f"{type(layer).__name__} layer '{layer.name}': the {name} mask has shape "
                             f"{tuple(mask.shape)}, but the {name} has {length} steps; give a mask of shape "
                             f"(batch, {length}) (True = keep), e.g. from Masking or Embedding(mask_zero=True).")
        parts.append(pt.expand_dims(mask, axis))
    rows = np.arange(q_len)[:, None]
    cols = np.arange(k_len)[None, :]
    if use_causal_mask:
        parts.append(pt.constant((rows >= cols)[None]))
    if sliding_window is not None:
        parts.append(pt.constant((np.abs(rows - cols) < sliding_window)[None]))
    if attention_mask is not None:
        parts.append(_as_bool(attention_mask))
    if not parts:
        return None
    combined = parts[0]
    for part in parts[1:]:
        combined = pt.logical_and(combined, part)
    return combined


def _fit_mask(layer, mask, scores_shape, attention_axes):
    """``mask`` expanded at the heads axis (before the ``attention_axes`` query and key axes) until it has the
    scores' rank, as Keras does; a ValueError naming the layer when it does not broadcast to ``scores_shape``."""
    while len(mask.shape) < len(scores_shape):
        mask = pt.expand_dims(mask, -2 * attention_axes - 1)
    mask_shape = tuple(mask.shape)
    if len(mask_shape) > len(scores_shape) or any(m not in (1, s) for m, s in zip(mask_shape, scores_shape)):
        raise ValueError(f"{type(layer).__name__} layer '{layer.name}': the attention mask (shape "
                         f"{mask_shape} after adding the heads axis) does not fit the attention scores of shape "
                         f"{scores_shape}; give attention_mask the shape (batch, query steps, key steps).")
    return mask


def fused_attention(layer, q, k, v, mask):
    """``softmax(q k^T, masked) v`` of projected ``(B, steps, heads, ch)`` tensors (``q`` already scaled) in one
    fused op, its backward fused too; ``mask`` (True = attend) as for softmax_and_dropout. A query step whose keys
    are all masked gets uniform weights, as Keras 3's fused kernel gives."""
    q_shape, k_shape = tuple(q.shape), tuple(k.shape)
    keep = pt.constant(True) if mask is None else \
        _fit_mask(layer, mask, (q_shape[0], q_shape[2], q_shape[1], k_shape[1]), 1)
    return pt._core.dot_product_attention(q, k, v, pt.zeros((), q.dtype), keep)


def softmax_and_dropout(layer, scores, mask, softmax, rate, training, seed, return_scores):
    """Softmax of ``scores`` (Keras's layout, heads before the attention axes) where ``mask`` (expanded at the
    heads axis until it has the scores' rank, as Keras does) is True, then dropout of rate ``rate`` in training.
    Returns ``(probabilities, probabilities after dropout)``.

    A query step whose keys are all masked gets zeros when Keras takes its explicit path (scores returned,
    dropout, more than one steps axis) and the uniform weights of its fused kernel otherwise, as Keras 3 gives."""
    if mask is not None:
        mask = _fit_mask(layer, mask, tuple(scores.shape),
                         len(softmax.axis if isinstance(softmax.axis, tuple) else (softmax.axis,)))
    dropout = bool(training) and rate > 0.0
    if mask is not None and not (return_scores or dropout or len(scores.shape) != 4):
        probs = softmax(pt.where(mask, scores, pt.constant(_large_negative(scores.dtype), dtype=scores.dtype)))
    else:
        probs = softmax(scores, mask=mask)
    dropped = pt.nn.dropout(probs, rate, seed=seed) if dropout else probs
    return probs, dropped
