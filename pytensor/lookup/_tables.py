"""The tables of ``tf.lookup`` and their initializers.

A table keeps a Python dict from keys (``bytes`` for strings, Python numbers otherwise) to numpy values, behind a
lock (TF's tables are shared by threads). A lookup maps the keys of a dense tensor element by element; a
``SparseTensor`` or ``RaggedTensor`` of keys keeps its structure and gets its values mapped, as in TF. Inside
``tf.function`` a lookup or update whose keys or values are traced tensors is a host call of the graph (the
mechanism of ``tf.numpy_function``), so it runs on every call with that call's values rather than once at trace
time; string tensors are Python values in pytensor, and a function is traced again for new strings.
"""

import os
import threading

import numpy as np

from .. import _function, errors
from .._array_ops import numpy_function
from .._tensor_api import Tensor
from ..data._types import SparseTensor, StringTensor, as_dtype, as_string_array, string, to_leaf, to_tensor

__all__ = ["KeyValueTensorInitializer", "TextFileIndex", "TextFileInitializer", "StaticHashTable",
           "StaticVocabularyTable", "MutableHashTable", "DenseHashTable"]


def _dtype_of(value):
    """The TF dtype a key/value argument has, or None for Python values (converted to the table's dtype)."""
    if isinstance(value, StringTensor):
        return string
    if isinstance(value, Tensor):
        return value.dtype
    return None


def _leaf(value, dtype, what, op):
    """`value` as a numpy leaf of `dtype` (object array of bytes for strings); a tensor must already have it."""
    given = _dtype_of(value)
    if given is not None and given != dtype:
        raise TypeError(f"{op}: {what} must be {dtype!r}, got {given!r} (cast them with tf.cast, or build the table "
                        f"with that dtype)")
    try:
        return to_leaf(value, dtype)
    except (TypeError, ValueError) as e:
        raise TypeError(f"{op}: {what} {value!r} cannot be converted to {dtype!r}: {e}") from None


def _dict_key(value):
    return value if isinstance(value, bytes) else value.item() if isinstance(value, np.generic) else value


def _is_traced(value):
    return isinstance(value, Tensor) and _function.current_capture() is not None and _function.symbolic_in_scope(value)


def _host(compute, args, out_dtype, op):
    """``compute(*numpy args)``, run now, or at every call of the graph when an argument is a traced tensor (the
    StringTensors and Python values among `args` are fixed by the trace, as everything Python is there)."""
    if not any(_is_traced(a) for a in args):
        return compute(*[np.asarray(a) if isinstance(a, Tensor) else a for a in args])
    if out_dtype is string:
        raise TypeError(f"{op}: inside tf.function a table cannot return strings for traced keys (pytensor's string "
                        f"tensors are Python values, not graph values); run this lookup outside tf.function, e.g. "
                        f"in a tf.data map or before calling the function")
    traced = [i for i, a in enumerate(args) if isinstance(a, Tensor)]

    def run(*values):
        full = list(args)
        for i, v in zip(traced, values):
            full[i] = v
        result = compute(*full)
        return None if out_dtype is None else np.asarray(result)

    return numpy_function(run, [args[i] for i in traced], [] if out_dtype is None else out_dtype)


def _map_structure(keys, fn):
    """fn on the dense keys of `keys`; SparseTensor / RaggedTensor keys keep their structure."""
    if isinstance(keys, SparseTensor):
        return SparseTensor(keys.indices, fn(keys.values), keys.dense_shape)
    from ..ragged import RaggedTensor
    if isinstance(keys, RaggedTensor):
        return keys.with_flat_values(fn(keys.flat_values))
    return fn(keys)


class TextFileIndex:
    """Which part of a line a TextFileInitializer reads: the whole line or the line number (else a column)."""

    WHOLE_LINE = -2
    LINE_NUMBER = -1


class _Initializer:
    """A table initializer: the key and value dtypes and the (keys, values) it gives a table."""

    def __init__(self, key_dtype, value_dtype):
        self._key_dtype = as_dtype(key_dtype)
        self._value_dtype = as_dtype(value_dtype)

    @property
    def key_dtype(self):
        """The dtype of the keys."""
        return self._key_dtype

    @property
    def value_dtype(self):
        """The dtype of the values."""
        return self._value_dtype

    def initialize(self, table):
        """Fills `table` with this initializer's keys and values (a table built from it already did)."""
        table._initialize_from(self)


