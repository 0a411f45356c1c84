"""Special functions of tf.math.special (csrc/ops/special.cpp).

The references are numpy quadratures of each function's integral representation, a method independent of the
kernels' (series, continued fractions and libstdc++'s Bessel functions): the trapezoidal rule over a period for J
and I (exponentially accurate for periodic analytic integrands), over the half line for K, and Gauss-Legendre
elsewhere. Their accuracy (~1e-13) is checked against TF's recorded values in tests/test_math_special.py,
which also covers TF's values at the domains' edges (0, negative arguments, infinities, NaN).
"""
from __future__ import annotations

import numpy as np

from .common import BOOL, FLOATS, INTS, Domain, OpInfo
from .unary import sample_unary

_EULER_GAMMA = 0.57721566490153286060651209008240243
_THETA = np.linspace(0.0, np.pi, 401)                         # a period's half of the trapezoidal rule for J, I
_THETA_WEIGHTS = np.full(401, np.pi / 400)
_THETA_WEIGHTS[[0, -1]] *= 0.5
_T = np.arange(0.0, 14.0, 0.01)                               # the half line of K's trapezoidal rule
_T_WEIGHTS = np.full(_T.size, 0.01)
_T_WEIGHTS[0] *= 0.5
_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(200)


def _over(fn, x):
    """fn applied to x's distinct values in float64, laid out as x (the quadratures broadcast over a node axis)."""
    x = np.asarray(x, np.float64)
    if not x.size:
        return x
    values, where = np.unique(x, return_inverse=True)
    return fn(values)[where].reshape(x.shape)


def sample_special(op, dtype, rng):
    """The unary samples; the two large ones (which exercise the threaded split) hold values on a 0.01 grid, so that
    the quadrature reference evaluates a few hundred distinct points rather than 70 000."""
    for sample in sample_unary(op, dtype, rng):
        x = sample.args[0]
        if x.size > 10_000:
            x[...] = np.round(x, 2)
        yield sample


def _legendre(integrand, lo, hi):
    """int_lo^hi integrand(t) dt by 200-node Gauss-Legendre, per element of lo / hi (1-D arrays)."""
    half = (hi - lo)[:, None] / 2
    t = (lo + hi)[:, None] / 2 + half * _GL_NODES
    return np.sum(integrand(t) * _GL_WEIGHTS, axis=1) * half[:, 0]


def _bessel_j(n):
    # J_n(x) = 1/pi int_0^pi cos(n theta - x sin theta) dtheta
    return lambda x: np.cos(n * _THETA - x[:, None] * np.sin(_THETA)) @ _THETA_WEIGHTS / np.pi


def _bessel_ie(n):
    # e^-|x| I_n(x) = 1/pi int_0^pi e^(|x| (cos theta - 1)) cos(n theta) dtheta, with I_1's sign
    def f(x):
        value = np.exp(np.abs(x)[:, None] * (np.cos(_THETA) - 1)) * np.cos(n * _THETA) @ _THETA_WEIGHTS / np.pi
        return value * np.sign(x) if n == 1 else value
    return f


def _bessel_ke(n):
    # e^x K_n(x) = int_0^inf e^(-x (cosh t - 1)) cosh(n t) dt
    return lambda x: np.exp(-x[:, None] * 2 * np.sinh(_T / 2) ** 2) * np.cosh(n * _T) @ _T_WEIGHTS


def _bessel_y(n):
    # Y_n(x) = 1/pi int_0^pi sin(x sin theta - n theta) dtheta - 1/pi int_0^inf (e^(nt) + (-1)^n e^(-nt)) e^(-x sinh t) dt
    def f(x):
        zero = np.zeros_like(x)
        first = _legendre(lambda t: np.sin(x[:, None] * np.sin(t) - n * t), zero, zero + np.pi)
        end = np.arcsinh(80.0 / x) + 1.0
        second = _legendre(lambda t: (np.exp(n * t) + (-1) ** n * np.exp(-n * t)) * np.exp(-x[:, None] * np.sinh(t)),
                           zero, end)
        return (first - second) / np.pi
    return f


