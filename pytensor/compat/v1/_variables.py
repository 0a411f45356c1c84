"""TF1 variables: ``tf.compat.v1.Variable`` / ``get_variable`` in ``variable_scope``s, initializers, collections.

Under TF1 graph semantics (eager execution disabled, or inside ``Graph.as_default()``) a variable is a graph
variable: a pytensor Variable that also belongs to a graph, whose value a session only reads after running its
initializer (FailedPreconditionError otherwise), and on which operators and ``tf.compat.v1`` functions build graph
operations that read it when they run. With eager execution on, they are ordinary eager variables, as in TF 2.
"""

import contextlib
import operator
import threading

import numpy as np

import pytensor as _pt

from . import _graph
from ._graph import Tensor, get_default_graph, record, record_operation


class GraphKeys:
    """Standard collection names."""

    GLOBAL_VARIABLES = "variables"
    VARIABLES = "variables"
    LOCAL_VARIABLES = "local_variables"
    TRAINABLE_VARIABLES = "trainable_variables"
    MODEL_VARIABLES = "model_variables"
    GLOBAL_STEP = "global_step"
    UPDATE_OPS = "update_ops"
    LOSSES = "losses"
    REGULARIZATION_LOSSES = "regularization_losses"
    SUMMARIES = "summaries"
    TRAIN_OP = "train_op"


class RefVariable(_pt.Variable):
    """A variable of a TF1 graph (see the module docstring). Created by ``tf.compat.v1.Variable`` and
    ``tf.compat.v1.get_variable`` under graph semantics, not directly."""

    def __init__(self, initial_value, trainable, name, dtype, graph):
        _pt.Variable.__init__(self, initial_value, trainable=trainable, name=name, dtype=dtype)
        self._graph = graph
        self._initial_value = _pt.Variable.read_value(self)
        graph._graph_variables[id(self)] = self
        initial = self._initial_value
        self._initializer_op = record_operation(graph, "Assign", name + "/Assign",
                                                lambda: _pt.Variable.assign(self, initial, read_value=False),
                                                (), {}, [], initializes=[self])

    __hash__ = object.__hash__  # TF1 variables are hashable and compare by identity

    def __eq__(self, other):
        return self is other

    def __ne__(self, other):
        return self is not other

    @property
    def graph(self):
        return self._graph

    @property
    def initializer(self):
        """The operation that assigns the initial value (``sess.run(v.initializer)``)."""
        return self._initializer_op

    @property
    def initial_value(self):
        return self._initial_value

    def initialized_value(self):
        return self._initial_value

    @property
    def op(self):
        return self._initializer_op

    def eval(self, session=None):
        """The variable's value in `session` (default: the default session)."""
        from . import _session
        return _session._session_for(session, "Variable.eval()").run(self)

    def load(self, value, session=None):
        """Writes `value` into the variable now, as initialised in `session`."""
        from . import _session
        session = _session._session_for(session, "Variable.load()")
        _pt.Variable.assign(self, value)
        session._initialized.add(id(self))

    def _assign_operation(self, kind, value, initializes):
        method = {"Assign": _pt.Variable.assign, "AssignAdd": _pt.Variable.assign_add,
                  "AssignSub": _pt.Variable.assign_sub}[kind]

        def compute(v):
            method(self, v, read_value=False)
            return _pt.Variable.read_value(self)
        if not isinstance(value, Tensor) and not isinstance(value, RefVariable):
            value = _pt.convert_to_tensor(value, dtype=self.dtype)
        op = record_operation(self._graph, kind, self._variable_name + "/" + kind, compute, (value,), {},
                              [_pt.Variable.read_value(self)],
                              reads=() if initializes else [self], initializes=[self] if initializes else ())
        return op.outputs[0]

    def assign(self, value, use_locking=None, name=None, read_value=True):
        """An operation that assigns `value` when run; its output is the new value."""
        return self._assign_operation("Assign", value, True)

    def assign_add(self, delta, use_locking=None, name=None, read_value=True):
        return self._assign_operation("AssignAdd", delta, False)

    def assign_sub(self, delta, use_locking=None, name=None, read_value=True):
        return self._assign_operation("AssignSub", delta, False)

    def __getitem__(self, key):
        return record(operator.getitem, (self, key), {}, "strided_slice")

    def __neg__(self):
        return record(operator.neg, (self,), {}, "Neg")

    def __abs__(self):
        return record(operator.abs, (self,), {}, "Abs")

    def __repr__(self):
        return f"<tf.Variable '{self.name}' shape={self.shape} dtype={self.dtype.name}>"

    __str__ = __repr__


