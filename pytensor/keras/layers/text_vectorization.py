"""Keras TextVectorization layer."""
import re

import numpy as np

import pytensor as pt

from ._preprocessing_utils import adapt_batches
from .layer import Layer
from .string_lookup import StringLookup

__all__ = ["TextVectorization"]

# Keras's punctuation class (ASCII punctuation), applied to UTF-8 bytes.
_PUNCTUATION = re.compile(rb'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']')
_STANDARDIZE = (None, "lower_and_strip_punctuation", "lower", "strip_punctuation")
_SPLIT = (None, "whitespace", "character")


class TextVectorization(Layer):
    """Turns strings into token ids or bag-of-token vectors: ``standardize`` (lowercase ASCII and/or strip ASCII
    punctuation, or a callable on the string array), ``split`` (whitespace runs or characters), ``ngrams`` (1..n, or
    the widths given), then a StringLookup with mask ``""`` and OOV ``"[UNK]"`` whose vocabulary is given or learnt
    by ``adapt``. ``output_mode="int"`` pads (with 0) or truncates each row to ``output_sequence_length`` (default:
    the longest row of the batch); ``"multi_hot"``, ``"count"``, ``"tf_idf"`` give one vector per string.

    Example:
        >>> vectorize = keras.layers.TextVectorization(output_sequence_length=4)
        >>> vectorize.adapt(["the cat sat", "the dog"])
        >>> vectorize(["The dog sat!"]).numpy()
        array([[2, 4, 3, 0]])
    """

    def __init__(self, max_tokens=None, standardize="lower_and_strip_punctuation", split="whitespace", ngrams=None,
                 output_mode="int", output_sequence_length=None, pad_to_max_tokens=False, vocabulary=None,
                 idf_weights=None, sparse=False, ragged=False, encoding="utf-8", vocabulary_size=None, name=None,
                 **kwargs):
        super().__init__(name=name, **kwargs)
        kind = f"TextVectorization layer '{self.name}'"
        if not (standardize in _STANDARDIZE or callable(standardize)):
            raise ValueError(f"{kind}: invalid value for argument standardize. Expected one of {_STANDARDIZE} or a "
                             f"callable. Received: standardize={standardize!r}")
        if not (split in _SPLIT or callable(split)):
            raise ValueError(f"{kind}: invalid value for argument split. Expected one of {_SPLIT} or a callable. "
                             f"Received: split={split!r}")
        if isinstance(ngrams, list):
            ngrams = tuple(ngrams)
        if not (ngrams is None or isinstance(ngrams, int) or isinstance(ngrams, tuple) and all(
                isinstance(n, int) for n in ngrams)):
            raise ValueError(f"{kind}: `ngrams` must be None, an integer, or a tuple of integers. Received: "
                             f"ngrams={ngrams}")
        if not (output_sequence_length is None or isinstance(output_sequence_length, int)):
            raise ValueError(f"{kind}: `output_sequence_length` must be either None or an integer when "
                             f"`output_mode` is 'int'. Received: output_sequence_length={output_sequence_length}")
        if output_mode != "int" and output_sequence_length is not None:
            raise ValueError(f"{kind}: `output_sequence_length` must not be set if `output_mode` is not 'int'. "
                             f"Received output_sequence_length={output_sequence_length}.")
        if ragged:
            raise ValueError(f"{kind}: ragged=True is not supported here (no ragged tensors); use ragged=False, "
                             f"whose int output is padded with 0.")
        self._standardize = standardize
        self._split = split
        self._ngrams_arg = ngrams
        self._ngrams = tuple(range(1, ngrams + 1)) if isinstance(ngrams, int) else ngrams
        self._output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
        self._output_sequence_length = output_sequence_length
        self._encoding = encoding
        self._ragged = False
        self._lookup_layer = StringLookup(max_tokens=max_tokens, vocabulary=vocabulary, idf_weights=idf_weights,
                                          pad_to_max_tokens=pad_to_max_tokens, mask_token="",
                                          output_mode=self._output_mode, sparse=sparse, encoding=encoding,
                                          name=f"{self.name}_lookup")
        self.built = True

    # ---- vocabulary ----
    def vocabulary_size(self):
        """The number of indices, mask and OOV included."""
        return self._lookup_layer.vocabulary_size()

    def get_vocabulary(self, include_special_tokens=True):
        """The tokens in index order (``""`` and ``"[UNK]"`` first unless ``include_special_tokens=False``)."""
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Sets the vocabulary (and, for ``"tf_idf"``, its idf weights)."""
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights=idf_weights)

    def adapt(self, data, batch_size=None, steps=None):
        """Learns the vocabulary of ``data`` (strings: an array, a list, a string tensor, or a Dataset / iterable of
        batches) after standardizing, splitting and forming ngrams, as ``call`` does."""
        batches = adapt_batches(data, self)[:steps]
        self._lookup_layer.adapt([self._tokens(batch) for batch in batches])

    # ---- the call ----
    def _convert_input(self, x):
        return x  # strings: _tokens reads them

    def _strings(self, inputs):
        from pytensor.data._types import StringTensor, as_string_array

        strings = inputs._array if isinstance(inputs, StringTensor) else as_string_array(
            inputs.numpy() if isinstance(inputs, pt.Tensor) else inputs)
        if self._standardize in ("lower", "lower_and_strip_punctuation"):
            strings = np.vectorize(bytes.lower, otypes=[object])(strings) if strings.size else strings
        if self._standardize in ("strip_punctuation", "lower_and_strip_punctuation"):
            strings = np.vectorize(lambda s: _PUNCTUATION.sub(b"", s), otypes=[object])(strings) \
                if strings.size else strings
        if callable(self._standardize):
            strings = as_string_array(np.asarray(self._standardize(StringTensor(strings)), dtype=object))
        return strings

    def _split_one(self, text):
        if self._split == "whitespace":
            tokens = text.split()
        elif self._split == "character":
            tokens = [c.encode(self._encoding) for c in text.decode(self._encoding)]
        else:
            tokens = [text]
        if self._ngrams is None:
            return tokens
        return [b" ".join(tokens[i:i + n]) for n in self._ngrams for i in range(len(tokens) - n + 1)]

    def _tokens(self, inputs):
        """The token matrix of a batch of strings: one row per string, padded with the mask token ``b""``."""
        strings = self._strings(inputs)
        if self._split is None:
            return strings
        if strings.ndim > 1:
            if strings.shape[-1] != 1:
                raise ValueError(f"TextVectorization layer '{self.name}': when tokenizing strings the input rank "
                                 f"must be 1 or the last dimension must be 1. Received: inputs.shape="
                                 f"{strings.shape} with rank={strings.ndim}")
            strings = strings[..., 0]
        if callable(self._split):
            rows = [[t if isinstance(t, bytes) else str(t).encode(self._encoding) for t in self._split(s)]
                    for s in strings.reshape(-1)]
        else:
            rows = [self._split_one(s) for s in strings.reshape(-1)]
        width = max([len(r) for r in rows] + [self._output_sequence_length or 0, 1])
        tokens = np.full((len(rows), width), b"", dtype=object)
        for i, row in enumerate(rows):
            tokens[i, :len(row)] = row
        return tokens.reshape(strings.shape + (width,))

    def call(self, inputs):
        ids = self._lookup_layer(self._tokens(inputs))
        if self._output_mode == "int" and self._output_sequence_length is not None:
            ids = ids[..., :self._output_sequence_length]
        return ids

    def compute_output_shape(self, input_shape):
        batch = tuple(input_shape)[:1]
        if self._output_mode == "int":
            return batch + (self._output_sequence_length,)
        depth = self._lookup_layer.max_tokens if self._lookup_layer.pad_to_max_tokens else self.vocabulary_size()
        return batch + (depth,)

    def get_config(self):
        lookup = self._lookup_layer
        config = super().get_config()
        config.update({"max_tokens": lookup.max_tokens, "standardize": self._standardize, "split": self._split,
                       "ngrams": self._ngrams_arg, "output_mode": self._output_mode,
                       "output_sequence_length": self._output_sequence_length,
                       "pad_to_max_tokens": lookup.pad_to_max_tokens, "sparse": lookup.sparse, "ragged": self._ragged,
                       "vocabulary": lookup.get_config()["vocabulary"],
                       "idf_weights": lookup.get_config()["idf_weights"], "encoding": self._encoding,
                       "vocabulary_size": self.vocabulary_size()})
        return config
