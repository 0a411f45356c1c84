"""TF1 graphs (``tf.compat.v1.Graph``) built beside eager execution.

A graph is a list of operations in creation order (a topological order). An operation is a Python call of a
pytensor function (``fn(*args, **kwargs)``) whose arguments hold graph tensors (placeholders, other operations'
outputs) or graph variables; it is recorded instead of run. Its outputs' static shapes come from running `fn` on
example values twice (unknown dimensions as 2, then 3; once when every input shape is known): dimensions that
agree are known, the others None.

``Session.run`` (_session.py) turns the operations a fetch needs into a Python function of the fed values that
runs them in order, and compiles that with ``tf.function``: the C++ graph capture records it once per feed
signature and the C++ executor runs it afterwards (csrc/graph). So TF1 graphs are the same graphs as
``tf.function``'s, and a graph tensor never holds a value itself.

Ops on eager tensors stay eager: only calls that receive a graph tensor or a graph variable build nodes, so eager
code keeps working in a program that also builds TF1 graphs (TensorFlow 2 refuses placeholders while eager
execution is on; pytensor does not).
"""

import contextlib
import functools
import operator
import threading

import pytensor as _pt
from pytensor import _scopes
from pytensor.tensor_shape import TensorShape

# Sizes that stand in for unknown dimensions in the two example runs of an operation.
_EXAMPLE_SIZES = (2, 3)

_state = threading.local()  # .graphs: the graphs entered with as_default() on this thread, innermost last
_eager = {"disabled": False}


def _graph_stack():
    stack = getattr(_state, "graphs", None)
    if stack is None:
        stack = _state.graphs = []
    return stack


class _NameStack:
    """The name scope ops and variables take inside ``variable_scope`` / ``name_scope`` (``'outer/inner/'``)."""

    @staticmethod
    def current():
        return getattr(_state, "scope", "")

    @staticmethod
    @contextlib.contextmanager
    def push(prefix):
        previous = _NameStack.current()
        _state.scope = prefix
        try:
            yield
        finally:
            _state.scope = previous


class Graph:
    """A TF1 graph: operations in creation order, collections, unique names. ``with g.as_default():`` makes it
    the graph new placeholders and operations join.

    Example:
        >>> g = tf.compat.v1.Graph()
        >>> with g.as_default():
        ...     x = tf.compat.v1.placeholder(tf.float32, [None, 3])
    """

    def __init__(self):
        self._operations = []
        self._by_name = {}
        self._name_counts = {}
        self._collections = {}
        self._variables_by_name = {}   # get_variable's store: full name -> variable
        self._scope_counts = {}        # variable scopes opened by default name -> how many so far
        self._graph_variables = {}     # id -> variable, every variable that needs an initializer in a session
        self._finalized = False
        self.seed = None

    # ---- names ----
    def unique_name(self, name, mark_as_used=True):
        """`name` under the current name scope, with ``_1``, ``_2`` ... appended when already taken."""
        full = _NameStack.current() + name
        count = self._name_counts.get(full, 0)
        unique = full if count == 0 else f"{full}_{count}"
        while unique in self._name_counts and unique != full:
            count += 1
            unique = f"{full}_{count}"
        if mark_as_used:
            self._name_counts[full] = count + 1
            self._name_counts.setdefault(unique, 1)
        return unique

    # ---- default graph ----
    @contextlib.contextmanager
    def as_default(self):
        """Makes this the default graph on this thread for the block."""
        stack = _graph_stack()
        stack.append(self)
        try:
            yield self
        finally:
            stack.pop()

    # ---- operations ----
    def _add(self, op):
        if self._finalized:
            raise RuntimeError("Graph is finalized and cannot be modified.")
        op._id = len(self._operations)
        self._operations.append(op)
        self._by_name[op.name] = op

    def get_operations(self):
        """The operations in creation order."""
        return list(self._operations)

    def get_operation_by_name(self, name):
        if name not in self._by_name:
            raise KeyError(f"The name {name!r} refers to an Operation not in the graph.")
        return self._by_name[name]

    def get_tensor_by_name(self, name):
        op_name, _, index = name.partition(":")
        if not index.isdigit():
            raise ValueError(f"The name {name!r} looks like an (invalid) Operation name, not a Tensor. Tensor names "
                             f"must be of the form \"<op_name>:<output_index>\".")
        op = self.get_operation_by_name(op_name)
        if int(index) >= len(op.outputs):
            raise KeyError(f"The name {name!r} refers to a Tensor which does not exist: operation {op_name!r} has "
                           f"{len(op.outputs)} outputs.")
        return op.outputs[int(index)]

    def as_graph_element(self, obj):
        """`obj` (a tensor, an operation or a ``"name:0"`` / ``"name"`` string) as an element of this graph."""
        if isinstance(obj, str):
            return self.get_tensor_by_name(obj) if ":" in obj else self.get_operation_by_name(obj)
        if isinstance(obj, (Tensor, Operation)):
            if obj.graph is not self:
                raise ValueError(f"{type(obj).__name__} {obj!r} is not an element of this graph.")
            return obj
        raise TypeError(f"Can not convert a {type(obj).__name__} into a Tensor or Operation.")

    # ---- collections ----
    def add_to_collection(self, name, value):
        self._collections.setdefault(name, []).append(value)

    def add_to_collections(self, names, value):
        for name in ([names] if isinstance(names, str) else names):
            self.add_to_collection(name, value)

    def get_collection(self, name, scope=None):
        """A copy of collection `name` (items whose name starts with `scope`, when given)."""
        items = list(self._collections.get(name, ()))
        if scope is not None:
            items = [x for x in items if getattr(x, "name", "").startswith(scope)]
        return items

    def get_collection_ref(self, name):
        return self._collections.setdefault(name, [])

    def get_all_collection_keys(self):
        return list(self._collections)

    # ---- state ----
    def finalize(self):
        """Makes the graph read-only (new operations raise RuntimeError)."""
        self._finalized = True

    @property
    def finalized(self):
        return self._finalized

    def _needs_initializer(self, variable):
        return id(variable) in self._graph_variables

    def __repr__(self):
        return f"<pytensor.compat.v1.Graph object at 0x{id(self):x} with {len(self._operations)} operations>"


