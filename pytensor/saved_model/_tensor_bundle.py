"""TensorFlow's checkpoint format (a "tensor bundle"): ``<prefix>.index``, a LevelDB-style table mapping each
tensor's name to a ``BundleEntryProto`` (dtype, shape, offset, size, masked CRC-32C of its bytes), and
``<prefix>.data-00000-of-00001``, the tensors' bytes one after another (little-endian). Written and read here for
the SavedModels real TensorFlow loads (tensorflow/core/util/tensor_bundle/tensor_bundle.{h,cc},
tensorflow/core/lib/io/table_builder.cc and format.cc describe the layout).
"""
import os
import struct

import numpy as np

from . import _protobuf as pb

__all__ = ["write_bundle", "read_bundle", "DTYPES", "WRITABLE", "dtype_enum", "numpy_dtype"]

# DataType enum values (tensorflow/core/framework/types.proto) of the dtypes a bundle holds here.
DTYPES = {"float32": 1, "float64": 2, "int32": 3, "uint8": 4, "int16": 5, "int8": 6, "string": 7, "int64": 9,
          "bool": 10, "float16": 19, "resource": 20}
_NUMPY = {v: k for k, v in DTYPES.items() if k not in ("string", "resource")}
WRITABLE = frozenset(_NUMPY.values())  # the dtype names write_bundle stores
_TABLE_MAGIC = 0xDB4775248B80FB57
_RESTART_INTERVAL = 16  # TensorFlow's table default: a full key every 16 entries, later ones share its prefix
_MASK_DELTA = 0xA282EAD8


def dtype_enum(dtype):
    """The DataType enum value of a numpy / pytensor dtype name."""
    name = np.dtype(dtype).name if not isinstance(dtype, str) else dtype
    if name not in DTYPES:
        raise ValueError(f"dtype {name} has no TensorFlow DataType here (supported: {sorted(DTYPES)}).")
    return DTYPES[name]


def numpy_dtype(enum):
    """The numpy dtype of a DataType enum value (object for DT_STRING: an array of bytes)."""
    if enum == DTYPES["string"]:
        return np.dtype(object)
    if enum not in _NUMPY:
        raise ValueError(f"TensorFlow DataType {enum} is not supported (supported: {sorted(_NUMPY.values())}).")
    return np.dtype(_NUMPY[enum])


def _crc32c(data):
    """CRC-32C of bytes or of a contiguous array's memory (not copied)."""
    from .. import _core
    if isinstance(data, np.ndarray):
        return _core._crc32c(data.reshape(-1).view(np.uint8))
    return _core._crc32c(np.frombuffer(data, np.uint8))


def _masked_crc(data):
    """LevelDB's masked CRC-32C (a CRC stored beside the data it covers must not be a CRC of itself)."""
    crc = _crc32c(data)
    return (((crc >> 15) | (crc << 17)) + _MASK_DELTA) & 0xFFFFFFFF


def _unmask(masked):
    rotated = (masked - _MASK_DELTA) & 0xFFFFFFFF
    return ((rotated >> 17) | (rotated << 15)) & 0xFFFFFFFF


def shape_proto(dims):
    """A TensorShapeProto (None / -1 dimensions unknown)."""
    return [pb.message_field(2, [pb.varint_field(1, -1 if d is None else d)]) for d in dims]


def _block(items):
    """A table block: entries sharing their key's prefix with the previous one (full keys at restart points),
    then the restart offsets and their count."""
    out, restarts, previous = bytearray(), [], b""
    for i, (key, value) in enumerate(items):
        shared = 0
        if i % _RESTART_INTERVAL == 0:
            restarts.append(len(out))
        else:
            while shared < min(len(key), len(previous)) and key[shared] == previous[shared]:
                shared += 1
        out += pb.encode_varint(shared) + pb.encode_varint(len(key) - shared) + pb.encode_varint(len(value))
        out += key[shared:] + value
        previous = key
    restarts = restarts or [0]
    out += b"".join(struct.pack("<I", r) for r in restarts) + struct.pack("<I", len(restarts))
    return bytes(out)


def _short_successor(key):
    """The shortest key >= `key` (LevelDB's FindShortSuccessor): the first byte below 0xff, plus one."""
    for i, byte in enumerate(key):
        if byte != 0xFF:
            return key[:i] + bytes([byte + 1])
    return key


