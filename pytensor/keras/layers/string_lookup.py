"""Keras StringLookup layer."""
import numpy as np

from ._farmhash import fingerprint64
from ._index_lookup import IndexLookup

__all__ = ["StringLookup"]


class StringLookup(IndexLookup):
    """Maps strings to indices of a vocabulary (given or learnt by ``adapt``): ``[mask_token] [OOV]
    [vocabulary]``; ``invert=True`` maps indices back to strings; ``output_mode`` ``"one_hot"``, ``"multi_hot"``,
    ``"count"``, ``"tf_idf"`` encode the indices. With several OOV indices a token's is its FarmHash Fingerprint64
    modulo ``num_oov_indices``, as in TF. String tensors are ``tf.data``'s (``tf.string`` elements of a
    ``Dataset.map``), numpy arrays or lists of ``str`` / ``bytes``.

    Example:
        >>> keras.layers.StringLookup(vocabulary=["a", "b"])(np.array([["a", "c", "b"]])).numpy()
        array([[1, 0, 2]])
    """

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token="[UNK]", vocabulary=None,
                 idf_weights=None, invert=False, output_mode="int", pad_to_max_tokens=False, sparse=False,
                 encoding="utf-8", vocabulary_size=None, name=None, **kwargs):
        # vocabulary_size is get_config's record of the vocabulary's size; the vocabulary itself decides it.
        self.encoding = encoding
        super().__init__(max_tokens, num_oov_indices, mask_token, oov_token, "string", vocabulary=vocabulary,
                         idf_weights=idf_weights, invert=invert, output_mode=output_mode, sparse=sparse,
                         pad_to_max_tokens=pad_to_max_tokens, name=name, **kwargs)

    def _key(self, token):
        return token.encode(self.encoding) if isinstance(token, str) else bytes(token)

    def _show(self, token):
        return token.decode(self.encoding) if isinstance(token, bytes) else token

    def _tokens_of(self, values):
        from pytensor.data._types import StringTensor

        values = values._array if isinstance(values, StringTensor) else np.asarray(values, dtype=object)
        flat = values.reshape(-1)
        for i, v in enumerate(flat):
            if isinstance(v, str):
                flat[i] = v.encode(self.encoding)
            elif not isinstance(v, bytes):
                raise TypeError(f"StringLookup layer '{self.name}': expected string inputs; received an element "
                                f"{v!r} ({type(v).__name__}). Use IntegerLookup for integers.")
        return flat.reshape(values.shape)

    def _oov_indices(self, keys):
        return np.array([fingerprint64(k) % self.num_oov_indices for k in keys.tolist()], np.int64)

    def _output_tokens(self, tokens, shape):
        from pytensor.data._types import StringTensor

        return StringTensor(np.array([self._key(t) for t in tokens] + [b""], dtype=object)[:-1].reshape(shape))

    def get_config(self):
        config = super().get_config()
        config["encoding"] = self.encoding
        del config["vocabulary_dtype"]  # Keras's StringLookup config has no such key
        return config
