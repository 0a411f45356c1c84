"""tf.data.Dataset: sources, transformations, shuffle semantics, parallel map, prefetch, bad input."""

import threading
import time

import numpy as np
import pytest

import pytensor as tf
from pytensor.data import Dataset, TensorSpec


def values(ds):
    return [np.asarray(v).tolist() if not isinstance(v, tuple) else tuple(np.asarray(u).tolist() for u in v)
            for v in ds.as_numpy_iterator()]


def test_from_tensor_slices_tuple_yields_tensors():
    x = np.arange(12, dtype=np.float32).reshape(6, 2)
    y = np.arange(6)
    ds = Dataset.from_tensor_slices((x, y))
    assert len(ds) == 6
    assert ds.element_spec == (TensorSpec([2], tf.float32), TensorSpec([], tf.int64))
    first = next(iter(ds))
    assert isinstance(first[0], tf.Tensor) and first[0].numpy().tolist() == [0.0, 1.0]
    for i, (xi, yi) in enumerate(ds):  # the seeds' enumerate idiom
        np.testing.assert_array_equal(xi.numpy(), x[i])
        assert int(yi.numpy()) == i


def test_python_lists_are_values_with_tf_dtypes():
    ds = Dataset.from_tensor_slices([[1, 2], [3, 4]])
    assert ds.element_spec == TensorSpec([2], tf.int32)
    assert values(ds) == [[1, 2], [3, 4]]
    assert Dataset.from_tensors([1.5, 2.5]).element_spec == TensorSpec([2], tf.float32)


@pytest.mark.parametrize("np_dtype", [np.int8, np.uint8, np.int16, np.uint16, np.uint32, np.uint64])
def test_narrow_integer_arrays_keep_their_dtype(np_dtype):
    # TF keeps a numpy array's dtype (tf.data.Dataset.from_tensor_slices(np.int8 array) yields int8)
    ds = Dataset.from_tensor_slices(np.array([1, 2, 3], np_dtype))
    assert ds.element_spec == TensorSpec([], tf.as_dtype(np_dtype))
    batch = next(iter(ds.batch(3)))
    assert batch.dtype == tf.as_dtype(np_dtype) and batch.numpy().tolist() == [1, 2, 3]


def test_dict_and_strings():
    ds = Dataset.from_tensor_slices({"a": np.arange(3), "s": ["x", "yy", "z"]}).batch(2)
    out = list(ds)
    assert out[0]["s"].numpy().tolist() == [b"x", b"yy"]
    assert out[1]["a"].numpy().tolist() == [2]
    assert ds.element_spec["s"].dtype is tf.data.string


def test_slices_of_different_lengths_raise():
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"same first dimension.*\(3,\).*\(4,\)"):
        Dataset.from_tensor_slices((np.zeros(3), np.zeros(4)))


def test_batch_drop_remainder_and_cardinality():
    ds = Dataset.range(10).batch(4)
    assert values(ds) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert len(ds) == 3 and len(Dataset.range(10).batch(4, drop_remainder=True)) == 2
    assert int(Dataset.range(3).repeat().cardinality().numpy()) == tf.data.INFINITE_CARDINALITY
    assert int(Dataset.range(3).filter(lambda x: x > 0).cardinality().numpy()) == tf.data.UNKNOWN_CARDINALITY
    with pytest.raises(TypeError, match="infinite"):
        len(Dataset.range(3).repeat())


def test_generic_batch_matches_fused_batch():
    x = np.arange(20).reshape(10, 2)
    fused = values(Dataset.from_tensor_slices(x).batch(3))
    generic = values(Dataset.from_tensor_slices(x).map(lambda v: v).batch(3))
    assert fused == generic == [x[i:i + 3].tolist() for i in range(0, 10, 3)]


def test_shuffle_is_a_permutation_reproducible_with_seed():
    ds = Dataset.range(100).shuffle(10, seed=7)
    a, b = values(ds), values(ds)
    assert sorted(a) == list(range(100)) and a != list(range(100))
    assert a != b  # reshuffled each iteration
    assert values(Dataset.range(100).shuffle(10, seed=7)) == a  # same seed, same first epoch
    fixed = Dataset.range(100).shuffle(10, seed=7, reshuffle_each_iteration=False)
    assert values(fixed) == values(fixed)


def test_shuffle_buffer_semantics():
    # With a buffer of k, the i-th output comes from the first i + k inputs (TF's fill-then-replace buffer).
    for seed in range(5):
        order = values(Dataset.range(50).shuffle(5, seed=seed))
        assert all(v < i + 5 for i, v in enumerate(order))
        # the fused slice path obeys the same bound
        batched = np.concatenate([b for b in Dataset.from_tensor_slices(np.arange(50)).shuffle(
            5, seed=seed).batch(8).as_numpy_iterator()])
        assert all(v < i + 5 for i, v in enumerate(batched)) and sorted(batched) == list(range(50))


