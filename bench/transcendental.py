"""float32 transcendental ops: pytensor's time per element beside numpy's (and PyTorch's / TensorFlow's where they
import), in one run.

    python bench/transcendental.py                  # 2 threads, sizes 1e3, 1e5, 1e6
    python bench/transcendental.py --threads 1      # robust on a busy machine
    python bench/transcendental.py --ops exp,sigmoid --sizes 1000000
    /path/peers-venv/bin/python bench/transcendental.py --threads 1 --tf    # torch and TensorFlow beside

pytensor's float32 exp, expm1, sigmoid and tanh (and softmax's exp) are its own SIMD float32 code (cpu/exp.h); sin,
cos, tan, atan, asin and acos are SIMD code computing in float64 lanes (cpu/trig.h); softplus, elu and gelu are
computed in float64 and rounded: all within an ulp or two of the exact value (tests/test_transcendental.py). numpy's
float32 exp / log / sin / cos / tanh are its own SIMD float32 code. Medians of 7 repeats (bench/_threads.py). Sizes
must be multiples of 100 for softmax (rows of 100).
"""
import argparse
import sys

from _threads import THREADS, measure, pt, torch  # noqa: E402  (sets thread env vars first)

import numpy as np  # noqa: E402


def _np_sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _np_softmax(x):
    rows = x.reshape(-1, 100)
    e = np.exp(rows - rows.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


# name -> (pytensor, numpy, the peers' function name (torch.X, tf.math.X) or None, input range)
OPS = {
    "exp": (pt.exp, np.exp, "exp", (-8, 8)),
    "log": (pt.math.log, np.log, "log", (0.01, 8)),
    "log1p": (pt.math.log1p, np.log1p, "log1p", (0.01, 8)),
    "expm1": (pt.math.expm1, np.expm1, "expm1", (-8, 8)),
    "sigmoid": (pt.sigmoid, _np_sigmoid, "sigmoid", (-8, 8)),
    "tanh": (pt.tanh, np.tanh, "tanh", (-8, 8)),
    "sin": (pt.sin, np.sin, "sin", (-8, 8)),
    "cos": (pt.cos, np.cos, "cos", (-8, 8)),
    "tan": (pt.math.tan, np.tan, "tan", (-1.5, 1.5)),
    "atan": (pt.math.atan, np.arctan, "atan", (-8, 8)),
    "asin": (pt.math.asin, np.arcsin, "asin", (-0.99, 0.99)),
    "acos": (pt.math.acos, np.arccos, "acos", (-0.99, 0.99)),
    "softplus": (pt.nn.softplus, lambda x: np.logaddexp(np.float32(0), x), None, (-8, 8)),
    "elu": (pt.nn.elu, lambda x: np.where(x > 0, x, np.expm1(x)), None, (-8, 8)),
    "gelu": (pt.nn.gelu, None, None, (-8, 8)),
    "softmax": (lambda x: pt.nn.softmax(pt.reshape(x, (-1, 100))), _np_softmax, None, (-8, 8)),  # rows of 100
}


def _peers(with_tf):
    """{column: (module, its tensor maker)} of the peers that import here."""
    peers = {}
    if torch is not None:
        peers["torch"] = (torch, torch.from_numpy)
    if with_tf:
        try:
            import tensorflow as tf
        except ImportError:
            return peers
        tf.config.threading.set_intra_op_parallelism_threads(THREADS)
        peers["tf"] = (tf.math, tf.constant)
    return peers


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, default=THREADS)  # read by _threads.py
    ap.add_argument("--ops", default=",".join(OPS))
    ap.add_argument("--sizes", default="1000,100000,1000000")
    ap.add_argument("--tf", action="store_true", help="TensorFlow too, when it imports (slow to load)")
    args = ap.parse_args(argv)
    peers = _peers(args.tf)
    rng = np.random.default_rng(0)
    print(f"threads={THREADS}; ns per element, median of 7 repeats")
    print(f"{'op':10s} {'size':>9s} {'pytensor':>10s} {'numpy':>10s}" + "".join(f" {p:>10s}" for p in peers))
    for name in args.ops.split(","):
        pt_fn, np_fn, peer_name, (lo, hi) = OPS[name]
        for n in (int(s) for s in args.sizes.split(",")):
            x_np = rng.uniform(lo, hi, n).astype(np.float32)
            x = pt.constant(x_np)
            row = [measure(lambda: pt_fn(x)), measure(lambda: np_fn(x_np)) if np_fn else float("nan")]
            for module, tensor in peers.values():
                fn = getattr(module, peer_name, None) if peer_name else None
                xp = tensor(x_np)
                row.append(measure(lambda: fn(xp)) if fn else float("nan"))
            print(f"{name:10s} {n:9d}" + "".join(f" {t / n * 1e9:10.3f}" for t in row))
            sys.stdout.flush()


if __name__ == "__main__":
    main()
