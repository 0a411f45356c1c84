"""``tf.IndexedSlices``: rows `values` of a tensor of `dense_shape` at row `indices` (how TF represents sparse
gradients; programs build them and test for them). ``tf.convert_to_tensor`` turns one into its dense tensor,
summing rows that share an index."""

from . import _core

__all__ = ["IndexedSlices"]


class IndexedSlices:
    """values[i] is row indices[i] of a dense tensor of shape dense_shape (the other rows are zero)."""

    def __init__(self, values, indices, dense_shape=None):
        self.values = _core.convert_to_tensor(values)
        self.indices = _core.convert_to_tensor(indices)
        if not self.indices.dtype.is_integer or self.indices.ndim != 1:
            raise TypeError(f"IndexedSlices: indices must be a 1-D integer tensor, got {self.indices.dtype.name} of "
                            f"shape {tuple(self.indices.shape)}")
        if self.values.ndim < 1 or self.values.shape[0] != self.indices.shape[0]:
            raise ValueError(f"IndexedSlices: values {tuple(self.values.shape)} need one row per index "
                             f"({self.indices.shape[0]})")
        self.dense_shape = None if dense_shape is None else _core.cast(_core.convert_to_tensor(dense_shape), "int64")

    @property
    def dtype(self):
        return self.values.dtype

    @property
    def shape(self):
        from .tensor_shape import TensorShape

        if self.dense_shape is None:
            return TensorShape([None] + list(self.values.shape[1:]))
        return TensorShape([int(d) for d in self.dense_shape.numpy()])

    @property
    def device(self):
        return self.values.device

    def to_dense(self):
        """The dense tensor (rows sharing an index are summed)."""
        if self.dense_shape is None:
            raise ValueError("IndexedSlices: converting to a dense tensor needs dense_shape")
        rows = int(self.dense_shape.numpy()[0])
        return _core.unsorted_segment_sum(self.values, self.indices, rows)

    def __neg__(self):
        return IndexedSlices(-self.values, self.indices, self.dense_shape)

    def __repr__(self):
        shape = None if self.dense_shape is None else self.dense_shape.numpy().tolist()
        return (f"IndexedSlices(indices={self.indices.numpy().tolist()}, values={self.values!s}, "
                f"dense_shape={shape})")
