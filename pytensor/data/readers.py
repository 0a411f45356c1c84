"""File sources of tf.data: TextLineDataset, TFRecordDataset, CsvDataset and make_csv_dataset."""

import collections
import csv
import gzip
import io
import os
import struct
import zlib

import numpy as np

from .. import _core, errors
from ..errors import DataLossError
from ._types import TensorSpec, as_dtype, string
from .dataset import AUTOTUNE, UNKNOWN_CARDINALITY, Dataset


def _filenames(filenames):
    if isinstance(filenames, Dataset):
        return [os.fsdecode(bytes(f)) for f in filenames.as_numpy_iterator()]
    if isinstance(filenames, (str, bytes, os.PathLike)):
        return [os.fsdecode(filenames)]
    return [os.fsdecode(f if isinstance(f, (str, bytes, os.PathLike)) else bytes(np.asarray(f)[()])) for f in
            filenames]


def _compression(compression_type, caller):
    kind = (compression_type or "").upper()
    if kind not in ("", "GZIP", "ZLIB"):
        raise errors.InvalidArgumentError(f"{caller}: compression_type must be '', 'GZIP' or 'ZLIB'; got "
                                          f"{compression_type!r}")
    return kind


class _ZlibReader(io.RawIOBase):
    """A readable stream of a zlib-compressed file, decompressed as it is read."""

    def __init__(self, raw):
        self._raw, self._inflate, self._pending = raw, zlib.decompressobj(), b""

    def readable(self):
        return True

    def readinto(self, buffer):
        while not self._pending and not self._inflate.eof:
            chunk = self._raw.read(1 << 20)
            if not chunk:
                raise EOFError("compressed stream ended early")
            self._pending = self._inflate.decompress(chunk)
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n

    def close(self):
        self._raw.close()
        super().close()


def open_stream(path, compression_type=None, caller="read"):
    """A binary stream of `path`'s (decompressed) bytes; ``compression_type`` "", "GZIP" or "ZLIB"."""
    kind = _compression(compression_type, caller)
    try:
        raw = open(path, "rb")
    except FileNotFoundError:
        raise FileNotFoundError(f"{caller}: no such file: {path}") from None
    if kind == "GZIP":
        return gzip.GzipFile(fileobj=raw, mode="rb")
    if kind == "ZLIB":
        return io.BufferedReader(_ZlibReader(raw), 1 << 20)
    return raw


_CHUNK = 16 << 20


def _read(stream, size, path, compression_type, caller):
    """Up to `size` bytes of `stream` (fewer only at its end); a corrupt compressed stream is a DataLossError."""
    try:
        return stream.read(size)
    except (OSError, EOFError, zlib.error) as e:
        raise DataLossError(f"{caller}: {path} is not valid {compression_type} data ({e})") from None


def _read_chunks(path, compression_type, caller, size=_CHUNK):
    """Yields the decompressed bytes of `path` in chunks; a corrupt compressed stream is a DataLossError."""
    with open_stream(path, compression_type, caller) as stream:
        while True:
            chunk = _read(stream, size, path, compression_type, caller)
            if not chunk:
                return
            yield chunk


def _read_exactly(stream, size, path, compression_type, caller):
    """`size` bytes of `stream`, fewer only at its end, read in pieces of at most _CHUNK so that a length read
    from a corrupt header never allocates more than the stream holds."""
    pieces = []
    while size > 0:
        piece = _read(stream, min(size, _CHUNK), path, compression_type, caller)
        if not piece:
            break
        pieces.append(piece)
        size -= len(piece)
    return b"".join(pieces)


def read_file_bytes(path, compression_type=None, caller="read"):
    """The whole (decompressed) contents of `path`."""
    return b"".join(_read_chunks(path, compression_type, caller))


class _FileDataset(Dataset):
    def __init__(self, filenames, spec):
        self._files = _filenames(filenames)
        super().__init__(spec, UNKNOWN_CARDINALITY)


