"""``tf.function``: a Python function traced into a C++ graph (csrc/graph/) and run there without Python per op.

Tracing is by execution: the first call with a new input signature runs the Python function once, eagerly, on the
actual arguments while the core records every registry op, variable read and variable assignment into a graph
(``_core._Capture``). That call's results are the call's results, so state updates happen exactly once. Later calls
with the same signature run the optimised graph (``_graph_passes``: constant folding, arithmetic simplification,
pattern fusion, common subexpressions, dead code, memory planning; ``tf.config.optimizer`` switches them) in the C++
executor (``_core._Executor``).

Signatures follow TF's retracing rules: tensors (and numpy arrays, converted) and Variables by dtype and shape
(a graph captures its variables by reference, so a new Variable argument gets the graph of one traced before with
the variable swapped in, without running the Python function again), string tensors by dtype and shape (their ops
run as host callbacks on each call's strings: ``_string_graph``), objects whose class defines ``__tf_tracing_type__``
by the TraceType it returns, Python values by value, nested lists/tuples/dicts by structure. Graphs are specialised to concrete
shapes: under ``input_signature`` with ``None`` dimensions or ``reduce_retracing=True`` one *signature* (what
``experimental_get_tracing_count`` counts, as TF) covers every shape it allows. A new shape under it gets its graph
without running the Python function in one of two ways:

- TF traces such a function once, symbolically. Here the first trace is watched (``_core._Capture.watch_sizes``):
  when no Python code read the shape of a tensor computed from an input, every constant is a literal of the
  function's text and every op's attributes hold no size, no number in the graph came from the trace's sizes, and
  its graph replayed at another size records that size's graph (``Function._replayed``). So the Python function runs
  once, as in TF.
- Otherwise the signature's traces at other sizes are fitted, when they are one program up to numbers that follow
  the sizes (``_size_polymorphism``: value shapes, a traced ``tf.shape``, a mean's 1 / n). Until the traces show
  that (two sizes when only value shapes differ, as TF's two traces under ``reduce_retracing``; a third to check
  other numbers) the Python function is run to trace the shape, so its Python side effects run again then.

Sizes under 2 are always traced (a size of 1 broadcasts, which can make another program).
"""

import contextlib
import functools
import inspect
import sys
import threading
import warnings
import weakref

import numpy as np

from . import _core, _scopes, _size_polymorphism, _string_graph, _tf_ops, errors, nest
from ._string_graph import SymbolicString
from ._tensor_api import Tensor, Variable
from .data._types import StringTensor, TensorSpec, shapes_compatible

__all__ = ["function", "run_functions_eagerly", "functions_run_eagerly", "Function", "ConcreteFunction"]

# Retraces of one function after which a warning names the arguments that keep changing (TF warns at 5).
RETRACE_WARNING_THRESHOLD = 5

_run_eagerly = False
_state = threading.local()  # .traces: the traces running on this thread, innermost last


def run_functions_eagerly(run_eagerly):
    """Makes every ``tf.function`` run its Python function eagerly (for debugging), as TF's switch of that name."""
    global _run_eagerly
    _run_eagerly = bool(run_eagerly)


def functions_run_eagerly():
    """True after ``run_functions_eagerly(True)``."""
    return _run_eagerly


def _traces():
    traces = getattr(_state, "traces", None)
    if traces is None:
        traces = _state.traces = []
    return traces


# tf.executing_eagerly() is False while a tf.function traces its graph (init_scope / outside_capture lift out of it).
_scopes.eager_checks.append(lambda: not _core._capture_active())


def current_capture():
    """The ``_core._Capture`` of the function being traced on this thread, or None (optimizers ask)."""
    traces = _traces()
    return traces[-1].capture if traces else None


def current_trace():
    """A weak reference to the innermost trace running on this thread, or None (for trace_running)."""
    traces = _traces()
    return weakref.ref(traces[-1]) if traces else None


def trace_running(trace_ref):
    """True when `trace_ref` (from current_trace) is a trace running on this thread now."""
    trace = trace_ref() if trace_ref is not None else None
    return trace is not None and any(t is trace for t in _traces())


@contextlib.contextmanager
def outside_capture():
    """Suspends this thread's captures for the block, the enclosing ones of a branch being traced too (ending only
    the innermost would hand its ops to the enclosing graph): library code that must see a traced value's numbers
    now, or make state that is no op of any graph."""
    captures = [trace.capture for trace in _traces()]
    for capture in reversed(captures):
        capture.note_size_dependence("library code read traced values outside the graph")
        capture.end()
    try:
        yield
    finally:
        for capture in captures:
            capture.begin()


def is_dry_trace():
    """True while tracing for ``get_concrete_function`` without a call (``tf.print`` stays silent then)."""
    traces = _traces()
    return bool(traces) and traces[-1].dry


class _Trace:
    """One running trace: its capture, whether it is a dry run, and whether it is lexical (a tf.cond branch or
    while_loop body, which reads the tensors of the traces enclosing it)."""

    __slots__ = ("capture", "dry", "lexical", "custom_gradient", "gradient_tape", "outer_tape", "placeholders",
                 "string_slots", "strings_read", "__weakref__")

    def __init__(self, capture, dry, lexical=False):
        self.capture = capture
        self.dry = dry
        self.lexical = lexical
        self.placeholders = {}  # id(argument tensor) -> (TF's name "x:0", the shape its signature shows)
        self.custom_gradient = False  # a tf.custom_gradient ran in it: the graph alone has the plain gradient
        self.gradient_tape = None     # what tf.gradients differentiates on (a function that calls it records one)
        self.outer_tape = None        # around it, for tf.hessians: records gradient_tape's backward sweeps
        self.string_slots = 0         # the graph's string values so far (_string_graph): arguments, then results
        self.strings_read = False     # a string argument's value was read: the graph serves that value only


def note_custom_gradient():
    """Marks the traces running now as holding a ``tf.custom_gradient`` (whose gradient function is Python, not in
    the graph): their functions run eagerly under a recording tape, and a SavedModel saves their gradient graph."""
    for trace in _traces():
        trace.custom_gradient = True


def shown_placeholder(tensor):
    """(TF's name, signature shape) of an argument of a function being traced, as TF prints its placeholder (the
    parameter's name; None for the dimensions its signature leaves free); None for other tensors."""
    for trace in reversed(_traces()):
        shown = trace.placeholders.get(id(tensor))
        if shown is not None:
            return shown
    return None


class _NeedsGradientTape(Exception):
    """tf.gradients ran in a trace that recorded no tape (or tf.hessians in one without the outer tape that
    records the first derivatives' ops): the function's trace starts again with them."""

    def __init__(self, order=1):
        super().__init__(order)
        self.order = order


def gradients(ys, xs, grad_ys=None, name="gradients", gate_gradients=False, aggregation_method=None,
              stop_gradients=None, unconnected_gradients="none", colocate_gradients_with_ops=False):
    """The symbolic gradients of ``sum(ys)`` with respect to each of `xs`, inside ``tf.function`` (TF's
    ``tf.gradients``): a list with one gradient per x (None where ys do not depend on it, or zeros with
    ``unconnected_gradients='zero'``); `grad_ys` are the upstream gradients, one per y (ones by default);
    `stop_gradients` are tensors held constant (no gradient passes through them, as if wrapped in tf.stop_gradient).

    The backward ops join the function's graph. A function's trace records its ops on a tape from its first
    ``tf.gradients`` on: the first trace that calls it is run again with one (its Python side effects then run twice).
    """
    tape = _function_trace(1).gradient_tape
    single = not isinstance(xs, (list, tuple))
    sources = [xs] if single else list(xs)
    targets = list(ys) if isinstance(ys, (list, tuple)) else [ys]
    if grad_ys is not None:
        grad_ys = list(grad_ys) if isinstance(grad_ys, (list, tuple)) else [grad_ys]
        if len(grad_ys) != len(targets):
            raise ValueError(f"tf.gradients: grad_ys has {len(grad_ys)} entries for {len(targets)} ys; give one "
                             f"upstream gradient per y")
    if unconnected_gradients not in ("none", "zero"):  # (TF's UnconnectedGradients enum values are these strings)
        unconnected_gradients = getattr(unconnected_gradients, "value", unconnected_gradients)
    with tape.stop_recording():
        if stop_gradients is None:
            return list(tape.gradient(targets, sources, output_gradients=grad_ys,
                                      unconnected_gradients=unconnected_gradients))
        stops = list(stop_gradients) if isinstance(stop_gradients, (list, tuple)) else [stop_gradients]
        return list(tape._gradient_with_stops(targets, sources, grad_ys, unconnected_gradients, stops))


