"""Keras Hashing layer."""
import numpy as np

import pytensor as pt

from ._farmhash import fingerprint64
from ._preprocessing_utils import OUTPUT_MODES, OutputDTypeMixin, encode_categorical
from .layer import Layer

__all__ = ["Hashing"]


class Hashing(OutputDTypeMixin, Layer):
    """Hashes strings or integers into ``num_bins`` buckets with FarmHash Fingerprint64 (TF's
    ``to_hash_bucket_fast``, so the ids match TF's; integers are hashed as their decimal strings). With
    ``mask_value``, that value maps to 0 and the others to ``1 + hash mod (num_bins - 1)``. ``output_mode``
    ``"one_hot"``, ``"multi_hot"``, ``"count"`` encode the ids. The keyed SipHash of ``salt`` is not built.

    Example:
        >>> keras.layers.Hashing(num_bins=3)(np.array([["A"], ["B"], ["C"], ["D"], ["E"]])).numpy().ravel()
        array([1, 0, 1, 1, 2])
    """

    def __init__(self, num_bins, mask_value=None, salt=None, output_mode="int", sparse=False, **kwargs):
        if kwargs.get("dtype") is None:
            kwargs["dtype"] = "int64" if output_mode == "int" else "float32"
        super().__init__(**kwargs)
        kind = f"Hashing layer '{self.name}'"
        if num_bins is None or num_bins <= 0:
            raise ValueError(f"{kind}: the `num_bins` for `Hashing` cannot be `None` or non-positive values. "
                             f"Received: num_bins={num_bins}.")
        if output_mode not in OUTPUT_MODES:
            raise ValueError(f"{kind}: invalid value for argument `output_mode`. Expected one of {OUTPUT_MODES}. "
                             f"Received: output_mode={output_mode}")
        if output_mode == "int" and self._dtype not in ("int32", "int64"):
            raise ValueError(f"{kind}: when `output_mode=\"int\"`, `dtype` should be an integer type, 'int32' or "
                             f"'int64'. Received: dtype={self._dtype}")
        if salt is not None:
            raise ValueError(f"{kind}: `salt` (TF's keyed SipHash, to_hash_bucket_strong) is not supported here; "
                             f"use salt=None (FarmHash).")
        if sparse:
            raise ValueError(f"{kind}: sparse=True is not supported here; use sparse=False (dense outputs).")
        self.num_bins = num_bins
        self.mask_value = mask_value
        self.salt = None
        self.output_mode = output_mode
        self.sparse = False
        self.built = True

    def _convert_input(self, x):
        return x  # strings or integers: call reads them

    def _values(self, inputs):
        from pytensor.data._types import StringTensor, as_string_array

        if isinstance(inputs, StringTensor):
            return inputs._array
        values = np.asarray(inputs.numpy() if isinstance(inputs, pt.Tensor) else inputs)
        if values.dtype.kind in "OSU":
            return as_string_array(values)
        if values.dtype.kind == "f":
            values = values.astype(np.int64)  # as Keras: floats hashed by their integer part
        return values

    def call(self, inputs):
        values = self._values(inputs)
        if self.output_mode == "one_hot" and values.ndim and values.shape[-1] == 1:
            values = values[..., 0]
        bins = self.num_bins
        masked = None
        if self.mask_value is not None and bins > 1:
            bins -= 1
            mask_value = self.mask_value.encode() if isinstance(self.mask_value, str) else self.mask_value
            masked = values == mask_value
        keys = [v if isinstance(v, bytes) else str(int(v)).encode() for v in values.reshape(-1).tolist()]
        ids = np.array([fingerprint64(k) % bins for k in keys], np.int64).reshape(values.shape)
        if masked is not None:
            ids = np.where(masked, 0, ids + 1)
        return encode_categorical(self, pt.constant(ids), self.output_mode, self.num_bins,
                                  pt.as_dtype(self._output_dtype()))

    def _output_dtype(self):
        return self._dtype

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        if not input_shape:
            return (self.num_bins,)
        return input_shape[:-1] + (self.num_bins,)

    def get_config(self):
        config = super().get_config()
        config.update({"num_bins": self.num_bins, "salt": self.salt, "mask_value": self.mask_value,
                       "output_mode": self.output_mode, "sparse": self.sparse})
        return config
