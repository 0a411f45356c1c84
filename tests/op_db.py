"""The op database: one `OpInfo` row per registry op (csrc/ops/op_list.h), in the spirit of PyTorch's OpInfo.

Each row names the op as the registry does, says how Python reaches it (`api`, a dotted path under
`pytensor`), gives a numpy reference (or, for random ops, a statistical `check`), the dtypes it supports
and the ones that must raise TypeError, sample inputs (broadcasting pairs, 0-d, empty, non-contiguous
views, large enough to cross the parallel grain), the input domain, tolerances per dtype and the gradient
flags. tests/test_ops.py runs every row; tests/test_registry.py checks the rows against the registry.

Samples hold numpy values; `to_pt` turns every ndarray into a pytensor Tensor *keeping its strides*
(through DLPack), so a transposed or sliced numpy view becomes a non-contiguous tensor view.

Gradient readiness: differentiable rows have float64 samples (`grad_sample_inputs`), `grad_argnums`
(which tensor arguments gradients are taken for) and `grad_exclude` (kinks the samples keep away from).
"""
from __future__ import annotations

import dataclasses
import warnings
from typing import Callable, Iterator, Optional

import numpy as np

import pytensor as pt

BOOL = ("bool",)
INTS = ("uint8", "int32", "int64")
SIGNED = ("int32", "int64")
FLOATS = ("float32", "float64")
NUMERIC = INTS + FLOATS
ALL_DTYPES = BOOL + NUMERIC

# Default tolerances (rtol, atol); integers and bools compare exactly.
DEFAULT_TOLS = {"float32": (1e-5, 1e-6), "float64": (1e-11, 1e-13)}


# ---------------------------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Domain:
    """Where an input's values are drawn: [low, high), away from the `exclude` points by `margin`."""

    low: Optional[float] = None
    high: Optional[float] = None
    exclude: tuple = ()
    margin: float = 0.25


@dataclasses.dataclass
class SampleInput:
    """One call: positional and keyword arguments (numpy values), a description for failure messages.

    `ref_args` / `ref_kwargs` replace the arguments for the reference when they must differ (a Python
    scalar operand becomes an array of the sample's dtype there, TF's rule for Python numbers).
    """

    args: tuple
    kwargs: dict = dataclasses.field(default_factory=dict)
    desc: str = ""
    ref_args: Optional[tuple] = None
    ref_kwargs: Optional[dict] = None


class NotBuiltError(AssertionError):
    """The op's Python entry point does not exist yet."""


@dataclasses.dataclass
class OpInfo:
    """One registry op as the tests see it."""

    name: str                                   # registry name (csrc/ops/op_list.h)
    family: str                                 # registry family
    api: str                                    # dotted path under `pytensor` ("reduce_sum", "random.normal");
                                                # "a|b": the first that exists (TF's path first)
    sample_inputs_func: Callable[..., Iterator[SampleInput]]
    dtypes: tuple                               # supported: forward tests run on each
    unsupported_dtypes: tuple = ()              # must raise TypeError naming the op
    ref: Optional[Callable] = None              # numpy reference, called with the sample's numpy arguments
    check: Optional[Callable] = None            # random ops: check(out, sample, dtype) asserts statistics
    differentiable: bool = False                # registry's gradient flag
    num_inputs: int = 1                         # registry's tensor-input count (-1: a list)
    domains: tuple = ()                         # one Domain (or None) per tensor argument
    tols: dict = dataclasses.field(default_factory=dict)   # dtype -> (rtol, atol) overrides
    grad_argnums: tuple = (0,)                  # tensor arguments gradients are taken for
    grad_exclude: tuple = ()                    # points where the op has no derivative (abs, relu at 0)
    call: Optional[Callable] = None             # call(fn, *args, **kwargs) when not fn(*args, **kwargs)
    error_name: Optional[str] = None            # the name a TypeError message must contain
    extremal: tuple = ()                        # special float values (nan, inf, 0, ...) samples include
    random: bool = False                        # output is random: `check` instead of `ref`

    # ---- access ----
    def resolve(self):
        """The public callable; raises NotBuiltError while the entry point does not exist."""
        for path in self.api.split("|"):
            obj = pt
            try:
                for part in path.split("."):
                    obj = getattr(obj, part)
                return obj
            except AttributeError:
                pass
        raise NotBuiltError(f"{self.name}: pytensor.{self.api} does not exist yet (not built yet)")

    def __call__(self, *args, **kwargs):
        fn = self.resolve()
        return self.call(fn, *args, **kwargs) if self.call else fn(*args, **kwargs)

    def sample_inputs(self, dtype, rng=None):
        """Samples for `dtype` (also used, unchanged, for the dtypes that must raise)."""
        rng = rng if rng is not None else np.random.default_rng(0)
        return self.sample_inputs_func(self, dtype, rng)

    def grad_sample_inputs(self, rng=None):
        """float64 samples for gradient checks: no empty inputs, values away from `grad_exclude`."""
        if not self.differentiable:
            return
        rng = rng if rng is not None else np.random.default_rng(0)
        gop = dataclasses.replace(
            self, extremal=(),
            domains=tuple(_with_exclude(d, self.grad_exclude) for d in (self.domains or (None,) * 3)))
        for s in self.sample_inputs_func(gop, "float64", rng):
            arrays = [a for a in _flatten(s.args) + _flatten(list(s.kwargs.values())) if isinstance(a, np.ndarray)]
            if all(a.size > 0 for a in arrays):
                yield s

    def reference(self, sample):
        args = sample.ref_args if sample.ref_args is not None else sample.args
        kwargs = sample.ref_kwargs if sample.ref_kwargs is not None else sample.kwargs
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return self.ref(*args, **kwargs)

    def tol(self, dtype):
        return self.tols.get(dtype, DEFAULT_TOLS.get(dtype, (0.0, 0.0)))

    def domain(self, i):
        return self.domains[i] if i < len(self.domains) else None


def _with_exclude(d, points):
    if not points:
        return d
    d = d or Domain()
    return dataclasses.replace(d, exclude=tuple(d.exclude) + tuple(points))


def _flatten(xs):
    out = []
    for x in xs:
        if isinstance(x, (list, tuple)):
            out.extend(_flatten(x))
        else:
            out.append(x)
    return out


# ---------------------------------------------------------------------------------------------
# numpy -> pytensor
# ---------------------------------------------------------------------------------------------
def to_pt(value):
    """ndarrays (also inside lists / tuples of ndarrays) become tensors; everything else passes through.

    Non-contiguous arrays go through DLPack so the tensor keeps the same strides (a view, not a copy).
    """
    if isinstance(value, np.ndarray):
        if value.flags.c_contiguous or value.size == 0:
            return pt.constant(value)
        t = pt._core.from_dlpack(value)
        assert not t._is_contiguous(), "from_dlpack should keep a non-contiguous layout"
        return t
    if isinstance(value, list) and value and all(isinstance(v, np.ndarray) for v in value):
        return [to_pt(v) for v in value]
    return value


def to_pt_sample(sample):
    return tuple(to_pt(a) for a in sample.args), {k: to_pt(v) for k, v in sample.kwargs.items()}


# ---------------------------------------------------------------------------------------------
# Value generation
# ---------------------------------------------------------------------------------------------
def _values(shape, dtype, rng, domain):
    d = domain or Domain()
    if dtype == "bool":
        return rng.random(shape) < 0.5
    if dtype in FLOATS:
        lo = -3.0 if d.low is None else d.low
        hi = 3.0 if d.high is None else d.high
        v = rng.uniform(lo, hi, size=shape)
        for p in d.exclude:
            bad = np.abs(v - p) < d.margin
            v = np.where(bad, np.where(p + 2 * d.margin < hi, p + 2 * d.margin, p - 2 * d.margin), v)
        return v.astype(dtype)
    lo = (0 if dtype == "uint8" else -9) if d.low is None else int(np.ceil(d.low))
    hi = 10 if d.high is None else int(np.ceil(d.high))
    if dtype == "uint8":
        lo = max(lo, 0)
    v = rng.integers(lo, hi, size=shape)
    for p in d.exclude:
        bad = np.abs(v - p) < max(d.margin, 0.5)
        v = np.where(bad, p + 1 if p + 1 < hi else p - 1, v)
    return v.astype(dtype)


def make(shape, dtype, rng, domain=None, layout="contiguous"):
    """A numpy array of `shape`; `layout` transposed / strided / reversed gives a non-contiguous view."""
    shape = tuple(shape)
    if layout == "contiguous" or len(shape) == 0:
        return np.array(_values(shape, dtype, rng, domain), order="C")  # (ascontiguousarray makes 0-d 1-d)
    if layout == "transposed" and len(shape) >= 2:
        return _values(shape[::-1], dtype, rng, domain).T
    if layout == "reversed":
        return _values(shape, dtype, rng, domain)[..., ::-1]
    # strided: every axis stepped by 2 (an axis of size 1 by slicing a size-2 base)
    base = _values(tuple(2 * s for s in shape), dtype, rng, domain)
    return base[tuple(slice(None, None, 2) for _ in shape)]


def _scalar(dtype, value=None):
    """A Python scalar valid for `dtype` (a Python float for floats, int for ints, bool for bool)."""
    if dtype == "bool":
        return True
    if dtype in FLOATS:
        return 1.5 if value is None else float(value)
    return 3 if value is None else int(value)


def _extremal_array(values, dtype):
    return np.array(values, dtype=dtype)


GENERIC_EXTREMAL = (0.0, -0.0, 0.5, -0.5, 1.5, 2.5, -2.5, 1.0, -1.0, 30.0, -30.0, 100.0, -100.0,
                    np.inf, -np.inf, np.nan)

UNARY_SHAPES = [((), "contiguous"), ((0,), "contiguous"), ((7,), "contiguous"), ((3, 4), "contiguous"),
                ((2, 3, 4), "contiguous"), ((0, 3), "contiguous"), ((4, 5), "transposed"),
                ((3, 4), "strided"), ((6,), "reversed"), ((2, 3, 4), "transposed"),
                ((70001,), "contiguous"), ((300, 240), "transposed")]


# ---------------------------------------------------------------------------------------------
# Sample generators, per family
# ---------------------------------------------------------------------------------------------
def sample_unary(op, dtype, rng):
    for shape, layout in UNARY_SHAPES:
        yield SampleInput((make(shape, dtype, rng, op.domain(0), layout),), desc=f"{layout} {shape}")
    if dtype in FLOATS and op.extremal:
        yield SampleInput((_extremal_array(op.extremal, dtype),), desc=f"extremal {op.extremal}")


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


def sample_cast(op, dtype, rng):
    for target in ALL_DTYPES:
        if dtype in FLOATS:
            vals = make((3, 4), dtype, rng, Domain(0, 200))
            vals.flat[::5] = 0
        elif dtype in INTS:
            vals = make((3, 4), dtype, rng, Domain(0, 120))
        else:
            vals = make((3, 4), dtype, rng)
        yield SampleInput((vals, pt.as_dtype(target)), desc=f"{dtype} -> {target} (non-negative)",
                          ref_args=(vals, target))
        if dtype in FLOATS + SIGNED and target in FLOATS + SIGNED + BOOL:
            neg = make((5,), dtype, rng, Domain(-100, 0))
            yield SampleInput((neg, target), desc=f"{dtype} -> {target} negative (truncates toward zero)",
                              ref_args=(neg, target))
        yield SampleInput((make((), dtype, rng, Domain(0, 100)), target), desc=f"0-d {dtype} -> {target}")
        yield SampleInput((make((0, 2), dtype, rng), target), desc=f"empty {dtype} -> {target}")
        yield SampleInput((make((4, 5), dtype, rng, Domain(0, 100), "transposed"), target),
                          desc=f"transposed {dtype} -> {target}")


def ref_cast(x, dtype):
    dtype = pt.as_dtype(dtype).name
    if dtype == "bool":
        return x != 0
    return x.astype(dtype)


# ---- reductions ---------------------------------------------------------------------------
REDUCE_CASES = [
    ((2, 3, 4), "contiguous", {}), ((2, 3, 4), "contiguous", {"axis": 0}),
    ((2, 3, 4), "contiguous", {"axis": -1}), ((2, 3, 4), "contiguous", {"axis": (0, 2)}),
    ((2, 3, 4), "contiguous", {"axis": [-1, -3]}), ((2, 3, 4), "contiguous", {"axis": 1, "keepdims": True}),
    ((2, 3, 4), "contiguous", {"keepdims": True}), ((2, 3, 4), "contiguous", {"axis": (0, 1, 2)}),
    ((), "contiguous", {}), ((5,), "contiguous", {"axis": 0}),
    ((0, 3), "contiguous", {"axis": 0}), ((0, 3), "contiguous", {"axis": 1}), ((0, 3), "contiguous", {}),
    ((4, 5), "transposed", {"axis": 0}), ((4, 5), "transposed", {"axis": 1}),
    ((3, 4), "strided", {}), ((6,), "reversed", {"axis": 0}), ((3, 4), "strided", {"axis": 1, "keepdims": True}),
    ((3, 1000), "contiguous", {"axis": 1}), ((1000, 3), "contiguous", {"axis": 0}),
    ((200000,), "contiguous", {}), ((300, 400), "transposed", {"axis": 0}),
]


def sample_reduce(op, dtype, rng):
    for shape, layout, kw in REDUCE_CASES:
        n = int(np.prod(shape)) if shape else 1
        if op.name == "reduce_prod" and n > 100:
            continue  # products of many values over/underflow; the small cases cover the kernel
        if op.name == "reduce_mean" and dtype in INTS and 0 in shape:
            continue  # integer mean of nothing divides by zero: no TF semantics to test
        dom = op.domain(0)
        if n > 100 and dtype in FLOATS and op.name in ("reduce_sum", "reduce_mean"):
            dom = Domain(0, 1)  # same-sign values keep the float32 rounding error relative to the sum
        yield SampleInput((make(shape, dtype, rng, dom, layout),), dict(kw), desc=f"{layout} {shape} {kw}")


SOFTMAX_CASES = [
    ((2, 5), "contiguous", {}), ((3, 4), "contiguous", {"axis": 0}), ((2, 3, 4), "contiguous", {"axis": 1}),
    ((7,), "contiguous", {}), ((4, 6), "transposed", {"axis": -1}), ((3, 4), "strided", {}),
    ((0, 3), "contiguous", {}), ((600, 100), "contiguous", {}),
]


