"""TF's core functions and objects (issue 18, item 4) against TF's recorded results, numpy and finite differences.

Fixture: tests/fixtures/tf_core.json, written by tests/fixtures/make_tf_core.py with real TensorFlow 2.21.
"""

import io
import json
import logging
import os

import numpy as np
import pytest

import pytensor as tf
from pytensor.errors import InvalidArgumentError

FIXTURE = json.load(open(os.path.join(os.path.dirname(__file__), "fixtures", "tf_core.json")))


def _case_id(case):
    return case.get("equation") or json.dumps(case.get("kwargs"))


def _fd_gradient(fn, arrays, index, eps=1e-6):
    """Central differences of sum(fn(*arrays) * weights) w.r.t. arrays[index] (float64)."""
    base = np.asarray(fn(*arrays))
    weights = np.random.default_rng(0).standard_normal(base.shape)
    grad = np.zeros_like(arrays[index])
    for pos in np.ndindex(arrays[index].shape):
        plus = [a.copy() for a in arrays]
        minus = [a.copy() for a in arrays]
        plus[index][pos] += eps
        minus[index][pos] -= eps
        grad[pos] = ((np.asarray(fn(*plus)) - np.asarray(fn(*minus))) * weights).sum() / (2 * eps)
    return grad, weights


# ------------------------------------------------------------------------------------------------- einsum

@pytest.mark.parametrize("case", FIXTURE["einsum"], ids=_case_id)
def test_einsum_matches_tensorflow_and_numpy(case):
    inputs = [np.array(x) for x in case["inputs"]]
    got = tf.einsum(case["equation"], *[tf.constant(x) for x in inputs]).numpy()
    np.testing.assert_allclose(got, np.array(case["result"]), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(got, np.einsum(case["equation"], *inputs), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case", [c for c in FIXTURE["einsum"] if c["equation"] in
                                  ("bij,bjk->bik", "ii->i", "...ij,...jk->...ik", "abc,cd,de->abe", "ij->")],
                         ids=_case_id)
def test_einsum_gradient_matches_finite_differences(case):
    inputs = [np.array(x) for x in case["inputs"]]
    for index in range(len(inputs)):
        expected, weights = _fd_gradient(lambda *xs: np.einsum(case["equation"], *xs), inputs, index)
        sources = [tf.constant(x) for x in inputs]
        with tf.GradientTape() as tape:
            tape.watch(sources[index])
            out = tf.einsum(case["equation"], *sources)
            loss = tf.reduce_sum(out * tf.constant(weights))
        np.testing.assert_allclose(tape.gradient(loss, sources[index]).numpy(), expected, rtol=1e-6, atol=1e-8)


def test_einsum_bad_input():
    a, b = tf.ones([2, 3]), tf.ones([4, 2])
    with pytest.raises(InvalidArgumentError, match="label 'j' has size 3 in one operand and 4"):
        tf.einsum("ij,jk->ik", a, b)
    with pytest.raises(ValueError, match='Got 1 inputs for equation "ij,jk->ik", expecting 2'):
        tf.einsum("ij,jk->ik", a)
    with pytest.raises(ValueError, match="has 3 labels but its operand has rank 2"):
        tf.einsum("ijk->i", a)
    with pytest.raises(ValueError, match=r"output labels \['z'\]"):
        tf.einsum("ij->z", a)
    with pytest.raises(TypeError, match="one dtype"):
        tf.einsum("ij,jk->ik", a, tf.ones([3, 2], dtype=tf.float64))


# --------------------------------------------------------------------------------------------------- norm

def _norm_kwargs(case):
    return {k: (np.inf if v == "inf" else v) for k, v in case["kwargs"].items()}


@pytest.mark.parametrize("case", FIXTURE["norm"], ids=_case_id)
def test_norm_matches_tensorflow(case):
    x = np.array(case["input"])
    got = tf.norm(tf.constant(x), **_norm_kwargs(case)).numpy()
    np.testing.assert_allclose(got, np.array(case["result"]), rtol=1e-12)
    assert got.shape == np.array(case["result"]).shape


@pytest.mark.parametrize("kwargs", [{}, {"ord": 3.5, "axis": 1}, {"ord": 1, "axis": [0, 1]}, {"ord": "fro",
                                                                                                "axis": [0, 1]}],
                         ids=json.dumps)
