"""tf.function's call fast path and its concrete-function API (TF's guide 'function'): signatures' text, concrete
functions' calls, TraceType, GraphDef; and the guide's Python forms (global, recursion, py_function decorator)."""
import numpy as np
import pytest

import pytensor as tf


def test_fast_path_keeps_the_retracing_rules():
    traces = []

    @tf.function
    def f(a, b):
        traces.append((tuple(a.shape), a.dtype.name))
        return a * 2.0 + b

    x, y = tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0])
    for _ in range(3):
        np.testing.assert_array_equal(f(x, y).numpy(), [5.0, 8.0])
    np.testing.assert_array_equal(f(tf.constant([1.0]), tf.constant([0.5])).numpy(), [2.5])  # a new shape
    np.testing.assert_array_equal(f(tf.constant([[1.0]]), tf.constant([[1.0]])).numpy(), [[3.0]])  # a new rank
    np.testing.assert_array_equal(f(x, b=y).numpy(), [5.0, 8.0])  # a keyword naming a positional parameter: no trace
    assert traces == [((2,), "float32"), ((1,), "float32"), ((1, 1), "float32")]
    assert f.experimental_get_tracing_count() == 3
    f._concrete = {}  # a new table (saved_model restores one) empties the fast path's too
    f(x, y)
    assert len(traces) == 4


def test_fast_path_tells_dtypes_apart_and_keeps_input_signature_checks():
    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
    def g(v):
        return v + 1.0

    assert g(tf.constant([1.0])).numpy().tolist() == [2.0]
    assert g(tf.constant([1.0])).numpy().tolist() == [2.0]
    with pytest.raises(TypeError, match="dtype int32"):
        g(tf.constant([1]))
    with pytest.raises(TypeError, match="incompatible with input_signature"):
        g(tf.constant([[1.0]]))

    @tf.function
    def h(v):
        return v + v

    assert h(tf.constant(1)).dtype == tf.int32 and h(tf.constant(1.5)).dtype == tf.float32
    assert h(tf.constant(1)).numpy() == 2 and h(tf.constant(1.5)).numpy() == 3.0


def test_pretty_printed_concrete_signatures_in_tf_format():
    @tf.function
    def double(a):
        return a + a

    double(tf.constant(1))
    double(tf.constant(1.1))
    assert double.pretty_printed_concrete_signatures() == (
        "Input Parameters:\n  a (POSITIONAL_OR_KEYWORD): TensorSpec(shape=(), dtype=pt.int32, name=None)\n"
        "Output Type:\n  TensorSpec(shape=(), dtype=pt.int32, name=None)\nCaptures:\n  None\n\n"
        "Input Parameters:\n  a (POSITIONAL_OR_KEYWORD): TensorSpec(shape=(), dtype=pt.float32, name=None)\n"
        "Output Type:\n  TensorSpec(shape=(), dtype=pt.float32, name=None)\nCaptures:\n  None")

    @tf.function
    def f(x, y=2, *, z=None):
        return [x, {"a": x * 2}]

    concrete = f.get_concrete_function(tf.constant([1.0, 2.0]))
    spec = "TensorSpec(shape=(2,), dtype=pt.float32, name=None)"
    assert concrete.pretty_printed_signature(verbose=False) == (
        f"(x: {spec}, y: Literal[2], *, z: Literal[None]) -> List[{spec}, Dict[['a', {spec}]]]")
    assert repr(concrete).startswith(f"<ConcreteFunction (x: {spec}, ")
    assert str(concrete.function_type) == concrete.pretty_printed_signature(verbose=False)
    assert repr(tf.TensorSpec(None, tf.float32)) == "TensorSpec(shape=<unknown>, dtype=pt.float32, name=None)"
    assert repr(tf.TensorSpec([None, 3], tf.int32, "x")) == "TensorSpec(shape=(None, 3), dtype=pt.int32, name='x')"

    v = tf.Variable(1.0)

    @tf.function
    def with_capture(x):
        return x + v

    with_capture(tf.constant(1.0))
    assert with_capture.pretty_printed_concrete_signatures().endswith(
        f"Captures:\n  {id(v)}: TensorSpec(shape=(), dtype=tf.resource, name=None)")


def test_concrete_function_takes_its_tensor_parameters():
    @tf.function
    def power(a, b):
        return a ** b

    square = power.get_concrete_function(a=tf.TensorSpec(None, tf.float32), b=2)  # unknown rank: traced as a scalar
    assert square(tf.constant(10.0)).numpy() == 100.0
    assert square(a=tf.constant(3.0)).numpy() == 9.0
    np.testing.assert_array_equal(square(tf.constant([1.0, 3.0])).numpy(), [1.0, 9.0])  # another shape: traced
    with pytest.raises(TypeError, match="unexpected keyword argument 'b'"):
        square(tf.constant(10.0), b=3)
    with pytest.raises(TypeError, match="takes 1 tensor arguments"):
        square(tf.constant(1.0), tf.constant(2.0))
    with pytest.raises(tf.errors.InvalidArgumentError, match="another dtype"):
        square(tf.constant(1))
    assert square.inference_fn(tf.constant(4.0))[0].numpy() == 16.0


