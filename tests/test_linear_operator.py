"""tf.linalg.LinearOperator family: every method of every operator against numpy on the dense matrix built by
hand from the operator's definition, and gradients of the structured shortcuts against central differences."""

import numpy as np
import pytest

import pytensor as tf
from finite_differences import central_gradient

RNG = np.random.default_rng(7)
A = RNG.normal(size=(3, 3)) + 3 * np.eye(3)
B = RNG.normal(size=(3, 3)) + 3 * np.eye(3)
D = np.array([1.5, -2.0, 0.5])
V = np.array([1.0, -2.0, 0.5])
U = RNG.normal(size=(3, 2))
LR_DIAG = np.array([0.7, 1.3])


def _block(*blocks):
    rows = sum(b.shape[0] for b in blocks)
    out, at = np.zeros((rows, rows)), 0
    for b in blocks:
        out[at:at + b.shape[0], at:at + b.shape[0]] = b
        at += b.shape[0]
    return out


def _toeplitz(col, row):
    n = len(col)
    return np.array([[col[i - j] if i >= j else row[j - i] for j in range(n)] for i in range(n)])


LO = tf.linalg
# name: (operator factory, its dense matrix built independently with numpy)
OPERATORS = {
    "full": (lambda: LO.LinearOperatorFullMatrix(A), A),
    "diag": (lambda: LO.LinearOperatorDiag(D), np.diag(D)),
    "identity": (lambda: LO.LinearOperatorIdentity(3, dtype="float64"), np.eye(3)),
    "scaled_identity": (lambda: LO.LinearOperatorScaledIdentity(3, np.float64(-2.5)), -2.5 * np.eye(3)),
    "lower_triangular": (lambda: LO.LinearOperatorLowerTriangular(A), np.tril(A)),
    "composition": (lambda: LO.LinearOperatorComposition([LO.LinearOperatorFullMatrix(A),
                                                          LO.LinearOperatorFullMatrix(B)]), A @ B),
    "adjoint": (lambda: LO.LinearOperatorAdjoint(LO.LinearOperatorFullMatrix(A)), A.T),
    "inversion": (lambda: LO.LinearOperatorInversion(LO.LinearOperatorFullMatrix(A)), np.linalg.inv(A)),
    "block_diag": (lambda: LO.LinearOperatorBlockDiag([LO.LinearOperatorFullMatrix(A),
                                                       LO.LinearOperatorDiag(D)]), _block(A, np.diag(D))),
    "block_lower_triangular": (
        lambda: LO.LinearOperatorBlockLowerTriangular([[LO.LinearOperatorFullMatrix(A)],
                                                       [LO.LinearOperatorFullMatrix(B), LO.LinearOperatorDiag(D)]]),
        np.block([[A, np.zeros((3, 3))], [B, np.diag(D)]])),
    "kronecker": (lambda: LO.LinearOperatorKronecker([LO.LinearOperatorFullMatrix(A[:2, :2]),
                                                      LO.LinearOperatorFullMatrix(B)]), np.kron(A[:2, :2], B)),
    "low_rank_update": (lambda: LO.LinearOperatorLowRankUpdate(LO.LinearOperatorDiag(D + 3.0), U,
                                                               diag_update=LR_DIAG),
                        np.diag(D + 3.0) + U @ np.diag(LR_DIAG) @ U.T),
    "householder": (lambda: LO.LinearOperatorHouseholder(V), np.eye(3) - 2 * np.outer(V, V) / (V @ V)),
    "permutation": (lambda: LO.LinearOperatorPermutation([2, 0, 1], dtype="float64"),
                    np.eye(3)[[2, 0, 1]]),
    "toeplitz": (lambda: LO.LinearOperatorToeplitz(col=D + 3.0, row=[9.0, 1.0, -1.0]),
                 _toeplitz(D + 3.0, [9.0, 1.0, -1.0])),
    "tridiag": (lambda: LO.LinearOperatorTridiag(np.array([[1.0, 2.0, 0.0], D + 4.0, [0.0, 3.0, -1.0]])),
                np.diag(D + 4.0) + np.diag([1.0, 2.0], 1) + np.diag([3.0, -1.0], -1)),
}


@pytest.mark.parametrize("name", sorted(OPERATORS))
def test_operator_matches_its_dense_matrix(name):
    factory, dense = OPERATORS[name]
    op = factory()
    n = dense.shape[0]
    x = RNG.normal(size=(n, 2))
    close = lambda got, want: np.testing.assert_allclose(np.asarray(got), want, rtol=1e-9, atol=1e-10)  # noqa: E731
    assert op.shape.as_list() == list(dense.shape)
    close(op.to_dense(), dense)
    close(op.matmul(x), dense @ x)
    close(op.matmul(x, adjoint=True), dense.T @ x)
    close(op.matmul(x.T, adjoint_arg=True), dense @ x)
    close(op.matvec(x[:, 0]), dense @ x[:, 0])
    close(op.diag_part(), np.diag(dense))
    close(op.trace(), np.trace(dense))
    close(op.adjoint().to_dense(), dense.T)
    close(op.solve(x), np.linalg.solve(dense, x))
    close(op.solve(x, adjoint=True), np.linalg.solve(dense.T, x))
    close(op.solvevec(x[:, 1]), np.linalg.solve(dense, x[:, 1]))
    close(op.determinant(), np.linalg.det(dense))
    close(op.log_abs_determinant(), np.linalg.slogdet(dense)[1])
    close(op.inverse().to_dense(), np.linalg.inv(dense))
    close(op.add_to_tensor(np.ones_like(dense)), dense + 1.0)
    close((op @ LO.LinearOperatorFullMatrix(x)).to_dense(), dense @ x)


