"""Shared start-up of the side-by-side benchmarks: one thread count for every library, set before they load.

Thread pools (OpenMP, OpenBLAS, MKL) read their environment variables at import, so `--threads N` is
read from argv and exported here, before numpy / torch / pytensor are imported by the caller.
"""
import os
import statistics
import sys
import time


def _threads_from_argv(argv):
    for i, a in enumerate(argv):
        if a == "--threads" and i + 1 < len(argv):
            return int(argv[i + 1])
        if a.startswith("--threads="):
            return int(a.split("=", 1)[1])
    return 2


THREADS = _threads_from_argv(sys.argv[1:])
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ[_var] = str(THREADS)

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if REPO not in sys.path:
    sys.path.insert(0, REPO)

import pytensor as pt  # noqa: E402

pt._core.set_num_threads(THREADS)
try:
    import torch
    torch.set_num_threads(THREADS)
except ImportError:
    torch = None


def settle():
    """Waits until the worker threads of the library timed before have stopped spinning (OpenBLAS's spin for
    up to ~0.1 s, OpenMP's for milliseconds) so they do not take the cores from the library timed next."""
    time.sleep(0.15)


def measure(fn, min_time=0.2, repeats=7, clock=time.perf_counter):
    """Median seconds per call of fn() over `repeats` repeats of n calls, n calibrated to last >= min_time."""
    settle()
    fn()  # warm up (allocations, lazy init)
    n = 1
    while True:
        t0 = clock()
        for _ in range(n):
            fn()
        dt = clock() - t0
        if dt >= min_time or n >= 1 << 24:
            break
        n = max(n * 2, int(n * min_time / max(dt, 1e-9) * 1.2))
    times = [dt / n]
    for _ in range(repeats - 1):
        t0 = clock()
        for _ in range(n):
            fn()
        times.append((clock() - t0) / n)
    return statistics.median(times)


def median_time(fn, repeats, inner=5, clock=time.perf_counter):
    """Median seconds per call of fn() over `repeats` samples of `inner` calls each (after one warm-up call)."""
    settle()
    fn()
    samples = []
    for _ in range(repeats):
        t0 = clock()
        for _ in range(inner):
            fn()
        samples.append((clock() - t0) / inner)
    return statistics.median(samples)
