"""SavedModel directories: ``tf.saved_model.save`` / ``load`` of modules and Keras models with their traced
functions, Keras's ``model.export`` and ``model.save(dir, save_format="tf")``, and damaged directories.

References: numpy (a module's matmul + relu on its variables' values), predictions recorded by real Keras 3
(``fixtures/saving``, made by ``make_fixtures.py``), and the saved object's own outputs before saving.
"""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import pytensor as pt
from pytensor import keras
from pytensor.saved_model import _save
from child_python import child_env

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "saving")


class Scale(keras.layers.Layer):
    """The fixtures' custom layer (make_fixtures.py; test_saving.py registers its own copy): inputs * scale + offset."""

    def __init__(self, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.offset = offset

    def build(self, input_shape):
        self.scale = self.add_weight(name="scale", shape=(input_shape[-1],), initializer="ones")

    def call(self, inputs):
        return inputs * self.scale + self.offset

    def get_config(self):
        return {**super().get_config(), "offset": self.offset}


def _inputs(expected, name):
    xs = [expected[k] for k in sorted(expected.files) if k.startswith(name + "_x")]
    return xs if len(xs) > 1 else xs[0]


class Dense(pt.Module):
    def __init__(self, n_in, n_out, seed):
        super().__init__()
        rng = np.random.default_rng(seed)
        self.w = pt.Variable(rng.normal(size=(n_in, n_out)).astype("float32"), name="w")
        self.b = pt.Variable(rng.normal(size=(n_out,)).astype("float32"), name="b")

    def __call__(self, x):
        return pt.nn.relu(pt.matmul(x, self.w) + self.b)


class TwoLayers(pt.Module):
    """The intro_to_modules guide's module: a traced __call__ and a method with an input_signature."""

    def __init__(self):
        super().__init__()
        self.dense_1 = Dense(3, 4, 0)
        self.dense_2 = Dense(4, 2, 1)
        self.layers = [self.dense_1, self.dense_2]

    @pt.function
    def __call__(self, x):
        return self.dense_2(self.dense_1(x))

    @pt.function(input_signature=[pt.TensorSpec([None, 3], pt.float32, name="features")])
    def predict(self, x):
        return {"scores": self(x), "total": pt.reduce_sum(x, axis=1)}


def _numpy_forward(m, x):
    h = np.maximum(x @ m.dense_1.w.numpy() + m.dense_1.b.numpy(), 0)
    return np.maximum(h @ m.dense_2.w.numpy() + m.dense_2.b.numpy(), 0)


def test_module_round_trip(tmp_path):
    m = TwoLayers()
    x = np.array([[2.0, 2.0, 2.0]], "float32")
    m(pt.constant(x))
    m([[1.0, 0.0, -1.0]])  # a trace on a Python value
    pt.saved_model.save(m, tmp_path / "sm")
    assert sorted(os.listdir(tmp_path / "sm")) == ["assets", "saved_model.graphs", "saved_model.json", "variables"]
    loaded = pt.saved_model.load(tmp_path / "sm")
    np.testing.assert_allclose(loaded(pt.constant(x)).numpy(), _numpy_forward(m, x), rtol=1e-6)
    np.testing.assert_allclose(loaded([[1.0, 0.0, -1.0]]).numpy(),
                               _numpy_forward(m, np.array([[1.0, 0.0, -1.0]], "float32")), rtol=1e-6)
    # Attributes, variables (lists and sub-objects too) and the input_signature method, at any batch size.
    np.testing.assert_array_equal(loaded.dense_1.w.numpy(), m.dense_1.w.numpy())
    assert loaded.layers[1].b is loaded.dense_2.b
    assert len(loaded.variables) == 4 and len(loaded.trainable_variables) == 4
    batch = np.random.default_rng(2).normal(size=(7, 3)).astype("float32")
    out = loaded.predict(batch)
    np.testing.assert_allclose(out["scores"].numpy(), _numpy_forward(m, batch), rtol=1e-5)
    np.testing.assert_allclose(out["total"].numpy(), batch.sum(1), rtol=1e-5)
    concrete = loaded.predict.get_concrete_function(pt.TensorSpec([4, 3], pt.float32))
    assert [op.type for op in concrete.graph.get_operations()].count("matmul") == 2
    np.testing.assert_allclose(concrete(pt.constant(batch[:4]))["scores"].numpy(), _numpy_forward(m, batch[:4]),
                               rtol=1e-5)
    # The only input_signature function is the default signature: inputs by name, outputs by key.
    sig = loaded.signatures["serving_default"]
    np.testing.assert_allclose(sig(features=pt.constant(batch[:2]))["scores"].numpy(), _numpy_forward(m, batch[:2]),
                               rtol=1e-5)
    # Variables are the loaded object's own: assigning changes what the functions compute.
    loaded.dense_2.b.assign(loaded.dense_2.b + 100.0)
    assert (loaded(pt.constant(x)).numpy() >= 100.0).all()
    with pytest.raises(ValueError, match=r"float32\(2, 3\).*traced before saving"):
        loaded(pt.constant(batch[:2]))  # __call__ was traced only for (1, 3)


def test_load_in_a_process_without_the_source(tmp_path):
    """A child Python that never saw TwoLayers loads the SavedModel and runs its graphs."""
    m = TwoLayers()
    batch = np.random.default_rng(3).normal(size=(4, 3)).astype("float32")
    m.predict(pt.constant(batch))
    pt.saved_model.save(m, tmp_path / "sm")
    np.save(tmp_path / "x.npy", batch)
    script = ("import numpy as np, pytensor as tf\n"
              "m = tf.saved_model.load('sm')\n"
              "np.save('y.npy', m.predict(np.load('x.npy'))['scores'].numpy())\n")
    subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=child_env(), check=True, timeout=120)
    np.testing.assert_allclose(np.load(tmp_path / "y.npy"), _numpy_forward(m, batch), rtol=1e-5)


