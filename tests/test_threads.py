"""Thread-count independence of element-wise kernels, and denormal flushing in kernel threads."""
import numpy as np
import pytest

import pytensor as pt
from pytensor import _core


@pytest.fixture
def restore_threads():
    saved = _core.get_num_threads()
    yield
    _core.set_num_threads(saved)


@pytest.mark.parametrize("op", ["exp", "tanh", "sigmoid", "log1p", "sin"])
def test_elementwise_bitwise_identical_across_thread_counts(op, restore_threads):
    rng = np.random.default_rng(0)
    x = pt.constant(rng.uniform(0.1, 3.0, 1_000_003).astype(np.float32))
    fn = getattr(pt.math, op)
    results = []
    for threads in (1, 2, 3):
        _core.set_num_threads(threads)
        results.append(fn(x).numpy().copy())
    for r in results[1:]:
        assert np.array_equal(r.view(np.uint32), results[0].view(np.uint32))


def test_denormals_are_flushed_in_kernels():
    x = pt.constant(np.array([1e-39, 1.0], np.float32))  # 1e-39 is a float32 denormal
    assert x.numpy()[0] != 0.0
    out = (x * 1.0).numpy()
    assert out[0] == 0.0 and out[1] == 1.0
    # Python and numpy on the calling thread keep IEEE behaviour.
    assert np.float32(1e-39) * np.float32(1.0) != 0.0


def test_set_num_threads_rejects_zero():
    with pytest.raises(ValueError, match="thread"):
        _core.set_num_threads(0)
