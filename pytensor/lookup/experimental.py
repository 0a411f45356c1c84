"""``tf.lookup.experimental``: the mutable tables."""

from ._tables import DenseHashTable, MutableHashTable

__all__ = ["DenseHashTable", "MutableHashTable"]