_default_graph = [Graph()]


def get_default_graph():
    """The graph new operations join: the innermost ``as_default()`` graph, else the global default graph."""
    stack = _graph_stack()
    return stack[-1] if stack else _default_graph[0]


def reset_default_graph():
    """Replaces the global default graph with an empty one (variables and sessions of the old one stay usable with
    it). Raises AssertionError inside ``Graph.as_default()``, as TF."""
    if _graph_stack():
        raise AssertionError("Do not use tf.reset_default_graph() to clear nested graphs. If you need a cleared "
                             "graph, exit the nesting and create a new graph.")
    _default_graph[0] = Graph()


def disable_eager_execution():
    """Switches ``tf.compat.v1`` to TF1 graph semantics: its variables become graph variables (initialised by a
    session) and ``executing_eagerly()`` is False. Eager ops on eager tensors keep working."""
    _eager["disabled"] = True


def enable_eager_execution(config=None, device_policy=None, execution_mode=None):
    """Undoes :func:`disable_eager_execution`."""
    _eager["disabled"] = False


def graph_mode():
    """True when TF1 graph semantics are on: eager execution disabled, or a graph entered with ``as_default()``."""
    return _eager["disabled"] or bool(_graph_stack())


def _not_graph_mode():
    return not graph_mode()


_scopes.eager_checks.append(_not_graph_mode)  # tf.executing_eagerly() is False under TF1 graph semantics


# ---- graph tensors and operations -----------------------------------------------------------------------------

