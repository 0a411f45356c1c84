"""keras.optimizers and pytensor.train: trajectories against numpy implementations of Keras's update equations."""
import math

import numpy as np
import pytest

import pytensor as pt
from pytensor import keras
from pytensor.keras import optimizers
from pytensor.keras.optimizers import schedules

STEPS = 5


def _np_run(kind, cfg, w0, grads, lr_at=None):
    """Keras 3's update equations in float64 numpy; returns the variable after each step."""
    w = w0.astype(np.float64).copy()
    lr0 = float(np.float32(cfg.get("learning_rate")))  # Keras 3 holds the learning rate in a float32 variable
    s = {"m": np.zeros_like(w), "v": np.zeros_like(w), "vh": np.zeros_like(w), "a": np.zeros_like(w),
         "acc": np.full_like(w, cfg.get("initial_accumulator_value", 0.1)), "ad": np.zeros_like(w),
         "up": 1.0}
    out = []
    for it, g in enumerate(grads):
        g = g.astype(np.float64)
        lr = lr_at(it) if lr_at else lr0
        t = it + 1
        if cfg.get("clipvalue"):
            g = np.clip(g, -cfg["clipvalue"], cfg["clipvalue"])
        if cfg.get("clipnorm"):
            n = np.sqrt((g * g).sum())
            g = g * cfg["clipnorm"] / max(n, cfg["clipnorm"])
        if cfg.get("weight_decay"):
            w = w - w * cfg["weight_decay"] * lr
        if kind == "sgd":
            mu = cfg.get("momentum", 0.0)
            if mu:
                s["m"] = mu * s["m"] - lr * g
                w = w + (mu * s["m"] - lr * g if cfg.get("nesterov") else s["m"])
            else:
                w = w - lr * g
        elif kind == "rmsprop":
            rho, eps, mu = cfg.get("rho", 0.9), cfg.get("epsilon", 1e-7), cfg.get("momentum", 0.0)
            s["v"] = rho * s["v"] + (1 - rho) * g * g
            den = s["v"] + eps
            if cfg.get("centered"):
                s["a"] = rho * s["a"] + (1 - rho) * g
                den = s["v"] - s["a"] ** 2 + eps
            inc = lr * g / np.sqrt(den)
            if mu:
                s["m"] = mu * s["m"] + inc
                inc = s["m"]
            w = w - inc
        elif kind in ("adam", "adamw"):
            b1, b2, eps = cfg.get("beta_1", 0.9), cfg.get("beta_2", 0.999), cfg.get("epsilon", 1e-7)
            alpha = lr * math.sqrt(1 - b2 ** t) / (1 - b1 ** t)
            s["m"] += (g - s["m"]) * (1 - b1)
            s["v"] += (g * g - s["v"]) * (1 - b2)
            v = s["v"]
            if cfg.get("amsgrad"):
                s["vh"] = np.maximum(s["vh"], s["v"])
                v = s["vh"]
            w = w - alpha * s["m"] / (np.sqrt(v) + eps)
        elif kind == "adagrad":
            eps = cfg.get("epsilon", 1e-7)
            s["acc"] += g * g
            w = w - lr * g / np.sqrt(s["acc"] + eps)
        elif kind == "adadelta":
            rho, eps = cfg.get("rho", 0.95), cfg.get("epsilon", 1e-7)
            s["a"] = rho * s["a"] + (1 - rho) * g * g
            d = -np.sqrt(s["ad"] + eps) * g / np.sqrt(s["a"] + eps)
            s["ad"] = rho * s["ad"] + (1 - rho) * d * d
            w = w + lr * d
        elif kind == "nadam":
            b1, b2, eps = cfg.get("beta_1", 0.9), cfg.get("beta_2", 0.999), cfg.get("epsilon", 1e-7)
            u_t = b1 * (1 - 0.5 * 0.96 ** t)
            u_t1 = b1 * (1 - 0.5 * 0.96 ** (t + 1))
            s["up"] *= u_t
            s["m"] += (g - s["m"]) * (1 - b1)
            s["v"] += (g * g - s["v"]) * (1 - b2)
            m_hat = u_t1 * s["m"] / (1 - s["up"] * u_t1) + (1 - u_t) * g / (1 - s["up"])
            v_hat = s["v"] / (1 - b2 ** t)
            w = w - m_hat * lr / (np.sqrt(v_hat) + eps)
        out.append(w.copy())
    return out


