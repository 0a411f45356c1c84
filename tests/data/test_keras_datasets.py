"""keras.datasets: cache location, offline errors, corrupt files, and each loader's shapes, dtypes and splits."""

import gzip
import json
import os
import pickle
import tarfile

import numpy as np
import pytest

import pytensor as tf
from pytensor.keras import datasets
from pytensor.keras.datasets import _files

SHARED = "/work/shared/data"
# The tests' files (and the shared data, re-compressed) are not Keras's downloads: their hash check warns, offline.
pytestmark = pytest.mark.filterwarnings("ignore:.*could not be downloaded again:UserWarning")


@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    """An empty Keras cache; any download attempt fails as if offline."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))

    def offline(origin, target):
        raise OSError("network is unreachable")
    monkeypatch.setattr(_files, "_download", offline)
    (tmp_path / "datasets").mkdir()
    return tmp_path / "datasets"


def test_offline_error_says_which_file_goes_where(keras_home):
    with pytest.raises(datasets.DatasetUnavailableError) as info:
        datasets.mnist.load_data()
    message = str(info.value)
    assert "mnist.npz" in message and str(keras_home) in message
    assert "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz" in message
    assert isinstance(info.value, OSError)


def test_download_checks_hash_and_extracts(keras_home, monkeypatch):
    payload = b"not the real file"

    def fake(origin, target):
        with open(target, "wb") as f:
            f.write(payload)
    monkeypatch.setattr(_files, "_download", fake)
    with pytest.raises(datasets.CorruptDatasetError, match="sha256"):
        datasets.get_file("x.bin", origin="https://example.invalid/x.bin", file_hash="0" * 64)
    assert not (keras_home / "x.bin").exists()
    import hashlib
    good = hashlib.sha256(payload).hexdigest()
    assert open(datasets.get_file("x.bin", origin="u", file_hash=good), "rb").read() == payload


def test_corrupt_npz_is_an_error(keras_home):
    (keras_home / "mnist.npz").write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(datasets.CorruptDatasetError, match="truncated or not a valid"):
        datasets.mnist.load_data()
    np.savez(keras_home / "mnist.npz", x_train=np.zeros((2, 28, 28), np.uint8), y_train=np.zeros(3, np.uint8),
             x_test=np.zeros((1, 28, 28), np.uint8), y_test=np.zeros(1, np.uint8))
    with pytest.raises(datasets.CorruptDatasetError, match="lengths disagree"):
        datasets.mnist.load_data()


def test_mnist_tiny_file_in_keras_layout(keras_home):
    x = np.arange(3 * 28 * 28, dtype=np.uint8).reshape(3, 28, 28)
    np.savez(keras_home / "mnist.npz", x_train=x, y_train=np.array([5, 0, 4], np.uint8), x_test=x[:1],
             y_test=np.array([7], np.uint8))
    (x_train, y_train), (x_test, y_test) = datasets.mnist.load_data()
    np.testing.assert_array_equal(x_train, x)
    assert y_train.tolist() == [5, 0, 4] and x_test.shape == (1, 28, 28) and y_test.dtype == np.uint8


def link_shared(keras_home, name):
    src = os.path.join(SHARED, name)
    if not os.path.exists(src):
        pytest.skip(f"{src} is not on this machine")
    os.symlink(src, keras_home / name)


def test_real_mnist(keras_home):
    link_shared(keras_home, "mnist.npz")
    (x_train, y_train), (x_test, y_test) = datasets.mnist.load_data()
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28) and x_train.dtype == np.uint8
    assert y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert y_test[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert abs(x_train.mean() - 33.318) < 1e-3


def test_real_fashion_mnist(keras_home):
    link_shared(keras_home, "fashion-mnist")
    (x_train, y_train), (x_test, y_test) = datasets.fashion_mnist.load_data()
    assert x_train.shape == (60000, 28, 28) and y_test.shape == (10000,) and x_test.dtype == np.uint8
    assert y_train[:10].tolist() == [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]


def test_fashion_mnist_truncated_file(keras_home):
    d = keras_home / "fashion-mnist"
    d.mkdir()
    labels = (0x801).to_bytes(4, "big") + (2).to_bytes(4, "big") + b"\x01\x02"
    images = (0x803).to_bytes(4, "big") + (2).to_bytes(4, "big") + bytes(16 - 8) + bytes(2 * 784 - 5)
    for prefix in ("train", "t10k"):
        (d / f"{prefix}-labels-idx1-ubyte.gz").write_bytes(gzip.compress(labels))
        (d / f"{prefix}-images-idx3-ubyte.gz").write_bytes(gzip.compress(images))
    with pytest.raises(datasets.CorruptDatasetError, match="header says 2 items"):
        datasets.fashion_mnist.load_data()


def test_real_boston_housing_split_matches_keras(keras_home):
    link_shared(keras_home, "boston_housing.npz")
    (x_train, y_train), (x_test, y_test) = datasets.boston_housing.load_data()
    assert x_train.shape == (404, 13) and x_test.shape == (102, 13) and x_train.dtype == np.float64
    np.testing.assert_allclose(y_train[:10], [15.2, 42.3, 50, 21.1, 17.7, 18.5, 11.3, 15.6, 15.6, 14.4])
    np.testing.assert_allclose(y_test[:5], [7.2, 18.8, 19, 27, 22.2])


def write_cifar(root, name, files, label_key, n):
    d = root / name
    d.mkdir()
    for fname in files:
        data = np.arange(n * 3072, dtype=np.int64).reshape(n, 3072) % 256
        batch = {b"data": data.astype(np.uint8), label_key.encode(): [i % 10 for i in range(n)]}
        with open(d / fname, "wb") as f:
            pickle.dump(batch, f)


def test_cifar10_layout(keras_home):
    files = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
    write_cifar(keras_home, "cifar-10-batches-py", files, "labels", 20)  # real files hold 10000 per batch
    (x_train, y_train), (x_test, y_test) = datasets.cifar10.load_data()
    assert x_train.shape == (100, 32, 32, 3) and y_train.shape == (100, 1) and y_train.dtype == np.uint8
    assert x_test.shape == (20, 32, 32, 3) and y_test.shape == (20, 1) and x_train.dtype == np.uint8
    assert y_train[18:22].ravel().tolist() == [8, 9, 0, 1]
    # channel-major rows become channels-last: pixel (0, 0) takes bytes 0, 1024, 2048 of the row
    assert x_train[0, 0, 0].tolist() == [0, 1024 % 256, 2048 % 256]


def test_cifar100_label_modes_and_tarball(keras_home):
    staging = keras_home.parent / "staging"
    staging.mkdir()
    write_cifar(staging, "cifar-100-python", ["train", "test"], "fine_labels", 4)
    for fname in ("train", "test"):  # add coarse labels to the same files
        p = staging / "cifar-100-python" / fname
        d = pickle.loads(p.read_bytes())
        d[b"coarse_labels"] = [9, 9, 9, 9]
        p.write_bytes(pickle.dumps(d))
    with tarfile.open(keras_home / "cifar-100-python.tar.gz", "w:gz") as tar:
        tar.add(staging / "cifar-100-python", arcname="cifar-100-python")
    (x_train, y_train), (x_test, y_test) = datasets.cifar100.load_data(label_mode="coarse")
    assert x_train.shape == (4, 32, 32, 3) and y_train.tolist() == [[9]] * 4
    assert datasets.cifar100.load_data()[0][1].ravel().tolist() == [0, 1, 2, 3]
    with pytest.raises(ValueError, match="label_mode"):
        datasets.cifar100.load_data(label_mode="medium")


def keras_imdb_reference(x_train, y_train, x_test, y_test, num_words, skip_top, maxlen, seed, start_char, oov_char,
                         index_from):
    """Keras's imdb.load_data steps, written out independently for the test."""
    rng = np.random.RandomState(seed)
    i = np.arange(len(x_train))
    rng.shuffle(i)
    x_train, y_train = x_train[i], y_train[i]
    i = np.arange(len(x_test))
    rng.shuffle(i)
    x_test, y_test = x_test[i], y_test[i]
    tr = [[start_char] + [w + index_from for w in x] for x in x_train]
    te = [[start_char] + [w + index_from for w in x] for x in x_test]
    ytr, yte = list(y_train), list(y_test)
    if maxlen:
        keep = [k for k, x in enumerate(tr) if len(x) < maxlen]
        tr, ytr = [tr[k] for k in keep], [ytr[k] for k in keep]
        keep = [k for k, x in enumerate(te) if len(x) < maxlen]
        te, yte = [te[k] for k in keep], [yte[k] for k in keep]
    xs = [[w if skip_top <= w < num_words else oov_char for w in x] for x in tr + te]
    return xs[:len(tr)], ytr, xs[len(tr):], yte