class Tensor:
    """An output of a graph operation: no value until ``Session.run`` computes one.

    ``name`` is ``"<operation>:<index>"``; ``shape`` has None for dimensions not known before running.
    Python operators on it, and the ``tf.compat.v1`` functions, add operations to its graph.
    """

    __slots__ = ("op", "value_index", "dtype", "_shape", "_examples", "__weakref__")
    __array_ufunc__ = None  # numpy defers `array + tensor` to the tensor's reflected operator
    _pytensor_symbolic_message = (
        "is a tf.compat.v1 graph tensor: it has no value until Session.run computes one. Use tf.compat.v1's "
        "functions on it (import pytensor.compat.v1 as tf, then tf.matmul ...): they add operations to its graph.")

    def __init__(self, op, value_index, dtype, shape, examples):
        self.op = op
        self.value_index = value_index
        self.dtype = dtype
        self._shape = shape
        self._examples = examples  # one example value per _EXAMPLE_SIZES (shape inference of later operations)

    @property
    def name(self):
        return f"{self.op.name}:{self.value_index}"

    @property
    def graph(self):
        return self.op.graph

    @property
    def shape(self):
        return self._shape

    def get_shape(self):
        return self._shape

    def set_shape(self, shape):
        """Narrows the static shape (TF1's ``set_shape``); ValueError when incompatible."""
        shape = TensorShape(shape)
        if not self._shape.is_compatible_with(shape):
            raise ValueError(f"Tensor's shape {self._shape} is not compatible with supplied shape {shape}")
        self._shape = shape if self._shape.rank is None else TensorShape(
            [a if a is not None else b for a, b in zip(self._shape.as_list(), shape.as_list())])

    @property
    def ndim(self):
        return self._shape.rank

    def eval(self, feed_dict=None, session=None):
        """The tensor's value computed in `session` (default: the default session)."""
        from . import _session
        return _session._session_for(session, "Tensor.eval()").run(self, feed_dict)

    def consumers(self):
        return [op for op in self.graph._operations if any(t is self for t in op.inputs)]

    def __repr__(self):
        return f"<tf.Tensor '{self.name}' shape={self._shape} dtype={self.dtype.name}>"

    def __str__(self):
        return f'Tensor("{self.name}", shape={self._shape}, dtype={self.dtype.name})'

    def __hash__(self):
        return id(self)

    def __eq__(self, other):  # graph tensors compare by identity (TF1); tf.equal compares values
        return self is other

    def __ne__(self, other):
        return self is not other

    def __bool__(self):
        raise TypeError("Using a tf.compat.v1 graph tensor as a Python `bool` is not allowed: its value is not known "
                        "until Session.run. Use tf.cond for conditions on tensors, or fetch it with sess.run first.")

    def __iter__(self):
        if self._shape.rank is None:
            raise TypeError("Cannot iterate over a tensor of unknown shape.")
        if not self._shape.rank:
            raise TypeError("Cannot iterate over a scalar tensor.")
        n = self._shape.as_list()[0]
        if n is None:
            raise TypeError("Cannot iterate over a tensor with an unknown first dimension; use tf.unstack(x, num=).")
        return iter([self[i] for i in range(n)])

    def __len__(self):
        raise TypeError(f"len is not well defined for a graph tensor ({self.name}); use tf.shape(x)[0].")

    # Python operators: operations computing the same as pytensor's eager operators.
    def __getitem__(self, key):
        return record(operator.getitem, (self, key), {}, "strided_slice")

    def __neg__(self):
        return record(_pt.negative, (self,), {}, "Neg")

    def __abs__(self):
        return record(_pt.abs, (self,), {}, "Abs")

    def __invert__(self):
        return record(_pt.logical_not, (self,), {}, "LogicalNot")

    def __pos__(self):
        return self


def _binary(function, type_name, reflected=False):
    def operator_method(self, other):
        args = (other, self) if reflected else (self, other)
        return record(function, args, {}, type_name)
    return operator_method


for _name, _function, _type in (
        ("add", operator.add, "add"), ("sub", operator.sub, "sub"), ("mul", operator.mul, "mul"),
        ("truediv", operator.truediv, "truediv"), ("floordiv", operator.floordiv, "floordiv"),
        ("mod", operator.mod, "mod"), ("pow", operator.pow, "pow"), ("matmul", operator.matmul, "MatMul"),
        ("and", operator.and_, "LogicalAnd"), ("or", operator.or_, "LogicalOr"),
        ("xor", operator.xor, "LogicalXor")):
    setattr(Tensor, f"__{_name}__", _binary(_function, _type))
    setattr(Tensor, f"__r{_name}__", _binary(_function, _type, reflected=True))
