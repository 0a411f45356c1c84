"""A traced train step updates like the eager one, call after call: the optimizer's step-dependent numbers (Nadam's
momentum schedule, bias corrections, learning-rate schedules) are read from `iterations` on every call of the graph,
not frozen at trace time. Reference: the same steps run eagerly (bitwise, or 1 ulp)."""
import numpy as np
import pytest

import pytensor as tf
from pytensor.keras import optimizers
from pytensor.keras.optimizers import schedules

STEPS = 6

OPTIMIZERS = [
    ("SGD", lambda lr: optimizers.SGD(lr)),
    ("SGD-nesterov", lambda lr: optimizers.SGD(lr, momentum=0.9, nesterov=True)),
    ("RMSprop", lambda lr: optimizers.RMSprop(lr)),
    ("RMSprop-centered", lambda lr: optimizers.RMSprop(lr, momentum=0.5, centered=True)),
    ("Adam", lambda lr: optimizers.Adam(lr)),
    ("Adam-amsgrad", lambda lr: optimizers.Adam(lr, amsgrad=True)),
    ("AdamW", lambda lr: optimizers.AdamW(lr, weight_decay=0.01)),
    ("Adagrad", lambda lr: optimizers.Adagrad(lr)),
    ("Adadelta", lambda lr: optimizers.Adadelta(lr)),
    ("Adamax", lambda lr: optimizers.Adamax(lr, weight_decay=0.01)),
    ("Nadam", lambda lr: optimizers.Nadam(lr)),
    ("Ftrl", lambda lr: optimizers.Ftrl(lr, l1_regularization_strength=0.01, beta=0.1)),
    ("Lion", lambda lr: optimizers.Lion(lr)),
    ("Adafactor", lambda lr: optimizers.Adafactor(lr)),
    ("Muon", lambda lr: optimizers.Muon(lr)),
    ("ScheduleFreeAdamW", lambda lr: optimizers.ScheduleFreeAdamW(lr, warmup_steps=3)),
]

RATES = {
    "constant": lambda: 0.05,
    "ExponentialDecay": lambda: schedules.ExponentialDecay(0.05, decay_steps=2, decay_rate=0.5),
    "CosineDecay": lambda: schedules.CosineDecay(0.05, decay_steps=4, warmup_target=0.1, warmup_steps=2),
}

_rng = np.random.default_rng(7)
_X = _rng.standard_normal((8, 3)).astype(np.float32)
_Y = _rng.standard_normal((8, 4)).astype(np.float32)
_W = _rng.standard_normal((3, 4)).astype(np.float32)
_B = _rng.standard_normal((4,)).astype(np.float32)


def _run(make_optimizer, rate, traced):
    w, b = tf.Variable(_W), tf.Variable(_B)
    optimizer = make_optimizer(rate())

    def step(x, y):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(tf.square(tf.matmul(x, w) + b - y))
        optimizer.apply_gradients(zip(tape.gradient(loss, [w, b]), [w, b]))
        return loss

    step = tf.function(step) if traced else step
    x, y = tf.constant(_X), tf.constant(_Y)
    losses = [step(x, y).numpy() for _ in range(STEPS)]
    return np.array(losses), w.numpy(), b.numpy(), int(optimizer.iterations.numpy())


@pytest.mark.parametrize("rate", list(RATES))
@pytest.mark.parametrize("name,make", OPTIMIZERS, ids=[n for n, _ in OPTIMIZERS])
def test_traced_steps_equal_eager_steps(name, make, rate):
    eager = _run(make, RATES[rate], traced=False)
    traced = _run(make, RATES[rate], traced=True)
    assert traced[3] == eager[3] == STEPS
    for got, want in zip(traced[:3], eager[:3]):
        np.testing.assert_array_max_ulp(got, want, maxulp=1)
    # The updates did move the weights, so the comparison compares something.
    assert not np.array_equal(eager[1], _W)


def test_schedule_advances_inside_the_function():
    lr = schedules.PiecewiseConstantDecay([1], [1.0, 0.0])  # iterations 0, 1: rate 1; then 0
    v = tf.Variable(0.0)
    optimizer = optimizers.SGD(lr)

    @tf.function
    def step():
        optimizer.apply_gradients([(tf.constant(1.0), v)])

    for _ in range(4):
        step()
    assert v.numpy() == -2.0  # two steps at rate 1, then none
    assert step.experimental_get_tracing_count() == 1


def test_learning_rate_assigned_between_calls_reaches_ops_written_optimizers():
    v = tf.Variable(0.0)
    optimizer = optimizers.Lion(0.5)

    @tf.function
    def step():
        optimizer.apply_gradients([(tf.constant(1.0), v)])

    step()
    optimizer.learning_rate.assign(0.25)
    step()
    assert v.numpy() == -0.75
