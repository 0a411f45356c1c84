"""Keras 3 behaviours that programs rely on (issue 19): explicit build keeps set weights, integer inputs are cast,
train_step receives the data as given, attributes before super().__init__(), Layer.input / output, a Sequential
built from its first layer's input shape, optimizer.learning_rate as a variable, backend get_value / set_value."""
import math

import numpy as np
import pytest

import pytensor as pt
from pytensor import keras
from pytensor.keras import layers

RNG = np.random.default_rng(19)


def _random_weights(layer):
    return [RNG.normal(0, 0.5, tuple(w.shape)).astype(w.dtype.as_numpy_dtype) for w in layer.weights]


# ---- explicit build() ----
@pytest.mark.parametrize("make,shape", [
    (lambda: layers.Dense(3), (2, 4)),
    (lambda: layers.Conv2D(3, 3), (2, 5, 5, 2)),
    (lambda: layers.Conv2DTranspose(3, 3), (2, 5, 5, 2)),
    (lambda: layers.LSTM(3), (2, 4, 2)),
    (lambda: layers.GRU(3), (2, 4, 2)),
    (lambda: layers.SimpleRNN(3), (2, 4, 2)),
    (lambda: layers.BatchNormalization(), (2, 4)),
    (lambda: layers.Embedding(10, 3), (2, 4)),
    (lambda: layers.RNN(layers.LSTMCell(3)), (2, 4, 2)),
])
def test_explicit_build_then_set_weights_keeps_the_weights(make, shape):
    layer = make()
    layer.build(shape)
    assert layer.built
    weights = _random_weights(layer)
    layer.set_weights(weights)
    x = np.abs(RNG.normal(size=shape)).astype(np.float32) if not isinstance(layer, layers.Embedding) \
        else RNG.integers(0, 10, size=shape)
    layer(pt.constant(x))
    for got, want in zip(layer.get_weights(), weights):
        np.testing.assert_array_equal(got, want)
    assert layer.input_shape == shape


def test_explicit_build_of_a_subclassed_layer_is_remembered():
    class Scale(keras.layers.Layer):
        def build(self, input_shape):
            self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="scale")

        def call(self, inputs):
            return inputs * self.scale

    layer = Scale()
    layer.build((None, 3))
    layer.set_weights([np.array([1.0, 2.0, 3.0], np.float32)])
    np.testing.assert_allclose(layer(pt.ones((2, 3))).numpy(), [[1, 2, 3], [1, 2, 3]])
    assert len(layer.weights) == 1


# ---- input casting ----
def test_uint8_images_and_bool_masks_are_cast_to_the_compute_dtype():
    images = RNG.integers(0, 255, size=(2, 6, 6, 1)).astype(np.uint8)
    conv = layers.Conv2D(2, 3)
    out = conv(images)
    assert out.dtype == pt.float32
    np.testing.assert_allclose(out.numpy(), conv(images.astype(np.float32)).numpy(), rtol=1e-6)
    dense = layers.Dense(2)
    flags = RNG.random((3, 4)) > 0.5
    out = dense(flags)
    assert out.dtype == pt.float32
    np.testing.assert_allclose(out.numpy(), dense(flags.astype(np.float32)).numpy(), rtol=1e-6)
    ints = RNG.integers(0, 3, size=(2, 4, 3)).astype(np.int32)
    for recurrent in (layers.LSTM(2), layers.RNN(layers.GRUCell(2))):
        np.testing.assert_allclose(recurrent(ints).numpy(), recurrent(ints.astype(np.float32)).numpy(), rtol=1e-6)


