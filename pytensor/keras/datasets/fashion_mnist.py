"""Fashion-MNIST: 60,000 training and 10,000 test 28x28 grayscale images of 10 clothing classes."""

import gzip
import os
import zlib

import numpy as np

from ._files import ORIGIN, CorruptDatasetError, get_file

_FILES = ["train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
          "t10k-images-idx3-ubyte.gz"]


def _read_idx(path, offset, magic, shape_tail):
    try:
        with gzip.open(path, "rb") as f:
            data = f.read()
    except (OSError, EOFError, zlib.error) as e:
        raise CorruptDatasetError(f"{path} is truncated or not gzip data ({e}); delete it and retry") from None
    if len(data) < offset or int.from_bytes(data[:4], "big") != magic:
        raise CorruptDatasetError(f"{path} is not an IDX file of magic {magic:#x}")
    count = int.from_bytes(data[4:8], "big")
    arr = np.frombuffer(data, np.uint8, offset=offset)
    if arr.size != count * int(np.prod(shape_tail)):
        raise CorruptDatasetError(f"{path}: header says {count} items but the data has {arr.size} bytes")
    return arr.reshape((count,) + shape_tail)


def load_data():
    """Loads Fashion-MNIST from the Keras cache (``datasets/fashion-mnist/``, Keras's four IDX .gz files).

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8, shapes (60000, 28, 28), (60000,), (10000, 28, 28),
        (10000,).

    Example:
        >>> (x_train, y_train), _ = tf.keras.datasets.fashion_mnist.load_data()
    """
    paths = [get_file(fname, origin=ORIGIN + fname, cache_subdir=os.path.join("datasets", "fashion-mnist"))
             for fname in _FILES]
    y_train = _read_idx(paths[0], 8, 0x801, ())
    x_train = _read_idx(paths[1], 16, 0x803, (28, 28))
    y_test = _read_idx(paths[2], 8, 0x801, ())
    x_test = _read_idx(paths[3], 16, 0x803, (28, 28))
    if len(x_train) != len(y_train) or len(x_test) != len(y_test):
        raise CorruptDatasetError("fashion_mnist: image and label files disagree in length")
    return (x_train, y_train), (x_test, y_test)
