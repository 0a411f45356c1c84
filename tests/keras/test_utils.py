"""keras.utils: pad_sequences (against real Keras 3), get_file (file:// origins, the cache, hashes, archives,
path-traversal protection, offline errors), to_categorical, normalize, set_random_seed."""
import hashlib
import io
import os
import tarfile
import zipfile

import numpy as np
import pytest

import pytensor as pt
from pytensor import keras
from keras3_reference import reference

RAGGED = [[1, 2, 3, 4, 5], [6], [], [7, 8, 9]]


# ---- pad_sequences ----
@pytest.mark.parametrize("padding", ["pre", "post"])
@pytest.mark.parametrize("truncating", ["pre", "post"])
def test_pad_sequences_matches_keras(padding, truncating):
    out = keras.utils.pad_sequences(RAGGED, maxlen=3, padding=padding, truncating=truncating, value=-1)
    expected = reference()[f"pad/{padding}_{truncating}"]
    assert out.dtype == expected.dtype
    np.testing.assert_array_equal(out, expected)


def test_pad_sequences_defaults_float_and_vector_elements_match_keras():
    np.testing.assert_array_equal(keras.preprocessing.sequence.pad_sequences(RAGGED), reference()["pad/default"])
    out = keras.utils.pad_sequences([[0.5, 1.5], [2.5]], dtype="float32", value=0.25)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, reference()["pad/float"])
    vectors = keras.utils.pad_sequences([np.ones((2, 3)), np.full((4, 3), 2.0)], maxlen=3, dtype="float32")
    np.testing.assert_array_equal(vectors, reference()["pad/vectors"])


def test_pad_sequences_text_and_bad_arguments():
    words = keras.utils.pad_sequences([["a", "b"], ["c"]], dtype=object, value="<pad>")
    assert words.tolist() == [["a", "b"], ["<pad>", "c"]]
    assert keras.utils.pad_sequences(RAGGED, maxlen=0).shape == (4, 0)
    with pytest.raises(ValueError, match='padding type "middle"'):
        keras.utils.pad_sequences(RAGGED, padding="middle")
    with pytest.raises(ValueError, match="element 1"):
        keras.utils.pad_sequences([[1], 5])
    with pytest.raises(ValueError, match="string padding value"):
        keras.utils.pad_sequences(RAGGED, value="x")
    with pytest.raises(ValueError, match=r"sequence 1 have shape \(2,\)"):
        keras.utils.pad_sequences([np.ones((2, 3)), np.ones((2, 2))])


# ---- get_file ----
@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    home = tmp_path / "keras_home"
    monkeypatch.setenv("KERAS_HOME", str(home))
    return home


def _serve(tmp_path, name, data):
    path = tmp_path / "server" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    return path.as_uri()


def test_get_file_downloads_into_the_keras_cache_once(tmp_path, keras_home, capsys):
    origin = _serve(tmp_path, "data.txt", b"hello")
    path = keras.utils.get_file(origin=origin)
    assert path == str(keras_home / "datasets" / "data.txt") and open(path, "rb").read() == b"hello"
    assert "Downloading data from" in capsys.readouterr().out
    (tmp_path / "server" / "data.txt").write_bytes(b"changed")
    assert open(keras.utils.get_file(origin=origin), "rb").read() == b"hello"  # cached: not downloaded again
    assert "Downloading" not in capsys.readouterr().out
    forced = keras.utils.get_file("other.txt", origin, cache_subdir="models", force_download=True)
    assert forced == str(keras_home / "models" / "other.txt") and open(forced, "rb").read() == b"changed"
    custom = keras.utils.get_file(origin=origin, cache_dir=str(tmp_path / "elsewhere"))
    assert custom == str(tmp_path / "elsewhere" / "datasets" / "data.txt")


def test_get_file_checks_hashes(tmp_path, keras_home):
    origin = _serve(tmp_path, "weights.bin", b"\x00\x01\x02")
    sha = hashlib.sha256(b"\x00\x01\x02").hexdigest()
    md5 = hashlib.md5(b"\x00\x01\x02").hexdigest()
    assert os.path.exists(keras.utils.get_file(origin=origin, file_hash=sha))
    assert os.path.exists(keras.utils.get_file(origin=origin, md5_hash=md5))
    cached = keras_home / "datasets" / "weights.bin"
    cached.write_bytes(b"corrupt")  # a stale cached copy is downloaded again
    assert keras.utils.get_file(origin=origin, file_hash=sha) == str(cached) and cached.read_bytes() == b"\x00\x01\x02"
    with pytest.raises(ValueError, match="corrupted.*does not match"):
        keras.utils.get_file("bad.bin", origin, file_hash="0" * 64)


