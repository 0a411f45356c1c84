"""The optimising passes (csrc/graph/passes.cpp): each one's graph afterwards, and outputs equal to the unoptimised
graph's (bitwise where the pass is exact); in-place execution; the tf.config.optimizer switches."""
import re

import numpy as np
import pytest

import pytensor as tf
from pytensor import _core


def _trace(fn, *args):
    """fn's graph, traced on `args` (its outputs: fn's list of tensors)."""
    capture = _core._Capture(list(args))
    capture.begin()
    try:
        outs = fn(*args)
    finally:
        capture.end()
    return capture.finish(list(outs))


def _types(g):
    return [n[1] for n in g.nodes()]


def _run(g, *args):
    return [t.numpy() for t in _core._Executor(g).run(list(args))]


def _after(g, *passes):
    out = g.copy()
    for name in passes:
        getattr(out, name)()
    return out


def _bitwise_equal(a, b):
    assert len(a) == len(b)
    for x, y in zip(a, b):
        assert x.dtype == y.dtype and x.shape == y.shape and x.tobytes() == y.tobytes()


def _rand(*shape, seed=0):
    return tf.constant(np.random.default_rng(seed).standard_normal(shape).astype(np.float32))


# ---- constant folding --------------------------------------------------------------------------------------

def test_constant_folding_runs_constant_subgraphs_once():
    def fn(x):
        n = tf.cast(tf.reshape(tf.cast(tf.constant([4], tf.int64), tf.int32), []), tf.float32)  # all constant
        scale = tf.ones_like(x) / n                                                             # shape-only input
        return [x * scale + tf.exp(tf.constant(0.5))]

    x = _rand(3, 4)
    g = _trace(fn, x)
    folded = _after(g, "fold_constants")
    assert folded.fold_constants() == 0                      # nothing left to fold
    assert _after(g, "fold_constants").fold_constants() == 0
    pruned = _after(folded, "eliminate_dead_code")
    types = _types(pruned)
    assert "cast" not in types and "reshape" not in types and "ones_like" not in types and "exp" not in types
    assert types.count("Const") == 2 and "multiply" in types and "add" in types   # x * scale + e^0.5
    _bitwise_equal(_run(pruned, x), _run(g, x))
    np.testing.assert_allclose(_run(pruned, x)[0], x.numpy() * 0.25 + np.exp(np.float32(0.5)), rtol=1e-6)


def test_constant_folding_leaves_random_ops_and_large_values():
    def fn(x):
        small = tf.zeros([2])                                  # no inputs: folded
        big = tf.ones_like(tf.zeros([600, 600]))               # 1.44 MB each: above the 1 MiB bound
        return [x + tf.random.uniform([2], seed=3) + small, tf.reduce_sum(big)]

    x = _rand(2)
    g = _trace(fn, x)
    folded = _after(g, "fold_constants")
    types, before = _types(folded), _types(g)
    assert "random_uniform" in types and "ones_like" in types
    assert before.count("zeros") == 2 and types.count("zeros") == 1     # the small one became a Const
    assert _run(folded, x)[1] == _run(g, x)[1] == 360000.0


# ---- algebraic simplification ------------------------------------------------------------------------------

def test_simplification_drops_identities_and_cancelling_transposes_bitwise():
    ones, zeros = tf.constant(np.ones((3, 4), np.float32)), tf.constant(np.zeros(4, np.float32))

    def fn(x):
        y = tf.identity(tf.cast(x, tf.float32))                 # identity, a cast to its own dtype
        y = tf.transpose(tf.transpose(y, [1, 0]), [1, 0])       # transposes that cancel
        y = tf.reshape(y * ones, [3, 4]) / tf.constant(1.0)     # x * 1 (same shape), reshape to itself, x / 1
        y = (y + zeros) - tf.constant(0.0)                      # x + 0, x - 0
        return [tf.exp(y), tf.stop_gradient(y)]

    x = _rand(3, 4)
    g = _trace(fn, x)
    simplified = _after(g, "simplify_arithmetic", "eliminate_dead_code")
    types = _types(simplified)
    for dropped in ("identity", "cast", "transpose", "reshape", "multiply", "divide", "add", "subtract"):
        assert dropped not in types, (dropped, types)
    assert "exp" in types and "stop_gradient" in types        # stop_gradient stays: an outer tape relies on it
    _bitwise_equal(_run(simplified, x), _run(g, x))


