"""No data file can run code: Dataset.cache's data-only format, the restricted unpickler of the Keras dataset
loaders, and the checksum check of cached dataset files.

Each malicious file holds a pickle whose ``__reduce__`` would create a marker file when unpickled; the tests prove
the marker never appears and a clear error names the file.
"""

import collections
import hashlib
import os
import pickle
import warnings
import zipfile

import numpy as np
import pytest

import pytensor as tf
from pytensor.data import Dataset, TensorSpec
from pytensor.keras import datasets
from pytensor.keras.datasets import _files


class WritesMarker:
    """Unpickling this calls ``open(marker, "w")``: the file appears if a loader runs code from its data."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return open, (self.marker, "w")


@pytest.fixture
def marker(tmp_path):
    path = tmp_path / "code-ran"
    yield path
    assert not path.exists(), "a data file ran code"


@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    """An empty Keras cache; any download attempt fails as if offline."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))

    def offline(origin, target):
        raise OSError("network is unreachable")
    monkeypatch.setattr(_files, "_download", offline)
    (tmp_path / "datasets").mkdir()
    return tmp_path / "datasets"


def values(ds):
    return [e.numpy() if hasattr(e, "numpy") else e for e in ds]


# ----- Dataset.cache -----

def test_cache_file_of_pickle_is_refused_not_run(tmp_path, marker):
    base = tmp_path / "cache"
    # The old cache format was a pickle; a crafted one in its place must not run.
    (tmp_path / "cache.ptcache").write_bytes(pickle.dumps([WritesMarker(marker)]))
    with pytest.raises(tf.errors.DataLossError, match="cache.ptcache"):
        values(Dataset.range(3).cache(str(base)))


def test_cache_round_trips_structures_dtypes_and_strings(tmp_path):
    Point = collections.namedtuple("Point", ["x", "label"])
    rows = [Point(np.float32([i, -i]), f"r{i}".encode() + b"\xff") for i in range(5)]
    calls = []

    def gen():
        calls.append(1)
        for r in rows:
            yield {"p": r, "i": np.int64(1 << 40)}

    spec = {"p": Point(TensorSpec([2], tf.float32), TensorSpec([], tf.string)), "i": TensorSpec([], tf.int64)}
    path = str(tmp_path / "c")
    first = list(Dataset.from_generator(gen, output_signature=spec).cache(path).as_numpy_iterator())
    again = list(Dataset.from_generator(gen, output_signature=spec).cache(path).as_numpy_iterator())
    assert len(calls) == 1  # the second dataset read the file
    for a, b, r in zip(first, again, rows):
        assert type(b["p"]).__name__ == "Point" and b["p"]._fields == ("x", "label")
        np.testing.assert_array_equal(b["p"].x, r.x)
        assert b["p"].x.dtype == np.float32 and b["p"].label == r.label == a["p"].label
        assert b["i"] == 1 << 40 and b["i"].dtype == np.int64


def test_cache_of_an_abandoned_pass_is_not_kept(tmp_path):
    path = str(tmp_path / "c")
    for i, _ in enumerate(Dataset.range(10).cache(path)):
        if i == 3:
            break
    assert not os.path.exists(path + ".ptcache")
    assert [p for p in os.listdir(tmp_path)] == []  # nor its temporary file
    assert values(Dataset.range(10).cache(path)) == list(range(10))
    assert values(Dataset.range(99).cache(path)) == list(range(10))


def complete_cache(tmp_path):
    path = str(tmp_path / "c")
    values(Dataset.from_tensor_slices((np.arange(6, dtype=np.float32), np.arange(6))).cache(path))
    return path + ".ptcache"


def read_cache(file):
    return values(Dataset.range(1).cache(file[:-len(".ptcache")]))


def test_cache_cut_anywhere_or_flipped_anywhere_is_an_error(tmp_path):
    file = complete_cache(tmp_path)
    data = open(file, "rb").read()
    for cut in range(0, len(data), 7):
        open(file, "wb").write(data[:cut])
        with pytest.raises(tf.errors.DataLossError, match=r"c\.ptcache"):
            read_cache(file)
    for byte in range(0, len(data), 5):
        flipped = bytearray(data)
        flipped[byte] ^= 0x10
        open(file, "wb").write(bytes(flipped))
        with pytest.raises(tf.errors.DataLossError):
            read_cache(file)


