"""TF's execution context: ``tf.name_scope``, ``tf.device``, ``tf.init_scope``, ``tf.executing_eagerly``.

pytensor runs eagerly. Name scopes prefix the names of variables created inside them (as TF's do in eager mode);
device scopes accept TF's device strings and place new tensors on the GPU of a CUDA build where one is present,
else on the CPU, as TF's soft placement does on a machine without the requested device.
"""

import contextlib
import threading

from . import _core

__all__ = ["name_scope", "device", "init_scope", "executing_eagerly", "current_name_scope", "get_current_name_scope",
           "variable_creator_scope"]

CPU_DEVICE = "/job:localhost/replica:0/task:0/device:CPU:0"

_state = threading.local()


def current_name_scope():
    """The name scope active on this thread: ``''`` at top level, else ``'outer/inner/'``."""
    return getattr(_state, "name_scope", "")


def get_current_name_scope():
    """The active name scope as TF 2 returns it: ``''`` at top level, else ``'outer/inner'``."""
    return current_name_scope().rstrip("/")


class name_scope:  # noqa: N801 - TF's name
    """A context manager that prefixes the names of variables created inside it, as ``tf.name_scope``.

    Entering returns the full scope (``'outer/inner/'``). A name that ends in ``'/'`` is taken as a full scope
    rather than nested under the current one; ``''`` returns to the top level.

    Example:
        >>> with pt.name_scope("block") as scope:
        ...     v = pt.Variable(1.0, name="w")
        >>> scope, v.name
        ('block/', 'block/w:0')
    """

    def __init__(self, name):
        if not isinstance(name, str):
            raise ValueError(f"name for name_scope must be a string, got {type(name).__name__} {name!r}")
        self._name = name
        self._saved = []

    @property
    def name(self):
        """The name this scope was created with."""
        return self._name

    def __enter__(self):
        outer = current_name_scope()
        if not self._name:
            scope = ""
        elif self._name.endswith("/"):
            scope = self._name
        else:
            scope = outer + self._name + "/"
        self._saved.append(outer)  # a list: one scope object may be entered again while active
        _state.name_scope = scope
        return scope

    def __exit__(self, exc_type, exc, tb):
        _state.name_scope = self._saved.pop()
        return False


_DEVICE_TYPES = ("CPU", "GPU", "TPU", "CUSTOM", "EPU")


def _check_device_name(device_name):
    """Parses `device_name` as TF's DeviceSpec does: '/job:x/replica:0/task:0/device:CPU:0', '/GPU:0', 'cpu'."""
    for part in device_name.split("/"):
        fields = part.split(":")
        key = fields[0]
        if not part or (len(fields) == 2 and key in ("job", "replica", "task")):
            continue
        if len(fields) in (1, 2) and key.upper() in _DEVICE_TYPES and (len(fields) == 1 or _is_index(fields[1])):
            continue
        if len(fields) == 3 and key == "device" and _is_index(fields[2]):
            continue
        raise ValueError(f"Unknown attribute {key!r} is encountered while parsing the device spec: "
                         f"{device_name!r}. Device strings look like '/CPU:0', '/GPU:0' or {CPU_DEVICE!r}")


def _is_index(field):
    return field == "*" or field.isdigit()


def _placement(device_name):
    """The core's device ("CPU" / "GPU") for a well-formed device string, or None to keep the current one: a GPU
    present (GPU:0 of a CUDA build with a GPU) is used; another device type or index is absent, and its ops go to
    the CPU (TF's soft placement)."""
    kind = index = None
    for part in device_name.split("/"):
        fields = part.split(":")
        if fields[0] == "device":
            fields = fields[1:]
        if fields and fields[0].upper() in _DEVICE_TYPES:
            kind, index = fields[0].upper(), (fields[1] if len(fields) > 1 else "0")
    if kind is None:
        return None
    if kind == "GPU" and (index == "*" or int(index) < _core.gpu_count()):
        return "GPU"
    return "CPU"


@contextlib.contextmanager
def device(device_name):
    """Places the ops of the block on `device_name`, as ``tf.device``.

    New tensors (constants, conversions of host data, ``tf.identity`` of a tensor on another device) go to the
    named device, and ops run on their inputs' device. A GPU that is not present (no CUDA build, no GPU, an index
    beyond the GPUs) places on the CPU, as TF's soft placement does, so ``Tensor.device`` then reads
    ``'/job:localhost/replica:0/task:0/device:CPU:0'``. A malformed string raises ValueError.
    """
    if callable(device_name):
        raise RuntimeError("tf.device does not support functions when eager execution is enabled; "
                           "pass a device string such as '/CPU:0'")
    placement = None
    if device_name is not None:
        if not isinstance(device_name, str):
            raise ValueError(f"tf.device: expected a device string such as '/CPU:0', got "
                             f"{type(device_name).__name__} {device_name!r}")
        _check_device_name(device_name)
        placement = _placement(device_name)
    if placement is None:
        yield
        return
    outer = _core.default_device()
    _core.set_default_device(placement)
    try:
        yield
    finally:
        _core.set_default_device(outer)


# Checks that may say ops do not run eagerly (tf.compat.v1's graph semantics append theirs).
eager_checks = []


def executing_eagerly():
    """True: pytensor runs ops eagerly (graph tracing has its own entry point); False under tf.compat.v1's graph
    semantics (disable_eager_execution, Graph.as_default)."""
    return all(check() for check in eager_checks)


@contextlib.contextmanager
def init_scope():
    """Lifts the block out of any function being built, as ``tf.init_scope``: its ops run eagerly, outside the
    graph being traced, and tapes stop recording inside it.

    Used to create variables and other state once, outside the computation being differentiated.
    """
    from . import _function  # _function imports this module
    from .gradient_tape import paused_tapes  # gradient_tape imports this module (through _tensor_api)

    with paused_tapes(), _function.outside_capture():
        yield


def variable_creators():
    """The creator functions of the variable_creator_scopes active on this thread, outermost first."""
    return getattr(_state, "variable_creators", ())


@contextlib.contextmanager
def variable_creator_scope(variable_creator):
    """Routes every ``tf.Variable`` made in the block (a Keras weight too) through
    ``variable_creator(next_creator, **kwargs)``, as ``tf.variable_creator_scope``: kwargs are tf.Variable's
    arguments (initial_value, trainable, validate_shape, caching_device, name, variable_def, dtype, import_scope,
    constraint, synchronization, aggregation, shape, experimental_enable_variable_lifting); ``next_creator(**kwargs)``
    is the enclosing scope's creator, and outside every scope tf.Variable's own. What the innermost creator returns
    is what tf.Variable returns.

    Example:
        >>> def frozen(next_creator, **kwargs):
        ...     kwargs["trainable"] = False
        ...     return next_creator(**kwargs)
        >>> with tf.variable_creator_scope(frozen):
        ...     v = tf.Variable(1.0)
        >>> v.trainable
        False
    """
    if not callable(variable_creator):
        raise TypeError(f"variable_creator_scope: variable_creator must be callable as "
                        f"variable_creator(next_creator, **kwargs), got {variable_creator!r}")
    previous = variable_creators()
    _state.variable_creators = previous + (variable_creator,)
    try:
        yield
    finally:
        _state.variable_creators = previous