def test_map_parallel_preserves_order_and_uses_threads():
    seen = set()

    def slow_square(x):
        seen.add(threading.get_ident())
        time.sleep(0.005)
        return x * x

    ds = Dataset.range(40).map(slow_square, num_parallel_calls=4)
    assert values(ds) == [i * i for i in range(40)]
    assert len(seen) > 1
    assert values(Dataset.range(5).map(lambda x: x + 1, num_parallel_calls=tf.data.AUTOTUNE)) == [1, 2, 3, 4, 5]


def test_map_exception_on_worker_reraises_with_traceback():
    def bad(x):
        if int(x.numpy()) == 7:
            raise RuntimeError("boom at seven")
        return x

    start = time.time()
    with pytest.raises(RuntimeError, match="boom at seven") as info:
        list(Dataset.range(100).map(bad, num_parallel_calls=4))
    assert time.time() - start < 5
    assert any(entry.name == "bad" for entry in info.traceback)


def test_map_tuple_unpacking_and_dict_argument():
    ds = Dataset.from_tensor_slices((np.arange(3), np.arange(3) * 10)).map(lambda a, b: a + b)
    assert values(ds) == [0, 11, 22]
    ds = Dataset.from_tensor_slices({"a": np.arange(3)}).map(lambda d: d["a"] * 2)
    assert values(ds) == [0, 2, 4]


def test_filter_take_skip_repeat_concatenate_enumerate():
    ds = Dataset.range(10).filter(lambda x: x % 3 == 0)
    assert values(ds) == [0, 3, 6, 9]
    assert values(Dataset.range(10).skip(7)) == [7, 8, 9]
    assert values(Dataset.range(3).repeat(2).take(5)) == [0, 1, 2, 0, 1]
    assert values(Dataset.range(2).concatenate(Dataset.range(5, 7))) == [0, 1, 5, 6]
    assert values(Dataset.range(2).enumerate(start=5)) == [(5, 0), (6, 1)]


def test_zip_unbatch_padded_batch():
    z = Dataset.zip((Dataset.range(3), Dataset.range(10, 20)))
    assert values(z) == [(0, 10), (1, 11), (2, 12)] and len(z) == 3
    assert values(Dataset.from_tensors(np.arange(6).reshape(3, 2)).unbatch()) == [[0, 1], [2, 3], [4, 5]]
    ds = Dataset.range(1, 4).map(lambda n: tf.fill([n], n)).padded_batch(2, padding_values=np.int64(-1))
    out = list(ds.as_numpy_iterator())
    assert out[0].tolist() == [[1, -1], [2, 2]] and out[1].tolist() == [[3, 3, 3]]


def test_interleave_flat_map_window():
    ds = Dataset.range(1, 3).interleave(lambda n: Dataset.from_tensors(n).repeat(3), cycle_length=2, block_length=2)
    assert values(ds) == [1, 1, 2, 2, 1, 2]
    assert values(Dataset.range(3).flat_map(lambda n: Dataset.range(n))) == [0, 0, 1]
    windows = Dataset.range(7).window(3, shift=2, drop_remainder=True).flat_map(lambda w: w.batch(3))
    assert values(windows) == [[0, 1, 2], [2, 3, 4], [4, 5, 6]]


def test_cache_memory_and_file(tmp_path):
    calls = []
    ds = Dataset.range(4).map(lambda x: calls.append(1) or x).cache()
    assert values(ds) == values(ds) == [0, 1, 2, 3] and len(calls) == 4
    path = str(tmp_path / "c")
    assert values(Dataset.range(3).cache(path)) == [0, 1, 2]
    assert values(Dataset.range(99).cache(path)) == [0, 1, 2]  # served from the file


def test_prefetch_background_thread_and_errors():
    producer = []
    ds = Dataset.range(5).map(lambda x: producer.append(threading.get_ident()) or x).prefetch(2)
    assert values(ds) == [0, 1, 2, 3, 4]
    assert threading.get_ident() not in producer

    def gen():
        yield 1
        raise ValueError("generator broke")
    bad = Dataset.from_generator(gen, output_signature=TensorSpec([], tf.int32)).prefetch(1)
    with pytest.raises(ValueError, match="generator broke"):
        list(bad)


