"""Every string identifier Keras 3 resolves (recorded from Keras by fixtures/record_keras_identifiers.py into
fixtures/keras_identifiers.json) resolves here to the same kind of object, and computes what Keras computes
(activations, losses, metrics, optimizer steps recorded on samples); an unknown name suggests the closest one."""
import json
import os

import numpy as np
import pytest

import pytensor as pt
from pytensor import keras

with open(os.path.join(os.path.dirname(__file__), "fixtures", "keras_identifiers.json")) as _f:
    KERAS = json.load(_f)

MODULES = ("losses", "metrics", "optimizers", "activations", "initializers", "regularizers")
CASES = [(module, name, kind) for module in MODULES for name, kind in sorted(KERAS[module].items())]


def test_fixture_covers_every_module():
    assert KERAS["keras_version"].startswith("3.")
    for module in MODULES:
        assert len(KERAS[module]) >= 10, module


@pytest.mark.parametrize("module, name, kind", CASES, ids=[f"{m}.{n}" for m, n, _ in CASES])
def test_keras_identifier_resolves(module, name, kind):
    obj = getattr(keras, module).get(name)
    if kind == "function":
        assert callable(obj) and not isinstance(obj, type) and not hasattr(obj, "get_config"), obj
    else:
        assert type(obj).__name__ == kind, (name, obj)


# Keras 3.15's TensorFlow-backend sparsemax takes tau from the sum of the cumulative sums over the support instead
# of the last one (keras/src/backend/tensorflow/nn.py), so its outputs do not sum to 1; pytensor follows the
# definition (Martins & Astudillo, 2016), checked against numpy by test_sparsemax_projects_onto_the_simplex.
KERAS_WRONG = {"sparsemax"}
ACTIVATIONS = sorted(set(KERAS["activation_outputs"]) - KERAS_WRONG)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_by_name_gives_keras_values(name):
    x = pt.constant(np.array(KERAS["activation_input"], np.float32))
    fn = keras.activations.get(name)
    out = fn(x, 0.5, -1.0) if name == "threshold" else fn(x)
    np.testing.assert_allclose(np.asarray(out), np.array(KERAS["activation_outputs"][name]), rtol=2e-6, atol=2e-6)


@pytest.mark.parametrize("name", sorted(KERAS["loss_outputs"]))
def test_loss_by_name_gives_keras_values(name):
    y_true, y_pred = (np.array(KERAS["loss_inputs"][k], np.float32) for k in ("y_true", "y_pred"))
    out = keras.losses.get(name)(y_true, y_pred)
    np.testing.assert_allclose(np.asarray(out), np.array(KERAS["loss_outputs"][name]), rtol=1e-5, atol=1e-6)


METRICS = sorted(KERAS["metric_results"])


@pytest.mark.parametrize("name", METRICS)
def test_metric_by_name_gives_keras_results(name):
    metric = keras.metrics.get(name)
    for y_true, y_pred in zip(KERAS["metric_inputs"]["y_true"], KERAS["metric_inputs"]["y_pred"]):
        y_true, y_pred = np.array(y_true, np.float32), np.array(y_pred, np.float32)
        if name.lower() in ("mean", "sum"):
            metric.update_state(y_pred)
        elif "sparse" in name.lower():
            metric.update_state(np.argmax(y_true, axis=1), y_pred)
        else:
            metric.update_state(y_true, y_pred)
    np.testing.assert_allclose(np.asarray(metric.result()), np.array(KERAS["metric_results"][name]), rtol=2e-5,
                               atol=1e-6)


