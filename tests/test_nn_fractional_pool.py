"""tf.nn.fractional_max_pool / fractional_avg_pool: the window boundaries follow Graham's rule (TF draws its own, so
the boundaries themselves are checked, not TF's), the output is numpy's max / mean over those windows, the output
shape is TF's, and gradients reach the window maxima."""

import math

import numpy as np
import pytest

import pytensor as tf

X = np.random.default_rng(4).normal(size=(2, 10, 9, 3)).astype(np.float32)


def _windows(bounds, size, overlapping):
    return [(int(a), min(int(b) + overlapping, size)) for a, b in zip(bounds[:-1], bounds[1:])]


def _numpy_pool(x, rows, cols, overlapping, reduce):
    out = np.empty((x.shape[0], len(rows) - 1, len(cols) - 1, x.shape[3]), x.dtype)
    for i, (r0, r1) in enumerate(_windows(rows, x.shape[1], overlapping)):
        for j, (c0, c1) in enumerate(_windows(cols, x.shape[2], overlapping)):
            out[:, i, j] = reduce(x[:, r0:r1, c0:c1], axis=(1, 2))
    return out


@pytest.mark.parametrize("pseudo_random", [False, True])
@pytest.mark.parametrize("overlapping", [False, True])
@pytest.mark.parametrize("kind", ["max", "avg"])
def test_fractional_pool_windows_and_values(kind, pseudo_random, overlapping):
    fn = getattr(tf.nn, f"fractional_{kind}_pool")
    out, rows, cols = fn(X, [1.0, 1.44, 1.73, 1.0], pseudo_random=pseudo_random, overlapping=overlapping, seed=5)
    assert out.shape == (2, 6, 5, 3)  # TF's: floor(10 / 1.44), floor(9 / 1.73)
    for bounds, size, count in ((rows.numpy(), 10, 6), (cols.numpy(), 9, 5)):
        assert bounds[0] == 0 and bounds[-1] == size and len(bounds) == count + 1
        steps = np.diff(bounds)
        alpha = size / count
        assert set(steps.tolist()) <= {math.floor(alpha), math.ceil(alpha)}, steps
    reduce = np.max if kind == "max" else np.mean
    np.testing.assert_allclose(out.numpy(), _numpy_pool(X, rows.numpy(), cols.numpy(), overlapping, reduce),
                               rtol=1e-5, atol=1e-7)  # a mean of row means: float32 rounding differs


def test_fractional_max_pool_gradient_reaches_each_window_maximum():
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        out, rows, cols = tf.nn.fractional_max_pool(x, 1.5, seed=2)
        total = tf.reduce_sum(out)
    grad = tape.gradient(total, x).numpy()
    assert grad.sum() == pytest.approx(out.numpy().size)  # one unit per window (windows do not overlap)
    assert set(np.unique(grad).tolist()) <= {0.0, 1.0}


def test_fractional_pool_seeded_and_bad_ratio():
    tf.random.set_seed(3)
    first = tf.nn.fractional_avg_pool(X, 1.5, seed=7)[1].numpy()
    tf.random.set_seed(3)
    np.testing.assert_array_equal(first, tf.nn.fractional_avg_pool(X, 1.5, seed=7)[1].numpy())
    with pytest.raises(ValueError, match="fractional_max_pool: pooling_ratio"):
        tf.nn.fractional_max_pool(X, [2.0, 1.5, 1.5, 1.0])
    with pytest.raises(ValueError, match=r"\[batch, height, width, channels\]"):
        tf.nn.fractional_max_pool(X[0], 1.5)
