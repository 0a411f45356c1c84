"""Element types of tf.data: TensorSpec, the string dtype and tensor, SparseTensor, and leaf conversions.

Inside a pipeline every leaf is a numpy array (numeric dtypes, or ``object`` arrays of ``bytes`` for strings), which
keeps slicing and batching vectorised; leaves become pytensor Tensors (or StringTensors) only when handed to user
code or yielded by iteration.
"""

import numpy as np

from .. import dtypes as _dtypes
from .._core import constant as _constant
from .._tensor_api import Tensor
from ..tensor_shape import TensorShape


class StringDType:
    """The ``tf.string`` dtype: elements are Python ``bytes``."""

    name = "string"
    as_numpy_dtype = object
    is_floating = is_integer = is_bool = False

    def __repr__(self):
        return "tf.string"

    def __reduce__(self):
        return "string"


string = StringDType()


class StringTensor:
    """A tensor of byte strings (TF's ``tf.string``); ``numpy()`` gives ``bytes`` or an object array of bytes.

    Example:
        >>> t = StringTensor([b"a", b"bc"])
        >>> t[1].numpy()
        b'bc'
    """

    dtype = string

    def __init__(self, value):
        self._array = as_string_array(value)

    @property
    def _layout(self):
        """The array whose shape is the tensor's: a traced placeholder's shape is no read of its value."""
        return self._array

    @property
    def shape(self):
        """The static shape."""
        return TensorShape(list(self._layout.shape))

    @property
    def ndim(self):
        """Number of dimensions."""
        return self._layout.ndim

    def numpy(self):
        """``bytes`` for a scalar, else an object array of ``bytes`` (a copy)."""
        return self._array[()] if self._array.ndim == 0 else self._array.copy()

    def __array__(self, dtype=None, copy=None):
        return self._array if dtype is None else self._array.astype(dtype)

    def __len__(self):
        if self._layout.ndim == 0:
            raise TypeError("len() of a scalar string tensor")
        return len(self._layout)

    def __getitem__(self, key):
        return StringTensor(self._array[key])

    def __iter__(self):
        return (StringTensor(v) for v in self._array)

    def __eq__(self, other):
        other = other._array if isinstance(other, StringTensor) else as_string_array(other)
        return self._array == other

    __hash__ = None

    def __add__(self, other):
        """Element-wise concatenation, broadcasting as numpy (TF's ``+`` on ``tf.string`` tensors)."""
        other = other._array if isinstance(other, StringTensor) else as_string_array(other)
        return StringTensor(self._array + other)

    def __radd__(self, other):
        return StringTensor(as_string_array(other) + self._array)

    def __repr__(self):
        if self._array.ndim == 0:
            return f"pt.Tensor({self.numpy()!r}, shape=(), dtype=string)"
        body = np.array2string(self._array, separator=" ", threshold=1000)
        newline = "\n" if self._array.ndim > 1 else ""
        return f"pt.Tensor({newline}{body}, shape={tuple(self._array.shape)}, dtype=string)"


class SparseTensor:
    """TF's ``tf.sparse.SparseTensor``: ``indices`` (N, rank) int64, ``values`` (N,), ``dense_shape`` (rank,)."""

    def __init__(self, indices, values, dense_shape):
        self.indices = _constant(np.asarray(indices, np.int64).reshape(-1, len(dense_shape)))
        self.values = to_tensor(values)
        self.dense_shape = _constant(np.asarray(dense_shape, np.int64))

    @property
    def dtype(self):
        """The dtype of ``values``."""
        return self.values.dtype

    @property
    def shape(self):
        """The dense shape as a TensorShape."""
        return TensorShape([int(d) for d in self.dense_shape.numpy()])

    def to_dense(self, default_value=None):
        """The dense tensor, ``default_value`` (0 or b"") where no value is given (``tf.sparse.to_dense``)."""
        values = np.asarray(self.values)
        fill = default_value if default_value is not None else (b"" if values.dtype == object else 0)
        dense = np.full(tuple(self.dense_shape.numpy()), fill, dtype=values.dtype)
        idx = self.indices.numpy()
        if len(idx):
            dense[tuple(idx.T)] = values
        return to_tensor(dense)

    def _with_values(self, values):
        result = SparseTensor(self.indices.numpy(), np.zeros(0, np.float32), self.dense_shape.numpy())
        result.values = values
        return result

    def _values_of(self, other):
        """`other` (a scalar or a dense tensor broadcastable to the dense shape) at this tensor's indices."""
        dense = other if isinstance(other, Tensor) else _constant(np.asarray(other, np.asarray(self.values).dtype))
        if dense.shape.rank == 0:
            return dense
        from .. import _core

        full = _core.broadcast_to(dense, tuple(int(d) for d in self.dense_shape.numpy()))
        from .._array_ops import gather_nd

        return gather_nd(full, self.indices)

    def __mul__(self, other):
        """Element-wise product with a scalar or dense tensor: a SparseTensor of the same indices (TF's rule)."""
        if isinstance(other, SparseTensor):
            raise TypeError("SparseTensor * SparseTensor is not supported (TF neither); use tf.sparse.to_dense")
        return self._with_values(self.values * self._values_of(other))

    __rmul__ = __mul__

    def __truediv__(self, other):
        """Element-wise division by a scalar or dense tensor: a SparseTensor of the same indices."""
        return self._with_values(self.values / self._values_of(other))

    def __neg__(self):
        return self._with_values(-self.values)

    def __add__(self, other):
        """``tf.sparse.add``: sparse + sparse is sparse, sparse + dense is dense."""
        from ..sparse import add

        return add(self, other)

    __radd__ = __add__

    def __repr__(self):
        # TF's layout: each part printed as a tensor
        return f"SparseTensor(indices={self.indices!s}, values={self.values!s}, dense_shape={self.dense_shape!s})"


