"""Python-side parts of Tensor and Variable: printing, iteration, Variable methods."""

import functools
import inspect
import threading

from . import _core
from ._scopes import current_name_scope, variable_creators
from .distribute import _context as _distribute_context
from .errors import InvalidArgumentError
from .tensor_shape import TensorShape

Tensor = _core.Tensor
Variable = _core.Variable


def _to_numpy(value):
    """Fallback conversion for objects the core cannot read directly (lists of tensors, user types with a
    registered conversion function, ...)."""
    import numpy as np
    from ._tf_misc import _CONVERSIONS, registered_conversion

    if _CONVERSIONS:
        converted = registered_conversion(value)
        if converted is not None:
            return _to_numpy(converted) if isinstance(converted, (Tensor, Variable)) else np.asarray(converted)
    if isinstance(value, (list, tuple)):
        value = [_to_numpy(v) if isinstance(v, (list, tuple, Tensor, Variable)) else v for v in value]
    elif isinstance(value, (Tensor, Variable)):
        return value.numpy()
    return np.asarray(value)


def _symbolic_form(self):
    """TF's form of a traced value while tf.function traces (its value is not known then), else None."""
    name = _core._symbolic_name(self)
    if name is None:
        return None
    from ._function import shown_placeholder
    name, shape = shown_placeholder(self) or (name, self.shape)
    return f'pt.Tensor("{name}", shape={shape}, dtype={self.dtype.name})'


def _tensor_str(self):
    symbolic = _symbolic_form(self)
    if symbolic is not None:
        return symbolic
    body = str(self.numpy())  # as TF: numpy's str (a scalar prints 5.0, an array [5.  1.5])
    sep = "\n" if "\n" in body else ""  # TF starts multi-line values on their own line
    return f"pt.Tensor({sep}{body}, shape={self.shape}, dtype={self.dtype.name})"


def _tensor_repr(self):
    symbolic = _symbolic_form(self)
    if symbolic is not None:
        return f"<{symbolic}>"
    arr = self.numpy()
    body = repr(arr) if arr.ndim else str(arr)
    return f"<pt.Tensor: shape={self.shape}, dtype={self.dtype.name}, numpy={body}>"


def _tensor_iter(self):
    if self.ndim == 0:
        raise TypeError("iterating over a 0-d tensor is not allowed")
    return iter(_core.unstack(self))


def _variable_repr(self):
    arr = self.numpy()
    body = repr(arr) if arr.ndim else str(arr[()])  # a scalar as TF shows it: numpy=5.0, not np.float32(5.0)
    return f"<pt.Variable '{self.name}' shape={self.shape} dtype={self.dtype.name}, numpy={body}>"


def _variable_assign(self, value, use_locking=None, name=None, read_value=True):
    """Assigns a new value to the variable, as ``tf.Variable.assign``.

    Args:
        value: a tensor or tensor-like of the variable's shape and dtype (Python numbers convert to it).
        use_locking: accepted for TensorFlow compatibility; ignored.
        name: accepted for TensorFlow compatibility; ignored.
        read_value: if True, return the variable; if False, return None.

    Example:
        >>> v = pt.Variable([1.0, 2.0])
        >>> v.assign([3.0, 4.0]).numpy()
    """
    try:
        self._assign(value)
    except InvalidArgumentError:
        shape = tuple(value.shape) if isinstance(value, (Tensor, Variable)) else _to_numpy(value).shape
        if shape == tuple(self.shape):
            raise
        # TF checks the shape in Python and raises ValueError, in these words (its quote and space included).
        raise ValueError(f"Cannot assign value to variable ' {self.name}': Shape mismatch.The variable shape "
                         f"{tuple(self.shape)}, and the assigned value shape {shape} are incompatible.") from None
    return self if read_value else None


def _variable_assign_add(self, delta, use_locking=None, name=None, read_value=True):
    """Adds ``delta`` to the variable, as ``tf.Variable.assign_add``; arguments as :meth:`assign`.

    Example:
        >>> pt.Variable([1.0, 2.0]).assign_add([0.5, 0.5]).numpy()
    """
    self._assign_add(delta)
    return self if read_value else None


def _variable_assign_sub(self, delta, use_locking=None, name=None, read_value=True):
    """Subtracts ``delta`` from the variable, as ``tf.Variable.assign_sub``; arguments as :meth:`assign`.

    Example:
        >>> pt.Variable([1.0, 2.0]).assign_sub([0.5, 0.5]).numpy()
    """
    self._assign_sub(delta)
    return self if read_value else None


def _rebuild_tensor(value):
    return _core.convert_to_tensor(value)


def _tensor_reduce(self):
    # As TF's EagerTensor: pickled by value (a numpy copy), rebuilt with convert_to_tensor.
    import numpy as np
    return _rebuild_tensor, (np.array(self),)


def _rebuild_variable(value, trainable, name):
    return Variable(value, trainable=trainable, name=name)


def _variable_reduce(self):
    # As TF's ResourceVariable: value, trainable and name; attributes set on the variable ride along as state.
    state = self.__dict__ or None
    return _rebuild_variable, (self.numpy(), self.trainable, self._variable_name), state


def _variable_deepcopy(self, memo):
    rebuild, args, state = _variable_reduce(self)
    copied = rebuild(*args)
    memo[id(self)] = copied
    if state:
        import copy
        copied.__dict__.update(copy.deepcopy(state, memo))
    return copied


