"""The CUDA backend side by side with PyTorch CUDA on one GPU: sgemm, batched matmul, element-wise add over 1e8
floats against the GPU's memory bandwidth, and the overhead of a small eager op.

Usage: python bench/cuda.py [--runs 7] [--sizes 1024,4096,8192] [--peak-gbs 3350]

Needs a CUDA build of pytensor (bench/cuda_check.sh builds one) and a GPU; PyTorch is timed when it is importable
with CUDA, else its columns read "-". Every figure is the median over --runs timed batches, each batch synchronised
with the GPU before the clock stops (pytensor: _core.gpu_synchronize, PyTorch: torch.cuda.synchronize), libraries
interleaved case by case. The add's bandwidth counts 12 bytes per element (two reads, one write); --peak-gbs is the
GPU's data-sheet bandwidth (H100 SXM 3350 GB/s, H100 PCIe 2000, H200 4800), guessed from the GPU's name when not given.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import numpy as np  # noqa: E402

import pytensor as pt  # noqa: E402

PEAK_GBS = {"H100 PCIe": 2000.0, "H100 NVL": 3900.0, "H100": 3350.0, "H200": 4800.0, "A100": 2039.0}


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--sizes", default="1024,4096,8192")
    p.add_argument("--peak-gbs", type=float, default=None)
    return p.parse_args()


def gpu_name():
    try:
        return subprocess.run(["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"], capture_output=True,
                              text=True, timeout=30).stdout.strip().splitlines()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "unknown GPU"


def timed(fn, sync, runs, min_time=0.2):
    """Median seconds per call of fn() over `runs` batches, each batch ending with sync()."""
    fn()
    sync()
    n = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        sync()
        dt = time.perf_counter() - t0
        if dt >= min_time or n >= 1 << 20:
            break
        n = max(2 * n, int(n * min_time / max(dt, 1e-9) * 1.2))
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        sync()
        samples.append((time.perf_counter() - t0) / n)
    return statistics.median(samples)


def main():
    args = parse_args()
    if pt._core.gpu_count() == 0:
        sys.exit("bench/cuda.py: pytensor sees no GPU (a CPU build, or no NVIDIA GPU / driver here)")
    try:
        import torch
        torch = torch if torch.cuda.is_available() else None
    except ImportError:
        torch = None
    name = gpu_name()
    peak = args.peak_gbs or next((v for k, v in PEAK_GBS.items() if k in name), None)
    print(f"GPU: {name}; PyTorch: {torch.__version__ if torch else 'not available with CUDA'}")
    pt_sync = pt._core.gpu_synchronize
    torch_sync = torch.cuda.synchronize if torch else None
    rng = np.random.default_rng(0)

    def row(case, unit, pt_value, torch_value, note=""):
        ratio = f"{pt_value / torch_value:6.2f}x" if torch_value else "     -"
        tv = f"{torch_value:12.1f}" if torch_value else f"{'-':>12}"
        print(f"{case:<34} {unit:<8} {pt_value:12.1f} {tv} {ratio} {note}")

    print(f"{'case':<34} {'unit':<8} {'pytensor':>12} {'torch':>12}  ratio (pytensor / torch; higher is better "
          f"except us)")
    for size in [int(s) for s in args.sizes.split(",")]:
        a_np = rng.standard_normal((size, size), dtype=np.float32)
        a = pt.constant(a_np)
        flops = 2.0 * size ** 3
        t_pt = timed(lambda: pt.matmul(a, a), pt_sync, args.runs)
        t_torch = None
        if torch:
            ta = torch.from_numpy(a_np).cuda()
            torch.backends.cuda.matmul.allow_tf32 = False  # TF's and pytensor's float32: no TF32
            t_torch = timed(lambda: ta @ ta, torch_sync, args.runs)
        row(f"sgemm {size}^3", "GFLOPS", flops / t_pt / 1e9, flops / t_torch / 1e9 if t_torch else None)
    batch, m = 256, 256
    b_np = rng.standard_normal((batch, m, m), dtype=np.float32)
    b = pt.constant(b_np)
    flops = 2.0 * batch * m ** 3
    t_pt = timed(lambda: pt.matmul(b, b), pt_sync, args.runs)
    t_torch = None
    if torch:
        tb = torch.from_numpy(b_np).cuda()
        t_torch = timed(lambda: tb @ tb, torch_sync, args.runs)
    row(f"batched matmul {batch}x{m}^3", "GFLOPS", flops / t_pt / 1e9, flops / t_torch / 1e9 if t_torch else None)

    n = 100_000_000
    x_np, y_np = rng.standard_normal(n, dtype=np.float32), rng.standard_normal(n, dtype=np.float32)
    x, y = pt.constant(x_np), pt.constant(y_np)
    t_pt = timed(lambda: pt.add(x, y), pt_sync, args.runs)
    t_torch = None
    if torch:
        tx, ty = torch.from_numpy(x_np).cuda(), torch.from_numpy(y_np).cuda()
        t_torch = timed(lambda: tx + ty, torch_sync, args.runs)
    gbs = 12.0 * n / t_pt / 1e9
    row("add 1e8 float32", "GB/s", gbs, 12.0 * n / t_torch / 1e9 if t_torch else None,
        f"= {gbs / peak:.2f} of the {peak:.0f} GB/s peak" if peak else "(peak unknown: pass --peak-gbs)")

    s = pt.constant(np.ones(16, np.float32))
    t_pt = timed(lambda: pt.add(s, s), pt_sync, args.runs)
    t_torch = None
    if torch:
        ts = torch.ones(16, device="cuda")
        t_torch = timed(lambda: ts + ts, torch_sync, args.runs)
    print(f"{'small add (16 floats), eager':<34} {'us/op':<8} {t_pt * 1e6:12.2f} "
          f"{(f'{t_torch * 1e6:12.2f}') if t_torch else f'{chr(45):>12}'}  (lower is better)")


if __name__ == "__main__":
    main()
