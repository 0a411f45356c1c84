"""Sequential / functional / subclassed models, compile-fit-evaluate-predict, callbacks, progress bar, errors.

The optimizer, loss and metric here are small stand-ins written against Keras's interfaces, so these tests
check the engine alone: SGD's update and the mean squared error are easy to verify by hand.
"""
import io
import math
import re

import numpy as np
import pytest

import pytensor as pt
from pytensor import keras
from pytensor.keras import callbacks, layers
from pytensor.keras.progbar import Progbar


class SGD:
    """Plain gradient descent: ``v -= learning_rate * g``."""

    def __init__(self, learning_rate=0.1):
        self.learning_rate = learning_rate

    def apply_gradients(self, grads_and_vars):
        for g, v in grads_and_vars:
            v.assign_sub(self.learning_rate * g)


def mse(y_true, y_pred):
    """Per-sample mean squared error."""
    return pt.reduce_mean(pt.square(pt.cast(y_true, y_pred.dtype) - y_pred), axis=-1)


class MeanAbsoluteError:
    """A minimal stateful metric."""

    def __init__(self, name="mae"):
        self.name = name
        self.reset_state()

    def update_state(self, y_true, y_pred, sample_weight=None):
        err = np.abs(np.asarray(y_true, np.float64) - y_pred.numpy())
        self.total += err.sum()
        self.count += err.size

    def result(self):
        return self.total / self.count

    def reset_state(self):
        self.total, self.count = 0.0, 0


@pytest.fixture(autouse=True)
def _fresh():
    keras.backend.clear_session()
    keras.utils.set_random_seed(1)


def linear_data(n=256):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 3)).astype(np.float32)
    y = (x @ np.array([[1.0], [-2.0], [0.5]], np.float32) + 0.3).astype(np.float32)
    return x, y


def test_sequential_fit_reduces_loss_and_evaluate_matches_numpy():
    x, y = linear_data()
    model = keras.Sequential([layers.Dense(1, input_shape=(3,))])
    model.compile(optimizer=SGD(0.1), loss=mse, metrics=[MeanAbsoluteError()])
    history = model.fit(x, y, epochs=5, batch_size=32, verbose=0)
    assert list(history.history) == ["loss", "mae"] and len(history.history["loss"]) == 5
    assert history.history["loss"][-1] < 0.01 * history.history["loss"][0]
    loss, mae = model.evaluate(x, y, verbose=0)
    pred = model.predict(x, verbose=0)
    assert pred.shape == (256, 1) and isinstance(pred, np.ndarray)
    assert math.isclose(loss, float(np.mean((pred - y) ** 2)), rel_tol=1e-4)
    assert math.isclose(mae, float(np.mean(np.abs(pred - y))), rel_tol=1e-4)
    assert model.evaluate(x, y, verbose=0, return_dict=True).keys() == {"loss", "mae"}


@pytest.mark.parametrize("run_eagerly", [False, True])
def test_one_sgd_step_by_hand(run_eagerly):
    model = keras.Sequential([layers.Dense(1, use_bias=False, kernel_initializer="ones")])
    model.compile(optimizer=SGD(0.5), loss=mse, run_eagerly=run_eagerly)
    x, y = np.array([[1.0, 2.0]], np.float32), np.array([[1.0]], np.float32)
    loss = model.train_on_batch(x, y)
    assert math.isclose(loss, 4.0)  # (3 - 1)^2
    # d/dw (w.x - y)^2 = 2 (w.x - y) x = [4, 8]; w = 1 - 0.5 * [4, 8]
    np.testing.assert_allclose(model.get_weights()[0].ravel(), [-1.0, -3.0])
    assert math.isclose(model.test_on_batch(x, y), (-7.0 - 1.0) ** 2)
    np.testing.assert_allclose(model.predict_on_batch(x), [[-7.0]])


