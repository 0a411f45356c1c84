"""A gradient through tf.while_loop inside tf.function against the same step run eagerly: a tanh recurrence
h = tanh(h @ W) (batch 8, width 16) over n iterations, loss sum(h), gradient by W (the tape inside the function, as a
train step has it). The traced backward loop reads the loop variables the forward run recorded, so its time grows
linearly with n, as the eager tape's does.

    python bench/control_flow.py
"""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))  # this source tree's pytensor
from _timing import measure  # noqa: E402

import pytensor as tf  # noqa: E402


def main():
    w = tf.Variable(np.random.default_rng(0).standard_normal((16, 16)).astype(np.float32) * 0.1)
    h0 = tf.constant(np.ones((8, 16), np.float32))

    def step(n):
        with tf.GradientTape() as tape:
            _, h = tf.while_loop(lambda i, h: i < n, lambda i, h: (i + 1, tf.tanh(tf.matmul(h, w))),
                                 [tf.constant(0), h0])
            loss = tf.reduce_sum(h)
        return tape.gradient(loss, w)

    traced = tf.function(step)
    print(f"{'iterations':>10} {'eager ms':>10} {'traced ms':>10}")
    for n in (10, 50, 200):
        count = tf.constant(n)
        eager_s = measure(lambda: step(count))
        traced_s = measure(lambda: traced(count))
        print(f"{n:>10} {eager_s * 1e3:>10.3f} {traced_s * 1e3:>10.3f}")


if __name__ == "__main__":
    main()
