"""The op database's records (`OpInfo`, `SampleInput`, `Domain`), dtype groups, numpy -> pytensor conversion and
value generation: what every family module of tests/op_db/ shares.
"""
from __future__ import annotations

import dataclasses
import warnings
from typing import Callable, Iterator, Optional

import numpy as np

import pytensor as pt


BOOL = ("bool",)
INTS = ("uint8", "int32", "int64")
# int8 / int16 / uint16 / uint32 / uint64: the ops with kernels for them list them beside NUMERIC
NARROW_INTS = ("int8", "int16", "uint16", "uint32", "uint64")
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
    implicit_gradient: bool = False             # a sampler whose gradient is TF's implicit reparameterisation one
                                                # (through the CDF), not the draw's derivative at a fixed stream:
                                                # tests/test_random_gamma_grad.py checks it instead of gradcheck

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
    lo = (0 if dtype.startswith("uint") else -9) if d.low is None else int(np.ceil(d.low))
    hi = 10 if d.high is None else int(np.ceil(d.high))
    if dtype.startswith("uint"):
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


def _same(fn):
    """Keeps the input dtype (numpy may promote, TF does not)."""
    def ref(*xs):
        return np.asarray(fn(*xs)).astype(xs[0].dtype)
    return ref


POS = Domain(low=0.05, high=4.0)
NONNEG = Domain(low=0.0, high=4.0)
NONZERO = Domain(exclude=(0,), margin=0.25)
