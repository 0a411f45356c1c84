"""tf.train.SequenceExample and tf.io.parse_(single_)sequence_example on TF 2.21's serialized bytes, against
TF's parse (tests/fixtures/make_sequence_example.py recorded both)."""
import base64
import json
import os

import numpy as np
import pytest

import pytensor as tf

with open(os.path.join(os.path.dirname(__file__), "fixtures", "sequence_example.json")) as f:
    TF = json.load(f)
FIRST, SECOND = base64.b64decode(TF["first"]), base64.b64decode(TF["second"])
CONTEXT = {"id": tf.io.FixedLenFeature([], tf.int64), "label": tf.io.FixedLenFeature([], tf.string),
           "missing": tf.io.FixedLenFeature([], tf.float32, default_value=1.5)}
SEQUENCE = {"tokens": tf.io.FixedLenSequenceFeature([2], tf.int64), "words": tf.io.VarLenFeature(tf.string),
            "absent": tf.io.FixedLenSequenceFeature([], tf.float32, allow_missing=True)}


def plain(value):
    if isinstance(value, tf.SparseTensor):
        return {"indices": value.indices.numpy().tolist(), "values": plain(value.values),
                "dense_shape": value.dense_shape.numpy().tolist()}
    value = value.numpy()
    if isinstance(value, bytes):
        return value.decode()
    value = np.asarray(value)
    return np.vectorize(lambda v: v.decode() if isinstance(v, bytes) else v, otypes=[object])(value).tolist() \
        if value.dtype == object else value.tolist()


def test_sequence_example_round_trips_tf_bytes():
    parsed = tf.train.SequenceExample.FromString(FIRST)
    assert [f.int64_list.value for f in parsed.feature_lists.feature_list["tokens"].feature] == [[1, 2], [3, 4],
                                                                                              [5, 6]]
    assert parsed.context.feature["id"].int64_list.value == [7]
    again = tf.train.SequenceExample.FromString(parsed.SerializeToString())
    assert again == parsed and len(parsed.SerializeToString()) == len(FIRST)  # same fields, map order aside


def test_parse_single_sequence_example_matches_tf():
    context, sequences = tf.io.parse_single_sequence_example(FIRST, CONTEXT, SEQUENCE)
    expected_context, expected_sequences = TF["single"]
    assert {k: plain(v) for k, v in context.items()} == expected_context
    assert {k: plain(v) for k, v in sequences.items()} == expected_sequences


def test_parse_sequence_example_matches_tf():
    context, sequences, lengths = tf.io.parse_sequence_example([FIRST, SECOND], CONTEXT, SEQUENCE)
    expected = TF["batch"]
    assert {k: plain(v) for k, v in context.items()} == expected[0]
    assert {k: plain(v) for k, v in sequences.items()} == expected[1]
    assert {k: plain(v) for k, v in lengths.items()} == expected[2]


def test_parse_sequence_example_errors():
    with pytest.raises(tf.errors.InvalidArgumentError, match="required but missing"):
        tf.io.parse_single_sequence_example(FIRST, None, {"nope": tf.io.FixedLenSequenceFeature([], tf.int64)})
    with pytest.raises(tf.errors.InvalidArgumentError, match="needs 3"):
        tf.io.parse_single_sequence_example(FIRST, None, {"tokens": tf.io.FixedLenSequenceFeature([3], tf.int64)})
