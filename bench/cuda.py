"""The CUDA backend side by side with PyTorch CUDA on one GPU: sgemm, batched matmul, element-wise add over 1e8
floats against the GPU's memory bandwidth, the overhead of a small eager op, conv2d and its two gradients at the
benchmark CNN's second layer (batch 128, 13x13x32 -> 3x3x64 VALID), and an epoch of the benchmark CNN's Keras `fit`
(bench/mnist_cnn.py's model, Adam, batch 128) against a PyTorch hand loop on synthetic MNIST-sized data.

Usage: python bench/cuda.py [--runs 7] [--sizes 1024,4096,8192] [--peak-gbs 3350] [--cnn-samples 8192]

Needs a CUDA build of pytensor (bench/cuda_check.sh builds one) and a GPU; PyTorch is timed when it is importable
with CUDA, else its columns read "-". Every figure is the median over --runs timed batches, each batch synchronised
with the GPU before the clock stops (pytensor: _core.gpu_synchronize, PyTorch: torch.cuda.synchronize), libraries
interleaved case by case (the CNN fit: its second epoch's seconds, the first traces and warms up). PyTorch's float32
matmuls and convolutions run without TF32, as pytensor's and TF's. The add's bandwidth counts 12 bytes per element
(two reads, one write); --peak-gbs is the GPU's data-sheet bandwidth (H100 SXM 3350 GB/s, H100 PCIe 2000, H200
4800), guessed from the GPU's name when not given.
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
    p.add_argument("--cnn-samples", type=int, default=8192, help="samples of the CNN fit's epoch")
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

    conv_cases(args, rng, torch, row)
    cnn_fit(args, rng, torch)


def conv_cases(args, rng, torch, row):
    """conv2d and its gradients at the benchmark CNN's second layer, NHWC / HWIO here, NCHW / OIHW in PyTorch."""
    n, h, c, k, co = 128, 13, 32, 3, 64
    x_np = rng.standard_normal((n, h, h, c), dtype=np.float32)
    w_np = rng.standard_normal((k, k, c, co), dtype=np.float32)
    oh = h - k + 1
    dy_np = rng.standard_normal((n, oh, oh, co), dtype=np.float32)
    flops = 2.0 * n * oh * oh * co * k * k * c
    x, w, dy = pt.constant(x_np), pt.constant(w_np), pt.constant(dy_np)
    ours = {"conv2d": lambda: pt.nn.conv2d(x, w, 1, "VALID"),
            "conv2d_backprop_input": lambda: pt.nn.conv2d_backprop_input([n, h, h, c], w, dy, 1, "VALID"),
            "conv2d_backprop_filter": lambda: pt.nn.conv2d_backprop_filter(x, [k, k, c, co], dy, 1, "VALID")}
    theirs = {}
    if torch:
        torch.backends.cudnn.allow_tf32 = False
        tx = torch.from_numpy(x_np).permute(0, 3, 1, 2).contiguous().cuda()
        tw = torch.from_numpy(w_np).permute(3, 2, 0, 1).contiguous().cuda()
        tdy = torch.from_numpy(dy_np).permute(0, 3, 1, 2).contiguous().cuda()
        grad = torch.nn.grad
        theirs = {"conv2d": lambda: torch.nn.functional.conv2d(tx, tw),
                  "conv2d_backprop_input": lambda: grad.conv2d_input(tx.shape, tw, tdy),
                  "conv2d_backprop_filter": lambda: grad.conv2d_weight(tx, tw.shape, tdy)}
    for name, fn in ours.items():
        t_pt = timed(fn, pt._core.gpu_synchronize, args.runs)
        t_torch = timed(theirs[name], torch.cuda.synchronize, args.runs) if torch else None
        row(f"{name} 128x13x13x32 * 3x3x64", "GFLOPS", flops / t_pt / 1e9, flops / t_torch / 1e9 if t_torch else None)


def cnn_fit(args, rng, torch):
    """Seconds per epoch of the benchmark CNN (the second of two epochs: the first traces and warms up)."""
    samples = args.cnn_samples
    x_np = rng.random((samples, 28, 28, 1), dtype=np.float32)
    y_np = rng.integers(0, 10, samples)
    keras, layers = pt.keras, pt.keras.layers
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(28, 28, 1)), layers.Conv2D(32, (3, 3), activation="relu"),
                              layers.MaxPooling2D((2, 2)), layers.Conv2D(64, (3, 3), activation="relu"),
                              layers.MaxPooling2D((2, 2)), layers.Flatten(), layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
    epochs = []
    for _ in range(2):
        start = time.perf_counter()
        model.fit(x_np, y_np, epochs=1, batch_size=128, verbose=0)
        pt._core.gpu_synchronize()
        epochs.append(time.perf_counter() - start)
    t_torch = None
    if torch:
        from torch import nn
        torch.manual_seed(0)
        net = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(),
                            nn.MaxPool2d(2), nn.Flatten(), nn.Linear(64 * 5 * 5, 10)).cuda()
        optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
        loss_fn = nn.CrossEntropyLoss()
        # As fit: each batch gathered from host arrays and copied to the GPU.
        tx = torch.from_numpy(x_np).permute(0, 3, 1, 2).contiguous()
        ty = torch.from_numpy(y_np)
        times = []
        for _ in range(2):
            start = time.perf_counter()
            order = torch.randperm(samples)
            for i in range(0, samples, 128):
                batch = order[i:i + 128]
                xb, yb = tx[batch].cuda(), ty[batch].cuda()
                optimizer.zero_grad()
                loss_fn(net(xb), yb).backward()
                optimizer.step()
            torch.cuda.synchronize()
            times.append(time.perf_counter() - start)
        t_torch = times[-1]
    ratio = f"{t_torch / epochs[-1]:6.2f}x" if t_torch else "     -"
    theirs = f"{t_torch:12.3f}" if t_torch else f"{'-':>12}"
    print(f"{f'CNN fit epoch ({samples} samples)':<34} {'s':<8} {epochs[-1]:12.3f} {theirs} {ratio} "
          f"(lower is better; ratio torch / pytensor; pytensor's first epoch {epochs[0]:.2f} s)")


if __name__ == "__main__":
    main()
