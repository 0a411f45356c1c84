"""Keras AdditiveAttention layer (Bahdanau-style attention)."""
import pytensor as pt

from .attention import Attention

__all__ = ["AdditiveAttention"]


class AdditiveAttention(Attention):
    """Additive attention, as Keras 3: ``layer([query, value])`` or ``layer([query, value, key])`` with
    ``scores = sum(scale * tanh(query[:, :, None] + key[:, None]), -1)``, ``scale`` a trainable vector of the
    channels (``use_scale=True``, Glorot-uniform initialised) or 1. Masks, ``use_causal_mask``,
    ``return_attention_scores`` and ``dropout`` as :class:`Attention`.

    Example:
        >>> keras.layers.AdditiveAttention()([tf.ones((2, 4, 3)), tf.ones((2, 5, 3))]).shape
        TensorShape([2, 4, 3])
    """

    def __init__(self, use_scale=True, dropout=0.0, **kwargs):
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def build(self, input_shape):
        q_shape, _, _ = self._validate(input_shape)
        self.concat_score_weight = None
        self.scale = self.add_weight(name="scale", shape=(q_shape[-1],), initializer="glorot_uniform") \
            if self.use_scale else None

    def _calculate_scores(self, query, key):
        pairs = pt.tanh(pt.expand_dims(query, -2) + pt.expand_dims(key, -3))
        return pt.reduce_sum(self.scale * pairs if self.scale is not None else pairs, axis=-1)

    def get_config(self):
        config = super().get_config()
        del config["score_mode"]
        return config
