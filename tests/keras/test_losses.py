"""keras.losses against TF's documented values, numpy formulas and finite-difference gradients."""

import numpy as np
import pytest

import pytensor as tf
from pytensor import keras
from pytensor.keras import losses

EPS = 1e-7
YT = [[0., 1.], [0., 0.]]
YP = [[0.6, 0.4], [0.4, 0.6]]


def val(x):
    return np.asarray(x.numpy() if hasattr(x, "numpy") else x)


# Values from the examples in TF/Keras's documentation of each loss class.
@pytest.mark.parametrize("loss, y_true, y_pred, expected", [
    (losses.MeanSquaredError(), YT, [[1., 1.], [1., 0.]], 0.5),
    (losses.MeanAbsoluteError(), YT, [[1., 1.], [1., 0.]], 0.5),
    (losses.MeanAbsolutePercentageError(), [[2., 1.], [2., 3.]], [[1., 1.], [1., 0.]], 50.0),
    (losses.MeanSquaredLogarithmicError(), YT, [[1., 1.], [1., 0.]], 0.240),
    (losses.CosineSimilarity(axis=1), [[0., 1.], [1., 1.]], [[1., 0.], [1., 1.]], -0.5),
    (losses.Huber(), YT, YP, 0.155),
    (losses.LogCosh(), YT, [[1., 1.], [0., 0.]], 0.108),
    (losses.KLDivergence(), YT, YP, 0.458),
    (losses.Poisson(), YT, [[1., 1.], [0., 0.]], 0.5),
    (losses.Hinge(), YT, YP, 1.3),
    (losses.SquaredHinge(), YT, YP, 1.86),
    (losses.CategoricalHinge(), YT, YP, 1.4),
    (losses.BinaryCrossentropy(), YT, YP, 0.815),
    (losses.BinaryCrossentropy(from_logits=True), [0., 1., 0., 0.], [-18.6, 0.51, 2.94, -12.8], 0.865),
    (losses.CategoricalCrossentropy(), [[0, 1, 0], [0, 0, 1]], [[.05, .95, 0], [.1, .8, .1]], 1.177),
    (losses.SparseCategoricalCrossentropy(), [1, 2], [[.05, .95, 0], [.1, .8, .1]], 1.177),
])
def test_documented_values(loss, y_true, y_pred, expected):
    assert val(loss(y_true, y_pred)) == pytest.approx(expected, abs=1e-3)


def test_reductions_and_sample_weight():
    mse = losses.MeanSquaredError
    yp = [[1., 1.], [1., 0.]]
    np.testing.assert_allclose(val(mse(reduction="none")(YT, yp)), [0.5, 0.5])
    assert val(mse(reduction="sum")(YT, yp)) == pytest.approx(1.0)
    assert val(mse()(YT, yp, sample_weight=[0.7, 0.3])) == pytest.approx(0.25)  # TF's docs
    assert val(mse(reduction="auto")(YT, yp)) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="reduction"):
        mse(reduction="mean")


def test_numpy_formulas_random():
    rng = np.random.default_rng(0)
    t = rng.random((5, 4))
    p = rng.random((5, 4)) * 0.98 + 0.01
    pc = np.clip(p, EPS, 1 - EPS)
    refs = {
        "binary_crossentropy": -(t * np.log(pc) + (1 - t) * np.log(1 - pc)).mean(-1),
        "poisson": (p - t * np.log(p + EPS)).mean(-1),
        "log_cosh": np.log(np.cosh(p - t)).mean(-1),
        "mean_squared_logarithmic_error": ((np.log1p(p) - np.log1p(t)) ** 2).mean(-1),
    }
    for name, ref in refs.items():
        np.testing.assert_allclose(val(losses.get(name)(t, p)), ref, rtol=1e-10, err_msg=name)
    q = p / p.sum(-1, keepdims=True)
    np.testing.assert_allclose(val(losses.categorical_crossentropy(t, p)), -(t * np.log(q)).sum(-1), rtol=1e-10)


def test_from_logits_and_carried_logits_match_probabilities():
    rng = np.random.default_rng(1)
    logits = rng.normal(size=(6, 5))
    labels = rng.integers(0, 5, size=6)
    probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    ref = -np.log(probs[np.arange(6), labels]).mean()
    assert val(losses.SparseCategoricalCrossentropy(from_logits=True)(labels, logits)) == pytest.approx(ref)
    assert val(losses.SparseCategoricalCrossentropy()(labels, probs)) == pytest.approx(ref)
    carried = keras.activations.softmax(tf.constant(logits))
    assert hasattr(carried, "_keras_logits")
    assert val(losses.SparseCategoricalCrossentropy()(labels, carried)) == pytest.approx(ref, rel=1e-12)
    onehot = np.eye(5)[labels]
    assert val(losses.CategoricalCrossentropy(from_logits=True)(onehot, logits)) == pytest.approx(ref)
    # A saturated sigmoid: the carried logits give the exact loss where clipping would give -log(1e-7).
    z = tf.constant([[40.0]], dtype=tf.float64)
    out = keras.activations.sigmoid(z)
    assert val(losses.binary_crossentropy([[0.0]], out)) == pytest.approx(40.0, rel=1e-9)