for _name, _function, _type in (("lt", operator.lt, "Less"), ("le", operator.le, "LessEqual"),
                                ("gt", operator.gt, "Greater"), ("ge", operator.ge, "GreaterEqual")):
    setattr(Tensor, f"__{_name}__", _binary(_function, _type))


class Operation:
    """A node of a graph: a recorded call, its inputs (graph tensors), outputs and control inputs.

    ``sess.run(op)`` runs it and returns None; ``op.run()`` does so in the default session.
    """

    def __init__(self, graph, type_name, name, compute, args=(), kwargs=None, control_inputs=(), reads=(),
                 initializes=(), needs_tape=False):
        self.graph = graph
        self.type = type_name
        self.name = graph.unique_name(name or type_name)
        self._compute = compute       # fn(*args, **kwargs) with graph tensors replaced by their values
        self._args = args
        self._kwargs = kwargs or {}
        self.inputs = [x for x in _leaves((args, self._kwargs)) if isinstance(x, Tensor)]
        self.control_inputs = list(control_inputs) + list(_control_stack(graph))
        self.outputs = []
        self._reads = [v for v in _leaves((args, self._kwargs)) if isinstance(v, _pt.Variable)] + list(reads)
        self._initializes = list(initializes)
        self._needs_tape = needs_tape  # gradients: the session runs the forward operations under a tape
        self._placeholder = None       # placeholder operations: (shape, default value or None)
        self._id = -1
        graph._add(self)

    def run(self, feed_dict=None, session=None):
        """Runs the operation in `session` (default: the default session)."""
        from . import _session
        _session._session_for(session, "Operation.run()").run(self, feed_dict)

    def values(self):
        return tuple(self.outputs)

    def __repr__(self):
        return f"<tf.Operation '{self.name}' type={self.type}>"

    def _call(self, values, context):
        """Runs the recorded call on the values of its inputs; returns the output values in order."""
        args, kwargs = _map_leaves((self._args, self._kwargs), lambda x: _value(x, values))
        if self._needs_tape:
            result = self._compute(context, *args, **kwargs)
        else:
            result = self._compute(*args, **kwargs)
        return [_as_tensor_value(x) for x in _leaves(result) if _is_value(x)]


def _control_stack(graph):
    return [op for ops in getattr(_state, "control", {}).get(id(graph), ()) for op in ops]


@contextlib.contextmanager
def control_dependencies(control_inputs):
    """Operations created in the block run after `control_inputs` (operations or tensors) in a session."""
    graph = get_default_graph()
    ops = [] if control_inputs is None else [x.op if isinstance(x, Tensor) else x for x in control_inputs]
    stacks = getattr(_state, "control", None)
    if stacks is None:
        stacks = _state.control = {}
    stack = stacks.setdefault(id(graph), [])
    stack.append(ops)
    try:
        yield
    finally:
        stack.pop()


def _value(x, values):
    """The value a recorded call sees for argument leaf `x`: a graph tensor's computed value, a graph variable's
    value read now (a variable read in the compiled graph), anything else as given."""
    if isinstance(x, Tensor):
        return values[x]
    if getattr(x, "_graph", None) is not None and isinstance(x, _pt.Variable):
        return _pt.Variable.read_value(x)
    return x


def _is_value(x):
    return isinstance(x, (_pt.Tensor, _pt.Variable))


def _as_tensor_value(x):
    return _pt.Variable.read_value(x) if isinstance(x, _pt.Variable) else x


# ---- nested arguments -----------------------------------------------------------------------------------------

def _leaves(structure):
    """The leaves of lists, tuples and dicts (dicts in their own order), depth first."""
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in _leaves(item)]
    if isinstance(structure, dict):
        return [leaf for item in structure.values() for leaf in _leaves(item)]
    return [structure]


def _map_leaves(structure, fn):
    if isinstance(structure, tuple) and hasattr(structure, "_fields"):
        return type(structure)(*[_map_leaves(x, fn) for x in structure])
    if isinstance(structure, (list, tuple)):
        return type(structure)(_map_leaves(x, fn) for x in structure)
    if isinstance(structure, dict):
        return type(structure)((k, _map_leaves(v, fn)) for k, v in structure.items())
    return fn(structure)


def is_graph_value(x):
    """True for what makes a call build a graph operation: a graph tensor, or a variable of a TF1 graph."""
    return isinstance(x, Tensor) or getattr(x, "_graph", None) is not None