def _operator(function, type_name, reflected):
    def method(self, other):  # the recorded call sees the variable's value (read when the operation runs)
        return record(function, (other, self) if reflected else (self, other), {}, type_name)
    return method


for _name, _function in (("add", operator.add), ("sub", operator.sub), ("mul", operator.mul),
                         ("truediv", operator.truediv), ("floordiv", operator.floordiv), ("mod", operator.mod),
                         ("pow", operator.pow), ("matmul", operator.matmul)):
    setattr(RefVariable, f"__{_name}__", _operator(_function, _name, False))
    setattr(RefVariable, f"__r{_name}__", _operator(_function, _name, True))
for _name, _function in (("lt", operator.lt), ("le", operator.le), ("gt", operator.gt), ("ge", operator.ge)):
    setattr(RefVariable, f"__{_name}__", _operator(_function, _name, False))


def _make_variable(initial_value, trainable, name, dtype, collections):
    """A graph variable under graph semantics (added to `collections`), else an eager pt.Variable."""
    if isinstance(initial_value, (Tensor, RefVariable)):
        raise ValueError(f"tf.compat.v1.Variable {name!r}: an initial value computed by the graph ({initial_value!r}) "
                         f"is not supported; give a value (numpy, a list, an eager tensor or an initializer).")
    graph = get_default_graph()
    if not _graph.graph_mode():
        return _pt.Variable(initial_value, trainable=trainable, name=name, dtype=dtype)
    v = RefVariable(initial_value, trainable, name, dtype, graph)
    if collections is None:
        collections = [GraphKeys.GLOBAL_VARIABLES]
        if trainable:
            collections.append(GraphKeys.TRAINABLE_VARIABLES)
    graph.add_to_collections(collections, v)
    return v


def Variable(initial_value=None, trainable=None, collections=None, validate_shape=True,  # noqa: N802 - TF's name
             caching_device=None, name=None, variable_def=None, dtype=None, expected_shape=None, import_scope=None,
             constraint=None, use_resource=None, synchronization=None, aggregation=None, shape=None):
    """``tf.compat.v1.Variable``: a graph variable under TF1 graph semantics, else an eager one.

    Example:
        >>> W = tf.compat.v1.Variable(tf.zeros([784, 10]), name="W")
        >>> sess.run(tf.compat.v1.global_variables_initializer())
    """
    if initial_value is None:
        raise ValueError("tf.Variable: initial_value must be given (a value, or a callable that returns one)")
    if callable(initial_value):
        initial_value = initial_value()
    trainable = True if trainable is None else bool(trainable)
    name = get_default_graph().unique_name(name or "Variable")
    return _make_variable(initial_value, trainable, name, dtype, collections)


# ---- variable scopes ------------------------------------------------------------------------------------------

class _AutoReuse:
    def __repr__(self):
        return "AUTO_REUSE"


AUTO_REUSE = _AutoReuse()
_scope_state = threading.local()


class VariableScope:
    """A variable scope: its name (the prefix of get_variable's names), reuse mode and default initializer."""

    def __init__(self, reuse, name="", initializer=None, regularizer=None, dtype=None):
        self.name = name
        self.reuse = reuse
        self.initializer = initializer
        self.regularizer = regularizer
        self.dtype = dtype
        self.original_name_scope = name + "/" if name else ""

    def reuse_variables(self):
        """Makes get_variable in this scope return existing variables from now on."""
        self.reuse = True

    def set_initializer(self, initializer):
        self.initializer = initializer

    def get_variable(self, name, *args, **kwargs):
        with variable_scope(self):
            return get_variable(name, *args, **kwargs)


def get_variable_scope():
    """The innermost variable scope (the root scope, named ``''``, outside any)."""
    stack = getattr(_scope_state, "scopes", None)
    if not stack:
        stack = _scope_state.scopes = [VariableScope(False)]
    return stack[-1]


