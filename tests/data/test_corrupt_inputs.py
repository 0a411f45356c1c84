"""Every file reader on corrupt input: truncations, bit flips and wrong lengths give a clear error of the reader's
class (or, where the damage leaves a valid file, the valid contents), never a crash, a hang or another exception.

Bounded for the default run: small files, every cut / every bit of a few hundred bytes, seeded random damage.
"""

import gzip
import json
import os
import pickle
import struct

import numpy as np
import pytest

import pytensor as tf
from pytensor.data import DataLossError, readers
from pytensor.keras import datasets
from pytensor.keras.datasets import _files

InvalidArgumentError = tf.errors.InvalidArgumentError
# What TF 2.21 does with some of these inputs, recorded by fixtures/make_tf_references.py.
with open(os.path.join(os.path.dirname(__file__), "fixtures", "tf_references.json")) as _f:
    REFERENCES = json.load(_f)


def check_reference(name, fn):
    """fn() gives TF's recorded value, or raises TF's class (ours may be a subclass: InvalidArgumentError is a
    ValueError)."""
    reference = REFERENCES[name]
    if "error" in reference:
        with pytest.raises({"ValueError": ValueError, "InvalidArgumentError": InvalidArgumentError}[
                reference["error"]]):
            fn()
    else:
        assert fn() == reference["value"]


def write_records(path, records, options=None):
    with tf.io.TFRecordWriter(str(path), options) as w:
        for r in records:
            w.write(r)


def read_records(path, compression=None):
    return list(tf.data.TFRecordDataset(str(path), compression_type=compression).as_numpy_iterator())


RECORDS = [b"", b"a", b"hello world" * 3, bytes(range(200))]


def boundaries(records):
    """Byte offsets at which a file of `records` may end cleanly, with the records before each."""
    offset, out = 0, {0: []}
    for i, r in enumerate(records):
        offset += 16 + len(r)
        out[offset] = records[:i + 1]
    return out


# ----- TFRecord -----