def _dawsn(x):
    # e^-x^2 int_0^x e^(t^2) dt = int_0^x e^((t - x)(t + x)) dt
    return _legendre(lambda t: np.exp((t - x[:, None]) * (t + x[:, None])), np.zeros_like(x), x)


def _expint(x):
    # Ei(x) = gamma + log x + int_0^x (e^t - 1) / t dt, x > 0
    return _EULER_GAMMA + np.log(x) + _legendre(lambda t: np.expm1(t) / t, np.zeros_like(x), x)


def _fresnel(trig):
    return lambda x: _legendre(lambda t: trig(np.pi / 2 * t * t), np.zeros_like(x), x)


def _spence(x):
    # int_1^x log t / (1 - t) dt = -int_0^(x-1) log1p(u) / u du (the integrand tends to -1 at u = 0)
    def integrand(u):
        near_zero = np.abs(u) < 1e-8
        safe = np.where(near_zero, 1.0, u)
        return np.where(near_zero, -1 + u / 2, -np.log1p(safe) / safe)
    return _legendre(integrand, np.zeros_like(x), x - 1)


_SCALED = {"bessel_i0": (_bessel_ie(0), "i"), "bessel_i1": (_bessel_ie(1), "i"),
           "bessel_k0": (_bessel_ke(0), "k"), "bessel_k1": (_bessel_ke(1), "k")}


def _unscaled(name):
    fn, kind = _SCALED[name]
    return lambda x: fn(x) * np.exp(np.abs(x) if kind == "i" else -x)


_POSITIVE = Domain(0.1, 6.0)  # K, Y, Ei and spence are defined (real) for x > 0 only
# name -> (reference of float64 x, input domain, points the gradient samples avoid)
_SPECIAL = {
    "bessel_i0": (_unscaled("bessel_i0"), Domain(-6.0, 6.0), ()),
    "bessel_i0e": (_bessel_ie(0), Domain(-6.0, 6.0), (0,)),  # |x| has a kink at 0
    "bessel_i1": (_unscaled("bessel_i1"), Domain(-6.0, 6.0), (0,)),  # TF's derivative at 0 is 1, not 1/2
    "bessel_i1e": (_bessel_ie(1), Domain(-6.0, 6.0), (0,)),
    "bessel_j0": (_bessel_j(0), Domain(-10.0, 10.0), ()),
    "bessel_j1": (_bessel_j(1), Domain(-10.0, 10.0), (0,)),
    "bessel_k0": (_unscaled("bessel_k0"), _POSITIVE, ()),
    "bessel_k0e": (_bessel_ke(0), _POSITIVE, ()),
    "bessel_k1": (_unscaled("bessel_k1"), _POSITIVE, ()),
    "bessel_k1e": (_bessel_ke(1), _POSITIVE, ()),
    "bessel_y0": (_bessel_y(0), Domain(0.1, 10.0), ()),
    "bessel_y1": (_bessel_y(1), Domain(0.1, 10.0), ()),
    "dawsn": (_dawsn, Domain(-5.0, 5.0), ()),
    "expint": (_expint, _POSITIVE, ()),
    "fresnel_cos": (_fresnel(np.cos), Domain(-4.0, 4.0), ()),
    "fresnel_sin": (_fresnel(np.sin), Domain(-4.0, 4.0), ()),
    "spence": (_spence, _POSITIVE, (1,)),  # TF imputes -1 at x = 1 (its formula's limit); kept off the FD check
}


def _special_row(name):
    fn, domain, kinks = _SPECIAL[name]
    return OpInfo(name=name, family="special", api=f"math.special.{name}",
                  ref=lambda x: _over(fn, x).astype(x.dtype), sample_inputs_func=sample_special, dtypes=FLOATS,
                  unsupported_dtypes=BOOL + INTS, differentiable=True, domains=(domain,), grad_exclude=kinks,
                  tols={"float32": (2e-5, 2e-6), "float64": (1e-11, 1e-12)})


# One row per registry op of this family; tests/op_db/__init__.py joins the families into `op_db`.
ROWS = [_special_row(name) for name in _SPECIAL]
