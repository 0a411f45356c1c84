"""``tf.linalg`` functions composed of core ops (see linalg.py): transposes, bands and diagonals, and the LU,
Cholesky and QR decompositions with the solvers, determinants and inverses built on them."""

import math as _pymath

import numpy as np

from . import _core
from ._tensor_api import Tensor, Variable
from .errors import InvalidArgumentError

__all__ = [
    "matrix_transpose", "adjoint", "band_part", "diag", "diag_part", "set_diag", "tensor_diag", "tensor_diag_part",
    "trace", "matvec", "cross", "normalize", "lu", "lu_reconstruct", "lu_solve", "lu_matrix_inverse",
    "triangular_solve", "solve", "inv", "det", "slogdet", "logdet", "cholesky", "cholesky_solve", "qr", "lstsq",
    "expm", "tridiagonal_matmul", "tridiagonal_solve", "eigh", "eigvalsh", "svd", "pinv", "matrix_rank",
    "sqrtm", "logm", "banded_triangular_solve", "eigh_tridiagonal",
]

_TENSORS = (Tensor, Variable)


def _tensor(x, dtype_hint="float32"):
    if isinstance(x, _TENSORS):
        return x
    # numpy values keep their dtype (the core's dtype_hint would override it); the hint is for Python values
    return _core.convert_to_tensor(x, dtype_hint=None if isinstance(x, (np.ndarray, np.generic)) else dtype_hint)


def _matrix(x, op, square=False, floating=True):
    """`x` as a tensor of rank >= 2 (square in its last two axes if `square`), float32/float64 if `floating`."""
    x = _tensor(x)
    if floating and not x.dtype.is_floating:
        raise TypeError(f"{op}: got dtype {x.dtype.name}, expected a floating dtype (float32 or float64); cast "
                        "first with tf.cast")
    shape = x._shape_tuple()
    if len(shape) < 2:
        raise InvalidArgumentError(f"{op}: the input must be a matrix or a batch of matrices (rank >= 2), got "
                                   f"shape {shape}")
    if square and shape[-1] != shape[-2]:
        raise InvalidArgumentError(f"{op}: the input must be a square matrix (or a batch of them), got shape "
                                   f"{shape}")
    return x


def _rows(n):
    return _core.reshape(_core.range(n, dtype="int32"), (n, 1))


def _cols(n):
    return _core.reshape(_core.range(n, dtype="int32"), (1, n))


def _zero(like):
    return _core.constant(0, like.dtype)


def _one(like):
    return _core.constant(1, like.dtype)


def matrix_transpose(a, name="matrix_transpose", conjugate=False):
    """The transpose of the last two axes."""
    a = _matrix(a, "matrix_transpose", floating=False)
    perm = list(range(a.ndim))
    perm[-1], perm[-2] = perm[-2], perm[-1]
    return _core.transpose(a, perm)


def adjoint(matrix, name=None):
    """The conjugate transpose of the last two axes (the transpose, for real dtypes)."""
    return matrix_transpose(matrix)


def band_part(input, num_lower, num_upper, name=None):  # noqa: A002 - TF's name
    """The band of each matrix: `num_lower` subdiagonals and `num_upper` superdiagonals kept (negative: all of
    that triangle), everything else zero."""
    x = _matrix(input, "band_part", floating=False)
    m, n = x._shape_tuple()[-2:]
    offset = _cols(n) - _rows(m)  # j - i
    lower, upper = int(num_lower), int(num_upper)
    keep = _core.ones((m, n), "bool")
    if lower >= 0:
        keep = _core.logical_and(keep, offset >= -lower)
    if upper >= 0:
        keep = _core.logical_and(keep, offset <= upper)
    return _core.where(keep, x, _core.zeros_like(x))


def _diagonal_index(k, op):
    if not isinstance(k, (int, np.integer)):
        raise InvalidArgumentError(f"{op}: only a single diagonal (an integer k) is supported, got k={k!r}")
    return int(k)


def diag(diagonal, name="diag", k=0, num_rows=-1, num_cols=-1, padding_value=0, align="RIGHT_LEFT"):
    """A (batch of) matrix with `diagonal` on its k-th diagonal and `padding_value` elsewhere."""
    d = _tensor(diagonal)
    if d.ndim < 1:
        raise InvalidArgumentError(f"diag: diagonal must have rank >= 1, got shape {d._shape_tuple()}")
    k = _diagonal_index(k, "diag")
    n = d._shape_tuple()[-1]
    rows = n + abs(k) if num_rows == -1 else int(num_rows)
    cols = n + abs(k) if num_cols == -1 else int(num_cols)
    if rows - max(-k, 0) < n and cols - max(k, 0) < n:
        raise InvalidArgumentError(f"diag: a diagonal of {n} elements does not fit diagonal {k} of a {rows}x{cols} "
                                   "matrix")
    square = _core.expand_dims(d, -1) * _core.eye(n, dtype=d.dtype)
    top, left = max(-k, 0), max(k, 0)
    paddings = [[0, 0]] * (d.ndim - 1) + [[top, rows - n - top], [left, cols - n - left]]
    out = _core.pad(square, paddings)
    if padding_value != 0:
        on = _core.equal(_cols(cols) - _rows(rows), k)
        out = _core.where(on, out, _core.constant(padding_value, d.dtype))
    return out


