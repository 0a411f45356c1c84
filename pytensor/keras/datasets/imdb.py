"""IMDB movie reviews: 25,000 training and 25,000 test reviews as word-index sequences, labels 0 / 1."""

import numpy as np

from ._files import ORIGIN, get_file
from ._loaders import check_sequences, load_npz
from ._sequences import encode, load_word_index, shuffled


def load_data(path="imdb.npz", num_words=None, skip_top=0, maxlen=None, seed=113, start_char=1, oov_char=2,
              index_from=3, **kwargs):
    """Loads IMDB as Keras does: train and test each shuffled with ``RandomState(seed)``, indices offset by
    `index_from`, each review prefixed with `start_char`, words ranked outside ``[skip_top, num_words)`` replaced
    by `oov_char` (dropped if None), reviews of length >= `maxlen` removed.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: x object arrays of int lists, y int labels.

    Example:
        >>> (x_train, y_train), _ = tf.keras.datasets.imdb.load_data(num_words=10000)
    """
    path = get_file(path, origin=ORIGIN + "imdb.npz",
                    file_hash="69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f")
    a = load_npz(path, {"x_train": (None, None), "y_train": ((), "iu"), "x_test": (None, None),
                        "y_test": ((), "iu")})
    check_sequences(a["x_train"], path, "x_train")
    check_sequences(a["x_test"], path, "x_test")
    rng = np.random.RandomState(seed)
    x_train, labels_train = shuffled(rng, a["x_train"], a["y_train"])
    x_test, labels_test = shuffled(rng, a["x_test"], a["y_test"])
    return encode(list(x_train), list(x_test), labels_train, labels_test, num_words, skip_top, maxlen, start_char,
                  oov_char, index_from, "imdb")


def get_word_index(path="imdb_word_index.json"):
    """The dict word -> rank index (1 = most frequent) of the IMDB vocabulary."""
    path = get_file(path, origin=ORIGIN + "imdb_word_index.json", file_hash="bfafd718b763782e994055a2d397834f")
    return load_word_index(path)
