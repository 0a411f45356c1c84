"""keras.metrics against TF's documented values, the seeds' confusion tables and exact numpy computations."""

import numpy as np
import pytest

import pytensor as tf
from pytensor.keras import losses, metrics


def val(x):
    return np.asarray(x.numpy() if hasattr(x, "numpy") else x)


# Values from the examples in TF/Keras's documentation of each metric.
@pytest.mark.parametrize("metric, y_true, y_pred, expected", [
    (metrics.Accuracy(), [[1], [2], [3], [4]], [[0], [2], [3], [4]], 0.75),
    (metrics.BinaryAccuracy(), [[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]], 0.75),
    (metrics.CategoricalAccuracy(), [[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]], 0.5),
    (metrics.SparseCategoricalAccuracy(), [[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]], 0.5),
    (metrics.TopKCategoricalAccuracy(k=1), [[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]], 0.5),
    (metrics.SparseTopKCategoricalAccuracy(k=1), [2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]], 0.5),
    (metrics.TruePositives(), [0, 1, 1, 1], [1, 0, 1, 1], 2.0),
    (metrics.FalsePositives(), [0, 1, 0, 0], [0, 0, 1, 1], 2.0),
    (metrics.TrueNegatives(), [0, 1, 0, 0], [1, 1, 0, 0], 2.0),
    (metrics.FalseNegatives(), [0, 1, 1, 1], [0, 1, 0, 0], 2.0),
    (metrics.Precision(), [0, 1, 1, 1], [1, 0, 1, 1], 2 / 3),
    (metrics.Recall(), [0, 1, 1, 1], [1, 0, 1, 1], 2 / 3),
    (metrics.Precision(top_k=2), [0, 0, 1, 1], [1, 1, 1, 1], 0.5),
    (metrics.Precision(class_id=2), [[0, 0, 1], [0, 1, 0]], [[0.1, 0.2, 0.7], [0.3, 0.1, 0.6]], 0.5),
    (metrics.AUC(num_thresholds=3), [0, 0, 1, 1], [0, 0.5, 0.3, 0.9], 0.75),
    (metrics.MeanSquaredError(), [[0, 1], [0, 0]], [[1, 1], [0, 0]], 0.25),
    (metrics.RootMeanSquaredError(), [[0, 1], [0, 0]], [[1, 1], [0, 0]], 0.5),
    (metrics.CosineSimilarity(axis=1), [[0., 1.], [1., 1.]], [[1., 0.], [1., 1.]], 0.5),
    (metrics.BinaryCrossentropy(), [[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]], 0.81492424),
    (metrics.SparseCategoricalCrossentropy(), [1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]], 1.1769392),
])
def test_documented_values(metric, y_true, y_pred, expected):
    assert val(metric(y_true, y_pred)) == pytest.approx(expected, abs=1e-6)


def test_sample_weight_and_reset():
    m = metrics.BinaryAccuracy()
    m.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]], sample_weight=[1, 0, 0, 1])
    assert val(m.result()) == pytest.approx(0.5)  # TF's docs
    m.reset_state()
    assert val(m.result()) == 0.0
    assert all(val(v) == 0 for v in m.variables)
    mean = metrics.Mean()
    mean.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    assert val(mean.result()) == pytest.approx(2.0)
    mean.update_state([10.0])
    assert val(mean.result()) == pytest.approx(14 / 3)
    mean.reset_states()
    assert val(mean.result()) == 0.0
    s = metrics.Sum()
    s.update_state([1, 3, 5, 7])
    assert val(s.result()) == pytest.approx(16.0)
    p = metrics.Precision()
    p.update_state([0, 1, 1, 1], [1, 0, 1, 1], sample_weight=[0, 0, 1, 0])
    assert val(p.result()) == pytest.approx(1.0)


def _table(tp, fp, fn, tn):
    y_true = np.array([1] * tp + [0] * fp + [1] * fn + [0] * tn, dtype=np.float32)
    y_pred = np.array([0.9] * tp + [0.8] * fp + [0.2] * fn + [0.1] * tn, dtype=np.float32)
    return y_true, y_pred


