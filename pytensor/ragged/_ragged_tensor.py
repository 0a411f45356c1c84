"""``tf.RaggedTensor``: rows of different lengths, stored as flat values plus row partitions.

A RaggedTensor is ``values`` (a Tensor, a string tensor, or another RaggedTensor) and ``row_splits`` (int64, the
offsets where each row starts in ``values``; row i is ``values[row_splits[i]:row_splits[i + 1]]``). Nesting gives
several ragged dimensions; the innermost values are ``flat_values``. Element-wise work runs on the flat values
through the core's ops, so tapes differentiate it; the partition bookkeeping is integer work on concrete splits.
"""

import numpy as np

from .. import _core
from .._tensor_api import Tensor, Variable
from ..data._types import StringTensor
from ..errors import InvalidArgumentError
from ..tensor_shape import TensorShape

_TENSORS = (Tensor, Variable)


def _splits_array(splits, op):
    """`splits` as a validated int64 numpy vector: starts at 0, never decreases."""
    array = np.asarray(splits.numpy() if isinstance(splits, _TENSORS) else splits)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"{op}: row_splits must be a non-empty vector, got shape {array.shape}")
    if array.dtype.kind not in "iu":
        raise TypeError(f"{op}: row_splits must be int32 or int64, got {array.dtype}")
    array = array.astype(np.int64)
    if array[0] != 0:
        raise InvalidArgumentError(f"{op}: row_splits must start with 0, got {array[0]}")
    if np.any(np.diff(array) < 0):
        raise InvalidArgumentError(f"{op}: row_splits must be sorted in ascending order, got {array.tolist()}")
    return array


def as_values(value, dtype=None):
    """`value` as a tensor pytensor's ops take (strings as a string tensor); ragged and tensors as they are."""
    if isinstance(value, (RaggedTensor, StringTensor) + _TENSORS):
        return value if dtype is None or value.dtype == dtype or isinstance(value, (RaggedTensor, StringTensor)) \
            else _core.cast(value, dtype)
    from .._tf_ops import convert_to_tensor

    return convert_to_tensor(value, dtype)


def _nrows_of(values):
    return values.nrows() if isinstance(values, RaggedTensor) else (values.shape[0] if values.shape.rank else None)


