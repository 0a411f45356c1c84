"""tf.function's tracing rules, against what TF documents: when it traces, what a trace records, what runs when."""
import warnings

import numpy as np
import pytest

import pytensor as tf


def test_traces_once_per_signature_and_reuses_the_graph():
    calls = []

    @tf.function
    def f(x):
        calls.append(1)  # a Python side effect: runs while tracing only
        return x * x + 1.0

    a = tf.constant([1.0, 2.0])
    np.testing.assert_array_equal(f(a).numpy(), [2.0, 5.0])
    np.testing.assert_array_equal(f(tf.constant([3.0, 4.0])).numpy(), [10.0, 17.0])
    assert len(calls) == 1 and f.experimental_get_tracing_count() == 1
    f(tf.constant([1.0, 2.0, 3.0]))            # new shape
    f(tf.constant([1.0, 2.0], tf.float64))     # new dtype
    assert f.experimental_get_tracing_count() == 3 and len(calls) == 3


def test_python_values_trace_by_value():
    @tf.function
    def f(x, n):
        return x * n

    x = tf.constant(2.0)
    assert float(f(x, 3)) == 6.0 and float(f(x, 3)) == 6.0
    assert f.experimental_get_tracing_count() == 1
    assert float(f(x, 4)) == 8.0                # a new Python value is a new graph
    assert f.experimental_get_tracing_count() == 2


def test_python_and_numpy_results_return_as_tensors_as_tf():
    # What TF 2.21's tf.function returns for each (checked there): the value as a constant tensor of
    # convert_to_tensor's dtype, None as None, nesting kept; the same on the traced and the graph calls.
    cases = [(1, "int32", 1), (2.5, "float32", 2.5), (True, "bool", True), (np.float64(1.5), "float64", 1.5),
             (np.arange(3), "int64", [0, 1, 2])]
    for value, dtype, expected in cases:
        f = tf.function(lambda value=value: value)
        for result in (f(), f()):
            assert isinstance(result, tf.Tensor) and result.dtype.name == dtype, (value, result)
            np.testing.assert_array_equal(result.numpy(), expected)
    f = tf.function(lambda x: {"x": x, "pair": [3, (None, "s")]})
    for out in (f(tf.constant(1.0)), f(tf.constant(2.0))):
        three, (nothing, text) = out["pair"]
        assert isinstance(three, tf.Tensor) and three.dtype == tf.int32 and int(three) == 3
        assert nothing is None and text.dtype == tf.string and text.numpy() == b"s"


def test_numpy_arrays_trace_as_tensors():
    @tf.function
    def f(x):
        return x + 1.0

    np.testing.assert_array_equal(f(np.array([1.0, 2.0], np.float32)).numpy(), [2.0, 3.0])
    np.testing.assert_array_equal(f(np.array([5.0, 6.0], np.float32)).numpy(), [6.0, 7.0])
    assert f.experimental_get_tracing_count() == 1


