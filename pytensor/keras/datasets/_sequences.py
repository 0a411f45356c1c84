"""The word-index processing imdb and reuters share (Keras's exact steps, in Keras's order)."""

import json

import numpy as np

from ._files import CorruptDatasetError


def remove_long_seq(maxlen, seq, label):
    """Keeps the sequences shorter than `maxlen`, and their labels."""
    kept = [(x, y) for x, y in zip(seq, label) if len(x) < maxlen]
    return [x for x, _ in kept], [y for _, y in kept]


def shuffled(rng, *arrays):
    """The arrays permuted by one ``rng.shuffle`` of their indices."""
    indices = np.arange(len(arrays[0]))
    rng.shuffle(indices)
    return [a[indices] for a in arrays]


def encode(train, test, labels_train, labels_test, num_words, skip_top, maxlen, start_char, oov_char, index_from,
           name):
    """Adds start_char / index_from, filters by maxlen, and maps words outside [skip_top, num_words) to oov_char.

    Returns ``(x_train, y_train), (x_test, y_test)`` with x object arrays of int lists, as Keras returns them.
    """
    if start_char is not None:
        train = [[start_char] + [w + index_from for w in x] for x in train]
        test = [[start_char] + [w + index_from for w in x] for x in test]
    elif index_from:
        train = [[w + index_from for w in x] for x in train]
        test = [[w + index_from for w in x] for x in test]
    else:
        train, test = [list(x) for x in train], [list(x) for x in test]
    if maxlen:
        had_test = bool(test)
        train, labels_train = remove_long_seq(maxlen, train, labels_train)
        test, labels_test = remove_long_seq(maxlen, test, labels_test)
        if not train or had_test and not test:
            raise ValueError(f"{name}.load_data: after filtering for sequences shorter than maxlen={maxlen}, no "
                             "sequence was kept; increase maxlen")
    xs = train + test
    labels = np.concatenate([np.asarray(labels_train), np.asarray(labels_test)])
    if not num_words:
        num_words = max(max(x) for x in xs if x)
    if oov_char is not None:
        xs = [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
    else:
        xs = [[w for w in x if skip_top <= w < num_words] for x in xs]
    idx = len(train)
    return (np.array(xs[:idx], dtype="object"), labels[:idx]), (np.array(xs[idx:], dtype="object"), labels[idx:])


def load_word_index(path):
    """The word -> index dict of a Keras word-index JSON file."""
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (ValueError, UnicodeDecodeError) as e:
        raise CorruptDatasetError(f"{path} is truncated or not JSON ({e}); delete it and retry") from None
