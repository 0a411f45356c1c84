"""tf.data: Dataset and its sources.

Example:
    >>> import pytensor as tf
    >>> ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(10000).batch(32)
"""

from ._types import SparseTensor, StringTensor, TensorSpec, string
from .dataset import AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset
from .readers import CsvDataset, DataLossError, TextLineDataset, TFRecordDataset
from .options import Options
from . import experimental  # noqa: E402 - after readers, which it imports

__all__ = ["AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY", "Dataset", "TextLineDataset",
           "TFRecordDataset", "experimental", "TensorSpec", "StringTensor", "SparseTensor", "string",
           "DataLossError", "Options"]