class TextLineDataset(_FileDataset):
    """The lines of one or more text files, without their line endings, as scalar strings.

    Example:
        >>> for line in TextLineDataset(["a.txt", "b.txt.gz"][:1]):
        ...     print(line.numpy())
    """

    def __init__(self, filenames, compression_type=None, buffer_size=None, num_parallel_reads=None, name=None):
        self._compression = compression_type
        super().__init__(filenames, TensorSpec([], string))

    def _elements(self):
        for path in self._files:
            tail = b""
            for chunk in _read_chunks(path, self._compression, "TextLineDataset"):
                lines = (tail + chunk).split(b"\n")
                tail = lines.pop()
                for line in lines:
                    yield np.array(line[:-1] if line.endswith(b"\r") else line, dtype=object)
            if tail:
                yield np.array(tail[:-1] if tail.endswith(b"\r") else tail, dtype=object)


class TFRecordDataset(_FileDataset):
    """The records of TFRecord files (length, masked CRC-32C of length, data, masked CRC-32C of data).

    Each record is a scalar string; a bad checksum or a truncated record raises DataLossError naming the file and
    byte offset.

    Example:
        >>> ds = TFRecordDataset("train.tfrecord").map(lambda r: tf.io.parse_single_example(r, features))
    """

    def __init__(self, filenames, compression_type=None, buffer_size=None, num_parallel_reads=None, name=None):
        self._compression = compression_type
        super().__init__(filenames, TensorSpec([], string))

    def _elements(self):
        for path in self._files:
            for record in tfrecord_records(path, self._compression, "TFRecordDataset"):
                yield np.array(record, dtype=object)


def masked_crc32c(data):
    """TFRecord's masked CRC-32C: ``((crc >> 15) | (crc << 17)) + 0xa282ead8`` (mod 2**32)."""
    crc = _core._crc32c(data, 0)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def frame_record(data):
    """One TFRecord record: uint64 length (little-endian), masked CRC-32C of it, `data`, masked CRC-32C of it."""
    header = struct.pack("<Q", len(data))
    return b"".join((header, struct.pack("<I", masked_crc32c(header)), data, struct.pack("<I", masked_crc32c(data))))


def tfrecord_records(path, compression_type=None, caller="TFRecordDataset"):
    """Yields the records of a TFRecord file as bytes, checking both CRCs of each.

    Linear in the file's size, memory bounded by the chunk size plus the largest record: whole records within a
    chunk are found by one scan, and a record cut by a chunk's end is read whole by itself (an uncompressed file
    seeks back to it and reads its data as one bytes object, so it is held once). A length larger than the rest of
    an uncompressed file fails before anything more is read.

    Raises:
        DataLossError: a truncated record or a CRC mismatch, naming the file and the record's byte offset.
    """
    with open_stream(path, compression_type, caller) as stream:
        file_size = os.fstat(stream.fileno()).st_size if _compression(compression_type, caller) == "" else None
        pending, base = b"", 0  # base: offset in the (decompressed) file of pending[0]
        while True:
            chunk = _read(stream, _CHUNK, path, compression_type, caller)
            if not chunk:
                break
            pending = pending + chunk if pending else chunk  # what is pending is less than one record header
            starts, lengths, stop, fault = _core._tfrecord_scan(pending, True)
            for s, n in zip(starts.tolist(), lengths.tolist()):
                yield pending[s:s + n]
            if fault > 1:
                _record_fault(fault, base + stop, path, caller)
            base += stop
            pending = pending[stop:]
            if len(pending) < 12:
                continue
            # A record cut by the chunk's end, its length CRC already checked by the scan: read it by itself.
            length = int.from_bytes(pending[:8], "little")
            if file_size is not None:
                if base + 16 + length > file_size:
                    raise DataLossError(f"{caller}: truncated record at byte offset {base} in {path}: its header "
                                        f"gives a length of {length} bytes, but the file has only "
                                        f"{file_size - base - 12} bytes after it")
                stream.seek(base + 12)
                data = _read(stream, length, path, compression_type, caller)
                crc = _read(stream, 4, path, compression_type, caller)
            else:
                record = pending + _read_exactly(stream, 16 + length - len(pending), path, compression_type, caller)
                data, crc = record[12:12 + length], record[12 + length:]
                del record
            if len(data) < length or len(crc) < 4:
                _record_fault(1, base, path, caller)
            if masked_crc32c(data) != int.from_bytes(crc, "little"):
                _record_fault(3, base, path, caller)
            yield data
            base += 16 + length
            pending = b""
        if pending:
            _record_fault(1, base, path, caller)


