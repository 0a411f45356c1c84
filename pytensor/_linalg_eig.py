"""``tf.linalg.eig`` / ``eigvals`` (also ``tf.eig`` / ``tf.eigvals``) of real square matrices, composed of core ops.

Eigenvalues: Householder reduction to Hessenberg form, then shifted QR iterations (tf.linalg.qr) in float64
until the matrix is quasi-triangular: a last row whose off-diagonal part vanished gives a real eigenvalue, a last
pair of rows decoupled from the rest a 2x2 block whose two eigenvalues (a complex-conjugate pair or two reals) the
quadratic formula gives. Eigenvectors: inverse
iteration with each eigenvalue, on the real 2n x 2n form of the complex matrix A - lambda I, solved by
tf.linalg.solve; each is scaled to unit Euclidean norm with its largest component real and positive (LAPACK's
normalisation up to sign). The order of the eigenvalues is the deflation order (LAPACK's is unspecified too);
meant for small matrices, and, as the iteration is decided in Python, not differentiable.
"""

import cmath
import math

import numpy as np

from . import _core
from ._linalg_ops import _matrix, qr, solve
from ._math_ops import complex as complex_
from .errors import InvalidArgumentError

_MAX_SWEEPS_PER_EIGENVALUE = 60
_INVERSE_ITERATIONS = 3


def _off_norm(h, rows, cols):
    return float(_core.reduce_sum(_core.square(h[rows[0]:rows[1], cols[0]:cols[1]]))) ** 0.5 if cols[1] > cols[0] \
        else 0.0


def _hessenberg(a):
    """A matrix similar to float64 `a` with zeros below its first subdiagonal, by Householder reflections
    (H <- P H P, P = I - 2 v v^T): the form on which shifted QR steps converge and keep their shape."""
    n = a._shape_tuple()[-1]
    h = a
    for k in range(n - 2):
        column = h[k + 1:, k]
        norm = float(_core.sqrt(_core.reduce_sum(_core.square(column))))
        if norm == 0.0:
            continue
        # the reflection's direction: the column below the diagonal, its first entry moved away from zero
        shift = norm if float(column[0]) >= 0 else -norm
        v = _core.concat([_core.zeros((k + 1,), "float64"), column], 0) + shift * _core.one_hot(k + 1, n,
                                                                                               dtype="float64")
        v = _core.reshape(v / _core.sqrt(_core.reduce_sum(_core.square(v))), (n, 1))
        h = h - 2.0 * _core.matmul(v, _core.matmul(v, h, transpose_a=True))
        h = h - 2.0 * _core.matmul(_core.matmul(h, v), v, transpose_b=True)
    return h


def _eigenvalues_of_one(a):
    """The eigenvalues (Python complex numbers) of one float64 square matrix `a`."""
    n = a._shape_tuple()[-1]
    scale = max(float(_core.reduce_max(_core.abs(a))), 1e-300) if n else 1.0
    # a few roundings of the whole matrix: the floor below which QR steps cannot push an off-diagonal row
    tol = 8 * np.finfo(np.float64).eps * max(float(_core.sqrt(_core.reduce_sum(_core.square(a)))), 1e-300)
    h, values, m, sweeps = _hessenberg(a), [], n, 0
    while m > 0:
        if m == 1:
            values.append(complex(float(h[0, 0])))
            break
        if _off_norm(h, (m - 1, m), (0, m - 1)) <= tol:
            values.append(complex(float(h[m - 1, m - 1])))
            m, sweeps = m - 1, 0
            h = h[:m, :m]
            continue
        if m == 2 or _off_norm(h, (m - 2, m), (0, m - 2)) <= tol:
            p, q = float(h[m - 2, m - 2]), float(h[m - 2, m - 1])
            r, s = float(h[m - 1, m - 2]), float(h[m - 1, m - 1])
            half_trace, det = (p + s) / 2.0, p * s - q * r
            root = cmath.sqrt(half_trace * half_trace - det)
            values += [half_trace + root, half_trace - root]
            m, sweeps = m - 2, 0
            h = h[:m, :m]
            continue
        sweeps += 1
        if sweeps > _MAX_SWEEPS_PER_EIGENVALUE:
            raise InvalidArgumentError(f"eig: the QR iteration did not converge in {_MAX_SWEEPS_PER_EIGENVALUE} "
                                       f"sweeps for the trailing {m}x{m} block")
        # shifts: the bottom 2x2 block's eigenvalues. Real ones: a single shift by the one nearer the last diagonal
        # entry. A complex pair: both at once (Francis's double shift, made explicit: Q from the QR of the real
        # matrix H^2 - 2 Re(mu) H + |mu|^2 I). Every 10th sweep an exceptional shift breaks cycles.
        p, q = float(h[m - 2, m - 2]), float(h[m - 2, m - 1])
        r, s = float(h[m - 1, m - 2]), float(h[m - 1, m - 1])
        half_trace, det = (p + s) / 2.0, p * s - q * r
        disc = half_trace * half_trace - det
        eye = _core.eye(m, dtype="float64")
        if disc < 0 and sweeps % 10:
            qm, _ = qr(_core.matmul(h, h) - (2.0 * half_trace) * h + det * eye)
            h = _core.matmul(_core.matmul(qm, h, transpose_a=True), qm)
            continue
        shift = half_trace
        if disc >= 0:
            shift = min((half_trace + math.sqrt(disc), half_trace - math.sqrt(disc)), key=lambda v: abs(v - s))
        if sweeps % 10 == 0:
            shift += 0.75 * abs(r) + scale * 1e-3
        qm, rm = qr(h - shift * eye)
        h = _core.matmul(rm, qm) + shift * eye
    return values


