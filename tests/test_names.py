"""A TensorFlow name pytensor lacks says "not implemented yet (TensorFlow has tf.X)" (an AttributeError, so
hasattr() stays False); a name TensorFlow lacks too is a plain AttributeError; `import pytensor` does not read
the TensorFlow name list (pytensor/_tf_api_names.json, recorded by tests/fixtures/record_tf_api_names.py)."""
import json
import os
import subprocess
import sys

import pytest

import pytensor as pt
from child_python import child_env
from pytensor import _missing

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_name_list_is_tensorflows():
    with open(os.path.join(ROOT, "pytensor", "_tf_api_names.json")) as f:
        record = json.load(f)
    assert record["tensorflow_version"].startswith("2.")
    assert "function" in record["modules"]["tf"] and "conv3d" in record["modules"]["tf.nn"]


@pytest.mark.parametrize("module, name, tf_name", [
    ("pytensor", "load_op_library", "tf.load_op_library"),
    ("pytensor.image", "generate_bounding_box_proposals", "tf.image.generate_bounding_box_proposals"),
    ("pytensor.train", "ClusterDef", "tf.train.ClusterDef"),
    ("pytensor.image", "decode_jxl", "tf.image.decode_jxl"),
    ("pytensor.keras.layers", "ThresholdedReLU", "tf.keras.layers.ThresholdedReLU"),
    ("pytensor.keras.optimizers", "Lamb", "tf.keras.optimizers.Lamb"),
    ("pytensor.keras.losses", "CategoricalGeneralizedCrossEntropy",
     "tf.keras.losses.CategoricalGeneralizedCrossEntropy"),
    ("pytensor.keras.metrics", "PrecisionAtRecall", "tf.keras.metrics.PrecisionAtRecall"),
    ("pytensor.keras.callbacks", "RemoteMonitor", "tf.keras.callbacks.RemoteMonitor"),
    ("pytensor.keras.optimizers.schedules", "PolynomialDecay", "tf.keras.optimizers.schedules.PolynomialDecay"),
    ("pytensor.keras.utils", "audio_dataset_from_directory", "tf.keras.utils.audio_dataset_from_directory"),
])
def test_missing_tf_name_says_not_implemented(module, name, tf_name):
    mod = sys.modules[module] if module in sys.modules else __import__(module, fromlist=["_"])
    with pytest.raises(AttributeError, match=rf"^{module}\.{name} is not implemented yet \(TensorFlow has "
                                             rf"{tf_name}\)") as info:
        getattr(mod, name)
    assert isinstance(info.value, NotImplementedError) and isinstance(info.value, _missing.NotImplementedYetError)
    assert info.value.name == name
    assert not hasattr(mod, name)
    with pytest.raises(ImportError):
        exec(f"from {module} import {name}")


@pytest.mark.parametrize("module, name", [
    ("pytensor", "definitely_not_an_op"), ("pytensor.nn", "relu7"), ("pytensor.keras.layers", "Dense3"),
    ("pytensor", "_private"),
])
def test_name_tf_lacks_is_a_plain_attribute_error(module, name):
    mod = __import__(module, fromlist=["_"])
    with pytest.raises(AttributeError, match=f"has no attribute '{name}'") as info:
        getattr(mod, name)
    assert type(info.value) is AttributeError


def test_implemented_names_are_untouched():
    assert pt.nn.relu is pt._core.relu and pt.keras.layers.Dense.__name__ == "Dense"
    assert hasattr(pt, "keras") and hasattr(pt.math, "reduce_sum")


def test_import_does_not_read_the_name_list(tmp_path):
    code = ("import sys, pytensor, pytensor.keras; "
            "print('json' in sys.modules, pytensor._missing._tf_names.cache_info().currsize); "
            "hasattr(pytensor, 'load_op_library'); print(pytensor._missing._tf_names.cache_info().currsize)")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=child_env(), capture_output=True, text=True,
                         check=True)
    assert out.stdout.split()[1:] == ["0", "1"], out.stdout
