"""Keras mixed precision: DTypePolicy, layers computing in float16 / bfloat16 with float32 variables, and the
dynamic loss scaling of LossScaleOptimizer (Keras 3's rules: scale 2**15, halved and the step skipped on a
non-finite gradient, doubled after dynamic_growth_steps finite steps)."""

import numpy as np
import pytest

import pytensor as pt
from pytensor import keras
from pytensor.keras import mixed_precision

ml_dtypes = pytest.importorskip("ml_dtypes")


@pytest.fixture(autouse=True)
def _reset_policy():
    yield
    mixed_precision.set_global_policy(None)


def test_policy_dtypes_and_names():
    policy = mixed_precision.Policy("mixed_float16")
    assert (policy.compute_dtype, policy.variable_dtype) == ("float16", "float32")
    assert repr(policy) == '<DTypePolicy "mixed_float16">'
    assert mixed_precision.DTypePolicy("mixed_bfloat16").compute_dtype == "bfloat16"
    assert mixed_precision.DTypePolicy("float64").variable_dtype == "float64"
    assert mixed_precision.global_policy().name == "float32"
    with pytest.raises(ValueError, match="mixed_float16"):
        mixed_precision.DTypePolicy("mixed_float8")


@pytest.mark.parametrize("policy,np_type", [("mixed_float16", np.float16), ("mixed_bfloat16", ml_dtypes.bfloat16)])
def test_dense_computes_in_the_policy_dtype_with_float32_variables(policy, np_type):
    mixed_precision.set_global_policy(policy)
    layer = keras.layers.Dense(3, activation="relu")
    x = np.random.default_rng(0).standard_normal((4, 5)).astype(np.float32)
    y = layer(x)
    assert layer.dtype_policy.name == policy and layer.dtype == "float32"
    assert layer.kernel.dtype == pt.float32 and y.dtype.name == layer.compute_dtype
    kernel, bias = (w.numpy() for w in layer.weights)
    # inputs and weights rounded to the compute dtype, the product accumulated in float32 and rounded once
    r = lambda a: a.astype(np_type).astype(np.float32)  # noqa: E731
    want = np.maximum(r(r(r(x) @ r(kernel)) + r(bias)), 0)
    np.testing.assert_array_equal(y.numpy().astype(np.float32), want)
    # a layer given its own dtype keeps it: the usual float32 output layer of a mixed model
    out = keras.layers.Activation("softmax", dtype="float32")(y)
    assert out.dtype == pt.float32


def test_symbolic_outputs_have_the_compute_dtype_and_gradients_reach_float32_variables():
    mixed_precision.set_global_policy("mixed_float16")
    inputs = keras.Input(shape=(4,))
    hidden = keras.layers.Dense(3)(inputs)
    outputs = keras.layers.Activation("linear", dtype="float32")(keras.layers.Dense(2)(hidden))
    assert pt.as_dtype(hidden.dtype) == pt.float16 and pt.as_dtype(outputs.dtype) == pt.float32
    model = keras.Model(inputs, outputs)
    x = np.ones((2, 4), np.float32)
    with pt.GradientTape() as tape:
        loss = pt.reduce_sum(model(x))
    grads = tape.gradient(loss, model.trainable_variables)
    assert all(g is not None and g.dtype == pt.float32 for g in grads)
    # d(sum(x @ k1 @ k2))/d(bias of the last layer) is the batch size for each unit
    np.testing.assert_array_equal(grads[-1].numpy(), [2.0, 2.0])


def _apply(opt, var, grad):
    opt.apply_gradients([(pt.constant(grad), var)])


def test_loss_scale_optimizer_unscales_skips_and_adjusts_the_scale():
    var = pt.Variable([1.0, 2.0])
    opt = mixed_precision.LossScaleOptimizer(keras.optimizers.SGD(0.5), dynamic_growth_steps=2)
    assert float(opt.dynamic_scale) == 2.0 ** 15
    assert float(opt.scale_loss(pt.constant(3.0))) == 3.0 * 2 ** 15
    _apply(opt, var, [2.0 ** 15, -(2.0 ** 16)])  # unscaled: [1, -2]
    np.testing.assert_array_equal(var.numpy(), [0.5, 3.0])
    assert int(opt.iterations) == 1 and int(opt.step_counter) == 1
    _apply(opt, var, [np.inf, 1.0])  # skipped: nothing moves, the scale halves
    np.testing.assert_array_equal(var.numpy(), [0.5, 3.0])
    assert int(opt.iterations) == 1 and float(opt.dynamic_scale) == 2.0 ** 14 and int(opt.step_counter) == 0
    _apply(opt, var, [0.0, 0.0])
    _apply(opt, var, [0.0, 0.0])  # the second finite step in a row doubles the scale
    assert float(opt.dynamic_scale) == 2.0 ** 15 and int(opt.step_counter) == 0 and int(opt.iterations) == 3


def test_a_skipped_step_leaves_the_inner_optimizers_slots_alone():
    var = pt.Variable([1.0, -1.0])
    opt = mixed_precision.LossScaleOptimizer(keras.optimizers.Adam(0.1), initial_scale=1.0)
    _apply(opt, var, [1.0, 1.0])
    slots = [v.numpy().copy() for v in opt.inner_optimizer.variables]
    value = var.numpy().copy()
    _apply(opt, var, [np.nan, 1.0])
    np.testing.assert_array_equal(var.numpy(), value)
    for slot, before in zip(opt.inner_optimizer.variables, slots):
        np.testing.assert_array_equal(slot.numpy(), before)


def test_loss_scaling_in_a_traced_step_matches_eager():
    def run(traced):
        var = pt.Variable([1.0, 2.0])
        opt = mixed_precision.LossScaleOptimizer(keras.optimizers.RMSprop(0.01), dynamic_growth_steps=2)

        def step(g):
            opt.apply_gradients([(g, var)])
        step = pt.function(step) if traced else step
        for g in ([2.0 ** 14, 1.0], [np.inf, 0.0], [1.0, 3.0], [2.0, -1.0], [0.5, 0.5]):
            step(pt.constant(g))
        return var.numpy(), float(opt.dynamic_scale), int(opt.iterations)
    eager, traced = run(False), run(True)
    np.testing.assert_array_equal(traced[0], eager[0])
    assert traced[1:] == eager[1:] == (2.0 ** 15, 4)


def test_compile_wraps_the_optimizer_under_mixed_float16_and_fit_trains():
    mixed_precision.set_global_policy("mixed_float16")
    rng = np.random.default_rng(1)
    x = rng.standard_normal((64, 8)).astype(np.float32)
    y = (x[:, :1] > 0).astype(np.float32)
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(1), keras.layers.Activation("sigmoid", dtype="float32")])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy")
    assert isinstance(model.optimizer, mixed_precision.LossScaleOptimizer)
    history = model.fit(x, y, epochs=5, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert all(w.dtype == pt.float32 for w in model.weights)