def test_uint8_images_train_in_a_sequential_model():
    x = RNG.integers(0, 255, size=(32, 4, 4, 1)).astype(np.uint8)
    y = (x.reshape(32, -1).mean(1) > 127).astype(np.float32)
    model = keras.Sequential([keras.Input(shape=(4, 4, 1)), layers.Conv2D(2, 2), layers.Flatten(), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y, epochs=1, verbose=0)
    assert model.predict(x, verbose=0).dtype == np.float32


def test_embedding_keeps_integer_ids():
    emb = layers.Embedding(10, 2)
    ids = np.array([[1, 9]], np.int64)
    np.testing.assert_array_equal(emb(ids).numpy()[0], emb.get_weights()[0][[1, 9]])
    inside = []

    class Ids(keras.layers.Layer):
        def call(self, inputs):
            inside.append(inputs.dtype)
            return inputs
    Ids()(np.array([1, 2], np.int32))
    assert inside == [pt.int32]


# ---- train_step data ----
def _recording_model(seen):
    class Recording(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(1)

        def call(self, x):
            return self.dense(x)

        def train_step(self, data):
            seen.append(data)
            x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
            with pt.GradientTape() as tape:
                loss = self.compute_loss(x, y, self(x, training=True), sample_weight)
            grads = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
            return {"loss": loss}
    model = Recording()
    model.compile(optimizer="sgd", loss="mse", run_eagerly=True)  # `seen` records every step only eagerly
    return model


def test_train_step_receives_the_data_as_given():
    x, y = RNG.normal(size=(8, 3)).astype(np.float32), RNG.normal(size=(8, 1)).astype(np.float32)
    seen = []
    _recording_model(seen).fit(x, y, batch_size=8, verbose=0)
    assert isinstance(seen[-1], tuple) and len(seen[-1]) == 2
    seen.clear()
    _recording_model(seen).fit(x, y, sample_weight=np.ones(8), batch_size=8, verbose=0)
    assert len(seen[-1]) == 3
    seen.clear()
    dataset = pt.data.Dataset.from_tensor_slices((x, y)).batch(4)
    _recording_model(seen).fit(dataset, verbose=0)
    assert len(seen) == 2 and all(len(d) == 2 for d in seen)


def test_guide_style_train_step_unpacks_two_values():
    class Guide(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(1)

        def call(self, x):
            return self.dense(x)

        def train_step(self, data):
            x, y = data
            with pt.GradientTape() as tape:
                loss = self.compute_loss(y=y, y_pred=self(x, training=True))
            self.optimizer.apply_gradients(zip(tape.gradient(loss, self.trainable_variables),
                                               self.trainable_variables))
            return {"loss": loss}
    x = RNG.normal(size=(64, 2)).astype(np.float32)
    y = x @ np.array([[1.0], [-2.0]], np.float32)
    model = Guide()
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    history = model.fit(x, y, batch_size=16, epochs=4, verbose=0).history["loss"]
    assert history[-1] < 0.1 * history[0]


def test_unpack_and_pack_x_y_sample_weight():
    unpack, pack = keras.utils.unpack_x_y_sample_weight, keras.utils.pack_x_y_sample_weight
    assert unpack("x") == ("x", None, None) and unpack(("x",)) == ("x", None, None)
    assert unpack(["x", "y"]) == ("x", "y", None) and unpack(("x", "y", "w")) == ("x", "y", "w")
    with pytest.raises(ValueError, match="4 items"):
        unpack((1, 2, 3, 4))
    assert pack("x") == "x" and pack(["a", "b"]) == (["a", "b"],) and pack("x", "y") == ("x", "y")
    assert pack("x", "y", "w") == ("x", "y", "w")


# ---- attributes before super().__init__() ----
def test_attributes_before_super_init_are_allowed_and_tracked():
    class Block(keras.layers.Layer):
        def __init__(self, units):
            self.units = units
            self.inner = layers.Dense(units)
            super().__init__()

        def call(self, inputs):
            return self.inner(inputs) * 2.0

    block = Block(3)
    out = block(pt.ones((2, 4)))
    assert block.units == 3 and out.shape == (2, 3) and len(block.trainable_weights) == 2

    class Net(keras.Model):
        def __init__(self):
            self.hidden = layers.Dense(4)
            super().__init__()
            self.out = layers.Dense(1)

        def call(self, x):
            return self.out(self.hidden(x))
    net = Net()
    net(pt.ones((1, 2)))
    assert len(net.trainable_weights) == 4


# ---- Sequential built from the first layer's input shape ----
def test_sequential_starting_with_embedding_input_length_is_built():
    model = keras.Sequential([layers.Embedding(1000, 8, input_length=10), layers.LSTM(4), layers.Dense(1)])
    assert model.built
    lines = []
    model.summary(print_fn=lines.append)
    assert any("embedding" in line and "(None, 10, 8)" in line and "8,000" in line for line in lines[0].splitlines())
    assert model.count_params() == 8000 + (8 * 16 + 4 * 16 + 16) + 5
    ids = RNG.integers(0, 1000, size=(3, 10))
    assert model(ids).shape == (3, 1)


def test_sequential_with_input_shape_on_the_first_layer_is_built():
    model = keras.Sequential([layers.Dense(4, input_shape=(3,)), layers.Dense(2)])
    assert model.built and model.output_shape == (None, 2) and model.input_shape == (None, 3)


# ---- Layer.input / Layer.output ----
def test_feature_extraction_from_a_sequential_model():
    model = keras.Sequential([keras.Input(shape=(5,)), layers.Dense(4, activation="relu"), layers.Dense(3)])
    extractor = keras.Model(inputs=model.inputs, outputs=[layer.output for layer in model.layers])
    x = RNG.normal(size=(2, 5)).astype(np.float32)
    hidden, final = extractor(pt.constant(x))
    np.testing.assert_allclose(hidden.numpy(), model.layers[0](pt.constant(x)).numpy(), atol=1e-6)
    np.testing.assert_allclose(final.numpy(), model(pt.constant(x)).numpy(), atol=1e-6)
    assert model.layers[0].output_shape == (None, 4) and model.layers[1].input is model.layers[0].output


def test_feature_extraction_from_a_functional_model():
    inputs = keras.Input(shape=(6,))
    hidden = layers.Dense(4, name="hidden")(inputs)
    outputs = layers.Dense(2)(hidden)
    model = keras.Model(inputs, outputs)
    assert model.input is inputs and model.output is outputs and model.output_shape == (None, 2)
    features = keras.Model(inputs=model.input, outputs=model.get_layer("hidden").output)
    x = RNG.normal(size=(3, 6)).astype(np.float32)
    np.testing.assert_allclose(features(pt.constant(x)).numpy(), model.get_layer("hidden")(pt.constant(x)).numpy(),
                               atol=1e-6)
    assert model.get_layer("hidden").input is inputs


def test_output_of_a_layer_never_called_symbolically_is_an_attribute_error():
    layer = layers.Dense(2, name="lonely")
    layer(pt.ones((1, 3)))
    with pytest.raises(AttributeError, match="lonely.*never been called"):
        layer.output


# ---- optimizer.learning_rate, keras.backend ----
def test_learning_rate_is_a_variable_that_drives_the_update():
    opt = keras.optimizers.SGD(learning_rate=0.5)
    assert isinstance(opt.learning_rate, pt.Variable) and math.isclose(float(opt.learning_rate), 0.5)
    var = pt.Variable([1.0])
    opt.learning_rate.assign(0.25)
    opt.apply_gradients([(pt.constant([2.0]), var)])
    np.testing.assert_allclose(var.numpy(), [0.5])
    keras.backend.set_value(opt.learning_rate, 0.125)
    assert keras.backend.get_value(opt.learning_rate) == np.float32(0.125)
    opt.learning_rate = 0.0625
    opt.apply_gradients([(pt.constant([2.0]), var)])
    np.testing.assert_allclose(var.numpy(), [0.375])
    assert opt.lr is opt.learning_rate and opt.get_config()["learning_rate"] == 0.0625


def test_learning_rate_schedules_still_work_and_cannot_be_overwritten():
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5)
    opt = keras.optimizers.SGD(learning_rate=schedule)
    var = pt.Variable([0.0])
    opt.apply_gradients([(pt.constant([1.0]), var)])
    opt.apply_gradients([(pt.constant([1.0]), var)])
    np.testing.assert_allclose(var.numpy(), [-0.15], rtol=1e-6)
    assert opt.learning_rate == pytest.approx(0.025)
    with pytest.raises(TypeError, match="LearningRateSchedule"):
        opt.learning_rate = 0.1


def test_backend_get_value_and_set_value():
    weight = pt.Variable(np.zeros((2, 2), np.float32))
    keras.backend.set_value(weight, [[1, 2], [3, 4]])
    np.testing.assert_array_equal(keras.backend.get_value(weight), [[1, 2], [3, 4]])
    np.testing.assert_array_equal(keras.backend.get_value(pt.constant([5.0])), [5.0])
    assert keras.backend.batch_get_value([weight])[0].shape == (2, 2)
    with pytest.raises(ValueError, match=r"shape \(2, 2\).*\(3,\)"):
        keras.backend.set_value(weight, [1, 2, 3])
    with pytest.raises(TypeError, match="immutable"):
        keras.backend.set_value(pt.constant([1.0]), [2.0])


def test_constructor_weights_apply_after_an_explicit_build():
    kernel, bias = np.full((2, 3), 0.5, np.float32), np.arange(3, dtype=np.float32)
    layer = layers.Dense(3, weights=[kernel, bias])
    layer.build((None, 2))
    np.testing.assert_array_equal(layer.kernel.numpy(), kernel)
    np.testing.assert_allclose(layer(pt.ones((1, 2))).numpy(), [[1.0, 2.0, 3.0]])


# ---- found by the corpus of public programs (tests/programs) ----
def test_functional_model_adds_or_drops_a_trailing_axis_of_one_as_keras_does():
    """keras-io's siamese and trainer-pattern examples feed (n, 28, 28) images to keras.Input((28, 28, 1))."""
    inputs = keras.Input((4, 1))
    model = keras.Model(inputs, layers.Flatten()(inputs))
    x = RNG.normal(size=(2, 4)).astype(np.float32)
    np.testing.assert_array_equal(model(x).numpy(), x)
    np.testing.assert_array_equal(model.predict(x, verbose=0), x)
    flat = keras.Input((4,))
    identity = keras.Model(flat, layers.Identity()(flat))
    np.testing.assert_array_equal(identity(x[..., None]).numpy(), x)
    with pytest.raises(ValueError, match=r"incompatible.*expected shape=\(None, 4, 1\), found shape=\(2, 5\)"):
        model(np.zeros((2, 5), np.float32))
    with pytest.raises(ValueError, match="incompatible"):  # only an axis of size one is added or dropped
        identity(np.zeros((2, 4, 2), np.float32))


class _Endpoint(layers.Layer):
    def call(self, logits, targets=None):
        return logits if targets is None else logits - targets


def test_layer_takes_its_inputs_by_the_name_of_calls_first_argument():
    x, y = pt.constant([[3.0, 4.0]]), pt.constant([[1.0, 1.0]])
    layer = _Endpoint()
    np.testing.assert_array_equal(layer(logits=x, targets=y).numpy(), [[2.0, 3.0]])
    np.testing.assert_array_equal(layer(x, targets=y).numpy(), [[2.0, 3.0]])
    with pytest.raises(TypeError, match="without inputs.*logits="):
        layer(targets=y)


def test_subclassed_model_with_dict_inputs_builds_and_trains():
    """keras-io's endpoint-layer example: a subclassed model whose one input is a dict of arrays."""
    class Sum(keras.Model):
        def __init__(self):
            super().__init__()
            self.a, self.b = layers.Dense(1), layers.Dense(1)

        def call(self, inputs):
            return self.a(inputs["a"]) + self.b(inputs["b"])

    model = Sum()
    model.build({"a": (None, 3), "b": (None, 2)})
    assert [tuple(w.shape) for w in model.weights] == [(3, 1), (1,), (2, 1), (1,)]
    class Pair(keras.Model):
        def __init__(self):
            super().__init__()
            self.a, self.b = layers.Dense(1), layers.Dense(1)

        def call(self, inputs):
            assert isinstance(inputs, list)  # built from a list of shapes: called on a list, as in Keras
            return self.a(inputs[0]) + self.b(inputs[1])

    pair = Pair()
    pair.build([(None, 3), (None, 2)])
    assert [tuple(w.shape) for w in pair.weights] == [(3, 1), (1,), (2, 1), (1,)]
    data = {"a": RNG.normal(size=(8, 3)).astype(np.float32), "b": RNG.normal(size=(8, 2)).astype(np.float32)}
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(data, np.ones((8, 1), np.float32), epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_keras_variable():
    v = keras.Variable(np.ones((2, 3)), name="kernel")  # a value keeps its dtype, as in Keras 3
    assert isinstance(v, keras.Variable) and isinstance(v, pt.Variable) and v.dtype == pt.float64
    assert keras.Variable(3).dtype == pt.int32 and keras.Variable(3, dtype="float32").dtype == pt.float32
    np.testing.assert_array_equal(keras.Variable("ones", shape=(2,)).numpy(), [1.0, 1.0])
    z = keras.Variable(keras.initializers.Zeros(), shape=(1, 2), trainable=False)
    assert z.dtype == pt.float32 and not z.trainable and not isinstance(np.ones(2), keras.Variable)
    with pytest.raises(ValueError, match="needs a shape"):
        keras.Variable("zeros")
    with pytest.raises(ValueError, match=r"shape \(2,\), but shape=\(3,\)"):
        keras.Variable([1.0, 2.0], shape=(3,))

    class MyDense(layers.Layer):  # Keras's demo_custom_tf_workflow: weights made with keras.Variable in build
        def build(self, input_shape):
            self.w = keras.Variable(np.eye(input_shape[-1], dtype=np.float32), name="kernel")

        def call(self, x):
            return pt.matmul(x, self.w)

    layer = MyDense()
    layer(pt.ones((1, 2)))
    assert len(layer.trainable_weights) == 1 and layer.trainable_weights[0] is layer.w


def test_keras_config():
    assert keras.config.backend() == "tensorflow" and keras.config.floatx() == keras.backend.floatx()
    assert keras.config.epsilon() == keras.backend.epsilon()
    assert keras.config.image_data_format() == "channels_last"
    keras.config.set_image_data_format("channels_last")
    with pytest.raises(ValueError, match="channels_last"):
        keras.config.set_image_data_format("channels_first")
    keras.config.disable_traceback_filtering()
    assert not keras.config.is_traceback_filtering_enabled()
    keras.config.enable_traceback_filtering()
    assert keras.config.is_traceback_filtering_enabled()


def test_categorical_accuracy_takes_boolean_one_hot_labels():
    """keras-io's addition RNN one-hot encodes its labels as booleans."""
    y_pred = pt.constant([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]])
    y_true = np.array([[False, True], [False, True], [False, True]])
    np.testing.assert_array_equal(keras.metrics.categorical_accuracy(y_true, y_pred).numpy(), [1.0, 0.0, 1.0])
    metric = keras.metrics.CategoricalAccuracy()
    metric.update_state(y_true, y_pred)
    assert metric.result().numpy() == pytest.approx(2 / 3)


def test_functional_layers_are_in_keras_order():
    """Keras orders a functional model's layers by depth from the outputs, then by first meeting in a walk from the
    outputs; recorded from Keras 3 by fixtures/record_layer_order.py (the weights' order follows it)."""
    import json
    import os
    import sys
    fixtures = os.path.join(os.path.dirname(__file__), "fixtures")
    sys.path.insert(0, fixtures)
    try:
        from layer_order_cases import cases
    finally:
        sys.path.remove(fixtures)
    with open(os.path.join(fixtures, "layer_order_keras3.json")) as f:
        recorded = json.load(f)["layers"]
    keras.backend.clear_session()
    got = {name: [layer.name for layer in model.layers] for name, model in cases(keras).items()}
    assert got == recorded


# ---- variable names ----
def test_keras_variables_have_keras3_names_and_paths():
    keras.backend.clear_session()
    layer = layers.Dense(2)
    layer.build((None, 3))
    assert [w.name for w in layer.weights] == ["kernel", "bias"]  # Keras 3 (TF 2.21): no scope, no ':0'
    assert [w.path for w in layer.weights] == ["dense/kernel", "dense/bias"]
    assert keras.Variable(1.0, name="v").name == "v"
    assert pt.Variable(1.0, name="w").name == "w:0"  # a tf.Variable keeps TF's name


# ---- symbolic tensors: Keras 3's names and masks ----
def test_keras_tensors_are_numbered_and_carry_masks_as_in_keras3():
    # names and mask sharing as Keras 3.15 prints them for this graph
    keras.backend.clear_session()
    inputs = keras.Input((None,), dtype="int32")
    embedded = layers.Embedding(10, 4, mask_zero=True)(inputs)
    dense = layers.Dense(3)(embedded)
    assert (inputs.name, embedded.name, embedded._keras_mask.name, dense.name) == \
        ("keras_tensor", "keras_tensor_1", "keras_tensor_2", "keras_tensor_3")
    assert dense._keras_mask is embedded._keras_mask  # passed along, not a new mask
    assert embedded._keras_mask.shape == (None, None) and embedded._keras_mask.dtype == pt.bool
    assert not hasattr(layers.LSTM(2)(embedded), "_keras_mask")  # the last step only: no mask
    named = keras.Input((3,), name="features")
    assert repr(named) == ("<KerasTensor shape=(None, 3), dtype=float32, sparse=False, ragged=False, "
                           "name=features>")


def test_a_layer_reading_its_mask_can_be_called_symbolically():
    class MaskedMean(layers.Layer):
        def __init__(self):
            super().__init__()
            self.supports_masking = True

        def call(self, inputs, mask=None):
            assert mask is not None
            weights = pt.expand_dims(pt.cast(mask, "float32"), -1)
            return pt.reduce_sum(inputs * weights, axis=1) / pt.reduce_sum(weights, axis=1)

        def compute_mask(self, inputs, mask=None):
            return None

    inputs = keras.Input((None,), dtype="int32")
    outputs = MaskedMean()(layers.Embedding(10, 4, mask_zero=True)(inputs))
    model = keras.Model(inputs, outputs)
    ids = np.array([[1, 2, 0, 0]])
    table = model.layers[1].embeddings.numpy()
    np.testing.assert_allclose(model(ids).numpy(), table[[1, 2]].mean(axis=0, keepdims=True), rtol=1e-6)


def test_functional_config_with_a_custom_layer_that_leaves_its_name_out():
    # Keras's functional guide: get_config returns only {"units": ...}; the rebuilt layer is named afresh and the
    # config's graph still connects by the names the config holds
    class CustomDense(layers.Layer):
        def __init__(self, units=32):
            super().__init__()
            self.units = units

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal")

        def call(self, inputs):
            return pt.matmul(inputs, self.w)

        def get_config(self):
            return {"units": self.units}

    inputs = keras.Input((4,))
    model = keras.Model(inputs, CustomDense(10)(inputs))
    rebuilt = keras.Model.from_config(model.get_config(), custom_objects={"CustomDense": CustomDense})
    assert rebuilt(np.ones((2, 4), np.float32)).shape == (2, 10)


def test_a_recompile_without_metrics_keeps_the_previous_ones():
    # Keras 3 (trainer.compile replaces its CompileMetrics only when metrics are given): TF 2.21 prints
    # history keys ['loss', 'mae'] here
    inputs = keras.Input((3,))
    model = keras.Model(inputs, layers.Dense(1)(inputs))
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(np.ones((4, 3)), np.ones((4, 1)), verbose=0)
    assert sorted(history.history) == ["loss", "mae"]
    model.compile(optimizer="sgd", loss="mse", metrics=["mse"])
    assert sorted(model.fit(np.ones((4, 3)), np.ones((4, 1)), verbose=0).history) == ["loss", "mse"]


def test_a_function_loss_receives_targets_in_the_predictions_float_dtype():
    # Keras converts y_true to the loss's float dtype, so float64 numpy targets meet float32 predictions
    inputs = keras.Input((2,))
    model = keras.Model(inputs, layers.Dense(1)(inputs))
    seen = []

    def squared_error(y_true, y_pred):
        seen.append(y_true.dtype)
        return pt.reduce_mean(pt.square(y_true - y_pred), axis=-1)

    model.compile(optimizer="sgd", loss=squared_error, run_eagerly=True)
    x, y = np.ones((4, 2), np.float32), np.full((4, 1), 0.5)  # float64 targets
    loss = model.evaluate(x, y, verbose=0)
    assert seen[-1] == pt.float32
    np.testing.assert_allclose(loss, np.mean((model.predict(x, verbose=0) - 0.5) ** 2), rtol=1e-6)
