"""Binary element-wise rows, comparisons, where and clip_by_value: broadcasting pairs and Python scalars."""
from __future__ import annotations

import math

import numpy as np

from .common import (
    ALL_DTYPES, BOOL, FLOATS, GENERIC_EXTREMAL, INTS, NONZERO, NUMERIC, POS, Domain, OpInfo, SampleInput, make, _same,
    _scalar)
from .unary import _UNARY_FLOAT_TOLS


BINARY_PAIRS = [
    (((), "contiguous"), ((), "contiguous")),
    (((5,), "contiguous"), ((5,), "contiguous")),
    (((3, 4), "contiguous"), ((3, 4), "contiguous")),
    (((3, 1), "contiguous"), ((1, 4), "contiguous")),
    (((2, 3, 4), "contiguous"), ((4,), "contiguous")),
    (((2, 3, 4), "contiguous"), ((3, 1), "contiguous")),
    (((), "contiguous"), ((3,), "contiguous")),
    (((4,), "contiguous"), ((), "contiguous")),
    (((0,), "contiguous"), ((0,), "contiguous")),
    (((0, 3), "contiguous"), ((1, 3), "contiguous")),
    (((2, 0), "contiguous"), ((2, 1), "contiguous")),
    (((4, 3), "transposed"), ((4, 3), "contiguous")),
    (((3, 4), "strided"), ((3, 4), "transposed")),
    (((6,), "reversed"), ((), "contiguous")),
    (((2, 3, 4), "transposed"), ((3, 1), "strided")),
    (((70001,), "contiguous"), ((70001,), "contiguous")),
    (((300, 240), "transposed"), ((240,), "contiguous")),
]


def sample_binary(op, dtype, rng):
    for (sa, la), (sb, lb) in BINARY_PAIRS:
        a = make(sa, dtype, rng, op.domain(0), la)
        b = make(sb, dtype, rng, op.domain(1), lb)
        yield SampleInput((a, b), desc=f"{la} {sa} with {lb} {sb}")
    # Python numbers take the tensor's dtype (TF's rule for Python scalars).
    x = make((3, 4), dtype, rng, op.domain(0))
    y = make((3, 4), dtype, rng, op.domain(1))
    s1 = _scalar(dtype, 2 if dtype not in FLOATS else 1.5)
    s0 = _scalar(dtype, 2 if dtype not in FLOATS else 1.5)
    if _in_domain(s1, op.domain(1)):
        yield SampleInput((x, s1), desc=f"tensor with Python scalar {s1!r}", ref_args=(x, np.asarray(s1, dtype)))
    if _in_domain(s0, op.domain(0)):
        yield SampleInput((s0, y), desc=f"Python scalar {s0!r} with tensor", ref_args=(np.asarray(s0, dtype), y))
    if dtype in FLOATS and op.extremal:
        vals = np.array(op.extremal, dtype=dtype)
        a, b = (np.array(v, order="C") for v in np.meshgrid(vals, vals, indexing="ij"))
        yield SampleInput((a, b), desc=f"extremal pairs of {op.extremal}")


def _in_domain(v, d):
    if d is None:
        return True
    if d.low is not None and v < d.low:
        return False
    if d.high is not None and v >= d.high:
        return False
    return all(abs(v - p) >= d.margin for p in d.exclude)


def sample_where(op, dtype, rng):
    combos = [((3, 4), (3, 4), (3, 4), "contiguous"), ((3, 1), (1, 4), (), "contiguous"),
              ((), (2, 3), (2, 3), "contiguous"), ((), (), (), "contiguous"), ((0, 3), (1, 3), (3,), "contiguous"),
              ((4, 5), (4, 5), (4, 5), "transposed"), ((3, 4), (3, 4), (4,), "strided"),
              ((70001,), (70001,), (70001,), "contiguous")]
    for sc, sx, sy, layout in combos:
        c = make(sc, "bool", rng, layout=layout)
        x = make(sx, dtype, rng, layout=layout)
        y = make(sy, dtype, rng)
        yield SampleInput((c, x, y), desc=f"cond {sc} x {sx} y {sy} ({layout})")
    c = make((3, 4), "bool", rng)
    x = make((3, 4), dtype, rng)
    s = _scalar(dtype)
    yield SampleInput((c, x, s), desc="Python scalar y", ref_args=(c, x, np.asarray(s, dtype)))