def _function_trace(order):
    """The trace of the function being traced, holding the tapes of derivatives up to `order` (1: tf.gradients,
    2: tf.hessians)."""
    traces = [t for t in _traces() if not t.lexical]
    if not traces:
        raise RuntimeError("tf.gradients is not supported when eager execution is enabled. Use tf.GradientTape "
                           "instead.")
    trace = traces[-1]
    if trace.gradient_tape is None or (order > 1 and trace.outer_tape is None):
        raise _NeedsGradientTape(order)
    return trace


def hessians(ys, xs, gate_gradients=False, aggregation_method=None, name="hessians"):
    """The second derivatives of ``sum(ys)`` with respect to each of `xs`, inside ``tf.function`` (TF's
    ``tf.hessians``): a list with, per x, the tensor of shape ``x.shape + x.shape`` whose entry [i..., j...] is
    d2 sum(ys) / dx[i...] dx[j...] (no cross terms between different xs, as TF's). Eagerly it is a RuntimeError, as
    TF's: use nested tf.GradientTape's jacobian there."""
    trace = _function_trace(2)
    sources = list(xs) if isinstance(xs, (list, tuple)) else [xs]
    targets = list(ys) if isinstance(ys, (list, tuple)) else [ys]
    firsts = trace.gradient_tape.gradient(targets, sources)  # the outer tape records this sweep's ops
    result = []
    with trace.outer_tape.stop_recording(), trace.gradient_tape.stop_recording():
        for x, first in zip(sources, firsts):
            if first is None:
                raise ValueError(f"tf.hessians: ys do not depend on the x of shape {list(x.shape)} and dtype "
                                 f"{x.dtype.name} through a differentiable path, so there is no gradient to "
                                 "differentiate again; pass only xs that ys depend on")
            result.append(trace.outer_tape.jacobian(first, x))
    return result


def _tape_recording():
    from . import gradient_tape
    return bool(gradient_tape._active_tapes())


def symbolic_in_scope(value):
    """True when `value` is a traced tensor of the innermost trace, or of a trace enclosing it up to the function
    being traced: a branch or loop body reads those (as captured inputs), so their values are not known yet."""
    for trace in reversed(_traces()):
        if trace.capture.symbolic(value):
            return True
        if not trace.lexical:
            return False
    return False


# ---- signatures -----------------------------------------------------------------------------------------------

def _is_tensor(value):
    return isinstance(value, Tensor)


def _canonical(value, tensors, spec_keys):
    """(value as the function sees it, hashable key) for one argument; tensor leaves are appended to `tensors`."""
    if isinstance(value, Tensor):
        tensors.append(value)
        key = (value.dtype, value._shape_tuple())
        spec_keys.append(key)
        return value, key
    if isinstance(value, Variable):
        return value, (_VARIABLE_KEY, id(value), value.dtype, tuple(value.shape))
    if isinstance(value, np.ndarray) and value.dtype != object:
        t = _core.convert_to_tensor(value)
        return _canonical(t, tensors, spec_keys)
    if isinstance(value, (list, tuple)):
        items, keys = [], []
        for item in value:
            v, k = _canonical(item, tensors, spec_keys)
            items.append(v)
            keys.append(k)
        if isinstance(value, tuple) and hasattr(value, "_fields"):
            return type(value)(*items), (type(value), tuple(keys))
        return type(value)(items), (type(value), tuple(keys))
    if isinstance(value, dict):
        out, keys = {}, []
        for k in sorted(value):
            v, key = _canonical(value[k], tensors, spec_keys)
            out[k] = v
            keys.append((k, key))
        return type(value)((k, out[k]) for k in value), (type(value), tuple(keys))
    if isinstance(value, StringTensor):
        # Keyed by value: a trace reading the value makes that value's graph; others serve every value (_lookup).
        return value, (_STRING_KEY, value._array.shape, tuple(value._array.ravel().tolist()))
    tracing_type = getattr(type(value), "__tf_tracing_type__", None)
    if tracing_type is not None:  # the class says how calls tell its instances apart (tf.types.experimental.TraceType)
        return value, ("trace_type", tracing_type(value, None))
    try:
        hash(value)
    except TypeError:
        # Unhashable objects (a list subclass, a Keras object without __hash__) are told apart by identity.
        return value, ("id", id(value))
    return value, ("value", type(value), value)


def _spec_of(spec):
    if not isinstance(spec, TensorSpec):
        raise TypeError(f"tf.function: input_signature must be a sequence of tf.TensorSpec (nested lists allowed); "
                        f"got {spec!r}")
    return spec


def _normalize_signature(input_signature):
    if input_signature is None:
        return None
    if not isinstance(input_signature, (list, tuple)):
        raise TypeError(f"tf.function: input_signature must be a list or tuple of tf.TensorSpec, got "
                        f"{type(input_signature).__name__}")
    for spec in nest.flatten(list(input_signature)):
        _spec_of(spec)
    return tuple(input_signature)


def _dims(shape):
    return None if shape.rank is None else tuple(shape.as_list())


def _relaxed(key, previous):
    """`key` (dtype, dims) generalised against `previous`: dims that differ become None, ranks that differ unknown."""
    (dtype, dims), (pdtype, pdims) = key, previous
    if dtype != pdtype:
        return key
    if pdims is None or dims is None or len(dims) != len(pdims):
        return (dtype, None)
    return (dtype, tuple(d if d == p else None for d, p in zip(dims, pdims)))


def _covers(relaxed, key):
    dtype, dims = relaxed
    if dtype != key[0]:
        return False
    if dims is None:
        return True
    return len(dims) == len(key[1]) and all(d is None or d == k for d, k in zip(dims, key[1]))


_STRING_KEY = "string tensor"
_VARIABLE_KEY = "variable"  # graphs capture a variable by reference: a graph per variable, a TF signature per spec


def _is_string_key(key):
    """True for a string tensor's key: (_STRING_KEY, shape, values), or without its values (_signature_key)."""
    return isinstance(key, tuple) and len(key) in (2, 3) and key[0] == _STRING_KEY


def _signature_key(key, keep_variables=False):
    """A signature key with string tensors' values left out: TF's signature (one per dtype and shape). Variables
    too are by dtype and shape, unless `keep_variables` (a graph captures its own: Function._lookup's key)."""
    if _is_string_key(key):
        return key[:2]
    if isinstance(key, tuple) and len(key) == 4 and key[0] == _VARIABLE_KEY:
        return key if keep_variables else (key[0],) + key[2:]  # TF traces once per variable dtype and shape
    if isinstance(key, tuple):
        return tuple(_signature_key(k, keep_variables) for k in key)
    return key


def _holds_tensors(value):
    """True when an argument is or holds a tensor (or a TensorSpec standing for one)."""
    return any(isinstance(v, (Tensor, TensorSpec, StringTensor)) for v in nest.flatten(value))


def _is_tensor_key(key):
    from .dtypes import DType
    return isinstance(key, tuple) and len(key) == 2 and isinstance(key[0], DType)


def _without_shapes(key, keep_dtypes):
    """A signature key with its tensors' shapes (and unless `keep_dtypes`, dtypes) left out: what a concrete function
    fixes about a call besides its tensors' shapes."""
    if _is_tensor_key(key):
        return ("tensor", key[0] if keep_dtypes else None)
    if _is_string_key(key):
        return ("tensor", "string" if keep_dtypes else None)
    if isinstance(key, tuple):
        return tuple(_without_shapes(k, keep_dtypes) for k in key)
    return key


