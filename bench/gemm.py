"""sgemm throughput: pytensor.matmul vs numpy (OpenBLAS) and, when importable, PyTorch.

Usage: python bench/gemm.py [--threads 2] [--sizes 256,512,1024,2048] [--runs 7] [--dtype float32]

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


def main():
    sizes = [int(s) for s in args.sizes.split(",")]
    libs = ["numpy", "pytensor"] + (["torch"] if torch is not None else [])
    print(f"sgemm ({args.dtype}), {args.threads} threads, median of {args.runs} rounds; GFLOPS and ratio to numpy")
    header = f"{'n':>6} " + " ".join(f"{lib:>10}" for lib in libs) + " " + " ".join(
        f"{lib + '/np':>12}" for lib in libs[1:])
    print(header)
    rng = np.random.default_rng(0)
    for n in sizes:
        a = rng.standard_normal((n, n)).astype(args.dtype)
        b = rng.standard_normal((n, n)).astype(args.dtype)
        fns = {"numpy": lambda: a @ b}
        ta, tb = pt.constant(a), pt.constant(b)
        fns["pytensor"] = lambda: pt.matmul(ta, tb)
        if torch is not None:
            xa, xb = torch.from_numpy(a), torch.from_numpy(b)
            fns["torch"] = lambda: torch.matmul(xa, xb)
        reps = {lib: calls_per_batch(fns[lib], args.min_time) for lib in libs}
        times = {lib: [] for lib in libs}
        for _ in range(args.runs):
            for lib in libs:
                fn, r = fns[lib], reps[lib]
                t0 = time.perf_counter()
                for _ in range(r):
                    fn()
                times[lib].append((time.perf_counter() - t0) / r)
        gflops = {lib: 2.0 * n ** 3 / float(np.median(times[lib])) / 1e9 for lib in libs}
        row = f"{n:>6} " + " ".join(f"{gflops[lib]:>10.1f}" for lib in libs) + " " + " ".join(
            f"{gflops[lib] / gflops['numpy']:>11.2f}x" for lib in libs[1:])
        print(row, flush=True)


if __name__ == "__main__":
    main()
