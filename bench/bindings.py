"""Per-call cost of the op bindings: this tree's build against another build (default: /work/main), in one run.

    python bench/bindings.py                        # this tree vs /work/main, 3 alternating rounds
    python bench/bindings.py --other /path/to/repo --rounds 5 --threads 1

Each case is one call of a registry op through pytensor's public name on tiny tensors (so the call, not the
kernel, is timed), positional and with TF's keywords. Each build runs in its own child process (each imports its
own pytensor), the builds alternate for --rounds rounds, and the table shows the median µs per call of each
build over the rounds and the ratio other / this (> 1: this build is faster). Calls are timed in the thread's
CPU time (time.thread_time, one thread), which a busy machine's descheduling does not inflate.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

CASES = {
    "reduce_sum(x, axis=1)": "pt.reduce_sum(x, axis=1)",
    "reduce_mean(x)": "pt.reduce_mean(x)",
    "argmax(x, axis=1)": "pt.argmax(x, axis=1)",
    "matmul(x, x)": "pt.matmul(x, x)",
    "matmul(x, x, transpose_b=True)": "pt.matmul(x, x, transpose_b=True)",
    "nn.softmax(x)": "pt.nn.softmax(x)",
    "nn.leaky_relu(x, alpha=0.1)": "pt.nn.leaky_relu(x, alpha=0.1)",
    "nn.relu6(x)": "pt.nn.relu6(x)",
    "reshape(x, (4,))": "pt.reshape(x, (4,))",
    "transpose(x)": "pt.transpose(x)",
    "expand_dims(x, 0)": "pt.expand_dims(x, 0)",
    "concat([x, x], 0)": "pt.concat([x, x], 0)",
    "gather(x, i, axis=1)": "pt.gather(x, i, axis=1)",
    "one_hot(i, 3)": "pt.one_hot(i, 3)",
    "zeros((2, 2))": "pt.zeros((2, 2))",
    "conv2d(img, w, 1, 'SAME')": "pt.nn.conv2d(img, w, 1, 'SAME')",
    "max_pool2d(img, 2, 2, 'VALID')": "pt.nn.max_pool2d(img, 2, 2, 'VALID')",
    "add(x, x) (element-wise)": "pt.add(x, x)",
}


def child(repo, threads, min_time, repeats):
    os.environ["OMP_NUM_THREADS"] = str(threads)
    sys.path.insert(0, repo)
    sys.path.insert(0, HERE)
    import time

    import numpy as np
    import pytensor as pt
    from _timing import measure

    pt._core.set_num_threads(threads)
    env = {"pt": pt, "x": pt.constant(np.arange(4, dtype=np.float32).reshape(2, 2)),
           "i": pt.constant([0, 1], dtype=pt.int32), "img": pt.ones((1, 4, 4, 1)), "w": pt.ones((2, 2, 1, 1))}
    out = {}
    for name, expr in CASES.items():
        fn = eval("lambda: " + expr, env)
        out[name] = measure(fn, min_time, repeats, clock=time.thread_time) * 1e6
    print(json.dumps(out))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--other", default="/work/main", help="the other repository (its pytensor/ and built _core)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--min-time", type=float, default=0.1)
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return child(args.child, args.threads, args.min_time, args.repeats)
    this = os.path.dirname(HERE)
    runs = {this: [], args.other: []}
    for _ in range(args.rounds):
        for repo in (args.other, this):
            done = subprocess.run([sys.executable, __file__, "--child", repo, "--threads", str(args.threads),
                                   "--min-time", str(args.min_time), "--repeats", str(args.repeats)],
                                  capture_output=True, text=True, check=True, cwd=HERE)
            runs[repo].append(json.loads(done.stdout.strip().splitlines()[-1]))
    print(f"median µs per call over {args.rounds} rounds, {args.threads} thread(s); ratio = other / this")
    print(f"{'case':34s} {'other':>8s} {'this':>8s} {'ratio':>6s}")
    for name in CASES:
        o = statistics.median(r[name] for r in runs[args.other])
        t = statistics.median(r[name] for r in runs[this])
        print(f"{name:34s} {o:8.2f} {t:8.2f} {o / t:6.2f}")


if __name__ == "__main__":
    main()