def test_simplification_keeps_what_changes_values_shapes_or_dtypes():
    def fn(x):
        grown = x * tf.constant(np.ones((2, 3), np.float32))    # x (3,) broadcast to (2, 3): not x
        halved = x * tf.constant(0.5)
        moved = tf.transpose(tf.transpose(tf.reshape(x, [1, 3]), [1, 0]), [1, 0])   # cancels: (1, 3) again
        turned = tf.transpose(tf.reshape(x, [1, 3]), [1, 0])
        widened = tf.cast(x, tf.float64)
        return [grown, halved, moved, turned, widened]

    x = _rand(3)
    g = _trace(fn, x)
    simplified = _after(g, "simplify_arithmetic", "eliminate_dead_code")
    assert _after(simplified, "simplify_arithmetic").simplify_arithmetic() == 0
    types = _types(simplified)
    assert types.count("multiply") == 2 and types.count("transpose") == 1 and "cast" in types
    _bitwise_equal(_run(simplified, x), _run(g, x))


def test_simplification_drops_the_kept_axes_of_a_reduction_reshaped_without_them_bitwise():
    def fn(x):
        bias_grad = tf.reshape(tf.reduce_sum(x, axis=0, keepdims=True), [5, 4])      # (1, 5, 4) -> (5, 4)
        peak = tf.reshape(tf.reduce_max(x, axis=[0, -1], keepdims=True), [5])        # (1, 5, 1) -> (5,)
        turned = tf.reshape(tf.reduce_sum(x, axis=0, keepdims=True), [4, 5])         # not the kept-axes shape
        kept = tf.reduce_mean(x, axis=1, keepdims=True)                              # read twice: stays
        return [bias_grad, peak, turned, tf.reshape(kept, [3, 4]), kept * 2.0]

    x = _rand(3, 5, 4)
    g = _trace(fn, x)
    simplified = _after(g, "simplify_arithmetic", "eliminate_dead_code")
    types = _types(simplified)
    assert types.count("reshape") == 2 and types.count("reduce_sum") == 2 and types.count("reduce_max") == 1
    text = simplified.to_string()
    assert "reduce_max[axes=[0, 2], keepdims=0]" in text and "reduce_sum[axes=[0], keepdims=0]" in text, text
    _bitwise_equal(_run(simplified, x), _run(g, x))


# ---- common subexpressions ---------------------------------------------------------------------------------

def test_reads_of_a_variable_merge_until_it_is_written():
    v = tf.Variable(np.arange(4, dtype=np.float32))

    def fn(x):
        a = v * x
        b = tf.identity(v.read_value()) + 1.0         # the same value: no write in between
        v.assign(x)
        return [a, b, v * 2.0]                        # a read after the write stays

    x = _rand(4)
    g = _trace(fn, x)
    merged = _after(g, "eliminate_common_subexpressions", "eliminate_dead_code")
    assert _types(g).count("ReadVariableOp") == 3 and _types(merged).count("ReadVariableOp") == 2

    def run(graph):
        v.assign(np.arange(4, dtype=np.float32))
        return _run(graph, x)

    _bitwise_equal(run(merged), run(g))
    np.testing.assert_array_equal(run(merged)[1], np.arange(4, dtype=np.float32) + 1.0)
    np.testing.assert_array_equal(run(merged)[2], x.numpy() * 2.0)


