"""Dtype objects (``pt.float32`` ...) that compare equal to numpy dtypes and names."""

from . import _core

__all__ = ["DType", "as_dtype", "bool", "uint8", "int32", "int64", "float32", "float64", "float16", "bfloat16",
           "int8", "int16", "uint16", "uint32", "uint64", "complex64", "complex128", "half", "double", "qint8", "quint8",
           "qint16", "quint16", "qint32"]

_builtin_bool = bool


class DType:
    """An element type, as ``tf.DType``: ``pt.float32.name == "float32"``.

    Example:
        >>> pt.float32 == np.float32
        True
    """

    __slots__ = ("_name", "_index")

    def __init__(self, name, index):
        self._name = name
        self._index = index

    @property
    def name(self):
        return self._name

    @property
    def as_numpy_dtype(self):
        """numpy's scalar type (bfloat16: ml_dtypes', as TF's; a quantized dtype: TF's one-field structured dtype
        over its integer storage, ``[('qint8', 'i1')]``)."""
        if self.is_quantized:
            return _np().dtype([(self._name, _QUANTIZED_STORAGE[self._name])])
        return _numpy_bfloat16() if self is bfloat16 else _np().dtype(self._name).type

    @property
    def is_quantized(self):
        """True for TF's quantized integer dtypes (qint8, quint8, qint16, quint16, qint32): tf.quantization's; no
        tensor of pytensor has one (quantize returns their integer storage)."""
        return self._name in _QUANTIZED_STORAGE

    @property
    def is_floating(self):
        return self._name in ("float16", "bfloat16", "float32", "float64")

    @property
    def is_integer(self):
        return self._name in ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")

    @property
    def is_complex(self):
        return self._name in ("complex64", "complex128")

    @property
    def is_numeric(self):
        return self.is_floating or self.is_integer or self.is_complex

    @property
    def is_bool(self):
        return self._name == "bool"

    @property
    def is_unsigned(self):
        return self._name in ("bool", "uint8", "uint16", "uint32", "uint64")

    @property
    def real_dtype(self):
        """The dtype of a complex dtype's parts (itself for real dtypes), as TF's."""
        return {"complex64": float32, "complex128": float64}.get(self._name, self)

    @property
    def size(self):
        return _np().dtype(self.as_numpy_dtype).itemsize

    @property
    def base_dtype(self):
        return self

    @property
    def min(self):
        return _builtin_bool(False) if self.is_bool else self._info().min

    @property
    def max(self):
        return _builtin_bool(True) if self.is_bool else self._info().max

    def _info(self):
        if self.is_quantized:
            raise TypeError(f"Cannot find minimum value of {self} with quantized type {self}.")
        if self.is_complex:
            raise TypeError(f"Cannot find minimum value of {self}: complex numbers are not ordered")
        if self is bfloat16:
            return _ml_dtypes().finfo(_numpy_bfloat16())
        np = _np()
        return (np.finfo if self.is_floating else np.iinfo)(self._name)

    def __repr__(self):
        return f"pt.{self._name}"

    def __str__(self):
        return f"<dtype: '{self._name}'>"

    def __eq__(self, other):
        if other is self:
            return True
        try:
            return as_dtype(other) is self
        except TypeError:
            return False

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        return hash(self._name)

    def __reduce__(self):
        return as_dtype, (self._name,)


# In the core's DType order (csrc/core/dtype.h).
bool = DType("bool", 0)  # noqa: A001 - TF's name
uint8 = DType("uint8", 1)
int32 = DType("int32", 2)
int64 = DType("int64", 3)
float32 = DType("float32", 4)
float64 = DType("float64", 5)
float16 = DType("float16", 6)
bfloat16 = DType("bfloat16", 7)
int8 = DType("int8", 8)
int16 = DType("int16", 9)
uint16 = DType("uint16", 10)
uint32 = DType("uint32", 11)
uint64 = DType("uint64", 12)
complex64 = DType("complex64", 13)
complex128 = DType("complex128", 14)

double = float64  # TF's aliases
half = float16

# TF's quantized dtypes: names and properties only (no core dtype; `_index` None), with their integer storage.
_QUANTIZED_STORAGE = {"qint8": "i1", "quint8": "u1", "qint16": "<i2", "quint16": "<u2", "qint32": "<i4"}
qint8 = DType("qint8", None)
quint8 = DType("quint8", None)
qint16 = DType("qint16", None)
quint16 = DType("quint16", None)
qint32 = DType("qint32", None)

