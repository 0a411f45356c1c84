"""Keras IntegerLookup layer."""
import numpy as np

import pytensor as pt

from ._farmhash import fingerprint64
from ._index_lookup import IndexLookup

__all__ = ["IntegerLookup"]


class IntegerLookup(IndexLookup):
    """Maps integers to indices of a vocabulary (given or learnt by ``adapt``): ``[mask_token] [OOV x
    num_oov_indices] [vocabulary]``; values outside it go to an OOV index (``value mod num_oov_indices`` when there
    are several, or FarmHash of the decimal string with ``oov_method="farmhash"``). ``invert=True`` maps indices
    back; ``output_mode`` ``"one_hot"``, ``"multi_hot"``, ``"count"``, ``"tf_idf"`` encode the indices.

    Example:
        >>> keras.layers.IntegerLookup(vocabulary=[12, 36])(tf.constant([[12, 1138, 36]])).numpy()
        array([[1, 0, 2]])
    """

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=-1, vocabulary=None,
                 vocabulary_dtype="int64", idf_weights=None, invert=False, output_mode="int", sparse=False,
                 pad_to_max_tokens=False, oov_method="floormod", salt=None, vocabulary_size=None, name=None, **kwargs):
        # vocabulary_size is get_config's record of the vocabulary's size; the vocabulary itself decides it.
        if vocabulary_dtype not in ("int32", "int64"):
            raise ValueError(f"IntegerLookup: `vocabulary_dtype` must be an integer dtype ('int32' or 'int64'); "
                             f"received {vocabulary_dtype!r}.")
        if oov_method not in ("floormod", "farmhash"):
            raise ValueError(f"IntegerLookup: `oov_method` must be 'floormod' or 'farmhash'; received {oov_method!r}.")
        super().__init__(max_tokens, num_oov_indices, mask_token, oov_token, vocabulary_dtype, vocabulary=vocabulary,
                         idf_weights=idf_weights, invert=invert, output_mode=output_mode, sparse=sparse,
                         pad_to_max_tokens=pad_to_max_tokens, oov_method=oov_method, salt=salt, name=name, **kwargs)

    def _key(self, token):
        return int(token)

    def _show(self, token):
        return int(token)

    def _tokens_of(self, values):
        values = np.asarray(values.numpy() if isinstance(values, pt.Tensor) else values)
        if values.dtype.kind not in "iub" and values.size:
            raise TypeError(f"IntegerLookup layer '{self.name}': expected integer inputs; received dtype "
                            f"{values.dtype}. Cast them first (tf.cast(x, 'int64')), or use StringLookup for "
                            f"strings.")
        return values.astype(np.int64)

    def _oov_indices(self, keys):
        if self.oov_method == "farmhash":  # TF hashes the decimal strings
            return np.array([fingerprint64(str(k).encode()) % self.num_oov_indices for k in keys.tolist()], np.int64)
        return np.mod(keys, self.num_oov_indices)

    def _output_tokens(self, tokens, shape):
        return pt.constant(np.array(tokens, np.int64).reshape(shape))
