"""The philox_* ops in use: stateless draws and tf.random.Generator become graph ops that tf.function traces (no
host callback), a traced Generator advances on every call, a SavedModel replays it, the numbers do not depend on
the thread count, and bad states raise TF's error classes naming the op. (Each op against the numpy reference:
tests/op_db/random.py; against recorded TensorFlow: tests/test_random_tf_exact.py.) The same for the samplers with a
varying number of draws an output (philox_gamma, _poisson, _binomial) and categorical draws (philox_categorical)."""
import numpy as np
import pytest

import pytensor as pt
from pytensor.errors import InvalidArgumentError


def test_stateless_draws_trace_into_the_graph_and_repeat():
    @pt.function
    def draw(seed):
        return (pt.random.stateless_uniform([5], seed), pt.random.stateless_normal([5], seed),
                pt.random.stateless_truncated_normal([5], seed),
                pt.random.stateless_uniform([5], seed, minval=-3, maxval=9, dtype=pt.int32))

    for seed in ([1, 2], [-3, 2 ** 40]):
        seed = pt.constant(np.array(seed, np.int64))
        eager = [pt.random.stateless_uniform([5], seed), pt.random.stateless_normal([5], seed),
                 pt.random.stateless_truncated_normal([5], seed),
                 pt.random.stateless_uniform([5], seed, minval=-3, maxval=9, dtype=pt.int32)]
        for got, want in zip(draw(seed), eager):  # the second seed runs the traced graph on a new value
            np.testing.assert_array_equal(got.numpy(), want.numpy())
    graph = draw.get_concrete_function(pt.constant(np.array([1, 2], np.int64))).graph
    assert "Callback" not in str(graph), "a stateless draw became a host callback"


def test_stateless_shuffle_traces_and_matches_the_reference_order():
    import philox_reference as ref

    values = pt.constant(np.arange(40).reshape(20, 2))
    shuffle = pt.function(lambda seed: pt.random.experimental.stateless_shuffle(values, seed))
    for seed in ([1, 2], [7, -8]):
        key, (lo, hi) = ref.key_counter_from_seed(*(v & (1 << 64) - 1 for v in seed))
        order = ref.shuffle_order(key, (lo, hi), 20)
        np.testing.assert_array_equal(shuffle(pt.constant(np.array(seed, np.int64))).numpy(),
                                      np.arange(40).reshape(20, 2)[order])


def test_traced_generator_advances_its_state_on_every_call():
    g = pt.random.Generator.from_seed(5)
    eager = [g.normal([3]).numpy() for _ in range(3)]
    g.reset_from_seed(5)
    traced = pt.function(lambda: g.normal([3]))
    for want in eager:
        np.testing.assert_array_equal(traced().numpy(), want)
    assert np.asarray(g.state).tolist() == [5 + 3 * 3 * 256, 0, 0]  # from_seed(5): counter 5, key 0


def test_traced_skip_returns_the_state_before_and_advances():
    g = pt.random.Generator.from_seed(9)
    traced = pt.function(lambda: g.skip(4))
    assert np.asarray(traced()).tolist() == [9, 0, 0]
    assert np.asarray(traced()).tolist() == [9 + 4 * 256, 0, 0]
    assert np.asarray(g.state).tolist() == [9 + 8 * 256, 0, 0]


class GeneratorModule(pt.Module):
    """A Module drawing from its own Generator in a tf.function, and reading the generator's state in another."""

    def __init__(self):
        super().__init__()
        self.g = pt.random.Generator.from_seed(0)

    @pt.function
    def __call__(self):
        return self.g.normal([])

    @pt.function
    def state(self):
        return self.g.state


def test_saved_generator_function_replays_the_stream(tmp_path):
    module = GeneratorModule()
    module()
    module.state()  # traced before saving: a SavedModel keeps the traces only
    pt.saved_model.save(module, str(tmp_path / "m"))
    expected = [float(module()) for _ in range(2)]
    loaded = pt.saved_model.load(str(tmp_path / "m"))
    assert np.asarray(loaded.state()).tolist() == [256, 0, 0]
    assert [float(loaded()) for _ in range(2)] == expected
    assert np.asarray(loaded.state()).tolist() == [768, 0, 0]