def _record_fault(kind, offset, path, caller):
    what = {1: "truncated record", 2: "corrupted record (length CRC mismatch)",
            3: "corrupted record (data CRC mismatch)"}[kind]
    raise DataLossError(f"{caller}: {what} at byte offset {offset} in {path}")


def _parse_field(text, dtype, default, column, path, line_no):
    if text == "" or text is None:
        if default is None:
            raise errors.InvalidArgumentError(f"CsvDataset: field {column} is empty and required (no default) "
                                              f"at line {line_no} of {path}")
        return default
    try:
        if dtype is string:
            return text.encode("utf-8", "surrogateescape")  # the file's bytes, valid UTF-8 or not, as TF
        if dtype.is_integer:
            return int(text)
        return float(text)
    except ValueError:
        raise errors.InvalidArgumentError(f"CsvDataset: field {column} {text!r} is not a valid {dtype.name} at "
                                          f"line {line_no} of {path}") from None


def _record_defaults(record_defaults):
    """(dtype, default or None) per column from TF's record_defaults (dtypes, values, or [] / [value] lists)."""
    out = []
    for d in record_defaults:
        if isinstance(d, (list, tuple)) and not d:
            raise errors.InvalidArgumentError("CsvDataset: an empty list default needs a dtype; pass the dtype")
        if isinstance(d, (list, tuple)):
            d = d[0]
        if isinstance(d, (bytes, str)):
            out.append((string, d.encode() if isinstance(d, str) else d))
        elif isinstance(d, (int, float, np.generic, np.ndarray)) or hasattr(d, "numpy"):
            value = np.asarray(d)
            dt = as_dtype(np.int32 if value.dtype == np.int64 and isinstance(d, int) else
                          np.float32 if value.dtype == np.float64 and isinstance(d, float) else value.dtype)
            out.append((dt, value.item()))
        else:
            out.append((as_dtype(d), None))
    return out


def _csv_rows(path, compression_type, header, field_delim, use_quote_delim):
    """Yields (line number, fields) of a CSV file. Fields are str; bytes that are not UTF-8 are kept as surrogate
    escapes, so string fields give back the file's bytes (TF's CSV reader works on bytes)."""
    text = read_file_bytes(path, compression_type, "CsvDataset").decode("utf-8", "surrogateescape")
    reader = csv.reader(io.StringIO(text), delimiter=field_delim,
                        quoting=csv.QUOTE_MINIMAL if use_quote_delim else csv.QUOTE_NONE)
    for index, row in enumerate(reader):
        if header and index == 0:
            continue
        if row:
            yield reader.line_num, row


class CsvDataset(_FileDataset):
    """Rows of CSV files as tuples of scalars, typed by `record_defaults` (a dtype: required; a value: default).

    Example:
        >>> ds = CsvDataset("a.csv", [tf.float32, [0], [b""]], header=True)
    """

    def __init__(self, filenames, record_defaults, compression_type=None, buffer_size=None, header=False,
                 field_delim=",", use_quote_delim=True, na_value="", select_cols=None, exclude_cols=None, name=None):
        self._defaults = _record_defaults(record_defaults)
        self._options = (compression_type, header, field_delim, use_quote_delim)
        self._na = na_value
        self._select = select_cols
        self._exclude = set(exclude_cols or ())
        spec = tuple(TensorSpec([], dt) for dt, _ in self._defaults)
        super().__init__(filenames, spec)

    def _elements(self):
        for path in self._files:
            for line_no, row in _csv_rows(path, *self._options):
                cols = self._select if self._select is not None else [
                    i for i in range(len(row)) if i not in self._exclude]
                if len(cols) != len(self._defaults) or max(cols, default=-1) >= len(row):
                    raise errors.InvalidArgumentError(
                        f"CsvDataset: line {line_no} of {path} has {len(row)} fields; expected "
                        f"{len(self._defaults)} selected columns")
                values = []
                for k, c in enumerate(cols):
                    dt, default = self._defaults[k]
                    field = row[c]
                    value = _parse_field(None if field == self._na else field, dt, default, c, path, line_no)
                    values.append(np.array(value, dtype=dt.as_numpy_dtype))
                yield tuple(values)


