"""``experimental_enable_numpy_behavior``: numpy methods on tensors and TF's dtype-conversion modes.

TF makes this one process-wide switch; so does pytensor. "legacy" keeps each op's one-dtype rule (a tensor of
another dtype is TF's InvalidArgumentError, as TF says it) while the operators promote as numpy does; "all" and
"safe" promote every binary operator, the arithmetic functions (tf.add, tf.math.multiply, ...) and
``Variable.assign*`` by _promotion's lattice, and make ``tf.constant`` of a Python value a *weak* tensor."""

import numpy as np

from ... import _core
from ...dtypes import as_dtype
from . import _promotion

Tensor = _core.Tensor
Variable = _core.Variable

# mode: "off" until enabled; prefer_float32: Python floats become float32 rather than float64 in legacy mode
STATE = {"mode": "off", "prefer_float32": False}

# operator name -> (pytensor function name, TF op name in error messages)
_BINARY = {"add": ("add", "AddV2"), "sub": ("subtract", "Sub"), "mul": ("multiply", "Mul"),
           "truediv": ("truediv", "RealDiv"), "floordiv": ("floordiv", "FloorDiv"), "mod": ("floormod", "FloorMod"),
           "pow": ("pow", "Pow")}
_FUNCTIONS = {"add": "AddV2", "subtract": "Sub", "multiply": "Mul", "divide": "RealDiv", "truediv": "RealDiv",
              "maximum": "Maximum", "minimum": "Minimum", "pow": "Pow", "floordiv": "FloorDiv",
              "floormod": "FloorMod"}
_ORIGINALS = {}  # (owner, name) -> the attribute before numpy behaviour replaced it


def promoting():
    """Whether "all" or "safe" promotion is on."""
    return STATE["mode"] in ("all", "safe")


def default_float():
    """The float dtype of results that need one (zeros(), an integer's sqrt or mean): float32 in "all"/"safe"."""
    return "float32" if promoting() else "float64"


def python_float():
    """The dtype a Python float becomes (asarray(1.5), linspace of Python numbers): prefer_float32 applies too."""
    return "float32" if STATE["prefer_float32"] or promoting() else "float64"


def default_int():
    return "int32" if promoting() else "int64"


def is_weak(x):
    """A Python number, or a tensor made from one without a dtype while promotion is on."""
    if isinstance(x, (bool, np.bool_)):
        return False
    if isinstance(x, (int, float, complex)):
        return True
    return bool(getattr(x, "_weak", False))


def _dtype_name(x):
    if isinstance(x, (Tensor, Variable)):
        return x.dtype.name
    if isinstance(x, (bool, np.bool_)):
        return "bool"
    if isinstance(x, int):
        return "int32"
    if isinstance(x, float):
        return "float32"
    if isinstance(x, complex):
        return "complex64"
    if isinstance(x, (np.ndarray, np.generic)):
        return x.dtype.name
    return np.asarray(x).dtype.name


def _mark_weak(t, weak=True):
    if weak and isinstance(t, Tensor):
        t._weak = True
    return t


def _to(x, dtype):
    """x as a tensor of dtype: a tensor is cast (the promotion decided it), anything else converted."""
    from ... import cast, convert_to_tensor

    if isinstance(x, (Tensor, Variable)):
        return x if x.dtype.name == dtype else cast(x, dtype)
    if isinstance(x, (np.ndarray, np.generic)) and x.dtype.name != dtype:
        return cast(convert_to_tensor(x), dtype)
    return convert_to_tensor(x, dtype=dtype)


def promote_pair(a, b):
    """a and b converted to their promoted dtype under the current mode, and whether the result is weak."""
    if promoting():
        out, weak = _promotion.result_dtype(STATE["mode"], _dtype_name(a), is_weak(a), _dtype_name(b), is_weak(b))
        return _to(a, out), _to(b, out), weak
    # legacy: numpy's result_type; a Python number takes the other operand's dtype when its kind allows
    if is_weak(a) != is_weak(b):
        out = _legacy_with_scalar(b, a) if is_weak(a) else _legacy_with_scalar(a, b)
    else:
        out = _promotion.numpy_result_dtype(_dtype_name(a), _dtype_name(b))
    return _to(a, out), _to(b, out), False


def _legacy_with_scalar(x, scalar):
    name = _dtype_name(x)
    kind = as_dtype(name)
    if isinstance(scalar, complex) and not kind.is_complex:
        return "complex128"
    if isinstance(scalar, float) and not (kind.is_floating or kind.is_complex):
        return python_float()
    return name


def _operator(name, reflected, function):
    def method(self, other):
        if not isinstance(other, (Tensor, Variable, int, float, complex, bool, np.ndarray, np.generic, list, tuple)):
            return NotImplemented
        a, b = (other, self) if reflected else (self, other)
        a, b, weak = promote_pair(a, b)
        return _mark_weak(function(a, b), weak)

    method.__name__ = f"__{'r' if reflected else ''}{name}__"
    return method


