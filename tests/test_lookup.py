"""tf.lookup tables and tf.fingerprint against real TensorFlow's recorded results (fixtures/make_tf_modules.py)."""

import json
import os
import threading

import numpy as np
import pytest

import pytensor as tf

with open(os.path.join(os.path.dirname(__file__), "fixtures", "tf_modules.json")) as f:
    REC = json.load(f)["results"]


def plain(t):
    a = t.numpy() if hasattr(t, "numpy") else t
    if isinstance(a, bytes):
        return a.decode()
    a = np.asarray(a)
    return [plain(v) for v in a] if a.dtype == object and a.ndim else a.tolist()


@pytest.mark.parametrize("name,data", [
    ("fingerprint_int32", [[1, 2], [3, 4]]), ("fingerprint_float32", np.array([1.5, 2.0], np.float32)),
    ("fingerprint_int64_3d", np.arange(12, dtype=np.int64).reshape(2, 3, 2)),
    ("fingerprint_strings", ["a", "bc", "", "a much longer string of text"]),
    ("fingerprint_string_rows", [["a", "b"], ["ab", ""]])])
def test_fingerprint(name, data):
    out = tf.fingerprint(tf.constant(data))
    assert out.dtype == tf.uint8 and plain(out) == REC[name]


def test_fingerprint_inside_tf_function_runs_per_call():
    @tf.function
    def fp(x):
        return tf.fingerprint(x)

    assert plain(fp(tf.constant([[1, 2], [3, 4]]))) == REC["fingerprint_int32"]
    assert plain(fp(tf.constant([[3, 4], [1, 2]]))) == REC["fingerprint_int32"][::-1]  # same graph, new values


def test_fingerprint_bad_input():
    with pytest.raises(ValueError, match="rank >= 1"):
        tf.fingerprint(tf.constant(3))
    with pytest.raises(ValueError, match="farmhash64"):
        tf.fingerprint(tf.constant([3]), method="md5")


def _fruit():
    return tf.lookup.KeyValueTensorInitializer(["apple", "banana", "cherry"], tf.constant([0, 1, 2], tf.int64))


def test_static_hash_table():
    table = tf.lookup.StaticHashTable(_fruit(), default_value=-1)
    assert plain(table.lookup(tf.constant(["banana", "durian", "apple", "fig"]))) == REC["static_lookup"]
    assert plain(table[tf.constant([["cherry", "x"], ["apple", "banana"]])]) == REC["static_lookup_2d"]
    assert int(table.size()) == REC["static_size"]
    keys, values = table.export()
    assert sorted(zip(plain(keys), plain(values))) == [tuple(p) for p in REC["static_export"]]
    assert table.key_dtype == tf.string and table.value_dtype == tf.int64 and int(table.default_value) == -1


def test_static_int_keys_float_values():
    table = tf.lookup.StaticHashTable(tf.lookup.KeyValueTensorInitializer([3, 7, 11], [0.5, 1.5, 2.5]), -1.0)
    assert [table.key_dtype.name, table.value_dtype.name] == REC["static_int_float_dtypes"]
    assert plain(table.lookup(tf.constant([7, 4, 11, 3]))) == REC["static_int_float"]
    with pytest.raises(TypeError, match="keys must be .*int32, got .*int64"):  # TF: keys must have the table's dtype
        table.lookup(tf.constant([7], tf.int64))


def test_lookup_keeps_sparse_and_ragged_structure():
    table = tf.lookup.StaticHashTable(_fruit(), -1)
    sp = tf.sparse.SparseTensor([[0, 0], [1, 2]], tf.constant(["cherry", "nope"]), [2, 3])
    out = table.lookup(sp)
    assert plain(out.values) == [2, -1] and out.indices.numpy().tolist() == [[0, 0], [1, 2]]
    rt = tf.ragged.constant([["apple"], ["banana", "x", "cherry"]])
    assert table.lookup(rt).to_list() == [[0], [1, -1, 2]]


def test_static_vocabulary_table_oov_buckets_are_tfs():
    vocab = tf.lookup.StaticVocabularyTable(_fruit(), num_oov_buckets=5)
    query = tf.constant(["apple", "zebra", "cherry", "kiwi", "mango", "", "banana"])
    assert plain(vocab.lookup(query)) == REC["vocab_lookup"]
    assert int(vocab.size()) == REC["vocab_size"]
    ints = tf.lookup.StaticVocabularyTable(tf.lookup.KeyValueTensorInitializer(
        tf.constant([10, 20], tf.int64), tf.constant([0, 1], tf.int64)), 7)
    assert plain(ints.lookup(tf.constant([20, 5, 10, 123456789, -3], tf.int64))) == REC["vocab_int_lookup"]
    with pytest.raises(ValueError, match="num_oov_buckets must be > 0"):
        tf.lookup.StaticVocabularyTable(_fruit(), 0)
    with pytest.raises(TypeError, match="expected int64"):
        tf.lookup.StaticVocabularyTable(tf.lookup.KeyValueTensorInitializer(["a"], [0]), 2)