def test_norm_gradient_matches_finite_differences(kwargs):
    x = np.random.default_rng(1).standard_normal((3, 4))
    expected, weights = _fd_gradient(lambda a: np.asarray(tf.norm(tf.constant(a), **kwargs)), [x], 0)
    source = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(source)
        loss = tf.reduce_sum(tf.norm(source, **kwargs) * tf.constant(weights))
    np.testing.assert_allclose(tape.gradient(loss, source).numpy(), expected, rtol=1e-6, atol=1e-8)


def test_norm_bad_ord_and_axis():
    x = tf.ones([2, 2])
    with pytest.raises(ValueError, match="'ord' must be a supported vector norm, got fro"):
        tf.norm(x, ord="fro")
    with pytest.raises(ValueError, match="'ord' must be a supported vector norm, got 0"):
        tf.norm(x, ord=0)
    with pytest.raises(ValueError, match="supported matrix norm"):
        tf.norm(x, ord=3, axis=[0, 1])
    with pytest.raises(ValueError, match="2 unique integers"):
        tf.norm(x, axis=[1, 1])
    with pytest.raises(NotImplementedError, match="svd"):
        tf.norm(x, ord=2, axis=[0, 1])
    assert tf.linalg.norm is tf.norm


# ------------------------------------------------------------------------------------------------ clipping

@pytest.mark.parametrize("case", FIXTURE["clip_by_norm"], ids=lambda c: f"{c['clip_norm']}-{c['axes']}")
def test_clip_by_norm_matches_tensorflow(case):
    x = np.array(case["input"])
    got = tf.clip_by_norm(tf.constant(x), case["clip_norm"], axes=case["axes"]).numpy()
    np.testing.assert_allclose(got, np.array(case["result"]), rtol=1e-12)


def test_clip_by_norm_of_zeros_has_finite_gradient():
    x = tf.zeros([3])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.clip_by_norm(x, 1.0))
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), np.ones(3))  # below the clip: d(x)/dx = 1


@pytest.mark.parametrize("case", FIXTURE["clip_by_global_norm"], ids=lambda c: str(c["clip_norm"]))
def test_clip_by_global_norm_matches_tensorflow(case):
    inputs = [tf.constant(np.array(t)) for t in case["inputs"]]
    clipped, norm = tf.clip_by_global_norm(inputs + [None], case["clip_norm"])
    assert clipped[-1] is None
    np.testing.assert_allclose(norm.numpy(), case["global_norm"], rtol=1e-12)
    for got, want in zip(clipped, case["result"]):
        np.testing.assert_allclose(got.numpy(), np.array(want), rtol=1e-12)
    np.testing.assert_allclose(tf.linalg.global_norm(inputs).numpy(), case["global_norm"], rtol=1e-12)


def test_clip_by_global_norm_infinite_norm_gives_nan_and_bad_input():
    clipped, norm = tf.clip_by_global_norm([tf.constant([np.inf, 1.0])], 1.0)
    assert np.isinf(norm.numpy()) and np.isnan(clipped[0].numpy()).all()
    with pytest.raises(TypeError, match="sequence of tensors"):
        tf.clip_by_global_norm(tf.ones([2]), 1.0)


# --------------------------------------------------------------------------------------------------- print

@pytest.mark.parametrize("case", FIXTURE["print"], ids=lambda c: c["source"][:40] + json.dumps(c["kwargs"]))
def test_print_matches_tensorflow(case):
    args = eval(f"({case['source']},)" if case["source"] else "()", {"tf": tf, "np": np})
    stream = io.StringIO()
    tf.print(*args, output_stream=stream, **case["kwargs"])
    assert stream.getvalue() == case["output"]


def test_print_streams(tmp_path, capsys, caplog):
    tf.print("to stderr", tf.constant([1, 2]))
    assert capsys.readouterr().err == "to stderr [1 2]\n"
    target = tmp_path / "log.txt"
    tf.print("a", output_stream=f"file://{target}")
    tf.print("b", output_stream=f"file://{target}")
    assert target.read_text() == "a\nb\n"
    with caplog.at_level(logging.INFO):
        tf.print("logged", tf.constant(1.5), output_stream=logging.info)
    assert caplog.records[-1].getMessage() == "logged 1.5"
    with pytest.raises(ValueError, match="output_stream"):
        tf.print("x", output_stream="stdout")


