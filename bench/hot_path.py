"""Per-call cost of the Python <-> C++ hot paths: `.shape`, `.dtype`, random ops, a small add, dtype arguments.

    python bench/hot_path.py                          # this tree: µs per call, median of --repeats
    python bench/hot_path.py --against /tmp/old       # this tree and the `pytensor` package in /tmp/old,
                                                      # alternated in child processes, --rounds each
    python bench/hot_path.py --cases shape,random_normal --json out.json

`--against DIR` compares two builds on a busy machine: each round runs every case once in a child process per
build, the builds alternating, and the report gives each build's median over the rounds and the ratio
(old / new: > 1 means this tree is faster). Make DIR with `cp -rL pytensor DIR/` from an older checkout's build.
One thread: these are per-call overheads, not kernels.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

from _timing import measure

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _cases(pt, np):
    """name -> (what it times, a zero-argument callable)."""
    a = pt.constant(np.ones((2, 2), np.float32))
    b = pt.constant(np.full((2, 2), 2.0, np.float32))
    x4 = pt.zeros((2, 3, 4, 5))
    return {
        "shape": ("t.shape of a (2, 2) tensor", lambda: a.shape),
        "shape_4d": ("t.shape of a (2, 3, 4, 5) tensor", lambda: x4.shape),
        "dtype": ("t.dtype", lambda: a.dtype),
        "add": ("a + b, (2, 2) float32", lambda: a + b),
        "random_normal": ("tf.random.normal((2, 2)), no seeds", lambda: pt.random.normal((2, 2))),
        "random_normal_seeded": ("tf.random.normal((2, 2), seed=1)", lambda: pt.random.normal((2, 2), seed=1)),
        "random_uniform": ("tf.random.uniform((2, 2))", lambda: pt.random.uniform((2, 2))),
        "zeros_dtype_str": ('tf.zeros((2, 2), dtype="float32")', lambda: pt.zeros((2, 2), dtype="float32")),
        "cast_numpy_type": ("tf.cast(a, np.float64)", lambda: pt.cast(a, np.float64)),
        "cast_dtype": ("tf.cast(a, tf.float64)", lambda: pt.cast(a, pt.float64)),
    }


def _run_here(root, names, min_time, repeats):
    """µs per call of each case, for the pytensor package found in `root`."""
    sys.path.insert(0, root)
    import numpy as np
    import pytensor as pt
    assert os.path.dirname(os.path.dirname(os.path.abspath(pt.__file__))) == os.path.abspath(root), pt.__file__
    pt._core.set_num_threads(1)
    cases = _cases(pt, np)
    return {n: measure(cases[n][1], min_time, repeats) * 1e6 for n in names}


def _run_child(root, names, min_time, repeats):
    cmd = [sys.executable, os.path.abspath(__file__), "--child", root, "--cases", ",".join(names),
           "--min-time", str(min_time), "--repeats", str(repeats)]
    env = dict(os.environ, OMP_NUM_THREADS="1")
    return json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cases", default=None, help="comma-separated case names (default: all)")
    p.add_argument("--against", default=None, help="a directory holding another build's `pytensor` package")
    p.add_argument("--rounds", type=int, default=5, help="child processes per build with --against")
    p.add_argument("--repeats", type=int, default=7)
    p.add_argument("--min-time", type=float, default=0.05)
    p.add_argument("--json", default=None, help="also write the figures here")
    p.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        names = args.cases.split(",")
        print(json.dumps(_run_here(args.child, names, args.min_time, args.repeats)))
        return

    import numpy as np
    sys.path.insert(0, REPO)
    import pytensor as pt
    described = _cases(pt, np)
    names = args.cases.split(",") if args.cases else list(described)
    unknown = [n for n in names if n not in described]
    if unknown:
        p.error(f"unknown cases {unknown}; known: {', '.join(described)}")

    builds = {"this tree": REPO}
    if args.against:
        builds["against"] = os.path.abspath(args.against)
    rounds = args.rounds if args.against else 1
    samples = {b: {n: [] for n in names} for b in builds}
    for _ in range(rounds):
        for b, root in builds.items():
            for n, us in _run_child(root, names, args.min_time, args.repeats).items():
                samples[b][n].append(us)
    medians = {b: {n: statistics.median(v) for n, v in s.items()} for b, s in samples.items()}

    header = f"{'case':22} {'what':38} {'this tree µs':>12}"
    if args.against:
        header += f" {'against µs':>11} {'ratio':>6}"
    print(header)
    for n in names:
        line = f"{n:22} {described[n][0]:38} {medians['this tree'][n]:12.3f}"
        if args.against:
            old = medians["against"][n]
            line += f" {old:11.3f} {old / medians['this tree'][n]:6.2f}"
        print(line)
    if args.against:
        print(f"(medians of {rounds} alternating child processes per build, each the median of {args.repeats} "
              f"runs; ratio = against / this tree)")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"medians_us": medians, "samples_us": samples, "builds": builds}, f, indent=1)


if __name__ == "__main__":
    main()
