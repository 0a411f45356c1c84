"""The coverage report's counting: imports resolved to TF API paths, uses attributed to their module."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import api_coverage as coverage  # noqa: E402

SOURCE = """
import numpy as np
import tensorflow as tf
import keras
from tensorflow.keras import layers as L
from keras.layers import Dense
import tensorflow.keras.losses

x = tf.constant([1.0])
y = tf.math.reduce_sum(x) + tf.constant(2.0)
model = keras.Sequential([L.Dropout(0.2), Dense(3), Dense(4)])
loss = tensorflow.keras.losses.MeanSquaredError()
np.ones(3)
tf = None  # a store is not a use
"""

MODULES = {"tf": {"constant", "math", "keras"}, "tf.math": {"reduce_sum"},
           "tf.keras": {"Sequential", "layers", "losses"}, "tf.keras.layers": {"Dropout", "Dense"},
           "tf.keras.losses": {"MeanSquaredError"}}


def test_uses_resolve_imports_and_count_occurrences():
    counts = coverage.uses(SOURCE)
    assert counts == {"tf.constant": 2, "tf.math.reduce_sum": 1, "tf.keras.Sequential": 1,
                      "tf.keras.layers.Dropout": 1, "tf.keras.layers.Dense": 2,
                      "tf.keras.losses.MeanSquaredError": 1}


def test_uses_are_attributed_to_the_deepest_module():
    assert coverage.attribute("tf.keras.layers.Dense", MODULES) == ("tf.keras.layers", "Dense")
    assert coverage.attribute("tf.math.reduce_sum", MODULES) == ("tf.math", "reduce_sum")
    assert coverage.attribute("tf.constant.shape", MODULES) == ("tf", "constant")
    assert coverage.attribute("tf.nowhere", MODULES) is None


def test_exists_follows_pytensor_paths():
    assert coverage.exists("tf.math", "reduce_sum") and coverage.exists("tf", "Module")
    assert not coverage.exists("tf.math", "no_such_name") and not coverage.exists("tf.compat.v1", "sparse_placeholder")