def test_from_generator_signature_checks():
    def gen():
        yield (1, [1.0, 2.0])
        yield (2, [3.0])
    sig = (TensorSpec([], tf.int32), TensorSpec([2], tf.float32))
    ds = Dataset.from_generator(gen, output_signature=sig)
    it = iter(ds)
    a, b = next(it)
    assert a.dtype == tf.int32 and b.numpy().tolist() == [1.0, 2.0]
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"element 1, component 1 has shape \(1,\)"):
        next(it)
    old = Dataset.from_generator(lambda: iter([[1, 2], [3, 4]]), output_types=tf.int64, output_shapes=[2])
    assert values(old) == [[1, 2], [3, 4]]
    with pytest.raises(TypeError, match="element 0"):
        list(Dataset.from_generator(lambda: iter([{"a": 1}]), output_signature=sig))


def test_list_files_and_text_lines(tmp_path):
    import gzip
    (tmp_path / "a.txt").write_bytes(b"one\r\ntwo\n")
    (tmp_path / "b.txt").write_bytes(b"three")
    files = Dataset.list_files(str(tmp_path / "*.txt"), shuffle=False)
    assert [f.endswith(b"a.txt") for f in files.as_numpy_iterator()] == [True, False]
    assert list(tf.data.TextLineDataset(files).as_numpy_iterator()) == [b"one", b"two", b"three"]
    with gzip.open(tmp_path / "c.gz", "wb") as f:
        f.write(b"x\ny\n")
    assert list(tf.data.TextLineDataset(str(tmp_path / "c.gz"), compression_type="GZIP").as_numpy_iterator()) == [
        b"x", b"y"]
    with pytest.raises(FileNotFoundError, match="missing.txt"):
        list(tf.data.TextLineDataset(str(tmp_path / "missing.txt")))


def test_csv(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("age,name,score\n30,ann,1.5\n40,bob,\n")
    ds = tf.data.experimental.CsvDataset(str(path), [tf.int32, tf.data.string, [0.0]], header=True)
    assert [(int(a), n, float(s)) for a, n, s in ds.as_numpy_iterator()] == [(30, b"ann", 1.5), (40, b"bob", 0.0)]
    csv = tf.data.experimental.make_csv_dataset(str(path), batch_size=2, label_name="score", num_epochs=1,
                                                shuffle=False)
    features, label = next(iter(csv))
    assert list(features) == ["age", "name"]
    assert features["age"].dtype == tf.int32 and features["age"].numpy().tolist() == [30, 40]
    assert label.dtype == tf.float32 and label.numpy().tolist() == [1.5, 0.0]


def test_seed_example_pipeline_trains_batches():
    x = np.random.default_rng(0).random((100, 28, 28)).astype(np.float32)
    y = np.arange(100) % 10
    train = Dataset.from_tensor_slices((x, y))
    batches = [b for b in train.shuffle(1000).batch(32)]
    assert [tuple(b[0].shape) for b in batches] == [(32, 28, 28)] * 3 + [(4, 28, 28)]
    assert sorted(np.concatenate([b[1].numpy() for b in batches]).tolist()) == sorted(y.tolist())


def test_element_spec_is_lazy_and_follows_map():
    calls = []
    ds = Dataset.range(5).map(lambda x: calls.append(1) or tf.cast(x, tf.float32) * 2).batch(2)
    assert calls == []  # building the pipeline runs nothing
    assert ds.element_spec == TensorSpec([None], tf.float32)
    assert Dataset.range(5).batch(2, drop_remainder=True).element_spec == TensorSpec([2], tf.int64)


def test_read_file_and_decode_raw_in_a_map(tmp_path):
    paths = []
    for i in range(3):
        p = tmp_path / f"{i}.bin"
        p.write_bytes(np.full(4, i, np.float32).tobytes())
        paths.append(str(p))
    ds = Dataset.from_tensor_slices((paths, np.arange(3))).map(
        lambda path, label: (tf.io.decode_raw(tf.io.read_file(path), tf.float32), label), num_parallel_calls=2)
    out = list(ds.batch(3).as_numpy_iterator())[0]
    assert out[0].tolist() == [[0.0] * 4, [1.0] * 4, [2.0] * 4] and out[1].tolist() == [0, 1, 2]


def test_unseeded_shuffle_is_reproducible_under_a_global_seed():
    """TF: with tf.random.set_seed, a shuffle without its own seed gives the same order on every run."""
    def first_order():
        tf.random.set_seed(7)
        return next(iter(tf.data.Dataset.from_tensor_slices(np.arange(50)).shuffle(50).batch(50))).numpy()
    try:
        a, b = first_order(), first_order()
        assert sorted(a.tolist()) == list(range(50)) and a.tolist() != list(range(50))
        np.testing.assert_array_equal(a, b)
        tf.random.set_seed(8)
        c = next(iter(tf.data.Dataset.from_tensor_slices(np.arange(50)).shuffle(50).batch(50))).numpy()
        assert c.tolist() != a.tolist()
    finally:
        tf.random.set_seed(None)
