"""tf.random's TF-exact stateless draws: median time per call, pytensor here or TensorFlow in its own venv (the
numbers are the same; this times them).

    python bench/random_streams.py                                # pytensor (numpy-vectorised Philox)
    /work/peers-venv/bin/python bench/random_streams.py --tf      # TensorFlow's C++ kernels, for the ratio
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _timing import measure  # noqa: E402

if "--tf" in sys.argv:
    import tensorflow as lib
else:
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import pytensor as lib

CASES = {
    "stateless_uniform": lambda n: lib.random.stateless_uniform([n], [1, 2]),
    "stateless_normal": lambda n: lib.random.stateless_normal([n], [1, 2]),
    "stateless_truncated_normal": lambda n: lib.random.stateless_truncated_normal([n], [1, 2]),
    "stateless_uniform_int64": lambda n: lib.random.stateless_uniform([n], [1, 2], 0, 1000, dtype=lib.int64),
    "stateless_binomial": lambda n: lib.random.stateless_binomial([n], [1, 2], 100.0, 0.3),
    "stateless_gamma": lambda n: lib.random.stateless_gamma([n], [1, 2], 2.0),
}

if __name__ == "__main__":
    name = "tensorflow" if "--tf" in sys.argv else "pytensor"
    for case, draw in CASES.items():
        for n in (100, 10 ** 6):
            print(f"{name:10s} {case:28s} n={n:<8d} {measure(lambda: draw(n), repeats=5) * 1e3:9.3f} ms", flush=True)