def diag_part(input, name="diag_part", k=0, padding_value=0, align="RIGHT_LEFT"):  # noqa: A002
    """The k-th diagonal of each matrix."""
    x = _matrix(input, "diag_part", floating=False)
    k = _diagonal_index(k, "diag_part")
    m, n = x._shape_tuple()[-2:]
    x = x[..., :, k:] if k >= 0 else x[..., -k:, :]
    m, n = x._shape_tuple()[-2:]
    d = min(m, n)
    square = x[..., :d, :d]
    return _core.reduce_sum(square * _core.eye(d, dtype=x.dtype), axis=-1)


def set_diag(input, diagonal, name="set_diag", k=0, align="RIGHT_LEFT"):  # noqa: A002
    """Each matrix with its k-th diagonal replaced by `diagonal`."""
    x = _matrix(input, "set_diag", floating=False)
    k = _diagonal_index(k, "set_diag")
    m, n = x._shape_tuple()[-2:]
    d = _tensor(diagonal, x.dtype)
    length = min(m - max(-k, 0), n - max(k, 0))
    if d._shape_tuple()[-1:] != (length,):
        raise InvalidArgumentError(f"set_diag: diagonal {k} of a {m}x{n} matrix has {length} elements, got a "
                                   f"diagonal of shape {d._shape_tuple()}")
    full = diag(d, k=k, num_rows=m, num_cols=n)
    return _core.where(_core.equal(_cols(n) - _rows(m), k), full, x)


def tensor_diag(diagonal, name=None):
    """out[i1..ik, i1..ik] = diagonal[i1..ik], zero elsewhere: shape diagonal.shape * 2."""
    d = _tensor(diagonal)
    shape = d._shape_tuple()
    size = int(np.prod(shape))
    return _core.reshape(diag(_core.reshape(d, (size,))), shape + shape)


def tensor_diag_part(input, name=None):  # noqa: A002 - TF's name
    """The inverse of tensor_diag: out[i1..ik] = input[i1..ik, i1..ik]."""
    x = _tensor(input)
    shape = x._shape_tuple()
    half = len(shape) // 2
    if len(shape) % 2 or shape[:half] != shape[half:]:
        raise InvalidArgumentError(f"tensor_diag_part: the input's shape must be a shape repeated, got {shape}")
    size = int(np.prod(shape[:half]))
    return _core.reshape(diag_part(_core.reshape(x, (size, size))), shape[:half])


def trace(x, name=None):
    """The sum of each matrix's main diagonal."""
    return _core.reduce_sum(diag_part(_matrix(x, "trace", floating=False)), axis=-1)


def matvec(a, b, transpose_a=False, adjoint_a=False, a_is_sparse=False, b_is_sparse=False, name=None):
    """a @ b for a (batch of) matrix a and vector b."""
    a = _matrix(a, "matvec", floating=False)
    b = _tensor(b, a.dtype)
    product = _core.matmul(a, _core.expand_dims(b, -1), transpose_a=transpose_a or adjoint_a)
    return _core.squeeze(product, -1)


def cross(a, b, name=None):
    """The cross product of 3-vectors along the last axis."""
    a = _tensor(a)
    b = _tensor(b, a.dtype)
    if a._shape_tuple()[-1:] != (3,) or b._shape_tuple()[-1:] != (3,):
        raise InvalidArgumentError(f"cross: both inputs need a last axis of 3, got {a._shape_tuple()} and "
                                   f"{b._shape_tuple()}")
    a0, a1, a2 = a[..., 0], a[..., 1], a[..., 2]
    b0, b1, b2 = b[..., 0], b[..., 1], b[..., 2]
    return _core.stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], -1)


def normalize(tensor, ord="euclidean", axis=None, name=None):  # noqa: A002 - TF's name
    """(tensor / norm(tensor), norm), the norm keeping its reduced axes."""
    from ._tf_ops import norm

    tensor = _tensor(tensor)
    n = norm(tensor, ord=ord, axis=axis, keepdims=True)
    return tensor / n, n


# --- LU -----------------------------------------------------------------------------------------------------------