def test_vocabulary_table_inside_tf_function_runs_per_call():
    vocab = tf.lookup.StaticVocabularyTable(_fruit(), num_oov_buckets=5)

    @tf.function
    def ids(x):
        return vocab.lookup(x) * 1

    assert [plain(ids(tf.constant(["zebra", "apple"]))), plain(ids(tf.constant(["kiwi", "banana"])))] \
        == REC["vocab_traced"]
    for query in (["apple"], ["zebra"], ["cherry"], ["kiwi"], ["banana"]):  # freed arguments' ids are reused
        assert plain(ids(tf.constant(query))) == plain(vocab.lookup(tf.constant(query)))
    ints = tf.lookup.StaticVocabularyTable(tf.lookup.KeyValueTensorInitializer(
        tf.constant([10, 20], tf.int64), tf.constant([0, 1], tf.int64)), 7)
    traces = []

    @tf.function
    def int_ids(x):
        traces.append(1)
        return ints.lookup(x) + 0

    expected = REC["vocab_int_lookup"]  # for keys [20, 5, 10, 123456789, -3]
    assert plain(int_ids(tf.constant([20, 5], tf.int64))) == expected[:2]
    assert plain(int_ids(tf.constant([10, 123456789], tf.int64))) == expected[2:4]  # same graph, new keys
    assert len(traces) == 1


def _write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return str(path)


def test_text_file_initializer(tmp_path):
    path = _write(tmp_path / "vocab.txt", "emerson\t10\nlake\t20\npalmer\t30\n")
    index = tf.lookup.TextFileIndex
    whole = tf.lookup.StaticHashTable(tf.lookup.TextFileInitializer(
        path, tf.string, index.WHOLE_LINE, tf.int64, index.LINE_NUMBER), -1)
    assert plain(whole.lookup(tf.constant(["lake\t20", "emerson\t10", "lake"]))) == REC["textfile_whole_line"]
    cols = tf.lookup.StaticHashTable(tf.lookup.TextFileInitializer(path, tf.string, 0, tf.int64, 1), -1)
    assert plain(cols.lookup(tf.constant(["palmer", "lake", "x"]))) == REC["textfile_columns"]
    rev = tf.lookup.StaticHashTable(tf.lookup.TextFileInitializer(
        path, tf.int64, index.LINE_NUMBER, tf.string, 0, vocab_size=2), "UNK")
    assert plain(rev.lookup(tf.constant([0, 1, 2], tf.int64))) == REC["textfile_line_number_vocab_size"]
    off = tf.lookup.StaticHashTable(tf.lookup.TextFileInitializer(
        path, tf.string, 0, tf.int64, index.LINE_NUMBER, value_index_offset=5), -1)
    assert plain(off.lookup(tf.constant(["lake", "palmer"]))) == REC["textfile_offset"]
    abc = _write(tmp_path / "abc.txt", "a\nb\nc\n")
    vocab = tf.lookup.StaticVocabularyTable(tf.lookup.TextFileInitializer(
        abc, tf.string, index.WHOLE_LINE, tf.int64, index.LINE_NUMBER), 3)
    assert plain(vocab.lookup(tf.constant(["c", "a", "z", "y", "b"]))) == REC["textfile_vocab"]
    with pytest.raises(tf.errors.InvalidArgumentError, match="number of columns"):
        tf.lookup.StaticHashTable(tf.lookup.TextFileInitializer(path, tf.string, 0, tf.int64, 4), -1)
    with pytest.raises(tf.errors.InvalidArgumentError, match="vocab_size"):
        tf.lookup.StaticHashTable(tf.lookup.TextFileInitializer(
            path, tf.string, 0, tf.int64, index.LINE_NUMBER, vocab_size=9), -1)
    with pytest.raises(tf.errors.NotFoundError):
        tf.lookup.TextFileInitializer(str(tmp_path / "none.txt"), tf.string, 0, tf.int64, 1)._pairs()


def test_duplicate_keys_with_different_values_fail():
    with pytest.raises(tf.errors.FailedPreconditionError, match="different values"):
        tf.lookup.StaticHashTable(tf.lookup.KeyValueTensorInitializer(["a", "a"], [1, 2]), -1)
    with pytest.raises(ValueError, match="one value per key"):
        tf.lookup.KeyValueTensorInitializer(["a", "b"], [1])


