"""Keras Attention layer (Luong-style dot-product attention)."""
import numpy as np

import pytensor as pt

from .layer import Layer

__all__ = ["Attention"]

# What masked scores lose before the softmax: enough to vanish, finite in the dtype (Keras's values).
_MASKED_SCORE = {"float16": 65504.0}


class Attention(Layer):
    """Dot-product attention, as Keras 3: ``layer([query, value])`` or ``layer([query, value, key])``.

    ``scores = query @ key^T`` (times the trainable scalar ``scale`` with ``use_scale=True``); with
    ``score_mode="concat"`` ``scores = concat_score_weight * sum(tanh(scale * (q + k)), -1)`` instead. Then
    ``softmax(scores) @ value`` over the key steps. ``mask=[query_mask, value_mask]`` (or the masks the inputs
    carry): masked value steps get no weight, masked query steps output zeros. ``use_causal_mask=True`` lets query
    step ``i`` see value steps ``j <= i``; ``return_attention_scores=True`` also returns the ``(B, Tq, Tv)``
    probabilities; ``dropout`` drops probabilities in training.

    Example:
        >>> q, v = tf.ones((2, 4, 3)), tf.ones((2, 5, 3))
        >>> keras.layers.Attention()([q, v]).shape
        TensorShape([2, 4, 3])

    Raises:
        ValueError: for inputs that are not a list of 2 or 3 tensors, masks that are not such a list or do not fit
            the inputs, mismatched channels or steps, and an unknown ``score_mode``.
    """

    _casts_integer_inputs = True

    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        if score_mode not in ("dot", "concat"):
            raise ValueError(f"{type(self).__name__} layer '{self.name}': `score_mode` must be 'dot' or 'concat'; "
                             f"received score_mode={score_mode!r}.")
        if not 0.0 <= float(dropout) < 1.0:
            raise ValueError(f"{type(self).__name__} layer '{self.name}': `dropout` must be in [0, 1); received "
                             f"dropout={dropout!r}.")
        self.use_scale = bool(use_scale)
        self.score_mode = score_mode
        self.dropout = float(dropout)
        self.seed = seed
        self.supports_masking = True

    def _validate(self, inputs, mask=None):
        """Checks ``inputs`` (shapes or tensors) and ``mask``; returns the shapes of query, value and key."""
        cls = type(self).__name__
        # A list of tensors or of shapes; a single tensor (or its shape, from build) is not.
        is_list = isinstance(inputs, (list, tuple)) and all(
            hasattr(x, "shape") or isinstance(x, (list, tuple)) or hasattr(x, "as_list") for x in inputs)
        if not is_list or not 2 <= len(inputs) <= 3:
            raise ValueError(f"{cls} layer '{self.name}' must be called on a list [query, value] or [query, value, "
                             f"key]; received {'a list of length ' + str(len(inputs)) if is_list else 'one input'}.")
        shapes = [tuple(x.shape) if hasattr(x, "shape") else tuple(x) for x in inputs]
        q_shape, v_shape = shapes[0], shapes[1]
        k_shape = shapes[2] if len(shapes) > 2 else v_shape
        if len(q_shape) < 3 or len(v_shape) != len(q_shape) or len(k_shape) != len(q_shape):
            raise ValueError(f"{cls} layer '{self.name}': query, value and key must have the same rank >= 3, "
                             f"(batch, steps, channels); received shapes {shapes}.")
        if q_shape[-1] != k_shape[-1] or v_shape[-2] != k_shape[-2]:
            raise ValueError(f"{cls} layer '{self.name}': query and key need the same channels and value and key the "
                             f"same steps; received query {q_shape}, value {v_shape}, key {k_shape}.")
        if mask is not None and (not isinstance(mask, (list, tuple)) or not 2 <= len(mask) <= 3):
            raise ValueError(f"{cls} layer '{self.name}': `mask` must be a list [query_mask, value_mask] (each "
                             f"(batch, steps) or None); received {type(mask).__name__}.")
        if mask is not None:
            for label, m, steps in (("query", mask[0], q_shape[:-1]), ("value", mask[1], v_shape[:-1])):
                if m is not None and tuple(m.shape) != steps:
                    raise ValueError(f"{cls} layer '{self.name}': the {label} mask has shape {tuple(m.shape)}, the "
                                     f"{label} shape is {q_shape if label == 'query' else v_shape}; give a mask of "
                                     f"shape {steps}.")
        return q_shape, v_shape, k_shape

    def build(self, input_shape):
        self._validate(input_shape)
        self.scale = self.add_weight(name="scale", shape=(), initializer="ones") if self.use_scale else None
        self.concat_score_weight = self.add_weight(name="concat_score_weight", shape=(), initializer="ones") \
            if self.score_mode == "concat" else None

    def _calculate_scores(self, query, key):
        """``(B, Tq, Tv)`` scores of the query against the key."""
        if self.score_mode == "dot":
            scores = pt.matmul(query, key, transpose_b=True)
            return scores * self.scale if self.scale is not None else scores
        pairs = pt.expand_dims(query, -2) + pt.expand_dims(key, -3)
        if self.scale is not None:
            pairs = self.scale * pairs
        return self.concat_score_weight * pt.reduce_sum(pt.tanh(pairs), axis=-1)

    def call(self, inputs, mask=None, training=False, return_attention_scores=False, use_causal_mask=False):
        self._validate(inputs, mask)
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        q_mask = mask[0] if mask else None
        v_mask = mask[1] if mask else None
        scores = self._calculate_scores(query, key)
        keep = None
        if v_mask is not None:
            keep = pt.expand_dims(pt.cast(v_mask, pt.bool), -2)
        if use_causal_mask:
            steps_q, steps_v = tuple(scores.shape)[-2:]
            causal = pt.constant(np.arange(steps_q)[:, None] >= np.arange(steps_v)[None, :])
            keep = causal if keep is None else pt.logical_and(keep, causal)
        if keep is not None:
            penalty = pt.constant(_MASKED_SCORE.get(scores.dtype.name, 1.0e9), dtype=scores.dtype)
            scores = pt.where(keep, scores, scores - penalty)
        weights = pt.nn.softmax(scores, axis=-1)
        dropped = pt.nn.dropout(weights, self.dropout, seed=self.seed) if training and self.dropout > 0 else weights
        outputs = pt.matmul(dropped, value)
        if q_mask is not None:
            outputs = pt.where(pt.expand_dims(pt.cast(q_mask, pt.bool), -1), outputs, pt.zeros_like(outputs))
        return (outputs, weights) if return_attention_scores else outputs

    def compute_mask(self, inputs, mask=None):
        if mask is None or mask[0] is None:
            return None
        return pt.convert_to_tensor(mask[0])

    def get_config(self):
        config = super().get_config()
        config.update({"use_scale": self.use_scale, "score_mode": self.score_mode, "dropout": self.dropout,
                       "seed": self.seed})
        return config