def _lu(a):
    """Gaussian elimination with partial pivoting on square (..., n, n) `a`, a vectorised step per column:
    (L and U in one matrix, the row permutation, the number of row swaps)."""
    shape = a._shape_tuple()
    n, batch = shape[-1], shape[:-2]
    rows, cols = _rows(n), _cols(n)
    positions = _core.range(n, dtype="int32")
    perm = _core.broadcast_to(positions, batch + (n,))
    swaps = _core.zeros(batch, "int32")
    for k in range(n):
        column = _core.stop_gradient(_core.abs(a[..., :, k]))
        column = _core.where(positions >= k, column, _core.constant(-1, a.dtype))
        pivot_row = _core.argmax(column, axis=-1, output_type="int32")
        moved = pivot_row - k
        step = positions + _core.expand_dims(moved, -1) * (
            _core.one_hot(k, n, dtype="int32") - _core.one_hot(pivot_row, n, dtype="int32"))
        a = _core.gather(a, step, axis=len(batch), batch_dims=len(batch))
        perm = _core.gather(perm, step, axis=len(batch), batch_dims=len(batch))
        swaps = swaps + _core.cast(_core.not_equal(moved, 0), "int32")
        pivot = a[..., k:k + 1, k:k + 1]
        pivot = _core.where(_core.equal(pivot, 0), _one(pivot), pivot)
        below = rows > k
        multipliers = _core.where(below, a[..., :, k:k + 1] / pivot, _zero(a))
        a = a - multipliers * _core.where(cols > k, a[..., k:k + 1, :], _zero(a))
        a = _core.where(_core.logical_and(below, _core.equal(cols, k)), multipliers, a)
    return a, perm, swaps


def lu(input, output_idx_type="int32", name=None):  # noqa: A002 - TF's name
    """The LU decomposition with partial pivoting: ``(lu, p)``, L (unit lower, diagonal implied) and U packed in
    one matrix, and the permutation with ``input[..., p, :] = L @ U``."""
    a = _matrix(input, "lu", square=True)
    packed, perm, _ = _lu(a)
    from collections import namedtuple

    return namedtuple("Lu", ["lu", "p"])(packed, _core.cast(perm, output_idx_type))


def _unpack_lu(packed):
    n = packed._shape_tuple()[-1]
    rows, cols = _rows(n), _cols(n)
    lower = _core.where(rows > cols, packed, _core.where(_core.equal(rows, cols), _one(packed), _zero(packed)))
    upper = _core.where(cols >= rows, packed, _zero(packed))
    return lower, upper


def _inverse_permutation(perm):
    n = perm._shape_tuple()[-1]
    # inverse[perm[i]] = i, as a (batched) one-hot product
    hits = _core.one_hot(perm, n, dtype="int32")  # (..., i, perm[i])
    return _core.reduce_sum(hits * _core.reshape(_core.range(n, dtype="int32"), (n, 1)), axis=-2)


def lu_reconstruct(lower_upper, perm, validate_args=False, name=None):
    """The matrix whose LU decomposition is ``(lower_upper, perm)``."""
    packed = _matrix(lower_upper, "lu_reconstruct", square=True)
    lower, upper = _unpack_lu(packed)
    product = _core.matmul(lower, upper)
    batch = packed._shape_tuple()[:-2]
    inverse = _inverse_permutation(_core.cast(_tensor(perm), "int32"))
    return _core.gather(product, inverse, axis=len(batch), batch_dims=len(batch))


def _broadcast_batch(matrix, rhs, op):
    """`matrix` and `rhs` with their batch axes broadcast against each other."""
    mb, rb = matrix._shape_tuple()[:-2], rhs._shape_tuple()[:-2]
    try:
        batch = np.broadcast_shapes(mb, rb)
    except ValueError:
        raise InvalidArgumentError(f"{op}: the batch shapes of matrix {matrix._shape_tuple()} and rhs "
                                   f"{rhs._shape_tuple()} do not broadcast") from None
    return (_core.broadcast_to(matrix, batch + matrix._shape_tuple()[-2:]),
            _core.broadcast_to(rhs, batch + rhs._shape_tuple()[-2:]))


def _check_rhs(matrix, rhs, op):
    rhs = _tensor(rhs, matrix.dtype)
    if rhs.dtype != matrix.dtype:
        raise TypeError(f"{op}: matrix is {matrix.dtype.name} and rhs is {rhs.dtype.name}; cast one so both match")
    if rhs.ndim < 2 or rhs._shape_tuple()[-2] != matrix._shape_tuple()[-1]:
        raise InvalidArgumentError(f"{op}: rhs must be (..., {matrix._shape_tuple()[-1]}, K) for a matrix of shape "
                                   f"{matrix._shape_tuple()}, got {rhs._shape_tuple()}")
    return rhs


def triangular_solve(matrix, rhs, lower=True, adjoint=False, name=None):
    """x with matrix @ x = rhs for triangular matrices (only the `lower` or upper triangle is read), by
    substitution one row at a time."""
    matrix = _matrix(matrix, "triangular_solve", square=True)
    rhs = _check_rhs(matrix, rhs, "triangular_solve")
    if adjoint:
        matrix, lower = matrix_transpose(matrix), not lower
    matrix, rhs = _broadcast_batch(matrix, rhs, "triangular_solve")
    n = matrix._shape_tuple()[-1]
    rows, cols = _rows(n), _cols(n)
    x = _core.zeros_like(rhs)
    for i in (range(n) if lower else range(n - 1, -1, -1)):
        solved = (cols < i) if lower else (cols > i)
        row = _core.where(solved, matrix[..., i:i + 1, :], _zero(matrix))
        value = (rhs[..., i:i + 1, :] - _core.matmul(row, x)) / matrix[..., i:i + 1, i:i + 1]
        x = _core.where(_core.equal(rows, i), value, x)
    return x


