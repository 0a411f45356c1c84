"""Generic gradient tests driven by tests/op_db/: every differentiable registry op, every float64 grad sample.

- gradcheck: the vector-Jacobian product from `GradientTape.gradient(outputs, sources, output_gradients=w)`
  (a fixed random w per output, i.e. the gradient of sum(w * op(inputs))) against central finite differences
  of sum(w * op(inputs)) computed with the op's own forward pass in float64;
- gradgradcheck: nested tapes. The inner tape gives g = J^T w; the outer tape differentiates <g, v> (v another
  fixed random vector) with respect to the inputs *and* to w, compared with finite differences of <g, v>. So
  every gradient formula must itself be made of differentiable, correctly recorded ops;
- a differentiable op with no gradient formula fails (it shows up as a None gradient for a connected input, or
  through the registry's has-gradient column when the core exposes one);
- non-differentiable ops give no gradient (None or zeros).

Inputs include broadcasting pairs, 0-d values and non-contiguous views (op_db's `to_pt` keeps strides).
Small inputs are checked element by element; larger ones along a few random directions.
"""
import numpy as np
import pytest

import pytensor as pt
from pytensor.gradient_tape import GradientTape
from op_db import NotBuiltError, op_db, op_db_by_name, to_pt

DIFFERENTIABLE = [op for op in op_db if op.differentiable]
# finite differences of the draw at a fixed stream: not what a sampler's implicit gradient is (checked on its own)
FINITE_DIFFERENCES = [op for op in DIFFERENTIABLE if not op.implicit_gradient]
NON_DIFFERENTIABLE_FLOAT = [op for op in op_db if not op.differentiable and not op.random and "float64" in op.dtypes
                            and op.family in ("unary", "binary")]
REGISTRY = {row[0]: row for row in pt._core.op_registry()}

ELEMENTWISE_LIMIT = 48      # sources with at most this many elements in all: one finite difference per element
DIRECTIONS = 3              # otherwise: this many random directions
SIZE_LIMIT = 5000           # larger samples are left to the forward tests (finite differences would be slow)
MAX_REPORTED = 8


# ---------------------------------------------------------------------------------------------
# Plumbing: which arguments are sources, calling the op with some of them replaced
# ---------------------------------------------------------------------------------------------
def _source_slots(op, sample):
    """(argnum, index-in-list or None) of every float ndarray argument gradients are taken for."""
    slots = []
    for i in op.grad_argnums:
        if i >= len(sample.args):
            continue
        a = sample.args[i]
        if isinstance(a, np.ndarray) and a.dtype.kind == "f":
            slots.append((i, None))
        elif isinstance(a, list):
            slots += [(i, j) for j, v in enumerate(a) if isinstance(v, np.ndarray) and v.dtype.kind == "f"]
    return slots


def _get(sample, slot):
    i, j = slot
    return sample.args[i] if j is None else sample.args[i][j]


def _call(op, sample, slots, values):
    """op(sample) with the arguments at `slots` replaced by `values` (tensors or arrays); the others to_pt."""
    args = [list(a) if isinstance(a, list) else a for a in sample.args]
    for (i, j), v in zip(slots, values):
        if j is None:
            args[i] = v
        else:
            args[i][j] = v
    args = [to_pt(a) if not isinstance(a, list) else [to_pt(v) for v in a] for a in args]
    kwargs = {k: to_pt(v) for k, v in sample.kwargs.items()}
    try:
        out = op(*args, **kwargs)
    except (NotBuiltError, pt.errors.UnimplementedError) as e:
        pytest.fail(f"{op.name} not built yet: {type(e).__name__}: {e}")
    return list(out) if isinstance(out, (list, tuple)) else [out]


def _float_outputs(outs):
    return [k for k, o in enumerate(outs) if o.dtype.is_floating and o.dtype.name == "float64"]


def _tensor(a):
    """A float64 tensor holding `a` with its layout (non-contiguous views stay views)."""
    return to_pt(a)