def test_small_constants_of_equal_value_merge_and_different_ones_do_not():
    def fn(x):
        return [x * tf.constant(2.0) + tf.constant(2.0), x - tf.constant(-2.0),
                tf.cast(x, tf.float64) * tf.constant(2.0, tf.float64)]

    x = _rand(3)
    g = _trace(fn, x)
    merged = _after(g, "eliminate_common_subexpressions", "eliminate_dead_code")
    assert _types(g).count("Const") == 4 and _types(merged).count("Const") == 3   # 2.0 f32 once, -2.0, 2.0 f64
    _bitwise_equal(_run(merged, x), _run(g, x))


# ---- pattern fusion ----------------------------------------------------------------------------------------

def _dense_step(x, w, b):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.relu(tf.nn.bias_add(tf.matmul(x, w), b))
        loss = tf.reduce_sum(y * y)
    return [y, loss] + tape.gradient(loss, [x, w, b])


def test_matmul_bias_add_relu_fuses_forward_and_backward_bitwise():
    x, w, b = _rand(5, 4, seed=1), tf.Variable(_rand(4, 3, seed=2)), tf.Variable(_rand(3, seed=3))
    g = _trace(lambda x: _dense_step(x, w, b), x)
    assert _types(g).count("relu") == 1 and "relu_grad" in _types(g)
    fused = _after(g, "fuse_patterns", "eliminate_dead_code")
    types = _types(fused)
    assert types.count("bias_add_relu") == 1 and "relu" not in types
    assert types.count("add") == _types(g).count("add") - 1 and "matmul" in types   # the bias add is gone
    # The relu gradient reads the fused output (its mask y > 0 is the sum's x > 0).
    relu_grad = next(n for n in fused.nodes() if n[1] == "relu_grad")
    assert _type_of(fused, relu_grad[2][1][0]) == "bias_add_relu"
    _bitwise_equal(_run(fused, x), _run(g, x))


def _type_of(g, name):
    return next(n[1] for n in g.nodes() if n[0] == name)


def test_bias_relu_fusion_skips_a_sum_read_elsewhere():
    x, b = _rand(2, 3), _rand(3, seed=4)

    def fn(x):
        s = tf.nn.bias_add(x, b)
        return [tf.nn.relu(s), s * 2.0]

    g = _trace(fn, x)
    assert _after(g, "fuse_patterns").fuse_patterns() == 0
    assert g.copy().fuse_patterns() == 0 and "bias_add_relu" not in _types(_after(g, "fuse_patterns"))


def _conv_step(x, w, b, padding="SAME"):
    with tf.GradientTape() as tape:
        tape.watch(x)
        conv = tf.nn.conv2d(x, w, strides=1, padding=padding)
        y = tf.nn.max_pool2d(tf.nn.relu(tf.nn.bias_add(conv, b)), 2, 2, "VALID")
        loss = tf.reduce_sum(y * y)
    return [y, loss] + tape.gradient(loss, [x, w, b])


@pytest.mark.parametrize("padding", ["SAME", "VALID"])
def test_conv_bias_relu_max_pool_fuses_into_conv2d_max_pool_with_its_gradients(padding):
    x = _rand(2, 9, 9, 3, seed=5)
    w, b = tf.Variable(_rand(3, 3, 3, 4, seed=6) * 0.5), tf.Variable(_rand(4, seed=7) * 0.1)
    g = _trace(lambda x: _conv_step(x, w, b, padding), x)
    fused = _after(g, "fuse_patterns", "eliminate_dead_code")
    types = _types(fused)
    assert "conv2d_max_pool" in types and "bias_add_relu" in types
    assert "conv2d_max_pool_backprop_input" in types and "conv2d_max_pool_backprop_filter" in types
    for gone in ("conv2d", "max_pool2d", "max_pool2d_grad", "relu", "conv2d_backprop_input", "conv2d_backprop_filter"):
        assert gone not in types, gone
    plain, out = _run(g, x), _run(fused, x)
    _bitwise_equal(out[:1], plain[:1])                        # the pooled activations: bitwise
    np.testing.assert_allclose(out[1], plain[1], rtol=1e-6)
    for got, want in zip(out[2:], plain[2:]):                 # gradients: to rounding (summation order)
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)


