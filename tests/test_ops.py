"""Generic op tests driven by tests/op_db/: every row, every sample, every supported dtype.

- forward values against the numpy reference (TF's dtype rules written into the references);
- outputs have the reference's shape and dtype, and inputs are left untouched;
- unsupported dtypes raise TypeError naming the op;
- random ops: statistics, reproducibility under seeds, independence from the thread count.
An op whose entry point is missing or raises UnimplementedError fails with "not built yet".
"""
import os
import subprocess
import sys

import numpy as np
import pytest

import pytensor as pt
from child_python import child_env
from op_db import ALL_DTYPES, NotBuiltError, op_db, to_pt_sample, _flatten

MAX_REPORTED = 12



def _run_python(code):
    """Runs code in a fresh interpreter that imports the same pytensor as this process (installed or in-tree)."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env=child_env(), cwd=os.path.dirname(os.path.abspath(__file__)))

def _pairs(attr):
    return [pytest.param(op, dt, id=f"{op.name}-{dt}") for op in op_db for dt in getattr(op, attr)]


def _call(op, sample):
    args, kwargs = to_pt_sample(sample)
    try:
        return op(*args, **kwargs)
    except (NotBuiltError, pt.errors.UnimplementedError) as e:
        pytest.fail(f"{op.name} not built yet: {type(e).__name__}: {e}")


def _compare(op, got, expected, where):
    """Mismatch messages (empty when `got` matches `expected` in type, shape, dtype and values)."""
    if isinstance(expected, list):
        if not isinstance(got, (list, tuple)) or len(got) != len(expected):
            return [f"{where}: expected a list of {len(expected)} tensors, got {type(got).__name__}"
                    f"{' of length %d' % len(got) if isinstance(got, (list, tuple)) else ''}"]
        return [m for i, (g, e) in enumerate(zip(got, expected)) for m in _compare(op, g, e, f"{where} [item {i}]")]
    if not isinstance(got, pt.Tensor):
        return [f"{where}: returned {type(got).__name__}, not a pytensor Tensor"]
    exp = np.asarray(expected)
    if tuple(got.shape) != exp.shape:
        return [f"{where}: shape {tuple(got.shape)} != expected {exp.shape}"]
    if got.dtype != exp.dtype:
        return [f"{where}: dtype {got.dtype.name} != expected {exp.dtype.name}"]
    val = got.numpy()
    if exp.dtype.kind == "f":
        rtol, atol = op.tol(exp.dtype.name)
        try:
            np.testing.assert_allclose(val, exp, rtol=rtol, atol=atol, equal_nan=True)
        except AssertionError as e:
            return [f"{where}: values differ (rtol={rtol}, atol={atol}){_short(e, val, exp, rtol, atol)}"]
    elif not np.array_equal(val, exp):
        return [f"{where}: values differ{_short(None, val, exp, 0, 0)}"]
    return []


def _short(err, val, exp, rtol, atol):
    bad = ~np.isclose(val.astype("float64"), exp.astype("float64"), equal_nan=True, rtol=rtol, atol=atol) \
        if val.shape == exp.shape else None
    if bad is not None and bad.any():
        idx = np.argwhere(bad)[:3]
        items = ", ".join(f"at {tuple(int(i) for i in ix)} got {val[tuple(ix)]!r} expected {exp[tuple(ix)]!r}"
                          for ix in idx)
        return f": {int(bad.sum())} of {bad.size} elements, e.g. {items}"
    return f": {str(err).strip().splitlines()[-1] if err else ''}"


@pytest.mark.parametrize("op,dtype", _pairs("dtypes"))
def test_forward(op, dtype):
    rng = np.random.default_rng(0)
    failures = []
    for sample in op.sample_inputs(dtype, rng):
        where = f"{op.name}[{dtype}] {sample.desc}"
        inputs = [a for a in _flatten(sample.args) + _flatten(list(sample.kwargs.values())) if isinstance(a, np.ndarray)]
        before = [a.copy() for a in inputs]
        try:
            out = _call(op, sample)
        except pytest.fail.Exception:
            raise
        except Exception as e:  # noqa: BLE001 - report every sample's failure, not just the first
            failures.append(f"{where}: raised {type(e).__name__}: {e}")
            continue
        if op.random:
            try:
                op.check(op, out, sample, dtype)
            except AssertionError as e:
                failures.append(f"{where}: {e}")
        else:
            failures += _compare(op, out, op.reference(sample), where)
        if not all(np.array_equal(a, b, equal_nan=a.dtype.kind == "f") for a, b in zip(inputs, before)):
            failures.append(f"{where}: the op modified its input")
    assert not failures, f"{len(failures)} failing samples:\n" + "\n".join(failures[:MAX_REPORTED])


@pytest.mark.parametrize("op,dtype", _pairs("unsupported_dtypes"))
def test_unsupported_dtype_raises_type_error(op, dtype):
    sample = next(iter(op.sample_inputs(dtype, np.random.default_rng(0))))
    with pytest.raises(TypeError) as info:
        _call(op, sample)
    name = op.error_name or op.name
    assert name in str(info.value), f"the TypeError should name the op {name!r}: {info.value}"


BINARY_2 = [op for op in op_db if op.family == "binary" and op.num_inputs == 2 and
            {"float32", "float64"} <= set(op.dtypes)]


@pytest.mark.parametrize("op", BINARY_2, ids=lambda op: op.name)
def test_binary_mixed_dtypes_raise_naming_both(op):
    a = pt.constant(np.ones((2, 3), np.float32))
    b = pt.constant(np.ones((2, 3), np.float64))
    fn = op.resolve()
    with pytest.raises(TypeError) as info:
        fn(a, b)
    msg = str(info.value)
    assert "float32" in msg and "float64" in msg and op.name in msg, msg


RANDOM = [op for op in op_db if op.random]


def _first_seeded(op, dtype):
    return next(s for s in op.sample_inputs(dtype, np.random.default_rng(0)) if "seed" in s.kwargs)


def _random_set_seed():
    try:
        return pt.random.set_seed
    except AttributeError:
        pytest.fail("pytensor.random.set_seed not built yet")


@pytest.mark.parametrize("op,dtype", [pytest.param(op, dt, id=f"{op.name}-{dt}") for op in RANDOM for dt in op.dtypes])
def test_random_reproducible_under_seeds(op, dtype):
    set_seed = _random_set_seed()
    sample = _first_seeded(op, dtype)
    set_seed(1234)
    a = _call(op, sample).numpy()
    b = _call(op, sample).numpy()
    set_seed(1234)
    c = _call(op, sample).numpy()
    np.testing.assert_array_equal(a, c, err_msg=f"{op.name}: same global and op seed, different numbers")
    if dtype != "bool" and a.size >= 1000:
        assert not np.array_equal(a, b), f"{op.name}: a second call in the same seeded sequence repeated the first"
        set_seed(99)
        d = _call(op, sample).numpy()
        assert not np.array_equal(a, d), f"{op.name}: a different global seed gave the same numbers"


@pytest.mark.parametrize("op", RANDOM, ids=lambda op: op.name)
def test_random_independent_of_thread_count(op):
    set_seed = _random_set_seed()
    sample = _first_seeded(op, op.dtypes[0])
    old = pt._core.get_num_threads()
    try:
        outs = []
        for n in (1, 2):
            pt._core.set_num_threads(n)
            set_seed(7)
            outs.append(_call(op, sample).numpy())
    finally:
        pt._core.set_num_threads(old)
    np.testing.assert_array_equal(outs[0], outs[1], err_msg=f"{op.name}: 1 and 2 threads gave different numbers")


@pytest.mark.parametrize("op_name", ["floordiv", "floormod"])
@pytest.mark.parametrize("dtype", ["int32", "int64"])
def test_integer_division_overflow_does_not_crash(op_name, dtype):
    # INT_MIN // -1 traps (SIGFPE) on x86 if computed with a plain division: run it in a child process.
    code = (f"import numpy as np, pytensor as pt\n"
            f"a = pt.constant(np.array([np.iinfo(np.{dtype}).min, 7], np.{dtype}))\n"
            f"b = pt.constant(np.array([-1, -1], np.{dtype}))\n"
            f"try:\n    print(pt.{op_name}(a, b).numpy())\nexcept Exception as e:\n    print(type(e).__name__, e)\n")
    r = _run_python(code)
    assert r.returncode == 0, (f"{op_name}({dtype} min, -1) killed the interpreter (exit {r.returncode}): "
                               f"{r.stderr[-500:]}")


def test_all_dtypes_covered():
    assert set(ALL_DTYPES) == {"bool", "uint8", "int32", "int64", "float32", "float64"}


@pytest.mark.parametrize("expr", [
    "pt.fill((1 << 31, 1 << 31), 2.0)",          # 2^62 float32 elements: the byte count overflows int64
    "pt.zeros((1 << 62, 4))",                     # the element count itself overflows
    "pt.ones((1 << 40, 1 << 40), pt.uint8)",
    "pt.tile(pt.ones((2,)), [1 << 62])",          # output dimension overflows
])
def test_huge_shapes_raise_instead_of_crashing(expr):
    # A size that overflows must be an error (ValueError / MemoryError), never a bogus tensor or a segfault.
    code = (f"import pytensor as pt\n"
            f"try:\n    r = {expr}\n    print('NO ERROR', r.shape)\n"
            f"except (ValueError, MemoryError, OverflowError) as e:\n    print('raised', type(e).__name__)\n")
    r = _run_python(code)
    assert r.returncode == 0, f"{expr} killed the interpreter (exit {r.returncode}): {r.stderr[-300:]}"
    assert r.stdout.startswith("raised"), f"{expr} did not raise: {r.stdout.strip()}"
