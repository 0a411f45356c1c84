"""Side-by-side op timings: pytensor, numpy and (when importable) PyTorch, in one run, 2 threads each.

    python bench/ops.py                 # all cases, peers that are importable
    bash bench/peers.sh                 # the same inside a throwaway venv with torch==2.13.0
    python bench/ops.py --quick         # fewer repeats, matmul up to 1024
    python bench/ops.py --cases add_2x2,matmul --json out.json
    python bench/ops.py --threads 1     # single-threaded comparison (robust on a busy machine)

Each case reports the median over repeats of the time per call (time.perf_counter, the number of calls
per repeat calibrated so a repeat lasts >= --min-time), as µs or ms per op, or GFLOPS for matmul.
Ratios are speed ratios: peer time / pytensor time (> 1: pytensor is faster; the issue's targets read
"≥ 0.9× numpy"). Every pytensor result is checked against numpy once before it is timed.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

from _threads import REPO, THREADS, pt, torch, measure  # noqa: E402  (sets thread env vars first)

import numpy as np  # noqa: E402


class NotAvailable(Exception):
    """The library lacks the op (not built yet, or no such peer)."""




def _check(name, got, want, rtol):
    got = np.asarray(got)
    if got.shape != np.shape(want) or not np.allclose(got, want, rtol=rtol, atol=rtol):
        raise AssertionError(f"{name}: pytensor's result differs from numpy's; not timing a wrong answer")


# ---- cases: each returns {library: callable or None} after checking pytensor's answer ------------
def _pt_op(name):
    try:
        return getattr(pt, name)
    except AttributeError:
        raise NotAvailable(f"pytensor.{name} not built yet") from None


def case_add_2x2(size=None):
    a_np = np.random.default_rng(0).random((2, 2), dtype=np.float32)
    b_np = a_np + 1
    a, b = pt.constant(a_np), pt.constant(b_np)
    _check("add_2x2", (a + b).numpy(), a_np + b_np, 1e-6)
    fns = {"pytensor": lambda: a + b, "numpy": lambda: a_np + b_np}
    if torch is not None:
        at, bt = torch.from_numpy(a_np.copy()), torch.from_numpy(b_np.copy())
        fns["torch"] = lambda: at + bt
    return fns


def case_add_1e7(size=None):
    rng = np.random.default_rng(0)
    a_np, b_np = rng.random(10**7, dtype=np.float32), rng.random(10**7, dtype=np.float32)
    a, b = pt.constant(a_np), pt.constant(b_np)
    add = _pt_op("add")
    _check("add_1e7", add(a, b).numpy(), a_np + b_np, 1e-6)
    fns = {"pytensor": lambda: add(a, b), "numpy": lambda: np.add(a_np, b_np)}
    if torch is not None:
        at, bt = torch.from_numpy(a_np), torch.from_numpy(b_np)
        fns["torch"] = lambda: torch.add(at, bt)
    return fns


def case_reduce_sum_1e7(size=None):
    a_np = np.random.default_rng(0).random(10**7, dtype=np.float32)
    a = pt.constant(a_np)
    try:
        rsum = _pt_op("reduce_sum")
        _check("reduce_sum_1e7", rsum(a).numpy(), np.sum(a_np, dtype=np.float64), 1e-4)
        pt_fn = lambda: rsum(a)  # noqa: E731
    except pt.errors.UnimplementedError as e:
        raise NotAvailable(f"reduce_sum not built yet: {e}") from None
    fns = {"pytensor": pt_fn, "numpy": lambda: np.sum(a_np)}
    if torch is not None:
        at = torch.from_numpy(a_np)
        fns["torch"] = lambda: torch.sum(at)
    return fns


def _unary_1e6(name, bound):
    """A case timing element-wise `name` (pytensor, numpy and torch's function of that name) on 10**6 float32
    values in [-bound, bound)."""
    def case(size=None):
        a_np = np.random.default_rng(0).uniform(-bound, bound, 10**6).astype(np.float32)
        a = pt.constant(a_np)
        fn = _pt_op(name)
        _check(f"{name}_1e6", fn(a).numpy(), getattr(np, name)(a_np), 1e-5)
        fns = {"pytensor": lambda: fn(a), "numpy": lambda: getattr(np, name)(a_np)}
        if torch is not None:
            at = torch.from_numpy(a_np)
            fns["torch"] = lambda: getattr(torch, name)(at)
        return fns
    return case


def case_cumsum_1000x1000(size=None):
    a_np = np.random.default_rng(0).random((1000, 1000), dtype=np.float32)
    a = pt.constant(a_np)
    cumsum = pt.math.cumsum
    _check("cumsum_1000x1000", cumsum(a, axis=1).numpy(), np.cumsum(a_np, axis=1), 1e-5)
    fns = {"pytensor": lambda: cumsum(a, axis=1), "numpy": lambda: np.cumsum(a_np, axis=1)}
    if torch is not None:
        at = torch.from_numpy(a_np)
        fns["torch"] = lambda: torch.cumsum(at, dim=1)
    return fns


def case_matmul(n):
    rng = np.random.default_rng(0)
    a_np = rng.standard_normal((n, n), dtype=np.float32)
    b_np = rng.standard_normal((n, n), dtype=np.float32)
    a, b = pt.constant(a_np), pt.constant(b_np)
    try:
        mm = _pt_op("matmul")
        got = mm(a, b).numpy()
    except pt.errors.UnimplementedError as e:
        raise NotAvailable(f"matmul not built yet: {e}") from None
    want = a_np.astype(np.float64) @ b_np.astype(np.float64)
    if not np.allclose(got, want, rtol=1e-3, atol=1e-3 * np.sqrt(n)):
        raise AssertionError(f"matmul n={n}: pytensor's result differs from numpy's")
    fns = {"pytensor": lambda: mm(a, b), "numpy": lambda: a_np @ b_np}
    if torch is not None:
        at, bt = torch.from_numpy(a_np), torch.from_numpy(b_np)
        fns["torch"] = lambda: torch.mm(at, bt)
    return fns


def import_time(module, repeats):
    """Median wall seconds of a fresh `python -c "import module"` (whole process, startup included)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = REPO + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    code = f"import {module}" if module else "pass"
    times = []
    for _ in range(repeats + 1):
        t0 = time.perf_counter()
        r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True)
        times.append(time.perf_counter() - t0)
        if r.returncode != 0:
            raise NotAvailable(f"import {module} failed: {r.stderr.decode()[-200:]}")
    return statistics.median(times[1:])  # the first run warms the file cache