def _check_invertible(packed, op):
    pivots = np.asarray(diag_part(packed))
    if pivots.size and not np.all(pivots != 0):
        raise InvalidArgumentError(f"{op}: Input matrix is not invertible (a zero pivot in its LU decomposition)")


def lu_solve(lower_upper, perm, rhs, validate_args=False, name=None):
    """x with A @ x = rhs, for A given by its LU decomposition ``(lower_upper, perm)``."""
    packed = _matrix(lower_upper, "lu_solve", square=True)
    rhs = _check_rhs(packed, rhs, "lu_solve")
    packed, rhs = _broadcast_batch(packed, rhs, "lu_solve")
    batch = packed._shape_tuple()[:-2]
    perm = _core.broadcast_to(_core.cast(_tensor(perm), "int32"), batch + packed._shape_tuple()[-1:])
    lower, upper = _unpack_lu(packed)
    permuted = _core.gather(rhs, perm, axis=len(batch), batch_dims=len(batch))
    return triangular_solve(upper, triangular_solve(lower, permuted, lower=True), lower=False)


def lu_matrix_inverse(lower_upper, perm, validate_args=False, name=None):
    """The inverse of A given by its LU decomposition ``(lower_upper, perm)``."""
    packed = _matrix(lower_upper, "lu_matrix_inverse", square=True)
    shape = packed._shape_tuple()
    return lu_solve(packed, perm, _core.eye(shape[-1], batch_shape=shape[:-2] or None, dtype=packed.dtype))


def solve(matrix, rhs, adjoint=False, name=None):
    """x with matrix @ x = rhs (matrix^T @ x = rhs if `adjoint`); InvalidArgumentError for a singular matrix."""
    matrix = _matrix(matrix, "solve", square=True)
    rhs = _check_rhs(matrix, rhs, "solve")
    if adjoint:
        matrix = matrix_transpose(matrix)
    packed, perm, _ = _lu(matrix)
    _check_invertible(packed, "solve")
    return lu_solve(packed, perm, rhs)


def inv(input, adjoint=False, name=None):  # noqa: A002 - TF's name
    """The inverse of each matrix; InvalidArgumentError for a singular one."""
    a = _matrix(input, "inv", square=True)
    shape = a._shape_tuple()
    if adjoint:
        a = matrix_transpose(a)
    packed, perm, _ = _lu(a)
    _check_invertible(packed, "inv")
    return lu_solve(packed, perm, _core.eye(shape[-1], batch_shape=shape[:-2] or None, dtype=a.dtype))


def _parity(swaps, like):
    return _core.cast(1 - 2 * _core.floormod(swaps, 2), like.dtype)


def det(input, name=None):  # noqa: A002 - TF's name
    """The determinant of each square matrix (the product of the LU pivots, signed by the row swaps)."""
    a = _matrix(input, "det", square=True)
    packed, _, swaps = _lu(a)
    return _core.reduce_prod(diag_part(packed), axis=-1) * _parity(swaps, a)


def slogdet(input, name=None):  # noqa: A002 - TF's name
    """(sign, log|det|) of each square matrix, without the overflow of det (sign 0 and -inf when singular)."""
    a = _matrix(input, "slogdet", square=True)
    packed, _, swaps = _lu(a)
    pivots = diag_part(packed)
    sign = _core.reduce_prod(_core.sign(pivots), axis=-1) * _parity(swaps, a)
    return sign, _core.reduce_sum(_core.log(_core.abs(pivots)), axis=-1)


def logdet(matrix, name=None):
    """log det of each Hermitian positive definite matrix, 2 sum(log(diag(cholesky)))."""
    chol = cholesky(_matrix(matrix, "logdet", square=True))
    return 2.0 * _core.reduce_sum(_core.log(diag_part(chol)), axis=-1)


# --- Cholesky, QR, least squares -----------------------------------------------------------------------------------


def cholesky(input, name=None):  # noqa: A002 - TF's name
    """The lower-triangular L with L @ L^T = input, for symmetric positive definite matrices (only the lower
    triangle is read); InvalidArgumentError otherwise."""
    a = _matrix(input, "cholesky", square=True)
    n = a._shape_tuple()[-1]
    rows, cols = _rows(n), _cols(n)
    chol = _core.zeros_like(a)
    for j in range(n):
        rest = a[..., :, j:j + 1] - _core.matmul(chol, chol[..., j:j + 1, :], transpose_b=True)
        pivot = rest[..., j:j + 1, :]
        root = _core.sqrt(_core.where(pivot > 0, pivot, _one(pivot)))
        column = _core.where(rows > j, rest / root, _core.where(_core.equal(rows, j), root, _zero(a)))
        column = _core.where(pivot > 0, column, _core.constant(np.nan, a.dtype))
        chol = _core.where(_core.equal(cols, j), column, chol)
    if not np.all(np.isfinite(np.asarray(diag_part(chol)))):
        raise InvalidArgumentError("cholesky: Cholesky decomposition was not successful. The input might not be "
                                   "valid (it must be symmetric positive definite).")
    return chol