# ------------------------------------------------------------------------------------- scopes and devices

def test_name_scope_nesting_and_variable_names():
    with tf.name_scope("a") as outer:
        assert outer == "a/"
        assert tf.Variable(1.0, name="x").name == "a/x:0"
        with tf.name_scope("b") as inner:
            assert inner == "a/b/"
        with tf.name_scope("top/") as absolute:
            assert absolute == "top/"
            assert tf.Variable(1.0).name == "top/Variable:0"
        with tf.name_scope("") as reset:
            assert reset == ""
            assert tf.Variable(1.0, name="y").name == "y:0"
    assert tf.Variable(1.0, name="z").name == "z:0"
    with pytest.raises(ValueError, match="must be a string"):
        tf.name_scope(None)


def test_device_scopes_accept_tf_device_strings_and_place_on_cpu():
    cpu = "/job:localhost/replica:0/task:0/device:CPU:0"
    for name in ["/CPU:0", "/cpu:0", "CPU", "/GPU:0", "gpu:1", "/device:GPU:0", "/job:localhost/device:CPU:0",
                 cpu, "", None]:
        with tf.device(name):
            assert (tf.constant(1.0) + 1.0).device == cpu
            assert tf.Variable(1.0).device == cpu
    for bad in ["foo", "/CPU:0/x", "/GPU:x"]:
        with pytest.raises(ValueError, match="while parsing the device spec"):
            with tf.device(bad):
                pass
    with pytest.raises(RuntimeError, match="does not support functions"):
        with tf.device(lambda op: "/cpu:0"):
            pass


