"""``tf.linalg.LinearOperator`` and its family: matrices known by structure (diagonal, triangular, identity,
Kronecker, low-rank update ...), used through ``matmul`` / ``solve`` / ``determinant`` without forming them.

Each operator gives its dense matrix (``to_dense``) from core ops, so tapes differentiate everything; structured
operators override the methods their structure makes cheap (a diagonal's solve is a division, a triangular
determinant the product of its diagonal), and the rest fall back to the dense matrix and ``tf.linalg``.
Shapes are ``batch_shape + [rows, cols]``.
"""

import functools

import numpy as np

from . import _core
from . import _linalg_ops as linalg
from ._tensor_api import Tensor, Variable

__all__ = [
    "LinearOperator", "LinearOperatorFullMatrix", "LinearOperatorDiag", "LinearOperatorIdentity",
    "LinearOperatorScaledIdentity", "LinearOperatorLowerTriangular", "LinearOperatorZeros",
    "LinearOperatorComposition", "LinearOperatorAdjoint", "LinearOperatorInversion", "LinearOperatorBlockDiag",
    "LinearOperatorBlockLowerTriangular", "LinearOperatorKronecker", "LinearOperatorLowRankUpdate",
    "LinearOperatorHouseholder", "LinearOperatorPermutation", "LinearOperatorToeplitz", "LinearOperatorTridiag",
    "LinearOperatorCirculant", "LinearOperatorCirculant2D", "LinearOperatorCirculant3D",
]


def _tensor(x, dtype=None):
    if isinstance(x, (Tensor, Variable)):
        return x if dtype is None or x.dtype == dtype else _core.cast(x, dtype)
    return _core.convert_to_tensor(x, dtype)


def _swap_last(x):
    rank = len(x.shape)
    return _core.transpose(x, list(range(rank - 2)) + [rank - 1, rank - 2])


class LinearOperator:
    """A matrix (or batch of matrices) known by its structure (``tf.linalg.LinearOperator``).

    Example:
        >>> op = tf.linalg.LinearOperatorDiag([1.0, 2.0])
        >>> op.matvec([3.0, 4.0]).numpy()
        array([3., 8.], dtype=float32)
    """

    def __init__(self, dtype, is_non_singular=None, is_self_adjoint=None, is_positive_definite=None,
                 is_square=None, name=None, graph_parents=None, parameters=None):
        self._dtype = dtype
        self.is_non_singular = is_non_singular
        self.is_self_adjoint = is_self_adjoint
        self.is_positive_definite = is_positive_definite
        self._is_square = is_square
        self.name = name or type(self).__name__
        self.parameters = dict(parameters or {})

    # -- what subclasses give ------------------------------------------------------------------------------------
    def _shape(self):
        """batch_shape + [rows, cols] as a tuple of ints."""
        raise NotImplementedError

    def _to_dense(self):
        raise NotImplementedError

    # -- shape ---------------------------------------------------------------------------------------------------
    @property
    def dtype(self):
        return self._dtype

    @property
    def shape(self):
        from .tensor_shape import TensorShape

        return TensorShape(list(self._shape()))

    @property
    def batch_shape(self):
        from .tensor_shape import TensorShape

        return TensorShape(list(self._shape()[:-2]))

    def shape_tensor(self, name="shape_tensor"):
        return _core.constant(np.asarray(self._shape(), np.int32))

    @property
    def tensor_rank(self):
        return len(self._shape())

    def range_dimension_tensor(self):
        return _core.constant(np.int32(self._shape()[-2]))

    def domain_dimension_tensor(self):
        return _core.constant(np.int32(self._shape()[-1]))

    @property
    def range_dimension(self):
        return self._shape()[-2]

    @property
    def domain_dimension(self):
        return self._shape()[-1]

    @property
    def is_square(self):
        return self._shape()[-1] == self._shape()[-2] if self._is_square is None else self._is_square

    def _check_square(self, op):
        if not self.is_square:
            raise ValueError(f"{self.name}.{op}: the operator must be square, its shape is {list(self._shape())}")

    # -- algebra -------------------------------------------------------------------------------------------------
    def to_dense(self, name="to_dense"):
        """The dense matrix."""
        return self._to_dense()

    def matmul(self, x, adjoint=False, adjoint_arg=False, name="matmul"):
        """``A @ x`` (``A^H`` with `adjoint`, ``x^H`` with `adjoint_arg`); `x` a tensor or another operator."""
        if isinstance(x, LinearOperator):
            left = self.adjoint() if adjoint else self
            right = x.adjoint() if adjoint_arg else x
            return LinearOperatorComposition([left, right])
        x = _tensor(x, self.dtype)
        if adjoint_arg:
            x = _swap_last(x)
        self._check_inner(x, adjoint, "matmul")
        return self._matmul(x, adjoint)

    def _check_inner(self, x, adjoint, op):
        needed = self._shape()[-2] if adjoint else self._shape()[-1]
        if len(x.shape) < 2 or x.shape[-2] != needed:
            raise ValueError(f"{self.name}.{op}: the operator of shape {list(self._shape())} needs a right-hand side "
                             f"with {needed} rows{' (adjoint)' if adjoint else ''}, got shape {list(x.shape)}")

    def _matmul(self, x, adjoint):
        return _core.matmul(self._to_dense(), x, transpose_a=adjoint)

    def matvec(self, x, adjoint=False, name="matvec"):
        """``A @ x`` for a vector (batch) `x`."""
        x = _tensor(x, self.dtype)
        return _core.squeeze(self.matmul(_core.expand_dims(x, -1), adjoint=adjoint), axis=-1)

    def __matmul__(self, other):
        return self.matmul(other)

    def solve(self, rhs, adjoint=False, adjoint_arg=False, name="solve"):
        """X with ``A @ X = rhs``."""
        self._check_square("solve")
        if isinstance(rhs, LinearOperator):
            left = self.adjoint() if adjoint else self
            return LinearOperatorComposition([left.inverse(), rhs.adjoint() if adjoint_arg else rhs])
        rhs = _tensor(rhs, self.dtype)
        if adjoint_arg:
            rhs = _swap_last(rhs)
        self._check_inner(rhs, not adjoint, "solve")
        return self._solve(rhs, adjoint)

    def _solve(self, rhs, adjoint):
        return linalg.solve(self._to_dense(), rhs, adjoint=adjoint)

    def solvevec(self, rhs, adjoint=False, name="solve"):
        rhs = _tensor(rhs, self.dtype)
        return _core.squeeze(self.solve(_core.expand_dims(rhs, -1), adjoint=adjoint), axis=-1)

    def determinant(self, name="det"):
        self._check_square("determinant")
        return self._determinant()

    def _determinant(self):
        return linalg.det(self._to_dense())

    def log_abs_determinant(self, name="log_abs_det"):
        self._check_square("log_abs_determinant")
        return self._log_abs_determinant()

    def _log_abs_determinant(self):
        return linalg.slogdet(self._to_dense())[1]

    def diag_part(self, name="diag_part"):
        return self._diag_part()

    def _diag_part(self):
        return linalg.diag_part(self._to_dense())

    def trace(self, name="trace"):
        return _core.reduce_sum(self.diag_part(), axis=-1)

    def add_to_tensor(self, x, name="add_to_tensor"):
        return _core.add(self._to_dense(), _tensor(x, self.dtype))

    def adjoint(self, name="adjoint"):
        return self if self.is_self_adjoint else LinearOperatorAdjoint(self)

    H = property(adjoint)

    def inverse(self, name="inverse"):
        self._check_square("inverse")
        return LinearOperatorInversion(self)

    def cholesky(self, name="cholesky"):
        if not (self.is_self_adjoint and self.is_positive_definite):
            raise ValueError(f"{self.name}.cholesky: needs is_self_adjoint=True and is_positive_definite=True")
        return LinearOperatorLowerTriangular(linalg.cholesky(self._to_dense()), is_non_singular=True)

    def eigvals(self, name="eigvals"):
        if not self.is_self_adjoint:
            raise NotImplementedError(f"{self.name}.eigvals: only self-adjoint operators (complex eigenvalues "
                                      "need complex dtypes)")
        return linalg.eigvalsh(self._to_dense())

    def assert_non_singular(self, name="assert_non_singular"):
        from .errors import InvalidArgumentError

        if np.any(np.asarray(self.determinant()) == 0):
            raise InvalidArgumentError(f"{self.name}: the operator is singular")

    def __repr__(self):
        return f"<pt.linalg.{type(self).__name__} '{self.name}' shape={list(self._shape())} dtype={self.dtype.name}>"


