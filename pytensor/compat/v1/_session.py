"""``tf.compat.v1.Session``: runs what fetches need of a TF1 graph, compiled by ``tf.function`` into a C++ graph.

Each distinct (fetches, fed tensors) pair gets one compiled step: a Python function of the fed values that runs the
operations the fetches need, in creation order, wrapped in ``tf.function``. Its first call for a feed signature
(dtypes, shapes) records the C++ graph (csrc/graph capture); later calls run that graph in the executor. A session
holds which graph variables it has initialised: reading one it has not is TF's FailedPreconditionError.
"""

import contextlib
import threading
import warnings

import numpy as np

import pytensor as _pt
from pytensor import errors, nest
from pytensor.tensor_shape import TensorShape

from . import _graph
from ._graph import Operation, Tensor

_state = threading.local()  # .sessions: the default sessions of this thread, innermost last


def _session_stack():
    stack = getattr(_state, "sessions", None)
    if stack is None:
        stack = _state.sessions = []
    return stack


def get_default_session():
    """The session ``Tensor.eval()`` and ``Operation.run()`` use: the innermost ``with sess:`` /
    ``sess.as_default()`` one, or an open InteractiveSession; None when there is none."""
    stack = _session_stack()
    return stack[-1] if stack else None


def _session_for(session, what):
    session = session or get_default_session()
    if session is None:
        raise ValueError(f"Cannot evaluate tensor using `{what}`: No default session is registered. Use "
                         f"`with sess.as_default()` or pass an explicit session to `{what[:-2]}(session=sess)`")
    return session


class ConfigProto:
    """Session options (TF's protocol buffer): accepted and kept; pytensor's CPU runtime needs none of them."""

    def __init__(self, **fields):
        self.__dict__.update(fields)


class _Step:
    """A compiled fetch: the operations to run and the ``tf.function`` running them on the fed values."""

    def __init__(self, tensors, operations, variables, feeds):
        self.feeds = feeds
        self.tensors = tensors
        self.variables = variables
        fed = set(feeds)
        self.plan = _plan([t.op for t in tensors if t not in fed] + operations, feeds)
        self.needs_tape = any(op._needs_tape for op in self.plan)
        self.function = _pt.function(self._replay, name="Session.run")

    def _replay(self, *feed_values):
        values = dict(zip(self.feeds, feed_values))
        if self.needs_tape:
            tape = _pt.GradientTape(persistent=True)
            with tape:
                for v in feed_values:
                    if v.dtype.is_floating:  # tf.gradients with respect to a placeholder
                        tape.watch(v)
                self._run_plan(values, tape)
        else:
            self._run_plan(values, None)
        return [values[t] for t in self.tensors] + [_pt.Variable.read_value(v) for v in self.variables]

    def _run_plan(self, values, tape):
        for op in self.plan:
            for t, v in zip(op.outputs, op._call(values, tape)):
                values[t] = v


def _plan(targets, feeds):
    """The operations `targets` need, in creation order: inputs not fed, and control inputs, transitively.
    An unfed placeholder among them is TF's InvalidArgumentError naming it."""
    fed = set(feeds)
    needed = {}
    stack = list(targets)
    while stack:
        op = stack.pop()
        if op._id in needed:
            continue
        needed[op._id] = op
        stack.extend(t.op for t in op.inputs if t not in fed)
        stack.extend(op.control_inputs)
    plan = [needed[i] for i in sorted(needed)]
    for op in plan:
        if op._placeholder is not None and op._placeholder[1] is None and op.outputs[0] not in fed:
            _graph._unfed(op)
    return plan


