"""Keras training on graphs: ``compile(run_eagerly=False)`` (the default) traces ``train_step`` / ``test_step`` /
``predict_step``; ``run_eagerly=True`` runs the same steps eagerly. Each test runs both and compares: the eager
loop is the reference (itself checked against numpy in test_engine_models.py), the graph must match it to float
tolerance, with the same callbacks, progress bar, metrics and History."""
import io
import re
import warnings

import numpy as np
import pytest

import pytensor as pt
from pytensor import keras
from pytensor.keras import layers

RNG = np.random.default_rng(0)
X = RNG.normal(size=(200, 6)).astype(np.float32)
Y = (X[:, :3].sum(axis=1) > 0).astype(np.int32)
TOL = dict(rtol=2e-5, atol=2e-6)


@pytest.fixture(autouse=True)
def _fresh():
    keras.backend.clear_session()
    pt.config.run_functions_eagerly(False)


def _sequential():
    return keras.Sequential([keras.Input(shape=(6,)), layers.Dense(16, activation="relu"),
                             layers.Dense(2, activation="softmax")])


def _functional():
    inputs = keras.Input(shape=(6,))
    hidden = layers.Dense(16, activation="relu")(inputs)
    return keras.Model(inputs, layers.Dense(2, activation="softmax")(hidden))


