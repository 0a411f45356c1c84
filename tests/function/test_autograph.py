"""AutoGraph: Python `if` / `while` / `for` / `break` / `continue` / `return` on tensors inside tf.function, converted
by source transformation. Programs after the TF guides (fixtures/autograph_programs.py), compared with the numbers
real TensorFlow gives for them (fixtures/autograph.npz, made by fixtures/make_autograph.py)."""
import importlib.util
import os

import numpy as np
import pytest

import pytensor as tf
from pytensor import errors

_HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("autograph_programs",
                                               os.path.join(_HERE, "fixtures", "autograph_programs.py"))
programs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(programs)
FIXTURE = np.load(os.path.join(_HERE, "fixtures", "autograph.npz"))


@pytest.mark.parametrize("program", programs.PROGRAMS, ids=[p.__name__ for p in programs.PROGRAMS])
def test_program_gives_tensorflows_numbers(program):
    values = program(tf)
    keys = sorted((k for k in FIXTURE.files if k.startswith(program.__name__ + "/")), key=lambda k: int(k[-1]))
    assert len(values) == len(keys)
    for key, value in zip(keys, values):
        want = FIXTURE[key]
        np.testing.assert_allclose(np.asarray(value, dtype=want.dtype), want, rtol=2e-6, atol=1e-6, err_msg=key)


def test_tensor_loops_are_graph_loops_and_python_loops_unroll():
    @tf.function
    def f(n):
        total = tf.constant(0)
        for i in tf.range(n):
            total += i
        for k in range(3):
            total += k
        return total

    assert int(f(tf.constant(5))) == 10 + 3
    assert int(f(tf.constant(7))) == 21 + 3
    types = [op.type for op in f.get_concrete_function(tf.constant(5)).graph.get_operations()]
    assert types.count("While") == 1  # the tf.range loop; the Python range(3) unrolled
    assert f.experimental_get_tracing_count() == 1


def test_to_code_shows_the_conversion_and_to_graph_runs_it():
    def f(x):
        if x > 0:
            x = x * 2
        return x

    code = tf.autograph.to_code(f)
    assert "ag__.if_stmt" in code and "def f(x)" in code
    converted = tf.autograph.to_graph(f)
    assert float(converted(tf.constant(3.0))) == 6.0
    assert float(converted(tf.constant(-3.0))) == -3.0


def test_autograph_false_runs_the_function_as_written():
    def f(x):
        if x > 0:
            return x
        return -x

    with pytest.raises(errors.OperatorNotAllowedInGraphError):
        tf.function(f, autograph=False)(tf.constant(1.0))
    assert float(tf.function(f, experimental_autograph_options=tf.autograph.experimental.Feature.ALL)(
        tf.constant(-2.0))) == 2.0


def test_do_not_convert_keeps_python_semantics():
    @tf.autograph.experimental.do_not_convert
    def g(x):
        if x > 0:
            return x
        return -x

    with pytest.raises(errors.OperatorNotAllowedInGraphError):
        tf.function(g)(tf.constant(1.0))


def test_variable_assigned_in_one_branch_and_used_after_names_the_line():
    @tf.function
    def f(x):
        if x > 0:
            y = x * 2
        return y  # noqa: F821 - the error under test

    with pytest.raises(ValueError, match=r"test_autograph\.py:\d+: 'y' must also be initialized in the else "
                                         r"branch"):
        f(tf.constant(1.0))


def test_return_inside_a_tensor_loop_is_refused_with_the_line():
    @tf.function
    def f(n):
        i = tf.constant(0)
        while i < n:
            if i > 3:
                return i
            i += 1
        return i

    with pytest.raises(NotImplementedError, match=r"test_autograph\.py:\d+: a return statement cannot be placed"):
        f(tf.constant(10))


def test_loop_with_else_is_refused_with_what_to_write():
    def f(n):
        for i in tf.range(n):
            pass
        else:
            n = n + 1
        return n

    with pytest.raises(tf.autograph.ConversionError, match=r"test_autograph\.py:\d+: .*else clause; set a flag"):
        tf.function(f)(tf.constant(3))