def _infer_dtype(values):
    """TF's make_csv_dataset inference: int32, int64, float32 or string, widening over the sampled values."""
    kind = "int32"
    for v in values:
        if v == "":
            continue
        try:
            n = int(v)
            if kind == "int32" and not -2**31 <= n < 2**31:
                kind = "int64"
            continue
        except ValueError:
            pass
        try:
            float(v)
            if kind in ("int32", "int64"):
                kind = "float32"
        except ValueError:
            return string
    return as_dtype(kind)


def make_csv_dataset(file_pattern, batch_size, column_names=None, column_defaults=None, label_name=None,
                     select_columns=None, field_delim=",", use_quote_delim=True, na_value="", header=True,
                     num_epochs=None, shuffle=True, shuffle_buffer_size=10000, shuffle_seed=None,
                     prefetch_buffer_size=None, num_parallel_reads=None, sloppy=False, num_rows_for_inference=100,
                     compression_type=None, ignore_errors=False, encoding="utf-8", name=None):
    """Batches of ``(features, label)`` from CSV files: features an OrderedDict of column -> batched tensor.

    Column names come from the header (or `column_names`), types from `column_defaults` or inferred from the first
    `num_rows_for_inference` rows.

    Example:
        >>> ds = make_csv_dataset("train.csv", batch_size=32, label_name="survived", num_epochs=1)
    """
    files = sorted(Dataset.list_files(file_pattern, shuffle=False).as_numpy_iterator())
    files = [os.fsdecode(f) for f in files]
    first_rows = list(_csv_rows(files[0], compression_type, False, field_delim, use_quote_delim))
    if header and not first_rows:
        raise errors.InvalidArgumentError(f"make_csv_dataset: {files[0]} is empty: line 1 should be the header; "
                                          "pass header=False and column_names for files without one")
    if column_names is None:
        if not header:
            raise errors.InvalidArgumentError("make_csv_dataset: give column_names when the files have no header")
        header_line, column_names = first_rows[0]
        try:
            [name.encode("utf-8") for name in column_names]
        except UnicodeEncodeError:
            raise errors.InvalidArgumentError(f"make_csv_dataset: the header (line {header_line}) of {files[0]} is "
                                              "not valid UTF-8") from None
    column_names = list(column_names)
    rows = first_rows[1 if header else 0:][:num_rows_for_inference]
    for line_no, row in rows:
        if len(row) != len(column_names):
            raise errors.InvalidArgumentError(f"make_csv_dataset: line {line_no} of {files[0]} has {len(row)} "
                                              f"fields; expected {len(column_names)} ({column_names})")
    sample = [row for _, row in rows]
    if select_columns is not None:
        cols = [column_names.index(c) if isinstance(c, str) else int(c) for c in select_columns]
    else:
        cols = list(range(len(column_names)))
    if label_name is not None and label_name not in [column_names[c] for c in cols]:
        raise errors.InvalidArgumentError(f"make_csv_dataset: label_name {label_name!r} is not among the columns "
                                          f"{[column_names[c] for c in cols]}")
    if column_defaults is None:
        column_defaults = [_infer_dtype([row[c] for row in sample if c < len(row)]) for c in cols]
        column_defaults = [[b""] if dt is string else [np.zeros((), dt.as_numpy_dtype)] for dt in column_defaults]
    ds = CsvDataset(files, column_defaults, compression_type=compression_type, header=header,
                    field_delim=field_delim, use_quote_delim=use_quote_delim, na_value=na_value,
                    select_cols=cols if select_columns is not None else None)
    names = [column_names[c] for c in cols]

    def to_features(*values):
        features = collections.OrderedDict(zip(names, values))
        if label_name is None:
            return features
        label = features.pop(label_name)
        return features, label

    if num_epochs is not None:
        ds = ds.repeat(num_epochs)
    else:
        ds = ds.repeat()
    if shuffle:
        ds = ds.shuffle(shuffle_buffer_size, seed=shuffle_seed)
    ds = ds.batch(batch_size).map(to_features)
    return ds.prefetch(prefetch_buffer_size or AUTOTUNE)