class KeyValueTensorInitializer(_Initializer):
    """Initializes a table from a tensor of keys and a tensor of values of the same length.

    Example:
        >>> init = tf.lookup.KeyValueTensorInitializer(["a", "b"], tf.constant([0, 1], tf.int64))
        >>> tf.lookup.StaticHashTable(init, -1).size().numpy()
        2
    """

    def __init__(self, keys, values, key_dtype=None, value_dtype=None, name=None):
        self._keys = to_leaf(keys, key_dtype).reshape(-1)
        self._values = to_leaf(values, value_dtype).reshape(-1)
        if len(self._keys) != len(self._values):
            raise ValueError(f"KeyValueTensorInitializer: {len(self._keys)} keys and {len(self._values)} values; "
                             f"give one value per key")
        key_dtype = string if self._keys.dtype == object else as_dtype(self._keys.dtype.name)
        value_dtype = string if self._values.dtype == object else as_dtype(self._values.dtype.name)
        super().__init__(key_dtype, value_dtype)
        self._name = name or "key_value_init"

    def _pairs(self):
        return self._keys, self._values


def _decoded(value):
    value = value.numpy() if isinstance(value, (Tensor, StringTensor)) else value
    return os.fsdecode(value) if isinstance(value, bytes) else os.fspath(value)


class TextFileInitializer(_Initializer):
    """Initializes a table from a text file: per line the key and the value are the whole line
    (``TextFileIndex.WHOLE_LINE``), the line number (``TextFileIndex.LINE_NUMBER``, plus `value_index_offset` for
    values) or a column of the line split at `delimiter`; `vocab_size` reads only that many lines.

    Example:
        >>> init = tf.lookup.TextFileInitializer("vocab.txt", tf.string, tf.lookup.TextFileIndex.WHOLE_LINE,
        ...                                      tf.int64, tf.lookup.TextFileIndex.LINE_NUMBER)
    """

    def __init__(self, filename, key_dtype, key_index, value_dtype, value_index, vocab_size=None, delimiter="\t",
                 name=None, value_index_offset=0):
        super().__init__(key_dtype, value_dtype)
        for what, index, dtype in (("key", key_index, self._key_dtype), ("value", value_index, self._value_dtype)):
            if index < TextFileIndex.WHOLE_LINE:
                raise ValueError(f"TextFileInitializer: invalid {what}_index {index}; use a column >= 0, "
                                 f"TextFileIndex.LINE_NUMBER or TextFileIndex.WHOLE_LINE")
            if index == TextFileIndex.LINE_NUMBER and not dtype.is_integer:
                raise ValueError(f"TextFileInitializer: {what} dtype for line numbers must be an integer type, "
                                 f"got {dtype!r}")
            if index == TextFileIndex.WHOLE_LINE and dtype is not string and not dtype.is_integer:
                raise ValueError(f"TextFileInitializer: the whole line as {what} needs tf.string or an integer "
                                 f"dtype, got {dtype!r}")
        if vocab_size is not None and vocab_size <= 0:
            raise ValueError(f"TextFileInitializer: invalid vocab_size {vocab_size}; give a positive size or None")
        self._filename = _decoded(filename)
        self._key_index, self._value_index = key_index, value_index
        self._vocab_size, self._delimiter, self._offset = vocab_size, delimiter, value_index_offset
        self._name = name or "text_file_init"

    def _column(self, fields, line, number, index, dtype, offset):
        if index == TextFileIndex.LINE_NUMBER:
            return number + offset
        text = line if index == TextFileIndex.WHOLE_LINE else None
        if text is None:
            if index >= len(fields):
                raise errors.InvalidArgumentError(
                    f"TextFileInitializer: invalid number of columns in {self._filename} line {number} ({line!r}): "
                    f"expected more than {index} got {len(fields)}")
            text = fields[index]
        if dtype is string:
            return text.encode("utf-8")
        try:
            return dtype.as_numpy_dtype(int(text) if dtype.is_integer else float(text))
        except ValueError:
            raise errors.InvalidArgumentError(f"TextFileInitializer: field {text!r} in {self._filename} line "
                                              f"{number} is not a valid {dtype.name}") from None

    def _pairs(self):
        try:
            with open(self._filename, encoding="utf-8", newline="") as f:
                lines = f.read().splitlines()
        except OSError as e:
            raise errors.NotFoundError(f"TextFileInitializer: cannot read {self._filename}: {e}") from None
        if self._vocab_size is not None:
            if len(lines) < self._vocab_size:
                raise errors.InvalidArgumentError(
                    f"TextFileInitializer: invalid vocab_size in {self._filename}: expected {self._vocab_size} but "
                    f"got {len(lines)} lines")
            lines = lines[:self._vocab_size]
        keys, values = [], []
        for number, line in enumerate(lines):
            fields = line.split(self._delimiter) if self._delimiter else line.split()
            keys.append(self._column(fields, line, number, self._key_index, self._key_dtype, 0))
            values.append(self._column(fields, line, number, self._value_index, self._value_dtype, self._offset))

        def array(items, dtype):
            if dtype is string:
                return as_string_array(np.array(items + [b""], dtype=object)[:-1])
            return np.array(items, dtype=dtype.as_numpy_dtype)

        return array(keys, self._key_dtype), array(values, self._value_dtype)


