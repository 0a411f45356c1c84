"""The file format of ``Dataset.cache(filename)``: data only, checksummed, written atomically.

Like TF's cache (a tensor bundle, not pickle), nothing in the file can run code when it is read. The file is a
TFRecord file (so every record carries CRC-32Cs of its length and bytes) whose records are:

1. the header: ``PTCACHE`` magic, format version, and the element structure as JSON (tuples, dicts, namedtuples
   of leaves);
2. one record per leaf of each element: ``dtype`` string (numeric or ``|O`` for byte strings), rank, shape,
   then the raw little-endian data; a byte-string leaf holds its items' uint64 lengths followed by their bytes;
3. the footer: ``PTCACHE-END`` and the number of elements.

The file is written under a temporary name and renamed once the pass is complete, and the footer must match what
was read, so a half-written or cut-off file is never read as a complete cache.
"""

import collections
import json
import os
import struct

import numpy as np

from ..errors import DataLossError
from .readers import frame_record, tfrecord_records

VERSION = 1
_MAGIC = b"PTCACHE\0"
_END = b"PTCACHE-END\0"
_CALLER = "Dataset.cache"
# Numeric kinds a leaf may have: booleans, integers, floats, complex; "O" (byte strings) is handled apart.
_NUMERIC_KINDS = "biufc"


def _structure_of(element):
    """A JSON description of `element`'s nesting; leaves are ``"L"``."""
    if isinstance(element, dict):
        kind = "o" if isinstance(element, collections.OrderedDict) else "d"
        for key in element:
            if not isinstance(key, (str, int)):
                raise TypeError(f"{_CALLER}: dict keys must be str or int to be cached; got {key!r}")
        return [kind, [[k, _structure_of(v)] for k, v in element.items()]]
    if isinstance(element, tuple):
        items = [_structure_of(v) for v in element]
        if hasattr(element, "_fields"):
            return ["n", type(element).__name__, list(element._fields), items]
        return ["t", items]
    return "L"


def _builder(structure, path):
    """A function rebuilding an element from an iterator of leaves, per a structure read from the file."""
    bad = DataLossError(f"{_CALLER}: {path} has a malformed element structure; delete the file to rebuild it")
    if structure == "L":
        return next
    if not isinstance(structure, list) or not structure:
        raise bad
    kind = structure[0]
    if kind in ("d", "o") and len(structure) == 2 and all(
            isinstance(e, list) and len(e) == 2 and isinstance(e[0], (str, int)) for e in structure[1]):
        keys = [k for k, _ in structure[1]]
        parts = [_builder(s, path) for _, s in structure[1]]
        container = collections.OrderedDict if kind == "o" else dict
        return lambda leaves: container((k, p(leaves)) for k, p in zip(keys, parts))
    if kind == "t" and len(structure) == 2 and isinstance(structure[1], list):
        parts = [_builder(s, path) for s in structure[1]]
        return lambda leaves: tuple(p(leaves) for p in parts)
    if kind == "n" and len(structure) == 4 and isinstance(structure[3], list):
        try:  # namedtuple validates the names as identifiers: the file cannot inject code through them
            cls = collections.namedtuple(structure[1], structure[2])
        except (TypeError, ValueError):
            raise bad from None
        parts = [_builder(s, path) for s in structure[3]]
        if len(parts) != len(cls._fields):
            raise bad
        return lambda leaves: cls(*(p(leaves) for p in parts))
    raise bad


def _encode_leaf(leaf):
    if leaf.dtype == object:
        items = [bytes(v) for v in leaf.reshape(-1)]
        data = np.asarray([len(v) for v in items], "<u8").tobytes() + b"".join(items)
        dtype = "|O"
    else:
        array = np.ascontiguousarray(leaf)
        array = array.astype(array.dtype.newbyteorder("<"), copy=False)
        data, dtype = array.tobytes(), array.dtype.str
    code = dtype.encode()
    return b"".join((struct.pack("<B", len(code)), code, struct.pack(f"<B{leaf.ndim}q", leaf.ndim, *leaf.shape),
                     data))


