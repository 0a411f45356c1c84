"""Backward pass of a 784 -> 512 -> 10 MLP step at batch 128: tape.gradient vs the same kernels called by hand.

The issue's target: the tape's backward costs <= 1.1x the sum of its raw kernel times (no overhead
beyond the kernels). Both sides compute the same gradients with the same ops; the hand-written side has
no tape, no recording and no bookkeeping.

Run: python bench/mlp_backward.py [--threads 2] [--repeats 30]
"""
import argparse
import statistics
import time

import numpy as np

import pytensor as pt
from pytensor import _core


def median_time(fn, repeats, inner=5):
    fn()
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        samples.append((time.perf_counter() - t0) / inner)
    return statistics.median(samples)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=30)
    args = ap.parse_args()
    _core.set_num_threads(args.threads)

    rng = np.random.default_rng(0)
    x = pt.constant(rng.standard_normal((128, 784)).astype(np.float32))
    y = pt.constant(rng.standard_normal((128, 10)).astype(np.float32))
    w1 = pt.Variable(rng.standard_normal((784, 512)).astype(np.float32) * 0.05)
    b1 = pt.Variable(np.zeros(512, np.float32))
    w2 = pt.Variable(rng.standard_normal((512, 10)).astype(np.float32) * 0.05)
    b2 = pt.Variable(np.zeros(10, np.float32))
    params = [w1, b1, w2, b2]

    tape = pt.GradientTape(persistent=True)
    with tape:
        z1 = pt.matmul(x, w1) + b1
        h = pt.nn.relu(z1)
        out = pt.matmul(h, w2) + b2
        loss = pt.reduce_mean(pt.square(out - y))

    def taped():
        return tape.gradient(loss, params)

    # The same backward, by hand: the kernels the tape's formulas run, without a tape.
    W1, W2 = w1.read_value(), w2.read_value()
    n = float(np.prod(out.shape))

    def by_hand():
        d = pt.fill((), 1.0, pt.float32)
        g_sq = pt.broadcast_to(pt.reshape(d, (1, 1)), out.shape) * pt.constant(1.0 / n)
        g_out = g_sq * ((out - y) * 2.0)
        g_w2 = pt.matmul(h, g_out, transpose_a=True)
        g_b2 = pt.reshape(pt.reduce_sum(g_out, axis=0, keepdims=True), (10,))
        g_h = pt.matmul(g_out, W2, transpose_b=True)
        g_z1 = pt.where(z1 > 0.0, g_h, pt.zeros_like(g_h))
        g_w1 = pt.matmul(x, g_z1, transpose_a=True)
        g_b1 = pt.reshape(pt.reduce_sum(g_z1, axis=0, keepdims=True), (512,))
        return g_w1, g_b1, g_w2, g_b2

    for a, b in zip(taped(), by_hand()):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-6)
    del W1
    t_tape = median_time(taped, args.repeats)
    t_hand = median_time(by_hand, args.repeats)
    print(f"MLP 784-512-10 backward, batch 128, {args.threads} threads, median of {args.repeats}")
    print(f"  tape.gradient        {t_tape * 1e3:8.3f} ms")
    print(f"  same kernels by hand {t_hand * 1e3:8.3f} ms")
    print(f"  ratio                {t_tape / t_hand:8.3f}x  (target <= 1.1x)")


if __name__ == "__main__":
    main()
