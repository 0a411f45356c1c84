"""2-D convolution, pytensor vs PyTorch side by side: the benchmark CNN's two 3x3 VALID conv layers at batch 128.

Per layer: forward, input gradient and filter gradient (each library's own backward kernels), then the two-layer
conv -> max_pool(2) -> conv -> max_pool(2) forward + backward (gradients of both filters), in pytensor both as the
separate ops and as the fused conv2d_max_pool op that Keras's Conv2D -> MaxPooling2D uses. pytensor runs NHWC / HWIO; PyTorch its default NCHW / OIHW, as each library's CNN would.

Run: PYTHONPATH=/work/main /tmp/pt-peers/bin/python bench/conv.py [--threads 2] [--repeats 15] [--cpu-time]
"""
import argparse
import time

from _threads import THREADS, pt, torch, median_time  # sets the thread count of every library before they load

import numpy as np

LAYERS = [((128, 28, 28, 1), (3, 3, 1, 32)), ((128, 13, 13, 32), (3, 3, 32, 64))]


CLOCK = time.perf_counter




def layer_cases(x_np, w_np, g_np):
    """(label, pytensor fn, torch fn) for forward, input gradient and filter gradient of one layer."""
    x, w, g = pt.constant(x_np), pt.constant(w_np), pt.constant(g_np)
    tx = torch.from_numpy(np.ascontiguousarray(x_np.transpose(0, 3, 1, 2)))
    tw = torch.from_numpy(np.ascontiguousarray(w_np.transpose(3, 2, 0, 1)))
    tg = torch.from_numpy(np.ascontiguousarray(g_np.transpose(0, 3, 1, 2)))

    def torch_backward(mask):
        return lambda: torch.ops.aten.convolution_backward(tg, tx, tw, None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1,
                                                           mask)
    return [
        ("forward", lambda: pt.nn.conv2d(x, w, 1, "VALID"), lambda: torch.nn.functional.conv2d(tx, tw)),
        ("input grad", lambda: pt.nn.conv2d_backprop_input(x.shape, w, g, 1, "VALID"),
         torch_backward([True, False, False])),
        ("filter grad", lambda: pt.nn.conv2d_backprop_filter(x, w.shape, g, 1, "VALID"),
         torch_backward([False, True, False])),
    ]


def check_layer(x_np, w_np, g_np):
    """Both libraries agree on the three results before anything is timed."""
    (_, pf, tf_), (_, pi, ti), (_, pw, tw) = layer_cases(x_np, w_np, g_np)

    def close(got, want, scale_tol):
        # Winograd's transforms err by ~1e-5 of the result's scale, not of each (possibly tiny) element.
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=scale_tol * float(np.abs(want).max()))
    close(pf().numpy(), tf_().numpy().transpose(0, 2, 3, 1), 2e-5)
    close(pi().numpy(), ti()[0].numpy().transpose(0, 2, 3, 1), 2e-5)
    close(pw().numpy(), tw()[1].numpy().transpose(2, 3, 1, 0), 1e-4)


def two_layer_cases(rng):
    """conv -> max_pool -> conv -> max_pool, forward + backward w.r.t. both filters, in each library."""
    x_np = rng.standard_normal((128, 28, 28, 1)).astype(np.float32)
    w1_np = rng.standard_normal((3, 3, 1, 32)).astype(np.float32) * 0.3
    w2_np = rng.standard_normal((3, 3, 32, 64)).astype(np.float32) * 0.06
    x, w1, w2 = pt.constant(x_np), pt.Variable(w1_np), pt.Variable(w2_np)

    def pytensor_step():
        with pt.GradientTape() as tape:
            h = pt.nn.max_pool2d(pt.nn.conv2d(x, w1, 1, "VALID"), 2, 2, "VALID")
            y = pt.nn.max_pool2d(pt.nn.conv2d(h, w2, 1, "VALID"), 2, 2, "VALID")
            loss = pt.reduce_sum(y)
        return tape.gradient(loss, [w1, w2])

    def pytensor_fused_step():
        # What Keras's Conv2D -> MaxPooling2D runs: one conv2d_max_pool op per layer.
        with pt.GradientTape() as tape:
            h = pt._core.conv2d_max_pool(x, w1, 1, "VALID", 1, 2, 2, "VALID")
            y = pt._core.conv2d_max_pool(h, w2, 1, "VALID", 1, 2, 2, "VALID")
            loss = pt.reduce_sum(y)
        return tape.gradient(loss, [w1, w2])

    tx = torch.from_numpy(np.ascontiguousarray(x_np.transpose(0, 3, 1, 2)))
    tw1 = torch.from_numpy(np.ascontiguousarray(w1_np.transpose(3, 2, 0, 1))).requires_grad_(True)
    tw2 = torch.from_numpy(np.ascontiguousarray(w2_np.transpose(3, 2, 0, 1))).requires_grad_(True)
    F = torch.nn.functional

    def torch_step():
        tw1.grad = tw2.grad = None
        y = F.max_pool2d(F.conv2d(F.max_pool2d(F.conv2d(tx, tw1), 2), tw2), 2)
        y.sum().backward()
        return tw1.grad, tw2.grad
    return pytensor_step, pytensor_fused_step, torch_step


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=THREADS)
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--cpu-time", action="store_true",
                    help="time with process CPU time (use with --threads 1 on a busy, shared machine)")
    args = ap.parse_args()
    global CLOCK
    if args.cpu_time:
        CLOCK = time.process_time
    rng = np.random.default_rng(0)
    clock = "CPU time" if args.cpu_time else "wall time"
    print(f"conv2d 3x3 VALID, {THREADS} threads, {clock}, median of {args.repeats} (ms); ratio = pytensor / torch")
    print(f"{'case':48s} {'pytensor':>9s} {'torch':>9s} {'ratio':>7s}")
    for xs, ws in LAYERS:
        x = rng.standard_normal(xs).astype(np.float32)
        w = rng.standard_normal(ws).astype(np.float32)
        g = rng.standard_normal((xs[0], xs[1] - 2, xs[2] - 2, ws[3])).astype(np.float32)
        check_layer(x, w, g)
        for label, pf, tf_ in layer_cases(x, w, g):
            tp, tt = median_time(pf, args.repeats, 3, CLOCK), median_time(tf_, args.repeats, 3, CLOCK)
            print(f"{str(xs) + ' * ' + str(ws):34s} {label:13s} {tp * 1e3:9.3f} {tt * 1e3:9.3f} {tp / tt:7.2f}")
    if hasattr(pt.nn, "max_pool2d"):
        p_step, f_step, t_step = two_layer_cases(rng)
        for a, b, c in zip(p_step(), f_step(), t_step()):
            np.testing.assert_allclose(a.numpy(), c.numpy().transpose(2, 3, 1, 0), rtol=1e-3, atol=1e-2)
            np.testing.assert_allclose(b.numpy(), c.numpy().transpose(2, 3, 1, 0), rtol=1e-3, atol=1e-2)
        tt = median_time(t_step, args.repeats, 3, CLOCK)
        for label, step in (("conv2d, max_pool2d", p_step), ("conv2d_max_pool", f_step)):
            tp = median_time(step, args.repeats, 3, CLOCK)
            print(f"{'two layers fwd+bwd, ' + label:48s} {tp * 1e3:9.3f} {tt * 1e3:9.3f} {tp / tt:7.2f}")


if __name__ == "__main__":
    main()