def _c(a):
    """A C-contiguous float64 copy that keeps 0-d arrays 0-d (np.ascontiguousarray makes them 1-d)."""
    return np.array(a, dtype=np.float64, order="C")


def _is_zero_or_none(g):
    return g is None or not np.any(g.numpy())


# ---------------------------------------------------------------------------------------------
# Finite differences
# ---------------------------------------------------------------------------------------------
def _directions(arrays, rng):
    """Unit perturbations (one per element) for small inputs, random ones otherwise."""
    total = sum(a.size for a in arrays)
    if total <= ELEMENTWISE_LIMIT:
        for k, a in enumerate(arrays):
            for idx in np.ndindex(a.shape):
                d = [np.zeros(b.shape) for b in arrays]
                d[k][idx] = 1.0
                yield f"input {k} element {idx}", d
    else:
        for r in range(DIRECTIONS):
            yield f"random direction {r}", [rng.standard_normal(b.shape) for b in arrays]


def _fd(fn, arrays, direction, eps=1e-6):
    """Central difference of the scalar fn(arrays) along `direction`."""
    plus = fn([a + eps * d for a, d in zip(arrays, direction)])
    minus = fn([a - eps * d for a, d in zip(arrays, direction)])
    return (plus - minus) / (2 * eps)


def _dot(gs, direction):
    return sum(float(np.sum(np.asarray(g, np.float64) * d)) for g, d in zip(gs, direction))


def _close(analytic, numeric, rtol, atol):
    return abs(analytic - numeric) <= atol + rtol * abs(numeric)


# ---------------------------------------------------------------------------------------------
# The checks
# ---------------------------------------------------------------------------------------------
def _grad_samples(op):
    try:
        op.resolve()
    except NotBuiltError as e:
        pytest.fail(f"{op.name} not built yet: {e}")
    samples = []
    for s in op.grad_sample_inputs(np.random.default_rng(0)):
        slots = _source_slots(op, s)
        if not slots:
            continue
        if sum(_get(s, sl).size for sl in slots) > SIZE_LIMIT:
            continue
        samples.append((s, slots))
    assert samples, f"{op.name}: no float64 gradient samples with float inputs at grad_argnums {op.grad_argnums}"
    return samples


def _first_gradient(op, sample, slots, srcs, ws, tape_cls=GradientTape):
    """g = J^T w by the tape: one gradient per source (None when the tape finds no path)."""
    with tape_cls() as tape:
        for s in srcs:
            tape.watch(s)
        outs = _call(op, sample, slots, srcs)
    fl = _float_outputs(outs)
    grads = tape.gradient([outs[k] for k in fl], list(srcs), output_gradients=[ws[k] for k in fl])
    # gather's rows (IndexedSlices, as TF) are checked as their dense tensor
    return [pt.convert_to_tensor(g) if isinstance(g, pt.IndexedSlices) else g for g in grads], outs


def _weights(outs, rng):
    return [pt.constant(np.asarray(rng.standard_normal(tuple(o.shape)), np.float64)) if o.dtype.name == "float64" else None for o in outs]


@pytest.mark.parametrize("op", DIFFERENTIABLE, ids=lambda op: op.name)
def test_has_gradient_formula(op):
    """A differentiable op must have a formula (the registry's has-gradient column, when the core has one)."""
    row = REGISTRY.get(op.name)
    assert row is not None, f"{op.name} is not a registry op"
    assert row[4], f"{op.name} is differentiable in the registry but has no gradient formula registered"


