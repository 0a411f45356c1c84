"""tf.io: TFRecord files and tf.train.Example parsing.

Example:
    >>> with tf.io.TFRecordWriter("data.tfrecord") as w:
    ...     w.write(example.SerializeToString())
    >>> tf.io.parse_single_example(record, {"y": tf.io.FixedLenFeature([], tf.int64)})
"""

import gzip
import os
import zlib

import numpy as np

from .. import _core, errors
from ..data._types import SparseTensor, StringTensor, as_dtype, as_string_array, string, to_tensor
from ..data.readers import frame_record, masked_crc32c, read_file_bytes
from ..train._example import Example

__all__ = ["TFRecordWriter", "TFRecordOptions", "FixedLenFeature", "VarLenFeature", "parse_single_example",
           "parse_example", "read_file", "write_file", "decode_raw", "tf_record_iterator", "crc32c",
           "masked_crc32c", "SparseTensor"]


def crc32c(data, crc=0):
    """CRC-32C (Castagnoli) of a bytes-like object, continuing from `crc`."""
    return _core._crc32c(data, crc)


class TFRecordOptions:
    """Options of TFRecord files: ``compression_type`` "" / "GZIP" / "ZLIB" (and the zlib level)."""

    def __init__(self, compression_type=None, compression_level=None, **unused):
        self.compression_type = (compression_type or "").upper()
        if self.compression_type not in ("", "GZIP", "ZLIB"):
            raise errors.InvalidArgumentError(f"TFRecordOptions: compression_type must be '', 'GZIP' or 'ZLIB'; "
                                              f"got {compression_type!r}")
        self.compression_level = 6 if compression_level is None else int(compression_level)


class TFRecordWriter:
    """Writes records to a TFRecord file, byte-for-byte TensorFlow's format.

    Each record: uint64 length (little-endian), masked CRC-32C of those 8 bytes, the data, masked CRC-32C of the
    data. ``options`` is a TFRecordOptions or a compression type string.
    """

    def __init__(self, path, options=None):
        if not isinstance(options, TFRecordOptions):
            options = TFRecordOptions(options)
        self._path = os.fspath(path)
        raw = open(self._path, "wb")
        level = options.compression_level
        if options.compression_type == "GZIP":
            self._file = gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=level, mtime=0)
            self._raw = raw
        else:
            self._file, self._raw = raw, None
        self._zlib = zlib.compressobj(level) if options.compression_type == "ZLIB" else None

    def write(self, record):
        """Appends one record (bytes, or a string tensor)."""
        if isinstance(record, StringTensor):
            record = record.numpy()
        if isinstance(record, str):
            record = record.encode("utf-8")
        chunk = frame_record(bytes(record))
        self._file.write(self._zlib.compress(chunk) if self._zlib else chunk)

    def flush(self):
        """Flushes buffered data to the file (a ZLIB stream is sync-flushed)."""
        if self._zlib:
            self._file.write(self._zlib.flush(zlib.Z_SYNC_FLUSH))
        self._file.flush()

    def close(self):
        """Finishes the compressed stream, if any, and closes the file."""
        if self._file is None:
            return
        if self._zlib:
            self._file.write(self._zlib.flush())
        self._file.close()
        if self._raw is not None:
            self._raw.close()
        self._file = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def tf_record_iterator(path, options=None):
    """Yields the records of a TFRecord file as bytes (TF1's ``tf.io.tf_record_iterator``)."""
    from ..data import TFRecordDataset
    compression = options.compression_type if isinstance(options, TFRecordOptions) else options
    for record in TFRecordDataset(path, compression_type=compression).as_numpy_iterator():
        yield record


class FixedLenFeature:
    """A feature with exactly ``prod(shape)`` values, parsed to a dense tensor; `default_value` if missing."""

    def __init__(self, shape, dtype, default_value=None):
        self.shape = [int(d) for d in (shape.as_list() if hasattr(shape, "as_list") else shape)]
        self.dtype = as_dtype(dtype)
        self.default_value = default_value


class VarLenFeature:
    """A feature with any number of values, parsed to a SparseTensor."""

    def __init__(self, dtype):
        self.dtype = as_dtype(dtype)


_LIST_OF = {"float32": "float_list", "int64": "int64_list", "string": "bytes_list"}


def _feature_values(example, key, spec):
    """The values of feature `key` as a numpy array of the spec's dtype, or None if absent."""
    return _feature_array(example.features.feature.get(key), key, spec)


def _feature_array(feature, key, spec):
    """The values of one Feature as a numpy array of the spec's dtype, or None if it is unset."""
    kind = _LIST_OF.get(spec.dtype.name)
    if kind is None:
        raise TypeError(f"parse_example: feature {key!r} has dtype {spec.dtype.name}; Example features are "
                        "float32, int64 or string")
    if feature is None or feature.WhichOneof("kind") is None:
        return None
    if feature.WhichOneof("kind") != kind:
        raise errors.InvalidArgumentError(f"parse_example: feature {key!r} holds a {feature.WhichOneof('kind')}, "
                                          f"but its spec expects {spec.dtype.name} ({kind})")
    values = getattr(feature, kind).value
    return as_string_array(values) if kind == "bytes_list" else np.asarray(values, dtype=spec.dtype.as_numpy_dtype)


def _dense(key, spec, values):
    size = int(np.prod(spec.shape, dtype=np.int64))
    if values is None:
        if spec.default_value is None:
            raise errors.InvalidArgumentError(f"parse_example: feature {key!r} is required (FixedLenFeature with "
                                              "no default_value) but missing from the example")
        values = as_string_array(spec.default_value) if spec.dtype is string else np.asarray(
            spec.default_value, dtype=spec.dtype.as_numpy_dtype)
        return np.broadcast_to(values, spec.shape).copy()
    if values.size != size:
        raise errors.InvalidArgumentError(f"parse_example: feature {key!r} has {values.size} values, but its "
                                          f"FixedLenFeature shape {spec.shape} needs {size}")
    return values.reshape(spec.shape)