def ref_where(c, x, y):
    return np.where(c, x, y)


# fused_elementwise's steps as numpy computes them (the graph pass elementwise_fusion makes the op).
_FUSED_NUMPY = {
    "negative": np.negative, "abs": np.abs, "square": np.square, "relu": lambda x: np.maximum(x, 0), "exp": np.exp,
    "log": np.log, "log1p": np.log1p, "expm1": np.expm1, "sqrt": np.sqrt, "rsqrt": lambda x: 1 / np.sqrt(x),
    "reciprocal": lambda x: 1 / x, "sin": np.sin, "cos": np.cos, "tanh": np.tanh,
    "sigmoid": lambda x: 1 / (1 + np.exp(-x)), "add": np.add, "subtract": np.subtract, "multiply": np.multiply,
    "divide": np.divide, "maximum": np.maximum, "minimum": np.minimum,
    "squared_difference": lambda a, b: np.square(a - b)}

# (program, number of inputs): sigmoid(x0 x1 + x2) tanh(x0) - x3 x0 (bench/function.py's chain); every unary step on
# values where it is defined (the logarithms and roots of |x0| + x1^2 + exp(x1) > 0); steps read twice.
_FUSED_PROGRAMS = [
    ([("multiply", 0, 1), ("add", 4, 2), ("sigmoid", 5, -1), ("tanh", 0, -1), ("multiply", 6, 7),
      ("multiply", 3, 0), ("subtract", 8, 9)], 4),
    ([("abs", 0, -1), ("square", 1, -1), ("add", 2, 3), ("exp", 1, -1), ("add", 4, 5), ("sqrt", 6, -1),
      ("log", 6, -1), ("log1p", 2, -1), ("rsqrt", 6, -1), ("reciprocal", 6, -1), ("multiply", 8, 10),
      ("add", 12, 7), ("add", 13, 9), ("add", 14, 11)], 2),
    ([("exp", 0, -1), ("expm1", 1, -1), ("negative", 2, -1), ("sin", 0, -1), ("cos", 1, -1), ("relu", 0, -1),
      ("square", 1, -1), ("maximum", 5, 6), ("minimum", 7, 8), ("squared_difference", 9, 10), ("divide", 11, 2),
      ("add", 12, 3), ("add", 13, 4), ("add", 14, 10)], 2),
]


def sample_fused_elementwise(op, dtype, rng):
    for program, n in _FUSED_PROGRAMS:
        for shape, layout in [((3, 4), "contiguous"), ((), "contiguous"), ((0, 3), "contiguous"),
                              ((4, 5), "transposed"), ((1500,), "contiguous")]:
            inputs = [make(shape, dtype, rng, Domain(-2, 2), layout=layout) for _ in range(n)]
            yield SampleInput((inputs, program), desc=f"{len(program)} steps {layout} {shape}")
        inputs = [make((3, 4), dtype, rng, Domain(-2, 2))] + [make((), dtype, rng, Domain(0.5, 2))
                                                             for _ in range(n - 1)]
        yield SampleInput((inputs, program), desc=f"{len(program)} steps, scalars broadcast to (3, 4)")
    inputs = [make((2, 3), dtype, rng, Domain(0.5, 2)), make((1, 1), dtype, rng, Domain(0.5, 2))]
    yield SampleInput((inputs, [("divide", 0, 1), ("tanh", 2, -1)]), desc="a (1, 1) operand broadcast to (2, 3)")
    program, n = _FUSED_PROGRAMS[0]
    inputs = [make((2, 300, 4), dtype, rng, Domain(-2, 2)), make((4,), dtype, rng, Domain(-2, 2)),
              make((1, 300, 4), dtype, rng, Domain(-2, 2), layout="transposed"), make((), dtype, rng)]
    yield SampleInput((inputs, program), desc="rows (4,) and (1, 300, 4) repeated along (2, 300, 4)")


