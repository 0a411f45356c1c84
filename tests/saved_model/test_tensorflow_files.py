"""The TensorFlow files of a pytensor SavedModel: a tensor bundle byte-identical to TensorFlow's, and a
saved_model.pb that real TensorFlow loads (checked against TensorFlow itself where its Python is present)."""
import json
import os
import subprocess
import warnings

import numpy as np
import pytest

import pytensor as tf
from pytensor import keras
from pytensor.saved_model import _protobuf as pb
from pytensor.saved_model import _tensor_bundle

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")
TF_PYTHON = "/work/peers-venv/bin/python"


def seeds_mlp():
    return keras.Sequential([keras.layers.Flatten(input_shape=(28, 28)), keras.layers.Dense(32, activation="relu"),
                             keras.layers.Dropout(0.2), keras.layers.Dense(10), keras.layers.Softmax()])


def seeds_cnn():
    return keras.Sequential([keras.layers.Conv2D(4, 3, activation="relu", input_shape=(12, 12, 1)),
                             keras.layers.MaxPooling2D(), keras.layers.Conv2D(3, 3, padding="same", strides=2),
                             keras.layers.Flatten(), keras.layers.Dense(5, activation="softmax")])


def cnn_with_batch_normalization():
    model = keras.Sequential([keras.layers.Conv2D(4, 3, input_shape=(10, 10, 2)), keras.layers.BatchNormalization(),
                              keras.layers.ReLU(), keras.layers.MaxPooling2D(), keras.layers.GlobalAveragePooling2D(),
                              keras.layers.Dense(3)])
    rng = np.random.default_rng(4)  # moving statistics away from 0 and 1, so a mix-up shows
    model.set_weights([rng.uniform(0.5, 1.5, w.shape).astype("float32") if "moving_variance" in w.name else
                       rng.normal(0, 0.5, w.shape).astype("float32") for w in model.weights])
    return model


def functional_residual():
    image = keras.Input((6, 6, 1), name="image")
    features = keras.layers.Conv2D(2, 3, padding="same", activation="relu")(image)
    features = keras.layers.Flatten()(keras.layers.Add()([features, keras.layers.Conv2D(2, 1)(image)]))
    outputs = keras.layers.Concatenate()([keras.layers.Dense(3)(features),
                                          keras.layers.Dense(2, activation="tanh")(features)])
    return keras.Model(image, outputs)


def _input_name(export):
    """The serving signature's input name, as pytensor's own files record it."""
    (name,) = tf.saved_model.load(export).signatures["serving_default"].structured_input_signature[1]
    return name


def _inputs(model, batch=4):
    rng = np.random.default_rng(1)
    return rng.random((batch, *model.input_shape[1:])).astype("float32")


def test_bundle_reads_tensorflows_and_writes_it_byte_for_byte(tmp_path):
    prefix = os.path.join(FIXTURES, "tf_bundle", "variables")
    values = _tensor_bundle.read_bundle(prefix)  # written by TF1's Saver (make_tf_fixtures.py)
    np.testing.assert_array_equal(values["dense/kernel"], np.arange(6, dtype="float32").reshape(3, 2))
    assert values["dense/kernel"].dtype == np.float32
    np.testing.assert_array_equal(values["scale"], [0.5, -1.25, 3.0])
    assert values["scale"].dtype == np.float64 and values["step"].dtype == np.int64 and values["step"].shape == ()
    assert int(values["step"]) == 7
    _tensor_bundle.write_bundle(str(tmp_path / "variables"), values)
    for suffix in (".index", ".data-00000-of-00001"):
        with open(prefix + suffix, "rb") as theirs, open(str(tmp_path / "variables") + suffix, "rb") as ours:
            assert ours.read() == theirs.read(), suffix


def test_damaged_bundles_raise_naming_the_file(tmp_path):
    prefix = str(tmp_path / "variables")
    _tensor_bundle.write_bundle(prefix, {"w": np.arange(4, dtype="float32")})
    data = bytearray(open(prefix + ".data-00000-of-00001", "rb").read())
    data[3] ^= 0x10
    open(prefix + ".data-00000-of-00001", "wb").write(bytes(data))
    with pytest.raises(ValueError, match=r"data-00000-of-00001: tensor 'w' does not match its CRC-32C"):
        _tensor_bundle.read_bundle(prefix)
    index = open(prefix + ".index", "rb").read()
    open(prefix + ".index", "wb").write(index[:-10])
    with pytest.raises(ValueError, match=r"variables.index is not a TensorFlow checkpoint index"):
        _tensor_bundle.read_bundle(prefix)