# Keras 3.15's ScheduleFreeAdamW on TensorFlow reads `momentum.value` as a live reference, so x_old is recovered
# from the already-updated z (its own comment says "before any updates"); pytensor follows the algorithm
# (Defazio et al., 2024), checked against numpy by test_schedule_free_adamw_follows_the_algorithm.
KERAS_WRONG_OPTIMIZERS = {"schedulefreeadamw", "schedule_free_warmup"}
OPTIMIZERS = sorted(set(KERAS["optimizer_trajectories"]) - KERAS_WRONG_OPTIMIZERS)


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_optimizer_by_name_follows_keras_steps(name):
    optimizer = keras.optimizers.get(name)
    variable = pt.Variable(np.array(KERAS["optimizer_inputs"]["initial"], np.float32))
    for grad, expected in zip(KERAS["optimizer_inputs"]["gradients"], KERAS["optimizer_trajectories"][name]):
        optimizer.apply_gradients([(pt.constant(grad), variable)])
        np.testing.assert_allclose(variable.numpy(), expected, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("label", sorted(set(KERAS["optimizer_configured"]) - KERAS_WRONG_OPTIMIZERS))
def test_configured_optimizer_follows_keras_steps(label):
    name, config, trajectory = KERAS["optimizer_configured"][label]
    optimizer = keras.optimizers.get({"class_name": name, "config": config})
    variable = pt.Variable(np.array(KERAS["optimizer_inputs"]["initial"], np.float32))
    for grad, expected in zip(KERAS["optimizer_inputs"]["gradients"], trajectory):
        optimizer.apply_gradients([(pt.constant(grad), variable)])
        np.testing.assert_allclose(variable.numpy(), expected, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", sorted(KERAS["optimizer_matrix_trajectories"]))
def test_optimizer_on_a_matrix_follows_keras_steps(name):
    def as_input(values):  # as the recording script's: the vector over its reverse halved
        vector = np.array(values, np.float32)
        return np.stack([vector, vector[::-1] * 0.5])

    optimizer = keras.optimizers.get(name)
    variable = pt.Variable(as_input(KERAS["optimizer_inputs"]["initial"]))
    for grad, expected in zip(KERAS["optimizer_inputs"]["gradients"], KERAS["optimizer_matrix_trajectories"][name]):
        optimizer.apply_gradients([(pt.constant(as_input(grad)), variable)])
        np.testing.assert_allclose(variable.numpy(), expected, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", KERAS["compile_metrics"] + ["top_k_categorical_accuracy",
                                                            "sparse_top_k_categorical_accuracy", "kl_divergence",
                                                            "mse", "AUC"])
def test_compile_accepts_metric_strings(name):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(6, activation="softmax")])
    sparse = name.startswith("sparse")
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy" if sparse else "categorical_crossentropy",
                  metrics=[name])
    x = np.eye(6, 3, dtype=np.float32)
    y = np.arange(6) if sparse else np.eye(6, dtype=np.float32)
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert name in logs and np.isfinite(logs[name])


def test_top_k_metric_names_follow_keras():
    # The class-name -> name rule gave "top_kcategorical_accuracy"; Keras's is "top_k_categorical_accuracy".
    assert keras.metrics.TopKCategoricalAccuracy().name == "top_k_categorical_accuracy"
    assert keras.metrics.SparseTopKCategoricalAccuracy().name == "sparse_top_k_categorical_accuracy"
    assert keras.metrics.KLDivergence().name == "kl_divergence"
    assert keras.losses.KLDivergence().name == "kl_divergence"
    # TopK accuracy by name gives Keras's numbers: the true class among the top 2 of 3 scores.
    metric = keras.metrics.get("sparse_top_k_categorical_accuracy")
    metric.k = 2
    metric.update_state([2, 0], [[0.1, 0.5, 0.4], [0.3, 0.3, 0.4]])
    assert float(metric.result()) == 1.0


@pytest.mark.parametrize("module, typo, suggestion", [
    ("losses", "categorical_crossentropyy", "categorical_crossentropy"),
    ("losses", "mean_squared_eror", "mean_squared_error"),
    ("metrics", "accuracyy", "accuracy"),
    ("metrics", "top_kcategorical_accuracy", "top_k_categorical_accuracy"),
    ("optimizers", "adamm", "adam"),
    ("activations", "reluu", "relu"),
    ("initializers", "glorot_unifrom", "glorot_uniform"),
    ("regularizers", "l22", "l2"),
])
def test_unknown_name_suggests_the_closest(module, typo, suggestion):
    with pytest.raises(ValueError, match=f"[Dd]id you mean {suggestion!r}\\?"):
        getattr(keras, module).get(typo)


def test_unknown_name_without_a_close_match_lists_the_valid_names():
    with pytest.raises(ValueError) as info:
        keras.losses.get("zzzz")
    assert "did you mean" not in str(info.value).lower() and "mean_squared_error" in str(info.value)


def test_compile_with_a_typo_suggests_the_name():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="(?i)did you mean 'categorical_crossentropy'"):
        model.compile(loss="categorical_crossentropyy")
        model.evaluate(np.ones((2, 2), np.float32), np.ones((2, 2), np.float32), verbose=0)


def test_resolved_functions_compute():
    y_true, y_pred = np.array([[0.0, 1.0]]), np.array([[0.25, 0.75]], np.float32)
    np.testing.assert_allclose(np.asarray(keras.losses.get("bce")(y_true, y_pred)),
                               [-np.mean(np.log([0.75, 0.75]))], rtol=1e-5)
    assert keras.regularizers.get("l1l2").get_config() == keras.regularizers.L1L2().get_config()
    ident = keras.initializers.get("IdentityInitializer")((2, 2))
    np.testing.assert_array_equal(ident.numpy(), np.eye(2))
    assert pt.float32 == ident.dtype


