"""TF1 programs run unchanged with ``python -m pytensor.run`` and print TF1's numbers (fixtures/tf1_results.json,
recorded from TensorFlow's tf.compat.v1 by fixtures/make_tf1_results.py): the seed's Session program, a linear
regression fed one sample at a time, the MNIST softmax tutorial, a layers.dense + Adam network, and each TF1
optimizer's updates and slot variables."""
import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest

from child_python import child_env

HERE = os.path.dirname(os.path.abspath(__file__))
PROGRAMS = os.path.join(HERE, "programs")
RECORDED = json.load(open(os.path.join(HERE, "fixtures", "tf1_results.json")))["programs"]
MNIST = os.path.abspath(os.path.join(HERE, "..", "..", "..", "shared", "data", "mnist.npz"))
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


def _run(name, tmp_path):
    out = subprocess.run([sys.executable, "-m", "pytensor.run", os.path.join(PROGRAMS, name), MNIST],
                         capture_output=True, text=True, env=child_env(), cwd=tmp_path, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout


def _words(text):
    """The text with numbers as # and without white space (numpy pads array elements to a common width)."""
    return "".join(NUMBER.sub("#", text).split())


def _numbers(text):
    return np.array([float(x) for x in NUMBER.findall(text)])


@pytest.mark.parametrize("name, rtol", [
    ("seed_004_minimal.py", 0.0),
    ("linear_regression.py", 1e-5),
    ("mlp_layers_adam.py", 2e-5),
    ("optimizers.py", 5e-5),
    pytest.param("mnist_softmax.py", 2e-5, marks=pytest.mark.skipif(not os.path.exists(MNIST),
                                                                   reason="needs ../shared/data/mnist.npz")),
])
def test_program_prints_tf1_numbers(name, rtol, tmp_path):
    ours, theirs = _run(name, tmp_path), RECORDED[name]
    # The same words and numbers (variable names, collections, steps), the numbers to float32 rounding.
    assert _words(ours) == _words(theirs)
    np.testing.assert_allclose(_numbers(ours), _numbers(theirs), rtol=rtol, atol=1e-6)


def test_seed_prints_the_lecture_result(tmp_path):
    assert _run("seed_004_minimal.py", tmp_path) == "Result:  9.0\n"