def cholesky_solve(chol, rhs, name=None):
    """x with A @ x = rhs, for A = chol @ chol^T given by its Cholesky factor."""
    chol = _matrix(chol, "cholesky_solve", square=True)
    return triangular_solve(chol, triangular_solve(chol, rhs, lower=True), lower=True, adjoint=True)


def qr(input, full_matrices=False, name=None):  # noqa: A002 - TF's name
    """``(q, r)`` with input = q @ r, q orthonormal columns and r upper triangular, by Householder reflections
    (LAPACK's sign convention, as TF). Reduced (min(M, N) columns of q) unless `full_matrices`."""
    a = _matrix(input, "qr")
    shape = a._shape_tuple()
    m, n = shape[-2:]
    rows, cols = _rows(m), _cols(n)
    q = _core.eye(m, batch_shape=shape[:-2] or None, dtype=a.dtype)
    r = a
    for k in range(min(m - 1, n)):
        x = r[..., :, k:k + 1]
        alpha = x[..., k:k + 1, :]
        tail = _core.reduce_sum(_core.square(_core.where(rows > k, x, _zero(x))), axis=-2, keepdims=True)
        reflect = tail > 0
        norm = _core.sqrt(_core.where(reflect, _core.square(alpha) + tail, _one(tail)))
        beta = _core.where(alpha >= 0, -norm, norm)
        scale = _core.where(reflect, alpha - beta, _one(alpha))
        tau = _core.where(reflect, (beta - alpha) / _core.where(reflect, beta, _one(beta)), _zero(alpha))
        v = _core.where(rows > k, x / scale, _core.where(_core.equal(rows, k), _one(x), _zero(x)))
        r = r - tau * _core.matmul(v, _core.matmul(v, r, transpose_a=True))
        q = q - tau * _core.matmul(_core.matmul(q, v), v, transpose_b=True)
    r = _core.where(cols >= rows, r, _zero(r))
    if full_matrices or m <= n:
        return _qr_result(q, r)
    return _qr_result(q[..., :, :n], r[..., :n, :])


def _qr_result(q, r):
    from collections import namedtuple

    return namedtuple("Qr", ["q", "r"])(q, r)


def lstsq(matrix, rhs, l2_regularizer=0.0, fast=True, name=None):
    """The x minimising ||matrix @ x - rhs||^2 + l2_regularizer ||x||^2, by the normal equations and a
    Cholesky solve (TF's fast path; matrix must have full rank)."""
    a = _matrix(matrix, "lstsq")
    b = _check_rhs(matrix_transpose(a), rhs, "lstsq")
    m, n = a._shape_tuple()[-2:]
    ridge = float(l2_regularizer)
    if m >= n:
        gram = _core.matmul(a, a, transpose_a=True) + ridge * _core.eye(n, dtype=a.dtype)
        return cholesky_solve(cholesky(gram), _core.matmul(a, b, transpose_a=True))
    gram = _core.matmul(a, a, transpose_b=True) + ridge * _core.eye(m, dtype=a.dtype)
    return _core.matmul(a, cholesky_solve(cholesky(gram), b), transpose_a=True)


_PADE13 = (64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0, 129060195264000.0,
           10559470521600.0, 670442572800.0, 33522128640.0, 1323241920.0, 40840800.0, 960960.0, 16380.0, 182.0, 1.0)


def expm(input, name=None):  # noqa: A002 - TF's name
    """The matrix exponential, by scaling and squaring with the degree-13 Pade approximant (Higham 2005)."""
    a = _matrix(input, "expm", square=True)
    shape = a._shape_tuple()
    n = shape[-1]
    one_norm = float(np.max(np.sum(np.abs(np.asarray(a)), axis=-2), initial=0.0))
    squarings = max(0, int(_pymath.ceil(_pymath.log2(one_norm / 5.371920351148152)))) if one_norm > 0 else 0
    a = a / float(2 ** squarings)
    b = _PADE13
    ident = _core.eye(n, batch_shape=shape[:-2] or None, dtype=a.dtype)
    a2 = _core.matmul(a, a)
    a4 = _core.matmul(a2, a2)
    a6 = _core.matmul(a4, a2)
    u = _core.matmul(a, _core.matmul(a6, b[13] * a6 + b[11] * a4 + b[9] * a2) + b[7] * a6 + b[5] * a4 + b[3] * a2
                     + b[1] * ident)
    v = _core.matmul(a6, b[12] * a6 + b[10] * a4 + b[8] * a2) + b[6] * a6 + b[4] * a4 + b[2] * a2 + b[0] * ident
    result = solve(v - u, v + u)
    for _ in range(squarings):
        result = _core.matmul(result, result)
    return result


def _tridiagonal_dense(diagonals, op):
    d = _tensor(diagonals)
    if d.ndim < 2 or d._shape_tuple()[-2] != 3:
        raise InvalidArgumentError(f"{op}: diagonals must be (..., 3, N) in the compact format (superdiagonal, "
                                   f"diagonal, subdiagonal), got {d._shape_tuple()}")
    return (diag(d[..., 1, :]) + diag(d[..., 0, :-1], k=1) + diag(d[..., 2, 1:], k=-1))


