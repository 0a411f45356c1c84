"""tf.random: Philox streams, distributions, TF 2 seed rules and thread-count independence."""

import math
import os
import signal

import numpy as np
import pytest

import pytensor as pt
import pytensor.random as rnd
from pytensor import _core
from pytensor.errors import InvalidArgumentError


@pytest.fixture(autouse=True)
def _clear_seed():
    rnd.set_seed(None)
    yield
    rnd.set_seed(None)


@pytest.fixture
def threads():
    saved = _core.get_num_threads()
    yield _core.set_num_threads
    _core.set_num_threads(saved)


# ---- the generator ---------------------------------------------------------------------------

# Known-answer vectors of Philox4x32-10 from the Random123 distribution (kat_vectors).
@pytest.mark.parametrize("counter,key,expected", [
    ([0, 0, 0, 0], [0, 0], [0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8]),
    ([0xFFFFFFFF] * 4, [0xFFFFFFFF] * 2, [0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD]),
    ([0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344], [0xA4093822, 0x299F31D0],
     [0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1]),
])
def test_philox_known_answers(counter, key, expected):
    assert list(_core._philox4x32(counter, key)) == expected


# ---- distributions -----------------------------------------------------------------------------

N = 400_000


@pytest.mark.parametrize("dtype", [pt.float32, pt.float64])
def test_normal_statistics(dtype):
    x = rnd.normal((N,), mean=3.0, stddev=2.0, dtype=dtype, seed=1)
    assert x.dtype == dtype and x.shape.as_list() == [N]
    a = x.numpy().astype(np.float64)
    assert abs(a.mean() - 3.0) < 0.02  # standard error 0.003
    assert abs(a.std() - 2.0) < 0.02
    # tails: P(|z| > 3) = 0.0027
    assert abs(np.mean(np.abs(a - 3.0) > 6.0) - 0.0027) < 0.0008
    assert np.isfinite(a).all()


def test_normal_default_and_shape_forms():
    x = rnd.normal((2, 3))
    assert x.dtype == pt.float32 and x.shape.as_list() == [2, 3]
    assert rnd.normal([0, 4]).shape.as_list() == [0, 4]
    assert rnd.normal(()).shape.as_list() == []
    assert rnd.normal(pt.constant([5, 2])).shape.as_list() == [5, 2]
    assert _core.random_normal((3,)).shape.as_list() == [3]  # the registry op itself


def test_normal_tensor_parameters():
    mean = np.array([[0.0], [10.0], [-5.0]], np.float32)
    std = np.array([1.0, 0.5, 2.0, 3.0], np.float32)
    x = rnd.normal((3, 4, 50_000), mean=mean[:, :, None], stddev=std[None, :, None], seed=3).numpy()
    assert x.shape == (3, 4, 50_000)
    np.testing.assert_allclose(x.mean(axis=2), np.broadcast_to(mean, (3, 4)), atol=0.06)
    np.testing.assert_allclose(x.std(axis=2), np.broadcast_to(std, (3, 4)), rtol=0.03)
    y = rnd.normal((2,), mean=pt.constant(100.0), stddev=pt.constant(0.0))  # 0-d tensors act as scalars
    np.testing.assert_array_equal(y.numpy(), [100.0, 100.0])
    with pytest.raises(InvalidArgumentError, match="broadcast"):
        rnd.normal((2, 3), mean=np.zeros((5,), np.float32))


@pytest.mark.parametrize("dtype", [pt.float32, pt.float64])
def test_uniform_float_statistics(dtype):
    x = rnd.uniform((N,), minval=-2.0, maxval=3.0, dtype=dtype, seed=7).numpy().astype(np.float64)
    assert x.min() >= -2.0 and x.max() < 3.0
    assert x.min() < -1.99 and x.max() > 2.99
    assert abs(x.mean() - 0.5) < 0.02
    assert abs(x.var() - 25.0 / 12.0) < 0.03
    hist = np.histogram(x, bins=10, range=(-2, 3))[0] / N
    np.testing.assert_allclose(hist, 0.1, atol=0.005)