def test_retracing_warning_names_the_changing_argument():
    @tf.function
    def f(x, n):
        return x + n

    x = tf.constant(1.0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for n in range(6):
            f(x, float(n))
    messages = [str(w.message) for w in caught if "traced" in str(w.message)]
    assert messages and "'n'" in messages[0] and "tf.constant" in messages[0]


def test_input_signature_with_none_dims_is_one_signature():
    @tf.function(input_signature=[tf.TensorSpec(shape=[None], dtype=tf.float32)])
    def f(x):
        return tf.reduce_sum(x * 2.0)

    assert float(f(tf.constant([1.0, 2.0]))) == 6.0
    assert float(f(tf.constant([1.0, 2.0, 3.0]))) == 12.0
    assert float(f([1.0, 1.0])) == 4.0  # Python lists convert to the declared dtype
    assert f.experimental_get_tracing_count() == 1
    with pytest.raises(TypeError, match="incompatible with input_signature"):  # TF's class
        f(tf.constant([[1.0]]))
    with pytest.raises(TypeError, match="dtype int32"):
        f(tf.constant([1, 2]))


def test_reduce_retracing_generalizes_shapes():
    @tf.function(reduce_retracing=True)
    def f(x):
        return x + 1.0

    for n in (2, 3, 4, 5):
        f(tf.ones([n]))
    assert f.experimental_get_tracing_count() == 2  # [2] and then [None]


def test_reduce_retracing_runs_the_python_function_twice_as_tf():
    """TF traces the first shape, then once for the relaxed signature; pytensor's graphs for later sizes come from
    those two traces (one program up to value shapes), so the Python function runs twice too."""
    runs = []

    @tf.function(reduce_retracing=True)
    def f(x):
        runs.append(x.shape)
        return x * 2.0

    for n in (3, 5, 7, 9, 2):
        np.testing.assert_array_equal(f(tf.range(n, dtype=tf.float32)).numpy(), np.arange(n) * 2.0)
    assert len(runs) == 2 and f.experimental_get_tracing_count() == 2


def test_input_signature_graphs_follow_the_size_without_tracing_again():
    """Numbers that follow the size (tf.shape, a mean's 1 / n, a reshape's target) are fitted on the traces of the
    first sizes and checked on one more; later sizes run without the Python function, with the right numbers."""
    runs = []

    @tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32)])
    def f(x):
        runs.append(x.shape[0])
        n = tf.cast(tf.shape(x)[0], tf.float32)
        return tf.reduce_mean(x, axis=0) * n, tf.reshape(x, [-1]), tf.reduce_sum(x) / n

    for n in (2, 3, 4, 7, 11, 1, 6):
        x = np.arange(n * 2, dtype="float32").reshape(n, 2) - 3
        total, flat, mean = f(x)
        np.testing.assert_allclose(total.numpy(), x.mean(0) * n, rtol=1e-6)
        np.testing.assert_array_equal(flat.numpy(), x.reshape(-1))
        np.testing.assert_allclose(mean.numpy(), x.sum() / n, rtol=1e-6)
    # Sizes 2, 3, 4 are traced (the mean's 1 / n needs a check), 1 broadcasts (traced on its own); 7, 11, 6 are not.
    assert runs == [2, 3, 4, 1] and f.experimental_get_tracing_count() == 1


