"""``tf.fingerprint``: a FarmHash Fingerprint64 of each row of a tensor, as TF computes it."""

import struct

import numpy as np

from .data._types import StringTensor, to_leaf, to_tensor

__all__ = ["fingerprint"]


def fingerprint(data, method="farmhash64", name=None):
    """The 8-byte fingerprint (uint8, little-endian) of each row ``data[i]``: Fingerprint64 of the row's bytes
    for numbers; for strings, of the one string, or of the concatenated fingerprints of the row's strings.

    Example:
        >>> tf.fingerprint(tf.constant(["a"])).numpy()
        array([[227, 117, 223, 182, 101,  66,  69, 179]], dtype=uint8)
    """
    from .keras.layers._farmhash import fingerprint64

    if method != "farmhash64":
        raise ValueError(f"fingerprint: unsupported method {method!r}; TF has only 'farmhash64'")
    values = data._array if isinstance(data, StringTensor) else to_leaf(data)
    if values.ndim < 1:
        raise ValueError(f"fingerprint: data must have rank >= 1 (one fingerprint per row), got a scalar; "
                         f"wrap it as [data]")
    rows = values.reshape(len(values), -1)
    if values.dtype == object:
        digests = [fingerprint64(row[0]) if row.size == 1 else
                   fingerprint64(struct.pack(f"<{row.size}Q", *[fingerprint64(s) for s in row])) for row in rows]
    else:
        little = rows.astype(rows.dtype.newbyteorder("<"), copy=False)
        digests = [fingerprint64(np.ascontiguousarray(row).tobytes()) for row in little]
    out = np.frombuffer(struct.pack(f"<{len(digests)}Q", *digests), np.uint8).reshape(len(digests), 8)
    return to_tensor(out.copy())