class _Subclassed(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = layers.Dense(16, activation="relu")
        self.out = layers.Dense(2, activation="softmax")

    def call(self, x, training=None):
        return self.out(self.hidden(x))


class _Recorder(keras.callbacks.Callback):
    """Every hook call with its step and logs."""

    def __init__(self):
        super().__init__()
        self.calls = []

    def on_train_batch_begin(self, batch, logs=None):
        self.calls.append(("train_begin", batch, None))

    def on_train_batch_end(self, batch, logs=None):
        self.calls.append(("train_end", batch, dict(logs)))

    def on_test_batch_end(self, batch, logs=None):
        self.calls.append(("test_end", batch, dict(logs)))

    def on_epoch_end(self, epoch, logs=None):
        self.calls.append(("epoch_end", epoch, dict(logs)))


def _train(make_model, run_eagerly, compile_kwargs=None, seed=3, **fit_kwargs):
    """(model, history dict, recorded hook calls, progress-bar text without timings) of one seeded fit."""
    keras.utils.set_random_seed(seed)
    model = make_model()
    kwargs = dict(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    kwargs.update(compile_kwargs or {})
    if not hasattr(kwargs["optimizer"], "apply_gradients"):
        kwargs["optimizer"] = kwargs["optimizer"]()  # a fresh optimizer per run: its state is the model's
    model.compile(run_eagerly=run_eagerly, **kwargs)
    recorder, stream = _Recorder(), io.StringIO()
    fit_kwargs = {"x": X, "y": Y, "batch_size": 32, "epochs": 3, **fit_kwargs}
    history = model.fit(callbacks=[recorder, keras.callbacks.ProgbarLogger(stream=stream)], verbose=2,
                        **fit_kwargs).history
    bar = re.sub(r"\d+(\.\d+)?(s|ms|us)(/step)?", "T", stream.getvalue())
    return model, history, recorder.calls, bar


def _assert_same_history(eager, graph):
    assert list(eager) == list(graph)
    for key in eager:
        np.testing.assert_allclose(graph[key], eager[key], err_msg=key, **TOL)


def _assert_same_calls(eager, graph):
    assert [c[:2] for c in eager] == [c[:2] for c in graph]
    for (_, _, e), (_, _, g) in zip(eager, graph):
        if e is not None:
            assert list(e) == list(g)
            np.testing.assert_allclose(list(g.values()), list(e.values()), **TOL)


@pytest.mark.parametrize("make_model", [_sequential, _functional, _Subclassed],
                         ids=["sequential", "functional", "subclassed"])
def test_graph_fit_matches_eager_fit(make_model):
    fit = dict(validation_split=0.25)
    e_model, e_hist, e_calls, e_bar = _train(make_model, True, **fit)
    g_model, g_hist, g_calls, g_bar = _train(make_model, False, **fit)
    assert isinstance(g_model.train_function, pt.function(lambda: None).__class__)
    assert not isinstance(e_model.train_function, pt.function(lambda: None).__class__)
    _assert_same_history(e_hist, g_hist)
    assert list(g_hist) == ["loss", "accuracy", "val_loss", "val_accuracy"]
    _assert_same_calls(e_calls, g_calls)
    assert g_bar == e_bar and g_bar.splitlines()[0] == "Epoch 1/3" and g_bar.count(" - val_loss: ") == 3
    for e, g in zip(e_model.get_weights(), g_model.get_weights()):
        np.testing.assert_allclose(g, e, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(g_model.evaluate(X, Y, verbose=0), e_model.evaluate(X, Y, verbose=0), **TOL)
    np.testing.assert_allclose(g_model.predict(X, batch_size=64, verbose=0),
                               e_model.predict(X, batch_size=64, verbose=0), rtol=1e-5, atol=1e-6)


def test_the_last_smaller_batch_adds_one_graph_not_one_per_epoch():
    calls = []

    class Counting(_Subclassed):
        def train_step(self, data):
            calls.append(tuple(data[0].shape))  # runs only while tracing, as in Keras
            return super().train_step(data)

    keras.utils.set_random_seed(0)
    model = Counting()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no retracing warning
        model.fit(X[:100], Y[:100], batch_size=32, epochs=4, verbose=0)
    assert calls == [(32, 6), (4, 6)]  # 4 epochs x 4 steps ran on the two graphs
    assert model.train_function.experimental_get_tracing_count() <= 2
    assert int(model.optimizer.iterations) == 16
    calls.clear()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", run_eagerly=True)
    model.fit(X[:100], Y[:100], batch_size=32, epochs=1, verbose=0)
    assert calls == [(32, 6)] * 3 + [(4, 6)]


@pytest.mark.parametrize("run_eagerly", [False, True])
def test_steps_per_execution_runs_the_hooks_once_per_execution(run_eagerly):
    _, single, _, _ = _train(_sequential, run_eagerly, epochs=2)
    _, grouped, calls, _ = _train(_sequential, run_eagerly, {"steps_per_execution": 3}, epochs=2)
    _assert_same_history(single, grouped)  # the same steps, called in groups
    first_epoch = calls[:calls.index(next(c for c in calls if c[0] == "epoch_end"))]
    # 200 samples / 32 = 7 batches: executions [0-2], [3-5], [6]
    assert [c[:2] for c in first_epoch] == [("train_begin", 0), ("train_end", 2), ("train_begin", 3),
                                           ("train_end", 5), ("train_begin", 6), ("train_end", 6)]


def test_compile_checks_steps_per_execution_and_accepts_jit_compile():
    model = _sequential()
    with pytest.raises(ValueError, match="steps_per_execution must be a positive integer"):
        model.compile(loss="mse", steps_per_execution=0)
    model.compile(loss="sparse_categorical_crossentropy", jit_compile=True)
    assert model.jit_compile is True and model.run_eagerly is False
    model.fit(X, Y, epochs=1, verbose=0)
    assert model.train_function.experimental_get_tracing_count() >= 1


def test_run_eagerly_is_a_settable_property_and_follows_run_functions_eagerly():
    model = _sequential()
    model.compile(loss="sparse_categorical_crossentropy")
    assert model.run_eagerly is False
    model.run_eagerly = True
    model.fit(X, Y, epochs=1, verbose=0)
    assert not hasattr(model.train_function, "experimental_get_tracing_count")
    model.run_eagerly = False
    pt.config.run_functions_eagerly(True)
    try:
        assert model.run_eagerly is True
    finally:
        pt.config.run_functions_eagerly(False)


# ---- "customizing what happens in fit": overridden train_step, traced ----
class _Tf2Style(_Subclassed):
    """The tf.keras 2.x guide's train_step: compiled_loss, compiled_metrics, optimizer.apply_gradients."""

    traces = 0

    def train_step(self, data):
        type(self).traces += 1
        x, y = data
        with pt.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compiled_loss(y, y_pred, regularization_losses=self.losses)
        gradients = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(gradients, self.trainable_variables))
        self.compiled_metrics.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


class _Keras3Style(_Subclassed):
    """The Keras 3 guide's train_step: compute_loss and the metrics in self.metrics."""

    traces = 0

    def train_step(self, data):
        type(self).traces += 1
        x, y = data
        with pt.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred)
        gradients = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(gradients, self.trainable_variables))
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