def _graph_of(values, what):
    graphs = []
    for v in values:
        g = v.graph if isinstance(v, Tensor) else v._graph
        if not any(g is h for h in graphs):
            graphs.append(g)
    if len(graphs) > 1:
        names = ", ".join(repr(v.name) for v in values)
        raise ValueError(f"{what}: the inputs ({names}) are from different graphs; an operation's inputs must be "
                         f"from the same graph (build them inside one `with graph.as_default():` block).")
    return graphs[0]


# ---- recording ------------------------------------------------------------------------------------------------

def record(fn, args, kwargs, type_name, name=None):
    """``fn(*args, **kwargs)`` as an operation of the graph of its graph arguments; returns the call's result with
    each output tensor replaced by a graph tensor. Without graph arguments, the call runs eagerly."""
    graph_args = [x for x in _leaves((args, kwargs)) if is_graph_value(x)]
    if not graph_args:
        return fn(*args, **kwargs)
    graph = _graph_of(graph_args, type_name)
    if all(x.shape.is_fully_defined() for x in graph_args if isinstance(x, Tensor)):
        examples = [_example_call(fn, args, kwargs, 0)] * len(_EXAMPLE_SIZES)  # no unknown size: one run tells
    else:
        examples = [_example_call(fn, args, kwargs, i) for i in range(len(_EXAMPLE_SIZES))]
    unknown_rank = any(isinstance(x, Tensor) and x.shape.rank is None for x in graph_args)
    op = Operation(graph, type_name, name or (kwargs.get("name") if isinstance(kwargs.get("name"), str) else None),
                   fn, args, kwargs)
    return _outputs(op, examples, unknown_rank)


def record_operation(graph, type_name, name, compute, args, kwargs, like, shapes=None, **options):
    """An operation whose outputs are shaped like the tensors `like` (no example run: `compute` changes state or
    needs a tape), with static `shapes` (default: like's). Returns the operation; its outputs are graph tensors."""
    op = Operation(graph, type_name, name, compute, args, kwargs, **options)
    shapes = shapes or [TensorShape(list(t._shape_tuple())) for t in like]
    op.outputs = [Tensor(op, i, t.dtype, shape, (t,) * len(_EXAMPLE_SIZES))
                  for i, (t, shape) in enumerate(zip(like, shapes))]
    return op


def _outputs(op, examples, unknown_rank):
    first = examples[0]
    index = [0]

    def make(*values):
        if not _is_value(values[0]):
            return values[0]
        values = tuple(_as_tensor_value(v) for v in values)
        shapes = [v._shape_tuple() for v in values]
        if unknown_rank or any(len(s) != len(shapes[0]) for s in shapes):
            static = TensorShape(None)
        else:
            static = TensorShape([dims[0] if all(d == dims[0] for d in dims) else None for dims in zip(*shapes)])
        t = Tensor(op, index[0], values[0].dtype, static, values)
        index[0] += 1
        op.outputs.append(t)
        return t

    flat = [_leaves(e) for e in examples]
    made = [make(*column) for column in zip(*flat)]
    it = iter(made)
    return _map_leaves(first, lambda _: next(it))


def _example_call(fn, args, kwargs, i):
    """`fn` on example values: graph tensors replaced by their i-th examples."""
    examples = _ExampleValues(i)
    args, kwargs = _map_leaves((args, kwargs), lambda x: _value(x, examples))
    return fn(*args, **kwargs)


class _ExampleValues:
    """Graph tensor -> its i-th example value (a mapping for :func:`_value`)."""

    def __init__(self, i):
        self.i = i

    def __getitem__(self, t):
        return t._examples[self.i]


def dispatching(fn, type_name=None):
    """`fn` that records an operation when given graph tensors or graph variables, and runs eagerly otherwise."""
    type_name = type_name or getattr(fn, "__name__", "op")

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        for x in _leaves((args, kwargs)):
            if is_graph_value(x):
                return record(fn, args, kwargs, type_name)
        return fn(*args, **kwargs)

    wrapper.__wrapped__ = fn
    return wrapper


# ---- placeholders ---------------------------------------------------------------------------------------------

