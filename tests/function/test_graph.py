"""The traced graph (csrc/graph): its operations, printing, control edges, and the passes' results."""
import numpy as np
import pytest

import pytensor as tf
from pytensor import _core


def test_graph_operations_walkable_and_printed():
    v = tf.Variable([1.0, 2.0], name="w")

    @tf.function
    def f(x):
        y = tf.matmul(tf.reshape(x, [1, 2]), tf.reshape(v, [2, 1]))
        return tf.nn.relu(y)

    concrete = f.get_concrete_function(tf.constant([3.0, 4.0]))
    ops = concrete.graph.get_operations()
    types = [op.type for op in ops]
    assert types[0] == "Placeholder" and "ReadVariableOp" in types and "matmul" in types and types[-1] == "relu"
    matmul = next(op for op in ops if op.type == "matmul")
    assert [t.op.type for t in matmul.inputs] == ["reshape", "reshape"]
    assert matmul.outputs[0].shape.as_list() == [1, 1] and matmul.outputs[0].dtype == tf.float32
    assert concrete.graph.outputs[0].op.type == "relu"
    text = concrete.graph.pretty_printed()
    assert "ReadVariableOp['w']" in text and "matmul[transpose_a=0, transpose_b=0](reshape, reshape_1)" in text
    assert text.strip().splitlines()[-1].startswith("return (relu")
    assert concrete.variables == [v]


def test_variable_accesses_are_ordered_by_control_edges():
    v = tf.Variable(1.0)

    @tf.function
    def f():
        a = v.read_value()
        v.assign(a + 1.0)
        return v.read_value()

    ops = f.get_concrete_function().graph.get_operations()
    reads = [op for op in ops if op.type == "ReadVariableOp"]
    assign = next(op for op in ops if op.type == "AssignVariableOp")
    assert reads[0] in assign.control_inputs and assign in reads[1].control_inputs


def test_get_concrete_function_with_specs_does_not_change_variables():
    v = tf.Variable(0.0)

    @tf.function
    def f(x):
        v.assign_add(tf.reduce_sum(x))
        return v.read_value()

    concrete = f.get_concrete_function(tf.TensorSpec([3], tf.float32))
    assert float(v.numpy()) == 0.0                  # the dry trace put v back
    assert float(concrete(tf.constant([1.0, 2.0, 3.0]))) == 6.0
    assert float(v.numpy()) == 6.0 and f.experimental_get_tracing_count() == 1



def test_dry_trace_of_a_first_optimizer_step_keeps_the_slots_it_created():
    # The trace creates Adam's slots and writes them; the dry trace puts every variable back, the new ones included
    # (restoring one through its pre-move address crashed). The first real call then takes Adam's first step.
    v = tf.Variable([1.0, 2.0])
    opt = tf.keras.optimizers.Adam(0.1)

    @tf.function(input_signature=[tf.TensorSpec([2], tf.float32)])
    def step(x):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(v * x)
        opt.apply_gradients(zip(tape.gradient(loss, [v]), [v]))
        return loss

    step.get_concrete_function(tf.TensorSpec([2], tf.float32))
    np.testing.assert_array_equal(v.numpy(), [1.0, 2.0])
    assert int(opt.iterations.numpy()) == 0
    step(tf.constant([1.0, -1.0]))
    # Adam's first step moves each weight by lr * sign(gradient) (bias-corrected m / sqrt(v) = g / |g|).
    np.testing.assert_allclose(v.numpy(), [0.9, 2.1], rtol=1e-6)

def _graph_of(fn, *args):
    capture = _core._Capture(list(args))
    capture.begin()
    try:
        out = fn(*args)
    finally:
        capture.end()
    return capture.finish([out]), out


def _types(g):
    return [n[1] for n in g.nodes()]


def test_dead_code_elimination_drops_unused_values_keeps_state():
    v = tf.Variable(0.0)

    def fn(x):
        unused = tf.exp(x) * 3.0               # dead
        v.assign_add(tf.reduce_sum(x))          # a write: kept with what it needs
        del unused
        return x + 1.0

    x = tf.constant([1.0, 2.0])
    g, _ = _graph_of(fn, x)
    optimized = g.copy()
    removed = optimized.eliminate_dead_code()
    assert "exp" in _types(g) and "exp" not in _types(optimized) and removed >= 2
    assert "AssignVariableOp" in _types(optimized) and "reduce_sum" in _types(optimized)
    before = float(v.numpy())
    out_plain = _core._Executor(g).run([x])[0].numpy()
    out_optimized = _core._Executor(optimized).run([x])[0].numpy()
    assert out_plain.tobytes() == out_optimized.tobytes()
    assert float(v.numpy()) == before + 6.0     # each run wrote once


def test_common_subexpression_elimination_merges_equal_ops_bitwise():
    def fn(x):
        a = tf.tanh(x) * tf.reduce_sum(x, axis=0)
        b = tf.tanh(x) * tf.reduce_sum(x, axis=0)   # the same computation again
        c = tf.reduce_sum(x, axis=1)                 # different attributes: not merged
        return a + b + tf.reduce_sum(c)

    x = tf.constant(np.random.default_rng(0).standard_normal((3, 3)).astype(np.float32))
    g, eager = _graph_of(fn, x)
    optimized = g.copy()
    removed = optimized.eliminate_common_subexpressions()
    assert removed == 3
    assert _types(optimized).count("tanh") == 1 and _types(optimized).count("reduce_sum") == 3 - 1 + 1
    out = _core._Executor(optimized).run([x])[0].numpy()
    assert out.tobytes() == _core._Executor(g).run([x])[0].numpy().tobytes() == eager.numpy().tobytes()


def test_cse_leaves_random_ops_alone():
    def fn(x):
        return tf.random.uniform([2], seed=1) + tf.random.uniform([2], seed=1) + x

    g, _ = _graph_of(fn, tf.constant([0.0, 0.0]))
    optimized = g.copy()
    optimized.eliminate_common_subexpressions()
    assert _types(optimized).count("random_uniform") == 2


def test_passes_can_be_switched_off():
    @tf.function
    def f(x):
        tf.exp(x)
        return x + 1.0

    tf.config.optimizer.set_experimental_options({"disable_model_pruning": True})
    try:
        types = [op.type for op in f.get_concrete_function(tf.constant(1.0)).graph.get_operations()]
    finally:
        tf.config.optimizer.set_experimental_options({"disable_model_pruning": False})
    assert "exp" in types


def test_executor_checks_its_inputs():
    g, _ = _graph_of(lambda x: x + 1.0, tf.constant([1.0]))
    with pytest.raises(ValueError, match="traced for float32"):
        _core._Executor(g).run([tf.constant([1.0, 2.0])])