@pytest.mark.parametrize("op", FINITE_DIFFERENCES, ids=lambda op: op.name)
def test_gradcheck(op):
    rng = np.random.default_rng(1)
    failures = []
    for sample, slots in _grad_samples(op):
        where = f"{op.name} {sample.desc}"
        arrays = [_get(sample, sl) for sl in slots]
        srcs = [_tensor(a) for a in arrays]
        try:
            outs = _call(op, sample, slots, srcs)
            fl = _float_outputs(outs)
            if not fl:
                continue  # e.g. a cast to an integer dtype: no gradient flows (TF returns None)
            ws = _weights(outs, rng)
            grads, _ = _first_gradient(op, sample, slots, srcs, ws)
        except pytest.fail.Exception:
            raise
        except Exception as e:  # noqa: BLE001 - report every sample
            failures.append(f"{where}: raised {type(e).__name__}: {e}")
            continue
        wn = [None if w is None else w.numpy() for w in ws]

        def loss(vals):
            o = _call(op, sample, slots, [pt.constant(_c(v)) for v in vals])
            return sum(float(np.sum(o[k].numpy() * wn[k])) for k in fl)

        bad = []
        for k, (g, a) in enumerate(zip(grads, arrays)):
            if g is None:
                bad.append(f"input {k}: gradient is None (no gradient formula for {op.name}, or the op was not "
                           f"recorded)")
            elif tuple(g.shape) != a.shape or g.dtype.name != "float64":
                bad.append(f"input {k}: gradient has shape {tuple(g.shape)} dtype {g.dtype.name}, the input "
                           f"{a.shape} float64")
        if bad:
            failures += [f"{where}: {b}" for b in bad]
            continue
        gn = [g.numpy() for g in grads]
        for what, d in _directions(arrays, rng):
            num = _fd(loss, arrays, d)
            ana = _dot(gn, d)
            if not _close(ana, num, 1e-5, 1e-6):
                failures.append(f"{where}: d/d {what}: tape {ana:.8g}, finite differences {num:.8g}")
                break
    assert not failures, f"{len(failures)} failing samples:\n" + "\n".join(failures[:MAX_REPORTED])


@pytest.mark.parametrize("op", FINITE_DIFFERENCES, ids=lambda op: op.name)
def test_gradgradcheck(op):
    rng = np.random.default_rng(2)
    failures = []
    for sample, slots in _grad_samples(op):
        where = f"{op.name} {sample.desc}"
        arrays = [_get(sample, sl) for sl in slots]
        srcs = [_tensor(a) for a in arrays]
        try:
            outs = _call(op, sample, slots, srcs)
            fl = _float_outputs(outs)
            if not fl:
                continue
            ws = _weights(outs, rng)
            wsrc = [ws[k] for k in fl]
            # Second order through nested tapes: the outer tape records the inner tape's backward ops.
            with GradientTape(persistent=True) as outer:
                for t in srcs + wsrc:
                    outer.watch(t)
                grads, _ = _first_gradient(op, sample, slots, srcs, ws)
            if any(g is None for g in grads):
                failures.append(f"{where}: first gradient is None (see test_gradcheck)")
                continue
            vs = [np.asarray(rng.standard_normal(tuple(g.shape)), np.float64) for g in grads]
            second = outer.gradient(grads, srcs + wsrc, output_gradients=[pt.constant(v) for v in vs],
                                    unconnected_gradients="zero")
        except pytest.fail.Exception:
            raise
        except Exception as e:  # noqa: BLE001
            failures.append(f"{where}: raised {type(e).__name__}: {e}")
            continue
        w_arrays = [w.numpy() for w in wsrc]
        n_src = len(srcs)

        def first(vals):
            xs, wv = vals[:n_src], vals[n_src:]
            wfull = list(ws)
            for k, w in zip(fl, wv):
                wfull[k] = pt.constant(_c(w))
            g, _ = _first_gradient(op, sample, slots, [pt.constant(_c(x)) for x in xs], wfull)
            return sum(0.0 if gk is None else float(np.sum(gk.numpy() * v)) for gk, v in zip(g, vs))

        all_arrays = arrays + w_arrays
        sn = [s.numpy() for s in second]
        shapes_ok = all(s.shape == a.shape for s, a in zip(sn, all_arrays))
        if not shapes_ok:
            failures.append(f"{where}: second gradient shapes {[s.shape for s in sn]}, expected "
                            f"{[a.shape for a in all_arrays]}")
            continue
        for what, d in _directions(all_arrays, rng):
            num = _fd(first, all_arrays, d)
            ana = _dot(sn, d)
            if not _close(ana, num, 1e-5, 1e-6):
                kind = ("x and w" if what.startswith("random") else
                        "w, the upstream gradient" if int(what.split()[1]) >= n_src else "x")
                failures.append(f"{where}: d<grad, v>/d {what} [{kind}]: tape {ana:.8g}, finite differences {num:.8g}")
                break
    assert not failures, f"{len(failures)} failing samples:\n" + "\n".join(failures[:MAX_REPORTED])


