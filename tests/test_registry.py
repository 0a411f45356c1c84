"""The op registry (csrc/ops/op_list.h) and tests/op_db/ name exactly the same ops, with the same flags."""
import pytest

import pytensor as pt
from op_db import op_db, NotBuiltError

REGISTRY = {row[0]: row for row in pt._core.op_registry()}


def test_registry_rows_are_well_formed():
    rows = pt._core.op_registry()
    assert len(rows) == len(REGISTRY), "duplicate names in the registry"
    for name, family, num_inputs, differentiable, *_ in rows:
        assert isinstance(name, str) and name
        assert family in {"unary", "binary", "reduce", "linalg", "shape", "creation", "random", "nn", "activation", "conv", "pool", "optim",
                          "rnn", "attention", "fft", "special"}, family
        assert num_inputs >= -1
        assert isinstance(differentiable, bool)


def test_registry_and_op_db_name_the_same_ops():
    db_names = [op.name for op in op_db]
    dupes = sorted({n for n in db_names if db_names.count(n) > 1})
    missing_in_db = sorted(set(REGISTRY) - set(db_names))
    missing_in_registry = sorted(set(db_names) - set(REGISTRY))
    assert not dupes, f"op_db has duplicate rows: {dupes}"
    assert not missing_in_db and not missing_in_registry, (
        f"registry ops without an op_db row: {missing_in_db}; op_db rows not in the registry: {missing_in_registry}")


@pytest.mark.parametrize("op", op_db, ids=lambda op: op.name)
def test_op_db_row_matches_registry_flags(op):
    assert op.name in REGISTRY, f"{op.name} is not a registry op"
    _, family, num_inputs, differentiable = REGISTRY[op.name][:4]
    assert op.family == family, f"{op.name}: op_db family {op.family!r}, registry {family!r}"
    assert op.num_inputs == num_inputs, f"{op.name}: op_db num_inputs {op.num_inputs}, registry {num_inputs}"
    assert op.differentiable == differentiable, (
        f"{op.name}: op_db differentiable={op.differentiable}, registry {differentiable}")


@pytest.mark.parametrize("op", op_db, ids=lambda op: op.name)
def test_op_db_row_is_complete(op):
    assert op.dtypes, f"{op.name}: no supported dtypes"
    assert not set(op.dtypes) & set(op.unsupported_dtypes), f"{op.name}: a dtype is both supported and unsupported"
    assert (op.ref is None) == op.random and (op.check is None) != op.random, (
        f"{op.name}: deterministic ops need a numpy reference, random ops a statistical check")
    for dtype in op.dtypes:
        assert list(op.sample_inputs(dtype)), f"{op.name}: no samples for {dtype}"
    if op.differentiable:
        # gradcheck (the autodiff work) runs over these: float64 samples must exist.
        assert "float64" in op.dtypes, f"{op.name}: differentiable but float64 unsupported"
        assert list(op.grad_sample_inputs()), f"{op.name}: differentiable but no float64 gradient samples"


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_registry_op_is_reachable_from_python(name):
    ops = [op for op in op_db if op.name == name]
    assert ops, f"{name}: no op_db row, so no known Python entry point"
    try:
        fn = ops[0].resolve()
    except NotBuiltError as e:
        pytest.fail(str(e))
    assert callable(fn), f"{name}: pytensor.{ops[0].api} is not callable"