CASES = [
    ("sgd", optimizers.SGD, {"learning_rate": 0.1}),
    ("sgd", optimizers.SGD, {"learning_rate": 0.1, "momentum": 0.9}),
    ("sgd", optimizers.SGD, {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}),
    ("sgd", optimizers.SGD, {"learning_rate": 0.1, "weight_decay": 0.05}),
    ("rmsprop", optimizers.RMSprop, {"learning_rate": 0.01}),
    ("rmsprop", optimizers.RMSprop, {"learning_rate": 0.01, "momentum": 0.5}),
    ("rmsprop", optimizers.RMSprop, {"learning_rate": 0.01, "centered": True, "momentum": 0.3}),
    ("adam", optimizers.Adam, {"learning_rate": 0.01}),
    ("adam", optimizers.Adam, {"learning_rate": 0.01, "amsgrad": True}),
    ("adam", optimizers.Adam, {"learning_rate": 0.01, "clipnorm": 0.5}),
    ("adam", optimizers.Adam, {"learning_rate": 0.01, "clipvalue": 0.2}),
    ("adamw", optimizers.AdamW, {"learning_rate": 0.01, "weight_decay": 0.1}),
    ("adagrad", optimizers.Adagrad, {"learning_rate": 0.1}),
    ("adagrad", optimizers.Adagrad, {"learning_rate": 0.1, "initial_accumulator_value": 0.5}),
    ("adadelta", optimizers.Adadelta, {"learning_rate": 1.0}),
    ("nadam", optimizers.Nadam, {"learning_rate": 0.01}),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kind,cls,cfg", CASES, ids=[f"{c[0]}-{'-'.join(c[2])}" for c in CASES])
def test_trajectory_matches_numpy(kind, cls, cfg, dtype):
    rng = np.random.default_rng(1)
    w0 = rng.normal(size=(4, 3))
    grads = [rng.normal(size=(4, 3)) for _ in range(STEPS)]
    var = pt.Variable(w0.astype(dtype), name="w")
    opt = cls(**cfg)
    expected = _np_run(kind, cfg, w0, grads)
    tol = 1e-12 if dtype == "float64" else 2e-5
    for step, (g, want) in enumerate(zip(grads, expected)):
        opt.apply_gradients([(pt.constant(g.astype(dtype)), var)])
        np.testing.assert_allclose(var.numpy(), want, rtol=tol, atol=tol, err_msg=f"step {step + 1}")
    assert int(opt.iterations.numpy()) == STEPS


def test_global_clipnorm_scales_all_gradients_together():
    g1, g2 = np.array([3.0, 0.0]), np.array([0.0, 4.0])   # global norm 5
    v1, v2 = pt.Variable(np.zeros(2)), pt.Variable(np.zeros(2))
    opt = optimizers.SGD(learning_rate=1.0, global_clipnorm=1.0)
    opt.apply_gradients([(pt.constant(g1), v1), (pt.constant(g2), v2)])
    np.testing.assert_allclose(v1.numpy(), [-0.6, 0.0])
    np.testing.assert_allclose(v2.numpy(), [0.0, -0.8])


def test_schedule_drives_learning_rate():
    sched = schedules.ExponentialDecay(0.1, decay_steps=2, decay_rate=0.5)
    rng = np.random.default_rng(2)
    w0, grads = rng.normal(size=5), [rng.normal(size=5) for _ in range(4)]
    var = pt.Variable(w0)
    opt = optimizers.Adam(learning_rate=sched)
    for g in grads:
        opt.apply_gradients([(pt.constant(g), var)])
    want = _np_run("adam", {}, w0, grads, lr_at=lambda it: 0.1 * 0.5 ** (it / 2))[-1]
    np.testing.assert_allclose(var.numpy(), want, rtol=1e-12)
    assert opt.learning_rate == pytest.approx(0.1 * 0.5 ** 2)


def test_schedules_hand_computed():
    assert schedules.ExponentialDecay(0.1, 10, 0.5)(20) == pytest.approx(0.025)
    assert schedules.ExponentialDecay(0.1, 10, 0.5, staircase=True)(19) == pytest.approx(0.05)
    pw = schedules.PiecewiseConstantDecay([100, 200], [1.0, 0.5, 0.1])
    assert [pw(s) for s in (0, 100, 101, 200, 201)] == [1.0, 1.0, 0.5, 0.5, 0.1]
    cd = schedules.CosineDecay(1.0, decay_steps=10, alpha=0.1)
    assert cd(5) == pytest.approx(0.9 * 0.5 + 0.1) and cd(10) == pytest.approx(0.1) and cd(50) == pytest.approx(0.1)
    warm = schedules.CosineDecay(0.0, 10, warmup_target=1.0, warmup_steps=4)
    assert warm(2) == pytest.approx(0.5) and warm(4) == pytest.approx(1.0) and warm(9) == pytest.approx(0.5)
    for s in (schedules.ExponentialDecay(0.1, 10, 0.5), pw, cd):
        again = schedules.deserialize(schedules.serialize(s))
        assert type(again) is type(s) and again.get_config() == s.get_config()


def test_none_gradient_warns_naming_the_variable_and_skips_it():
    a, b = pt.Variable(np.ones(2), name="kept"), pt.Variable(np.ones(2), name="orphan")
    opt = optimizers.SGD(learning_rate=0.5)
    with pytest.warns(UserWarning, match="orphan"):
        opt.apply_gradients([(pt.constant(np.ones(2)), a), (None, b)])
    np.testing.assert_allclose(a.numpy(), [0.5, 0.5])
    np.testing.assert_allclose(b.numpy(), [1.0, 1.0])


def test_minimize_with_callable_loss_and_with_tape():
    var = pt.Variable(10.0)
    opt = optimizers.SGD(learning_rate=0.1)
    opt.minimize(lambda: (var ** 2) / 2.0, [var])
    assert var.numpy() == pytest.approx(9.0)
    with pt.GradientTape() as tape:
        loss = (var ** 2) / 2.0
    opt.minimize(loss, [var], tape=tape)
    assert var.numpy() == pytest.approx(8.1)
    with pytest.raises(ValueError, match="tape"):
        opt.minimize(loss, [var])


def test_slots_build_variables_and_earlier_reads_unchanged():
    var = pt.Variable(np.ones((2, 2), np.float32), name="dense/kernel")
    opt = optimizers.Adam(amsgrad=True)
    opt.build([var])
    assert len(opt.variables) == 4 and all(tuple(v.shape) == (2, 2) for v in opt.variables[1:])
    before = var.read_value()
    opt.apply_gradients([(pt.constant(np.ones((2, 2), np.float32)), var)])
    np.testing.assert_array_equal(before.numpy(), np.ones((2, 2)))
    assert not np.allclose(var.numpy(), 1.0)


def test_get_strings_instances_and_configs():
    for name, cls in [("sgd", optimizers.SGD), ("RMSprop", optimizers.RMSprop), ("ADAM", optimizers.Adam),
                      ("adamw", optimizers.AdamW), ("adagrad", optimizers.Adagrad),
                      ("adadelta", optimizers.Adadelta), ("nadam", optimizers.Nadam)]:
        assert type(optimizers.get(name)) is cls
    opt = optimizers.RMSprop(learning_rate=0.1, momentum=0.2, centered=True, clipnorm=1.0)
    assert optimizers.get(opt) is opt
    again = optimizers.get(optimizers.serialize(opt))
    assert type(again) is optimizers.RMSprop and again.get_config() == opt.get_config()
    sched = optimizers.SGD(learning_rate=schedules.CosineDecay(0.5, 10))
    assert isinstance(optimizers.SGD.from_config(sched.get_config())._lr_schedule, schedules.CosineDecay)
    with pytest.raises(ValueError, match="adam"):
        optimizers.get("adamax_typo")
    with pytest.raises(ValueError, match="Only one"):
        optimizers.SGD(clipnorm=1.0, clipvalue=0.5)


def test_defaults_match_keras():
    assert optimizers.SGD().learning_rate == 0.01
    adam = optimizers.Adam()
    assert (adam.learning_rate, adam.beta_1, adam.beta_2, adam.epsilon) == (0.001, 0.9, 0.999, 1e-7)
    rms = optimizers.RMSprop()
    assert (rms.learning_rate, rms.rho, rms.momentum, rms.epsilon, rms.centered) == (0.001, 0.9, 0.0, 1e-7, False)
    assert optimizers.AdamW().weight_decay == 0.004
    assert optimizers.Adagrad().initial_accumulator_value == 0.1
    assert optimizers.Adadelta().rho == 0.95


@pytest.mark.parametrize("bad", [-0.1, float("nan")])
def test_bad_learning_rate_raises(bad):
    with pytest.raises(ValueError, match="learning_rate"):
        optimizers.Adam(learning_rate=bad)
    opt = optimizers.SGD()
    with pytest.raises(ValueError, match="learning_rate"):
        opt.learning_rate = bad


def test_learning_rate_is_settable():
    opt = optimizers.SGD(learning_rate=0.5)
    opt.learning_rate = 0.25
    var = pt.Variable(np.ones(1))
    opt.apply_gradients([(pt.constant(np.ones(1)), var)])
    np.testing.assert_allclose(var.numpy(), [0.75])


def test_shape_and_dtype_mismatch_errors_name_optimizer_variable_and_shapes():
    var = pt.Variable(np.ones((2, 3), np.float32), name="dense/kernel")
    with pytest.raises(ValueError, match=r"Adam.*dense/kernel.*\(3, 2\).*\(2, 3\)|Adam.*dense/kernel.*\[3,2\]"):
        optimizers.Adam().apply_gradients([(pt.constant(np.ones((3, 2), np.float32)), var)])
    with pytest.raises(TypeError, match="SGD.*dense/kernel.*float64"):
        optimizers.SGD().apply_gradients([(pt.constant(np.ones((2, 3))), var)])


def test_training_reduces_loss():
    rng = np.random.default_rng(0)
    xs = rng.normal(size=(64, 3)).astype(np.float32)
    x, y = pt.constant(xs), pt.constant(xs @ np.array([[1.0], [-2.0], [0.5]], np.float32))
    for opt in (optimizers.Adam(0.05), optimizers.RMSprop(0.05), optimizers.SGD(0.05, momentum=0.9)):
        w = pt.Variable(np.zeros((3, 1), np.float32))
        loss = lambda: pt.reduce_mean(pt.square(pt.matmul(x, w) - y))  # noqa: E731
        first = float(loss())
        for _ in range(30):
            opt.minimize(loss, [w])
        assert float(loss()) < 0.5 * first, type(opt).__name__


def test_tf1_optimizers():
    # TF1 RMSProp: ms starts at ones; TF1 Adagrad: no epsilon.
    g = np.array([0.5, -1.0])
    v = pt.Variable(np.zeros(2))
    opt = pt.train.RMSPropOptimizer(0.1)
    opt.apply_gradients([(pt.constant(g), v)])
    np.testing.assert_allclose(v.numpy(), -0.1 * g / np.sqrt(0.9 + 0.1 * g * g + 1e-10))
    v = pt.Variable(np.zeros(2))
    pt.train.AdagradOptimizer(0.1).apply_gradients([(pt.constant(g), v)])
    np.testing.assert_allclose(v.numpy(), -0.1 * g / np.sqrt(0.1 + g * g))
    var, step = pt.Variable(1.0), pt.Variable(0, dtype="int64")
    pt.train.GradientDescentOptimizer(0.5).minimize(lambda: var * var, global_step=step)
    assert var.numpy() == pytest.approx(0.0) and int(step.numpy()) == 1
    var = pt.Variable(np.array([1.0, 2.0]))
    opt = pt.train.AdamOptimizer(0.1)
    opt.minimize(lambda: pt.reduce_sum(var * var), var_list=[var])
    np.testing.assert_allclose(var.numpy(), _np_run("adam", {"epsilon": 1e-8}, np.array([1.0, 2.0]),
                                                     [np.array([2.0, 4.0])], lr_at=lambda i: 0.1)[0])
    var = pt.Variable(np.zeros(1))
    opt = pt.train.MomentumOptimizer(0.1, 0.9)
    for _ in range(3):
        opt.apply_gradients([(pt.constant(np.ones(1)), var)])
    np.testing.assert_allclose(var.numpy(), [-0.1 * (1 + 1.9 + 2.71)])


def test_exclude_from_weight_decay():
    kernel, bias = pt.Variable(np.ones(2), name="dense/kernel"), pt.Variable(np.ones(2), name="dense/bias")
    opt = optimizers.AdamW(learning_rate=0.1, weight_decay=0.5)
    opt.exclude_from_weight_decay(var_names=["bias"])
    zero = pt.constant(np.zeros(2))
    opt.apply_gradients([(zero, kernel), (zero, bias)])
    np.testing.assert_allclose(kernel.numpy(), [0.95, 0.95])
    np.testing.assert_allclose(bias.numpy(), [1.0, 1.0])


def test_apply_is_apply_gradients_in_keras3_form():
    first, second = pt.Variable([1.0, 2.0]), pt.Variable([3.0])
    grads = [pt.constant([0.5, -1.0]), pt.constant([2.0])]
    paired = keras.optimizers.Adam(0.1)
    paired_vars = [pt.Variable([1.0, 2.0]), pt.Variable([3.0])]
    paired.apply_gradients(zip(grads, paired_vars))
    optimizer = keras.optimizers.Adam(0.1)
    assert optimizer.apply(grads, [first, second]) is None  # as Keras 3
    for ours, theirs in zip([first, second], paired_vars):
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    built = keras.optimizers.SGD(1.0)
    built.build([first, second])
    built.apply(grads)  # the variables of build(), in order
    np.testing.assert_allclose(second.numpy(), paired_vars[1].numpy() - 2.0)
    with pytest.raises(ValueError, match="2 gradients for 1 variables"):
        built.apply(grads, [first])
    with pytest.raises(ValueError, match="not built"):
        keras.optimizers.SGD().apply(grads)