def test_checkpoint_reads_the_variables(tmp_path):
    m = TwoLayers()
    m.predict(pt.zeros([1, 3]))
    pt.saved_model.save(m, tmp_path / "sm")
    fresh = TwoLayers()
    pt.train.Checkpoint(fresh).read(str(tmp_path / "sm" / "variables" / "variables")).expect_partial()
    np.testing.assert_array_equal(fresh.dense_2.w.numpy(), m.dense_2.w.numpy())


@pytest.mark.parametrize("optimizer", [lambda: keras.optimizers.Adam(0.1),
                                       lambda: keras.optimizers.RMSprop(0.05, momentum=0.5, centered=True),
                                       lambda: keras.optimizers.SGD(0.1, momentum=0.9, nesterov=True)],
                         ids=["adam", "rmsprop", "sgd"])
def test_train_step_state_and_control_flow(tmp_path, optimizer):
    """A saved training step updates the loaded variables and optimizer slots as the original does (every state
    an update reads at run time, the step count and learning rate included, is in the saved graph)."""
    class Trainer(pt.Module):
        def __init__(self):
            super().__init__()
            self.w = pt.Variable(np.linspace(-1, 1, 6, dtype="float32").reshape(3, 2))
            self.opt = optimizer()
            self.steps = pt.Variable(0)

        @pt.function(input_signature=[pt.TensorSpec([None, 3]), pt.TensorSpec([None, 2])])
        def train(self, x, y):
            with pt.GradientTape() as tape:
                loss = pt.reduce_mean((pt.matmul(x, self.w) - y) ** 2)
            self.opt.apply_gradients([(tape.gradient(loss, self.w), self.w)])
            self.steps.assign_add(1)
            return pt.cond(loss > 1.0, lambda: loss * 2.0, lambda: loss)

    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(8, 3)).astype("float32"), rng.normal(size=(8, 2)).astype("float32")
    original = Trainer()
    original.train(x, y)
    pt.saved_model.save(original, tmp_path / "sm")  # the mean's gradient holds 1 / batch size: fitted
    loaded = pt.saved_model.load(tmp_path / "sm")
    for rows in (5, 3, 8):  # batch sizes never traced before saving
        expected = original.train(x[:rows], y[:rows])
        got = loaded.train(pt.constant(x[:rows]), pt.constant(y[:rows]))
        np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-5)
    np.testing.assert_allclose(loaded.w.numpy(), original.w.numpy(), rtol=1e-6)
    assert int(loaded.steps.numpy()) == int(original.steps.numpy()) == 4