class _Table:
    """What every table has (TF's LookupInterface): dtypes, name, size, lookup and ``table[keys]``."""

    def __init__(self, key_dtype, value_dtype, default_value, name):
        self._key_dtype = as_dtype(key_dtype)
        self._value_dtype = as_dtype(value_dtype)
        self._name = name
        self._lock = threading.Lock()
        self._query_dtype = self._key_dtype  # the dtype lookups take
        self._data = {}
        self._default = np.asarray(to_leaf(default_value, self._value_dtype))

    @property
    def key_dtype(self):
        """The dtype of the keys."""
        return self._key_dtype

    @property
    def value_dtype(self):
        """The dtype of the values."""
        return self._value_dtype

    @property
    def name(self):
        """The table's name."""
        return self._name

    @property
    def resource_handle(self):
        """The table itself: pytensor keeps tables as Python objects, with no resource tensor."""
        return self

    @property
    def default_value(self):
        """The value of keys not in the table."""
        return to_tensor(self._default)

    def _op(self, method):
        return f"{type(self).__name__}.{method}"

    def _keys_leaf(self, keys, method):
        return _leaf(keys, self._query_dtype, "keys", self._op(method))

    def _initialize_from(self, initializer):
        if initializer.key_dtype != self._key_dtype or initializer.value_dtype != self._value_dtype:
            raise TypeError(f"{self._op('__init__')}: the initializer gives {initializer.key_dtype!r} -> "
                            f"{initializer.value_dtype!r}, the table holds {self._key_dtype!r} -> "
                            f"{self._value_dtype!r}")
        keys, values = initializer._pairs()
        with self._lock:
            for k, v in zip(keys.tolist(), values):
                old = self._data.get(k)
                if old is not None and old != v:
                    raise errors.FailedPreconditionError(
                        f"{self._op('__init__')}: the table has different values for the same key {k!r}: "
                        f"{old!r} and {v!r}")
                self._data[k] = v

    def _lookup_array(self, keys, default):
        """The values of a numpy array of keys (shape keys.shape + value shape); `default` is the table's default
        or one default per key (keys.shape + value shape)."""
        flat = keys.reshape(-1).tolist()
        with self._lock:
            found = [self._data.get(k) for k in flat]
        out = np.empty((len(flat),) + self._default.shape, dtype=self._default.dtype)
        per_key = default.shape != self._default.shape
        defaults = default.reshape(out.shape) if per_key else None
        fill = default[()] if default.ndim == 0 else default  # an element, not a 0-d array (string tables)
        for i, v in enumerate(found):
            out[i] = v if v is not None else defaults[i] if per_key else fill
        return out.reshape(keys.shape + self._default.shape)

    def lookup(self, keys, name=None):
        """The values of `keys` (a tensor, SparseTensor or RaggedTensor), the default value for missing keys."""
        def dense(k):
            if _is_traced(k):
                _leaf_dtype_check(k, self._query_dtype, self._op("lookup"))
            leaf = k if _is_traced(k) else self._keys_leaf(k, "lookup")
            out = _host(lambda a: self._lookup_array(_as_keys(a, self._query_dtype), self._default), [leaf],
                        self._value_dtype, self._op("lookup"))
            return to_tensor(out) if isinstance(out, np.ndarray) else out
        return _map_structure(keys, dense)

    def __getitem__(self, keys):
        return self.lookup(keys)

    def size(self, name=None):
        """The number of entries, an int64 scalar."""
        with self._lock:
            return to_tensor(np.int64(len(self._data)))

    def export(self, name=None):
        """(keys, values): every entry of the table."""
        with self._lock:
            keys, values = list(self._data), list(self._data.values())
        key_leaf = (as_string_array(np.array(keys + [b""], object)[:-1]) if self._key_dtype is string
                    else np.array(keys, self._key_dtype.as_numpy_dtype))
        value_leaf = (np.stack(values) if values else np.zeros((0,) + self._default.shape, self._default.dtype))
        return to_tensor(key_leaf), to_tensor(value_leaf.astype(self._default.dtype, copy=False))