def test_r2_score_variants():
    # Keras's documented example, then the adjusted and per-column forms by hand (numpy).
    metric = keras.metrics.R2Score()
    metric.update_state([[1.0], [4.0], [3.0]], [[2.0], [4.0], [4.0]])
    np.testing.assert_allclose(float(metric.result()), 0.57142854, rtol=1e-6)
    y_true = np.array([[1.0, 2.0], [4.0, 0.0], [3.0, 1.0], [5.0, 3.0]])
    y_pred = np.array([[2.0, 2.5], [4.0, 0.5], [4.0, 1.0], [4.5, 2.0]])
    raw = 1 - ((y_true - y_pred) ** 2).sum(0) / ((y_true - y_true.mean(0)) ** 2).sum(0)
    per_column = keras.metrics.R2Score(class_aggregation=None)
    per_column.update_state(y_true, y_pred)
    np.testing.assert_allclose(np.asarray(per_column.result()), raw, rtol=1e-5)
    adjusted = keras.metrics.R2Score(num_regressors=1)
    adjusted.update_state(y_true, y_pred)
    n = y_true.size
    np.testing.assert_allclose(float(adjusted.result()), 1 - (1 - raw.mean()) * (n - 1) / (n - 2), rtol=1e-5)


def test_iou_family_against_hand_counts():
    # Confusion matrix of labels [0, 0, 1, 1, 2] vs predictions [0, 1, 1, 1, 0]: class 0 has tp 1, fp 1, fn 1;
    # class 1 tp 2, fp 1, fn 0; class 2 tp 0, fp 0, fn 1.
    y_true, y_pred = [0, 0, 1, 1, 2], [0, 1, 1, 1, 0]
    per_class = [1 / 3, 2 / 3, 0.0]
    iou = keras.metrics.IoU(num_classes=3, target_class_ids=[0, 1])
    iou.update_state(y_true, y_pred)
    np.testing.assert_allclose(float(iou.result()), np.mean(per_class[:2]), rtol=1e-6)
    mean_iou = keras.metrics.MeanIoU(num_classes=3)
    mean_iou.update_state(y_true, y_pred)
    np.testing.assert_allclose(float(mean_iou.result()), np.mean(per_class), rtol=1e-6)
    one_hot = keras.metrics.OneHotMeanIoU(num_classes=3)
    one_hot.update_state(np.eye(3)[y_true], np.eye(3)[y_pred] * 0.8 + 0.05)
    np.testing.assert_allclose(float(one_hot.result()), np.mean(per_class), rtol=1e-6)
    ignoring = keras.metrics.MeanIoU(num_classes=3, ignore_class=2)
    ignoring.update_state(y_true, y_pred)
    # Without the (2 -> 0) sample class 0 has tp 1, fp 0, fn 1; class 2 never occurs and is left out of the mean.
    np.testing.assert_allclose(float(ignoring.result()), np.mean([1 / 2, 2 / 3]), rtol=1e-6)


@pytest.mark.parametrize("axis", [0, 1, -1, -2])
def test_sparsemax_projects_onto_the_simplex(axis):
    # The sort-free form against the sorted definition (numpy): tau from the largest k with 1 + k z_(k) > cumsum.
    x = np.random.default_rng(1).normal(size=(4, 6)).astype(np.float32)
    x[0, :3] = 0.5  # ties
    moved = np.moveaxis(x, axis, -1)
    z = -np.sort(-moved, axis=-1)
    k = np.arange(1, z.shape[-1] + 1)
    cumsum = np.cumsum(z, axis=-1)
    support = (1 + k * z > cumsum).sum(axis=-1, keepdims=True)
    tau = (np.take_along_axis(cumsum, support - 1, axis=-1) - 1) / support
    expected = np.moveaxis(np.maximum(moved - tau, 0), -1, axis)
    out = np.asarray(keras.activations.sparsemax(x, axis=axis))
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out.sum(axis=axis), 1.0, rtol=1e-5)
    assert (out == 0).any()  # unlike softmax, low scores get exactly 0


def test_iou_metrics_round_trip_through_configs():
    metric = keras.metrics.OneHotIoU(num_classes=3, target_class_ids=[0, 2], name="hot")
    rebuilt = keras.metrics.get(keras.metrics.serialize(metric))
    assert type(rebuilt) is keras.metrics.OneHotIoU and rebuilt.get_config() == metric.get_config()
    with pytest.raises(TypeError, match="needs constructor arguments"):
        keras.metrics.get("MeanIoU")