def test_sizes_in_attributes_follow_the_batch(tmp_path):
    class Flat(pt.Module):
        @pt.function(input_signature=[pt.TensorSpec([None, 2])])
        def __call__(self, x):
            return pt.reshape(x, [x.shape[0] * 2]) + pt.cast(x.shape[0], pt.float32)  # traced sizes in the graph

    pt.saved_model.save(Flat(), tmp_path / "sm")
    loaded = pt.saved_model.load(tmp_path / "sm")
    for rows in (1, 4, 11):
        x = np.arange(rows * 2, dtype="float32").reshape(rows, 2)
        np.testing.assert_array_equal(loaded(x).numpy(), x.reshape(-1) + rows)


def test_sizes_read_with_tf_shape_follow_the_batch(tmp_path):
    """TF's idiom for a None dimension, tf.shape(x), traces to a constant shape vector whose elements follow the size
    (a mean over the batch, a reshape to a computed shape), so the loaded function serves every batch size."""
    class Scaled(pt.Module):
        @pt.function(input_signature=[pt.TensorSpec([None, 2], pt.float32)])
        def __call__(self, x):
            n = pt.shape(x)[0]
            flat = pt.reshape(x, pt.stack([n * 2]))
            return flat / pt.cast(n, pt.float32) + pt.cast(pt.shape(x)[1], pt.float32)

    module = Scaled()
    module(pt.ones([3, 2]))
    pt.saved_model.save(module, tmp_path / "sm")
    loaded = pt.saved_model.load(tmp_path / "sm")
    for rows in (1, 4, 11):
        x = np.arange(rows * 2, dtype="float32").reshape(rows, 2)
        np.testing.assert_allclose(loaded(x).numpy(), x.reshape(-1) / np.float32(rows) + 2, rtol=1e-6)


def test_size_dependence_it_cannot_follow_is_not_generalised(tmp_path):
    class Square(pt.Module):
        @pt.function(input_signature=[pt.TensorSpec([None])])
        def __call__(self, x):
            return pt.reduce_sum(x) + pt.ones([x.shape[0] * x.shape[0]])  # the square of the size

    module = Square()
    module(pt.ones([4]))
    with pytest.warns(UserWarning, match="cannot follow"):
        pt.saved_model.save(module, tmp_path / "sm")
    loaded = pt.saved_model.load(tmp_path / "sm")
    np.testing.assert_array_equal(loaded(pt.ones([4])).numpy(), np.full(16, 5.0))  # a shape it was called with
    with pytest.raises(ValueError, match="traced before saving"):
        loaded(pt.ones([6]))


def test_print_in_a_function_is_refused(tmp_path):
    class Noisy(pt.Module):
        @pt.function(input_signature=[pt.TensorSpec([2])])
        def __call__(self, x):
            pt.print(x)
            return x * 2.0

    with pytest.raises(ValueError, match="tf.print"):
        pt.saved_model.save(Noisy(), tmp_path / "sm")
    assert not os.path.exists(tmp_path / "sm") and os.listdir(tmp_path) == []


