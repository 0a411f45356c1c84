"""tf.linalg.eig / eigvals (and tf.eig / tf.eigvals) against numpy and TF's recorded eigenvalues; and
tf.linalg.experimental.conjugate_gradient against TF's recorded states (fixtures/linalg_eig.json, made by
fixtures/make_linalg_eig.py)."""

import json
import os

import numpy as np
import pytest

import pytensor as pt

RECORDED = json.load(open(os.path.join(os.path.dirname(__file__), "fixtures", "linalg_eig.json")))


def _sorted(values):
    return np.sort_complex(np.round(np.asarray(values), 10))


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 30])
def test_eig_satisfies_the_eigen_equation_and_matches_numpy(seed, n):
    a = np.random.default_rng(seed).normal(size=(n, n))
    values, vectors = pt.linalg.eig(pt.constant(a))
    assert values.dtype == pt.complex128 and vectors.dtype == pt.complex128
    e, v = values.numpy(), vectors.numpy()
    np.testing.assert_allclose(a @ v, v * e, atol=1e-9)
    np.testing.assert_allclose(np.linalg.norm(v, axis=0), 1.0, rtol=1e-12)
    np.testing.assert_allclose(_sorted(e), _sorted(np.linalg.eigvals(a)), atol=1e-9)
    largest = np.abs(v).argmax(axis=0)
    assert np.all(np.abs(v[largest, range(n)].imag) < 1e-12) and np.all(v[largest, range(n)].real > 0)


def test_eig_of_batches_float32_and_repeated_eigenvalues():
    rng = np.random.default_rng(5)
    a = rng.normal(size=(2, 3, 4, 4)).astype(np.float32)
    values, vectors = pt.eig(a)
    assert values.dtype == pt.complex64 and values.shape == (2, 3, 4) and vectors.shape == (2, 3, 4, 4)
    np.testing.assert_allclose(np.einsum("...ij,...jk->...ik", a, vectors.numpy()),
                               vectors.numpy() * values.numpy()[..., None, :], atol=1e-4)
    np.testing.assert_allclose(np.sort_complex(pt.eigvals(a).numpy().reshape(-1, 4)),
                               np.sort_complex(np.linalg.eigvals(a).reshape(-1, 4)), atol=1e-4)
    # a repeated eigenvalue of a non-defective matrix: independent eigenvectors
    values, vectors = pt.linalg.eig(np.diag([2.0, 2.0, 5.0]))
    np.testing.assert_allclose(_sorted(values.numpy()), [2.0, 2.0, 5.0])
    assert np.linalg.matrix_rank(vectors.numpy()) == 3
    np.testing.assert_allclose(pt.linalg.eigvals(np.array([[0.0, 1.0], [-1.0, 0.0]])).numpy(), [1j, -1j])


def test_eigvals_match_tensorflows_recorded_values():
    for case in RECORDED["eig"]:
        values = pt.linalg.eigvals(pt.constant(np.array(case["a"], case["dtype"])))
        assert values.dtype.name == case["values_dtype"]
        want = np.array(case["values_re"]) + 1j * np.array(case["values_im"])
        tol = 1e-5 if case["dtype"] == "float32" else 1e-10
        np.testing.assert_allclose(np.sort_complex(values.numpy()), np.sort_complex(want), atol=tol)
        assert pt.linalg.eig(np.array(case["a"], case["dtype"]))[1].dtype.name == case["vectors_dtype"]


def test_eig_bad_input_errors_name_the_op():
    with pytest.raises(pt.errors.InvalidArgumentError, match="eig: the input must be a square matrix"):
        pt.linalg.eig(np.ones((2, 3)))
    with pytest.raises(TypeError, match="eigvals: got dtype int32, expected float32 or float64"):
        pt.linalg.eigvals(np.eye(2, dtype=np.int32))
    with pytest.raises(TypeError, match="eig: complex input"):
        pt.linalg.eig(np.eye(2, dtype=np.complex64))


def test_conjugate_gradient_matches_tensorflows_recorded_states():
    for case in RECORDED["cg"]:
        operator = pt.linalg.LinearOperatorFullMatrix(pt.constant(np.array(case["a"])), is_self_adjoint=True,
                                                      is_positive_definite=True)
        state = pt.linalg.experimental.conjugate_gradient(operator, pt.constant(np.array(case["b"])),
                                                          max_iter=case["max_iter"])
        assert int(state.i) == case["i"]
        np.testing.assert_allclose(state.x.numpy(), case["x"], rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(state.r.numpy(), case["r"], rtol=1e-8, atol=1e-12)
        np.testing.assert_allclose(state.gamma.numpy(), case["gamma"], rtol=1e-8, atol=1e-20)


def test_conjugate_gradient_solves_with_a_preconditioner_and_needs_an_spd_operator():
    rng = np.random.default_rng(1)
    m = rng.normal(size=(6, 6))
    a = m @ m.T + 6 * np.eye(6)
    b = rng.normal(size=6)
    spd = dict(is_self_adjoint=True, is_positive_definite=True)
    jacobi = pt.linalg.LinearOperatorDiag(pt.constant(1.0 / np.diag(a)), **spd)
    state = pt.linalg.experimental.conjugate_gradient(pt.linalg.LinearOperatorFullMatrix(pt.constant(a), **spd),
                                                      pt.constant(b), preconditioner=jacobi, tol=1e-12,
                                                      max_iter=50)
    np.testing.assert_allclose(state.x.numpy(), np.linalg.solve(a, b), rtol=1e-9)
    with pytest.raises(ValueError, match="self-adjoint, positive definite"):
        pt.linalg.experimental.conjugate_gradient(pt.linalg.LinearOperatorFullMatrix(pt.constant(a)), b)
