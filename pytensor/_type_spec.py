"""``tf.TypeSpec`` and the specs of pytensor's composite values: the type of a value (shape, dtype, structure)
without the value, as ``tf.function`` signatures and ``tf.data`` element specs use them.
"""

import abc

from . import dtypes as _dtypes
from .data._types import SparseTensor, TensorSpec, as_dtype, shapes_compatible
from .tensor_shape import TensorShape

__all__ = ["TypeSpec", "SparseTensorSpec", "IndexedSlicesSpec", "NoneTensorSpec", "OptionalSpec",
           "TensorArraySpec", "type_spec_from_value"]


class TypeSpec(abc.ABC):
    """The type of a value: specs compare equal when they describe the same values (``tf.TypeSpec``)."""

    @property
    @abc.abstractmethod
    def value_type(self):
        """The Python type of the values this spec describes."""

    def _fields(self):
        return tuple(sorted(vars(self).items()))

    def is_compatible_with(self, spec_or_value):
        """True when `spec_or_value` (a spec or a value) fits this spec: same kind, dtype, and compatible shape."""
        other = spec_or_value if isinstance(spec_or_value, TypeSpec) else type_spec_from_value(spec_or_value)
        if type(other) is not type(self):
            return False
        mine, theirs = dict(self._fields()), dict(other._fields())
        for key, value in mine.items():
            if isinstance(value, TensorShape):
                if not shapes_compatible(value, theirs[key]):
                    return False
            elif value != theirs[key]:
                return False
        return True

    def most_specific_common_supertype(self, others):
        """The spec both this one and `others` fit (unknown dimensions where shapes differ), or None."""
        result = self
        for other in others:
            if type(other) is not type(result):
                return None
            fields = {}
            for (key, mine), (_, theirs) in zip(result._fields(), other._fields()):
                if isinstance(mine, TensorShape):
                    if mine.rank is None or theirs.rank is None or mine.rank != theirs.rank:
                        fields[key] = TensorShape(None)
                    else:
                        fields[key] = TensorShape([a if a == b else None
                                                   for a, b in zip(mine.as_list(), theirs.as_list())])
                elif mine != theirs:
                    return None
                else:
                    fields[key] = mine
            result = type(result).__new__(type(result))
            result.__dict__.update(fields)
        return result

    def __eq__(self, other):
        return type(other) is type(self) and self._fields() == other._fields()

    def __ne__(self, other):
        return not self == other

    __hash__ = None

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self._fields())})"


TypeSpec.register(TensorSpec)  # the dense spec lives with tf.data (data/_types.py)


def _shape(shape):
    return shape if isinstance(shape, TensorShape) else TensorShape(None if shape is None else list(shape))


class SparseTensorSpec(TypeSpec):
    """The type of a SparseTensor: its dense shape and the dtype of its values."""

    value_type = property(lambda self: SparseTensor)

    def __init__(self, shape=None, dtype=_dtypes.float32):
        self.shape, self.dtype = _shape(shape), as_dtype(dtype)

    @classmethod
    def from_value(cls, value):
        return cls(value.shape, value.dtype)


class IndexedSlicesSpec(TypeSpec):
    """The type of IndexedSlices: the dense shape, the values' dtype, and the index dtype."""

    @property
    def value_type(self):
        from ._indexed_slices import IndexedSlices

        return IndexedSlices

    def __init__(self, shape=None, dtype=_dtypes.float32, indices_dtype=_dtypes.int64, dense_shape_dtype=None,
                 indices_shape=None):
        self.shape, self.dtype, self.indices_dtype = _shape(shape), as_dtype(dtype), as_dtype(indices_dtype)
        self.dense_shape_dtype = None if dense_shape_dtype is None else as_dtype(dense_shape_dtype)
        self.indices_shape = _shape([None] if indices_shape is None else indices_shape)


class NoneTensorSpec(TypeSpec):
    """The type of None where a tensor could be (an optional output that is absent)."""

    value_type = property(lambda self: type(None))


class OptionalSpec(TypeSpec):
    """The type of ``tf.experimental.Optional`` values holding elements of `element_spec`."""

    value_type = property(lambda self: object)

    def __init__(self, element_spec):
        self.element_spec = element_spec


class TensorArraySpec(TypeSpec):
    """The type of a TensorArray: its elements' shape and dtype, and whether it grows."""

    @property
    def value_type(self):
        from ._tensor_array import TensorArray

        return TensorArray

    def __init__(self, element_shape=None, dtype=_dtypes.float32, dynamic_size=False, infer_shape=True):
        self.element_shape, self.dtype = _shape(element_shape), as_dtype(dtype)
        self.dynamic_size, self.infer_shape = dynamic_size, infer_shape


def type_spec_from_value(value):
    """The spec of `value`: TensorSpec for tensors and arrays, the matching spec for composite values."""
    from ._indexed_slices import IndexedSlices
    from .data._types import spec_of, to_leaf

    if isinstance(value, SparseTensor):
        return SparseTensorSpec.from_value(value)
    if isinstance(value, IndexedSlices):
        return IndexedSlicesSpec(value.dense_shape.numpy().tolist() if value.dense_shape is not None else None,
                                 value.values.dtype, value.indices.dtype)
    if value is None:
        return NoneTensorSpec()
    if type(value).__name__ == "RaggedTensor":
        from .ragged import RaggedTensorSpec

        return RaggedTensorSpec.from_value(value)
    try:
        return spec_of(to_leaf(value))
    except (TypeError, ValueError):
        raise TypeError(f"type_spec_from_value: cannot describe a value of type {type(value).__name__}") from None
