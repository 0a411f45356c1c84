"""tf.random's TF-exact draws of a million numbers, pytensor (the C++ philox_* ops) side by side with TensorFlow's
C++ kernels in one run, each library in its own process (the numbers are the same; this times them).

    python bench/random_streams.py                              # CPU time per call, peers from /work/peers-venv
    python bench/random_streams.py --clock wall --threads 2 --n 100000 --only pytensor

Cases: stateless uniform, normal and truncated normal (float32, seed [1, 2]), the same from a tf.random.Generator
(eager, each call advancing its state), and the samplers with a varying number of draws an output (binomial by
BTRS and by inversion, stateless and from a Generator; gamma at alpha 2 and 0.5, and with the gradient in alpha
(RandomGammaGrad); Poisson by Knuth's method and by PTRS; the stateful gamma and Poisson with an op seed), categorical draws (100 rows of 5 classes) and the parameterized truncated normal (TF's, one thread), all
C++ philox_* ops. Reported: the
median time per call over --repeats repeats (each calibrated to last >= --min-time), in CPU time by default (the
machine is shared: CPU time counts this process's work only; with --threads > 1 it sums every thread's), and
pytensor's speed-up over TensorFlow (TF time / pytensor time).
"""
import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from _peers import run_worker  # noqa: E402
from _timing import measure  # noqa: E402

PEER_PYTHON = "/work/peers-venv/bin/python"


def cases(lib, n):
    """Case name -> a call drawing n numbers with `lib` (pytensor or tensorflow)."""
    g = lib.random.Generator.from_seed(1)
    alphas = lib.fill([n], 2.0)

    def gamma_with_alpha_gradient():
        with lib.GradientTape() as tape:
            tape.watch(alphas)
            samples = lib.random.stateless_gamma([n], [1, 2], alphas)
        return tape.gradient(samples, alphas)

    logits = lib.math.log(lib.constant([[0.1, 0.2, 0.3, 0.15, 0.25]] * 100))  # 100 rows of 5 classes, n // 100 each
    return {
        "stateless_uniform": lambda: lib.random.stateless_uniform([n], [1, 2]),
        "stateless_normal": lambda: lib.random.stateless_normal([n], [1, 2]),
        "stateless_truncated_normal": lambda: lib.random.stateless_truncated_normal([n], [1, 2]),
        "stateless_uniform_int64": lambda: lib.random.stateless_uniform([n], [1, 2], 0, 1000, dtype=lib.int64),
        "generator_uniform": lambda: g.uniform([n]),
        "generator_normal": lambda: g.normal([n]),
        "generator_truncated_normal": lambda: g.truncated_normal([n]),
        "stateless_binomial": lambda: lib.random.stateless_binomial([n], [1, 2], 100.0, 0.3),
        "stateless_binomial_inversion": lambda: lib.random.stateless_binomial([n], [1, 2], 20.0, 0.2),
        "generator_binomial": lambda: g.binomial([n], 100.0, 0.3),
        "stateless_gamma": lambda: lib.random.stateless_gamma([n], [1, 2], 2.0),
        "stateless_gamma_small_alpha": lambda: lib.random.stateless_gamma([n], [1, 2], 0.5),
        "stateless_gamma_alpha_gradient": gamma_with_alpha_gradient,
        "gamma_op_seed": lambda: lib.random.gamma([n], 2.0, seed=3),
        "poisson_op_seed": lambda: lib.random.poisson([n], 3.0, seed=3),
        "stateless_poisson": lambda: lib.random.stateless_poisson([n], [1, 2], 3.0),
        "stateless_poisson_ptrs": lambda: lib.random.stateless_poisson([n], [1, 2], 50.0),
        "stateless_categorical": lambda: lib.random.stateless_categorical(logits, n // 100, [1, 2]),
        "stateless_param_truncated_normal": lambda: lib.random.stateless_parameterized_truncated_normal(
            [n], [1, 2], 0.0, 1.0, -1.0, 2.0),
    }


def worker(args):
    if args.worker == "tensorflow":
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import tensorflow as lib
        lib.config.threading.set_intra_op_parallelism_threads(args.threads)
        lib.config.threading.set_inter_op_parallelism_threads(args.threads)
    else:
        import pytensor as lib
        lib._core.set_num_threads(args.threads)
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    out = {}
    for name, draw in cases(lib, args.n).items():
        draw().numpy()  # warm up (and make sure the draw runs)
        out[name] = measure(lambda: draw().numpy(), args.min_time, args.repeats, clock=clock)
    print(json.dumps(out))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=10 ** 6)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--clock", choices=("cpu", "wall"), default="cpu")
    p.add_argument("--repeats", type=int, default=7)
    p.add_argument("--min-time", type=float, default=0.2)
    p.add_argument("--only", choices=("pytensor", "tensorflow"))
    p.add_argument("--worker", choices=("pytensor", "tensorflow"))
    args = p.parse_args()
    if args.worker:
        return worker(args)
    flags = ["--n", str(args.n), "--clock", args.clock, "--repeats", str(args.repeats), "--min-time",
             str(args.min_time)]
    results = {}
    for lib, python in (("pytensor", sys.executable), ("tensorflow", PEER_PYTHON)):
        if args.only and lib != args.only:
            continue
        results[lib], error = run_worker(python, __file__, lib, args.threads, flags)
        if error:
            print(f"{lib}: failed: {error}")
    print(f"n = {args.n}, {args.threads} thread(s), {args.clock} time per call (median of {args.repeats})")
    print(f"{'case':30s} {'pytensor ms':>12s} {'tensorflow ms':>14s} {'TF / pytensor':>14s}")
    pt_times, tf_times = results.get("pytensor") or {}, results.get("tensorflow") or {}
    for name in pt_times or tf_times:
        a, b = pt_times.get(name), tf_times.get(name)
        ratio = f"{b / a:14.2f}" if a and b else f"{'':14s}"
        print(f"{name:30s} {a * 1e3 if a else float('nan'):12.3f} {b * 1e3 if b else float('nan'):14.3f} {ratio}")


if __name__ == "__main__":
    main()