def ref_fused_elementwise(inputs, program):
    values = list(inputs)
    for name, a, b in program:
        values.append(_FUSED_NUMPY[name](values[a]) if b < 0 else _FUSED_NUMPY[name](values[a], values[b]))
    return np.asarray(np.broadcast_to(values[-1], np.broadcast_shapes(*(np.shape(x) for x in inputs))))


def sample_clip(op, dtype, rng):
    lo_s, hi_s = (_scalar(dtype, 1), _scalar(dtype, 4)) if dtype in INTS else (_scalar(dtype, -1.0), _scalar(dtype, 1.5))
    for shape, layout in [((3, 4), "contiguous"), ((), "contiguous"), ((0, 3), "contiguous"),
                          ((4, 5), "transposed"), ((3, 4), "strided"), ((70001,), "contiguous")]:
        x = make(shape, dtype, rng, layout=layout)
        yield SampleInput((x, lo_s, hi_s), desc=f"{layout} {shape} Python bounds",
                          ref_args=(x, np.asarray(lo_s, dtype), np.asarray(hi_s, dtype)))
    x = make((3, 4), dtype, rng)
    lo = make((3, 4), dtype, rng, Domain(-3, 1))
    hi = (lo.astype("float64") + make((3, 4), "float64", rng, Domain(0, 3))).astype(dtype)
    if dtype == "uint8":
        lo = make((3, 4), dtype, rng, Domain(0, 4))
        hi = (lo + make((3, 4), dtype, rng, Domain(0, 5))).astype(dtype)
    yield SampleInput((x, lo, hi), desc="tensor bounds of the input's shape")
    yield SampleInput((x, lo[0], hi[0]), desc="tensor bounds broadcast (4,)")
    yield SampleInput((x, np.asarray(hi_s, dtype), np.asarray(lo_s, dtype)), desc="lo > hi gives hi (TF)")


def ref_clip(x, lo, hi):
    return np.minimum(np.maximum(x, lo), hi).astype(x.dtype)


def _truediv(a, b):
    r = np.true_divide(a, b)
    if a.dtype.kind in "iu":
        return r.astype("float32" if a.dtype == np.uint8 else "float64")
    return r.astype(a.dtype)


def _floordiv(a, b):
    if a.dtype.kind == "f":
        return np.floor(a / b).astype(a.dtype)  # TF's float FloorDiv is floor(x / y), not numpy's divmod
    return np.floor_divide(a, b).astype(a.dtype)


def _floormod(a, b):
    return np.remainder(a, b).astype(a.dtype)


def _pow(a, b):
    return np.power(a, b).astype(a.dtype)


def _xlogy(x, y):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x == 0, 0, x * np.log(y)).astype(x.dtype)


def igamma_pq(a, x):
    """The regularised incomplete gamma functions (P(a, x), Q(a, x) = 1 - P) in float64, element-wise for a, x > 0:
    P's power series below x = a + 1, Q's continued fraction (modified Lentz) above, each summed until converged;
    the other one as 1 minus it."""
    a, x = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(x, np.float64))
    log_prefactor = a * np.log(x) - x - np.vectorize(math.lgamma, otypes=[np.float64])(a)
    series = x < a + 1
    term = np.ones_like(a) / a
    total = term.copy()
    for k in range(1, 5000):
        term = term * x / (a + k)
        total += term
        if np.all(~series | (np.abs(term) <= 1e-17 * total)):
            break
    p_series = np.exp(log_prefactor) * total
    tiny = 1e-300
    b = x + 1 - a
    c, d = np.full_like(a, 1 / tiny), 1 / b
    h = d
    for i in range(1, 5000):
        an = -i * (i - a)
        b = b + 2
        d = an * d + b
        d = np.where(np.abs(d) < tiny, tiny, d)
        c = b + an / c
        c = np.where(np.abs(c) < tiny, tiny, c)
        d = 1 / d
        delta = d * c
        h = h * delta
        if np.all(series | (np.abs(delta - 1) <= 1e-16)):
            break
    q_fraction = np.exp(log_prefactor) * h
    return np.where(series, p_series, 1 - q_fraction), np.where(series, 1 - p_series, q_fraction)