def _leaf_dtype_check(keys, dtype, op):
    if keys.dtype != dtype:
        raise TypeError(f"{op}: keys must be {dtype!r}, got {keys.dtype!r} (cast them with tf.cast)")


def _as_keys(array, dtype):
    return as_string_array(array) if dtype is string else np.asarray(array, dtype.as_numpy_dtype)


class StaticHashTable(_Table):
    """A table filled once by an initializer and then read only.

    Example:
        >>> init = tf.lookup.KeyValueTensorInitializer(["apple", "banana"], tf.constant([0, 1], tf.int64))
        >>> tf.lookup.StaticHashTable(init, default_value=-1).lookup(tf.constant(["banana", "fig"])).numpy()
        array([ 1, -1])
    """

    def __init__(self, initializer, default_value, name=None, experimental_is_anonymous=False):
        super().__init__(initializer.key_dtype, initializer.value_dtype, default_value, name or "hash_table")
        if self._default.ndim:
            raise ValueError(f"StaticHashTable: default_value must be a scalar, got shape {self._default.shape}")
        self._initializer = initializer
        self._initialize_from(initializer)


class StaticVocabularyTable(_Table):
    """Maps keys in the vocabulary to their int64 ids and every other key to one of `num_oov_buckets` buckets
    after it: ``vocab_size + Fingerprint64(key) % num_oov_buckets`` (integer keys hashed as their decimal strings),
    TF's ``string_to_hash_bucket_fast``, so the ids equal TF's.

    Example:
        >>> init = tf.lookup.KeyValueTensorInitializer(["a", "b"], tf.constant([0, 1], tf.int64))
        >>> tf.lookup.StaticVocabularyTable(init, num_oov_buckets=3).lookup(tf.constant(["b", "zebra"])).numpy()
    """

    def __init__(self, initializer, num_oov_buckets, lookup_key_dtype=None, name=None,
                 experimental_is_anonymous=False):
        if num_oov_buckets is None or num_oov_buckets <= 0:
            raise ValueError(f"StaticVocabularyTable: num_oov_buckets must be > 0, got {num_oov_buckets}; use "
                             f"StaticHashTable for a table without out-of-vocabulary buckets")
        key_dtype = initializer.key_dtype if initializer is not None else as_dtype(lookup_key_dtype or string)
        if initializer is not None and initializer.value_dtype.name != "int64":
            raise TypeError(f"StaticVocabularyTable: invalid value dtype, expected int64 but got "
                            f"{initializer.value_dtype!r}")
        if key_dtype is not string and not key_dtype.is_integer:
            raise TypeError(f"StaticVocabularyTable: invalid key dtype {key_dtype!r}; use tf.string or an integer")
        super().__init__(key_dtype, "int64", -1, name or "hash_table")
        self._num_oov_buckets = int(num_oov_buckets)
        if lookup_key_dtype is not None:
            self._query_dtype = as_dtype(lookup_key_dtype)
        if initializer is not None:
            self._initialize_from(initializer)
        self._vocab_size = len(self._data)

    def _lookup_array(self, keys, default):
        from ..keras.layers._farmhash import fingerprint64
        ids = super()._lookup_array(keys.astype(self._key_dtype.as_numpy_dtype) if self._key_dtype is not string
                                    else keys, default)
        flat, key_list = ids.reshape(-1), keys.reshape(-1).tolist()
        for i in np.flatnonzero(flat == -1):
            key = key_list[i]
            key = key if isinstance(key, bytes) else str(int(key)).encode()
            flat[i] = self._vocab_size + fingerprint64(key) % self._num_oov_buckets
        return ids

    def size(self, name=None):
        """The vocabulary size plus the number of out-of-vocabulary buckets."""
        return to_tensor(np.int64(self._vocab_size + self._num_oov_buckets))

    def export(self, name=None):
        raise AttributeError("StaticVocabularyTable has no export (as in TF)")