def _table(items):
    """A whole table file of sorted (key, value) byte pairs: one data block, an empty meta-index block, the index
    block and the footer."""
    out = bytearray()

    def add_block(contents):
        handle = pb.encode_varint(len(out)) + pb.encode_varint(len(contents))
        out.extend(contents + b"\x00" + struct.pack("<I", _masked_crc(contents + b"\x00")))  # type 0: uncompressed
        return handle

    data_handle = add_block(_block(items))
    meta_handle = add_block(_block([]))
    index_handle = add_block(_block([(_short_successor(items[-1][0]), data_handle)]))
    footer = (meta_handle + index_handle).ljust(40, b"\x00")
    out += footer + struct.pack("<II", _TABLE_MAGIC & 0xFFFFFFFF, _TABLE_MAGIC >> 32)
    return bytes(out)


def _string_bytes(value):
    """(the bytes stored, their masked CRC-32C) of a string tensor: every element's length (varints), a masked
    checksum of those lengths as 4-byte ints, then the elements (the layout :func:`_strings` reads)."""
    items = [item.encode("utf8") if isinstance(item, str) else bytes(item) for item in value.reshape(-1)]
    lengths = b"".join(struct.pack("<I", len(item)) for item in items)
    length_checksum = struct.pack("<I", _masked_crc(lengths))
    checked = lengths + length_checksum + b"".join(items)
    raw = b"".join(pb.encode_varint(len(item)) for item in items) + length_checksum + b"".join(items)
    return raw, _masked_crc(checked)


def write_bundle(prefix, tensors, index_path=None, data_path=None):
    """Writes ``{name: numpy array}`` (numbers, or an object array of bytes / str: DT_STRING) as the bundle
    ``<prefix>.index`` + ``<prefix>.data-00000-of-00001``, or to `index_path` / `data_path` where given (temporary
    files renamed into place by the caller). Not fsynced: the caller fsyncs what it wrote."""
    entries, offset = [], 0
    with open(data_path or prefix + ".data-00000-of-00001", "wb") as f:
        for name in sorted(tensors):
            value = np.asarray(tensors[name])  # (np.ascontiguousarray would make a scalar a vector)
            if value.dtype == object or value.dtype.kind in "SU":
                raw, crc = _string_bytes(value)
                enum = DTYPES["string"]
            else:
                raw = np.require(value.astype(value.dtype.newbyteorder("<"), copy=False), requirements="C")
                raw, crc, enum = raw.reshape(-1).view(np.uint8), _masked_crc(raw), dtype_enum(value.dtype)
            entry = [pb.varint_field(1, enum), pb.message_field(2, shape_proto(value.shape))]
            if offset:
                entry.append(pb.varint_field(4, offset))  # 0 is the default, not written
            entry += [pb.varint_field(5, len(raw)), pb.fixed32_field(6, crc)]
            entries.append((name.encode("utf8"), pb.message(entry)))
            f.write(raw)
            offset += len(raw)
    header = pb.message([pb.varint_field(1, 1), pb.message_field(3, [pb.varint_field(1, 1)])])  # 1 shard, version 1
    with open(index_path or prefix + ".index", "wb") as f:
        f.write(_table([(b"", header)] + entries))


def _read_block(data, offset, size, path):
    if offset + size + 5 > len(data):
        raise ValueError(f"{path}: a block runs past the end of the file (truncated).")
    contents = data[offset: offset + size]
    trailer = data[offset + size: offset + size + 5]
    if trailer[0] != 0:
        raise ValueError(f"{path}: a block is compressed (type {trailer[0]}); only uncompressed tables are read.")
    if _unmask(struct.unpack("<I", trailer[1:])[0]) != _crc32c(contents + trailer[:1]):
        raise ValueError(f"{path}: a block does not match its CRC-32C (the file is damaged).")
    count = struct.unpack_from("<I", contents, len(contents) - 4)[0]
    end = len(contents) - 4 - 4 * count
    items, pos, previous = [], 0, b""
    while pos < end:
        shared, pos = pb._read_varint(contents, pos)
        unshared, pos = pb._read_varint(contents, pos)
        length, pos = pb._read_varint(contents, pos)
        key = previous[:shared] + contents[pos: pos + unshared]
        pos += unshared
        items.append((key, contents[pos: pos + length]))
        pos += length
        previous = key
    return items