def test_conv_pool_fusion_without_a_gradient_and_when_an_intermediate_is_read():
    x = _rand(1, 6, 6, 2, seed=8)
    w, b = _rand(3, 3, 2, 3, seed=9), _rand(3, seed=10)

    def forward(x):
        act = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, w, 1, "SAME"), b))
        return act, tf.nn.max_pool2d(act, 2, 2, "VALID")

    g = _trace(lambda x: [forward(x)[1]], x)
    fused = _after(g, "fuse_patterns", "eliminate_dead_code")
    assert "conv2d_max_pool" in _types(fused) and "max_pool2d" not in _types(fused)
    _bitwise_equal(_run(fused, x), _run(g, x))
    both = _trace(lambda x: list(forward(x)), x)               # the unpooled activation is an output too
    refused = _after(both, "fuse_patterns", "eliminate_dead_code")
    assert "conv2d_max_pool" not in _types(refused) and "max_pool2d" in _types(refused)
    _bitwise_equal(_run(refused, x), _run(both, x))


# ---- memory planning ---------------------------------------------------------------------------------------

def _adam_step():
    tf.random.set_seed(1)
    model = tf.keras.Sequential([tf.keras.Input((6,)), tf.keras.layers.Dense(5, activation="relu"),
                                 tf.keras.layers.Dense(3)])
    optimizer = tf.keras.optimizers.Adam(0.01)
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    @tf.function
    def step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))
        return loss

    return step


def test_memory_planning_updates_variables_in_place_with_the_same_bits():
    step = _adam_step()
    x, y = _rand(4, 6, seed=11), tf.constant([0, 2, 1, 2])
    step(x, y)
    concrete = step.get_concrete_function(x, y)
    variables = concrete.variables                             # the model's, the optimizer's and its slots
    g = _after(concrete._unoptimized, "fold_constants", "simplify_arithmetic",
               "fuse_patterns", "eliminate_common_subexpressions", "eliminate_dead_code")   # all but planning
    planned = _after(g, "plan_memory")
    text = planned.to_string()
    updates = [line for line in text.splitlines() if "= apply_adam[" in line]
    assert len(updates) == 4 and all("in_place='" in line for line in updates)
    # (layer names count up across the process: dense, dense_1, ...)
    assert re.search(r"in_place='(dense[_0-9]*)/kernel', 'Adam/\1/kernel_momentum', 'Adam/\1/kernel_velocity'", text)
    # Each update's three reads and three writes are gone; the iterations and metric writes stay.
    assert _types(planned).count("AssignVariableOp") == _types(g).count("AssignVariableOp") - 12
    assert _types(planned).count("ReadVariableOp") == _types(g).count("ReadVariableOp") - 12
    start = [v.numpy() for v in variables]

    def three_steps(graph):
        for v, value in zip(variables, start):
            v.assign(value)
        executor = _core._Executor(graph)
        return [executor.run([x, y])[0].numpy() for _ in range(3)] + [v.numpy() for v in variables]

    _bitwise_equal(three_steps(planned), three_steps(g))


def test_memory_planning_reuses_a_dying_input_buffer_and_never_an_argument():
    def fn(x):
        t = tf.exp(x * 2.0)                 # x * 2 dies at exp: exp may write over it
        return [tf.tanh(t) + 1.0, x * 3.0]  # x itself (an argument) is never overwritten

    x = _rand(64)
    before = x.numpy().copy()
    g = _trace(fn, x)
    planned = _after(g, "plan_memory")
    marked = [n for n in planned.to_string().splitlines() if "[reuse_input=" in n]
    assert any(line.split(" = ")[1].startswith("exp") for line in marked)
    assert not any(line.split(" = ")[1].startswith("multiply") and "(args_0" in line and "reuse_input=0" in line
                   for line in marked)
    _bitwise_equal(_run(planned, x), _run(g, x))
    assert x.numpy().tobytes() == before.tobytes()