def tridiagonal_matmul(diagonals, rhs, diagonals_format="compact", name=None):
    """The product of tridiagonal matrices (compact format: superdiagonal, diagonal, subdiagonal rows) and rhs."""
    if diagonals_format != "compact":
        raise ValueError(f"tridiagonal_matmul: only the 'compact' format is supported, got {diagonals_format!r}")
    dense = _tridiagonal_dense(diagonals, "tridiagonal_matmul")
    return _core.matmul(dense, _tensor(rhs, dense.dtype))


def tridiagonal_solve(diagonals, rhs, diagonals_format="compact", transpose_rhs=False, conjugate_rhs=False,
                      name=None, partial_pivoting=True, perturb_singular=False):
    """x with T @ x = rhs for tridiagonal T (compact format), by pivoted LU of T."""
    if diagonals_format != "compact":
        raise ValueError(f"tridiagonal_solve: only the 'compact' format is supported, got {diagonals_format!r}")
    dense = _tridiagonal_dense(diagonals, "tridiagonal_solve")
    rhs = _tensor(rhs, dense.dtype)
    vector = rhs.ndim == dense.ndim - 1
    if transpose_rhs:
        rhs = matrix_transpose(rhs)
    x = solve(dense, _core.expand_dims(rhs, -1) if vector else rhs)
    return _core.squeeze(x, -1) if vector else x


# --- eigen- and singular values ------------------------------------------------------------------------------------


def _unit(index, n, dtype):
    return _core.one_hot(_core.cast(_core.convert_to_tensor(index), "int32"), n, dtype=dtype)


def _outer(a, b):
    return _core.expand_dims(a, -1) * _core.expand_dims(b, -2)


# Cyclic Jacobi converges quadratically; 30 sweeps is far beyond what float64 needs for the matrices here.
_JACOBI_SWEEPS = 30


def eigh(tensor, name=None):
    """``(eigenvalues, eigenvectors)`` of symmetric matrices, eigenvalues ascending, by cyclic Jacobi rotations in
    float64 (sweeps until the off-diagonal part vanishes; O(n^2) rotations per sweep, meant for small matrices);
    each eigenvector's sign is arbitrary, as LAPACK's."""
    x = _matrix(tensor, "eigh", square=True)
    a = _core.cast(x, "float64")
    n = a._shape_tuple()[-1]
    eye = _core.broadcast_to(_core.eye(n, dtype="float64"), a._shape_tuple())
    vectors = eye
    for _ in range(_JACOBI_SWEEPS):
        off = _core.reduce_sum(_core.square(a - a * eye))
        if float(off) <= 1e-30 * max(float(_core.reduce_sum(_core.square(a))), 1e-300):
            break
        for p in range(n - 1):
            for q in range(p + 1, n):
                app, aqq, apq = a[..., p:p + 1, p:p + 1], a[..., q:q + 1, q:q + 1], a[..., p:p + 1, q:q + 1]
                rotate = _core.not_equal(apq, 0.0)
                theta = (aqq - app) / (2.0 * _core.where(rotate, apq, _core.ones_like(apq)))
                sign = _core.where(theta >= 0.0, _core.ones_like(theta), -_core.ones_like(theta))
                t = _core.where(rotate, sign / (_core.abs(theta) + _core.sqrt(theta * theta + 1.0)),
                                _core.zeros_like(theta))
                c = _core.rsqrt(t * t + 1.0)
                s = t * c
                e_p, e_q = _unit(p, n, "float64"), _unit(q, n, "float64")
                rotation = eye + (c - 1.0) * (_outer(e_p, e_p) + _outer(e_q, e_q)) + s * (
                    _outer(e_p, e_q) - _outer(e_q, e_p))
                a = _core.matmul(_core.matmul(matrix_transpose(rotation), a), rotation)
                vectors = _core.matmul(vectors, rotation)
    from ._array_ops import argsort

    values = diag_part(a)
    order = argsort(values, axis=-1, stable=True)
    batch = len(values._shape_tuple()) - 1
    values = _core.gather(values, order, axis=batch, batch_dims=batch)
    vectors = _core.gather(vectors, order, axis=batch + 1, batch_dims=batch)
    return _core.cast(values, x.dtype), _core.cast(vectors, x.dtype)


def eigvalsh(tensor, name=None):
    """The eigenvalues of symmetric matrices, ascending."""
    return eigh(tensor)[0]