def test_a_size_free_trace_is_the_graph_for_every_size():
    """TF traces a function with None dimensions once, symbolically. pytensor's trace at the first size is that
    program when nothing in it came from a size (no shape read, only literals, ops whose attributes hold no size):
    later sizes replay its graph without the Python function, and compute what eager execution does."""
    runs = []
    total = tf.Variable(0.0)
    weights = tf.Variable(np.arange(6, dtype="float32").reshape(3, 2) / 7)

    def step(x, labels):
        runs.append(1)
        total.assign_add(tf.reduce_sum(x))  # state changes once per call, replays included
        logits = tf.matmul(tf.reshape(tf.tanh(x * 0.5 + 1.0), [-1, 3]), weights)  # a target Python wrote
        parity = tf.where(labels % 2 == 0, labels // 2, 3 * labels + 1)
        return tf.reduce_mean(tf.nn.softmax(logits), axis=0), tf.cast(parity, tf.float32), tf.reduce_max(x)

    traced = tf.function(step, input_signature=[tf.TensorSpec([None, 3]), tf.TensorSpec([None], tf.int32)])
    expected_total = 0.0
    for n in (3, 2, 5, 8, 4):
        x = np.random.RandomState(n).randn(n, 3).astype("float32")
        labels = np.arange(n, dtype="int32")
        with tf.GradientTape() as tape:  # (the eager reference runs no trace)
            want = step(tf.constant(x), tf.constant(labels))
        runs.pop()
        expected_total += 2 * float(np.sum(x))  # the eager step above changed it too
        got = traced(x, labels)
        for g, w in zip(got, want):
            np.testing.assert_array_equal(g.numpy(), w.numpy())
    np.testing.assert_allclose(total.numpy(), expected_total, rtol=1e-5)
    assert len(runs) == 1 and traced.experimental_get_tracing_count() == 1
    weights.assign(weights * 2.0)  # the replayed graphs read the variables, not their values at the replay
    x, labels = np.ones((5, 3), "float32"), np.arange(5, dtype="int32")
    np.testing.assert_array_equal(traced(x, labels)[0].numpy(), step(tf.constant(x), tf.constant(labels))[0].numpy())


def _gradient_of_a_broadcast(x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(x * tf.constant([[1.0], [2.0]]))
    return tape.gradient(y, x)  # (its formulas reshape and broadcast to the trace's shapes)


def test_a_trace_that_may_depend_on_its_sizes_is_traced_again():
    """What could have put the trace's sizes into its graph sends later sizes back to the traces' fit: a shape read
    by Python, tf.shape's numbers, a captured eager tensor, an op whose attributes hold a size (the reshapes and
    broadcasts of a gradient's formulas), a host callback."""
    outside = tf.constant([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    cases = {
        "shape read": lambda x: x * float(x.shape[-1]),
        "tf.shape": lambda x: x * tf.cast(tf.shape(x)[0], tf.float32),
        "eager tensor": lambda x: x + outside[0],
        "gradient": _gradient_of_a_broadcast,
        "tf.print": lambda x: (tf.print(tf.reduce_sum(x), output_stream="file:///dev/null"), x + 1.0)[1],
    }
    for name, body in cases.items():
        runs = []

        def f(x, body=body, runs=runs):
            runs.append(1)
            return body(x)

        traced = tf.function(f, input_signature=[tf.TensorSpec([None])])
        for n in (2, 3, 4, 5, 6):
            x = tf.constant(np.arange(n, dtype="float32"))
            np.testing.assert_array_equal(traced(x).numpy(), body(x).numpy(), err_msg=name)
        assert len(runs) > 1, name


def test_an_op_error_caught_while_tracing_is_not_taken_for_every_size():
    runs = []

    @tf.function(input_signature=[tf.TensorSpec([None])])
    def f(x):
        runs.append(1)
        try:  # whether the addition fails depends on the size
            return x + tf.constant([1.0, 2.0, 3.0])
        except tf.errors.InvalidArgumentError:
            return x * 2.0

    np.testing.assert_array_equal(f(tf.ones([2])).numpy(), [2.0, 2.0])
    np.testing.assert_array_equal(f(tf.ones([3])).numpy(), [2.0, 3.0, 4.0])
    assert len(runs) == 2


def test_a_size_free_trace_is_not_replayed_at_a_size_that_broadcasts():
    runs = []

    @tf.function(input_signature=[tf.TensorSpec([None])])
    def f(x):
        runs.append(x.ndim)
        return x + tf.constant([1.0, 2.0, 3.0])

    np.testing.assert_array_equal(f(tf.constant([1.0, 1.0, 1.0])).numpy(), [2.0, 3.0, 4.0])
    np.testing.assert_array_equal(f(tf.constant([5.0])).numpy(), [6.0, 7.0, 8.0])  # traced: a size of 1 broadcasts
    with pytest.raises(tf.errors.InvalidArgumentError):
        f(tf.constant([1.0, 2.0]))  # the replayed graph fails as the eager addition does
    assert len(runs) == 2


def test_a_replayed_graph_is_differentiable():
    @tf.function(input_signature=[tf.TensorSpec([None])])
    def f(x):
        return tf.reduce_sum(tf.sin(x) * x)

    for n in (2, 3, 6):
        x = tf.constant(np.linspace(0, 1, n, dtype="float32"))
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = f(x)
        np.testing.assert_allclose(tape.gradient(y, x).numpy(), np.cos(x.numpy()) * x.numpy() + np.sin(x.numpy()),
                                   rtol=1e-6)
    assert f.experimental_get_tracing_count() == 1


@pytest.mark.filterwarnings("ignore:tf.function 'step' was traced")  # the per-shape reference retraces
def test_generalized_training_step_matches_per_shape_traces_bitwise():
    """A Keras train step under input_signature [None, ...]: its first trace makes the optimizer's slots, the next
    ones fit the batch size (the loss's 1 / n among the numbers); the graphs made for later batch sizes without the
    Python function give bitwise what graphs traced per shape give."""
    def make():
        tf.keras.utils.set_random_seed(3)
        model = tf.keras.Sequential([tf.keras.layers.Dense(8, activation="relu"), tf.keras.layers.Dense(3)])
        model(np.zeros((1, 4), "float32"))
        loss_object = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        optimizer = tf.keras.optimizers.Adam(0.01)
        runs = []

        def step(x, y):
            runs.append(1)
            with tf.GradientTape() as tape:
                loss = loss_object(y, model(x, training=True))
            gradients = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(gradients, model.trainable_variables))
            return loss
        return model, step, runs

    model_a, step_a, runs_a = make()
    model_b, step_b, runs_b = make()
    generalized = tf.function(step_a, input_signature=[tf.TensorSpec([None, 4]), tf.TensorSpec([None], tf.int32)])
    per_shape = tf.function(step_b)
    rng = np.random.RandomState(0)
    for n in (16, 15, 14, 13, 12, 9, 7, 12):
        x, y = rng.rand(n, 4).astype("float32"), rng.randint(0, 3, n).astype("int32")
        assert generalized(x, y).numpy() == per_shape(tf.constant(x), tf.constant(y)).numpy()
    for a, b in zip(model_a.weights, model_b.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert len(runs_a) == 4 and len(runs_b) == 7  # 12 again: per_shape reuses its graph


def test_generalized_graph_with_a_cond_and_its_gradient():
    runs = []

    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
    def f(x):
        runs.append(x.shape[0])
        return tf.cond(tf.reduce_sum(x) > 3.0, lambda: x * x, lambda: x - 1.0)

    for n in (2, 3, 5, 6):
        x = np.arange(n, dtype="float32")
        np.testing.assert_array_equal(f(x).numpy(), x * x if x.sum() > 3 else x - 1)
    assert runs == [2, 3]
    x = tf.constant(np.arange(7, dtype="float32"))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(f(x))
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), 2 * np.arange(7))


def test_size_dependence_that_is_not_affine_keeps_tracing_per_shape():
    runs = []

    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
    def f(x):
        runs.append(x.shape[0])
        return x * float(x.shape[0] ** 2)

    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
    def g(x):
        runs.append(-x.shape[0])
        return x + tf.random.uniform([tf.shape(x)[0]]) * 0.0

    for n in (2, 3, 4, 5):
        np.testing.assert_array_equal(f(tf.ones([n])).numpy(), np.full(n, n * n))
        np.testing.assert_array_equal(g(tf.ones([n])).numpy(), np.ones(n))
    assert runs == [2, -2, 3, -3, 4, -4, 5, -5]  # n ** 2 follows no model; each trace draws its random op a seed


def test_python_values_returned_that_follow_the_size_keep_tracing():
    @tf.function(reduce_retracing=True)
    def f(x):
        return x + 1.0, x.shape[0]

    for n in (2, 3, 4, 5):
        assert f(tf.ones([n]))[1] == n


def test_traced_arguments_print_as_tf_placeholders():
    """TF's guide prints arguments while tracing: the parameter's name, and None where the signature is free."""
    shown = []

    @tf.function(reduce_retracing=True)
    def g(x, pair, *rest, scale=None):
        shown.append([str(v) for v in (x, pair[0], pair[1], rest[0], scale)])
        return x

    g(tf.range(3), (tf.ones([2]), tf.zeros([])), tf.ones([1]), scale=tf.constant(2.0))
    g(tf.range(5), (tf.ones([2]), tf.zeros([])), tf.ones([1]), scale=tf.constant(2.0))
    assert shown[0] == ['pt.Tensor("x:0", shape=(3,), dtype=int32)', 'pt.Tensor("pair:0", shape=(2,), dtype=float32)',
                        'pt.Tensor("pair_1:0", shape=(), dtype=float32)',
                        'pt.Tensor("args_2:0", shape=(1,), dtype=float32)', 'pt.Tensor("scale:0", shape=(), '
                        'dtype=float32)']
    assert shown[1][0] == 'pt.Tensor("x:0", shape=(None,), dtype=int32)'  # the relaxed signature's trace

    @tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32, name="features")])
    def f(x):
        shown.append(str(x))
        return x

    f(tf.ones([4, 2]))
    assert shown[-1] == 'pt.Tensor("features:0", shape=(None, 2), dtype=float32)'


