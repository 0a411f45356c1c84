"""Shape and indexing ops against numpy: values, views vs copies, and bad-input errors."""

import itertools

import numpy as np
import pytest

import pytensor as pt
from pytensor.errors import InvalidArgumentError

# shape / rank / size are not registry ops, so pytensor/__init__ may not export them yet.
pt_shape = getattr(pt, "shape", pt._core.shape)
pt_rank = getattr(pt, "rank", pt._core.rank)
pt_size = getattr(pt, "size", pt._core.size)
pt_shape_n = getattr(pt, "shape_n", pt._core.shape_n)

RNG = np.random.default_rng(0)
A3 = np.arange(2 * 3 * 4, dtype=np.float32).reshape(2, 3, 4)


def check(t, expected, dtype=None):
    """t (a pytensor tensor) equals expected exactly, in shape, dtype and values."""
    got = np.asarray(t)
    expected = np.asarray(expected)
    assert got.shape == expected.shape, (got.shape, expected.shape)
    assert got.dtype == (dtype or expected.dtype), (got.dtype, expected.dtype)
    np.testing.assert_array_equal(got, expected)


def noncontig(a):
    """A non-contiguous pytensor view whose values equal `a` (a strided slice of a larger tensor)."""
    big = np.zeros(a.shape[:-1] + (2 * a.shape[-1],), a.dtype) if a.ndim else None
    if a.ndim == 0:
        return pt.constant(a)
    big[..., ::2] = a
    t = pt.constant(big)[..., ::2]
    assert not t._is_contiguous() or a.shape[-1] <= 1
    return t


# ---- reshape ---------------------------------------------------------------------------

@pytest.mark.parametrize("src,shape", [
    ((2, 3, 4), (6, 4)), ((2, 3, 4), (-1,)), ((2, 3, 4), (4, -1, 2)), ((24,), (2, 3, 4)),
    ((), (1, 1)), ((1,), ()), ((0, 3), (3, 0)), ((0, 3), (-1, 3)), ((2, 3), (3, 2)), ((5,), (5, 1, 1)),
])
def test_reshape_values_and_view(src, shape):
    a = RNG.standard_normal(src).astype(np.float32)
    t = pt.constant(a)
    r = pt.reshape(t, shape)
    check(r, a.reshape(shape))
    assert r._shares_storage(t)  # a contiguous input always gives a view


def test_reshape_noncontiguous_view_or_copy():
    a = np.arange(48, dtype=np.int32).reshape(4, 12)
    t = pt.constant(a)
    # Slicing rows keeps each row dense: splitting the last dim is still a view.
    s = t[::2]
    r = pt.reshape(s, (2, 3, 4))
    check(r, a[::2].reshape(2, 3, 4))
    assert r._shares_storage(t)
    # A transposed input cannot be flattened without a copy.
    tt = pt.transpose(t)
    f = pt.reshape(tt, (-1,))
    check(f, a.T.reshape(-1))
    assert not f._shares_storage(t)
    # Merging the dims of a column block: copy.
    c = t[:, :5]
    check(pt.reshape(c, (-1,)), a[:, :5].reshape(-1))
    assert not pt.reshape(c, (-1,))._shares_storage(t)
    # Every 3rd column of 12-wide rows is one uniform stride: flattening is a view.
    u = pt.reshape(t[:, ::3], (-1,))
    check(u, a[:, ::3].reshape(-1))
    assert u._shares_storage(t)
    # Adding size-1 dims to a strided view stays a view.
    e = pt.reshape(c, (4, 1, 5, 1))
    check(e, a[:, :5].reshape(4, 1, 5, 1))
    assert e._shares_storage(t)


def test_reshape_accepts_tensor_shape_and_tensors():
    t = pt.constant(A3)
    check(pt.reshape(t, pt.constant([4, 6])), A3.reshape(4, 6))
    check(pt.reshape(t, t.shape), A3)
    check(pt.reshape(A3.tolist(), [-1]), A3.reshape(-1))


