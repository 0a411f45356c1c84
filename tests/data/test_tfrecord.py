"""TFRecord framing, CRC-32C and tf.train.Example, checked against bytes derived by hand from the formats."""

import gzip
import os
import struct
import zlib

import numpy as np
import pytest

import pytensor as tf
from pytensor.data import DataLossError


def crc32c_reference(data):
    """Bitwise CRC-32C (reflected polynomial 0x82F63B78), straight from the definition."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def masked_reference(data):
    crc = crc32c_reference(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def test_crc32c_known_vectors():
    assert tf.io.crc32c(b"123456789") == 0xE3069283
    assert tf.io.crc32c(bytes(32)) == 0x8A9136AA  # RFC 3720 B.4
    assert tf.io.crc32c(bytes(range(32))) == 0x46DD794E
    data = np.random.default_rng(1).integers(0, 256, 1003, dtype=np.uint8).tobytes()
    assert tf.io.crc32c(data) == crc32c_reference(data)
    assert tf.io.crc32c(data[5:], tf.io.crc32c(data[:5])) == crc32c_reference(data)  # continuation
    assert tf.io.masked_crc32c(b"") == 0xA282EAD8  # crc of nothing is 0; the mask adds the delta


def test_writer_bytes_match_the_format(tmp_path):
    path = str(tmp_path / "r.tfrecord")
    with tf.io.TFRecordWriter(path) as w:
        w.write(b"")
        w.write(b"hello")
    expected = b""
    for record in (b"", b"hello"):
        header = struct.pack("<Q", len(record))
        expected += header + struct.pack("<I", masked_reference(header)) + record + struct.pack(
            "<I", masked_reference(record))
    assert open(path, "rb").read() == expected
    assert list(tf.data.TFRecordDataset(path).as_numpy_iterator()) == [b"", b"hello"]


@pytest.mark.parametrize("kind, decompress", [("GZIP", gzip.decompress), ("ZLIB", zlib.decompress)])
def test_compressed_files(tmp_path, kind, decompress):
    plain, packed = str(tmp_path / "p"), str(tmp_path / "c")
    for path, options in ((plain, None), (packed, tf.io.TFRecordOptions(compression_type=kind))):
        with tf.io.TFRecordWriter(path, options) as w:
            for i in range(3):
                w.write(b"x" * i)
    assert decompress(open(packed, "rb").read()) == open(plain, "rb").read()
    assert list(tf.data.TFRecordDataset([packed], compression_type=kind).as_numpy_iterator()) == [b"", b"x", b"xx"]


def test_bad_crc_and_truncation_name_file_and_offset(tmp_path):
    path = tmp_path / "bad.tfrecord"
    with tf.io.TFRecordWriter(str(path)) as w:
        w.write(b"first")
        w.write(b"second")
    good = path.read_bytes()
    corrupt = bytearray(good)
    corrupt[21 + 12 + 2] ^= 0xFF  # a data byte of the second record (the first spans 12 + 5 + 4 = 21 bytes)
    path.write_bytes(bytes(corrupt))
    ds = tf.data.TFRecordDataset(str(path))
    it = ds.as_numpy_iterator()
    assert next(it) == b"first"
    with pytest.raises(DataLossError, match=r"data CRC mismatch\) at byte offset 21 in .*bad.tfrecord"):
        next(it)
    path.write_bytes(good[:-3])
    with pytest.raises(DataLossError, match="truncated record at byte offset 21"):
        list(ds)
    corrupt = bytearray(good)
    corrupt[9] ^= 1  # the first length CRC
    path.write_bytes(bytes(corrupt))
    with pytest.raises(DataLossError, match="length CRC mismatch.*offset 0"):
        list(ds)
    with pytest.raises(FileNotFoundError, match="nope"):
        list(tf.data.TFRecordDataset(str(tmp_path / "nope")))


def feature_example():
    return tf.train.Example(features=tf.train.Features(feature={
        "a": tf.train.Feature(int64_list=tf.train.Int64List(value=[1])),
        "f": tf.train.Feature(float_list=tf.train.FloatList(value=[1.0])),
        "s": tf.train.Feature(bytes_list=tf.train.BytesList(value=[b"hi"])),
    }))


def test_example_wire_format_by_hand():
    one = tf.train.Example(features=tf.train.Features(feature={
        "a": tf.train.Feature(int64_list=tf.train.Int64List(value=[1]))}))
    # Example.features(1) > Features.feature(1) map entry > key(1) "a", value(2) Feature > int64_list(3) > packed(1)
    assert one.SerializeToString() == bytes.fromhex("0a0c" "0a0a" "0a0161" "1205" "1a03" "0a0101")
    assert tf.train.Feature(float_list=tf.train.FloatList(value=[1.0])).SerializeToString() == bytes.fromhex(
        "1206" "0a04" "0000803f")
    assert tf.train.Feature(bytes_list=tf.train.BytesList(value=[b"hi"])).SerializeToString() == bytes.fromhex(
        "0a04" "0a026869")
    minus_one = "ffffffffffffffffff01"  # ten-byte two's complement varint
    assert tf.train.Int64List(value=[-1, 300]).SerializeToString() == bytes.fromhex("0a0c" + minus_one + "ac02")


def test_example_round_trip_and_unpacked_input():
    ex = feature_example()
    back = tf.train.Example.FromString(ex.SerializeToString())
    assert back == ex and back.features.feature["s"].bytes_list.value == [b"hi"]
    assert back.features.feature["a"].WhichOneof("kind") == "int64_list"
    # proto2-style unpacked repeated fields decode too: int64 field 1 as varints, float as fixed32
    assert tf.train.Int64List.FromString(bytes.fromhex("0805" "0807")).value == [5, 7]
    assert tf.train.FloatList.FromString(bytes.fromhex("0d0000803f")).value == [1.0]
    with pytest.raises(ValueError):
        tf.train.Example.FromString(b"\x0a\x05\x0a")
    with pytest.raises(TypeError):
        tf.train.Int64List(value=[1.5])


def test_parse_single_example_and_parse_example(tmp_path):
    s = feature_example().SerializeToString()
    spec = {"a": tf.io.FixedLenFeature([], tf.int64), "f": tf.io.FixedLenFeature([1], tf.float32),
            "s": tf.io.VarLenFeature(tf.data.string), "missing": tf.io.FixedLenFeature([2], tf.int64, [7, 8])}
    out = tf.io.parse_single_example(s, spec)
    assert int(out["a"].numpy()) == 1 and out["f"].numpy().tolist() == [1.0]
    assert out["s"].values.numpy().tolist() == [b"hi"] and out["missing"].numpy().tolist() == [7, 8]
    with pytest.raises(tf.errors.InvalidArgumentError, match="'b' is required"):
        tf.io.parse_single_example(s, {"b": tf.io.FixedLenFeature([], tf.int64)})
    with pytest.raises(tf.errors.InvalidArgumentError, match="expects float32"):
        tf.io.parse_single_example(s, {"a": tf.io.FixedLenFeature([], tf.float32)})
    short = tf.train.Example(features=tf.train.Features(feature={
        "v": tf.train.Feature(int64_list=tf.train.Int64List(value=[4, 5, 6]))})).SerializeToString()
    batch = tf.io.parse_example([short, s], {"v": tf.io.VarLenFeature(tf.int64)})
    assert batch["v"].indices.numpy().tolist() == [[0, 0], [0, 1], [0, 2]]
    assert batch["v"].dense_shape.numpy().tolist() == [2, 3]
    assert batch["v"].to_dense().numpy().tolist() == [[4, 5, 6], [0, 0, 0]]
    # the whole pipeline: write, read, parse, batch
    path = str(tmp_path / "e.tfrecord")
    with tf.io.TFRecordWriter(path) as w:
        for i in range(5):
            w.write(tf.train.Example(features=tf.train.Features(feature={
                "x": tf.train.Feature(float_list=tf.train.FloatList(value=[i, 2 * i]))})).SerializeToString())
    ds = tf.data.TFRecordDataset(path).map(
        lambda r: tf.io.parse_single_example(r, {"x": tf.io.FixedLenFeature([2], tf.float32)})["x"]).batch(5)
    assert next(iter(ds)).numpy().tolist() == [[i, 2 * i] for i in range(5)]


@pytest.mark.parametrize("kind", ["", "GZIP", "ZLIB"])
def test_records_spanning_read_chunks(tmp_path, monkeypatch, kind):
    from pytensor.data import readers
    read = readers._read_chunks
    monkeypatch.setattr(readers, "_read_chunks", lambda path, c, caller: read(path, c, caller, size=7))
    records = [bytes([i]) * n for i, n in enumerate((0, 1, 5, 30, 100, 3))]
    path = str(tmp_path / "r")
    with tf.io.TFRecordWriter(path, kind) as w:
        for r in records:
            w.write(r)
    assert list(tf.data.TFRecordDataset(path, kind).as_numpy_iterator()) == records
    if kind == "":
        with open(path, "r+b") as f:
            f.truncate(os.path.getsize(path) - 2)
        # the last record starts after 16 + 17 + 21 + 46 + 116 bytes of framed records
        with pytest.raises(DataLossError, match="truncated record at byte offset 216"):
            list(tf.data.TFRecordDataset(path))


def test_corrupt_gzip_is_data_loss(tmp_path):
    path = tmp_path / "g"
    path.write_bytes(gzip.compress(b"x" * 100)[:-10])
    with pytest.raises(DataLossError, match="not valid GZIP"):
        list(tf.data.TFRecordDataset(str(path), compression_type="GZIP"))
