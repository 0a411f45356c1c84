"""Keras ReversibleEmbedding layer."""
import pytensor as pt

from .embedding import Embedding

__all__ = ["ReversibleEmbedding"]


class ReversibleEmbedding(Embedding):
    """An ``Embedding`` that can also be called in reverse, ``layer(vectors, reverse=True)``, to project
    ``(..., output_dim)`` vectors back to ``(..., input_dim)`` logits: ``vectors @ embeddings.T`` with tied
    weights (``tie_weights=True``, the default), else ``vectors @ reverse_embeddings`` (a separate
    ``(output_dim, input_dim)`` weight). ``logit_soft_cap`` bounds the logits with
    ``tanh(logits / cap) * cap``; ``reverse_dtype`` casts both operands of the reverse matmul.

    Example:
        >>> layer = keras.layers.ReversibleEmbedding(100, 16)
        >>> hidden = layer(tf.constant([[3, 7]]))
        >>> layer(hidden, reverse=True).shape
        TensorShape([1, 2, 100])
    """

    def __init__(self, input_dim, output_dim, tie_weights=True, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False, reverse_dtype=None,
                 logit_soft_cap=None, **kwargs):
        super().__init__(input_dim, output_dim, embeddings_initializer=embeddings_initializer,
                         embeddings_regularizer=embeddings_regularizer, embeddings_constraint=embeddings_constraint,
                         mask_zero=mask_zero, **kwargs)
        self.tie_weights = tie_weights
        self.reverse_dtype = reverse_dtype
        self.logit_soft_cap = logit_soft_cap

    def build(self, input_shape=None):
        super().build(input_shape)
        if not self.tie_weights:
            self.reverse_embeddings = self.add_weight(name="reverse_embeddings",
                                                      shape=(self.output_dim, self.input_dim),
                                                      initializer=self.embeddings_initializer, trainable=True)

    def call(self, inputs, reverse=False):
        if not reverse:
            return super().call(inputs)
        if inputs.shape[-1] is not None and int(inputs.shape[-1]) != self.output_dim:
            raise ValueError(f"ReversibleEmbedding layer '{self.name}': reverse=True expects vectors of width "
                             f"output_dim={self.output_dim} on the last axis; received shape "
                             f"{tuple(inputs.shape)}.")
        kernel = pt.transpose(self.embeddings) if self.tie_weights else self.reverse_embeddings
        if self.reverse_dtype is not None:
            inputs, kernel = pt.cast(inputs, self.reverse_dtype), pt.cast(kernel, self.reverse_dtype)
        logits = pt.tensordot(inputs, kernel, axes=1)
        if self.logit_soft_cap is not None:
            logits = pt.tanh(logits / self.logit_soft_cap) * self.logit_soft_cap
        return logits

    def compute_mask(self, inputs, mask=None):
        # Ids (the forward call) give Embedding's mask; vectors (the reverse call) give none.
        return super().compute_mask(inputs, mask) if inputs.dtype.is_integer else None

    def compute_output_shape(self, input_shape, reverse=False):
        if reverse:
            return tuple(input_shape)[:-1] + (self.input_dim,)
        return super().compute_output_shape(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"tie_weights": self.tie_weights, "reverse_dtype": self.reverse_dtype,
                       "logit_soft_cap": self.logit_soft_cap})
        return config
