"""Autodiff step overhead, side by side with PyTorch (when importable) in one run.

    python3 bench/autodiff.py                    # pytensor (and torch if importable)
    /tmp/pt-peers/bin/python bench/autodiff.py   # inside bench/peers.sh's venv (torch==2.13.0)
    python3 bench/autodiff.py --repeats 21 --min-time 0.3 --threads 1
    python3 bench/autodiff.py --threads 1 --cpu-time # the thread's CPU time: steady on a busy machine

The step (issue 3's figure): on a (2, 2) float32 Variable x,
    with tape: y = reduce_sum(square(x));  tape.gradient(y, x)
and PyTorch's equivalent (x with requires_grad; y = torch.sum(torch.square(x)); torch.autograd.grad(y, x)). Reports the median µs per step over repeats (each repeat calibrated to last
>= --min-time) and the ratio peer / pytensor (> 1: pytensor is faster). Target: <= 10 µs per step.
Every gradient is checked against 2 x once before timing.
"""
import argparse
import time

from _threads import THREADS, pt, torch, measure  # noqa: E402  (sets thread env vars first)

import numpy as np  # noqa: E402

TARGET_US = 10.0




EXPECTED = 2 * np.array([[1.0, 2.0], [3.0, 4.0]], np.float32)


def pytensor_step(reduce=True):
    """The timed step; reduce=False differentiates square(x) itself (the tape sums the target)."""
    GradientTape = getattr(pt, "GradientTape", None)
    if GradientTape is None:
        from pytensor.gradient_tape import GradientTape
    x = pt.Variable(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32))
    reduce_sum, square = pt.reduce_sum, pt.square

    def step():
        with GradientTape() as tape:
            y = reduce_sum(square(x)) if reduce else square(x)
        return tape.gradient(y, x)

    g = step()
    if g is None:
        raise RuntimeError("the gradient is None (an op of the step has no gradient formula yet)")
    np.testing.assert_allclose(g.numpy(), EXPECTED)
    return step


def torch_step(reduce=True):
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=torch.float32, requires_grad=True)
    ones = torch.ones(2, 2)

    def step():
        if reduce:
            return torch.autograd.grad(torch.sum(torch.square(x)), x)[0]
        return torch.autograd.grad(torch.square(x), x, grad_outputs=ones)[0]

    np.testing.assert_allclose(step().numpy(), EXPECTED)
    return step


CASES = [("reduce_sum(square(x))", True, True),          # the figure
         ("square(x), target summed", False, False)]     # informational: no reduction op


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--min-time", type=float, default=0.2)
    ap.add_argument("--threads", type=int, default=THREADS)
    ap.add_argument("--cpu-time", action="store_true",
                    help="time in the calling thread's CPU time (time.thread_time), which descheduling on a busy "
                         "machine does not inflate; only meaningful with --threads 1")
    args = ap.parse_args()
    clock = time.thread_time if args.cpu_time else time.perf_counter

    print(f"autodiff step: with tape: y = f(x); tape.gradient(y, x) on a (2, 2) float32 Variable; "
          f"{THREADS} threads, median of {args.repeats}; torch "
          f"{torch.__version__ if torch else 'not importable (run inside bench/peers.sh venv)'}")
    print(f"  {'case':28s} {'pytensor µs':>12s} {'torch µs':>10s} {'torch/pytensor':>15s}")
    for label, reduce, targeted in CASES:
        try:
            t_pt = measure(pytensor_step(reduce), args.min_time, args.repeats, clock=clock) * 1e6
            pt_s = f"{t_pt:12.2f}"
        except Exception as e:  # noqa: BLE001 - a missing gradient shows as n/a
            t_pt, pt_s = None, f"{'n/a':>12s}"
            print(f"  ({label}: pytensor n/a: {type(e).__name__}: {e})")
        t_th = measure(torch_step(reduce), args.min_time, args.repeats, clock=clock) * 1e6 if torch else None
        th_s = f"{t_th:10.2f}" if t_th else f"{'n/a':>10s}"
        ratio = f"{t_th / t_pt:14.2f}x" if t_pt and t_th else f"{'n/a':>15s}"
        note = ""
        if targeted and t_pt is not None:
            note = f"  ({'meets' if t_pt <= TARGET_US else 'misses'} the <= {TARGET_US:g} µs target)"
        print(f"  {label:28s} {pt_s} {th_s} {ratio}{note}")


if __name__ == "__main__":
    main()
