"""Records what TF 2.21's GradientTape returns for a variable (or watched tensor) read in each way of
indexed_slices_cases.py: the
gradient's type and, for an IndexedSlices, its indices (and their dtype), values' shape and dense_shape. Run once
with the peers venv (python make_gradient_types.py); writes gradient_types.json beside this file. The cases are the
ones tests/test_indexed_slices.py runs, from indexed_slices_cases.py."""
import json
import os
import sys

import tensorflow as tf

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from indexed_slices_cases import GRADIENT_CASES, gradient  # noqa: E402


def describe(g):
    if isinstance(g, tf.IndexedSlices):
        return {"type": "IndexedSlices", "indices": g.indices.numpy().tolist(), "indices_dtype": g.indices.dtype.name,
                "values_shape": list(g.values.shape), "dense_shape": g.dense_shape.numpy().tolist(),
                "dense": tf.convert_to_tensor(g).numpy().tolist()}
    return {"type": "Tensor", "dense": g.numpy().tolist()}


def main():
    out = {case: describe(gradient(tf, case)) for case in GRADIENT_CASES}
    with open(os.path.join(HERE, "gradient_types.json"), "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