# TF 2.21's messages for A3's shape (/work/peers-venv: str(e) of tf.reshape(tf.zeros((2, 3, 4)), shape))
@pytest.mark.parametrize("shape, message", [
    ((5, 5), "Input to reshape is a tensor with 24 values, but the requested shape has 25"),
    ((-1, -1), "Only one input size may be -1, not both 0 and 1"),
    ((7, -1), "Input to reshape is a tensor with 24 values, but the requested shape requires a multiple of 7"),
    ((-2, 12), "Size 0 must be non-negative, not -2"),
    ((0, -1), "Input to reshape is a tensor with 24 values, but the requested shape has 0")])
def test_reshape_errors_are_worded_as_tfs(shape, message):
    with pytest.raises(InvalidArgumentError) as err:
        pt.reshape(pt.constant(A3), shape)
    assert str(err.value) == ("{{function_node __wrapped__Reshape_device_/job:localhost/replica:0/task:0/device:CPU:0}} "
                              f"{message} [Op:Reshape]")
    assert issubclass(InvalidArgumentError, ValueError)


@pytest.mark.parametrize("shape, target, want", [
    ((0, 3), (0, -1), (0, 3)), ((0, 3), (-1, 0), (3, 0)), ((2, 0, 3), (0, -1), (0, 6)), ((2, 0, 3), (-1, 3), (0, 3)),
    ((0, 3), (-1, 2), (0, 2)), ((4, 0), (0, 2, -1), (0, 2, 2))])
def test_reshape_infers_the_minus_one_of_empty_tensors_as_tf(shape, target, want):
    """With a 0 among the given sizes TF leaves the input's zero dimensions out of the count the -1 divides (the
    shapes TF 2.21 returns)."""
    out = pt.reshape(pt.zeros(shape), target)
    assert tuple(out.shape) == want


# ---- transpose, expand_dims, squeeze ---------------------------------------------------

@pytest.mark.parametrize("perm", [None, (0, 1, 2), (2, 0, 1), (1, 2, 0), (-1, 0, 1)])
def test_transpose(perm):
    t = pt.constant(A3)
    r = pt.transpose(t, perm)
    check(r, np.transpose(A3, perm))
    assert r._shares_storage(t)


def test_transpose_0d_1d_and_noncontig():
    check(pt.transpose(pt.constant(3.0)), np.float32(3.0))
    check(pt.transpose(pt.constant([1, 2, 3])), np.array([1, 2, 3], np.int32))
    a = RNG.standard_normal((3, 5)).astype(np.float64)
    n = noncontig(a)
    check(pt.transpose(n, [1, 0]), a.T)
    check(pt.transpose(pt.transpose(n)), a)


@pytest.mark.parametrize("perm", [(0, 1), (0, 0, 1), (0, 1, 3), (0, 1, 2, 3), ()])
def test_transpose_bad_perm(perm):
    with pytest.raises(InvalidArgumentError, match="transpose"):
        pt.transpose(pt.constant(A3), perm)


@pytest.mark.parametrize("axis", [-4, -3, -2, -1, 0, 1, 2, 3])
def test_expand_dims(axis):
    t = pt.constant(A3)
    r = pt.expand_dims(t, axis)
    check(r, np.expand_dims(A3, axis))
    assert r._shares_storage(t)
    assert r._is_contiguous()


def test_expand_dims_0d_and_errors():
    check(pt.expand_dims(pt.constant(2), 0), np.array([2], np.int32))
    check(pt.expand_dims(pt.constant(2), -1), np.array([2], np.int32))
    for axis in (4, -5):
        with pytest.raises(InvalidArgumentError, match="expand_dims"):
            pt.expand_dims(pt.constant(A3), axis)


def test_squeeze():
    a = RNG.standard_normal((1, 3, 1, 2, 1)).astype(np.float32)
    t = pt.constant(a)
    check(pt.squeeze(t), np.squeeze(a))
    check(pt.squeeze(t, 0), np.squeeze(a, 0))
    check(pt.squeeze(t, [2, -1]), np.squeeze(a, (2, 4)))
    check(pt.squeeze(t, axis=[]), np.squeeze(a))
    assert pt.squeeze(t)._shares_storage(t)
    check(pt.squeeze(pt.constant(5.0)), np.float32(5.0))
    with pytest.raises(InvalidArgumentError, match="squeeze.*size 3"):
        pt.squeeze(t, 1)
    with pytest.raises(InvalidArgumentError, match="squeeze"):
        pt.squeeze(t, 5)