def _decode_examples(serialized):
    records = as_string_array(serialized.numpy() if isinstance(serialized, StringTensor) else serialized)
    try:
        return [Example.FromString(r) for r in records.reshape(-1)], records.shape
    except ValueError as e:
        raise errors.InvalidArgumentError(f"parse_example: could not parse a serialized Example ({e})") from None


def parse_single_example(serialized, features, name=None, example_names=None):
    """A dict of feature name -> tensor (FixedLenFeature) or SparseTensor (VarLenFeature) from one Example."""
    (example,), shape = _decode_examples(serialized)
    if shape != ():
        raise errors.InvalidArgumentError(f"parse_single_example: expected one serialized Example; got shape {shape}")
    out = {}
    for key, spec in features.items():
        if isinstance(spec, (SparseFeature, RaggedFeature)):
            out[key] = parse_sparse_feature([example], spec, False) if isinstance(spec, SparseFeature) else \
                parse_ragged_feature([example], key, spec, False)
            continue
        values = _feature_values(example, key, spec)
        if isinstance(spec, VarLenFeature):
            values = values if values is not None else np.zeros(0, dtype=spec.dtype.as_numpy_dtype)
            out[key] = SparseTensor(np.arange(len(values))[:, None], values, [len(values)])
        else:
            out[key] = to_tensor(_dense(key, spec, values))
    return out


def parse_example(serialized, features, name=None, example_names=None):
    """Like parse_single_example for a vector of serialized Examples: dense features are stacked, sparse ones
    get indices ``[example, position]`` and dense_shape ``[batch, longest]``."""
    examples, shape = _decode_examples(serialized)
    if len(shape) != 1:
        raise errors.InvalidArgumentError(f"parse_example: expected a vector of serialized Examples; got shape {shape}")
    out = {}
    for key, spec in features.items():
        if isinstance(spec, (SparseFeature, RaggedFeature)):
            out[key] = parse_sparse_feature(examples, spec, True) if isinstance(spec, SparseFeature) else \
                parse_ragged_feature(examples, key, spec, True)
            continue
        per_example = [_feature_values(ex, key, spec) for ex in examples]
        if isinstance(spec, VarLenFeature):
            np_dtype = spec.dtype.as_numpy_dtype
            per_example = [v if v is not None else np.zeros(0, np_dtype) for v in per_example]
            indices = [(b, i) for b, v in enumerate(per_example) for i in range(len(v))]
            values = np.concatenate(per_example) if per_example else np.zeros(0, np_dtype)
            longest = max((len(v) for v in per_example), default=0)
            out[key] = SparseTensor(np.asarray(indices, np.int64).reshape(-1, 2), values, [len(examples), longest])
        else:
            dense = [_dense(key, spec, v) for v in per_example]
            out[key] = to_tensor(np.stack(dense) if dense else np.zeros([0] + spec.shape, spec.dtype.as_numpy_dtype))
    return out


def read_file(filename, name=None):
    """The contents of a file as a scalar string tensor."""
    path = filename.numpy() if isinstance(filename, StringTensor) else filename
    return StringTensor(read_file_bytes(os.fsdecode(path), None, "read_file"))


def write_file(filename, contents, name=None):
    """Writes a string (bytes) to a file."""
    path = filename.numpy() if isinstance(filename, StringTensor) else filename
    data = contents.numpy() if isinstance(contents, StringTensor) else contents
    with open(os.fsdecode(path), "wb") as f:
        f.write(data.encode("utf-8") if isinstance(data, str) else bytes(data))


def decode_raw(input_bytes, out_type, little_endian=True, fixed_length=None, name=None):
    """Reinterprets the bytes of a string tensor as numbers of `out_type` (one more dimension)."""
    records = as_string_array(input_bytes.numpy() if isinstance(input_bytes, StringTensor) else input_bytes)
    dt = np.dtype(as_dtype(out_type).as_numpy_dtype).newbyteorder("<" if little_endian else ">")
    rows = [np.frombuffer(r, dtype=dt).astype(dt.newbyteorder("=")) for r in records.reshape(-1)]
    if len({len(r) for r in rows}) > 1:
        raise errors.InvalidArgumentError("decode_raw: the strings have different lengths; give fixed_length")
    return to_tensor(np.stack(rows).reshape(records.shape + (-1,)) if rows else np.zeros(records.shape + (0,), dt))


from .._image_codecs import (  # noqa: E402,F401  image file codecs, also in tf.image (Pillow, the image extra)
    decode_and_crop_jpeg, decode_bmp, decode_gif, decode_image, decode_jpeg, decode_png, decode_webp, encode_jpeg,
    encode_png, extract_jpeg_shape, is_jpeg)
from ._more import (  # noqa: E402,F401  TensorProto serialization, base64, CSV, compressed strings, files
    decode_base64, decode_compressed, decode_csv, decode_json_example, deserialize_many_sparse, encode_base64, matching_files, parse_tensor,
    serialize_many_sparse, serialize_sparse, serialize_tensor, write_graph)
from . import gfile  # noqa: E402,F401  tf.io.gfile: file system functions
from ._features import RaggedFeature, SparseFeature, parse_ragged_feature, parse_sparse_feature  # noqa: E402
from ._sequence import (  # noqa: E402,F401  SequenceExample parsing
    FixedLenSequenceFeature, parse_sequence_example, parse_single_sequence_example)

from .._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook(__name__)  # a TF name pytensor lacks says so (see _missing.py)
