"""Multi-head self-attention, pytensor vs PyTorch side by side: keras.layers.MultiHeadAttention against
torch.nn.MultiheadAttention (batch_first) at batch 32, sequence 128, model width 256, 8 heads.

Both layers get the same weights (Keras's (d, heads, key_dim) kernels are PyTorch's in_proj / out_proj matrices
transposed) and must agree on the output before anything is timed. Timed per library: the forward alone, and
forward + backward (gradients of sum(output * g) for every weight and the input), median over repeats.

Run: /work/peers-venv/bin/python bench/attention.py [--threads 2] [--repeats 9] [--batch 32] [--seq 128]
     [--width 256] [--heads 8] [--clock cpu]
--clock cpu times the process's CPU time (all its threads), steadier than the wall clock when others load the cores.
"""
import argparse
import time

from _threads import THREADS, pt, torch, median_time  # sets the thread count of every library before they load

import numpy as np

from pytensor import keras

# --clock: wall time, or the CPU time of the timing process (all its threads)
CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}


def make_pair(batch, seq, width, heads, rng):
    """A pytensor MultiHeadAttention and a torch MultiheadAttention with the same weights, plus the input and the
    output cotangent for each."""
    head_dim = width // heads
    x_np = rng.standard_normal((batch, seq, width)).astype(np.float32)
    g_np = rng.standard_normal((batch, seq, width)).astype(np.float32)
    mha = keras.layers.MultiHeadAttention(num_heads=heads, key_dim=head_dim)
    mha.build((batch, seq, width), (batch, seq, width))
    weights = [rng.standard_normal(tuple(w.shape)).astype(np.float32) * (0.5 / np.sqrt(width)) for w in mha.weights]
    mha.set_weights(weights)
    wq, bq, wk, bk, wv, bv, wo, bo = weights
    ref = torch.nn.MultiheadAttention(width, heads, batch_first=True)
    with torch.no_grad():
        ref.in_proj_weight.copy_(torch.from_numpy(np.concatenate(
            [w.reshape(width, width).T for w in (wq, wk, wv)], axis=0)))
        ref.in_proj_bias.copy_(torch.from_numpy(np.concatenate([b.reshape(-1) for b in (bq, bk, bv)])))
        ref.out_proj.weight.copy_(torch.from_numpy(wo.reshape(width, width).T.copy()))
        ref.out_proj.bias.copy_(torch.from_numpy(bo))
    return mha, ref, x_np, g_np


def cases(mha, ref, x_np, g_np):
    """(label, pytensor fn, torch fn) for the forward and the forward + backward."""
    x, g = pt.constant(x_np), pt.constant(g_np)
    tx = torch.from_numpy(x_np).requires_grad_(True)
    tg = torch.from_numpy(g_np)
    sources = mha.trainable_weights + [x]

    def pt_step():
        with pt.GradientTape() as tape:
            tape.watch(x)
            loss = pt.reduce_sum(mha(x, x) * g)
        return tape.gradient(loss, sources)

    def torch_forward():
        with torch.no_grad():
            return ref(tx, tx, tx, need_weights=False)[0]

    def torch_step():
        ref.zero_grad(set_to_none=True)
        tx.grad = None
        out = ref(tx, tx, tx, need_weights=False)[0]
        (out * tg).sum().backward()
    return [("forward", lambda: mha(x, x), torch_forward), ("forward + backward", pt_step, torch_step)]


def check(mha, ref, x_np, g_np):
    """Same outputs and input gradients before timing."""
    x = pt.constant(x_np)
    with pt.GradientTape() as tape:
        tape.watch(x)
        out = mha(x, x)
        loss = pt.reduce_sum(out * pt.constant(g_np))
    dx = tape.gradient(loss, x)
    tx = torch.from_numpy(x_np).requires_grad_(True)
    tout = ref(tx, tx, tx, need_weights=False)[0]
    (tout * torch.from_numpy(g_np)).sum().backward()
    np.testing.assert_allclose(out.numpy(), tout.detach().numpy(), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(dx.numpy(), tx.grad.numpy(), rtol=1e-3, atol=1e-4)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=THREADS)
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--seq", type=int, default=128)
    parser.add_argument("--width", type=int, default=256)
    parser.add_argument("--heads", type=int, default=8)
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall")
    args = parser.parse_args()
    if torch is None:
        raise SystemExit("bench/attention.py needs PyTorch: run it with /work/peers-venv/bin/python")
    rng = np.random.default_rng(0)
    mha, ref, x_np, g_np = make_pair(args.batch, args.seq, args.width, args.heads, rng)
    check(mha, ref, x_np, g_np)
    print(f"MultiHeadAttention self-attention, batch {args.batch}, seq {args.seq}, width {args.width}, "
          f"{args.heads} heads, {args.threads} threads; median of {args.repeats} (ms, {args.clock} clock)")
    print(f"{'case':<20}{'pytensor':>10}{'torch':>10}{'torch/pytensor':>16}")
    for label, pt_fn, torch_fn in cases(mha, ref, x_np, g_np):
        t_pt = median_time(pt_fn, args.repeats, inner=3, clock=CLOCKS[args.clock])
        t_torch = median_time(torch_fn, args.repeats, inner=3, clock=CLOCKS[args.clock])
        print(f"{label:<20}{t_pt * 1e3:>10.1f}{t_torch * 1e3:>10.1f}{t_torch / t_pt:>15.2f}x")


if __name__ == "__main__":
    main()