# ---- concat, stack, unstack, split -----------------------------------------------------

@pytest.mark.parametrize("axis", [0, 1, 2, -1, -3])
def test_concat(axis):
    parts = []
    for k in (1, 3, 0):
        shape = list(A3.shape)
        shape[axis] = k
        parts.append(RNG.standard_normal(shape).astype(np.float32))
    out = pt.concat([pt.constant(parts[0]), noncontig(parts[1]), parts[2]], axis)
    check(out, np.concatenate(parts, axis))
    assert not out._shares_storage(pt.constant(parts[0]))


def test_concat_mixed_inputs_and_dtype_fixing():
    v = pt.Variable(np.ones((2, 2), np.float64))
    out = pt.concat([[[1, 2], [3, 4]], v, np.zeros((1, 2))], 0)  # the Variable fixes float64
    check(out, np.concatenate([[[1, 2], [3, 4]], np.ones((2, 2)), np.zeros((1, 2))], 0).astype(np.float64))
    check(pt.concat([[1, 2], [3]], 0), np.array([1, 2, 3], np.int32))
    big = np.arange(300000, dtype=np.float32).reshape(1000, 300)
    check(pt.concat([big, big[:, :7]], 1), np.concatenate([big, big[:, :7]], 1))


def test_concat_errors():
    a, b = pt.constant(np.zeros((2, 3), np.float32)), pt.constant(np.zeros((2, 4), np.float32))
    with pytest.raises(InvalidArgumentError, match=r"dimension 1 of input 1"):
        pt.concat([a, b], 0)
    with pytest.raises(InvalidArgumentError, match="rank"):
        pt.concat([a, pt.constant(np.zeros(3, np.float32))], 0)
    with pytest.raises(TypeError, match="float32"):
        pt.concat([a, pt.constant(np.zeros((2, 3), np.int32))], 0)
    with pytest.raises(InvalidArgumentError, match="axis"):
        pt.concat([a, a], 2)
    with pytest.raises(InvalidArgumentError, match="stack"):
        pt.concat([pt.constant(1.0), pt.constant(2.0)], 0)
    with pytest.raises(InvalidArgumentError, match="non-empty"):
        pt.concat([], 0)


@pytest.mark.parametrize("axis", [0, 1, 2, 3, -1, -4])
def test_stack(axis):
    xs = [RNG.standard_normal(A3.shape).astype(np.float32) for _ in range(3)]
    check(pt.stack([xs[0], pt.constant(xs[1]), noncontig(xs[2])], axis), np.stack(xs, axis))


def test_stack_scalars_and_errors():
    check(pt.stack([1.0, 2.0, pt.constant(3.0)]), np.array([1, 2, 3], np.float32))
    with pytest.raises(InvalidArgumentError, match="input 1 has shape"):
        pt.stack([np.zeros(3, np.float32), np.zeros(4, np.float32)])
    with pytest.raises(InvalidArgumentError, match="stack"):
        pt.stack([np.zeros(3, np.float32)], axis=2)


@pytest.mark.parametrize("axis", [0, 1, 2, -1])
def test_unstack(axis):
    t = pt.constant(A3)
    parts = pt.unstack(t, axis=axis)
    assert isinstance(parts, list) and len(parts) == A3.shape[axis]
    for i, p in enumerate(parts):
        check(p, np.take(A3, i, axis=axis))
        assert p._shares_storage(t)
    assert len(pt.unstack(t, num=A3.shape[axis], axis=axis)) == A3.shape[axis]
    with pytest.raises(InvalidArgumentError, match="num"):
        pt.unstack(t, num=7, axis=axis)


def test_unstack_errors():
    with pytest.raises(InvalidArgumentError, match="unstack"):
        pt.unstack(pt.constant(1.0))
    with pytest.raises(InvalidArgumentError, match="axis"):
        pt.unstack(pt.constant(A3), axis=3)
    assert pt.unstack(pt.constant(np.zeros((0, 2), np.float32))) == []


