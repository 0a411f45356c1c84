"""Max / average pooling, pytensor vs PyTorch side by side: the benchmark CNN's two 2x2 VALID poolings at batch 128.

Forward alone, and forward + backward (the gradient of the pooled output w.r.t. the input, with a given upstream
gradient). pytensor pools NHWC; PyTorch is timed in its default NCHW layout and in channels_last (NHWC in
memory, its vectorised pooling path); the ratio is against the faster of the two.

Run: PYTHONPATH=/work/main /tmp/pt-peers/bin/python bench/pool.py [--threads 2] [--repeats 20]
"""
import argparse

from _threads import THREADS, pt, torch, median_time  # sets the thread count of every library before they load

import numpy as np

SHAPES = [(128, 26, 26, 32), (128, 11, 11, 64)]




def pytensor_cases(x_np, g_np, kind):
    pool = getattr(pt.nn, f"{kind}_pool2d")
    x, g = pt.constant(x_np), pt.constant(g_np)

    def fwd():
        return pool(x, 2, 2, "VALID")

    def fwd_bwd():
        with pt.GradientTape() as tape:
            tape.watch(x)
            y = pool(x, 2, 2, "VALID")
        return tape.gradient(y, x, output_gradients=g)
    return fwd, fwd_bwd


def torch_cases(x_np, g_np, kind, channels_last):
    pool = getattr(torch.nn.functional, f"{kind}_pool2d")
    x = torch.from_numpy(np.ascontiguousarray(x_np.transpose(0, 3, 1, 2)))
    g = torch.from_numpy(np.ascontiguousarray(g_np.transpose(0, 3, 1, 2)))
    if channels_last:
        x, g = x.contiguous(memory_format=torch.channels_last), g.contiguous(memory_format=torch.channels_last)
    xg = x.clone().requires_grad_(True)

    def fwd():
        with torch.no_grad():
            return pool(x, 2, 2)

    def fwd_bwd():
        xg.grad = None
        pool(xg, 2, 2).backward(g)
        return xg.grad
    return fwd, fwd_bwd


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=THREADS)
    ap.add_argument("--repeats", type=int, default=20)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    print(f"pooling 2x2 VALID, {THREADS} threads, median of {args.repeats} (ms); ratio = pytensor / torch")
    print(f"{'case':54s} {'pytensor':>9s} {'torch':>9s} {'torch-cl':>9s} {'ratio':>7s}")
    totals = {"pytensor": 0.0, "torch": 0.0}
    for shape in SHAPES:
        x = rng.standard_normal(shape).astype(np.float32)
        n, h, w, c = shape
        g = rng.standard_normal((n, h // 2, w // 2, c)).astype(np.float32)
        for kind in ("max", "avg"):
            p_f, p_fb = pytensor_cases(x, g, kind)
            t_f, t_fb = torch_cases(x, g, kind, False)
            c_f, c_fb = torch_cases(x, g, kind, True)
            np.testing.assert_allclose(p_f().numpy(), t_f().numpy().transpose(0, 2, 3, 1), rtol=1e-6)
            np.testing.assert_allclose(p_fb().numpy(), t_fb().numpy().transpose(0, 2, 3, 1), rtol=1e-6)
            for label, pf, tf_, cf in (("forward", p_f, t_f, c_f), ("forward+backward", p_fb, t_fb, c_fb)):
                tp, tt, tc = (median_time(f, args.repeats) for f in (pf, tf_, cf))
                if kind == "max" and label == "forward+backward":
                    totals["pytensor"] += tp
                    totals["torch"] += min(tt, tc)
                print(f"{kind}_pool {str(shape):20s} {label:24s} {tp * 1e3:9.3f} {tt * 1e3:9.3f} {tc * 1e3:9.3f} "
                      f"{tp / min(tt, tc):7.2f}")
    print(f"{'max_pool fwd+bwd, both CNN layers (best torch layout)':54s} {totals['pytensor'] * 1e3:9.3f} "
          f"{totals['torch'] * 1e3:9.3f} {'':9s} {totals['pytensor'] / totals['torch']:7.2f}")


if __name__ == "__main__":
    main()