# ---- Keras models ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["mlp", "cnn", "text", "two_inputs", "custom"])
def test_keras_models_written_by_keras_export_and_reload(tmp_path, name):
    """Models from real Keras 3 files, exported here, predict what Keras predicted, at another batch size too."""
    expected = np.load(os.path.join(FIXTURES, "k3_expected.npz"))
    model = keras.models.load_model(os.path.join(FIXTURES, f"k3_{name}.keras"),
                                    custom_objects={"pt_fixtures>Scale": Scale})
    model.export(tmp_path / "exported", verbose=False)
    artifact = pt.saved_model.load(tmp_path / "exported")
    x = _inputs(expected, name)
    np.testing.assert_allclose(artifact.serve(x).numpy(), expected[name + "_y"], atol=1e-5)
    first = [a[:3] for a in x] if isinstance(x, list) else x[:3]
    outputs = artifact.signatures["serving_default"](*(first if isinstance(first, list) else [first]))
    np.testing.assert_allclose(outputs["output_0"].numpy(), expected[name + "_y"][:3], atol=1e-5)
    assert len(artifact.variables) == len(model.weights)


def test_keras_tf_saved_model_save_and_model_save_tf(tmp_path, capsys):
    rng = np.random.default_rng(0)
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dropout(0.2), keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    x, y = rng.normal(size=(32, 8)).astype("float32"), rng.integers(0, 3, size=(32,))
    model.fit(x, y, epochs=1, verbose=0)
    reference = model.predict(x, verbose=0)
    pt.saved_model.save(model, tmp_path / "sm")
    loaded = pt.saved_model.load(tmp_path / "sm")
    np.testing.assert_allclose(loaded(x[:5]).numpy(), reference[:5], atol=1e-6)  # training=False: no dropout
    assert list(loaded.signatures) == ["serving_default"]
    assert len(loaded.trainable_variables) == 4
    # tf.keras 2.x: model.save(dir, save_format="tf") reloads as the Keras model, compile state included.
    model.save(tmp_path / "keras_sm", save_format="tf")
    again = keras.models.load_model(tmp_path / "keras_sm")
    np.testing.assert_array_equal(again.predict(x, verbose=0), reference)
    assert int(again.optimizer.iterations.numpy()) == int(model.optimizer.iterations.numpy())
    np.testing.assert_allclose(pt.saved_model.load(tmp_path / "keras_sm")(x).numpy(), reference, atol=1e-6)
    model.export(tmp_path / "exported")
    assert "Endpoint 'serve'" in capsys.readouterr().out


def test_unbuilt_model_and_export_format(tmp_path):
    model = keras.Sequential([keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="not built"):
        pt.saved_model.save(model, tmp_path / "sm")
    model.build((None, 3))
    with pytest.raises(ValueError, match="onnx"):
        model.export(tmp_path / "x", format="onnx")


# ---- atomic saves and damaged directories -----------------------------------------------------------------------

def _saved(tmp_path):
    m = TwoLayers()
    m.predict(pt.zeros([1, 3]))
    pt.saved_model.save(m, tmp_path / "sm")
    return tmp_path / "sm", m


def test_interrupted_save_keeps_the_previous_savedmodel(tmp_path, monkeypatch):
    path, m = _saved(tmp_path)
    before = {f: (path / f).read_bytes() for f in ("saved_model.json", "variables/variables.h5")}
    m.dense_1.w.assign(m.dense_1.w * 0.0)

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(_save, "_write_file", interrupted)
    with pytest.raises(KeyboardInterrupt):
        pt.saved_model.save(m, path)
    monkeypatch.undo()
    assert os.listdir(tmp_path) == ["sm"]  # no temporary directory left
    assert {f: (path / f).read_bytes() for f in before} == before
    pt.saved_model.save(m, path)  # a completed save replaces it
    assert np.all(pt.saved_model.load(path).dense_1.w.numpy() == 0.0)
    assert os.listdir(tmp_path) == ["sm"]


def test_saving_into_a_folder_of_other_files_keeps_them(tmp_path):
    """As TF writes into an existing folder (the save-and-load tutorial's "saved_model/my_model" beside others)."""
    (tmp_path / "notes" / "variables").mkdir(parents=True)
    (tmp_path / "notes" / "todo.txt").write_text("mine")
    (tmp_path / "notes" / "variables" / "stale.bin").write_text("old")
    m = TwoLayers()
    m.predict(pt.zeros([1, 3]))
    for _ in range(2):
        pt.saved_model.save(m, tmp_path / "notes")
    assert (tmp_path / "notes" / "todo.txt").read_text() == "mine"
    assert sorted(os.listdir(tmp_path)) == ["notes"]  # no temporary folder left
    np.testing.assert_array_equal(pt.saved_model.load(tmp_path / "notes").dense_1.w.numpy(), m.dense_1.w.numpy())
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match="is a file"):
        pt.saved_model.save(m, tmp_path / "file")