@pytest.mark.parametrize("spec,axis", [(2, 0), (3, 1), (4, -1), (1, 2), ([1, 2], 1), ([1, -1, 1], 2), ([0, 3], 1),
                                        (np.array([2, 2]), 2), (np.int64(2), 2)])
def test_split(spec, axis):
    t = pt.constant(A3)
    parts = pt.split(t, spec, axis=axis)
    if np.ndim(spec) == 0:
        expected = np.split(A3, int(spec), axis=axis)
    else:
        sizes = list(np.asarray(spec))
        if -1 in sizes:
            sizes[sizes.index(-1)] = A3.shape[axis] - (sum(sizes) + 1)
        expected = np.split(A3, np.cumsum(sizes)[:-1], axis=axis)
    assert len(parts) == len(expected)
    for p, e in zip(parts, expected):
        check(p, e)
        assert p._shares_storage(t)


def test_split_errors():
    t = pt.constant(A3)
    with pytest.raises(InvalidArgumentError, match="divide"):
        pt.split(t, 5, axis=2)
    with pytest.raises(InvalidArgumentError, match="sum"):
        pt.split(t, [1, 1], axis=2)
    with pytest.raises(InvalidArgumentError, match="-1"):
        pt.split(t, [-1, -1], axis=2)
    with pytest.raises(InvalidArgumentError, match="num"):
        pt.split(t, 2, axis=2, num=3)
    with pytest.raises(InvalidArgumentError, match="axis"):
        pt.split(t, 2, axis=3)


# ---- tile, broadcast_to, pad ------------------------------------------------------------

@pytest.mark.parametrize("src,mult", [((2, 3), (2, 3)), ((2, 3), (1, 1)), ((3,), (4,)), ((2, 1, 3), (0, 2, 1)),
                                      ((), ()), ((0, 2), (3, 2))])
def test_tile(src, mult):
    a = RNG.integers(0, 100, src).astype(np.int64)
    for t in (pt.constant(a), noncontig(a)):
        out = pt.tile(t, mult)
        check(out, np.tile(a, mult) if src else a)
        assert not out._shares_storage(t) or a.size == 0


def test_tile_errors():
    with pytest.raises(InvalidArgumentError, match="tile"):
        pt.tile(pt.constant(A3), [2, 2])
    with pytest.raises(InvalidArgumentError, match="tile"):
        pt.tile(pt.constant(A3), [1, -1, 1])


@pytest.mark.parametrize("src,shape", [((3,), (2, 3)), ((2, 1), (2, 5)), ((), (2, 2)), ((1, 3), (4, 2, 3)),
                                       ((2, 3), (2, 3)), ((1,), (0,))])
def test_broadcast_to(src, shape):
    a = RNG.standard_normal(src).astype(np.float32)
    t = pt.constant(a)
    out = pt.broadcast_to(t, shape)
    check(out, np.broadcast_to(a, shape))
    assert out._shares_storage(t)
    if int(np.prod(shape)) > int(np.prod(src)):
        assert 0 in out._strides()


def test_broadcast_to_errors():
    with pytest.raises(InvalidArgumentError, match=r"broadcast_to.*\(2, 3\).*\(3, 3\)"):
        pt.broadcast_to(pt.constant(np.zeros((2, 3))), (3, 3))
    with pytest.raises(InvalidArgumentError, match="broadcast_to"):
        pt.broadcast_to(pt.constant(np.zeros((2, 3))), (3,))


@pytest.mark.parametrize("mode", ["constant", "reflect", "symmetric"])
@pytest.mark.parametrize("pads", [[[1, 2], [0, 3]], [[0, 0], [2, 2]], [[2, 0], [1, 1]], [[3, 3], [4, 4]]])
def test_pad_modes(mode, pads):
    a = RNG.standard_normal((4, 5)).astype(np.float32)
    if mode == "reflect" and max(max(p) for p in pads) >= 4:
        pads = [[min(x, 3) for x in p] for p in pads]
    for t in (pt.constant(a), noncontig(a), pt.transpose(pt.constant(a.T))):
        out = pt.pad(t, pads, mode=mode.upper())
        check(out, np.pad(a, pads, mode=mode))