def _decode_leaf(record, path):
    def bad(what):
        return DataLossError(f"{_CALLER}: {path} has a malformed tensor record ({what}); delete the file to "
                             "rebuild it")

    try:
        (code_len,) = struct.unpack_from("<B", record, 0)
        code = bytes(record[1:1 + code_len]).decode("ascii")
        (ndim,) = struct.unpack_from("<B", record, 1 + code_len)
        shape = struct.unpack_from(f"<{ndim}q", record, 2 + code_len)
    except (struct.error, UnicodeDecodeError) as e:
        raise bad(e) from None
    if any(d < 0 for d in shape):
        raise bad(f"negative dimension in shape {shape}")
    data = memoryview(record)[2 + code_len + 8 * ndim:]
    count = int(np.prod(shape, dtype=object))
    if code == "|O":
        if len(data) < 8 * count:
            raise bad(f"{count} string lengths do not fit in {len(data)} bytes")
        lengths = np.frombuffer(data, "<u8", count)
        if int(lengths.sum(dtype=object)) != len(data) - 8 * count:
            raise bad("the string lengths do not add up to the record's size")
        out = np.empty(count, dtype=object)
        offset = 8 * count
        for i, n in enumerate(lengths.tolist()):
            out[i] = bytes(data[offset:offset + n])
            offset += n
        return out.reshape(shape)
    try:
        dtype = np.dtype(code)
    except TypeError:
        raise bad(f"unknown dtype {code!r}") from None
    if dtype.kind not in _NUMERIC_KINDS or dtype.fields is not None or dtype.subdtype is not None:
        raise bad(f"dtype {code!r} is not a numeric dtype")
    if len(data) != count * dtype.itemsize:
        raise bad(f"shape {shape} of {dtype} needs {count * dtype.itemsize} bytes, the record has {len(data)}")
    return np.frombuffer(data, dtype).astype(dtype.newbyteorder("="), copy=True).reshape(shape)


class Writer:
    """Writes the elements of one pass to ``path`` (via a temporary file; ``commit`` renames it into place)."""

    def __init__(self, path):
        self._path = path
        self._tmp = f"{path}.tmp{os.getpid()}"
        self._file = open(self._tmp, "wb")
        self._count = 0
        self._structure = None

    def write(self, element, leaves):
        """Appends one element (its structure and its flat list of numpy leaves)."""
        if self._structure is None:
            if not leaves:
                raise TypeError(f"{_CALLER}: elements without components cannot be cached to a file")
            self._structure = _structure_of(element)
            header = _MAGIC + struct.pack("<I", VERSION) + json.dumps(self._structure).encode()
            self._file.write(frame_record(header))
        self._file.write(b"".join(frame_record(_encode_leaf(leaf)) for leaf in leaves))
        self._count += 1

    def commit(self):
        """Writes the footer, syncs and renames the file into place: the cache is complete."""
        if self._structure is None:  # an empty pass: the header of no structure
            self._file.write(frame_record(_MAGIC + struct.pack("<I", VERSION) + b"null"))
        self._file.write(frame_record(_END + struct.pack("<Q", self._count)))
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        os.replace(self._tmp, self._path)

    def abandon(self):
        """Removes the temporary file of an incomplete pass."""
        self._file.close()
        try:
            os.remove(self._tmp)
        except FileNotFoundError:
            pass


def read(path):
    """Yields the elements cached in `path`, rebuilt to the structure its header records.

    Raises:
        DataLossError: the file is truncated, fails a CRC, is not a cache file of this version, or its records do
            not make whole elements ending in the footer.
    """
    records = tfrecord_records(path, None, _CALLER)
    header = next(records, None)
    if header is None or not header.startswith(_MAGIC) or len(header) < len(_MAGIC) + 4:
        raise DataLossError(f"{_CALLER}: {path} is not a pytensor dataset cache file (no PTCACHE header); delete "
                            "it to rebuild the cache")
    (version,) = struct.unpack_from("<I", header, len(_MAGIC))
    if version != VERSION:
        raise DataLossError(f"{_CALLER}: {path} is a cache file of format version {version}; this pytensor reads "
                            f"version {VERSION}; delete it to rebuild the cache")
    try:
        structure = json.loads(header[len(_MAGIC) + 4:].decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise DataLossError(f"{_CALLER}: {path} has a malformed header; delete it to rebuild the cache") from None
    build = _builder(structure, path) if structure is not None else None
    n_leaves = _count_leaves(structure) if structure is not None else 0
    count = 0
    while True:
        record = next(records, None)
        if record is None:
            raise DataLossError(f"{_CALLER}: {path} ends after {count} elements without its footer: it is "
                                "incomplete; delete it to rebuild the cache")
        if record.startswith(_END):
            if len(record) != len(_END) + 8 or struct.unpack_from("<Q", record, len(_END))[0] != count:
                raise DataLossError(f"{_CALLER}: {path}'s footer does not match the {count} elements read; delete "
                                    "it to rebuild the cache")
            if next(records, None) is not None:
                raise DataLossError(f"{_CALLER}: {path} has records after its footer; delete it to rebuild the cache")
            return
        if build is None:
            raise DataLossError(f"{_CALLER}: {path} holds elements but its header declares none; delete it")
        leaves = [_decode_leaf(record, path)]
        for _ in range(n_leaves - 1):
            record = next(records, None)
            if record is None or record.startswith(_END):
                raise DataLossError(f"{_CALLER}: {path} ends inside element {count}; delete it to rebuild the cache")
            leaves.append(_decode_leaf(record, path))
        yield build(iter(leaves))
        count += 1


def _count_leaves(structure):
    if structure == "L":
        return 1
    kind = structure[0]
    if kind in ("d", "o"):
        return sum(_count_leaves(s) for _, s in structure[1])
    return sum(_count_leaves(s) for s in structure[-1])