class LinearOperatorFullMatrix(LinearOperator):
    """An operator holding its dense matrix."""

    def __init__(self, matrix, is_non_singular=None, is_self_adjoint=None, is_positive_definite=None,
                 is_square=None, name="LinearOperatorFullMatrix"):
        self._matrix = _tensor(matrix)
        if len(self._matrix.shape) < 2:
            raise ValueError(f"LinearOperatorFullMatrix: matrix must have rank >= 2, got shape "
                             f"{list(self._matrix.shape)}")
        super().__init__(self._matrix.dtype, is_non_singular, is_self_adjoint, is_positive_definite, is_square, name,
                         parameters={"matrix": matrix})

    def _shape(self):
        return tuple(self._matrix.shape)

    def _to_dense(self):
        return self._matrix


class LinearOperatorDiag(LinearOperator):
    """``diag(d)``: matmul and solve scale rows."""

    def __init__(self, diag, is_non_singular=None, is_self_adjoint=None, is_positive_definite=None,
                 is_square=True, name="LinearOperatorDiag"):
        self._diag = _tensor(diag)
        if len(self._diag.shape) < 1:
            raise ValueError("LinearOperatorDiag: diag must have rank >= 1, got a scalar")
        super().__init__(self._diag.dtype, is_non_singular, True if is_self_adjoint is None else is_self_adjoint,
                         is_positive_definite, True, name, parameters={"diag": diag})

    def _shape(self):
        return tuple(self._diag.shape) + (self._diag.shape[-1],)

    def _to_dense(self):
        return linalg.diag(self._diag)

    def _matmul(self, x, adjoint):
        return _core.expand_dims(self._diag, -1) * x

    def _solve(self, rhs, adjoint):
        return rhs / _core.expand_dims(self._diag, -1)

    def _determinant(self):
        return _core.reduce_prod(self._diag, axis=-1)

    def _log_abs_determinant(self):
        return _core.reduce_sum(_core.log(_core.abs(self._diag)), axis=-1)

    def _diag_part(self):
        return self._diag

    @property
    def diag(self):
        return self._diag