def gamma_sample_derivative(alpha, sample):
    """d sample / d alpha of Gamma(alpha, 1) samples by implicit differentiation of P(alpha, sample) = u:
    -(dP/dalpha) / density, dP/dalpha = P dlog(P)/dalpha (or -Q dlog(Q)/dalpha where Q is the smaller, against
    cancellation), the logarithm's derivative by a 5-point central difference in float64 (it is nearly linear in
    alpha where P itself is not); independent of the kernel's forward-mode series."""
    a, x = np.broadcast_arrays(np.asarray(alpha, np.float64), np.asarray(sample, np.float64))
    ok = (a > 0) & (x > 0) & np.isfinite(x)
    a_ok, x_ok = np.where(ok, a, 1.0), np.where(ok, x, 1.0)
    p0, q0 = igamma_pq(a_ok, x_ok)
    use_q = q0 < 0.5
    h = 1e-3 * a_ok

    def log_smaller(shift):
        p, q = igamma_pq(a_ok + shift, x_ok)
        return np.log(np.where(use_q, q, p))

    dlog = (8 * (log_smaller(h) - log_smaller(-h)) - (log_smaller(2 * h) - log_smaller(-2 * h))) / (12 * h)
    dp = np.where(use_q, -q0, p0) * dlog
    density = np.exp((a_ok - 1) * np.log(x_ok) - x_ok - np.vectorize(math.lgamma, otypes=[np.float64])(a_ok))
    out = -dp / density
    # sample 0 (whatever alpha, as TF): no change; an infinite one: P(alpha, inf) = 1 whatever alpha
    return np.where(ok, out, np.where((x == 0) | ((x == np.inf) & (a > 0)), 0.0, np.nan))


def _random_gamma_grad(alpha, sample):
    """TF's RandomGammaGrad: the implicit derivative, 0 at sample 0 and where x^alpha e^-x / Gamma(alpha) underflows
    the dtype (TF's per-dtype kernel), NaN off the domain."""
    a, x = np.broadcast_arrays(alpha.astype(np.float64), sample.astype(np.float64))
    with np.errstate(all="ignore"):
        log_prefactor = a * np.log(x) - x - np.vectorize(math.lgamma, otypes=[np.float64])(np.where(a > 0, a, 1.0))
        underflow = (a > 0) & (x > 0) & (log_prefactor < -np.log(np.finfo(alpha.dtype).max))
        return np.where(underflow, 0.0, gamma_sample_derivative(a, x)).astype(alpha.dtype)


def sample_random_gamma_grad(op, dtype, rng):
    alpha = rng.uniform(0.05, 30.0, (40, 25))
    yield SampleInput((alpha.astype(dtype), (alpha * rng.uniform(0.1, 3.0, alpha.shape)).astype(dtype)),
                      desc="1000 samples about alpha: the series and the continued fraction")
    yield SampleInput((np.array([[0.5], [2.0], [40.0]], dtype), np.array([0.01, 0.5, 3.0, 45.0], dtype)),
                      desc="alpha broadcast against the samples")
    yield SampleInput((np.array(1.5, dtype), np.array(0.7, dtype)), desc="0-d")
    yield SampleInput((rng.uniform(0.5, 5.0, (4, 3)).astype(dtype).T, rng.uniform(0.5, 5.0, (3, 4)).astype(dtype)),
                      desc="a transposed alpha")
    yield SampleInput((np.array([2.0, 3.0, -1.0, 0.0, np.nan, 2.0, 3.0], dtype),
                       np.array([0.0, 1e-30, 1.0, 1.0, 1.0, np.nan, np.inf], dtype)),
                      desc="sample 0, an underflowing prefactor, alpha <= 0, NaN, an infinite sample")
    yield SampleInput((np.zeros((0, 3), dtype), np.zeros((0, 3), dtype)), desc="empty")


