"""The feature columns and ``input_layer`` (see the package docstring).

A categorical column gives, per example, a list of ids and a list of weights (1.0 unless weighted). Dense inputs
lose their ignored values first, as TF's sparse conversion: ``""`` for strings, ``-1`` for integers. Negative ids
(a vocabulary's default -1) are dropped by indicator and embedding columns, as TF's one_hot and safe embedding
lookup drop them. Indicator and embedding outputs are ``C @ W`` with C the (batch, num_buckets) matrix of combined
weights, so embeddings train through the ordinary matmul gradient.
"""

import collections
import itertools
import math

import numpy as np

from .. import errors
from .._tensor_api import Tensor, Variable
from ..data._types import SparseTensor, StringTensor, as_dtype, string, to_leaf
from ..lookup import (KeyValueTensorInitializer, StaticHashTable, StaticVocabularyTable, TextFileIndex,
                      TextFileInitializer)

_CROSS_HASH_KEY = 0xDECAFCAFFE  # tf.sparse.cross_hashed's default hash key


def _core():
    import pytensor
    return pytensor


def _is_ragged(value):
    from ..ragged import RaggedTensor
    return isinstance(value, RaggedTensor)


def _feature(features, key, column):
    if key not in features:
        raise ValueError(f"feature column {column}: the features have no key {key!r} (they have "
                         f"{sorted(features)}); add that feature or fix the column's key")
    return features[key]


def _leaf(value):
    if isinstance(value, StringTensor):
        return value._array
    return np.asarray(value.numpy() if isinstance(value, Tensor) else to_leaf(value))


def _rows(value, drop_ignored=True):
    """Per example, the list of its values: rows of a dense input (its ignored values dropped), a SparseTensor's
    values grouped by row, a RaggedTensor's rows flattened."""
    if isinstance(value, SparseTensor):
        batch = int(value.dense_shape.numpy()[0])
        rows = [[] for _ in range(batch)]
        values = _leaf(value.values).reshape(-1).tolist()
        for (row, *_), v in zip(value.indices.numpy().tolist(), values):
            rows[row].append(v)
        return rows
    if _is_ragged(value):
        def flat(x):
            return [v for item in x for v in flat(item)] if isinstance(x, list) else [x]
        return [flat(row) for row in value.to_list()]
    array = _leaf(value)
    if array.ndim == 0:
        raise ValueError(f"feature column: a feature must have a batch dimension, got a scalar {array!r}")
    rows = array.reshape(len(array), -1).tolist()
    ignored = _ignored_value(value) if drop_ignored else None
    return [[v for v in row if v != ignored] for row in rows] if ignored is not None else rows


def _ignored_value(value):
    """The value a dense input leaves out ("" for strings, -1 for integers); None for sparse inputs and floats."""
    if _is_sparse_input(value):
        return None
    array = _leaf(value)
    return b"" if array.dtype == object else -1 if array.dtype.kind in "iu" else None


def _is_sparse_input(value):
    return isinstance(value, SparseTensor) or _is_ragged(value)


# ---- categorical columns ---------------------------------------------------------------------------------------

class _Categorical:
    """A column of ids: ``_ids(features)`` -> per example (ids, weights)."""

    def _ids(self, features):
        return [(ids, [1.0] * len(ids)) for ids in self._id_rows(features)]

    def _lookup_rows(self, rows, table, dtype):
        flat = [v for row in rows for v in row]
        if not flat:
            return [[] for _ in rows]
        keys = (StringTensor(np.array(flat + [b""], object)[:-1]) if dtype is string
                else _core().constant(np.array(flat, dtype.as_numpy_dtype)))
        ids = iter(table.lookup(keys).numpy().tolist())
        return [[next(ids) for _ in row] for row in rows]

    @property
    def parse_example_spec(self):
        """{key: the tf.io feature spec that parses this column's input}."""
        from ..io import VarLenFeature
        return {self.key: VarLenFeature(self.dtype)}


def _check_key(key, op):
    if not isinstance(key, str):
        raise ValueError(f"{op}: key must be a string (the feature's name), got {key!r}")