def test_init_scope_pauses_the_tapes_and_keeps_the_name_scope():
    x = tf.constant(2.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        with tf.name_scope("s"):
            with tf.init_scope():
                lifted = x * x
                assert tf.Variable(1.0, name="v").name == "s/v:0"
        recorded = x * x
    assert tape.gradient(lifted, x) is None
    assert float(tape.gradient(recorded, x)) == 4.0
    assert tf.executing_eagerly() is True


# ------------------------------------------------------------------------------------ small functions

def test_signatures_take_tf_arguments():
    assert tf.constant([1, 2], name="c").numpy().tolist() == [1, 2]
    assert tf.constant(0.5, shape=[2], name="c").numpy().tolist() == [0.5, 0.5]
    assert tf.convert_to_tensor(3, dtype_hint=tf.float32, name="t").dtype == tf.float32
    v = tf.Variable([1.0, 2.0])
    copied = tf.identity(input=v, name="i")
    v.assign([5.0, 6.0])
    assert copied.numpy().tolist() == [1.0, 2.0]  # a copy of the value at that time, as TF


def test_variable_tf_signature():
    assert tf.Variable(lambda: tf.ones([2]), name="c").numpy().tolist() == [1.0, 1.0]
    constrained = tf.Variable(1.0, constraint=tf.math.abs)
    assert constrained.constraint is tf.math.abs and tf.Variable(1.0).constraint is None
    assert tf.Variable(tf.ones([2]), shape=tf.TensorShape(None)).shape == (2,)
    with pytest.raises(ValueError, match=r"initial value's shape \(\(2,\)\) is not compatible"):
        tf.Variable(tf.ones([2]), shape=[3])
    assert tf.Variable(1.0, trainable=False).trainable is False
    v = tf.Variable(tf.ones([2, 3]))
    assert v.get_shape() == (2, 3) and v.get_shape().as_list() == [2, 3]


def test_tensor_format_as_tf():
    loss = tf.constant(2.34567)
    assert f"{loss:0.2f}" == "2.35" and f"{loss:>8.3f}" == "   2.346"
    assert f"{loss}" == "2.345669984817505"  # numpy's 0-d array format, as TF's EagerTensor.__format__
    assert f"{tf.constant(3):d}" == "3"
    assert f"{tf.constant([1.5, 2.0])}" == "[1.5 2. ]"
    with pytest.raises(TypeError):
        f"{tf.constant([1.5, 2.0]):0.2f}"


def test_refs_are_hashable_by_identity():
    a, b = tf.constant(1.0), tf.Variable(1.0)
    table = {a.ref(): "a", b.ref(): "b", b.experimental_ref(): "b2"}
    assert len(table) == 2 and table[a.ref()] == "a" and table[b.ref()] == "b2"
    assert a.ref().deref() is a and a.ref() != tf.constant(1.0).ref()


def test_get_static_value():
    np.testing.assert_array_equal(tf.get_static_value(tf.constant([1, 2])), [1, 2])
    assert tf.get_static_value(tf.Variable(2.0)) is None
    assert tf.get_static_value(3) == 3 and tf.get_static_value([1, 2]) == [1, 2]


def test_unconnected_gradients_enum_is_accepted_by_the_tape():
    x, y = tf.Variable(1.0), tf.Variable(2.0)
    with tf.GradientTape() as tape:
        z = x * 3.0
    gx, gy = tape.gradient(z, [x, y], unconnected_gradients=tf.UnconnectedGradients.ZERO)
    assert float(gx) == 3.0 and float(gy) == 0.0
    assert [u.value for u in tf.UnconnectedGradients] == ["none", "zero"]


def test_nest_has_tf_names():
    for name in ["assert_same_structure", "flatten", "is_nested", "map_structure", "pack_sequence_as"]:
        assert callable(getattr(tf.nest, name)), name
    assert tf.nest.flatten({"b": 1, "a": [2, 3]}) == [2, 3, 1]


def test_top_level_aliases():
    assert tf.optimizers is tf.keras.optimizers and tf.losses is tf.keras.losses
    assert tf.metrics is tf.keras.metrics and tf.initializers is tf.keras.initializers
    np.testing.assert_array_equal(tf.zeros_initializer()([2]).numpy(), [0.0, 0.0])
    np.testing.assert_array_equal(tf.ones_initializer()([2]).numpy(), [1.0, 1.0])
    np.testing.assert_array_equal(tf.constant_initializer(3.0)([2]).numpy(), [3.0, 3.0])
    # TF's own initializer is tf.constant(value, dtype, shape) (TF 2.21's results): an array keeps its dtype
    # without one and fills a shape of its element count; Keras's Constant broadcasts an array instead
    filled = tf.constant_initializer(np.array([1.0, 2.0]))((2,))
    assert filled.dtype == tf.float64 and filled.numpy().tolist() == [1.0, 2.0]
    assert tf.constant_initializer([1.0, 2.0, 3.0, 4.0])((2, 2)).numpy().tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert tf.constant_initializer(3)((2,)).dtype == tf.int32
    with pytest.raises(ValueError, match="3 elements"):
        tf.constant_initializer([1.0, 2.0, 3.0])((2, 2))
    broadcast = tf.keras.initializers.Constant(np.array([1.0, 2.0]))((2, 2))
    assert broadcast.dtype == tf.float32 and broadcast.numpy().tolist() == [[1.0, 2.0], [1.0, 2.0]]
    normal = tf.random_normal_initializer(stddev=2.0, seed=1)([20000]).numpy()
    assert abs(normal.std() - 2.0) < 0.05 and abs(normal.mean()) < 0.05
    uniform = tf.random_uniform_initializer(-1.0, 3.0, seed=1)([20000]).numpy()
    assert uniform.min() >= -1.0 and uniform.max() < 3.0 and abs(uniform.mean() - 1.0) < 0.05
    with pytest.raises(AttributeError, match="no attribute 'not_a_tf_name'"):
        tf.not_a_tf_name  # noqa: B018


# ------------------------------------------------------------------------------------------- debugging

def test_value_asserts_pass_and_fail_as_tf():
    t = tf.constant([1, 2, 3])
    assert tf.debugging.assert_equal(t, tf.constant([1, 2, 3])) is None
    with pytest.raises(InvalidArgumentError) as err:
        tf.debugging.assert_equal(t, tf.constant([1, 5, 3]), message="msg")
    assert str(err.value) == ("msg\nCondition x == y did not hold.\nIndices of first 1 different values:\n[[1]]\n"
                              "Corresponding x values:\n[2]\nCorresponding y values:\n[5]\n"
                              "First 3 elements of x:\n[1 2 3]\nFirst 3 elements of y:\n[1 5 3]")
    with pytest.raises(InvalidArgumentError, match=r"Condition x < y did not hold.\nFirst 2 elements of x:\n"
                                                   r"\[1. 2.\]\nFirst 1 elements of y:\n\[1.5\]"):
        tf.debugging.assert_less(tf.constant([1.0, 2.0]), 1.5)
    assert tf.debugging.assert_greater(tf.constant([1.0, 2.0]), 0.0) is None
    assert tf.debugging.assert_less_equal(tf.constant([1.0, 2.0]), 2.0) is None
    for fn in (tf.debugging.assert_greater_equal, tf.debugging.assert_none_equal):
        with pytest.raises(InvalidArgumentError):
            fn(tf.constant([0.0, 2.0]), 2.0 if fn is tf.debugging.assert_none_equal else 1.0)
    with pytest.raises(InvalidArgumentError):
        tf.assert_equal(tf.constant([1, 2, 3]), tf.constant([1, 2]))  # shapes that do not broadcast
    with pytest.raises(InvalidArgumentError, match="Condition x >= 0 did not hold element-wise"):
        tf.debugging.assert_non_negative(tf.constant([-1.0, 2.0]))
    with pytest.raises(InvalidArgumentError, match="Condition x > 0"):
        tf.debugging.assert_positive(tf.constant([0.0, 2.0]))
    assert tf.debugging.assert_negative(tf.constant([-1.0])) is None
    assert tf.debugging.assert_non_positive(tf.constant([0.0])) is None


def test_assert_near_uses_tf_default_tolerance():
    x = tf.constant([1.0, 2.0])
    assert tf.debugging.assert_near(x, tf.constant([1.0, 2.0 + 1e-6])) is None
    with pytest.raises(InvalidArgumentError, match="not equal to tolerance"):
        tf.debugging.assert_near(x, tf.constant([1.0, 2.1]))
    assert tf.debugging.assert_near(x, tf.constant([1.0, 2.1]), atol=0.2) is None


def test_shape_and_type_asserts():
    x = tf.constant([1.0, 2.0])
    with pytest.raises(ValueError, match=r"must have rank 2. Received rank 1, shape \(2,\)"):
        tf.debugging.assert_rank(x, 2)
    assert tf.assert_rank(x, 1) is None
    with pytest.raises(ValueError, match="rank at least 2"):
        tf.debugging.assert_rank_at_least(x, 2)
    with pytest.raises(ValueError, match=r"rank in \(0, 2\)"):
        tf.debugging.assert_rank_in(x, [0, 2])
    with pytest.raises(ValueError, match="Expected scalar shape"):
        tf.debugging.assert_scalar(x)
    with pytest.raises(TypeError, match="tensor must be of type tf.int32; got tf.float32"):
        tf.debugging.assert_type(x, tf.int32)
    with pytest.raises(TypeError, match="integer type"):
        tf.debugging.assert_integer(x)
    assert tf.debugging.assert_type(x, tf.float32) is None


def test_assert_shapes():
    a, b = tf.ones([2, 3]), tf.ones([3])
    assert tf.debugging.assert_shapes([(a, ("N", "D")), (b, ("D",))]) is None
    assert tf.debugging.assert_shapes([(tf.ones([5, 2, 3]), ("*", "N", 3)), (tf.ones([]), ())]) is None
    with pytest.raises(ValueError, match=r"dimension 0 must have size 3.  Received size 2"):
        tf.debugging.assert_shapes([(a, ("N", "D")), (tf.ones([2]), ("D",))])
    with pytest.raises(ValueError, match="must have rank 1"):
        tf.debugging.assert_shapes([(a, ("N",))])
    with pytest.raises(ValueError, match="dimension 1 must have size 4"):
        tf.debugging.assert_shapes([(a, (2, 4))])


def test_check_numerics():
    good = tf.constant([1.0, 2.0])
    assert tf.debugging.check_numerics(good, "bad").numpy().tolist() == [1.0, 2.0]
    with pytest.raises(InvalidArgumentError, match="bad : Tensor had NaN values"):
        tf.debugging.check_numerics(tf.constant([1.0, np.nan]), "bad")
    with pytest.raises(InvalidArgumentError, match="bad : Tensor had Inf values"):
        tf.debugging.assert_all_finite(tf.constant([1.0, np.inf]), "bad")
    with pytest.raises(InvalidArgumentError, match="Expected"):
        tf.debugging.Assert(tf.constant(False), [tf.constant(1.0)])


def test_nest_assert_same_structure():
    tf.nest.assert_same_structure([1, (2, {"a": 3})], ["x", ("y", {"a": "z"})])
    with pytest.raises(ValueError, match="same nested structure"):
        tf.nest.assert_same_structure([1, 2], [1, [2]])
    with pytest.raises(ValueError, match="same number of elements"):
        tf.nest.assert_same_structure([1, 2], [1, 2, 3])
    with pytest.raises(TypeError, match="same sequence type"):
        tf.nest.assert_same_structure([1, 2], (1, 2))
    tf.nest.assert_same_structure([1, 2], (1, 2), check_types=False)
    with pytest.raises(ValueError, match="same set of keys"):
        tf.nest.assert_same_structure({"a": 1}, {"b": 1})


@pytest.mark.parametrize("indexing", ["xy", "ij"])
def test_meshgrid_matches_numpy(indexing):
    x, y, z = np.arange(3.0), np.arange(4.0) * 10, np.arange(2.0) * 100
    for args in [(x, y), (x, y, z)]:
        got = tf.meshgrid(*[tf.constant(a) for a in args], indexing=indexing)
        want = np.meshgrid(*args, indexing=indexing)
        assert len(got) == len(want)
        for g, w in zip(got, want):
            np.testing.assert_array_equal(g.numpy(), w)
    with pytest.raises(ValueError, match="indexing"):
        tf.meshgrid(tf.constant(x), indexing="yx")


def test_slice_matches_numpy_and_checks_bounds():
    t = np.arange(24).reshape(2, 3, 4)
    np.testing.assert_array_equal(tf.slice(tf.constant(t), [1, 0, 1], [1, 2, -1]).numpy(), t[1:2, 0:2, 1:])
    with pytest.raises(InvalidArgumentError, match="out of bounds for dimension 2"):
        tf.slice(tf.constant(t), [0, 0, 3], [1, 1, 2])
    with pytest.raises(InvalidArgumentError, match="one entry per dimension"):
        tf.slice(tf.constant(t), [0, 0], [1, 1])
    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.slice(x, [1], [2]))
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [0.0, 1.0, 1.0])


