"""Layer base class, core layers, activations, initializers and regularizers against numpy references."""
import math

import numpy as np
import pytest

import pytensor as pt
from pytensor import keras
from pytensor.keras import activations, initializers, layers, regularizers


@pytest.fixture(autouse=True)
def _fresh_names():
    keras.backend.clear_session()


class SimpleDense(layers.Layer):
    """The seeds' custom layer (002 notes)."""

    def __init__(self, units, activation=None):
        super().__init__()
        self.units = units
        self.activation = activation

    def build(self, input_shape):
        self.W = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal")
        self.b = self.add_weight(shape=(self.units,), initializer="zeros")

    def call(self, inputs):
        y = pt.matmul(inputs, self.W) + self.b
        return self.activation(y) if self.activation is not None else y


def test_seed_simple_dense_builds_on_first_call():
    layer = SimpleDense(units=32, activation=pt.nn.relu)
    assert not layer.built and layer.weights == []
    out = layer(pt.ones(shape=(2, 784)))
    assert tuple(out.shape) == (2, 32) and layer.built
    assert [tuple(w.shape) for w in layer.weights] == [(784, 32), (32,)]
    ref = np.maximum(np.ones((2, 784)) @ layer.W.numpy() + layer.b.numpy(), 0)
    np.testing.assert_allclose(out.numpy(), ref, rtol=1e-5, atol=1e-5)


def test_unique_snake_case_names_reset_by_clear_session():
    assert [layers.Dense(1).name, layers.Dense(1).name, layers.BatchNormalization().name] == \
        ["dense", "dense_1", "batch_normalization"]
    assert layers.MaxPooling2D().name == "max_pooling2d"
    keras.backend.clear_session()
    assert layers.Dense(1).name == "dense"


def test_dense_matches_numpy_and_validates_shape(rng):
    layer = layers.Dense(3, activation="tanh")
    x = rng.normal(size=(4, 5)).astype(np.float32)
    out = layer(x).numpy()
    np.testing.assert_allclose(out, np.tanh(x @ layer.kernel.numpy() + layer.bias.numpy()), rtol=1e-5, atol=1e-6)
    x3 = rng.normal(size=(2, 6, 5)).astype(np.float32)
    np.testing.assert_allclose(layer(x3).numpy(), np.tanh(x3 @ layer.kernel.numpy() + layer.bias.numpy()),
                               rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match=r"Dense layer 'dense'.*\(batch, \.\.\., 5\).*\(4, 7\)"):
        layer(np.ones((4, 7), np.float32))


def test_weights_trainable_flags_and_nested_tracking():
    class Block(layers.Layer):
        def __init__(self):
            super().__init__()
            self.inner = [layers.Dense(2), layers.Dense(3)]

        def build(self, input_shape):
            self.counter = self.add_weight(name="counter", shape=(), initializer="zeros", trainable=False)

        def call(self, x, training=None):
            return self.inner[1](self.inner[0](x))

    block = Block()
    block(np.ones((1, 4), np.float32))
    assert len(block.weights) == 5 and len(block.trainable_weights) == 4
    assert block.non_trainable_weights == [block.counter]
    block.inner[0].trainable = False
    assert len(block.trainable_weights) == 2 and len(block.non_trainable_weights) == 3
    block.trainable = False
    assert block.trainable_weights == [] and len(block.non_trainable_variables) == 5


def test_get_set_weights_roundtrip_and_errors():
    layer = layers.Dense(2)
    layer(np.ones((1, 3), np.float32))
    values = [np.full((3, 2), 0.5, np.float32), np.array([1.0, -1.0], np.float32)]
    layer.set_weights(values)
    np.testing.assert_allclose(layer(np.ones((1, 3), np.float32)).numpy(), [[2.5, 0.5]])
    with pytest.raises(ValueError, match="expected 2 arrays"):
        layer.set_weights(values[:1])
    with pytest.raises(ValueError, match=r"shape \(3, 2\).*\(2, 2\)"):
        layer.set_weights([np.zeros((2, 2)), values[1]])


def test_training_flag_reaches_nested_layers():
    seen = []

    class Probe(layers.Layer):
        def call(self, x, training=None):
            seen.append(training)
            return x

    class Outer(layers.Layer):
        def __init__(self):
            super().__init__()
            self.probe = Probe()

        def call(self, x):  # does not take `training` itself
            return self.probe(x)

    outer = Outer()
    outer(np.ones((1, 1), np.float32), training=True)
    outer(np.ones((1, 1), np.float32), training=False)
    outer(np.ones((1, 1), np.float32))
    assert seen == [True, False, None]


def test_losses_from_regularizers_and_add_loss():
    layer = layers.Dense(2, kernel_regularizer=regularizers.l2(0.1), bias_regularizer="l1",
                         bias_initializer="ones")
    layer(np.ones((1, 3), np.float32))
    kernel = layer.kernel.numpy()
    expected = 0.1 * np.sum(kernel ** 2) + 0.01 * 2.0
    assert math.isclose(float(sum(l.numpy() for l in layer.losses)), expected, rel_tol=1e-5)

    class Penalised(layers.Layer):
        def call(self, x):
            self.add_loss(pt.reduce_sum(x))
            return x

    p = Penalised()
    p(np.ones((2, 2), np.float32))
    p(np.ones((1, 2), np.float32))
    assert [float(v) for v in p.losses] == [2.0]  # cleared at each outermost call