def _svd(x, full_matrices):
    """(u, s, v) in float64, s descending, by one-sided Jacobi (Hestenes) rotations of the columns: singular
    values to full relative precision, the small ones included."""
    m, n = x._shape_tuple()[-2:]
    a = _core.cast(x, "float64")
    tall = m >= n
    if not tall:
        a = matrix_transpose(a)
    cols = a._shape_tuple()[-1]
    eye = _core.broadcast_to(_core.eye(cols, dtype="float64"), a._shape_tuple()[:-2] + (cols, cols))
    v = eye
    for _ in range(_JACOBI_SWEEPS):
        gram = _core.matmul(a, a, transpose_a=True)
        diagonal = diag_part(gram)
        scale = _core.sqrt(_core.expand_dims(diagonal, -1) * _core.expand_dims(diagonal, -2))
        if not np.any(np.asarray(_core.abs(gram - gram * eye)) > 1e-15 * np.asarray(scale)):
            break
        for p in range(cols - 1):
            for q in range(p + 1, cols):
                ap, aq = a[..., :, p:p + 1], a[..., :, q:q + 1]
                alpha = _core.reduce_sum(ap * ap, axis=-2, keepdims=True)
                beta = _core.reduce_sum(aq * aq, axis=-2, keepdims=True)
                gamma = _core.reduce_sum(ap * aq, axis=-2, keepdims=True)
                rotate = _core.not_equal(gamma, 0.0)
                zeta = (beta - alpha) / (2.0 * _core.where(rotate, gamma, _core.ones_like(gamma)))
                sign = _core.where(zeta >= 0.0, _core.ones_like(zeta), -_core.ones_like(zeta))
                t = _core.where(rotate, sign / (_core.abs(zeta) + _core.sqrt(zeta * zeta + 1.0)),
                                _core.zeros_like(zeta))
                c = _core.rsqrt(t * t + 1.0)
                s = t * c
                e_p, e_q = _unit(p, cols, "float64"), _unit(q, cols, "float64")
                rotation = eye + (c - 1.0) * (_outer(e_p, e_p) + _outer(e_q, e_q)) + s * (
                    _outer(e_p, e_q) - _outer(e_q, e_p))
                a = _core.matmul(a, rotation)
                v = _core.matmul(v, rotation)
    from ._array_ops import argsort

    values = _core.sqrt(_core.reduce_sum(a * a, axis=-2))
    order = argsort(values, axis=-1, direction="DESCENDING", stable=True)
    batch = len(values._shape_tuple()) - 1
    values = _core.gather(values, order, axis=batch, batch_dims=batch)
    a = _core.gather(a, order, axis=batch + 1, batch_dims=batch)
    v = _core.gather(v, order, axis=batch + 1, batch_dims=batch)
    safe = _core.where(values > 0.0, values, _core.ones_like(values))
    u = _core.where(_core.expand_dims(values > 0.0, -2), a / _core.expand_dims(safe, -2), _core.zeros_like(a))
    rows = a._shape_tuple()[-2]
    if full_matrices and rows > cols:
        complement, _ = qr(u, full_matrices=True)
        u = _core.concat([u, complement[..., :, cols:]], -1)
    return (u, values, v) if tall else (v, values, u)


def svd(tensor, full_matrices=False, compute_uv=True, name=None):
    """``(s, u, v)`` with tensor = u @ diag(s) @ v^T and s descending (s alone unless `compute_uv`), by one-sided
    Jacobi rotations in float64 (O(n^2) rotations per sweep: meant for small matrices). Singular vectors' signs
    are arbitrary, as LAPACK's."""
    x = _matrix(tensor, "svd")
    u, s, v = _svd(x, full_matrices and compute_uv)
    if not compute_uv:
        return _core.cast(s, x.dtype)
    return _core.cast(s, x.dtype), _core.cast(u, x.dtype), _core.cast(v, x.dtype)


def pinv(a, rcond=None, validate_args=False, name=None):
    """The Moore-Penrose pseudo-inverse from svd; singular values below ``rcond * max(s)`` (default
    ``10 * max(m, n) * eps``, as TF) count as zero."""
    x = _matrix(a, "pinv")
    s, u, v = svd(x)
    m, n = x._shape_tuple()[-2:]
    rcond = 10.0 * max(m, n) * float(np.finfo(x.dtype.name).eps) if rcond is None else rcond
    keep = s > rcond * _core.reduce_max(s, axis=-1, keepdims=True)
    inverse = _core.where(keep, 1.0 / _core.where(keep, s, _core.ones_like(s)), _core.zeros_like(s))
    return _core.matmul(v * _core.expand_dims(inverse, -2), u, transpose_b=True)


def matrix_rank(a, tol=None, validate_args=False, name=None):
    """The number of singular values above `tol` (default ``max(s) * max(m, n) * eps``, as TF), int32."""
    x = _matrix(a, "matrix_rank")
    s = svd(x, compute_uv=False)
    if tol is None:
        tol = _core.reduce_max(s, axis=-1, keepdims=True) * (max(x._shape_tuple()[-2:]) *
                                                             float(np.finfo(x.dtype.name).eps))
    return _core.reduce_sum(_core.cast(s > tol, "int32"), axis=-1)


_SQRTM_ITERATIONS = 60


def sqrtm(input, name=None):  # noqa: A002 - TF's name
    """The principal square root X (``X @ X = input``) of matrices with no eigenvalue on the closed negative real
    axis, by the Denman-Beavers iteration (Y <- (Y + Z^-1) / 2, Z <- (Z + Y^-1) / 2 from Y = A, Z = I) in float64
    until it settles; differentiable through its steps."""
    x = _matrix(input, "sqrtm", square=True)
    a = _core.cast(x, "float64")
    y, z = a, _core.broadcast_to(_core.eye(a._shape_tuple()[-1], dtype="float64"), a._shape_tuple())
    for _ in range(_SQRTM_ITERATIONS):
        y_next = 0.5 * (y + inv(z))
        z = 0.5 * (z + inv(y))
        change = float(_core.reduce_max(_core.abs(y_next - y)))
        y = y_next
        if change <= 1e-14 * max(float(_core.reduce_max(_core.abs(y))), 1e-300):
            break
    return _core.cast(y, x.dtype)


