"""keras.datasets: the Keras example datasets, read from (and downloaded into) Keras's cache.

Example:
    >>> (x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
"""

from . import boston_housing, cifar10, cifar100, fashion_mnist, imdb, mnist, reuters
from ._files import CorruptDatasetError, DatasetUnavailableError, get_file

__all__ = ["boston_housing", "cifar10", "cifar100", "fashion_mnist", "imdb", "mnist", "reuters",
           "DatasetUnavailableError", "CorruptDatasetError", "get_file"]

from ..._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook(__name__)  # a TF name pytensor lacks says so (see _missing.py)