def test_traced_step_peak_memory_not_above_eager():
    step = _adam_step()
    x, y = _rand(32, 6, seed=12), tf.constant(np.arange(32) % 3, dtype=tf.int32)
    step(x, y)
    step.python_function(x, y)                                 # both warm (slots, caches)
    peaks = []
    for fn in (step.python_function, step):
        _core.reset_peak_bytes()
        base = _core.live_bytes()
        fn(x, y)
        peaks.append(_core.peak_bytes() - base)
    eager, traced = peaks
    assert 0 < traced <= eager, peaks


# ---- switches ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("option, value, mark", [
    ("constant_folding", False, "= ones_like"),
    ("arithmetic_optimization", False, "= cast"),
    ("remapping", False, "= relu("),
    ("memory_optimization", False, "= AssignVariableOp['Variable']"),
    ("disable_meta_optimizer", True, "= ones_like"),
])
def test_tf_config_optimizer_switches_turn_passes_off(option, value, mark):
    v = tf.Variable(np.ones(3, np.float32))
    opt = tf.keras.optimizers.SGD(0.1)

    def f(x):
        with tf.GradientTape() as tape:
            y = tf.nn.relu(tf.nn.bias_add(tf.cast(x, tf.float32), v)) * tf.ones_like(x)
            loss = tf.reduce_sum(y)
        opt.apply_gradients([(tape.gradient(loss, v), v)])
        return y

    x = _rand(2, 3)
    f(x)                                                       # the optimizer's variables exist
    on = tf.function(f).get_concrete_function(x).graph.pretty_printed()
    tf.config.optimizer.set_experimental_options({option: value})
    try:
        off = tf.function(f).get_concrete_function(x).graph.pretty_printed()
    finally:
        tf.config.optimizer.set_experimental_options({option: not value})
    assert mark not in on and mark in off


def test_traced_nadam_steps_give_the_eager_bits():
    # Nadam's step and running momentum product are read from the optimizer's iterations on every run (they were
    # the trace's numbers before), so each traced step updates as the eager one.
    results = []
    for traced in (False, True):
        v = tf.Variable(np.linspace(-1, 1, 5).astype(np.float32))
        opt = tf.keras.optimizers.Nadam(0.1)

        def step():
            with tf.GradientTape() as tape:
                loss = tf.reduce_sum(tf.square(v - 0.3))
            opt.apply_gradients([(tape.gradient(loss, v), v)])

        run = tf.function(step) if traced else step
        for _ in range(4):
            run()
        results.append(v.numpy())
    _bitwise_equal(results[:1], results[1:])


# ---- branch graphs --------------------------------------------------------------------------------------------

def test_passes_optimise_the_branch_graphs_of_cond_and_while_loop():
    def fn(x, n):
        y = tf.cond(tf.reduce_sum(x) > 0.0,
                    lambda: tf.sigmoid(x * 2.0 + 1.0) * tf.tanh(x),   # an element-wise chain: fused
                    lambda: tf.identity(x) * 3.0 - 0.5)  # an identity: dropped
        _, z = tf.while_loop(lambda i, z: i < n, lambda i, z: (i + 1, tf.abs(z * 0.5 - 1.0) * 2.0), [0, y])
        return [y, z]

    x, n = _rand(4, 3, seed=3), tf.constant(3)
    concrete = tf.function(fn).get_concrete_function(x, n)
    g, optimised = concrete._unoptimized, concrete._core_graph
    before, text = g.to_string(), optimised.to_string()
    assert "fused_elementwise" not in before
    assert text.count("fused_elementwise") == 3  # both branches' chains and the loop body's
    assert before.count("identity(") == 2 and text.count("identity(") == 0  # the false branch's too
    for sign in (1.0, -1.0):
        _bitwise_equal(_run(optimised, x * sign, n), _run(g, x * sign, n))
