"""Neural-network kernels: softmax / log_softmax, the fused cross-entropies and dropout."""
from __future__ import annotations

import numpy as np

import pytensor as pt

from .common import BOOL, FLOATS, INTS, Domain, OpInfo, SampleInput, make
from .reduce import _logsumexp


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


# One row per registry op of this family; tests/op_db/__init__.py joins the families into `op_db`.
ROWS = [
    OpInfo(name="softmax", family="nn", api="nn.softmax", ref=_softmax_ref(False), sample_inputs_func=sample_softmax,
           dtypes=FLOATS, unsupported_dtypes=BOOL + INTS, differentiable=True, extremal=(np.inf,),
           tols={"float32": (1e-5, 1e-6)}),
    OpInfo(name="log_softmax", family="nn", api="nn.log_softmax", ref=_softmax_ref(True),
           sample_inputs_func=sample_softmax, dtypes=FLOATS, unsupported_dtypes=BOOL + INTS, differentiable=True,
           extremal=(np.inf,), tols={"float32": (1e-5, 1e-5)}),
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
]