class BaseSession:
    """A TF1 session on `graph` (default: the default graph when created); see the module docstring."""

    def __init__(self, target="", graph=None, config=None):
        self._graph = graph if graph is not None else _graph.get_default_graph()
        self._config = config
        self._closed = False
        self._initialized = set()  # ids of the graph variables initialised in this session
        self._steps = {}           # (fetch key, feed key) -> _Step
        self._default_context = None

    @property
    def graph(self):
        return self._graph

    @property
    def sess_str(self):
        return ""

    # ---- running ----
    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        """Computes `fetches` (a tensor, operation, variable or name, or lists, tuples, namedtuples and dicts of
        them) with the values in `feed_dict`; returns the same structure with numpy values (None for operations).

        Example:
            >>> sess.run([loss, train_op], feed_dict={x: batch_x, y: batch_y})
        """
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        flat = nest.flatten(fetches)
        elements = [self._fetch_element(f) for f in flat]
        feeds, feed_values = self._feeds(feed_dict)
        tensors = [e for kind, e in elements if kind == "tensor"]
        operations = [e for kind, e in elements if kind == "operation"]
        variables = [e for kind, e in elements if kind == "variable"]
        tensor_values, variable_values = {}, {}
        if tensors or operations or variables:
            key = (tuple(tensors), tuple(operations), tuple(id(v) for v in variables), tuple(feeds))
            step = self._steps.get(key)
            if step is None:
                step = self._steps[key] = _Step(tensors, operations, variables, feeds)
            initialized = self._check_initialized(step)
            with warnings.catch_warnings():  # each new feed shape is a new trace: expected, not a warning
                warnings.filterwarnings("ignore", message="tf.function 'Session.run' was traced")
                outputs = step.function(*feed_values)
            self._initialized |= initialized
            tensor_values = dict(zip(tensors, outputs))
            variable_values = dict(zip((id(v) for v in variables), outputs[len(tensors):]))
        values = []
        for kind, e in elements:
            if kind == "tensor":
                values.append(_numpy(tensor_values[e]))
            elif kind == "variable":
                values.append(_numpy(variable_values[id(e)]))
            elif kind == "eager":
                values.append(_numpy(e))
            else:
                values.append(None)
        if not nest.is_nested(fetches):
            return values[0]
        return nest.pack_sequence_as(fetches, values)

    def make_callable(self, fetches, feed_list=None, accept_options=False):
        """A function of the values of `feed_list` (in order) that runs `fetches`."""
        feed_list = list(feed_list or ())

        def run(*values, **unused):
            return self.run(fetches, dict(zip(feed_list, values)))
        return run

    def _fetch_element(self, fetch):
        if isinstance(fetch, str):
            fetch = self._graph.as_graph_element(fetch)
        if isinstance(fetch, (Tensor, Operation)):
            if fetch.graph is not self._graph:
                raise ValueError(f"Fetch argument {fetch!r} cannot be interpreted as a Tensor. ({fetch} is not an "
                                 f"element of this graph: the session runs another graph; create the session with "
                                 f"tf.compat.v1.Session(graph=...) for the graph that holds it.)")
            return ("tensor" if isinstance(fetch, Tensor) else "operation"), fetch
        if isinstance(fetch, _pt.Variable):
            owner = getattr(fetch, "_graph", None)
            if owner is None:
                return "eager", fetch
            if owner is not self._graph:
                raise ValueError(f"Fetch argument {fetch.name!r} cannot be interpreted as a Tensor: the variable is "
                                 f"not an element of this session's graph.")
            return "variable", fetch
        if isinstance(fetch, _pt.Tensor):
            return "eager", fetch
        raise TypeError(f"Fetch argument {fetch!r} has invalid type {type(fetch)}, must be a string or Tensor. (Can "
                        f"not convert a {type(fetch).__name__} into a Tensor or Operation.)")

    def _feeds(self, feed_dict):
        feeds, values = [], []
        for key, value in (feed_dict or {}).items():
            t = self._graph.as_graph_element(key) if isinstance(key, str) else key
            if not isinstance(t, Tensor):
                raise TypeError(f"Cannot interpret feed_dict key {key!r} as a Tensor: feed_dict keys must be "
                                f"placeholders or other tensors of the graph, got a {type(key).__name__}.")
            if t.graph is not self._graph:
                raise ValueError(f"Cannot interpret feed_dict key as Tensor: Tensor {t} is not an element of this "
                                 f"graph.")
            feeds.append(t)
            values.append(_feed_value(t, value))
        return feeds, values

    def _check_initialized(self, step):
        """The graph variables `step` initialises; FailedPreconditionError for one it reads uninitialised."""
        done = set(self._initialized)
        initialized = set()
        reads = [(op, v) for op in step.plan for v in op._reads] + [(None, v) for v in step.variables]
        by_op = {}
        for op, v in reads:
            by_op.setdefault(None if op is None else op._id, []).append(v)
        for op in step.plan + [None]:
            for v in by_op.get(None if op is None else op._id, ()):
                if self._graph._needs_initializer(v) and id(v) not in done:
                    name = v.name[:-2] if v.name.endswith(":0") else v.name
                    raise errors.FailedPreconditionError(
                        f"Attempting to use uninitialized value {name}"
                        f"{'' if op is None else f' (in operation {op.name!r})'}: run its initializer first, e.g. "
                        f"sess.run(tf.compat.v1.global_variables_initializer()).")
            if op is not None:
                for v in op._initializes:
                    done.add(id(v))
                    initialized.add(id(v))
        return initialized

    # ---- life cycle ----
    def close(self):
        """Frees the session; running it afterwards raises RuntimeError."""
        self._closed = True
        self._steps.clear()

    @contextlib.contextmanager
    def as_default(self):
        """Makes this the default session for the block (``Tensor.eval()``, ``Operation.run()``); does not close
        it."""
        stack = _session_stack()
        stack.append(self)
        try:
            yield self
        finally:
            stack.remove(self)

    def __enter__(self):
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        self._default_context = self.as_default()
        self._default_context.__enter__()
        return self

    def __exit__(self, *exc):
        self._default_context.__exit__(*exc)
        self._default_context = None
        self.close()
        return False