class LinearOperatorScaledIdentity(LinearOperator):
    """``multiplier * I`` of `num_rows` rows."""

    def __init__(self, num_rows, multiplier, is_non_singular=None, is_self_adjoint=None, is_positive_definite=None,
                 is_square=True, assert_proper_shapes=False, name="LinearOperatorScaledIdentity"):
        self._rows = int(np.asarray(num_rows))
        self._multiplier = _tensor(multiplier)
        super().__init__(self._multiplier.dtype, is_non_singular, is_self_adjoint, is_positive_definite, True, name,
                         parameters={"num_rows": num_rows, "multiplier": multiplier})

    def _shape(self):
        return tuple(self._multiplier.shape) + (self._rows, self._rows)

    def _scale(self):
        return _core.expand_dims(_core.expand_dims(self._multiplier, -1), -1)

    def _to_dense(self):
        return self._scale() * _core.eye(self._rows, dtype=self.dtype)

    def _matmul(self, x, adjoint):
        return self._scale() * x

    def _solve(self, rhs, adjoint):
        return rhs / self._scale()

    def _determinant(self):
        return _core.pow(self._multiplier, _core.constant(float(self._rows), self.dtype))

    def _log_abs_determinant(self):
        return float(self._rows) * _core.log(_core.abs(self._multiplier))

    def _diag_part(self):
        return _core.expand_dims(self._multiplier, -1) * _core.ones((self._rows,), self.dtype)

    @property
    def multiplier(self):
        return self._multiplier


class LinearOperatorIdentity(LinearOperatorScaledIdentity):
    """The identity of `num_rows` rows (a batch of them with `batch_shape`)."""

    def __init__(self, num_rows, batch_shape=None, dtype=None, is_non_singular=True, is_self_adjoint=True,
                 is_positive_definite=True, is_square=True, assert_proper_shapes=False, name="LinearOperatorIdentity"):
        from . import dtypes

        kind = dtypes.as_dtype(dtype or "float32")
        super().__init__(num_rows, _core.ones(tuple(batch_shape or ()), kind.name), is_non_singular, is_self_adjoint,
                         is_positive_definite, True, name=name)


class LinearOperatorZeros(LinearOperator):
    """The zero matrix of `num_rows` x `num_columns`."""

    def __init__(self, num_rows, num_columns=None, batch_shape=None, dtype=None, is_non_singular=False,
                 is_self_adjoint=True, is_positive_definite=False, is_square=True, assert_proper_shapes=False,
                 name="LinearOperatorZeros"):
        from . import dtypes

        if is_non_singular:
            raise ValueError("LinearOperatorZeros: a zero operator is singular (is_non_singular must be False)")
        self._dims = (int(num_rows), int(num_rows if num_columns is None else num_columns))
        if is_square and self._dims[0] != self._dims[1]:
            raise ValueError(f"LinearOperatorZeros: is_square=True but num_rows ({self._dims[0]}) != num_columns "
                             f"({self._dims[1]}); pass is_square=False for a rectangular zero operator")
        self._batch = tuple(batch_shape or ())
        super().__init__(dtypes.as_dtype(dtype or "float32"), False, is_self_adjoint, False, None, name)

    def _shape(self):
        return self._batch + self._dims

    def _to_dense(self):
        return _core.zeros(self._shape(), self.dtype.name)

    def _matmul(self, x, adjoint):
        rows = self._dims[1] if adjoint else self._dims[0]
        return _core.zeros(tuple(np.broadcast_shapes(self._batch, tuple(x.shape[:-2]))) + (rows, x.shape[-1]),
                           self.dtype.name)

    def _solve(self, rhs, adjoint):
        raise ValueError(f"{self.name}.solve: the zero operator is singular")


class LinearOperatorLowerTriangular(LinearOperator):
    """The lower triangle of `tril` (the rest ignored): solves by substitution, determinant from the diagonal."""

    def __init__(self, tril, is_non_singular=None, is_self_adjoint=None, is_positive_definite=None,
                 is_square=True, name="LinearOperatorLowerTriangular"):
        self._tril = linalg.band_part(_tensor(tril), -1, 0)
        super().__init__(self._tril.dtype, is_non_singular, is_self_adjoint, is_positive_definite, True, name,
                         parameters={"tril": tril})

    def _shape(self):
        return tuple(self._tril.shape)

    def _to_dense(self):
        return self._tril

    def _solve(self, rhs, adjoint):
        return linalg.triangular_solve(self._tril, rhs, lower=True, adjoint=adjoint)

    def _determinant(self):
        return _core.reduce_prod(linalg.diag_part(self._tril), axis=-1)

    def _log_abs_determinant(self):
        return _core.reduce_sum(_core.log(_core.abs(linalg.diag_part(self._tril))), axis=-1)