def _vocabulary_dtype(values, dtype, op):
    if dtype is not None:
        dtype = as_dtype(dtype)
    else:
        dtype = string if isinstance(values[0], (str, bytes)) else as_dtype("int64")
    if dtype is not string and not dtype.is_integer:
        raise ValueError(f"{op}: dtype must be string or integer, got {dtype!r}")
    return dtype


def _check_oov(num_oov_buckets, default_value, op):
    if num_oov_buckets < 0:
        raise ValueError(f"{op}: invalid num_oov_buckets {num_oov_buckets}; use 0 or more")
    if num_oov_buckets and default_value != -1:
        raise ValueError(f"{op}: can't specify both num_oov_buckets ({num_oov_buckets}) and default_value "
                         f"({default_value}); out-of-vocabulary values go to one or the other")


class VocabularyListCategoricalColumn(
        _Categorical, collections.namedtuple("VocabularyListCategoricalColumn",
                                             ("key", "vocabulary_list", "dtype", "default_value", "num_oov_buckets"))):
    """Ids from an in-memory vocabulary (categorical_column_with_vocabulary_list)."""

    @property
    def name(self):
        """The column's name: its key."""
        return self.key

    @property
    def num_buckets(self):
        """Vocabulary size plus out-of-vocabulary buckets."""
        return len(self.vocabulary_list) + self.num_oov_buckets

    def _table(self):
        table = getattr(self, "_cached_table", None)
        if table is None:
            ids = np.arange(len(self.vocabulary_list), dtype=np.int64)
            init = KeyValueTensorInitializer(list(self.vocabulary_list), ids, key_dtype=self.dtype)
            table = (StaticVocabularyTable(init, self.num_oov_buckets) if self.num_oov_buckets
                     else StaticHashTable(init, self.default_value))
            object.__setattr__(self, "_cached_table", table)
        return table

    def _id_rows(self, features):
        return self._lookup_rows(_rows(_feature(features, self.key, self.name)), self._table(), self.dtype)


class VocabularyFileCategoricalColumn(
        _Categorical, collections.namedtuple("VocabularyFileCategoricalColumn",
                                             ("key", "vocabulary_file", "vocabulary_size", "num_oov_buckets",
                                              "dtype", "default_value", "file_format"))):
    """Ids from a vocabulary file, one entry a line (categorical_column_with_vocabulary_file)."""

    name = VocabularyListCategoricalColumn.name

    @property
    def num_buckets(self):
        """Vocabulary size plus out-of-vocabulary buckets."""
        return self.vocabulary_size + self.num_oov_buckets

    def _table(self):
        table = getattr(self, "_cached_table", None)
        if table is None:
            init = TextFileInitializer(self.vocabulary_file, self.dtype, TextFileIndex.WHOLE_LINE, "int64",
                                       TextFileIndex.LINE_NUMBER, vocab_size=self.vocabulary_size)
            table = (StaticVocabularyTable(init, self.num_oov_buckets) if self.num_oov_buckets
                     else StaticHashTable(init, self.default_value))
            object.__setattr__(self, "_cached_table", table)
        return table

    _id_rows = VocabularyListCategoricalColumn._id_rows


class HashedCategoricalColumn(
        _Categorical, collections.namedtuple("HashedCategoricalColumn", ("key", "hash_bucket_size", "dtype"))):
    """Ids from FarmHash Fingerprint64 of the values (integers as decimal strings) modulo hash_bucket_size."""

    name = VocabularyListCategoricalColumn.name

    @property
    def num_buckets(self):
        """hash_bucket_size."""
        return self.hash_bucket_size

    def _id_rows(self, features):
        table = getattr(self, "_cached_table", None)
        if table is None:  # a vocabulary table with no vocabulary: every value goes to a hashed bucket
            table = StaticVocabularyTable(None, self.hash_bucket_size, lookup_key_dtype=self.dtype)
            object.__setattr__(self, "_cached_table", table)
        rows = _rows(_feature(features, self.key, self.name))
        if self.dtype is not string:
            rows = [[int(v) for v in row] for row in rows]
        return self._lookup_rows(rows, table, self.dtype)


