"""sgemm throughput: pytensor.matmul vs numpy (OpenBLAS) and, when importable, PyTorch.

Usage: python bench/gemm.py [--threads 2] [--sizes 256,512,1024,2048] [--runs 7] [--dtype float32] [--small]

After the square sizes, a second table times the products of a training step of the seeds' MLP
(784 -> 512 relu -> 10, batch 128) and of `predict` (batch 32): the first layer's forward and filter
gradient on random inputs and on real MNIST pixels (about 81 % exact zeros, which pytensor skips; see
csrc/backend/cpu/sparse_gemm.h), and the classifier head's three skinny products (skinny_gemm.h). A third table times small products (--small): an RNN
cell's x_t @ W (32 x 64 x 64) and its gradients' transposed forms (dh @ U^T, h^T @ dz), and sizes around the limits
of the in-place path (gemm.cpp's kInPlaceProduct); use --threads 1 for the figures of a one-thread step.
MNIST is read from ../shared/data/mnist.npz beside the repository, or $MNIST_NPZ; without it those rows
are skipped.

Every library is pinned to the same thread count, timed in the same process with the
libraries interleaved round by round (so a noisy neighbour hits all of them alike), and
reported as the median GFLOPS over the rounds with the ratios to numpy.
"""
import argparse
import os
import sys
import time


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--sizes", default="256,512,1024,2048")
    p.add_argument("--runs", type=int, default=7, help="rounds; the median is reported")
    p.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    p.add_argument("--min-time", type=float, default=0.2, help="seconds per timed batch of calls")
    p.add_argument("--small", action="store_true", help="only the small-products table")
    return p.parse_args()


args = parse_args()
# Thread pools read these at import time, so set them before importing any library.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(args.threads)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import numpy as np  # noqa: E402

import pytensor as pt  # noqa: E402

pt._core.set_num_threads(args.threads)
try:
    import torch  # noqa: E402

    torch.set_num_threads(args.threads)
except ImportError:
    torch = None


def calls_per_batch(fn, min_time):
    """How many calls make one timed batch last about min_time seconds."""
    fn()
    t0 = time.perf_counter()
    fn()
    one = max(time.perf_counter() - t0, 1e-7)
    return max(1, int(min_time / one))


def time_round_robin(fns, libs):
    """Median seconds per call of each library's function, the libraries interleaved round by round."""
    reps = {lib: calls_per_batch(fns[lib], args.min_time) for lib in libs}
    times = {lib: [] for lib in libs}
    for _ in range(args.runs):
        for lib in libs:
            fn, r = fns[lib], reps[lib]
            # Idle worker threads of the library timed before spin for up to ~0.1 s (OpenBLAS) on the cores
            # this one needs: let them go to sleep first.
            time.sleep(0.15)
            t0 = time.perf_counter()
            for _ in range(r):
                fn()
            times[lib].append((time.perf_counter() - t0) / r)
    return {lib: float(np.median(times[lib])) for lib in libs}


def model_products(rng):
    """(label, a, b, transpose_a, transpose_b) for the MLP's products."""
    dt = args.dtype
    h = np.maximum(rng.standard_normal((128, 512)), 0).astype(dt)
    w1, w2 = rng.standard_normal((784, 512)).astype(dt), rng.standard_normal((512, 10)).astype(dt)
    dh, dlogits = rng.standard_normal((128, 512)).astype(dt), rng.standard_normal((128, 10)).astype(dt)
    cases = [("x @ W1, random x", rng.random((128, 784)).astype(dt), w1, False, False),
             ("x^T @ dh, random x", rng.random((128, 784)).astype(dt), dh, True, False)]
    path = os.environ.get("MNIST_NPZ", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared",
                                                    "data", "mnist.npz"))
    if os.path.exists(path):
        with np.load(path) as f:
            pixels = (f["x_train"][:128].reshape(128, 784) / 255).astype(dt)
        cases += [("x @ W1, MNIST x", pixels, w1, False, False), ("x^T @ dh, MNIST x", pixels, dh, True, False),
                  ("x @ W1, MNIST x, batch 32", pixels[:32].copy(), w1, False, False)]
    cases += [("h @ W2", h, w2, False, False), ("dlogits @ W2^T", dlogits, w2, False, True),
              ("h^T @ dlogits", h, dlogits, True, False)]
    return cases