def test_uniform_defaults_and_half_open():
    x = rnd.uniform((N,)).numpy()
    assert x.dtype == np.float32 and x.min() >= 0.0 and x.max() < 1.0
    # a narrow interval where u * width + lo rounds up to maxval: TF does not clamp it (TF 2.21 gives maxval 24870
    # times in these 400000 draws), nor does pytensor, which draws TF's numbers
    y = rnd.uniform((N,), minval=1.0, maxval=1.0 + 2**-20, seed=2).numpy()
    assert y.min() >= 1.0 and y.max() == np.float32(1.0 + 2**-20)
    assert (y == np.float32(1.0 + 2**-20)).sum() == 24870


def test_uniform_tensor_bounds():
    lo = np.array([0.0, 10.0], np.float32)
    hi = np.array([1.0, 20.0], np.float32)
    x = rnd.uniform((100_000, 2), minval=lo, maxval=hi, seed=4).numpy()
    assert (x >= lo).all() and (x < hi).all()
    np.testing.assert_allclose(x.mean(axis=0), [0.5, 15.0], rtol=0.01)


@pytest.mark.parametrize("dtype", [pt.int32, pt.int64])
def test_uniform_int(dtype):
    x = rnd.uniform((N,), minval=-3, maxval=7, dtype=dtype, seed=11).numpy()
    assert x.dtype == np.dtype(dtype.name)
    counts = np.bincount(x + 3, minlength=10)
    assert counts.size == 10 and x.min() == -3 and x.max() == 6
    expected = N / 10
    chi2 = ((counts - expected) ** 2 / expected).sum()
    assert chi2 < 40  # 9 degrees of freedom: P(chi2 > 40) < 1e-5


def test_uniform_int_extreme_ranges():
    x = rnd.uniform((10_000,), minval=-2**31, maxval=2**31 - 1, dtype=pt.int32, seed=1).numpy()
    assert (x < 0).any() and (x > 0).any() and (x != 2**31 - 1).all()
    y = rnd.uniform((10_000,), minval=-2**62, maxval=2**62, dtype=pt.int64, seed=1).numpy()
    assert y.min() < -2**61 and y.max() > 2**61 and (y < 2**62).all()
    z = rnd.uniform((100,), minval=5, maxval=6, dtype=pt.int32).numpy()
    assert (z == 5).all()


def test_truncated_normal():
    x = rnd.truncated_normal((N,), mean=1.0, stddev=3.0, seed=5).numpy().astype(np.float64)
    assert np.abs(x - 1.0).max() < 6.0  # strictly within two standard deviations
    assert np.abs(x - 1.0).max() > 5.9
    assert abs(x.mean() - 1.0) < 0.03
    # the standard deviation of a normal truncated at +-2 sigma is 0.8796 sigma
    phi2 = math.exp(-2.0) / math.sqrt(2 * math.pi)
    z = math.erf(2 / math.sqrt(2))
    assert abs(x.std() - 3.0 * math.sqrt(1 - 4 * phi2 / z)) < 0.02
    y = rnd.truncated_normal((1000,), dtype=pt.float64, seed=1).numpy()
    assert y.dtype == np.float64 and np.abs(y).max() < 2.0


def test_categorical_frequencies():
    logits = np.array([[0.0, 1.0, 2.0, -1.0], [np.log(0.7), np.log(0.2), np.log(0.1), -np.inf]], np.float32)
    s = rnd.categorical(logits, 100_000, seed=9)
    assert s.dtype == pt.int64 and s.shape.as_list() == [2, 100_000]
    s = s.numpy()
    probs = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    for row in range(2):
        freq = np.bincount(s[row], minlength=4) / s.shape[1]
        np.testing.assert_allclose(freq, probs[row], atol=0.006)
    assert (s[1] != 3).all()  # probability 0 is never drawn


def test_categorical_dtypes_and_edges():
    s = rnd.categorical(pt.constant([[0.0, 0.0]], dtype=pt.float64), 5, dtype=pt.int32, seed=1)
    assert s.dtype == pt.int32 and s.shape.as_list() == [1, 5]
    big = rnd.categorical([[-1e30, 0.0, -1e30]], 1000).numpy()  # huge logits stay stable
    assert (big == 1).all()
    assert rnd.categorical(np.zeros((0, 3), np.float32), 4).shape.as_list() == [0, 4]
    assert rnd.categorical([[1.0, 2.0]], 0).shape.as_list() == [1, 0]
    with pytest.raises(InvalidArgumentError, match="2-D"):
        rnd.categorical([1.0, 2.0], 3)
    with pytest.raises(TypeError, match="int32 or int64"):
        rnd.categorical([[1.0, 2.0]], 3, dtype=pt.float32)
    with pytest.raises(InvalidArgumentError, match="num_samples"):
        rnd.categorical([[1.0, 2.0]], -1)