class MutableHashTable(_Table):
    """A table whose entries are inserted and removed after creation; values may be vectors (the shape of
    `default_value`). ``lookup(keys, dynamic_default_values=...)`` takes one default per key.

    Example:
        >>> t = tf.lookup.experimental.MutableHashTable(tf.string, tf.int64, default_value=-1)
        >>> t.insert(tf.constant(["a"]), tf.constant([1], tf.int64))
        >>> t.lookup(tf.constant(["a", "b"])).numpy()
        array([ 1, -1])
    """

    def __init__(self, key_dtype, value_dtype, default_value, name="MutableHashTable", checkpoint=True,
                 experimental_is_anonymous=False):
        super().__init__(key_dtype, value_dtype, default_value, name)
        self._checkpoint = checkpoint

    def _check_key(self, key):
        pass

    def _insert_arrays(self, keys, values):
        keys = _as_keys(keys, self._key_dtype)
        values = np.asarray(values).astype(self._default.dtype, copy=False)
        if values.shape != keys.shape + self._default.shape:
            raise errors.InvalidArgumentError(
                f"{self._op('insert')}: expected values of shape {list(keys.shape + self._default.shape)} for keys "
                f"of shape {list(keys.shape)} and values of shape {list(self._default.shape)}, got "
                f"{list(values.shape)}")
        flat_values = values.reshape((-1,) + self._default.shape)
        with self._lock:
            for k, v in zip(keys.reshape(-1).tolist(), flat_values):
                self._check_key(k)
                self._data[k] = v.copy() if v.ndim else v[()]
                self._grow()

    def _grow(self):
        pass

    def insert(self, keys, values, name=None):
        """Inserts or replaces the entries of `keys` with `values` (keys.shape + the value shape)."""
        key_leaf = keys if _is_traced(keys) else self._keys_leaf(keys, "insert")
        value_leaf = values if _is_traced(values) else _leaf(values, self._value_dtype, "values", self._op("insert"))
        return _host(self._insert_arrays, [key_leaf, value_leaf], None, self._op("insert"))

    def _remove_array(self, keys):
        with self._lock:
            for k in _as_keys(keys, self._key_dtype).reshape(-1).tolist():
                self._check_key(k)
                self._data.pop(k, None)

    def remove(self, keys, name=None):
        """Removes the entries of `keys`; keys not in the table are ignored."""
        key_leaf = keys if _is_traced(keys) else self._keys_leaf(keys, "remove")
        return _host(self._remove_array, [key_leaf], None, self._op("remove"))

    def lookup(self, keys, dynamic_default_values=None, name=None):
        """The values of `keys`, `default_value` (or the matching row of `dynamic_default_values`) where missing."""
        if dynamic_default_values is None:
            return super().lookup(keys, name)
        defaults = np.asarray(to_leaf(dynamic_default_values, self._value_dtype))
        leaf = self._keys_leaf(keys, "lookup")
        if defaults.shape != leaf.shape + self._default.shape:
            raise errors.InvalidArgumentError(
                f"{self._op('lookup')}: dynamic_default_values of shape {list(defaults.shape)} must have the keys' "
                f"shape plus the value shape, {list(leaf.shape + self._default.shape)}")
        for k in leaf.reshape(-1).tolist():
            self._check_key(k)
        return to_tensor(self._lookup_array(_as_keys(leaf, self._key_dtype), defaults))


