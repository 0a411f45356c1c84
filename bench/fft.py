"""Fourier transforms: pytensor (pocketfft kernels, tf.signal) beside numpy.fft and, with --peer-python, torch.fft.

    python bench/fft.py                                           # 2 threads, wall clock
    python bench/fft.py --threads 1 --clock cpu                   # robust on a busy machine (CPU time)
    python bench/fft.py --peer-python /work/peers-venv/bin/python # adds torch.fft, timed in that Python

Cases: batched complex64 FFTs of a power-of-two and a prime length, float32 rfft / irfft, a 2-D complex FFT, and
an STFT. Each pytensor result is checked against numpy once before it is timed. Medians of 7 repeats
(bench/_timing.py); the ratio columns are peer time / pytensor time (> 1: pytensor is faster).
"""
import argparse
import json
import os
import subprocess
import sys
import time

from _threads import THREADS, measure, pt  # noqa: E402  (sets thread env vars first)
from _fft_cases import CASES, inputs  # noqa: E402

import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def pytensor_fn(case):
    kind, x = inputs(case)
    t = pt.constant(x)
    if kind == "fft":
        fn, want = (lambda: pt.signal.fft(t)), np.fft.fft(x)
    elif kind == "fft2":
        fn, want = (lambda: pt.signal.fft2d(t)), np.fft.fft2(x)
    elif kind == "rfft":
        fn, want = (lambda: pt.signal.rfft(t)), np.fft.rfft(x)
    elif kind == "irfft":
        fn, want = (lambda: pt.signal.irfft(t)), np.fft.irfft(x)
    else:
        fn = lambda: pt.signal.stft(t, 400, 160, fft_length=512)  # noqa: E731
        want = None
    if want is not None:
        got = fn().numpy()
        scale = np.abs(want).max()
        if got.shape != want.shape or np.abs(got - want).max() > 1e-4 * scale:
            raise AssertionError(f"{case}: pytensor's result differs from numpy's; not timing a wrong answer")
    return fn


def numpy_fn(case):
    kind, x = inputs(case)
    if kind == "stft":
        window = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(400) / 400)).astype(np.float32)
        index = np.arange(0, x.shape[-1] - 400 + 1, 160)[:, None] + np.arange(400)
        return lambda: np.fft.rfft(x[..., index] * window, n=512)
    return {"fft": lambda: np.fft.fft(x), "fft2": lambda: np.fft.fft2(x), "rfft": lambda: np.fft.rfft(x),
            "irfft": lambda: np.fft.irfft(x)}[kind]


TORCH_SCRIPT = r"""
import json, sys, time
sys.path.insert(0, {here!r})
import numpy as np, torch
torch.set_num_threads({threads})
from _timing import measure
from _fft_cases import inputs
clock = time.process_time if {cpu} else time.perf_counter
out = {{}}
for case in {cases!r}:
    kind, x = inputs(case)
    t = torch.from_numpy(np.ascontiguousarray(x))
    if kind == "stft":
        w = torch.hann_window(400)
        fn = lambda: torch.stft(t, 512, 160, 400, window=w, center=False, return_complex=True)
    else:
        fn = {{"fft": lambda: torch.fft.fft(t), "fft2": lambda: torch.fft.fft2(t), "rfft": lambda: torch.fft.rfft(t),
              "irfft": lambda: torch.fft.irfft(t)}}[kind]
    out[case] = measure(fn, clock=clock)
print(json.dumps(out))
"""


def torch_times(peer_python, cases, cpu):
    script = TORCH_SCRIPT.format(here=HERE, threads=THREADS, cpu=cpu, cases=list(cases))
    proc = subprocess.run([peer_python, "-c", script], capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        print(f"torch peer failed: {proc.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
        return {}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--clock", choices=("wall", "cpu"), default="wall")
    ap.add_argument("--cases", default=",".join(CASES))
    ap.add_argument("--peer-python", default=None, help="a Python with torch, for torch.fft's times")
    args = ap.parse_args()
    cases = args.cases.split(",")
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    peers = torch_times(args.peer_python, cases, args.clock == "cpu") if args.peer_python else {}
    print(f"threads={THREADS} clock={args.clock}  (ms per call; ratio = peer / pytensor, > 1: pytensor faster)")
    print(f"{'case':24s} {'pytensor':>10s} {'numpy':>10s} {'np/pt':>7s}" + (f" {'torch':>10s} {'torch/pt':>8s}"
                                                                              if peers else ""))
    for case in cases:
        t_pt = measure(pytensor_fn(case), clock=clock)
        t_np = measure(numpy_fn(case), clock=clock)
        line = f"{case:24s} {t_pt * 1e3:10.3f} {t_np * 1e3:10.3f} {t_np / t_pt:7.2f}"
        if case in peers:
            line += f" {peers[case] * 1e3:10.3f} {peers[case] / t_pt:8.2f}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