def test_shuffle_is_a_permutation_of_rows():
    x = np.arange(1000 * 3, dtype=np.int64).reshape(1000, 3)
    y = rnd.shuffle(x, seed=2).numpy()
    assert y.shape == x.shape
    assert not np.array_equal(x, y)
    order = np.argsort(y[:, 0])
    np.testing.assert_array_equal(y[order], x)  # rows intact, each exactly once
    # non-contiguous input and a 1-D float tensor
    z = rnd.shuffle(pt.constant(np.arange(20.0, dtype=np.float32))[::2]).numpy()
    np.testing.assert_array_equal(np.sort(z), np.arange(0.0, 20.0, 2.0))
    assert rnd.shuffle(pt.constant(5)).numpy() == 5
    assert rnd.shuffle(np.zeros((0, 2))).shape.as_list() == [0, 2]


def test_shuffle_is_uniform():
    counts = np.zeros((4, 4))
    rnd.set_seed(3)
    for _ in range(4000):
        p = rnd.shuffle(pt.range(4)).numpy()
        counts[np.arange(4), p] += 1
    np.testing.assert_allclose(counts / 4000, 0.25, atol=0.04)


# ---- seeds -------------------------------------------------------------------------------------

def draw_all():
    return [rnd.normal((5,)).numpy(), rnd.uniform((3, 2)).numpy(), rnd.truncated_normal((4,)).numpy(),
            rnd.categorical([[0.0, 1.0, 2.0]], 6).numpy(), rnd.shuffle(pt.range(10)).numpy(),
            rnd.uniform((4,), maxval=100, dtype=pt.int64).numpy()]


def test_global_seed_replays_the_program():
    rnd.set_seed(1234)
    first = draw_all() + draw_all()
    rnd.set_seed(1234)
    second = draw_all() + draw_all()
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    # successive calls differ, and another global seed differs
    assert not np.array_equal(first[0], first[6])
    rnd.set_seed(1235)
    assert not np.array_equal(draw_all()[0], first[0])


def test_op_seed_continues_its_stream_and_restarts_with_set_seed():
    rnd.set_seed(7)
    a1, a2 = rnd.uniform((4,), seed=3).numpy(), rnd.uniform((4,), seed=3).numpy()
    b1 = rnd.uniform((4,), seed=4).numpy()
    assert not np.array_equal(a1, a2) and not np.array_equal(a1, b1)
    rnd.set_seed(7)
    rnd.normal((100,))  # an unseeded op in between does not disturb a seeded stream
    np.testing.assert_array_equal(rnd.uniform((4,), seed=3).numpy(), a1)
    np.testing.assert_array_equal(rnd.uniform((4,), seed=3).numpy(), a2)
    rnd.set_seed(8)
    assert not np.array_equal(rnd.uniform((4,), seed=3).numpy(), a1)


def test_op_seed_without_global_seed_is_reproducible():
    a = [rnd.normal((3,), seed=5).numpy() for _ in range(2)]
    rnd.set_seed(None)
    b = [rnd.normal((3,), seed=5).numpy() for _ in range(2)]
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(a[0], a[1])


def test_no_seed_is_fresh_each_time():
    x, y = rnd.normal((8,)).numpy(), rnd.normal((8,)).numpy()
    rnd.set_seed(None)
    z = rnd.normal((8,)).numpy()
    assert not np.array_equal(x, y) and not np.array_equal(x, z)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_forked_children_draw_fresh_numbers():
    """Unseeded draws in forked children (data-loading workers) differ from the parent's and from each other's."""
    draws = []
    for _ in range(2):
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: one small (serial) draw, then exit without running the parent's cleanup
            try:
                signal.alarm(30)
                os.write(w, rnd.normal((4,)).numpy().tobytes())
            finally:
                os._exit(0)
        os.close(w)
        with os.fdopen(r, "rb") as f:
            draws.append(f.read())
        os.waitpid(pid, 0)
    draws.append(rnd.normal((4,)).numpy().tobytes())
    assert all(len(d) == 16 for d in draws) and len(set(draws)) == 3