class SparseLeaf:
    """A SparseTensor inside a pipeline: numpy ``indices`` (N, rank), ``values`` (N,), ``dense_shape`` (rank,).

    It indexes like the dense leaves along its first dimension: ``leaf[i]`` is row i (one rank less),
    ``leaf[rows]`` / ``leaf[a:b]`` the rows as a batch; ``stack`` batches rows back together (dense_shape the
    largest of each dimension, as TF's batching of SparseTensors).
    """

    def __init__(self, indices, values, dense_shape):
        self.indices = np.asarray(indices, np.int64).reshape(-1, len(dense_shape))
        self.values = values
        self.dense_shape = np.asarray(dense_shape, np.int64)

    @property
    def shape(self):
        return tuple(int(d) for d in self.dense_shape)

    @property
    def ndim(self):
        return len(self.dense_shape)

    @property
    def dtype(self):
        return self.values.dtype

    def __len__(self):
        return int(self.dense_shape[0])

    def __getitem__(self, key):
        if isinstance(key, tuple):  # leaf[i, ...]
            key = key[0]
        if isinstance(key, (int, np.integer)):
            keep = self.indices[:, 0] == key
            return SparseLeaf(self.indices[keep, 1:], self.values[keep], self.dense_shape[1:])
        rows = np.arange(len(self))[key]
        return SparseLeaf.stack([self[int(r)] for r in rows], rows_only=True)

    @staticmethod
    def stack(leaves, rows_only=False):
        """The batch of `leaves` (SparseLeafs of one rank): row i of the result is leaves[i]."""
        rank = {leaf.ndim for leaf in leaves}
        if len(rank) > 1:
            raise ValueError(f"batch: SparseTensor elements must have one rank, got ranks {sorted(rank)}")
        width = rank.pop() if leaves else 0
        shape = np.max([leaf.dense_shape for leaf in leaves], axis=0) if leaves else np.zeros(width, np.int64)
        indices = [np.concatenate([np.full((len(leaf.indices), 1), i, np.int64), leaf.indices], axis=1)
                   for i, leaf in enumerate(leaves)]
        values = [leaf.values for leaf in leaves]
        return SparseLeaf(np.concatenate(indices) if indices else np.zeros((0, width + 1), np.int64),
                          np.concatenate(values) if values else np.zeros(0, np.float32),
                          np.concatenate([[len(leaves)], shape]).astype(np.int64))

    def to_sparse_tensor(self):
        return SparseTensor(self.indices, self.values, self.dense_shape)


class TensorSpec:
    """Shape and dtype of one component of a dataset element (``tf.TensorSpec``).

    Example:
        >>> TensorSpec(shape=(None, 3), dtype=float32)
    """

    def __init__(self, shape, dtype=_dtypes.float32, name=None):
        self.shape = shape if isinstance(shape, TensorShape) else TensorShape(None if shape is None else list(shape))
        self.dtype = as_dtype(dtype)
        self.name = name

    def is_compatible_with(self, other):
        """True when `other` (a spec, tensor or array) has this dtype and a shape this spec allows."""
        if not isinstance(other, TensorSpec):
            other = spec_of(to_leaf(other))
        return other.dtype == self.dtype and shapes_compatible(self.shape, other.shape)

    def __eq__(self, other):
        return (isinstance(other, TensorSpec) and self.dtype == other.dtype
                and _dims(self.shape) == _dims(other.shape))

    __hash__ = None

    def __repr__(self):
        return f"TensorSpec(shape={self.shape}, dtype={self.dtype!r}, name={self.name!r})"  # TF's: <unknown> rank


def _dims(shape):
    return None if shape.rank is None else tuple(shape.as_list())


def shapes_compatible(expected, actual):
    """True when each known dimension of `expected` matches `actual`."""
    exp, act = _dims(expected), _dims(actual)
    if exp is None or act is None:
        return True
    return len(exp) == len(act) and all(e is None or a is None or e == a for e, a in zip(exp, act))