def _binary(name, ref, dtypes, differentiable, **kw):
    kw.setdefault("unsupported_dtypes", tuple(d for d in ALL_DTYPES if d not in dtypes))
    kw.setdefault("extremal", GENERIC_EXTREMAL[:10] + (np.inf, -np.inf, np.nan))
    kw.setdefault("api", f"math.{name}|{name}")
    return OpInfo(name=name, family="binary", ref=ref, dtypes=dtypes, differentiable=differentiable,
                  num_inputs=2, sample_inputs_func=sample_binary, grad_argnums=(0, 1), **kw)


# One row per registry op of this family; tests/op_db/__init__.py joins the families into `op_db`.
ROWS = [
    _binary("add", _same(np.add), NUMERIC, True),
    _binary("subtract", _same(np.subtract), NUMERIC, True),
    _binary("multiply", _same(np.multiply), NUMERIC, True),
    _binary("divide", _truediv, NUMERIC, True, domains=(None, NONZERO)),
    _binary("floordiv", _floordiv, NUMERIC, False, domains=(None, NONZERO), api="math.floordiv|floordiv"),
    _binary("floormod", _floormod, NUMERIC, False, domains=(None, NONZERO), api="math.floormod|floormod"),
    _binary("pow", _pow, NUMERIC, True, domains=(Domain(0.1, 3.0), Domain(0, 4.0)),
            tols={"float32": (2e-5, 1e-6)}),
    _binary("maximum", _same(np.maximum), NUMERIC, True),
    _binary("minimum", _same(np.minimum), NUMERIC, True),
    _binary("squared_difference", lambda a, b: np.square(a - b).astype(a.dtype), NUMERIC, True,
            api="math.squared_difference|squared_difference", domains=(Domain(-9, 10), Domain(-9, 10))),
    _binary("xlogy", _xlogy, FLOATS, True, api="math.xlogy", domains=(None, POS), tols=_UNARY_FLOAT_TOLS),
    OpInfo(name="random_gamma_grad", family="binary", api="_core.random_gamma_grad", ref=_random_gamma_grad,
           sample_inputs_func=sample_random_gamma_grad, dtypes=FLOATS, unsupported_dtypes=BOOL + INTS + ("float16",),
           num_inputs=2, tols={"float32": (1e-5, 1e-6), "float64": (1e-9, 1e-12)}),
    _binary("equal", np.equal, ALL_DTYPES, False),
    _binary("not_equal", np.not_equal, ALL_DTYPES, False),
    _binary("less", np.less, NUMERIC, False),
    _binary("less_equal", np.less_equal, NUMERIC, False),
    _binary("greater", np.greater, NUMERIC, False),
    _binary("greater_equal", np.greater_equal, NUMERIC, False),
    _binary("logical_and", np.logical_and, BOOL, False),
    _binary("logical_or", np.logical_or, BOOL, False),
    OpInfo(name="where", family="binary", api="where", ref=ref_where, sample_inputs_func=sample_where,
           dtypes=ALL_DTYPES, differentiable=True, num_inputs=3, grad_argnums=(1, 2)),
    OpInfo(name="clip_by_value", family="binary", api="clip_by_value", ref=ref_clip, sample_inputs_func=sample_clip,
           dtypes=NUMERIC, unsupported_dtypes=BOOL, differentiable=True, num_inputs=3, grad_argnums=(0,)),
    OpInfo(name="fused_elementwise", family="binary", api="_core.fused_elementwise", ref=ref_fused_elementwise,
           sample_inputs_func=sample_fused_elementwise, dtypes=FLOATS, unsupported_dtypes=BOOL + INTS,
           differentiable=True, num_inputs=-1, tols=_UNARY_FLOAT_TOLS),
]