class IdentityCategoricalColumn(
        _Categorical, collections.namedtuple("IdentityCategoricalColumn", ("key", "number_buckets", "default_value"))):
    """The integer values are the ids, in [0, num_buckets) (others become default_value, or are an error)."""

    name = VocabularyListCategoricalColumn.name
    dtype = as_dtype("int64")

    @property
    def num_buckets(self):
        """number_buckets."""
        return self.number_buckets

    def _id_rows(self, features):
        rows = _rows(_feature(features, self.key, self.name))
        out = []
        for row in rows:
            ids = []
            for v in row:
                if not isinstance(v, (int, np.integer)):
                    raise TypeError(f"categorical_column_with_identity {self.key!r}: values must be integers, got "
                                    f"{v!r}")
                if 0 <= v < self.number_buckets:
                    ids.append(int(v))
                elif self.default_value is not None:
                    ids.append(self.default_value)
                else:
                    raise errors.InvalidArgumentError(
                        f"categorical_column_with_identity {self.key!r}: value {v} is outside [0, "
                        f"{self.number_buckets}); give default_value to map such values, or more num_buckets")
            out.append(ids)
        return out


class WeightedCategoricalColumn(
        _Categorical, collections.namedtuple("WeightedCategoricalColumn",
                                             ("categorical_column", "weight_feature_key", "dtype"))):
    """A categorical column whose ids carry the weights of the feature weight_feature_key (same layout)."""

    @property
    def name(self):
        """'<categorical name>_weighted_by_<weight key>'."""
        return f"{self.categorical_column.name}_weighted_by_{self.weight_feature_key}"

    @property
    def num_buckets(self):
        """The categorical column's num_buckets."""
        return self.categorical_column.num_buckets

    @property
    def parse_example_spec(self):
        """The categorical column's spec and a float VarLenFeature for the weights."""
        from ..io import VarLenFeature
        spec = dict(self.categorical_column.parse_example_spec)
        spec[self.weight_feature_key] = VarLenFeature(self.dtype)
        return spec

    def _ids(self, features):
        column = self.categorical_column
        raw = _feature(features, column.key, self.name)
        weights = _rows(_feature(features, self.weight_feature_key, self.name), drop_ignored=False)
        values = _rows(raw, drop_ignored=False)
        ignored = _ignored_value(raw)
        if [len(w) for w in weights] != [len(v) for v in values]:
            raise errors.InvalidArgumentError(
                f"weighted_categorical_column {self.name!r}: the weights' rows {[len(w) for w in weights]} must match "
                f"the values' rows {[len(v) for v in values]}")
        ids = column._id_rows(features)
        out = []
        for row_values, row_weights, row_ids in zip(values, weights, ids):
            out.append((row_ids, [w for v, w in zip(row_values, row_weights) if ignored is None or v != ignored]))
        return out


class CrossedColumn(_Categorical, collections.namedtuple("CrossedColumn", ("keys", "hash_bucket_size", "hash_key"))):
    """Ids of the crosses of several features: every combination of one value of each, hashed as TF's
    sparse_cross_hashed (FingerprintCat64 chained from hash_key over the values' hashes) modulo hash_bucket_size."""

    @property
    def name(self):
        """The names of the crossed keys, sorted, joined by '_X_'."""
        return "_X_".join(sorted(k if isinstance(k, str) else k.name for k in self.keys))

    @property
    def num_buckets(self):
        """hash_bucket_size."""
        return self.hash_bucket_size

    @property
    def parse_example_spec(self):
        """The union of the crossed keys' specs (raw keys: string VarLenFeatures)."""
        from ..io import VarLenFeature
        spec = {}
        for key in self.keys:
            spec.update({key: VarLenFeature(string)} if isinstance(key, str) else key.parse_example_spec)
        return spec

    def _leaves(self):
        for key in self.keys:
            if isinstance(key, CrossedColumn):
                yield from key._leaves()
            else:
                yield key

    def _id_rows(self, features):
        from ..keras.layers._farmhash import cross_fingerprint
        sparse, dense = [], []  # the cross op takes its sparse inputs first, then the dense ones, as TF's
        for key in self._leaves():
            if isinstance(key, str):
                raw = _feature(features, key, self.name)
                (sparse if _is_sparse_input(raw) else dense).append(_rows(raw, drop_ignored=False))
            else:
                sparse.append(key._id_rows(features))
        out = []
        for row_values in zip(*(sparse + dense)):
            out.append([cross_fingerprint(combination, self.hash_key) % self.hash_bucket_size
                        for combination in itertools.product(*row_values)])
        return out


