"""The vocabulary lookup shared by IntegerLookup and StringLookup (Keras's IndexLookup): the index layout
``[mask] [oov x num_oov_indices] [vocabulary]``, adapt (tokens by falling count, ties by falling token), inversion,
and the one-hot / multi-hot / count / tf-idf encodings."""
import collections
import math

import numpy as np

import pytensor as pt

from ._preprocessing_utils import OutputDTypeMixin, adapt_batches, encode_categorical
from .layer import Layer

__all__ = ["IndexLookup"]

_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")


class IndexLookup(OutputDTypeMixin, Layer):
    """Base of the lookup layers; subclasses say how tokens are read (``_tokens_of``) and shown (``_show``)."""

    def __init__(self, max_tokens, num_oov_indices, mask_token, oov_token, vocabulary_dtype, vocabulary=None,
                 idf_weights=None, invert=False, output_mode="int", sparse=False, pad_to_max_tokens=False,
                 oov_method="floormod", salt=None, **kwargs):
        super().__init__(**kwargs)
        output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
        kind = f"{type(self).__name__} layer '{self.name}'"
        if output_mode not in _MODES:
            raise ValueError(f"{kind}: invalid value for argument output_mode. Expected one of {_MODES}. Received: "
                             f"output_mode={output_mode!r}")
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError(f"{kind}: if set, `max_tokens` must be greater than 1. Received: "
                             f"max_tokens={max_tokens}")
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError(f"{kind}: if pad_to_max_tokens is True, must set `max_tokens`. Received: "
                             f"max_tokens={max_tokens}")
        if num_oov_indices < 0:
            raise ValueError(f"{kind}: `num_oov_indices` must be greater than or equal to 0. Received: "
                             f"num_oov_indices={num_oov_indices}")
        if invert and output_mode != "int":
            raise ValueError(f"{kind}: `output_mode` must be `'int'` when `invert` is true. Received: "
                             f"output_mode={output_mode}")
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError(f"{kind}: `idf_weights` should only be set if output_mode is `'tf_idf'`. Received: "
                             f"idf_weights={idf_weights} and output_mode={output_mode}")
        if sparse:
            raise ValueError(f"{kind}: sparse=True is not supported here; use sparse=False (dense outputs).")
        if salt is not None:
            raise ValueError(f"{kind}: `salt` (TF's keyed SipHash for OOV buckets) is not supported here; use "
                             f"salt=None (FarmHash).")
        self.max_tokens = max_tokens
        self.num_oov_indices = num_oov_indices
        self.mask_token = mask_token
        self.oov_token = oov_token
        self.vocabulary_dtype = vocabulary_dtype
        self.invert = invert
        self.output_mode = output_mode
        self.sparse = False
        self.pad_to_max_tokens = pad_to_max_tokens
        self.oov_method = oov_method
        self.salt = salt
        self.input_vocabulary = vocabulary
        self.input_idf_weights = idf_weights
        self._vocab = []
        self._idf = None
        self._frozen_vocab_size = None
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)
        elif output_mode == "tf_idf" and idf_weights is not None:
            raise ValueError(f"{kind}: `idf_weights` needs a `vocabulary` to go with.")
        self.built = True

    # ---- the index layout ----
    def _oov_start(self):
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start(self):
        return self._oov_start() + self.num_oov_indices

    def vocabulary_size(self):
        """The number of indices, mask and OOV slots included."""
        return len(self._vocab) + self._token_start()

    def get_vocabulary(self, include_special_tokens=True):
        """The tokens in index order (with the mask and OOV tokens unless ``include_special_tokens=False``)."""
        specials = ([self.mask_token] if self._oov_start() else []) + [self.oov_token] * self.num_oov_indices
        tokens = [self._show(t) for t in self._vocab]
        return specials + tokens if include_special_tokens else tokens

    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Sets the vocabulary (a list, array, tensor or a file with one token a line) and, for ``"tf_idf"``, the
        idf weights of its tokens."""
        kind = f"{type(self).__name__} layer '{self.name}'"
        if isinstance(vocabulary, str):
            with open(vocabulary, encoding="utf-8") as f:
                vocabulary = [line.rstrip("\n") for line in f]
        tokens = self._tokens_of(vocabulary).reshape(-1).tolist()
        if self.mask_token is not None and self.output_mode == "int" and tokens[:1] == [self._key(self.mask_token)]:
            tokens = tokens[1:]  # a full vocabulary, as get_vocabulary() gives it
        if self.num_oov_indices and tokens[:self.num_oov_indices] == [self._key(self.oov_token)] * \
                self.num_oov_indices:
            tokens = tokens[self.num_oov_indices:]
        repeated = [t for t, n in collections.Counter(tokens).items() if n > 1]
        if repeated:
            raise ValueError(f"{kind}: the passed vocabulary has at least one repeated term. Please uniquify your "
                             f"dataset. The repeated terms are {[self._show(t) for t in repeated]}")
        specials = {self._key(t) for t in (self.mask_token, self.oov_token) if t is not None}
        if specials & set(tokens):
            raise ValueError(f"{kind}: the mask or OOV token is in the vocabulary past its reserved slots; remove "
                             f"it from the vocabulary (the layer adds it itself).")
        if self.max_tokens is not None and len(tokens) + self._token_start() > self.max_tokens:
            raise ValueError(f"{kind}: attempted to set a vocabulary larger than the maximum vocab size. Received "
                             f"vocabulary size is {len(tokens) + self._token_start()}; `max_tokens` is "
                             f"{self.max_tokens}.")
        if self.output_mode == "tf_idf":
            if idf_weights is None:
                raise ValueError(f"{kind}: when specifying the `vocabulary` argument, in TF-IDF output mode, the "
                                 f"`idf_weights` argument must also be provided.")
            idf = np.asarray(idf_weights, np.float32).reshape(-1)
            if len(idf) != len(tokens):
                raise ValueError(f"{kind}: `idf_weights` must be the same length as vocabulary. len(idf_weights) is "
                                 f"{len(idf)}; len(vocabulary) is {len(tokens)}")
            self._idf = np.concatenate([np.full(self._token_start(), idf.mean(), np.float32), idf])
        self._vocab = tokens
        self._frozen_vocab_size = self.vocabulary_size()

    def adapt(self, data, steps=None):
        """Learns the vocabulary from ``data`` (an array, a tensor, or a Dataset / iterable of batches): tokens by
        falling count, ties by falling token, at most ``max_tokens`` indices in all; for ``"tf_idf"`` also each
        token's idf ``log(1 + documents / (1 + documents containing it))``."""
        if self.input_vocabulary is not None:
            raise ValueError(f"{type(self).__name__} layer '{self.name}': cannot adapt after setting a static "
                             f"vocabulary via the `vocabulary` argument or `set_vocabulary()`.")
        counts, document_counts, documents = collections.Counter(), collections.Counter(), 0
        for batch in adapt_batches(data, self)[:steps]:
            tokens = self._tokens_of(batch)
            tokens = tokens.reshape(1, -1) if tokens.ndim <= 1 else tokens.reshape(tokens.shape[0], -1)
            counts.update(tokens.reshape(-1).tolist())
            for row in tokens:
                document_counts.update(set(row.tolist()))
            documents += len(tokens)
        for special in (self.mask_token, self.oov_token):
            if special is not None:
                counts.pop(self._key(special), None)
        ranked = sorted(counts.items(), key=lambda item: (item[1], item[0]), reverse=True)
        if self.max_tokens:
            ranked = ranked[:self.max_tokens - self._token_start()]
        self._vocab = [token for token, _ in ranked]
        if self.output_mode == "tf_idf":
            idf = np.array([math.log(1 + documents / (1 + document_counts[t])) for t in self._vocab], np.float32)
            self._idf = np.concatenate([np.full(self._token_start(), idf.mean() if idf.size else 0, np.float32), idf])
        self._frozen_vocab_size = self.vocabulary_size()

    # ---- the call ----
    def _convert_input(self, x):
        return x  # tokens may be strings; call converts them

    def call(self, inputs):
        kind = f"{type(self).__name__} layer '{self.name}'"
        if self.invert:
            return self._invert(inputs)
        if self.output_mode != "int" and self._frozen_vocab_size is None and not self.pad_to_max_tokens:
            raise RuntimeError(f"{kind}: when using `output_mode={self.output_mode}` and `pad_to_max_tokens=False`, "
                               f"you must set the layer's vocabulary before calling it. Either pass a `vocabulary` "
                               f"argument to the layer, or call `adapt` with some sample data.")
        keys = self._tokens_of(inputs)
        table = {token: i + self._token_start() for i, token in enumerate(self._vocab)}
        flat = keys.reshape(-1).tolist()
        indices = np.array([table.get(t, -1) for t in flat], np.int64).reshape(keys.shape)
        oov = indices < 0
        if self.mask_token is not None:
            masked = keys == self._key(self.mask_token)
            oov &= ~masked
        if oov.any():
            if self.num_oov_indices == 0:
                raise pt.errors.InvalidArgumentError(
                    f"{kind}: when `num_oov_indices=0` all inputs should be in vocabulary, found OOV values "
                    f"{[self._show(t) for t in keys[oov].tolist()][:10]}, consider setting `num_oov_indices=1`.")
            indices[oov] = self._oov_indices(keys[oov]) + self._oov_start()
        if self.output_mode == "int":
            if self.mask_token is not None:
                indices[masked] = 0
            return pt.constant(indices)
        depth = self.max_tokens if self.pad_to_max_tokens else self.vocabulary_size()
        dropped = self.mask_token is not None and masked.any()
        if dropped:
            indices[masked] = depth  # an extra slot, sliced off below: masks count nowhere
        mode = "count" if self.output_mode == "tf_idf" else self.output_mode
        encoded = encode_categorical(self, pt.constant(indices), mode, depth + int(dropped),
                                     pt.as_dtype(self._output_dtype()))
        if dropped:
            encoded = encoded[..., :depth]
        if self.output_mode == "tf_idf":
            idf = np.zeros(depth, np.float32)
            idf[:len(self._idf)] = self._idf[:depth]
            encoded = encoded * pt.constant(idf)
        return encoded

    def _output_dtype(self):
        # Keras: int64 ids and encodings, float32 tf-idf weights; inverted, the vocabulary's own type.
        if self.invert:
            return self.vocabulary_dtype
        return "float32" if self.output_mode == "tf_idf" else "int64"

    def _oov_indices(self, keys):
        return np.zeros(len(keys), np.int64)

    def _invert(self, inputs):
        indices = np.asarray(inputs.numpy() if isinstance(inputs, pt.Tensor) else inputs)
        if indices.dtype.kind not in "iu":
            raise TypeError(f"{type(self).__name__} layer '{self.name}': with invert=True the inputs are integer "
                            f"indices; received dtype {indices.dtype}.")
        table = self.get_vocabulary()
        return self._output_tokens([table[i] if 0 <= i < len(table) else self.oov_token
                                    for i in indices.reshape(-1).tolist()], indices.shape)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        depth = self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size
        if self.output_mode == "one_hot" and not (len(input_shape) > 1 and input_shape[-1] == 1):
            return input_shape + (depth,)
        return input_shape[:-1] + (depth,)

    def get_config(self):
        config = super().get_config()
        vocabulary = self.input_vocabulary
        if vocabulary is not None and not isinstance(vocabulary, str):
            vocabulary = [self._show(t) for t in self._tokens_of(vocabulary).reshape(-1).tolist()]
        idf = self.input_idf_weights
        config.update({"invert": self.invert, "max_tokens": self.max_tokens, "num_oov_indices": self.num_oov_indices,
                       "oov_token": self.oov_token, "mask_token": self.mask_token, "output_mode": self.output_mode,
                       "sparse": self.sparse, "pad_to_max_tokens": self.pad_to_max_tokens,
                       "vocabulary_dtype": self.vocabulary_dtype,
                       "idf_weights": None if idf is None else np.asarray(idf).tolist(), "vocabulary": vocabulary,
                       "vocabulary_size": self._frozen_vocab_size, "oov_method": self.oov_method, "salt": self.salt})
        return config