# The seeds' tables A, B, C, C' ("Choosing Metrics") with their printed rates.
@pytest.mark.parametrize("counts, tpr, fpr, ppv, f1, acc", [
    ((63, 28, 37, 72), 0.63, 0.28, 0.69, 0.66, 0.68),
    ((77, 77, 23, 23), 0.77, 0.77, 0.50, 0.61, 0.50),
    ((24, 88, 76, 12), 0.24, 0.88, 0.21, 0.23, 0.18),
    ((76, 12, 24, 88), 0.76, 0.12, 0.86, 0.81, 0.82),
])
def test_seed_confusion_tables(counts, tpr, fpr, ppv, f1, acc):
    y_true, y_pred = _table(*counts)
    assert round(float(val(metrics.Recall()(y_true, y_pred))), 2) == tpr
    fp = val(metrics.FalsePositives()(y_true, y_pred))
    tn = val(metrics.TrueNegatives()(y_true, y_pred))
    assert round(float(fp / (fp + tn)), 2) == fpr
    assert round(float(val(metrics.Precision()(y_true, y_pred))), 2) == ppv
    f1_metric = metrics.F1Score(threshold=0.5)
    f1_metric.update_state(y_true[:, None], y_pred[:, None])
    assert round(float(val(f1_metric.result())[0]), 2) == f1
    assert round(float(val(metrics.BinaryAccuracy()(y_true, y_pred))), 2) == acc


def _exact_counts(y_true, y_pred, thresholds, weights):
    above = y_pred[:, None] > np.asarray(thresholds)[None, :]
    pos = y_true[:, None].astype(bool)
    w = weights[:, None]
    return ((above & pos) * w).sum(0), ((above & ~pos) * w).sum(0), ((~above & ~pos) * w).sum(0), \
        ((~above & pos) * w).sum(0)


def _trapezoid(x, y):
    return float(np.sum((x[:-1] - x[1:]) * (y[:-1] + y[1:]) / 2))


def test_auc_matches_exact_trapezoid_on_thresholds():
    rng = np.random.default_rng(0)
    y_true = (rng.random(3000) > 0.6).astype(np.float64)
    y_pred = np.clip(0.35 * y_true + rng.random(3000) * 0.7, 0, 1)
    weights = rng.random(3000)
    m = metrics.AUC(num_thresholds=50, dtype="float64")
    for chunk in np.array_split(np.arange(3000), 3):  # several updates accumulate
        m.update_state(y_true[chunk], y_pred[chunk], sample_weight=weights[chunk])
    thresholds = np.array(m.thresholds)
    tp, fp, tn, fn = _exact_counts(y_true, y_pred, thresholds, weights)
    np.testing.assert_allclose(val(m.true_positives), tp, rtol=1e-10, atol=1e-9)
    np.testing.assert_allclose(val(m.false_positives), fp, rtol=1e-10, atol=1e-9)
    np.testing.assert_allclose(val(m.true_negatives), tn, rtol=1e-10, atol=1e-9)
    assert val(m.result()) == pytest.approx(_trapezoid(fp / (fp + tn), tp / (tp + fn)), rel=1e-10)
    explicit = metrics.AUC(thresholds=list(thresholds[1:-1]), dtype="float64")
    explicit.update_state(y_true, y_pred, sample_weight=weights)
    assert val(explicit.result()) == pytest.approx(float(val(m.result())), rel=1e-10)
    for method, fn_ in (("minoring", np.minimum), ("majoring", np.maximum)):
        r = metrics.AUC(num_thresholds=50, summation_method=method, dtype="float64")
        r.update_state(y_true, y_pred, sample_weight=weights)
        x, y = fp / (fp + tn), tp / (tp + fn)
        assert val(r.result()) == pytest.approx(float(np.sum((x[:-1] - x[1:]) * fn_(y[:-1], y[1:]))), rel=1e-10)
    m.reset_state()
    assert val(m.result()) == 0.0


def test_auc_pr_and_multi_label():
    y_true = np.array([0, 0, 1, 1], dtype=np.float32)
    y_pred = np.array([0.1, 0.4, 0.35, 0.8], dtype=np.float32)
    # Davis & Goadrich interpolation by hand between the distinct operating points (as Keras computes it).
    pr = metrics.AUC(curve="PR", summation_method="majoring")
    pr.update_state(y_true, y_pred)
    tp, fp, _, fn = _exact_counts(y_true, y_pred, pr.thresholds, np.ones(4))
    rec, prec = tp / (tp + fn), np.divide(tp, tp + fp, out=np.zeros_like(tp), where=tp + fp > 0)
    assert val(pr.result()) == pytest.approx(float(np.sum((rec[:-1] - rec[1:]) * np.maximum(prec[:-1], prec[1:]))))
    # Interpolated PR lies between the minoring and majoring Riemann sums; a perfect ranking gives 1.
    bounds = []
    for method in ("minoring", "interpolation", "majoring"):
        m = metrics.AUC(curve="PR", summation_method=method)
        m.update_state(y_true, y_pred)
        bounds.append(float(val(m.result())))
    assert bounds[0] < bounds[1] < bounds[2]
    perfect = metrics.AUC(curve="PR")
    assert val(perfect(y_true, [0.1, 0.2, 0.7, 0.9])) == pytest.approx(1.0)
    yt2 = np.stack([y_true, 1 - y_true], 1)
    yp2 = np.stack([y_pred, 1 - y_pred], 1)
    ml = metrics.AUC(multi_label=True)
    ml.update_state(yt2, yp2)
    single = [float(val(metrics.AUC()(yt2[:, i], yp2[:, i]))) for i in range(2)]
    assert val(ml.result()) == pytest.approx(np.mean(single))
    assert single[0] == pytest.approx(0.75)


