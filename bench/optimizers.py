"""Adam steps, pytensor vs PyTorch side by side: one 784x512 variable, and the 784->512->10 MLP's four variables.

pytensor runs `keras.optimizers.Adam.apply_gradients` (one fused C++ call per variable) and, for reference,
the bare kernel; PyTorch runs `torch.optim.Adam(foreach=True).step()` with the gradients already in `.grad`.
Reports medians and the speed-up (torch time / pytensor time).

Run: PYTHONPATH=/work/main /tmp/pt-peers/bin/python bench/optimizers.py [--threads 2] [--repeats 30]
"""
import argparse

from _threads import THREADS, pt, torch, median_time  # sets the thread count of every library before they load

import numpy as np

from pytensor.keras import optimizers

SINGLE = [(784, 512)]
MLP = [(784, 512), (512,), (512, 10), (10,)]




def pytensor_step(shapes, rng):
    variables = [pt.Variable(rng.normal(size=s).astype(np.float32)) for s in shapes]
    grads = [pt.constant(rng.normal(size=s).astype(np.float32)) for s in shapes]
    opt = optimizers.Adam(learning_rate=1e-3)
    pairs = list(zip(grads, variables))
    return lambda: opt.apply_gradients(pairs)


def kernel_step(shapes, rng):
    variables = [pt.Variable(rng.normal(size=s).astype(np.float32)) for s in shapes]
    grads = [pt.constant(rng.normal(size=s).astype(np.float32)) for s in shapes]
    slots = [(pt.Variable(np.zeros(s, np.float32)), pt.Variable(np.zeros(s, np.float32))) for s in shapes]
    apply_adam = pt._core.apply_adam

    def step():
        for v, g, (m, s) in zip(variables, grads, slots):
            apply_adam(v, g, m, s, None, 1e-3, 0.9, 0.999, 1e-7, 5, 0.0)
    return step


def torch_step(shapes, rng):
    params = [torch.nn.Parameter(torch.from_numpy(rng.normal(size=s).astype(np.float32))) for s in shapes]
    for p in params:
        p.grad = torch.from_numpy(rng.normal(size=p.shape).astype(np.float32))
    opt = torch.optim.Adam(params, lr=1e-3, foreach=True)
    return opt.step


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=THREADS)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    print(f"threads={THREADS}  (median seconds per Adam step; ratio = torch / pytensor)")
    for label, shapes in (("Adam 784x512 variable", SINGLE), ("Adam MLP 784-512-10 (4 vars)", MLP)):
        t_pt = median_time(pytensor_step(shapes, rng), args.repeats, 20)
        t_kernel = median_time(kernel_step(shapes, rng), args.repeats, 20)
        line = f"{label:32s} pytensor {t_pt * 1e6:8.1f} us  (bare kernel {t_kernel * 1e6:8.1f} us)"
        if torch is not None:
            with torch.no_grad():
                t_torch = median_time(torch_step(shapes, rng), args.repeats, 20)
            line += f"  torch {t_torch * 1e6:8.1f} us  ratio {t_torch / t_pt:5.2f}x"
        print(line)


if __name__ == "__main__":
    main()
