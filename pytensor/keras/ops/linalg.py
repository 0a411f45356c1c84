"""``keras.ops.linalg``: norms, LU / Cholesky / QR factorisations with the solves, inverses, determinants and
least squares built on them, symmetric eigendecomposition (Jacobi) and the SVD, pseudo-inverse and rank from it,
composed from pytensor's ops; ``eig`` (non-symmetric) is not built and says so."""
import numpy as _np

import pytensor as pt
from pytensor import _linalg_ops as _linalg

from .numpy import _float, _tensor, argsort, diagonal, take_along_axis


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


# Factorisations as eager loops over the matrix size: each step is batched, differentiable pytensor ops, so
# gradients follow; O(n) op calls per factorisation, meant for the small matrices Keras programs factor.
def _square(x, op):
    x = _float(x)
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise ValueError(f"keras.ops.{op}: expected square matrices (..., n, n), got shape {tuple(x.shape)}.")
    return x


def _unit(index, n, dtype):
    """One-hot rows ``(..., n)`` of ``index`` (an int or an int tensor)."""
    return pt.one_hot(pt.cast(pt.convert_to_tensor(index), "int32"), n, dtype=dtype)


def _outer(a, b):
    return pt.expand_dims(a, -1) * pt.expand_dims(b, -2)


def _as_matrix_rhs(a, b):
    b = _tensor(b, a.dtype.name)
    vector = b.ndim == a.ndim - 1
    return (pt.expand_dims(b, -1) if vector else b), vector


# The factorisations and solves are tf.linalg's (pytensor/_linalg_ops.py); these give them Keras's signatures.


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
    """``(eigenvalues, eigenvectors)`` of symmetric matrices, eigenvalues ascending, by cyclic Jacobi rotations in
    float64 (sweeps until the off-diagonal part vanishes); each eigenvector's sign is arbitrary, as LAPACK's."""
    x = _square(x, "eigh")
    a = pt.cast(x, "float64")
    n = a.shape[-1]
    eye = pt.broadcast_to(pt.eye(n, dtype="float64"), a.shape)
    vectors = eye
    for _ in range(_JACOBI_SWEEPS):
        off = pt.reduce_sum(pt.square(a - a * eye))
        if float(off.numpy()) <= 1e-30 * max(float(pt.reduce_sum(pt.square(a)).numpy()), 1e-300):
            break
        for p in range(n - 1):
            for q in range(p + 1, n):
                app, aqq, apq = a[..., p:p + 1, p:p + 1], a[..., q:q + 1, q:q + 1], a[..., p:p + 1, q:q + 1]
                rotate = pt.not_equal(apq, 0.0)
                theta = (aqq - app) / (2.0 * pt.where(rotate, apq, pt.ones_like(apq)))
                sign = pt.where(theta >= 0.0, pt.ones_like(theta), -pt.ones_like(theta))
                t = pt.where(rotate, sign / (pt.abs(theta) + pt.sqrt(theta * theta + 1.0)), pt.zeros_like(theta))
                c = pt.math.rsqrt(t * t + 1.0)
                s = t * c
                e_p, e_q = _unit(p, n, "float64"), _unit(q, n, "float64")
                rotation = eye + (c - 1.0) * (_outer(e_p, e_p) + _outer(e_q, e_q)) + s * (
                    _outer(e_p, e_q) - _outer(e_q, e_p))
                a = pt.matmul(pt.matmul(_swap_last(rotation), a), rotation)
                vectors = pt.matmul(vectors, rotation)
    values = diagonal(a, axis1=-2, axis2=-1)
    order = argsort(values, axis=-1)
    values = take_along_axis(values, order, axis=-1)
    vectors = take_along_axis(vectors, pt.expand_dims(order, -2), axis=-1)
    return pt.cast(values, x.dtype.name), pt.cast(vectors, x.dtype.name)


def svd(x, full_matrices=True, compute_uv=True):
    """``(u, s, vh)`` with ``x = u @ diag(s) @ vh`` and ``s`` descending (``s`` alone with ``compute_uv=False``),
    from ``eigh`` of the Gram matrix in float64: accurate for float32 matrices whose singular values are not
    below about 1e-7 of the largest. Singular vectors' signs are arbitrary, as LAPACK's."""
    x = _float(x)
    if x.ndim < 2:
        raise ValueError(f"keras.ops.svd: expected matrices (..., m, n), got shape {tuple(x.shape)}.")
    m, n = x.shape[-2], x.shape[-1]
    a = pt.cast(x, "float64")
    tall = m >= n
    if not tall:
        a = _swap_last(a)
    values, v = eigh(pt.matmul(_swap_last(a), a))
    values, v = values[..., ::-1], v[..., ::-1]  # descending
    s = pt.sqrt(pt.maximum(values, 0.0))
    if not compute_uv:
        return pt.cast(s, x.dtype.name)
    safe = pt.where(s > 0.0, s, pt.ones_like(s))
    u = pt.where(pt.expand_dims(s > 0.0, -2), pt.matmul(a, v) / pt.expand_dims(safe, -2), pt.zeros_like(
        pt.matmul(a, v)))
    if full_matrices and a.shape[-2] > a.shape[-1]:
        complement, _ = qr(u, mode="complete")
        u = pt.concat([u, complement[..., :, a.shape[-1]:]], axis=-1)
    if not tall:
        u, v = v, u
    u, s, vh = pt.cast(u, x.dtype.name), pt.cast(s, x.dtype.name), pt.cast(_swap_last(v), x.dtype.name)
    return u, s, vh


def pinv(x, rcond=None):
    """The Moore-Penrose pseudo-inverse from ``svd``; singular values below ``rcond * max(s)`` (default
    ``10 * max(m, n) * eps``, as TF) count as zero."""
    x = _float(x)
    u, s, vh = svd(x, full_matrices=False)
    m, n = x.shape[-2], x.shape[-1]
    rcond = 10.0 * max(m, n) * float(_np.finfo(x.dtype.name).eps) if rcond is None else rcond
    keep = s > rcond * pt.reduce_max(s, axis=-1, keepdims=True)
    inverse = pt.where(keep, 1.0 / pt.where(keep, s, pt.ones_like(s)), pt.zeros_like(s))
    return pt.matmul(_swap_last(vh) * pt.expand_dims(inverse, -2), _swap_last(u))


def matrix_rank(x, tol=None):
    """The number of singular values above ``tol`` (default ``max(s) * max(m, n) * eps``, as TF), int32."""
    x = _float(x)
    s = svd(x, compute_uv=False)
    if tol is None:
        tol = pt.reduce_max(s, axis=-1, keepdims=True) * (max(x.shape[-2:]) * float(_np.finfo(x.dtype.name).eps))
    return pt.reduce_sum(pt.cast(s > tol, "int32"), axis=-1)


# Cyclic Jacobi converges quadratically; 30 sweeps is far beyond what float64 needs for the matrices here.
_JACOBI_SWEEPS = 30


from ..._missing import missing_attribute_hook  # noqa: E402
__getattr__ = missing_attribute_hook("pytensor.keras.ops")  # a Keras op pytensor lacks says so (see _missing.py)
