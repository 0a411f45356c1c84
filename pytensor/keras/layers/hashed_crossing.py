"""Keras HashedCrossing layer."""
import numpy as np

import pytensor as pt

from ._farmhash import cross_fingerprint
from ._preprocessing_utils import encode_categorical
from .layer import Layer

__all__ = ["HashedCrossing"]

_HASH_KEY = 0xDECAFCAFFE  # tf.sparse.cross_hashed's default key


class HashedCrossing(Layer):
    """Crosses categorical features (two or more inputs of strings or integers, each of shape ``()``,
    ``(batch,)`` or ``(batch, 1)``) into ``num_bins`` buckets, as TF's ``tf.sparse.cross_hashed`` does: the
    key ``0xDECAFCAFFE`` chained with ``FingerprintCat64`` over each feature's hash (a string's FarmHash
    Fingerprint64, an integer's own value), modulo ``num_bins``; so the ids match Keras's. ``output_mode`` is
    ``"int"`` (ids, int64 by default) or ``"one_hot"``.

    Example:
        >>> layer = keras.layers.HashedCrossing(num_bins=5)
        >>> layer((np.array(["A", "B", "A"]), np.array([101, 101, 7]))).numpy()
        array([1, 4, 0])

    Raises:
        ValueError: for fewer than two inputs, inputs of other shapes or dtypes, or an unknown ``output_mode``.
    """

    def __init__(self, num_bins, output_mode="int", sparse=False, name=None, dtype=None, **kwargs):
        if output_mode == "int" and dtype is None:
            dtype = "int64"
        super().__init__(name=name, dtype=dtype, **kwargs)
        kind = f"HashedCrossing layer '{self.name}'"
        if output_mode not in ("int", "one_hot"):
            raise ValueError(f"{kind}: invalid value for argument `output_mode`. Expected one of ('int', "
                             f"'one_hot'). Received: output_mode={output_mode!r}")
        if not isinstance(num_bins, int) or num_bins < 1:
            raise ValueError(f"{kind}: `num_bins` must be a positive int; received num_bins={num_bins!r}.")
        if sparse:
            raise ValueError(f"{kind}: sparse=True is not supported here; use sparse=False (dense outputs).")
        self.num_bins = num_bins
        self.output_mode = output_mode
        self.sparse = False
        self.built = True

    def _convert_input(self, x):
        return x  # strings or integers: call reads them

    def _feature(self, x):
        from pytensor.data._types import StringTensor, as_string_array
        if isinstance(x, StringTensor):
            values = x._array
        else:
            values = np.asarray(x.numpy() if isinstance(x, pt.Tensor) else x)
            if values.dtype.kind in "OSU":
                values = as_string_array(values)
            elif values.dtype.kind not in "iu":
                raise ValueError(f"HashedCrossing layer '{self.name}': inputs must be strings or integers; received "
                                 f"dtype {values.dtype}. Cast floats to int or str first.")
        if values.ndim > 2 or (values.ndim == 2 and values.shape[-1] != 1):
            raise ValueError(f"HashedCrossing layer '{self.name}': every input must have shape (), (batch,) or "
                             f"(batch, 1); received shape {values.shape}.")
        return values

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) < 2:
            raise ValueError(f"HashedCrossing layer '{self.name}' must be called on a list or tuple of at least two "
                             f"inputs; received {inputs!r}.")
        features = [self._feature(x) for x in inputs]
        shape = features[0].shape
        if any(f.shape != shape for f in features):
            raise ValueError(f"HashedCrossing layer '{self.name}': the inputs must have the same shape; received "
                             f"{[f.shape for f in features]}.")
        columns = [f.reshape(-1).tolist() for f in features]
        ids = [cross_fingerprint(row, _HASH_KEY) % self.num_bins for row in zip(*columns)]
        ids = pt.constant(np.array(ids, np.int64).reshape(shape))
        if self.output_mode == "one_hot" and len(shape) == 0:
            ids = pt.reshape(ids, (1,))
        return encode_categorical(self, ids, self.output_mode, self.num_bins, pt.as_dtype(self._dtype))

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape[0])
        if self.output_mode == "int":
            return shape
        return (shape[:-1] if shape and shape[-1] == 1 else shape) + (self.num_bins,)

    def get_config(self):
        return {"num_bins": self.num_bins, "output_mode": self.output_mode, "sparse": self.sparse,
                "name": self.name, "dtype": self._dtype}
