"""Reuters newswires: 11,228 word-index sequences in 46 topics, split as Keras splits them."""

import numpy as np

from ._files import ORIGIN, get_file
from ._loaders import check_sequences, load_npz
from ._sequences import encode, load_word_index, shuffled


def load_data(path="reuters.npz", num_words=None, skip_top=0, maxlen=None, test_split=0.2, seed=113, start_char=1,
              oov_char=2, index_from=3, **kwargs):
    """Loads Reuters as Keras does: shuffled with ``RandomState(seed)``, processed like imdb.load_data, then split
    at ``int(len * (1 - test_split))``.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: x object arrays of int lists, y int topic labels.

    Example:
        >>> (x_train, y_train), _ = tf.keras.datasets.reuters.load_data(num_words=10000)
    """
    path = get_file(path, origin=ORIGIN + "reuters.npz",
                    file_hash="d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916")
    a = load_npz(path, {"x": (None, None), "y": ((), "iu")})
    check_sequences(a["x"], path, "x")
    xs, labels = shuffled(np.random.RandomState(seed), a["x"], a["y"])
    (x, y), _ = encode(list(xs), [], labels, np.zeros(0, labels.dtype), num_words, skip_top, maxlen, start_char,
                       oov_char, index_from, "reuters")
    idx = int(len(x) * (1 - test_split))
    return (x[:idx], np.array(y[:idx])), (x[idx:], np.array(y[idx:]))


def get_word_index(path="reuters_word_index.json"):
    """The dict word -> rank index of the Reuters vocabulary."""
    path = get_file(path, origin=ORIGIN + "reuters_word_index.json", file_hash="4d44cc38712099c9e383dc6e5f11a921")
    return load_word_index(path)