class Session(BaseSession):
    """A TF1 session: ``with tf.compat.v1.Session() as sess: sess.run(fetches, feed_dict)``.

    Example:
        >>> a = tf.compat.v1.placeholder(tf.float32, name="a")
        >>> b = tf.compat.v1.placeholder(tf.float32, name="b")
        >>> with tf.compat.v1.Session() as sess:
        ...     sess.run(a + b, feed_dict={a: 4, b: 5})
        9.0
    """

    def __repr__(self):
        return f"<pytensor.compat.v1.Session object at 0x{id(self):x}>"


class InteractiveSession(BaseSession):
    """A session that makes itself the default one on creation (for ``t.eval()`` in shells), until closed."""

    def __init__(self, target="", graph=None, config=None):
        super().__init__(target, graph, config)
        _session_stack().append(self)

    def close(self):
        super().close()
        stack = _session_stack()
        if self in stack:
            stack.remove(self)


def _clear_default_session():
    _session_stack().clear()


def _numpy(value):
    arr = np.array(value)  # a writable copy, as TF returns
    return arr[()] if arr.ndim == 0 else arr


def _feed_value(t, value):
    """`value` as a tensor of placeholder `t`'s dtype, checked against its static shape (TF's rules: numpy
    conversion to the dtype; a float fed to an integer or bool tensor, or text, is a TypeError here)."""
    if isinstance(value, (Tensor, Operation)):
        raise TypeError(f"The value of a feed cannot be a tf.Tensor object ({value!r} fed to {t.name}). Acceptable "
                        f"feed values include Python scalars, strings, lists, numpy ndarrays, or TensorHandles.")
    dtype = t.dtype
    if isinstance(value, (_pt.Tensor, _pt.Variable)):
        if value.dtype != dtype:
            raise TypeError(f"Cannot feed a tensor of dtype {value.dtype.name} for Tensor {t.name}, which has dtype "
                            f"{dtype.name}; cast it with tf.cast(value, tf.{dtype.name}).")
        value = value.numpy()
    arr = np.asarray(value)
    target = np.dtype(dtype.as_numpy_dtype)
    if arr.dtype.kind in "USO" or (arr.dtype.kind in "fc" and target.kind in "iub"):
        raise TypeError(f"Cannot feed a value of dtype {arr.dtype} for Tensor {t.name}, which has dtype {dtype.name}; "
                        f"convert it first, e.g. np.asarray(value).astype({target.name!r}).")
    if isinstance(value, int) and not isinstance(value, bool) and target.kind in "iu":
        info = np.iinfo(target)
        if not info.min <= value <= info.max:
            raise TypeError(f"Type of feed value {value} with type {type(value)} is not compatible with Tensor type "
                            f"{dtype.name} of {t.name}: it does not fit.")
    arr = np.asarray(arr, dtype=target)
    if not t.shape.is_compatible_with(TensorShape(list(arr.shape))):
        raise ValueError(f"Cannot feed value of shape {arr.shape} for Tensor {t.name}, which has shape {t.shape}")
    return _pt.convert_to_tensor(arr if arr.flags.c_contiguous else arr.copy())