@pytest.mark.parametrize("chunk", [16 << 20, 1, 13, 64])
def test_tfrecord_reads_records_cut_by_chunks(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(readers, "_CHUNK", chunk)
    path = tmp_path / "r"
    write_records(path, RECORDS)
    assert read_records(path) == RECORDS


@pytest.mark.parametrize("chunk", [16 << 20, 7])
def test_tfrecord_every_truncation(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(readers, "_CHUNK", chunk)
    path = tmp_path / "r"
    write_records(path, RECORDS)
    data = path.read_bytes()
    clean = boundaries(RECORDS)
    for cut in range(len(data)):
        path.write_bytes(data[:cut])
        if cut in clean:
            assert read_records(path) == clean[cut]
            continue
        with pytest.raises(DataLossError, match=r"truncated record at byte offset \d+ in .*r"):
            read_records(path)


def test_tfrecord_every_bit_flip(tmp_path):
    path = tmp_path / "r"
    write_records(path, RECORDS[:3])
    data = path.read_bytes()
    for bit in range(8 * len(data)):
        flipped = bytearray(data)
        flipped[bit // 8] ^= 1 << (bit % 8)
        path.write_bytes(bytes(flipped))
        # A CRC-32C catches every single-bit error; a flipped length is caught by the length's CRC.
        with pytest.raises(DataLossError, match="corrupted record"):
            read_records(path)


@pytest.mark.parametrize("length", [1 << 60, (1 << 64) - 1, 1 << 20])
def test_tfrecord_length_beyond_the_file_fails_at_once(tmp_path, monkeypatch, length):
    monkeypatch.setattr(readers, "_CHUNK", 64)  # so the long record is cut by a chunk's end
    header = struct.pack("<Q", length)
    path = tmp_path / "r"
    path.write_bytes(readers.frame_record(b"ok") + header + struct.pack("<I", readers.masked_crc32c(header))
                     + bytes(1000))
    reads = []
    real = readers._read
    monkeypatch.setattr(readers, "_read", lambda stream, size, *a: reads.append(size) or real(stream, size, *a))
    with pytest.raises(DataLossError, match=rf"offset 18 .*length of {length} bytes.* only 1000 bytes"):
        read_records(path)
    assert max(reads) == 64  # refused from the file's size: only chunks were read, never the claimed length


@pytest.mark.parametrize("kind", ["GZIP", "ZLIB"])
def test_tfrecord_compressed_truncations_and_flips(tmp_path, kind):
    path = tmp_path / "r"
    write_records(path, RECORDS, tf.io.TFRecordOptions(compression_type=kind))
    data = path.read_bytes()
    rng = np.random.default_rng(0)
    for cut in sorted(set(rng.integers(0, len(data), 40).tolist())):
        path.write_bytes(data[:cut])
        try:
            got = read_records(path, kind)
        except DataLossError:
            continue
        assert got == RECORDS[:len(got)]  # only a clean prefix may come back
    for byte in rng.integers(0, len(data), 40).tolist():
        flipped = bytearray(data)
        flipped[byte] ^= 1 << int(rng.integers(8))
        path.write_bytes(bytes(flipped))
        try:
            got = read_records(path, kind)
        except DataLossError:
            continue
        assert got == RECORDS  # a flip in, e.g., the gzip header's mtime leaves the data intact


def test_tfrecord_compressed_huge_length_reads_only_what_is_there(tmp_path):
    header = struct.pack("<Q", 1 << 60)
    path = tmp_path / "r"
    path.write_bytes(gzip.compress(header + struct.pack("<I", readers.masked_crc32c(header)) + bytes(5000)))
    with pytest.raises(DataLossError, match="truncated record at byte offset 0"):
        read_records(path, "GZIP")


# ----- tf.train.Example -----

def example_bytes():
    ex = tf.train.Example(features=tf.train.Features(feature={
        "f": tf.train.Feature(float_list=tf.train.FloatList(value=[1.5, -2.0])),
        "i": tf.train.Feature(int64_list=tf.train.Int64List(value=[3, -(1 << 40)])),
        "s": tf.train.Feature(bytes_list=tf.train.BytesList(value=[b"xy", b""])),
    }))
    return ex.SerializeToString()


FEATURES = {"f": tf.io.VarLenFeature(tf.float32), "i": tf.io.VarLenFeature(tf.int64),
            "s": tf.io.VarLenFeature(tf.string)}


def parse_or_invalid(data):
    try:
        return tf.io.parse_single_example(data, FEATURES)
    except InvalidArgumentError as e:
        assert "parse_example" in str(e)
        return None


def test_example_every_truncation_and_bit_flip():
    data = example_bytes()
    assert parse_or_invalid(data) is not None
    outcomes = set()
    for cut in range(len(data)):
        outcomes.add(parse_or_invalid(data[:cut]) is None)
    for bit in range(8 * len(data)):
        flipped = bytearray(data)
        flipped[bit // 8] ^= 1 << (bit % 8)
        outcomes.add(parse_or_invalid(bytes(flipped)) is None)
    assert outcomes == {True, False}  # both clean errors and still-valid messages occur; nothing else is raised


def test_example_random_bytes():
    rng = np.random.default_rng(7)
    for _ in range(300):
        parse_or_invalid(rng.integers(0, 256, int(rng.integers(0, 64)), dtype=np.uint8).tobytes())


def varint_example(int_payload):
    def field(number, payload):
        return bytes([number << 3 | 2, len(payload)]) + payload
    feature = field(3, field(1, int_payload))  # Feature.int64_list = Int64List{value: packed}
    return field(1, field(1, field(1, b"y") + field(2, feature)))


def parse_int(payload):
    return int(tf.io.parse_single_example(varint_example(payload), {"y": tf.io.FixedLenFeature([], tf.int64)})["y"])


def test_example_ten_byte_varint_of_2_64_or_more_wraps_as_tf():
    # TF (protobuf) reads at most ten bytes and keeps the low 64 bits; an eleventh byte is an error.
    check_reference("varint_2_64_minus_1", lambda: parse_int(bytes([0xFF] * 9 + [0x01])))
    check_reference("varint_2_70_minus_1", lambda: parse_int(bytes([0xFF] * 9 + [0x7F])))
    check_reference("varint_11_bytes", lambda: parse_int(bytes([0xFF] * 10 + [0x01])))


# ----- CSV -----

def csv_file(tmp_path, data, name="d.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def batches(ds):
    return list(ds)


def make(path, **kwargs):
    return tf.data.experimental.make_csv_dataset(path, 2, num_epochs=1, shuffle=False, **kwargs)


def test_csv_extra_fields_are_an_error_naming_file_and_line(tmp_path):
    path = csv_file(tmp_path, b"a,b\n1,2\n3,4,5\n")
    with pytest.raises(InvalidArgumentError, match=r"line 3 of .*d\.csv has 3 fields; expected 2"):
        batches(make(path))
    with pytest.raises(InvalidArgumentError, match=r"line 3 of .*d\.csv has 3 fields"):
        batches(make(path, column_defaults=[0, 0]))
    with pytest.raises(InvalidArgumentError, match=r"line 3 of .*d\.csv has 3 fields"):
        batches(tf.data.experimental.CsvDataset(path, [tf.int32, tf.int32], header=True))
    # select_cols picks columns out of longer rows, as TF's does
    picked = tf.data.experimental.CsvDataset(path, [tf.int32, tf.int32], header=True, select_cols=[0, 1])
    assert [(int(a), int(b)) for a, b in picked] == [(1, 2), (3, 4)]


def test_csv_short_rows_and_empty_files(tmp_path):
    with pytest.raises(InvalidArgumentError, match=r"line 3 of .*d\.csv has 1 fields"):
        batches(tf.data.experimental.CsvDataset(csv_file(tmp_path, b"a,b\n1,2\n3\n"), [tf.int32] * 2, header=True))
    with pytest.raises(InvalidArgumentError, match=r"e\.csv is empty"):
        make(csv_file(tmp_path, b"", "e.csv"))
    assert batches(make(csv_file(tmp_path, b"a,b\n", "h.csv"))) == []  # a header alone: no rows, as TF


def test_csv_invalid_utf8(tmp_path):
    with pytest.raises(InvalidArgumentError, match=r"header \(line 1\) of .*d\.csv is not valid UTF-8"):
        make(csv_file(tmp_path, b"a,\xff\n1,2\n"))
    with pytest.raises(InvalidArgumentError, match=r"is not a valid int32 at line 3 of .*n\.csv"):
        batches(make(csv_file(tmp_path, b"a,b\n1,2\n3,\xff\xfe\n", "n.csv"), column_defaults=[0, 0]))
    # In a string field the bytes come back as they are, as TF's CSV reader (which works on bytes) gives them.
    ds = make(csv_file(tmp_path, b"a,b\n1,2\n3,\xff\xfe\n", "s.csv"), column_defaults=[0, ""])
    (features,) = batches(ds)
    assert features["b"].numpy().tolist() == [b"2", b"\xff\xfe"]


def test_csv_outcomes_match_tf(tmp_path):
    def run(data, **kwargs):
        ds = make(csv_file(tmp_path, data), **kwargs)
        return [{k: v.numpy().tolist() for k, v in features.items()} for features in ds]
    check_reference("csv_extra_field", lambda: run(b"a,b\n1,2\n3,4,5\n"))
    check_reference("csv_extra_field_with_defaults", lambda: run(b"a,b\n1,2\n3,4,5\n", column_defaults=[0, 0]))
    check_reference("csv_empty_file", lambda: run(b""))
    check_reference("csv_header_only", lambda: run(b"a,b\n"))
    check_reference("csv_string_field_not_utf8", lambda: [[v.hex() for v in batch["b"]] for batch in run(
        b"a,b\n1,2\n3,\xff\xfe\n", column_defaults=[0, ""])])


def test_csv_random_damage(tmp_path):
    good = b"x,y,name\n" + b"".join(b"%d,%d.5,n%d\n" % (i, i, i) for i in range(20))
    rng = np.random.default_rng(3)
    for _ in range(60):
        data = bytearray(good[:int(rng.integers(len(good)))])
        for _ in range(int(rng.integers(0, 4))):
            if data:
                data[int(rng.integers(len(data)))] = int(rng.integers(256))
        path = csv_file(tmp_path, bytes(data))
        try:
            batches(make(path, column_defaults=[0, 0.0, ""]))
        except InvalidArgumentError as e:
            assert "d.csv" in str(e)


# ----- keras.datasets loaders -----

@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))

    def offline(origin, target):
        raise OSError("network is unreachable")
    monkeypatch.setattr(_files, "_download", offline)
    (tmp_path / "datasets").mkdir()
    return tmp_path / "datasets"


def damaged(data, rng, count):
    """Truncations and bit flips of `data`, seeded."""
    for cut in rng.integers(0, len(data), count).tolist():
        yield data[:cut]
    for byte in rng.integers(0, len(data), count).tolist():
        flipped = bytearray(data)
        flipped[byte] ^= 1 << int(rng.integers(8))
        yield bytes(flipped)


def ragged(rows):
    out = np.empty(len(rows), dtype=object)
    out[:] = rows
    return out


def npz_bytes(tmp_path, **arrays):
    path = tmp_path / "src.npz"
    np.savez(path, **arrays)
    return path.read_bytes()


def pickle_bytes(obj):
    return pickle.dumps(obj, protocol=2)


def loader_cases(tmp_path):
    """(name, cache file, good bytes, load function) of every keras.datasets loader on a tiny file."""
    x = np.arange(2 * 28 * 28, dtype=np.uint8).reshape(2, 28, 28)
    rows = ragged([[1, 2, 3], [4, 5]])
    cifar = pickle_bytes({b"data": np.full((2, 3072), 9, np.uint8), b"labels": [1, 2], b"fine_labels": [1, 2]})
    idx = (0x801).to_bytes(4, "big") + (2).to_bytes(4, "big") + b"\x01\x02"
    return [
        ("mnist", "mnist.npz", npz_bytes(tmp_path, x_train=x, y_train=np.arange(2, dtype=np.uint8), x_test=x,
                                         y_test=np.arange(2, dtype=np.uint8)), datasets.mnist.load_data),
        ("boston", "boston_housing.npz", npz_bytes(tmp_path, x=np.ones((5, 13)), y=np.ones(5)),
         datasets.boston_housing.load_data),
        ("imdb", "imdb.npz", npz_bytes(tmp_path, x_train=rows, y_train=np.arange(2), x_test=rows,
                                       y_test=np.arange(2)), datasets.imdb.load_data),
        ("reuters", "reuters.npz", npz_bytes(tmp_path, x=rows, y=np.arange(2)), datasets.reuters.load_data),
        ("cifar10", "cifar-10-batches-py/test_batch", cifar, datasets.cifar10.load_data),
        ("cifar100", "cifar-100-python/test", cifar, datasets.cifar100.load_data),
        ("fashion_mnist", "fashion-mnist/train-labels-idx1-ubyte.gz", gzip.compress(idx),
         datasets.fashion_mnist.load_data),
    ]


def prepare_siblings(keras_home, name, good):
    """The loader's other files, intact, so that only the damaged one can fail."""
    if name == "cifar10":
        for i in range(1, 6):
            (keras_home / "cifar-10-batches-py" / f"data_batch_{i}").write_bytes(good)
    elif name == "cifar100":
        (keras_home / "cifar-100-python" / "train").write_bytes(good)
    elif name == "fashion_mnist":
        labels = (0x801).to_bytes(4, "big") + (2).to_bytes(4, "big") + b"\x01\x02"
        images = (0x803).to_bytes(4, "big") + (2).to_bytes(4, "big") + bytes(8) + bytes(2 * 784)
        for prefix in ("train", "t10k"):
            (keras_home / "fashion-mnist" / f"{prefix}-labels-idx1-ubyte.gz").write_bytes(gzip.compress(labels))
            (keras_home / "fashion-mnist" / f"{prefix}-images-idx3-ubyte.gz").write_bytes(gzip.compress(images))


@pytest.mark.filterwarnings("ignore:.*could not be downloaded again")  # the tiny files are not Keras's
def test_every_keras_dataset_loader_on_damaged_files(keras_home, tmp_path):
    rng = np.random.default_rng(11)
    for name, relative, good, load in loader_cases(tmp_path):
        target = keras_home / relative
        target.parent.mkdir(exist_ok=True)
        prepare_siblings(keras_home, name, good)
        target.write_bytes(good)
        load()  # the intact file loads
        errors = 0
        for data in damaged(good, rng, 25):
            target.write_bytes(data)
            try:
                load()
            except datasets.CorruptDatasetError as e:
                errors += 1
                assert os.path.basename(relative) in str(e) or "fashion_mnist" in str(e), (name, str(e))
            except ValueError as e:  # an argument-level check of the loader on a file that parsed (e.g. maxlen)
                pytest.fail(f"{name}: {type(e).__name__}: {e}")
        assert errors > 0, name