def _eigenvector(a, value, k):
    """A unit eigenvector (complex128, largest component real and positive) of float64 `a` for eigenvalue `value`,
    the `k`-th: each starts from its own vector, so a repeated eigenvalue of a non-defective matrix gets
    independent eigenvectors."""
    n = a._shape_tuple()[-1]
    norm = max(float(_core.reduce_max(_core.abs(a))), 1.0)
    shifted = complex(value.real + 1e-10 * norm, value.imag)  # off the exact eigenvalue: the solve stays regular
    eye = _core.eye(n, dtype="float64")
    real = a - shifted.real * eye
    imag = shifted.imag * eye
    # (A - lambda I)(x + iy) = b as a real system: [[Ar, Li], [-Li, Ar]] [x; y] (Ar = A - Re(lambda) I)
    system = _core.concat([_core.concat([real, imag], 1), _core.concat([-imag, real], 1)], 0)
    start = np.linspace(1.0, 2.0, 2 * n)
    start[k] += 3.0
    z = _core.constant(start.reshape(2 * n, 1))
    for _ in range(_INVERSE_ITERATIONS):
        z = solve(system, z)
        z = z / _core.sqrt(_core.reduce_sum(_core.square(z)))
    vector = complex_(z[:n, 0], z[n:, 0])
    largest = int(_core.argmax(_core.abs(vector)))
    phase = vector[largest] / _core.cast(_core.abs(vector[largest]), "complex128")
    return vector / phase


def _eig(tensor, op, vectors):
    x = _matrix(tensor, op, square=True, floating=False)
    if x.dtype.is_complex:
        raise TypeError(f"{op}: complex input ({x.dtype.name}) is not built yet; pytensor's {op} takes float32 or "
                        "float64 matrices")
    if not x.dtype.is_floating:
        raise TypeError(f"{op}: got dtype {x.dtype.name}, expected float32 or float64 (TF's eig takes floating and "
                        "complex matrices); cast first with tf.cast")
    out_dtype = "complex64" if x.dtype.name in ("float16", "bfloat16", "float32") else "complex128"
    shape = x._shape_tuple()
    n = shape[-1]
    batch = shape[:-2]
    flat = _core.reshape(_core.cast(x, "float64"), (-1, n, n))
    all_values, all_vectors = [], []
    for i in range(flat._shape_tuple()[0]):
        a = flat[i]
        values = _eigenvalues_of_one(a)
        all_values.append(_core.constant(np.asarray(values, np.complex128).reshape(n)))
        if vectors:
            columns = [_eigenvector(a, v, k) for k, v in enumerate(values)]
            all_vectors.append(_core.stack(columns, axis=1) if columns else _core.zeros((n, n), "complex128"))
    values = _core.reshape(_core.stack(all_values, 0), batch + (n,)) if all_values else _core.zeros(batch + (n,),
                                                                                                      "complex128")
    values = _core.cast(values, out_dtype)
    if not vectors:
        return values
    vecs = _core.reshape(_core.stack(all_vectors, 0), batch + (n, n)) if all_vectors else _core.zeros(
        batch + (n, n), "complex128")
    return values, _core.cast(vecs, out_dtype)


def eig(tensor, name=None):
    """``(eigenvalues, eigenvectors)`` of real square matrices (a batch of them in the leading axes): complex64
    for float32 input, complex128 for float64; ``tensor @ v[..., k] == e[..., k] * v[..., k]``."""
    return _eig(tensor, "eig", True)


def eigvals(tensor, name=None):
    """The eigenvalues of real square matrices (complex64 for float32 input, complex128 for float64)."""
    return _eig(tensor, "eigvals", False)