@pytest.mark.parametrize("cls", [_Tf2Style, _Keras3Style], ids=["tf2-guide", "keras3-guide"])
def test_an_overridden_train_step_is_traced_and_matches_the_built_in_one(cls):
    fit = dict(x=X[:192], y=Y[:192])  # whole batches: the Keras 3 guide's mean of batch losses is fit's mean
    _, builtin, _, _ = _train(_Subclassed, True, **fit)
    cls.traces = 0
    _, eager, _, _ = _train(cls, True, **fit)
    assert cls.traces == 18
    cls.traces = 0
    model, graph, _, _ = _train(cls, False, **fit)
    assert cls.traces == 1 and model.train_function.experimental_get_tracing_count() == 1
    _assert_same_history(eager, graph)
    _assert_same_history(builtin, graph)


def test_overridden_test_step_and_predict_step_are_traced():
    traced = []

    class Custom(_Subclassed):
        def test_step(self, data):
            traced.append("test")
            return super().test_step(data)

        def predict_step(self, data):
            traced.append("predict")
            x, _, _ = keras.utils.unpack_x_y_sample_weight(data)
            return {"probabilities": self(x, training=False), "twice": 2.0 * self(x, training=False)}

    keras.utils.set_random_seed(0)
    model = Custom()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    loss, accuracy = model.evaluate(X[:128], Y[:128], batch_size=32, verbose=0)
    out = model.predict(X[:128], batch_size=32, verbose=0)
    assert traced == ["test", "predict"]
    probabilities = model(X[:128]).numpy()
    np.testing.assert_allclose(out["probabilities"], probabilities, rtol=1e-6)
    np.testing.assert_allclose(out["twice"], 2 * probabilities, rtol=1e-6)
    expected = -np.mean(np.log(probabilities[np.arange(128), Y[:128]]))
    np.testing.assert_allclose(loss, expected, rtol=1e-5)
    assert accuracy == pytest.approx(np.mean(probabilities.argmax(1) == Y[:128]))