def test_pad_constant_values_dtypes_and_ranks():
    a = np.arange(6, dtype=np.int32).reshape(2, 3)
    check(pt.pad(a, [[1, 1], [2, 0]], constant_values=7), np.pad(a, [[1, 1], [2, 0]], constant_values=7))
    b = RNG.standard_normal((2, 3, 4))
    check(pt.pad(b, np.array([[0, 1], [1, 0], [2, 2]]), "SYMMETRIC"),
          np.pad(b, [[0, 1], [1, 0], [2, 2]], mode="symmetric"))
    check(pt.pad(pt.constant(1.5), np.zeros((0, 2), np.int32)), np.float32(1.5))
    m = np.array([True, False])
    check(pt.pad(m, [[1, 1]], constant_values=True), np.pad(m, [[1, 1]], constant_values=True))
    check(pt.pad(np.zeros((0, 2), np.float32), [[1, 0], [0, 1]], constant_values=-1.0),
          np.pad(np.zeros((0, 2), np.float32), [[1, 0], [0, 1]], constant_values=-1.0))


def test_pad_errors():
    t = pt.constant(np.zeros((2, 3), np.float32))
    with pytest.raises(InvalidArgumentError, match="REFLECT"):
        pt.pad(t, [[2, 0], [0, 0]], "REFLECT")
    with pytest.raises(InvalidArgumentError, match="SYMMETRIC"):
        pt.pad(t, [[3, 0], [0, 0]], "SYMMETRIC")
    with pytest.raises(InvalidArgumentError, match=r"\(2, 2\)"):
        pt.pad(t, [[1, 1]])
    with pytest.raises(InvalidArgumentError, match="negative"):
        pt.pad(t, [[-1, 0], [0, 0]])
    with pytest.raises(InvalidArgumentError, match="mode"):
        pt.pad(t, [[1, 1], [1, 1]], "WRAP")


# ---- gather, one_hot -------------------------------------------------------------------

@pytest.mark.parametrize("idx_dtype", [np.int32, np.int64])
@pytest.mark.parametrize("axis", [0, 1, 2, -1])
@pytest.mark.parametrize("ishape", [(), (5,), (2, 3), (0,)])
def test_gather_vs_take(idx_dtype, axis, ishape):
    n = A3.shape[axis]
    idx = RNG.integers(0, n, ishape).astype(idx_dtype)
    for params in (pt.constant(A3), noncontig(A3)):
        out = pt.gather(params, idx, axis=axis)
        check(out, np.take(A3, idx, axis=axis))


def test_gather_batch_dims():
    params = RNG.standard_normal((2, 3, 5, 4)).astype(np.float32)
    idx = RNG.integers(0, 5, (2, 3, 6))
    out = pt.gather(params, idx, batch_dims=2, axis=2)
    expected = np.stack([np.stack([np.take(params[b, c], idx[b, c], axis=0) for c in range(3)]) for b in range(2)])
    check(out, expected)
    # axis defaults to batch_dims; batch_dims=-1 counts from the indices' rank
    idx1 = RNG.integers(0, 3, (2, 7))
    out1 = pt.gather(params, idx1, batch_dims=1)
    check(out1, np.stack([np.take(params[b], idx1[b], axis=0) for b in range(2)]))
    check(pt.gather(params, idx1, axis=1, batch_dims=-1), out1.numpy())
    # As TF: a default axis takes batch_dims' raw value, so -1 also means the last params axis.
    idx3 = RNG.integers(0, 4, (2, 3))
    check(pt.gather(params, idx3, batch_dims=-1),
          np.stack([np.take(params[b], idx3[b], axis=-1) for b in range(2)]))
    # batch dims with a later axis: (2, 3, [idx], 4)
    idx2 = RNG.integers(0, 5, (2, 4))
    out2 = pt.gather(params, idx2, axis=2, batch_dims=1)
    check(out2, np.stack([np.take(params[b], idx2[b], axis=1) for b in range(2)]))


