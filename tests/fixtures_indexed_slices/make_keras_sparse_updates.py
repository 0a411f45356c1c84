"""Records Keras 3 (TF backend) optimizer steps on a tf.IndexedSlices gradient, with duplicate unsorted indices
("dup") and without ("unique"), and the same steps on its dense equivalent; and a few training steps of a small
Embedding model (its gradient an IndexedSlices) per optimizer. Run once with the peers venv
(python make_keras_sparse_updates.py), writes keras_sparse_updates.npz beside this file.
tests/test_indexed_slices_optimizers.py replays them."""
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
    "adam_amsgrad": lambda: keras.optimizers.Adam(0.1, amsgrad=True),
    "adamw": lambda: keras.optimizers.AdamW(0.1, weight_decay=0.05),
    "rmsprop": lambda: keras.optimizers.RMSprop(0.1),
    "rmsprop_momentum": lambda: keras.optimizers.RMSprop(0.1, momentum=0.5, centered=True),
    "adagrad": lambda: keras.optimizers.Adagrad(0.1),
    "adagrad_decay": lambda: keras.optimizers.Adagrad(0.1, weight_decay=0.05),
    "adadelta": lambda: keras.optimizers.Adadelta(1.0),
    "nadam": lambda: keras.optimizers.Nadam(0.1),
}
STEPS = 3
VOCAB, DIM = 12, 3


def embedding_model():
    return keras.Sequential([keras.Input(shape=(5,), dtype="int32"), keras.layers.Embedding(VOCAB, DIM),
                             keras.layers.GlobalAveragePooling1D(), keras.layers.Dense(1)])


def main():
    rng = np.random.default_rng(0)
    out = {"initial": rng.standard_normal((6, 3)).astype(np.float32),
           "indices_dup": np.array([4, 1, 4, 0, 1, 4], np.int32), "indices_unique": np.array([4, 1, 5, 0], np.int32)}
    out["values_dup"] = rng.standard_normal((STEPS, 6, 3)).astype(np.float32)
    out["values_unique"] = rng.standard_normal((STEPS, 4, 3)).astype(np.float32)
    for ids in ("dup", "unique"):
        for name, make in CONFIGS.items():
            for kind in ("sparse", "dense"):
                var = tf.Variable(out["initial"])
                opt = make()
                for step in range(STEPS):
                    g = tf.IndexedSlices(tf.constant(out[f"values_{ids}"][step]), tf.constant(out[f"indices_{ids}"]),
                                         tf.constant([6, 3]))
                    opt.apply_gradients([(g if kind == "sparse" else tf.convert_to_tensor(g), var)])
                out[f"{name}_{kind}_{ids}"] = var.numpy()
            print(ids, name, np.abs(out[f"{name}_sparse_{ids}"] - out[f"{name}_dense_{ids}"]).max())
    # An Embedding model: ids with repeats, unsorted; mean squared error; one batch per step
    out["model_x"] = rng.integers(0, VOCAB - 2, (STEPS, 4, 5)).astype(np.int32)  # the last two rows never read
    out["model_y"] = rng.standard_normal((STEPS, 4, 1)).astype(np.float32)
    model = embedding_model()
    initial = model.get_weights()
    for i, w in enumerate(initial):
        out[f"model_initial_{i}"] = w
    for name, make in CONFIGS.items():
        model = embedding_model()
        model.set_weights(initial)
        model.compile(optimizer=make(), loss="mse")
        for step in range(STEPS):
            model.train_on_batch(out["model_x"][step], out["model_y"][step])
        for i, w in enumerate(model.get_weights()):
            out[f"model_{name}_{i}"] = w
    np.savez(os.path.join(os.path.dirname(os.path.abspath(__file__)), "keras_sparse_updates.npz"), **out)


if __name__ == "__main__":
    main()
