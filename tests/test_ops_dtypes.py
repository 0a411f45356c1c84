"""The op database's rows on float16 and bfloat16, which ops compute in float32 and round once.

Every op that takes float32 is run on its float32 samples rounded to the 16-bit type: it either matches its numpy
reference on the rounded inputs (widened to float32) within a few 16-bit ulps, with the 16-bit dtype where the
reference gives float32, or raises TypeError naming the op — never a silent wrong result. The core ops of models
(arithmetic, matmul, reductions, activations, convolutions, pooling, shape ops) must be in the first group.
"""
import numpy as np
import pytest

import pytensor as pt
from op_db import op_db, to_pt_sample
from op_db.common import SampleInput

ml_dtypes = pytest.importorskip("ml_dtypes")

HALF = {"float16": np.float16, "bfloat16": ml_dtypes.bfloat16}
# (rtol, atol): a few ulps of the 16-bit type (10 and 7 fraction bits)
HALF_TOLS = {"float16": (4e-3, 2e-3), "bfloat16": (3e-2, 2e-2)}
MUST_SUPPORT = {"add", "subtract", "multiply", "divide", "maximum", "minimum", "pow", "negative", "abs", "exp",
                "log", "sqrt", "tanh", "sigmoid", "relu", "square", "equal", "less", "where", "matmul", "reduce_sum",
                "reduce_mean", "reduce_max", "argmax", "softmax", "log_softmax", "conv2d", "max_pool2d",
                "avg_pool2d", "reshape", "transpose", "concat", "gather", "pad", "cast", "leaky_relu", "gelu"}
OPS = [op for op in op_db if "float32" in op.dtypes and not op.random]


def _retype(value, convert, source):
    """`value` (nested lists, tuples, dicts) with each ndarray of dtype `source` passed through `convert`."""
    if isinstance(value, (list, tuple)):
        return type(value)(_retype(v, convert, source) for v in value)
    if isinstance(value, dict):
        return {k: _retype(v, convert, source) for k, v in value.items()}
    return convert(value) if isinstance(value, np.ndarray) and value.dtype == np.dtype(source) else value


def _outcome(op, sample, name):
    """None when the op matches its reference on the rounded sample, "raised" for a TypeError naming the op, else
    what went wrong."""
    np_type = HALF[name]
    rounded = SampleInput(args=_retype(sample.args, lambda a: a.astype(np_type), np.float32),
                          kwargs=_retype(sample.kwargs, lambda a: a.astype(np_type), np.float32))
    widened = SampleInput(args=_retype(rounded.args, lambda a: a.astype(np.float32), np_type),
                          kwargs=_retype(rounded.kwargs, lambda a: a.astype(np.float32), np_type))
    # numpy exports no DLPack of ml_dtypes' bfloat16: those operands are copied (dense) instead of viewed
    if name == "bfloat16":
        rounded = SampleInput(args=_retype(rounded.args, pt.constant, np_type),
                              kwargs=_retype(rounded.kwargs, pt.constant, np_type))
    args, kwargs = to_pt_sample(rounded)
    try:
        got = op(*args, **kwargs)
    except TypeError as e:
        named = op.name in str(e) or (op.error_name or op.name) in str(e)
        return "raised" if named else f"TypeError not naming the op: {e}"
    expected = op.reference(widened)
    gots, exps = (list(got), list(expected)) if isinstance(expected, list) else ([got], [expected])
    for g, e in zip(gots, exps):
        e = np.asarray(e)
        if e.dtype == np.float32 and g.dtype.name != "float32":  # float32 asked for (cast's dtype) stays so
            if g.dtype.name != name:
                return f"dtype {g.dtype.name}, expected {name}"
            e = e.astype(np_type)
        if e.dtype.kind == "f" or e.dtype == np.dtype(np_type):
            rtol, atol = HALF_TOLS[name]
            try:
                with np.errstate(over="ignore"):
                    np.testing.assert_allclose(g.numpy().astype(np.float32), e.astype(np.float32), rtol=rtol,
                                               atol=atol, equal_nan=True)
            except AssertionError as err:
                return f"values differ: {str(err).strip().splitlines()[3:6]}"
        elif not np.array_equal(g.numpy(), e):
            return f"values differ from the reference ({g.dtype.name})"
    return None


@pytest.mark.parametrize("name", sorted(HALF))
@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
def test_op_on_half_matches_reference_or_raises_type_error(op, name):
    outcomes = []
    for sample in op.sample_inputs("float32", np.random.default_rng(0)):
        if sample.ref_args is not None or sample.ref_kwargs is not None:
            continue  # Python-scalar operands: their reference dtype rules are float32's
        outcomes.append((sample.desc, _outcome(op, sample, name)))
    failures = [f"{desc}: {why}" for desc, why in outcomes if why not in (None, "raised")]
    assert not failures, f"{op.name}[{name}]:\n" + "\n".join(failures[:8])
    if op.name in MUST_SUPPORT:
        assert all(why is None for _, why in outcomes), f"{op.name} must support {name}"