def test_python_print_at_trace_time_tf_print_on_every_call(capsys):
    import sys

    @tf.function
    def f(x):
        print("tracing")
        tf.print("value:", x, output_stream=sys.stdout)
        return x + 1

    for v in (1, 2, 3):
        f(tf.constant(v))
    out = capsys.readouterr().out
    assert out.count("tracing") == 1
    assert out.count("value:") == 3 and "value: 3" in out


def test_variables_updated_exactly_once_per_call_in_order():
    v = tf.Variable(1.0)

    @tf.function
    def f(x):
        v.assign(v * 2.0)       # read, then write
        v.assign_add(x)         # reads the new value
        return v.read_value()

    results = [float(f(tf.constant(1.0))) for _ in range(3)]
    assert results == [3.0, 7.0, 15.0] and float(v.numpy()) == 15.0


def test_variable_arguments_trace_once_per_dtype_and_shape():
    # TF 2.21: two Variables of one dtype and shape share a trace (the Python function runs once); another shape or
    # dtype is a new signature. Each call reads and updates its own variable.
    runs = []

    @tf.function
    def bump(v):
        runs.append(1)
        v.assign_add(tf.ones_like(v))
        return v.read_value() * 2

    a, b = tf.Variable(1.0), tf.Variable(5.0)
    assert float(bump(a)) == 4.0 and float(bump(b)) == 12.0 and float(bump(a)) == 6.0
    assert (float(a.numpy()), float(b.numpy())) == (3.0, 6.0)
    assert bump.experimental_get_tracing_count() == 1 and len(runs) == 1
    np.testing.assert_array_equal(bump(tf.Variable([1.0, 2.0])).numpy(), [4.0, 6.0])
    assert int(bump(tf.Variable(1)).numpy()) == 4
    assert bump.experimental_get_tracing_count() == 3 and len(runs) == 3


