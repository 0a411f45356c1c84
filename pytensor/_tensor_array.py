"""``tf.TensorArray``: a list of tensors of one dtype, written and read by index and stacked at the end (as TF 2
programs use it in loops). Eagerly it is a Python list: writes return the array itself, so TF's
``ta = ta.write(i, x)`` works, and tapes differentiate through ``stack`` / ``concat`` / ``gather``.

As a loop variable of a traced ``tf.while_loop`` (or a ``tf.cond`` output) it becomes one tensor, its elements
stacked: ``[size, *element_shape]``; then every method is an op on that tensor (``write`` a
``tensor_scatter_nd_update`` returning a new array, ``read`` a ``gather``), so indices may be traced tensors and
gradients flow through. The size must be fixed then (a Python int, or the elements already written); an element
shape not known when the loop starts is found by tracing the loop body once first.
"""

from . import _core
from .dtypes import as_dtype
from ._tensor_api import Tensor
from .errors import InvalidArgumentError
from .tensor_shape import TensorShape

__all__ = ["TensorArray"]


class TensorArray:
    """A list of tensors of one dtype (and one shape unless `infer_shape=False`), indexed from 0."""

    def __init__(self, dtype, size=None, dynamic_size=None, clear_after_read=None, tensor_array_name=None,
                 handle=None, flow=None, infer_shape=True, element_shape=None, colocate_with_first_write_call=True,
                 name=None):
        self._dtype = as_dtype(dtype)
        self._dynamic = bool(dynamic_size)
        self._items = [None] * (0 if size is None else int(size))
        self._infer_shape = infer_shape
        self._element_shape = None if element_shape is None else TensorShape(element_shape)
        self._buffer = None   # the stacked elements, once the array is a traced loop's value
        self._probing = False  # while a loop body is traced only to learn the element shape

    @property
    def dtype(self):
        return self._dtype

    @property
    def dynamic_size(self):
        return self._dynamic

    @property
    def element_shape(self):
        return self._element_shape if self._element_shape is not None else TensorShape(None)

    def size(self, name=None):
        """The number of elements, as an int32 scalar."""
        if self._buffer is not None:
            return _core.constant(self._buffer._shape_tuple()[0], "int32")
        return _core.constant(len(self._items), "int32")

    # ---- as one tensor (inside traced control flow) ----
    def _as_buffer(self, what):
        """The elements stacked into one tensor ``[size, *element_shape]`` (unwritten ones zeros)."""
        if self._buffer is not None:
            return self._buffer
        if self._dynamic and not self._items:
            raise ValueError(f"{what}: a TensorArray with dynamic_size=True and no elements cannot be a loop variable "
                             f"inside tf.function here: its size must be fixed when the loop starts; give size=")
        if self._element_shape is None or not self._element_shape.is_fully_defined():
            raise ValueError(f"{what}: the TensorArray's element shape is unknown; pass element_shape= to "
                             f"tf.TensorArray or write an element before the loop")
        return _core.stack([self._element(i) for i in range(len(self._items))], 0) if self._items else _core.zeros(
            (0, *self._element_shape.as_list()), self._dtype)

    def _with_buffer(self, buffer):
        """A new array like this one holding `buffer` (its stacked elements)."""
        out = TensorArray(self._dtype, dynamic_size=self._dynamic, infer_shape=self._infer_shape,
                          element_shape=buffer._shape_tuple()[1:])
        out._buffer = buffer
        return out

    def _buffer_for(self, index, what):
        """The stacked tensor this call works on, or None for the list: the array is a loop value already, or
        `index` is a value the traced graph computes (list positions are trace-time numbers). Stacked anew for each
        such call: the stack is an op of the graph being traced now."""
        if self._buffer is not None:
            return self._buffer
        from ._function import symbolic_in_scope

        if isinstance(index, Tensor) and symbolic_in_scope(index):
            return self._as_buffer(f"TensorArray.{what}")
        return None

    def _index(self, index):
        return _core.reshape(_core.convert_to_tensor(index, dtype="int32"), (1, 1))

    def _check_index(self, index, op):
        index = int(index)
        if index < 0 or (index >= len(self._items) and not (self._dynamic and op == "write")):
            raise InvalidArgumentError(f"TensorArray.{op}: index {index} is out of range for a TensorArray of size "
                                       f"{len(self._items)}" + ("" if self._dynamic else " (dynamic_size=False)"))
        return index

    def write(self, index, value, name=None):
        """Stores `value` at `index` (growing the array when dynamic_size); returns the array (a new one when it
        is a traced loop's tensor)."""
        if self._probing:
            value = _core.convert_to_tensor(value, dtype=self._dtype)
            self._element_shape = TensorShape(value._shape_tuple())
            return self
        buffer = self._buffer_for(index, "write")
        if buffer is not None:
            from ._array_ops import tensor_scatter_nd_update
            value = _core.convert_to_tensor(value, dtype=self._dtype)
            return self._with_buffer(tensor_scatter_nd_update(buffer, self._index(index),
                                                              _core.expand_dims(value, 0)))
        index = self._check_index(index, "write")
        value = _core.convert_to_tensor(value, dtype=self._dtype)  # a TypeError names both dtypes
        shape = TensorShape(value._shape_tuple())
        if self._infer_shape:
            if self._element_shape is not None and not self._element_shape.is_compatible_with(shape):
                raise InvalidArgumentError(f"TensorArray.write: element shape {shape} is not compatible with the "
                                           f"array's {self._element_shape}")
            self._element_shape = shape
        if index >= len(self._items):
            self._items.extend([None] * (index + 1 - len(self._items)))
        self._items[index] = value
        return self

    def read(self, index, name=None):
        """The element at `index` (zeros of the element shape if it was never written)."""
        buffer = self._buffer_for(index, "read")
        if buffer is not None:
            return _core.gather(buffer, _core.convert_to_tensor(index, dtype="int32"), axis=0)
        index = self._check_index(index, "read")
        return self._element(index)

    def _element(self, index):
        item = self._items[index]
        if item is not None:
            return item
        if self._element_shape is None or not self._element_shape.is_fully_defined():
            raise InvalidArgumentError(f"TensorArray.read: element {index} was never written and the element shape "
                                       "is unknown")
        return _core.zeros(tuple(self._element_shape.as_list()), self._dtype)

    def stack(self, name=None):
        """All elements stacked along a new first axis."""
        if self._buffer is not None:
            return self._buffer
        if not self._items:
            shape = [] if self._element_shape is None else self._element_shape.as_list()
            return _core.zeros((0, *[d or 0 for d in shape]), self._dtype)
        return _core.stack([self._element(i) for i in range(len(self._items))], 0)

    def gather(self, indices, name=None):
        """The elements at `indices`, stacked."""
        buffer = self._buffer_for(indices, "gather")
        if buffer is not None:
            return _core.gather(buffer, _core.convert_to_tensor(indices, dtype="int32"), axis=0)
        return _core.stack([self.read(i) for i in _ints(indices)], 0)

    def concat(self, name=None):
        """All elements joined along their first axis."""
        if self._buffer is not None:
            shape = self._buffer._shape_tuple()
            return _core.reshape(self._buffer, (shape[0] * shape[1], *shape[2:]))
        return _core.concat([self._element(i) for i in range(len(self._items))], 0)

    def unstack(self, value, name=None):
        """Writes the slices of `value` along its first axis as the elements; returns the array."""
        value = _core.convert_to_tensor(value, dtype=self._dtype)
        if self._buffer is not None:
            return self._with_buffer(value)
        for i, item in enumerate(_core.unstack(value, axis=0) if value._shape_tuple()[0] else []):
            self.write(i, item)
        return self

    def scatter(self, indices, value, name=None):
        """Writes the slices of `value` at `indices`; returns the array."""
        value = _core.convert_to_tensor(value, dtype=self._dtype)
        buffer = self._buffer_for(indices, "scatter")
        if buffer is not None:
            from ._array_ops import tensor_scatter_nd_update
            indices = _core.expand_dims(_core.convert_to_tensor(indices, dtype="int32"), -1)
            return self._with_buffer(tensor_scatter_nd_update(buffer, indices, value))
        for i, item in zip(_ints(indices), _core.unstack(value, axis=0)):
            self.write(i, item)
        return self

    def split(self, value, lengths, name=None):
        """Writes consecutive pieces of `value` (along its first axis) of the given lengths; returns the array."""
        value = _core.convert_to_tensor(value, dtype=self._dtype)
        start = 0
        for i, length in enumerate(_ints(lengths)):
            self.write(i, value[start:start + length])
            start += length
        return self

    def identity(self):
        return self

    def close(self, name=None):
        self._items = []

    def mark_used(self):
        """Nothing to mark eagerly."""


def _ints(values):
    values = values.numpy() if hasattr(values, "numpy") else values
    return [int(v) for v in (values.reshape(-1) if hasattr(values, "reshape") else values)]