def test_get_logger_is_the_tensorflow_logger():
    assert tf.get_logger() is logging.getLogger("tensorflow")


def test_add_n():
    a, b = np.array([[1.0, 2.0]]), np.array([[10.0, 20.0]])
    x = tf.constant(a)
    with tf.GradientTape() as tape:
        tape.watch(x)
        total = tf.add_n([x, tf.constant(b), x])
    np.testing.assert_array_equal(total.numpy(), a + b + a)
    np.testing.assert_array_equal(tape.gradient(total, x).numpy(), [[2.0, 2.0]])
    with pytest.raises(ValueError, match="one shape"):
        tf.add_n([tf.ones([2]), tf.ones([3])])
    with pytest.raises(ValueError, match="non-empty list"):
        tf.add_n([])


def test_string_tensors_concatenate_with_plus():
    """TF's ``+`` on tf.string tensors (the tf.function guide doubles a string): element-wise, broadcasting."""
    a = tf.constant("a")
    assert (a + a).numpy() == b"aa"
    np.testing.assert_array_equal((tf.constant(["x", "y"]) + b"!").numpy(), np.array([b"x!", b"y!"], object))
    np.testing.assert_array_equal(("p" + tf.constant(["x", "y"])).numpy(), np.array([b"px", b"py"], object))
    np.testing.assert_array_equal((tf.constant([["a"], ["b"]]) + tf.constant(["1", "2"])).numpy(),
                                  np.array([[b"a1", b"a2"], [b"b1", b"b2"]], object))


