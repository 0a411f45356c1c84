"""``keras.ops.linalg``: norms, LU / Cholesky / QR factorisations with the solves, inverses, determinants and
least squares built on them, symmetric eigendecomposition (Jacobi) and the SVD, pseudo-inverse and rank from it:
tf.linalg's (pytensor/_linalg_ops.py) with Keras's signatures; ``eig`` (non-symmetric) is not built and says so."""
import numpy as _np

import pytensor as pt
from pytensor import _linalg_ops as _linalg

from .numpy import _float, _tensor


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


# The factorisations are tf.linalg's (eager loops of batched, differentiable ops: pytensor/_linalg_ops.py).
def _square(x, op):
    x = _float(x)
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise ValueError(f"keras.ops.{op}: expected square matrices (..., n, n), got shape {tuple(x.shape)}.")
    return x


def _as_matrix_rhs(a, b):
    b = _tensor(b, a.dtype.name)
    vector = b.ndim == a.ndim - 1
    return (pt.expand_dims(b, -1) if vector else b), vector


def solve_triangular(a, b, lower=False):
    """``x`` with ``a @ x = b`` for triangular ``a`` (``lower`` or upper); ``b`` a matrix or a vector."""
    a = _square(a, "solve_triangular")
    rhs, vector = _as_matrix_rhs(a, b)
    x = _linalg.triangular_solve(a, rhs, lower=lower)
    return pt.squeeze(x, axis=[x.ndim - 1]) if vector else x


def solve(a, b):
    """``x`` with ``a @ x = b`` (LU with partial pivoting); ``b`` a matrix or a vector."""
    a = _square(a, "solve")
    rhs, vector = _as_matrix_rhs(a, b)
    x = _linalg.solve(a, rhs)
    return pt.squeeze(x, axis=[x.ndim - 1]) if vector else x


def inv(x):
    """The inverse matrix."""
    return _linalg.inv(_square(x, "inv"))


def slogdet(x):
    """``(sign, log|det x|)`` from the LU factorisation."""
    return _linalg.slogdet(_square(x, "slogdet"))


def det(x):
    """The determinant."""
    return _linalg.det(_square(x, "det"))


def logdet(x):
    """``log det x`` of positive definite matrices."""
    return _linalg.logdet(_square(x, "logdet"))


def lu_factor(x):
    """``(lu, p)`` as Keras on TensorFlow gives: ``L - I + U`` in one matrix and the permutation ``p`` with
    ``x = (L @ U)[p]`` (the inverse of tf.linalg.lu's, which has ``x[p] = L @ U``)."""
    packed, perm = _linalg.lu(_square(x, "lu_factor"))
    return packed, _linalg._inverse_permutation(perm)


def cholesky(x, upper=False):
    """The Cholesky factor ``L`` (lower, ``x = L L^T``; ``U = L^T`` with ``upper=True``) of positive definite
    ``x``."""
    factor = _linalg.cholesky(_square(x, "cholesky"))
    return _swap_last(factor) if upper else factor


def cholesky_inverse(x, upper=False):
    """``(L L^T)^-1`` from the Cholesky factor ``L`` (``U^T U`` with ``upper=True``)."""
    factor = _square(x, "cholesky_inverse")
    lower = _swap_last(factor) if upper else factor
    eye = pt.broadcast_to(pt.eye(factor.shape[-1], dtype=factor.dtype.name), factor.shape)
    return _linalg.cholesky_solve(lower, eye)


def _swap_last(x):
    return pt.transpose(x, list(range(x.ndim - 2)) + [x.ndim - 1, x.ndim - 2])


def qr(x, mode="reduced"):
    """``(q, r)`` with ``x = q @ r`` by Householder reflections, signs as LAPACK; ``mode`` ``'reduced'`` or
    ``'complete'``."""
    if mode not in ("reduced", "complete"):
        raise ValueError(f"keras.ops.qr: mode must be 'reduced' or 'complete', got {mode!r}.")
    r = _float(x)
    if r.ndim < 2:
        raise ValueError(f"keras.ops.qr: expected matrices (..., m, n), got shape {tuple(r.shape)}.")
    q, r = _linalg.qr(r, full_matrices=mode == "complete")
    return q, r


def lstsq(a, b, rcond=None):
    """The least-squares solution of ``a @ x = b`` for full-rank ``a`` (m, n) by QR: the best fit when
    ``m >= n``, the minimum-norm solution when ``m < n``; ``b`` a matrix or a vector."""
    a = _float(a)
    rhs, vector = _as_matrix_rhs(a, b)
    m, n = a.shape[-2], a.shape[-1]
    if m >= n:
        q, r = qr(a)
        x = _linalg.triangular_solve(r, pt.matmul(_swap_last(q), rhs), lower=False)
    else:
        q, r = qr(_swap_last(a))
        x = pt.matmul(q, _linalg.triangular_solve(_swap_last(r), rhs, lower=True))
    return pt.squeeze(x, axis=[x.ndim - 1]) if vector else x


def eigh(x):
    """``(eigenvalues, eigenvectors)`` of symmetric matrices, eigenvalues ascending (tf.linalg.eigh: Jacobi)."""
    return _linalg.eigh(_square(x, "eigh"))


def svd(x, full_matrices=True, compute_uv=True):
    """``(u, s, vh)`` with ``x = u @ diag(s) @ vh`` and ``s`` descending (``s`` alone with ``compute_uv=False``),
    from tf.linalg.svd (which returns ``(s, u, v)``)."""
    x = _float(x)
    if x.ndim < 2:
        raise ValueError(f"keras.ops.svd: expected matrices (..., m, n), got shape {tuple(x.shape)}.")
    if not compute_uv:
        return _linalg.svd(x, compute_uv=False)
    s, u, v = _linalg.svd(x, full_matrices=full_matrices)
    return u, s, _swap_last(v)


def pinv(x, rcond=None):
    """The Moore-Penrose pseudo-inverse (tf.linalg.pinv)."""
    return _linalg.pinv(_float(x), rcond=rcond)


def matrix_rank(x, tol=None):
    """The number of singular values above ``tol`` (tf.linalg.matrix_rank), int32."""
    return _linalg.matrix_rank(_float(x), tol=tol)


from ..._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook("pytensor.keras.ops")  # a Keras op pytensor lacks says so (see _missing.py)