def time_product(a, b, ta, tb, libs, tol):
    """Seconds per call of a @ b (a, b transposed first where ta, tb) in each of `libs`, pytensor's result checked
    against numpy's within `tol`."""
    an, bn = (a.T if ta else a), (b.T if tb else b)
    fns = {"numpy": lambda: an @ bn}
    pa, pb = pt.constant(a), pt.constant(b)
    fns["pytensor"] = lambda: pt.matmul(pa, pb, transpose_a=ta, transpose_b=tb)
    np.testing.assert_allclose(fns["pytensor"]().numpy(), an @ bn, rtol=tol, atol=tol)
    if torch is not None:
        xa, xb = torch.from_numpy(a), torch.from_numpy(b)
        xa, xb = (xa.t() if ta else xa), (xb.t() if tb else xb)
        fns["torch"] = lambda: torch.matmul(xa, xb)
    return time_round_robin(fns, libs)


def model_table(rng, libs):
    print(f"\nthe seeds' MLP products ({args.dtype}), {args.threads} threads, median of {args.runs} rounds; "
          f"microseconds per product and ratio to numpy")
    print(f"{'product':28s} {'shape (m, k, n)':>16s} " + " ".join(f"{lib:>10}" for lib in libs) + " " +
          " ".join(f"{lib + '/np':>12}" for lib in libs[1:]))
    for label, a, b, ta, tb in model_products(rng):
        t = time_product(a, b, ta, tb, libs, 1e-3)
        m, k = a.shape[::-1] if ta else a.shape
        shape = f"({m}, {k}, {b.shape[0] if tb else b.shape[1]})"
        print(f"{label:28s} {shape:>16s} " + " ".join(f"{t[lib] * 1e6:>10.1f}" for lib in libs) + " " +
              " ".join(f"{t['numpy'] / t[lib]:>11.2f}x" for lib in libs[1:]), flush=True)


# (m, n, k, transpose_a, transpose_b): an RNN cell's forward and gradient products, then larger small ones.
SMALL_PRODUCTS = [(32, 64, 64, False, False), (32, 64, 64, False, True), (64, 64, 32, True, False),
                  (64, 64, 64, False, False), (32, 256, 64, False, False), (32, 256, 64, False, True),
                  (32, 64, 256, False, False), (64, 256, 32, True, False), (128, 128, 128, False, False)]


def small_table(rng, libs):
    print(f"\nsmall products ({args.dtype}), {args.threads} threads, median of {args.runs} rounds; microseconds per "
          f"product (Python call included) and ratio to numpy")
    print(f"{'(m, n, k) transposes':28s} " + " ".join(f"{lib:>10}" for lib in libs) + " " +
          " ".join(f"{lib + '/np':>12}" for lib in libs[1:]))
    for m, n, k, ta, tb in SMALL_PRODUCTS:
        a = rng.standard_normal((k, m) if ta else (m, k)).astype(args.dtype)
        b = rng.standard_normal((n, k) if tb else (k, n)).astype(args.dtype)
        t = time_product(a, b, ta, tb, libs, 1e-4)
        label = f"({m}, {n}, {k}){' A^T' if ta else ''}{' B^T' if tb else ''}"
        print(f"{label:28s} " + " ".join(f"{t[lib] * 1e6:>10.2f}" for lib in libs) + " " +
              " ".join(f"{t['numpy'] / t[lib]:>11.2f}x" for lib in libs[1:]), flush=True)


def main():
    libs = ["numpy", "pytensor"] + (["torch"] if torch is not None else [])
    rng = np.random.default_rng(0)
    if args.small:
        small_table(rng, libs)
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"sgemm ({args.dtype}), {args.threads} threads, median of {args.runs} rounds; GFLOPS and ratio to numpy")
    header = f"{'n':>6} " + " ".join(f"{lib:>10}" for lib in libs) + " " + " ".join(
        f"{lib + '/np':>12}" for lib in libs[1:])
    print(header)
    for n in sizes:
        a = rng.standard_normal((n, n)).astype(args.dtype)
        b = rng.standard_normal((n, n)).astype(args.dtype)
        fns = {"numpy": lambda: a @ b}
        ta, tb = pt.constant(a), pt.constant(b)
        fns["pytensor"] = lambda: pt.matmul(ta, tb)
        if torch is not None:
            xa, xb = torch.from_numpy(a), torch.from_numpy(b)
            fns["torch"] = lambda: torch.matmul(xa, xb)
        times = time_round_robin(fns, libs)
        gflops = {lib: 2.0 * n ** 3 / times[lib] / 1e9 for lib in libs}
        row = f"{n:>6} " + " ".join(f"{gflops[lib]:>10.1f}" for lib in libs) + " " + " ".join(
            f"{gflops[lib] / gflops['numpy']:>11.2f}x" for lib in libs[1:])
        print(row, flush=True)
    model_table(rng, libs)
    small_table(rng, libs)


if __name__ == "__main__":
    main()