def test_gather_errors():
    t = pt.constant(A3)
    with pytest.raises(InvalidArgumentError, match=r"indices\[1\] = 3 is not in \[0, 3\)"):
        pt.gather(t, [0, 3], axis=1)
    with pytest.raises(InvalidArgumentError, match=r"-1 is not in \[0, 2\)"):
        pt.gather(t, np.array([[0], [-1]], np.int64))
    with pytest.raises(TypeError, match="int32 or int64"):
        pt.gather(t, np.array([0.0]))
    with pytest.raises(InvalidArgumentError, match="axis"):
        pt.gather(t, [0], axis=3)
    with pytest.raises(InvalidArgumentError, match="batch"):
        pt.gather(t, np.zeros((3, 1), np.int32), batch_dims=1)


@pytest.mark.parametrize("axis", [-1, 0, 1, 2])
def test_one_hot(axis):
    idx = np.array([[0, 2, 5], [-1, 1, 3]])  # 5 and -1 are out of range: all-off
    depth = 4
    eye = np.eye(depth, dtype=np.float32)
    ref = np.where(((idx >= 0) & (idx < depth))[..., None], eye[np.clip(idx, 0, depth - 1)], 0.0).astype(np.float32)
    ref = np.moveaxis(ref, -1, axis if axis != -1 else -1)
    check(pt.one_hot(idx, depth, axis=axis), ref)


def test_one_hot_values_and_dtypes():
    check(pt.one_hot([1, 0], 3, on_value=5, off_value=-1), np.array([[-1, 5, -1], [5, -1, -1]], np.int32))
    check(pt.one_hot(pt.constant([2], dtype=pt.int64), 3, dtype=pt.float64), np.array([[0, 0, 1]], np.float64))
    check(pt.one_hot(np.uint8(1), 2, dtype=pt.bool), np.array([False, True]))
    check(pt.one_hot(np.zeros(0, np.int32), 3), np.zeros((0, 3), np.float32))
    with pytest.raises(TypeError, match="one_hot"):
        pt.one_hot([0.5], 3)
    with pytest.raises(InvalidArgumentError, match="axis"):
        pt.one_hot([0, 1], 3, axis=3)


# ---- indexing ----------------------------------------------------------------------------

INT_KEYS = [0, 1, -1, -2]
SLICE_KEYS = [slice(None), slice(1, None), slice(None, -1), slice(None, None, -1), slice(None, None, 2),
              slice(-1, 0, -1), slice(5, -9, -2), slice(-100, 100), slice(100, -100, -1), slice(2, 1),
              slice(0, 0), slice(1, 3, 3), slice(-2, None, -3)]


def _keys():
    singles = INT_KEYS + SLICE_KEYS + [Ellipsis, None]
    yield ()
    for k in singles:
        yield k
    picks = [0, -1, slice(None, None, -1), slice(1, None, 2), slice(-100, 100), Ellipsis, None, slice(3, 0, -2)]
    for n in (2, 3):
        for combo in itertools.product(picks, repeat=n):
            if sum(k is Ellipsis for k in combo) > 1:
                continue
            if sum(isinstance(k, (int, slice)) for k in combo) > 3:
                continue
            yield combo
    yield (None, 1, None, slice(None, None, -1), Ellipsis, None)
    yield (Ellipsis, -1)
    yield (1, Ellipsis, 2, 3)
    yield (slice(None), slice(None), slice(None))


def test_indexing_matches_numpy():
    t = pt.constant(A3)
    n = 0
    for key in _keys():
        expected = A3[key]
        got = t[key]
        assert got._shares_storage(t), key
        check(got, expected)
        n += 1
    assert n > 400


def _random_key(rng, ndim):
    items = []
    for _ in range(rng.integers(0, ndim + 1)):
        kind = rng.integers(0, 3)
        if kind == 0:
            items.append(int(rng.integers(-4, 4)))
        else:
            bounds = [None if rng.random() < 0.3 else int(rng.integers(-7, 8)) for _ in range(2)]
            step = None if rng.random() < 0.3 else int(rng.choice([-3, -2, -1, 1, 2, 3]))
            items.append(slice(bounds[0], bounds[1], step))
    for _ in range(rng.integers(0, 3)):
        items.insert(int(rng.integers(0, len(items) + 1)), None)
    if rng.random() < 0.5:
        items.insert(int(rng.integers(0, len(items) + 1)), Ellipsis)
    return tuple(items)


