"""Keras Embedding layer."""
import pytensor as pt

from .. import initializers, regularizers
from .layer import Layer

__all__ = ["Embedding"]


class Embedding(Layer):
    """Maps integer ids in ``[0, input_dim)`` to rows of a trainable ``(input_dim, output_dim)`` matrix.

    ``outputs[..., :] = embeddings[inputs[...], :]``, so ``(batch, steps)`` ids give
    ``(batch, steps, output_dim)`` vectors. With ``mask_zero=True`` id 0 is padding: the layer's
    mask (``compute_mask``) is ``inputs != 0``, which recurrent layers downstream use to skip
    those steps, and ``input_dim`` must count id 0. ``input_length`` (TF 2 Keras) sets the input shape
    ``(input_length,)``, so ``Sequential([Embedding(1000, 64, input_length=10), ...])`` is built at once.

    Example:
        >>> emb = keras.layers.Embedding(1000, 64)
        >>> emb(tf.constant([[4, 20, 0]])).shape
        TensorShape([1, 3, 64])
    """

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform", embeddings_regularizer=None,
                 embeddings_constraint=None, mask_zero=False, input_length=None, **kwargs):
        if input_length is not None and not any(k in kwargs for k in ("input_shape", "batch_input_shape")):
            # TF 2 Keras: a known sequence length is the input shape, so a Sequential starting here builds.
            kwargs["input_shape"] = (input_length,)
        super().__init__(**kwargs)
        for arg, value in (("input_dim", input_dim), ("output_dim", output_dim)):
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"Embedding: `{arg}` must be a positive int; received {arg}={value!r}.")
        self.input_dim = input_dim
        self.output_dim = output_dim
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = embeddings_constraint
        self.mask_zero = mask_zero
        self.input_length = input_length
        self.supports_masking = mask_zero

    def build(self, input_shape=None):
        self.embeddings = self.add_weight(name="embeddings", shape=(self.input_dim, self.output_dim),
                                          initializer=self.embeddings_initializer,
                                          regularizer=self.embeddings_regularizer,
                                          constraint=self.embeddings_constraint, trainable=True)

    def call(self, inputs):
        if inputs.dtype not in (pt.int32, pt.int64):
            inputs = pt.cast(inputs, pt.int32)
        return pt.gather(self.embeddings, inputs)

    def compute_mask(self, inputs, mask=None):
        return pt.not_equal(inputs, 0) if self.mask_zero else None

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.output_dim,)

    def get_config(self):
        config = super().get_config()
        config.update({
            "input_dim": self.input_dim, "output_dim": self.output_dim,
            "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
            "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
            "embeddings_constraint": None, "mask_zero": self.mask_zero,
        })
        return config
