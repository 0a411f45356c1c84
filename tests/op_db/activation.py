"""Activations (the unary samples plus each op's parameters away from their defaults), bias_add_relu, relu_grad."""
from __future__ import annotations

import numpy as np

from .common import BOOL, FLOATS, GENERIC_EXTREMAL, INTS, Domain, OpInfo, SampleInput, make
from .unary import sample_unary


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


# One row per registry op of this family; tests/op_db/__init__.py joins the families into `op_db`.
ROWS = [
    *[_activation_row(name) for name in _ACTIVATION_REFS],
    OpInfo(name="bias_add_relu", family="activation", api="_core.bias_add_relu",
           ref=lambda x, b: np.maximum(x.astype(np.float64) + b, 0).astype(x.dtype),
           sample_inputs_func=sample_bias_add_relu, dtypes=FLOATS, unsupported_dtypes=BOOL + INTS,
           differentiable=True, num_inputs=2, extremal=GENERIC_EXTREMAL),
    OpInfo(name="relu_grad", family="activation", api="_core.relu_grad",
           ref=lambda dy, x: np.where(x > 0, dy, 0).astype(dy.dtype), sample_inputs_func=sample_relu_grad,
           dtypes=FLOATS, unsupported_dtypes=BOOL + INTS, differentiable=True, num_inputs=2,
           extremal=GENERIC_EXTREMAL),
]