def test_cache_records_that_lie_about_their_tensor_are_errors(tmp_path):
    from pytensor.data import _cache_file, readers
    file = complete_cache(tmp_path)
    records = list(readers.tfrecord_records(file))
    header, footer = records[0], records[-1]

    def leaf(code, shape, payload):
        import struct
        return struct.pack("<B", len(code)) + code + struct.pack(f"<B{len(shape)}q", len(shape), *shape) + payload

    bad_leaves = {
        "not a numeric dtype": leaf(b"|V8", [1], bytes(8)),
        "needs 4000 bytes": leaf(b"<f4", [1000], bytes(8)),
        "negative dimension": leaf(b"<f4", [-1], b""),
        "string lengths": leaf(b"|O", [2], (5).to_bytes(8, "little") + (1 << 62).to_bytes(8, "little") + b"abc"),
        "unknown dtype": leaf(b"<zz", [1], bytes(8)),
    }
    for message, bad in bad_leaves.items():
        with open(file, "wb") as f:
            for r in [header, bad, records[2], footer]:
                f.write(readers.frame_record(r))
        with pytest.raises(tf.errors.DataLossError, match=message):
            read_cache(file)
    with open(file, "wb") as f:  # a valid file missing its last element's second leaf and the footer
        for r in records[:-2]:
            f.write(readers.frame_record(r))
    with pytest.raises(tf.errors.DataLossError, match="footer|ends inside"):
        read_cache(file)
    with open(file, "wb") as f:  # a header of another format version
        f.write(readers.frame_record(b"PTCACHE\0" + (99).to_bytes(4, "little") + b'"L"'))
    with pytest.raises(tf.errors.DataLossError, match="version 99"):
        read_cache(file)
    assert _cache_file.VERSION == 1


# ----- keras.datasets -----

def object_npz(path, **arrays):
    """An .npz as np.savez writes it, object arrays pickled inside (what Keras's imdb / reuters files are)."""
    np.savez(path, **arrays)


def test_imdb_npz_with_code_in_an_object_array_is_refused(keras_home, marker):
    evil = np.empty(2, dtype=object)
    evil[:] = [[1, 2], WritesMarker(marker)]
    object_npz(keras_home / "imdb.npz", x_train=evil, y_train=np.zeros(2, np.int64), x_test=evil,
               y_test=np.zeros(2, np.int64))
    with pytest.warns(UserWarning, match="sha256"), pytest.raises(datasets.CorruptDatasetError,
                                                                  match=r"imdb\.npz.*references (io|builtins)\.open"):
        datasets.imdb.load_data()


def test_reuters_npz_with_code_as_the_whole_array_is_refused(keras_home, marker):
    # A member whose pickle is not even an array, but a bare object with a __reduce__.
    header = np.lib.format.header_data_from_array_1_0(np.empty(1, dtype=object))
    with zipfile.ZipFile(keras_home / "reuters.npz", "w") as z:
        with z.open("x.npy", "w") as f:
            np.lib.format.write_array_header_1_0(f, header)
            f.write(pickle.dumps(WritesMarker(marker)))
        with z.open("y.npy", "w") as f:
            np.lib.format.write_array(f, np.zeros(1, np.int64))
    with pytest.warns(UserWarning), pytest.raises(datasets.CorruptDatasetError, match=r"references (io|builtins)\.open"):
        datasets.reuters.load_data()


def test_npz_object_arrays_of_plain_data_still_load_without_allow_pickle(keras_home):
    rows = np.empty(3, dtype=object)
    rows[:] = [[1, 2, 3], [4], list(np.arange(5, 8))]  # ints and numpy ints, as Keras's files hold
    object_npz(keras_home / "reuters.npz", x=rows, y=np.arange(3))
    with pytest.warns(UserWarning):
        (x, y), (xt, yt) = datasets.reuters.load_data(num_words=100, test_split=0.0, start_char=None,
                                                           index_from=0)
    assert sorted(map(list, x)) == [[1, 2, 3], [4], [5, 6, 7]] and sorted(y.tolist()) == [0, 1, 2]