def test_functional_multi_input_multi_output_shared_layer():
    a, b = keras.Input(shape=(3,), name="a"), keras.Input(shape=(3,), name="b")
    shared = layers.Dense(4, activation="relu")
    merged = layers.Add()([shared(a), shared(b)])
    out1 = layers.Dense(1, name="out1")(merged)
    out2 = layers.Dense(1, name="out2")(merged)
    model = keras.Model(inputs=[a, b], outputs=[out1, out2])
    assert [l.name for l in model.layers] == ["a", "b", "dense", "add", "out1", "out2"]
    assert len(model.trainable_weights) == 6  # the shared Dense counted once
    x, y = linear_data(128)
    model.compile(optimizer=SGD(0.05), loss=[mse, mse], loss_weights=[1.0, 0.5])
    history = model.fit([x, x * 0.5], [y, -y], epochs=4, batch_size=16, verbose=0)
    assert set(history.history) == {"loss", "out1_loss", "out2_loss"}
    h = history.history
    for i in range(4):
        assert math.isclose(h["loss"][i], h["out1_loss"][i] + 0.5 * h["out2_loss"][i], rel_tol=1e-4)
    assert h["loss"][-1] < h["loss"][0]
    p1, p2 = model.predict({"a": x, "b": x * 0.5}, verbose=0)
    assert p1.shape == p2.shape == (128, 1)


def test_subclassed_model_with_training_flag():
    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.hidden = layers.Dense(8, activation="relu")
            self.drop = layers.Dropout(0.5)
            self.out = layers.Dense(1)

        def call(self, inputs, training=None):
            return self.out(self.drop(self.hidden(inputs), training=training))

    net = Net()
    x, y = linear_data()
    net.compile(optimizer=SGD(0.05), loss=mse)
    h = net.fit(x, y, epochs=6, batch_size=32, verbose=0).history["loss"]
    assert h[-1] < h[0]
    np.testing.assert_array_equal(net.predict(x[:5], verbose=0), net.predict(x[:5], verbose=0))
    assert len(net.trainable_variables) == 4 and [l.name for l in net.layers] == ["dense", "dropout", "dense_1"]


def test_fit_on_generator_and_validation_split():
    x, y = linear_data()
    model = keras.Sequential([layers.Dense(1)])
    model.compile(optimizer=SGD(0.1), loss=mse)

    def batches():
        while True:
            for i in range(0, 256, 64):
                yield x[i:i + 64], y[i:i + 64]

    h = model.fit(batches(), steps_per_epoch=4, epochs=3, verbose=0).history
    assert len(h["loss"]) == 3 and h["loss"][-1] < h["loss"][0]
    h = model.fit(x, y, validation_split=0.25, epochs=2, batch_size=32, verbose=0).history
    assert set(h) == {"loss", "val_loss"}
    val_x, val_y = x[192:], y[192:]
    assert math.isclose(h["val_loss"][-1], float(np.mean((model.predict(val_x, verbose=0) - val_y) ** 2)),
                        rel_tol=1e-4)


@pytest.mark.parametrize("run_eagerly", [False, True])
def test_sample_and_class_weight_scale_the_loss(run_eagerly):
    model = keras.Sequential([layers.Dense(1, use_bias=False, kernel_initializer="zeros")])
    model.compile(optimizer=SGD(0.0), loss=mse, run_eagerly=run_eagerly)
    x, y = np.ones((4, 1), np.float32), np.array([[1.0], [1.0], [2.0], [2.0]], np.float32)
    sw = np.array([1.0, 0.0, 1.0, 0.0], np.float32)
    assert math.isclose(model.evaluate(x, y, sample_weight=sw, verbose=0), (1 + 4) / 4)
    labels = np.array([0, 1, 1, 1])
    h = model.fit(x, labels.reshape(-1, 1).astype(np.float32), class_weight={0: 4.0, 1: 0.0}, epochs=1,
                  batch_size=4, verbose=0, shuffle=False).history
    assert math.isclose(h["loss"][0], 0.0)  # only class 0 counts, and its label is 0
    h = model.fit(x, labels.reshape(-1, 1).astype(np.float32), class_weight={0: 0.0, 1: 4.0}, epochs=1,
                  batch_size=4, verbose=0).history
    assert math.isclose(h["loss"][0], 3 * 4.0 / 4)  # three class-1 samples, squared error 1, weight 4


