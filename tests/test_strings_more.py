"""tf.strings n-grams, hash buckets, Unicode ops and segment joins against TF 2.21's results
(tests/fixtures/make_strings_more.py and make_image_boxes.py recorded them)."""
import json
import os

import numpy as np
import pytest

import pytensor as tf

HERE = os.path.join(os.path.dirname(__file__), "fixtures")
with open(os.path.join(HERE, "strings_more.json")) as f:
    TF = json.load(f)
HASHES = np.load(os.path.join(HERE, "image_boxes.npz"), allow_pickle=True)


def plain(value):
    """The fixture's form: nested lists, bytes as latin-1 text."""
    if isinstance(value, tf.RaggedTensor):
        value = value.to_list()
    elif hasattr(value, "numpy"):
        value = np.asarray(value.numpy()).tolist()
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return value


TOKENS = [["a", "b", "c", "d"], ["e", "f"], ["g"]]


def test_ngrams_match_tf():
    ragged = tf.ragged.constant(TOKENS)
    assert plain(tf.strings.ngrams(ragged, 2)) == TF["ngrams_2"]
    assert plain(tf.strings.ngrams(ragged, (2, 3), separator="_")) == TF["ngrams_23"]
    assert plain(tf.strings.ngrams(ragged, 3, pad_values=("<s>", "</s>"), padding_width=1)) == TF["ngrams_pad"]
    assert plain(tf.strings.ngrams(ragged, 3, preserve_short_sequences=True)) == TF["ngrams_short"]
    short = tf.ragged.constant([["a"], ["b", "c"], []])
    assert plain(tf.strings.ngrams(short, 4, pad_values=("<", ">"), padding_width=1,
                                   preserve_short_sequences=True)) == TF["ngrams_short_pad"]
    assert plain(tf.strings.ngrams(short, (3, 4), preserve_short_sequences=True)) == TF["ngrams_short_widths"]
    assert plain(tf.strings.ngrams(tf.constant([["a", "b", "c"], ["d", "e", "f"]]), 2)) == TF["ngrams_dense"]
    assert plain(tf.strings.ngrams(tf.constant(["a", "b", "c"]), 2, pad_values="#")) == TF["ngrams_vector"]


def test_hash_buckets_match_tf():
    words = HASHES["words"]
    np.testing.assert_array_equal(tf.strings.to_hash_bucket_fast(words, 1000).numpy(), HASHES["hash_fast"])
    np.testing.assert_array_equal(tf.strings.to_hash_bucket_strong(words, 977, [123, 456789]).numpy(),
                                  HASHES["hash_strong"])
    np.testing.assert_array_equal(tf.strings.to_hash_bucket(words, 1000).numpy(), HASHES["hash_legacy"])
    assert tf.strings.to_hash_bucket_fast(words, 10).dtype == tf.int64
    with pytest.raises(tf.errors.InvalidArgumentError, match="num_buckets"):
        tf.strings.to_hash_bucket_fast(words, 0)


@pytest.mark.parametrize("encoding", ["UTF-8", "UTF-16-BE", "UTF-32-BE"])
def test_unicode_encode_and_transcode_match_tf(encoding):
    points = [[72, 233, 8364, 128512], [0x41, 0x42]]
    assert plain(tf.strings.unicode_encode(tf.ragged.constant(points), encoding)) == TF[f"encode_{encoding}"]
    texts = ["h\u00e9llo", "\u20ac\U0001F600x", ""]
    if encoding != "UTF-8":
        there = tf.strings.unicode_transcode(texts, "UTF-8", encoding)
        assert plain(there) == TF[f"transcode_{encoding}"]
        assert plain(tf.strings.unicode_transcode(there, encoding, "UTF-8")) == TF[f"transcode_back_{encoding}"]


def test_unicode_encode_dense_and_bad_transcode_match_tf():
    assert plain(tf.strings.unicode_encode(tf.constant([[104, 105], [111, 107]]), "UTF-8")) == TF["encode_dense"]
    assert plain(tf.strings.unicode_transcode([b"a\xffb"], "UTF-8", "UTF-8")) == TF["transcode_bad"]
    assert plain(tf.strings.unicode_transcode([b"a\xffb"], "UTF-8", "UTF-8", replacement_char=63)) == \
        TF["transcode_bad_char"]
    assert plain(tf.strings.unicode_transcode([b"a\xffb"], "UTF-8", "UTF-8", errors="ignore")) == \
        TF["transcode_ignore"]
    with pytest.raises(tf.errors.InvalidArgumentError, match="invalid"):
        tf.strings.unicode_transcode([b"a\xffb"], "UTF-8", "UTF-8", errors="strict")
    with pytest.raises(tf.errors.InvalidArgumentError, match="encoding"):
        tf.strings.unicode_transcode(["a"], "UTF-8", "latin-1")


def test_unicode_script_matches_tf():
    for name, points in TF["script_samples"].items():
        assert tf.strings.unicode_script(points).numpy().tolist() == TF["scripts"][name], name
    assert tf.strings.unicode_script([-5, 0x110000]).numpy().tolist() == TF["script_invalid"]
    with pytest.raises(tf.errors.InvalidArgumentError, match="U\\+0F40"):
        tf.strings.unicode_script([0x0F40])  # Tibetan: not in the table, an error rather than a wrong script


def test_decode_and_split_with_offsets_match_tf():
    words = ["G\u00f6\u00f6d".encode(), "\U0001F600a".encode(), b"\xff"]
    cps, offsets = tf.strings.unicode_decode_with_offsets(words, "UTF-8")
    assert [plain(cps), plain(offsets)] == TF["decode_offsets"]
    chars, offsets = tf.strings.unicode_split_with_offsets(words[:2], "UTF-8")
    assert [plain(chars), plain(offsets)] == TF["split_offsets"]
    cps, offsets = tf.strings.unicode_decode_with_offsets("ab\u00e9", "UTF-8")
    assert [plain(cps), plain(offsets)] == TF["decode_offsets_scalar"]


def test_unsorted_segment_join_matches_tf():
    assert plain(tf.strings.unsorted_segment_join(["a", "b", "c", "d", "e"], [1, 0, 1, 3, 1], 4, separator=",")) \
        == TF["segment_join"]
    assert plain(tf.strings.unsorted_segment_join([["a", "b"], ["c", "d"], ["e", "f"]], [1, 1, 0], 2)) == \
        TF["segment_join_2d"]
    with pytest.raises(tf.errors.InvalidArgumentError, match="num_segments"):
        tf.strings.unsorted_segment_join(["a"], [3], 2)
