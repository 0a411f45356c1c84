"""``tf.math`` special functions: the regularized incomplete gamma and beta functions, the Hurwitz zeta function
and polygamma.

Values are computed in float64 with numpy (series and continued fractions, Euler-Maclaurin for zeta) and returned
in the inputs' dtype. Gradients follow TF's: with respect to `x` (closed forms built from core ops, so they are
differentiable again), for igamma / igammac also with respect to `a`, for zeta with respect to `q`; TF defines none
for betainc's `a` and `b`, zeta's `x` or polygamma's `n`, and neither does this.
"""

import math

import numpy as np

from . import _core
from ._linalg_ops import _tensor
from ._math_ops import lgamma
from .gradient_tape import custom_gradient

__all__ = ["igamma", "igammac", "betainc", "zeta", "polygamma"]

_EPS = 1e-16
_MAX_TERMS = 100_000
_lgamma = np.vectorize(math.lgamma, otypes=[np.float64])


def _floats(*values):
    tensors = [_tensor(v) for v in values]  # numpy values keep their dtype, Python numbers are float32
    kind = tensors[0].dtype
    for t in tensors:
        if not t.dtype.is_floating:
            raise TypeError(f"special function: expected float32 or float64 inputs, got {t.dtype.name}")
        if t.dtype != kind:
            raise TypeError(f"special function: inputs must have one dtype, got {kind.name} and {t.dtype.name}")
    return tensors, kind


def _digamma(x):
    """psi(x) for x > 0: recurrence up to 6, then the asymptotic series."""
    x = np.array(x, np.float64)
    result = np.zeros_like(x)
    while np.any(x < 6):
        small = x < 6
        result[small] -= 1.0 / x[small]
        x[small] += 1.0
    inv2 = 1.0 / (x * x)
    return result + np.log(x) - 0.5 / x - inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (
        1 / 240 - inv2 / 132))))


def _lower_series(a, x):
    """P(a, x) by its series, and dP/da (each term differentiated: d/da x^(a+k) / Gamma(a+k+1))."""
    log_front = a * np.log(x) - x - _lgamma(a + 1.0)
    term = np.ones_like(x)
    total = term.copy()
    dterm = -_digamma(a + 1.0)  # d/da of log(term_k) beyond log x, accumulated
    dtotal = term * dterm
    ap = a.copy()
    for _ in range(_MAX_TERMS):
        ap = ap + 1.0
        term = term * x / ap
        dterm = dterm - 1.0 / ap
        total = total + term
        dtotal = dtotal + term * dterm
        if np.all(np.abs(term) <= _EPS * np.abs(total)):
            break
    front = np.exp(log_front)
    return front * total, front * (total * np.log(x) + dtotal)


def _upper_fraction(a, x):
    """Q(a, x) = 1 - P by Lentz's continued fraction (for x >= a + 1)."""
    tiny = 1e-300
    b = x + 1.0 - a
    c = np.full_like(x, 1.0 / tiny)
    d = 1.0 / b
    h = d.copy()
    for i in range(1, _MAX_TERMS):
        an = -i * (i - a)
        b = b + 2.0
        d = an * d + b
        d = np.where(np.abs(d) < tiny, tiny, d)
        c = b + an / c
        c = np.where(np.abs(c) < tiny, tiny, c)
        d = 1.0 / d
        delta = d * c
        h = h * delta
        if np.all(np.abs(delta - 1.0) <= _EPS):
            break
    return np.exp(a * np.log(x) - x - _lgamma(a)) * h


def _igamma_values(a, x):
    """(P(a, x), Q(a, x) = 1 - P, dP/da) in float64 for arrays, NaN where a <= 0 or x < 0, as TF. Where the
    continued fraction is used (x >= a + 1) Q is its value and P = 1 - Q, elsewhere Q = 1 - P: the side that does
    not cancel is computed directly."""
    a, x = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(x, np.float64))
    p = np.full(a.shape, np.nan)
    dp = np.full(a.shape, np.nan)
    ok = (a > 0) & (x >= 0)
    zero = ok & (x == 0)
    p[zero], dp[zero] = 0.0, 0.0
    series = ok & (x > 0) & (x < a + 1)
    if series.any():
        p[series], dp[series] = _lower_series(a[series], x[series])
    q = 1.0 - p
    fraction = ok & (x > 0) & ~series
    if fraction.any():
        q[fraction] = _upper_fraction(a[fraction], x[fraction])
        p[fraction] = 1.0 - q[fraction]
        # dP/da by the series is valid for every x; it converges slower for large x but stays exact
        dp[fraction] = _lower_series(a[fraction], x[fraction])[1]
    return p, q, dp


