"""Gradients of the shape / indexing family, plus unsorted_segment_sum and scatter_nd forward values.

Every differentiable shape op gets
- a first-order check: tape.gradient of sum(w * op(x)) (random w) against central finite differences;
- a second-order check: nested tapes differentiate h(x) = <grad_x sum(w * op(x)**2), v>, compared with finite
  differences of h (so each gradient formula must itself be recorded and differentiable).
Inputs are float64, with 0-d, broadcasting and non-contiguous cases.
"""
import numpy as np
import pytest

import pytensor as pt
from pytensor.errors import InvalidArgumentError
from pytensor.gradient_tape import GradientTape

EPS = 1e-6
RNG = np.random.default_rng(1234)


def noncontig(a):
    """A non-contiguous pytensor view whose values equal `a` (every other column of a wider tensor)."""
    if a.ndim == 0:
        return pt.constant(a)
    big = np.zeros(a.shape[:-1] + (2 * a.shape[-1],), a.dtype)
    big[..., ::2] = a
    t = pt.constant(big)[..., ::2]
    assert a.shape[-1] <= 1 or not t._is_contiguous()
    return t


def as_list(y):
    return list(y) if isinstance(y, (list, tuple)) else [y]


def weights(f, arrays, seed):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(np.asarray(y).shape) for y in as_list(f(*[pt.constant(a) for a in arrays]))]


def outputs(f, xs, power):
    ys = as_list(f(*xs))
    return [y * y for y in ys] if power == 2 else ys


def first_grad(f, xs, ws, power):
    """Gradient of sum(w * f(x)**power) by output_gradients (no reduction op needed)."""
    with GradientTape() as tape:
        for x in xs:
            tape.watch(x)
        ys = outputs(f, xs, power)
    grads = tape.gradient(ys, xs, output_gradients=[pt.constant(w) for w in ws])
    # gather's rows (IndexedSlices, as TF) are checked as their dense tensor
    return [pt.convert_to_tensor(g) if isinstance(g, pt.IndexedSlices) else g for g in grads]


def loss_value(f, arrays, ws):
    ys = as_list(f(*[pt.constant(a) for a in arrays]))
    return sum(float(np.sum(np.asarray(y) * w)) for y, w in zip(ys, ws))


def numeric(fn, arrays):
    """Central differences of the scalar function fn(list of numpy arrays), per element of each array."""
    grads = []
    for k, a in enumerate(arrays):
        g = np.zeros_like(a)
        for idx in np.ndindex(a.shape):
            plus = [b.copy() for b in arrays]
            minus = [b.copy() for b in arrays]
            plus[k][idx] += EPS
            minus[k][idx] -= EPS
            g[idx] = (fn(plus) - fn(minus)) / (2 * EPS)
        grads.append(g)
    return grads


def check_grads(f, *arrays, nc=False):
    """First- and second-order gradient checks of f (pytensor tensors -> tensor or list) at float64 `arrays`."""
    arrays = [np.asarray(a, np.float64) for a in arrays]
    make = noncontig if nc else pt.constant
    xs = [make(a) for a in arrays]
    ws = weights(f, arrays, seed=len(arrays) + sum(a.size for a in arrays))

    # First order.
    got = first_grad(f, xs, ws, power=1)
    want = numeric(lambda arr: loss_value(f, arr, ws), arrays)
    for g, n, a in zip(got, want, arrays):
        assert g is not None
        g = np.asarray(g)
        assert g.shape == a.shape
        np.testing.assert_allclose(g, n, rtol=1e-6, atol=1e-6)

    # Second order: h(x) = <grad sum(w * f(x)**2), v>.
    vs = [RNG.standard_normal(a.shape) for a in arrays]

    def h_value(arr):
        gs = first_grad(f, [pt.constant(a) for a in arr], ws, power=2)
        return sum(float(np.sum(np.asarray(g) * v)) for g, v in zip(gs, vs))

    xs = [make(a) for a in arrays]
    with GradientTape() as outer:
        for x in xs:
            outer.watch(x)
        with GradientTape() as inner:
            for x in xs:
                inner.watch(x)
            ys = outputs(f, xs, power=2)
        gs = inner.gradient(ys, xs, output_gradients=[pt.constant(w) for w in ws])
        gs = [pt.convert_to_tensor(g) if isinstance(g, pt.IndexedSlices) else g for g in gs]  # gather's rows
    got2 = outer.gradient(gs, xs, output_gradients=[pt.constant(v) for v in vs])
    want2 = numeric(h_value, arrays)
    for g, n in zip(got2, want2):
        assert g is not None
        np.testing.assert_allclose(pt.convert_to_tensor(g).numpy(), n, rtol=1e-5, atol=1e-5)