def _describe(value):
    """TF's text for an argument or output in a signature: TensorSpec(...), Literal[value], List[...], Dict[...]."""
    if isinstance(value, TensorSpec):
        return repr(value)
    if isinstance(value, (Tensor, Variable, StringTensor)):
        return repr(TensorSpec(tuple(value.shape), value.dtype))
    if isinstance(value, (list, tuple)) and not hasattr(value, "_fields"):
        return f"{'List' if isinstance(value, list) else 'Tuple'}[{', '.join(_describe(v) for v in value)}]"
    if isinstance(value, dict):
        return "Dict[" + ", ".join(f"[{k!r}, {_describe(v)}]" for k, v in value.items()) + "]"
    return f"Literal[{value!r}]"


class FunctionType:
    """A concrete function's parameters and output, as TF's ``function_type``: prints as ``(a: ...) -> ...``."""

    def __init__(self, parameters, output):
        self.parameters = parameters  # [(name, kind name, description)]
        self.output = output

    def __str__(self):
        parts, keyword_only = [], False
        for name, kind, text in self.parameters:
            if kind == "KEYWORD_ONLY" and not keyword_only:
                parts.append("*")
                keyword_only = True
            parts.append(f"{name}: {text}")
        return f"({', '.join(parts)}) -> {self.output}"

    __repr__ = __str__


# ---- graphs as Python sees them -------------------------------------------------------------------------------

class GraphTensor:
    """A symbolic edge of a traced graph: ``op:index`` with its dtype and shape."""

    def __init__(self, op, index, dtype, shape):
        self.op = op
        self.value_index = index
        self.dtype = dtype
        from .tensor_shape import TensorShape
        self.shape = TensorShape(list(shape))

    @property
    def name(self):
        return f"{self.op.name}:{self.value_index}"

    def __repr__(self):
        return f'<pt.Tensor "{self.name}" shape={self.shape} dtype={self.dtype.name}>'


class Operation:
    """A node of a traced graph, as ``tf.Operation``: name, type, inputs, outputs, control inputs."""

    def __init__(self, graph, name, type_, inputs, control, outputs, attrs):
        from .dtypes import as_dtype
        self.graph = graph
        self.name = name
        self.type = type_
        self._input_refs = inputs
        self._control_names = control
        self.outputs = [GraphTensor(self, i, as_dtype(d), s) for i, (d, s) in enumerate(outputs)]
        self.attrs = attrs

    @property
    def inputs(self):
        return [self.graph._op(name).outputs[index] for name, index in self._input_refs]

    @property
    def control_inputs(self):
        return [self.graph._op(name) for name in self._control_names]

    def __repr__(self):
        return f"<pt.Operation '{self.name}' type={self.type}>"


class FuncGraph:
    """The graph of a concrete function: its operations in program order, printable one line a node."""

    def __init__(self, name, core_graph):
        self.name = name
        self._core = core_graph
        self._ops = None

    def _build(self):
        if self._ops is None:
            self._ops = [Operation(self, *info) for info in self._core.nodes()]
            self._by_name = {op.name: op for op in self._ops}

    def _op(self, name):
        self._build()
        return self._by_name[name]

    def get_operations(self):
        """The operations in program order (a topological order)."""
        self._build()
        return list(self._ops)

    def get_operation_by_name(self, name):
        self._build()
        if name not in self._by_name:
            raise KeyError(f"graph {self.name!r} has no operation named {name!r}")
        return self._by_name[name]

    @property
    def outputs(self):
        return [self._op(name).outputs[index] for name, index in self._core.outputs()]

    @property
    def inputs(self):
        return [op.outputs[0] for op in self.get_operations() if op.type == "Placeholder"]

    @property
    def variables(self):
        return self._core.variables()

    def as_graph_def(self):
        """The graph as a GraphDef (``node``: name, op, input, attr of each operation)."""
        return GraphDef(self)

    def pretty_printed(self):
        """One line a node: ``name = Type[attributes](inputs, ^control inputs) -> dtype(shape)``, then the outputs."""
        return self._core.to_string()

    def __str__(self):
        return self.pretty_printed()

    def __repr__(self):
        return f"<pt.FuncGraph '{self.name}' with {len(self._core)} operations>"


class NodeDef:
    """One node of ``FuncGraph.as_graph_def()``: name, op, input names (``^name`` for control inputs), attributes."""

    def __init__(self, op):
        self.name = op.name
        self.op = op.type
        self.input = [name if index == 0 else f"{name}:{index}" for name, index in op._input_refs]
        self.input += [f"^{name}" for name in op._control_names]
        self.attr = {"T": op.outputs[0].dtype.name} if op.outputs else {}
        if op.attrs:
            self.attr["attrs"] = op.attrs

    def __str__(self):
        lines = [f'  name: "{self.name}"', f'  op: "{self.op}"'] + [f'  input: "{i}"' for i in self.input]
        lines += [f'  attr {{ key: "{k}" value: "{v}" }}' for k, v in self.attr.items()]
        return "node {\n" + "\n".join(lines) + "\n}"


class GraphDef:
    """A traced graph as data, as TF's ``GraphDef``: ``node`` lists the NodeDefs in program order; prints in
    protobuf's text form (pytensor's op names and attributes, not TF's)."""

    def __init__(self, graph):
        self.node = [NodeDef(op) for op in graph.get_operations()]

    def __str__(self):
        return "\n".join(str(n) for n in self.node)


def _graph_options():
    from .config import optimizer
    return optimizer.get_experimental_options()


def _optimized(core_graph):
    """A copy of `core_graph` after the passes the options leave on (see ``config.optimizer``), in their order."""
    g = core_graph.copy()
    for name, enabled in _graph_passes(_graph_options()):
        if enabled:
            getattr(g, name)()
    return g


def _graph_passes(options):
    """(pass, on) in the order they run, from ``tf.config.optimizer`` options (TF's names; unset means on)."""
    if options.get("disable_meta_optimizer", False):
        return []
    arithmetic = options.get("arithmetic_optimization", True) is not False
    return [("fold_constants", options.get("constant_folding", True) is not False),
            ("simplify_arithmetic", arithmetic),
            ("fuse_patterns", options.get("remapping", True) is not False),
            ("eliminate_common_subexpressions", arithmetic),
            ("fuse_elementwise", options.get("elementwise_fusion", True) is not False),
            ("eliminate_dead_code", not options.get("disable_model_pruning", False)),
            ("plan_memory", options.get("memory_optimization", True) is not False)]