class RaggedTensor:
    """Rows of different lengths (``tf.RaggedTensor``).

    Example:
        >>> rt = RaggedTensor.from_row_splits([3, 1, 4, 1, 5], row_splits=[0, 2, 2, 5])
        >>> rt.to_list()
        [[3, 1], [], [4, 1, 5]]
    """

    def __init__(self, values, row_splits, _checked=False):
        if not _checked:
            raise TypeError("RaggedTensor is built with a factory: tf.RaggedTensor.from_row_splits / "
                            "from_row_lengths / from_value_rowids / from_tensor, or tf.ragged.constant")
        self._values = values
        self._splits = row_splits  # int64 numpy vector
        self._row_splits = None
        self._uniform_row_length = None  # set for a dimension of equal-length rows (printed in the shape)

    # -- factories -----------------------------------------------------------------------------------------------
    @classmethod
    def from_row_splits(cls, values, row_splits, name=None, validate=True):
        """Row i is ``values[row_splits[i]:row_splits[i + 1]]``."""
        values = as_values(values)
        splits = _splits_array(row_splits, "RaggedTensor.from_row_splits")
        count = _nrows_of(values)
        if count is not None and splits[-1] != count:
            raise InvalidArgumentError(f"RaggedTensor.from_row_splits: the last row split ({splits[-1]}) must equal "
                                       f"the number of values ({count})")
        return cls(values, splits, _checked=True)

    @classmethod
    def from_row_lengths(cls, values, row_lengths, name=None, validate=True):
        """Row i holds the next ``row_lengths[i]`` values."""
        lengths = np.asarray(row_lengths.numpy() if isinstance(row_lengths, _TENSORS) else row_lengths, np.int64)
        if np.any(lengths < 0):
            raise InvalidArgumentError(f"RaggedTensor.from_row_lengths: row lengths must be >= 0, got "
                                       f"{lengths.tolist()}")
        return cls.from_row_splits(values, np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64))

    @classmethod
    def from_value_rowids(cls, values, value_rowids, nrows=None, name=None, validate=True):
        """Value j goes to row ``value_rowids[j]`` (sorted); `nrows` adds empty trailing rows."""
        rowids = np.asarray(value_rowids.numpy() if isinstance(value_rowids, _TENSORS) else value_rowids, np.int64)
        if rowids.size and (rowids[0] < 0 or np.any(np.diff(rowids) < 0)):
            raise InvalidArgumentError("RaggedTensor.from_value_rowids: value_rowids must be sorted and >= 0, got "
                                       f"{rowids.tolist()}")
        rows = int(nrows) if nrows is not None else (int(rowids[-1]) + 1 if rowids.size else 0)
        if rowids.size and rowids[-1] >= rows:
            raise InvalidArgumentError(f"RaggedTensor.from_value_rowids: row id {rowids[-1]} >= nrows {rows}")
        return cls.from_row_lengths(values, np.bincount(rowids, minlength=rows))

    @classmethod
    def from_row_starts(cls, values, row_starts, name=None, validate=True):
        """Row i starts at ``row_starts[i]`` and ends where row i + 1 starts (the last at the end of values)."""
        values = as_values(values)
        starts = np.asarray(row_starts.numpy() if isinstance(row_starts, _TENSORS) else row_starts, np.int64)
        return cls.from_row_splits(values, np.concatenate([starts, [_nrows_of(values)]]).astype(np.int64))

    @classmethod
    def from_row_limits(cls, values, row_limits, name=None, validate=True):
        """Row i ends at ``row_limits[i]`` and starts where row i - 1 ends (the first at 0)."""
        limits = np.asarray(row_limits.numpy() if isinstance(row_limits, _TENSORS) else row_limits, np.int64)
        return cls.from_row_splits(values, np.concatenate([[0], limits]).astype(np.int64))

    @classmethod
    def from_nested_row_splits(cls, flat_values, nested_row_splits, name=None, validate=True):
        """Several ragged dimensions at once: the outermost splits first."""
        result = as_values(flat_values)
        for splits in reversed(list(nested_row_splits)):
            result = cls.from_row_splits(result, splits)
        return result

    @classmethod
    def from_nested_row_lengths(cls, flat_values, nested_row_lengths, name=None, validate=True):
        """Several ragged dimensions at once from row lengths: the outermost first."""
        result = as_values(flat_values)
        for lengths in reversed(list(nested_row_lengths)):
            result = cls.from_row_lengths(result, lengths)
        return result

    @classmethod
    def from_tensor(cls, tensor, lengths=None, padding=None, ragged_rank=1, name=None, row_splits_dtype="int64"):
        """The rows of a dense tensor, cut to `lengths` or with trailing `padding` removed."""
        if lengths is not None and padding is not None:
            raise ValueError("RaggedTensor.from_tensor: give lengths or padding, not both")
        tensor = as_values(tensor)
        if tensor.shape.rank is None or tensor.shape.rank < ragged_rank + 1:
            raise ValueError(f"RaggedTensor.from_tensor: a tensor of rank {tensor.shape.rank} has no ragged_rank "
                             f"{ragged_rank}: its rank must be at least {ragged_rank + 1}")
        if ragged_rank > 1:
            if lengths is not None or padding is not None:
                raise NotImplementedError("RaggedTensor.from_tensor: lengths / padding with ragged_rank > 1")
            dims = tuple(tensor.shape)
            inner = cls.from_tensor(_core.reshape(tensor, (dims[0] * dims[1],) + dims[2:]),
                                    ragged_rank=ragged_rank - 1)
            return cls.from_uniform_row_length(inner, dims[1])
        rows, width = tensor.shape[0], tensor.shape[1]
        if padding is not None:
            array = np.asarray(tensor)
            pad = np.asarray(padding.numpy() if isinstance(padding, _TENSORS) else padding, array.dtype)
            is_pad = (array == pad).reshape(rows, width, -1).all(axis=-1)
            # a row keeps everything up to its last element that is not padding
            keep = np.where(~is_pad, np.arange(1, width + 1), 0).max(axis=1) if width else np.zeros(rows, np.int64)
            lengths = keep
        if lengths is None:
            return cls.from_uniform_row_length(_flat_rows(tensor), width, nrows=rows)
        lengths = np.minimum(
            np.asarray(lengths.numpy() if isinstance(lengths, _TENSORS) else lengths, np.int64), width)
        positions = (np.arange(rows, dtype=np.int64)[:, None] * width + np.arange(width)[None, :])[
            np.arange(width)[None, :] < lengths[:, None]]
        return cls.from_row_lengths(_take(_flat_rows(tensor), positions), lengths)

    @classmethod
    def from_uniform_row_length(cls, values, uniform_row_length, nrows=None, validate=True, name=None):
        """Rows of `uniform_row_length` values each."""
        count = _nrows_of(as_values(values))
        length = int(uniform_row_length)
        rows = int(nrows) if nrows is not None else (count // length if length else 0)
        result = cls.from_row_splits(values, np.arange(rows + 1, dtype=np.int64) * length)
        result._uniform_row_length = length
        return result

    # -- structure -----------------------------------------------------------------------------------------------
    @property
    def values(self):
        """The concatenated rows (a Tensor, or a RaggedTensor for several ragged dimensions)."""
        return self._values

    @property
    def row_splits(self):
        """int64 offsets of the rows in ``values`` (length nrows + 1)."""
        if self._row_splits is None:
            self._row_splits = _core.constant(self._splits, "int64")
        return self._row_splits

    @property
    def flat_values(self):
        """The innermost values, a Tensor."""
        values = self._values
        while isinstance(values, RaggedTensor):
            values = values._values
        return values

    @property
    def nested_row_splits(self):
        """The row splits of every ragged dimension, outermost first."""
        result, rt = [], self
        while isinstance(rt, RaggedTensor):
            result.append(rt.row_splits)
            rt = rt._values
        return tuple(result)

    def _nested_splits(self):
        result, rt = [], self
        while isinstance(rt, RaggedTensor):
            result.append(rt._splits)
            rt = rt._values
        return result

    @property
    def ragged_rank(self):
        """The number of ragged dimensions."""
        return 1 + (self._values.ragged_rank if isinstance(self._values, RaggedTensor) else 0)

    @property
    def dtype(self):
        """The dtype of the values."""
        return self.flat_values.dtype

    @property
    def row_splits_dtype(self):
        from .. import dtypes

        return dtypes.int64

    @property
    def shape(self):
        """Static shape: the number of rows, None for each ragged dimension (its length where rows are uniform),
        then the values' inner dimensions."""
        dims, rt = [self.nrows_static], self
        while isinstance(rt, RaggedTensor):
            dims.append(rt._uniform_row_length)
            rt = rt._values
        return TensorShape(dims + list(rt.shape)[1:])

    @property
    def nrows_static(self):
        return len(self._splits) - 1

    @property
    def ndim(self):
        return self.shape.rank

    def get_shape(self):
        return self.shape

    def nrows(self, out_type="int64", name=None):
        """The number of rows, a scalar tensor."""
        return _core.constant(np.asarray(self.nrows_static, dtype=getattr(out_type, "name", out_type)))

    def row_lengths(self, axis=1, name=None):
        """The length of each row (of the ragged dimension `axis`)."""
        if axis == 1:
            return _core.constant(np.diff(self._splits), "int64")
        if axis < 1 or not isinstance(self._values, RaggedTensor):
            raise ValueError(f"RaggedTensor.row_lengths: axis {axis} is not a ragged dimension of a tensor with "
                             f"ragged_rank {self.ragged_rank}")
        return self.with_values(self._values.row_lengths(axis - 1))

    def nested_row_lengths(self, name=None):
        """The row lengths of every ragged dimension, outermost first."""
        return tuple(_core.constant(np.diff(s), "int64") for s in self._nested_splits())

    def value_rowids(self, name=None):
        """The row of each value."""
        return _core.constant(_rowids(self._splits), "int64")

    def row_starts(self, name=None):
        return _core.constant(self._splits[:-1], "int64")

    def row_limits(self, name=None):
        return _core.constant(self._splits[1:], "int64")

    def bounding_shape(self, axis=None, name=None, out_type="int64"):
        """The shape of the smallest dense tensor that holds every row."""
        dims = [self.nrows_static]
        rt = self
        while isinstance(rt, RaggedTensor):
            lengths = np.diff(rt._splits)
            dims.append(int(lengths.max()) if lengths.size else 0)
            rt = rt._values
        dims += list(rt.shape)[1:]
        shape = np.asarray(dims, dtype=getattr(out_type, "name", out_type))
        return _core.constant(shape if axis is None else shape[axis])

    def with_values(self, new_values):
        """The same row partition over `new_values`."""
        new_values = as_values(new_values)
        if _nrows_of(new_values) != self._splits[-1]:
            raise ValueError(f"RaggedTensor.with_values: {_nrows_of(new_values)} values for a partition of "
                             f"{self._splits[-1]}")
        return RaggedTensor(new_values, self._splits, _checked=True)

    def with_flat_values(self, new_values):
        """The same nested row partitions over new flat values."""
        if isinstance(self._values, RaggedTensor):
            return self.with_values(self._values.with_flat_values(new_values))
        return self.with_values(new_values)

    def merge_dims(self, outer_axis, inner_axis):
        """Dimensions outer_axis..inner_axis merged into one (``merge_dims(0, -1)`` flattens)."""
        rank = self.shape.rank
        outer, inner = outer_axis % rank, inner_axis % rank
        if outer > inner:
            raise ValueError(f"RaggedTensor.merge_dims: outer_axis ({outer_axis}) must be <= inner_axis "
                             f"({inner_axis})")
        if outer == inner:
            return self
        if outer > 1:
            return self.with_values(self._values.merge_dims(outer - 1, inner - 1)) if isinstance(
                self._values, RaggedTensor) else self.with_values(_merge_dense(self._values, outer - 1, inner - 1))
        if outer == 1:  # each row absorbs the dimensions below it: compose the row partitions
            splits, values = self._splits, self._values
            for _ in range(inner - outer):
                if isinstance(values, RaggedTensor):
                    splits, values = values._splits[splits], values._values
                else:
                    splits, values = splits * values.shape[1], _flat_rows(values)
            return RaggedTensor.from_row_splits(values, splits)
        merged = self._values  # merge axis 0 with axis 1, then continue
        if inner == 1:
            return merged
        return merged.merge_dims(0, inner - 1) if isinstance(merged, RaggedTensor) else _merge_dense(
            merged, 0, inner - 1)

    # -- conversion ----------------------------------------------------------------------------------------------
    def to_list(self):
        """The rows as nested Python lists."""
        values = self._values
        items = values.to_list() if isinstance(values, RaggedTensor) else np.asarray(values).tolist()
        return [items[a:b] for a, b in zip(self._splits[:-1], self._splits[1:])]

    def numpy(self):
        """An object array of the rows (each a numpy array, or nested for several ragged dimensions)."""
        values = self._values.numpy() if isinstance(self._values, RaggedTensor) else np.asarray(self._values)
        rows = np.empty(self.nrows_static, dtype=object)
        rows[:] = [values[a:b] for a, b in zip(self._splits[:-1], self._splits[1:])]
        return rows

    def to_tensor(self, default_value=None, name=None, shape=None):
        """A dense tensor: rows padded with `default_value` (0 / b"") to the bounding shape, or cut to `shape`."""
        bounding = [int(d) for d in self.bounding_shape().numpy()]
        target = bounding if shape is None else [b if s is None or s == -1 else int(s)
                                                  for s, b in zip(list(TensorShape(shape)), bounding)]
        flat = self.flat_values
        index = _flat_index(self)  # (N, 1 + ragged_rank) position of each flat value
        keep = np.all(index < np.asarray(target[:index.shape[1]]), axis=1) if len(index) else np.zeros(0, bool)
        inner = list(flat.shape)[1:]
        if inner and list(target[index.shape[1]:]) != inner:
            raise ValueError(f"RaggedTensor.to_tensor: shape {target} does not match the values' inner dimensions "
                             f"{inner}")
        if isinstance(flat, StringTensor):
            fill = b"" if default_value is None else default_value
            dense = np.full(target, fill, dtype=object)
            if keep.any():
                dense[tuple(index[keep].T)] = np.asarray(flat)[keep]
            return StringTensor(dense)
        kept = flat if keep.all() else _take(flat, np.flatnonzero(keep))
        positions = _core.constant(index[keep].reshape(-1, index.shape[1]), "int64")
        dense = _core.scatter_nd(positions, kept, tuple(target))
        if default_value is None or np.all(np.asarray(default_value) == 0):
            return dense
        hits = _core.scatter_nd(positions, _core.ones((int(keep.sum()),) + tuple(inner), "int32"), tuple(target))
        return _core.where(hits > 0, dense, _core.cast(_core.convert_to_tensor(default_value), flat.dtype))

    def to_sparse(self, name=None):
        """The SparseTensor of the values at their positions."""
        from ..data._types import SparseTensor

        index = _flat_index(self)
        sparse = SparseTensor(index, np.zeros(0, np.float32), [int(d) for d in self.bounding_shape().numpy()])
        sparse.values = self.flat_values
        return sparse

    # -- indexing ------------------------------------------------------------------------------------------------
    def _row(self, i):
        rows = self.nrows_static
        if not -rows <= i < rows:
            raise InvalidArgumentError(f"RaggedTensor: row index {i} is out of range for {rows} rows")
        i %= rows
        start, stop = int(self._splits[i]), int(self._splits[i + 1])
        values = self._values
        if isinstance(values, RaggedTensor):
            return values._rows_at(np.arange(start, stop))
        return values[start:stop]

    def _rows_at(self, rows):
        """The RaggedTensor of the rows numbered `rows`, as a new partition over their values."""
        rows = np.asarray(rows, np.int64)
        lengths = self._splits[rows + 1] - self._splits[rows]
        positions = np.concatenate([np.arange(self._splits[r], self._splits[r + 1]) for r in rows]).astype(
            np.int64) if rows.size else np.zeros(0, np.int64)
        values = self._values._rows_at(positions) if isinstance(self._values, RaggedTensor) else _take(
            self._values, positions)
        return RaggedTensor.from_row_lengths(values, lengths)

    def __getitem__(self, key):
        keys = key if isinstance(key, tuple) else (key,)
        first, rest = keys[0], keys[1:]
        if isinstance(first, (int, np.integer)) or (isinstance(first, _TENSORS) and first.shape.rank == 0):
            row = self._row(int(first))
            return row[rest if len(rest) > 1 else rest[0]] if rest else row
        if not isinstance(first, slice):
            raise TypeError(f"RaggedTensor: indices must be integers or slices, got {type(first).__name__}")
        rows = self._rows_at(np.arange(*first.indices(self.nrows_static)))
        if not rest:
            return rows
        # a key on the inner dimensions applies to every row
        inner = rest[0] if len(rest) == 1 else rest
        pieces = [rows._row(i)[inner] for i in range(rows.nrows_static)]
        if all(isinstance(p, RaggedTensor) for p in pieces):
            return stack_rows(pieces)
        if pieces and all(p.shape.rank == 0 for p in pieces if not isinstance(p, RaggedTensor)):
            return _stack_dense(pieces)
        return stack_rows(pieces)

    def __iter__(self):
        return (self._row(i) for i in range(self.nrows_static))

    def __len__(self):
        return self.nrows_static

    def __bool__(self):
        raise TypeError("RaggedTensor: the truth value of a ragged tensor is ambiguous")

    # -- element-wise arithmetic ---------------------------------------------------------------------------------
    def _elementwise(self, other, fn, reverse=False):
        flat = self.flat_values
        if isinstance(other, RaggedTensor):
            mine, theirs = self._nested_splits(), other._nested_splits()
            if len(mine) != len(theirs) or any(not np.array_equal(a, b) for a, b in zip(mine, theirs)):
                raise InvalidArgumentError("RaggedTensor: element-wise operands must have the same row partitions, "
                                           f"got row lengths {self.row_lengths().numpy().tolist()} and "
                                           f"{other.row_lengths().numpy().tolist()}")
            other_flat = other.flat_values
        else:
            other_flat = as_values(other)
            if other_flat.shape.rank is not None and other_flat.shape.rank > flat.shape.rank - 1:
                # a dense operand with the outer dimensions: broadcast each row's entry over that row's values
                if self.ragged_rank != 1 or other_flat.shape[0] != self.nrows_static:
                    raise InvalidArgumentError(f"RaggedTensor: cannot broadcast a dense operand of shape "
                                               f"{tuple(other_flat.shape)} against ragged shape {self.shape}")
                other_flat = _take(_core.squeeze(other_flat, axis=1) if other_flat.shape.rank == 2 and
                                   other_flat.shape[1] == 1 else other_flat, _rowids(self._splits))
            if not isinstance(other_flat, StringTensor) and other_flat.dtype != flat.dtype \
                    and not isinstance(other, _TENSORS):
                other_flat = _core.cast(other_flat, flat.dtype)
        result = fn(other_flat, flat) if reverse else fn(flat, other_flat)
        return self.with_flat_values(result)

    def __add__(self, other): return self._elementwise(other, _core.add)
    def __radd__(self, other): return self._elementwise(other, _core.add, reverse=True)
    def __sub__(self, other): return self._elementwise(other, _core.subtract)
    def __rsub__(self, other): return self._elementwise(other, _core.subtract, reverse=True)
    def __mul__(self, other): return self._elementwise(other, _core.multiply)
    def __rmul__(self, other): return self._elementwise(other, _core.multiply, reverse=True)
    def __truediv__(self, other): return self._elementwise(other, _truediv)
    def __rtruediv__(self, other): return self._elementwise(other, _truediv, reverse=True)
    def __floordiv__(self, other): return self._elementwise(other, lambda a, b: a // b)
    def __mod__(self, other): return self._elementwise(other, lambda a, b: a % b)
    def __pow__(self, other): return self._elementwise(other, _core.pow)
    def __lt__(self, other): return self._elementwise(other, _core.less)
    def __le__(self, other): return self._elementwise(other, _core.less_equal)
    def __gt__(self, other): return self._elementwise(other, _core.greater)
    def __ge__(self, other): return self._elementwise(other, _core.greater_equal)
    def __and__(self, other): return self._elementwise(other, _core.logical_and)
    def __or__(self, other): return self._elementwise(other, _core.logical_or)
    def __neg__(self): return self.with_flat_values(_core.negative(self.flat_values))
    def __abs__(self): return self.with_flat_values(_core.abs(self.flat_values))
    def __invert__(self): return self.with_flat_values(_core.logical_not(self.flat_values))

    def __eq__(self, other):
        return self._elementwise(other, _core.equal)

    def __ne__(self, other):
        return self._elementwise(other, _core.not_equal)

    __hash__ = None

    def __repr__(self):
        return f"<pt.RaggedTensor {self.to_list()!r}>"

    __str__ = __repr__


def _truediv(a, b):
    from ..math import truediv

    return truediv(a, b)


def _rowids(splits):
    return np.repeat(np.arange(len(splits) - 1, dtype=np.int64), np.diff(splits))


def _take(values, positions):
    """values[positions] along axis 0, differentiably for numeric tensors."""
    positions = np.asarray(positions, np.int64)
    if isinstance(values, StringTensor):
        return StringTensor(np.asarray(values)[positions])
    return _core.gather(values, _core.constant(positions, "int64"))


def _flat_index(rt):
    """The dense position (row, col, ...) of each flat value of `rt` along its ragged dimensions."""
    splits = rt._nested_splits()
    count = int(splits[-1][-1])
    index = np.zeros((count, len(splits) + 1), np.int64)
    owner = np.arange(count, dtype=np.int64)  # position in the current level's values
    for level in range(len(splits) - 1, -1, -1):
        rowids = _rowids(splits[level])
        row = rowids[owner]
        index[:, level + 1] = owner - splits[level][row]
        owner = row
    index[:, 0] = owner
    return index


def _flat_rows(tensor):
    """`tensor` with its first two dimensions merged."""
    dims = tuple(tensor.shape)
    if isinstance(tensor, StringTensor):
        return StringTensor(np.asarray(tensor).reshape((dims[0] * dims[1],) + dims[2:]))
    return _core.reshape(tensor, (dims[0] * dims[1],) + dims[2:])


def _merge_dense(tensor, outer, inner):
    dims = list(tensor.shape)
    merged = int(np.prod(dims[outer:inner + 1]))
    return _core.reshape(tensor, tuple(dims[:outer] + [merged] + dims[inner + 1:]))


def _stack_dense(pieces):
    if isinstance(pieces[0], StringTensor):
        return StringTensor(np.asarray([np.asarray(p) for p in pieces], dtype=object))
    return _core.stack(list(pieces), axis=0)


def _as_ragged_row_source(value):
    """A row-wise source: a RaggedTensor as it is, a dense tensor of rank >= 2 as ragged rows of it."""
    if isinstance(value, RaggedTensor):
        return value
    value = as_values(value)
    return RaggedTensor.from_tensor(value)


def stack_rows(pieces):
    """A RaggedTensor whose row i is `pieces[i]` (tensors or RaggedTensors of one rank and dtype)."""
    pieces = [as_values(p) for p in pieces]
    if not pieces:
        return RaggedTensor.from_row_splits(_core.zeros((0,), "float32"), [0])
    lengths = [_nrows_of(p) if isinstance(p, RaggedTensor) else (p.shape[0] if p.shape.rank else 1) for p in pieces]
    if all(isinstance(p, RaggedTensor) for p in pieces):
        values = concat_rows(pieces)
    elif any(isinstance(p, RaggedTensor) for p in pieces):
        values = concat_rows([_as_ragged_row_source(p) for p in pieces])
    elif isinstance(pieces[0], StringTensor):
        values = StringTensor(np.concatenate([np.asarray(p, dtype=object).reshape(-1) for p in pieces]))
    else:
        values = _core.concat([_core.reshape(p, (-1,) + tuple(p.shape)[1:]) if p.shape.rank else
                               _core.reshape(p, (1,)) for p in pieces], axis=0)
    return RaggedTensor.from_row_lengths(values, lengths)


def concat_rows(pieces):
    """The rows of several RaggedTensors one after another (axis 0)."""
    ranks = {p.ragged_rank for p in pieces}
    if len(ranks) != 1:
        raise ValueError(f"ragged concat: every input must have one ragged_rank, got {sorted(ranks)}")
    lengths = np.concatenate([np.diff(p._splits) for p in pieces])
    inner = [p._values for p in pieces]
    if isinstance(inner[0], RaggedTensor):
        values = concat_rows(inner)
    elif isinstance(inner[0], StringTensor):
        values = StringTensor(np.concatenate([np.asarray(v, dtype=object) for v in inner]))
    else:
        dtypes = {v.dtype for v in inner}
        if len(dtypes) != 1:
            raise TypeError(f"ragged concat: every input must have one dtype, got {sorted(d.name for d in dtypes)}")
        values = _core.concat(list(inner), axis=0)
    return RaggedTensor.from_row_lengths(values, lengths)