def _graph_file(path):
    """The graphs file and the first graph's (offset, size) in it."""
    meta = json.loads((path / "saved_model.json").read_text())
    where = next(f for f in meta["functions"] if f["concretes"])["concretes"][0]["graph"]
    return path / "saved_model.graphs", where["offset"], where["size"]


@pytest.mark.parametrize("damage", ["truncate_graph", "flip_graph", "truncate_variables", "flip_variable", "bad_json",
                                    "no_json", "missing_graph"])
def test_damaged_savedmodel_names_the_file(tmp_path, damage):
    path, _ = _saved(tmp_path)
    graph, _, _ = _graph_file(path)
    if damage == "truncate_graph":
        graph.write_bytes(graph.read_bytes()[:-9])
        match = r"saved_model\.graphs.*'predict'.*SHA-256"
    elif damage == "flip_graph":
        data = bytearray(graph.read_bytes())
        data[len(data) // 2] ^= 0x10
        graph.write_bytes(bytes(data))
        match = r"saved_model\.graphs.*SHA-256"
    elif damage == "truncate_variables":
        v = path / "variables" / "variables.h5"
        v.write_bytes(v.read_bytes()[:1000])
        match = r"variables\.h5.*truncated"
    elif damage == "flip_variable":  # one bit of one stored value, the file otherwise intact
        import h5py
        with h5py.File(path / "variables" / "variables.h5", "r+") as f:
            name = []
            f.visititems(lambda n, obj: name.append(n) if n.endswith("VARIABLE_VALUE") and obj.ndim == 2 else None)
            data = f[name[0]][()]
            data.view(np.uint32)[0, 0] ^= 1
            f[name[0]][...] = data
        match = r"variables\.h5.*does not match its recorded CRC-32C"
    elif damage == "bad_json":
        (path / "saved_model.json").write_text('{"format": "pytensor.saved_model", "version": ')
        match = r"saved_model\.json.*not valid JSON"
    elif damage == "no_json":
        os.remove(path / "saved_model.json")
        match = r"no saved_model\.json"
    else:
        os.remove(graph)
        match = r"saved_model\.graphs.*cannot be read"
    with pytest.raises(ValueError, match=match):
        pt.saved_model.load(path)


def test_foreign_directories(tmp_path):
    (tmp_path / "tf_model" / "variables").mkdir(parents=True)
    (tmp_path / "tf_model" / "saved_model.pb").write_bytes(b"\x08\x01")  # a TensorFlow one with no MetaGraph
    with pytest.raises(ValueError, match=r"saved_model\.pb: cannot be loaded: has no MetaGraph tagged \['serve'\]"):
        pt.saved_model.load(tmp_path / "tf_model")
    with pytest.raises(OSError, match="does not exist"):
        pt.saved_model.load(tmp_path / "nothing")
    (tmp_path / "file.keras").write_bytes(b"PK")
    with pytest.raises(ValueError, match="not a SavedModel directory"):
        pt.saved_model.load(tmp_path / "file.keras")
    assert pt.saved_model.contains_saved_model(tmp_path / "tf_model")
    assert not pt.saved_model.contains_saved_model(tmp_path)


def test_graph_decoder_rejects_every_truncation_and_bit_flip(tmp_path):
    """The C++ decoder checks every byte it reads: damaged graph data is an error, never a crash."""
    path, m = _saved(tmp_path)
    graph, offset, size = _graph_file(path)
    data = graph.read_bytes()[offset: offset + size]
    variables = [pt.Variable(np.zeros((3, 4), "float32"))] * 4
    for end in range(0, len(data), 7):
        with pytest.raises((ValueError, TypeError)):
            pt._core._deserialize_graph(data[:end], variables)
    rng = np.random.default_rng(0)
    for _ in range(300):
        damaged = bytearray(data)
        damaged[rng.integers(len(data))] ^= 1 << rng.integers(8)
        try:
            pt._core._deserialize_graph(bytes(damaged), variables)
        except (ValueError, TypeError):
            pass  # a flip in a value (a dimension, a name) may still decode: the SHA-256 check catches those


def test_unknown_feature_count_is_taken_from_the_latest_call(tmp_path):
    """The guides' ExportModule: input_signature [None, None]; after one call the feature count is known, the batch
    size stays free. Saving leaves the function's traces as they were."""
    class Export(pt.Module):
        def __init__(self):
            super().__init__()
            self.w = pt.Variable([[1.0], [2.0], [3.0]])
            self.mean = pt.Variable([0.5, 0.5, 0.5])

        @pt.function(input_signature=[pt.TensorSpec([None, None], pt.float32)])
        def __call__(self, x):
            return pt.squeeze(pt.matmul(x - self.mean, self.w), axis=1)

    module = Export()
    x = np.random.default_rng(4).normal(size=(10, 3)).astype("float32")
    module(x)
    count = module.__call__.experimental_get_tracing_count()
    pt.saved_model.save(module, tmp_path / "sm")
    assert module.__call__.experimental_get_tracing_count() == count
    loaded = pt.saved_model.load(tmp_path / "sm")
    np.testing.assert_allclose(loaded(x[:4]).numpy(), (x[:4] - 0.5) @ np.array([1.0, 2.0, 3.0]), rtol=1e-5)


def test_signatures_argument(tmp_path):
    class Scale(pt.Module):
        def __init__(self):
            super().__init__()
            self.k = pt.Variable(3.0)

        @pt.function
        def times(self, x):
            return x * self.k

        @pt.function(input_signature=[pt.TensorSpec([None], pt.float32, name="values")])
        def plus(self, x):
            return [x + self.k, x - self.k]

    module = Scale()
    concrete = module.times.get_concrete_function(pt.TensorSpec([2], pt.float32))
    pt.saved_model.save(module, tmp_path / "sm", signatures={"times": concrete, "plus": module.plus})
    loaded = pt.saved_model.load(tmp_path / "sm")
    assert sorted(loaded.signatures) == ["plus", "times"]
    np.testing.assert_array_equal(loaded.signatures["times"](x=pt.constant([1.0, 2.0]))["output_0"].numpy(), [3, 6])
    out = loaded.signatures["plus"](values=[1.0, 2.0, 4.0])
    np.testing.assert_array_equal(out["output_0"].numpy(), [4, 5, 7])
    np.testing.assert_array_equal(out["output_1"].numpy(), [-2, -1, 1])
    with pytest.raises(TypeError, match="'values' is missing"):
        loaded.signatures["plus"](other=[1.0])
    with pytest.raises(ValueError, match="input_signature"):
        pt.saved_model.save(module, tmp_path / "bad", signatures=module.times)


def test_never_called_function_with_unknown_rank_is_traced_as_a_scalar(tmp_path):
    class Square(pt.Module):
        @pt.function(input_signature=[pt.TensorSpec(None)])
        def square(self, x):
            return x * x

    pt.saved_model.save(Square(), tmp_path / "sm")
    loaded = pt.saved_model.load(tmp_path / "sm")
    assert float(loaded.square(pt.constant(3.0)).numpy()) == 9.0