@pytest.mark.parametrize("draw", ["uniform", "normal", "truncated_normal"])
def test_draws_do_not_depend_on_the_thread_count(draw):
    state = pt.constant(np.array([5, 7, 11], np.int64))
    op = getattr(pt._core, f"philox_{draw}")
    old = pt._core.get_num_threads()
    try:
        outs = []
        for n in (1, 2, 3):
            pt._core.set_num_threads(n)
            outs.append(op(state, (300001,), "float32").numpy())
    finally:
        pt._core.set_num_threads(old)
    for out in outs[1:]:
        np.testing.assert_array_equal(out, outs[0])


def test_bad_states_and_bounds_raise_naming_the_op():
    with pytest.raises(InvalidArgumentError, match=r"philox_normal: state must have shape \[3\]"):
        pt._core.philox_normal(pt.constant(np.zeros(2, np.int64)), (3,))
    with pytest.raises(TypeError, match="philox_uniform.*int64 state"):
        pt._core.philox_uniform(pt.constant(np.zeros(3, np.float32)), (3,))
    with pytest.raises(InvalidArgumentError, match="philox_uniform_int: need minval < maxval"):
        pt._core.philox_uniform_int(pt.constant(np.zeros(3, np.int64)), (3,), "int32", 4, 4)
    with pytest.raises(InvalidArgumentError, match="out of range for dtype int32"):
        pt._core.philox_uniform_int(pt.constant(np.zeros(3, np.int64)), (3,), "int32", 0, 2 ** 40)
    with pytest.raises(InvalidArgumentError, match="out of range for dtype int32"):  # a range of 2**32: 0 mod 2**32
        pt._core.philox_uniform_int(pt.constant(np.zeros(3, np.int64)), (3,), "int32", -2 ** 31, 2 ** 31)
    with pytest.raises(InvalidArgumentError, match="stateless_normal: seed must be a shape \\[2\\] integer"):
        pt.random.stateless_normal([3], [1, 2, 3])
    with pytest.raises(InvalidArgumentError, match="philox_state_from_seed: seed must have shape \\[2\\]"):
        pt._core.philox_state_from_seed(pt.constant(np.zeros(3, np.int64)))


def test_variable_count_samplers_trace_into_the_graph_and_repeat():
    alpha = np.array([0.5, 3.0], np.float32)
    counts, probs = np.array([5.0, 200.0], np.float32), np.array([0.3, 0.6], np.float32)
    logits = np.log(np.array([[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]], np.float32))

    def draws(seed):
        return (pt.random.stateless_gamma([4, 2], seed, alpha), pt.random.stateless_poisson([4, 2], seed, [2.0, 40.0]),
                pt.random.stateless_binomial([4, 2], seed, counts, probs),
                pt.random.stateless_categorical(logits, 6, seed),
                pt.random.stateless_parameterized_truncated_normal([4, 2], seed, [0.0, 1.0], 1.0, -1.0, [2.0, 1.5]))

    traced = pt.function(draws)
    for seed in ([1, 2], [-3, 2 ** 40]):
        seed = pt.constant(np.array(seed, np.int64))
        for got, want in zip(traced(seed), draws(seed)):  # the second seed runs the traced graph on a new value
            np.testing.assert_array_equal(got.numpy(), want.numpy())
    graph = str(traced.get_concrete_function(pt.constant(np.array([1, 2], np.int64))).graph)
    assert "Callback" not in graph, "a stateless draw became a host callback"


@pytest.mark.parametrize("draw", ["gamma", "poisson", "binomial", "categorical"])
def test_samplers_do_not_depend_on_the_thread_count(draw):
    state = pt.constant(np.array([5, 7, 11], np.int64))
    run = {"gamma": lambda: pt._core.philox_gamma(state, np.array([0.3, 1.0, 4.0], np.float32), (20001, 3)),
           "poisson": lambda: pt._core.philox_poisson(state, np.array([3.0, 30.0]), (30001, 2), "int32"),
           "binomial": lambda: pt._core.philox_binomial(state, np.array([9.0, 500.0]), np.array([0.5, 0.3]),
                                                        (30001, 2), "int64"),
           "categorical": lambda: pt._core.philox_categorical(state, np.zeros((2001, 5), np.float32), 31,
                                                              "int64")}[draw]
    old = pt._core.get_num_threads()
    try:
        outs = []
        for n in (1, 2, 3):
            pt._core.set_num_threads(n)
            outs.append(run().numpy())
    finally:
        pt._core.set_num_threads(old)
    for out in outs[1:]:
        np.testing.assert_array_equal(out, outs[0])


