"""Records what TF 2.21's GradientTape returns for a variable (or watched tensor) read in each way below: the
gradient's type and, for an IndexedSlices, its indices (and their dtype), values' shape and dense_shape. Run once
with the peers venv (python make_gradient_types.py); writes gradient_types.json beside this file. The cases are the
ones tests/test_indexed_slices.py runs (CASES there names the same keys)."""
import json
import os

import numpy as np
import tensorflow as tf

CASES = {
    "gather": lambda v: tf.reduce_sum(tf.gather(v, [1, 3, 1]) * 2.0),
    "gather_2d_ids": lambda v: tf.reduce_sum(tf.gather(v, [[1, 3], [1, 0]])),
    "gather_int64_ids": lambda v: tf.reduce_sum(tf.gather(v, tf.constant([1, 3], tf.int64))),
    "two_gathers_mixed_ids": lambda v: tf.reduce_sum(tf.gather(v, [1])) + tf.reduce_sum(
        tf.gather(v, tf.constant([2], tf.int64))),
    "two_gathers": lambda v: tf.reduce_sum(tf.gather(v, [1, 0])) + 3.0 * tf.reduce_sum(tf.gather(v, [2])),
    "gather_and_dense": lambda v: tf.reduce_sum(tf.gather(v, [1])) + tf.reduce_sum(v * v),
    "gather_axis1": lambda v: tf.reduce_sum(tf.gather(v, [1], axis=1)),
    "gather_of_product": lambda v: tf.reduce_sum(tf.gather(v * 1.0, [1])),
    "embedding_lookup": lambda v: tf.reduce_sum(tf.nn.embedding_lookup(v, [1, 2])),
    "gather_of_read_value": lambda v: tf.reduce_sum(tf.gather(v.read_value(), [1, 2])),
}


def describe(g):
    if isinstance(g, tf.IndexedSlices):
        return {"type": "IndexedSlices", "indices": g.indices.numpy().tolist(), "indices_dtype": g.indices.dtype.name,
                "values_shape": list(g.values.shape), "dense_shape": g.dense_shape.numpy().tolist(),
                "dense": tf.convert_to_tensor(g).numpy().tolist()}
    return {"type": "Tensor", "dense": g.numpy().tolist()}


def main():
    out = {}
    for name, f in CASES.items():
        v = tf.Variable(np.arange(12, dtype=np.float32).reshape(4, 3))
        with tf.GradientTape() as tape:
            y = f(v)
        out[name] = describe(tape.gradient(y, v))
    c = tf.constant(np.arange(12, dtype=np.float32).reshape(4, 3))
    with tf.GradientTape() as tape:
        tape.watch(c)
        y = tf.reduce_sum(tf.gather(c, [3, 3]))
    out["watched_tensor"] = describe(tape.gradient(y, c))
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "gradient_types.json"), "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