@contextlib.contextmanager
def variable_scope(name_or_scope, default_name=None, values=None, initializer=None, regularizer=None,
                   caching_device=None, partitioner=None, custom_getter=None, reuse=None, dtype=None,
                   use_resource=None, constraint=None, auxiliary_name_scope=True):
    """Prefixes get_variable's names (and operation names) with the scope's name; ``reuse=True`` returns existing
    variables, ``reuse=tf.compat.v1.AUTO_REUSE`` creates them once and returns them afterwards.

    Example:
        >>> with tf.compat.v1.variable_scope("layer1"):
        ...     w = tf.compat.v1.get_variable("w", [3, 4])        # "layer1/w"
        >>> with tf.compat.v1.variable_scope("layer1", reuse=True):
        ...     same = tf.compat.v1.get_variable("w")             # the same variable
    """
    parent = get_variable_scope()
    graph = get_default_graph()
    base = parent
    if isinstance(name_or_scope, VariableScope):
        base = name_or_scope
        name = name_or_scope.name
        if reuse is None:
            reuse = name_or_scope.reuse
    elif name_or_scope is None:
        if default_name is None:
            raise TypeError("If default_name is None then name_or_scope is required")
        prefix = (parent.name + "/" if parent.name else "") + default_name
        count = graph._scope_counts.get(prefix, 0)
        graph._scope_counts[prefix] = count + 1
        name = prefix if count == 0 else f"{prefix}_{count}"
    else:
        name = (parent.name + "/" if parent.name else "") + name_or_scope
    if parent.reuse in (True, AUTO_REUSE) and reuse is not True:
        reuse = parent.reuse  # sub-scopes inherit reuse; it cannot be switched off inside
    reuse = reuse or False
    scope = VariableScope(reuse, name, initializer or base.initializer, regularizer or base.regularizer,
                          dtype or base.dtype)
    stack = _scope_state.scopes
    stack.append(scope)
    try:
        with _graph._NameStack.push(name + "/"):
            yield scope
    finally:
        stack.pop()


@contextlib.contextmanager
def name_scope(name, default_name=None, values=None):
    """Prefixes operation names created in the block with ``name/`` (TF1's signature)."""
    name = name or default_name
    prefix = get_default_graph().unique_name(name) + "/" if name else ""
    with _graph._NameStack.push(prefix):
        yield prefix


def get_variable(name, shape=None, dtype=None, initializer=None, regularizer=None, trainable=None, collections=None,
                 caching_device=None, partitioner=None, validate_shape=True, use_resource=None, custom_getter=None,
                 constraint=None, synchronization=None, aggregation=None):
    """The variable ``<scope>/<name>``: created (from `initializer`, default Glorot uniform for floats and zeros
    otherwise, or the scope's) unless the scope reuses variables, in which case the existing one is returned.
    ValueError when it exists and the scope does not reuse, or does not exist and the scope has ``reuse=True``."""
    scope = get_variable_scope()
    full = (scope.name + "/" if scope.name else "") + name
    graph = get_default_graph()
    existing = graph._variables_by_name.get(full)
    if existing is not None:
        if scope.reuse not in (True, AUTO_REUSE):
            raise ValueError(f"Variable {full} already exists, disallowed. Did you mean to set reuse=True or "
                             f"reuse=tf.AUTO_REUSE in VarScope?")
        if shape is not None and not _pt.TensorShape(shape).is_compatible_with(existing.shape):
            raise ValueError(f"Trying to share variable {full}, but specified shape {_pt.TensorShape(shape)} and "
                             f"found shape {existing.shape}.")
        return existing
    if scope.reuse is True:
        raise ValueError(f"Variable {full} does not exist, or was not created with tf.get_variable(). Did you mean to "
                         f"set reuse=tf.AUTO_REUSE in VarScope?")
    dtype = _pt.as_dtype(dtype or scope.dtype or _pt.float32)
    initializer = initializer if initializer is not None else scope.initializer
    if initializer is None:
        initializer = glorot_uniform_initializer() if dtype.is_floating else zeros_initializer()
    if callable(initializer):
        if shape is None:
            raise ValueError(f"Shape of a new variable ({full}) must be fully defined, but instead was None.")
        value = initializer(list(_pt.TensorShape(shape).as_list()), dtype=dtype)
    else:
        value = _pt.convert_to_tensor(initializer, dtype=dtype)
        if shape is not None and list(value._shape_tuple()) != list(_pt.TensorShape(shape).as_list()):
            raise ValueError(f"get_variable {full}: the initial value has shape {value._shape_tuple()}, not the "
                             f"given shape {_pt.TensorShape(shape)}; when the initializer is a value, leave shape out.")
    graph.unique_name(full)  # the name is taken
    trainable = True if trainable is None else bool(trainable)
    v = _make_variable(value, trainable, full, dtype, collections)
    graph._variables_by_name[full] = v
    regularizer = regularizer if regularizer is not None else scope.regularizer
    if regularizer is not None:
        penalty = record(regularizer, (v,), {}, "Regularizer")
        if penalty is not None:
            graph.add_to_collection(GraphKeys.REGULARIZATION_LOSSES, penalty)
    return v


# ---- collections and initializers -----------------------------------------------------------------------------

def get_collection(key, scope=None):
    return get_default_graph().get_collection(key, scope)


def get_collection_ref(key):
    return get_default_graph().get_collection_ref(key)