@pytest.mark.parametrize("make", [seeds_mlp, seeds_cnn, cnn_with_batch_normalization, functional_residual])
def test_saved_model_pb_holds_the_models_graph_signature_and_variables(tmp_path, make):
    model = make()
    export = str(tmp_path / "export")
    tf.saved_model.save(model, export)
    # TensorFlow's tensor bundle replaces variables.h5: one copy of the values, read by both libraries
    assert sorted(os.listdir(os.path.join(export, "variables"))) == [
        "variables.data-00000-of-00001", "variables.index"]
    saved_model = pb.Message(open(os.path.join(export, "saved_model.pb"), "rb").read())
    assert saved_model.int(1) == 1
    meta_graph, = saved_model.messages(2)
    assert meta_graph.message(1).repeated_bytes(4) == [b"serve"]
    signatures = meta_graph.map(5)
    assert sorted(signatures) == ["serve", "serving_default"]
    signature = signatures["serving_default"]
    input_name = _input_name(export)
    assert input_name == ("image" if make is functional_residual else model.layers[0].name + "_input")
    assert list(signature.map(1)) == [input_name] and list(signature.map(2)) == ["output_0"]
    assert signature.map(2)["output_0"].string(1) == "Identity:0"
    nodes = {n.string(1): n for n in meta_graph.message(2).messages(1)}
    ops = [n.string(2) for n in nodes.values()]
    assert nodes[input_name].string(2) == "Placeholder"
    assert ("Conv2D" in ops) == (make is not seeds_mlp)
    assert ("MaxPool" in ops) == (make in (seeds_cnn, cnn_with_batch_normalization))
    assert ("ConcatV2" in ops and "AddV2" in ops) == (make is functional_residual)
    assert ops.count("VarHandleOp") == len(model.weights) and "RestoreV2" in ops
    saver = meta_graph.message(3)
    assert saver.string(1) == "save/Const:0" and saver.string(3) in nodes
    # the bundle holds each weight under tf.train.Checkpoint(model)'s key, which the Saver restores
    prefix = os.path.join(export, "variables", "variables")
    values = _tensor_bundle.read_bundle(prefix)
    restored = [n.map(5)["value"] for n in nodes.values() if n.string(1) == "save/RestoreV2/tensor_names"]
    keys = sorted(k.decode() for k in restored[0].message(8).repeated_bytes(8))
    assert len(keys) == len(model.weights) and all(k.endswith("/.ATTRIBUTES/VARIABLE_VALUE") for k in keys)
    np.testing.assert_array_equal(sorted(values[k].size for k in keys), sorted(w.numpy().size for w in model.weights))
    fresh = make()
    fresh.load_weights(prefix)  # tf.keras 2.x's checkpoint prefix: here TensorFlow's bundle
    for mine, theirs in zip(fresh.weights, model.weights):
        np.testing.assert_array_equal(mine.numpy(), theirs.numpy())
    # pytensor's own files still load as before
    x = _inputs(model)
    out = tf.saved_model.load(export).signatures["serving_default"](tf.constant(x))["output_0"]
    np.testing.assert_allclose(out.numpy(), model.predict(x, verbose=0), rtol=1e-6, atol=1e-6)


def test_models_without_a_tensorflow_graph_keep_pytensors_files_and_say_so(tmp_path):
    model = keras.Sequential([keras.layers.Dense(3, input_shape=(4,)), keras.layers.LayerNormalization()])
    with pytest.warns(UserWarning, match=r"real TensorFlow cannot load.*layer_normalization.*LayerNormalization"):
        tf.saved_model.save(model, str(tmp_path / "m"))
    assert not os.path.exists(tmp_path / "m" / "saved_model.pb")
    x = _inputs(model)
    out = tf.saved_model.load(str(tmp_path / "m")).signatures["serving_default"](tf.constant(x))["output_0"]
    np.testing.assert_allclose(out.numpy(), model.predict(x, verbose=0), rtol=1e-6, atol=1e-6)


@pytest.mark.skipif(not os.path.exists(TF_PYTHON), reason="real TensorFlow's Python is not installed here")
def test_real_tensorflow_loads_the_seeds_models(tmp_path):
    cases = []
    makes = ((seeds_mlp, "save"), (seeds_cnn, "export"), (cnn_with_batch_normalization, "save"),
             (functional_residual, "export"))
    for make, save in makes:
        model = make()
        name = f"{make.__name__}_{save}"
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # these models must get TensorFlow's files
            if save == "save":
                tf.saved_model.save(model, str(tmp_path / name))
            else:
                model.export(str(tmp_path / name), verbose=False)
        x = _inputs(model)
        np.save(tmp_path / f"{name}_x.npy", x)
        np.save(tmp_path / f"{name}_y.npy", model.predict(x, verbose=0))
        cases.append({"dir": name, "input": _input_name(str(tmp_path / name)), "x": f"{name}_x.npy",
                      "y": f"{name}_y.npy"})
    (tmp_path / "cases.json").write_text(json.dumps(cases))
    run = subprocess.run([TF_PYTHON, os.path.join(FIXTURES, "check_tf_loads_pytensor.py"), str(tmp_path)],
                         capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr[-3000:]
    assert run.stdout.count("tf.saved_model.load OK") == len(makes), run.stdout
