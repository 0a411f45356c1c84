"""CIFAR-10: 50,000 training and 10,000 test 32x32 colour images in 10 classes."""

import os

import numpy as np

from ._files import CorruptDatasetError, get_file
from ._loaders import load_pickle


def load_batch(fpath, label_key="labels"):
    """``(data (N, 3, 32, 32) uint8, labels)`` from one pickled CIFAR batch file (Keras's helper)."""
    with open(fpath, "rb") as f:
        d = load_pickle(f, fpath, encoding="bytes")  # data only: a crafted batch file cannot run code
    try:
        d = {k.decode("utf8") if isinstance(k, bytes) else k: v for k, v in d.items()}
        data, labels = d["data"], d[label_key]
        data = np.asarray(data, np.uint8).reshape(len(data), 3, 32, 32)
        if len(labels) != len(data):
            raise ValueError(f"{len(data)} images but {len(labels)} labels")
    except (AttributeError, KeyError, ValueError, TypeError, UnicodeDecodeError) as e:
        raise CorruptDatasetError(f"{fpath} is truncated or not a CIFAR batch ({e!r}); delete it and retry") from None
    return data, labels


def load_data():
    """Loads CIFAR-10 from ``datasets/cifar-10-batches-py`` in the Keras cache (downloaded and extracted).

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8, (50000, 32, 32, 3), (50000, 1), (10000, 32, 32, 3),
        (10000, 1).

    Example:
        >>> (x_train, y_train), (x_test, y_test) = tf.keras.datasets.cifar10.load_data()
    """
    path = get_file("cifar-10-batches-py", origin="https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
                    untar=True, file_hash="6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce")
    batches = [load_batch(os.path.join(path, f"data_batch_{i}")) for i in range(1, 6)]
    x_train = np.concatenate([data for data, _ in batches])
    y_train = np.concatenate([np.asarray(labels, dtype="uint8") for _, labels in batches])
    x_test, y_test = load_batch(os.path.join(path, "test_batch"))
    y_train = y_train.reshape(-1, 1)
    y_test = np.asarray(y_test, dtype="uint8").reshape(-1, 1)
    return (x_train.transpose(0, 2, 3, 1), y_train), (x_test.transpose(0, 2, 3, 1), y_test)
