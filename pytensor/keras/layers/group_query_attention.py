"""Keras GroupQueryAttention layer (grouped-query attention)."""
import math

import pytensor as pt

from .. import initializers, regularizers
from ._attention_utils import HeadsAttention, attention_mask_for, input_mask, positive_int, project, \
    softmax_and_dropout
from .softmax import Softmax

__all__ = ["GroupQueryAttention", "GroupedQueryAttention"]


class GroupQueryAttention(HeadsAttention):
    """Grouped-query attention (Ainslie et al., 2023), as Keras 3: ``layer(query, value, key=None)``.

    ``num_query_heads`` query heads share ``num_key_value_heads`` key / value heads (each key / value head serves
    ``num_query_heads // num_key_value_heads`` consecutive query heads); with equal counts it is multi-head
    attention, with one key / value head multi-query attention. Weights in Keras 3's layout: ``query/kernel``
    ``(d, num_query_heads, head_dim)``, ``key/kernel`` and ``value/kernel`` ``(d, num_key_value_heads, head_dim)``
    (biases without the first axis), ``attention_output/kernel`` ``(num_query_heads, head_dim, d)``. Call
    arguments, masks, ``dropout`` and ``flash_attention`` as :class:`MultiHeadAttention`; the attention scores
    are ``(B, num_query_heads, T, S)``.

    Example:
        >>> gqa = keras.layers.GroupQueryAttention(head_dim=4, num_query_heads=4, num_key_value_heads=2)
        >>> gqa(tf.ones((1, 5, 8)), tf.ones((1, 3, 8))).shape
        TensorShape([1, 5, 8])

    Raises:
        ValueError: when ``num_query_heads`` is not a multiple of ``num_key_value_heads``, for inputs that are not
            ``(batch, steps, channels)`` or whose channels differ, and for masks that do not fit.
    """

    def __init__(self, head_dim, num_query_heads, num_key_value_heads, dropout=0.0, use_bias=True,
                 sliding_window=None, flash_attention=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, use_gate=False, seed=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        for arg, value in (("head_dim", head_dim), ("num_query_heads", num_query_heads),
                           ("num_key_value_heads", num_key_value_heads)):
            if not positive_int(value):
                raise ValueError(f"GroupQueryAttention layer '{self.name}': `{arg}` must be a positive int; "
                                 f"received {arg}={value!r}.")
        if num_query_heads % num_key_value_heads:
            raise ValueError(f"GroupQueryAttention layer '{self.name}': `num_query_heads` must be divisible by "
                             f"`num_key_value_heads`; received num_query_heads={num_query_heads}, "
                             f"num_key_value_heads={num_key_value_heads}. Choose a divisor of num_query_heads.")
        if sliding_window is not None and not positive_int(sliding_window):
            raise ValueError(f"GroupQueryAttention layer '{self.name}': `sliding_window` must be None or a positive "
                             f"int; received sliding_window={sliding_window!r}.")
        self.supports_masking = True
        self.head_dim = int(head_dim)
        self.num_query_heads = int(num_query_heads)
        self.num_key_value_heads = int(num_key_value_heads)
        self.num_repeats = self.num_query_heads // self.num_key_value_heads
        self.dropout = float(dropout)
        self.use_bias = bool(use_bias)
        self.use_gate = bool(use_gate)
        self.sliding_window = sliding_window
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = kernel_constraint
        self.bias_constraint = bias_constraint
        self.seed = seed

    def _check_shapes(self, query_shape, value_shape, key_shape):
        cls = type(self).__name__
        if len(query_shape) != 3 or len(value_shape) != 3 or len(key_shape) != 3:
            raise ValueError(f"{cls} layer '{self.name}': query, value and key must be (batch, steps, channels); "
                             f"received shapes {query_shape}, {value_shape}, {key_shape}.")
        if query_shape[-1] != value_shape[-1]:
            raise ValueError(f"{cls} layer '{self.name}': the last dimension of query and value must be equal; "
                             f"received query shape {query_shape}, value shape {value_shape}.")
        if value_shape[1] != key_shape[1]:
            raise ValueError(f"{cls} layer '{self.name}': value and key must have the same steps; received value "
                             f"shape {value_shape}, key shape {key_shape}.")

    def _build_projections(self, query_shape, value_shape, key_shape):
        nq, nkv, h = self.num_query_heads, self.num_key_value_heads, self.head_dim
        self.query_kernel, self.query_bias = self._dense("query", (query_shape[-1], nq, h), (nq, h))
        self.key_kernel, self.key_bias = self._dense("key", (key_shape[-1], nkv, h), (nkv, h))
        self.gate_kernel = self.gate_bias = None
        if self.use_gate:
            self.gate_kernel, self.gate_bias = self._dense("gate", (query_shape[-1], nq, h), (nq, h))
        self.value_kernel, self.value_bias = self._dense("value", (value_shape[-1], nkv, h), (nkv, h))
        self.output_kernel, self.output_bias = self._dense("attention_output", (nq, h, query_shape[-1]),
                                                           (query_shape[-1],))
        self._softmax = Softmax(axis=-1, dtype=self._dtype)

    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None, attention_mask=None,
             return_attention_scores=False, training=None, use_causal_mask=False):
        value_carried = input_mask(value)
        key_carried = input_mask(key) if key is not None and key is not value else None
        value = self._convert_input(value)
        key = value if key is None else self._convert_input(key)
        self._check_shapes(tuple(query.shape), tuple(value.shape), tuple(key.shape))
        self._check_built_for(query, value, key)
        batch, q_len = int(query.shape[0]), int(query.shape[1])
        k_len = int(value.shape[1])
        mask = attention_mask_for(
            self, q_len, k_len, query_mask if query_mask is not None else input_mask(query),
            value_mask if value_mask is not None else value_carried, key_mask if key_mask is not None else key_carried,
            attention_mask, use_causal_mask, self.sliding_window)
        nq, nkv, h, r = self.num_query_heads, self.num_key_value_heads, self.head_dim, self.num_repeats
        scale = pt.constant(1.0 / math.sqrt(float(h)), dtype=self.query_kernel.dtype)
        q = project(query, self.query_kernel * scale, None if self.query_bias is None else self.query_bias * scale)
        k = pt.transpose(project(key, self.key_kernel, self.key_bias), [0, 2, 1, 3])  # (B, nkv, S, h)
        v = pt.transpose(project(value, self.value_kernel, self.value_bias), [0, 2, 1, 3])
        # The query heads that share a key / value head, side by side: (B, nkv, r * T, h); one batched matmul
        # per key / value head instead of repeating the keys and values.
        q = pt.reshape(pt.transpose(pt.reshape(q, [batch, q_len, nkv, r, h]), [0, 2, 3, 1, 4]),
                       [batch, nkv, r * q_len, h])
        scores = pt.reshape(pt.matmul(q, k, transpose_b=True), [batch, nq, q_len, k_len])
        probs, dropped = softmax_and_dropout(self, scores, mask, self._softmax, self.dropout, training, self.seed,
                                             return_attention_scores)
        out = pt.matmul(pt.reshape(dropped, [batch, nkv, r * q_len, k_len]), v)
        out = pt.transpose(pt.reshape(out, [batch, nq, q_len, h]), [0, 2, 1, 3])  # (B, T, nq, h)
        if self.use_gate:
            out = out * pt.sigmoid(project(query, self.gate_kernel, self.gate_bias))
        output = project(out, self.output_kernel, self.output_bias, contracted=2)
        return (output, probs) if return_attention_scores else output

    def get_config(self):
        config = super().get_config()
        config.update({
            "head_dim": self.head_dim, "num_query_heads": self.num_query_heads,
            "num_key_value_heads": self.num_key_value_heads, "use_bias": self.use_bias, "use_gate": self.use_gate,
            "sliding_window": self.sliding_window, "dropout": self.dropout,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": None, "bias_constraint": None, "seed": self.seed,
        })
        return config


# Keras 3's class name (in saved configs); users write GroupQueryAttention.
GroupedQueryAttention = GroupQueryAttention