def _density(a, x):
    """x^(a-1) e^(-x) / Gamma(a): dP/dx, from core ops."""
    return _core.exp((a - 1.0) * _core.log(x) - x - lgamma(a))


def igamma(a, x, name=None):
    """The regularized lower incomplete gamma function P(a, x)."""
    (ta, tx), kind = _floats(a, x)
    p, _, dp = _igamma_values(np.asarray(ta), np.asarray(tx))

    @custom_gradient
    def forward(ta, tx):
        def backward(upstream):
            return (_reduce_to(upstream * _core.constant(dp.astype(kind.as_numpy_dtype)), ta),
                    _reduce_to(upstream * _density(ta, tx), tx))
        return _core.constant(p.astype(kind.as_numpy_dtype)), backward

    return forward(ta, tx)


def igammac(a, x, name=None):
    """The regularized upper incomplete gamma function Q(a, x) = 1 - P(a, x)."""
    (ta, tx), kind = _floats(a, x)
    _, q, dp = _igamma_values(np.asarray(ta), np.asarray(tx))

    @custom_gradient
    def forward(ta, tx):
        def backward(upstream):
            return (_reduce_to(-upstream * _core.constant(dp.astype(kind.as_numpy_dtype)), ta),
                    _reduce_to(-upstream * _density(ta, tx), tx))
        return _core.constant(q.astype(kind.as_numpy_dtype)), backward

    return forward(ta, tx)


def _beta_fraction(a, b, x):
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = np.ones_like(x)
    d = 1.0 - qab * x / qap
    d = np.where(np.abs(d) < tiny, tiny, d)
    d = 1.0 / d
    h = d.copy()
    for m in range(1, _MAX_TERMS):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = np.where(np.abs(d) < tiny, tiny, d)
        c = 1.0 + aa / c
        c = np.where(np.abs(c) < tiny, tiny, c)
        d = 1.0 / d
        h = h * d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = np.where(np.abs(d) < tiny, tiny, d)
        c = 1.0 + aa / c
        c = np.where(np.abs(c) < tiny, tiny, c)
        d = 1.0 / d
        delta = d * c
        h = h * delta
        if np.all(np.abs(delta - 1.0) <= _EPS):
            break
    return h


def _betainc_values(a, b, x):
    a, b, x = np.broadcast_arrays(*(np.asarray(v, np.float64) for v in (a, b, x)))
    out = np.full(a.shape, np.nan)
    ok = (a > 0) & (b > 0) & (x >= 0) & (x <= 1)
    out[ok & (x == 0)] = 0.0
    out[ok & (x == 1)] = 1.0
    inner = ok & (x > 0) & (x < 1)
    if inner.any():
        ai, bi, xi = a[inner], b[inner], x[inner]
        log_front = _lgamma(ai + bi) - _lgamma(ai) - _lgamma(bi) + ai * np.log(xi) + bi * np.log1p(-xi)
        front = np.exp(log_front)
        direct = xi < (ai + 1.0) / (ai + bi + 2.0)
        value = np.empty_like(xi)
        value[direct] = front[direct] * _beta_fraction(ai[direct], bi[direct], xi[direct]) / ai[direct]
        flip = ~direct
        value[flip] = 1.0 - front[flip] * _beta_fraction(bi[flip], ai[flip], 1.0 - xi[flip]) / bi[flip]
        out[inner] = value
    return out


def betainc(a, b, x, name=None):
    """The regularized incomplete beta function I_x(a, b)."""
    (ta, tb, tx), kind = _floats(a, b, x)
    value = _betainc_values(np.asarray(ta), np.asarray(tb), np.asarray(tx))

    @custom_gradient
    def forward(ta, tb, tx):
        def backward(upstream):
            log_density = ((ta - 1.0) * _core.log(tx) + (tb - 1.0) * _core.log(1.0 - tx)
                           - (lgamma(ta) + lgamma(tb) - lgamma(ta + tb)))
            return None, None, _reduce_to(upstream * _core.exp(log_density), tx)
        return _core.constant(value.astype(kind.as_numpy_dtype)), backward

    return forward(ta, tb, tx)