def rand(*shape):
    return RNG.standard_normal(shape)


# ---- views and reshapes ----------------------------------------------------------------

@pytest.mark.parametrize("nc", [False, True])
def test_reshape(nc):
    check_grads(lambda x: pt.reshape(x, (4, -1)), rand(2, 3, 4), nc=nc)


def test_reshape_0d():
    check_grads(lambda x: pt.reshape(x, (1, 1)), rand())


@pytest.mark.parametrize("nc", [False, True])
def test_transpose(nc):
    check_grads(lambda x: pt.transpose(x, (2, 0, 1)), rand(2, 3, 4), nc=nc)
    check_grads(lambda x: pt.transpose(x), rand(2, 3), nc=nc)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_expand_dims(axis):
    check_grads(lambda x: pt.expand_dims(x, axis), rand(2, 3), nc=True)


def test_expand_dims_0d():
    check_grads(lambda x: pt.expand_dims(x, 0), rand())


def test_squeeze():
    check_grads(lambda x: pt.squeeze(x), rand(1, 3, 1))
    check_grads(lambda x: pt.squeeze(x, [0]), rand(1, 3, 1))


def test_broadcast_to():
    check_grads(lambda x: pt.broadcast_to(x, (2, 3, 4)), rand(3, 1), nc=True)
    check_grads(lambda x: pt.broadcast_to(x, (2, 3)), rand())


# ---- joins and splits ------------------------------------------------------------------

@pytest.mark.parametrize("axis", [0, 1, -1])
def test_concat(axis):
    a, b = rand(2, 3), rand(2, 3)
    if axis == 0:
        b = rand(1, 3)
    else:
        b = rand(2, 2)
    check_grads(lambda x, y: pt.concat([x, y], axis), a, b)
    check_grads(lambda x, y: pt.concat([x, y, x], axis), a, b, nc=True)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_stack(axis):
    check_grads(lambda x, y: pt.stack([x, y], axis), rand(2, 3), rand(2, 3), nc=True)


def test_stack_0d():
    check_grads(lambda x, y: pt.stack([x, y, x]), rand(), rand())


@pytest.mark.parametrize("axis", [0, 1])
def test_unstack(axis):
    check_grads(lambda x: pt.unstack(x, axis=axis), rand(2, 3), nc=True)


def test_unstack_unused_outputs():
    # Only one output is used: the others' gradients arrive as zeros.
    check_grads(lambda x: pt.unstack(x, axis=1)[1], rand(2, 3))


def test_split():
    check_grads(lambda x: pt.split(x, [1, -1], axis=1), rand(2, 4), nc=True)
    check_grads(lambda x: pt.split(x, 2, axis=0), rand(4, 3))
    check_grads(lambda x: pt.split(x, [2, 0, 2], axis=1)[2], rand(2, 4))


# ---- copies ------------------------------------------------------------------------------

@pytest.mark.parametrize("multiples", [(2, 1, 3), (1, 1, 1), (3, 2, 1)])
def test_tile(multiples):
    check_grads(lambda x: pt.tile(x, multiples), rand(2, 1, 2), nc=True)


def test_tile_0d():
    check_grads(lambda x: pt.tile(x, []), rand())


@pytest.mark.parametrize("mode", ["CONSTANT", "REFLECT", "SYMMETRIC", "reflect"])
@pytest.mark.parametrize("nc", [False, True])
def test_pad(mode, nc):
    check_grads(lambda x: pt.pad(x, [[1, 2], [2, 0]], mode=mode), rand(3, 4), nc=nc)


def test_pad_constant_value_and_3d():
    check_grads(lambda x: pt.pad(x, [[0, 1], [1, 1], [2, 2]], mode="SYMMETRIC"), rand(2, 2, 3))
    check_grads(lambda x: pt.pad(x, [[1, 1]], constant_values=3.5), rand(3))


def test_pad_reflect_values():
    # Hand-derived: x = [a, b, c] reflected by 2 on both sides gives [c, b, a, b, c, b, a].
    x = pt.constant(np.array([1.0, 2.0, 3.0]))
    w = np.array([1.0, 10.0, 100.0, 1000.0, 10000.0, 1e5, 1e6])
    with GradientTape() as tape:
        tape.watch(x)
        y = pt.pad(x, [[2, 2]], mode="REFLECT")
    np.testing.assert_array_equal(np.asarray(tape.gradient(y, x, output_gradients=pt.constant(w))), [100.0 + 1e6, 10.0 + 1000.0 + 1e5, 1.0 + 10000.0])


# ---- gathers and slices ------------------------------------------------------------------