def _unary_operator(original):
    """A unary operator whose result keeps its operand's weakness (-tf.constant(5) is weak, as in TF)."""
    def method(self):
        return _mark_weak(original(self), is_weak(self))

    method.__name__ = original.__name__
    return method


def _legacy_mismatch(tf_op, inputs):
    """TF's eager error for operands of two dtypes: InvalidArgumentError naming the input and both dtypes."""
    from ...errors import InvalidArgumentError

    first = inputs[0].dtype.name
    for index, t in enumerate(inputs[1:], 1):
        if t.dtype.name != first:
            return InvalidArgumentError(
                f"cannot compute {tf_op} as input #{index}(zero-based) was expected to be a {first} tensor but is a "
                f"{t.dtype.name} tensor [Op:{tf_op}] name: ")
    return None


def _function(original, tf_op):
    def wrapper(x, y, name=None):
        from ... import convert_to_tensor

        if promoting():
            a, b, weak = promote_pair(x, y)
            return _mark_weak(original(a, b), weak)
        # legacy: numpy arrays keep their dtype (as tensors do); a Python value takes the other operand's
        if isinstance(x, (Tensor, Variable, np.ndarray, np.generic)):
            a = convert_to_tensor(x)
            b = y if isinstance(y, (Tensor, Variable)) else _to(y, a.dtype.name)
        elif isinstance(y, (Tensor, Variable, np.ndarray, np.generic)):
            b = convert_to_tensor(y)
            a = _to(x, b.dtype.name)
        else:
            return original(x, y)
        error = _legacy_mismatch(tf_op, [a, b])
        if error is not None:
            raise error
        return original(a, b)

    wrapper.__name__ = getattr(original, "__name__", tf_op)
    wrapper.__doc__ = getattr(original, "__doc__", None)
    wrapper._numpy_behavior_original = original
    return wrapper


def _constant(original):
    def constant(value, dtype=None, shape=None, name="Const"):
        out = original(value, dtype=dtype, shape=shape, name=name)
        if dtype is None and promoting() and not isinstance(value, (Tensor, Variable, np.ndarray, np.generic)):
            return _mark_weak(out)
        return out

    constant.__doc__ = original.__doc__
    return constant


def _assign(original):
    def assign(self, value, use_locking=False, name=None, read_value=True):
        if promoting() and isinstance(value, (Tensor, Variable)) and value.dtype != self.dtype:
            out, _ = _promotion.result_dtype(STATE["mode"], self.dtype.name, False, value.dtype.name,
                                             is_weak(value))
            if out == self.dtype.name:
                value = _to(value, out)
        return original(self, value, use_locking=use_locking, name=name, read_value=read_value)

    return assign


def _replace(owner, name, value):
    key = (owner, name)
    if key not in _ORIGINALS:
        _ORIGINALS[key] = owner.__dict__.get(name) if isinstance(owner, type) else getattr(owner, name)
    setattr(owner, name, value)


def _original(owner, name):
    return _ORIGINALS.get((owner, name), owner.__dict__.get(name) if isinstance(owner, type) else getattr(owner, name))


def enable(prefer_float32=False, dtype_conversion_mode="legacy"):
    """Installs numpy behaviour (see the module docstring); calling it again switches the mode."""
    import pytensor
    from pytensor import math as pt_math

    from . import _methods

    if dtype_conversion_mode not in ("legacy", "all", "safe"):
        raise ValueError(f"experimental_enable_numpy_behavior: dtype_conversion_mode must be 'legacy', 'all' or "
                         f"'safe', got {dtype_conversion_mode!r}")
    first = STATE["mode"] == "off"
    STATE.update(mode=dtype_conversion_mode, prefer_float32=bool(prefer_float32))
    if not first:
        return
    for cls in (Tensor, Variable):
        for op, (function_name, _) in _BINARY.items():
            function = getattr(pytensor, function_name, None) or getattr(pt_math, function_name)
            _replace(cls, f"__{op}__", _operator(op, False, function))
            _replace(cls, f"__r{op}__", _operator(op, True, function))
    for op in ("__neg__", "__abs__"):
        _replace(Tensor, op, _unary_operator(_original(Tensor, op)))
    _methods.install(Tensor)  # TF adds them to tensors only
    for module in (pytensor, pt_math):
        for fn, tf_op in _FUNCTIONS.items():
            if hasattr(module, fn):
                _replace(module, fn, _function(_original(module, fn), tf_op))
    _replace(pytensor, "constant", _constant(_original(pytensor, "constant")))
    for method in ("assign", "assign_add", "assign_sub"):
        _replace(Variable, method, _assign(_original(Variable, method)))
