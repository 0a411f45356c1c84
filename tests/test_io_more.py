"""tf.io serialization, base64, CSV, compressed strings and tf.io.gfile; serialized bytes and parsed values
against TF 2.21's (tests/fixtures/make_io_more.py and make_image_boxes.py recorded them)."""
import base64
import gzip
import json
import os
import zlib

import numpy as np
import pytest

import pytensor as tf

HERE = os.path.join(os.path.dirname(__file__), "fixtures")
with open(os.path.join(HERE, "io_more.json")) as f:
    TF = json.load(f)
WORDS = np.load(os.path.join(HERE, "image_boxes.npz"), allow_pickle=True)

TENSORS = {"f32": np.arange(6, dtype=np.float32).reshape(2, 3) / 3, "i64_scalar": np.int64(-7),
           "i32": np.array([1, -2, 3], np.int32), "bool": np.array([[True, False]]), "f64": np.array([0.5, -1e300]),
           "u8": np.array([0, 255, 7], np.uint8), "str": np.array([b"ab", b"", b"\xff\x00z"], object),
           "empty": np.zeros((0, 2), np.float32)}
TYPES = {"f32": tf.float32, "i64_scalar": tf.int64, "i32": tf.int32, "bool": tf.bool, "f64": tf.float64,
         "u8": tf.uint8, "str": tf.string, "empty": tf.float32}


@pytest.mark.parametrize("key", sorted(TENSORS))
def test_serialize_tensor_bytes_equal_tf(key):
    value = TENSORS[key]
    tensor = tf.constant(value) if value.dtype != object else tf.constant(list(value))
    assert tf.io.serialize_tensor(tensor).numpy() == base64.b64decode(TF["serialized"][key])
    parsed = tf.io.parse_tensor(base64.b64decode(TF["serialized"][key]), TYPES[key]).numpy()
    assert np.shape(parsed) == np.shape(value)
    np.testing.assert_array_equal(np.asarray(parsed), value)


def test_parse_tensor_wrong_type():
    with pytest.raises(tf.errors.InvalidArgumentError, match="float32.*out_type is int32|int32"):
        tf.io.parse_tensor(base64.b64decode(TF["serialized"]["f32"]), tf.int32)
    with pytest.raises(tf.errors.InvalidArgumentError, match="parse"):
        tf.io.parse_tensor(b"\xff\xff\xff", tf.float32)


def test_sparse_serialization_equals_tf():
    sp = tf.sparse.SparseTensor([[0, 1], [2, 0]], [1.5, -2.0], [3, 4])
    assert [base64.b64encode(v).decode() for v in tf.io.serialize_sparse(sp).numpy()] == TF["serialize_sparse"]
    batch = tf.sparse.SparseTensor([[0, 0, 1], [0, 1, 0], [2, 0, 3]], tf.constant([1, 2, 3], tf.int32), [3, 2, 4])
    many = tf.io.serialize_many_sparse(batch)
    assert [[base64.b64encode(v).decode() for v in row] for row in many.numpy()] == TF["serialize_many_sparse"]
    back = tf.io.deserialize_many_sparse(many, tf.int32)
    assert [back.indices.numpy().tolist(), back.values.numpy().tolist(), back.dense_shape.numpy().tolist()] == \
        TF["deserialized"]


def test_base64_equals_tf():
    words = WORDS["words"]
    np.testing.assert_array_equal(tf.io.encode_base64(words).numpy(), WORDS["b64"])
    np.testing.assert_array_equal(tf.io.encode_base64(words, pad=True).numpy(), WORDS["b64_pad"])
    np.testing.assert_array_equal(tf.io.decode_base64(WORDS["b64"]).numpy(), words)
    np.testing.assert_array_equal(tf.io.decode_base64(WORDS["b64_pad"]).numpy(), words)
    with pytest.raises(tf.errors.InvalidArgumentError, match="decode_base64"):
        tf.io.decode_base64([b"a"])


def test_decode_csv_equals_tf():
    records = ['1,2.5,"hi, there",7', '3,,"a ""quoted"" word",', '5,1e3,plain,9']
    cols = tf.io.decode_csv(records, [[0], [-1.0], [""], tf.constant([42], tf.int64)])
    assert [c.dtype for c in cols] == [tf.int32, tf.float32, tf.string, tf.int64]
    got = [c.numpy().tolist() if c.dtype != tf.string else [v.decode() for v in c.numpy()] for c in cols]
    assert got == TF["csv"]
    cols = tf.io.decode_csv(["a|1|x", "b|2|y"], [[""], [0.0]], field_delim="|", select_cols=[0, 1])
    assert [[v.decode() for v in cols[0].numpy()], cols[1].numpy().tolist()] == TF["csv_select"]
    assert [c.numpy().tolist() for c in tf.io.decode_csv(["1,NA", "NA,4"], [[0], [0]], na_value="NA")] == \
        TF["csv_na"]


