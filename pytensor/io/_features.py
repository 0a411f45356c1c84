"""Example features parsed to SparseTensors built from an index and a value feature (SparseFeature) and to
RaggedTensors of each example's values (RaggedFeature, without nested partitions)."""
import numpy as np

from .. import errors
from ..data._types import SparseTensor, as_dtype, string, to_tensor

__all__ = ["SparseFeature", "RaggedFeature"]


class SparseFeature:
    """A SparseTensor of dense shape ``size`` whose indices come from the int64 feature ``index_key`` and
    values from ``value_key`` (sorted by index unless ``already_sorted``)."""

    def __init__(self, index_key, value_key, dtype, size, already_sorted=False):
        if not isinstance(index_key, str):
            raise ValueError(f"SparseFeature: pytensor parses one index_key (a 1-D SparseTensor per example); "
                             f"received {index_key!r}.")
        self.index_key, self.value_key, self.dtype = index_key, value_key, as_dtype(dtype)
        self.size = int(size[0] if isinstance(size, (list, tuple)) else size)
        self.already_sorted = already_sorted


class RaggedFeature:
    """Each example's values of feature ``value_key`` (the dict key when None): a RaggedTensor of rows for a
    batch, a 1-D tensor for one example. Nested partitions are not built, and the row splits are int64
    whatever ``row_splits_dtype`` says (pytensor's RaggedTensor keeps int64 splits)."""

    def __init__(self, dtype, value_key=None, partitions=(), row_splits_dtype="int32", validate=False):
        if partitions:
            raise NotImplementedError("RaggedFeature: partitions (nested ragged dimensions) are not built in "
                                      "pytensor; parse the flat values and the row lengths as separate features "
                                      "and combine them with tf.RaggedTensor.from_row_lengths.")
        self.dtype, self.value_key = as_dtype(dtype), value_key
        self.row_splits_dtype = as_dtype(row_splits_dtype)
        self.partitions, self.validate = partitions, validate


def _values(example, key, dtype):
    from . import VarLenFeature, _feature_values

    values = _feature_values(example, key, VarLenFeature(dtype))
    if values is None:
        return np.zeros(0, object) if dtype is string else np.zeros(0, dtype.as_numpy_dtype)
    return values


def parse_sparse_feature(examples, spec, batched):
    """The SparseTensor of a SparseFeature over examples: [index] per example, or [example, index] batched."""
    indices, values = [], []
    for b, example in enumerate(examples):
        index = _values(example, spec.index_key, as_dtype("int64"))
        value = _values(example, spec.value_key, spec.dtype)
        if len(index) != len(value):
            raise errors.InvalidArgumentError(f"parse_example: SparseFeature has {len(index)} indices in "
                                              f"{spec.index_key!r} but {len(value)} values in {spec.value_key!r}.")
        if len(index) and (index.min() < 0 or index.max() >= spec.size):
            raise errors.InvalidArgumentError(f"parse_example: SparseFeature index {int(index.max())} of "
                                              f"{spec.index_key!r} is out of range for size {spec.size}.")
        order = np.arange(len(index)) if spec.already_sorted else np.argsort(index, kind="stable")
        indices += [[b, int(i)] if batched else [int(i)] for i in index[order]]
        values.append(value[order])
    flat = np.concatenate(values) if values else np.zeros(0, spec.dtype.as_numpy_dtype)
    shape = [len(examples), spec.size] if batched else [spec.size]
    return SparseTensor(np.asarray(indices, np.int64).reshape(-1, len(shape)), to_tensor(flat), shape)


def parse_ragged_feature(examples, key, spec, batched):
    """A RaggedFeature: the values (one example) or a RaggedTensor of each example's values."""
    from ..ragged import RaggedTensor

    rows = [_values(example, spec.value_key or key, spec.dtype) for example in examples]
    if not batched:
        return to_tensor(rows[0])
    flat = np.concatenate(rows) if rows else np.zeros(0, spec.dtype.as_numpy_dtype)
    return RaggedTensor.from_row_lengths(to_tensor(flat), [len(r) for r in rows])