def test_loop_variable_that_changes_dtype_names_the_variable():
    @tf.function
    def f(n):
        x = tf.constant(0)
        i = tf.constant(0)
        while i < n:
            x = tf.cast(x, tf.float32) + 0.5
            i += 1
        return x

    with pytest.raises(TypeError, match=r"test_autograph\.py:\d+: 'x' has dtype int32 before the loop, but "
                                        r"dtype float32 after one iteration"):
        f(tf.constant(3))


def test_boolean_operators_on_tensors_and_python_values():
    @tf.function
    def f(x, flag):
        if x > 0 and not x > 10 or flag:
            return x + 1.0
        return x - 1.0

    assert [float(f(tf.constant(v), flag)) for v, flag in ((5.0, False), (20.0, False), (20.0, True),
                                                           (-1.0, False))] == [6.0, 19.0, 21.0, -2.0]


def test_methods_and_closures_are_converted_with_their_state():
    scale = [2.0]

    class Model(tf.Module):
        def __init__(self):
            super().__init__()
            self.v = tf.Variable(1.0)

        @tf.function
        def __call__(self, x):
            while x < 100.0:
                x = x * scale[0] + self.v
            return x

    m = Model()
    assert float(m(tf.constant(1.0))) == 127.0  # 1 -> 3 -> 7 -> 15 -> 31 -> 63 -> 127
    m.v.assign(0.0)
    assert float(m(tf.constant(1.0))) == 128.0


def test_lambdas_and_functions_without_source_run_unconverted():
    square = tf.function(lambda x: x * x)
    assert float(square(tf.constant(3.0))) == 9.0
    namespace = {}
    exec("def f(x):\n    return x + 1.0\n", {"tf": tf}, namespace)  # no source file to read
    with pytest.warns(UserWarning, match="AutoGraph could not transform f"):
        assert float(tf.function(namespace["f"])(tf.constant(1.0))) == 2.0


def test_dataset_loop_runs_anew_on_each_call_and_refuses_ragged_batches():
    data = tf.data.Dataset.from_tensor_slices(np.arange(10, dtype=np.float32))

    @tf.function
    def total(ds):
        s = tf.constant(0.0)
        for batch in ds:
            s += tf.reduce_sum(batch)
        return s

    even = data.batch(5)
    assert float(total(even)) == 45.0
    assert float(total(even)) == 45.0  # the graph's loop iterates the dataset again
    with pytest.raises(errors.InvalidArgumentError, match="drop_remainder=True"):
        total(data.batch(4))


def _clipped(x, limit):
    if tf.reduce_max(x) > limit:
        x = x * (limit / tf.reduce_max(x))
    return x


class _Scaler:
    def __init__(self, factor):
        self.factor = factor

    def apply(self, x):
        while tf.reduce_sum(x) < 10.0:
            x = x * self.factor
        return x


def test_functions_the_function_calls_are_converted_too():
    scaler = _Scaler(2.0)

    @tf.function
    def f(x):
        return scaler.apply(_clipped(x, 4.0))

    np.testing.assert_allclose(f(tf.constant([1.0, 8.0])).numpy(), [0.5 * 4, 4.0 * 4])  # clipped, then doubled twice
    np.testing.assert_allclose(f(tf.constant([1.0, 2.0])).numpy(), [4.0, 8.0])
    assert f.experimental_get_tracing_count() == 1


def test_converted_function_keeps_defaults_and_annotations_that_name_locals():
    """A default or annotation naming a local of the defining scope (a loop variable bound as a default) is the
    original's value: the converted function does not evaluate the expressions again."""
    results = []
    for scale in (2.0, 3.0):
        class Local:
            pass

        def f(x: Local, factor=scale, *, offset: Local = scale) -> Local:
            if tf.reduce_sum(x) > 0:  # converted to tf.cond
                return x * factor + offset
            return x
        results.append(tf.function(f)(tf.constant([1.0])).numpy())
    np.testing.assert_array_equal(results, [[4.0], [6.0]])
