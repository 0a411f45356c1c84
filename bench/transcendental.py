"""float32 transcendental ops: pytensor's time per element beside numpy's, in one run.

    python bench/transcendental.py                  # 2 threads, sizes 1e3, 1e5, 1e6
    python bench/transcendental.py --threads 1      # robust on a busy machine
    python bench/transcendental.py --ops exp,sigmoid --sizes 1000000

pytensor's float32 exp, expm1 and sigmoid (and softmax's exp) are its own SIMD float32 code (cpu/exp.h), tanh,
softplus, elu and gelu are computed in float64 and rounded, all within an ulp or two of the exact value
(tests/test_transcendental.py); numpy's float32 exp / log / sin / cos / tanh are its own SIMD float32 code. Medians
of 7 repeats (bench/_threads.py). Sizes must be multiples of 100 for softmax (rows of 100).
"""
import argparse
import sys

from _threads import THREADS, measure, pt  # noqa: E402  (sets thread env vars first)

import numpy as np  # noqa: E402


def _np_sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _np_softmax(x):
    rows = x.reshape(-1, 100)
    e = np.exp(rows - rows.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


OPS = {
    "exp": (pt.exp, np.exp),
    "log": (pt.math.log, np.log),
    "log1p": (pt.math.log1p, np.log1p),
    "expm1": (pt.math.expm1, np.expm1),
    "sigmoid": (pt.sigmoid, _np_sigmoid),
    "tanh": (pt.tanh, np.tanh),
    "sin": (pt.sin, np.sin),
    "cos": (pt.cos, np.cos),
    "softplus": (pt.nn.softplus, lambda x: np.logaddexp(np.float32(0), x)),
    "elu": (pt.nn.elu, lambda x: np.where(x > 0, x, np.expm1(x))),
    "gelu": (pt.nn.gelu, None),
    "softmax": (lambda x: pt.nn.softmax(pt.reshape(x, (-1, 100))), _np_softmax),  # rows of 100
}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, default=THREADS)  # read by _threads.py
    ap.add_argument("--ops", default=",".join(OPS))
    ap.add_argument("--sizes", default="1000,100000,1000000")
    args = ap.parse_args(argv)
    rng = np.random.default_rng(0)
    print(f"threads={THREADS}; ns per element, median of 7 repeats")
    print(f"{'op':10s} {'size':>9s} {'pytensor':>10s} {'numpy':>10s}")
    for name in args.ops.split(","):
        pt_fn, np_fn = OPS[name]
        for n in (int(s) for s in args.sizes.split(",")):
            x_np = rng.uniform(0.01 if name in ("log", "log1p") else -8, 8, n).astype(np.float32)
            x = pt.constant(x_np)
            t_pt = measure(lambda: pt_fn(x)) / n * 1e9
            t_np = measure(lambda: np_fn(x_np)) / n * 1e9 if np_fn else float("nan")
            print(f"{name:10s} {n:9d} {t_pt:10.3f} {t_np:10.3f}")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