def sample_softmax(op, dtype, rng):
    for shape, layout, kw in SOFTMAX_CASES:
        yield SampleInput((make(shape, dtype, rng, op.domain(0), layout),), dict(kw), desc=f"{layout} {shape} {kw}")
    if dtype in FLOATS and op.extremal:
        # Logits far apart: a naive exp overflows; TF's kernels stay finite.
        far = np.array([[1000.0, 0.0, -1000.0], [-np.inf, 0.0, 1.0]], dtype)
        yield SampleInput((far,), {}, desc="logits far apart, -inf")


def _softmax_ref(log):
    def ref(x, axis=-1):
        x = x.astype(np.float64)
        m = np.max(x, axis=axis, keepdims=True) if x.size else x
        z = x - m
        lse = np.log(np.sum(np.exp(z), axis=axis, keepdims=True))
        return z - lse if log else np.exp(z - lse)
    return lambda x, axis=-1: ref(x, axis).astype(x.dtype)


def _axes(x, axis):
    if axis is None:
        return tuple(range(x.ndim))
    if isinstance(axis, int):
        axis = (axis,)
    return tuple(a % x.ndim for a in axis) if x.ndim else ()


def _reduce_ref(fn):
    def ref(x, axis=None, keepdims=False):
        return np.asarray(fn(x, _axes(x, axis), keepdims))
    return ref


def _sum(x, ax, kd):
    if x.dtype.kind == "f":
        return np.sum(x.astype("float64"), axis=ax, keepdims=kd).astype(x.dtype)
    return np.sum(x, axis=ax, keepdims=kd, dtype=x.dtype)


def _mean(x, ax, kd):
    if x.dtype.kind == "f":
        return np.mean(x.astype("float64"), axis=ax, keepdims=kd).astype(x.dtype)
    s = np.sum(x.astype("int64"), axis=ax, keepdims=kd)
    n = int(np.prod([x.shape[a] for a in ax]))
    q = np.abs(s) // n * np.sign(s)  # TF's integer mean truncates toward zero
    return q.astype(x.dtype)


def _extreme(fn, ident):
    def f(x, ax, kd):
        init = ident(x.dtype)
        return fn(x, axis=ax, keepdims=kd, initial=init).astype(x.dtype)
    return f


def _lowest(dt):
    return -np.inf if dt.kind == "f" else np.iinfo(dt).min


def _highest(dt):
    return np.inf if dt.kind == "f" else np.iinfo(dt).max


def _prod(x, ax, kd):
    if x.dtype.kind == "f":
        return np.prod(x.astype("float64"), axis=ax, keepdims=kd).astype(x.dtype)
    return np.prod(x, axis=ax, keepdims=kd, dtype=x.dtype)


def _logsumexp(x, ax, kd):
    x64 = x.astype("float64")
    m = np.max(x64, axis=ax, keepdims=True, initial=-np.inf)
    m_safe = np.where(np.isfinite(m), m, 0.0)
    r = np.log(np.sum(np.exp(x64 - m_safe), axis=ax, keepdims=True)) + m_safe
    if not kd:
        r = np.squeeze(r, axis=ax)
    return r.astype(x.dtype)


def sample_arg(op, dtype, rng):
    cases = [((2, 3, 4), "contiguous", {"axis": 0}), ((2, 3, 4), "contiguous", {"axis": 1}),
             ((2, 3, 4), "contiguous", {"axis": -1}), ((2, 3, 4), "contiguous", {}),
             ((5,), "contiguous", {"axis": 0}), ((0, 3), "contiguous", {"axis": 1}),
             ((4, 5), "transposed", {"axis": 1}), ((3, 4), "strided", {"axis": 0}),
             ((6,), "reversed", {}), ((3, 4), "contiguous", {"axis": 1, "output_type": pt.int32}),
             ((300, 1000), "contiguous", {"axis": 1}), ((1000, 300), "transposed", {"axis": 0})]
    for shape, layout, kw in cases:
        yield SampleInput((make(shape, dtype, rng, op.domain(0), layout),), dict(kw), desc=f"{layout} {shape} {kw}")
    ties = np.array([1, 3, 3, 0, 3, 1, 0], dtype=dtype)
    yield SampleInput((ties,), {"axis": 0}, desc="ties: the first index wins")


def _arg_ref(fn):
    def ref(x, axis=None, output_type=None):
        r = fn(x, axis=0 if axis is None else axis)  # TF: axis None means 0
        return np.asarray(r).astype("int64" if output_type is None else pt.as_dtype(output_type).name)
    return ref


# ---- matmul -------------------------------------------------------------------------------
def sample_matmul(op, dtype, rng):
    d = Domain(-1, 1) if dtype in FLOATS else Domain(-4, 5)
    cases = [((3, 4), (4, 5), {}, "contiguous", "contiguous"), ((1, 1), (1, 1), {}, "contiguous", "contiguous"),
             ((2, 3, 4), (2, 4, 5), {}, "contiguous", "contiguous"),
             ((2, 1, 3, 4), (5, 4, 2), {}, "contiguous", "contiguous"),
             ((4, 3), (4, 5), {"transpose_a": True}, "contiguous", "contiguous"),
             ((3, 4), (5, 4), {"transpose_b": True}, "contiguous", "contiguous"),
             ((2, 4, 3), (2, 5, 4), {"transpose_a": True, "transpose_b": True}, "contiguous", "contiguous"),
             ((0, 4), (4, 3), {}, "contiguous", "contiguous"), ((3, 0), (0, 4), {}, "contiguous", "contiguous"),
             ((0, 2, 3), (3, 4), {}, "contiguous", "contiguous"),
             ((6, 7), (7, 5), {}, "transposed", "strided"), ((2, 3, 4), (4, 3), {}, "strided", "transposed"),
             ((64, 70), (70, 50), {}, "contiguous", "contiguous"),
             ((130, 129), (129, 131), {}, "contiguous", "transposed"),
             ((257, 300), (300, 129), {}, "contiguous", "contiguous")]
    for sa, sb, kw, la, lb in cases:
        a, b = make(sa, dtype, rng, d, la), make(sb, dtype, rng, d, lb)
        yield SampleInput((a, b), dict(kw), desc=f"{la} {sa} @ {lb} {sb} {kw}")


def ref_matmul(a, b, transpose_a=False, transpose_b=False):
    if transpose_a:
        a = np.swapaxes(a, -1, -2)
    if transpose_b:
        b = np.swapaxes(b, -1, -2)
    if a.dtype.kind == "f":
        return np.matmul(a.astype("float64"), b.astype("float64")).astype(a.dtype)
    return np.matmul(a, b).astype(a.dtype)


# ---- shape and indexing ---------------------------------------------------------------------
def sample_reshape(op, dtype, rng):
    cases = [((2, 3, 4), (6, 4), "contiguous"), ((2, 3, 4), (24,), "contiguous"), ((2, 3, 4), (-1,), "contiguous"),
             ((2, 3, 4), [4, -1], "contiguous"), ((2, 3, 4), (2, 3, 4, 1), "contiguous"), ((), (1, 1), "contiguous"),
             ((1,), (), "contiguous"), ((0, 3), (3, 0), "contiguous"), ((3, 4), (12,), "transposed"),
             ((3, 4), (2, 6), "strided"), ((6,), (2, 3), "reversed"), ((4, 6), (4, 2, 3), "transposed")]
    for s, new, layout in cases:
        yield SampleInput((make(s, dtype, rng, layout=layout), new), desc=f"{layout} {s} -> {new}")


def sample_transpose(op, dtype, rng):
    cases = [((2, 3, 4), None), ((2, 3, 4), (1, 0, 2)), ((2, 3, 4), [2, 0, 1]), ((), None), ((0, 3), None),
             ((3, 4), (1, 0)), ((5,), None)]
    for s, perm in cases:
        kw = {} if perm is None else {"perm": perm}
        yield SampleInput((make(s, dtype, rng),), kw, desc=f"{s} perm={perm}")
    yield SampleInput((make((3, 4), dtype, rng, layout="transposed"),), {"perm": (1, 0)}, desc="transposed input")
    yield SampleInput((make((3, 4, 2), dtype, rng, layout="strided"),), {"perm": (2, 0, 1)}, desc="strided input")


def ref_transpose(a, perm=None):
    return np.transpose(a, perm)


def sample_expand_dims(op, dtype, rng):
    for s, axis, layout in [((2, 3), 0, "contiguous"), ((2, 3), -1, "contiguous"), ((2, 3), 1, "contiguous"),
                            ((2, 3), -3, "contiguous"), ((), 0, "contiguous"), ((0, 3), 1, "contiguous"),
                            ((3, 4), 1, "transposed"), ((3, 4), 2, "strided")]:
        yield SampleInput((make(s, dtype, rng, layout=layout), axis), desc=f"{layout} {s} axis={axis}")


def sample_squeeze(op, dtype, rng):
    for s, axis, layout in [((1, 3, 1, 4), None, "contiguous"), ((1, 3, 1, 4), 0, "contiguous"),
                            ((1, 3, 1, 4), [0, 2], "contiguous"), ((1, 3, 1, 4), -2, "contiguous"),
                            ((), None, "contiguous"), ((1, 0, 1), None, "contiguous"), ((3, 4), None, "contiguous"),
                            ((4, 1), None, "transposed"), ((1, 3, 1), [2], "strided")]:
        kw = {} if axis is None else {"axis": axis}
        yield SampleInput((make(s, dtype, rng, layout=layout),), kw, desc=f"{layout} {s} axis={axis}")


def ref_squeeze(x, axis=None):
    if isinstance(axis, list):
        axis = tuple(axis)
    return np.squeeze(x, axis=axis)


def sample_concat(op, dtype, rng):
    cases = [([(2, 3), (4, 3)], 0), ([(2, 3), (2, 1), (2, 2)], 1), ([(2, 3), (2, 3)], -1), ([(0, 3), (2, 3)], 0),
             ([(3,)], 0), ([(2, 3, 4), (2, 1, 4)], 1), ([(0,), (0,)], 0)]
    for shapes, axis in cases:
        vals = [make(s, dtype, rng) for s in shapes]
        yield SampleInput((vals, axis), desc=f"{shapes} axis={axis}")
    vals = [make((3, 4), dtype, rng, layout="transposed"), make((3, 4), dtype, rng, layout="strided")]
    yield SampleInput((vals, 0), desc="non-contiguous members")


def ref_concat(values, axis):
    return np.concatenate(values, axis=axis)


def sample_stack(op, dtype, rng):
    for n, s, axis in [(3, (2, 3), 0), (3, (2, 3), 1), (3, (2, 3), 2), (2, (2, 3), -1), (3, (), 0), (2, (0,), 0),
                       (1, (4,), 0)]:
        vals = [make(s, dtype, rng) for _ in range(n)]
        yield SampleInput((vals,), {"axis": axis}, desc=f"{n} x {s} axis={axis}")
    vals = [make((3, 4), dtype, rng, layout="transposed"), make((3, 4), dtype, rng, layout="strided")]
    yield SampleInput((vals,), {"axis": 1}, desc="non-contiguous members")


def ref_stack(values, axis=0):
    return np.stack(values, axis=axis)


def sample_unstack(op, dtype, rng):
    for s, kw, layout in [((3, 4), {}, "contiguous"), ((3, 4), {"axis": 1}, "contiguous"),
                          ((2, 3, 4), {"axis": -1}, "contiguous"), ((3, 4), {"num": 3}, "contiguous"),
                          ((2, 0), {"axis": 0}, "contiguous"), ((4,), {}, "contiguous"),
                          ((3, 4), {"axis": 0}, "transposed"), ((3, 4), {"axis": 1}, "strided")]:
        yield SampleInput((make(s, dtype, rng, layout=layout),), dict(kw), desc=f"{layout} {s} {kw}")


def ref_unstack(value, num=None, axis=0):
    return [np.asarray(v) for v in np.moveaxis(value, axis, 0)]


def sample_split(op, dtype, rng):
    for s, nos, axis, layout in [((6, 4), 3, 0, "contiguous"), ((6, 4), [1, 2, 3], 0, "contiguous"),
                                 ((6, 4), [1, -1], 1, "contiguous"), ((6, 4), 2, 1, "contiguous"),
                                 ((6, 4), [0, 6], 0, "contiguous"), ((2, 6), 3, -1, "transposed"),
                                 ((6, 4), [2, 4], 0, "strided"), ((5,), 1, 0, "contiguous")]:
        kw = {} if axis == 0 else {"axis": axis}
        yield SampleInput((make(s, dtype, rng, layout=layout), nos), kw, desc=f"{layout} {s} {nos} axis={axis}")


def ref_split(value, num_or_size_splits, axis=0):
    n = value.shape[axis]
    if isinstance(num_or_size_splits, int):
        return [np.asarray(v) for v in np.split(value, num_or_size_splits, axis=axis)]
    sizes = list(num_or_size_splits)
    if -1 in sizes:
        sizes[sizes.index(-1)] = n - (sum(sizes) + 1)
    return [np.asarray(v) for v in np.split(value, np.cumsum(sizes)[:-1], axis=axis)]


def sample_tile(op, dtype, rng):
    for s, m, layout in [((2, 3), [2, 1], "contiguous"), ((2, 3), [1, 3], "contiguous"), ((2, 3), (2, 2), "contiguous"),
                         ((), [], "contiguous"), ((0, 3), [2, 2], "contiguous"), ((2, 3), [0, 2], "contiguous"),
                         ((3,), [4], "reversed"), ((3, 4), [2, 1], "transposed"), ((2, 2, 2), [1, 2, 3], "strided")]:
        yield SampleInput((make(s, dtype, rng, layout=layout), m), desc=f"{layout} {s} multiples={m}")


def sample_broadcast_to(op, dtype, rng):
    for s, to, layout in [((3, 1), (2, 3, 4), "contiguous"), ((1,), (5,), "contiguous"), ((), (2, 2), "contiguous"),
                          ((3,), (0, 3), "contiguous"), ((2, 3), (2, 3), "contiguous"),
                          ((3, 1), [4, 3, 5], "strided"), ((2, 3), (4, 2, 3), "transposed")]:
        yield SampleInput((make(s, dtype, rng, layout=layout), to), desc=f"{layout} {s} -> {to}")


