"""Depthwise and 3-D convolution, pytensor vs PyTorch side by side (forward + backward of input and filter).

pytensor composes ``depthwise_conv2d`` (here 64 channels: one conv2d with a block-diagonal filter; wider layers sum
strided slices) and ``conv3d`` (conv2d per depth tap) from existing ops, with no kernels of their own; PyTorch runs its native grouped conv2d (groups = channels) and conv3d, in NCHW / NCDHW. The shapes are a
MobileNet-style 3x3 depthwise layer and a small video/volume Conv3D.

Run: PYTHONPATH=. /work/peers-venv/bin/python bench/conv_family.py [--threads 2] [--repeats 7]
"""
import argparse

from _threads import THREADS, measure, pt, torch  # sets the thread count of every library before they load

import numpy as np

CASES = {
    "depthwise3x3_(16,56,56,64)": ((16, 56, 56, 64), (3, 3, 64, 1)),
    "conv3d3x3x3_(4,8,32,32,16)->32": ((4, 8, 32, 32, 16), (3, 3, 3, 16, 32)),
}


def pytensor_step(x, w, depthwise):
    op = (lambda a, b: pt.nn.depthwise_conv2d(a, b, 1, "SAME")) if depthwise else \
        (lambda a, b: pt.nn.conv3d(a, b, 1, "SAME"))

    def step():
        with pt.GradientTape() as tape:
            tape.watch(x)
            tape.watch(w)
            y = pt.reduce_sum(op(x, w))
        return tape.gradient(y, [x, w])
    return step


def torch_step(x, w, depthwise):
    if depthwise:
        xt = torch.tensor(np.transpose(x, (0, 3, 1, 2)).copy(), requires_grad=True)
        wt = torch.tensor(np.transpose(w, (2, 3, 0, 1)).copy(), requires_grad=True)  # (C, 1, kh, kw)
        op = lambda: torch.nn.functional.conv2d(xt, wt, padding="same", groups=x.shape[-1])  # noqa: E731
    else:
        xt = torch.tensor(np.transpose(x, (0, 4, 1, 2, 3)).copy(), requires_grad=True)
        wt = torch.tensor(np.transpose(w, (4, 3, 0, 1, 2)).copy(), requires_grad=True)
        op = lambda: torch.nn.functional.conv3d(xt, wt, padding="same")  # noqa: E731

    def step():
        return torch.autograd.grad(op().sum(), [xt, wt])
    return step


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=THREADS)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    print(f"threads {THREADS}; ms per forward + backward (median of {args.repeats})")
    for name, (x_shape, w_shape) in CASES.items():
        x = rng.standard_normal(x_shape).astype(np.float32)
        w = rng.standard_normal(w_shape).astype(np.float32)
        depthwise = name.startswith("depthwise")
        ours = measure(pytensor_step(pt.constant(x), pt.constant(w), depthwise), repeats=args.repeats) * 1e3
        line = f"{name:34s} pytensor {ours:9.2f}"
        if torch is not None:
            theirs = measure(torch_step(x, w, depthwise), repeats=args.repeats) * 1e3
            line += f"   torch {theirs:9.2f}   speed ratio torch/pytensor {theirs / ours:5.2f}x"
        print(line)


if __name__ == "__main__":
    main()