@pytest.mark.parametrize("axis", [0, 1, 2, -1])
def test_gather(axis):
    idx = np.array([[0, 1], [1, 1]], np.int32)
    check_grads(lambda p: pt.gather(p, idx, axis=axis), rand(2, 3, 2), nc=True)


def test_gather_scalar_index_and_int64():
    check_grads(lambda p: pt.gather(p, np.int64(2), axis=1), rand(2, 3))
    check_grads(lambda p: pt.gather(p, np.array([2, 2, 0], np.int64)), rand(3, 2))


@pytest.mark.parametrize("axis", [1, 2])
def test_gather_batch_dims(axis):
    idx = np.array([[0, 1, 1], [1, 0, 0]], np.int32)
    check_grads(lambda p: pt.gather(p, idx, axis=axis, batch_dims=1), rand(2, 2, 2), nc=True)


def test_gather_indices_get_no_gradient():
    p = pt.constant(rand(3, 2))
    i = pt.constant(np.array([0, 2], np.int64))
    with GradientTape() as tape:
        tape.watch(p)
        tape.watch(i)
        y = pt.gather(p, i)
    with pytest.warns(UserWarning, match="floating"):
        gp, gi = tape.gradient(y, [p, i])
    np.testing.assert_array_equal(pt.convert_to_tensor(gp).numpy(), [[1, 1], [0, 0], [1, 1]])  # rows, as TF
    assert gi is None


@pytest.mark.parametrize("key", [
    np.s_[1:, ::-2], np.s_[..., None, 1], np.s_[0], np.s_[::2, 1:3], np.s_[-1, ::-1], np.s_[:, 5:], np.s_[...],
])
@pytest.mark.parametrize("nc", [False, True])
def test_strided_slice(key, nc):
    check_grads(lambda x: x[key], rand(3, 4), nc=nc)


def test_strided_slice_0d():
    check_grads(lambda x: x[None], rand())
    check_grads(lambda x: x[...], rand())


@pytest.mark.parametrize("axis", [0, 1])
def test_boolean_mask(axis):
    if axis == 0:
        mask = np.array([[True, False, True, True], [False, False, True, False], [True, True, False, False]])
    else:
        mask = np.array([[True, False], [False, True], [True, True], [False, False]])
    check_grads(lambda x: pt.boolean_mask(x, mask, axis=axis), rand(3, 4, 2), nc=True)


def test_boolean_mask_all_false():
    check_grads(lambda x: [pt.boolean_mask(x, np.zeros(3, bool)), x], rand(3, 2))


# ---- unsorted_segment_sum ----------------------------------------------------------------

def np_segment_sum(data, ids, num):
    out = np.zeros((num,) + data.shape[ids.ndim:], data.dtype)
    keep = (ids >= 0) & (ids < num)
    np.add.at(out, ids[keep], data[keep])
    return out


@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "int64"])
def test_unsorted_segment_sum_forward(dtype):
    data = (RNG.standard_normal((6, 3)) * 10).astype(dtype)
    ids = np.array([0, 2, 0, -1, -7, 2], np.int32)  # negative ids are dropped, as in TF
    got = np.asarray(pt.math.unsorted_segment_sum(data, ids, 4) if hasattr(pt, "math") and hasattr(
        pt.math, "unsorted_segment_sum") else pt._core.unsorted_segment_sum(data, ids, 4))
    want = np_segment_sum(data, ids, 4)
    assert got.dtype == want.dtype and got.shape == (4, 3)
    np.testing.assert_allclose(got, want, rtol=1e-6)


def test_unsorted_segment_sum_multidim_ids_and_large():
    data = RNG.standard_normal((3, 4, 5))
    ids = RNG.integers(0, 6, size=(3, 4)).astype(np.int64)
    np.testing.assert_allclose(np.asarray(pt._core.unsorted_segment_sum(data, ids, 6)), np_segment_sum(data, ids, 6),
                               rtol=1e-12)
    big = RNG.standard_normal((20000, 7))
    bids = RNG.integers(-2, 48, size=20000)
    np.testing.assert_allclose(np.asarray(pt._core.unsorted_segment_sum(big, bids, 48)), np_segment_sum(big, bids, 48),
                               rtol=1e-9, atol=1e-9)
    wide = RNG.standard_normal((5, 9000))
    np.testing.assert_allclose(np.asarray(pt._core.unsorted_segment_sum(wide, np.zeros(5, np.int32), 1)),
                               wide.sum(0, keepdims=True), rtol=1e-9, atol=1e-9)
    # Empty outputs and inputs.
    assert np.asarray(pt._core.unsorted_segment_sum(data, -1 - ids, 0)).shape == (0, 5)  # every id dropped
    np.testing.assert_array_equal(np.asarray(pt._core.unsorted_segment_sum(np.zeros((0, 2)), np.zeros(0, np.int32), 3)),
                                  np.zeros((3, 2)))