# Euler-Maclaurin: B_2j / (2j)! for j = 1..12
_BERNOULLI_OVER_FACTORIAL = [1 / 12, -1 / 720, 1 / 30240, -1 / 1209600, 1 / 47900160, -691 / 1307674368000,
                             1 / 74724249600, -3617 / 10670622842880000, 43867 / 5109094217170944000,
                             -174611 / 802857662698291200000, 77683 / 14101100039391805440000,
                             -236364091 / 1693824136731743669452800000]
_ZETA_SHIFT = 12


def _zeta_values(x, q):
    """Hurwitz zeta sum_k (q + k)^-x for x > 1, q > 0: inf at x = 1 and at q = 0, -1, -2, ...; NaN for x < 1 and
    other q <= 0 (TF continues to integer x there)."""
    x, q = np.broadcast_arrays(np.asarray(x, np.float64), np.asarray(q, np.float64))
    out = np.full(x.shape, np.nan)
    out[(x == 1) | ((q <= 0) & (q == np.floor(q)))] = np.inf  # the poles
    ok = (x > 1) & (q > 0)
    if ok.any():
        xs, qs = x[ok], q[ok]
        total = sum((qs + k) ** -xs for k in range(_ZETA_SHIFT))
        w = qs + _ZETA_SHIFT
        total = total + w ** (1.0 - xs) / (xs - 1.0) + 0.5 * w ** -xs
        rising = xs.copy()  # x (x + 1) ... (x + 2j - 2)
        power = w ** (-xs - 1.0)
        for j, coefficient in enumerate(_BERNOULLI_OVER_FACTORIAL):
            total = total + coefficient * rising * power
            rising = rising * (xs + 2 * j + 1) * (xs + 2 * j + 2)
            power = power / (w * w)
        out[ok] = total
    return out


def zeta(x, q, name=None):
    """The Hurwitz zeta function sum_{k>=0} (q + k)^-x."""
    (tx, tq), kind = _floats(x, q)
    value = _zeta_values(np.asarray(tx), np.asarray(tq))

    @custom_gradient
    def forward(tx, tq):
        def backward(upstream):
            return None, _reduce_to(upstream * -tx * zeta(tx + 1.0, tq), tq)
        return _core.constant(value.astype(kind.as_numpy_dtype)), backward

    return forward(tx, tq)


def polygamma(a, x, name=None):
    """The a-th derivative of digamma at x, for integer a >= 0: (-1)^(a+1) a! zeta(a + 1, x) for a >= 1."""
    (ta, tx), kind = _floats(a, x)
    orders = np.asarray(ta, np.float64)
    points = np.asarray(tx, np.float64)
    orders, points = np.broadcast_arrays(orders, points)
    value = np.full(orders.shape, np.nan)
    whole = (orders == np.floor(orders)) & (orders >= 0)
    zeroth = whole & (orders == 0)
    value[zeroth] = _digamma(points[zeroth])
    higher = whole & (orders >= 1)
    if higher.any():
        n = orders[higher]
        sign = np.where(n % 2 == 1, 1.0, -1.0)
        value[higher] = sign * np.exp(_lgamma(n + 1.0)) * _zeta_values(n + 1.0, points[higher])

    @custom_gradient
    def forward(ta, tx):
        def backward(upstream):
            return None, _reduce_to(upstream * polygamma(ta + 1.0, tx), tx)
        return _core.constant(value.astype(kind.as_numpy_dtype)), backward

    return forward(ta, tx)


def _reduce_to(gradient, like):
    """`gradient` summed over the axes `like` was broadcast along."""
    shape = tuple(like.shape)
    extra = len(gradient.shape) - len(shape)
    if extra > 0:
        gradient = _core.reduce_sum(gradient, axis=list(range(extra)))
    axes = [i for i, d in enumerate(shape) if d == 1 and gradient.shape[i] != 1]
    return _core.reduce_sum(gradient, axis=axes, keepdims=True) if axes else gradient