def test_class_weight_with_a_dataset_and_a_generator():
    model = keras.Sequential([layers.Dense(1, use_bias=False, kernel_initializer="zeros")])
    model.compile(optimizer=SGD(0.0), loss=mse)
    x = np.ones((4, 1), np.float32)
    labels = np.array([[0.0], [1.0], [1.0], [1.0]], np.float32)
    data = pt.data.Dataset.from_tensor_slices((x, labels)).batch(4)
    h = model.fit(data, class_weight={0: 0.0, 1: 4.0}, epochs=1, verbose=0).history
    assert math.isclose(h["loss"][0], 3 * 4.0 / 4)  # three class-1 samples, squared error 1, weight 4
    # With the dataset's own sample weights the two multiply (as for arrays).
    sw = np.array([1.0, 1.0, 0.5, 0.0], np.float32)
    data = pt.data.Dataset.from_tensor_slices((x, labels, sw)).batch(4)
    h = model.fit(data, class_weight={0: 2.0, 1: 4.0}, epochs=1, verbose=0).history
    assert math.isclose(h["loss"][0], (0 + 4.0 + 2.0 + 0) / 4)

    def batches():
        while True:
            yield x, labels
    h = model.fit(batches(), steps_per_epoch=2, class_weight={1: 0.0}, epochs=1, verbose=0).history
    assert math.isclose(h["loss"][0], 0.0)  # class 0 keeps weight 1 and its error is 0


def test_class_weight_needs_one_label_array():
    inputs = keras.Input((1,))
    model = keras.Model(inputs, [layers.Dense(1)(inputs), layers.Dense(1)(inputs)])
    model.compile(optimizer=SGD(0.0), loss=[mse, mse])
    x = np.ones((4, 1), np.float32)
    data = pt.data.Dataset.from_tensor_slices((x, (x, x))).batch(4)
    with pytest.raises(ValueError, match="class_weight"):
        model.fit(data, class_weight={0: 1.0}, epochs=1, verbose=0)


@pytest.mark.parametrize("run_eagerly", [False, True])
def test_callbacks_early_stopping_restores_best_weights(run_eagerly):
    x, y = linear_data(64)
    model = keras.Sequential([layers.Dense(1)])
    model.compile(optimizer=SGD(1.5), loss=mse, run_eagerly=run_eagerly)  # diverges: val_loss grows from the start
    events = []
    log = callbacks.LambdaCallback(on_epoch_begin=lambda e, logs: events.append(("begin", e)),
                                   on_train_end=lambda logs: events.append(("end",)))
    stop = callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    seen = []

    class Keep(callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append((logs["val_loss"], self.model.get_weights()))

    h = model.fit(x, y, validation_data=(x, y), epochs=20, batch_size=64, verbose=0, callbacks=[log, stop, Keep()])
    assert len(h.history["loss"]) == stop.stopped_epoch + 1 < 20
    best = min(range(len(seen)), key=lambda i: seen[i][0])
    for w, ref in zip(model.get_weights(), seen[best][1]):
        np.testing.assert_array_equal(w, ref)
    assert events[0] == ("begin", 0) and events[-1] == ("end",)


@pytest.mark.parametrize("run_eagerly", [False, True])
def test_terminate_on_nan_says_which_batch(capsys, run_eagerly):
    model = keras.Sequential([layers.Dense(1)])
    model.compile(optimizer=SGD(0.1), loss=mse, run_eagerly=run_eagerly)
    x = np.ones((8, 2), np.float32)
    y = np.ones((8, 1), np.float32)
    y[4:] = np.nan
    h = model.fit(x, y, batch_size=2, epochs=3, shuffle=False, verbose=0, callbacks=[callbacks.TerminateOnNaN()])
    assert "Batch 2: Invalid loss, terminating training" in capsys.readouterr().out
    assert len(h.history["loss"]) == 1


def test_lr_scheduler_reduce_on_plateau_and_csv_logger(tmp_path):
    x, y = linear_data(32)
    model = keras.Sequential([layers.Dense(1)])
    opt = SGD(0.1)
    model.compile(optimizer=opt, loss=mse)
    sched = callbacks.LearningRateScheduler(lambda epoch, lr: 0.1 / (epoch + 1))
    path = tmp_path / "log.csv"
    model.fit(x, y, epochs=3, verbose=0, callbacks=[sched, callbacks.CSVLogger(str(path))])
    assert math.isclose(opt.learning_rate, 0.1 / 3)
    rows = path.read_text().splitlines()
    assert rows[0] == "epoch,learning_rate,loss" and len(rows) == 4 and rows[3].startswith("2,0.0333")
    plateau = callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1, min_delta=1e9, min_lr=0.01)
    model.compile(optimizer=opt, loss=mse)
    opt.learning_rate = 0.1
    model.fit(x, y, epochs=5, verbose=0, callbacks=[plateau])
    # 0.1 halved at epochs 1, 2, 3 (epoch 0 improves on inf), then 0.00625 is clamped to min_lr
    assert math.isclose(opt.learning_rate, 0.01)