def test_device_configuration_answers_as_tf_on_a_machine_without_gpus():
    """TF's GPU guide, run on a CPU-only machine: no GPUs, one logical CPU, GPU settings refused as TF refuses them."""
    assert tf.config.list_physical_devices("GPU") == [] and tf.config.list_logical_devices("GPU") == []
    (cpu,) = tf.config.list_logical_devices()
    assert (cpu.name, cpu.device_type) == ("/device:CPU:0", "CPU")
    assert tf.config.list_logical_devices("CPU") == [cpu] and tf.config.experimental.list_logical_devices() == [cpu]
    tf.config.set_visible_devices([], "GPU")
    with pytest.raises(ValueError, match="CPU cannot be hidden"):
        tf.config.set_visible_devices([])
    with pytest.raises(ValueError, match="only the CPU"):
        tf.config.set_visible_devices(["/physical_device:GPU:0"], "GPU")
    with pytest.raises(ValueError, match="non-GPU"):
        tf.config.experimental.set_memory_growth(tf.config.list_physical_devices("CPU")[0], True)
    config = tf.config.LogicalDeviceConfiguration(memory_limit=1024)
    assert config.memory_limit == 1024
    with pytest.raises(ValueError, match="memory limit on CPU"):  # as TF; splits without one: test_distribute_local
        tf.config.set_logical_device_configuration(tf.config.list_physical_devices("CPU")[0], [config, config])
    tf.config.set_soft_device_placement(False)
    assert not tf.config.get_soft_device_placement()
    tf.config.set_soft_device_placement(True)
    tf.debugging.set_log_device_placement(True)
    tf.debugging.set_log_device_placement(False)


