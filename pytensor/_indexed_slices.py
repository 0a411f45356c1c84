"""``tf.IndexedSlices``: rows `values` of a tensor of `dense_shape` at row `indices` (how TF represents sparse
gradients: ``GradientTape.gradient`` returns one for a source read through an axis-0 gather, e.g. an
``Embedding``'s table). ``tf.convert_to_tensor`` turns one into its dense tensor, summing rows that share an index."""

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
        # Kept in its own integer dtype, as TF (a gradient's dense_shape is int32 there)
        self.dense_shape = None if dense_shape is None else _core.convert_to_tensor(dense_shape)

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

    @classmethod
    def _from_rows(cls, rows):
        """From the tape's (values, indices, dense_shape) triple, whose parts are already checked."""
        slices = cls.__new__(cls)
        slices.values, slices.indices, shape = rows
        slices.dense_shape = _core.constant(shape, "int32")
        return slices

    def to_dense(self):
        """The dense tensor (rows sharing an index are summed)."""
        if self.dense_shape is None:
            raise ValueError("IndexedSlices: converting to a dense tensor needs dense_shape")
        rows = int(self.dense_shape.numpy()[0])
        return _core.unsorted_segment_sum(self.values, self.indices, rows)

    def __neg__(self):
        return IndexedSlices(-self.values, self.indices, self.dense_shape)

    def __add__(self, other):
        """A dense tensor, as TF's ``+`` (the IndexedSlices converts to its dense tensor first)."""
        return self.to_dense() + (other.to_dense() if isinstance(other, IndexedSlices) else other)

    __radd__ = __add__

    def __repr__(self):
        shape = None if self.dense_shape is None else self.dense_shape.numpy().tolist()
        return (f"IndexedSlices(indices={self.indices.numpy().tolist()}, values={self.values!s}, "
                f"dense_shape={shape})")