class ConcreteFunction:
    """One traced graph of a ``tf.function`` for one input signature; callable with tensors of that signature."""

    def __init__(self, name, core_graph, structured_outputs, output_leaves, input_signature, function):
        self._name = name
        self._unoptimized = core_graph
        self._core_graph = _optimized(core_graph)
        self._executor = _core._Executor(self._core_graph)
        self._structured_outputs = structured_outputs  # outputs with tensor leaves replaced by their index
        self._output_leaves = output_leaves            # the non-tensor leaves (Python values) by position
        self._tensor_positions = [i for i, leaf in enumerate(output_leaves) if leaf is _TENSOR_SLOT]
        self._single_tensor = structured_outputs is _TENSOR_SLOT and len(output_leaves) == 1  # f returns one tensor
        self.structured_input_signature = input_signature
        self._variables = self._core_graph.variables()  # keeps the captured variables alive
        self._function = function
        self.graph = FuncGraph(name, self._core_graph)
        self._key = None         # the signature key it was traced for (set by the Function)
        self._parameters = []    # [(name, kind name, argument or TensorSpec)] as traced (set by the Function)
        self._call_shape = (0, ())  # (positional arguments, keyword names) of the traced call
        self._custom_gradient = False  # set by Function._trace: it ran a tf.custom_gradient
        # a loaded SavedModel's gradient: (executor of inputs + upstream -> gradients of the inputs, then of the
        # variables, those variables)
        self._gradient = None
        self._variable_arguments = []  # the Variables among the arguments it was traced for (set by the Function)
        self._generalized = False  # made from other sizes' traces, not traced (Function._generalized)
        self._size_generic = False  # one program for every size of its free dimensions (Function._replayed)
        self._string_inputs = 0  # string arguments its graph takes beside its tensors (_string_graph)
        self._strings_read = False  # the trace read a string argument's value: the graph serves that value only
        self._string_outputs = [i for i, leaf in enumerate(output_leaves) if isinstance(leaf, SymbolicString)]

    @property
    def name(self):
        return self._name

    @property
    def variables(self):
        """The variables the graph reads or writes (captured by reference)."""
        return list(self._variables)

    @property
    def trainable_variables(self):
        return [v for v in self._variables if v.trainable]

    @property
    def structured_outputs(self):
        return self._structured_outputs

    def _run(self, flat, strings=()):
        if self._string_inputs:
            with _string_graph.running([s._array for s in strings]) as values:
                return self._pack(self._executor.run(flat), values)
        if self._gradient is not None and _tape_recording():
            return self._pack(self._run_with_gradient(flat))
        outs = self._executor.run(flat)
        return outs[0] if self._single_tensor else self._pack(outs)

    def _run_call(self, tensors, args, kwargs):
        """_run for a call whose canonical arguments are `args`, `kwargs` (their string tensors are its strings)."""
        return self._run(tensors, _string_leaves(args, kwargs) if self._string_inputs else ())

    def _run_with_gradient(self, flat):
        """Runs the graph unrecorded and records its saved gradient graph as the gradient of the whole call (the
        graph's own ops would give the plain gradient where the function used a tf.custom_gradient)."""
        _core.suspend_recording()
        try:
            outs = [_core.identity(o) for o in self._executor.run(flat)]
        finally:
            _core.resume_recording()
        executor, variables = self._gradient
        inputs = list(flat)

        def backward(upstream):
            return list(executor.run(inputs + list(upstream)))

        _core.record_custom_gradient(inputs + list(variables), outs, backward)
        return outs

    def _pack(self, outs, strings=None):
        """The call's result from the graph's output tensors `outs` and, for string results, the run's string
        values `strings` (None: the trace's own)."""
        leaves = self._output_leaves
        if self._string_outputs:
            leaves = list(leaves)
            for pos in self._string_outputs:
                leaf = leaves[pos]
                leaves[pos] = StringTensor(leaf._value if strings is None else strings[leaf._slot])
        if len(leaves) == 1 and leaves[0] is _TENSOR_SLOT:
            return outs[0] if self._structured_outputs is _TENSOR_SLOT else nest.pack_sequence_as(
                self._structured_outputs, outs)
        filled = list(leaves)
        for pos, value in zip(self._tensor_positions, outs):
            filled[pos] = value
        if not leaves:
            return self._structured_outputs
        if self._structured_outputs is _TENSOR_SLOT:
            return filled[0]
        return nest.pack_sequence_as(self._structured_outputs, filled)

    def __call__(self, *args, **kwargs):
        if self._function is not None:
            return self._function._call_concrete(self, args, kwargs)
        tensors = []
        for a in nest.flatten(list(args)):
            _canonical(a, tensors, [])
        return self._run(tensors, [a for a in nest.flatten(list(args)) if isinstance(a, StringTensor)])

    @property
    def function_type(self):
        """The parameters and output type (TF's FunctionType); prints as ``(a: TensorSpec(...)) -> TensorSpec(...)``."""
        from .dtypes import as_dtype
        specs = iter([TensorSpec(shape, as_dtype(dtype)) for dtype, shape in self._core_graph.output_types()])
        filled = [next(specs) if leaf is _TENSOR_SLOT else leaf for leaf in self._output_leaves]
        if self._structured_outputs is _TENSOR_SLOT:
            output = filled[0]
        elif not self._output_leaves or not nest.is_nested(self._structured_outputs):
            output = self._structured_outputs
        else:
            output = nest.pack_sequence_as(self._structured_outputs, filled)
        return FunctionType([(name, kind, _describe(value)) for name, kind, value in self._parameters],
                            _describe(output))

    @property
    def inference_fn(self):
        """The function of its input tensors, given flat, returning its outputs flat (TF's AtomicFunction)."""
        return lambda *tensors: nest.flatten(self(*tensors))

    def pretty_printed_signature(self, verbose=True):
        """TF's text: with `verbose`, the input parameters, output type and captures one a line; else
        ``(a: TensorSpec(...)) -> TensorSpec(...)``."""
        function_type = self.function_type
        if not verbose:
            return str(function_type)
        lines = ["Input Parameters:"] + [f"  {name} ({kind}): {text}" for name, kind, text in function_type.parameters]
        lines += ["Output Type:", f"  {function_type.output}", "Captures:"]
        captures = [f"  {id(v)}: TensorSpec(shape=(), dtype=tf.resource, name=None)" for v in self._variables]
        lines += captures or ["  None"]
        return "\n".join(lines)

    def _check_call(self, key):
        """Raises TF's error when a call's key (a signature key) does not fit the one this function was traced for: a
        Python argument that differs (TypeError), a tensor of another dtype (InvalidArgumentError)."""
        if self._key is None or _without_shapes(key, True) == _without_shapes(self._key, True):
            return
        if _without_shapes(key, False) != _without_shapes(self._key, False):
            raise TypeError(f"{self._name}: this concrete function was traced for {self.function_type}; the call's "
                            f"Python arguments or structure differ. Call the tf.function itself to trace for them.")
        raise errors.InvalidArgumentError(f"{self._name}: this concrete function was traced for {self.function_type}; "
                                          f"a tensor argument has another dtype. Cast it, or call the tf.function "
                                          f"itself to trace for that dtype.")

    def __str__(self):
        return f"ConcreteFunction {self.pretty_printed_signature()}"

    def __repr__(self):
        return f"<ConcreteFunction {self.pretty_printed_signature(verbose=False)} at 0x{id(self):X}>"


class _TensorSlot:
    def __repr__(self):
        return "<tensor>"


_TENSOR_SLOT = _TensorSlot()


# ---- the function object --------------------------------------------------------------------------------------

