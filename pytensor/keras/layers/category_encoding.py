"""Keras CategoryEncoding layer."""
import pytensor as pt

from ._preprocessing_utils import encode_categorical
from .layer import Layer

__all__ = ["CategoryEncoding"]


class CategoryEncoding(Layer):
    """Encodes integer indices in ``[0, num_tokens)``: ``"one_hot"`` (one vector per index), ``"multi_hot"`` (1
    where an index of the sample occurs) or ``"count"`` (occurrences, weighted by ``count_weights`` if given).

    Example:
        >>> keras.layers.CategoryEncoding(4, output_mode="count")(tf.constant([[0, 1, 1]])).numpy()
        array([[1., 2., 0., 0.]], dtype=float32)
    """

    def __init__(self, num_tokens=None, output_mode="multi_hot", sparse=False, **kwargs):
        super().__init__(**kwargs)
        output_mode = "multi_hot" if output_mode == "binary" else output_mode
        if output_mode not in ("count", "one_hot", "multi_hot"):
            raise ValueError(f"CategoryEncoding layer '{self.name}': unknown arg for output_mode: {output_mode!r}; "
                             f"use 'one_hot', 'multi_hot' or 'count'.")
        if num_tokens is None:
            raise ValueError(f"CategoryEncoding layer '{self.name}': num_tokens must be set to use this layer. If "
                             f"the number of tokens is not known beforehand, use the IntegerLookup layer instead.")
        if num_tokens < 1:
            raise ValueError(f"CategoryEncoding layer '{self.name}': `num_tokens` must be >= 1. Received: "
                             f"num_tokens={num_tokens}.")
        if sparse:
            raise ValueError(f"CategoryEncoding layer '{self.name}': sparse=True is not supported here; use "
                             f"sparse=False (dense outputs).")
        self.num_tokens = num_tokens
        self.output_mode = output_mode
        self.sparse = False
        self.built = True

    def call(self, inputs, count_weights=None):
        if inputs.dtype.is_floating:
            raise TypeError(f"CategoryEncoding layer '{self.name}': expected integer indices; received dtype "
                            f"{inputs.dtype.name}. Cast them first, e.g. tf.cast(x, 'int32').")
        if count_weights is not None and self.output_mode != "count":
            raise ValueError(f"CategoryEncoding layer '{self.name}': `count_weights` is not used when `output_mode` "
                             f"is not 'count'. Received `count_weights={count_weights}`.")
        return encode_categorical(self, inputs, self.output_mode, self.num_tokens, pt.as_dtype(self._dtype),
                                  count_weights)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if not input_shape:
            return (self.num_tokens,)
        if self.output_mode == "one_hot" and (input_shape[-1] != 1 or len(input_shape) == 1):
            return input_shape + (self.num_tokens,)
        return input_shape[:-1] + (self.num_tokens,)

    def get_config(self):
        config = super().get_config()
        config.update({"num_tokens": self.num_tokens, "output_mode": self.output_mode})
        return config