def test_config_roundtrip():
    layer = layers.Dense(4, activation="relu", use_bias=False, kernel_initializer="he_normal",
                         kernel_regularizer=regularizers.L1L2(l1=0.1, l2=0.2), name="d")
    clone = layers.Dense.from_config(layer.get_config())
    assert (clone.units, clone.use_bias, clone.name) == (4, False, "d")
    assert clone.activation is activations.relu and isinstance(clone.kernel_initializer, initializers.HeNormal)
    assert (clone.kernel_regularizer.l1, clone.kernel_regularizer.l2) == (0.1, 0.2)


def test_core_layers_shapes_and_values(rng):
    x = rng.normal(size=(2, 3, 4)).astype(np.float32)
    np.testing.assert_array_equal(layers.Flatten()(x).numpy(), x.reshape(2, 12))
    np.testing.assert_array_equal(layers.Reshape((4, -1))(x).numpy(), x.reshape(2, 4, 3))
    np.testing.assert_array_equal(layers.Permute((2, 1))(x).numpy(), x.transpose(0, 2, 1))
    np.testing.assert_array_equal(layers.RepeatVector(3)(x[:, 0]).numpy(), np.repeat(x[:, None, 0], 3, axis=1))
    np.testing.assert_allclose(layers.Activation("relu")(x).numpy(), np.maximum(x, 0))
    np.testing.assert_allclose(layers.Lambda(lambda t, k: t * k, arguments={"k": 3.0})(x).numpy(), 3 * x, rtol=1e-6)
    with pytest.raises(ValueError, match="cannot reshape an input of shape"):
        layers.Reshape((5,))(x)


def test_dropout_training_only():
    layer = layers.Dropout(0.25, seed=3)
    x = np.ones((200, 100), np.float32)
    np.testing.assert_array_equal(layer(x).numpy(), x)
    out = layer(x, training=True).numpy()
    assert set(np.unique(out)) <= {0.0, np.float32(1 / 0.75)}
    assert abs((out == 0).mean() - 0.25) < 0.02
    with pytest.raises(ValueError, match="rate"):
        layers.Dropout(1.5)


def test_activations_against_numpy():
    x = np.linspace(-4, 4, 17).astype(np.float32)
    sig = 1 / (1 + np.exp(-x))
    refs = {
        "relu": np.maximum(x, 0), "sigmoid": sig, "tanh": np.tanh(x), "softplus": np.log1p(np.exp(x)),
        "softsign": x / (1 + np.abs(x)), "elu": np.where(x > 0, x, np.expm1(x)),
        "selu": 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * np.expm1(x)),
        "gelu": 0.5 * x * (1 + np.array([math.erf(v / math.sqrt(2)) for v in x])),
        "swish": x * sig, "silu": x * sig, "relu6": np.clip(x, 0, 6), "leaky_relu": np.where(x > 0, x, 0.2 * x),
        "hard_sigmoid": np.clip(x / 6 + 0.5, 0, 1), "exponential": np.exp(x), "linear": x,
    }
    for name, ref in refs.items():
        np.testing.assert_allclose(activations.get(name)(pt.constant(x)).numpy(), ref, rtol=1e-5, atol=1e-6,
                                   err_msg=name)
    logits = pt.constant([[1.0, 2.0, 3.0]])
    probs = activations.softmax(logits)
    np.testing.assert_allclose(probs.numpy(), np.exp([[1, 2, 3]]) / np.exp([1, 2, 3]).sum(), rtol=1e-6)
    np.testing.assert_array_equal(probs._keras_logits.numpy(), logits.numpy())
    np.testing.assert_array_equal(activations.sigmoid(logits)._keras_logits.numpy(), logits.numpy())
    with pytest.raises(ValueError, match="Unknown activation"):
        activations.get("relux")


def test_initializer_statistics():
    pt.random.set_seed(0)
    shape = (400, 300)
    limit = math.sqrt(6 / (400 + 300))
    w = initializers.get("glorot_uniform")(shape).numpy()
    assert w.min() >= -limit and w.max() <= limit and abs(w.std() - limit / math.sqrt(3)) < 0.002
    he = initializers.HeNormal()(shape).numpy()
    assert abs(he.std() - math.sqrt(2 / 400)) < 0.003 and np.abs(he).max() <= 2 * math.sqrt(2 / 400) / 0.8796 + 1e-6
    assert abs(initializers.LecunNormal()(shape).numpy().std() - math.sqrt(1 / 400)) < 0.002
    assert abs(initializers.RandomNormal()(shape).numpy().std() - 0.05) < 0.001
    q = initializers.Orthogonal()((6, 4)).numpy()
    np.testing.assert_allclose(q.T @ q, np.eye(4), atol=1e-5)
    np.testing.assert_array_equal(initializers.get("constant")((2,)).numpy(), [0, 0])
    np.testing.assert_array_equal(initializers.Constant(2.5)((2,)).numpy(), [2.5, 2.5])
    assert initializers.compute_fans((3, 3, 8, 16)) == (72, 144)
    with pytest.raises(ValueError, match="Unknown initializer"):
        initializers.get("glorot")


def test_regularizer_values():
    x = pt.constant([1.0, -2.0, 3.0])
    assert math.isclose(float(regularizers.l1(0.1)(x)), 0.6, rel_tol=1e-6)
    assert math.isclose(float(regularizers.l2(0.1)(x)), 1.4, rel_tol=1e-6)
    assert math.isclose(float(regularizers.l1_l2(0.1, 0.1)(x)), 2.0, rel_tol=1e-6)
    assert isinstance(regularizers.get("l1_l2"), regularizers.L1L2)


def test_unknown_kwarg_is_an_error():
    with pytest.raises(TypeError, match="unrecognized keyword"):
        layers.Dense(2, input_shap=(3,))
