"""Linear algebra: matmul with batches, broadcasting, transposes, empty and non-contiguous operands."""
from __future__ import annotations

import numpy as np

from .common import FLOATS, SIGNED, Domain, OpInfo, SampleInput, make


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


# One row per registry op of this family; tests/op_db/__init__.py joins the families into `op_db`.
ROWS = [
    OpInfo(name="matmul", family="linalg", api="matmul", ref=ref_matmul, sample_inputs_func=sample_matmul,
           dtypes=FLOATS + SIGNED, unsupported_dtypes=("bool", "uint8"), differentiable=True, num_inputs=2,
           grad_argnums=(0, 1), tols={"float32": (1e-4, 1e-5), "float64": (1e-11, 1e-12)}),
]
