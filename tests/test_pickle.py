"""pickle, copy.copy and copy.deepcopy of tensors, variables, shapes, dtypes and Keras objects, as in TF 2 /
Keras 3: values survive, copies of mutable things are independent, and objects cross process boundaries."""
import concurrent.futures
import copy
import multiprocessing
import pickle

import numpy as np
import pytest

import pytensor as pt
from pytensor import keras
from pytensor.keras import layers


def roundtrip(obj):
    return pickle.loads(pickle.dumps(obj))


# ---- core objects ----

@pytest.mark.parametrize("value", [
    np.arange(6, dtype=np.float32).reshape(2, 3),
    np.array(3.5, dtype=np.float64),
    np.array([[True, False]]),
    np.arange(4, dtype=np.int64)[::-1],
    np.zeros((0, 3), dtype=np.int32),
    np.arange(5, dtype=np.uint8),
])
def test_tensor_pickles_by_value(value):
    t = pt.constant(value)
    for out in (roundtrip(t), pickle.loads(pickle.dumps(t, protocol=2))):
        assert isinstance(out, pt.Tensor)
        assert out.dtype == t.dtype and out.shape == t.shape
        np.testing.assert_array_equal(out.numpy(), value)


def test_tensor_views_pickle_their_own_values():
    base = pt.reshape(pt.range(12), (3, 4))
    view = pt.transpose(base)[1:]
    np.testing.assert_array_equal(roundtrip(view).numpy(), np.arange(12).reshape(3, 4).T[1:])


def test_tensor_copies_are_the_tensor():
    # TF's EagerTensor: immutable, so copy and deepcopy return the tensor itself.
    t = pt.constant([1.0, 2.0])
    assert copy.copy(t) is t
    assert copy.deepcopy(t) is t
    assert copy.deepcopy([t, t])[0] is t


def test_variable_pickles_value_name_and_trainable():
    v = pt.Variable([[1.0, 2.0]], trainable=False, name="kernel")
    out = roundtrip(v)
    assert isinstance(out, pt.Variable)
    assert out.name == "kernel:0" and out.trainable is False and out.dtype == pt.float32
    np.testing.assert_array_equal(out.numpy(), [[1.0, 2.0]])
    out.assign([[5.0, 6.0]])
    np.testing.assert_array_equal(v.numpy(), [[1.0, 2.0]])


def test_variable_deepcopy_is_independent_and_copy_is_the_variable():
    v = pt.Variable(np.arange(3, dtype=np.float64), name="w")
    v.tag = {"role": "bias"}  # attributes set on a variable travel with it
    deep = copy.deepcopy(v)
    assert deep is not v and deep.name == "w:0" and deep.dtype == pt.float64 and deep.tag == {"role": "bias"}
    assert deep.tag is not v.tag
    deep.assign_add([1.0, 1.0, 1.0])
    np.testing.assert_array_equal(v.numpy(), [0.0, 1.0, 2.0])
    np.testing.assert_array_equal(deep.numpy(), [1.0, 2.0, 3.0])
    assert copy.copy(v) is v  # as TF's ResourceVariable.__copy__
    pair = copy.deepcopy([v, v])
    assert pair[0] is pair[1]  # the memo keeps shared variables shared


def test_tensor_shape_and_dtype_pickle():
    for shape in (pt.TensorShape([2, None, 3]), pt.TensorShape([]), pt.TensorShape(None)):
        out = roundtrip(shape)
        assert type(out) is type(shape) and repr(out) == repr(shape)
        assert copy.deepcopy(shape) == shape or shape.rank is None
    assert roundtrip(pt.TensorShape(None)).rank is None
    for dtype in (pt.float32, pt.float64, pt.int32, pt.int64, pt.uint8, pt.bool):
        assert roundtrip(dtype) is dtype
        assert copy.deepcopy(dtype) is dtype


# ---- Keras ----

class TwoLayer(keras.Model):
    """A subclassed model (module level, so pickle finds the class by name)."""

    def __init__(self):
        super().__init__()
        self.hidden = layers.Dense(8, activation="relu")
        self.out = layers.Dense(2)

    def call(self, x):
        return self.out(self.hidden(x))


def make_model(kind):
    keras.utils.set_random_seed(3)
    if kind == "sequential":
        model = keras.Sequential([keras.Input((4,)), layers.Dense(8, activation="relu"), layers.Dense(2)])
    elif kind == "functional":
        inputs = keras.Input((4,))
        hidden = layers.Dense(8, activation="tanh")(inputs)
        model = keras.Model(inputs, layers.Dense(2)(hidden) + hidden[:, :2])
    else:
        model = TwoLayer()
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    return model


def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 4)).astype(np.float32)
    return x, np.stack([x[:, 0] - x[:, 1], x[:, 2] * 0.5], axis=1).astype(np.float32)


def weights_equal(a, b):
    return len(a) == len(b) and all(np.array_equal(u, w) for u, w in zip(a, b))


