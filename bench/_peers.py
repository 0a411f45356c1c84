"""How the side-by-side benchmarks run one library in its own process: the script again, as `--worker LIBRARY`,
under that library's Python (the peers' venv for TensorFlow and PyTorch), every thread pool at the same count.
No library imports, so any benchmark script can use it before it chooses what to load."""
import json
import os
import subprocess

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_worker(python, script, library, threads, flags=(), env=None, tree=REPO):
    """Runs `python script --worker LIBRARY --threads N *flags` with OMP/OpenBLAS/MKL at N threads and `tree` (the
    source tree whose pytensor loads) on PYTHONPATH; extra variables from `env`. Returns (the JSON object the
    worker printed last, None), or (None, the last line of its stderr) when it failed."""
    threads = str(threads)
    command = [python, os.path.abspath(script), "--worker", library, "--threads", threads, *flags]
    child_env = {**os.environ, "PYTHONPATH": tree, "OMP_NUM_THREADS": threads, "OPENBLAS_NUM_THREADS": threads,
                 "MKL_NUM_THREADS": threads, **(env or {})}
    done = subprocess.run(command, env=child_env, capture_output=True, text=True)
    if done.returncode != 0:
        return None, done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"
    return json.loads(done.stdout.strip().splitlines()[-1]), None