def test_decode_csv_bad_records():
    with pytest.raises(tf.errors.InvalidArgumentError, match="expected 2 fields"):
        tf.io.decode_csv(["1,2,3"], [[0], [0]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="required"):
        tf.io.decode_csv(["1,"], [[0], tf.constant([], tf.int32)])
    with pytest.raises(tf.errors.InvalidArgumentError, match="not a valid int32"):
        tf.io.decode_csv(["x,1"], [[0], [0]])


def test_decode_compressed_round_trips():
    data = [b"hello " * 50, b""]
    zipped = np.array([zlib.compress(d) for d in data], object)
    gzipped = np.array([gzip.compress(d) for d in data], object)
    np.testing.assert_array_equal(tf.io.decode_compressed(zipped, "ZLIB").numpy(), np.array(data, object))
    np.testing.assert_array_equal(tf.io.decode_compressed(gzipped, "GZIP").numpy(), np.array(data, object))
    with pytest.raises(tf.errors.InvalidArgumentError, match="ZLIB"):
        tf.io.decode_compressed([b"not zlib"], "ZLIB")


def test_matching_files_and_write_graph(tmp_path):
    for name in ("b.txt", "a.txt", "c.csv"):
        (tmp_path / name).write_text(name)
    found = tf.io.matching_files(str(tmp_path / "*.txt")).numpy()
    assert [os.path.basename(p.decode()) for p in found] == ["a.txt", "b.txt"]

    @tf.function
    def double(x):
        return x * 2.0

    concrete = double.get_concrete_function(tf.TensorSpec([3], tf.float32))
    path = tf.io.write_graph(concrete, str(tmp_path / "graphs"), "double.pbtxt")
    text = open(path).read()
    assert text == concrete.graph.pretty_printed()
    assert "mul" in text.lower()
    with pytest.raises(TypeError, match="as_text=False"):
        tf.io.write_graph(concrete, str(tmp_path), "g.pb", as_text=False)


def test_gfile(tmp_path):
    gfile = tf.io.gfile
    root = gfile.join(str(tmp_path), "data")
    gfile.makedirs(gfile.join(root, "sub", "deeper"))
    assert gfile.isdir(root) and gfile.exists(gfile.join(root, "sub"))
    path = gfile.join(root, "notes.txt")
    with gfile.GFile(path, "w") as f:
        f.write("line one\nline two\n")
    with gfile.GFile(path) as f:
        assert f.readline() == "line one\n" and f.read() == "line two\n"
    with gfile.GFile(path, "rb") as f:
        assert f.read(4) == b"line" and f.tell() == 4
        assert f.size() == 18
    assert list(gfile.GFile(path)) == ["line one\n", "line two\n"]
    assert gfile.stat(path).length == 18 and not gfile.stat(path).is_directory
    assert sorted(gfile.listdir(root)) == ["notes.txt", "sub"]
    assert gfile.glob(gfile.join(root, "*.txt")) == [path]
    gfile.copy(path, gfile.join(root, "copy.txt"))
    with pytest.raises(Exception, match="already exists"):
        gfile.copy(path, gfile.join(root, "copy.txt"))
    gfile.rename(gfile.join(root, "copy.txt"), gfile.join(root, "sub", "moved.txt"))
    walked = {os.path.relpath(d, root): sorted(files) for d, _, files in gfile.walk(root)}
    assert walked == {".": ["notes.txt"], "sub": ["moved.txt"], os.path.join("sub", "deeper"): []}
    assert gfile.split(path) == (root, "notes.txt")
    gfile.remove(path)
    with pytest.raises(Exception, match="No such file"):
        gfile.GFile(path).read()
    with pytest.raises(Exception, match="already exists"):
        gfile.mkdir(gfile.join(root, "sub"))
    gfile.rmtree(root)
    assert not gfile.exists(root)


def test_decode_json_example_matches_tf():
    decoded = tf.io.decode_json_example(TF["json_examples"]).numpy()
    theirs = [tf.train.Example.FromString(base64.b64decode(v)) for v in TF["json_decoded"]]
    # TF writes the lists unpacked, pytensor packed: the same Examples either way (entry 1 holds a NaN)
    for k in (0, 2, 3):
        assert tf.train.Example.FromString(decoded[k]) == theirs[k]
    np.testing.assert_array_equal(theirs[1].features.feature["b"].float_list.value,
                                  tf.train.Example.FromString(decoded[1]).features.feature["b"].float_list.value)
    values = tf.train.Example.FromString(decoded[1]).features.feature["b"].float_list.value
    assert values[:2] == [1.5, -2.0] and np.isnan(values[2])
    assert decoded[3] == b"" == base64.b64decode(TF["json_decoded"][3])
    with pytest.raises(tf.errors.InvalidArgumentError, match="no such field"):
        tf.io.decode_json_example(['{"nope": 1}'])


def test_sparse_and_ragged_features_match_tf():
    records = [base64.b64decode(r) for r in TF["records"]]
    specs = {"sp": tf.io.SparseFeature("ix", "val", tf.float32, 6), "rg": tf.io.RaggedFeature(tf.string, "tok"),
             "rg64": tf.io.RaggedFeature(tf.int64, "n", row_splits_dtype=tf.int64)}
    parsed = tf.io.parse_example(records, specs)
    assert [parsed["sp"].indices.numpy().tolist(), parsed["sp"].values.numpy().tolist(),
            parsed["sp"].dense_shape.numpy().tolist()] == TF["parsed_sparse"]
    assert [[v.decode() for v in row] for row in parsed["rg"].to_list()] == TF["parsed_ragged"]
    assert parsed["rg64"].to_list() == TF["parsed_ragged64"]
    assert parsed["rg64"].row_splits.dtype.name == TF["ragged_splits_dtype"][1]  # int64 (int32 splits: not built)
    single = tf.io.parse_single_example(records[0], specs)
    assert [single["sp"].indices.numpy().tolist(), single["sp"].values.numpy().tolist(),
            single["sp"].dense_shape.numpy().tolist()] == TF["single_sparse"]
    assert [v.decode() for v in single["rg"].numpy()] == TF["single_ragged"]
    with pytest.raises(tf.errors.InvalidArgumentError, match="out of range"):
        tf.io.parse_example(records, {"sp": tf.io.SparseFeature("ix", "val", tf.float32, 4)})
    with pytest.raises(NotImplementedError, match="partitions"):
        tf.io.RaggedFeature(tf.int64, "n", partitions=[object()])