def add_to_collection(name, value):
    get_default_graph().add_to_collection(name, value)


def add_to_collections(names, value):
    get_default_graph().add_to_collections(names, value)


def global_variables(scope=None):
    """The default graph's GLOBAL_VARIABLES (whose names start with `scope`, when given)."""
    return get_collection(GraphKeys.GLOBAL_VARIABLES, scope)


def trainable_variables(scope=None):
    return get_collection(GraphKeys.TRAINABLE_VARIABLES, scope)


def local_variables(scope=None):
    return get_collection(GraphKeys.LOCAL_VARIABLES, scope)


def model_variables(scope=None):
    return get_collection(GraphKeys.MODEL_VARIABLES, scope)


def no_op(name=None):
    """An operation that does nothing (a point to hang control dependencies on)."""
    return _graph.Operation(get_default_graph(), "NoOp", name or "NoOp", lambda: None)


def group(*inputs, name=None):
    """An operation that runs all of `inputs` (operations or tensors)."""
    ops = [x.op if isinstance(x, Tensor) else x for x in _graph._leaves(list(inputs)) if x is not None]
    return _graph.Operation(get_default_graph(), "NoOp", name or "group_deps", lambda: None, control_inputs=ops)


def variables_initializer(var_list, name="init"):
    """An operation that runs the initializers of `var_list`."""
    return group(*[v.initializer for v in var_list if isinstance(v, RefVariable)], name=name)


def global_variables_initializer():
    """An operation that initialises every global variable of the default graph (``sess.run(init)``)."""
    return variables_initializer(global_variables(), name="init")


def local_variables_initializer():
    return variables_initializer(local_variables(), name="init")


def is_variable_initialized(variable):
    raise NotImplementedError("tf.compat.v1.is_variable_initialized is not built: sessions track initialisation "
                              "themselves; run the initializer, or catch FailedPreconditionError.")


def assign(ref, value, validate_shape=None, use_locking=None, name=None):
    """An operation assigning `value` to variable `ref` when run; its output is the new value."""
    return ref.assign(value)


def assign_add(ref, value, use_locking=None, name=None):
    return ref.assign_add(value)


def assign_sub(ref, value, use_locking=None, name=None):
    return ref.assign_sub(value)


# ---- TF1 initializers (TF1's defaults, which differ from Keras's) -----------------------------------------------

class constant_initializer:  # noqa: N801 - TF's name
    """Fills with `value`: a scalar, or values reshaped to the variable's shape."""

    def __init__(self, value=0, dtype=None, verify_shape=False):
        self.value = np.asarray(value.numpy() if hasattr(value, "numpy") else value)

    def __call__(self, shape, dtype=None, partition_info=None):
        dtype = _pt.as_dtype(dtype or _pt.float32)
        value = self.value.astype(dtype.as_numpy_dtype)
        if value.size == 1:
            value = np.full(shape, value.reshape(()))
        elif value.size == int(np.prod(shape)):
            value = value.reshape(shape)
        else:
            raise ValueError(f"constant_initializer: {value.size} values cannot fill a variable of shape {list(shape)} "
                             f"({int(np.prod(shape))} elements)")
        return _pt.convert_to_tensor(value)


def _keras_initializer(name, **kwargs):
    from pytensor.keras import initializers
    return getattr(initializers, name)(**kwargs)


def zeros_initializer(dtype=None):
    return _keras_initializer("Zeros")


def ones_initializer(dtype=None):
    return _keras_initializer("Ones")


def random_normal_initializer(mean=0.0, stddev=1.0, seed=None, dtype=None):
    return _keras_initializer("RandomNormal", mean=mean, stddev=stddev, seed=seed)


def random_uniform_initializer(minval=0.0, maxval=None, seed=None, dtype=None):
    return _keras_initializer("RandomUniform", minval=minval, maxval=1.0 if maxval is None else maxval, seed=seed)


def truncated_normal_initializer(mean=0.0, stddev=1.0, seed=None, dtype=None):
    return _keras_initializer("TruncatedNormal", mean=mean, stddev=stddev, seed=seed)


def glorot_uniform_initializer(seed=None, dtype=None):
    return _keras_initializer("GlorotUniform", seed=seed)


def glorot_normal_initializer(seed=None, dtype=None):
    return _keras_initializer("GlorotNormal", seed=seed)


def variance_scaling_initializer(scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None, dtype=None):
    distribution = {"normal": "truncated_normal"}.get(distribution, distribution)
    return _keras_initializer("VarianceScaling", scale=scale, mode=mode, distribution=distribution, seed=seed)
