"""tf.feature_column through tf.compat.v1.feature_column.input_layer against real TensorFlow's recorded results
(fixtures/make_tf_modules.py): hashed ids, crosses and vocabularies equal TF's; embeddings combine and train."""

import json
import os

import numpy as np
import pytest

import pytensor as tf

with open(os.path.join(os.path.dirname(__file__), "fixtures", "tf_modules.json")) as f:
    REC = json.load(f)["results"]

fc = tf.feature_column
input_layer = tf.compat.v1.feature_column.input_layer


def features():
    return {
        "price": tf.constant([[1.5], [20.0], [7.0]]),
        "size": tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]),
        "color": tf.constant([["red"], ["blue"], ["purple"]]),
        "shape": tf.constant([["circle"], ["square"], ["circle"]]),
        "id": tf.constant(np.array([[0], [3], [2]], np.int64)),
        "word": tf.constant([["hello"], ["world"], ["foo"]]),
    }


def constant_init(array):
    array = np.asarray(array, np.float32)
    return lambda shape, dtype=None: tf.constant(array.reshape(shape))


def columns():
    price = fc.numeric_column("price")
    size = fc.numeric_column("size", shape=(2,), normalizer_fn=lambda x: x * 2.0)
    bucket = fc.bucketized_column(price, boundaries=[2.0, 10.0])
    color = fc.categorical_column_with_vocabulary_list("color", ["red", "green", "blue"], num_oov_buckets=2)
    shape = fc.categorical_column_with_vocabulary_list("shape", ["circle", "square"])
    ident = fc.categorical_column_with_identity("id", num_buckets=4)
    word = fc.categorical_column_with_hash_bucket("word", hash_bucket_size=10)
    crossed = fc.crossed_column(["shape", "color"], hash_bucket_size=7)
    crossed_b = fc.crossed_column([bucket, "shape"], hash_bucket_size=5)
    return dict(price=price, size=size, bucket=bucket, color=color, shape=shape, ident=ident, word=word,
                crossed=crossed, crossed_b=crossed_b)


def dense_columns(c):
    return [c["price"], c["size"], c["bucket"], fc.indicator_column(c["color"]), fc.indicator_column(c["ident"]),
            fc.indicator_column(c["word"]), fc.indicator_column(c["crossed"]), fc.indicator_column(c["crossed_b"])]


@pytest.mark.parametrize("index", range(8))
def test_each_dense_column_as_tf(index):
    column = dense_columns(columns())[index]
    np.testing.assert_allclose(input_layer(features(), [column]).numpy(), REC["fc_" + column.name], rtol=1e-6)


def test_input_layer_orders_columns_by_name():
    cols = dense_columns(columns())
    out = input_layer(features(), cols)
    assert [c.name for c in sorted(cols, key=lambda c: c.name)] == REC["fc_all_order"]
    np.testing.assert_allclose(out.numpy(), REC["fc_all"], rtol=1e-6)
    with pytest.raises(ValueError, match="DenseColumn"):
        input_layer(features(), [columns()["color"]])
    with pytest.raises(ValueError, match="[Dd]uplicate"):
        input_layer(features(), [cols[0], cols[0]])


def test_vocabulary_default_value_and_file(tmp_path):
    default = fc.categorical_column_with_vocabulary_list("color", ["red", "green", "blue"], default_value=0)
    np.testing.assert_allclose(input_layer(features(), [fc.indicator_column(default)]).numpy(),
                               REC["fc_color_default"])
    path = tmp_path / "v.txt"
    path.write_text("red\ngreen\nblue\n")
    from_file = fc.categorical_column_with_vocabulary_file("color", str(path), num_oov_buckets=1)
    np.testing.assert_allclose(input_layer(features(), [fc.indicator_column(from_file)]).numpy(),
                               REC["fc_vocab_file"])
    with pytest.raises(ValueError, match="both num_oov_buckets"):
        fc.categorical_column_with_vocabulary_list("c", ["a"], default_value=0, num_oov_buckets=1)


def test_embedding_columns_combine_as_tf():
    color = columns()["color"]
    emb = fc.embedding_column(color, dimension=3, initializer=constant_init(np.arange(15).reshape(5, 3)))
    np.testing.assert_allclose(input_layer(features(), [emb]).numpy(), REC["fc_embedding"])
    multi = {"tags": tf.constant([["a", "b"], ["c", ""], ["a", "a"]])}
    tags = fc.categorical_column_with_vocabulary_list("tags", ["a", "b", "c"])
    np.testing.assert_allclose(input_layer(multi, [fc.indicator_column(tags)]).numpy(), REC["fc_indicator_multi"])
    for combiner in ("mean", "sum", "sqrtn"):
        e = fc.embedding_column(tags, 2, combiner=combiner, initializer=constant_init([[1, 2], [3, 4], [5, 7]]))
        np.testing.assert_allclose(input_layer(multi, [e]).numpy(), REC["fc_embedding_multi_" + combiner],
                                   rtol=1e-6)