def test_label_smoothing_and_ignore_class():
    p = np.array([[0.2, 0.7, 0.1]])
    t = np.array([[0., 1., 0.]])
    smooth = t * 0.9 + 0.1 / 3
    ref = -(smooth * np.log(p)).sum()
    assert val(losses.CategoricalCrossentropy(label_smoothing=0.1)(t, p)) == pytest.approx(ref)
    b = np.array([[0.3, 0.8]])
    bt = np.array([[0., 1.]]) * 0.8 + 0.1
    ref_b = -(bt * np.log(b) + (1 - bt) * np.log(1 - b)).mean()
    assert val(losses.BinaryCrossentropy(label_smoothing=0.2)([[0., 1.]], b)) == pytest.approx(ref_b)
    probs = np.array([[0.1, 0.9], [0.6, 0.4], [0.5, 0.5]])
    got = val(losses.SparseCategoricalCrossentropy(ignore_class=-1)([1, -1, 0], probs))
    assert got == pytest.approx(-(np.log(0.9) + np.log(0.5)) / 2)


def test_nan_propagates():
    assert np.isnan(val(losses.mean_squared_error([[1.0]], [[np.nan]]))).all()
    assert np.isnan(val(losses.MeanAbsoluteError()([[1.0, 2.0]], [[np.nan, 0.0]])))


def test_bad_input_messages():
    with pytest.raises(ValueError, match=r"mean_squared_error.*\(2, 3\).*\(2, 4\)"):
        losses.MeanSquaredError()(np.zeros((2, 3)), np.zeros((2, 4)))
    with pytest.raises(ValueError, match="one-hot"):
        losses.SparseCategoricalCrossentropy()(np.eye(3), np.full((3, 3), 1 / 3))
    with pytest.raises(ValueError, match="range"):
        losses.SparseCategoricalCrossentropy()([0, 7], np.full((2, 3), 1 / 3))
    with pytest.raises(ValueError, match="sparse_categorical_crossentropy"):
        losses.CategoricalCrossentropy()([0, 1], np.full((2, 3), 1 / 3))


def test_get_aliases_and_config():
    assert losses.get("mse") is losses.mean_squared_error
    assert losses.get("mae") is losses.mean_absolute_error
    assert losses.get("kld") is losses.kl_divergence
    assert isinstance(losses.get("MeanSquaredError"), losses.MeanSquaredError)
    assert losses.get(losses.poisson) is losses.poisson
    with pytest.raises(ValueError, match="sparse_categorical_crossentropy"):
        losses.get("not_a_loss")
    loss = losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1, name="cce")
    clone = losses.get(losses.serialize(loss))
    assert isinstance(clone, losses.CategoricalCrossentropy)
    assert clone.get_config() == loss.get_config()
    assert clone.get_config()["from_logits"] is True and clone.name == "cce"
    assert losses.Huber(delta=2.0).get_config()["delta"] == 2.0


class MyAbsLoss(losses.Loss):
    def call(self, y_true, y_pred):
        return tf.reduce_sum(tf.abs(y_pred - y_true), axis=-1)


def test_subclass():
    assert val(MyAbsLoss()([[1., 2.]], [[0., 0.]])) == pytest.approx(3.0)
    assert MyAbsLoss().name == "my_abs_loss"


def _numeric_grad(f, x, h=1e-6):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += h
        xm[i] -= h
        grad[i] = (f(xp) - f(xm)) / (2 * h)
    return grad


_RNG = np.random.default_rng(3)
_T = (_RNG.random((3, 4)) > 0.5).astype(np.float64)
_P = _RNG.random((3, 4)) * 0.8 + 0.1
_S = _RNG.integers(0, 4, size=3)


@pytest.mark.parametrize("loss, y_true, y_pred", [
    (losses.MeanSquaredError(), _T, _P),
    (losses.MeanAbsoluteError(), _T, _P),
    (losses.MeanAbsolutePercentageError(), _P[::-1].copy(), _P),
    (losses.MeanSquaredLogarithmicError(), _T, _P),
    (losses.CosineSimilarity(), _P[::-1].copy(), _P),
    (losses.Huber(delta=0.5), _T, _P),
    (losses.LogCosh(), _T, _P),
    (losses.KLDivergence(), _P[::-1].copy(), _P),
    (losses.Poisson(), _T, _P),
    (losses.Hinge(), _T, _P * 2 - 1),
    (losses.SquaredHinge(), _T, _P * 2 - 1),
    (losses.CategoricalHinge(), np.eye(4)[_S], _P),
    (losses.BinaryCrossentropy(), _T, _P),
    (losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.1), _T, _P * 4 - 2),
    (losses.CategoricalCrossentropy(), np.eye(4)[_S], _P),
    (losses.CategoricalCrossentropy(from_logits=True), np.eye(4)[_S], _P * 4 - 2),
    (losses.SparseCategoricalCrossentropy(), _S, _P),
    (losses.SparseCategoricalCrossentropy(from_logits=True), _S, _P * 4 - 2),
], ids=lambda v: type(v).__name__ if isinstance(v, losses.Loss) else "")
def test_gradient_matches_finite_differences(loss, y_true, y_pred):
    x = tf.constant(y_pred)
    with tf.GradientTape() as tape:
        tape.watch(x)
        value = loss(y_true, x, sample_weight=[1.0, 0.5, 2.0])
    grad = val(tape.gradient(value, x))
    numeric = _numeric_grad(lambda p: float(val(loss(y_true, p, sample_weight=[1.0, 0.5, 2.0]))), y_pred)
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-7)
