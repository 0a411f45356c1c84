"""Keras MultiHeadAttention layer."""
import math

import numpy as np

import pytensor as pt

from .. import initializers, regularizers
from ._attention_utils import HeadsAttention, attention_mask_for, fused_attention, input_mask, positive_int, \
    project, softmax_and_dropout
from .softmax import Softmax

__all__ = ["MultiHeadAttention"]


class MultiHeadAttention(HeadsAttention):
    """Multi-head attention (Vaswani et al.), as Keras 3: ``mha(query, value, key=None)``.

    The query, key and value are projected to ``num_heads`` heads of ``key_dim`` (``value_dim`` for the value)
    channels; per head ``softmax(q k^T / sqrt(key_dim)) v`` over the ``attention_axes`` (default: every axis
    between the batch and the channels), and the heads projected back to the query's width (or
    ``output_shape``). Weights in Keras 3's layout, so Keras-saved weights load: ``query/kernel``
    ``(d_query, num_heads, key_dim)``, ``query/bias`` ``(num_heads, key_dim)``, the same for ``key`` and ``value``
    (``value_dim``), ``attention_output/kernel`` ``(num_heads, value_dim, *output_shape)`` and its bias.

    Call arguments: ``query`` ``(B, T, d)``, ``value`` ``(B, S, dv)``, ``key`` (default ``value``),
    ``attention_mask`` (bool ``(B, T, S)``, True = attend), ``return_attention_scores`` (also return the
    ``(B, num_heads, T, S)`` probabilities), ``training`` (dropout on the probabilities), ``use_causal_mask``
    (position ``i`` attends to ``j <= i``). The Keras masks the inputs carry (``Masking``,
    ``Embedding(mask_zero=True)``) join the attention mask, and the output carries the query's mask.
    ``flash_attention`` is accepted for Keras's signature and has no effect: with one steps axis, no returned scores
    and no dropout the attention is one fused op (``keras.ops.dot_product_attention``'s, its backward fused too),
    otherwise the composed einsum / softmax path Keras describes.

    Example:
        >>> mha = keras.layers.MultiHeadAttention(num_heads=2, key_dim=4)
        >>> mha(tf.ones((1, 5, 8)), tf.ones((1, 3, 6))).shape
        TensorShape([1, 5, 8])

    Raises:
        ValueError: for non-positive ``num_heads`` / ``key_dim``, inputs of rank < 3, value and key shapes that
            differ except in the last axis, and masks that do not fit the inputs.
    """

    def __init__(self, num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True, output_shape=None,
                 attention_axes=None, sliding_window=None, flash_attention=None,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 use_gate=False, seed=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        for arg, value in (("num_heads", num_heads), ("key_dim", key_dim)):
            if not positive_int(value):
                raise ValueError(f"MultiHeadAttention layer '{self.name}': `{arg}` must be a positive int; "
                                 f"received {arg}={value!r}.")
        if value_dim is not None and not positive_int(value_dim):
            raise ValueError(f"MultiHeadAttention layer '{self.name}': `value_dim` must be a positive int or None "
                             f"(then key_dim); received value_dim={value_dim!r}.")
        if not 0.0 <= float(dropout) < 1.0:
            raise ValueError(f"MultiHeadAttention layer '{self.name}': `dropout` must be in [0, 1); received "
                             f"dropout={dropout!r}.")
        if sliding_window is not None and not positive_int(sliding_window):
            raise ValueError(f"MultiHeadAttention layer '{self.name}': `sliding_window` must be None or a positive "
                             f"int; received sliding_window={sliding_window!r}.")
        if isinstance(attention_axes, int):
            attention_axes = (attention_axes,)
        elif attention_axes is not None and not isinstance(attention_axes, (list, tuple)):
            raise ValueError(f"MultiHeadAttention layer '{self.name}': `attention_axes` must be an int, list or "
                             f"tuple; received attention_axes={attention_axes!r}.")
        if isinstance(output_shape, int):
            output_shape = (output_shape,)
        self.supports_masking = True
        self.num_heads = int(num_heads)
        self.key_dim = int(key_dim)
        self.value_dim = int(value_dim) if value_dim else self.key_dim
        self.dropout = float(dropout)
        self.use_bias = bool(use_bias)
        self.use_gate = bool(use_gate)
        self.output_shape_arg = tuple(output_shape) if output_shape else None
        self.attention_axes = tuple(attention_axes) if attention_axes is not None else None
        self.sliding_window = sliding_window
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = kernel_constraint
        self.bias_constraint = bias_constraint
        self.seed = seed

    # ---- building ----
    def _check_shapes(self, query_shape, value_shape, key_shape):
        cls = type(self).__name__
        if len(query_shape) < 3 or len(value_shape) < 3:
            raise ValueError(f"{cls} layer '{self.name}': query and value must have rank >= 3, (batch, steps..., "
                             f"channels); received query shape {query_shape}, value shape {value_shape}. Add a "
                             f"steps axis, e.g. tf.expand_dims(x, 1) for a single step.")
        if tuple(value_shape[1:-1]) != tuple(key_shape[1:-1]):
            raise ValueError(f"{cls} layer '{self.name}': all dimensions of `value` and `key` except the last must "
                             f"be equal; received value shape {value_shape} and key shape {key_shape}.")

    def _build_projections(self, query_shape, value_shape, key_shape):
        heads = self.num_heads
        self.query_kernel, self.query_bias = self._dense("query", (query_shape[-1], heads, self.key_dim),
                                                         (heads, self.key_dim))
        self.key_kernel, self.key_bias = self._dense("key", (key_shape[-1], heads, self.key_dim),
                                                     (heads, self.key_dim))
        self.gate_kernel = self.gate_bias = None
        if self.use_gate:
            self.gate_kernel, self.gate_bias = self._dense("gate", (query_shape[-1], heads, self.value_dim),
                                                           (heads, self.value_dim))
        self.value_kernel, self.value_bias = self._dense("value", (value_shape[-1], heads, self.value_dim),
                                                         (heads, self.value_dim))
        out_shape = self.output_shape_arg or (query_shape[-1],)
        self.output_kernel, self.output_bias = self._dense("attention_output", (heads, self.value_dim) + out_shape,
                                                           out_shape)
        rank = len(query_shape) + 1  # the projected query: (batch, steps..., heads, channels)
        axes = tuple(range(1, rank - 2)) if self.attention_axes is None else \
            tuple(a if a >= 0 else rank - 1 + a for a in self.attention_axes)
        if any(not 1 <= a < rank - 2 for a in axes):
            raise ValueError(f"MultiHeadAttention layer '{self.name}': attention_axes={self.attention_axes} must "
                             f"name axes between the batch and the channels of the query (shape {query_shape}).")
        self._attn_axes = axes
        # Keras's einsum layout of the scores: the batch-like axes (heads included), then the query's and the
        # key's attention axes.
        self._batch_axes = tuple(a for a in range(rank - 1) if a not in axes)
        self._softmax = Softmax(axis=tuple(range(-len(axes), 0)) if len(axes) > 1 else -1, dtype=self._dtype)

    # ---- computing ----
    def _to_heads_layout(self, projected):
        """``(B, steps..., heads, ch)`` -> ``(batch-like axes..., attention steps, ch)``: a transposed view that
        the batched matmul reads in place; several attention axes are merged into one (a copy)."""
        shape = tuple(projected.shape)
        rank = len(shape)
        perm = list(self._batch_axes) + list(self._attn_axes) + [rank - 1]
        moved = projected if perm == list(range(rank)) else pt.transpose(projected, perm)
        batch_sizes = [shape[a] for a in self._batch_axes]
        attn_sizes = [shape[a] for a in self._attn_axes]
        if len(attn_sizes) > 1:
            moved = pt.reshape(moved, batch_sizes + [int(np.prod(attn_sizes)), shape[-1]])
        return moved, batch_sizes, attn_sizes, perm

    def _attend(self, q, k, v, mask, training, return_scores):
        """Scaled dot-product attention of projected ``(B, steps..., heads, ch)`` tensors (``q`` already scaled by
        ``1 / sqrt(key_dim)``); returns the output in the query's projected layout and the probabilities in
        Keras's scores layout ``(batch-like axes..., heads, query steps..., key steps...)`` (None from the fused op,
        which the layer takes for one steps axis without dropout or returned scores)."""
        if len(q.shape) == 4 and self._attn_axes == (1,) and not (return_scores or (training and self.dropout > 0)):
            return fused_attention(self, q, k, v, mask), None
        q, batch_sizes, q_attn, perm = self._to_heads_layout(q)
        k, _, k_attn, _ = self._to_heads_layout(k)
        v, _, _, _ = self._to_heads_layout(v)
        scores = pt.matmul(q, k, transpose_b=True)
        if len(q_attn) > 1:
            scores = pt.reshape(scores, batch_sizes + q_attn + k_attn)
        probs, dropped = softmax_and_dropout(self, scores, mask, self._softmax, self.dropout, training, self.seed,
                                             return_scores)
        if len(q_attn) > 1:
            dropped = pt.reshape(dropped, batch_sizes + [int(np.prod(q_attn)), int(np.prod(k_attn))])
        out = pt.matmul(dropped, v)
        if len(q_attn) > 1:
            out = pt.reshape(out, batch_sizes + q_attn + [tuple(v.shape)[-1]])
        inverse = [int(i) for i in np.argsort(perm)]
        return (out if inverse == list(range(len(inverse))) else pt.transpose(out, inverse)), probs

    def _project_inputs(self, query, key, value):
        """The query (scaled by ``1 / sqrt(key_dim)``, folded into its weights), key and value projections; for
        self-attention with equal head sizes one matmul against the three kernels side by side."""
        scale = pt.constant(1.0 / math.sqrt(float(self.key_dim)), dtype=self.query_kernel.dtype)
        q_kernel = self.query_kernel * scale
        q_bias = None if self.query_bias is None else self.query_bias * scale
        if query is key and key is value and self.key_dim == self.value_dim:
            kernel = pt.stack([q_kernel, self.key_kernel, self.value_kernel], axis=1)
            bias = None if q_bias is None else pt.stack([q_bias, self.key_bias, self.value_bias], axis=0)
            # (B, steps..., 3, heads, ch) -> three (B, steps..., heads, ch); unstacking (one stack in the backward
            # pass) is cheaper than three slices (three zero-padded gradients).
            both = project(query, kernel, bias)
            rank = len(both.shape)
            moved = pt.transpose(both, [rank - 3] + [a for a in range(rank) if a != rank - 3])
            return tuple(pt.unstack(moved, axis=0))
        return (project(query, q_kernel, q_bias), project(key, self.key_kernel, self.key_bias),
                project(value, self.value_kernel, self.value_bias))

    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None, attention_mask=None,
             return_attention_scores=False, training=None, use_causal_mask=False):
        value_carried = input_mask(value)
        key_carried = input_mask(key) if key is not None and key is not value else None
        value = self._convert_input(value)
        key = value if key is None else self._convert_input(key)
        self._check_shapes(tuple(query.shape), tuple(value.shape), tuple(key.shape))
        self._check_built_for(query, value, key)
        query_mask = query_mask if query_mask is not None else input_mask(query)
        value_mask = value_mask if value_mask is not None else value_carried
        key_mask = key_mask if key_mask is not None else key_carried
        if len(query.shape) == 3:
            mask = attention_mask_for(self, int(query.shape[1]), int(value.shape[1]), query_mask, value_mask,
                                      key_mask, attention_mask, use_causal_mask, self.sliding_window)
        else:
            mask = None if attention_mask is None else pt.convert_to_tensor(attention_mask)
            if use_causal_mask or query_mask is not None or value_mask is not None or key_mask is not None:
                raise ValueError(f"MultiHeadAttention layer '{self.name}': masks and use_causal_mask need inputs "
                                 f"of rank 3 (batch, steps, channels); received query shape {tuple(query.shape)}. "
                                 f"Pass an explicit attention_mask for higher-rank inputs.")
        gate = None
        if self.use_gate:
            gate = pt.sigmoid(project(query, self.gate_kernel, self.gate_bias))
        q, k, v = self._project_inputs(query, key, value)
        out, probs = self._attend(q, k, v, mask, training, return_attention_scores)
        if gate is not None:
            out = out * gate
        output = project(out, self.output_kernel, self.output_bias, contracted=2)
        if return_attention_scores:
            return output, probs
        return output

    def get_config(self):
        config = super().get_config()
        config.update({
            "num_heads": self.num_heads, "key_dim": self.key_dim, "value_dim": self.value_dim,
            "dropout": self.dropout, "use_bias": self.use_bias, "use_gate": self.use_gate,
            "output_shape": self.output_shape_arg, "attention_axes": self.attention_axes,
            "sliding_window": self.sliding_window,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": None, "bias_constraint": None, "seed": self.seed,
        })
        return config