@pytest.mark.parametrize("shape", [(4, 5, 3), (3, 0, 4), (1, 6), (5,)])
def test_indexing_random_keys_match_numpy(shape):
    rng = np.random.default_rng(sum(shape) + len(shape))
    a = np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)
    t = pt.constant(a)
    tested = 0
    for _ in range(400):
        key = _random_key(rng, len(shape))
        try:
            expected = a[key]
        except IndexError:
            with pytest.raises(IndexError):
                t[key]
            continue
        check(t[key], expected)
        tested += 1
    assert tested > 100


def test_indexing_noncontig_and_chained():
    a = RNG.standard_normal((5, 6, 7)).astype(np.float32)
    t = pt.transpose(pt.constant(a), [2, 0, 1])
    at = np.transpose(a, [2, 0, 1])
    check(t[::-2, 1:4, ::3], at[::-2, 1:4, ::3])
    check(t[::-2, 1:4, ::3][1, ::-1], at[::-2, 1:4, ::3][1, ::-1])
    check(t[..., None, 2], at[..., None, 2])
    check(pt.constant(7)[()], np.int32(7))
    check(pt.constant(7)[None, ...], np.array([7], np.int32))
    check(t[pt.constant(1), 2], at[1, 2])


def test_tensor_iteration_unstacks_rows():
    t = pt.constant(A3)
    rows = list(t)
    assert len(rows) == 2
    check(rows[1], A3[1])


def test_indexing_numpy_int_scalars():
    t = pt.constant(A3)
    check(t[1, np.int64(2)], A3[1, 2])


def test_indexing_errors():
    t = pt.constant(A3)
    with pytest.raises(IndexError, match=r"index 2 is out of bounds for axis 0 with size 2"):
        t[2]
    with pytest.raises(IndexError, match=r"index -5 is out of bounds for axis 2 with size 4"):
        t[:, 0, -5]
    with pytest.raises(IndexError, match="too many indices"):
        t[0, 0, 0, 0]
    with pytest.raises(IndexError, match="ellipsis"):
        t[..., 0, ...]
    with pytest.raises(InvalidArgumentError, match="step"):
        t[::0]
    with pytest.raises(IndexError):
        pt.constant(1.0)[0]
    with pytest.raises(TypeError):
        t[0] = 1.0


def test_integer_array_indexing():
    t = pt.constant(A3)
    check(t[np.array([1, 0, 1])], A3[[1, 0, 1]])
    check(t[[1, 0]], A3[[1, 0]])
    with pytest.raises(InvalidArgumentError, match="not in"):
        t[np.array([2])]


# ---- boolean masks and where ------------------------------------------------------------

def test_boolean_mask():
    a = RNG.standard_normal((3, 4, 5)).astype(np.float32)
    t = pt.constant(a)
    m1 = RNG.random(3) > 0.5
    m2 = RNG.random((3, 4)) > 0.5
    m3 = a > 0
    check(pt.boolean_mask(t, m1), a[m1])
    check(pt.boolean_mask(t, m2), a[m2])
    check(pt.boolean_mask(t, m3), a[m3])
    check(t[m2], a[m2])
    check(t[pt.constant(m1)], a[m1])
    mid = RNG.random(4) > 0.3
    check(pt.boolean_mask(t, mid, axis=1), a[:, mid])
    check(pt.boolean_mask(noncontig(a), RNG.random((4, 5)) > 2, axis=1), a[:, np.zeros((4, 5), bool)])
    check(pt.boolean_mask(t, np.zeros(3, bool)), a[np.zeros(3, bool)])
    out = pt.boolean_mask(t, np.ones(3, bool))
    check(out, a)
    assert not out._shares_storage(t)


