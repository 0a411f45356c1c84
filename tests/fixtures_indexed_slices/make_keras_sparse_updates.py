"""Records Keras 3 (TF backend) optimizer steps on a tf.IndexedSlices gradient, with a duplicate index ("dup") and
without ("unique"), and the same steps on its dense equivalent: run once with the peers venv (python make_keras_sparse_updates.py), writes
keras_sparse_updates.npz beside this file. tests/test_indexed_slices_optimizers.py replays them."""
import os
import sys

import numpy as np
import tensorflow as tf
import keras

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from indexed_slices_cases import optimizers, two_steps  # noqa: E402


def main():
    rng = np.random.default_rng(0)
    out = {"initial": rng.standard_normal((6, 3)).astype(np.float32),
           "indices_dup": np.array([1, 4, 1, 0], np.int32), "indices_unique": np.array([1, 4, 0, 5], np.int32)}
    out["values"] = np.stack([rng.standard_normal((4, 3)).astype(np.float32) for _ in range(2)])
    for ids in ("dup", "unique"):
        for name, make in optimizers(keras).items():
            for kind in ("sparse", "dense"):
                out[f"{name}_{kind}_{ids}"] = two_steps(tf, make, out, ids, kind == "sparse")
            print(ids, name, np.abs(out[f"{name}_sparse_{ids}"] - out[f"{name}_dense_{ids}"]).max())
    np.savez(os.path.join(HERE, "keras_sparse_updates.npz"), **out)


if __name__ == "__main__":
    main()
