"""Fused sparse softmax cross-entropy, forward + backward, side by side with PyTorch's F.cross_entropy.

    /tmp/pt-peers/bin/python bench/nn_loss.py              # 2 threads each
    /tmp/pt-peers/bin/python bench/nn_loss.py --threads 1

pytensor: loss = nn.sparse_softmax_cross_entropy_with_logits(labels, logits) under a GradientTape, then
tape.gradient(loss, logits) (upstream gradient: ones). PyTorch: F.cross_entropy(logits, labels,
reduction='none') then loss.backward(ones). Each result is checked against numpy once before timing;
the table shows medians (µs per forward + backward) and the speed ratio torch / pytensor (> 1: faster).
"""
import argparse

from _threads import THREADS, pt, torch, measure  # noqa: E402  (sets thread env vars first)

import numpy as np  # noqa: E402

SHAPES = [(128, 10), (4096, 1000)]




def reference(labels, logits):
    x = logits.astype(np.float64)
    m = x.max(-1, keepdims=True)
    p = np.exp(x - m)
    p /= p.sum(-1, keepdims=True)
    loss = -np.log(p[np.arange(len(labels)), labels])
    p[np.arange(len(labels)), labels] -= 1
    return loss, p


def pt_step(labels, logits):
    def run():
        with pt.GradientTape() as tape:
            tape.watch(logits)
            loss = pt.nn.sparse_softmax_cross_entropy_with_logits(labels, logits)
        return loss, tape.gradient(loss, logits)
    return run


def torch_step(labels, logits):
    import torch.nn.functional as F
    ones = torch.ones(labels.shape[0])

    def run():
        x = logits.detach().requires_grad_()
        loss = F.cross_entropy(x, labels, reduction="none")
        loss.backward(ones)
        return loss, x.grad
    return run


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, default=THREADS)
    ap.add_argument("--min-time", type=float, default=0.2)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    print(f"sparse softmax cross-entropy forward + backward, float32, {THREADS} thread(s); µs per call (median)")
    print(f"{'shape':>12} {'pytensor':>10} {'torch':>10} {'torch/pytensor':>15}")
    for rows, classes in SHAPES:
        logits_np = rng.standard_normal((rows, classes)).astype(np.float32) * 3
        labels_np = rng.integers(0, classes, rows).astype(np.int64)
        want_loss, want_grad = reference(labels_np, logits_np)
        step = pt_step(pt.constant(labels_np), pt.constant(logits_np))
        loss, grad = step()
        np.testing.assert_allclose(loss.numpy(), want_loss, rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(grad.numpy(), want_grad, rtol=1e-4, atol=1e-6)
        t_pt = measure(step, args.min_time)
        t_torch = None
        if torch is not None:
            t_torch = measure(torch_step(torch.from_numpy(labels_np), torch.from_numpy(logits_np)), args.min_time)
        ratio = f"{t_torch / t_pt:15.2f}" if t_torch else f"{'n/a':>15}"
        torch_us = f"{t_torch * 1e6:10.1f}" if t_torch else f"{'n/a':>10}"
        print(f"{f'({rows}, {classes})':>12} {t_pt * 1e6:10.1f} {torch_us} {ratio}")


if __name__ == "__main__":
    main()