_ALL = (bool, uint8, int32, int64, float32, float64, float16, bfloat16, int8, int16, uint16, uint32, uint64,
        complex64, complex128)
_BY_NAME = {d.name: d for d in _ALL}
_BY_NAME.update({"float": float32, "double": float64, "int": int32, "long": int64, "half": float16,
                 "complex": complex128})
# Quantized dtypes name no tensor dtype: as_dtype knows them, the core's spelling table (_aliases) does not.
_QUANTIZED_BY_NAME = {d.name: d for d in (qint8, quint8, qint16, quint16, qint32)}


def _np():
    import numpy as np
    return np


def _ml_dtypes():
    try:
        import ml_dtypes
    except ImportError:
        raise ImportError("bfloat16 arrays in numpy need the ml_dtypes package (as TensorFlow's do): "
                          "pip install ml_dtypes") from None
    return ml_dtypes


def _numpy_bfloat16():
    """numpy's bfloat16 scalar type, from ml_dtypes (imported on first use)."""
    return _ml_dtypes().bfloat16


def as_dtype(value):
    """Returns the DType for a DType, a name, a numpy dtype or type, or a Python type."""
    if isinstance(value, DType):
        return value
    if isinstance(value, str):
        try:
            return _BY_NAME[value] if value in _BY_NAME else _QUANTIZED_BY_NAME[value]
        except KeyError:
            raise TypeError(f"unknown dtype name {value!r}; expected one of {sorted(_BY_NAME)}") from None
    if value is _builtin_bool:
        return bool
    if value is int:
        return int32
    if value is float:
        return float32
    if value is complex:
        return complex128
    import numpy as np
    try:
        numpy_dtype = np.dtype(value)
    except TypeError:
        raise TypeError(f"cannot interpret {value!r} as a dtype") from None
    name = numpy_dtype.name
    if numpy_dtype.names is not None and len(numpy_dtype.names) == 1 and numpy_dtype.names[0] in _QUANTIZED_STORAGE:
        return _QUANTIZED_BY_NAME[numpy_dtype.names[0]]  # TF's numpy spelling of a quantized dtype
    try:
        return _BY_NAME[name]
    except KeyError:
        raise TypeError(f"dtype {name} is not supported; pytensor supports {', '.join(d.name for d in _ALL)}") from None


def cast(x, dtype, name=None):
    """`x` converted to `dtype` (floats to integers truncate toward zero), as ``tf.dtypes.cast``."""
    return _core.cast(x, dtype)


def saturate_cast(value, dtype, name=None):
    """`value` clipped to the range of `dtype`, then cast (no wrap-around), as ``tf.dtypes.saturate_cast``."""
    import numpy as np

    target = as_dtype(dtype)
    value = value if isinstance(value, _core.Tensor) else _core.convert_to_tensor(value)
    source = as_dtype(value.dtype)
    if target.is_bool or source.is_bool:
        return _core.cast(value, target)
    low, high = target.min, target.max
    if source.is_floating:
        low, high = max(low, source.min), min(high, source.max)
        # the source's representable bounds inside the target's range, so the clipped value casts without overflow
        inside = lambda bound, limit: (float(np.nextafter(np.array(bound, source.name), 0))  # noqa: E731
                                       if abs(float(np.array(bound, source.name))) > abs(limit) else float(bound))
        low, high = inside(low, low), inside(high, high)
    else:
        low, high = max(int(low), int(source.min)), min(int(high), int(source.max))
    return _core.cast(_core.clip_by_value(value, _core.constant(low, source), _core.constant(high, source)), target)


def _aliases():
    """(spelling, DType) pairs the core resolves dtype arguments with, without calling ``as_dtype``."""
    import numpy as np
    pairs = list(_BY_NAME.items()) + [(_builtin_bool, bool), (int, int32), (float, float32)]
    for d in _ALL:
        if d is not bfloat16:  # ml_dtypes' type: as_dtype resolves it by name, so pytensor imports ml_dtypes lazily
            pairs += [(np.dtype(d.name), d), (np.dtype(d.name).type, d)]
    return pairs


_core._set_dtype_objects(list(_ALL))
_core._set_dtype_aliases(_aliases())
_core._register("as_dtype", as_dtype)
_core._register("numpy_bfloat16", _numpy_bfloat16)