class Function:
    """A Python function that runs as a traced graph (``tf.function``'s result); see the module docstring."""

    def __init__(self, python_function, input_signature=None, reduce_retracing=False, jit_compile=None,
                 autograph=True, name=None, experimental_relax_shapes=None, experimental_autograph_options=None,
                 **unused):
        if not callable(python_function):
            raise TypeError(f"tf.function: expected a callable, got {type(python_function).__name__}")
        functools.update_wrapper(self, python_function)
        self._python_function = python_function
        self._input_signature = _normalize_signature(input_signature)
        self._reduce_retracing = bool(reduce_retracing or experimental_relax_shapes)
        self._jit_compile = jit_compile  # accepted: every function is compiled to a C++ graph
        self._autograph = bool(autograph)
        self._autograph_options = experimental_autograph_options  # accepted: one fixed set of conversions
        self._converted = None  # the AutoGraph-converted function, made on the first trace
        self._name = name or getattr(python_function, "__name__", "function")
        self._concrete = {}        # concrete key -> ConcreteFunction (one per concrete shape)
        self._fast = {}            # _core._call_key of all-Tensor positional calls -> ConcreteFunction
        self._string_generic = {}  # key without string values -> a ConcreteFunction for any of them (_lookup)
        self._signatures = []      # TF's signatures (relaxed keys): what experimental_get_tracing_count counts
        self._traced_once = False  # variables may be created only on the first trace
        self._records_gradients = 0  # the derivative order its traces record tapes for (it called tf.gradients: 1,
        # tf.hessians: 2)
        self._last_key = None
        self._bound = weakref.WeakKeyDictionary()  # instance -> its own Function (methods: one cache per instance)
        self._bound_by_id = {}
        self._instance = None
        try:
            self._arg_names = list(inspect.signature(python_function).parameters)
        except (TypeError, ValueError):
            self._arg_names = []

    @property
    def _concrete(self):
        return self._concrete_by_key

    @_concrete.setter
    def _concrete(self, concrete_by_key):
        # The fast-path cache mirrors the concrete functions: a new table (saved_model restores one) empties it.
        self._concrete_by_key = concrete_by_key
        self._fast = {}

    # -- TF's attributes --
    @property
    def python_function(self):
        return self._python_function

    @property
    def input_signature(self):
        return self._input_signature

    @property
    def function_spec(self):
        return inspect.signature(self._python_function)

    def pretty_printed_concrete_signatures(self, verbose=True):
        """Each concrete function's ``pretty_printed_signature``, in the order they were traced."""
        concretes = list(dict.fromkeys(self._concrete.values()))
        return "\n\n".join(c.pretty_printed_signature(verbose) for c in concretes)

    def experimental_get_tracing_count(self):
        """How many signatures have been traced (TF's count: one per input signature)."""
        return len(self._signatures)

    def __repr__(self):
        return f"<pytensor.function {self._name} at 0x{id(self):X}>"

    # -- methods: one Function (and cache) per instance --
    def __get__(self, instance, owner):
        if instance is None:
            return self
        try:
            bound = self._bound.get(instance)
        except TypeError:  # not weak-referenceable
            bound = self._bound_by_id.get(id(instance))
        if bound is None:
            bound = Function(self._python_function.__get__(instance, owner), self._input_signature,
                             self._reduce_retracing, self._jit_compile, self._autograph, self._name,
                             experimental_autograph_options=self._autograph_options)
            bound._instance = instance
            try:
                self._bound[instance] = bound
            except TypeError:
                self._bound_by_id[id(instance)] = bound
        return bound

    # -- calls --
    def __call__(self, *args, **kwargs):
        if _run_eagerly:
            return self._python_function(*args, **kwargs)
        if _traces():
            # A function called while another is being traced: its ops join the outer graph.
            return self._traced_function()(*args, **kwargs)
        # Fast path: positional plain Tensors whose dtypes and shapes were seen before (the key is built in C++;
        # such a call's signature key is a function of those alone, so it maps to the same concrete function).
        fast_key = None if kwargs else _core._call_key(args)
        if fast_key is not None:
            concrete = self._fast.get(fast_key)
            if concrete is not None:
                return concrete._run(args)
        tensors, spec_keys = [], []
        args, kwargs, key = self._canonical_call(args, kwargs, tensors, spec_keys)
        concrete = self._lookup(key)
        if concrete is not None:
            if concrete._custom_gradient and _tape_recording():  # its gradient function is Python: run it so
                return self._traced_function()(*args, **kwargs)
            outputs = concrete._run_call(tensors, args, kwargs)
        else:
            outputs = self._trace_and_call(key, spec_keys, args, kwargs, tensors)
            concrete = self._concrete[key]
        if fast_key is not None and not concrete._custom_gradient:  # (the fast path does not check for a tape)
            self._fast[fast_key] = concrete
        return outputs

    def _canonical_call(self, args, kwargs, tensors, spec_keys):
        if self._input_signature is not None:
            args = self._bind_signature(args, kwargs)
            kwargs = {}
        if kwargs:
            args, kwargs = self._positional(args, kwargs)
        if kwargs:
            args, arg_key = _canonical(list(args), tensors, spec_keys)
            kwargs, kw_key = _canonical(kwargs, tensors, spec_keys)
            return tuple(args), kwargs, (arg_key, kw_key)
        keys = []
        new_args = []
        for a in args:
            v, k = _canonical(a, tensors, spec_keys)
            new_args.append(v)
            keys.append(k)
        return tuple(new_args), kwargs, tuple(keys)

    def _positional(self, args, kwargs):
        """(args, kwargs) with keyword arguments that name positional parameters moved into args, so that f(x=1) and
        f(1) are one signature, as TF's; unchanged when they do not bind (the call then fails as Python's would)."""
        try:
            bound = inspect.signature(self._python_function).bind(*args, **kwargs)
        except (TypeError, ValueError):
            return args, kwargs
        return bound.args, bound.kwargs

    def _parameters_of(self, args, kwargs):
        """[(name, kind name, value)] of a call, defaults filled in, for signatures' text."""
        try:
            signature = inspect.signature(self._python_function)
            bound = signature.bind(*args, **kwargs)
        except (TypeError, ValueError):
            return ([(f"args_{i}", "POSITIONAL_ONLY", a) for i, a in enumerate(args)] +
                    [(k, "KEYWORD_ONLY", v) for k, v in kwargs.items()])
        bound.apply_defaults()
        out = []
        for name, value in bound.arguments.items():
            kind = signature.parameters[name].kind
            if kind is inspect.Parameter.VAR_POSITIONAL:
                out += [(f"{name}_{i}", "POSITIONAL_ONLY", v) for i, v in enumerate(value)]
            elif kind is inspect.Parameter.VAR_KEYWORD:
                out += [(k, "KEYWORD_ONLY", v) for k, v in value.items()]
            else:
                out.append((name, kind.name, value))
        return out

    def _bind_signature(self, args, kwargs):
        """The arguments as tensors of input_signature's dtypes, checked against its shapes."""
        signature = self._input_signature
        if kwargs:
            names = self._arg_names
            args = list(args)
            for name in names[len(args):len(signature)]:
                if name in kwargs:
                    args.append(kwargs.pop(name))
            if kwargs:
                raise TypeError(f"{self._name}: got unexpected keyword arguments {sorted(kwargs)} for a function with "
                                f"an input_signature (pass every input positionally or by its name)")
        if len(args) != len(signature):
            raise TypeError(f"{self._name}: takes {len(signature)} positional arguments by its input_signature, got "
                            f"{len(args)}")
        out = []
        for i, (arg, spec) in enumerate(zip(args, signature)):
            out.append(self._bound_arg(arg, spec, self._arg_name(i)))
        return tuple(out)

    def _bound_arg(self, arg, spec, name):
        if isinstance(spec, (list, tuple)):
            if not isinstance(arg, (list, tuple)) or len(arg) != len(spec):
                raise ValueError(f"{self._name}: argument '{name}' must be a sequence of {len(spec)} tensors to match "
                                 f"input_signature {spec!r}; got {arg!r:.80}")
            return type(arg)(self._bound_arg(a, s, name) for a, s in zip(arg, spec))
        if spec.dtype == StringTensor.dtype:
            if isinstance(arg, (Tensor, Variable)):
                raise TypeError(f"{self._name}: argument '{name}' has dtype {arg.dtype.name} but input_signature "
                                f"declares {spec!r}; convert it with tf.strings.as_string(x)")
            t = arg if isinstance(arg, StringTensor) else StringTensor(arg)
            if not shapes_compatible(spec.shape, t.shape):
                raise TypeError(f"{self._name}: argument '{name}' has shape {tuple(t.shape)} which is incompatible "
                                f"with input_signature {spec!r}")
            return t
        if isinstance(arg, Tensor):
            if arg.dtype != spec.dtype:
                raise TypeError(f"{self._name}: argument '{name}' has dtype {arg.dtype.name} but input_signature "
                                f"declares {spec!r}; cast it with tf.cast(x, {spec.dtype.name!r})")
            t = arg
        else:
            try:
                t = _core.convert_to_tensor(arg, dtype=spec.dtype)
            except (TypeError, ValueError) as e:
                raise TypeError(f"{self._name}: argument '{name}' ({arg!r:.60}) cannot be converted to {spec!r}: "
                                f"{e}") from None
        from .tensor_shape import TensorShape
        if not shapes_compatible(spec.shape, TensorShape(list(t._shape_tuple()))):
            raise TypeError(f"{self._name}: argument '{name}' has shape {t._shape_tuple()} which is incompatible "
                             f"with input_signature {spec!r}; pass a tensor of that shape, or declare None for "
                             f"dimensions that vary")
        return t

    def _arg_name(self, i):
        names = self._arg_names
        return names[i] if i < len(names) else f"args[{i}]"

    def _signature_of(self, spec_keys):
        """TF's signature for a call whose tensor leaves have `spec_keys`: under input_signature the declared one,
        under reduce_retracing the relaxed one covering them, else the concrete keys."""
        if self._input_signature is not None:
            return ("input_signature",)
        if not self._reduce_retracing:
            return None
        for sig in self._signatures:
            if sig and sig[0] == "relaxed" and len(sig[1]) == len(spec_keys) and all(
                    _covers(s, k) for s, k in zip(sig[1], spec_keys)):
                return sig
        return None

    def _trace_and_call(self, key, spec_keys, args, kwargs, tensors):
        signature = self._signature_of(spec_keys)
        new_signature = signature is None
        if signature is None:
            if self._reduce_retracing and self._last_key is not None and len(self._last_key[1]) == len(spec_keys):
                signature = ("relaxed", tuple(_relaxed(k, p) for k, p in zip(spec_keys, self._last_key[1])))
            elif self._reduce_retracing:
                signature = ("relaxed", tuple(spec_keys))
            else:
                signature = _signature_key(key)
        elif signature not in self._signatures:
            new_signature = True
        variables = [v for v in nest.flatten((args, kwargs)) if isinstance(v, Variable)]
        if variables:
            concrete = self._rebound(signature, variables)
        else:
            concrete = None if new_signature else self._generalized(signature, key, spec_keys, tensors)
        if concrete is not None:
            outputs = concrete._run_call(tensors, args, kwargs)
        else:
            outputs, concrete = self._trace(args, kwargs, tensors, dry=False,
                                            shown_dims=self._shown_dims(signature, len(tensors)))
        concrete._variable_arguments = variables
        concrete._key, concrete._parameters = key, self._parameters_of(args, kwargs)
        concrete._call_shape = (len(args), tuple(kwargs))
        self._remember(key, concrete)
        if new_signature and signature in self._signatures:  # a new string value or Variable: a graph, not a signature
            new_signature = False
        if new_signature:
            self._signatures.append(signature)
            self._warn_if_retracing(key)
        self._last_key = (key, tuple(spec_keys))
        return outputs

    def _rebound(self, signature, variables):
        """A concrete function for Variable arguments `variables`, made without running the Python function from one
        traced for the same signature with other variables of the same dtypes and shapes: its graph with those
        variables swapped in (TF traces once per variable spec). None when there is none, or when its graph has no
        serialised form to rebind (a host callback)."""
        for other in list(self._concrete.values()):
            if (other._custom_gradient or len(other._variable_arguments) != len(variables) or
                    _signature_key(other._key) != signature):
                continue
            swapped = {id(old): new for old, new in zip(other._variable_arguments, variables)}
            captured = other._unoptimized.variables()
            try:
                graph = _core._deserialize_graph(_core._serialize_graph(other._unoptimized, captured),
                                                 [swapped.get(id(v), v) for v in captured])
            except errors.InvalidArgumentError:
                return None
            return ConcreteFunction(self._name, graph, other._structured_outputs, other._output_leaves,
                                    other.structured_input_signature, self)
        return None

    def _placeholders(self, args, kwargs, tensors, shown_dims):
        """({id(tensor argument): (TF's placeholder name, shape to show)}, {id(string argument): its name}): a
        parameter's tensor is "name:0" (its input_signature spec's name when given), further tensors nested in it
        "name_1:0", ...; *args' are args_i."""
        from .tensor_shape import TensorShape
        positional = []
        try:
            for p in inspect.signature(self._python_function).parameters.values():
                if p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
                    break
                positional.append(p.name)
        except (TypeError, ValueError):
            pass
        names, leaves = [], []
        for base, value in ([(positional[i] if i < len(positional) else f"args_{i}", a) for i, a in enumerate(args)] +
                            list(kwargs.items())):
            held = [leaf for leaf in nest.flatten(value) if isinstance(leaf, (Tensor, StringTensor))]
            names += [base if j == 0 else f"{base}_{j}" for j in range(len(held))]
            leaves += held
        if self._input_signature is not None:
            specs = nest.flatten(list(self._input_signature))
            if len(specs) == len(names):
                names = [spec.name or name for spec, name in zip(specs, names)]
        string_names = {id(leaf): f"{name}:0" for leaf, name in zip(leaves, names) if isinstance(leaf, StringTensor)}
        names = [name for leaf, name in zip(leaves, names) if isinstance(leaf, Tensor)]
        if len(names) != len(tensors):
            return {}, string_names
        shown = {}
        for i, (t, name) in enumerate(zip(tensors, names)):
            dims = shown_dims[i] if shown_dims is not None and i < len(shown_dims) else t._shape_tuple()
            shown[id(t)] = (f"{name}:0", TensorShape(None if dims is None else list(dims)))
        return shown, string_names

    def _shown_dims(self, signature, count):
        """Each tensor argument's dimensions as `signature` declares them (None where free), or None (concrete)."""
        if self._input_signature is not None:
            dims = [_dims(spec.shape) for spec in nest.flatten(list(self._input_signature))]
        elif signature and signature[0] == "relaxed":
            dims = [d for _, d in signature[1]]
        else:
            return None
        return dims if len(dims) == count else None

    def _free_dims(self, signature, count):
        """[(tensor leaf, dimension)] that `signature` leaves free (None), for a call with `count` tensor leaves."""
        return _free_dims_of(self._shown_dims(signature, count))

    def _generalized(self, signature, key, spec_keys, tensors):
        """A concrete function for a new shape under a signature with None dimensions, made without running the
        Python function: from the graphs traced for other sizes under it, when they are one program up to numbers
        that follow the sizes (_size_polymorphism). None until the traces show that (then the function is traced
        for this shape, and the trace joins the samples)."""
        free = self._free_dims(signature, len(spec_keys))
        groups = _size_polymorphism.size_groups(free)
        shapes = [dims for _, dims in spec_keys]
        sizes = _size_polymorphism.group_sizes(groups, shapes) if groups else None
        if sizes is None or min(sizes) < _size_polymorphism.MIN_SAMPLE_SIZE:
            return None
        free = set(free)
        plain = _without_shapes(key, True)
        samples = {}
        for other in self._concrete.values():
            if other._variable_arguments or other._generalized or _without_shapes(other._key, True) != plain:
                continue
            other_shapes = [tuple(shape) for _, shape in other._unoptimized.input_types()]
            fixed_agree = len(other_shapes) == len(shapes) and all(
                len(o) == len(c) and all(o[d] == c[d] for d in range(len(c)) if (i, d) not in free)
                for i, (o, c) in enumerate(zip(other_shapes, shapes)))
            other_sizes = _size_polymorphism.group_sizes(groups, other_shapes) if fixed_agree else None
            if other_sizes is not None and min(other_sizes) >= _size_polymorphism.MIN_SAMPLE_SIZE:
                if other._size_generic:
                    return self._replayed(other, tensors)
                samples.setdefault(other_sizes, other)
        if len(samples) < len(groups) + 1:
            return None
        try:
            numbered = [(s, c, _core._serialize_graph_numbers(c._unoptimized, c._unoptimized.variables()))
                        for s, c in samples.items()]
        except (errors.InvalidArgumentError, ValueError):  # a graph with no serialised form (a host callback)
            return None
        # The latest trace is the program: a first trace can be another (it made the variables and slots).
        _, base, (latest, _) = numbered[-1]
        if base._custom_gradient and _tape_recording():  # its gradient is Python's: the call runs it under the tape
            return None
        numbered = [(s, c, n) for s, c, n in numbered if len(n[0]) == len(latest) and _same_outputs(c, base) and
                    c._custom_gradient == base._custom_gradient]
        numbers = _size_polymorphism.fit([(s, n) for s, _, n in numbered])
        if numbers is None:
            return None
        try:
            graph = _core._deserialize_graph(_size_polymorphism.patched(latest, numbers, sizes),
                                             base._unoptimized.variables())
        except (errors.InvalidArgumentError, ValueError):
            return None
        input_signature = self._input_signature or tuple(_spec_like(t) for t in tensors)
        concrete = ConcreteFunction(self._name, graph, base._structured_outputs, base._output_leaves, input_signature,
                                    self)
        concrete._generalized = True
        # A trace that ran a tf.custom_gradient (or a tf.cond's) is rerun eagerly under a recording tape, as its own.
        concrete._custom_gradient = base._custom_gradient
        return concrete

    def _lookup(self, key):
        """The concrete function for a call of signature key `key`, or None: its own trace, else one traced for
        other values of its string arguments that does not depend on their values (_string_graph)."""
        concrete = self._concrete.get(key)
        if concrete is None and self._string_generic:
            concrete = self._string_generic.get(_signature_key(key, keep_variables=True))
        return concrete

    def _remember(self, key, concrete):
        self._concrete[key] = concrete
        if concrete._string_inputs and not concrete._strings_read:
            self._string_generic[_signature_key(key, keep_variables=True)] = concrete

    def _replayed(self, base, tensors):
        """The concrete function for new sizes of `base`'s free dimensions, whose trace showed its graph to be one
        program for every size (Capture.size_generic_violation, TF's single symbolic trace): its graph run on
        `tensors` under a capture records the graph at their sizes, without running the Python function. The run
        changes no state (its variable writes are undone): the call runs the new graph."""
        capture = _core._Capture(tensors)
        capture.begin()
        try:
            graph = capture.finish(_core._Executor(base._unoptimized).run(tensors, any_sizes=True))
        finally:
            capture.end()
            capture.restore_variables()
        input_signature = self._input_signature or tuple(_spec_like(t) for t in tensors)
        concrete = ConcreteFunction(self._name, graph, base._structured_outputs, base._output_leaves, input_signature,
                                    self)
        concrete._generalized = True
        return concrete

    def _warn_if_retracing(self, key):
        count = len(self._signatures)
        previous = self._last_key[0] if self._last_key is not None else None
        if count < RETRACE_WARNING_THRESHOLD or previous is None or count % RETRACE_WARNING_THRESHOLD:
            return
        changed = []
        if isinstance(key, tuple) and isinstance(previous, tuple) and len(key) == len(previous):
            for i, (k, p) in enumerate(zip(key, previous)):
                if k != p:
                    changed.append(self._arg_name(i) if not (isinstance(k, tuple) and k and k[0] == dict) else "kwargs")
        kinds = []
        if any(isinstance(k, tuple) and len(k) == 3 and k[0] == "value" for k in (key if isinstance(key, tuple) else ())):
            kinds.append("a Python value that changes gives a new graph per value: pass it as a tensor "
                         "(tf.constant(value))")
        kinds.append("tensors of changing shapes: declare input_signature with None dimensions or use "
                     "reduce_retracing=True")
        named = ", ".join(f"'{c}'" for c in changed) or "its arguments"
        warnings.warn(f"tf.function '{self._name}' was traced {count} times; {named} changed between the last two "
                      f"traces. Tracing is expensive: for {'; for '.join(kinds)}.", UserWarning, stacklevel=3)

    def _trace(self, args, kwargs, tensors, dry, shown_dims=None, strings_by_value=False):
        """Runs the Python function under a capture; returns (its outputs, the ConcreteFunction). `shown_dims`: the
        signature's dimensions of each tensor argument (None where free), for printing its placeholder. String
        arguments become placeholders whose ops the graph runs (_string_graph), unless `strings_by_value` (a graph
        with their values folded in, which has a saved form)."""
        # A tensor passed twice must still be two graph inputs: give repeats an identity of their own.
        seen = set()
        for i, t in enumerate(tensors):
            if id(t) in seen:
                tensors[i] = _core.reshape(t, t._shape_tuple())
            seen.add(id(t))
        shown, string_names = self._placeholders(args, kwargs, tensors, shown_dims)
        capture = _core._Capture(tensors, names=[shown[id(t)][0].split(":")[0] if id(t) in shown else ""
                                                 for t in tensors])
        free = _free_dims_of(shown_dims)
        sizes = _size_polymorphism.group_sizes(_size_polymorphism.size_groups(free),
                                               [t._shape_tuple() for t in tensors]) if free else None
        if sizes is not None and min(sizes) >= _size_polymorphism.MIN_SAMPLE_SIZE:
            capture.watch_sizes()  # the graph may prove to be one program for every size (_replayed)
        traces = _traces()
        trace = _Trace(capture, dry)
        trace.placeholders = shown
        strings = _string_leaves(args, kwargs)
        if strings and not strings_by_value:
            placeholders = iter([SymbolicString(s._array, trace, i, string_names.get(id(s), f"string_{i}:0"))
                                 for i, s in enumerate(strings)])
            trace.string_slots = len(strings)
            args, kwargs = nest.pack_sequence_as(
                (list(args), kwargs), [next(placeholders) if isinstance(leaf, StringTensor) else leaf
                                       for leaf in nest.flatten((list(args), kwargs))])
        traces.append(trace)
        capture.begin()
        tapes = []
        if self._records_gradients:  # for tf.gradients: every op the arguments and variables feed
            from .gradient_tape import GradientTape
            for _ in range(self._records_gradients):  # the outer tape first, for tf.hessians
                tapes.append(GradientTape(persistent=True))
                tapes[-1].__enter__()
                tapes[-1].watch([t for t in tensors if t.dtype.is_floating])
            trace.gradient_tape = tapes[-1]
            trace.outer_tape = tapes[0] if len(tapes) > 1 else None
        retrace = 0
        try:
            outputs = self._traced_function()(*args, **kwargs)
            structure, leaves, out_tensors = _split_outputs(outputs)
            for leaf in leaves:
                if isinstance(leaf, SymbolicString) and leaf._trace is not trace:
                    raise TypeError(f"tf.function '{self._name}' returned {leaf!r}, a string value of another "
                                    f"function's trace, which is out of scope here: return it from that function")
            del outputs  # (a variable the function made and returned is not kept by returning it: see below)
            # The tensors the function computed and still exist after it are its graph's (TF: out of scope once the
            # trace ends); the call returns new handles on the outputs' values.
            core_graph = capture.finish_function(out_tensors, self._name)
            out_tensors = [_core.reshape(t, t._shape_tuple()) for t in out_tensors]
        except _NeedsGradientTape as needs:
            if self._records_gradients >= needs.order:
                raise
            retrace = needs.order
        finally:
            for tape in reversed(tapes):
                tape.__exit__(None, None, None)
            capture.end()
            traces.pop()
            if dry or retrace:
                capture.restore_variables()
        if retrace:  # tf.gradients / tf.hessians: trace again, on tapes
            self._records_gradients = retrace
            return self._trace(args, kwargs, tensors, dry, shown_dims, strings_by_value)
        if capture.variables_created and (self._traced_once or capture.variables_dropped):
            # A variable the first trace made and nothing kept would be made again by the next call: TF traces its
            # first call twice to find such a function, and refuses it.
            when = "on a trace after its first" if self._traced_once else (
                f"and kept no reference to {capture.variables_dropped} of them (so every call would create them)")
            raise ValueError(
                f"tf.function '{self._name}' created {capture.variables_created} variable(s) {when}: tf.function "
                f"only supports singleton tf.Variables created on the first call. Make sure the tf.Variable is only "
                f"created once (e.g. in __init__ or guarded by `if self.v is None`) or created outside tf.function.")
        self._traced_once = True
        signature = tuple(_spec_like(t) for t in tensors) if self._input_signature is None else self._input_signature
        concrete = ConcreteFunction(self._name, core_graph, structure, leaves, signature, self)
        concrete._custom_gradient = trace.custom_gradient
        concrete._size_generic = not (capture.size_generic_violation or trace.custom_gradient or
                                      self._records_gradients)
        concrete._string_inputs = trace.string_slots and len(strings)
        concrete._strings_read = trace.strings_read
        return concrete._pack(out_tensors), concrete  # as later calls return them (a Variable as its value)

    def _traced_function(self):
        """What a trace runs: the AutoGraph-converted function (autograph=True), else the Python function."""
        if not self._autograph:
            return self._python_function
        if self._converted is None:
            from . import autograph
            self._converted = autograph.convert_for_trace(self._python_function)
        return self._converted

    def _call_concrete(self, concrete, args, kwargs):
        # A concrete function takes its tensor parameters (by position or name); the others keep their traced values.
        parameters = concrete._parameters
        tensor_names = [name for name, _, value in parameters if _holds_tensors(value)]
        if len(args) > len(tensor_names):
            raise TypeError(f"{self._name}: this concrete function takes {len(tensor_names)} tensor arguments "
                            f"({', '.join(tensor_names)}), got {len(args)}: {concrete.function_type}")
        given = dict(zip(tensor_names, args))
        for name, value in kwargs.items():
            if name not in tensor_names or name in given:
                raise TypeError(f"{self._name}: this concrete function got an unexpected keyword argument '{name}' "
                                f"(its tensor parameters: {', '.join(tensor_names)}; the others are fixed by the "
                                f"trace: {concrete.function_type}); call the tf.function itself to trace for them")
            given[name] = value
        missing = [name for name in tensor_names if name not in given]
        if missing:
            raise TypeError(f"{self._name}: this concrete function is missing tensor arguments {missing}: "
                            f"{concrete.function_type}")
        positional, keywords = concrete._call_shape
        values = [(name, kind, given.get(name, value)) for name, kind, value in parameters]
        args = [v for _, kind, v in values if kind != "KEYWORD_ONLY"][:positional]
        kwargs = {name: v for name, _, v in values if name in keywords}
        tensors, spec_keys = [], []
        args, kwargs, key = self._canonical_call(args, kwargs, tensors, spec_keys)
        concrete._check_call(key)
        own = self._lookup(key)
        if own is not None:
            return own._run_call(tensors, args, kwargs)
        return self._trace_and_call(key, spec_keys, args, kwargs, tensors)

    def get_concrete_function(self, *args, **kwargs):
        """The ConcreteFunction for these arguments (tensors, or tf.TensorSpec for a dry trace that changes no
        variable); with no arguments, the input_signature's. TensorSpec dimensions that are None trace as 1: the
        function specialises to each concrete shape when called."""
        if not args and not kwargs and self._input_signature is not None:
            args = self._input_signature
        described = (args, kwargs)
        has_spec = any(isinstance(a, TensorSpec) for a in nest.flatten([list(args), kwargs]))
        if has_spec:
            args = tuple(nest.pack_sequence_as(a, [_placeholder(leaf) for leaf in nest.flatten(a)]) for a in args)
            kwargs = {k: nest.pack_sequence_as(v, [_placeholder(leaf) for leaf in nest.flatten(v)])
                      for k, v in kwargs.items()}
        tensors, spec_keys = [], []
        args, kwargs, key = self._canonical_call(args, kwargs, tensors, spec_keys)
        concrete = self._lookup(key)
        if concrete is not None:
            return concrete
        if not has_spec:
            self._trace_and_call(key, spec_keys, args, kwargs, tensors)
            return self._concrete[key]
        _, concrete = self._trace(args, kwargs, tensors, dry=True,
                                  shown_dims=self._shown_dims(self._signature_of(spec_keys), len(tensors)))
        concrete._key, concrete._parameters = key, self._parameters_of(*described)
        concrete._call_shape = (len(args), tuple(kwargs))
        self._remember(key, concrete)
        signature = self._signature_of(spec_keys) or _signature_key(key)
        if signature not in self._signatures:
            self._signatures.append(signature)
        self._last_key = (key, tuple(spec_keys))
        return concrete