def test_string_tensors_are_one_signature_and_their_concrete_function_runs_any_value():
    @tf.function
    def double(a):
        return a + a

    double(tf.constant("a"))
    concrete = double.get_concrete_function(tf.TensorSpec(shape=[], dtype=tf.string))
    assert concrete(tf.constant("b")).numpy() == b"bb"
    assert concrete(a=tf.constant("c")).numpy() == b"cc"
    assert double(tf.constant("d")).numpy() == b"dd"
    assert double.experimental_get_tracing_count() == 1
    with pytest.raises(tf.errors.InvalidArgumentError):
        concrete(tf.constant(1))


def test_trace_type_decides_which_calls_share_a_graph():
    class KindType(tf.types.experimental.TraceType):
        def __init__(self, obj):
            self.kind = type(obj)

        def is_subtype_of(self, other):
            return self == other

        def most_specific_common_supertype(self, others):
            return self if all(self == o for o in others) else None

        def placeholder_value(self, placeholder_context=None):
            return None

        def __eq__(self, other):
            return type(other) is KindType and other.kind is self.kind

        def __hash__(self):
            return hash(self.kind)

    class Fruit:
        def __tf_tracing_type__(self, context):
            return KindType(self)

    class Apple(Fruit):
        flavor = tf.constant([1, 2])

    class Mango(Fruit):
        flavor = tf.constant([3, 4])

    @tf.function
    def mix(a, b):
        return a.flavor + b.flavor

    for _ in range(3):  # new instances, equal trace types: one graph
        np.testing.assert_array_equal(mix(Apple(), Mango()).numpy(), [4, 6])
    assert mix.experimental_get_tracing_count() == 1
    np.testing.assert_array_equal(mix(Mango(), Mango()).numpy(), [6, 8])
    assert mix.experimental_get_tracing_count() == 2
    with pytest.raises(TypeError):
        tf.types.experimental.TraceType()  # abstract


def test_graph_def_lists_the_graph_operations():
    @tf.function
    def f(x):
        return tf.nn.relu(x * 2.0) + 1.0

    graph = f.get_concrete_function(tf.constant([1.0, -1.0])).graph
    graph_def = graph.as_graph_def()
    ops = graph.get_operations()
    assert [n.name for n in graph_def.node] == [op.name for op in ops]
    assert [n.op for n in graph_def.node] == [op.type for op in ops]
    for node, op in zip(graph_def.node, ops):
        assert node.input == [t.name.removesuffix(":0") for t in op.inputs]
    assert str(graph_def).count("node {") == len(ops)


def test_global_declaration_and_recursion_in_converted_functions():
    global LEAKED
    LEAKED = None

    @tf.function
    def leaky(a):
        global LEAKED
        LEAKED = a + 1
        return a + 2

    assert leaky(tf.constant(1)).numpy() == 3
    assert LEAKED is not None

    depths = []

    @tf.function
    def countdown(n):
        if n > 0:
            depths.append(n)
            return countdown(n - 1)
        return 1

    assert countdown(3) == 1 and depths == [3, 2, 1]


def test_py_function_as_a_decorator_and_tf_print_in_a_traced_loop(capfd):
    @tf.py_function(Tout=tf.float32)
    def plus(x, y):
        return x + y

    @tf.function
    def wrapper(x, y):
        return plus(x, y)

    assert wrapper(tf.constant(1.0), tf.constant(2.0)).numpy() == 3.0

    @tf.function
    def halve(x):
        while tf.reduce_sum(x) > 1.0:
            tf.print(x)
            x = x / 2.0
        return x

    assert halve(tf.constant([4.0])).numpy().tolist() == [1.0]
    assert capfd.readouterr().err.split() == ["[4]", "[2]"]  # tf.print writes to stderr, as TF's


def test_a_global_assigned_under_a_python_condition_converts():
    """TF's random-numbers guide makes its state on the first call: `global g` then `if g is None: g = ...`; the
    generated branch functions assign the module's name (the condition is Python, so only the taken branch runs)."""
    global LAZY
    LAZY = None

    @tf.function
    def lazy(x):
        global LAZY
        if LAZY is None:
            LAZY = tf.Variable(3.0)
        for _ in range(2):
            LAZY.assign_add(x)
        return LAZY * 2.0

    assert float(lazy(tf.constant(1.0))) == 10.0 and float(lazy(tf.constant(1.0))) == 14.0
    assert isinstance(LAZY, tf.Variable) and float(LAZY) == 7.0
