"""MNIST handwritten digits: 60,000 training and 10,000 test images, 28x28 uint8, labels 0-9."""

from ._files import ORIGIN, get_file
from ._loaders import load_npz


def load_data(path="mnist.npz"):
    """Loads MNIST from the Keras cache (``datasets/mnist.npz``), downloading it when missing.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 arrays of shapes (60000, 28, 28), (60000,),
        (10000, 28, 28), (10000,).

    Raises:
        DatasetUnavailableError: not cached and not downloadable (offline); a 5000-digit real sample for that
            case is in the repository's examples/data/mnist_sample.npz.
        CorruptDatasetError: the file is truncated or not in Keras's format.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
    """
    path = get_file(fname=path, origin=ORIGIN + "mnist.npz",
                    file_hash="731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1")
    a = load_npz(path, {"x_train": ((28, 28), "u"), "y_train": ((), "iu"), "x_test": ((28, 28), "u"),
                        "y_test": ((), "iu")})
    return (a["x_train"], a["y_train"]), (a["x_test"], a["y_test"])