def _free_dims_of(shown_dims):
    """[(tensor leaf, dimension)] that `shown_dims` (Function._shown_dims) leaves free; [] when none is, or a
    leaf's rank is unknown (a graph per rank)."""
    if shown_dims is None or any(d is None for d in shown_dims):
        return []
    return [(i, d) for i, leaf in enumerate(shown_dims) for d, n in enumerate(leaf) if n is None]


def _placeholder(leaf):
    if not isinstance(leaf, TensorSpec):
        return leaf
    dims = _dims(leaf.shape)
    if dims is None:  # an unknown rank traces as a scalar: the function specialises to each shape when called
        dims = ()
    dims = [1 if d is None else d for d in dims]
    if leaf.dtype == StringTensor.dtype:
        return StringTensor(np.full(dims, b"", dtype=object))
    return _core.zeros(dims, leaf.dtype)


def _string_leaves(args, kwargs):
    """The string tensors among a call's (canonical) arguments, in the order its graph takes them."""
    return [leaf for leaf in nest.flatten((list(args), kwargs)) if isinstance(leaf, StringTensor)]



def _same_outputs(a, b):
    """Whether concrete functions `a` and `b` return the same structure with the same Python values in it."""
    if a._output_leaves is b._output_leaves:
        return True
    try:
        return bool(a._structured_outputs == b._structured_outputs and len(a._output_leaves) == len(b._output_leaves)
                    and all(x is y or (type(x) is type(y) and x == y)
                            for x, y in zip(a._output_leaves, b._output_leaves)))
    except Exception:  # values without a truth value for == (arrays): not known to be the same
        return False