def logm(input, name=None):  # noqa: A002 - TF's name
    """The principal logarithm of complex matrices (complex64 or complex128, as TF) with no eigenvalue on the closed
    negative real axis. The complex n x n matrix X + iY acts as the real 2n x 2n matrix [[X, -Y], [Y, X]], whose
    principal logarithm is [[Re L, -Im L], [Im L, Re L]]; that one is taken by inverse scaling and squaring in
    float64: square roots (sqrtm) until it is within 0.25 of I, then log M = 2 atanh((M - I)(M + I)^-1) by its
    series, times 2^roots. Differentiable through its steps."""
    x = _tensor(input, "complex64")
    if not x.dtype.is_complex:
        raise InvalidArgumentError(f"logm: got dtype {x.dtype.name}, expected complex64 or complex128 (TF's logm is "
                                   "complex only); make the input complex with tf.cast(x, tf.complex128)")
    x = _matrix(x, "logm", square=True, floating=False)
    from ._math_ops import complex as complex_, imag, real

    n = x._shape_tuple()[-1]
    re, im = _core.cast(real(x), "float64"), _core.cast(imag(x), "float64")
    m = _core.concat([_core.concat([re, -im], -1), _core.concat([im, re], -1)], -2)
    eye = _core.broadcast_to(_core.eye(2 * n, dtype="float64"), m._shape_tuple())
    roots = 0
    while float(_core.reduce_max(_core.reduce_sum(_core.abs(m - eye), axis=-2))) > 0.25 and roots < 64:
        m = sqrtm(m)
        roots += 1
    z = solve(m + eye, m - eye)  # (M - I)(M + I)^-1: the two commute
    z2, term = _core.matmul(z, z), z
    total = z
    for k in range(1, 40):  # |z| <= 1/7 after the roots: the terms shrink 49-fold each step
        term = _core.matmul(term, z2)
        total = total + term / (2 * k + 1)
        if float(_core.reduce_max(_core.abs(term))) < 1e-18 * (2 * k + 1):
            break
    log = total * float(2 ** (roots + 1))
    return _core.cast(complex_(log[..., :n, :n], log[..., n:, :n]), x.dtype)


def banded_triangular_solve(bands, rhs, lower=True, adjoint=False, name=None):
    """Solves ``A x = rhs`` for a triangular A given by its `bands` ([..., K, N]: the diagonal and K - 1 sub- (lower)
    or super-diagonals (upper, listed from the farthest to the diagonal), in TF's LEFT_RIGHT alignment)."""
    b = _matrix(bands, "banded_triangular_solve")
    k, n = b._shape_tuple()[-2:]
    if k > n:
        raise InvalidArgumentError(f"banded_triangular_solve: {k} bands for a matrix of size {n}")
    dense = None
    for row in range(k):
        offset = row if lower else k - 1 - row  # distance of this band from the diagonal
        band = b[..., row, :]
        # subdiagonals are padded on the left, superdiagonals on the right (LEFT_RIGHT)
        part = diag(band[..., offset:] if lower else band[..., :n - offset], k=-offset if lower else offset)
        dense = part if dense is None else dense + part
    return triangular_solve(dense, rhs, lower=lower, adjoint=adjoint)


def eigh_tridiagonal(alpha, beta, eigvals_only=True, select="a", select_range=None, tol=None, name=None):
    """Eigenvalues (and eigenvectors unless `eigvals_only`) of the symmetric tridiagonal matrix with diagonal
    `alpha` and off-diagonal `beta`; `select` 'a' (all), 'v' (values in select_range) or 'i' (indices)."""
    a = _tensor(alpha)
    off = _tensor(beta)
    n = a._shape_tuple()[-1]
    if off._shape_tuple()[-1] != n - 1:
        raise ValueError(f"eigh_tridiagonal: beta must have {n - 1} entries for an alpha of {n}, got "
                         f"{off._shape_tuple()[-1]}")
    matrix = diag(a) + diag(off, k=1) + diag(off, k=-1)
    values, vectors = eigh(matrix)
    if select == "a":
        keep = None
    elif select == "i":
        low, high = (int(v) for v in select_range)
        keep = np.arange(low, high + 1)
    elif select == "v":
        low, high = (float(v) for v in select_range)
        found = np.asarray(values)
        keep = np.flatnonzero((found > low) & (found <= high))
    else:
        raise ValueError(f"eigh_tridiagonal: select must be 'a', 'v' or 'i', got {select!r}")
    if keep is not None:
        picked = _core.constant(keep.astype(np.int64), "int64")
        values = _core.gather(values, picked, axis=-1)
        vectors = _core.gather(vectors, picked, axis=-1)
    return values if eigvals_only else (values, vectors)