@pytest.mark.parametrize("op", NON_DIFFERENTIABLE_FLOAT, ids=lambda op: op.name)
def test_non_differentiable_op_gives_no_gradient(op):
    """Floor, sign, comparisons, ...: marked non-differentiable in the registry, so the tape yields None / zeros."""
    sample = next(s for s in op.sample_inputs("float64", np.random.default_rng(3))
                  if isinstance(s.args[0], np.ndarray) and s.args[0].size > 0)
    x = _tensor(sample.args[0])
    with GradientTape() as tape:
        tape.watch(x)
        outs = _call(op, sample, [(0, None)], [x])
    g = tape.gradient(outs[0], x)
    assert _is_zero_or_none(g), f"{op.name}: expected no gradient, got {g.numpy()!r}"


def test_differentiable_rows_have_grad_samples_covering_layouts():
    """The grad samples include broadcasting, 0-d and non-contiguous inputs (so the checks above see them)."""
    for name in ("add", "multiply", "divide", "maximum", "where"):
        op = op_db_by_name[name]
        arrays = [a for s in op.grad_sample_inputs() for a in s.args if isinstance(a, np.ndarray)]
        assert any(a.ndim == 0 for a in arrays), f"{name}: no 0-d grad sample"
        assert any(not a.flags.c_contiguous for a in arrays), f"{name}: no non-contiguous grad sample"
        shapes = [tuple(a.shape for a in s.args if isinstance(a, np.ndarray)) for s in op.grad_sample_inputs()]
        assert any(len(set(sh)) > 1 for sh in shapes), f"{name}: no broadcasting grad sample"


@pytest.mark.parametrize("name,expected", [("reduce_max", [0.0, 0.5, 0.5, 0.0, 0.0]),
                                           ("reduce_min", [0.0, 0.0, 0.0, 0.5, 0.5])])
def test_reduce_extreme_splits_the_gradient_among_ties(name, expected):
    """Finite differences cannot see ties: TF splits the gradient equally among the tied extremes."""
    x = pt.constant(np.array([1.0, 3.0, 3.0, -2.0, -2.0]))
    with GradientTape() as tape:
        tape.watch(x)
        y = getattr(pt, name)(x)
    g = tape.gradient(y, x)
    assert g is not None, f"{name}: no gradient"
    np.testing.assert_array_equal(g.numpy(), expected)


@pytest.mark.parametrize("src,dst", [("float64", "float32"), ("float32", "float64")])
def test_cast_gradient_between_float_dtypes(src, dst):
    """The gradient of a float-to-float cast is the upstream gradient cast back to the source dtype."""
    x = pt.constant(np.array([1.5, -2.0, 3.25], src))
    w = pt.constant(np.array([0.5, 2.0, -1.0], dst))
    with GradientTape() as tape:
        tape.watch(x)
        y = pt.cast(x, dst)
    g = tape.gradient(y, x, output_gradients=w)
    assert g is not None and g.dtype.name == src, f"gradient {g!r}: expected a {src} tensor"
    np.testing.assert_array_equal(g.numpy(), np.array([0.5, 2.0, -1.0], src))


def test_cast_to_integer_gives_no_gradient():
    x = pt.constant(np.array([1.5, -2.0]))
    with GradientTape() as tape:
        tape.watch(x)
        y = pt.cast(pt.cast(x, "int32"), "float64") * x
    g = tape.gradient(y, x)
    np.testing.assert_array_equal(g.numpy(), [1.0, -2.0])  # only the direct path: int casts carry nothing
