"""keras.callbacks.TensorBoard: Keras's layout and tags, read back by TensorBoard's readers and its server.

References: the History that fit returns, the weights seen at each epoch's end (numpy histograms), and
TensorBoard's own event reader, graph-plugin converter and HTTP server.
"""
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import numpy as np
import pytest

pytest.importorskip("tensorboard")

from pytensor import keras  # noqa: E402
from tensorboard.backend.event_processing import plugin_event_accumulator  # noqa: E402
from tensorboard.plugins.graph import keras_util  # noqa: E402
from tensorboard.util import tensor_util  # noqa: E402

EPOCHS, SAMPLES, BATCH = 3, 160, 32        # 120 training samples after validation_split=0.25: 4 batches


def toy_data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(SAMPLES, 6)).astype(np.float32)
    y = (x[:, 0] + x[:, 1] > 0).astype(np.int32)
    return x, y


def mlp():
    keras.backend.clear_session()          # layer names start again: sequential, dense, dense_1
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def load_run(path):
    acc = plugin_event_accumulator.EventAccumulator(path, size_guidance={"tensors": 0})
    acc.Reload()
    return acc


def series(acc, tag):
    """[(step, value)] of a tag, values as numpy arrays."""
    return [(e.step, tensor_util.make_ndarray(e.tensor_proto)) for e in acc.Tensors(tag)]


def scalars(acc, tag):
    return [(step, value.item()) for step, value in series(acc, tag)]


def f32(values):
    return [float(np.float32(v)) for v in values]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """One fit with every option on; the weights at each epoch's end, as the callback saw them."""
    log_dir = str(tmp_path_factory.mktemp("logs"))
    x, y = toy_data()
    model = mlp()
    weights_at_epoch_end = []
    snapshot = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: weights_at_epoch_end.append(
            {w.path: w.numpy() for layer in model.layers for w in layer.weights}))
    board = keras.callbacks.TensorBoard(log_dir, histogram_freq=1, update_freq="batch", write_images=True,
                                        write_steps_per_second=True)
    history = model.fit(x, y, epochs=EPOCHS, batch_size=BATCH, validation_split=0.25, verbose=0,
                        callbacks=[board, snapshot])
    return log_dir, model, history.history, weights_at_epoch_end


def test_layout_and_tags_are_keras(trained):
    log_dir, _, _, _ = trained
    assert sorted(os.listdir(log_dir)) == ["train", "validation"]
    train, validation = load_run(os.path.join(log_dir, "train")), load_run(os.path.join(log_dir, "validation"))
    weights = ["sequential/dense/kernel", "sequential/dense/bias", "sequential/dense_1/kernel",
               "sequential/dense_1/bias"]
    assert sorted(train.PluginTagToContent("scalars")) == sorted(
        ["epoch_loss", "epoch_accuracy", "epoch_learning_rate", "epoch_steps_per_second", "batch_loss",
         "batch_accuracy", "batch_steps_per_second"])
    assert sorted(train.PluginTagToContent("histograms")) == sorted(f"{w}/histogram" for w in weights)
    assert sorted(train.PluginTagToContent("images")) == sorted(f"{w}/image" for w in weights)
    assert list(train.PluginTagToContent("graph_keras_model")) == ["keras"]
    assert sorted(validation.PluginTagToContent("scalars")) == [
        "epoch_accuracy", "epoch_loss", "evaluation_accuracy_vs_iterations", "evaluation_loss_vs_iterations"]


def test_epoch_scalars_are_the_history(trained):
    log_dir, _, history, _ = trained
    train, validation = load_run(os.path.join(log_dir, "train")), load_run(os.path.join(log_dir, "validation"))
    epochs = list(range(EPOCHS))
    assert scalars(train, "epoch_loss") == list(zip(epochs, f32(history["loss"])))
    assert scalars(train, "epoch_accuracy") == list(zip(epochs, f32(history["accuracy"])))
    assert scalars(train, "epoch_learning_rate") == list(zip(epochs, f32([0.05] * EPOCHS)))
    assert scalars(validation, "epoch_loss") == list(zip(epochs, f32(history["val_loss"])))
    assert scalars(validation, "epoch_accuracy") == list(zip(epochs, f32(history["val_accuracy"])))
    steps_per_epoch = int(np.ceil(SAMPLES * 0.75 / BATCH))
    iterations = [steps_per_epoch * (e + 1) for e in epochs]
    assert scalars(validation, "evaluation_loss_vs_iterations") == list(zip(iterations, f32(history["val_loss"])))
    batch_loss = scalars(train, "batch_loss")
    assert [step for step, _ in batch_loss] == list(range(1, EPOCHS * steps_per_epoch + 1))
    # The running epoch mean at each epoch's last batch is the epoch's loss.
    assert [batch_loss[i - 1][1] for i in iterations] == f32(history["loss"])
    assert all(value > 0 for _, value in scalars(train, "epoch_steps_per_second"))


