"""Records Keras 3 (TF backend) optimizer steps on a tf.IndexedSlices gradient, with a duplicate index ("dup") and
without ("unique"), and the same steps on its dense equivalent: run once with the peers venv (python make_keras_sparse_updates.py), writes
keras_sparse_updates.npz beside this file. tests/test_indexed_slices_optimizers.py replays them."""
import os

import numpy as np
import tensorflow as tf
import keras

CONFIGS = {
    "sgd": lambda: keras.optimizers.SGD(0.1),
    "sgd_momentum": lambda: keras.optimizers.SGD(0.1, momentum=0.9),
    "sgd_nesterov": lambda: keras.optimizers.SGD(0.1, momentum=0.9, nesterov=True),
    "sgd_decay": lambda: keras.optimizers.SGD(0.1, weight_decay=0.05),
    "adam": lambda: keras.optimizers.Adam(0.1),
    "adamw": lambda: keras.optimizers.AdamW(0.1, weight_decay=0.05),
    "rmsprop": lambda: keras.optimizers.RMSprop(0.1),
    "rmsprop_momentum": lambda: keras.optimizers.RMSprop(0.1, momentum=0.5, centered=True),
    "adagrad": lambda: keras.optimizers.Adagrad(0.1),
}


def main():
    rng = np.random.default_rng(0)
    out = {"initial": rng.standard_normal((6, 3)).astype(np.float32),
           "indices_dup": np.array([1, 4, 1, 0], np.int32), "indices_unique": np.array([1, 4, 0, 5], np.int32)}
    out["values"] = np.stack([rng.standard_normal((4, 3)).astype(np.float32) for _ in range(2)])
    for ids in ("dup", "unique"):
        for name, make in CONFIGS.items():
            for kind in ("sparse", "dense"):
                var = tf.Variable(out["initial"])
                opt = make()
                for step in range(2):
                    g = tf.IndexedSlices(tf.constant(out["values"][step]), tf.constant(out[f"indices_{ids}"]),
                                         tf.constant([6, 3]))
                    opt.apply_gradients([(g if kind == "sparse" else tf.convert_to_tensor(g), var)])
                out[f"{name}_{kind}_{ids}"] = var.numpy()
            print(ids, name, np.abs(out[f"{name}_sparse_{ids}"] - out[f"{name}_dense_{ids}"]).max())
    np.savez(os.path.join(os.path.dirname(os.path.abspath(__file__)), "keras_sparse_updates.npz"), **out)


if __name__ == "__main__":
    main()
