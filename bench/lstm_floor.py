"""How far the LSTM of issue 26's table is from its matrix-product floor, in pytensor and PyTorch.

One training batch of the table's LSTM(64) (batch 64, 100 steps, 64 inputs, 64 units) does six products of
64 x 64 x 256 multiply-adds per (sequence, step): the input projection, its input gradient and its weight
gradient (each one 6 400 x 64 x 256 GEMM), and the recurrent product, its input gradient and its weight
gradient (100 small 64 x 64 x 256 GEMMs each in a time loop; the weight gradient may be one GEMM at the end).
This times, per framework, in its own process:
  layer: the LSTM's forward + backward on one batch (PyTorch: nn.LSTM; pytensor: keras LSTM under a tape),
  floor: the same six products alone in that framework's matmul (4 large + 200 small), nothing else.
The floor is what the layer costs with everything but the products free: a layer k times faster than PyTorch's
needs its own products k times faster than PyTorch's layer, i.e. floor(ours) <= layer(torch) / k.

Run: python3 bench/lstm_floor.py [--threads 1] [--cpu-time] [--peer-python /work/peers-venv/bin/python]
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from _timing import measure  # noqa: E402

BATCH, STEPS, WIDTH, UNITS = 64, 100, 64, 64


def _arrays():
    rng = np.random.default_rng(0)
    big = rng.normal(size=(BATCH * STEPS, WIDTH)).astype(np.float32)
    small = rng.normal(size=(BATCH, UNITS)).astype(np.float32)
    weight = rng.normal(size=(WIDTH, 4 * UNITS)).astype(np.float32) * 0.1
    gates = rng.normal(size=(BATCH * STEPS, 4 * UNITS)).astype(np.float32)
    return big, small, weight, gates


def run_torch(args):
    import torch
    torch.set_num_threads(args.threads)
    big, small, weight, gates = (torch.from_numpy(a) for a in _arrays())
    lstm = torch.nn.LSTM(WIDTH, UNITS, batch_first=True)
    x = big.reshape(BATCH, STEPS, WIDTH).clone().requires_grad_(True)

    def layer():
        out, _ = lstm(x)
        out.sum().backward()

    def floor():
        torch.mm(big, weight)  # input projection
        torch.mm(gates, weight.t())  # its input gradient
        torch.mm(big.t(), gates)  # its weight gradient
        torch.mm(big.t(), gates)  # the recurrent weight gradient, one GEMM
        for _ in range(STEPS):
            torch.mm(small, weight)  # recurrent product
            torch.mm(gates[:BATCH], weight.t())  # its input gradient
    return {"layer": measure(layer, clock=args.clock), "floor": measure(floor, clock=args.clock)}


def run_pytensor(args):
    sys.path.insert(0, os.path.dirname(HERE))
    import pytensor as tf
    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    big, small, weight, gates = (tf.constant(a) for a in _arrays())
    lstm = tf.keras.layers.LSTM(UNITS, return_sequences=True)
    x = tf.Variable(tf.reshape(big, (BATCH, STEPS, WIDTH)))
    lstm(x)

    def layer():
        with tf.GradientTape() as tape:
            total = tf.reduce_sum(lstm(x))
        tape.gradient(total, [x] + lstm.trainable_variables)

    def floor():
        tf.matmul(big, weight)
        tf.matmul(gates, weight, transpose_b=True)
        tf.matmul(big, gates, transpose_a=True)
        tf.matmul(big, gates, transpose_a=True)
        for _ in range(STEPS):
            tf.matmul(small, weight)
            tf.matmul(gates[:BATCH], weight, transpose_b=True)
    return {"layer": measure(layer, clock=args.clock), "floor": measure(floor, clock=args.clock)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--cpu-time", action="store_true", help="process CPU time (a busy machine; use --threads 1)")
    ap.add_argument("--peer-python", default="/work/peers-venv/bin/python")
    ap.add_argument("--worker", choices=["pytensor", "torch"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    args.clock = time.process_time if args.cpu_time else time.perf_counter
    if args.worker:
        print(json.dumps((run_torch if args.worker == "torch" else run_pytensor)(args)))
        return
    flags = ["--threads", str(args.threads)] + (["--cpu-time"] if args.cpu_time else [])
    results = {}
    for name, python in (("pytensor", sys.executable), ("torch", args.peer_python)):
        out = subprocess.run([python, __file__, "--worker", name] + flags, capture_output=True, text=True, check=True)
        results[name] = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"LSTM({UNITS}), batch {BATCH} x {STEPS} steps, forward + backward, {args.threads} thread(s), "
          f"{'CPU' if args.cpu_time else 'wall'} ms per batch")
    print(f"{'':10}{'layer':>9}{'floor':>9}{'layer/floor':>13}")
    for name, r in results.items():
        print(f"{name:10}{r['layer'] * 1e3:9.2f}{r['floor'] * 1e3:9.2f}{r['layer'] / r['floor']:13.2f}")
    torch_layer = results["torch"]["layer"]
    print(f"pytensor's layer vs PyTorch's: {torch_layer / results['pytensor']['layer']:.2f}x faster; "
          f"the most a layer on pytensor's products can reach: {torch_layer / results['pytensor']['floor']:.2f}x; "
          f"on PyTorch's: {torch_layer / results['torch']['floor']:.2f}x")


if __name__ == "__main__":
    main()