def test_mutable_hash_table():
    m = tf.lookup.experimental.MutableHashTable(tf.string, tf.int64, default_value=-1)
    m.insert(tf.constant(["a", "b", "c"]), tf.constant([1, 2, 3], tf.int64))
    m.insert(tf.constant(["b"]), tf.constant([20], tf.int64))
    m.remove(tf.constant(["c", "zz"]))
    assert plain(m.lookup(tf.constant(["a", "b", "c", "d"]))) == REC["mutable_lookup"]
    assert int(m.size()) == REC["mutable_size"]
    keys, values = m.export()
    assert sorted(zip(plain(keys), plain(values))) == [tuple(p) for p in REC["mutable_export"]]
    vec = tf.lookup.experimental.MutableHashTable(tf.int64, tf.float32, default_value=[0.0, -1.0])
    vec.insert(tf.constant([5, 6], tf.int64), tf.constant([[1.0, 2.0], [3.0, 4.0]]))
    assert plain(vec.lookup(tf.constant([6, 7, 5], tf.int64))) == REC["mutable_vector"]
    dyn = vec.lookup(tf.constant([7, 5], tf.int64), dynamic_default_values=tf.constant([[9.0, 9.0], [8.0, 8.0]]))
    assert plain(dyn) == [[9.0, 9.0], [1.0, 2.0]]
    with pytest.raises(tf.errors.InvalidArgumentError, match="expected values of shape"):
        vec.insert(tf.constant([1], tf.int64), tf.constant([1.0]))


def test_mutable_table_updates_inside_tf_function_run_per_call():
    m = tf.lookup.experimental.MutableHashTable(tf.int64, tf.int64, default_value=0)

    @tf.function
    def add(k, v):
        m.insert(k, v)
        return m.lookup(k) + 0

    assert plain(add(tf.constant([1], tf.int64), tf.constant([10], tf.int64))) == [10]
    assert plain(add(tf.constant([2], tf.int64), tf.constant([20], tf.int64))) == [20]
    assert int(m.size()) == 2 and plain(m.lookup(tf.constant([1, 2, 3], tf.int64))) == [10, 20, 0]


def test_mutable_table_is_thread_safe():
    m = tf.lookup.experimental.MutableHashTable(tf.int64, tf.int64, default_value=-1)

    def fill(start):
        for i in range(start, start + 200):
            m.insert(tf.constant([i], tf.int64), tf.constant([2 * i], tf.int64))

    threads = [threading.Thread(target=fill, args=(s,)) for s in (0, 200, 400)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert int(m.size()) == 600
    assert plain(m.lookup(tf.constant([0, 399, 599], tf.int64))) == [0, 798, 1198]


def test_dense_hash_table():
    dense = tf.lookup.experimental.DenseHashTable(tf.int64, tf.int64, default_value=-1, empty_key=0,
                                                  deleted_key=-1)
    dense.insert(tf.constant([5, 7, 9], tf.int64), tf.constant([50, 70, 90], tf.int64))
    dense.insert_or_assign(tf.constant([7], tf.int64), tf.constant([71], tf.int64))
    dense.erase(tf.constant([9], tf.int64))
    assert plain(dense.lookup(tf.constant([5, 7, 9, 3], tf.int64))) == REC["dense_lookup"]
    assert int(dense.size()) == REC["dense_size"]
    keys, values = dense.export()
    assert [keys.shape.as_list(), values.shape.as_list()] == REC["dense_export_shapes"]
    pairs = sorted((k, v) for k, v in zip(plain(keys)[:8], plain(values)[:8]) if k[0] not in (0, -1))
    assert [[k[0], v[0]] for k, v in pairs] == REC["dense_export"]
    small = tf.lookup.experimental.DenseHashTable(tf.int64, tf.float32, -1.0, empty_key=-1, deleted_key=-2,
                                                  initial_num_buckets=4)
    small.insert(tf.constant([1, 2, 3, 4, 5], tf.int64), tf.constant([1.0, 2.0, 3.0, 4.0, 5.0]))
    assert [plain(small.lookup(tf.constant([5, 1, 9], tf.int64))), int(small.size()),
            small.export()[0].shape.as_list()] == REC["dense_grow"]
    with pytest.raises(tf.errors.InvalidArgumentError, match="empty_key"):
        dense.lookup(tf.constant([0], tf.int64))
    with pytest.raises(tf.errors.InvalidArgumentError, match="deleted_key"):
        dense.insert(tf.constant([-1], tf.int64), tf.constant([1], tf.int64))
    with pytest.raises(ValueError, match="must differ"):
        tf.lookup.experimental.DenseHashTable(tf.int64, tf.int64, 0, empty_key=3, deleted_key=3)
    with pytest.raises(tf.errors.InvalidArgumentError, match="power of 2"):
        tf.lookup.experimental.DenseHashTable(tf.int64, tf.int64, 0, 0, -1, initial_num_buckets=6)