def test_progress_bar_format():
    out = io.StringIO()
    bar = Progbar(469, stream=out)
    for step in range(1, 470):
        bar.update(step, [("loss", 0.30371), ("accuracy", 0.913)], finalize=step == 469)
    line = out.getvalue()
    assert line.count("\n") == 1  # not a terminal: only the finished bar
    assert line.startswith("469/469 [==============================] - 0s ")
    assert line.rstrip().endswith("/step - loss: 0.3037 - accuracy: 0.9130")
    out = io.StringIO()
    bar = Progbar(10, verbose=2, stream=out)
    bar.update(10, [("loss", 1e-5)])
    assert re.fullmatch(r"10/10 - 0s - \d+(us|ms)/step - loss: 1\.0000e-05\n", out.getvalue())


def test_fit_prints_epochs_and_bars(capsys):
    x, y = linear_data(64)
    model = keras.Sequential([layers.Dense(1)])
    model.compile(optimizer=SGD(0.1), loss=mse)
    model.fit(x, y, epochs=2, batch_size=32, verbose=1)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2"
    assert lines[1].startswith("2/2 [==============================] - ") and " - loss: " in lines[1]


def test_bad_input_errors():
    model = keras.Sequential([layers.Dense(2)])
    x = np.ones((4, 3), np.float32)
    with pytest.raises(RuntimeError, match="must compile your model before training"):
        model.fit(x, x)
    model.compile(optimizer=SGD(), loss=mse)
    with pytest.raises(ValueError, match=r"different numbers of samples: \[4, 3\]"):
        model.fit(x, np.ones((3, 2), np.float32), verbose=0)
    with pytest.raises(ValueError, match="empty"):
        model.fit(np.ones((0, 3), np.float32), np.ones((0, 2), np.float32), verbose=0)
    model.fit(x, np.ones((4, 2), np.float32), verbose=0)
    with pytest.raises(ValueError, match=r"layer \"sequential\".*expected shape=\(None, 3\), found shape=\(4, 5\)"):
        model.predict(np.ones((4, 5), np.float32), verbose=0)
    built = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(2)])
    with pytest.raises(ValueError, match=r"expected shape=\(None, 784\), found shape=\(2, 28, 28\)"):
        built(np.ones((2, 28, 28), np.float32))


def test_one_hot_labels_with_sparse_loss_are_named():
    def sparse_categorical_crossentropy(y_true, y_pred):
        return pt.reduce_sum(y_pred, axis=-1)

    model = keras.Sequential([layers.Dense(3, activation="softmax")])
    model.compile(optimizer=SGD(), loss=sparse_categorical_crossentropy)
    with pytest.raises(ValueError, match="look one-hot encoded.*categorical_crossentropy"):
        model.fit(np.ones((4, 2), np.float32), keras.utils.to_categorical([0, 1, 2, 1]), verbose=0)


def test_to_categorical_and_get_layer():
    np.testing.assert_array_equal(keras.utils.to_categorical([[1], [0]], 3), [[0, 1, 0], [1, 0, 0]])
    with pytest.raises(ValueError, match="out of range"):
        keras.utils.to_categorical([3], 3)
    model = keras.Sequential([layers.Dense(2, name="first"), layers.Dense(1)])
    assert model.get_layer("first") is model.layers[0] and model.get_layer(index=1) is model.layers[1]
    with pytest.raises(ValueError, match="No such layer: nope"):
        model.get_layer("nope")


def test_fit_on_dataset_with_real_losses_and_metrics():
    x, y = linear_data()
    ds = pt.data.Dataset.from_tensor_slices((x, y)).batch(32)
    model = keras.Sequential([layers.Dense(1)])
    model.compile(optimizer=SGD(0.1), loss="mse", metrics=["mae"])
    h = model.fit(ds, epochs=3, validation_data=ds, verbose=0).history
    assert set(h) == {"loss", "mae", "val_loss", "val_mae"} and h["loss"][-1] < h["loss"][0]
    assert math.isclose(h["val_loss"][-1], model.evaluate(x, y, verbose=0)[0], rel_tol=1e-4)
    assert model.predict(ds.map(lambda a, b: a), verbose=0).shape == (256, 1)
    with pytest.raises(ValueError, match="infinite"):
        model.fit(ds.repeat(), epochs=1, verbose=0)
    assert len(model.fit(ds.repeat(), steps_per_epoch=3, epochs=2, verbose=0).history["loss"]) == 2


