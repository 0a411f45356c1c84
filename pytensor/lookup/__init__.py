"""``tf.lookup``: tables that map keys to values (TF's lookup_ops); see ``_tables`` for how they run.

Example:
    >>> table = tf.lookup.StaticHashTable(tf.lookup.KeyValueTensorInitializer(["a", "b"], [1, 2]), -1)
    >>> table.lookup(tf.constant(["b", "z"])).numpy()
    array([ 2, -1], dtype=int32)
"""

from . import experimental  # noqa: F401 - tf.lookup.experimental
from ._tables import (KeyValueTensorInitializer, StaticHashTable, StaticVocabularyTable, TextFileIndex,
                      TextFileInitializer)

__all__ = ["KeyValueTensorInitializer", "StaticHashTable", "StaticVocabularyTable", "TextFileIndex",
           "TextFileInitializer", "experimental"]