def test_on_batch_methods_run_the_traced_steps():
    keras.utils.set_random_seed(0)
    graph, eager = _sequential(), _sequential()
    eager.set_weights(graph.get_weights())
    graph.compile(optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy")
    eager.compile(optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy", run_eagerly=True)
    for _ in range(3):
        np.testing.assert_allclose(graph.train_on_batch(X[:16], Y[:16]), eager.train_on_batch(X[:16], Y[:16]),
                                   **TOL)
    np.testing.assert_allclose(graph.test_on_batch(X, Y), eager.test_on_batch(X, Y), **TOL)
    np.testing.assert_allclose(graph.predict_on_batch(X), eager.predict_on_batch(X), rtol=1e-5, atol=1e-6)
    assert graph.train_function.experimental_get_tracing_count() == 1


# ---- state the traced step reads or changes between calls ----
def test_callbacks_that_change_the_learning_rate_reach_the_graph():
    schedule = keras.callbacks.LearningRateScheduler(lambda epoch, lr: 0.1 / (epoch + 1))
    fit = dict(callbacks=[schedule], epochs=3, verbose=0, batch_size=32)
    results = []
    for run_eagerly in (True, False):
        keras.utils.set_random_seed(3)
        model = _sequential()
        model.compile(optimizer=keras.optimizers.SGD(0.5), loss="sparse_categorical_crossentropy",
                      run_eagerly=run_eagerly)
        results.append((model.fit(X, Y, **fit).history, model.get_weights()))
    (eager, e_weights), (graph, g_weights) = results
    _assert_same_history(eager, graph)
    np.testing.assert_allclose(graph["learning_rate"], [0.1, 0.05, 0.1 / 3], rtol=1e-6)
    for e, g in zip(e_weights, g_weights):
        np.testing.assert_allclose(g, e, rtol=1e-4, atol=1e-6)


def test_batch_normalization_statistics_and_sample_weights_in_graph_mode():
    def make():
        return keras.Sequential([keras.Input(shape=(6,)), layers.Dense(8), layers.BatchNormalization(),
                                 layers.Dense(2, activation="softmax")])
    weights = np.linspace(0.5, 1.5, len(X)).astype(np.float32)
    fit = dict(sample_weight=weights, class_weight=None)
    compile_kwargs = {"weighted_metrics": ["accuracy"], "metrics": []}
    e_model, eager, _, _ = _train(make, True, compile_kwargs, **fit)
    g_model, graph, _, _ = _train(make, False, compile_kwargs, **fit)
    _assert_same_history(eager, graph)
    bn_e, bn_g = e_model.layers[1], g_model.layers[1]
    # Means of near-cancelling activations: rounding differences of 21 Adam steps show at 1e-4 absolute.
    assert np.abs(bn_g.moving_mean.numpy()).max() > 1e-2
    np.testing.assert_allclose(bn_g.moving_mean.numpy(), bn_e.moving_mean.numpy(), atol=2e-4)
    np.testing.assert_allclose(bn_g.moving_variance.numpy(), bn_e.moving_variance.numpy(), rtol=1e-3)


def test_dropout_draws_a_new_mask_every_traced_step():
    model = keras.Sequential([keras.Input(shape=(6,)), layers.Dropout(0.5), layers.Dense(1, use_bias=False)])
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")
    losses = [model.train_on_batch(X[:64], np.ones((64, 1), np.float32)) for _ in range(4)]
    assert model.train_function.experimental_get_tracing_count() == 1
    assert len(set(losses)) == 4


def test_several_outputs_log_each_loss_in_both_modes():
    def make():
        inputs = keras.Input(shape=(6,))
        hidden = layers.Dense(8, activation="relu")(inputs)
        return keras.Model(inputs, {"a": layers.Dense(1, name="a")(hidden), "b": layers.Dense(1, name="b")(hidden)})
    targets = {"a": X[:, :1] * 2.0, "b": X[:, 1:2] - 1.0}
    compile_kwargs = dict(loss={"a": "mse", "b": "mae"}, loss_weights={"a": 1.0, "b": 0.5}, metrics=None)
    _, eager, _, _ = _train(make, True, compile_kwargs, y=targets)
    _, graph, _, _ = _train(make, False, compile_kwargs, y=targets)
    assert set(graph) == {"loss", "a_loss", "b_loss"}
    _assert_same_history(eager, graph)
    np.testing.assert_allclose(graph["loss"], np.array(graph["a_loss"]) + 0.5 * np.array(graph["b_loss"]),
                               rtol=1e-5)


def test_datasets_in_graph_mode():
    dataset = pt.data.Dataset.from_tensor_slices((X, Y)).batch(48)
    _, eager, _, _ = _train(_functional, True, x=dataset, y=None, batch_size=None, validation_data=dataset)
    model, graph, _, _ = _train(_functional, False, x=dataset, y=None, batch_size=None, validation_data=dataset)
    _assert_same_history(eager, graph)
    assert model.test_function.experimental_get_tracing_count() <= 2


# ---- what cannot be traced falls back to eager ----
class _PythonBranch(_Subclassed):
    """A branch on a tensor's value read with ``.numpy()``: the step cannot be traced."""

    def call(self, x, training=None):
        h = self.hidden(x)
        if h.numpy().sum() > 0:
            h = h * 0.5
        return self.out(h)


def test_an_untraceable_step_falls_back_to_eager_with_a_warning_and_the_same_results():
    _, eager, _, _ = _train(_PythonBranch, True)
    keras.utils.set_random_seed(3)
    with pytest.warns(UserWarning, match=r"train_step runs eagerly.*numpy\(\) of a symbolic"):
        model, graph, _, _ = _train(_PythonBranch, False)
    # The failed trace changed nothing: the first batch was applied once.
    _assert_same_history(eager, graph)
    assert int(model.optimizer.iterations) == 3 * 7


def test_recurrent_layers_with_masks_that_change_per_batch():
    rng = np.random.default_rng(5)
    tokens = rng.integers(1, 20, (64, 9))
    for row, length in enumerate(rng.integers(2, 10, 64)):
        tokens[row, length:] = 0  # each sequence padded to its own length: the mask differs batch to batch
    labels = (tokens[:, 0] > 10).astype(np.float32)

    def make():
        return keras.Sequential([layers.Embedding(20, 8, mask_zero=True), layers.Bidirectional(layers.LSTM(6)),
                                 layers.Dense(1, activation="sigmoid")])
    compile_kwargs = dict(optimizer=lambda: keras.optimizers.Adam(0.02), loss="binary_crossentropy", metrics=[])
    _, eager, _, _ = _train(make, True, compile_kwargs, x=tokens, y=labels, batch_size=16)
    model, graph, _, _ = _train(make, False, compile_kwargs, x=tokens, y=labels, batch_size=16)
    assert model.train_function.experimental_get_tracing_count() == 1
    _assert_same_history(eager, graph)
    assert graph["loss"][-1] < graph["loss"][0]


def test_dropout_draws_the_same_numbers_in_both_modes():
    """A traced step's random ops continue the seeded stream eager ops draw from, so that a seeded program gives
    the same numbers (and a run resumed from a checkpoint the same masks) whichever way its steps run."""
    def make():
        return keras.Sequential([keras.Input(shape=(6,)), layers.Dense(16, activation="relu"), layers.Dropout(0.3),
                                 layers.Dense(2, activation="softmax")])
    _, eager, _, _ = _train(make, True)
    _, graph, _, _ = _train(make, False)
    _assert_same_history(eager, graph)


class _OwnLoss(keras.Model):
    """keras.io's Distiller pattern: compile without a loss, compute_loss overridden, compiled metrics kept."""

    def __init__(self):
        super().__init__()
        self.dense = layers.Dense(1, kernel_initializer="ones", bias_initializer="zeros")

    def call(self, x):
        return self.dense(x)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, allow_empty=False):
        return pt.reduce_mean(pt.abs(y - y_pred))


@pytest.mark.parametrize("run_eagerly", [True, False])
def test_compiled_metrics_after_a_compute_loss_override(run_eagerly):
    model = _OwnLoss()
    model.compile(optimizer=keras.optimizers.SGD(0.0), metrics=["mse"], run_eagerly=run_eagerly)
    x = np.array([[1.0], [2.0], [3.0], [4.0]], np.float32)
    y = np.array([[0.0], [2.0], [5.0], [4.0]], np.float32)
    logs = model.evaluate(x, y, batch_size=4, verbose=0, return_dict=True)
    # a learning rate of 0 keeps y_pred = x: |errors| 1, 0, 2, 0
    np.testing.assert_allclose([logs["loss"], logs["mse"]], [3.0 / 4, 5.0 / 4], rtol=1e-6)
    history = model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    np.testing.assert_allclose(history.history["mse"], [5.0 / 4], rtol=1e-6)


def test_sequential_fits_one_dimensional_samples_to_a_trailing_axis_of_one():
    # Keras: a model built for (None, 1) takes (n,) samples (the udacity Celsius-to-Fahrenheit course does).
    model = keras.Sequential([keras.Input((1,)), layers.Dense(1, kernel_initializer="ones",
                                                              bias_initializer="ones")])
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")
    history = model.fit(np.array([1.0, 2.0]), np.array([2.0, 2.0]), batch_size=2, epochs=1, verbose=0)
    np.testing.assert_allclose(history.history["loss"], [(0.0 + 1.0) / 2])  # predictions 2 and 3
    np.testing.assert_allclose(model.predict(np.array([5.0]), verbose=0), [[6.0]])
    with pytest.raises(ValueError, match="incompatible"):
        model.predict(np.ones((2, 3)), verbose=0)


def test_array_batches_are_gathered_one_step_ahead_and_stay_numpy_on_the_cpu():
    # fit gathers the next array batch after queuing a step and before reading its logs (on a GPU its upload then
    # overlaps the step); on the CPU the batch reaches the step as the numpy rows themselves. Stopping after the third
    # step leaves the weights of three train_on_batch steps on the first three batches: none skipped, none reordered.
    from pytensor.keras import trainer
    execution = (0, 0, ((X[:4], Y[:4], None),))
    with pt.device("/CPU:0"):
        assert trainer._on_device(execution) is execution
    seen = []

    class StopAfterThree(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen.append(batch)
            self.model.stop_training = batch == 2

    fitted, stepped = _sequential(), _sequential()
    stepped.set_weights(fitted.get_weights())
    for model in (fitted, stepped):
        model.compile(keras.optimizers.SGD(0.1), "sparse_categorical_crossentropy")
    with pt.device("/CPU:0"):
        fitted.fit(X, Y, batch_size=50, epochs=1, shuffle=False, verbose=0, callbacks=[StopAfterThree()])
        for i in range(3):
            stepped.train_on_batch(X[i * 50:(i + 1) * 50], Y[i * 50:(i + 1) * 50])
    assert seen == [0, 1, 2]
    for a, b in zip(fitted.get_weights(), stepped.get_weights()):
        np.testing.assert_allclose(a, b, **TOL)


def test_a_generator_is_never_read_ahead():
    taken = []

    def batches():
        for i in range(4):
            taken.append(i)
            yield X[i * 50:(i + 1) * 50], Y[i * 50:(i + 1) * 50]

    class StopAfterTwo(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            self.model.stop_training = batch == 1

    model = _sequential()
    model.compile("sgd", "sparse_categorical_crossentropy")
    model.fit(batches(), epochs=1, verbose=0, callbacks=[StopAfterTwo()])
    assert taken == [0, 1]