def _tar_bytes(members):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _zip_bytes(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("name,make", [("corpus.tar.gz", _tar_bytes), ("corpus.zip", _zip_bytes)])
def test_get_file_extracts_archives(tmp_path, keras_home, name, make):
    origin = _serve(tmp_path, name, make({"corpus/a.txt": b"A", "corpus/sub/b.txt": b"B"}))
    target = keras.utils.get_file(name, origin=origin, extract=True)
    assert target == str(keras_home / "datasets" / "corpus_extracted")
    assert open(os.path.join(target, "corpus", "sub", "b.txt"), "rb").read() == b"B"
    unnamed = keras.utils.get_file(origin=origin, extract=True, cache_subdir="x")
    assert unnamed == str(keras_home / "x" / name) and os.path.isdir(unnamed)
    assert os.path.exists(str(keras_home / "x" / f"{name}_archive"))


def test_get_file_untar_and_non_archives(tmp_path, keras_home):
    origin = _serve(tmp_path, "t.tar.gz", _tar_bytes({"t/x.txt": b"x"}))
    target = keras.utils.get_file("t.tar.gz", origin, untar=True)
    assert os.path.exists(os.path.join(target, "t", "x.txt"))
    plain = _serve(tmp_path, "plain.txt", b"not an archive")
    with pytest.warns(UserWarning, match="could not extract"):
        keras.utils.get_file("plain.txt", plain, extract=True)


@pytest.mark.parametrize("make", [_tar_bytes, _zip_bytes])
def test_get_file_extraction_skips_members_escaping_the_target(tmp_path, keras_home, make):
    origin = _serve(tmp_path, "evil.archive", make({"../escaped.txt": b"evil", "ok.txt": b"fine"}))
    with pytest.warns(UserWarning, match="outside"):
        target = keras.utils.get_file("evil.archive", origin, extract=True)
    assert open(os.path.join(target, "ok.txt"), "rb").read() == b"fine"
    assert not (keras_home / "datasets" / "escaped.txt").exists()


def test_get_file_skips_symlinks_pointing_outside(tmp_path, keras_home):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        link = tarfile.TarInfo("link")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        archive.addfile(link)
    origin = _serve(tmp_path, "links.tar", buffer.getvalue())
    with pytest.warns(UserWarning, match="outside"):
        target = keras.utils.get_file("links.tar", origin, extract=True)
    assert not os.path.lexists(os.path.join(target, "link"))


def test_get_file_offline_error_names_url_and_where_to_put_the_file(tmp_path, keras_home):
    missing = (tmp_path / "nowhere" / "mnist.npz").as_uri()
    with pytest.raises(Exception, match=r"URL fetch failure on file://.*mnist.npz.*place it at .*datasets"):
        keras.utils.get_file(origin=missing)
    assert not (keras_home / "datasets" / "mnist.npz").exists()


def test_get_file_bad_arguments(keras_home):
    with pytest.raises(ValueError, match="origin"):
        keras.utils.get_file("x.txt")
    with pytest.raises(ValueError, match="not a path"):
        keras.utils.get_file("dir/x.txt", "file:///tmp/x.txt")


# ---- to_categorical, normalize, set_random_seed ----
def test_to_categorical_and_normalize_against_numpy():
    labels = np.array([[2], [0], [1]])
    np.testing.assert_array_equal(keras.utils.to_categorical(labels, 4), np.eye(4, dtype=np.float32)[[2, 0, 1]])
    x = np.array([[3.0, 4.0], [0.0, 0.0]])
    np.testing.assert_allclose(keras.utils.normalize(x), [[0.6, 0.8], [0.0, 0.0]])
    np.testing.assert_allclose(keras.utils.normalize(x, axis=0, order=1), [[1.0, 1.0], [0.0, 0.0]])


def test_set_random_seed_repeats_weights_and_numpy():
    keras.utils.set_random_seed(11)
    first = (keras.layers.Dense(3)(pt.ones((1, 2))).numpy(), np.random.rand())
    keras.utils.set_random_seed(11)
    second = (keras.layers.Dense(3)(pt.ones((1, 2))).numpy(), np.random.rand())
    np.testing.assert_array_equal(first[0], second[0])
    assert first[1] == second[1]