def sample_pad(op, dtype, rng):
    cv = {"bool": True, "uint8": 5, "int32": -5, "int64": 7}.get(dtype, 2.5)
    cases = [((2, 3), [[1, 2], [0, 1]], {}), ((2, 3), [[1, 0], [2, 1]], {"constant_values": cv}),
             ((3, 4), [[1, 1], [2, 2]], {"mode": "REFLECT"}), ((3, 4), [[2, 3], [3, 0]], {"mode": "SYMMETRIC"}),
             ((5,), [[2, 3]], {}), ((), np.zeros((0, 2), "int32"), {}), ((0, 3), [[1, 1], [0, 0]], {}),
             ((4, 4), [[1, 2], [2, 1]], {"mode": "reflect"})]
    for s, p, kw in cases:
        yield SampleInput((make(s, dtype, rng), p), dict(kw), desc=f"{s} paddings={p} {kw}")
    yield SampleInput((make((3, 4), dtype, rng, layout="transposed"), [[1, 1], [0, 2]]), {}, desc="transposed input")
    yield SampleInput((make((3, 4), dtype, rng, layout="strided"), [[1, 1], [1, 1]]), {"mode": "REFLECT"},
                      desc="strided input, REFLECT")


def ref_pad(tensor, paddings, mode="CONSTANT", constant_values=0):
    mode = mode.upper()
    if tensor.ndim == 0:
        return tensor.copy()
    if mode == "CONSTANT":
        return np.pad(tensor, paddings, mode="constant", constant_values=constant_values)
    return np.pad(tensor, paddings, mode=mode.lower())


def sample_gather(op, dtype, rng):
    for idt in ("int32", "int64"):
        p = make((5, 3), dtype, rng)
        yield SampleInput((p, np.array([0, 4, 2, 2], idt)), desc=f"axis None (0), {idt} indices")
        yield SampleInput((p, np.array([[0, 1], [4, 4]], idt)), {"axis": 0}, desc=f"2-d {idt} indices")
        yield SampleInput((p, np.array([2, 0], idt)), {"axis": 1}, desc=f"axis 1, {idt}")
        yield SampleInput((p, np.array([1], idt)), {"axis": -1}, desc=f"axis -1, {idt}")
        yield SampleInput((p, np.array(3, idt)), desc=f"0-d {idt} index")
        yield SampleInput((p, np.zeros((0,), idt)), desc=f"empty {idt} indices")
    p = make((2, 5, 3), dtype, rng)
    yield SampleInput((p, np.array([[0, 4, 1, 1], [3, 2, 0, 4]], "int64")), {"axis": 1, "batch_dims": 1},
                      desc="batch_dims=1 axis=1")
    yield SampleInput((p, np.array([[0, 2], [1, 1]], "int32")), {"axis": 2, "batch_dims": 1}, desc="batch_dims=1 axis=2")
    yield SampleInput((make((5, 4), dtype, rng, layout="transposed"), np.array([3, 1, 0], "int32")), {"axis": 1},
                      desc="transposed params")
    yield SampleInput((make((6, 3), dtype, rng, layout="strided"), np.array([[5, 0], [1, 2]], "int64")), {},
                      desc="strided params")


def ref_gather(params, indices, validate_indices=None, axis=None, batch_dims=0):
    axis = 0 if axis is None else axis % params.ndim
    if batch_dims == 0:
        return np.take(params, indices, axis=axis)
    return np.stack([ref_gather(params[i], indices[i], axis=axis - 1, batch_dims=batch_dims - 1)
                     for i in range(params.shape[0])])


def sample_one_hot(op, dtype, rng):
    idx = np.array([0, 2, 1, 5], dtype=dtype)  # 5 is out of range: an all-off row (TF)
    yield SampleInput((idx, 4), desc="1-d, one index out of range")
    yield SampleInput((make((2, 3), dtype, rng, Domain(0, 3)), 3), {"axis": -1}, desc="2-d axis -1")
    yield SampleInput((make((2, 3), dtype, rng, Domain(0, 3)), 3), {"axis": 0}, desc="2-d axis 0")
    yield SampleInput((make((2, 3), dtype, rng, Domain(0, 4)), 4), {"axis": 1}, desc="2-d axis 1")
    yield SampleInput((idx, 6), {"on_value": 5.0, "off_value": -1.0}, desc="on/off values")
    yield SampleInput((idx, 3), {"on_value": 1, "off_value": 0, "dtype": pt.int32}, desc="int32 output")
    yield SampleInput((np.array(1, dtype=dtype), 3), desc="0-d index")
    yield SampleInput((np.zeros((0,), dtype=dtype), 3), desc="empty indices")
    yield SampleInput((make((4, 3), dtype, rng, Domain(0, 3), "transposed"), 3), desc="transposed indices")
    if dtype in SIGNED:
        yield SampleInput((np.array([-1, 1], dtype=dtype), 3), desc="negative index: all-off row")


def ref_one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None):
    out_dt = pt.as_dtype(dtype).name if dtype is not None else (
        np.asarray(on_value).dtype.name if isinstance(on_value, np.ndarray) else "float32")
    on = 1 if on_value is None else on_value
    off = 0 if off_value is None else off_value
    idx = indices.astype("int64")
    hot = idx[..., None] == np.arange(depth)
    out = np.where(hot, on, off).astype(out_dt)
    if axis is not None and axis != -1:
        out = np.moveaxis(out, -1, axis)
    return out


def sample_strided_slice(op, dtype, rng):
    x = make((4, 5, 6), dtype, rng)
    keys = [1, -1, slice(1, None), slice(None, None, 2), slice(None, None, -1), slice(-1, 0, -2),
            (Ellipsis, 0), (None, slice(None)), (0, Ellipsis, None), (slice(1, 3), 2), slice(5, 10),
            (slice(None), None, 1), (2, 3, 4), (slice(None, None, -2), slice(1, -1), slice(None, None, 3)),
            Ellipsis, (slice(10, None, -1), Ellipsis, -2)]
    for k in keys:
        yield SampleInput((x, k), desc=f"(4, 5, 6)[{k!r}]")
    s = make((), dtype, rng)
    yield SampleInput((s, Ellipsis), desc="0-d [...]")
    yield SampleInput((s, None), desc="0-d [None]")
    yield SampleInput((make((0, 3), dtype, rng), (slice(None), 1)), desc="empty [:, 1]")
    yield SampleInput((make((5, 6), dtype, rng, layout="transposed"), (slice(None, None, 2), slice(1, None))),
                      desc="transposed [::2, 1:]")
    yield SampleInput((make((6, 4), dtype, rng, layout="strided"), (slice(None, None, -1), 2)),
                      desc="strided [::-1, 2]")


def ref_strided_slice(x, key):
    return np.array(x[key])


def sample_boolean_mask(op, dtype, rng):
    x = make((4, 3), dtype, rng)
    yield SampleInput((x, rng.random(4) < 0.5), desc="(4, 3) with (4,) mask")
    yield SampleInput((x, rng.random((4, 3)) < 0.5), desc="(4, 3) with (4, 3) mask")
    yield SampleInput((x, np.zeros(4, bool)), desc="all-false mask")
    yield SampleInput((x, np.ones(4, bool)), desc="all-true mask")
    yield SampleInput((make((2, 3, 4), dtype, rng), rng.random(3) < 0.5), {"axis": 1}, desc="axis=1")
    yield SampleInput((make((0, 3), dtype, rng), np.zeros(0, bool)), desc="empty")
    yield SampleInput((make((5, 4), dtype, rng, layout="transposed"), np.array([1, 0, 1, 1, 0], bool)),
                      desc="transposed tensor")
    yield SampleInput((make((6,), dtype, rng, layout="reversed"), make((6,), "bool", rng, layout="strided")),
                      desc="reversed tensor, strided mask")


def ref_boolean_mask(tensor, mask, axis=None):
    axis = 0 if axis is None else axis
    return np.array(tensor[(slice(None),) * axis + (mask,)])


def sample_where_indices(op, dtype, rng):
    def mk(shape, layout="contiguous"):
        m = make(shape, "bool", rng, layout=layout)
        if dtype == "bool":
            return m
        v = make(shape, dtype, rng, Domain(1, 5), layout)
        return np.where(m, v, np.zeros((), dtype)).astype(dtype)
    for s, layout in [((3, 4), "contiguous"), ((2, 3, 4), "contiguous"), ((7,), "contiguous"),
                      ((0, 3), "contiguous"), ((4, 5), "transposed"), ((3, 4), "strided")]:
        yield SampleInput((mk(s, layout),), desc=f"{layout} {s}")
    yield SampleInput((np.array(True if dtype == "bool" else 1, dtype=dtype),), desc="0-d true")
    yield SampleInput((np.zeros((), dtype=dtype),), desc="0-d false")


def ref_where_indices(condition):
    return np.argwhere(condition).astype("int64")


def sample_unsorted_segment_sum(op, dtype, rng):
    cases = [((6,), np.array([0, 2, 0, -1, 3, 2]), 4, "contiguous", "a negative id drops its row"),
             ((5, 3), np.array([2, 0, 2, 2, 0]), 3, "contiguous", "segment 1 empty"),
             ((2, 3, 4), np.array([[0, 4, 1], [1, 1, 3]]), 5, "contiguous", "2-d ids"),
             ((3,), np.array(1), 2, "contiguous", "0-d id: the whole tensor is one row"),
             ((4, 5), np.array([1, 0, 1, 1]), 2, "transposed", "transposed data"),
             ((4, 3), np.array([2, 2, 0, 1]), 3, "strided", "strided data"),
             ((0, 3), np.zeros(0), 2, "contiguous", "empty data"),
             ((3, 2), np.array([-1, -1, -1]), 0, "contiguous", "no segments")]
    for shape, ids, num, layout, desc in cases:
        for idt in ("int32", "int64"):
            yield SampleInput((make(shape, dtype, rng, op.domain(0), layout), ids.astype(idt), num),
                              desc=f"{layout} {shape} ids {ids.shape} {idt} num_segments={num}: {desc}")


def ref_unsorted_segment_sum(data, segment_ids, num_segments):
    k = segment_ids.ndim
    out = np.zeros((num_segments,) + data.shape[k:], dtype=data.dtype)
    for idx in np.ndindex(segment_ids.shape):
        sid = int(segment_ids[idx])
        if 0 <= sid < num_segments:
            out[sid] = out[sid] + data[idx]  # row order, in the data's dtype, like the kernel
    return out


def sample_scatter_nd(op, dtype, rng):
    cases = [(np.array([[4], [3], [1], [4]]), (4,), (8,), "contiguous", "a repeated index adds"),
             (np.array([[0, 1], [3, 3]]), (2,), (4, 4), "contiguous", "element tuples"),
             (np.array([[2], [0], [2]]), (3, 3), (4, 3), "contiguous", "row slices"),
             (np.array([[[0, 1], [2, 3]], [[1, 1], [0, 1]], [[2, 0], [2, 0]]]), (3, 2, 5), (3, 4, 5), "contiguous",
              "2-d batch of index pairs, slices of 5"),
             (np.array([1, 2]), (), (3, 4), "contiguous", "0-d update"),
             (np.zeros((0, 1)), (0,), (5,), "contiguous", "no updates"),
             (np.array([[1], [0], [1]]), (3, 4), (2, 4), "transposed", "transposed updates"),
             (np.array([[3], [0]]), (2, 3), (4, 3), "strided", "strided updates")]
    for idx, ushape, shape, layout, desc in cases:
        for idt in ("int32", "int64"):
            yield SampleInput((idx.astype(idt), make(ushape, dtype, rng, op.domain(1), layout), shape),
                              desc=f"indices {idx.shape} {idt} updates {layout} {ushape} shape {shape}: {desc}")


def ref_scatter_nd(indices, updates, shape):
    out = np.zeros(tuple(shape), dtype=updates.dtype)
    for t in np.ndindex(indices.shape[:-1]):
        pos = tuple(int(v) for v in indices[t])
        out[pos] = out[pos] + updates[t]  # in order: repeated indices add up
    return out


def sample_strided_slice_grad(op, dtype, rng):
    """(dy, input shape, key): dy has the shape of x[key]."""
    for x, key in ((s.args[0], s.args[1]) for s in sample_strided_slice(op, dtype, rng)):
        dy_shape = np.zeros(x.shape)[key].shape
        layout = "transposed" if len(dy_shape) >= 2 else "reversed" if len(dy_shape) == 1 else "contiguous"
        yield SampleInput((make(dy_shape, dtype, rng, layout=layout), x.shape, key),
                          desc=f"d {x.shape}[{key!r}] with {layout} dy {dy_shape}")


def ref_strided_slice_grad(dy, shape, key):
    out = np.zeros(shape, dtype=dy.dtype)
    out[key] = dy  # basic slicing never hits an element twice
    return out


def call_strided_slice_grad(getitem, dy, shape, key):
    """strided_slice_grad is internal (TF exposes it only as raw_ops.StridedSliceGrad): it is the gradient of x[key].

    The gradient of `getitem(x, key)` for zeros x of `shape`, with `dy` as the upstream gradient.
    """
    from pytensor.gradient_tape import GradientTape
    x = pt.zeros(shape, dtype=dy.dtype)
    with GradientTape() as tape:
        tape.watch(x)
        y = getitem(x, key)
    return tape.gradient(y, x, output_gradients=dy)


# ---- nn: activations, cross-entropy, normalization, embedding, dropout (samples and references) ----
# Activations: the unary samples, plus calls with each op's parameter set away from its default.
_ACTIVATION_KWARGS = {"leaky_relu": ({"alpha": 0.05},), "gelu": ({"approximate": True},), "silu": ({"beta": 0.5},)}


def sample_activation(op, dtype, rng):
    yield from sample_unary(op, dtype, rng)
    for kw in _ACTIVATION_KWARGS.get(op.name, ()):
        yield SampleInput((make((3, 4), dtype, rng, op.domain(0)),), dict(kw), desc=f"(3, 4) {kw}")
        yield SampleInput((make((4, 5), dtype, rng, op.domain(0), "transposed"),), dict(kw), desc=f"transposed {kw}")


def _act_ref(fn):
    """Evaluates fn in float64, returns the input's dtype."""
    return lambda x, **kw: np.asarray(fn(x.astype(np.float64), **kw)).astype(x.dtype)


_SELU_ALPHA, _SELU_SCALE = 1.6732632423543772, 1.0507009873554805


def _np_erf(x):
    import math
    return np.vectorize(math.erf, otypes=[np.float64])(x) if x.size else x


