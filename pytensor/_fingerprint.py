"""``tf.fingerprint``: a FarmHash Fingerprint64 of each row of a tensor, as TF computes it."""

import struct

import numpy as np

from . import _function
from ._tensor_api import Tensor
from .data._types import StringTensor, to_leaf, to_tensor

__all__ = ["fingerprint"]


def fingerprint(data, method="farmhash64", name=None):
    """The 8-byte fingerprint (uint8, little-endian) of each row ``data[i]``: Fingerprint64 of the row's bytes
    for numbers; for strings, of the one string, or of the concatenated fingerprints of the row's strings.

    Example:
        >>> tf.fingerprint(tf.constant(["a"])).numpy()
        array([[227, 117, 223, 182, 101,  66,  69, 179]], dtype=uint8)
    """
    if method != "farmhash64":
        raise ValueError(f"fingerprint: unsupported method {method!r}; TF has only 'farmhash64'")
    if isinstance(data, Tensor) and _function.current_capture() is not None and _function.symbolic_in_scope(data):
        from ._array_ops import numpy_function
        return numpy_function(_fingerprints, [data], "uint8")  # inside tf.function: on every call's values
    return to_tensor(_fingerprints(data._array if isinstance(data, StringTensor) else to_leaf(data)))


def _fingerprints(values):
    from .keras.layers._farmhash import fingerprint64

    values = np.asarray(values)
    if values.ndim < 1:
        raise ValueError("fingerprint: data must have rank >= 1 (one fingerprint per row), got a scalar; "
                         "wrap it as [data]")
    rows = values.reshape(len(values), -1)
    if values.dtype == object:
        digests = [fingerprint64(row[0]) if row.size == 1 else
                   fingerprint64(struct.pack(f"<{row.size}Q", *[fingerprint64(s) for s in row])) for row in rows]
    else:
        little = rows.astype(rows.dtype.newbyteorder("<"), copy=False)
        digests = [fingerprint64(np.ascontiguousarray(row).tobytes()) for row in little]
    return np.frombuffer(struct.pack(f"<{len(digests)}Q", *digests), np.uint8).reshape(len(digests), 8).copy()