def test_boolean_mask_errors():
    t = pt.constant(np.zeros((3, 4), np.float32))
    with pytest.raises(InvalidArgumentError, match="mask"):
        pt.boolean_mask(t, np.ones(4, bool))
    with pytest.raises(InvalidArgumentError, match="mask"):
        pt.boolean_mask(t, np.ones((3, 4, 1), bool))
    with pytest.raises(InvalidArgumentError, match="0-d"):
        pt.boolean_mask(t, np.bool_(True))
    with pytest.raises(TypeError, match="bool"):
        pt.boolean_mask(t, np.ones(3, np.int32))


@pytest.mark.parametrize("shape", [(7,), (3, 4), (2, 3, 4), (0, 3), ()])
def test_where_indices(shape):
    m = RNG.random(shape) > 0.5
    out = pt.where(m)
    check(out, np.argwhere(m).astype(np.int64))
    big = RNG.random(200003) > 0.7
    check(pt.where(big), np.argwhere(big))


# ---- Variables ----------------------------------------------------------------------------

def test_variable_slice_assign_copy_on_write():
    v = pt.Variable(np.zeros((3, 4), np.float32))
    before = v.read_value()
    snapshot = before[0]
    v[0, 0].assign(3.0)
    v[1, ::-2].assign([1.0, 2.0])
    v[2].assign(5.0)
    v[..., 3].assign(pt.constant([7.0, 8.0, 9.0]))
    expected = np.zeros((3, 4), np.float32)
    expected[0, 0] = 3
    expected[1, ::-2] = [1, 2]
    expected[2] = 5
    expected[..., 3] = [7, 8, 9]
    check(v.read_value(), expected)
    check(before, np.zeros((3, 4), np.float32))  # reads before the assign keep their values
    check(snapshot, np.zeros(4, np.float32))
    with pytest.raises(IndexError):
        v[3, 0].assign(1.0)


# ---- shape, rank, size -------------------------------------------------------------------

def test_shape_rank_size():
    t = pt.constant(A3)
    check(pt_shape(t), np.array([2, 3, 4], np.int32))
    check(pt_shape(t, out_type=pt.int64), np.array([2, 3, 4], np.int64))
    check(pt_shape(pt.constant(1.0)), np.zeros(0, np.int32))
    check(pt_rank(t), np.int32(3))
    check(pt_size(t), np.int32(24))
    check(pt_size(np.zeros((0, 3))), np.int32(0))
    s = pt_shape_n([t, [1, 2]])
    check(s[0], np.array([2, 3, 4], np.int32))
    check(s[1], np.array([2], np.int32))
    with pytest.raises(TypeError):
        pt_shape(t, out_type=pt.float32)


# ---- dtypes and empty/0-d sweep --------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.bool_, np.uint8, np.int32, np.int64, np.float32, np.float64])
def test_dtype_sweep(dtype):
    a = (RNG.standard_normal((3, 4)) * 3).astype(dtype)
    t = pt.constant(a)
    check(pt.reshape(t, (4, 3)), a.reshape(4, 3))
    check(pt.concat([t, a], 1), np.concatenate([a, a], 1))
    check(pt.stack([t, t], 1), np.stack([a, a], 1))
    check(pt.tile(t, (2, 1)), np.tile(a, (2, 1)))
    check(pt.pad(t, [[1, 1], [2, 2]], "REFLECT"), np.pad(a, [[1, 1], [2, 2]], mode="reflect"))
    check(pt.gather(t, [2, 0], axis=1), a[:, [2, 0]])
    check(pt.boolean_mask(t, [True, False, True]), a[[True, False, True]])
    check(t[::-1, 1::2], a[::-1, 1::2])


def test_numpy_array_as_shape_and_axes_is_memory_safe():
    # A numpy array's items are fresh objects: reading them as borrowed references once freed them
    # early and corrupted the heap (a later numpy call crashed). Repeat enough to expose that.
    for _ in range(500):
        assert pt.reshape(pt.zeros((8,)), np.asarray([2, 4])).shape == (2, 4)
        assert pt.transpose(pt.zeros((2, 3, 4)), np.asarray([2, 1, 0])).shape == (4, 3, 2)
        assert float(pt.reduce_sum(pt.ones((3, 4)), axis=np.asarray([0, 1]))) == 12.0
        np.pad(np.ones((3, 3)), 1)
