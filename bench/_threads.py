"""Shared start-up of the side-by-side benchmarks: one thread count for every library, set before they load.

Thread pools (OpenMP, OpenBLAS, MKL) read their environment variables at import, so `--threads N` is
read from argv and exported here, before numpy / torch / pytensor are imported by the caller.
"""
import os
import sys

from _timing import measure, median_time, settle  # noqa: F401  re-exported: the benchmarks import them from here


def _threads_from_argv(argv):
    for i, a in enumerate(argv):
        if a == "--threads" and i + 1 < len(argv):
            return int(argv[i + 1])
        if a.startswith("--threads="):
            return int(a.split("=", 1)[1])
    return 2


THREADS = _threads_from_argv(sys.argv[1:])
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ[_var] = str(THREADS)

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if REPO not in sys.path:
    sys.path.insert(0, REPO)

import pytensor as pt  # noqa: E402

pt._core.set_num_threads(THREADS)
try:
    import torch
    torch.set_num_threads(THREADS)
except ImportError:
    torch = None