def _np_gelu(x, approximate=False):
    if approximate:
        return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))
    return 0.5 * x * (1 + _np_erf(x / np.sqrt(2)))


_ACTIVATION_REFS = {
    "relu6": lambda x: np.where(np.isnan(x), x, np.clip(x, 0, 6)),
    "leaky_relu": lambda x, alpha=0.2: np.where(x > 0, x, alpha * x),
    "elu": lambda x: np.where(x > 0, x, np.expm1(np.minimum(x, 0))),
    "selu": lambda x: _SELU_SCALE * np.where(x > 0, x, _SELU_ALPHA * np.expm1(np.minimum(x, 0))),
    "gelu": _np_gelu,
    "softplus": lambda x: np.logaddexp(0, x),
    "softsign": lambda x: x / (1 + np.abs(x)),
    "silu": lambda x, beta=1.0: x / (1 + np.exp(-beta * x)),
    "hard_sigmoid": lambda x: np.where(np.isnan(x), x, np.clip(x + 3, 0, 6) / 6),
    "erf": _np_erf,
}
# Kinks (the gradient or its derivative jumps) that gradient samples stay away from.
_ACTIVATION_KINKS = {"relu6": (0, 6), "leaky_relu": (0,), "elu": (0,), "selu": (0,), "softsign": (0,),
                     "hard_sigmoid": (-3, 3)}
_ACTIVATION_API = {"hard_sigmoid": "_core.hard_sigmoid", "erf": "math.erf|_core.erf",
                   "softplus": "nn.softplus|math.softplus", "softsign": "nn.softsign|math.softsign"}


def sample_relu_grad(op, dtype, rng):
    """(gradients, features) of one shape and layout; features away from relu's kink at 0, then NaN / inf features."""
    away = Domain(-3, 3, exclude=(0,))
    for shape, layout in [((3, 4), "contiguous"), ((4, 5), "transposed"), ((2, 3, 4), "strided"), ((0, 3), "contiguous"),
                          ((128, 512), "contiguous")]:
        yield SampleInput((make(shape, dtype, rng, None, layout), make(shape, dtype, rng, away, layout)),
                          desc=f"{layout} {shape}")
    if dtype in FLOATS and op.extremal:
        yield SampleInput((np.ones(4, dtype), np.array([np.nan, np.inf, -np.inf, 0.0], dtype)), desc="NaN, inf, 0")


def sample_bias_add_relu(op, dtype, rng):
    """(value, bias) with the bias along the last axis; then NaN / inf values."""
    for shape, layout in [((3, 4), "contiguous"), ((4, 5), "transposed"), ((2, 3, 4), "strided"), ((5,), "contiguous"),
                          ((0, 3), "contiguous"), ((2, 5, 5, 8), "contiguous")]:
        yield SampleInput((make(shape, dtype, rng, None, layout), make(shape[-1:], dtype, rng)), desc=f"{layout} {shape}")
    if dtype in FLOATS and op.extremal:
        yield SampleInput((np.array([[np.nan, np.inf, -np.inf, 1.0]], dtype), np.array([0.5, -1.0, 2.0, np.nan], dtype)),
                          desc="NaN, inf")


def _activation_row(name):
    return OpInfo(name=name, family="activation", api=_ACTIVATION_API.get(name, f"nn.{name}"),
                  ref=_act_ref(_ACTIVATION_REFS[name]), sample_inputs_func=sample_activation, dtypes=FLOATS,
                  unsupported_dtypes=BOOL + INTS, differentiable=True, extremal=GENERIC_EXTREMAL,
                  grad_exclude=_ACTIVATION_KINKS.get(name, ()), tols={"float32": (2e-5, 1e-6)})


# Cross-entropy: (logits shape, layout); labels have the logits' shape without the class axis.
XENT_CASES = [((4, 5), "contiguous"), ((2, 3, 7), "contiguous"), ((6, 4), "transposed"), ((3,), "contiguous"),
              ((0, 3), "contiguous"), ((128, 10), "contiguous"), ((600, 100), "contiguous")]


def sample_sparse_xent(op, dtype, rng):
    for i, (shape, layout) in enumerate(XENT_CASES):
        labels = np.asarray(rng.integers(0, shape[-1], size=shape[:-1])).astype("int32" if i % 2 else "int64")
        yield SampleInput((labels, make(shape, dtype, rng, None, layout)), desc=f"{layout} {shape} {labels.dtype}")
    if dtype in FLOATS and op.extremal:
        far = np.array([[1000.0, 0.0, -1000.0], [-1000.0, 0.0, 1000.0], [np.nan, 0.0, 1.0]], dtype)
        yield SampleInput((np.array([2, 2, 1]), far), desc="logits far apart, NaN row")


def ref_sparse_xent(labels, logits):
    x = logits.astype(np.float64)
    lse = _logsumexp(x, -1, True) if x.size else x[..., :1]
    picked = np.take_along_axis(x, labels[..., None].astype(np.int64), -1) if x.size else x[..., :1]
    return (lse - picked)[..., 0].astype(logits.dtype)


def sample_dense_xent(op, dtype, rng):
    for shape, layout in XENT_CASES:
        labels = rng.uniform(0, 1, size=shape).astype(dtype) if dtype in FLOATS else make(shape, dtype, rng)
        yield SampleInput((labels, make(shape, dtype, rng, None, layout)), desc=f"{layout} {shape}")
    yield SampleInput((make((1, 5), dtype, rng, Domain(0, 1)), make((3, 5), dtype, rng)), desc="labels broadcast")
    yield SampleInput((make((4, 3), dtype, rng, Domain(0, 1)), make((4, 3), dtype, rng)), {"axis": 0}, desc="axis 0")
    if dtype in FLOATS and op.extremal:
        far = np.array([[1000.0, 0.0, -1000.0], [np.nan, 0.0, 1.0]], dtype)
        yield SampleInput((np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]], dtype), far), desc="logits far apart, NaN")


def ref_dense_xent(labels, logits, axis=-1):
    x = logits.astype(np.float64)
    lsm = x - _logsumexp(x, axis, True) if x.size else x
    return -np.sum(np.broadcast_to(labels, x.shape) * lsm, axis=axis).astype(logits.dtype)


def sample_dropout(op, dtype, rng):
    # Every sample has an op seed: the row's call restarts the seeded streams, so finite differences see one mask.
    for shape, layout, kw in [((300,), "contiguous", {"rate": 0.3}), ((40, 60), "contiguous", {"rate": 0.5}),
                              ((30, 20), "transposed", {"rate": 0.2}), ((0, 3), "contiguous", {"rate": 0.5}),
                              ((20, 30, 8), "contiguous", {"rate": 0.25, "noise_shape": (20, 1, 8)}),
                              ((5, 4), "contiguous", {"rate": 0.0})]:
        yield SampleInput((make(shape, dtype, rng, None, layout),), {**kw, "seed": 7}, desc=f"{layout} {shape} {kw}")


def _call_dropout(fn, *args, **kwargs):
    pt.random.set_seed(pt.random.get_global_seed())
    return fn(*args, **kwargs)


def check_dropout(op, out, sample, dtype):
    """Each output is 0 or x / (1 - rate), constant along broadcast noise dims, dropped at about `rate`."""
    x, rate = sample.args[0], sample.kwargs["rate"]
    y = out.numpy()
    assert y.shape == x.shape and y.dtype == x.dtype, f"shape/dtype {y.shape} {y.dtype}"
    kept = y != 0
    np.testing.assert_allclose(y[kept], x[kept] / (1 - rate), rtol=1e-6)
    noise = sample.kwargs.get("noise_shape")
    if noise is not None:
        for ax, n in enumerate(noise):
            if n == 1:
                assert (kept == kept.take([0], axis=ax)).all(), "mask varies along a broadcast noise dimension"
    if x.size >= 300:
        frac = 1 - kept.mean()
        assert abs(frac - rate) < 5 * np.sqrt(rate * (1 - rate) / kept.size) + 1e-9, f"dropped {frac}, rate {rate}"
# (end of nn samples)


# ---- conv: convolution (samples and references) ----
# (input shape, filter shape, strides, padding, dilations, input layout): every kernel path (direct for few
# channels, im2col + GEMM, 1x1 pointwise), TF's asymmetric SAME, explicit pads, strides, dilations, views, empty.
CONV_CASES = [
    ((2, 5, 6, 3), (3, 3, 3, 4), 1, "VALID", None, "contiguous"),
    ((2, 7, 6, 2), (3, 2, 2, 3), 2, "SAME", None, "contiguous"),
    ((1, 8, 7, 3), (3, 3, 3, 2), [1, 2], "VALID", None, "transposed"),
    ((2, 7, 7, 2), (2, 3, 2, 2), [1, 1, 1, 1], "SAME", [2, 1], "contiguous"),
    ((1, 6, 5, 2), (2, 2, 2, 3), [2, 1], [[0, 0], [1, 2], [0, 1], [0, 0]], None, "strided"),
    ((2, 4, 4, 5), (1, 1, 5, 3), 1, "VALID", None, "contiguous"),
    ((3, 9, 9, 1), (3, 3, 1, 4), 1, "VALID", None, "contiguous"),
    ((2, 6, 6, 10), (3, 3, 10, 4), 1, "SAME", None, "contiguous"),
    ((0, 5, 5, 2), (3, 3, 2, 2), 1, "SAME", None, "contiguous"),
    ((16, 14, 14, 4), (3, 3, 4, 8), 1, "VALID", None, "contiguous"),
    ((24, 28, 28, 1), (3, 3, 1, 8), 1, "VALID", None, "contiguous"),
]


def _conv_pair(v):
    if v is None:
        return 1, 1
    if isinstance(v, int):
        return v, v
    v = list(v)
    return (v[0], v[0]) if len(v) == 1 else (v[0], v[1]) if len(v) == 2 else (v[1], v[2])