def test_unsorted_segment_sum_noncontiguous():
    data = rand(4, 3)
    ids = np.array([1, 0, 1, 1], np.int32)
    np.testing.assert_allclose(np.asarray(pt._core.unsorted_segment_sum(noncontig(data), ids, 2)),
                               np_segment_sum(data, ids, 2), rtol=1e-12)


def test_unsorted_segment_sum_grad():
    ids = np.array([0, 2, 0, -1, -7], np.int32)
    check_grads(lambda d: pt._core.unsorted_segment_sum(d, ids, 3), rand(5, 2), nc=True)
    ids2 = np.array([[1, 0], [1, 1]], np.int64)
    check_grads(lambda d: pt._core.unsorted_segment_sum(d, ids2, 2), rand(2, 2, 2))


def test_unsorted_segment_sum_errors():
    with pytest.raises(InvalidArgumentError, match="prefix"):
        pt._core.unsorted_segment_sum(rand(3, 2), np.array([0, 1], np.int32), 2)
    with pytest.raises(InvalidArgumentError, match="num_segments"):
        pt._core.unsorted_segment_sum(rand(3), np.array([0, 1, 0], np.int32), -1)
    with pytest.raises(TypeError, match="segment_ids"):
        pt._core.unsorted_segment_sum(rand(3), np.array([0.0, 1.0, 0.0]), 2)
    with pytest.raises(TypeError, match="bool"):
        pt._core.unsorted_segment_sum(np.array([True, False]), np.array([0, 1], np.int32), 2)
    # TF raises for an id past the last segment (it dropped such rows silently before).
    with pytest.raises(InvalidArgumentError, match=r"segment_ids\[1\] = 2 is out of range \[0, 2\)"):
        pt._core.unsorted_segment_sum(rand(3), np.array([0, 2, 1], np.int32), 2)


# ---- scatter_nd --------------------------------------------------------------------------

def np_scatter_nd(indices, updates, shape):
    out = np.zeros(shape, updates.dtype)
    np.add.at(out, tuple(np.moveaxis(indices, -1, 0)), updates)
    return out


@pytest.mark.parametrize("dtype", ["float32", "float64", "int32"])
def test_scatter_nd_forward(dtype):
    idx = np.array([[4], [3], [1], [7], [3]], np.int32)  # duplicate 3 adds
    upd = np.arange(5 * 2).reshape(5, 2).astype(dtype)
    got = np.asarray(pt._core.scatter_nd(idx, upd, (8, 2)))
    np.testing.assert_array_equal(got, np_scatter_nd(idx, upd, (8, 2)))
    assert got.dtype == np.dtype(dtype)
    idx2 = np.array([[0, 1], [2, 3], [0, 1]], np.int64)
    upd2 = np.array([1, 2, 3], dtype)
    np.testing.assert_array_equal(np.asarray(pt._core.scatter_nd(idx2, upd2, [3, 4])), np_scatter_nd(idx2, upd2, (3, 4)))


def test_scatter_nd_grad():
    idx = np.array([[1], [3], [1]], np.int32)
    check_grads(lambda u: pt._core.scatter_nd(idx, u, (4, 2)), rand(3, 2), nc=True)
    idx2 = np.array([[[0, 1], [2, 0]], [[1, 1], [0, 1]]], np.int64)
    check_grads(lambda u: pt._core.scatter_nd(idx2, u, (3, 2, 2)), rand(2, 2, 2))


def test_scatter_nd_errors():
    with pytest.raises(InvalidArgumentError, match="not in"):
        pt._core.scatter_nd(np.array([[5]], np.int32), np.ones(1), (4,))
    with pytest.raises(InvalidArgumentError, match="updates must have shape"):
        pt._core.scatter_nd(np.array([[1]], np.int32), np.ones(2), (4,))
    with pytest.raises(InvalidArgumentError, match="rank"):
        pt._core.scatter_nd(np.array([[1, 1, 1]], np.int32), np.ones(1), (4, 4))
    with pytest.raises(TypeError, match="indices"):
        pt._core.scatter_nd(np.array([[1.0]]), np.ones(1), (4,))


# ---- non-differentiable ops pass no gradient ----------------------------------------------

def test_one_hot_and_where_are_not_recorded():
    x = pt.constant(rand(3))
    with GradientTape() as tape:
        tape.watch(x)
        y = pt.cast(pt.one_hot(pt.cast(x, "int32"), 3), "float64")
    assert tape.gradient(y, x) is None
