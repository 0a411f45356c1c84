"""``keras.ops.linalg``: the linear-algebra ops pytensor's core supports (matrix norms and products);
decompositions (``svd``, ``qr``, ``cholesky``, ``eig`` …) need core ops pytensor lacks and say so."""
import numpy as _np

import pytensor as pt

from .numpy import _float


def norm(x, ord=None, axis=None, keepdims=False):
    """Vector norms (``ord`` None/2, 1, inf, -inf, 0 or p) over one axis, the Frobenius norm over two or all
    axes."""
    x = _float(x)
    if axis is None:
        axis = list(range(x.ndim))
    axes = [axis] if isinstance(axis, int) else list(axis)
    if len(axes) == 2 and ord not in (None, "fro"):
        raise ValueError(f"keras.ops.norm: matrix norm ord={ord!r} needs singular values, which pytensor does not "
                         f"compute yet; use ord='fro' or a vector norm over one axis.")
    if len(axes) != 1 or ord in (None, 2, "fro"):
        return pt.sqrt(pt.reduce_sum(x * x, axis=axes, keepdims=keepdims))
    a = pt.abs(x)
    if ord == _np.inf:
        return pt.reduce_max(a, axis=axes, keepdims=keepdims)
    if ord == -_np.inf:
        return pt.reduce_min(a, axis=axes, keepdims=keepdims)
    if ord == 0:
        return pt.reduce_sum(pt.cast(pt.not_equal(x, 0.0), x.dtype.name), axis=axes, keepdims=keepdims)
    if ord == 1:
        return pt.reduce_sum(a, axis=axes, keepdims=keepdims)
    return pt.reduce_sum(a ** ord, axis=axes, keepdims=keepdims) ** (1.0 / ord)


from ..._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook("pytensor.keras.ops")  # a Keras op pytensor lacks says so (see _missing.py)