def _static_shape(shape):
    return TensorShape(None) if shape is None else TensorShape(shape)


def _placeholder_examples(shape, dtype):
    if shape.is_fully_defined():
        return (_pt.ones(shape.as_list(), dtype=dtype),) * len(_EXAMPLE_SIZES)
    dims = shape.as_list() if shape.rank is not None else []
    return tuple(_pt.ones([size if d is None else d for d in dims], dtype=dtype) for size in _EXAMPLE_SIZES)


def _unfed(op):
    from pytensor.errors import InvalidArgumentError
    t = op.outputs[0]
    raise InvalidArgumentError(f"You must feed a value for placeholder tensor '{op.name}' with dtype {t.dtype.name}"
                               f"{'' if t.shape.rank is None else f' and shape {t.shape}'}: pass "
                               f"feed_dict={{{op.name}: value}} to Session.run.")


def placeholder(dtype, shape=None, name=None):
    """A graph input fed through ``Session.run(..., feed_dict={placeholder: value})``, as TF1's.

    Works while eager execution is on (TensorFlow 2 refuses): the placeholder joins the default graph.

    Args:
        dtype: the element type of the values it is fed.
        shape: the static shape, None dimensions for any size; None (the default) for any shape.
        name: the operation's name (unique in the graph).

    Example:
        >>> a = tf.compat.v1.placeholder(tf.float32, name="a")
        >>> with tf.compat.v1.Session() as sess:
        ...     sess.run(a * 2.0, feed_dict={a: 3.0})
        6.0
    """
    dtype = _pt.as_dtype(dtype)
    static = _static_shape(shape)
    graph = get_default_graph()
    op = Operation(graph, "Placeholder", name or "Placeholder", lambda: _unfed(op))
    op._placeholder = (static, None)
    op.outputs = [Tensor(op, 0, dtype, static, _placeholder_examples(static, dtype))]
    return op.outputs[0]


def placeholder_with_default(input, shape, name=None):  # noqa: A002 - TF's argument name
    """A placeholder that takes the value of `input` when it is not fed (`shape` may be less specific)."""
    default = _pt.convert_to_tensor(input)
    static = _static_shape(shape)
    if not static.is_compatible_with(TensorShape(list(default._shape_tuple()))):
        raise ValueError(f"placeholder_with_default: the default value's shape {default._shape_tuple()} is not "
                         f"compatible with shape {static}")
    graph = get_default_graph()
    op = Operation(graph, "PlaceholderWithDefault", name or "PlaceholderWithDefault", lambda: default)
    op._placeholder = (static, default)
    examples = (default,) * len(_EXAMPLE_SIZES) if static.is_fully_defined() else _placeholder_examples(
        static, default.dtype)
    op.outputs = [Tensor(op, 0, default.dtype, static, examples)]
    return op.outputs[0]



# ---- control flow ---------------------------------------------------------------------------------------------

def _select(pred, *branches):
    half = len(branches) // 2
    return [_pt.where(pred, t, f) for t, f in zip(branches[:half], branches[half:])]


def cond(pred, true_fn=None, false_fn=None, strict=False, name=None, fn1=None, fn2=None):
    """TF1's ``tf.cond``. With an eager or Python predicate, the branch it picks is built (TF's smart_cond). With a
    graph predicate both branches are built and the result is selected element-wise when the session runs: the
    same values as TF's for branches without state changes (a branch that assigns a variable is refused: only one
    branch may run then, which is not built)."""
    true_fn = true_fn if true_fn is not None else fn1
    false_fn = false_fn if false_fn is not None else fn2
    if not isinstance(pred, Tensor):
        return true_fn() if bool(_pt.convert_to_tensor(pred)) else false_fn()
    graph = pred.graph
    start = len(graph._operations)
    true_out, false_out = true_fn(), false_fn()
    for op in graph._operations[start:]:
        if op._initializes or op.type in ("Assign", "AssignAdd", "AssignSub", "ApplyGradients"):
            raise NotImplementedError(f"tf.compat.v1.cond on a graph predicate: branch operation {op.name!r} changes "
                                      f"a variable; only branches without state changes are built (both run, the "
                                      f"result is selected).")
    true_flat, false_flat = _leaves(true_out), _leaves(false_out)
    if len(true_flat) != len(false_flat):
        raise ValueError(f"cond: true_fn and false_fn must return the same structure; got {true_out!r} and "
                         f"{false_out!r}")
    selected = record(_select, (pred,) + tuple(true_flat) + tuple(false_flat), {}, "cond", name)
    it = iter(selected)
    return _map_leaves(true_out, lambda _: next(it))