def as_dtype(dtype):
    """A pytensor DType, or ``string`` for TF's string dtype (names, numpy types and ``str``/``bytes`` accepted)."""
    if dtype is string or dtype in ("string", str, bytes, object) or getattr(dtype, "name", None) == "string":
        return string
    return _dtypes.as_dtype(dtype)


def as_string_array(value):
    """An object ndarray of ``bytes`` (str is UTF-8 encoded)."""
    if isinstance(value, StringTensor):
        return value._array
    arr = np.asarray(value, dtype=object)
    flat = arr.reshape(-1)
    for i, v in enumerate(flat):
        if isinstance(v, str):
            flat[i] = v.encode("utf-8")
        elif not isinstance(v, bytes):
            raise TypeError(f"string tensor: element {v!r} ({type(v).__name__}) is neither bytes nor str")
    return flat.reshape(arr.shape)


def _is_string_like(value):
    if isinstance(value, (str, bytes, StringTensor)):
        return True
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "OSU"
    if isinstance(value, (list, tuple)):
        probe = value
        while isinstance(probe, (list, tuple)) and probe:
            probe = probe[0]
        return isinstance(probe, (str, bytes))
    return False


def to_leaf(value, dtype=None):
    """A pipeline leaf (numpy array) from a tensor, array, scalar, list or string; `dtype` forces a dtype.

    Python ints and floats become int32 and float32, as TF converts them.
    """
    if isinstance(value, SparseTensor):
        return SparseLeaf(value.indices.numpy(), np.asarray(value.values), value.dense_shape.numpy())
    if isinstance(value, SparseLeaf):
        return value
    if dtype is not None and as_dtype(dtype) is string or dtype is None and _is_string_like(value):
        return as_string_array(value)
    if isinstance(value, Tensor):
        arr = np.asarray(value)
    elif isinstance(value, np.ndarray) or np.isscalar(value) and isinstance(value, np.generic):
        arr = np.asarray(value)
    else:
        arr = np.asarray(value)
        if dtype is None and arr.dtype == np.int64:
            arr = arr.astype(np.int32)
        elif dtype is None and arr.dtype == np.float64:
            arr = arr.astype(np.float32)
    if dtype is not None:
        np_dtype = as_dtype(dtype).as_numpy_dtype
        if arr.dtype != np_dtype:
            if arr.dtype.kind == "f" and np.dtype(np_dtype).kind in "iub" and not np.all(np.mod(arr, 1) == 0):
                raise TypeError(f"cannot convert {arr.dtype} values with fractions to {as_dtype(dtype).name}")
            arr = arr.astype(np_dtype)
    return arr


def to_tensor(leaf):
    """The user-facing tensor of a leaf: a pytensor Tensor, or a StringTensor for strings."""
    if isinstance(leaf, (Tensor, StringTensor)):
        return leaf
    if isinstance(leaf, SparseLeaf):
        return leaf.to_sparse_tensor()
    if isinstance(leaf, np.ndarray) and leaf.dtype == object:
        return StringTensor(leaf)
    return _constant(leaf)


def spec_of(leaf, batched=False):
    """The TensorSpec of a leaf (SparseTensorSpec of a sparse one); `batched` leaves the first dimension unknown."""
    if isinstance(leaf, SparseLeaf):
        from .._type_spec import SparseTensorSpec

        shape = list(leaf.shape)
        return SparseTensorSpec([None] + shape[1:] if batched else shape, _dtypes.as_dtype(leaf.dtype))
    dtype = string if leaf.dtype == object else _dtypes.as_dtype(leaf.dtype)
    shape = list(leaf.shape)
    if batched:
        shape[0] = None
    return TensorSpec(shape, dtype)


def structure_to_leaves(structure):
    """`structure` with every leaf converted by to_leaf (lists are values, as in TF, not structures)."""
    if isinstance(structure, dict):
        return type(structure)((k, structure_to_leaves(v)) for k, v in structure.items())
    if isinstance(structure, tuple):
        items = [structure_to_leaves(v) for v in structure]
        return type(structure)(*items) if hasattr(structure, "_fields") else tuple(items)
    return to_leaf(structure)


def map_leaves(func, structure):
    """Applies `func` to each leaf of a structure of tuples and dicts (lists are leaves)."""
    if isinstance(structure, dict):
        return type(structure)((k, map_leaves(func, v)) for k, v in structure.items())
    if isinstance(structure, tuple) and not isinstance(structure, TensorShape):
        items = [map_leaves(func, v) for v in structure]
        return type(structure)(*items) if hasattr(structure, "_fields") else tuple(items)
    return func(structure)


def flatten(structure):
    """Leaves of a structure of tuples and dicts, in the order map_leaves visits them."""
    leaves = []
    map_leaves(leaves.append, structure)
    return leaves


def pack_as(structure, leaves):
    """Rebuilds `structure` from a flat list of leaves."""
    it = iter(leaves)
    return map_leaves(lambda _: next(it), structure)