def _spec_like(t):
    return TensorSpec(t._shape_tuple(), t.dtype)


# The values a function may return that TF's call returns as tensors (other objects: as they are).
_CONVERTED_OUTPUTS = (bool, int, float, complex, str, bytes, np.generic, np.ndarray)


def _split_outputs(outputs):
    """(structure with tensor leaves marked, leaves with tensors marked, the tensors) of a function's result."""
    flat = nest.flatten(outputs)
    leaves, tensors = [], []
    for leaf in flat:
        autograph = sys.modules.get("pytensor.autograph._operators")  # loaded once a function was converted
        if autograph is not None and isinstance(leaf, autograph.Undefined):
            leaf._fail()  # a variable without a value here: say where it lost it
        if isinstance(leaf, Variable):
            leaf = leaf.read_value()
        elif isinstance(leaf, _CONVERTED_OUTPUTS):
            leaf = _tf_ops.convert_to_tensor(leaf)  # TF returns a Python or numpy value as a constant tensor
        if isinstance(leaf, Tensor):
            tensors.append(leaf)
            leaves.append(_TENSOR_SLOT)
        else:
            leaves.append(leaf)
    if not nest.is_nested(outputs):
        return (_TENSOR_SLOT if leaves and leaves[0] is _TENSOR_SLOT else outputs), leaves, tensors
    return nest.pack_sequence_as(outputs, leaves), leaves, tensors