def test_bad_seed():
    with pytest.raises(TypeError, match="seed"):
        rnd.normal((2,), seed="abc")
    with pytest.raises(TypeError, match="seed"):
        rnd.set_seed([1, 2])


def test_prefix_property():
    # element i depends only on (key, counter, i): a shorter draw is a prefix of a longer one
    rnd.set_seed(42)
    long = rnd.normal((10_001,)).numpy()
    rnd.set_seed(42)
    short = rnd.normal((7,)).numpy()
    np.testing.assert_array_equal(short, long[:7])


@pytest.mark.parametrize("make", [
    lambda: rnd.normal((200_003,), seed=1),
    lambda: rnd.normal((205_000,), mean=1.0, seed=1),  # the 2-thread split cuts a tile 100 elements in
    lambda: rnd.normal((100_001,), dtype=pt.float64, seed=1),
    lambda: rnd.uniform((200_003,), seed=1),
    lambda: rnd.uniform((200_003,), minval=-5, maxval=1000, dtype=pt.int32, seed=1),
    lambda: rnd.truncated_normal((100_001,), seed=1),
    lambda: rnd.categorical(np.log(np.arange(1.0, 51.0, dtype=np.float32))[None].repeat(20, 0), 5001, seed=1),
    lambda: rnd.shuffle(np.arange(200_003), seed=1),
])
def test_same_numbers_on_one_and_two_threads(make, threads):
    results = []
    for n in (1, 2):
        threads(n)
        rnd.set_seed(99)
        results.append(make().numpy())
    assert results[0].tobytes() == results[1].tobytes()


# ---- errors ------------------------------------------------------------------------------------

def test_errors():
    with pytest.raises(TypeError, match="random_normal"):
        rnd.normal((2,), dtype=pt.int32)
    with pytest.raises(TypeError, match="truncated_normal"):
        rnd.truncated_normal((2,), dtype=pt.bool)
    with pytest.raises(InvalidArgumentError, match="negative dimension"):
        rnd.normal((2, -1))
    with pytest.raises(InvalidArgumentError, match="negative dimension"):
        rnd.uniform((-1,))
    with pytest.raises(InvalidArgumentError, match="maxval must be given"):
        rnd.uniform((2,), dtype=pt.int32)
    with pytest.raises(InvalidArgumentError, match="minval < maxval"):
        rnd.uniform((2,), minval=5, maxval=5, dtype=pt.int64)
    with pytest.raises(TypeError, match="random_uniform"):
        rnd.uniform((2,), dtype=pt.uint8, maxval=3)
    with pytest.raises(TypeError):
        rnd.uniform((2,), minval=0.5, maxval=3, dtype=pt.int32)
    with pytest.raises(InvalidArgumentError, match="out of range"):
        rnd.uniform((2,), minval=0, maxval=2**40, dtype=pt.int32)


def _seeded_draws():
    return [rnd.normal((3,), seed=4), rnd.uniform((2,)), rnd.shuffle(pt.range(5), seed=4),
            pt.nn.dropout(pt.ones((4,)), 0.5, seed=2), rnd.categorical([[0.0, 1.0]], 3),
            rnd.gamma((3,), [0.5, 2.0], seed=4), rnd.poisson((2,), 3.0, seed=4), rnd.gamma((2,), 1.5)]


def test_traced_draws_are_the_eager_sequence():
    """A tf.function's random ops draw on each run what the same calls draw eagerly: an op seed's kernel stream goes on,
    a global seed alone gives the next op seed."""
    rnd.set_seed(21)
    eager = [[t.numpy() for t in _seeded_draws()] for _ in range(3)]
    rnd.set_seed(21)
    traced = pt.function(_seeded_draws)
    graph = [[t.numpy() for t in traced()] for _ in range(3)]
    for run, (want, got) in enumerate(zip(eager, graph)):
        for i, (w, g) in enumerate(zip(want, got)):
            np.testing.assert_array_equal(g, w, err_msg=f"run {run} draw {i}")
    assert not np.array_equal(eager[0][0], eager[1][0])
    rnd.set_seed(None)
