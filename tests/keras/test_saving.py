"""Saving and loading models: Keras's ``.keras`` / ``.h5`` / ``.weights.h5`` files, both ways.

References: files written by real Keras 3 and tf.keras 2.x with their predictions (``fixtures/saving``, made by
``make_fixtures.py``); a model's own predictions and weights before saving; an uninterrupted training run for the
resumed one (bitwise).
"""
import importlib.util
import json
import os
import zipfile

import h5py
import numpy as np
import pytest

import pytensor as pt
from pytensor import keras
from pytensor.keras import layers

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "saving")
_spec = importlib.util.spec_from_file_location("saving_zoo", os.path.join(FIXTURES, "zoo.py"))
ZOO = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ZOO)
MODELS = ("mlp", "cnn", "text", "two_inputs", "custom", "zoo")


@keras.saving.register_keras_serializable(package="pt_fixtures")
class Scale(keras.layers.Layer):
    """The fixtures' custom layer (make_fixtures.py): ``inputs * scale + offset``."""

    def __init__(self, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.offset = offset

    def build(self, input_shape):
        self.scale = self.add_weight(name="scale", shape=(input_shape[-1],), initializer="ones")

    def call(self, inputs):
        return inputs * self.scale + self.offset

    def get_config(self):
        return {**super().get_config(), "offset": self.offset}


def _architecture(name):
    """The fixture architectures, built here (for loading weights-only files)."""
    if name == "zoo":
        return ZOO.layer_zoo(keras)
    if name == "mlp":
        return keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"), layers.Dropout(0.2),
                                 layers.Dense(3, activation="softmax")])
    if name == "cnn":
        return keras.Sequential([keras.Input((8, 8, 1)), layers.Conv2D(4, 3, activation="relu"),
                                 layers.BatchNormalization(), layers.MaxPooling2D(2), layers.Flatten(),
                                 layers.Dense(2)])
    if name == "text":
        return keras.Sequential([keras.Input((6,), dtype="int32"), layers.Embedding(20, 4),
                                 layers.LSTM(5, return_sequences=True), layers.GRU(3),
                                 layers.Dense(1, activation="sigmoid")])
    if name == "two_inputs":
        a, b = keras.Input((4,), name="a"), keras.Input((3,), name="b")
        merged = layers.Concatenate()([layers.Dense(5, activation="tanh", name="branch_a")(a),
                                       layers.Dense(5, activation="tanh", name="branch_b")(b)])
        return keras.Model([a, b], layers.Add()([layers.Dense(2, name="head")(merged),
                                                 layers.Dense(2, name="skip")(a)]))
    return keras.Sequential([keras.Input((5,)), layers.Dense(4), Scale(offset=0.5, name="scale"), layers.Dense(1)])


def _inputs(expected, name):
    xs = [expected[k] for k in sorted(expected.files) if k.startswith(name + "_x")]
    return xs if len(xs) > 1 else xs[0]


# ---- files written by real Keras ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("source", ["k3_{}.keras", "k3_{}.h5", "tfk_{}.h5"])
def test_load_model_written_by_keras(source, name):
    expected = np.load(os.path.join(FIXTURES, source.split("_")[0] + "_expected.npz"))
    model = keras.models.load_model(os.path.join(FIXTURES, source.format(name)))
    np.testing.assert_allclose(model.predict(_inputs(expected, name), verbose=0), expected[name + "_y"], atol=1e-5)
    assert model.optimizer.iterations.numpy() > 0  # the optimizer state came along


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("source", ["k3_{}.weights.h5", "tfk_{}_weights.h5"])
def test_load_weights_written_by_keras(source, name):
    expected = np.load(os.path.join(FIXTURES, source.split("_")[0] + "_expected.npz"))
    model = _architecture(name)
    model.load_weights(os.path.join(FIXTURES, source.format(name)))
    np.testing.assert_allclose(model.predict(_inputs(expected, name), verbose=0), expected[name + "_y"], atol=1e-5)