def _subgraph_runner(ops, outputs, externals, loop_tensors):
    """A function of (external values, loop values) computing `outputs` by running `ops` (a loop's condition or
    body, recorded when it was built) on them: what ``tf.while_loop`` runs on each iteration."""
    def run(external_values, loop_values):
        values = dict(zip(externals, external_values))
        values.update(zip(loop_tensors, loop_values))
        for op in ops:
            values.update(zip(op.outputs, op._call(values, None)))
        return [values[o] if isinstance(o, Tensor) else o for o in outputs]
    return run


def while_loop(cond, body, loop_vars, shape_invariants=None, parallel_iterations=10, back_prop=True,
               swap_memory=False, name=None, maximum_iterations=None, return_same_structure=False):
    """TF1's ``tf.while_loop``: `cond` and `body` are built once on graph tensors standing for the loop variables
    (they may use other graph tensors); a session runs the loop with ``tf.while_loop`` in the compiled step.
    Without graph tensors in `loop_vars` or the default graph's mode, it runs eagerly as ``tf.while_loop``."""
    flat = _leaves(loop_vars)
    if not graph_mode() and not any(is_graph_value(x) for x in flat):
        return _pt.while_loop(cond, body, loop_vars, maximum_iterations=maximum_iterations)
    graphs = [x for x in flat if is_graph_value(x)]
    graph = _graph_of(graphs, "while_loop") if graphs else get_default_graph()
    initial = [x if is_graph_value(x) else _pt.convert_to_tensor(x) for x in flat]
    start = len(graph._operations)
    loop_tensors = []
    for i, x in enumerate(initial):
        op = Operation(graph, "LoopVar", f"while/loop_var_{i}", lambda: None)
        value = x._examples[0] if isinstance(x, Tensor) else _as_tensor_value(x)
        shape = x.shape if isinstance(x, Tensor) else TensorShape(list(value._shape_tuple()))
        examples = x._examples if isinstance(x, Tensor) else (value,) * len(_EXAMPLE_SIZES)
        op.outputs = [Tensor(op, 0, value.dtype, shape, examples)]
        loop_tensors.append(op.outputs[0])
    structured = _map_leaves(loop_vars, lambda _, it=iter(loop_tensors): next(it))
    args = structured if isinstance(loop_vars, (list, tuple)) else [structured]
    cond_start = len(graph._operations)
    cond_out = cond(*args)
    body_start = len(graph._operations)
    body_out = body(*args)
    body_out = body_out if isinstance(loop_vars, (list, tuple)) else [body_out]
    body_flat = _leaves(list(body_out))
    if len(body_flat) != len(flat):
        raise ValueError(f"while_loop: body returned {len(body_flat)} values for {len(flat)} loop variables")
    inside = {op._id for op in graph._operations[start:]}
    externals = []
    for op in graph._operations[cond_start:]:
        for t in op.inputs:
            if t.op._id not in inside and all(t is not e for e in externals):
                externals.append(t)
    for t in [cond_out] + body_flat:
        if isinstance(t, Tensor) and t.op._id not in inside and all(t is not e for e in externals):
            externals.append(t)
    run_cond = _subgraph_runner(graph._operations[cond_start:body_start], [cond_out], externals, loop_tensors)
    run_body = _subgraph_runner(graph._operations[body_start:], body_flat, externals, loop_tensors)

    def loop(initial_values, external_values):
        return _pt.while_loop(lambda *v: run_cond(external_values, v)[0],
                              lambda *v: tuple(run_body(external_values, v)), list(initial_values),
                              maximum_iterations=maximum_iterations)

    results = record(loop, (initial, externals), {}, "while", name)
    it = iter(results)
    packed = _map_leaves(loop_vars, lambda _: next(it))
    return packed