def ragged(rows):
    out = np.empty(len(rows), dtype=object)
    out[:] = rows
    return out


def test_imdb_processing_matches_keras_steps(keras_home):
    rng = np.random.default_rng(0)
    rows = [list(rng.integers(1, 30, rng.integers(1, 8))) for _ in range(12)]
    x_train, x_test = ragged(rows[:6]), ragged(rows[6:])
    y_train, y_test = np.arange(6) % 2, np.arange(6) % 2
    np.savez(keras_home / "imdb.npz", x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    (a, b), (c, d) = datasets.imdb.load_data(num_words=20, skip_top=4, maxlen=7)
    ra, rb, rc, rd = keras_imdb_reference(x_train, y_train, x_test, y_test, 20, 4, 7, 113, 1, 2, 3)
    assert [list(x) for x in a] == ra and b.tolist() == rb and [list(x) for x in c] == rc and d.tolist() == rd
    assert a.dtype == object
    (keras_home / "imdb_word_index.json").write_text(json.dumps({"the": 1, "movie": 2}))
    assert datasets.imdb.get_word_index()["movie"] == 2


def test_reuters_split(keras_home):
    rows = [[i + 1] * (i % 4 + 1) for i in range(10)]
    np.savez(keras_home / "reuters.npz", x=ragged(rows), y=np.arange(10))
    (a, b), (c, d) = datasets.reuters.load_data(num_words=100, test_split=0.2)
    assert len(a) == 8 and len(c) == 2 and sorted(b.tolist() + d.tolist()) == list(range(10))
    i = np.arange(10)
    np.random.RandomState(113).shuffle(i)
    assert b.tolist() == i[:8].tolist()
    assert list(a[0]) == [1] + [w + 3 for w in rows[i[0]]]


def test_seed_chapter_pipeline_with_mnist_sample(keras_home):
    sample = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "data", "mnist_sample.npz")
    os.symlink(os.path.abspath(sample), keras_home / "mnist.npz")
    (x_train, y_train), (x_test, y_test) = datasets.mnist.load_data()
    assert x_train.shape == (4000, 28, 28) and x_test.shape == (1000, 28, 28)
    assert y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    x_train = (x_train / 255.0)[..., tf.newaxis]
    train_ds = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(10000).batch(32)
    assert len(train_ds) == 125
    images, labels = next(iter(train_ds))
    assert tuple(images.shape) == (32, 28, 28, 1) and images.dtype == tf.float64