def test_circle_loss_gives_keras_values():
    y_true, y_pred = np.array(KERAS["circle_inputs"]["y_true"]), np.array(KERAS["circle_inputs"]["y_pred"], np.float32)
    expected = KERAS["circle_outputs"]
    np.testing.assert_allclose(np.asarray(keras.losses.circle(y_true, y_pred)), expected["circle"], rtol=1e-5)
    np.testing.assert_allclose(float(keras.losses.Circle()(y_true, y_pred)), expected["Circle"], rtol=1e-5)
    np.testing.assert_allclose(float(keras.losses.Circle(gamma=2.0, margin=0.25)(y_true, y_pred)),
                               expected["Circle_gamma_margin"], rtol=1e-5)


@pytest.mark.parametrize("warmup_steps, weight_decay", [(0, None), (2, 0.1)])
def test_schedule_free_adamw_follows_the_algorithm(warmup_steps, weight_decay):
    lr, beta_1, beta_2, eps = 0.01, 0.9, 0.999, 1e-8
    y = np.array(KERAS["optimizer_inputs"]["initial"], np.float64)
    z, v = y.copy(), np.zeros_like(y)
    optimizer = keras.optimizers.ScheduleFreeAdamW(learning_rate=lr, warmup_steps=warmup_steps,
                                                   weight_decay=weight_decay)
    variable = pt.Variable(y.astype(np.float32))
    for t, grad in enumerate(KERAS["optimizer_inputs"]["gradients"], start=1):
        g = np.array(grad, np.float64)
        step_lr = lr * min(t / warmup_steps, 1.0) if warmup_steps else lr
        if weight_decay:
            y = y - y * weight_decay * lr  # as Keras: the plain learning rate
        x = (y - (1 - beta_1) * z) / beta_1  # the average, from the weights and the old z
        v = v + (g * g - v) * (1 - beta_2)
        z = z - step_lr * g / (np.sqrt(v / (1 - beta_2 ** t)) + eps)
        x = (1 - 1 / t) * x + z / t
        y = (1 - beta_1) * z + beta_1 * x
        optimizer.apply_gradients([(pt.constant(grad), variable)])
        np.testing.assert_allclose(variable.numpy(), y, rtol=2e-6, atol=1e-7)


def test_ctc_gives_keras_values_and_the_brute_force_sum():
    import itertools

    y_true, logits = np.array(KERAS["ctc_inputs"]["y_true"]), np.array(KERAS["ctc_inputs"]["y_pred"], np.float32)
    np.testing.assert_allclose(np.asarray(keras.losses.ctc(y_true, logits)), KERAS["ctc_outputs"]["ctc"], rtol=1e-5)
    np.testing.assert_allclose(float(keras.losses.CTC()(y_true, logits)), KERAS["ctc_outputs"]["CTC"], rtol=1e-5)

    def collapse(path):
        out = [c for i, c in enumerate(path) if c != 0 and (i == 0 or c != path[i - 1])]
        return out

    probs = np.exp(logits[:, :5].astype(np.float64))
    probs /= probs.sum(-1, keepdims=True)
    for b, labels in enumerate(y_true):
        target = [c for c in labels if c != 0]
        total = sum(np.prod(probs[b, np.arange(5), path]) for path in itertools.product(range(4), repeat=5)
                    if collapse(path) == target)
        got = float(keras.losses.ctc(y_true[b:b + 1], logits[b:b + 1, :5])[0])
        np.testing.assert_allclose(got, -np.log(total), rtol=1e-5)


def test_ctc_gradient_is_finite_and_matches_finite_differences():
    y_true = np.array([[1, 2, 0], [2, 2, 1]])
    logits = pt.Variable(np.random.default_rng(2).normal(size=(2, 5, 3)))
    with pt.GradientTape() as tape:
        loss = pt.reduce_sum(keras.losses.ctc(y_true, logits))
    grad = tape.gradient(loss, logits).numpy()
    assert np.all(np.isfinite(grad))
    base = logits.numpy()
    for index in [(0, 0, 1), (1, 3, 2), (0, 4, 0)]:
        bumped = [base.copy(), base.copy()]
        bumped[0][index] += 1e-6
        bumped[1][index] -= 1e-6
        up, down = (float(pt.reduce_sum(keras.losses.ctc(y_true, b))) for b in bumped)
        np.testing.assert_allclose(grad[index], (up - down) / 2e-6, rtol=1e-5, atol=1e-8)
