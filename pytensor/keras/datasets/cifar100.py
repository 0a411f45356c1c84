"""CIFAR-100: 50,000 training and 10,000 test 32x32 colour images, 100 fine / 20 coarse classes."""

import os

import numpy as np

from ._files import get_file
from .cifar10 import load_batch


def load_data(label_mode="fine"):
    """Loads CIFAR-100 from ``datasets/cifar-100-python`` in the Keras cache.

    Args:
        label_mode: "fine" (100 classes) or "coarse" (20 super-classes).

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: x uint8 (N, 32, 32, 3), y int64 (N, 1).

    Example:
        >>> (x_train, y_train), _ = tf.keras.datasets.cifar100.load_data(label_mode="coarse")
    """
    if label_mode not in ("fine", "coarse"):
        raise ValueError(f'cifar100.load_data: label_mode must be "fine" or "coarse"; got {label_mode!r}')
    path = get_file("cifar-100-python", origin="https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz",
                    untar=True, file_hash="85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7")
    x_train, y_train = load_batch(os.path.join(path, "train"), label_key=label_mode + "_labels")
    x_test, y_test = load_batch(os.path.join(path, "test"), label_key=label_mode + "_labels")
    y_train = np.reshape(y_train, (len(y_train), 1))
    y_test = np.reshape(y_test, (len(y_test), 1))
    return (x_train.transpose(0, 2, 3, 1), y_train), (x_test.transpose(0, 2, 3, 1), y_test)