def test_accuracy_string_picks_the_matching_accuracy():
    rng = np.random.default_rng(0)
    centers = rng.normal(size=(3, 4)).astype(np.float32) * 3
    labels = rng.integers(0, 3, 300)
    x = (centers[labels] + rng.normal(size=(300, 4))).astype(np.float32)
    model = keras.Sequential([layers.Dense(3, activation="softmax")])
    model.compile(optimizer=SGD(0.5), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    h = model.fit(x, labels.astype(np.uint8), epochs=5, batch_size=30, verbose=0).history
    assert h["loss"][-1] < h["loss"][0] and h["accuracy"][-1] > 0.8
    assert type(model.metrics[-1]).__name__ == "SparseCategoricalAccuracy"  # after the loss tracker, as Keras
    loss, acc = model.evaluate(x, labels, verbose=0)
    assert math.isclose(acc, float(np.mean(model.predict(x, verbose=0).argmax(1) == labels)), rel_tol=1e-6)
    model.compile(optimizer=SGD(0.5), loss="categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, keras.utils.to_categorical(labels), epochs=1, verbose=0)
    assert type(model.metrics[-1]).__name__ == "CategoricalAccuracy"


def test_nested_models_add_pop_and_symbolic_shapes():
    inner = keras.Sequential([layers.Dense(4, activation="relu"), layers.Dense(2)])
    inputs = keras.Input(shape=(3,))
    model = keras.Model(inputs, layers.Activation("softmax")(inner(inputs)))
    assert [l.name for l in model.layers] == ["input_layer", "sequential", "activation"]
    out = model(np.ones((5, 3), np.float32)).numpy()
    np.testing.assert_allclose(out.sum(axis=1), np.ones(5), rtol=1e-6)
    stack = keras.Sequential()
    stack.add(keras.Input(shape=(5,)))
    stack.add(layers.Dense(3))
    stack.add(layers.Dense(1))
    assert stack.built and stack.count_params() == 18 + 4
    stack.pop()
    assert [l.name for l in stack.layers] == ["dense_2"] and stack.built
    seq = layers.LSTM(5, return_sequences=True)(keras.Input(shape=(None, 3)))
    assert seq.shape == (None, None, 5)
    assert layers.Lambda(lambda t: pt.reduce_sum(t, axis=1))(seq).shape == (None, 5)
    with pytest.raises(ValueError, match="graph disconnected"):
        keras.Model(keras.Input(shape=(3,)), layers.Dense(1)(keras.Input(shape=(3,))))


def test_custom_train_step_override():
    class Custom(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(1)
            self.steps = 0

        def call(self, x):
            return self.dense(x)

        def train_step(self, data):
            x, y = data  # as the Keras guide writes it: fit passes (x, y) when there are no sample weights
            with pt.GradientTape() as tape:
                loss = self.compute_loss(x, y, self(x, training=True))
            grads = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
            self.steps += 1
            return {"loss": loss, "steps": self.steps}

    model = Custom()
    # Eagerly, the Python counter runs every step (traced, it would run once per trace, as in Keras).
    model.compile(optimizer=SGD(0.1), loss="mse", run_eagerly=True)
    x, y = linear_data(64)
    h = model.fit(x, y, batch_size=16, epochs=3, verbose=0).history
    assert h["steps"] == [4, 8, 12] and h["loss"][-1] < h["loss"][0]


def test_labels_by_output_name():
    inputs = keras.Input(shape=(3,))
    model = keras.Model(inputs, {"big": layers.Dense(1, name="dense_big")(inputs),
                                 "small": layers.Dense(1, name="dense_small")(inputs)})
    x, y = linear_data(64)
    model.compile(optimizer=SGD(0.1), loss={"big": "mse", "small": "mse"}, loss_weights={"big": 1.0, "small": 2.0})
    h = model.fit(x, {"small": y * 0.01, "big": y * 10}, epochs=2, verbose=0).history
    assert h["big_loss"][0] > 100 * h["small_loss"][0]