def test_variable_creation_only_on_first_trace():
    class Model:
        def __init__(self):
            self.v = None

        @tf.function
        def __call__(self, x):
            if self.v is None:
                self.v = tf.Variable(2.0)
            return self.v * x

    m = Model()
    assert float(m(tf.constant(3.0))) == 6.0
    assert float(m(tf.constant(4.0))) == 8.0

    @tf.function
    def g(x):
        return tf.Variable(1.0) * x

    # TF traces a first call that made variables twice, finding that every call makes one: its first call raises
    with pytest.raises(ValueError, match="only supports singleton tf.Variables created on the first call"):
        g(tf.constant(1.0))

    made = []

    @tf.function
    def h(x):
        made.append(tf.Variable(1.0))  # kept, but made again by each trace
        return made[-1] * x

    h(tf.constant(1.0))
    with pytest.raises(ValueError, match="only supports singleton tf.Variables created on the first call"):
        h(tf.constant([1.0, 2.0]))


def test_methods_get_one_cache_per_instance():
    class Scale:
        def __init__(self, k):
            self.k = k

        @tf.function
        def apply(self, x):
            return x * self.k

    a, b = Scale(2.0), Scale(3.0)
    x = tf.constant(1.0)
    assert float(a.apply(x)) == 2.0 and float(b.apply(x)) == 3.0
    assert a.apply.experimental_get_tracing_count() == 1 and b.apply.experimental_get_tracing_count() == 1
    assert a.apply is a.apply


def test_run_functions_eagerly_runs_python_each_call():
    calls = []

    @tf.function
    def f(x):
        calls.append(1)
        return x + 1

    tf.config.run_functions_eagerly(True)
    try:
        f(tf.constant(1))
        f(tf.constant(2))
    finally:
        tf.config.run_functions_eagerly(False)
    assert len(calls) == 2 and f.experimental_get_tracing_count() == 0


def test_attributes_and_repr():
    def square(x):
        """Squares."""
        return x * x

    f = tf.function(square, jit_compile=True)
    assert f.python_function is square and f.__name__ == "square" and f.__doc__ == "Squares."
    assert f.input_signature is None and "square" in repr(f)
    g = tf.function(input_signature=[tf.TensorSpec([2], tf.float32)])(square)
    assert g.input_signature[0] == tf.TensorSpec([2], tf.float32)


def test_functions_call_functions():
    @tf.function
    def inner(x):
        return x * 2.0

    @tf.function
    def outer(x):
        return inner(x) + 1.0

    assert float(outer(tf.constant(1.0))) == 3.0 and float(outer(tf.constant(2.0))) == 5.0
    # inner's ops are inlined into outer's graph (as nodes, or fused into one element-wise program with outer's add)
    text = outer.get_concrete_function(tf.constant(1.0)).graph.pretty_printed()
    assert "multiply(" in text and "add(" in text and "= PartitionedCall" not in text