def test_f1_and_fbeta_documented():
    y_true = np.array([[1, 1, 1], [1, 0, 0], [1, 1, 0]], np.float32)
    y_pred = np.array([[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]], np.float32)
    f1 = metrics.F1Score(threshold=0.5)
    f1.update_state(y_true, y_pred)
    np.testing.assert_allclose(val(f1.result()), [0.5, 0.8, 0.6666667], rtol=1e-6)
    fb = metrics.FBetaScore(beta=2.0, threshold=0.5)
    fb.update_state(y_true, y_pred)
    np.testing.assert_allclose(val(fb.result()), [0.3846154, 0.90909094, 0.8333334], rtol=1e-6)
    macro = metrics.F1Score(average="macro", threshold=0.5)
    macro.update_state(y_true, y_pred)
    assert val(macro.result()) == pytest.approx(np.mean([0.5, 0.8, 2 / 3]))
    micro = metrics.F1Score(average="micro", threshold=0.5)
    micro.update_state(y_true, y_pred)
    # pooled: tp = 1 + 2 + 1 = 4, fp = 0 + 1 + 1 = 2, fn = 2 + 0 + 0 = 2
    assert val(micro.result()) == pytest.approx(2 * 4 / (2 * 4 + 2 + 2))


def test_function_forms():
    np.testing.assert_allclose(val(metrics.binary_accuracy([[1.0, 0.0]], [[0.7, 0.6]])), [0.5])
    np.testing.assert_allclose(val(metrics.sparse_categorical_accuracy([1, 0], [[0.2, 0.8], [0.3, 0.7]])), [1, 0])
    np.testing.assert_allclose(val(metrics.categorical_accuracy([[0, 1], [1, 0]], [[0.2, 0.8], [0.3, 0.7]])), [1, 0])
    scores = [[0.1, 0.5, 0.4], [0.3, 0.3, 0.4]]
    np.testing.assert_allclose(val(metrics.sparse_top_k_categorical_accuracy([2, 0], scores, k=2)), [1, 1])
    np.testing.assert_allclose(val(metrics.top_k_categorical_accuracy([[1, 0, 0], [0, 1, 0]], scores, k=1)), [0, 0])


def test_get_and_accuracy_for():
    assert isinstance(metrics.get("accuracy"), metrics.Accuracy)
    assert isinstance(metrics.get("auc"), metrics.AUC)
    assert isinstance(metrics.get("precision"), metrics.Precision)
    assert isinstance(metrics.get("sparse_categorical_accuracy"), metrics.SparseCategoricalAccuracy)
    assert isinstance(metrics.get("mse"), metrics.MeanSquaredError)  # Keras 3: the class, not the function
    with pytest.raises(ValueError, match="binary_accuracy"):
        metrics.get("accuracyy")
    assert metrics.accuracy_for("sparse_categorical_crossentropy", (8,), (8, 10)) is metrics.SparseCategoricalAccuracy
    assert metrics.accuracy_for("categorical_crossentropy", (8, 10), (8, 10)) is metrics.CategoricalAccuracy
    assert metrics.accuracy_for(losses.BinaryCrossentropy(), (8, 1), (8, 1)) is metrics.BinaryAccuracy
    assert metrics.accuracy_for(None, (8, 1), (8, 10)) is metrics.SparseCategoricalAccuracy
    config = metrics.AUC(num_thresholds=10, curve="PR").get_config()
    assert config["num_thresholds"] == 10 and config["curve"] == "PR"


def test_custom_metric_with_add_weight():
    class Count(metrics.Metric):
        def __init__(self, name="count"):
            super().__init__(name=name)
            self.n = self.add_weight(name="n")

        def update_state(self, y_true, y_pred, sample_weight=None):
            self.n.assign_add(tf.cast(tf.size(tf.convert_to_tensor(y_true)), "float32"))

        def result(self):
            return self.n.value()

    c = Count()
    assert val(c([1, 2, 3], [1, 2, 3])) == 3.0
    assert val(c([1], [1])) == 4.0
    c.reset_state()
    assert val(c.result()) == 0.0 and len(c.variables) == 1
