"""Speed on a busy machine: pytensor and PyTorch alone and beside one and two busy-loop processes.

Workloads (each library in its own subprocess, `--threads` threads, denormals flushed):
  * epoch:   one epoch of the seeds' MNIST MLP (bench/mnist_mlp.py's model and loops: Keras `fit` batch 128 /
             PyTorch's hand loop), the median of epochs 2..N;
  * predict: the 10 000 test images in batches of 32 (mnist_mlp.py's `predict_s`);
  * conv:    bench/conv.py's two-layer step (conv 3x3 -> max_pool 2 -> conv 3x3 -> max_pool 2, forward and both
             filter gradients, batch 128; pytensor through conv2d_max_pool as Keras's Conv2D -> MaxPooling2D runs it).
Each round runs every condition (0, 1, 2 busy loops) and, within it, each library; the table gives the medians over
the rounds, their ratio to the quiet figure, and the 1-minute load average seen at the start of each condition.
The machine is shared: check `uptime` first, and compare ratios of one run, not figures of different runs.

With --baseline-tree PATH, pytensor from that tree (e.g. an export of an earlier commit, its _core linked in) runs
too, as "baseline", interleaved with the others: before / after in one run.

Run: python3 bench/contention.py [--rounds 3] [--threads 2] [--epochs 3] [--peer-python /work/peers-venv/bin/python]
     [--baseline-tree PATH]
"""
import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time

from _peers import run_worker

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
WORKLOADS = ("epoch", "predict", "conv")


def conv_step(library):
    """A function running bench/conv.py's two-layer step once in `library`."""
    import numpy as np
    rng = np.random.default_rng(0)
    x_np = rng.standard_normal((128, 28, 28, 1)).astype(np.float32)
    w1_np = rng.standard_normal((3, 3, 1, 32)).astype(np.float32) * 0.3
    w2_np = rng.standard_normal((3, 3, 32, 64)).astype(np.float32) * 0.06
    if library == "pytensor":
        import pytensor as pt
        x, w1, w2 = pt.constant(x_np), pt.Variable(w1_np), pt.Variable(w2_np)

        def step():
            with pt.GradientTape() as tape:
                h = pt._core.conv2d_max_pool(x, w1, 1, "VALID", 1, 2, 2, "VALID")
                loss = pt.reduce_sum(pt._core.conv2d_max_pool(h, w2, 1, "VALID", 1, 2, 2, "VALID"))
            return tape.gradient(loss, [w1, w2])
        return step
    import torch
    functional = torch.nn.functional
    tx = torch.from_numpy(np.ascontiguousarray(x_np.transpose(0, 3, 1, 2)))
    tw1 = torch.from_numpy(np.ascontiguousarray(w1_np.transpose(3, 2, 0, 1))).requires_grad_(True)
    tw2 = torch.from_numpy(np.ascontiguousarray(w2_np.transpose(3, 2, 0, 1))).requires_grad_(True)

    def step():
        tw1.grad = tw2.grad = None
        h = functional.max_pool2d(functional.conv2d(tx, tw1), 2)
        functional.max_pool2d(functional.conv2d(h, tw2), 2).sum().backward()
        return tw1.grad, tw2.grad
    return step


def worker(args):
    """Measures the three workloads in this process and prints them as JSON."""
    sys.path.insert(0, HERE)
    import mnist_mlp
    run = mnist_mlp.run_torch if args.worker == "torch" else mnist_mlp.run_keras
    mlp = run(argparse.Namespace(worker=args.worker, epochs=args.epochs, threads=args.threads, model="sequential",
                                 run_eagerly=False))
    step = conv_step(args.worker)
    step()
    conv = []
    for _ in range(args.conv_repeats):
        start = time.perf_counter()
        step()
        conv.append(time.perf_counter() - start)
    print(json.dumps({"epoch": statistics.median(mlp["times"][1:]), "predict": mlp["predict_s"],
                      "conv": statistics.median(conv)}))


def spawn(python, library, tree, args):
    result, error = run_worker(python, __file__, library, args.threads,
                               ["--epochs", str(args.epochs), "--conv-repeats", str(args.conv_repeats)], tree=tree)
    if error:
        raise RuntimeError(f"{library} worker failed: {error}")
    return result


def busy_loops(count):
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=3, help="MLP epochs per run; the first is not timed")
    ap.add_argument("--conv-repeats", type=int, default=15)
    ap.add_argument("--busy", default="0,1,2", help="numbers of busy-loop processes to run beside")
    ap.add_argument("--peer-python", default="/work/peers-venv/bin/python")
    ap.add_argument("--baseline-tree", help="a pytensor tree to time beside this one (label: baseline)")
    ap.add_argument("--only", choices=["pytensor", "torch"])
    ap.add_argument("--worker", choices=["pytensor", "torch"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        return worker(args)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # so that the busy loops are stopped on the way out
    # (label, python, library, tree on PYTHONPATH)
    libraries = [(lib, py, lib, REPO) for lib, py in (("pytensor", sys.executable), ("torch", args.peer_python))
                 if args.only in (None, lib) and os.path.exists(py)]
    if args.baseline_tree:
        libraries.insert(1, ("baseline", sys.executable, "pytensor", os.path.abspath(args.baseline_tree)))
    conditions = [int(b) for b in args.busy.split(",")]
    results = {(lib, b, w): [] for lib, *_ in libraries for b in conditions for w in WORKLOADS}
    loads = {b: [] for b in conditions}
    print(f"uptime at start: {open('/proc/loadavg').read().strip()}", flush=True)
    for round_ in range(args.rounds):
        for busy in conditions:
            loops = busy_loops(busy)
            try:
                time.sleep(0.5)
                loads[busy].append(float(open("/proc/loadavg").read().split()[0]))
                for lib, python, library, tree in libraries:
                    for w, seconds in spawn(python, library, tree, args).items():
                        results[(lib, busy, w)].append(seconds)
            finally:
                for p in loops:
                    p.kill()
                    p.wait()
            print(f"round {round_ + 1}, {busy} busy: " + ", ".join(
                f"{lib} {w} {results[(lib, busy, w)][-1] * 1e3:.0f} ms" for lib, *_ in libraries for w in WORKLOADS),
                flush=True)
    print(f"\n{args.threads} threads, median of {args.rounds} rounds (ms); ratio = busy / quiet; "
          "1-min load average at each condition's start: " +
          ", ".join(f"{b} busy {statistics.median(loads[b]):.1f}" for b in conditions))
    header = f"{'workload':9s} {'library':9s}" + "".join(f" {str(b) + ' busy':>9s}" for b in conditions) + "".join(
        f" {'ratio ' + str(b):>8s}" for b in conditions if b)
    print(header)
    for w in WORKLOADS:
        for lib, *_ in libraries:
            med = {b: statistics.median(results[(lib, b, w)]) for b in conditions}
            quiet = med.get(0)
            row = f"{w:9s} {lib:9s}" + "".join(f" {med[b] * 1e3:9.1f}" for b in conditions)
            if quiet:
                row += "".join(f" {med[b] / quiet:8.2f}" for b in conditions if b)
            print(row)


if __name__ == "__main__":
    main()