@pytest.mark.parametrize("kind", ["sequential", "functional", "subclassed"])
@pytest.mark.parametrize("clone", ["deepcopy", "pickle"])
def test_model_copies_predict_the_same_and_train_independently(kind, clone):
    x, y = data()
    model = make_model(kind)
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)  # optimizer slots and metric state exist now
    before = model.predict(x, verbose=0)
    copied = copy.deepcopy(model) if clone == "deepcopy" else roundtrip(model)
    assert type(copied) is type(model)
    np.testing.assert_array_equal(copied.predict(x, verbose=0), before)
    assert weights_equal(copied.get_weights(), model.get_weights())
    assert not any(w is u for w in copied.weights for u in model.weights)

    # Training the copy (its optimizer state continues from the original's) leaves the original alone...
    copied.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    np.testing.assert_array_equal(model.predict(x, verbose=0), before)
    assert not weights_equal(copied.get_weights(), model.get_weights())
    # ...and gives what the original gives when trained the same way.
    model.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    np.testing.assert_allclose(copied.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6, atol=1e-6)


def test_layer_pickles_with_weights_and_config():
    layer = layers.Dense(3, activation="relu", name="proj")
    layer.build((None, 2))
    out = roundtrip(layer)
    assert out.get_config() == layer.get_config()
    assert weights_equal(out.get_weights(), layer.get_weights())
    x = np.ones((1, 2), np.float32)
    np.testing.assert_array_equal(out(x).numpy(), layer(x).numpy())


@pytest.mark.parametrize("make", [
    lambda: keras.optimizers.Adam(0.05),
    lambda: keras.optimizers.SGD(0.1, momentum=0.9),
    lambda: keras.optimizers.RMSprop(0.01),
])
def test_optimizer_copies_keep_slot_state(make):
    optimizer = make()
    var = pt.Variable([1.0, -2.0])
    for _ in range(2):
        optimizer.apply_gradients([(pt.constant([0.5, 0.25]), var)])
    twin_opt, twin_var = copy.deepcopy((optimizer, var))
    assert int(twin_opt.iterations.numpy()) == 2
    for opt, v in ((optimizer, var), (twin_opt, twin_var)):
        opt.apply_gradients([(pt.constant([0.5, 0.25]), v)])
    np.testing.assert_array_equal(twin_var.numpy(), var.numpy())  # same slots, so the same third step
    pickled_opt, pickled_var = roundtrip((optimizer, var))
    assert pickled_opt.get_config() == optimizer.get_config()
    assert len(pickled_opt.variables) == len(optimizer.variables)


@pytest.mark.parametrize("loss", [
    keras.losses.MeanSquaredError(), keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    keras.losses.Huber(delta=0.5), keras.losses.get("categorical_crossentropy"),
])
def test_losses_pickle(loss):
    out = roundtrip(loss)
    copied = copy.deepcopy(loss)
    if isinstance(loss, keras.losses.Loss):
        assert out.get_config() == loss.get_config() == copied.get_config()
    y_true, y_pred = [[0, 1], [1, 0]], [[0.2, 0.8], [0.6, 0.4]]
    if isinstance(loss, keras.losses.SparseCategoricalCrossentropy):
        y_true = [1, 0]
    expected = np.asarray(loss(y_true, y_pred))
    np.testing.assert_array_equal(np.asarray(out(y_true, y_pred)), expected)


@pytest.mark.parametrize("make", [
    keras.metrics.Mean, keras.metrics.AUC, keras.metrics.SparseCategoricalAccuracy,
    lambda: keras.metrics.Precision(thresholds=[0.3, 0.6]),
])
def test_metrics_pickle_with_state(make):
    metric = make()
    y_true, y_pred = np.array([0, 1, 1, 0]), np.array([0.1, 0.8, 0.4, 0.7], np.float32)
    if isinstance(metric, keras.metrics.SparseCategoricalAccuracy):
        metric.update_state(y_true, np.stack([1 - y_pred, y_pred], axis=1))
    elif type(metric) is keras.metrics.Mean:
        metric.update_state([1.0, 2.0, 6.0])
    else:
        metric.update_state(y_true, y_pred)
    result = np.asarray(metric.result())
    for copied in (roundtrip(metric), copy.deepcopy(metric)):
        assert copied.name == metric.name and type(copied) is type(metric)
        np.testing.assert_array_equal(np.asarray(copied.result()), result)
        copied.reset_state()  # the copy's state is its own
        np.testing.assert_array_equal(np.asarray(metric.result()), result)


# ---- across processes ----

def _child_step(tensor, model, x):
    """Runs in a spawned process: computes with what it was sent and sends results back."""
    return tensor * 2.0, model.predict(x, verbose=0), model


def test_objects_cross_a_spawned_process():
    x, _ = data()
    tensor = pt.constant([[1.0, 2.0], [3.0, 4.0]])
    model = make_model("sequential")
    expected = model.predict(x, verbose=0)
    # An executor, not a Pool: a child that dies (say, on import) fails the test instead of hanging it.
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        doubled, predicted, returned = pool.submit(_child_step, tensor, model, x).result(timeout=300)
    np.testing.assert_array_equal(doubled.numpy(), [[2.0, 4.0], [6.0, 8.0]])
    np.testing.assert_array_equal(predicted, expected)
    np.testing.assert_array_equal(returned.predict(x, verbose=0), expected)