class LinearOperatorAdjoint(LinearOperator):
    """The adjoint (conjugate transpose) of an operator."""

    def __init__(self, operator, is_non_singular=None, is_self_adjoint=None, is_positive_definite=None,
                 is_square=None, name=None):
        self.operator = operator
        super().__init__(operator.dtype, operator.is_non_singular, operator.is_self_adjoint,
                         operator.is_positive_definite, operator._is_square, name or operator.name + "_adjoint")

    def _shape(self):
        shape = self.operator._shape()
        return shape[:-2] + (shape[-1], shape[-2])

    def _to_dense(self):
        return _swap_last(self.operator.to_dense())

    def _matmul(self, x, adjoint):
        return self.operator._matmul(x, not adjoint)

    def _solve(self, rhs, adjoint):
        return self.operator._solve(rhs, not adjoint)

    def _determinant(self):
        return self.operator._determinant()

    def _log_abs_determinant(self):
        return self.operator._log_abs_determinant()

    def _diag_part(self):
        return self.operator._diag_part()

    def adjoint(self, name="adjoint"):
        return self.operator


class LinearOperatorInversion(LinearOperator):
    """The inverse of a square operator: matmul solves, solve multiplies."""

    def __init__(self, operator, is_non_singular=None, is_self_adjoint=None, is_positive_definite=None,
                 is_square=None, name=None):
        if operator.is_non_singular is False:
            raise ValueError(f"LinearOperatorInversion: {operator.name} is marked singular (is_non_singular=False)")
        self.operator = operator
        super().__init__(operator.dtype, operator.is_non_singular, operator.is_self_adjoint,
                         operator.is_positive_definite, True, name or operator.name + "_inverse")

    def _shape(self):
        return self.operator._shape()

    def _to_dense(self):
        return linalg.inv(self.operator.to_dense())

    def _matmul(self, x, adjoint):
        return self.operator._solve(x, adjoint)

    def _solve(self, rhs, adjoint):
        return self.operator._matmul(rhs, adjoint)

    def _determinant(self):
        return 1.0 / self.operator._determinant()

    def _log_abs_determinant(self):
        return -self.operator._log_abs_determinant()

    def inverse(self, name="inverse"):
        return self.operator


class _ProductDeterminant(LinearOperator):
    """An operator whose determinant is the product of its factors' (`_factors()`): a product of operators, or a
    block-triangular matrix and its diagonal blocks."""

    def _factors(self):
        raise NotImplementedError

    def _determinant(self):
        return functools.reduce(lambda a, b: a * b, [op._determinant() for op in self._factors()])

    def _log_abs_determinant(self):
        return functools.reduce(lambda a, b: a + b, [op._log_abs_determinant() for op in self._factors()])


class LinearOperatorComposition(_ProductDeterminant):
    """The product ``A1 @ A2 @ ... @ An`` of operators, applied right to left."""

    def __init__(self, operators, is_non_singular=None, is_self_adjoint=None, is_positive_definite=None,
                 is_square=None, name=None):
        self.operators = list(operators)
        if not self.operators:
            raise ValueError("LinearOperatorComposition: expected at least one operator")
        for left, right in zip(self.operators, self.operators[1:]):
            if left._shape()[-1] != right._shape()[-2]:
                raise ValueError(f"LinearOperatorComposition: {left.name} of shape {list(left._shape())} cannot be "
                                 f"composed with {right.name} of shape {list(right._shape())}")
        super().__init__(self.operators[0].dtype, is_non_singular, is_self_adjoint, is_positive_definite, is_square,
                         name or "_o_".join(op.name for op in self.operators))

    def _shape(self):
        batch = np.broadcast_shapes(*[op._shape()[:-2] for op in self.operators])
        return tuple(batch) + (self.operators[0]._shape()[-2], self.operators[-1]._shape()[-1])

    def _to_dense(self):
        result = self.operators[-1].to_dense()
        for op in reversed(self.operators[:-1]):
            result = op._matmul(result, False)
        return result

    def _matmul(self, x, adjoint):
        for op in (self.operators if adjoint else reversed(self.operators)):
            x = op._matmul(x, adjoint)
        return x

    def _solve(self, rhs, adjoint):
        for op in (reversed(self.operators) if adjoint else self.operators):
            rhs = op._solve(rhs, adjoint)
        return rhs

    def _factors(self):
        return self.operators


def _block_dense(rows):
    """The dense matrix of a grid of blocks (None: zeros of the block's size)."""
    heights = [next(b for b in row if b is not None).shape[-2] for row in rows]
    widths = [next(r[j] for r in rows if j < len(r) and r[j] is not None).shape[-1] for j in range(len(rows[-1]))]
    dtype = next(b for row in rows for b in row if b is not None).dtype
    batch = np.broadcast_shapes(*[tuple(b.shape[:-2]) for row in rows for b in row if b is not None])
    filled = []
    for i, row in enumerate(rows):
        blocks = [(_core.broadcast_to(row[j], tuple(batch) + tuple(row[j].shape[-2:])) if j < len(row) and
                   row[j] is not None else _core.zeros(tuple(batch) + (heights[i], widths[j]), dtype.name))
                  for j in range(len(widths))]
        filled.append(_core.concat(blocks, axis=-1))
    return _core.concat(filled, axis=-2)