def test_sampler_bad_parameters_raise_naming_the_op():
    state = pt.constant(np.zeros(3, np.int64))
    with pytest.raises(InvalidArgumentError, match=r"philox_gamma: shape \(3,\) must end with the shape of alpha "
                                                   r"\(2,\)"):
        pt._core.philox_gamma(state, np.ones(2, np.float32), (3,))
    with pytest.raises(TypeError, match="philox_gamma: got dtype float64, expected alpha of the output's dtype"):
        pt._core.philox_gamma(state, np.ones(2), (3, 2), "float32")
    with pytest.raises(InvalidArgumentError, match="philox_poisson: shape .* must end with the shape of rate"):
        pt._core.philox_poisson(state, np.ones(2), (2, 3), "int32")
    with pytest.raises(TypeError, match="philox_binomial: got dtype float64, expected probs of the counts' dtype"):
        pt._core.philox_binomial(state, np.ones(2, np.float32), np.ones(2), (2,), "int32")
    with pytest.raises(InvalidArgumentError, match="philox_binomial: .*broadcast shape of counts and probs"):
        pt._core.philox_binomial(state, np.ones((2, 1)), np.ones(3), (3, 2), "int32")
    with pytest.raises(InvalidArgumentError, match="philox_categorical: logits must be 2-D"):
        pt._core.philox_categorical(state, np.zeros(3, np.float32), 2)
    with pytest.raises(InvalidArgumentError, match="philox_categorical: num_samples must be >= 0"):
        pt._core.philox_categorical(state, np.zeros((1, 3), np.float32), -1)
    with pytest.raises(TypeError, match="philox_categorical: got dtype int32, expected float32 or float64 logits"):
        pt._core.philox_categorical(state, np.zeros((1, 3), np.int32), 2)
    with pytest.raises(InvalidArgumentError, match="stateless_gamma: seed must be a shape"):
        pt.random.stateless_gamma([2], [1, 2, 3], 1.0)
    with pytest.raises(InvalidArgumentError, match="stateless_binomial: seed must be a shape"):
        pt.random.stateless_binomial([2], [1.0, 2.0], 5.0, 0.5)


def test_nan_parameters_give_nan_where_tensorflow_never_returns():
    """TF's Poisson kernel loops forever on a NaN rate, its binomial inversion on a NaN count: here they give NaN
    (an integer output: the dtype's lowest value, what x86 converts NaN to)."""
    nan = float("nan")
    state = pt.constant(np.zeros(3, np.int64))
    assert np.isnan(pt._core.philox_poisson(state, np.array([nan]), (2, 1), "float64").numpy()).all()
    assert (pt._core.philox_poisson(state, np.array([nan]), (2, 1), "int32").numpy() == -2 ** 31).all()
    assert np.isnan(pt._core.philox_binomial(state, np.array([nan]), np.array([0.3]), (2, 1), "float32").numpy()).all()
    assert np.isnan(pt.random.stateless_gamma([3], [1, 2], nan).numpy()).all()


def test_traced_generator_binomial_advances_by_tfs_reservation_without_a_callback():
    g = pt.random.Generator.from_seed(3)
    eager = [g.binomial([7], 30.0, 0.6).numpy() for _ in range(2)]
    g.reset_from_seed(3)
    traced = pt.function(lambda: g.binomial([7], 30.0, 0.6))
    for want in eager:
        np.testing.assert_array_equal(traced().numpy(), want)
    assert np.asarray(g.state).tolist() == [3 + 2 * (2 * 100 * (7 + 3) // 4) * 256, 0, 0]  # TF's reservation, twice
    assert "Callback" not in str(traced.get_concrete_function().graph)