class _VariableSlice(Tensor):
    """``v[key]``: the sliced value, with ``assign`` writing back into the variable (as TF)."""

    def __init__(self, value, variable, key):
        super().__init__(value)
        self._variable = variable
        self._key = key

    def assign(self, value, use_locking=None, name=None, read_value=True):
        self._variable._assign_slice(self._key, value)
        return self._variable if read_value else None


def _variable_getitem(self, key):
    return _VariableSlice(self.read_value()[key], self, key)


def _variable_name(self):
    # Keras 3 names the variables it makes by their own name ('kernel', no ':0'); `path` holds the full one.
    keras_name = self.__dict__.get("_keras_name")
    return self._variable_name + ":0" if keras_name is None else keras_name


def _variable_iter(self):
    return iter(self.read_value())


_core_variable_init = Variable.__init__


def _variable_init(self, initial_value=None, trainable=None, validate_shape=True, caching_device=None, name=None,
                   variable_def=None, dtype=None, import_scope=None, constraint=None, synchronization=None,
                   aggregation=None, shape=None, experimental_enable_variable_lifting=True):
    """TF's ``tf.Variable`` signature: a callable `initial_value` is called; the name takes the name scope."""
    if initial_value is None:
        raise ValueError("tf.Variable: initial_value must be given (a value, or a callable that returns one)")
    if callable(initial_value):
        initial_value = initial_value()
    if constraint is not None and not callable(constraint):
        raise ValueError(f"tf.Variable: the constraint must be callable, got {constraint!r}")
    _core_variable_init(self, initial_value, True if trainable is None else bool(trainable),
                        current_name_scope() + (name or "Variable"), dtype)
    if shape is not None and not TensorShape(shape).is_compatible_with(self.shape):
        raise ValueError(f"In this `tf.Variable` creation, the initial value's shape ({self.shape}) is not "
                         f"compatible with the explicitly supplied `shape` argument ({TensorShape(shape)}).")
    self.constraint = constraint
    _distribute_context.variable_created(self)  # under strategy.scope(): mirrored, the chief's value


_VARIABLE_SIGNATURE = inspect.signature(_variable_init)  # the kwargs a variable creator receives
_core_variable_new = Variable.__new__
_made_by_creators = threading.local()  # .variable: what the creators returned, which tf.Variable's __init__ skips


def _variable_new(cls, *args, **kwargs):
    """tf.Variable(...) inside variable_creator_scopes: the innermost creator's result (see
    variable_creator_scope); elsewhere, and for subclasses, a new variable as usual."""
    creators = variable_creators()
    if cls is not Variable or not creators:
        return _core_variable_new(cls)
    bound = _VARIABLE_SIGNATURE.bind(None, *args, **kwargs)
    bound.apply_defaults()
    arguments = dict(list(bound.arguments.items())[1:])

    def create(**kw):
        variable = _core_variable_new(Variable)
        _variable_init(variable, **kw)
        return variable

    for creator in creators:  # each creator's next_creator is the one of the scope around it
        create = functools.partial(creator, create)
    made = create(**arguments)
    if isinstance(made, Variable):  # Python calls __init__ on it next (not on another type a creator returned)
        _made_by_creators.variable = made
    return made


def _variable_init_or_skip(self, *args, **kwargs):
    if getattr(_made_by_creators, "variable", None) is self:  # made by the creators' chain already
        _made_by_creators.variable = None
        return
    _variable_init(self, *args, **kwargs)


def _variable_init_extra(cls):
    cls.__new__ = _variable_new
    cls.__init__ = _variable_init_or_skip
    cls.__repr__ = _variable_repr
    cls.__str__ = _variable_repr
    cls.assign = _variable_assign
    cls.assign_add = _variable_assign_add
    cls.assign_sub = _variable_assign_sub
    cls.__getitem__ = _variable_getitem
    cls.__iter__ = _variable_iter
    cls.name = property(_variable_name)
    cls.path = property(lambda self: self._variable_name)
    cls.ref = lambda self: _Ref(self)
    cls.experimental_ref = cls.ref
    cls.get_shape = lambda self: self.shape
    cls.device = property(lambda self: self.value().device)
    cls.__array_priority__ = 100
    cls.__reduce__ = _variable_reduce
    cls.__copy__ = lambda self: self  # TF: a shallow copy of a variable is the variable
    cls.__deepcopy__ = _variable_deepcopy


class _Ref:
    """A hashable reference to a tensor or variable (``x.ref()``), as TF."""

    __slots__ = ("_obj",)

    def __init__(self, obj):
        self._obj = obj

    def deref(self):
        return self._obj

    def __hash__(self):
        return id(self._obj)

    def __eq__(self, other):
        return isinstance(other, _Ref) and other._obj is self._obj


Tensor.__str__ = _tensor_str
Tensor.__repr__ = _tensor_repr
Tensor.__iter__ = _tensor_iter
Tensor.ref = lambda self: _Ref(self)
Tensor.__array_priority__ = 100  # numpy defers `ndarray + tensor` to the tensor
Tensor.get_shape = lambda self: self.shape
Tensor.experimental_ref = Tensor.ref
Tensor.__reduce__ = _tensor_reduce
Tensor.__copy__ = lambda self: self  # immutable: a copy is the tensor itself, as TF's EagerTensor
Tensor.__deepcopy__ = lambda self, memo: self
Tensor.__format__ = lambda self, format_spec: self.numpy().__format__(format_spec)  # f"{loss:0.2f}", as TF
_variable_init_extra(Variable)

_core._register("TensorShape", TensorShape)
_core._register("to_numpy", _to_numpy)