def test_weight_histograms_hold_the_weights(trained):
    log_dir, _, _, weights_at_epoch_end = trained
    train = load_run(os.path.join(log_dir, "train"))
    for name, tag in (("dense/kernel", "sequential/dense/kernel/histogram"),
                      ("dense_1/bias", "sequential/dense_1/bias/histogram")):
        written = series(train, tag)
        assert [step for step, _ in written] == list(range(EPOCHS))
        for (_, buckets), weights in zip(written, weights_at_epoch_end):
            value = weights[name].astype(np.float64)
            assert buckets.shape == (30, 3)
            assert buckets[0, 0] == value.min() and buckets[-1, 1] == value.max()
            edges = np.append(buckets[:, 0], buckets[-1, 1])
            np.testing.assert_array_equal(buckets[:, 2], np.histogram(value, bins=edges)[0])


def test_weight_images_have_keras_shapes(trained):
    log_dir, _, _, _ = trained
    train = load_run(os.path.join(log_dir, "train"))
    _, kernel = series(train, "sequential/dense/kernel/image")[0]
    _, bias = series(train, "sequential/dense_1/bias/image")[0]
    # [width, height, png]: the (6, 8) kernel is drawn 8 wide and 6 high; a bias is one row.
    assert list(kernel[:2]) == [b"8", b"6"] and list(bias[:2]) == [b"2", b"1"]


def test_model_graph_opens_in_the_graph_plugin(trained):
    log_dir, _, _, _ = trained
    train = load_run(os.path.join(log_dir, "train"))
    (step, config), = series(train, "keras")
    graph = keras_util.keras_model_to_graph_def(json.loads(config.item()))
    nodes = {node.name: list(node.input) for node in graph.node}
    assert nodes == {"sequential/input_layer": [], "sequential/dense": ["sequential/input_layer"],
                     "sequential/dense_1": ["sequential/dense"]}


def test_functional_model_graph_keeps_its_branches(tmp_path):
    a, b = keras.Input((4,), name="a"), keras.Input((3,), name="b")
    merged = keras.layers.Concatenate(name="cat")([keras.layers.Dense(2, name="da")(a),
                                                   keras.layers.Dense(2, name="db")(b)])
    model = keras.Model([a, b], keras.layers.Dense(1, name="out")(merged), name="two_inputs")
    keras.callbacks.TensorBoard(str(tmp_path)).set_model(model)
    train = load_run(str(tmp_path / "train"))
    (_, config), = series(train, "keras")
    nodes = {node.name: sorted(node.input) for node in keras_util.keras_model_to_graph_def(
        json.loads(config.item())).node}
    assert nodes == {"two_inputs/a": [], "two_inputs/b": [], "two_inputs/da": ["two_inputs/a"],
                     "two_inputs/db": ["two_inputs/b"], "two_inputs/cat": ["two_inputs/da", "two_inputs/db"],
                     "two_inputs/out": ["two_inputs/cat"]}


def test_update_freq_every_n_batches_and_epoch(tmp_path):
    x, y = toy_data()
    model = mlp()
    model.fit(x, y, epochs=2, batch_size=BATCH, verbose=0,
              callbacks=[keras.callbacks.TensorBoard(str(tmp_path / "n"), update_freq=3, write_graph=False)])
    train = load_run(str(tmp_path / "n" / "train"))
    assert [step for step, _ in scalars(train, "batch_loss")] == [3, 6, 9]        # 5 batches an epoch, 10 in all
    assert not os.path.exists(tmp_path / "n" / "validation")
    model.fit(x, y, epochs=1, batch_size=BATCH, verbose=0,
              callbacks=[keras.callbacks.TensorBoard(str(tmp_path / "e"), write_graph=False)])
    train = load_run(str(tmp_path / "e" / "train"))
    assert sorted(train.PluginTagToContent("scalars")) == ["epoch_accuracy", "epoch_learning_rate", "epoch_loss"]