# ---- driver --------------------------------------------------------------------------------
LIBS = ("pytensor", "numpy", "torch")


def run(args):
    rows = []  # (case, unit, {lib: value}, higher_is_better)
    wanted = set(args.cases.split(",")) if args.cases else None

    def want(name):
        return wanted is None or name in wanted or any(name.startswith(w) for w in wanted)

    def timed(name, unit, factory, scale=1.0, flops=None):
        if not want(name):
            return
        try:
            fns = factory()
        except NotAvailable as e:
            rows.append((name, unit, {"pytensor": f"n/a ({e})"}, False))
            return
        values = {}
        for lib in LIBS:
            if lib not in fns:
                continue
            min_time = args.min_time * (3 if flops else 1)
            t = measure(fns[lib], min_time, args.repeats)
            values[lib] = flops / t / 1e9 if flops else t * scale
        rows.append((name, unit, values, bool(flops)))
        if args.verbose:
            print(f"  {name}: {values}", file=sys.stderr)

    timed("add_2x2", "µs/op", case_add_2x2, 1e6)
    timed("add_1e7", "ms/op", case_add_1e7, 1e3)
    timed("reduce_sum_1e7", "ms/op", case_reduce_sum_1e7, 1e3)
    timed("exp_1e6", "ms/op", _unary_1e6("exp", 5.0), 1e3)
    timed("tan_1e6", "ms/op", _unary_1e6("tan", 1.5), 1e3)
    timed("cumsum_1000x1000", "ms/op", case_cumsum_1000x1000, 1e3)
    for n in args.matmul_sizes:
        timed(f"matmul_{n}", "GFLOPS", lambda n=n: case_matmul(n), flops=2.0 * n ** 3)
    if want("import"):
        base = import_time("", args.import_repeats)
        values = {"pytensor": import_time("pytensor", args.import_repeats),
                  "numpy": import_time("numpy", args.import_repeats)}
        if torch is not None:
            values["torch"] = import_time("torch", args.import_repeats)
        rows.append(("import (python -c)", "s", values, False))
        rows.append(("python startup alone", "s", {"pytensor": base}, False))
    return rows


def _fmt(v):
    if isinstance(v, str):
        return v
    return f"{v:.3g}" if v < 100 else f"{v:.0f}"


def print_table(rows):
    head = ["case", "unit", "pytensor", "numpy", "torch", "pt vs numpy", "pt vs torch"]
    lines = []
    for name, unit, values, higher in rows:
        ratios = []
        for peer in ("numpy", "torch"):
            p, q = values.get("pytensor"), values.get(peer)
            if isinstance(p, float) and isinstance(q, float) and p > 0 and q > 0:
                ratios.append(f"{(p / q if higher else q / p):.2f}x")
            else:
                ratios.append("")
        lines.append([name, unit] + [_fmt(values[l]) if l in values else "" for l in LIBS] + ratios)
    widths = [max(len(str(r[i])) for r in [head] + lines) for i in range(len(head))]
    out = [" | ".join(h.ljust(w) for h, w in zip(head, widths)), "-+-".join("-" * w for w in widths)]
    out += [" | ".join(str(c).ljust(w) for c, w in zip(r, widths)) for r in lines]
    print("\n".join(out))
    print(f"\n(medians; {THREADS} threads each; ratios = speed relative to the peer, > 1: pytensor faster; "
          f"numpy {np.__version__}, torch {torch.__version__ if torch else 'not installed'}, "
          f"python {sys.version.split()[0]})")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="fewer repeats, matmul up to 1024")
    ap.add_argument("--cases", default="", help="comma-separated case names or prefixes (add_2x2, add_1e7, "
                    "reduce_sum_1e7, exp_1e6, matmul, import)")
    ap.add_argument("--repeats", type=int, default=None, help="repeats per case (median taken)")
    ap.add_argument("--min-time", type=float, default=None, help="seconds one repeat lasts at least")
    ap.add_argument("--import-repeats", type=int, default=None)
    ap.add_argument("--threads", type=int, default=2, help="threads for every library (default 2)")
    ap.add_argument("--json", default="", help="also write the rows to this file")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    args.repeats = args.repeats or (5 if args.quick else 9)
    args.min_time = args.min_time or (0.05 if args.quick else 0.2)
    args.import_repeats = args.import_repeats or (5 if args.quick else 9)
    args.matmul_sizes = [256, 512, 1024] if args.quick else [256, 512, 1024, 2048]
    rows = run(args)
    print_table(rows)
    if args.json:
        with open(args.json, "w") as f:
            json.dump([{"case": n, "unit": u, "values": v} for n, u, v, _ in rows], f, indent=1)


if __name__ == "__main__":
    main()