def test_npz_object_array_of_non_sequences_is_corrupt(keras_home):
    rows = np.empty(2, dtype=object)
    rows[:] = [[1, 2], {"a": 1}]
    object_npz(keras_home / "reuters.npz", x=rows, y=np.arange(2))
    with pytest.warns(UserWarning), pytest.raises(datasets.CorruptDatasetError, match="item 1 of 'x'"):
        datasets.reuters.load_data()


@pytest.mark.parametrize("name,files,label_key", [
    ("cifar-10-batches-py", [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"], b"labels"),
    ("cifar-100-python", ["train", "test"], b"fine_labels")])
def test_cifar_batch_with_code_is_refused(keras_home, marker, name, files, label_key):
    d = keras_home / name
    d.mkdir()
    for fname in files:
        batch = {b"data": np.zeros((1, 3072), np.uint8), label_key: [WritesMarker(marker)]}
        (d / fname).write_bytes(pickle.dumps(batch, protocol=2))
    loader = datasets.cifar10 if "10-" in name else datasets.cifar100
    with pytest.raises(datasets.CorruptDatasetError, match=rf"{files[0]}.*references (io|builtins)\.open"):
        loader.load_data()


def test_cifar_batch_of_plain_data_loads(keras_home):
    d = keras_home / "cifar-10-batches-py"
    d.mkdir()
    for fname in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        batch = {b"batch_label": b"x", b"data": np.full((2, 3072), 7, np.uint8), b"labels": [3, 4],
                 b"filenames": [b"a.png", b"b.png"]}
        (d / fname).write_bytes(pickle.dumps(batch, protocol=2))
    (x, y), (xt, yt) = datasets.cifar10.load_data()
    assert x.shape == (10, 32, 32, 3) and (x == 7).all() and yt.ravel().tolist() == [3, 4]


# ----- checksums of cached files -----

def test_cached_file_with_wrong_hash_is_downloaded_again(keras_home, monkeypatch):
    good = b"the real bytes"
    (keras_home / "f.bin").write_bytes(b"a crafted file")
    fetched = []

    def download(origin, target):
        fetched.append(origin)
        with open(target, "wb") as f:
            f.write(good)
    monkeypatch.setattr(_files, "_download", download)
    path = datasets.get_file("f.bin", origin="https://example.invalid/f.bin",
                             file_hash=hashlib.sha256(good).hexdigest())
    assert open(path, "rb").read() == good and fetched == ["https://example.invalid/f.bin"]
    datasets.get_file("f.bin", origin="https://example.invalid/f.bin", file_hash=hashlib.sha256(good).hexdigest())
    assert len(fetched) == 1  # now current: not fetched again


def test_cached_file_with_wrong_hash_offline_warns_once(keras_home, monkeypatch):
    (keras_home / "f.bin").write_bytes(b"a crafted file")
    tries = []

    def offline(origin, target):
        tries.append(origin)
        raise OSError("network is unreachable")
    monkeypatch.setattr(_files, "_download", offline)
    with pytest.warns(UserWarning, match=r"f\.bin.*sha256.*could not be downloaded again"):
        datasets.get_file("f.bin", origin="https://example.invalid/f.bin", file_hash="0" * 64)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        datasets.get_file("f.bin", origin="https://example.invalid/f.bin", file_hash="0" * 64)
    assert len(tries) == 1  # one download attempt per process, not one per load


def test_cached_file_hashed_once_per_process_until_it_changes(keras_home, monkeypatch):
    payload = b"payload"
    (keras_home / "f.bin").write_bytes(payload)
    opened = []
    real_open = open

    def counting_open(path, *args, **kwargs):
        opened.append(os.fspath(path))
        return real_open(path, *args, **kwargs)
    monkeypatch.setattr(_files, "open", counting_open, raising=False)
    digest = hashlib.sha256(payload).hexdigest()
    for _ in range(3):
        datasets.get_file("f.bin", origin="u", file_hash=digest)
    assert len(opened) == 1
    (keras_home / "f.bin").write_bytes(payload + b"!")  # changed: hashed again, and found wrong
    with pytest.warns(UserWarning):
        datasets.get_file("f.bin", origin="u", file_hash=digest)
    assert len(opened) == 2
