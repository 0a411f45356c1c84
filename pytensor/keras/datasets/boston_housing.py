"""Boston housing prices: 506 rows of 13 features, target in $1000s, split as Keras splits it."""

import numpy as np

from ._files import ORIGIN, get_file
from ._loaders import load_npz


def load_data(path="boston_housing.npz", test_split=0.2, seed=113):
    """Loads the Boston housing data, shuffled with ``np.random.RandomState(seed)`` and split at
    ``int(len * (1 - test_split))``, exactly as Keras does.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: float64, (404, 13), (404,), (102, 13), (102,) by default.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = tf.keras.datasets.boston_housing.load_data()
    """
    if not 0 <= test_split < 1:
        raise ValueError(f"boston_housing.load_data: test_split must be in [0, 1); got {test_split}")
    path = get_file(path, origin=ORIGIN + "boston_housing.npz",
                    file_hash="f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5")
    a = load_npz(path, {"x": ((13,), "f"), "y": ((), "f")})
    x, y = a["x"], a["y"]
    indices = np.arange(len(x))
    np.random.RandomState(seed).shuffle(indices)
    x, y = x[indices], y[indices]
    cut = int(len(x) * (1 - test_split))
    return (np.array(x[:cut]), np.array(y[:cut])), (np.array(x[cut:]), np.array(y[cut:]))