class LinearOperatorBlockDiag(_ProductDeterminant):
    """Square operators on the diagonal of a block matrix."""

    def __init__(self, operators, is_non_singular=None, is_self_adjoint=None, is_positive_definite=None,
                 is_square=True, name=None):
        self.operators = list(operators)
        super().__init__(self.operators[0].dtype, is_non_singular, is_self_adjoint, is_positive_definite, True,
                         name or "_ds_".join(op.name for op in self.operators))

    def _shape(self):
        batch = np.broadcast_shapes(*[op._shape()[:-2] for op in self.operators])
        return tuple(batch) + (sum(op._shape()[-2] for op in self.operators),
                               sum(op._shape()[-1] for op in self.operators))

    def _to_dense(self):
        n = len(self.operators)
        return _block_dense([[op.to_dense() if i == j else None for j, op in enumerate(self.operators)]
                             for i in range(n)] if n > 1 else [[self.operators[0].to_dense()]])

    def _split(self, x, adjoint):
        sizes = [op._shape()[-2] if adjoint else op._shape()[-1] for op in self.operators]
        return _core.split(x, sizes, axis=-2)

    def _matmul(self, x, adjoint):
        return _core.concat([op._matmul(part, adjoint) for op, part in zip(self.operators, self._split(x, adjoint))],
                            axis=-2)

    def _solve(self, rhs, adjoint):
        return _core.concat([op._solve(part, adjoint) for op, part in
                             zip(self.operators, self._split(rhs, not adjoint))], axis=-2)

    def _factors(self):
        return self.operators

    def _diag_part(self):
        return _core.concat([op.diag_part() for op in self.operators], axis=-1)


class LinearOperatorBlockLowerTriangular(_ProductDeterminant):
    """A block lower-triangular matrix: `operators[i]` holds the blocks of row i, the last one on the diagonal."""

    def __init__(self, operators, is_non_singular=None, is_self_adjoint=None, is_positive_definite=None,
                 is_square=None, name="LinearOperatorBlockLowerTriangular"):
        self.operators = [list(row) for row in operators]
        for i, row in enumerate(self.operators):
            if len(row) != i + 1:
                raise ValueError(f"LinearOperatorBlockLowerTriangular: row {i} must hold {i + 1} operators, got "
                                 f"{len(row)}")
        super().__init__(self.operators[0][0].dtype, is_non_singular, is_self_adjoint, is_positive_definite, True,
                         name)

    def _shape(self):
        diagonal = [row[-1] for row in self.operators]
        batch = np.broadcast_shapes(*[op._shape()[:-2] for row in self.operators for op in row])
        size = sum(op._shape()[-1] for op in diagonal)
        return tuple(batch) + (size, size)

    def _to_dense(self):
        n = len(self.operators)
        return _block_dense([[row[j].to_dense() if j < len(row) else None for j in range(n)]
                             for row in self.operators])

    def _factors(self):
        return [row[-1] for row in self.operators]  # the diagonal blocks