# ---- dense columns ---------------------------------------------------------------------------------------------

class _Dense:
    """A column that gives a float32 (batch, n) tensor: ``_dense(features)``."""


class NumericColumn(_Dense, collections.namedtuple("NumericColumn",
                                                   ("key", "shape", "default_value", "dtype", "normalizer_fn"))):
    """Real values of a fixed shape per example, through normalizer_fn."""

    name = VocabularyListCategoricalColumn.name

    @property
    def variable_shape(self):
        """The per-example shape."""
        from ..tensor_shape import TensorShape
        return TensorShape(list(self.shape))

    @property
    def parse_example_spec(self):
        """A FixedLenFeature of the column's shape, dtype and default."""
        from ..io import FixedLenFeature
        return {self.key: FixedLenFeature(self.shape, self.dtype, self.default_value)}

    def _values(self, features):
        pt = _core()
        raw = _feature(features, self.key, self.name)
        if isinstance(raw, (SparseTensor, StringTensor)) or _is_ragged(raw):
            raise ValueError(f"numeric_column {self.key!r}: the feature must be a dense numeric tensor, got "
                             f"{type(raw).__name__}")
        x = raw if isinstance(raw, Tensor) else pt.constant(to_leaf(raw))
        x = pt.cast(x, "float32")
        if x.ndim == 1:
            x = pt.expand_dims(x, -1)
        if self.normalizer_fn is not None:
            x = self.normalizer_fn(x)
        size = int(np.prod(self.shape))
        per_example = int(np.prod(x.shape.as_list()[1:]))
        if per_example != size:
            raise errors.InvalidArgumentError(
                f"numeric_column {self.key!r}: each example has {per_example} values, the column's shape "
                f"{list(self.shape)} has {size}")
        return pt.reshape(x, [-1, size])

    _dense = _values


class BucketizedColumn(_Dense, _Categorical, collections.namedtuple("BucketizedColumn",
                                                                    ("source_column", "boundaries"))):
    """A numeric column's values as bucket ids (bucket i: boundaries[i-1] <= x < boundaries[i]); dense as one-hots."""

    @property
    def name(self):
        """'<source name>_bucketized'."""
        return f"{self.source_column.name}_bucketized"

    @property
    def num_buckets(self):
        """(len(boundaries) + 1) per value of the source column."""
        return (len(self.boundaries) + 1) * int(np.prod(self.source_column.shape))

    @property
    def parse_example_spec(self):
        """The source column's spec."""
        return self.source_column.parse_example_spec

    def _bucket_ids(self, features):
        values = np.asarray(self.source_column._values(features).numpy())
        buckets = np.searchsorted(np.asarray(self.boundaries, np.float64), values, side="right")
        return buckets + np.arange(values.shape[1]) * (len(self.boundaries) + 1)

    def _id_rows(self, features):
        return self._bucket_ids(features).tolist()

    def _dense(self, features):
        ids = self._bucket_ids(features)
        out = np.zeros((len(ids), self.num_buckets), np.float32)
        np.put_along_axis(out, ids, 1.0, axis=1)
        return _core().constant(out)


def _combined(column, features, combiner):
    """The (batch, num_buckets) float32 matrix of each example's weights per id, combined as `combiner`."""
    rows = column._ids(features)
    out = np.zeros((len(rows), column.num_buckets), np.float32)
    for r, (ids, weights) in enumerate(rows):
        pairs = [(i, w) for i, w in zip(ids, weights) if 0 <= i < column.num_buckets]
        for i, w in pairs:
            out[r, i] += w
        if combiner == "mean" and pairs:
            out[r] /= sum(w for _, w in pairs)
        elif combiner == "sqrtn" and pairs:
            out[r] /= math.sqrt(sum(w * w for _, w in pairs))
    return out