def _read_handle(data, pos):
    offset, pos = pb._read_varint(data, pos)
    size, pos = pb._read_varint(data, pos)
    return offset, size, pos


def _strings(raw, shape, path, name):
    """(the array, the bytes its CRC-32C covers) of a string tensor stored as every element's length (varints), a
    checksum of those, then the elements. The CRC covers the lengths as 4-byte ints (TensorFlow's choice, kept for
    compatibility), the checksum and the elements."""
    count = int(np.prod(shape, dtype=np.int64))
    lengths, pos = [], 0
    try:
        for _ in range(count):
            length, pos = pb._read_varint(raw, pos)
            lengths.append(length)
    except pb.DecodeError:
        raise ValueError(f"{path}: string tensor '{name}' is truncated.") from None
    checked = bytearray(b"".join(struct.pack("<I" if n <= 0xFFFFFFFF else "<Q", n) for n in lengths))
    checked += raw[pos: pos + 4]
    pos += 4
    checked += raw[pos:]
    out = np.empty(count, object)
    for i, length in enumerate(lengths):
        out[i] = bytes(raw[pos: pos + length])
        pos += length
    if pos != len(raw):
        raise ValueError(f"{path}: string tensor '{name}' does not match its recorded size.")
    return out.reshape(shape), bytes(checked)


def read_bundle(prefix):
    """``{name: numpy array}`` of every tensor in the bundle at `prefix` (each checked against its CRC-32C).

    Raises:
        ValueError: a missing, truncated or damaged file, a sharded or big-endian bundle, or a dtype that is not
            supported, naming the file.
    """
    index = prefix + ".index"
    if not os.path.isfile(index):
        raise ValueError(f"{index}: no such checkpoint index file.")
    with open(index, "rb") as f:
        table = f.read()
    if len(table) < 48 or struct.unpack_from("<Q", table, len(table) - 8)[0] != _TABLE_MAGIC:
        raise ValueError(f"{index} is not a TensorFlow checkpoint index (no table footer; truncated?).")
    _, _, pos = _read_handle(table, len(table) - 48)
    index_offset, index_size, _ = _read_handle(table, pos)
    items = []
    for _, handle in _read_block(table, index_offset, index_size, index):
        offset, size, _ = _read_handle(handle, 0)
        items += _read_block(table, offset, size, index)
    entries = dict(items)
    header = pb.Message(entries.pop(b"", b""))
    if header.int(1, 1) != 1 or header.int(2) != 0:
        raise ValueError(f"{index}: a bundle with {header.int(1)} shards or big-endian data; only single-shard "
                         f"little-endian bundles (what TensorFlow writes on one machine) are read.")
    data_path = prefix + ".data-00000-of-00001"
    with open(data_path, "rb") as f:
        data = f.read()
    out = {}
    for key, value in entries.items():
        entry = pb.Message(value)
        name = key.decode("utf8")
        if entry.has(7):
            raise ValueError(f"{index}: tensor '{name}' is stored in slices (partitioned); not supported.")
        dtype = numpy_dtype(entry.int(1))
        shape = [d.int(1) for d in entry.message(2).messages(2)]
        offset, size = entry.int(4), entry.int(5)
        raw = data[offset: offset + size]
        if len(raw) != size or (dtype != object and size != dtype.itemsize * int(np.prod(shape, dtype=np.int64))):
            raise ValueError(f"{data_path}: tensor '{name}' ({dtype.name} {shape}) needs {size} bytes at offset "
                             f"{offset}; the file is truncated or does not match its index.")
        if dtype == object:
            out[name], checked = _strings(raw, shape, data_path, name)
        else:
            checked = raw
        if entry.has(6) and _unmask(entry.int(6)) != _crc32c(checked):
            raise ValueError(f"{data_path}: tensor '{name}' does not match its CRC-32C (the file is damaged).")
        if dtype == object:
            continue
        out[name] = np.frombuffer(raw, dtype.newbyteorder("<")).astype(dtype).reshape(shape)
    return out
