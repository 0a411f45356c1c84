"""Element-wise fusion: a traced element-wise chain as one fused pass over the data vs the same graph unfused, side by
side with TensorFlow's tf.function and PyTorch in one run.

    python3 bench/elementwise_fusion.py                    # all cases, peers from /work/peers-venv
    python3 bench/elementwise_fusion.py --only pytensor    # pytensor fused, unfused and eager only
    python3 bench/elementwise_fusion.py --n 1000000 --threads 2 --repeats 15 --min-time 0.3

The functions, on a float32 vector of --n elements, a and b scalars: --expr tanh (issue 22's element-wise fusion
figure) y = sigmoid(x * a + b) * tanh(x) - 0.5 * x, seven element-wise ops, of which tanh (float32 computed in float64
by libm, for its accuracy) costs most; --expr swish y = (x * a + b) * sigmoid(x) - 0.5 * x, six cheap ops, where the
memory traffic fusion saves shows. Cases:
  pytensor tf.function (the graph pass elementwise_fusion on: one fused_elementwise node), pytensor tf.function with
  tf.config.optimizer.set_experimental_options({"elementwise_fusion": False}) (seven kernels, six intermediates),
  pytensor eager, TensorFlow tf.function (Grappler; no XLA), TensorFlow tf.function(jit_compile=True) (XLA fuses the
  chain), PyTorch eager, and torch.compile when it works in the peer venv.
Each case runs in its own subprocess. Reported: the median µs per call over --repeats repeats (each calibrated to last
>= --min-time) and the fused function's speed-up over each. Before timing, pytensor checks that fused and unfused
outputs are bitwise equal. The machine is shared: read medians and ratios, and rerun when a figure looks off.
"""
import argparse
import json
import os
import sys

from _peers import run_worker
from _timing import measure

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
PEER_PYTHON = "/work/peers-venv/bin/python"


def data(n):
    import numpy as np
    return np.random.RandomState(0).standard_normal(n).astype("float32")


EXPRESSIONS = {"tanh": "sigmoid(x*a + b) * tanh(x) - 0.5*x", "swish": "(x*a + b) * sigmoid(x) - 0.5*x"}


def chain(tf, x, a, b, expr, sigmoid=None, tanh=None):
    """The --expr function with `tf`'s ops (torch passes its sigmoid and tanh)."""
    sigmoid = sigmoid or tf.nn.sigmoid
    tanh = tanh or tf.tanh
    if expr == "tanh":
        return sigmoid(x * a + b) * tanh(x) - 0.5 * x
    return (x * a + b) * sigmoid(x) - 0.5 * x


def pytensor_case(case, n, expr):
    sys.path.insert(0, REPO)
    import pytensor as pt
    x, a, b = pt.constant(data(n)), pt.constant(1.5), pt.constant(0.25)
    if case == "pytensor-eager":
        return lambda: chain(pt, x, a, b, expr), pt
    pt.config.optimizer.set_experimental_options({"elementwise_fusion": case == "pytensor-fused"})
    f = pt.function(lambda x: chain(pt, x, a, b, expr))
    f(x)  # trace under this case's switch
    return lambda: f(x), pt


def child(case, args):
    if case.startswith("pytensor"):
        if case == "pytensor-check":
            fused, _ = pytensor_case("pytensor-fused", args.n, args.expr)
            unfused, _ = pytensor_case("pytensor-unfused", args.n, args.expr)
            return {"ok": fused().numpy().tobytes() == unfused().numpy().tobytes()}
        fn, pt = pytensor_case(case, args.n, args.expr)
        pt._core.set_num_threads(args.threads)
        return {"us": measure(fn, args.min_time, args.repeats) * 1e6}
    if case.startswith("tensorflow"):
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import tensorflow as tf
        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.threads)
        x, a, b = tf.constant(data(args.n)), tf.constant(1.5), tf.constant(0.25)
        f = tf.function(lambda x: chain(tf, x, a, b, args.expr), jit_compile=case == "tensorflow-xla")
        f(x)
        return {"us": measure(lambda: f(x), args.min_time, args.repeats) * 1e6, "version": tf.__version__}
    if case.startswith("torch"):
        import torch
        torch.set_num_threads(args.threads)
        x, a, b = torch.from_numpy(data(args.n)), torch.tensor(1.5), torch.tensor(0.25)

        def fn(x):
            return chain(torch, x, a, b, args.expr, torch.sigmoid, torch.tanh)

        if case == "torch-compile":
            fn = torch.compile(fn)
        with torch.no_grad():
            fn(x)
            return {"us": measure(lambda: fn(x), args.min_time, args.repeats) * 1e6, "version": torch.__version__}
    raise SystemExit(f"unknown case {case}")


def run_child(python, case, args):
    result, error = run_worker(python, __file__, case, args.threads, ["--repeats", str(args.repeats), "--min-time",
                                                                      str(args.min_time), "--n", str(args.n),
                                                                      "--expr", args.expr])
    return {"error": error} if error else result


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--worker", help=argparse.SUPPRESS)
    p.add_argument("--n", type=int, default=1_000_000)
    p.add_argument("--expr", choices=sorted(EXPRESSIONS), default="tanh")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--repeats", type=int, default=9)
    p.add_argument("--min-time", type=float, default=0.2)
    p.add_argument("--peer-python", default=PEER_PYTHON)
    p.add_argument("--only", choices=["pytensor"])
    args = p.parse_args()
    if args.worker:
        print(json.dumps(child(args.worker, args)))
        return
    check = run_child(sys.executable, "pytensor-check", args)
    print("check (fused vs unfused outputs bitwise):", "passed" if check.get("ok") else check)
    cases = [("pytensor fused", sys.executable, "pytensor-fused"),
             ("pytensor unfused", sys.executable, "pytensor-unfused"),
             ("pytensor eager", sys.executable, "pytensor-eager")]
    if args.only != "pytensor":
        cases += [("TensorFlow tf.function", args.peer_python, "tensorflow-function"),
                  ("TensorFlow XLA", args.peer_python, "tensorflow-xla"),
                  ("PyTorch eager", args.peer_python, "torch-eager"),
                  ("torch.compile", args.peer_python, "torch-compile")]
    results = {label: run_child(python, case, args) for label, python, case in cases}
    print(f"{EXPRESSIONS[args.expr]}, float32, n={args.n}, {args.threads} thread(s); median of {args.repeats}")
    ours = results["pytensor fused"].get("us")
    for label, r in results.items():
        if "us" not in r:
            print(f"  {label:24s} failed: {r.get('error')}")
            continue
        ratio = f"  fused is {r['us'] / ours:5.2f}x faster" if ours and label != "pytensor fused" else ""
        version = f" ({r['version']})" if "version" in r else ""
        print(f"  {label:24s} {r['us']:9.1f} us/call{ratio}{version}")


if __name__ == "__main__":
    main()