def test_symbolic_tensors_refuse_python_control_flow():
    @tf.function(autograph=False)  # with AutoGraph (the default) the `if` becomes a tf.cond
    def f(x):
        if x > 0:
            return x
        return -x

    with pytest.raises(tf.errors.OperatorNotAllowedInGraphError, match="tf.cond"):
        f(tf.constant(1.0))


@pytest.mark.parametrize("convert, error", [
    (float, TypeError), (int, TypeError), (lambda t: t.item(), TypeError), (lambda t: t.numpy(), TypeError),
    (np.asarray, NotImplementedError),  # TF: "Cannot convert a symbolic tf.Tensor ... to a numpy array"
])
def test_symbolic_tensors_refuse_conversion_to_python_values(convert, error):
    # Taking the trace's value would freeze it into the graph: f(3) would return 6 for every later input.
    @tf.function(autograph=False)
    def f(x):
        return convert(x * 2.0)

    with pytest.raises(error, match=r"symbolic tf.Tensor \(multiply:0\).*tf.py_function"):
        f(tf.constant(3.0))
    assert float(tf.constant(3.0) * 2.0) == 6.0  # eager tensors still convert


def test_autograph_converts_float_and_int_of_traced_tensors_to_casts():
    # TF's AutoGraph turns float(x) / int(x) of a tensor into tf.cast(x, tf.float32 / tf.int32), called directly or
    # through another name; each call computes from its own input.
    to_int = int

    @tf.function
    def f(x):
        return float(x * 2), to_int(x * 2), int("7", 8)

    for value, expected in ((3.5, (7.0, 7)), (-1.25, (-2.5, -2))):
        a, b, c = f(tf.constant(value))
        assert (a.dtype, b.dtype) == (tf.float32, tf.int32)
        assert (float(a), int(b), c) == (*expected, 7)
    assert f.experimental_get_tracing_count() == 1


def test_executing_eagerly_is_false_while_tracing():
    seen = []

    @tf.function
    def f(x):
        seen.append(tf.executing_eagerly())
        with tf.init_scope():  # lifted out of the graph, as TF's init_scope
            seen.append(tf.executing_eagerly())
        return x

    f(tf.constant(1.0))
    assert seen == [False, True] and tf.executing_eagerly()


def test_py_function_and_numpy_function_run_on_every_call():
    # TF's EagerPyFunc is a graph op: the Python function runs on each call's values (the trace being the first
    # call), not once at trace time with its result frozen in as a constant.
    seen = []

    def count(a):
        seen.append(a.numpy().tolist())
        return a * 2.0 + len(seen)

    @tf.function
    def f(x):
        doubled = tf.py_function(count, [x], tf.float32)
        flipped, positive = tf.numpy_function(lambda a: (-a, a > 0), [x], [tf.float32, tf.bool])
        return doubled + 1.0, flipped, positive

    for value, expected in (([1.0, -2.0], [4.0, -2.0]), ([3.0, 0.5], [9.0, 4.0]), ([0.0, 1.0], [4.0, 6.0])):
        doubled, flipped, positive = f(tf.constant(value))
        assert doubled.dtype == tf.float32 and positive.dtype == tf.bool
        np.testing.assert_array_equal(doubled.numpy(), expected)
        np.testing.assert_array_equal(flipped.numpy(), [-v for v in value])
        np.testing.assert_array_equal(positive.numpy(), [v > 0 for v in value])
    assert seen == [[1.0, -2.0], [3.0, 0.5], [0.0, 1.0]] and f.experimental_get_tracing_count() == 1


def test_py_function_is_differentiable_inside_tf_function():
    # TF differentiates EagerPyFunc by running the function again under a tape: z = 2 x^3, dz/dx = 6 x^2, on each
    # call's own x (the gradient is a host callback too, not the trace's number).
    @tf.function
    def f(x, k):
        with tf.GradientTape() as tape:
            tape.watch(x)
            z = 2.0 * tf.py_function(lambda a, n: a ** n, [x, k], tf.float32)
        return z, tape.gradient(z, x)

    for x, z, dz in ((2.0, 16.0, 24.0), (3.0, 54.0, 54.0), (-1.0, -2.0, 6.0)):
        got = f(tf.constant(x), tf.constant(3.0))
        assert (float(got[0]), float(got[1])) == (z, dz)
    assert f.experimental_get_tracing_count() == 1