def function(func=None, input_signature=None, autograph=True, jit_compile=None, reduce_retracing=False,
             experimental_relax_shapes=None, name=None, experimental_autograph_options=None, **kwargs):
    """Compiles a function into a graph run by the C++ executor, as ``tf.function``.

    Usable as ``@tf.function``, ``@tf.function(input_signature=[...])`` or ``tf.function(f)``, on functions and
    methods (each instance gets its own traces).

    Args:
        func: the function to compile.
        input_signature: a list of ``tf.TensorSpec`` the arguments must match (None dimensions allowed).
        autograph: convert Python ``if`` / ``while`` / ``for`` on tensors into graph control flow when tracing
            (``tf.autograph``); False runs the function as written.
        experimental_autograph_options: accepted (``tf.autograph.experimental.Feature`` values).
        jit_compile: accepted; every function is compiled to a C++ graph.
        reduce_retracing: trace one signature with None dimensions for tensors whose shapes change.
        name: the function's name in graphs and messages.

    Example:
        >>> @pt.function
        ... def f(x):
        ...     return x * x + 1.0
        >>> f(pt.constant([1.0, 2.0]))
    """
    def decorate(fn):
        return Function(fn, input_signature=input_signature, reduce_retracing=reduce_retracing,
                        jit_compile=jit_compile, autograph=autograph, name=name,
                        experimental_relax_shapes=experimental_relax_shapes,
                        experimental_autograph_options=experimental_autograph_options, **kwargs)

    if func is None:
        return decorate
    return decorate(func)


def _check_graph_value(tensor, what):
    """Raises TF's error when a traced (symbolic) tensor is used as a Python value during tracing."""
    if _traces() and symbolic_in_scope(tensor):
        raise errors.OperatorNotAllowedInGraphError(
            f"{what} a symbolic tf.Tensor is not allowed while tf.function traces its graph: the value is not known "
            f"until the graph runs. Use tf.cond / tf.while_loop for control flow on tensors, or "
            f"tf.config.run_functions_eagerly(True) to debug.")
