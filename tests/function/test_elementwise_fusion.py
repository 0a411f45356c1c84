"""Element-wise fusion (csrc/graph/passes.cpp fuse_elementwise, the fused_elementwise op): which chains become one
node, outputs bitwise the unfused graph's, gradients through a fused function under an outer tape, the switch."""
import numpy as np
import pytest

import pytensor as tf
from pytensor import _core

UNARY = ["negative", "abs", "square", "relu", "exp", "log", "log1p", "expm1", "sqrt", "rsqrt", "reciprocal", "sin",
         "cos", "tanh", "sigmoid"]
BINARY = ["add", "subtract", "multiply", "divide", "maximum", "minimum", "squared_difference"]


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


def _fused(g):
    out = g.copy()
    out.fuse_elementwise()
    return out


def _bitwise_equal(a, b):
    assert len(a) == len(b)
    for x, y in zip(a, b):
        assert x.dtype == y.dtype and x.shape == y.shape and x.tobytes() == y.tobytes()


def _rand(*shape, seed=0, dtype=np.float32, low=-3.0, high=3.0):
    return tf.constant(np.random.default_rng(seed).uniform(low, high, shape).astype(dtype))


def _chain(x, a, b):
    """bench/function.py's expression: sigmoid(x a + b) tanh(x) - 0.5 x."""
    return tf.nn.sigmoid(x * a + b) * tf.tanh(x) - 0.5 * x


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [1, 7, 512, 1000, 70001])   # one block, a short last block, several threads' worth
def test_a_chain_becomes_one_node_with_the_unfused_bits(dtype, n):
    x, a, b = _rand(n, dtype=dtype), _rand(seed=1, dtype=dtype), _rand(n, seed=2, dtype=dtype)
    g = _trace(lambda x, a, b: [_chain(x, a, b)], x, a, b)
    fused = _fused(g)
    ops = [t for t in _types(fused) if t not in ("Placeholder", "Const")]
    assert ops == ["fused_elementwise"], _types(fused)
    assert _types(g).count("multiply") == 3 and len(_types(fused)) == len(_types(g)) - 6
    text = fused.to_string()
    assert ("program=subtract(multiply(sigmoid(add(multiply(x0, x1), x2)), tanh(x0)), multiply(x3, x0))" in text), text
    _bitwise_equal(_run(fused, x, a, b), _run(g, x, a, b))
    want = (1 / (1 + np.exp(-(x.numpy().astype(np.float64) * a.numpy() + b.numpy()))) * np.tanh(x.numpy())
            - 0.5 * x.numpy().astype(np.float64))
    np.testing.assert_allclose(_run(fused, x, a, b)[0], want, rtol=1e-5 if dtype == np.float32 else 1e-12, atol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("op", UNARY)
def test_every_unary_step_gives_its_kernels_bits(op, dtype):
    # Values where every op is defined, denormals and zeros of both signs included (the kernels read denormals as 0).
    tiny = np.finfo(dtype).tiny
    special = np.array([0.0, -0.0, tiny / 4, -tiny / 4, 1e-30, 20.0, 88.5, 0.5], dtype)
    x = tf.constant(np.concatenate([special, np.random.default_rng(3).uniform(0.01, 5, 1300).astype(dtype)]))
    fn = getattr(_core, op)
    g = _trace(lambda x: [fn(tf.abs(x) + x) * x], x)           # abs, add, op, multiply: one tree
    fused = _fused(g)
    assert _types(fused).count("fused_elementwise") == 1 and op not in _types(fused)
    _bitwise_equal(_run(fused, x), _run(g, x))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("op", BINARY)
def test_every_binary_step_gives_its_kernels_bits(op, dtype):
    x, y = _rand(1000, seed=4, dtype=dtype), _rand(1000, seed=5, dtype=dtype, low=0.5)
    fn = getattr(_core, op)
    g = _trace(lambda x, y: [tf.exp(fn(-x, y)), fn(y, 2.0) * x], x, y)  # a tensor and a scalar operand
    fused = _fused(g)
    assert _types(fused).count("fused_elementwise") == 2 and op not in _types(fused)
    _bitwise_equal(_run(fused, x, y), _run(g, x, y))


def test_values_read_elsewhere_stay_outside_the_tree():
    x = _rand(64, seed=6)

    def fn(x):
        s = tf.exp(x) + 1.0          # read twice: the boundary of two trees
        t = tf.tanh(s)               # a graph output too
        return [t * 2.0, tf.sqrt(s) - s, t]

    g = _trace(fn, x)
    fused = _fused(g)
    types = _types(fused)
    assert types.count("fused_elementwise") == 2 and "tanh" in types  # exp+add; sqrt+subtract; t * 2 alone
    assert "sqrt" not in types and "exp" not in types
    _bitwise_equal(_run(fused, x), _run(g, x))


def test_a_bias_row_fuses_and_other_broadcasts_and_dtypes_do_not():
    x, row, col = _rand(40, 50, seed=7), _rand(50, seed=8), _rand(40, 1, seed=9)
    i = tf.constant(np.arange(20, dtype=np.int32).reshape(4, 5))
    g = _trace(lambda x, row, col, i: [tf.tanh(x * row + 1.0), tf.exp(x * col) - 1.0, (i * i) + 1], x, row, col, i)
    fused = _fused(g)
    types = _types(fused)
    # x * row repeats a (50,) row along x's rows: fused with + 1.0 and tanh. x * col broadcasts a column: it stays,
    # exp and - 1.0 fuse; the int32 chain stays.
    assert types.count("fused_elementwise") == 2 and types.count("multiply") == 2 and "tanh" not in types
    assert "program=tanh(add(multiply(x0, x1), x2))" in fused.to_string()
    _bitwise_equal(_run(fused, x, row, col, i), _run(g, x, row, col, i))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("rows,width", [(37, 64), (1, 64), (300, 8), (3, 512)])  # the row divides the block
def test_a_bias_row_that_divides_the_block_gives_the_unfused_bits(rows, width, dtype):
    x, bias = _rand(rows, width, seed=3, dtype=dtype), _rand(width, seed=4, dtype=dtype)
    g = _trace(lambda x, b: [tf.tanh(x + b + 0.25)], x, bias)
    fused = _fused(g)
    assert [t for t in _types(fused) if t not in ("Placeholder", "Const")] == ["fused_elementwise"]
    _bitwise_equal(_run(fused, x, bias), _run(g, x, bias))
    np.testing.assert_allclose(_run(fused, x, bias)[0], np.tanh(x.numpy() + bias.numpy() + 0.25),
                               rtol=1e-6 if dtype == np.float32 else 1e-14, atol=1e-7)


def test_traced_training_step_keeps_gradient_inputs_and_matches_the_unfused_step():
    w = tf.Variable(np.random.default_rng(9).standard_normal((6, 6)).astype(np.float32))

    def step(x):
        with tf.GradientTape() as tape:
            h = tf.matmul(x, w)
            y = tf.nn.sigmoid(h * 2.0 + 1.0) * tf.tanh(h) - 0.5 * h
            loss = tf.reduce_sum(y * y)
        return [loss, tape.gradient(loss, w)]

    x = _rand(8, 6, seed=10)
    g = _trace(step, x)
    fused = _fused(g)
    assert "fused_elementwise" in _types(fused)
    assert len(fused) < len(g)
    _bitwise_equal(_run(fused, x), _run(g, x))


def test_a_fused_function_differentiates_under_an_outer_tape_to_second_order():
    a, b = tf.constant(1.5, tf.float64), tf.constant(0.25, tf.float64)
    f = tf.function(lambda x: _chain(x, a, b))
    x = _rand(300, seed=11, dtype=np.float64, low=-1, high=1)
    assert "fused_elementwise" in f.get_concrete_function(x).graph.pretty_printed()
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = f(x)
        dy = inner.gradient(y, x)
    d2y = outer.gradient(dy, x)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y_eager = _chain(x, a, b)
        dy_eager = inner.gradient(y_eager, x)
    d2y_eager = outer.gradient(dy_eager, x)
    np.testing.assert_array_equal(y.numpy(), y_eager.numpy())
    np.testing.assert_allclose(dy.numpy(), dy_eager.numpy(), rtol=1e-12)
    np.testing.assert_allclose(d2y.numpy(), d2y_eager.numpy(), rtol=1e-12)
    # against central differences of the eager first derivative
    h = 1e-6
    xs = x.numpy()

    def first(v):
        t = tf.constant(v)
        with tf.GradientTape() as tape:
            tape.watch(t)
            out = _chain(t, a, b)
        return tape.gradient(out, t).numpy()
    np.testing.assert_allclose(d2y.numpy(), (first(xs + h) - first(xs - h)) / (2 * h), rtol=1e-5, atol=1e-7)


def test_the_elementwise_fusion_switch_turns_the_pass_off():
    a, b = tf.constant(1.5), tf.constant(0.25)
    x = _rand(1000, seed=12)
    f = tf.function(lambda x: _chain(x, a, b))
    on = f.get_concrete_function(x).graph.pretty_printed()
    tf.config.optimizer.set_experimental_options({"elementwise_fusion": False})
    try:
        g = tf.function(lambda x: _chain(x, a, b))
        off = g.get_concrete_function(x).graph.pretty_printed()
        unfused = g(x).numpy()
    finally:
        tf.config.optimizer.set_experimental_options({"elementwise_fusion": True})
    assert "= fused_elementwise[program=" in on and "= sigmoid" not in on and "= tanh" not in on
    assert "fused_elementwise" not in off and "= sigmoid" in off and "= tanh" in off
    assert f(x).numpy().tobytes() == unfused.tobytes()


def test_fused_elementwise_op_errors_name_the_op_and_the_fix():
    x = np.ones((2, 3), np.float32)
    with pytest.raises(ValueError, match=r"fused_elementwise: step 0 \(add\) reads values \(0, 5\)"):
        _core.fused_elementwise([x, x], [("add", 0, 5)])
    with pytest.raises(ValueError, match=r"fused_elementwise: step 0 is matmul, which is not a fusible"):
        _core.fused_elementwise([x, x], [("matmul", 0, 1)])
    with pytest.raises(ValueError, match=r"input 1 of shape \(2, 1\) must have the output's shape \(2, 3\), a single"):
        _core.fused_elementwise([x, np.ones((2, 1), np.float32)], [("add", 0, 1)])
    with pytest.raises(TypeError, match="fused_elementwise"):
        _core.fused_elementwise([np.ones((2, 3), np.int32)], [("exp", 0, -1)])
    with pytest.raises(TypeError, match=r"each program step must be a tuple \(op name, a, b\)"):
        _core.fused_elementwise([x], ["exp"])


def test_a_fused_node_over_a_dying_input_runs_in_its_buffer_with_the_same_bits():
    x, a = _rand(5000, seed=13), _rand(seed=14)
    g = _trace(lambda x, a: [tf.exp(tf.matmul(tf.reshape(x, [50, 100]), tf.ones([100, 100])) * a) - 1.0], x, a)
    fused = _fused(g)
    planned = fused.copy()
    planned.plan_memory()
    line = [n for n in planned.to_string().splitlines() if "= fused_elementwise[" in n]
    assert len(line) == 1 and "[reuse_input=0]" in line[0], planned.to_string()  # the matmul's product dies there
    _bitwise_equal(_run(planned, x, a), _run(g, x, a))


def test_a_fused_graph_serialises_and_loads_with_its_program():
    a, b = tf.constant(1.5), tf.constant(0.25)
    x = _rand(700, seed=15)
    fused = _fused(_trace(lambda x: [_chain(x, a, b)], x))
    loaded = _core._deserialize_graph(_core._serialize_graph(fused, []), [])
    assert loaded.to_string() == fused.to_string()
    _bitwise_equal(_run(loaded, x), _run(fused, x))
    data = _core._serialize_graph(fused, [])
    bad = data.replace(b"sigmoid", b"reshape")            # a step that is not an element-wise op: refused on load
    with pytest.raises(ValueError, match="fused_elementwise: step 2 is reshape, which is not a fusible"):
        _core._deserialize_graph(bad, [])


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu", None])
def test_a_keras_dense_bias_add_joins_the_fused_chain(activation):
    # Dense.call is matmul + nn.bias_add + activation; bias_add adds the (units,) bias row to every row, which the
    # fused program repeats along the rows. With relu, fuse_patterns first makes bias_add_relu, which joins the chain
    # as its two steps.
    dense = tf.keras.layers.Dense(6, activation=activation)
    x = _rand(8, 5, seed=11)
    concrete = tf.function(lambda x: dense(x) * 2.0 + 1.0).get_concrete_function(x)
    text = concrete._core_graph.to_string()
    step = "add(x0, x1)" if activation is None else f"{activation}(add(x0, x1))"
    assert f"program=add(multiply({step}, x2), x3)" in text
    assert "fused_elementwise[program=add(multiply(" in text and "](matmul, ReadVariableOp_1" in text
    _bitwise_equal(_run(concrete._core_graph, x), _run(concrete._unoptimized, x))


def test_a_pattern_fused_bias_add_relu_joins_the_chain_with_its_bits():
    values = np.random.default_rng(12).uniform(-3.0, 3.0, (30, 7)).astype(np.float32)
    values[0, :3] = [np.nan, -0.0, 0.0]
    x, row = tf.constant(values), _rand(7, seed=13)
    g = _trace(lambda x, row: [tf.nn.relu(x + row) * 0.5 - 1.0], x, row)
    patterned = g.copy()
    patterned.fuse_patterns()
    assert "bias_add_relu" in _types(patterned)
    fused = _fused(patterned)
    assert _types(fused).count("fused_elementwise") == 1 and "bias_add_relu" not in _types(fused)
    assert "program=subtract(multiply(relu(add(x0, x1)), x2), x3)" in fused.to_string()
    _bitwise_equal(_run(fused, x, row), _run(g, x, row))
    _bitwise_equal(_run(fused, x, row), _run(patterned, x, row))