class IndicatorColumn(_Dense, collections.namedtuple("IndicatorColumn", ("categorical_column",))):
    """A categorical column as a multi-hot vector: each id's count (or summed weight)."""

    @property
    def name(self):
        """'<categorical name>_indicator'."""
        return f"{self.categorical_column.name}_indicator"

    @property
    def variable_shape(self):
        """(num_buckets,)."""
        from ..tensor_shape import TensorShape
        return TensorShape([self.categorical_column.num_buckets])

    @property
    def parse_example_spec(self):
        """The categorical column's spec."""
        return self.categorical_column.parse_example_spec

    def _dense(self, features):
        return _core().constant(_combined(self.categorical_column, features, "sum"))


class EmbeddingColumn(_Dense, collections.namedtuple("EmbeddingColumn", (
        "categorical_column", "dimension", "combiner", "initializer", "ckpt_to_load_from", "tensor_name_in_ckpt",
        "max_norm", "trainable", "use_safe_embedding_lookup"))):
    """A categorical column as a trainable dense embedding: the rows of a (num_buckets, dimension) variable for
    each example's ids, combined by 'mean', 'sum' or 'sqrtn' (weighted by a weighted column's weights)."""

    @property
    def name(self):
        """'<categorical name>_embedding'."""
        return f"{self.categorical_column.name}_embedding"

    @property
    def variable_shape(self):
        """(dimension,)."""
        from ..tensor_shape import TensorShape
        return TensorShape([self.dimension])

    @property
    def parse_example_spec(self):
        """The categorical column's spec."""
        return self.categorical_column.parse_example_spec

    def _weights(self):
        variable = getattr(self, "_variable", None)
        if variable is None:
            pt = _core()
            shape = [self.categorical_column.num_buckets, self.dimension]
            if self.initializer is None:
                value = pt.random.truncated_normal(shape, stddev=1.0 / math.sqrt(self.dimension))
            else:
                value = self.initializer(shape, dtype=pt.float32)
            variable = Variable(value, trainable=self.trainable, name=f"{self.name}/embedding_weights")
            object.__setattr__(self, "_variable", variable)
        return variable

    def _dense(self, features):
        pt = _core()
        weights = self._weights()
        table = weights
        if self.max_norm is not None:
            table = pt.clip_by_norm(weights, self.max_norm, axes=[1])
        return pt.matmul(pt.constant(_combined(self.categorical_column, features, self.combiner)), table)


# ---- sequence columns (built and parsed; no dense transform in TF 2.21's Keras 3) -----------------------------

class SequenceCategoricalColumn(_Categorical, collections.namedtuple("SequenceCategoricalColumn",
                                                                    ("categorical_column",))):
    """A categorical column over a sequence of values per example."""

    @property
    def name(self):
        """The categorical column's name."""
        return self.categorical_column.name

    @property
    def num_buckets(self):
        """The categorical column's num_buckets."""
        return self.categorical_column.num_buckets

    @property
    def parse_example_spec(self):
        """The categorical column's spec."""
        return self.categorical_column.parse_example_spec

    def _id_rows(self, features):
        return self.categorical_column._id_rows(features)


class SequenceNumericColumn(collections.namedtuple("SequenceNumericColumn",
                                                   ("key", "shape", "default_value", "dtype", "normalizer_fn"))):
    """Real values of a fixed shape per step of a sequence."""

    name = VocabularyListCategoricalColumn.name

    @property
    def parse_example_spec(self):
        """A VarLenFeature of the column's dtype."""
        from ..io import VarLenFeature
        return {self.key: VarLenFeature(self.dtype)}


# ---- constructors (TF's signatures) ----------------------------------------------------------------------------

def _shape(shape, op):
    shape = (shape,) if isinstance(shape, int) else tuple(int(d) for d in shape)
    if any(d < 1 for d in shape):
        raise ValueError(f"{op}: shape dimensions must be positive, got {shape}")
    return shape


