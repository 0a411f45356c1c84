"""Keras's seeded draws pinned (tests/fixtures/random_pins.json, made by tests/fixtures/make_random_pins.py), and the
seed forms and errors of tf.random.

The stateful tf.random ops give TF's own numbers under every seed rule, checked against TF's recorded arrays in
test_random_tf_exact.py (the stateful_* cases). pytensor's Keras initializers and layers draw from those ops, while
Keras 3 draws from stateless ops with its SeedGenerator, so Keras's numbers are pytensor's own: pinned here, as
recorded from the build that made the stateful ops TF's, so that a change to how seeds are resolved shows.
"""
import json
import os

import numpy as np
import pytest

import pytensor as pt
import pytensor.random as rnd
from pytensor import keras

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "random_pins.json")


def keras_draws():
    keras.utils.set_random_seed(3)
    dense = keras.layers.Dense(3)
    dense.build((None, 4))
    drop = keras.layers.Dropout(0.5)
    return [dense.kernel.numpy(), keras.initializers.GlorotUniform(seed=3)((2, 2)),
            keras.initializers.RandomNormal(seed=4)((3,)), drop(pt.ones((2, 4)), training=True),
            keras.random.normal((3,)), keras.random.uniform((2,), seed=5)]


SCENARIOS = {f.__name__: f for f in (keras_draws,)}


def record(scenario):
    """The scenario's arrays as JSON-ready dicts (dtype, shape, values: exact for float32 and float64)."""
    arrays = [np.asarray(a.numpy() if hasattr(a, "numpy") else a) for a in SCENARIOS[scenario]()]
    return [{"dtype": a.dtype.name, "shape": list(a.shape), "values": a.ravel().tolist()} for a in arrays]


@pytest.fixture(autouse=True)
def _clear_seed():
    rnd.set_seed(None)
    yield
    rnd.set_seed(None)


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_same_numbers_as_recorded(scenario):
    with open(FIXTURE) as f:
        want = json.load(f)[scenario]
    got = record(scenario)
    assert len(got) == len(want), f"{scenario}: {len(got)} draws, recorded {len(want)}"
    for i, (g, w) in enumerate(zip(got, want)):
        assert (g["dtype"], g["shape"]) == (w["dtype"], w["shape"]), f"{scenario} draw {i}"
        # Floats within a few ulps: the x86-64-v4 build may round the transforms' last bit differently; a
        # different stream (seed, counter) changes every value completely.
        tol = {"rtol": 1e-6, "atol": 1e-7} if w["dtype"].startswith("float") else {"rtol": 0, "atol": 0}
        np.testing.assert_allclose(np.asarray(g["values"], g["dtype"]), np.asarray(w["values"], w["dtype"]),
                                   err_msg=f"{scenario} draw {i}", **tol)


@pytest.mark.parametrize("form", [np.int64(9), pt.constant(9), 9.0, np.uint64(9)])
def test_seed_forms_name_the_same_stream(form):
    """Seeds are read as int(seed): numpy integers, integer tensors and integral floats draw what 9 draws."""
    want = [rnd.normal((2,), seed=9).numpy(), rnd.normal((2,), seed=9).numpy()]
    rnd.set_seed(None)  # restarts the op seed's stream
    got = [rnd.normal((2,), seed=form).numpy(), rnd.normal((2,), seed=form).numpy()]
    np.testing.assert_array_equal(got, want)
    assert not np.array_equal(want[0], want[1])


def test_global_seed_reads_back_as_set():
    for seed in (-5, 0, 2**63, 2**64 - 1, -2**63):
        rnd.set_seed(seed)
        assert rnd.get_global_seed() == seed and type(rnd.get_global_seed()) is int
    rnd.set_seed(None)
    assert rnd.get_global_seed() is None


@pytest.mark.parametrize("seed,error,match", [
    (2**64, ValueError, r"set_seed: a seed must fit in 64 bits \(from -2\*\*63 to 2\*\*64 - 1\); got 18446744073709551616"),
    (-2**63 - 1, ValueError, "set_seed: a seed must fit in 64 bits"),
    ("abc", TypeError, "set_seed: a seed must be an integer or None, got 'abc'"),
    ([1, 2], TypeError, r"set_seed: a seed must be an integer or None, got \[1, 2\]"),
])
def test_bad_global_seed(seed, error, match):
    with pytest.raises(error, match=match):
        rnd.set_seed(seed)


@pytest.mark.parametrize("seed,error,match", [
    (2**64, ValueError, "random: a seed must fit in 64 bits"),
    ("abc", TypeError, "random: a seed must be an integer or None, got 'abc'"),
    (object, TypeError, "random: a seed must be an integer or None"),
])
def test_bad_op_seed(seed, error, match):
    for op in (lambda: rnd.normal((2,), seed=seed), lambda: rnd.shuffle(pt.range(3), seed=seed),
               lambda: pt.nn.dropout(pt.ones((3,)), 0.5, seed=seed)):
        with pytest.raises(error, match=match):
            op()