def test_device_spec_parses_and_prints_as_tf():
    """Strings and values recorded from TF 2.21 (tf.DeviceSpec)."""
    d = tf.DeviceSpec(job="worker", replica=0, task=1, device_type="gpu", device_index=2)
    assert d.to_string() == "/job:worker/replica:0/task:1/device:GPU:2" and d.device_type == "GPU"
    assert tf.DeviceSpec.from_string("/job:ps/task:3/device:CPU:0").to_string() == "/job:ps/task:3/device:CPU:0"
    assert [tf.DeviceSpec.from_string(s).to_string() for s in ("/cpu:1", "GPU:0", "/device:gpu:*")] == [
        "/device:CPU:1", "/device:GPU:0", "/device:GPU:*"]
    assert d.replace(task=5, device_type="CPU").to_string() == "/job:worker/replica:0/task:5/device:CPU:2"
    assert d.make_merged_spec(tf.DeviceSpec(job="chief", device_index=4)).to_string() == \
        "/job:chief/replica:0/task:1/device:GPU:4"
    assert tf.DeviceSpec().to_string() == "" and d == tf.DeviceSpec.from_string(d.to_string())
    with pytest.raises(ValueError, match="Unknown attribute 'bogus'"):
        tf.DeviceSpec.from_string("/bogus:1")


def test_variable_enums_and_aggregation_method_have_tfs_values():
    assert [(m.name, m.value) for m in tf.VariableAggregation] == [
        ("NONE", 0), ("SUM", 1), ("MEAN", 2), ("ONLY_FIRST_REPLICA", 3)]
    assert [(m.name, m.value) for m in tf.VariableSynchronization] == [
        ("AUTO", 0), ("NONE", 1), ("ON_WRITE", 2), ("ON_READ", 3)]
    assert (tf.AggregationMethod.ADD_N, tf.AggregationMethod.DEFAULT, tf.AggregationMethod.EXPERIMENTAL_TREE,
            tf.AggregationMethod.EXPERIMENTAL_ACCUMULATE_N) == (0, 0, 1, 2)
    v = tf.Variable(1.0, aggregation=tf.VariableAggregation.MEAN, synchronization=tf.VariableSynchronization.AUTO)
    assert float(v) == 1.0
    assert tf.Assert is tf.debugging.Assert


def test_nextafter_steps_one_ulp_towards_the_target():
    """Hand-derived: float32's spacing at 1 is 2**-23 upward and 2**-24 downward."""
    got = tf.math.nextafter(tf.constant([1.0, 1.0, 0.0]), tf.constant([2.0, 0.0, 1.0])).numpy()
    np.testing.assert_array_equal(got, np.array([1 + 2.0 ** -23, 1 - 2.0 ** -24, np.float32(1.4e-45)], np.float32))
    with pytest.raises(TypeError, match="nextafter: x1 must be float32 or float64"):
        tf.math.nextafter(tf.constant([1]), tf.constant([2]))