def test_py_function_output_shape_must_keep_the_traced_calls_shape():
    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
    def f(x):
        return tf.py_function(lambda a: a[: int(a[0])], [x], tf.float32)

    np.testing.assert_array_equal(f(tf.constant([2.0, 5.0, 7.0])).numpy(), [2.0, 5.0])
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"py_function: the function returned shape \(1,\)"):
        f(tf.constant([1.0, 5.0, 7.0]))


def test_random_ops_draw_fresh_numbers_each_call():
    @tf.function
    def f():
        return tf.random.uniform([4])

    a, b, c = f().numpy(), f().numpy(), f().numpy()
    assert not np.array_equal(a, b) and not np.array_equal(b, c)


def test_string_arguments_are_traced_once_per_shape():
    """TF traces a string argument by dtype and shape: its ops are the graph's (host callbacks here), run on each
    call's strings; numeric results of string ops feed the graph's tensors."""
    runs = []

    @tf.function
    def f(words, scale):
        runs.append(str(words))
        shouted = tf.strings.upper(words + "!")
        return shouted, tf.cast(tf.strings.length(words), tf.float32) * scale, "prefix-" + words[0]

    for values in (["ab", "c"], ["hello", ""], ["x", "yz"]):
        shouted, lengths, first = f(tf.constant(values), tf.constant(2.0))
        assert shouted.numpy().tolist() == [v.upper().encode() + b"!" for v in values]
        np.testing.assert_array_equal(lengths.numpy(), [2.0 * len(v) for v in values])
        assert first.numpy() == b"prefix-" + values[0].encode()
    assert runs == ['pt.Tensor("words:0", shape=(2,), dtype=string)'] and f.experimental_get_tracing_count() == 1
    f(tf.constant(["a", "b", "c"]), tf.constant(1.0))  # a new shape: a new trace
    assert len(runs) == 2 and f.experimental_get_tracing_count() == 2

    concrete = f.get_concrete_function(tf.TensorSpec([2], tf.string), tf.TensorSpec([], tf.float32))
    assert concrete is f.get_concrete_function(tf.constant(["q", "r"]), tf.constant(1.0)) and len(runs) == 2
    assert concrete(tf.constant(["one", "three"]), tf.constant(1.0))[0].numpy().tolist() == [b"ONE!", b"THREE!"]


def test_a_string_value_read_while_tracing_gives_a_graph_per_value():
    runs = []

    @tf.function(input_signature=[tf.TensorSpec([], tf.string)])
    def f(key):
        runs.append(1)
        table = {b"a": 1, b"b": 2}
        return tf.constant(table.get(key.numpy(), 0)) + tf.strings.length(key)  # Python reads the value

    assert [f(k).numpy() for k in ("a", "b", "a", "zz")] == [2, 3, 2, 2]
    assert len(runs) == 3 and f.experimental_get_tracing_count() == 1


def test_string_ops_whose_results_take_the_values_shape_give_a_graph_per_value():
    runs = []

    @tf.function
    def f(text):
        runs.append(1)
        return tf.strings.reduce_join(tf.strings.split(text), separator="+") + text

    assert f(tf.constant("a b")).numpy() == b"a+ba b"
    assert f(tf.constant("c d e")).numpy() == b"c+d+ec d e"  # split's result has a size of the value's
    assert len(runs) == 2


def test_a_string_op_whose_result_changes_shape_in_the_graph_raises():
    from pytensor._string_graph import string_op

    @string_op
    def repeat_by_length(text):  # a result shape of the value's, declared shape-preserving
        value = text.numpy()
        return tf.constant([value] * len(value))

    @tf.function
    def f(text):
        return repeat_by_length(text)

    assert f(tf.constant("ab")).numpy().tolist() == [b"ab", b"ab"]
    with pytest.raises(tf.errors.InvalidArgumentError, match="keep the traced shapes"):
        f(tf.constant("abc"))


def test_a_string_value_of_another_trace_is_out_of_scope():
    leaked = []

    @tf.function
    def keep(text):
        leaked.append(text + "!")
        return text

    @tf.function
    def give():
        return leaked[0]

    keep(tf.constant("a"))
    with pytest.raises(TypeError, match="out of scope"):
        give()