def test_legacy_weights_by_name_and_skip_mismatch():
    expected = np.load(os.path.join(FIXTURES, "tfk_expected.npz"))
    path = os.path.join(FIXTURES, "tfk_two_inputs_weights.h5")
    model = _architecture("two_inputs")
    model.load_weights(path, by_name=True)
    np.testing.assert_allclose(model.predict(_inputs(expected, "two_inputs"), verbose=0), expected["two_inputs_y"],
                               atol=1e-5)
    # A model whose "head" has another width: by name, that layer is skipped and every other one loads.
    a, b = keras.Input((4,), name="a"), keras.Input((3,), name="b")
    merged = layers.Concatenate()([layers.Dense(5, activation="tanh", name="branch_a")(a),
                                   layers.Dense(5, activation="tanh", name="branch_b")(b)])
    other = keras.Model([a, b], layers.Dense(7, name="head")(merged))
    with pytest.raises(ValueError, match=r"layer 'head'.*\(10, 7\).*\(10, 2\)"):
        other.load_weights(path, by_name=True)
    with pytest.warns(UserWarning, match="head"):
        other.load_weights(path, by_name=True, skip_mismatch=True)
    stored = h5py.File(path)["branch_a"]["branch_a"]["kernel:0"][()]
    np.testing.assert_array_equal(other.get_layer("branch_a").kernel.numpy(), stored)


# ---- pytensor's own files -----------------------------------------------------------------------------------

def _trained(name, optimizer="adam", rng=None):
    rng = rng or np.random.default_rng(0)
    model = _architecture(name)
    x = {"mlp": (32, 8), "cnn": (16, 8, 8, 1), "custom": (16, 5)}.get(name)
    if name == "text":
        x, y = rng.integers(1, 20, size=(16, 6)).astype("int32"), rng.integers(0, 2, size=(16, 1)).astype("float32")
    elif name == "zoo":
        x, y = ZOO.zoo_data(rng)
    elif name == "two_inputs":
        x = [rng.normal(size=(16, 4)).astype("float32"), rng.normal(size=(16, 3)).astype("float32")]
        y = rng.normal(size=(16, 2)).astype("float32")
    else:
        x = rng.normal(size=x).astype("float32")
        y = rng.integers(0, 3, size=(32,)) if name == "mlp" else \
            rng.normal(size=(len(x), 2 if name == "cnn" else 1)).astype("float32")
    loss = {"mlp": "sparse_categorical_crossentropy", "text": "binary_crossentropy"}.get(name, "mse")
    model.compile(optimizer="nadam" if name == "zoo" else optimizer, loss=loss,
                  metrics=["accuracy"] if name == "mlp" else None)
    model.fit(x, y, batch_size=8, epochs=1, verbose=0, shuffle=False)
    return model, x, y


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("ext", [".keras", ".h5"])
def test_save_load_round_trip(tmp_path, name, ext):
    model, x, _ = _trained(name)
    path = tmp_path / f"model{ext}"
    model.save(path)
    restored = keras.models.load_model(path)
    np.testing.assert_array_equal(restored.predict(x, verbose=0), model.predict(x, verbose=0))
    assert [w.name.split("/")[-1] for w in restored.weights] == [w.name.split("/")[-1] for w in model.weights]
    assert restored.optimizer.iterations.numpy() == model.optimizer.iterations.numpy()
    assert type(restored.optimizer) is type(model.optimizer)
    uncompiled = keras.models.load_model(path, compile=False)
    assert not uncompiled._compiled
    np.testing.assert_array_equal(uncompiled.predict(x, verbose=0), model.predict(x, verbose=0))


def test_keras_archive_layout(tmp_path):
    model, _, _ = _trained("mlp")
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        assert sorted(archive.namelist()) == ["config.json", "metadata.json", "model.weights.h5"]
        config = json.loads(archive.read("config.json"))
        assert json.loads(archive.read("metadata.json"))["keras_version"].startswith("3.")
        archive.extract("model.weights.h5", tmp_path)
    assert config["class_name"] == "Sequential" and config["module"] == "keras"
    assert [entry["class_name"] for entry in config["config"]["layers"]] == ["InputLayer", "Dense", "Dropout",
                                                                           "Dense"]
    assert config["compile_config"]["loss"] == "sparse_categorical_crossentropy"
    with h5py.File(tmp_path / "model.weights.h5") as f:
        np.testing.assert_array_equal(f["layers/dense/vars/0"][()], model.layers[0].kernel.numpy())
        np.testing.assert_array_equal(f["layers/dense_1/vars/1"][()], model.layers[2].bias.numpy())
        assert f["optimizer/vars/0"][()] == 4  # 32 samples / batch 8
        # Adam's slots, as Keras 3 orders them: m and v of each variable in turn.
        adam = model.optimizer
        kernel = model.layers[0].kernel
        m, v = adam._slots_of(kernel)
        np.testing.assert_array_equal(f["optimizer/vars/2"][()], m.numpy())
        np.testing.assert_array_equal(f["optimizer/vars/3"][()], v.numpy())


