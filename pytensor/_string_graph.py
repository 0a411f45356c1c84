"""String tensors inside ``tf.function``: traced once per dtype and shape, as in TF, not once per value.

String tensors live host-side (StringTensor) and their ops are Python, so a graph holds no string values. A trace
gives each string argument a placeholder (``SymbolicString``: the call's value, which it keeps to itself), and each
string op applied to placeholders (the functions ``string_op`` wraps: ``tf.strings``, ``+``, indexing) runs on their
values now, for the trace's own result, and adds a host callback to the graph that runs it again on every call. A
call's strings travel beside the graph's tensors: ``running(values)`` makes them the placeholders' values while the
graph runs, each callback reads its string inputs there and writes its string results there, and its numeric results
into variables the graph reads after it (as ``tf.py_function``'s).

A placeholder's value read any other way (``numpy()``, a comparison, code that is no wrapped op) may have gone into
the graph as a constant: the trace then notes it (``strings_read``) and its graph serves that value only, as before.
"""

import functools
import threading

import numpy as np

from . import nest
from .data._types import StringTensor
from .errors import InvalidArgumentError

__all__ = ["SymbolicString", "string_op", "running"]

_state = threading.local()  # .values: {slot: object array} of the graph running on this thread


class SymbolicString(StringTensor):
    """A string value of a trace: slot `slot` of its graph's strings, printed as TF prints a placeholder."""

    def __init__(self, value, trace, slot, name):
        self._value = value
        self._trace = trace
        self._slot = slot
        self._name = name

    @property
    def _array(self):
        self._trace.strings_read = True  # the value itself: whatever the reader makes of it holds this value only
        return self._value

    @property
    def _layout(self):
        return self._value

    def __repr__(self):
        return f'pt.Tensor("{self._name}", shape={tuple(self._value.shape)}, dtype=string)'

    __str__ = __repr__


def running(values):
    """A context for a graph run whose string arguments have `values` (object arrays, in slot order)."""
    return _Running(values)


class _Running:
    def __init__(self, values):
        self.values = dict(enumerate(values))

    def __enter__(self):
        self.previous = getattr(_state, "values", None)
        _state.values = self.values
        return self.values

    def __exit__(self, *exc):
        _state.values = self.previous


def string_op(fn):
    """`fn`, recorded into the graph being traced when an argument is a trace's string placeholder (see above)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from . import _function
        if not _function._traces():
            return fn(*args, **kwargs)
        leaves = nest.flatten((list(args), kwargs))
        if not any(isinstance(leaf, SymbolicString) for leaf in leaves):
            return fn(*args, **kwargs)
        return _record(fn, args, kwargs, leaves)
    return wrapper


def _record(fn, args, kwargs, leaves):
    from . import _function
    from ._tensor_api import Tensor, Variable
    trace = _function._traces()[-1]
    capture = trace.capture
    strings = {i: leaf for i, leaf in enumerate(leaves) if isinstance(leaf, SymbolicString)}
    if any(leaf._trace is not trace for leaf in strings.values()):  # another trace's value: that trace's own
        return fn(*args, **kwargs)
    numeric = [i for i, leaf in enumerate(leaves) if isinstance(leaf, Tensor) and capture.symbolic(leaf)]
    name = getattr(fn, "__name__", "string_op").strip("_")

    def run(string_values, numeric_values):
        filled = list(leaves)
        for i, leaf in strings.items():
            filled[i] = StringTensor(string_values[leaf._slot])
        for i, value in zip(numeric, numeric_values):
            filled[i] = value
        a, k = nest.pack_sequence_as((list(args), kwargs), filled)
        return fn(*a, **k)

    with _function.outside_capture():
        first = run({leaf._slot: leaf._value for leaf in strings.values()}, [leaves[i] for i in numeric])
        results = nest.flatten(first)
        outputs = []  # per result leaf: ("string", slot), ("tensor", variable) or None (a Python value)
        for value in results:
            if isinstance(value, StringTensor):
                outputs.append(("string", _new_slot(trace)))
            elif isinstance(value, Tensor):
                outputs.append(("tensor", Variable(value, trainable=False, name=f"{name}_output")))
            else:
                outputs.append(None)
                if value is not None:  # a Python value computed from the strings: this value's graph only
                    trace.strings_read = True

    def call(values):
        strings_now = _state.values
        with _function.outside_capture():
            result = nest.flatten(run(strings_now, values))
            if len(result) != len(outputs):
                raise InvalidArgumentError(f"tf.strings op {name}: returned {len(result)} values where its trace "
                                           f"returned {len(outputs)}")
            for (kind, where), value, traced in ((o, v, t) for o, v, t in zip(outputs, result, results) if o):
                if tuple(np.shape(value)) != tuple(np.shape(traced)):
                    raise InvalidArgumentError(
                        f"tf.strings op {name}: result of shape {tuple(np.shape(value))} where the traced call's had "
                        f"shape {tuple(np.shape(traced))}; inside tf.function a string op's results keep the traced "
                        f"shapes")
                if kind == "string":
                    strings_now[where] = value._array
                else:
                    where.assign(value)

    capture.add_callback(call, [leaves[i] for i in numeric], name)
    filled = []
    for (value, output) in zip(results, outputs):
        if output is None:
            filled.append(value)
        elif output[0] == "string":
            filled.append(SymbolicString(value._array, trace, output[1], f"{name}:{len(filled)}"))
        else:
            filled.append(output[1].read_value())
    return nest.pack_sequence_as(first, filled)


def _new_slot(trace):
    slot = trace.string_slots
    trace.string_slots += 1
    return slot


# StringTensor's operators are string ops too; data._types, which defines the class, cannot import this module.
for _operator in ("__add__", "__radd__", "__getitem__"):
    setattr(StringTensor, _operator, string_op(getattr(StringTensor, _operator)))