def numeric_column(key, shape=(1,), default_value=None, dtype="float32", normalizer_fn=None):
    """A column of real values of `shape` per example."""
    _check_key(key, "numeric_column")
    dtype = as_dtype(dtype)
    if not (dtype.is_floating or dtype.is_integer):
        raise TypeError(f"numeric_column {key!r}: dtype must be convertible to float, got {dtype!r}")
    if normalizer_fn is not None and not callable(normalizer_fn):
        raise TypeError(f"numeric_column {key!r}: normalizer_fn must be a callable, got {normalizer_fn!r}")
    return NumericColumn(key, _shape(shape, "numeric_column"), default_value, dtype, normalizer_fn)


def bucketized_column(source_column, boundaries):
    """The values of a numeric column as bucket ids between sorted `boundaries`."""
    if not isinstance(source_column, NumericColumn):
        raise ValueError(f"bucketized_column: source_column must be a numeric_column, got {source_column!r}")
    boundaries = tuple(float(b) for b in boundaries)
    if not boundaries or any(b >= c for b, c in zip(boundaries, boundaries[1:])):
        raise ValueError(f"bucketized_column: boundaries must be a non-empty sorted list without repeats, got "
                         f"{list(boundaries)}")
    return BucketizedColumn(source_column, boundaries)


def categorical_column_with_vocabulary_list(key, vocabulary_list, dtype=None, default_value=-1, num_oov_buckets=0):
    """Ids by position in `vocabulary_list`; other values get default_value or a hashed out-of-vocabulary id."""
    op = "categorical_column_with_vocabulary_list"
    _check_key(key, op)
    vocabulary = tuple(vocabulary_list)
    if not vocabulary:
        raise ValueError(f"{op} {key!r}: vocabulary_list must not be empty")
    if len(set(vocabulary)) != len(vocabulary):
        raise ValueError(f"{op} {key!r}: duplicate keys in vocabulary_list {list(vocabulary)}")
    _check_oov(num_oov_buckets, default_value, op)
    return VocabularyListCategoricalColumn(key, vocabulary, _vocabulary_dtype(vocabulary, dtype, op),
                                           default_value, num_oov_buckets)


def categorical_column_with_vocabulary_file(key, vocabulary_file, vocabulary_size=None, dtype="string",
                                            default_value=None, num_oov_buckets=0, file_format=None):
    """Ids by line number in `vocabulary_file`; other values get default_value or a hashed out-of-vocabulary id."""
    op = "categorical_column_with_vocabulary_file"
    _check_key(key, op)
    if not vocabulary_file:
        raise ValueError(f"{op} {key!r}: missing vocabulary_file")
    if vocabulary_size is None:
        with open(vocabulary_file, encoding="utf-8") as f:
            vocabulary_size = sum(1 for _ in f)
    if vocabulary_size < 1:
        raise ValueError(f"{op} {key!r}: invalid vocabulary_size {vocabulary_size}")
    default_value = -1 if default_value is None else default_value
    _check_oov(num_oov_buckets, default_value, op)
    dtype = as_dtype(dtype)
    return VocabularyFileCategoricalColumn(key, vocabulary_file, int(vocabulary_size), num_oov_buckets, dtype,
                                           default_value, file_format)


def categorical_column_with_hash_bucket(key, hash_bucket_size, dtype="string"):
    """Ids from FarmHash Fingerprint64 of the values modulo hash_bucket_size (TF's ids)."""
    _check_key(key, "categorical_column_with_hash_bucket")
    if hash_bucket_size is None or hash_bucket_size < 1:
        raise ValueError(f"categorical_column_with_hash_bucket {key!r}: hash_bucket_size must be at least 1, got "
                         f"{hash_bucket_size}")
    dtype = as_dtype(dtype)
    if dtype is not string and not dtype.is_integer:
        raise ValueError(f"categorical_column_with_hash_bucket {key!r}: dtype must be string or integer, got "
                         f"{dtype!r}")
    return HashedCategoricalColumn(key, int(hash_bucket_size), dtype)