@pytest.mark.parametrize("ext", [".weights.h5", ".h5"])
def test_save_weights_round_trip(tmp_path, ext):
    model, x, _ = _trained("cnn")
    model.save_weights(tmp_path / f"w{ext}")
    other = _architecture("cnn")
    other.load_weights(tmp_path / f"w{ext}")
    for a, b in zip(model.weights, other.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    model.save(tmp_path / "whole.keras")
    third = _architecture("cnn")
    third.load_weights(tmp_path / "whole.keras")  # the weights of a whole-model file
    for a, b in zip(model.weights, third.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_optimizer_without_config_saves_architecture_and_weights(tmp_path):
    class PlainSGD:
        def apply_gradients(self, grads_and_vars):
            for g, v in grads_and_vars:
                v.assign_sub(0.1 * g)
    model = keras.Sequential([keras.Input((3,)), layers.Dense(2)])
    model.compile(optimizer=PlainSGD(), loss="mse")
    with pytest.warns(UserWarning, match="PlainSGD has no get_config"):
        model.save(tmp_path / "m.keras")
    restored = keras.models.load_model(tmp_path / "m.keras")
    assert not restored._compiled
    np.testing.assert_array_equal(restored.layers[0].kernel.numpy(), model.layers[0].kernel.numpy())


@pytest.mark.parametrize("optimizer", ["adam", "sgd_momentum", "rmsprop", "adamw", "nadam", "adagrad", "adadelta"])
@pytest.mark.parametrize("ext", [".keras", ".h5", ".weights.h5"])
def test_training_resumes_exactly(tmp_path, optimizer, ext):
    """Two epochs in one run give bitwise the weights of one epoch, a save, a load and one more epoch."""
    def make():
        pt.random.set_seed(1)
        keras.backend.clear_session()
        model = _architecture("mlp")
        opt = keras.optimizers.SGD(0.05, momentum=0.9) if optimizer == "sgd_momentum" else \
            keras.optimizers.get(optimizer)
        model.compile(optimizer=opt, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        return model
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(64, 8)).astype("float32"), rng.integers(0, 3, size=(64,))
    straight = make()
    straight.fit(x, y, batch_size=16, epochs=2, verbose=0, shuffle=False)
    first = make()
    first.fit(x, y, batch_size=16, epochs=1, verbose=0, shuffle=False)
    path = tmp_path / f"ckpt{ext}"
    if ext == ".weights.h5":
        first.save_weights(path)
        resumed = make()
        resumed.build((None, 8))
        resumed.load_weights(path)
    else:
        first.save(path)
        resumed = keras.models.load_model(path)
    # Dropout draws from the global generator: the resumed run continues from the same stream position.
    pt.random.set_seed(1)
    replay = make()
    replay.fit(x, y, batch_size=16, epochs=1, verbose=0, shuffle=False)
    resumed.fit(x, y, batch_size=16, epochs=2, initial_epoch=1, verbose=0, shuffle=False)
    assert resumed.optimizer.iterations.numpy() == straight.optimizer.iterations.numpy() == 8
    for a, b in zip(straight.weights, resumed.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_to_json_and_clone_model():
    model, x, _ = _trained("two_inputs")
    rebuilt = keras.models.model_from_json(model.to_json())
    assert [l.name for l in rebuilt.layers] == [l.name for l in model.layers]
    rebuilt.set_weights(model.get_weights())
    np.testing.assert_array_equal(rebuilt.predict(x, verbose=0), model.predict(x, verbose=0))
    for source in (model, _trained("cnn")[0], _trained("custom")[0]):
        clone = keras.models.clone_model(source)
        assert clone is not source and [type(l) for l in clone.layers] == [type(l) for l in source.layers]
        assert all(a is not b for a, b in zip(clone.weights, source.weights))
        assert any(not np.array_equal(a.numpy(), b.numpy()) for a, b in zip(clone.weights, source.weights))
        clone.set_weights(source.get_weights())
        data = x if source is model else np.ones((2,) + source.inputs[0].shape[1:], "float32")
        np.testing.assert_array_equal(clone.predict(data, verbose=0), source.predict(data, verbose=0))
    config = model.get_config()
    again = keras.Model.from_config(config)
    assert again.get_config() == config
    sequential = _trained("cnn")[0]
    rebuilt = keras.Sequential.from_config(sequential.get_config())
    assert isinstance(rebuilt, keras.Sequential) and rebuilt.get_config() == sequential.get_config()


def test_subclassed_model_round_trip(tmp_path):
    @keras.saving.register_keras_serializable(package="tests")
    class TwoLayer(keras.Model):
        def __init__(self, units=3, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.hidden = layers.Dense(units, activation="relu")
            self.out = layers.Dense(1)

        def call(self, inputs):
            return self.out(self.hidden(inputs))

        def get_config(self):
            return {**super().get_config(), "units": self.units}
    model = TwoLayer(units=4)
    model.compile(optimizer="adam", loss="mse")
    x = np.random.default_rng(0).normal(size=(8, 5)).astype("float32")
    model.fit(x, x[:, :1], verbose=0)
    model.save(tmp_path / "sub.keras")
    restored = keras.models.load_model(tmp_path / "sub.keras")
    assert isinstance(restored, TwoLayer) and restored.units == 4
    np.testing.assert_array_equal(restored.predict(x, verbose=0), model.predict(x, verbose=0))
    model.save_weights(tmp_path / "w.weights.h5")
    with h5py.File(tmp_path / "w.weights.h5") as f:  # sub-layers are addressed by attribute, as in Keras 3
        assert set(f) >= {"hidden", "out", "optimizer"} and f["hidden/vars/0"].shape == (5, 4)

    @keras.saving.register_keras_serializable(package="tests")
    class NoConfig(keras.Model):
        def __init__(self, units):
            super().__init__()
            self.dense = layers.Dense(units)

        def call(self, inputs):
            return self.dense(inputs)
    bare = NoConfig(3)
    bare(x)
    bare.save(tmp_path / "bare.keras")
    with pytest.raises(TypeError, match="NoConfig.*get_config"):
        keras.models.load_model(tmp_path / "bare.keras")


# ---- custom objects ------------------------------------------------------------------------------------------

class Unregistered(keras.layers.Layer):
    def call(self, inputs):
        return inputs * 2.0


def _unregistered_loss(y_true, y_pred):
    return pt.reduce_mean(pt.square(y_true - y_pred), axis=-1)


def test_custom_objects_and_scope(tmp_path):
    model = keras.Sequential([keras.Input((3,)), layers.Dense(2), Unregistered()])
    model.compile(optimizer="sgd", loss=_unregistered_loss)
    model.save(tmp_path / "m.keras")
    with pytest.raises(ValueError, match="Unregistered.*custom_objects"):
        keras.models.load_model(tmp_path / "m.keras")
    restored = keras.models.load_model(tmp_path / "m.keras", custom_objects={
        "Unregistered": Unregistered, "_unregistered_loss": _unregistered_loss})
    x = np.ones((2, 3), "float32")
    np.testing.assert_array_equal(restored.predict(x, verbose=0), model.predict(x, verbose=0))
    assert restored._loss_spec is _unregistered_loss
    with keras.utils.custom_object_scope({"Unregistered": Unregistered}):
        restored = keras.models.load_model(tmp_path / "m.keras", compile=False)
    assert isinstance(restored.layers[-1], Unregistered)


def test_lambda_layer_needs_safe_mode_off(tmp_path):
    model = keras.Sequential([keras.Input((3,)), layers.Lambda(lambda t: t * 3.0)])
    model.save(tmp_path / "lambda.keras")
    with pytest.raises(ValueError, match="safe_mode=False"):
        keras.models.load_model(tmp_path / "lambda.keras")
    restored = keras.models.load_model(tmp_path / "lambda.keras", safe_mode=False)
    np.testing.assert_array_equal(restored.predict(np.ones((1, 3), "float32"), verbose=0), [[3.0, 3.0, 3.0]])


# ---- bad input and damaged files -----------------------------------------------------------------------------

def test_bad_paths_and_extensions(tmp_path):
    model, _, _ = _trained("mlp")
    with pytest.raises(ValueError, match=r"\.keras.*\.h5"):
        model.save(tmp_path / "model.pkl")
    with pytest.raises(ValueError, match=r"\.weights\.h5"):
        model.save_weights(tmp_path / "weights.keras")
    with pytest.raises(FileNotFoundError, match="nothing.keras"):
        keras.models.load_model(tmp_path / "nothing.keras")
    (tmp_path / "model.onnx").write_bytes(b"x")
    with pytest.raises(ValueError, match="File format not supported"):
        keras.models.load_model(tmp_path / "model.onnx")
    with pytest.raises(FileNotFoundError, match="folder"):
        model.save(tmp_path / "missing" / "model.keras")
    with pytest.raises(ValueError, match="save_format='onnx' is not supported"):
        model.save(tmp_path / "model", save_format="onnx")
    model.save(tmp_path / "saved_model", save_format="tf")  # tf.keras 2.x's SavedModel folder
    assert pt.saved_model.contains_saved_model(tmp_path / "saved_model")
    model.save(tmp_path / "legacy_name", save_format="h5")  # tf.keras 2.x's spelling
    assert h5py.is_hdf5(tmp_path / "legacy_name")
    x = np.ones((2, 8), "float32")
    np.testing.assert_array_equal(keras.models.load_model(tmp_path / "legacy_name").predict(x, verbose=0),
                                  model.predict(x, verbose=0))


def test_damaged_files_raise_clear_errors(tmp_path):
    model, _, _ = _trained("mlp")
    good = tmp_path / "good.keras"
    model.save(good)
    data = good.read_bytes()
    (tmp_path / "text.keras").write_text("not a zip")
    with pytest.raises(ValueError, match="text.keras is not a valid .keras file: it is not a zip"):
        keras.models.load_model(tmp_path / "text.keras")
    (tmp_path / "truncated.keras").write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="truncated.keras"):
        keras.models.load_model(tmp_path / "truncated.keras")
    flipped = bytearray(data)
    with zipfile.ZipFile(good) as archive:
        info = archive.getinfo("model.weights.h5")
    flipped[info.header_offset + 30 + len(info.filename) + 3000] ^= 0xFF  # inside the stored weights
    (tmp_path / "flipped.keras").write_bytes(bytes(flipped))
    with pytest.raises(ValueError, match="flipped.keras.*damaged"):
        keras.models.load_model(tmp_path / "flipped.keras")
    model.save_weights(tmp_path / "w.h5")
    with pytest.raises(ValueError, match="w.h5 has no model_config"):
        keras.models.load_model(tmp_path / "w.h5")
    (tmp_path / "junk.h5").write_bytes(b"\x00" * 100)
    with pytest.raises(ValueError, match="junk.h5 is not a valid"):
        keras.models.load_model(tmp_path / "junk.h5")


def test_weights_of_another_architecture(tmp_path):
    small = keras.Sequential([keras.Input((784,)), layers.Dense(256), layers.Dense(10)])
    big = keras.Sequential([keras.Input((784,)), layers.Dense(512), layers.Dense(10)])
    small.save_weights(tmp_path / "small.weights.h5")
    before = [w.numpy() for w in big.weights]
    with pytest.raises(ValueError, match=r"small.weights.h5.*kernel.*\(784, 512\).*\(784, 256\)"):
        big.load_weights(tmp_path / "small.weights.h5")
    for w, b in zip(big.weights, before):  # nothing half-loaded
        np.testing.assert_array_equal(w.numpy(), b)
    three = keras.Sequential([keras.Input((784,)), layers.Dense(256), layers.Dense(10), layers.Dense(2)])
    with pytest.raises(ValueError, match=r"layer 'dense_\d+' \(at layers/dense_2/vars\) has 2 variables.*file has 0"):
        three.load_weights(tmp_path / "small.weights.h5")
    with pytest.warns(UserWarning, match="skip_mismatch"):
        three.load_weights(tmp_path / "small.weights.h5", skip_mismatch=True)
    np.testing.assert_array_equal(three.layers[0].kernel.numpy(), small.layers[0].kernel.numpy())
    small.save_weights(tmp_path / "small.h5")
    with pytest.raises(ValueError, match="layer count mismatch.*3 layers.*2"):
        three.load_weights(tmp_path / "small.h5")


def test_failed_or_interrupted_save_keeps_the_old_file(tmp_path, monkeypatch):
    from pytensor.keras.saving import _weights
    model, _, _ = _trained("mlp")
    path = tmp_path / "model.keras"
    model.save(path)
    original = path.read_bytes()

    class NotJSON(keras.layers.Layer):
        def get_config(self):
            return {**super().get_config(), "thing": object()}
    bad = keras.Sequential([keras.Input((2,)), NotJSON()])
    with pytest.raises(TypeError, match="not JSON"):
        bad.save(path)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(_weights, "write_keras3", interrupted)
    with pytest.raises(KeyboardInterrupt):
        model.save(path)

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(_weights, "write_legacy", disk_full)
    with pytest.raises(OSError, match="No space"):
        model.save_weights(tmp_path / "model.h5")
    assert path.read_bytes() == original
    assert sorted(os.listdir(tmp_path)) == ["model.keras"]  # no temporary files left behind
    with pytest.raises(FileExistsError):
        model.save(path, overwrite=False)


def test_seed_program_save_and_load_h5(tmp_path, monkeypatch):
    """The lecture notes' program: a TF1 optimizer, model.save('my_model.h5'), load_model('my_model.h5')."""
    monkeypatch.chdir(tmp_path)
    tf = pt
    rng = np.random.default_rng(0)
    data = rng.random((96, 32)).astype("float32")
    labels = keras.utils.to_categorical(rng.integers(0, 10, size=96), 10)
    model = tf.keras.Sequential([
        layers.Dense(64, activation='relu', input_shape=(32,)),
        layers.Dense(64, activation='relu'),
        layers.Dense(10, activation='softmax')])
    model.compile(optimizer=tf.train.AdamOptimizer(0.001), loss='categorical_crossentropy', metrics=['accuracy'])
    model.fit(data, labels, batch_size=32, epochs=2, verbose=0, shuffle=False)
    model.save('my_model.h5')
    restored = tf.keras.models.load_model('my_model.h5')
    np.testing.assert_array_equal(restored.predict(data, verbose=0), model.predict(data, verbose=0))
    assert restored.optimizer.epsilon == 1e-8 and restored.optimizer.iterations.numpy() == 6
    model.fit(data, labels, batch_size=32, epochs=1, verbose=0, shuffle=False)
    restored.fit(data, labels, batch_size=32, epochs=1, verbose=0, shuffle=False)
    for a, b in zip(model.weights, restored.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_tensorflow_style_checkpoint_prefix(tmp_path):
    """tf.keras 2.x's save_weights('./checkpoints/my_checkpoint') and load_weights(latest_checkpoint(dir))."""
    model, x, _ = _trained("cnn")
    model.save_weights(str(tmp_path / "checkpoints" / "my_checkpoint"))
    latest = pt.train.latest_checkpoint(tmp_path / "checkpoints")
    assert latest == str(tmp_path / "checkpoints" / "my_checkpoint")
    other = _architecture("cnn")
    other.compile(optimizer="adam", loss="mse")
    other.load_weights(latest).assert_existing_objects_matched()
    np.testing.assert_array_equal(other.predict(x, verbose=0), model.predict(x, verbose=0))
    assert other.optimizer.iterations.numpy() == model.optimizer.iterations.numpy()


@pytest.mark.parametrize("ext", [".weights.h5", ".h5"])
def test_bit_flip_in_weights_is_detected(tmp_path, ext):
    """Stored arrays carry HDF5's Fletcher-32 checksum: a flipped bit fails the load instead of changing a weight."""
    model, _, _ = _trained("mlp")
    path = tmp_path / f"w{ext}"
    model.save_weights(path)
    with h5py.File(path) as f:
        name = model.layers[0].name
        dataset = f["layers/dense/vars/0"] if ext == ".weights.h5" else f[name][f[name].attrs["weight_names"][0]]
        offset = dataset.id.get_chunk_info(0).byte_offset
    data = bytearray(path.read_bytes())
    data[offset + 100] ^= 0x10
    path.write_bytes(bytes(data))
    before = [w.numpy() for w in model.weights]
    with pytest.raises(ValueError, match=rf"w{ext}: cannot read .*damaged"):
        model.load_weights(path)
    for w, b in zip(model.weights, before):
        np.testing.assert_array_equal(w.numpy(), b)


def _step_error(model, expected, name):
    x = _inputs(expected, name)
    model.train_on_batch([xi[:8] for xi in x] if isinstance(x, list) else x[:8], expected[name + "_labels"][:8])
    return float(np.abs(model.predict(x, verbose=0) - expected[name + "_y_after_step"]).max())


@pytest.mark.parametrize("name", ["cnn", "text", "two_inputs", "custom"])  # (mlp and zoo have Dropout: draws differ)
@pytest.mark.parametrize("source", ["k3_{}.keras", "k3_{}.h5", "tfk_{}.h5"])
def test_training_continues_from_keras_optimizer_state(source, name):
    """One more step from a Keras file's optimizer state lands where Keras's own step did. Rounding differences
    between the frameworks grow through RMSprop's division, so the check is against a control: the same step from
    zeroed slots must land at least ten times farther away."""
    expected = np.load(os.path.join(FIXTURES, source.split("_")[0] + "_expected.npz"))
    path = os.path.join(FIXTURES, source.format(name))
    error = _step_error(keras.models.load_model(path), expected, name)
    control = keras.models.load_model(path)
    for slot in control.optimizer.variables[1:]:
        slot.assign(np.zeros(tuple(slot.shape), slot.dtype.as_numpy_dtype))
    assert error <= max(1e-5, 0.1 * _step_error(control, expected, name))


@pytest.mark.parametrize("ext", [".keras", ".h5"])
def test_nested_shared_bidirectional_and_unbuilt_models(tmp_path, ext):
    inner = keras.Sequential([keras.Input((4,)), layers.Dense(3, activation="relu"), layers.Dense(2)], name="inner")
    a, b = keras.Input((4,)), keras.Input((4,))
    shared = layers.Dense(4, name="shared")
    model = keras.Model([a, b], layers.Concatenate()([inner(shared(a)), inner(shared(b))]))
    x = [np.random.default_rng(0).random((3, 4), dtype=np.float32) for _ in range(2)]
    model.save(tmp_path / f"nested{ext}")
    restored = keras.models.load_model(tmp_path / f"nested{ext}")
    np.testing.assert_array_equal(restored.predict(x, verbose=0), model.predict(x, verbose=0))
    assert len(restored.weights) == len(model.weights) == 6  # the shared layer's weights once
    bidi = keras.Sequential([keras.Input((5, 3)), layers.Bidirectional(layers.LSTM(4)), layers.Dense(1)])
    xb = np.random.default_rng(1).random((2, 5, 3), dtype=np.float32)
    bidi.save(tmp_path / f"bidi{ext}")
    np.testing.assert_array_equal(keras.models.load_model(tmp_path / f"bidi{ext}").predict(xb, verbose=0),
                                  bidi.predict(xb, verbose=0))
    unbuilt = keras.Sequential([layers.Dense(3), layers.Dense(1)])
    unbuilt.save(tmp_path / f"unbuilt{ext}")
    again = keras.models.load_model(tmp_path / f"unbuilt{ext}")
    assert not again.built and [l.units for l in again.layers] == [3, 1]


@pytest.mark.parametrize("source", ["k3_lambda.keras", "k3_lambda.h5", "tfk_lambda.h5"])
def test_keras_lambda_files_need_safe_mode_off(source):
    """Keras stores a Lambda's function as Python bytecode: refused by default, run only with safe_mode=False."""
    expected = np.load(os.path.join(FIXTURES, source.split("_")[0] + "_expected.npz"))
    path = os.path.join(FIXTURES, source)
    with pytest.raises(ValueError, match="Lambda layer 'lambda'.*safe_mode=False"):
        keras.models.load_model(path)
    model = keras.models.load_model(path, safe_mode=False)
    np.testing.assert_allclose(model.predict(expected["lambda_x0"], verbose=0), expected["lambda_y"], atol=1e-5)
    assert model.optimizer.iterations.numpy() == 1