def test_evaluate_writes_evaluation_vs_iterations(tmp_path):
    x, y = toy_data()
    model = mlp()
    model.fit(x, y, epochs=1, batch_size=BATCH, verbose=0)
    board = keras.callbacks.TensorBoard(str(tmp_path), write_graph=False)
    loss, accuracy = model.evaluate(x, y, verbose=0, callbacks=[board])
    board._val_writer.close()
    validation = load_run(str(tmp_path / "validation"))
    assert scalars(validation, "evaluation_loss_vs_iterations") == [(SAMPLES // BATCH, float(np.float32(loss)))]
    assert scalars(validation, "evaluation_accuracy_vs_iterations") == [(SAMPLES // BATCH,
                                                                         float(np.float32(accuracy)))]


def test_bad_arguments_are_refused_clearly(tmp_path):
    with pytest.raises(ValueError, match=r"profile_batch=5.*profiler.*profile_batch=0"):
        keras.callbacks.TensorBoard(str(tmp_path), profile_batch=5)
    with pytest.raises(ValueError, match=r"profile_batch must be"):
        keras.callbacks.TensorBoard(str(tmp_path), profile_batch="a,b")
    keras.callbacks.TensorBoard(str(tmp_path), profile_batch=(0, 0))            # the "off" forms are accepted
    with pytest.raises(ValueError, match=r"embeddings_freq=1.*embeddings_freq=0"):
        keras.callbacks.TensorBoard(str(tmp_path), embeddings_freq=1)
    with pytest.raises(ValueError, match=r"update_freq must be 'epoch', 'batch'.*'sometimes'"):
        keras.callbacks.TensorBoard(str(tmp_path), update_freq="sometimes")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    x, y = toy_data()
    with pytest.raises(OSError, match=r"cannot write event files to log directory"):
        mlp().fit(x, y, epochs=1, verbose=0, callbacks=[keras.callbacks.TensorBoard(str(blocker / "logs"))])


# ---- a real TensorBoard server ----

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_json(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


@contextlib.contextmanager
def tensorboard_server(log_dir):
    """A real TensorBoard on 127.0.0.1 at a free port, serving `log_dir` once both runs are loaded (at most
    90 s); stopped on exit. Yields its base URL."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "tensorboard.main", "--logdir", log_dir, "--host", "127.0.0.1",
                               "--port", str(port), "--load_fast", "false", "--reload_interval", "1"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline, runs = time.time() + 90, None
        while time.time() < deadline:
            try:
                runs = get_json(f"{base}/data/runs")
                if sorted(runs) == ["train", "validation"]:
                    break
            except OSError:
                pass
            assert server.poll() is None, "tensorboard exited"
            time.sleep(0.5)
        assert sorted(runs) == ["train", "validation"]
        yield base
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(20)


def test_tensorboard_server_serves_the_history(trained):
    log_dir, _, history, _ = trained
    with tensorboard_server(log_dir) as base:
        for run, key in (("train", "loss"), ("validation", "val_loss")):
            query = urllib.parse.urlencode({"tag": "epoch_loss", "run": run})
            points = get_json(f"{base}/data/plugin/scalars/scalars?{query}")
            assert [(step, value) for _, step, value in points] == list(zip(range(EPOCHS), f32(history[key])))
        tags = get_json(f"{base}/data/plugin/scalars/tags")
        assert "evaluation_loss_vs_iterations" in tags["validation"]
        assert get_json(f"{base}/data/plugin/graphs/info")["train"]["tags"]["keras"]["conceptual_graph"] is True
        with urllib.request.urlopen(f"{base}/data/plugin/graphs/graph?run=train&tag=keras&conceptual=true",
                                    timeout=10) as response:
            graph = response.read().decode()
        assert 'name: "sequential/dense_1"' in graph and 'input: "sequential/dense"' in graph


@pytest.mark.slow
@pytest.mark.skipif(not (shutil.which("chromium") or shutil.which("chromium-browser")),
                    reason="headless Chromium is not installed (Debian: apt-get install chromium)")
def test_scalars_page_renders_in_headless_chromium(trained, tmp_path):
    from PIL import Image
    log_dir, _, _, _ = trained
    shot = tmp_path / "scalars.png"
    with tensorboard_server(log_dir) as base:
        subprocess.run([shutil.which("chromium") or shutil.which("chromium-browser"), "--headless", "--no-sandbox",
                        "--disable-gpu", "--hide-scrollbars", "--window-size=1400,900", "--virtual-time-budget=20000",
                        f"--screenshot={shot}", f"{base}/?darkMode=false#scalars"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=180, check=True)
    pixels = np.array(Image.open(shot).convert("RGB"))
    assert pixels.shape == (900, 1400, 3)
    header = pixels[20, 5].astype(int)                       # TensorBoard's orange bar, not an error page
    assert abs(header - [245, 124, 0]).max() < 40, header
    plots = pixels[200:800, 360:]
    assert len(np.unique(plots.reshape(-1, 3), axis=0)) > 200  # charts drawn, not a blank or error page