def categorical_column_with_identity(key, num_buckets, default_value=None):
    """The integer values as ids in [0, num_buckets)."""
    _check_key(key, "categorical_column_with_identity")
    if num_buckets < 1:
        raise ValueError(f"categorical_column_with_identity {key!r}: invalid num_buckets {num_buckets}")
    if default_value is not None and not 0 <= default_value < num_buckets:
        raise ValueError(f"categorical_column_with_identity {key!r}: invalid default_value {default_value}; it "
                         f"must be in [0, {num_buckets})")
    return IdentityCategoricalColumn(key, int(num_buckets), default_value)


def weighted_categorical_column(categorical_column, weight_feature_key, dtype="float32"):
    """A categorical column whose ids are weighted by the feature weight_feature_key."""
    dtype = as_dtype(dtype)
    if not dtype.is_floating:
        raise ValueError(f"weighted_categorical_column: dtype {dtype!r} is not convertible to float")
    if not isinstance(categorical_column, _Categorical):
        raise ValueError(f"weighted_categorical_column: give a categorical column, got {categorical_column!r}")
    return WeightedCategoricalColumn(categorical_column, weight_feature_key, dtype)


def crossed_column(keys, hash_bucket_size, hash_key=None):
    """Hashed crosses of features: `keys` are feature names or categorical columns (not hashed ones)."""
    keys = tuple(keys)
    if len(keys) < 2:
        raise ValueError(f"crossed_column: keys must be a list with length > 1, got {list(keys)}")
    if hash_bucket_size is None or hash_bucket_size < 1:
        raise ValueError(f"crossed_column: hash_bucket_size must be > 1, got {hash_bucket_size}")
    for key in keys:
        if not isinstance(key, (str, _Categorical)):
            raise ValueError(f"crossed_column: unsupported key {key!r}; give feature names or categorical columns")
        if isinstance(key, HashedCategoricalColumn):
            raise ValueError(f"crossed_column: categorical_column_with_hash_bucket is not supported for crossing "
                             f"(hashing before crossing adds collisions); give its key {key.key!r} instead")
    return CrossedColumn(keys, int(hash_bucket_size), _CROSS_HASH_KEY if hash_key is None else hash_key)


def indicator_column(categorical_column):
    """A categorical column as a multi-hot (count) vector."""
    if not isinstance(categorical_column, _Categorical):
        raise ValueError(f"indicator_column: give a categorical column, got {categorical_column!r}")
    return IndicatorColumn(categorical_column)


def embedding_column(categorical_column, dimension, combiner="mean", initializer=None, ckpt_to_load_from=None,
                     tensor_name_in_ckpt=None, max_norm=None, trainable=True, use_safe_embedding_lookup=True):
    """A categorical column as a trainable `dimension`-wide embedding, combined per example by `combiner`."""
    if dimension is None or dimension < 1:
        raise ValueError(f"embedding_column: invalid dimension {dimension}")
    if combiner not in ("mean", "sqrtn", "sum"):
        raise ValueError(f"embedding_column: combiner must be 'mean', 'sqrtn' or 'sum', got {combiner!r}")
    if initializer is not None and not callable(initializer):
        raise ValueError(f"embedding_column: initializer must be callable if specified, got {initializer!r}")
    if (ckpt_to_load_from is None) != (tensor_name_in_ckpt is None):
        raise ValueError("embedding_column: give both ckpt_to_load_from and tensor_name_in_ckpt, or neither")
    if ckpt_to_load_from is not None:
        raise ValueError("embedding_column: loading the embedding from a TF1 checkpoint (ckpt_to_load_from) is not "
                         "supported here; initialize it with `initializer` instead")
    if not isinstance(categorical_column, _Categorical):
        raise ValueError(f"embedding_column: give a categorical column, got {categorical_column!r}")
    return EmbeddingColumn(categorical_column, int(dimension), combiner, initializer, ckpt_to_load_from,
                           tensor_name_in_ckpt, max_norm, trainable, use_safe_embedding_lookup)


