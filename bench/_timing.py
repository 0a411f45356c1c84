"""The timing loops every benchmark shares; no library imports, so a peer's Python (TensorFlow's venv) and a child
process timing another build can use them too."""
import statistics
import time


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
