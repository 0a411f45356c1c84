"""``tf.linalg.experimental``: the conjugate-gradient solver."""

import collections

from . import _core

__all__ = ["conjugate_gradient"]

CGState = collections.namedtuple("CGState", ["i", "x", "r", "p", "gamma"])


def _dot(a, b):
    return _core.reduce_sum(a * b, axis=-1, keepdims=True)


def conjugate_gradient(operator, rhs, preconditioner=None, x=None, tol=1e-5, max_iter=20,
                       name="conjugate_gradient"):
    """Solves ``A x = rhs`` for a self-adjoint positive-definite LinearOperator A (`rhs`: [..., N]) by conjugate
    gradients, until the residual norm of every batch member is at most `tol` times its initial one or `max_iter`
    steps ran. Returns TF's state tuple ``(i, x, r, p, gamma)``. The steps are fixed-count with the finished ones
    masked, so the same code traces under tf.function."""
    if not (operator.is_self_adjoint and operator.is_positive_definite):
        raise ValueError("conjugate_gradient: expected a self-adjoint, positive definite operator (make it with "
                         "is_self_adjoint=True, is_positive_definite=True)")
    rhs = _core.convert_to_tensor(rhs)
    x = _core.zeros_like(rhs) if x is None else _core.convert_to_tensor(x, dtype=rhs.dtype)
    apply = (lambda v: v) if preconditioner is None else preconditioner.matvec
    r = rhs - operator.matvec(x)
    p = apply(r)
    gamma = _dot(r, p)
    limit = tol * _core.sqrt(_dot(r, r))
    i = _core.constant(0, "int32")
    for _ in range(max_iter):
        active = _core.reduce_any(_core.sqrt(_dot(r, r)) > limit)
        z = operator.matvec(p)
        alpha = gamma / _core.where(_dot(p, z) != 0, _dot(p, z), _core.ones_like(gamma))
        x_next, r_next = x + alpha * p, r - alpha * z
        q = apply(r_next)
        gamma_next = _dot(r_next, q)
        p_next = q + gamma_next / _core.where(gamma != 0, gamma, _core.ones_like(gamma)) * p
        x, r, p, gamma = (_core.where(active, new, old) for new, old in
                          ((x_next, x), (r_next, r), (p_next, p), (gamma_next, gamma)))
        i = i + _core.cast(active, "int32")
    return CGState(i, x, r, p, _core.squeeze(gamma, -1))