def shared_embeddings(categorical_columns, dimension, combiner="mean", initializer=None,
                      shared_embedding_collection_name=None, ckpt_to_load_from=None, tensor_name_in_ckpt=None,
                      max_norm=None, trainable=True, use_safe_embedding_lookup=True):
    """Embedding columns sharing one table. As in TF 2, only in TF1 graph mode: eagerly this raises RuntimeError."""
    raise RuntimeError("shared_embedding_columns are not supported when eager execution is enabled.")


def sequence_numeric_column(key, shape=(1,), default_value=0.0, dtype="float32", normalizer_fn=None):
    """A column of real values of `shape` per step of a sequence."""
    _check_key(key, "sequence_numeric_column")
    dtype = as_dtype(dtype)
    if not (dtype.is_floating or dtype.is_integer):
        raise TypeError(f"sequence_numeric_column {key!r}: dtype must be convertible to float, got {dtype!r}")
    return SequenceNumericColumn(key, _shape(shape, "sequence_numeric_column"), default_value, dtype, normalizer_fn)


def sequence_categorical_column_with_identity(key, num_buckets, default_value=None):
    """categorical_column_with_identity over a sequence."""
    return SequenceCategoricalColumn(categorical_column_with_identity(key, num_buckets, default_value))


def sequence_categorical_column_with_hash_bucket(key, hash_bucket_size, dtype="string"):
    """categorical_column_with_hash_bucket over a sequence."""
    return SequenceCategoricalColumn(categorical_column_with_hash_bucket(key, hash_bucket_size, dtype))


def sequence_categorical_column_with_vocabulary_file(key, vocabulary_file, vocabulary_size=None, num_oov_buckets=0,
                                                     default_value=None, dtype="string"):
    """categorical_column_with_vocabulary_file over a sequence."""
    return SequenceCategoricalColumn(categorical_column_with_vocabulary_file(
        key, vocabulary_file, vocabulary_size, dtype, default_value, num_oov_buckets))


def sequence_categorical_column_with_vocabulary_list(key, vocabulary_list, dtype=None, default_value=-1,
                                                     num_oov_buckets=0):
    """categorical_column_with_vocabulary_list over a sequence."""
    return SequenceCategoricalColumn(categorical_column_with_vocabulary_list(
        key, vocabulary_list, dtype, default_value, num_oov_buckets))


def make_parse_example_spec(feature_columns):
    """The tf.io.parse_example spec of all the columns: {feature key: FixedLenFeature / VarLenFeature}."""
    spec = {}
    for column in feature_columns:
        if not hasattr(column, "parse_example_spec"):
            raise ValueError(f"make_parse_example_spec: all feature_columns must be feature columns, got {column!r}")
        for key, value in column.parse_example_spec.items():
            if key in spec and vars(spec[key]) != vars(value):
                raise ValueError(f"make_parse_example_spec: feature {key!r} has two different specs")
            spec[key] = value
    return spec


def input_layer(features, feature_columns, weight_collections=None, trainable=True, cols_to_vars=None,
                cols_to_output_tensors=None):
    """``tf.compat.v1.feature_column.input_layer``: the dense columns' tensors, in the order of the columns' names,
    concatenated into one float32 (batch, total width) tensor."""
    columns = list(feature_columns) if isinstance(feature_columns, (list, tuple)) else [feature_columns]
    if not columns:
        raise ValueError("input_layer: feature_columns must not be empty")
    for column in columns:
        if not isinstance(column, _Dense):
            raise ValueError(f"input_layer: items of feature_columns must be a DenseColumn; wrap a categorical "
                             f"column with an embedding_column or indicator_column. Given: {column!r}")
    names = collections.Counter(c.name for c in columns)
    duplicated = [n for n, count in names.items() if count > 1]
    if duplicated:
        raise ValueError(f"input_layer: duplicate feature column name found for columns named {duplicated}")
    outputs = []
    for column in sorted(columns, key=lambda c: c.name):
        tensor = column._dense(features)
        if cols_to_output_tensors is not None:
            cols_to_output_tensors[column] = tensor
        if cols_to_vars is not None:
            cols_to_vars[column] = [column._weights()] if isinstance(column, EmbeddingColumn) else []
        outputs.append(tensor)
    return _core().concat(outputs, axis=1)
