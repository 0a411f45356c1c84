"""Records Keras 3 (TF backend) optimizer steps on a tf.IndexedSlices gradient, with duplicate unsorted indices
("dup") and without ("unique"), and the same steps on its dense equivalent; and a few training steps of a small
Embedding model (its gradient an IndexedSlices) per optimizer. Run once with the peers venv
(python make_keras_sparse_updates.py), writes keras_sparse_updates.npz beside this file.
tests/test_indexed_slices_optimizers.py replays them."""
import os
import sys

import numpy as np
import tensorflow as tf
import keras

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from indexed_slices_cases import STEPS, VOCAB, embedding_model, model_steps, optimizers, steps  # noqa: E402


def main():
    rng = np.random.default_rng(0)
    out = {"initial": rng.standard_normal((6, 3)).astype(np.float32),
           "indices_dup": np.array([4, 1, 4, 0, 1, 4], np.int32), "indices_unique": np.array([4, 1, 5, 0], np.int32)}
    out["values_dup"] = rng.standard_normal((STEPS, 6, 3)).astype(np.float32)
    out["values_unique"] = rng.standard_normal((STEPS, 4, 3)).astype(np.float32)
    for ids in ("dup", "unique"):
        for name, make in optimizers(keras).items():
            for kind in ("sparse", "dense"):
                out[f"{name}_{kind}_{ids}"] = steps(tf, make, out, ids, kind == "sparse")
            print(ids, name, np.abs(out[f"{name}_sparse_{ids}"] - out[f"{name}_dense_{ids}"]).max())
    # An Embedding model: ids with repeats, unsorted; mean squared error; one batch per step
    out["model_x"] = rng.integers(0, VOCAB - 2, (STEPS, 4, 5)).astype(np.int32)  # the last two rows never read
    out["model_y"] = rng.standard_normal((STEPS, 4, 1)).astype(np.float32)
    initial = embedding_model(keras).get_weights()
    for i, w in enumerate(initial):
        out[f"model_initial_{i}"] = w
    for name, make in optimizers(keras).items():
        for i, w in enumerate(model_steps(keras, make, out, initial)):
            out[f"model_{name}_{i}"] = w
    np.savez(os.path.join(HERE, "keras_sparse_updates.npz"), **out)


if __name__ == "__main__":
    main()
