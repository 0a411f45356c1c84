"""Central finite differences in float64: the independent reference for gradients the tests check."""
import numpy as np


def central_gradient(fn, x, eps=1e-6):
    """The gradient of the scalar function `fn` (of a float64 array) at x, by central differences of step eps."""
    x = np.asarray(x, np.float64)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = eps
        grad[i] = (fn(x + step) - fn(x - step)) / (2 * eps)
    return grad