class LinearOperatorKronecker(LinearOperator):
    """The Kronecker product ``A1 ⊗ A2 ⊗ ...``."""

    def __init__(self, operators, is_non_singular=None, is_self_adjoint=None, is_positive_definite=None,
                 is_square=None, name=None):
        self.operators = list(operators)
        super().__init__(self.operators[0].dtype, is_non_singular, is_self_adjoint, is_positive_definite, is_square,
                         name or "_x_".join(op.name for op in self.operators))

    def _shape(self):
        batch = np.broadcast_shapes(*[op._shape()[:-2] for op in self.operators])
        return tuple(batch) + (int(np.prod([op._shape()[-2] for op in self.operators])),
                               int(np.prod([op._shape()[-1] for op in self.operators])))

    def _to_dense(self):
        result = self.operators[0].to_dense()
        for op in self.operators[1:]:
            other = op.to_dense()
            (m, n), (p, q) = tuple(result.shape[-2:]), tuple(other.shape[-2:])
            outer = _core.expand_dims(_core.expand_dims(result, -1), -3) * _core.expand_dims(
                _core.expand_dims(other, -3), -2)  # [..., m, p, n, q]
            batch = tuple(outer.shape[:-4])
            result = _core.reshape(outer, batch + (m * p, n * q))
        return result

    def _determinant(self):
        total = self._shape()[-1]
        result = None
        for op in self.operators:
            factor = _core.pow(op._determinant(), _core.constant(float(total // op._shape()[-1]), self.dtype))
            result = factor if result is None else result * factor
        return result

    def _log_abs_determinant(self):
        total = self._shape()[-1]
        result = None
        for op in self.operators:
            term = float(total // op._shape()[-1]) * op._log_abs_determinant()
            result = term if result is None else result + term
        return result


class LinearOperatorLowRankUpdate(LinearOperator):
    """``base + U diag(d) V^H`` (V = U when not given): solves and determinants by the Woodbury identity."""

    def __init__(self, base_operator, u, diag_update=None, v=None, is_diag_update_positive=None,
                 is_non_singular=None, is_self_adjoint=None, is_positive_definite=None, is_square=None,
                 name="LinearOperatorLowRankUpdate"):
        self.base_operator = base_operator
        self.u = _tensor(u, base_operator.dtype)
        self.v = self.u if v is None else _tensor(v, base_operator.dtype)
        rank = self.u.shape[-1]
        self.diag_update = _core.ones((rank,), base_operator.dtype.name) if diag_update is None else _tensor(
            diag_update, base_operator.dtype)
        super().__init__(base_operator.dtype, is_non_singular, is_self_adjoint if is_self_adjoint is not None else (
            v is None and base_operator.is_self_adjoint), is_positive_definite, is_square, name)

    def _shape(self):
        return self.base_operator._shape()

    def _update(self, x, adjoint):
        left, right = (self.v, self.u) if adjoint else (self.u, self.v)
        return _core.matmul(left, _core.expand_dims(self.diag_update, -1) * _core.matmul(right, x, transpose_a=True))

    def _to_dense(self):
        return self.base_operator.to_dense() + _core.matmul(
            self.u * _core.expand_dims(self.diag_update, -2), self.v, transpose_b=True)

    def _matmul(self, x, adjoint):
        return self.base_operator._matmul(x, adjoint) + self._update(x, adjoint)

    def _capacitance(self, adjoint):
        """``D^-1 + V^H A^-1 U`` (roles of U and V swapped for the adjoint)."""
        left, right = (self.v, self.u) if adjoint else (self.u, self.v)
        inner = _core.matmul(right, self.base_operator._solve(left, adjoint), transpose_a=True)
        return inner + linalg.diag(1.0 / self.diag_update)

    def _solve(self, rhs, adjoint):
        left, right = (self.v, self.u) if adjoint else (self.u, self.v)
        base_solved = self.base_operator._solve(rhs, adjoint)
        correction = linalg.solve(self._capacitance(adjoint), _core.matmul(right, base_solved, transpose_a=True))
        return base_solved - self.base_operator._solve(_core.matmul(left, correction), adjoint)

    def _log_abs_determinant(self):
        # det(A + U D V^H) = det(C) det(D) det(A), C the capacitance
        return (linalg.slogdet(self._capacitance(False))[1]
                + _core.reduce_sum(_core.log(_core.abs(self.diag_update)), axis=-1)
                + self.base_operator._log_abs_determinant())

    def _determinant(self):
        return (linalg.det(self._capacitance(False)) * _core.reduce_prod(self.diag_update, axis=-1)
                * self.base_operator._determinant())


class LinearOperatorHouseholder(LinearOperator):
    """The reflection ``I - 2 v v^H / (v^H v)`` about the hyperplane orthogonal to `reflection_axis`."""

    def __init__(self, reflection_axis, is_non_singular=None, is_self_adjoint=None, is_positive_definite=None,
                 is_square=None, name="LinearOperatorHouseholder"):
        self._axis = _tensor(reflection_axis)
        super().__init__(self._axis.dtype, True, True, False, True, name)

    def _shape(self):
        return tuple(self._axis.shape) + (self._axis.shape[-1],)

    def _matmul(self, x, adjoint):
        v = _core.expand_dims(self._axis, -1)
        scale = 2.0 / _core.reduce_sum(self._axis * self._axis, axis=-1)
        projection = _core.matmul(v, x, transpose_a=True)
        return x - _core.expand_dims(_core.expand_dims(scale, -1), -1) * v * projection

    def _to_dense(self):
        return self._matmul(_core.eye(self._axis.shape[-1], dtype=self.dtype), False)

    def _solve(self, rhs, adjoint):
        return self._matmul(rhs, adjoint)  # a reflection is its own inverse

    def _determinant(self):
        return -_core.ones(tuple(self._axis.shape[:-1]), self.dtype.name)

    def _log_abs_determinant(self):
        return _core.zeros(tuple(self._axis.shape[:-1]), self.dtype.name)


class LinearOperatorPermutation(LinearOperator):
    """The permutation matrix P with ``P[i, perm[i]] = 1``: matmul gathers rows."""

    def __init__(self, perm, dtype="float32", is_non_singular=None, is_self_adjoint=None, is_positive_definite=None,
                 is_square=None, name="LinearOperatorPermutation"):
        from . import dtypes

        self._perm = np.asarray(perm.numpy() if isinstance(perm, (Tensor, Variable)) else perm, np.int64)
        if not all(np.array_equal(np.sort(p), np.arange(p.shape[-1])) for p in self._perm.reshape(
                -1, self._perm.shape[-1])):
            raise ValueError(f"LinearOperatorPermutation: perm must be a permutation of 0..n-1, got "
                             f"{self._perm.tolist()}")
        super().__init__(dtypes.as_dtype(dtype), True, None, None, True, name)

    @property
    def perm(self):
        return _core.constant(self._perm, "int64")

    def _shape(self):
        return self._perm.shape + (self._perm.shape[-1],)

    def _to_dense(self):
        n = self._perm.shape[-1]
        return _core.constant((self._perm[..., None] == np.arange(n)).astype(self.dtype.as_numpy_dtype))

    def _matmul(self, x, adjoint):
        if self._perm.ndim > 1:
            return super()._matmul(x, adjoint)
        order = np.argsort(self._perm) if adjoint else self._perm
        return _core.gather(x, _core.constant(order, "int64"), axis=-2)

    def _solve(self, rhs, adjoint):
        return self._matmul(rhs, not adjoint)

    def _determinant(self):
        signs = [np.linalg.det((p[:, None] == np.arange(len(p))).astype(np.float64))
                 for p in self._perm.reshape(-1, self._perm.shape[-1])]
        return _core.constant(np.round(signs).reshape(self._perm.shape[:-1]).astype(self.dtype.as_numpy_dtype))

    def _log_abs_determinant(self):
        return _core.zeros(self._perm.shape[:-1], self.dtype.name)


class LinearOperatorToeplitz(LinearOperator):
    """The Toeplitz matrix with first column `col` and first row `row` (``row[0]`` is ignored; ``col[0]`` wins)."""

    def __init__(self, col, row, is_non_singular=None, is_self_adjoint=None, is_positive_definite=None,
                 is_square=None, name="LinearOperatorToeplitz"):
        self.col = _tensor(col)
        self.row = _tensor(row, self.col.dtype)
        if self.col.shape[-1] != self.row.shape[-1]:
            raise ValueError(f"LinearOperatorToeplitz: col and row must have one length, got {self.col.shape[-1]} "
                             f"and {self.row.shape[-1]}")
        super().__init__(self.col.dtype, is_non_singular, is_self_adjoint, is_positive_definite, True, name)

    def _shape(self):
        batch = np.broadcast_shapes(tuple(self.col.shape[:-1]), tuple(self.row.shape[:-1]))
        n = self.col.shape[-1]
        return tuple(batch) + (n, n)

    def _to_dense(self):
        n = self.col.shape[-1]
        # entry (i, j) is col[i - j] below the diagonal and row[j - i] above it: gather from [row reversed, col]
        values = _core.concat([self.row[..., :0:-1], self.col], axis=-1)
        index = (np.arange(n)[:, None] - np.arange(n)[None, :]) + (n - 1)
        return _core.gather(values, _core.constant(index, "int64"), axis=-1)


class _BaseLinearOperatorCirculant(LinearOperator):
    """A block circulant operator of `block_depth` levels known by its spectrum (the FFT of its convolution
    kernel): products and solves are FFTs of the right-hand side's blocks times (or over) the spectrum, the
    determinant the spectrum's product; a real `input_output_dtype` keeps the real part, as TF's."""

    def __init__(self, spectrum, block_depth, input_output_dtype, is_non_singular, is_self_adjoint,
                 is_positive_definite, is_square, name):
        from . import dtypes

        self._spectrum = _tensor(spectrum)
        if self._spectrum.dtype.name not in ("float16", "float32", "float64", "complex64", "complex128"):
            raise TypeError(f"{name}: spectrum must be float16, float32, float64, complex64 or complex128, got "
                            f"{self._spectrum.dtype.name}")
        if len(self._spectrum.shape) < block_depth:
            raise ValueError(f"{name}: spectrum must have rank >= {block_depth}, got shape "
                             f"{list(self._spectrum.shape)}")
        if is_square is False:
            raise ValueError(f"{name}: a circulant operator is always square; pass is_square=True or None")
        self._block_depth = block_depth
        super().__init__(dtypes.as_dtype(input_output_dtype), is_non_singular, is_self_adjoint, is_positive_definite,
                         True, name, parameters={"spectrum": spectrum, "input_output_dtype": input_output_dtype})

    @property
    def spectrum(self):
        """The spectrum as given: the eigenvalues, in FFT order over the block dimensions."""
        return self._spectrum

    @property
    def block_depth(self):
        """How many levels of circulant blocks: 1, 2 or 3."""
        return self._block_depth

    def block_shape_tensor(self):
        """The block shape (the spectrum's trailing `block_depth` dimensions) as an int32 tensor."""
        return _core.constant(np.asarray(self._block_shape(), np.int32))

    @property
    def block_shape(self):
        from .tensor_shape import TensorShape

        return TensorShape(list(self._block_shape()))

    def _block_shape(self):
        return tuple(self._spectrum.shape[-self._block_depth:])

    def _shape(self):
        n = int(np.prod(self._block_shape()))
        return tuple(self._spectrum.shape[:-self._block_depth]) + (n, n)

    def _complex_spectrum(self):
        spectrum = self._spectrum
        if spectrum.dtype.is_complex:
            return spectrum
        return _core.cast(spectrum, "complex128" if spectrum.dtype.name == "float64" else "complex64")

    def _fft(self, x, inverse):
        from . import signal

        return signal._COMPLEX_BY_RANK[self._block_depth][int(inverse)](x)

    def _output(self, y):
        from ._math_ops import real

        return _core.cast(y if self.dtype.is_complex else real(y), self.dtype)

    def _blockwise(self, x, scale):
        """`scale(fft(blocks of each column of x))` transformed back, columns as the operator's output."""
        spectrum = self._complex_spectrum()
        x = _core.cast(x, spectrum.dtype)
        shape = tuple(x.shape)
        batch = np.broadcast_shapes(shape[:-2], tuple(self._shape()[:-2]))
        x = _core.broadcast_to(x, tuple(batch) + shape[-2:])
        columns = _swap_last(x)  # (..., R, N): each column a vector to blockify
        blocks = _core.reshape(columns, tuple(batch) + (shape[-1],) + self._block_shape())
        spectrum = _core.expand_dims(spectrum, -self._block_depth - 1)  # one spectrum for every column
        y = self._fft(scale(self._fft(blocks, False), spectrum), True)
        return self._output(_swap_last(_core.reshape(y, tuple(batch) + (shape[-1], shape[-2]))))

    def _matmul(self, x, adjoint):
        from ._math_ops import conj

        return self._blockwise(x, lambda fx, s: fx * (conj(s) if adjoint else s))

    def _solve(self, rhs, adjoint):
        from ._math_ops import conj

        return self._blockwise(rhs, lambda fx, s: fx / (conj(s) if adjoint else s))

    def _to_dense(self):
        n = self._shape()[-1]
        return self._matmul(_core.eye(n, dtype=self.dtype), False)

    def _reduce_blocks(self, reduce, x):
        return reduce(x, axis=list(range(-self._block_depth, 0)))

    def _determinant(self):
        # the product of the eigenvalues, halving the flattened spectrum pairwise (reduce_prod has no complex kernel)
        values = _core.reshape(self._complex_spectrum(), tuple(self._shape()[:-1]))
        while values.shape[-1] > 1:
            n = values.shape[-1]
            if n % 2:
                values = _core.concat([values, _core.ones(tuple(values.shape[:-1]) + (1,), values.dtype)], -1)
                n += 1
            values = values[..., :n // 2] * values[..., n // 2:]
        return self._output(_core.squeeze(values, -1))

    def _log_abs_determinant(self):
        magnitude = _core.abs(self._complex_spectrum())
        return _core.cast(self._reduce_blocks(_core.reduce_sum, _core.log(magnitude)), self.dtype)

    def _diag_part(self):
        n = self._shape()[-1]
        value = self._output(self._reduce_blocks(_core.reduce_sum, self._complex_spectrum()) / n)
        return _core.expand_dims(value, -1) * _core.ones((n,), self.dtype)

    def convolution_kernel(self, name="convolution_kernel"):
        """The kernel whose circular convolution the operator is: the inverse FFT of the spectrum over the block
        dimensions (real part for a real dtype)."""
        return self._output(self._fft(self._complex_spectrum(), True))


class LinearOperatorCirculant(_BaseLinearOperatorCirculant):
    """A circulant matrix (``tf.linalg.LinearOperatorCirculant``) from its spectrum: ``A x`` is the circular
    convolution of x with ``ifft(spectrum)``, computed as ``ifft(spectrum * fft(x))``.

    Example:
        >>> op = tf.linalg.LinearOperatorCirculant([6.0, -2.0, -2.0, -2.0], input_output_dtype=tf.float32)
        >>> op.to_dense().numpy()[0]
        array([0., 2., 2., 2.], dtype=float32)
    """

    def __init__(self, spectrum, input_output_dtype="complex64", is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=True, name="LinearOperatorCirculant"):
        super().__init__(spectrum, 1, input_output_dtype, is_non_singular, is_self_adjoint, is_positive_definite,
                         is_square, name)


class LinearOperatorCirculant2D(_BaseLinearOperatorCirculant):
    """A block circulant matrix with circulant blocks (``tf.linalg.LinearOperatorCirculant2D``): 2-D circular
    convolution, spectrum of shape batch + [n0, n1]."""

    def __init__(self, spectrum, input_output_dtype="complex64", is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=True, name="LinearOperatorCirculant2D"):
        super().__init__(spectrum, 2, input_output_dtype, is_non_singular, is_self_adjoint, is_positive_definite,
                         is_square, name)


class LinearOperatorCirculant3D(_BaseLinearOperatorCirculant):
    """Three levels of circulant blocks (``tf.linalg.LinearOperatorCirculant3D``): 3-D circular convolution,
    spectrum of shape batch + [n0, n1, n2]."""

    def __init__(self, spectrum, input_output_dtype="complex64", is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=True, name="LinearOperatorCirculant3D"):
        super().__init__(spectrum, 3, input_output_dtype, is_non_singular, is_self_adjoint, is_positive_definite,
                         is_square, name)


class LinearOperatorTridiag(LinearOperator):
    """A tridiagonal matrix from its diagonals (`diagonals_format` 'compact', 'sequence' or 'matrix')."""

    def __init__(self, diagonals, diagonals_format="compact", is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=True, name="LinearOperatorTridiag"):
        if diagonals_format == "sequence":
            self._compact = _core.stack([_tensor(d) for d in diagonals], axis=-2)
        elif diagonals_format == "matrix":
            matrix = _tensor(diagonals)
            pad = _core.zeros(tuple(matrix.shape[:-2]) + (1,), matrix.dtype.name)
            # compact rows: the superdiagonal padded at its end, the subdiagonal at its start (TF's layout)
            self._compact = _core.stack([_core.concat([linalg.diag_part(matrix, k=1), pad], axis=-1),
                                         linalg.diag_part(matrix),
                                         _core.concat([pad, linalg.diag_part(matrix, k=-1)], axis=-1)], axis=-2)
        elif diagonals_format == "compact":
            self._compact = _tensor(diagonals)
        else:
            raise ValueError(f"LinearOperatorTridiag: diagonals_format must be 'compact', 'sequence' or 'matrix', "
                             f"got {diagonals_format!r}")
        self.diagonals_format = diagonals_format
        self.diagonals = diagonals
        super().__init__(self._compact.dtype, is_non_singular, is_self_adjoint, is_positive_definite, True, name)

    def _shape(self):
        n = self._compact.shape[-1]
        return tuple(self._compact.shape[:-2]) + (n, n)

    def _to_dense(self):
        superdiag, diag, subdiag = (self._compact[..., i, :] for i in range(3))
        n = self._compact.shape[-1]
        return (linalg.diag(diag) + linalg.diag(superdiag[..., :n - 1], k=1)
                + linalg.diag(subdiag[..., 1:], k=-1))

    def _matmul(self, x, adjoint):
        if adjoint:
            return super()._matmul(x, adjoint)
        return linalg.tridiagonal_matmul(self._compact, x)

    def _solve(self, rhs, adjoint):
        if adjoint:
            return super()._solve(rhs, adjoint)
        return linalg.tridiagonal_solve(self._compact, rhs)