def test_weighted_categorical_column_as_tf():
    tags = fc.categorical_column_with_vocabulary_list("tags", ["a", "b", "c"])
    wfeat = {"tags": tf.constant([["a", "b"], ["c", "a"]]), "w": tf.constant([[0.5, 2.0], [1.0, 3.0]])}
    weighted = fc.weighted_categorical_column(tags, "w")
    assert weighted.name == REC["names"]["tags_weighted_by_w"]
    np.testing.assert_allclose(input_layer(wfeat, [fc.indicator_column(weighted)]).numpy(),
                               REC["fc_weighted_indicator"])
    emb = fc.embedding_column(weighted, 2, combiner="sum", initializer=constant_init([[1, 2], [3, 4], [5, 7]]))
    np.testing.assert_allclose(input_layer(wfeat, [emb]).numpy(), REC["fc_weighted_embedding"])


def test_embedding_trains():
    tags = fc.categorical_column_with_vocabulary_list("tags", ["a", "b", "c"])
    emb = fc.embedding_column(tags, 2, combiner="sum", initializer=constant_init([[1, 2], [3, 4], [5, 7]]))
    feats = {"tags": tf.constant([["a", "b"], ["c", "a"]])}
    cols_to_vars = {}
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(input_layer(feats, [emb], cols_to_vars=cols_to_vars))
    (var,) = cols_to_vars[emb]
    grad = tape.gradient(loss, var)
    np.testing.assert_allclose(tf.convert_to_tensor(grad).numpy(), [[2, 2], [1, 1], [1, 1]])  # id counts per row
    init = fc.embedding_column(tags, 4)
    assert input_layer(feats, [init]).shape.as_list() == [2, 4]


def test_names_buckets_and_parse_spec():
    c = columns()
    assert {"bucket": c["bucket"].num_buckets, "color": c["color"].num_buckets, "crossed": c["crossed"].num_buckets,
            "ident": c["ident"].num_buckets, "word": c["word"].num_buckets} == REC["num_buckets"]
    assert c["crossed"].name == "color_X_shape" and c["bucket"].name == "price_bucketized"
    tags = fc.categorical_column_with_vocabulary_list("tags", ["a", "b", "c"])
    spec = fc.make_parse_example_spec([c["price"], c["size"], c["color"], c["ident"], c["word"], c["crossed"],
                                       fc.weighted_categorical_column(tags, "w")])
    got = {k: [type(v).__name__, v.dtype.name, list(getattr(v, "shape", []) or [])] for k, v in spec.items()}
    assert got == REC["parse_spec"]


def test_sequence_columns_and_shared_embeddings():
    seq = fc.sequence_categorical_column_with_vocabulary_list("tags", ["a", "b"])
    assert seq.num_buckets == 2 and seq.name == "tags"
    assert fc.sequence_categorical_column_with_identity("n", 5).num_buckets == 5
    assert fc.sequence_categorical_column_with_hash_bucket("w", 9).num_buckets == 9
    num = fc.sequence_numeric_column("x", shape=(2,))
    assert type(num.parse_example_spec["x"]).__name__ == "VarLenFeature"
    with pytest.raises(ValueError, match="DenseColumn"):  # as TF: sequence columns are not input_layer's
        input_layer({"x": tf.constant([[1.0, 2.0]])}, [num])
    with pytest.raises(RuntimeError) as e:
        fc.shared_embeddings([columns()["color"], columns()["shape"]], dimension=2)
    assert str(e.value) == REC["fc_shared_error"]


def test_bad_input():
    with pytest.raises(tf.errors.InvalidArgumentError, match="outside \\[0, 4\\)"):
        input_layer({"id": tf.constant(np.array([[7]], np.int64))},
                    [fc.indicator_column(fc.categorical_column_with_identity("id", 4))])
    with pytest.raises(ValueError, match="no key 'price'"):
        input_layer({}, [fc.numeric_column("price")])
    with pytest.raises(tf.errors.InvalidArgumentError, match="shape \\[3\\]"):
        input_layer({"p": tf.constant([[1.0, 2.0]])}, [fc.numeric_column("p", shape=3)])
    with pytest.raises(ValueError, match="sorted"):
        fc.bucketized_column(fc.numeric_column("p"), [3.0, 1.0])
    with pytest.raises(ValueError, match="hash_bucket"):
        fc.crossed_column([fc.categorical_column_with_hash_bucket("a", 3), "b"], 4)