def test_zeros_and_batches():
    zeros = LO.LinearOperatorZeros(2, 3, is_square=False, dtype="float64")
    np.testing.assert_array_equal(zeros.matmul(np.ones((3, 4))).numpy(), np.zeros((2, 4)))
    assert zeros.shape.as_list() == [2, 3]
    with pytest.raises(ValueError, match="is_square"):
        LO.LinearOperatorZeros(2, 3)
    batch = np.stack([A, B])
    op = LO.LinearOperatorFullMatrix(batch)
    assert op.batch_shape.as_list() == [2]
    np.testing.assert_allclose(op.determinant().numpy(), np.linalg.det(batch), rtol=1e-9)
    identity = LO.LinearOperatorIdentity(3, batch_shape=[2], dtype="float64")
    assert identity.shape.as_list() == [2, 3, 3]
    np.testing.assert_allclose(identity.matmul(batch).numpy(), batch)


def test_bad_shapes_name_the_operator():
    op = LO.LinearOperatorDiag(D)
    with pytest.raises(ValueError, match=r"LinearOperatorDiag.matmul.*3 rows.*\[2, 2\]"):
        op.matmul(np.ones((2, 2)))
    with pytest.raises(ValueError, match="must be square"):
        LO.LinearOperatorFullMatrix(np.ones((2, 3))).solve(np.ones((2, 1)))
    with pytest.raises(ValueError, match="permutation of 0..n-1"):
        LO.LinearOperatorPermutation([0, 0, 1])
    with pytest.raises(ValueError, match="cannot be composed"):
        LO.LinearOperatorComposition([LO.LinearOperatorFullMatrix(np.ones((2, 3))), LO.LinearOperatorDiag(D[:2])])


def _grad_check(loss_of, x0):
    x = tf.Variable(np.asarray(x0, np.float64))
    with tf.GradientTape() as tape:
        loss = loss_of(x)
    got = tape.gradient(loss, x).numpy()
    want = central_gradient(lambda v: float(loss_of(tf.constant(v)).numpy()), x0)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)


def test_gradient_of_the_woodbury_log_determinant_and_solve():
    rhs = RNG.normal(size=(3, 1))

    def loss_of(u):
        op = LO.LinearOperatorLowRankUpdate(LO.LinearOperatorDiag(tf.constant(D + 3.0)), tf.reshape(u, (3, 2)),
                                            diag_update=LR_DIAG)
        return op.log_abs_determinant() + tf.reduce_sum(op.solve(rhs))

    _grad_check(loss_of, U.reshape(-1))


def test_gradient_through_diagonal_and_triangular_shortcuts():
    def loss_of(d):
        tril = LO.LinearOperatorLowerTriangular(tf.reshape(tf.concat([d, d * 0.5, d + 1.0], axis=0), (3, 3)))
        return tril.log_abs_determinant() + tf.reduce_sum(LO.LinearOperatorDiag(d).solvevec(D) * 2.0)

    _grad_check(loss_of, np.array([2.0, 1.5, -1.2]))


LINALG_EXTRA = __import__("json").load(open(__import__("os").path.join(
    __import__("os").path.dirname(__file__), "fixtures", "linalg_extra.json")))["results"]


@pytest.mark.parametrize("lower", [True, False])
@pytest.mark.parametrize("adjoint", [False, True])
def test_banded_triangular_solve_matches_tensorflow(lower, adjoint):
    key = f"banded_{'lower' if lower else 'upper'}{'_adjoint' if adjoint else ''}"
    got = tf.linalg.banded_triangular_solve(np.array(LINALG_EXTRA["bands"]), np.array(LINALG_EXTRA["rhs"]),
                                            lower=lower, adjoint=adjoint)
    np.testing.assert_allclose(got.numpy(), LINALG_EXTRA[key], rtol=1e-12)


def test_eigh_tridiagonal_and_sqrtm_match_tensorflow():
    for select, extra in (("a", {}), ("i", {"select_range": [1, 2]}), ("v", {"select_range": [0.0, 3.0]})):
        key = "eigh_tridiagonal" + ("" if select == "a" else f"_select_{select}")
        got = tf.linalg.eigh_tridiagonal(np.array([1.0, 2, 3]), np.array([0.5, -1.0]), select=select, **extra)
        np.testing.assert_allclose(got.numpy(), LINALG_EXTRA[key], rtol=1e-10)
    a = np.array(LINALG_EXTRA["nonsymmetric"])
    root = tf.linalg.sqrtm(a).numpy()
    np.testing.assert_allclose(root, LINALG_EXTRA["sqrtm"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(root @ root, a, rtol=1e-12, atol=1e-12)


def test_sqrtm_gradient_by_central_differences():
    def loss_of(v):
        return tf.reduce_sum(tf.linalg.sqrtm(tf.reshape(v, (2, 2))) * np.array([[1.0, 2.0], [0.5, -1.0]]))

    _grad_check(loss_of, np.array([3.0, 0.4, 0.2, 2.0]))