class DenseHashTable(MutableHashTable):
    """A mutable table with TF's open-addressing layout: `empty_key` and `deleted_key` mark free buckets and may
    not be used as keys; the buckets (`initial_num_buckets`, a power of 2) double when more than 80% are used, and
    ``export`` returns one row per bucket (empty buckets hold `empty_key`).

    Example:
        >>> t = tf.lookup.experimental.DenseHashTable(tf.int64, tf.int64, -1, empty_key=0, deleted_key=-1)
        >>> t.insert_or_assign(tf.constant([5], tf.int64), tf.constant([50], tf.int64))
        >>> t.lookup(tf.constant([5, 6], tf.int64)).numpy()
        array([50, -1])
    """

    _MAX_LOAD_FACTOR = 0.8

    def __init__(self, key_dtype, value_dtype, default_value, empty_key, deleted_key, initial_num_buckets=None,
                 name="MutableDenseHashTable", checkpoint=True, experimental_is_anonymous=False):
        super().__init__(key_dtype, value_dtype, default_value, name, checkpoint)
        self._empty_key = _dict_key(to_leaf(empty_key, self._key_dtype)[()])
        self._deleted_key = _dict_key(to_leaf(deleted_key, self._key_dtype)[()])
        if self._empty_key == self._deleted_key:
            raise ValueError(f"DenseHashTable: empty_key and deleted_key must differ, both are {self._empty_key!r}")
        buckets = 131072 if initial_num_buckets is None else int(initial_num_buckets)
        if buckets <= 0 or buckets & (buckets - 1):
            raise errors.InvalidArgumentError(f"DenseHashTable: initial_num_buckets must be a power of 2, got "
                                              f"{initial_num_buckets}")
        self._num_buckets = buckets

    def _check_key(self, key):
        if key == self._empty_key or key == self._deleted_key:
            which = "empty_key" if key == self._empty_key else "deleted_key"
            raise errors.InvalidArgumentError(f"DenseHashTable: using the {which} ({key!r}) as a table key is not "
                                              f"allowed; pick {which} outside the keys you use")

    def _grow(self):
        while len(self._data) > self._MAX_LOAD_FACTOR * self._num_buckets:
            self._num_buckets *= 2

    def lookup(self, keys, name=None):
        """The values of `keys`, the default value for missing keys (empty_key / deleted_key are errors)."""
        if not _is_traced(keys) and not isinstance(keys, (SparseTensor,)):
            for k in self._keys_leaf(keys, "lookup").reshape(-1).tolist():
                self._check_key(k)
        return super().lookup(keys, name=name)

    def insert_or_assign(self, keys, values, name=None):
        """Inserts or replaces the entries of `keys` with `values`."""
        return self.insert(keys, values, name)

    def erase(self, keys, name=None):
        """Removes the entries of `keys` (missing keys are ignored)."""
        return self.remove(keys, name)

    def export(self, name=None):
        """(keys, values), one row per bucket: keys (num_buckets, 1), values (num_buckets, value size or 1);
        buckets without an entry hold `empty_key` and zeros."""
        with self._lock:
            keys, values, n = list(self._data), list(self._data.values()), self._num_buckets
        width = max(1, int(np.prod(self._default.shape)))
        if self._key_dtype is string:
            key_rows = np.empty((n, 1), object)
            key_rows[:] = self._empty_key
        else:
            key_rows = np.full((n, 1), self._empty_key, self._key_dtype.as_numpy_dtype)
        value_rows = np.zeros((n, width), self._default.dtype)
        if self._default.dtype == object:
            value_rows[:] = b""
        for i, (k, v) in enumerate(zip(keys, values)):
            key_rows[i, 0] = k
            value_rows[i] = np.reshape(v, -1)
        return to_tensor(key_rows), to_tensor(value_rows)