def _conv_geometry(in_shape, w_shape, strides, padding, dilations):
    """Strides, dilations, (before, after) pads and output size per spatial axis, by TF's rules."""
    geo = []
    for axis, (s, d) in enumerate(zip(_conv_pair(strides), _conv_pair(dilations))):
        n, k = in_shape[1 + axis], w_shape[axis]
        eff = (k - 1) * d + 1
        if padding == "SAME":
            out = -(-n // s)
            total = max((out - 1) * s + eff - n, 0)
            pads = (total // 2, total - total // 2)
        else:
            pads = (0, 0) if padding == "VALID" else tuple(padding[1 + axis])
            out = (n + sum(pads) - eff) // s + 1
        geo.append((s, d, pads, out))
    return geo


def _conv_taps(in_shape, w_shape, strides, padding, dilations):
    """Yields (ky, kx, slice into the padded input) for every filter tap; also returns pads and output size."""
    (sh, dh, ph, oh), (sw, dw, pw, ow) = _conv_geometry(in_shape, w_shape, strides, padding, dilations)
    taps = [(ky, kx, (slice(None), slice(ky * dh, ky * dh + (oh - 1) * sh + 1, sh),
                      slice(kx * dw, kx * dw + (ow - 1) * sw + 1, sw), slice(None)))
            for ky in range(w_shape[0]) for kx in range(w_shape[1])]
    return taps, (ph, pw), (oh, ow)


def ref_conv2d(x, w, strides, padding, dilations=None):
    taps, (ph, pw), (oh, ow) = _conv_taps(x.shape, w.shape, strides, padding, dilations)
    xp = np.pad(x.astype(np.float64), ((0, 0), ph, pw, (0, 0)))
    out = np.zeros((x.shape[0], oh, ow, w.shape[3]))
    for ky, kx, sl in taps:
        out += np.einsum("nhwc,co->nhwo", xp[sl], w[ky, kx].astype(np.float64))
    return out.astype(x.dtype)


def ref_conv2d_backprop_input(input_sizes, w, dy, strides, padding, dilations=None):
    taps, (ph, pw), _ = _conv_taps(input_sizes, w.shape, strides, padding, dilations)
    n, h, wd, c = input_sizes
    dxp = np.zeros((n, h + sum(ph), wd + sum(pw), c))
    for ky, kx, sl in taps:
        dxp[sl] += np.einsum("nhwo,co->nhwc", dy.astype(np.float64), w[ky, kx].astype(np.float64))
    return dxp[:, ph[0]:ph[0] + h, pw[0]:pw[0] + wd, :].astype(w.dtype)


def ref_conv2d_backprop_filter(x, filter_sizes, dy, strides, padding, dilations=None):
    taps, (ph, pw), _ = _conv_taps(x.shape, filter_sizes, strides, padding, dilations)
    xp = np.pad(x.astype(np.float64), ((0, 0), ph, pw, (0, 0)))
    dw = np.zeros(filter_sizes)
    for ky, kx, sl in taps:
        dw[ky, kx] = np.einsum("nhwc,nhwo->co", xp[sl], dy.astype(np.float64))
    return dw.astype(x.dtype)


def _conv_cases(dtype, rng):
    for xs, ws, strides, padding, dilations, layout in CONV_CASES:
        kw = {"strides": strides, "padding": padding, "dilations": dilations}
        oh, ow = (g[3] for g in _conv_geometry(xs, ws, strides, padding, dilations))
        yield xs, ws, (xs[0], oh, ow, ws[3]), kw, layout


def sample_conv2d(op, dtype, rng):
    for xs, ws, _, kw, layout in _conv_cases(dtype, rng):
        yield SampleInput((make(xs, dtype, rng, None, layout), make(ws, dtype, rng)), kw, desc=f"{xs} * {ws} {kw}")


def sample_conv2d_backprop_input(op, dtype, rng):
    for xs, ws, ys, kw, layout in _conv_cases(dtype, rng):
        yield SampleInput((list(xs), make(ws, dtype, rng), make(ys, dtype, rng, None, layout)), kw,
                          desc=f"dx {xs} from {ys} * {ws} {kw}")


def sample_conv2d_backprop_filter(op, dtype, rng):
    for xs, ws, ys, kw, layout in _conv_cases(dtype, rng):
        yield SampleInput((make(xs, dtype, rng, None, layout), list(ws), make(ys, dtype, rng)), kw,
                          desc=f"dw {ws} from {xs}, {ys} {kw}")
# (end of conv samples)


# ---- pool: pooling (samples and references) ----
# (shape, layout, ksize, strides, padding): VALID and TF's asymmetric SAME, overlapping windows, strides larger
# than the window, 4-element NHWC ksize, empty, non-contiguous views and one input large enough to run in parallel.
POOL_CASES = [
    ((2, 6, 6, 3), "contiguous", 2, 2, "VALID"),
    ((1, 5, 7, 2), "contiguous", [3, 2], [2, 1], "SAME"),
    ((1, 4, 5, 1), "contiguous", [1, 3, 3, 1], [1, 1, 1, 1], "SAME"),
    ((2, 7, 6, 3), "strided", 3, [2, 3], "VALID"),
    ((1, 7, 7, 2), "transposed", 2, 3, "SAME"),
    ((2, 5, 4, 2), "reversed", [2, 3], 1, "VALID"),
    ((2, 7, 9, 3), "contiguous", 2, [3, 2], "VALID"),  # disjoint windows; rows 2, 5, 6 and column 8 unreached
    ((0, 4, 4, 2), "contiguous", 2, 2, "VALID"),
    ((4, 40, 40, 16), "contiguous", 2, 2, "VALID"),
]


def _pool_pair(v):
    v = [v] if isinstance(v, int) else list(v)
    return (v[0], v[0]) if len(v) == 1 else (v[0], v[1]) if len(v) == 2 else (v[1], v[2])


def _pool_windows(shape, ksize, strides, padding):
    """Yields (oy, ox, rows, cols): every output position and the in-bounds input slices of its window (TF's rules)."""
    (kh, kw), (sh, sw) = _pool_pair(ksize), _pool_pair(strides)
    _, h, w, _ = shape
    def axis(n, k, s):
        if padding == "SAME":
            out = -(-n // s)
            return out, max((out - 1) * s + k - n, 0) // 2
        return (n - k) // s + 1, 0
    (oh, pt_), (ow, pl) = axis(h, kh, sh), axis(w, kw, sw)
    for i in range(oh):
        for j in range(ow):
            yield i, j, slice(max(i * sh - pt_, 0), min(i * sh - pt_ + kh, h)), \
                slice(max(j * sw - pl, 0), min(j * sw - pl + kw, w))


def _pool_out_shape(shape, ksize, strides, padding):
    last = (-1, -1)
    for i, j, _, _ in _pool_windows(shape, ksize, strides, padding):
        last = (i, j)
    return (shape[0], last[0] + 1, last[1] + 1, shape[3])


def sample_pool(op, dtype, rng):
    for shape, layout, k, s, p in POOL_CASES:
        yield SampleInput((make(shape, dtype, rng, op.domain(0), layout), k, s, p), desc=f"{layout} {shape} k={k} s={s} {p}")
    if dtype in FLOATS and op.extremal:
        x = make((1, 4, 4, 2), dtype, rng)
        x[0, 0, 1, 0], x[0, 3, 3, 1], x[0, 2, 0, 0] = np.nan, np.inf, -np.inf
        yield SampleInput((x, 2, 2, "VALID"), desc="NaN and infinities")


def _pool_ref(reduce):
    def ref(x, ksize, strides, padding):
        out = np.zeros(_pool_out_shape(x.shape, ksize, strides, padding), np.float64)
        for i, j, rows, cols in _pool_windows(x.shape, ksize, strides, padding):
            out[:, i, j, :] = reduce(x[:, rows, cols, :].astype(np.float64), axis=(1, 2))
        return out.astype(x.dtype)
    return ref


# (input, filters, conv strides, conv padding, dilations, ksize, pool strides, pool padding, input layout): the
# direct kernel's shapes (pooled while in cache) with SAME, overlapping and disjoint windows, dilation, strides and
# a batch large enough to run in parallel; then shapes that take the two-op path (Winograd, 1x1). The 2x2 / 2
# poolings of 8 and 16 channels take the gradients at the argmax (patch runs of whole filter rows, or of single
# taps under dilation, on a padded copy for SAME).
CONV_POOL_CASES = [
    ((2, 8, 8, 1), (3, 3, 1, 4), 1, "VALID", 1, 2, 2, "VALID", "contiguous"),
    ((1, 9, 7, 2), (3, 2, 2, 3), 1, "SAME", 1, 3, 2, "SAME", "strided"),
    ((2, 11, 10, 3), (2, 3, 3, 5), 2, "VALID", 1, [2, 1], 1, "VALID", "contiguous"),
    ((1, 10, 10, 2), (3, 3, 2, 4), 1, "VALID", 2, 2, 3, "VALID", "transposed"),
    ((6, 28, 28, 1), (3, 3, 1, 8), 1, "VALID", 1, 2, 2, "VALID", "contiguous"),
    ((2, 7, 7, 16), (3, 3, 16, 16), 1, "VALID", 1, 2, 2, "VALID", "contiguous"),
    ((2, 9, 8, 8), (3, 3, 8, 8), 1, "SAME", 2, 2, 2, "VALID", "strided"),
    ((1, 6, 6, 3), (1, 1, 3, 4), 1, "VALID", 1, 2, 2, "SAME", "contiguous"),
]


def sample_conv2d_max_pool(op, dtype, rng):
    for xs, ws, s, p, d, k, ps, pp, layout in CONV_POOL_CASES:
        yield SampleInput((make(xs, dtype, rng, None, layout), make(ws, dtype, rng), s, p, d, k, ps, pp),
                          desc=f"{layout} {xs} * {ws} s={s} {p} d={d}, pool k={k} s={ps} {pp}")


def ref_conv2d_max_pool(x, w, strides, padding, dilations, ksize, pool_strides, pool_padding):
    return _pool_ref(np.max)(ref_conv2d(x, w, strides, padding, dilations), ksize, pool_strides, pool_padding)


def sample_conv2d_max_pool_backprop_filter(op, dtype, rng):
    """(input, filter_sizes, dy, argmax, conv and pool arguments); argmax from max-pooling a float64 convolution."""
    for xs, ws, s, p, d, k, ps, pp, layout in CONV_POOL_CASES:
        x = make(xs, dtype, rng, None, layout)
        conv = ref_conv2d(x.astype(np.float64), rng.standard_normal(ws), s, p, d)
        _, arg = pt.nn.max_pool_with_argmax(conv, k, ps, pp, output_dtype=pt.int32)
        yield SampleInput((x, list(ws), make(arg.shape, dtype, rng), arg.numpy(), s, p, d, k, ps, pp),
                          desc=f"dw {ws} from {layout} {xs}, pool k={k} s={ps} {pp}")


def _pooled_conv_grad(conv_shape, dy, arg):
    """max_pool2d's gradient in float64: each dy element added at its argmax ((y * W + x) * C + c per image)."""
    n = conv_shape[0]
    dconv = np.zeros((n, int(np.prod(conv_shape[1:]))))
    np.add.at(dconv, (np.arange(n)[:, None], arg.reshape(n, -1)), dy.reshape(n, -1).astype(np.float64))
    return dconv.reshape(conv_shape)


def ref_conv2d_max_pool_backprop_filter(x, filter_sizes, dy, arg, strides, padding, dilations, ksize, pool_strides,
                                        pool_padding):
    conv_shape = ref_conv2d(x, np.zeros(filter_sizes), strides, padding, dilations).shape
    return ref_conv2d_backprop_filter(x, filter_sizes, _pooled_conv_grad(conv_shape, dy, arg), strides, padding,
                                      dilations).astype(x.dtype)


def sample_conv2d_max_pool_backprop_input(op, dtype, rng):
    """(input_sizes, filters, dy, argmax, conv and pool arguments); argmax as for the filter gradient."""
    for xs, ws, s, p, d, k, ps, pp, _ in CONV_POOL_CASES:
        conv = ref_conv2d(rng.standard_normal(xs), rng.standard_normal(ws), s, p, d)
        _, arg = pt.nn.max_pool_with_argmax(conv, k, ps, pp, output_dtype=pt.int32)
        yield SampleInput((list(xs), make(ws, dtype, rng), make(arg.shape, dtype, rng), arg.numpy(), s, p, d, k, ps,
                           pp), desc=f"dx {xs} through {ws}, pool k={k} s={ps} {pp}")


def ref_conv2d_max_pool_backprop_input(input_sizes, w, dy, arg, strides, padding, dilations, ksize, pool_strides,
                                       pool_padding):
    conv_shape = ref_conv2d(np.zeros(input_sizes), w, strides, padding, dilations).shape
    return ref_conv2d_backprop_input(input_sizes, w, _pooled_conv_grad(conv_shape, dy, arg), strides, padding,
                                     dilations).astype(w.dtype)


def sample_pool_grad(op, dtype, rng):
    """(dy, x, ksize, strides, padding): dy has the pooling output's shape."""
    for s in sample_pool(op, dtype, rng):
        x, k, st, p = s.args
        dy = make(_pool_out_shape(x.shape, k, st, p), dtype, rng)
        yield SampleInput((dy, x, k, st, p), desc=f"d {s.desc}")


def _pool_grad_ref(kind):
    def ref(dy, x, ksize, strides, padding):
        dx = np.zeros(x.shape, np.float64)
        for i, j, rows, cols in _pool_windows(x.shape, ksize, strides, padding):
            if kind == "avg":
                win = dx[:, rows, cols, :]
                win += dy[:, i:i + 1, j:j + 1, :] / (win.shape[1] * win.shape[2])
                continue
            win = x[:, rows, cols, :]
            flat = win.reshape(win.shape[0], win.shape[1] * win.shape[2], win.shape[3])
            first = np.argmax(flat, axis=1)  # numpy's argmax also takes the first maximum
            for b in range(x.shape[0]):
                for c in range(x.shape[3]):
                    r, q = divmod(int(first[b, c]), win.shape[2])
                    dx[b, rows.start + r, cols.start + q, c] += dy[b, i, j, c]
        return dx.astype(dy.dtype)
    return ref


def _call_pool_grad(pool):
    """The pooling gradient ops are internal (TF: raw_ops.MaxPoolGrad / AvgPoolGrad): reached as the gradient of
    pool(x, ksize, strides, padding) with `dy` as the upstream gradient."""
    def call(fn, dy, x, ksize, strides, padding):
        from pytensor.gradient_tape import GradientTape
        with GradientTape() as tape:
            tape.watch(x)
            y = getattr(pt.nn, pool)(x, ksize, strides, padding)
        return tape.gradient(y, x, output_gradients=dy)
    return call
# (end of pool samples)


# ---- rnn: fused recurrent ops (samples and references) ----
_RNN_ACTIVATIONS = {"tanh": np.tanh, "sigmoid": lambda v: 1.0 / (1.0 + np.exp(-v)), "relu": lambda v: np.maximum(v, 0),
                    "linear": lambda v: v, "hard_sigmoid": lambda v: np.clip((v + 3.0) / 6.0, 0.0, 1.0)}


def ref_rnn(cell, x, h0, c0, kernel, recurrent, bias, reset_after=True, mask=None, go_backwards=False,
            activation="tanh", recurrent_activation="sigmoid"):
    """Keras's recurrences step by step in float64: [sequence in loop order, final h (, final c)]."""
    act, rec = _RNN_ACTIVATIONS[activation], _RNN_ACTIVATIONS[recurrent_activation]
    x, h, c = x.astype(np.float64), h0.astype(np.float64), None if c0 is None else c0.astype(np.float64)
    units = h.shape[1]
    input_bias, recurrent_bias = (bias[0], bias[1]) if cell == "gru" and reset_after else (bias, 0.0)
    sequence = []
    for t in (range(x.shape[1] - 1, -1, -1) if go_backwards else range(x.shape[1])):
        z = x[:, t] @ kernel + input_bias
        if cell == "simple_rnn":
            new_h, new_c = act(z + h @ recurrent), c
        elif cell == "lstm":
            i, f, g, o = np.split(z + h @ recurrent, 4, axis=1)
            new_c = rec(f) * c + rec(i) * act(g)
            new_h = rec(o) * act(new_c)
        else:
            xz, xr, xh = np.split(z, 3, axis=1)
            if reset_after:
                rz, rr, rh = np.split(h @ recurrent + recurrent_bias, 3, axis=1)
                zg, r = rec(xz + rz), rec(xr + rr)
                hh = act(xh + r * rh)
            else:
                zg, r = rec(xz + h @ recurrent[:, :units]), rec(xr + h @ recurrent[:, units:2 * units])
                hh = act(xh + (r * h) @ recurrent[:, 2 * units:])
            new_h, new_c = zg * h + (1 - zg) * hh, c
        if mask is not None:
            live = mask[:, t:t + 1]
            new_h = np.where(live, new_h, h)
            new_c = None if c is None else np.where(live, new_c, c)
        h, c = new_h, new_c
        sequence.append(h)
    outs = [np.stack(sequence, axis=1), h] + ([c] if cell == "lstm" else [])
    return [o.astype(kernel.dtype) for o in outs]


# (batch, steps, features, units, go_backwards, masked, activation, recurrent_activation, layout of x, reset_after)
RNN_CASES = [
    (2, 3, 2, 2, False, False, "tanh", "sigmoid", "contiguous", True),
    (3, 4, 3, 2, True, True, "tanh", "sigmoid", "strided", False),
    (2, 5, 2, 3, False, True, "tanh", "hard_sigmoid", "contiguous", True),
    (2, 2, 2, 2, True, False, "linear", "sigmoid", "transposed", True),
    (70, 6, 5, 8, False, True, "tanh", "sigmoid", "contiguous", True),  # rows cross the per-step pass's grain
]


def _sample_rnn(cell):
    gates = {"lstm": 4, "gru": 3, "simple_rnn": 1}[cell]

    def sample(op, dtype, rng):
        for b, t, f, u, backwards, masked, act, rec, layout, reset_after in RNN_CASES:
            if dtype == "float64" and b * t * f > 200:
                continue  # keeps gradient checks small
            x = make((b, t, f), dtype, rng, Domain(-1, 1), layout)
            h0 = make((b, u), dtype, rng, Domain(-1, 1))
            weights = [make((f, gates * u), dtype, rng, Domain(-0.8, 0.8)),
                       make((u, gates * u), dtype, rng, Domain(-0.8, 0.8)),
                       make((2, gates * u) if cell == "gru" and reset_after else (gates * u,), dtype, rng,
                            Domain(-0.5, 0.5))]
            mask = rng.random((b, t)) > 0.3 if masked else None
            kwargs = {"mask": mask, "go_backwards": backwards, "activation": act}
            ref_kwargs = dict(kwargs)
            if cell != "simple_rnn":
                kwargs["recurrent_activation"] = ref_kwargs["recurrent_activation"] = rec
            if cell == "gru":
                kwargs["reset_after"] = ref_kwargs["reset_after"] = reset_after
            states = (h0, make((b, u), dtype, rng, Domain(-1, 1))) if cell == "lstm" else (h0,)
            ref_states = states if cell == "lstm" else (h0, None)
            desc = (f"{layout} x {(b, t, f)} units {u} {act}/{rec} backwards={backwards} masked={masked}"
                    + (f" reset_after={reset_after}" if cell == "gru" else ""))
            yield SampleInput((x, *states, *weights), kwargs, desc=desc,
                              ref_args=(cell, x, *ref_states, *weights), ref_kwargs=ref_kwargs)
    return sample


def _rnn_row(cell, num_inputs):
    return OpInfo(name=cell, family="rnn", api=f"_core.{cell}", ref=ref_rnn, sample_inputs_func=_sample_rnn(cell),
                  dtypes=FLOATS, unsupported_dtypes=INTS, differentiable=True, num_inputs=num_inputs,
                  grad_argnums=tuple(range(num_inputs)), tols={"float32": (2e-5, 2e-6)})


# ---- optim: fused optimizer updates (samples and references) ----
# A sample is (var, grad, *slots) plus hyper-parameters; `_call_optim` turns var and slots into Variables, runs
# the in-place update and returns their new values, which the references compute in float64 numpy.
OPTIM_SLOTS = {  # op -> (slot names, the hyper-parameter sets to try; "use" lists the optional slots passed)
    "apply_sgd": (("momentum_slot",), [dict(learning_rate=0.1), dict(learning_rate=0.1, momentum=0.9),
                                       dict(learning_rate=0.1, momentum=0.9, nesterov=True, weight_decay=0.1)]),
    "apply_rmsprop": (("velocity", "average_grad", "momentum_slot"),
                      [dict(learning_rate=0.01), dict(learning_rate=0.01, momentum=0.5, weight_decay=0.1),
                       dict(learning_rate=0.01, momentum=0.5, centered=True)]),
    "apply_adam": (("m", "v", "v_hat"), [dict(learning_rate=0.01, step=1), dict(learning_rate=0.01, step=7),
                                         dict(learning_rate=0.01, step=3, amsgrad=True, weight_decay=0.1)]),
    "apply_adagrad": (("accumulator",), [dict(learning_rate=0.1), dict(learning_rate=0.1, weight_decay=0.1)]),
    "apply_adadelta": (("accumulated_grad", "accumulated_delta_var"), [dict(learning_rate=1.0, rho=0.9)]),
    "apply_nadam": (("m", "v"), [dict(learning_rate=0.01, step=1, u_product=0.9 * (1 - 0.5 * 0.96)),
                                 dict(learning_rate=0.01, step=4, u_product=0.5, weight_decay=0.1)]),
}


def _optim_used_slots(name, hp):
    slots = OPTIM_SLOTS[name][0]
    if name == "apply_sgd":
        return slots if hp.get("momentum") else ()
    if name == "apply_rmsprop":
        return ("velocity",) + (("average_grad",) if hp.get("centered") else ()) + (
            ("momentum_slot",) if hp.get("momentum") else ())
    if name == "apply_adam":
        return ("m", "v") + (("v_hat",) if hp.get("amsgrad") else ())
    return slots


def sample_optim(op, dtype, rng):
    positive = Domain(0.0, 2.0)
    cases = [((), "contiguous"), ((5,), "contiguous"), ((3, 4), "transposed"), ((2, 3), "strided"),
             ((260, 260), "contiguous")]   # the last crosses the parallel grain
    for hp in OPTIM_SLOTS[op.name][1]:
        for shape, layout in cases:
            slots = {s: make(shape, dtype, rng, positive) for s in _optim_used_slots(op.name, hp)}
            if "average_grad" in slots:   # a reachable state: mean square >= squared mean, away from cancellation
                slots["velocity"] = np.asarray(slots["velocity"] + slots["average_grad"] ** 2 + 1, dtype)
            kwargs = {k: v for k, v in hp.items() if k not in ("centered", "amsgrad")}
            yield SampleInput((make(shape, dtype, rng), make(shape, dtype, rng, None, layout)),
                              {**slots, **kwargs}, desc=f"{shape} grad {layout} {hp}")


def _call_optim(fn, var, grad, **kwargs):
    variables = [pt.Variable(var, name="var")]
    for name in ("momentum_slot", "velocity", "average_grad", "m", "v", "v_hat", "accumulator",
                 "accumulated_grad", "accumulated_delta_var"):
        if name in kwargs:
            kwargs[name] = pt.Variable(kwargs[name], name=name)
            variables.append(kwargs[name])
    fn(variables[0], grad, **kwargs)
    return [v.read_value() for v in variables]


def _optim_ref(update):
    """Runs `update(w, g, slots: dict, **hp)` in float64 and returns [w, *slots] in the input dtype."""
    order = ("momentum_slot", "velocity", "average_grad", "m", "v", "v_hat", "accumulator", "accumulated_grad",
             "accumulated_delta_var")

    def ref(var, grad, **kwargs):
        dtype = var.dtype
        slots = {k: kwargs.pop(k).astype(np.float64) for k in order if k in kwargs}
        w = update(var.astype(np.float64), grad.astype(np.float64), slots, **kwargs)
        return [w.astype(dtype)] + [slots[k].astype(dtype) for k in order if k in slots]
    return ref


def _decayed(w, lr, weight_decay):
    return w - w * weight_decay * lr


def _ref_sgd(w, g, s, learning_rate, momentum=0.0, nesterov=False, weight_decay=0.0):
    w = _decayed(w, learning_rate, weight_decay)
    if "momentum_slot" not in s:
        return w - learning_rate * g
    s["momentum_slot"] = momentum * s["momentum_slot"] - learning_rate * g
    return w + (momentum * s["momentum_slot"] - learning_rate * g if nesterov else s["momentum_slot"])


def _ref_rmsprop(w, g, s, learning_rate, rho=0.9, momentum=0.0, epsilon=1e-7, weight_decay=0.0):
    w = _decayed(w, learning_rate, weight_decay)
    s["velocity"] = rho * s["velocity"] + (1 - rho) * g * g
    den = s["velocity"] + epsilon
    if "average_grad" in s:
        s["average_grad"] = rho * s["average_grad"] + (1 - rho) * g
        den = s["velocity"] - s["average_grad"] ** 2 + epsilon
    inc = learning_rate * g / np.sqrt(den)
    if "momentum_slot" in s:
        s["momentum_slot"] = momentum * s["momentum_slot"] + inc
        inc = s["momentum_slot"]
    return w - inc


def _ref_adam(w, g, s, learning_rate, beta_1=0.9, beta_2=0.999, epsilon=1e-7, step=1, weight_decay=0.0):
    w = _decayed(w, learning_rate, weight_decay)
    alpha = learning_rate * np.sqrt(1 - beta_2 ** step) / (1 - beta_1 ** step)
    s["m"] = s["m"] + (g - s["m"]) * (1 - beta_1)
    s["v"] = s["v"] + (g * g - s["v"]) * (1 - beta_2)
    v = s["v"]
    if "v_hat" in s:
        s["v_hat"] = v = np.maximum(s["v_hat"], s["v"])
    return w - alpha * s["m"] / (np.sqrt(v) + epsilon)


def _ref_adagrad(w, g, s, learning_rate, epsilon=1e-7, weight_decay=0.0):
    w = _decayed(w, learning_rate, weight_decay)
    s["accumulator"] = s["accumulator"] + g * g
    return w - learning_rate * g / np.sqrt(s["accumulator"] + epsilon)


def _ref_adadelta(w, g, s, learning_rate, rho=0.95, epsilon=1e-7, weight_decay=0.0):
    w = _decayed(w, learning_rate, weight_decay)
    s["accumulated_grad"] = rho * s["accumulated_grad"] + (1 - rho) * g * g
    delta = -np.sqrt(s["accumulated_delta_var"] + epsilon) * g / np.sqrt(s["accumulated_grad"] + epsilon)
    s["accumulated_delta_var"] = rho * s["accumulated_delta_var"] + (1 - rho) * delta * delta
    return w + learning_rate * delta


def _ref_nadam(w, g, s, learning_rate, beta_1=0.9, beta_2=0.999, epsilon=1e-7, step=1, u_product=0.468,
               weight_decay=0.0):
    w = _decayed(w, learning_rate, weight_decay)
    u_t = beta_1 * (1 - 0.5 * 0.96 ** step)
    u_next = beta_1 * (1 - 0.5 * 0.96 ** (step + 1))
    s["m"] = s["m"] + (g - s["m"]) * (1 - beta_1)
    s["v"] = s["v"] + (g * g - s["v"]) * (1 - beta_2)
    m_hat = u_next * s["m"] / (1 - u_product * u_next) + (1 - u_t) * g / (1 - u_product)
    return w - m_hat * learning_rate / (np.sqrt(s["v"] / (1 - beta_2 ** step)) + epsilon)


def _optim_row(name, update, error_name):
    return OpInfo(name=name, family="optim", api=f"_core.{name}", ref=_optim_ref(update),
                  sample_inputs_func=sample_optim, dtypes=FLOATS, unsupported_dtypes=INTS, num_inputs=2,
                  call=_call_optim, error_name=error_name, tols={"float32": (1e-4, 1e-5)})
# (end of optim samples)


# ---- creation -------------------------------------------------------------------------------
def sample_zeros_ones(op, dtype, rng):
    for shape in [(2, 3), (), (0,), [3], (2, 0, 4)]:
        yield SampleInput((shape,), {"dtype": pt.as_dtype(dtype)}, desc=f"shape={shape}",
                          ref_kwargs={"dtype": dtype})
    if dtype == "float32":
        yield SampleInput(((2, 2),), desc="default dtype float32", ref_kwargs={"dtype": "float32"})


def _zeros_ref(shape, dtype="float32"):
    return np.zeros(shape, dtype=pt.as_dtype(dtype).name)


def _ones_ref(shape, dtype="float32"):
    return np.ones(shape, dtype=pt.as_dtype(dtype).name)


def sample_fill(op, dtype, rng):
    for dims in [(2, 3), (), (0, 2), [4]]:
        v = make((), dtype, rng)
        yield SampleInput((dims, v), desc=f"dims={dims} value of {dtype}")
    if dtype == "float32":
        yield SampleInput(((2, 2), 2.5), desc="Python float value", ref_args=((2, 2), np.float32(2.5)))
    if dtype == "int32":
        yield SampleInput(((3,), 7), desc="Python int value", ref_args=((3,), np.int32(7)))


def ref_fill(dims, value):
    return np.full(dims, value, dtype=np.asarray(value).dtype)


def sample_like(op, dtype, rng):
    for s, layout in [((2, 3), "contiguous"), ((), "contiguous"), ((0, 3), "contiguous"), ((3, 4), "transposed")]:
        yield SampleInput((make(s, dtype, rng, layout=layout),), desc=f"{layout} {s}")
    yield SampleInput((make((2, 2), dtype, rng),), {"dtype": pt.float64}, desc="dtype=float64",
                      ref_kwargs={"dtype": "float64"})


def _like_ref(fn):
    def ref(input, dtype=None):
        return fn(input, dtype=None if dtype is None else pt.as_dtype(dtype).name)
    return ref


def sample_eye(op, dtype, rng):
    d = pt.as_dtype(dtype)
    for args, kw in [((3,), {}), ((2, 4), {}), ((4, 2), {}), ((0,), {}), ((3,), {"batch_shape": [2]}),
                     ((2, 3), {"batch_shape": (2, 1)}), ((1,), {"num_columns": 3})]:
        yield SampleInput(args, {**kw, "dtype": d}, desc=f"eye{args} {kw}", ref_kwargs={**kw, "dtype": dtype})


def ref_eye(num_rows, num_columns=None, batch_shape=None, dtype="float32"):
    m = np.eye(num_rows, num_rows if num_columns is None else num_columns, dtype=pt.as_dtype(dtype).name)
    if batch_shape:
        m = np.broadcast_to(m, tuple(batch_shape) + m.shape).copy()
    return m


def sample_range(op, dtype, rng):
    d = pt.as_dtype(dtype)
    cases = [((5,), {}), ((1, 10, 2), {}), ((10, 1, -3), {}), ((0,), {}), ((3, 3), {}), ((-4, 4, 3), {})]
    if dtype in FLOATS:
        cases += [((0.0, 1.0, 0.25), {}), ((2.5, -1.0, -0.5), {}), ((0.1, 1.0, 0.3), {})]
    for args, kw in cases:
        yield SampleInput(args, {**kw, "dtype": d}, desc=f"range{args}", ref_kwargs={"dtype": dtype})
    if dtype == "int32":
        yield SampleInput((1, 7, 2), desc="Python ints give int32", ref_kwargs={"dtype": "int32"})
    if dtype == "float32":
        yield SampleInput((0.5, 3.0), desc="Python floats give float32", ref_kwargs={"dtype": "float32"})


def ref_range(start, limit=None, delta=1, dtype=None):
    if limit is None:
        start, limit = 0, start
    n = max(0, int(np.ceil((limit - start) / delta)))
    dt = pt.as_dtype(dtype).name
    return (start + np.arange(n, dtype="float64").astype(dt) * np.asarray(delta, dt)).astype(dt) \
        if dt in FLOATS else (start + np.arange(n) * delta).astype(dt)


def sample_linspace(op, dtype, rng):
    for a, b, n in [(0.0, 1.0, 5), (-2.0, 3.0, 11), (1.0, -1.0, 4), (3.0, 3.0, 3), (2.0, 7.0, 1), (0.0, 1.0, 1000)]:
        yield SampleInput((np.asarray(a, dtype), np.asarray(b, dtype), n), desc=f"linspace({a}, {b}, {n})")


def ref_linspace(start, stop, num):
    return np.linspace(float(start), float(stop), num).astype(np.asarray(start).dtype)


# ---- random -----------------------------------------------------------------------------------
def sample_random_dist(op, dtype, rng):
    d = pt.as_dtype(dtype)
    extra = {}
    if op.name == "random_uniform" and dtype in INTS:
        extra = {"minval": -3, "maxval": 7} if dtype != "uint8" else {"minval": 2, "maxval": 9}
    yield SampleInput(((100000,),), {"dtype": d, "seed": 11, **extra}, desc="100000 samples, default parameters")
    if op.name == "random_uniform" and dtype in FLOATS:
        yield SampleInput(((400, 250),), {"minval": -2.0, "maxval": 5.0, "dtype": d, "seed": 3}, desc="[-2, 5)")
    if op.name in ("random_normal", "truncated_normal"):
        yield SampleInput(((400, 250),), {"mean": 3.0, "stddev": 0.5, "dtype": d, "seed": 3}, desc="mean 3 stddev 0.5")
    yield SampleInput(((),), {"dtype": d, "seed": 1, **extra}, desc="0-d")
    yield SampleInput(((0, 3),), {"dtype": d, "seed": 1, **extra}, desc="empty")
    yield SampleInput(((3, 4),), {"dtype": d, **extra}, desc="no op seed")


def check_random_dist(op, out, sample, dtype):
    shape, = sample.args
    kw = sample.kwargs
    x = np.asarray(out.numpy())
    assert x.shape == tuple(shape), f"shape {x.shape} != {tuple(shape)}"
    assert out.dtype == pt.as_dtype(dtype), f"dtype {out.dtype} != {dtype}"
    if x.size < 1000:
        assert np.all(np.isfinite(x.astype("float64")))
        return
    n = x.size
    xf = x.astype("float64")
    if op.name == "random_uniform":
        if dtype in FLOATS:
            lo, hi = kw.get("minval", 0.0), kw.get("maxval", 1.0)
            assert xf.min() >= lo and xf.max() < hi, f"values outside [{lo}, {hi}): {xf.min()} .. {xf.max()}"
            sd = (hi - lo) / np.sqrt(12)
            assert abs(xf.mean() - (lo + hi) / 2) < 6 * sd / np.sqrt(n), f"mean {xf.mean()}"
            assert abs(xf.std() - sd) < 0.02 * sd, f"std {xf.std()} vs {sd}"
        else:
            lo, hi = kw["minval"], kw["maxval"]
            counts = np.bincount((x.astype("int64") - lo), minlength=hi - lo)
            assert x.min() >= lo and x.max() < hi and len(counts) == hi - lo, f"values outside [{lo}, {hi})"
            expected = n / (hi - lo)
            assert np.all(np.abs(counts - expected) < 6 * np.sqrt(expected)), f"counts {counts}"
        return
    mean, sd = kw.get("mean", 0.0), kw.get("stddev", 1.0)
    if op.name == "truncated_normal":
        assert np.all(np.abs(xf - mean) <= 2 * sd * (1 + 1e-6)), "values beyond two stddevs"
        sd_eff = sd * 0.87962566
    else:
        sd_eff = sd
        # Tails exist: about 4.6% beyond two stddevs.
        frac = np.mean(np.abs(xf - mean) > 2 * sd)
        assert abs(frac - 0.0455) < 0.005, f"fraction beyond 2 stddevs {frac}"
    assert abs(xf.mean() - mean) < 6 * sd_eff / np.sqrt(n), f"mean {xf.mean()} vs {mean}"
    assert abs(xf.std() - sd_eff) < 0.02 * sd_eff, f"std {xf.std()} vs {sd_eff}"


def sample_categorical(op, dtype, rng):
    p = np.array([[0.2, 0.3, 0.5], [0.7, 0.0, 0.3]])
    with np.errstate(all="ignore"):
        logits = np.log(p).astype(dtype)
    yield SampleInput((logits, 20000), {"seed": 5}, desc="probabilities [[.2 .3 .5] [.7 0 .3]]")
    yield SampleInput((logits, 7), {"seed": 5, "dtype": pt.int32}, desc="int32 output")
    yield SampleInput((np.zeros((3, 4), dtype), 0), {"seed": 1}, desc="zero samples")


def check_categorical(op, out, sample, dtype):
    logits, num = sample.args
    x = out.numpy()
    want_dt = pt.as_dtype(sample.kwargs.get("dtype", pt.int64))
    assert out.dtype == want_dt, f"dtype {out.dtype} != {want_dt}"
    assert x.shape == (logits.shape[0], num), f"shape {x.shape}"
    if num < 1000:
        assert np.all((x >= 0) & (x < logits.shape[1]))
        return
    p = np.exp(logits.astype("float64"))
    p /= p.sum(axis=1, keepdims=True)
    for row in range(x.shape[0]):
        freq = np.bincount(x[row], minlength=logits.shape[1]) / num
        assert len(freq) == logits.shape[1], f"class index out of range: {x[row].max()}"
        assert np.all(np.abs(freq - p[row]) < 0.02), f"row {row}: frequencies {freq} vs {p[row]}"
        assert np.all(freq[p[row] == 0] == 0), "a class of probability 0 was drawn"


def sample_shuffle(op, dtype, rng):
    yield SampleInput((make((1000, 3), dtype, rng, Domain(0, 1000)),), {"seed": 4}, desc="(1000, 3)")
    yield SampleInput((np.arange(5000).astype(dtype) if dtype != "bool" else make((5000,), dtype, rng),),
                      {"seed": 4}, desc="(5000,)")
    yield SampleInput((make((), dtype, rng),), {"seed": 1}, desc="0-d")
    yield SampleInput((make((0, 2), dtype, rng),), {"seed": 1}, desc="empty")
    yield SampleInput((make((6, 4), dtype, rng, layout="transposed"),), {"seed": 2}, desc="transposed input")


def check_shuffle(op, out, sample, dtype):
    value, = sample.args
    x = out.numpy()
    assert x.shape == value.shape and out.dtype == pt.as_dtype(dtype), f"shape/dtype {x.shape} {out.dtype}"
    if value.ndim == 0:
        assert x == value
        return
    row = int(np.prod(value.shape[1:]))
    rows_in = sorted(map(bytes, np.ascontiguousarray(value.reshape(len(value), row))))
    rows_out = sorted(map(bytes, np.ascontiguousarray(x.reshape(len(x), row))))
    assert rows_in == rows_out, "output rows are not a permutation of the input rows"
    if len(value) >= 1000 and dtype != "bool":
        assert not np.array_equal(x, value), "1000+ rows came back in the same order"


# ---------------------------------------------------------------------------------------------
# The rows
# ---------------------------------------------------------------------------------------------
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


def _same(fn):
    """Keeps the input dtype (numpy may promote, TF does not)."""
    def ref(*xs):
        return np.asarray(fn(*xs)).astype(xs[0].dtype)
    return ref


def _sigmoid(x):
    return (1.0 / (1.0 + np.exp(-x.astype("float64")))).astype(x.dtype)


def _relu(x):
    return np.where(x > 0, x, np.where(np.isnan(x) if x.dtype.kind == "f" else False, x, 0)).astype(x.dtype)


def _round_half_even(x):
    return np.round(x).astype(x.dtype)


POS = Domain(low=0.05, high=4.0)
NONNEG = Domain(low=0.0, high=4.0)
NONZERO = Domain(exclude=(0,), margin=0.25)

_U = dict(family="unary", sample_inputs_func=sample_unary, extremal=GENERIC_EXTREMAL)


def _unary(name, ref, dtypes, differentiable, unsupported=None, **kw):
    unsupported = tuple(d for d in ALL_DTYPES if d not in dtypes) if unsupported is None else unsupported
    kw = {**_U, "api": f"math.{name}|{name}", **kw}
    return OpInfo(name=name, ref=ref, dtypes=dtypes, unsupported_dtypes=unsupported,
                  differentiable=differentiable, **kw)


def _binary(name, ref, dtypes, differentiable, **kw):
    kw.setdefault("unsupported_dtypes", tuple(d for d in ALL_DTYPES if d not in dtypes))
    kw.setdefault("extremal", GENERIC_EXTREMAL[:10] + (np.inf, -np.inf, np.nan))
    kw.setdefault("api", f"math.{name}|{name}")
    return OpInfo(name=name, family="binary", ref=ref, dtypes=dtypes, differentiable=differentiable,
                  num_inputs=2, sample_inputs_func=sample_binary, grad_argnums=(0, 1), **kw)


_UNARY_FLOAT_TOLS = {"float32": (2e-5, 1e-6), "float64": (1e-11, 1e-13)}

op_db = [
    # ---- unary ----
    _unary("negative", np.negative, NUMERIC, True),
    _unary("abs", _same(np.abs), NUMERIC, True, grad_exclude=(0,)),
    _unary("sign", _same(np.sign), NUMERIC, False),
    _unary("exp", np.exp, FLOATS, True, tols=_UNARY_FLOAT_TOLS),
    _unary("log", np.log, FLOATS, True, domains=(POS,), tols=_UNARY_FLOAT_TOLS),
    _unary("log1p", np.log1p, FLOATS, True, domains=(Domain(-0.95, 4.0),), tols=_UNARY_FLOAT_TOLS),
    _unary("expm1", np.expm1, FLOATS, True, tols=_UNARY_FLOAT_TOLS),
    _unary("sqrt", np.sqrt, FLOATS, True, domains=(NONNEG,), grad_exclude=(0,), tols=_UNARY_FLOAT_TOLS),
    _unary("rsqrt", lambda x: (1 / np.sqrt(x)).astype(x.dtype), FLOATS, True, domains=(POS,), tols=_UNARY_FLOAT_TOLS),
    _unary("square", _same(np.square), NUMERIC, True, domains=(Domain(-9, 10),)),
    _unary("reciprocal", lambda x: (1 / x).astype(x.dtype), FLOATS, True, domains=(NONZERO,)),
    _unary("sin", np.sin, FLOATS, True, tols=_UNARY_FLOAT_TOLS),
    _unary("cos", np.cos, FLOATS, True, tols=_UNARY_FLOAT_TOLS),
    _unary("tanh", np.tanh, FLOATS, True, tols=_UNARY_FLOAT_TOLS),
    _unary("sigmoid", _sigmoid, FLOATS, True, tols=_UNARY_FLOAT_TOLS),
    _unary("relu", _relu, NUMERIC, True, api="nn.relu|relu", grad_exclude=(0,)),
    _unary("floor", np.floor, FLOATS, False),
    _unary("ceil", np.ceil, FLOATS, False),
    _unary("round", _round_half_even, FLOATS, False),
    _unary("logical_not", np.logical_not, BOOL, False),
    _unary("is_nan", np.isnan, FLOATS, False, api="math.is_nan|is_nan"),
    _unary("is_finite", np.isfinite, FLOATS, False, api="math.is_finite|is_finite"),
    _unary("identity", np.copy, ALL_DTYPES, True),
    _unary("stop_gradient", np.copy, ALL_DTYPES, False),  # forward is identity; the gradient is cut
    # ---- binary ----
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
    OpInfo(name="cast", family="unary", api="cast", ref=ref_cast, sample_inputs_func=sample_cast,
           dtypes=ALL_DTYPES, differentiable=True),
    # ---- reductions ----
    OpInfo(name="reduce_sum", family="reduce", api="reduce_sum", ref=_reduce_ref(_sum), sample_inputs_func=sample_reduce,
           dtypes=NUMERIC, unsupported_dtypes=BOOL, differentiable=True, tols={"float32": (1e-5, 1e-5)}),
    OpInfo(name="reduce_mean", family="reduce", api="reduce_mean", ref=_reduce_ref(_mean),
           sample_inputs_func=sample_reduce, dtypes=NUMERIC, unsupported_dtypes=BOOL, differentiable=True,
           tols={"float32": (1e-5, 1e-6)}),
    OpInfo(name="reduce_max", family="reduce", api="reduce_max", ref=_reduce_ref(_extreme(np.max, _lowest)),
           sample_inputs_func=sample_reduce, dtypes=NUMERIC, unsupported_dtypes=BOOL, differentiable=True),
    OpInfo(name="reduce_min", family="reduce", api="reduce_min", ref=_reduce_ref(_extreme(np.min, _highest)),
           sample_inputs_func=sample_reduce, dtypes=NUMERIC, unsupported_dtypes=BOOL, differentiable=True),
    OpInfo(name="reduce_prod", family="reduce", api="reduce_prod", ref=_reduce_ref(_prod),
           sample_inputs_func=sample_reduce, dtypes=NUMERIC, unsupported_dtypes=BOOL, differentiable=True,
           domains=(Domain(-2, 2.5),), tols={"float32": (1e-5, 1e-6)}),
    OpInfo(name="reduce_logsumexp", family="reduce", api="reduce_logsumexp", ref=_reduce_ref(_logsumexp),
           sample_inputs_func=sample_reduce, dtypes=FLOATS, unsupported_dtypes=BOOL + INTS, differentiable=True,
           tols={"float32": (1e-5, 1e-5)}),
    OpInfo(name="reduce_any", family="reduce", api="reduce_any", ref=_reduce_ref(lambda x, a, k: np.any(x, a, keepdims=k)),
           sample_inputs_func=sample_reduce, dtypes=BOOL, unsupported_dtypes=NUMERIC),
    OpInfo(name="reduce_all", family="reduce", api="reduce_all", ref=_reduce_ref(lambda x, a, k: np.all(x, a, keepdims=k)),
           sample_inputs_func=sample_reduce, dtypes=BOOL, unsupported_dtypes=NUMERIC),
    OpInfo(name="argmax", family="reduce", api="argmax", ref=_arg_ref(np.argmax), sample_inputs_func=sample_arg,
           dtypes=NUMERIC, unsupported_dtypes=BOOL),
    OpInfo(name="argmin", family="reduce", api="argmin", ref=_arg_ref(np.argmin), sample_inputs_func=sample_arg,
           dtypes=NUMERIC, unsupported_dtypes=BOOL),
    # ---- neural-network kernels ----
    OpInfo(name="softmax", family="nn", api="nn.softmax", ref=_softmax_ref(False), sample_inputs_func=sample_softmax,
           dtypes=FLOATS, unsupported_dtypes=BOOL + INTS, differentiable=True, extremal=(np.inf,),
           tols={"float32": (1e-5, 1e-6)}),
    OpInfo(name="log_softmax", family="nn", api="nn.log_softmax", ref=_softmax_ref(True),
           sample_inputs_func=sample_softmax, dtypes=FLOATS, unsupported_dtypes=BOOL + INTS, differentiable=True,
           extremal=(np.inf,), tols={"float32": (1e-5, 1e-5)}),
    # ---- nn rows ----
    *[_activation_row(name) for name in _ACTIVATION_REFS],
    OpInfo(name="bias_add_relu", family="activation", api="_core.bias_add_relu",
           ref=lambda x, b: np.maximum(x.astype(np.float64) + b, 0).astype(x.dtype),
           sample_inputs_func=sample_bias_add_relu, dtypes=FLOATS, unsupported_dtypes=BOOL + INTS,
           differentiable=True, num_inputs=2, extremal=GENERIC_EXTREMAL),
    OpInfo(name="relu_grad", family="activation", api="_core.relu_grad",
           ref=lambda dy, x: np.where(x > 0, dy, 0).astype(dy.dtype), sample_inputs_func=sample_relu_grad,
           dtypes=FLOATS, unsupported_dtypes=BOOL + INTS, differentiable=True, num_inputs=2,
           extremal=GENERIC_EXTREMAL),
    OpInfo(name="sparse_softmax_cross_entropy_with_logits", family="nn",
           api="nn.sparse_softmax_cross_entropy_with_logits", ref=ref_sparse_xent,
           sample_inputs_func=sample_sparse_xent, dtypes=FLOATS, unsupported_dtypes=BOOL + INTS, differentiable=True,
           num_inputs=2, grad_argnums=(1,), extremal=(np.nan,), tols={"float32": (1e-5, 1e-5)}),
    OpInfo(name="softmax_cross_entropy_with_logits", family="nn", api="nn.softmax_cross_entropy_with_logits",
           ref=ref_dense_xent, sample_inputs_func=sample_dense_xent, dtypes=FLOATS, unsupported_dtypes=BOOL + INTS,
           differentiable=True, num_inputs=2, grad_argnums=(0, 1), extremal=(np.nan,),
           tols={"float32": (1e-5, 1e-5)}),
    OpInfo(name="dropout", family="nn", api="nn.dropout", check=check_dropout, random=True,
           sample_inputs_func=sample_dropout, dtypes=FLOATS, unsupported_dtypes=BOOL + INTS, differentiable=True,
           call=_call_dropout),
    # (end of nn rows)
    # ---- conv rows ----
    OpInfo(name="conv2d", family="conv", api="nn.conv2d", ref=ref_conv2d, sample_inputs_func=sample_conv2d,
           dtypes=FLOATS, unsupported_dtypes=BOOL + INTS, differentiable=True, num_inputs=2, grad_argnums=(0, 1),
           tols={"float32": (1e-4, 1e-5)}),
    OpInfo(name="conv2d_backprop_input", family="conv", api="nn.conv2d_backprop_input",
           ref=ref_conv2d_backprop_input, sample_inputs_func=sample_conv2d_backprop_input, dtypes=FLOATS,
           unsupported_dtypes=BOOL + INTS, differentiable=True, num_inputs=2, grad_argnums=(1, 2),
           tols={"float32": (1e-4, 1e-5)}),
    OpInfo(name="conv2d_backprop_filter", family="conv", api="nn.conv2d_backprop_filter",
           ref=ref_conv2d_backprop_filter, sample_inputs_func=sample_conv2d_backprop_filter, dtypes=FLOATS,
           unsupported_dtypes=BOOL + INTS, differentiable=True, num_inputs=2, grad_argnums=(0, 2),
           tols={"float32": (1e-4, 1e-4)}),
    # (end of conv rows)
    # ---- pool rows ----
    OpInfo(name="max_pool2d", family="pool", api="nn.max_pool2d", ref=_pool_ref(np.max), sample_inputs_func=sample_pool,
           dtypes=NUMERIC, unsupported_dtypes=BOOL, differentiable=True, extremal=(np.nan,)),
    OpInfo(name="avg_pool2d", family="pool", api="nn.avg_pool2d", ref=_pool_ref(np.mean), sample_inputs_func=sample_pool,
           dtypes=FLOATS, unsupported_dtypes=BOOL + INTS, differentiable=True, extremal=(np.nan,)),
    OpInfo(name="max_pool2d_grad", family="pool", api="nn.max_pool2d", ref=_pool_grad_ref("max"),
           sample_inputs_func=sample_pool_grad, dtypes=FLOATS, differentiable=True, num_inputs=2,
           call=_call_pool_grad("max_pool2d")),
    OpInfo(name="avg_pool2d_grad", family="pool", api="nn.avg_pool2d", ref=_pool_grad_ref("avg"),
           sample_inputs_func=sample_pool_grad, dtypes=FLOATS, differentiable=True,
           call=_call_pool_grad("avg_pool2d")),
    OpInfo(name="conv2d_max_pool", family="pool", api="_core.conv2d_max_pool", ref=ref_conv2d_max_pool,
           sample_inputs_func=sample_conv2d_max_pool, dtypes=FLOATS, unsupported_dtypes=BOOL + INTS,
           differentiable=True, num_inputs=2, grad_argnums=(0, 1), tols={"float32": (1e-4, 1e-5)}),
    OpInfo(name="conv2d_max_pool_backprop_filter", family="pool", api="_core.conv2d_max_pool_backprop_filter",
           ref=ref_conv2d_max_pool_backprop_filter, sample_inputs_func=sample_conv2d_max_pool_backprop_filter,
           dtypes=FLOATS, unsupported_dtypes=BOOL + INTS, differentiable=True, num_inputs=3, grad_argnums=(0, 2),
           tols={"float32": (1e-4, 1e-4)}),  # the Winograd sample errs by ~1e-5 of the result's scale
    OpInfo(name="conv2d_max_pool_backprop_input", family="pool", api="_core.conv2d_max_pool_backprop_input",
           ref=ref_conv2d_max_pool_backprop_input, sample_inputs_func=sample_conv2d_max_pool_backprop_input,
           dtypes=FLOATS, unsupported_dtypes=BOOL + INTS, differentiable=True, num_inputs=3, grad_argnums=(1, 2),
           tols={"float32": (1e-4, 1e-4)}),
    # (end of pool rows)
    # ---- rnn rows ----
    _rnn_row("lstm", 6),
    _rnn_row("gru", 5),
    _rnn_row("simple_rnn", 5),
    # ---- optim rows ----
    _optim_row("apply_sgd", _ref_sgd, "SGD"),
    _optim_row("apply_rmsprop", _ref_rmsprop, "RMSprop"),
    _optim_row("apply_adam", _ref_adam, "Adam"),
    _optim_row("apply_adagrad", _ref_adagrad, "Adagrad"),
    _optim_row("apply_adadelta", _ref_adadelta, "Adadelta"),
    _optim_row("apply_nadam", _ref_nadam, "Nadam"),
    # (end of optim rows)
    # ---- linear algebra ----
    OpInfo(name="matmul", family="linalg", api="matmul", ref=ref_matmul, sample_inputs_func=sample_matmul,
           dtypes=FLOATS + SIGNED, unsupported_dtypes=("bool", "uint8"), differentiable=True, num_inputs=2,
           grad_argnums=(0, 1), tols={"float32": (1e-4, 1e-5), "float64": (1e-11, 1e-12)}),
    # ---- shape and indexing (every dtype) ----
    OpInfo(name="reshape", family="shape", api="reshape", ref=lambda t, s: np.reshape(t, s),
           sample_inputs_func=sample_reshape, dtypes=ALL_DTYPES, differentiable=True),
    OpInfo(name="transpose", family="shape", api="transpose", ref=ref_transpose, sample_inputs_func=sample_transpose,
           dtypes=ALL_DTYPES, differentiable=True),
    OpInfo(name="expand_dims", family="shape", api="expand_dims", ref=lambda x, axis: np.expand_dims(x, axis),
           sample_inputs_func=sample_expand_dims, dtypes=ALL_DTYPES, differentiable=True),
    OpInfo(name="squeeze", family="shape", api="squeeze", ref=ref_squeeze, sample_inputs_func=sample_squeeze,
           dtypes=ALL_DTYPES, differentiable=True),
    OpInfo(name="concat", family="shape", api="concat", ref=ref_concat, sample_inputs_func=sample_concat,
           dtypes=ALL_DTYPES, differentiable=True, num_inputs=-1),
    OpInfo(name="stack", family="shape", api="stack", ref=ref_stack, sample_inputs_func=sample_stack,
           dtypes=ALL_DTYPES, differentiable=True, num_inputs=-1),
    OpInfo(name="unstack", family="shape", api="unstack", ref=ref_unstack, sample_inputs_func=sample_unstack,
           dtypes=ALL_DTYPES, differentiable=True),
    OpInfo(name="split", family="shape", api="split", ref=ref_split, sample_inputs_func=sample_split,
           dtypes=ALL_DTYPES, differentiable=True),
    OpInfo(name="tile", family="shape", api="tile", ref=lambda x, m: np.tile(x, m) if len(m) else x.copy(),
           sample_inputs_func=sample_tile, dtypes=ALL_DTYPES, differentiable=True),
    OpInfo(name="broadcast_to", family="shape", api="broadcast_to", ref=lambda x, s: np.broadcast_to(x, tuple(s)),
           sample_inputs_func=sample_broadcast_to, dtypes=ALL_DTYPES, differentiable=True),
    OpInfo(name="pad", family="shape", api="pad", ref=ref_pad, sample_inputs_func=sample_pad,
           dtypes=ALL_DTYPES, differentiable=True),
    OpInfo(name="gather", family="shape", api="gather", ref=ref_gather, sample_inputs_func=sample_gather,
           dtypes=ALL_DTYPES, differentiable=True, num_inputs=2, grad_argnums=(0,)),
    OpInfo(name="one_hot", family="shape", api="one_hot", ref=ref_one_hot, sample_inputs_func=sample_one_hot,
           dtypes=INTS, unsupported_dtypes=FLOATS + BOOL),
    OpInfo(name="strided_slice", family="shape", api="Tensor.__getitem__", ref=ref_strided_slice,
           sample_inputs_func=sample_strided_slice, dtypes=ALL_DTYPES, differentiable=True,
           call=lambda fn, x, key: x[key], error_name="__getitem__"),
    OpInfo(name="boolean_mask", family="shape", api="boolean_mask", ref=ref_boolean_mask,
           sample_inputs_func=sample_boolean_mask, dtypes=ALL_DTYPES, differentiable=True, num_inputs=2),
    OpInfo(name="where_indices", family="shape", api="where", ref=ref_where_indices,
           sample_inputs_func=sample_where_indices, dtypes=ALL_DTYPES, error_name="where"),
    OpInfo(name="unsorted_segment_sum", family="shape", api="math.unsorted_segment_sum|unsorted_segment_sum",
           ref=ref_unsorted_segment_sum, sample_inputs_func=sample_unsorted_segment_sum, dtypes=NUMERIC,
           unsupported_dtypes=BOOL, differentiable=True, num_inputs=2, grad_argnums=(0,)),
    # TF's ScatterNd also takes bools; pytensor's sums with unsorted_segment_sum, so bools are refused (by name).
    OpInfo(name="scatter_nd", family="shape", api="scatter_nd", ref=ref_scatter_nd, sample_inputs_func=sample_scatter_nd,
           dtypes=NUMERIC, unsupported_dtypes=BOOL, differentiable=True, num_inputs=2, grad_argnums=(1,)),
    # Internal: reached as the gradient of indexing (x[key]); only float dtypes carry gradients.
    OpInfo(name="strided_slice_grad", family="shape", api="Tensor.__getitem__", ref=ref_strided_slice_grad,
           sample_inputs_func=sample_strided_slice_grad, dtypes=FLOATS, differentiable=True,
           call=call_strided_slice_grad),
    # ---- creation ----
    OpInfo(name="zeros", family="creation", api="zeros", ref=_zeros_ref, sample_inputs_func=sample_zeros_ones,
           dtypes=ALL_DTYPES, num_inputs=0),
    OpInfo(name="ones", family="creation", api="ones", ref=_ones_ref, sample_inputs_func=sample_zeros_ones,
           dtypes=ALL_DTYPES, num_inputs=0),
    OpInfo(name="fill", family="creation", api="fill", ref=ref_fill, sample_inputs_func=sample_fill,
           dtypes=ALL_DTYPES, num_inputs=0),
    OpInfo(name="zeros_like", family="creation", api="zeros_like", ref=_like_ref(np.zeros_like),
           sample_inputs_func=sample_like, dtypes=ALL_DTYPES),
    OpInfo(name="ones_like", family="creation", api="ones_like", ref=_like_ref(np.ones_like),
           sample_inputs_func=sample_like, dtypes=ALL_DTYPES),
    OpInfo(name="eye", family="creation", api="eye", ref=ref_eye, sample_inputs_func=sample_eye,
           dtypes=NUMERIC, num_inputs=0),
    OpInfo(name="range", family="creation", api="range", ref=ref_range, sample_inputs_func=sample_range,
           dtypes=FLOATS + SIGNED, unsupported_dtypes=BOOL, num_inputs=0),
    OpInfo(name="linspace", family="creation", api="linspace", ref=ref_linspace, sample_inputs_func=sample_linspace,
           dtypes=FLOATS, num_inputs=0, tols={"float32": (1e-6, 1e-6), "float64": (1e-13, 1e-13)}),
    # ---- random (statistical checks; reproducibility in tests/test_ops.py) ----
    OpInfo(name="random_normal", family="random", api="random.normal", check=check_random_dist, random=True,
           sample_inputs_func=sample_random_dist, dtypes=FLOATS, unsupported_dtypes=BOOL + INTS, num_inputs=0,
           error_name="normal"),
    OpInfo(name="random_uniform", family="random", api="random.uniform", check=check_random_dist, random=True,
           sample_inputs_func=sample_random_dist, dtypes=FLOATS + SIGNED, unsupported_dtypes=("bool",), num_inputs=0,
           error_name="uniform"),
    OpInfo(name="truncated_normal", family="random", api="random.truncated_normal", check=check_random_dist,
           random=True, sample_inputs_func=sample_random_dist, dtypes=FLOATS, unsupported_dtypes=BOOL + INTS,
           num_inputs=0),
    OpInfo(name="categorical", family="random", api="random.categorical", check=check_categorical, random=True,
           sample_inputs_func=sample_categorical, dtypes=FLOATS, unsupported_dtypes=BOOL + INTS, num_inputs=1),
    OpInfo(name="random_shuffle", family="random", api="random.shuffle", check=check_shuffle, random=True,
           sample_inputs_func=sample_shuffle, dtypes=ALL_DTYPES, num_inputs=1, error_name="shuffle"),
]

op_db_by_name = {op.name: op for op in op_db}
